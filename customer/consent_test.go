package customer_test

import (
	"errors"
	"testing"
	"time"

	"github.com/c360/c360/customer"
)

func day(d int) time.Time { return time.Date(2025, 1, d, 12, 0, 0, 0, time.UTC) }

func TestConsentStatus(t *testing.T) {
	const a, b = "a@example.jp", "b@example.jp"
	e := func(src, contact string, st customer.ConsentStatus, captured, expires int) customer.ConsentEntry {
		en := customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Contact: contact,
			Status: st, CapturedAt: day(captured), Source: src}
		if expires > 0 {
			en.ExpiresAt = day(expires)
		}
		return en
	}
	in, out := customer.ConsentOptIn, customer.ConsentOptOut
	tests := []struct {
		name    string
		entries []customer.ConsentEntry
		policy  customer.ConsentPolicy
		contact string
		at      int
		want    customer.ConsentStatus
		reason  string
	}{
		{"empty ledger", nil, 0, a, 10, customer.ConsentUnknown, ""},
		{"opt-in", []customer.ConsentEntry{e("web", a, in, 1, 0)}, 0, a, 10, in, ""},
		{"not yet captured", []customer.ConsentEntry{e("web", a, in, 5, 0)}, 0, a, 3, customer.ConsentUnknown, "entries after `at` do not count"},
		{"latest of one source wins", []customer.ConsentEntry{e("web", a, in, 1, 0), e("web", a, out, 2, 0), e("web", a, in, 3, 0)}, 0, a, 10, in, ""},
		{"tie in one source is opt-out", []customer.ConsentEntry{e("web", a, in, 2, 0), e("web", a, out, 2, 0)}, 0, a, 10, out, ""},
		{"expired opt-in is unknown", []customer.ConsentEntry{e("web", a, in, 1, 5)}, 0, a, 10, customer.ConsentUnknown, ""},
		{"before expiry", []customer.ConsentEntry{e("web", a, in, 1, 5)}, 0, a, 4, in, ""},
		{"sources disagree: most restrictive", []customer.ConsentEntry{e("service", a, out, 1, 0), e("web", a, in, 3, 0)}, 0, a, 10, out, "default policy"},
		{"sources disagree: most recent", []customer.ConsentEntry{e("service", a, out, 1, 0), e("web", a, in, 3, 0)}, customer.ConsentMostRecent, a, 10, in, ""},
		{"channel-wide entry covers the contact", []customer.ConsentEntry{e("web", "", out, 1, 0)}, 0, a, 10, out, ""},
		{"other contact's entry does not count", []customer.ConsentEntry{e("web", b, in, 1, 0)}, 0, a, 10, customer.ConsentUnknown, ""},
		{"any contact: one opted in", []customer.ConsentEntry{e("web", a, out, 1, 0), e("web", b, in, 1, 0)}, 0, "", 10, in, "contact \"\" asks about any contact point"},
		{"any contact: all out", []customer.ConsentEntry{e("web", a, out, 1, 0), e("web", b, out, 1, 0)}, 0, "", 10, out, ""},
		{"any contact: channel-wide opt-out beats older opt-in of same source", []customer.ConsentEntry{e("web", a, in, 1, 0), e("web", "", out, 2, 0)}, 0, "", 10, out, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &customer.ConsentLedger{Entries: tt.entries, Policy: tt.policy}
			if got := l.Status(customer.ChannelEmail, customer.PurposeMarketing, tt.contact, day(tt.at)); got != tt.want {
				t.Errorf("Status = %v, want %v %s", got, tt.want, tt.reason)
			}
			if got := l.Status(customer.ChannelSMS, customer.PurposeMarketing, tt.contact, day(tt.at)); got != customer.ConsentUnknown {
				t.Errorf("Status on another channel = %v, want unknown", got)
			}
			if got := l.Status(customer.ChannelEmail, customer.PurposeService, tt.contact, day(tt.at)); got != customer.ConsentUnknown {
				t.Errorf("Status for another purpose = %v, want unknown", got)
			}
		})
	}
	var nilLedger *customer.ConsentLedger
	if got := nilLedger.Status(customer.ChannelEmail, customer.PurposeMarketing, "", day(1)); got != customer.ConsentUnknown {
		t.Errorf("nil ledger Status = %v", got)
	}
}

