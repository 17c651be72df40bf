package pipeline

import (
	"bytes"
	"testing"
)

// TestDataQuality checks the key lines of the data-quality section: the
// overall score, the never-verified phones shown as stale, the consent
// coverage, and the reasons of the lowest-scoring profile (a web-shop
// record held for review: no birth date, no phone, kana missing).
func TestDataQuality(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v", err)
	}
	got := out.String()
	for _, want := range []string{
		"=== Data quality of the 360 profiles ===",
		"33 profiles, quality score 88.9 / 100",
		"  fail timeliness:phone                     30 of 30 fail  e.g. <id>",
		"  <id>  61.8  missing:birth_date, missing:phone, inconsistent:family_kana, inconsistent:given_kana, stale:email, no_consent:email",
		"Marketing consent known for: email 24/33 phone 0/30 direct_mail 0/17",
	} {
		if !contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", got)
	}
}
