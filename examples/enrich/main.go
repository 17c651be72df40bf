// Command enrich shows a host plugging its own third-party data provider
// into quality.Enrichment next to the built-in offline enrichers:
//
//	go run ./examples/enrich
//
// The provider here is a firmographics service (employee count, industry,
// head office by corporate number), faked in memory so the example runs
// offline. Its values carry provenance and a 90-day time-to-live; it fills
// gaps and refreshes its own values once they expire, and it never
// overwrites what the sales team typed, because the host trusts its own CRM
// more than the provider.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/c360/c360/quality"
)

// firmographics is the host's provider: in real life an HTTP client of a
// data vendor. It must honour ctx and be safe for concurrent use.
type firmographics struct {
	db    map[string]map[string]string // corporate number → field → value
	calls int
}

func (f *firmographics) Name() string { return "acme-firmographics" }

// Fields tells Enrichment which fields the provider fills, so that it is
// not called (and not paid) while they are all fresh.
func (f *firmographics) Fields() []string { return []string{"employees", "industry", "headquarters"} }

func (f *firmographics) Enrich(ctx context.Context, r quality.Record) ([]quality.Fill, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.calls++
	vs := r.Values("corporate_number")
	if len(vs) == 0 {
		return nil, nil
	}
	var out []quality.Fill
	for _, field := range []string{"employees", "industry", "headquarters"} {
		if v, ok := f.db[vs[0]][field]; ok {
			out = append(out, quality.Fill{Field: field, Value: v, TTL: 90 * 24 * time.Hour})
		}
	}
	return out, nil
}

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "enrich:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	vendor := &firmographics{db: map[string]map[string]string{
		"3020001077090": {"employees": "45", "industry": "sports & recreation", "headquarters": "神奈川県横浜市中区山下町1-1"},
	}}
	en := quality.Enrichment{
		Enrichers: []quality.Enricher{
			quality.CorporateNumberEnricher{},
			quality.PostalEnricher{Postal: "postal_code", Municipality: "city", TTL: 365 * 24 * time.Hour},
			quality.PhoneEnricher{},
			vendor,
		},
		// The record's own data ("") and the CRM rank above the vendor;
		// the offline tables rank above the vendor too.
		Trust: map[string]int{"": 100, "crm": 100, "jppostal": 80, "numbering_plan": 80, "acme-firmographics": 50},
	}
	account := &quality.Enriched{ID: "A-01", Fields: map[string]quality.Sourced{
		"legal_name":       {Value: "株式会社横浜ランナーズ"},
		"corporate_number": {Value: "3020001077090"},
		"postal_code":      {Value: "231-0023"},
		"phone":            {Value: "045-201-1111"},
		"industry":         {Value: "running club", Source: "crm"}, // typed by sales
	}}
	day1 := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{day1, day1.AddDate(0, 1, 0), day1.AddDate(0, 4, 0)} {
		fmt.Fprintf(w, "== enrichment run at %s ==\n", at.Format("2006-01-02"))
		changes, err := en.Apply(ctx, account, at)
		if err != nil {
			return err
		}
		for _, c := range changes {
			if c.Action == quality.ActionSame {
				continue
			}
			line := fmt.Sprintf("%-8s %-22s %s", c.Action, c.Field, c.New.Value)
			switch c.Action {
			case quality.ActionKeep:
				line += fmt.Sprintf("  (kept %q from %s)", c.Old.Value, sourceName(c.Old.Source))
			case quality.ActionRefresh:
				line += "  (expired " + c.Old.ExpiresAt.Format("2006-01-02") + ")"
			}
			fmt.Fprintf(w, "  %s  [%s]\n", line, c.New.Source)
		}
	}
	fmt.Fprintf(w, "the provider was called %d times\n", vendor.calls)
	fmt.Fprintln(w, "== provenance ==")
	for _, f := range account.SortedFields() {
		s := account.Fields[f]
		exp := "never"
		if !s.ExpiresAt.IsZero() {
			exp = s.ExpiresAt.Format("2006-01-02")
		}
		fmt.Fprintf(w, "  %-22s %-30s %-20s expires %s\n", f, s.Value, sourceName(s.Source), exp)
	}
	return nil
}

func sourceName(s string) string {
	if s == "" {
		return "own data"
	}
	return s
}
