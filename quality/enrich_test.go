package quality_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality"
)

// provider is a fake third-party provider proposing fixed fills.
type provider struct {
	name  string
	fills []quality.Fill
	err   error
	calls int
}

func (p *provider) Name() string { return p.name }
func (p *provider) Enrich(ctx context.Context, r quality.Record) ([]quality.Fill, error) {
	p.calls++
	return p.fills, p.err
}

func TestEnrichmentProvenanceAndTTL(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	geo := &provider{name: "geo", fills: []quality.Fill{
		{Field: "city", Value: "千代田区", TTL: 30 * day},       // missing: fill
		{Field: "industry", Value: "retail", TTL: 30 * day}, // own data, trusted more: keep
		{Field: "employees", Value: "120", TTL: 30 * day},   // from a less trusted provider: replace
		{Field: "revenue", Value: "5億", TTL: 30 * day},      // equally trusted other provider, not expired: keep
		{Field: "hq", Value: "東京都", TTL: 30 * day},          // other provider's value expired: replace
		{Field: "url", Value: "https://example.jp"},         // same value elsewhere: nothing
		{Field: "phone", Value: "03-1111-2222"},             // sentinel counts as missing: fill, no expiry
	}}
	rec := &quality.Enriched{ID: "A-1", Fields: map[string]quality.Sourced{
		"industry":  {Value: "sporting goods"},
		"employees": {Value: "80", Source: "scraper", At: t0.Add(-day)},
		"revenue":   {Value: "4億", Source: "tdb", At: t0.Add(-day), ExpiresAt: t0.Add(day)},
		"hq":        {Value: "大阪府", Source: "tdb", At: t0.Add(-400 * day), ExpiresAt: t0.Add(-35 * day)},
		"url":       {Value: "https://example.jp", Source: "crm"},
		"phone":     {Value: "不明"},
	}}
	en := quality.Enrichment{Enrichers: []quality.Enricher{geo}, Trust: map[string]int{"": 100, "crm": 100, "geo": 50, "tdb": 50, "scraper": 10}}
	changes, err := en.Apply(t.Context(), rec, t0)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]quality.Action{}
	for _, c := range changes {
		actions[c.Field] = c.Action
	}
	wantActions := map[string]quality.Action{
		"city": quality.ActionFill, "industry": quality.ActionKeep, "employees": quality.ActionReplace,
		"revenue": quality.ActionKeep, "hq": quality.ActionReplace, "url": quality.ActionSame, "phone": quality.ActionFill,
	}
	if d := cmp.Diff(wantActions, actions); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
	wantFields := map[string]quality.Sourced{
		"city":      {Value: "千代田区", Source: "geo", At: t0, ExpiresAt: t0.Add(30 * day)},
		"industry":  {Value: "sporting goods"},
		"employees": {Value: "120", Source: "geo", At: t0, ExpiresAt: t0.Add(30 * day)},
		"revenue":   {Value: "4億", Source: "tdb", At: t0.Add(-day), ExpiresAt: t0.Add(day)},
		"hq":        {Value: "東京都", Source: "geo", At: t0, ExpiresAt: t0.Add(30 * day)},
		"url":       {Value: "https://example.jp", Source: "crm"},
		"phone":     {Value: "03-1111-2222", Source: "geo", At: t0},
	}
	if d := cmp.Diff(wantFields, rec.Fields); d != "" {
		t.Errorf("fields after enrichment (-want +got):\n%s", d)
	}

	// 40 days later the provider refreshes its own expired values, with a
	// new time and expiry, and may change them.
	geo.fills = []quality.Fill{{Field: "city", Value: "中央区", TTL: 30 * day}}
	t1 := t0.Add(40 * day)
	changes, err = en.Apply(t.Context(), rec, t1)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Action != quality.ActionRefresh || changes[0].Old.Value != "千代田区" {
		t.Errorf("changes = %+v, want one refresh of city", changes)
	}
	if got := rec.Fields["city"]; got != (quality.Sourced{Value: "中央区", Source: "geo", At: t1, ExpiresAt: t1.Add(30 * day)}) {
		t.Errorf("refreshed city = %+v", got)
	}
	// The same value again before it expires: nothing changes.
	changes, err = en.Apply(t.Context(), rec, t1.Add(day))
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Action != quality.ActionSame || !rec.Fields["city"].At.Equal(t1) {
		t.Errorf("changes = %+v, city %+v: want same, unchanged", changes, rec.Fields["city"])
	}
	if !(quality.Sourced{ExpiresAt: t1}).Expired(t1) || (quality.Sourced{}).Expired(t1) {
		t.Error("Expired: a value expires at ExpiresAt; a zero ExpiresAt never expires")
	}
}

