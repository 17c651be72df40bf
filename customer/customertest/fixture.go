package customertest

import (
	"fmt"
	"time"

	"github.com/c360/c360/customer"
)

// base is the fixed instant fixtures are built around.
var base = time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)

// Profile returns a valid profile with every field of the data model filled
// in (contact points, links, identifiers, consent, attributes of every
// type, source records, provenance, audit, restriction), built
// deterministically from id and n. Tests of a Store use it so that a copy
// that forgets a field shows up. Its identifiers are {"test", id} and
// {"group", "g<n%3>"}, so profiles with n that agree modulo 3 share one.
func Profile(id customer.ID, n int) *customer.Profile {
	at := base.Add(time.Duration(n) * time.Hour)
	rec := customer.RecordKey{System: "sales", RecordID: fmt.Sprintf("S-%s", id)}
	mk := func() customer.Facts {
		return customer.Facts{
			Kind: customer.KindPerson,
			Name: customer.PersonName{
				Family: "山田", Given: fmt.Sprintf("太郎%d", n),
				FamilyKana: "ヤマダ", GivenKana: "タロウ", Latin: fmt.Sprintf("Taro Yamada %d", n),
			},
			BirthDate:       customer.Date{Year: 1980 + n%20, Month: time.February, Day: 28},
			LegalName:       "",
			CorporateNumber: "",
			ContactPoints: []customer.ContactPoint{
				{Type: customer.ContactEmail, Value: fmt.Sprintf("taro%d@example.jp", n), Label: "home", Primary: true,
					Validity: customer.ValidityValid, VerifiedAt: at},
				{Type: customer.ContactPhone, Value: "090-1234-5678", Label: "mobile", Validity: customer.ValidityUnknown},
				{Type: customer.ContactSocial, Value: "@taro", Service: "instagram", Validity: customer.ValidityUndeliverable, VerifiedAt: at},
			},
			Links:       []customer.Link{{Profile: "acct-1", Role: customer.RoleBuyer, Title: "購買部長"}},
			Identifiers: []customer.Identifier{{Scheme: "test", Value: string(id)}, {Scheme: "group", Value: fmt.Sprintf("g%d", n%3)}},
			Consent: customer.ConsentLedger{Entries: []customer.ConsentEntry{
				{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Contact: fmt.Sprintf("taro%d@example.jp", n),
					Status: customer.ConsentOptIn, CapturedAt: at, ExpiresAt: at.AddDate(1, 0, 0), Source: "webshop",
					Method: "double_opt_in", Evidence: "form-7", Record: &rec},
				{Channel: customer.ChannelSMS, Purpose: customer.PurposeService, Status: customer.ConsentOptOut, CapturedAt: at, Source: "service"},
			}},
			Attributes: map[string]customer.Value{
				"tier":     customer.StringValue("gold"),
				"points":   customer.IntValue(int64(100 * n)),
				"score":    customer.FloatValue(0.5 + float64(n)),
				"vip":      customer.BoolValue(n%2 == 0),
				"last_buy": customer.TimeValue(at),
				"sports":   customer.ListValue("running", "tennis"),
			},
		}
	}
	facts := mk()
	acct := customer.Firmographics{
		EmployeeCount: 120, AnnualRevenue: 3_000_000_000, Currency: "JPY", Industry: "retail",
		SubIndustry: "sporting goods", Headquarters: "東京都千代田区丸の内1-2-3",
		Technologies: []string{"SAP", "Salesforce"},
		Related:      []customer.RelatedBusiness{{Name: "スポーツ商事株式会社", Relation: "parent", Profile: "acct-0"}},
	}
	srcFacts := mk()
	srcFacts.Consent = customer.ConsentLedger{Entries: srcFacts.Consent.Entries[:1:1]}
	src := customer.SourceRecord{System: rec.System, RecordID: rec.RecordID, ObservedAt: at, UpdatedAt: at.Add(-time.Hour), Facts: srcFacts}
	acctRec := customer.SourceRecord{System: "thirdparty", RecordID: fmt.Sprintf("T-%s", id), ObservedAt: at,
		Facts: customer.Facts{Kind: customer.KindAccount, LegalName: "株式会社テスト", CorporateNumber: "1234567890123", Firmographics: acct}}
	p := &customer.Profile{
		ID:      id,
		Facts:   facts,
		Sources: []customer.SourceRecord{src, acctRec},
		Provenance: []customer.Provenance{
			{Field: "name", Value: facts.Name.Full(), Rule: customer.RuleMostRecent, From: []customer.RecordKey{rec}},
		},
		Audit: []customer.AuditEvent{{
			Action: customer.ActionMerge, At: at, Actor: "tester", Rule: "email", Reason: "same e-mail",
			Other: "old-" + id, Records: []customer.RecordKey{rec}, OtherCreatedAt: base,
			OtherAudit:       []customer.AuditEvent{{Action: customer.ActionRestrict, At: base, Actor: "dpo"}},
			OtherUpdatedAt:   base.Add(time.Minute),
			OtherRestriction: &customer.Restriction{Since: base, Purposes: []customer.Purpose{customer.PurposeMarketing}},
			PriorRestriction: &customer.Restriction{Since: base, Actor: "dpo", Purposes: []customer.Purpose{customer.PurposeAnalytics}},
		}},
		Restriction: &customer.Restriction{Since: at, Actor: "dpo", Reason: "customer request", Purposes: []customer.Purpose{customer.PurposeProfiling}},
		CreatedAt:   base,
		UpdatedAt:   at,
	}
	return p
}