func TestContactPointStale(t *testing.T) {
	now := day(31)
	tests := []struct {
		name   string
		c      customer.ContactPoint
		maxAge time.Duration
		want   bool
	}{
		{"valid, recently verified", customer.ContactPoint{Validity: customer.ValidityValid, VerifiedAt: day(30)}, 7 * 24 * time.Hour, false},
		{"valid, verified long ago", customer.ContactPoint{Validity: customer.ValidityValid, VerifiedAt: day(1)}, 7 * 24 * time.Hour, true},
		{"valid, no max age", customer.ContactPoint{Validity: customer.ValidityValid, VerifiedAt: day(1)}, 0, false},
		{"never verified", customer.ContactPoint{}, 0, true},
		{"undeliverable", customer.ContactPoint{Validity: customer.ValidityUndeliverable, VerifiedAt: day(30)}, 0, true},
		{"invalid", customer.ContactPoint{Validity: customer.ValidityInvalid}, 24 * time.Hour, true},
	}
	for _, tt := range tests {
		if got := tt.c.Stale(now, tt.maxAge); got != tt.want {
			t.Errorf("%s: Stale = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestProfileMayContact(t *testing.T) {
	p := &customer.Profile{ID: "p"}
	p.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day(1)})
	if !p.MayContact(customer.ChannelEmail, customer.PurposeMarketing, "", day(2)) {
		t.Error("MayContact with opt-in = false")
	}
	p.Restriction = &customer.Restriction{Since: day(2), Purposes: []customer.Purpose{customer.PurposeMarketing}}
	if p.MayContact(customer.ChannelEmail, customer.PurposeMarketing, "", day(3)) {
		t.Error("MayContact while restricted for marketing = true")
	}
	if got := customer.RoleBuyer.BuyingAuthority(); !got {
		t.Error("RoleBuyer.BuyingAuthority() = false")
	}
	if got := customer.RoleInfluencer.BuyingAuthority(); got {
		t.Error("RoleInfluencer.BuyingAuthority() = true")
	}
}

func TestProfileConsentStatus(t *testing.T) {
	p := &customer.Profile{ID: "p"}
	p.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day(1)})
	p.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptOut, CapturedAt: day(1)})
	restricted := func(pur customer.Purpose) *customer.Profile {
		r := *p
		r.Restriction = &customer.Restriction{Since: day(1), Purposes: []customer.Purpose{pur}}
		return &r
	}
	tests := []struct {
		name string
		p    *customer.Profile
		ch   customer.Channel
		pur  customer.Purpose
		want customer.ConsentStatus
	}{
		{"opted in", p, customer.ChannelEmail, customer.PurposeMarketing, customer.ConsentOptIn},
		{"opted out", p, customer.ChannelSMS, customer.PurposeMarketing, customer.ConsentOptOut},
		{"never asked", p, customer.ChannelLINE, customer.PurposeMarketing, customer.ConsentUnknown},
		{"nil profile", nil, customer.ChannelEmail, customer.PurposeMarketing, customer.ConsentUnknown},
		{"restricted for the purpose answers opt-out", restricted(customer.PurposeMarketing), customer.ChannelEmail, customer.PurposeMarketing, customer.ConsentOptOut},
		{"restricted for another purpose", restricted(customer.PurposeProfiling), customer.ChannelEmail, customer.PurposeMarketing, customer.ConsentOptIn},
	}
	for _, tt := range tests {
		if got := tt.p.ConsentStatus(tt.ch, tt.pur, "", day(2)); got != tt.want {
			t.Errorf("%s: ConsentStatus = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestChannels(t *testing.T) {
	for _, c := range customer.Channels() {
		if !c.Valid() {
			t.Errorf("%q from Channels() is not Valid", c)
		}
	}
	contact := []customer.Channel{customer.ChannelEmail, customer.ChannelSMS, customer.ChannelPhone, customer.ChannelDirectMail, customer.ChannelPush, customer.ChannelLINE}
	touch := []customer.Channel{customer.ChannelStore, customer.ChannelWeb, customer.ChannelApp, customer.ChannelSocial, customer.ChannelAdvertising}
	for _, c := range contact {
		if !c.Contact() {
			t.Errorf("%q.Contact() = false, want true", c)
		}
	}
	for _, c := range touch {
		if c.Contact() || !c.Valid() {
			t.Errorf("%q: Contact() = %v, Valid() = %v; want false, true", c, c.Contact(), c.Valid())
		}
	}
	if got, want := len(customer.Channels()), len(contact)+len(touch); got != want {
		t.Errorf("len(Channels()) = %d, want %d", got, want)
	}
	if customer.Channel("dealer").Valid() || customer.Channel("dealer").Contact() {
		t.Error(`Channel("dealer") is a standard channel`)
	}
	// A touchpoint channel is no place for consent.
	_, err := customer.DecodeProfile([]byte(`{"id":"p1","kind":"person","consent":{"entries":[{"channel":"web","purpose":"marketing","status":"opt_in","captured_at":"2025-01-01T00:00:00Z"}]}}`))
	var ve *customer.ValueError
	if !errors.As(err, &ve) || ve.Field != "channel" {
		t.Errorf("consent on the web channel: error %v, want a *ValueError on channel", err)
	}
}