// lister is a provider that declares its fields.
type lister struct{ provider }

func (l *lister) Fields() []string { return []string{"a"} }

func TestEnrichmentSkipsFreshLister(t *testing.T) {
	l := &lister{provider{name: "vendor", fills: []quality.Fill{{Field: "a", Value: "1", TTL: time.Hour}}}}
	en := quality.Enrichment{Enrichers: []quality.Enricher{l}}
	rec := &quality.Enriched{ID: "1"}
	for _, at := range []time.Time{testNow, testNow.Add(30 * time.Minute), testNow.Add(2 * time.Hour)} {
		if _, err := en.Apply(t.Context(), rec, at); err != nil {
			t.Fatal(err)
		}
	}
	if l.calls != 2 {
		t.Errorf("provider called %d times, want 2 (not while its value is fresh)", l.calls)
	}
}

func TestEnrichmentNilTrustNeverOverwrites(t *testing.T) {
	p := &provider{name: "vendor", fills: []quality.Fill{{Field: "a", Value: "new"}, {Field: "b", Value: "filled"}}}
	rec := &quality.Enriched{ID: "1", Fields: map[string]quality.Sourced{"a": {Value: "own"}}}
	if _, err := (&quality.Enrichment{Enrichers: []quality.Enricher{p}}).Apply(t.Context(), rec, testNow); err != nil {
		t.Fatal(err)
	}
	if rec.Fields["a"].Value != "own" || rec.Fields["b"].Value != "filled" {
		t.Errorf("fields = %+v: want a kept, b filled", rec.Fields)
	}
}

func TestEnrichmentErrors(t *testing.T) {
	bad := &provider{name: "flaky", err: errors.New("timeout")}
	good := &provider{name: "ok", fills: []quality.Fill{{Field: "x", Value: "1"}}}
	rec := &quality.Enriched{ID: "R-9"}
	en := quality.Enrichment{Enrichers: []quality.Enricher{bad, good}}
	changes, err := en.Apply(t.Context(), rec, testNow)
	var re *customer.FieldError
	if !errors.As(err, &re) || re.Record != `record "R-9"` {
		t.Fatalf("error = %v, want a *customer.FieldError naming R-9", err)
	}
	if len(changes) != 1 || rec.Fields["x"].Value != "1" {
		t.Errorf("the other enricher must still run: changes %+v", changes)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := en.Apply(ctx, rec, testNow); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error %v", err)
	}
}

func TestBuiltInEnrichers(t *testing.T) {
	rec := &quality.Enriched{ID: "1", Fields: map[string]quality.Sourced{
		"postal_code":      {Value: "〒100-0005"},
		"phone":            {Value: "03-1234-5678"},
		"mobile":           {Value: "090-1234-5678"},
		"corporate_number": {Value: "3020001077090"},
	}}
	en := quality.Enrichment{Enrichers: []quality.Enricher{
		quality.PostalEnricher{TTL: 24 * time.Hour},
		quality.PhoneEnricher{},
		quality.PhoneEnricher{Phone: "mobile"},
		quality.CorporateNumberEnricher{},
	}}
	if _, err := en.Apply(t.Context(), rec, testNow); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for f, s := range rec.Fields {
		got[f] = s.Value + " @" + s.Source
	}
	want := map[string]string{
		"postal_code": "〒100-0005 @", "phone": "03-1234-5678 @", "mobile": "090-1234-5678 @", "corporate_number": "3020001077090 @",
		"prefecture": "東京都 @jppostal", "city": "千代田区 @jppostal", "town": "丸の内 @jppostal",
		"phone_e164": "+81312345678 @numbering_plan", "phone_type": "fixed @numbering_plan", "phone_area": "東京 @numbering_plan",
		"mobile_e164": "+819012345678 @numbering_plan", "mobile_type": "mobile @numbering_plan",
		"corporate_number_valid": "true @corporate_number_check",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("enriched fields (-want +got):\n%s", d)
	}
	if exp := rec.Fields["prefecture"].ExpiresAt; !exp.Equal(testNow.Add(24 * time.Hour)) {
		t.Errorf("prefecture expires %v, want Now+TTL", exp)
	}
}
