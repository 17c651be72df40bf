package capture

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality"
)

func TestSplitTextAndSignature(t *testing.T) {
	tests := []struct {
		name, text, own string
		offers          []Offer
	}{
		{
			name: "Japanese framed signature before the quoted message",
			text: "田中様\n\nご連絡ありがとうございます。\n\n━━━━━━━━━━━━\nＡＢＣ商事株式会社\n営業本部 営業第一部 課長\n佐藤 花子\nTEL：03-3333-4444 / FAX：03-3333-4445\n携帯：090-1234-5678\n━━━━━━━━━━━━\n\n2026年11月2日(月) 10:00 田中 一郎 <tanaka@example.co.jp>:\n> 佐藤様\n> 株式会社エグザンプル 部長\n",
			own:  "田中様\n\nご連絡ありがとうございます。\n",
			offers: []Offer{{Field: FieldCompany, Value: "ABC商事株式会社"}, {Field: FieldMobile, Value: "+819012345678"},
				{Field: FieldPhone, Value: "+81333334444"}, {Field: FieldTitle, Value: "営業本部 営業第一部 課長"}},
		},
		{
			name: "English sig delimiter, Outlook original message",
			text: "Hi Ichiro,\n\nSounds good.\n\n-- \nJohn Smith\nVP Sales, Globex Corporation\nGlobex Inc.\nM: +1 (206) 555-0100\nFax +1 206 555 0101\n\n-----Original Message-----\nFrom: Tanaka\nDirector\n",
			own:  "Hi Ichiro,\n\nSounds good.\n",
			offers: []Offer{{Field: FieldCompany, Value: "Globex Inc."}, {Field: FieldMobile, Value: "+12065550100"},
				{Field: FieldTitle, Value: "VP Sales, Globex Corporation"}},
		},
		{
			name:   "no signature",
			text:   "了解しました。\nよろしくお願いします。",
			own:    "了解しました。\nよろしくお願いします。",
			offers: nil,
		},
		{
			name:   "last paragraph with a phone, On … wrote:",
			text:   "Thanks!\n\nKeiko Ito\nTel. 06-6666-7777\n\nOn Mon, Nov 2, 2026 at 10:00 AM Tanaka <t@example.co.jp> wrote:\n> hello\n",
			own:    "Thanks!\n",
			offers: []Offer{{Field: FieldPhone, Value: "+81666667777"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			own, sig := splitText(tt.text)
			if own != tt.own {
				t.Errorf("own text = %q, want %q", own, tt.own)
			}
			if diff := cmp.Diff(tt.offers, ReadSignature(sig)); diff != "" {
				t.Errorf("offers (-want +got):\n%s", diff)
			}
		})
	}
}

// TestApplyOffers: a signature fills what the profile lacks, with the
// message's date as provenance, and never overwrites a more trusted value.
func TestApplyOffers(t *testing.T) {
	d1 := time.Date(2026, 11, 3, 9, 15, 0, 0, time.UTC)
	d2 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	offers := []Offer{
		{Profile: "p-sato", Field: FieldTitle, Value: "購買部 部長", MessageID: "m9", Date: d2},
		{Profile: "p-sato", Field: FieldTitle, Value: "購買部 課長", MessageID: "m2", Date: d1},
		{Profile: "p-sato", Field: FieldPhone, Value: "+81333334444", MessageID: "m2", Date: d1},
		{Profile: "p-other", Field: FieldPhone, Value: "+81300000000", MessageID: "m3", Date: d1},
	}
	rec := &quality.Enriched{ID: "p-sato", Fields: map[string]quality.Sourced{
		FieldPhone: {Value: "+81333330000", Source: "crm", At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	}}
	en := &quality.Enrichment{Trust: map[string]int{"crm": 10, SignatureSource: 1}}
	changes, err := ApplyOffers(t.Context(), en, rec, offers)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, c.Offer.MessageID+" "+c.Change.Field+" "+string(c.Change.Action))
	}
	want := []string{"m2 title fill", "m2 phone keep", "m9 title refresh"}
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	wantFields := map[string]quality.Sourced{
		FieldPhone: {Value: "+81333330000", Source: "crm", At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		FieldTitle: {Value: "購買部 部長", Source: SignatureSource, At: d2},
	}
	if diff := cmp.Diff(wantFields, rec.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestSignatureEnricher(t *testing.T) {
	e := NewSignatureEnricher([]Offer{{Profile: "p1", Field: FieldTitle, Value: "部長"}, {Profile: "p2", Field: FieldTitle, Value: "課長"}})
	fills, err := e.Enrich(t.Context(), quality.ProfileRecord(&customer.Profile{ID: "p1"}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]quality.Fill{{Field: FieldTitle, Value: "部長"}}, fills); diff != "" || e.Name() != SignatureSource {
		t.Errorf("fills (-want +got):\n%s name %q", diff, e.Name())
	}
}

func TestProfileDirectory(t *testing.T) {
	ctx := t.Context()
	d := testDirectory(t)
	tests := []struct {
		key   string
		party Party
		found bool
	}{
		{"hanako.sato@abc-shoji.co.jp", Party{Profile: "p-sato", Kind: customer.KindPerson, Accounts: []customer.ID{"acct-abc"}}, true},
		{"john.smith@globex.com", Party{Profile: "p-smith", Kind: customer.KindPerson, Accounts: []customer.ID{"acct-globex"}}, true},
		{"yamada.taro@gmail.com", Party{Profile: "p-yamada", Kind: customer.KindPerson}, true},
		{"info@abc-shoji.co.jp", Party{Profile: "acct-abc", Kind: customer.KindAccount}, true},
		{"nobody@abc-shoji.co.jp", Party{}, false},
	}
	for _, tt := range tests {
		p, ok, err := d.LookupEmail(ctx, tt.key)
		if err != nil || ok != tt.found {
			t.Errorf("%s: found %v err %v", tt.key, ok, err)
		}
		if diff := cmp.Diff(tt.party, p); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.key, diff)
		}
	}
	for _, tt := range []struct {
		domain string
		id     customer.ID
		ok     bool
	}{{"abc-shoji.co.jp", "acct-abc", true}, {"globex.com", "acct-globex", true}, {"gmail.com", "", false}, {"xyz.co.jp", "", false}} {
		id, ok, _ := d.LookupDomain(ctx, tt.domain)
		if id != tt.id || ok != tt.ok {
			t.Errorf("LookupDomain(%s) = %q %v, want %q %v", tt.domain, id, ok, tt.id, tt.ok)
		}
	}
	for _, tt := range []struct {
		key string
		sup bool
	}{{"kimura@abc-shoji.co.jp", true}, {"ito@xyz.co.jp", true}, {"hanako.sato@abc-shoji.co.jp", false}} {
		if got, _ := d.Suppressed(ctx, tt.key); got != tt.sup {
			t.Errorf("Suppressed(%s) = %v, want %v", tt.key, got, tt.sup)
		}
	}
	if _, err := NewProfileDirectory(slices.Values([]*customer.Profile(nil)), []string{"sha256:nothex"}); err == nil {
		t.Error("a malformed sha256 entry was accepted")
	}
	// Two accounts sharing a domain: the domain resolves to neither.
	two := []*customer.Profile{
		{ID: "a1", Facts: customer.Facts{Kind: customer.KindAccount, ContactPoints: []customer.ContactPoint{{Type: customer.ContactEmail, Value: "x@group.co.jp"}}}},
		{ID: "a2", Facts: customer.Facts{Kind: customer.KindAccount, ContactPoints: []customer.ContactPoint{{Type: customer.ContactEmail, Value: "y@group.co.jp"}}}},
	}
	d2, err := NewProfileDirectory(slices.Values(two), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := d2.LookupDomain(ctx, "group.co.jp"); ok {
		t.Error("a domain shared by two accounts resolved to one")
	}
}
