package segment

import (
	"bytes"
	"context"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/google/go-cmp/cmp"
)

func person(id string, contacts ...customer.ContactPoint) *customer.Profile {
	p := &customer.Profile{ID: customer.ID(id)}
	p.Kind = customer.KindPerson
	p.ContactPoints = contacts
	return p
}

func optIn(p *customer.Profile, ch customer.Channel, st customer.ConsentStatus) {
	p.Consent.Add(customer.ConsentEntry{Channel: ch, Purpose: customer.PurposeMarketing, Status: st, CapturedAt: now.Add(-days(30))})
}

func seqOf(ps ...*customer.Profile) iter.Seq2[*customer.Profile, error] {
	return func(yield func(*customer.Profile, error) bool) {
		for _, p := range ps {
			if !yield(p, nil) {
				return
			}
		}
	}
}

func TestActivate(t *testing.T) {
	email := func(v string) customer.ContactPoint {
		return customer.ContactPoint{Type: customer.ContactEmail, Value: v}
	}
	phone := func(v string) customer.ContactPoint {
		return customer.ContactPoint{Type: customer.ContactPhone, Value: v}
	}
	line := customer.ContactPoint{Type: customer.ContactLINE, Value: "U123"}

	a := person("a", email("Taro@Example.JP"), phone("090-1234-5678"))
	optIn(a, customer.ChannelEmail, customer.ConsentOptIn)
	optIn(a, customer.ChannelSMS, customer.ConsentOptIn)
	a.Attributes = map[string]customer.Value{"preferred_channels": customer.ListValue("sms")}

	b := person("b", email("b@example.jp"), line)
	optIn(b, customer.ChannelEmail, customer.ConsentOptOut)
	optIn(b, customer.ChannelLINE, customer.ConsentOptIn)

	c := person("c", email("c@example.jp")) // consent never asked
	d := person("d")                        // nothing to reach
	e := person("e", email("e@example.jp"))
	optIn(e, customer.ChannelEmail, customer.ConsentOptIn)
	e.Restriction = &customer.Restriction{Since: now.Add(-days(1))}
	f := person("f", email("f@example.jp"))
	optIn(f, customer.ChannelEmail, customer.ConsentOptIn)

	var supp journey.SuppressionList
	supp.Name = "bounces"
	supp.Add("f", customer.ChannelEmail, "hard bounce")
	gate := &journey.Gate{Suppressions: []*journey.SuppressionList{&supp},
		Now: func() time.Time { return now }}

	aud, err := Activate(context.Background(), gate, seqOf(a, b, c, d, e, f), Activation{
		Channels: []customer.Channel{customer.ChannelEmail, customer.ChannelLINE, customer.ChannelSMS},
		Purpose:  customer.PurposeMarketing,
		At:       now,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &Audience{
		Considered: 6,
		Members: []Member{
			// a prefers SMS, which it allows: SMS, not the company's first choice.
			{CustomerID: "a", Channel: customer.ChannelSMS, Contact: "090-1234-5678",
				EmailSHA256: sha256Hex("taro@example.jp"), PhoneSHA256: sha256Hex("+819012345678")},
			// b refused e-mail; LINE is next and allowed. The e-mail b
			// opted out of is not exported, hashed or not.
			{CustomerID: "b", Channel: customer.ChannelLINE, Contact: "U123"},
		},
		Excluded: []Exclusion{
			{CustomerID: "c", Reasons: []string{"email: consent_unknown", "line: no contact point", "sms: no contact point"}},
			{CustomerID: "d", Reasons: []string{"email: no contact point", "line: no contact point", "sms: no contact point"}},
			{CustomerID: "e", Reasons: []string{"email: consent_denied", "line: no contact point", "sms: no contact point"}},
			{CustomerID: "f", Reasons: []string{"email: suppressed", "line: no contact point", "sms: no contact point"}},
		},
		ByReason:  map[string]int{"consent_unknown": 1, "no contact point": 4, "consent_denied": 1, "suppressed": 1},
		ByChannel: map[string]int{"sms": 1, "line": 1},
	}
	if diff := cmp.Diff(want, aud); diff != "" {
		t.Errorf("Activate (-want +got):\n%s", diff)
	}

	var buf bytes.Buffer
	if err := aud.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if lines[0] != "customer_id,channel,email_sha256,phone_sha256" || len(lines) != 3 || strings.Contains(buf.String(), "090-") {
		t.Errorf("CSV export:\n%s", buf.String())
	}
}

// TestActivateExportsOnlyPermittedContacts: an address opted out at contact
// level or marked undeliverable is never exported; the next permitted one
// is, or none.
func TestActivateExportsOnlyPermittedContacts(t *testing.T) {
	email := func(v string, primary bool, val customer.Validity) customer.ContactPoint {
		return customer.ContactPoint{Type: customer.ContactEmail, Value: v, Primary: primary, Validity: val}
	}
	phone := func(v string, val customer.Validity) customer.ContactPoint {
		return customer.ContactPoint{Type: customer.ContactPhone, Value: v, Validity: val}
	}
	optOutAt := func(p *customer.Profile, ch customer.Channel, contact string) {
		p.Consent.Add(customer.ConsentEntry{Channel: ch, Purpose: customer.PurposeMarketing, Contact: contact, Status: customer.ConsentOptOut, CapturedAt: now.Add(-days(1))})
	}
	// a: the primary address opted out at contact level, the second is fine.
	a := person("a", email("old@example.jp", true, customer.ValidityValid), email("new@example.jp", false, customer.ValidityValid),
		phone("090-1111-2222", customer.ValidityUndeliverable), phone("080-3333-4444", customer.ValidityValid))
	optIn(a, customer.ChannelEmail, customer.ConsentOptIn)
	optOutAt(a, customer.ChannelEmail, "old@example.jp")
	// b: its only address undeliverable, its only number opted out of SMS.
	b := person("b", email("b@example.jp", true, customer.ValidityUndeliverable), phone("090-5555-6666", customer.ValidityValid))
	optIn(b, customer.ChannelSMS, customer.ConsentOptIn)
	optOutAt(b, customer.ChannelSMS, "090-5555-6666")
	// c: opted out at contact level of its only address while the channel
	// is opted in: refused on e-mail, nothing exported.
	c := person("c", email("c@example.jp", true, customer.ValidityValid))
	optIn(c, customer.ChannelEmail, customer.ConsentOptIn)
	optOutAt(c, customer.ChannelEmail, "c@example.jp")

	gate := &journey.Gate{Now: func() time.Time { return now }}
	aud, err := Activate(context.Background(), gate, seqOf(a, b, c), Activation{
		Channels: []customer.Channel{customer.ChannelEmail, customer.ChannelSMS}, Purpose: customer.PurposeMarketing, At: now})
	if err != nil {
		t.Fatal(err)
	}
	want := []Member{{CustomerID: "a", Channel: customer.ChannelEmail, Contact: "new@example.jp",
		EmailSHA256: sha256Hex("new@example.jp"), PhoneSHA256: sha256Hex("+818033334444")}}
	if diff := cmp.Diff(want, aud.Members); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	wantEx := []Exclusion{
		{CustomerID: "b", Reasons: []string{"email: no contact point", "sms: consent_denied"}},
		{CustomerID: "c", Reasons: []string{"email: consent_denied", "sms: no contact point"}},
	}
	if diff := cmp.Diff(wantEx, aud.Excluded); diff != "" {
		t.Errorf("excluded (-want +got):\n%s", diff)
	}
}

func TestHashFormats(t *testing.T) {
	tests := []struct {
		format       HashFormat
		email, phone string // normalised, before hashing
	}{
		{HashSDK, "jane.doe+ads@gmail.com", "+819012345678"},
		{HashGoogle, "janedoe+ads@gmail.com", "+819012345678"},
		{HashMeta, "jane.doe+ads@gmail.com", "819012345678"},
		{HashTikTok, "jane.doe+ads@gmail.com", "+819012345678"},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			// Full-width, mixed case, spaces; a national number.
			e, ok := tt.format.Email(" Ｊａｎｅ.Doe+ads＠GMAIL.com ")
			if !ok || e != tt.email {
				t.Errorf("Email = %q, %v; want %q", e, ok, tt.email)
			}
			p, ok := tt.format.Phone("090-1234-5678")
			if !ok || p != tt.phone {
				t.Errorf("Phone = %q, %v; want %q", p, ok, tt.phone)
			}
		})
	}
	if _, ok := HashMeta.Email("not an address"); ok {
		t.Error("a non-address normalised")
	}
	// Google removes the dots of gmail.com addresses only.
	if e, _ := HashGoogle.Email("jane.doe@example.jp"); e != "jane.doe@example.jp" {
		t.Errorf("Google format of a non-gmail address = %q", e)
	}
	p := person("x", customer.ContactPoint{Type: customer.ContactEmail, Value: "Jane.Doe@gmail.com", Primary: true},
		customer.ContactPoint{Type: customer.ContactPhone, Value: "090-1234-5678"})
	optIn(p, customer.ChannelEmail, customer.ConsentOptIn)
	aud, err := Activate(context.Background(), &journey.Gate{Now: func() time.Time { return now }}, seqOf(p),
		Activation{Channels: []customer.Channel{customer.ChannelEmail}, Purpose: customer.PurposeMarketing, Format: HashMeta, At: now})
	if err != nil || len(aud.Members) != 1 {
		t.Fatalf("Activate = %+v, %v", aud, err)
	}
	if m := aud.Members[0]; m.EmailSHA256 != sha256Hex("jane.doe@gmail.com") || m.PhoneSHA256 != sha256Hex("819012345678") {
		t.Errorf("meta hashes = %+v", m)
	}
	if _, err := Activate(context.Background(), &journey.Gate{}, seqOf(p), Activation{Channels: []customer.Channel{customer.ChannelEmail}, Format: "myspace"}); err == nil {
		t.Error("an unknown format was accepted")
	}
}
