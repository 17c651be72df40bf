package pipeline

import (
	"bytes"
	"testing"
)

// TestJourneys checks the key lines of the journeys section: stitching and
// idempotent ingestion, the timeline, the stage history, the funnel with
// its window, attribution and the gate's reasons.
func TestJourneys(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"=== Journeys: timeline, lifecycle stage, funnel and send eligibility ===",
		"Tracked 29 touchpoint rows as 28 events (1 duplicate: SHOP-301 came twice); cookie ck-7f3a joined <id> when event WEB-9003 identified it.",
		"Timeline of <id> 山田 太郎:",
		"  2025-02-20 21:14  ad_click         advertising\n",
		"  2025-02-26 20:52  online_purchase  web         ¥12800\n",
		"Stage: retain_expand since 2025-03-20",
		"  2025-02-20  (new) -> awareness  (first contact, event WEB-9001)",
		"  2025-03-20  engage -> retain_expand  (repeat purchase, event POS-7710)",
		"  ad_click         7 customers  100% of the start",
		"  online_purchase  4 customers   57% of the start  median 1d16h after the previous step",
		"Purchases by last touch (30-day lookback): 7 purchases, 0 without a prior touchpoint",
		"  email for marketing     no; consent_denied: taro.yamada@example.jp: email for marketing; suppressed [validity]: taro.yamada@old-mail.example is undeliverable\n",
		"  sms   for marketing     no; cap_reached [marketing 2 per week]: 2 of 2 sends in 168h0m0s; retry at 2025-04-03 09:00\n",
		"  sms   for transactional yes, to +819010375113\n",
	} {
		if !contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", got)
	}
}
