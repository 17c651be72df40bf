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
			// b refused e-mail; LINE is next and allowed.
			{CustomerID: "b", Channel: customer.ChannelLINE, Contact: "U123", EmailSHA256: sha256Hex("b@example.jp")},
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
