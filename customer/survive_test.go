package customer_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
)

func rec(system, id string, updated int, f customer.Facts) customer.SourceRecord {
	return customer.SourceRecord{System: system, RecordID: id, UpdatedAt: day(updated), Facts: f}
}

// nameRecords: sales (day 2) and service (day 1) agree on a full Japanese
// name; the web shop (day 3, most recent) has only a Latin form.
func nameRecords() []customer.SourceRecord {
	full := customer.PersonName{Family: "山田", Given: "太郎", FamilyKana: "ヤマダ", GivenKana: "タロウ"}
	return []customer.SourceRecord{
		rec("sales", "S1", 2, customer.Facts{Kind: customer.KindPerson, Name: full}),
		rec("service", "V1", 1, customer.Facts{Kind: customer.KindPerson, Name: full}),
		rec("webshop", "W1", 3, customer.Facts{Kind: customer.KindPerson, Name: customer.PersonName{Latin: "Taro Yamada"}}),
	}
}

func TestBuildRules(t *testing.T) {
	// the surviving Japanese name takes the web shop's Latin form (see TestBuildCompletesName)
	full := customer.PersonName{Family: "山田", Given: "太郎", FamilyKana: "ヤマダ", GivenKana: "タロウ", Latin: "Taro Yamada"}
	latin := customer.PersonName{Latin: "Taro Yamada"}
	k := func(s, id string) customer.RecordKey { return customer.RecordKey{System: s, RecordID: id} }
	tests := []struct {
		name     string
		s        customer.Survivorship
		want     customer.PersonName
		wantFrom []customer.RecordKey
		wantRule customer.SurvivorshipRule
	}{
		{"default is most recent", customer.Survivorship{}, latin, []customer.RecordKey{k("webshop", "W1")}, customer.RuleMostRecent},
		{"source priority", customer.Survivorship{Rules: map[string]customer.SurvivorshipRule{customer.AttrName: customer.RuleSourcePriority},
			SourcePriority: []string{"service", "sales"}}, full, []customer.RecordKey{k("service", "V1"), k("sales", "S1")}, customer.RuleSourcePriority},
		{"unlisted systems rank last", customer.Survivorship{Default: customer.RuleSourcePriority, SourcePriority: []string{"webshop"}},
			latin, []customer.RecordKey{k("webshop", "W1")}, customer.RuleSourcePriority},
		{"most frequent", customer.Survivorship{Default: customer.RuleMostFrequent}, full,
			[]customer.RecordKey{k("sales", "S1"), k("service", "V1")}, customer.RuleMostFrequent},
		{"most complete", customer.Survivorship{Rules: map[string]customer.SurvivorshipRule{customer.AttrName: customer.RuleMostComplete}}, full,
			[]customer.RecordKey{k("sales", "S1"), k("service", "V1")}, customer.RuleMostComplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.s.Build("p1", nameRecords())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, p.Name); diff != "" {
				t.Errorf("name (-want +got):\n%s", diff)
			}
			pv, ok := p.ProvenanceOf(customer.AttrName)
			if !ok {
				t.Fatal("no provenance for name")
			}
			if diff := cmp.Diff(tt.wantFrom, pv.From); diff != "" {
				t.Errorf("provenance From (-want +got):\n%s", diff)
			}
			if pv.Rule != tt.wantRule {
				t.Errorf("provenance Rule = %v, want %v", pv.Rule, tt.wantRule)
			}
		})
	}
}

