package pipeline

import (
	"bytes"
	"strings"
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
		"Read 69 source records (sales 27, service 11, web shop 18, marketing 13).",
		"  31 customer profiles, 24 of them known to more than one system.",
		// The engine joins records that share no e-mail or phone, on the
		// evidence of the names (the sales records have no e-mail) — but not
		// sales/S-1005 and webshop/W300123, who share nothing but 田中 健太, a
		// name thousands of people have (match.LimitCommonName).
		"beyond exact identifiers: sales/S-1020 + webshop/W300451 (山崎 彩)",
		"C005  山田 太郎  (person)",
		"  reading:      ヤマダ タロウ",
		"  born:         1985-04-12 (age 39)",
		"  account:      C001 株式会社横浜ランナーズ — 代表取締役 (decision_maker, holds buying authority)",
		"taro.yamada@old-mail.example       undeliverable, verified 2025-02-10  STALE  [from service/T-50000, sales/S-1001]",
		"taro.yamada@example.jp             valid, verified 2024-01-20  STALE",
		"    email/marketing: OPT_OUT  ← marketing opt_in 2024-01-01 by web_form; webshop opt_in 2024-01-20 by double_opt_in; service opt_out 2025-02-10 by call",
		"    sms/marketing: OPT_IN",
		"    birth_date    from sales/S-1001 by rule source_priority",
		"C025  John Smith  (person)",
		"john.smith@example.com             valid, verified 2025-03-18  [from marketing/M-7027, service/T-50136, webshop/W300492, sales/S-1021]",
		"C001  株式会社横浜ランナーズ  (account)",
		"  法人番号:     3020001077090",
		"  contact:      C005 山田 太郎 — 代表取締役 (decision_maker, holds buying authority)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(got, "S-1005 + webshop/W300123") {
		t.Errorf("sales/S-1005 and webshop/W300123 share only a common name (田中 健太), yet were joined")
	}
	if t.Failed() {
		t.Logf("output:\n%s", got)
	}
}
