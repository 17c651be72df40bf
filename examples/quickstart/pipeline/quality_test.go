package pipeline

import (
	"bytes"
	"strings"
	"testing"
)

// TestDataQuality checks the key lines of the data-quality section: the
// overall score, the never-verified phones shown as stale, the consent
// coverage, and the reasons of the lowest-scoring profile (C005, whose old
// e-mail bounced).
func TestDataQuality(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v", err)
	}
	got := out.String()
	for _, want := range []string{
		"=== Data quality of the 360 profiles ===",
		"31 profiles, quality score 90.4 / 100",
		"  fail timeliness:phone                     29 of 29 fail  e.g. C001",
		"  C005  80.0  stale:phone, stale:postal_address, inaccurate:email, no_consent:phone",
		"Marketing consent known for: email 24/31 phone 0/29 direct_mail 0/17",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", got)
	}
}
