package quality_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality"
)

func testProfiles() []*customer.Profile {
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	good := &customer.Profile{ID: "P1", CreatedAt: at(2020, 1, 1), UpdatedAt: at(2025, 1, 1)}
	good.Kind = customer.KindPerson
	good.Name = customer.PersonName{Family: "山田", Given: "太郎", FamilyKana: "ヤマダ", GivenKana: "タロウ"}
	good.BirthDate = customer.Date{Year: 1985, Month: 4, Day: 3}
	good.ContactPoints = []customer.ContactPoint{
		{Type: customer.ContactEmail, Value: "taro@example.jp", Validity: customer.ValidityValid, VerifiedAt: at(2025, 1, 1)},
		{Type: customer.ContactPhone, Value: "+819012345678", Validity: customer.ValidityValid, VerifiedAt: at(2024, 6, 1)},
	}
	good.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: at(2024, 1, 1)})
	good.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelPhone, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptOut, CapturedAt: at(2024, 1, 1)})
	good.Sources = []customer.SourceRecord{
		{System: "crm", RecordID: "1", Facts: customer.Facts{Name: customer.PersonName{Family: "山田", Given: "太郎"}, BirthDate: good.BirthDate}},
		{System: "ec", RecordID: "9", Facts: customer.Facts{Name: customer.PersonName{Family: "山田", Given: "太郎"}}},
		// Latin script only: not comparable with a kanji name, not counted.
		{System: "mkt", RecordID: "3", Facts: customer.Facts{Name: customer.PersonName{Family: "Yamada", Given: "Taro", Latin: "Taro Yamada"}}},
	}

	poor := &customer.Profile{ID: "P2", CreatedAt: at(2010, 1, 1)}
	poor.Kind = customer.KindPerson
	poor.Name = customer.PersonName{Family: "佐藤", Given: "花子", FamilyKana: "さとう"}
	poor.BirthDate = customer.Date{Year: 2012, Month: 5, Day: 5}
	poor.ContactPoints = []customer.ContactPoint{
		{Type: customer.ContactEmail, Value: "TARO@example.jp", Validity: customer.ValidityUndeliverable, VerifiedAt: at(2019, 1, 1)},
	}
	poor.Sources = []customer.SourceRecord{
		{System: "crm", RecordID: "2", Facts: customer.Facts{BirthDate: customer.Date{Year: 2012, Month: 5, Day: 5}, Name: customer.PersonName{Family: "佐藤", Given: "花子"}}},
		{System: "pos", RecordID: "7", Facts: customer.Facts{BirthDate: customer.Date{Year: 2012, Month: 5, Day: 6}, Name: customer.PersonName{Family: "佐藤", Given: "華子"}}},
	}

	acct := &customer.Profile{ID: "A1", CreatedAt: at(2020, 1, 1)}
	acct.Kind = customer.KindAccount
	acct.LegalName = "株式会社横浜ランナーズ"
	acct.CorporateNumber = "3020001077091"
	return []*customer.Profile{good, poor, acct}
}

func TestProfileRecord(t *testing.T) {
	r := quality.ProfileRecord(testProfiles()[0])
	got := map[string][]string{}
	for _, f := range []string{quality.FieldKind, quality.FieldFamilyName, quality.FieldFamilyKana, quality.FieldBirthDate, quality.FieldEmail,
		quality.FieldPhone, quality.FieldAddress, quality.FieldEmailVerified, quality.FieldCreatedAt, quality.FieldSources, "attributes.tier"} {
		got[f] = r.Values(f)
	}
	want := map[string][]string{
		"kind": {"person"}, "family_name": {"山田"}, "family_kana": {"ヤマダ"}, "birth_date": {"1985-04-03"},
		"email": {"taro@example.jp"}, "phone": {"+819012345678"}, "postal_address": nil,
		"email_verified_at": {"2025-01-01T00:00:00Z"}, "created_at": {"2020-01-01T00:00:00Z"},
		"source_systems": {"crm", "ec", "mkt"}, "attributes.tier": nil,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("values (-want +got):\n%s", d)
	}
	if r.RecordID() != "P1" {
		t.Errorf("RecordID = %q", r.RecordID())
	}
}

func TestProfileRules(t *testing.T) {
	e, err := quality.New(quality.Config{Rules: quality.ProfileRules(quality.ProfileConfig{MaxAge: 365 * 24 * time.Hour}), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.Assess(t.Context(), quality.ProfileRecords(testProfiles()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for i := range a.Len() {
		r := a.Record(i)
		got[r.RecordID] = r.Reasons
	}
	want := map[string][]string{
		"P1": nil,
		// inconsistent:birth_date twice: born after the profile was created,
		// and the two sources disagree; a reason is given once.
		"P2": {"missing:phone", "invalid:family_kana", "duplicate:email", "inconsistent:given_kana", "inconsistent:birth_date", "stale:email", "inaccurate:email", "no_consent:email", "inconsistent:name"},
		"A1": {"invalid:corporate_number"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("reasons (-want +got):\n%s", d)
	}
}

func TestConsentCoverage(t *testing.T) {
	got := quality.ConsentCoverage(testProfiles(), customer.PurposeMarketing, testNow)
	want := map[customer.Channel]quality.Coverage{
		customer.ChannelEmail: {ContactPoints: 2, OptIn: 1, Unknown: 1, Ratio: 0.5},
		customer.ChannelPhone: {ContactPoints: 1, OptOut: 1, Ratio: 1},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("coverage (-want +got):\n%s", d)
	}
}

func TestSourceAgreements(t *testing.T) {
	ps := testProfiles()
	want := [][]quality.Agreement{
		{{Attribute: "name", Sources: 2, Agreeing: 2}, {Attribute: "birth_date", Sources: 1, Agreeing: 1}},
		{{Attribute: "name", Sources: 2, Agreeing: 1}, {Attribute: "birth_date", Sources: 2, Agreeing: 1}},
		nil,
	}
	for i, p := range ps {
		if d := cmp.Diff(want[i], quality.SourceAgreements(p)); d != "" {
			t.Errorf("%s (-want +got):\n%s", p.ID, d)
		}
	}
}
