package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"  fill     prefecture             神奈川県  [jppostal]",
		"  fill     employees              45  [acme-firmographics]",
		`  keep     industry               sports & recreation  (kept "running club" from crm)  [acme-firmographics]`,
		"== enrichment run at 2025-05-01 ==\n== enrichment run at 2025-08-01 ==",
		"  refresh  employees              45  (expired 2025-06-30)  [acme-firmographics]",
		"the provider was called 2 times",
		"  industry               running club                   crm                  expires never",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", got)
	}
}
