package pipeline

import (
	"bytes"
	"testing"
)

// TestRun runs the quick start and checks the key lines of the customer 360
// section: counts, identity resolution across systems, stale contact data, consent
// resolved to the most restrictive status, account links with buying
// authority, and provenance.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"=== Customer 360: profiles from sales, service, web shop and marketing ===",
		"Read 73 source records (sales 28, service 12, web shop 20, marketing 13).",
		"Loaded the 55 records changed before 2025-03-09: 32 profiles",
		// Later changes arrive one by one; a service case with the e-mail
		// of one profile and the phone of another bridges them.
		"service/T-50190      merged   → <id> Anna Müller",
		"now redirects (true) to <id>",
		"      phone             missing  not compared (missing)",
		"33 customer profiles, 25 of them known to more than one system.",
		// A shared common name with nothing else agreeing is left for a
		// person to decide (and the quick start says why).
		"webshop/W300702      held     → <id> 田中 健太",
		"Review queue: 5 item(s) for a person to decide.",
		"webshop/W300123 (田中 健太) resembles sales/S-1005 (田中 健太), probability 0.500",
		"held at p=0.500: common name only",
		"<id>  山田 太郎  (person)",
		"  reading:      ヤマダ タロウ",
		"  born:         1985-04-12 (age 39)",
		"  account:      <id> 株式会社横浜ランナーズ — 代表取締役 (decision_maker, holds buying authority)",
		"taro.yamada@old-mail.example  undeliverable, verified 2025-02-10  STALE  [from service/T-50000, sales/S-1001]",
		"taro.yamada@example.jp        valid, verified 2024-01-20  STALE",
		"    email/marketing: OPT_OUT  ← marketing opt_in 2024-01-01 by web_form; webshop opt_in 2024-01-20 by double_opt_in; service opt_out 2025-02-10 by call",
		"    sms/marketing: OPT_IN",
		"    birth_date    from sales/S-1001 by rule source_priority",
		"<id>  John Smith  (person)",
		"john.smith@example.com  valid, verified 2025-03-18  [from marketing/M-7027, service/T-50136, webshop/W300492, sales/S-1021]",
		"<id>  株式会社横浜ランナーズ  (account)",
		"  法人番号:     3020001077090",
		"  contact:      <id> 山田 太郎 — 代表取締役 (decision_maker, holds buying authority)",
	} {
		if !contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", got)
	}
}
