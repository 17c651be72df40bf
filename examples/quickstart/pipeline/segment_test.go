package pipeline

import (
	"bytes"
	"testing"
)

// TestSegmentsSection checks the segments section's key lines: members of
// segments that refer to each other, RFM cells, the Pareto figures of the
// sample's spending, the backlog order and the activation exclusions.
func TestSegmentsSection(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v", err)
	}
	got := out.String()
	for _, want := range []string{
		"=== Segments: who to talk to, 80:20, scenarios and activation ===",
		"→ 3: <id> Tokyo Bay Fitness K.K., <id> 佐藤 花子, <id> 山田 太郎",
		"R5 F5 M4  champions",
		"Pareto: 4 of 6 paying customers (67%) make 80% of ¥84500 spent",
		"1. spring restock coupon to recent buyers   quick_win",
		"⚠ no KPI; not valuable to the end customer",
		"3 considered, 1 reachable, 2 excluded",
		"send  <id> via email",
		// The journeys section's two SMS this week cap the marketing SMS here
		// too: one gate, one send history.
		"skip  <id> email: consent_denied; email: suppressed; line: no contact point; sms: cap_reached",
		"skip  <id> email: consent_unknown; line: no contact point; sms: consent_unknown",
	} {
		if !contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
