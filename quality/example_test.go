package quality_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/c360/c360/quality"
	"github.com/c360/c360/quality/match"
)

// Score a plain table with the default rules of its columns' kinds.
func Example() {
	header := []string{"id", "name", "kana", "email", "postal_code", "prefecture"}
	rows := [][]string{
		{"C1", "山田", "ヤマダ", "taro@example.jp", "100-0005", "東京都"},
		{"C2", "佐藤", "さとう", "不明", "1000005", "大阪府"},
		{"C3", "鈴木", "", "suzuki@", "999-9999", "北海道"},
	}
	table, err := quality.NewTable(header, rows, "id")
	if err != nil {
		panic(err)
	}
	engine, err := quality.New(quality.Config{Fields: []quality.Field{
		{Name: "name", Kind: match.KindFamilyName},
		{Name: "kana", Kind: match.KindNameKana},
		{Name: "email", Kind: match.KindEmail},
		{Name: "postal_code", Kind: match.KindPostalCode},
		{Name: "prefecture", Kind: match.KindPrefecture},
	}})
	if err != nil {
		panic(err)
	}
	// C2: completeness 4/5 = 80, validity 2/3 (e-mail missing: skipped),
	// consistency 1/2, no uniqueness rule applies:
	// (3×80 + 3×66.67 + 2×50) / (3+3+2) = 67.50.
	a, err := engine.Assess(context.Background(), table.Records())
	if err != nil {
		panic(err)
	}
	for i := range a.Len() {
		r := a.Record(i)
		fmt.Printf("%s %6.2f %v\n", r.RecordID, r.Score, r.Reasons)
	}
	fmt.Printf("dataset %.2f\n", a.Report.Score)
	for _, rule := range a.Report.Rules {
		if rule.Failed > 0 {
			fmt.Printf("%-5s %-36s %d/%d\n", rule.Status, rule.Name, rule.Passed, rule.Passed+rule.Failed)
		}
	}
	// Output:
	// C1 100.00 []
	// C2  67.50 [invalid:kana missing:email inconsistent:prefecture]
	// C3  54.00 [missing:kana invalid:email invalid:postal_code inconsistent:kana]
	// dataset 73.83
	// fail  completeness:kana                    2/3
	// fail  validity:kana                        1/2
	// fail  completeness:email                   2/3
	// fail  validity:email                       1/2
	// fail  validity:postal_code                 2/3
	// fail  consistency:postal_code=prefecture   1/2
	// fail  consistency:name⇒kana                2/3
}

// Dates in Japanese eras, including 元年 and full-width digits.
func ExampleParseDate() {
	for _, s := range []string{"令和元年5月1日", "Ｈ３１．４．３０", "昭和64年1月7日", "昭和64年1月8日", "2024/2/29"} {
		d, err := quality.ParseDate(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(s, "→", d)
	}
	// Output:
	// 令和元年5月1日 → 2019-05-01
	// Ｈ３１．４．３０ → 2019-04-30
	// 昭和64年1月7日 → 1989-01-07
	// quality: "昭和64年1月8日": after the end of 昭和 (1989-01-07)
	// 2024/2/29 → 2024-02-29
}

// Enrichment fills gaps from offline tables, with provenance and a TTL,
// and never overwrites the customer's own data.
func ExampleEnrichment() {
	now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	rec := &quality.Enriched{ID: "C1", Fields: map[string]quality.Sourced{
		"postal_code": {Value: "〒220-0012"},
		"city":        {Value: "横浜市西区"},
		"phone":       {Value: "045-123-4567"},
	}}
	en := quality.Enrichment{Enrichers: []quality.Enricher{
		quality.PostalEnricher{TTL: 365 * 24 * time.Hour},
		quality.PhoneEnricher{},
	}}
	changes, err := en.Apply(context.Background(), rec, now)
	if err != nil {
		panic(err)
	}
	for _, c := range changes {
		fmt.Printf("%-8s %-10s %s (from %s)\n", c.Action, c.Field, c.New.Value, c.New.Source)
	}
	fmt.Println("prefecture expires", rec.Fields["prefecture"].ExpiresAt.Format("2006-01-02"))
	// Output:
	// fill     prefecture 神奈川県 (from jppostal)
	// same     city       横浜市西区 (from jppostal)
	// fill     town       みなとみらい (from jppostal)
	// fill     phone_e164 +81451234567 (from numbering_plan)
	// fill     phone_type fixed (from numbering_plan)
	// fill     phone_area 横浜 (from numbering_plan)
	// prefecture expires 2026-04-01
}

// Statuses are decided on exact counts: 18,999,999 of 20,000,000 is below
// 95% although it rounds to 95.00%.
func ExampleThreshold_Status() {
	th := quality.Threshold{Pass: quality.Percent(95), Warn: quality.Percent(80)}
	fmt.Println(th.Status(19, 20), th.Status(18_999_999, 20_000_000), th.Status(3, 4))
	// Output: pass warn fail
}

// Diff shows what a clean-up improved.
func ExampleDiff() {
	rules := []quality.Rule{quality.Required("phone"), quality.Validate("phone", quality.ValidPhone())}
	engine, err := quality.New(quality.Config{Rules: rules})
	if err != nil {
		panic(err)
	}
	report := func(phones ...string) *quality.Report {
		var recs []quality.Record
		for i, p := range phones {
			recs = append(recs, &quality.MapRecord{ID: fmt.Sprint(i), Fields: map[string][]string{"phone": {p}}})
		}
		a, err := engine.Assess(context.Background(), recs)
		if err != nil {
			panic(err)
		}
		return a.Report
	}
	// Before: 不明 is missing (score 0), 03-1234-567 invalid (score 50).
	before := report("03-1234-5678", "不明", "03-1234-567", "090-1234-5678")
	after := report("03-1234-5678", "06-6123-4567", "03-1234-5679", "090-1234-5678")
	if err := quality.Diff(before, after).WriteText(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// records 4 → 4
	// score 62.50 → 100.00 (+37.50)
	//   completeness   75.00 → 100.00 (+25.00)
	//   validity       66.67 → 100.00 (+33.33)
	// improved completeness:phone: failed 1 → 0, status fail → pass
	// improved validity:phone: failed 1 → 0, status fail → pass
}
