package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRun runs the walk-through and checks its key lines: subscription
// pushes, width-folded Japanese search, access control (the strategy item
// reaches the executive through a role grant and no one else), small-group
// suppression, alerts, and the execution report.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"  → push to tanaka (Acme watch): ｱｸﾒが ランニングシューズを20%値下げ",
		"rejected X-1 with 5 problems",
		`sato searches "アクメ 値下げ": 1 hit(s)`,
		"【アクメ】が ランニングシューズを20%【値下げ】",
		`sato searches "acme": 4 hit(s)`,
		`tanaka searches "acme supplier": 1 hit(s)`,
		"  gold     suppressed",
		"  new      suppressed",
		"  regular  n=7 NPS -14 (95% CI -76 … +47)",
		"ALERT new_competitor: new competitor Swiftfoot: 1 item(s)",
		"ALERT market_change: Competitor profiles and activity: 3 item(s), baseline 0.25",
		"evidence for D-1 as seen by tanaka: M-1, C-1, M-3",
		"evidence for D-1 as seen by suzuki: M-1, C-1\n",
		`OVERDUE A-1 "Free fitting at 20 stores"`,
		`NO ACTION for decision D-2 "Watch Swiftfoot?"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(got, "M-3") && strings.Count(got, "negotiates exclusive supply") != 2 {
		t.Errorf("M-3 must appear only in tanaka's push and search")
	}
	if t.Failed() {
		t.Logf("output:\n%s", got)
	}
}
