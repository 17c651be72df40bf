package pipeline

import (
	"bytes"
	"strings"
	"testing"
)

// TestPrivacy checks the privacy section: the customer is exported, erased
// with an audit entry that names no personal value, and her records sent
// again by the source systems are refused.
func TestPrivacy(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	i := strings.Index(got, "=== Privacy")
	if i < 0 {
		t.Fatalf("no privacy section:\n%s", got)
	}
	sec := got[i:]
	for _, want := range []string{
		"=== Privacy: a customer asks what is held about her, then to be erased ===",
		"Export of <id> 佐藤 花子 (c360.export/v1",
		"asked by privacy desk (鈴木), 2025-04-01 09:00, \"erasure request, ticket 2025-0412\"",
		"webshop/W300041  refused: c360: record webshop/W300041 refused: its record key belongs to a person erased by erasure E",
		"marketing/M-7003  refused:",
		"Lookup of her e-mail address finds 0 profile(s).",
	} {
		if !contains(sec, want) {
			t.Errorf("output lacks %q\n%s", want, sec)
		}
	}
	audit := sec[strings.Index(sec, "Erased."):strings.Index(sec, "The next import")]
	for _, personal := range []string{"hanako", "Hanako", "花子", "W300041", "M-7003"} {
		if strings.Contains(audit, personal) {
			t.Errorf("the audit entry shows %q:\n%s", personal, audit)
		}
	}
}