func TestBuildCombines(t *testing.T) {
	email := func(v string, val customer.Validity, verified int) customer.ContactPoint {
		c := customer.ContactPoint{Type: customer.ContactEmail, Value: v, Validity: val}
		if verified > 0 {
			c.VerifiedAt = day(verified)
		}
		return c
	}
	consent := func(st customer.ConsentStatus, d int) customer.ConsentEntry {
		return customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: st, CapturedAt: day(d)}
	}
	records := []customer.SourceRecord{
		rec("webshop", "W1", 3, customer.Facts{Kind: customer.KindPerson,
			ContactPoints: []customer.ContactPoint{email("a@example.jp", customer.ValidityValid, 2)},
			Identifiers:   []customer.Identifier{{Scheme: "email", Value: "a@example.jp"}},
			Consent:       customer.ConsentLedger{Entries: []customer.ConsentEntry{consent(customer.ConsentOptIn, 3)}},
			Attributes:    map[string]customer.Value{"sports": customer.ListValue("running"), "tier": customer.StringValue("silver")}}),
		rec("service", "V1", 1, customer.Facts{Kind: customer.KindPerson,
			ContactPoints: []customer.ContactPoint{email("a@example.jp", customer.ValidityUndeliverable, 20), email("b@example.jp", 0, 0)},
			Identifiers:   []customer.Identifier{{Scheme: "email", Value: "a@example.jp"}},
			Consent:       customer.ConsentLedger{Entries: []customer.ConsentEntry{consent(customer.ConsentOptOut, 1)}},
			Attributes:    map[string]customer.Value{"sports": customer.ListValue("tennis", "running"), "tier": customer.StringValue("gold")}}),
	}
	s := customer.Survivorship{Rules: map[string]customer.SurvivorshipRule{"attributes.sports": customer.RuleCombineAll}}
	p, err := s.Build("p1", records)
	if err != nil {
		t.Fatal(err)
	}
	wantCP := []customer.ContactPoint{email("a@example.jp", customer.ValidityUndeliverable, 20), email("b@example.jp", 0, 0)}
	if diff := cmp.Diff(wantCP, p.ContactPoints); diff != "" {
		t.Errorf("contact points: duplicates combine, latest verification wins (-want +got):\n%s", diff)
	}
	pv, _ := p.ProvenanceOf("contact_points[email:a@example.jp]")
	if diff := cmp.Diff([]customer.RecordKey{{System: "service", RecordID: "V1"}, {System: "webshop", RecordID: "W1"}}, sortedKeys(pv.From)); diff != "" {
		t.Errorf("contact point provenance (-want +got):\n%s", diff)
	}
	wantIDs := []customer.Identifier{{Scheme: "email", Value: "a@example.jp"},
		{Scheme: "source:service", Value: "V1"}, {Scheme: "source:webshop", Value: "W1"}}
	if diff := cmp.Diff(wantIDs, p.Identifiers); diff != "" {
		t.Errorf("identifiers (-want +got):\n%s", diff)
	}
	if got, _ := p.Attributes["sports"].List(); !slices.Equal(got, []string{"running", "tennis"}) {
		t.Errorf("combined list = %v, want [running tennis]", got)
	}
	if got, _ := p.Attributes["tier"].Str(); got != "silver" {
		t.Errorf("tier = %q, want most recent silver", got)
	}
	if n := len(p.Consent.Entries); n != 2 {
		t.Fatalf("consent entries = %d, want both kept", n)
	}
	for _, e := range p.Consent.Entries {
		if e.Record == nil || e.Source != e.Record.System {
			t.Errorf("consent entry %+v lacks its record and source", e)
		}
	}
	if got := p.Consent.Status(customer.ChannelEmail, customer.PurposeMarketing, "", day(10)); got != customer.ConsentOptOut {
		t.Errorf("conflicting consent = %v, want opt-out (most restrictive)", got)
	}
	s.ConsentPolicy = customer.ConsentMostRecent
	p, _ = s.Build("p1", records)
	if got := p.Consent.Status(customer.ChannelEmail, customer.PurposeMarketing, "", day(10)); got != customer.ConsentOptIn {
		t.Errorf("conflicting consent with ConsentMostRecent = %v, want opt-in", got)
	}
	if err := customer.Validate(p); err != nil {
		t.Errorf("built profile does not validate: %v", err)
	}
}

func sortedKeys(k []customer.RecordKey) []customer.RecordKey {
	k = slices.Clone(k)
	slices.SortFunc(k, func(a, b customer.RecordKey) int {
		if a.System != b.System {
			if a.System < b.System {
				return -1
			}
			return 1
		}
		if a.RecordID < b.RecordID {
			return -1
		}
		if a.RecordID > b.RecordID {
			return 1
		}
		return 0
	})
	return k
}

func TestBuildOrderIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := range 50 {
		records := randomRecords(r, "x", 1+r.IntN(6))
		want, err := (&customer.Survivorship{}).Build("p", records)
		if err != nil {
			t.Fatal(err)
		}
		r.Shuffle(len(records), func(i, j int) { records[i], records[j] = records[j], records[i] })
		got, err := (&customer.Survivorship{}).Build("p", records)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("case %d: Build depends on record order (-sorted +shuffled):\n%s", i, diff)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	good := rec("sales", "S1", 1, customer.Facts{Kind: customer.KindPerson})
	bad := rec("sales", "", 1, customer.Facts{BirthDate: customer.Date{Year: 2001, Month: 2, Day: 29}})
	_, err := (&customer.Survivorship{}).Build("p", []customer.SourceRecord{good, good, bad})
	if !errors.Is(err, customer.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	want := []string{"source sales/|record_id", "source sales/|birth_date", "source sales/S1|record_id"}
	if diff := cmp.Diff(sortedStrings(want), sortedStrings(fieldsOf(t, err))); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func sortedStrings(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

// randomRecords returns n valid person records with distinct keys under
// prefix, drawing names, contact points, consent and attributes from small
// pools so that records overlap and conflict.
func randomRecords(r *rand.Rand, prefix string, n int) []customer.SourceRecord {
	systems := []string{"sales", "service", "webshop", "marketing"}
	families := []string{"山田", "佐藤", "Smith", "鈴木"}
	givens := []string{"太郎", "花子", "John", ""}
	emails := []string{"a@example.jp", "b@example.jp", "c@example.com"}
	out := make([]customer.SourceRecord, n)
	for i := range out {
		f := customer.Facts{Kind: customer.KindPerson,
			Name: customer.PersonName{Family: families[r.IntN(len(families))], Given: givens[r.IntN(len(givens))]}}
		if r.IntN(2) == 0 {
			f.BirthDate = customer.Date{Year: 1970 + r.IntN(30), Month: time.Month(1 + r.IntN(12)), Day: 1 + r.IntN(28)}
		}
		for range r.IntN(3) {
			e := emails[r.IntN(len(emails))]
			f.ContactPoints = append(f.ContactPoints, customer.ContactPoint{Type: customer.ContactEmail, Value: e,
				Validity: customer.Validity(r.IntN(4)), VerifiedAt: day(1 + r.IntN(28))})
			f.Identifiers = append(f.Identifiers, customer.Identifier{Scheme: "email", Value: e})
		}
		for range r.IntN(3) {
			f.Consent.Add(customer.ConsentEntry{Channel: customer.Channels()[r.IntN(3)], Purpose: customer.PurposeMarketing,
				Status: customer.ConsentStatus(r.IntN(3)), CapturedAt: day(1 + r.IntN(28))})
		}
		if r.IntN(2) == 0 {
			f.Attributes = map[string]customer.Value{"points": customer.IntValue(int64(r.IntN(5)))}
		}
		out[i] = customer.SourceRecord{System: systems[r.IntN(len(systems))], RecordID: prefix + "-" + string(rune('a'+i)),
			UpdatedAt: day(1 + r.IntN(28)), Facts: f}
	}
	return out
}

func BenchmarkBuild(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	records := randomRecords(r, "x", 4)
	var s customer.Survivorship
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Build("p", records); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBuildNameFromDiffersByReading(t *testing.T) {
	// Same written name, but only one record has the reading: they are
	// different values, so provenance must not claim both supplied it.
	records := []customer.SourceRecord{
		rec("sales", "S1", 1, customer.Facts{Kind: customer.KindPerson, Name: customer.PersonName{Family: "山田", Given: "太郎", FamilyKana: "ヤマダ"}}),
		rec("webshop", "W1", 2, customer.Facts{Kind: customer.KindPerson, Name: customer.PersonName{Family: "山田", Given: "太郎"}}),
	}
	p, err := (&customer.Survivorship{}).Build("p", records)
	if err != nil {
		t.Fatal(err)
	}
	pv, _ := p.ProvenanceOf(customer.AttrName)
	want := customer.Provenance{Field: "name", Value: "山田 太郎", Rule: customer.RuleMostRecent,
		From: []customer.RecordKey{{System: "webshop", RecordID: "W1"}}}
	if diff := cmp.Diff(want, pv); diff != "" {
		t.Errorf("provenance (-want +got):\n%s", diff)
	}
}

// TestBuildCompletesName: the parts the surviving name lacks come from the
// other records of the person — readings only from a record writing the
// name the same way, the Latin form also from a Latin-only record — each
// with its provenance; a different name gives nothing.
func TestBuildCompletesName(t *testing.T) {
	k := func(s, id string) customer.RecordKey { return customer.RecordKey{System: s, RecordID: id} }
	person := func(n customer.PersonName) customer.Facts { return customer.Facts{Kind: customer.KindPerson, Name: n} }
	tests := []struct {
		name     string
		records  []customer.SourceRecord
		want     customer.PersonName
		wantFrom map[string]customer.RecordKey // provenance of each filled part
	}{
		{"readings and Latin from older records",
			[]customer.SourceRecord{
				rec("sales", "S1", 3, person(customer.PersonName{Family: "田中", Given: "健太"})),
				rec("service", "V1", 2, person(customer.PersonName{Family: "田中", Given: "健太", FamilyKana: "タナカ", GivenKana: "ケンタ"})),
				rec("marketing", "M1", 1, person(customer.PersonName{Family: "Tanaka", Given: "Kenta"})),
			},
			customer.PersonName{Family: "田中", Given: "健太", FamilyKana: "タナカ", GivenKana: "ケンタ", Latin: "Kenta Tanaka"},
			map[string]customer.RecordKey{"name.family_kana": k("service", "V1"), "name.given_kana": k("service", "V1"), "name.latin": k("marketing", "M1")}},
		{"the most recent donor wins",
			[]customer.SourceRecord{
				rec("sales", "S1", 3, person(customer.PersonName{Family: "田中", Given: "健太"})),
				rec("web", "W1", 2, person(customer.PersonName{Latin: "Kenta Tanaka"})),
				rec("marketing", "M1", 1, person(customer.PersonName{Latin: "K. Tanaka"})),
			},
			customer.PersonName{Family: "田中", Given: "健太", Latin: "Kenta Tanaka"},
			map[string]customer.RecordKey{"name.latin": k("web", "W1")}},
		{"readings of another writing are not taken",
			[]customer.SourceRecord{
				rec("sales", "S1", 3, person(customer.PersonName{Family: "髙橋", Given: "誠"})),
				rec("service", "V1", 2, person(customer.PersonName{Family: "高橋", Given: "誠", FamilyKana: "タカハシ", GivenKana: "マコト", Latin: "Makoto Takahashi"})),
			},
			customer.PersonName{Family: "髙橋", Given: "誠"},
			map[string]customer.RecordKey{}},
		{"a Latin winner takes nothing from a Japanese record",
			[]customer.SourceRecord{
				rec("web", "W1", 3, person(customer.PersonName{Family: "Tanaka", Given: "Kenta"})),
				rec("sales", "S1", 2, person(customer.PersonName{Family: "田中", Given: "健太", FamilyKana: "タナカ", GivenKana: "ケンタ"})),
			},
			customer.PersonName{Family: "Tanaka", Given: "Kenta"},
			map[string]customer.RecordKey{}},
		{"parts present are kept",
			[]customer.SourceRecord{
				rec("sales", "S1", 3, person(customer.PersonName{Family: "田中", Given: "健太", FamilyKana: "タナカ", GivenKana: "ケンタ", Latin: "Kenta Tanaka"})),
				rec("web", "W1", 2, person(customer.PersonName{Latin: "TANAKA Kenta"})),
			},
			customer.PersonName{Family: "田中", Given: "健太", FamilyKana: "タナカ", GivenKana: "ケンタ", Latin: "Kenta Tanaka"},
			map[string]customer.RecordKey{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s customer.Survivorship
			p, err := s.Build("p1", tt.records)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, p.Name); diff != "" {
				t.Errorf("name (-want +got):\n%s", diff)
			}
			got := map[string]customer.RecordKey{}
			for _, pv := range p.Provenance {
				if len(pv.Field) > len("name.") && pv.Field[:len("name.")] == "name." {
					got[pv.Field] = pv.From[0]
				}
			}
			if diff := cmp.Diff(tt.wantFrom, got); diff != "" {
				t.Errorf("provenance of filled parts (-want +got):\n%s", diff)
			}
		})
	}
}
