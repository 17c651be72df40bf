package pipeline

import (
	"bytes"
	"strings"
	"testing"
)

// TestIntelligence checks the intelligence section: items linked to <id>
// are visible according to each colleague's team, and a half-width query
// finds full-width text.
func TestIntelligence(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"=== Intelligence linked to a customer ===",
		"Collected 3 items about <id> 山田 太郎 and account <id>.",
		"sato (sales) sees 2 item(s) linked to <id>:",
		"suzuki (service) sees 1 item(s) linked to <id>:",
		`Search "abc sports" account:<id> → 1 hit(s):`,
		"  I-3  [ABC] [Sports] undercuts team-uniform prices in 神奈川",
	} {
		if !contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if i := strings.Index(got, "suzuki (service)"); i >= 0 {
		if j := strings.Index(got[i:], "Search"); j >= 0 && strings.Contains(got[i:i+j], "I-1") {
			t.Error("the service agent must not see I-1 (shared with sales only)")
		}
	}
}
