package segment

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"sort"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/normalize"
)

// Activation describes an audience to build from a segment's members.
type Activation struct {
	// Channels are the channels the campaign may use, in the company's order
	// of preference. Each member gets the first channel, in the member's own
	// order of preference (see PreferredAttr) and then this order, that has a
	// contact point and that the gate allows.
	Channels []customer.Channel
	Purpose  customer.Purpose
	Campaign string
	Tags     []string
	Priority int
	// PreferredAttr names a custom attribute holding the member's preferred
	// channels (a list, or one string; the zero value means
	// "preferred_channels").
	PreferredAttr string
	// Format is the ad platform whose documented normalisation the hashed
	// identifiers follow (see HashFormat); "" is the SDK's own.
	Format HashFormat
	// At is the time consent is judged at for the hashed identifiers; zero
	// means time.Now.
	At time.Time
	// Usable, if set, is asked about each contact point before it is
	// chosen or hashed, for each channel it would serve: false keeps it out
	// (c360.Engine sets it to its suppression list). Nil means every
	// contact point that is valid and not opted out.
	Usable func(ch customer.Channel, c customer.ContactPoint) bool
}

// HashFormat names the normalisation an ad platform asks for before it
// matches SHA-256-hashed identifiers (hex, lower case). Every format trims,
// folds full-width characters (ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＪＰ) and lower-cases
// e-mail addresses; they differ in the rest:
//
//	""       the SDK's own: e-mail key; phone in E.164 ("+819012345678")
//	"google" Google Ads Customer Match and enhanced conversions: the dots
//	         of the local part of gmail.com and googlemail.com addresses
//	         removed; phone in E.164 with "+"
//	"meta"   Meta custom audiences: e-mail as is (no dot or "+" removal);
//	         phone as digits only with the country code, no "+" and no
//	         leading zero ("819012345678")
//	"tiktok" TikTok customer files: e-mail as is; phone in E.164 with "+"
type HashFormat string

// The hash formats.
const (
	HashSDK    HashFormat = ""
	HashGoogle HashFormat = "google"
	HashMeta   HashFormat = "meta"
	HashTikTok HashFormat = "tiktok"
)

// Valid reports whether f is a known format.
func (f HashFormat) Valid() bool {
	switch f {
	case HashSDK, HashGoogle, HashMeta, HashTikTok:
		return true
	}
	return false
}

// Email returns an address normalised for the format (false when it does
// not parse as an address).
func (f HashFormat) Email(v string) (string, bool) {
	e, err := normalize.ParseEmail(v)
	if err != nil {
		return "", false
	}
	k := e.Key
	if f == HashGoogle {
		if local, domain, ok := strings.Cut(k, "@"); ok && (domain == "gmail.com" || domain == "googlemail.com") {
			k = strings.ReplaceAll(local, ".", "") + "@" + domain
		}
	}
	return k, true
}

// Phone returns a number normalised for the format (false when it does not
// parse as a phone number).
func (f HashFormat) Phone(v string) (string, bool) {
	ph, err := normalize.ParsePhone(v)
	if err != nil || ph.E164 == "" {
		return "", false
	}
	if f == HashMeta {
		return strings.TrimLeft(strings.TrimPrefix(ph.E164, "+"), "0"), true
	}
	return ph.E164, true
}

// Member is one customer of an audience, with the channel chosen for them
// and hashed identifiers for ad platforms: the hex SHA-256 of the primary
// (else first) permitted e-mail address and phone number, normalised as
// Activation.Format says. A contact point that is invalid or undeliverable,
// or opted out for the activation's purpose (at contact or channel level),
// is never hashed: the next permitted one is, or none.
type Member struct {
	CustomerID  string           `json:"customer_id"`
	Channel     customer.Channel `json:"channel"`
	Contact     string           `json:"contact,omitempty"`
	EmailSHA256 string           `json:"email_sha256,omitempty"`
	PhoneSHA256 string           `json:"phone_sha256,omitempty"`
}

// Exclusion is a customer left out of the audience, with a reason per channel.
type Exclusion struct {
	CustomerID string   `json:"customer_id"`
	Reasons    []string `json:"reasons"` // "email: consent_unknown", "line: no contact point", …
}

// Audience is the result of Activate.
type Audience struct {
	Considered int            `json:"considered"`
	Members    []Member       `json:"members"`
	Excluded   []Exclusion    `json:"excluded"`
	ByReason   map[string]int `json:"excluded_by_reason"` // customers excluded, by reason (without the channel)
	ByChannel  map[string]int `json:"by_channel"`         // members per chosen channel
}

// Decider answers send requests: *journey.Gate (in memory), or c360.Engine's
// gate over the durable send history. A decider may choose the contact
// point (Decision.Contact).
type Decider interface {
	Decide(ctx context.Context, r journey.Request) (journey.Decision, error)
}

var _ Decider = (*journey.Gate)(nil)

// Activate passes every profile (the members of a segment) through the gate,
// which reads each profile's own consent (Request.Consent), and builds the
// audience: each member on the channel they permit and prefer (through the
// contact point the gate chose, if it chose one), everyone else excluded
// with their reasons. Whether sends are recorded is the gate's: a
// *journey.Gate records nothing (the host records what it sends with
// Gate.Record); c360.Engine.Activate claims each send in its durable
// history.
func Activate(ctx context.Context, gate Decider, profiles iter.Seq2[*customer.Profile, error], a Activation) (*Audience, error) {
	if gate == nil || len(a.Channels) == 0 {
		return nil, fmt.Errorf("segment: activation needs a gate and at least one channel")
	}
	if !a.Format.Valid() {
		return nil, fmt.Errorf("segment: activation: unknown hash format %q (want \"\", %q, %q or %q)", a.Format, HashGoogle, HashMeta, HashTikTok)
	}
	at := a.At
	if at.IsZero() {
		at = time.Now()
	}
	prefAttr := a.PreferredAttr
	if prefAttr == "" {
		prefAttr = "preferred_channels"
	}
	aud := &Audience{ByReason: map[string]int{}, ByChannel: map[string]int{}}
	for p, err := range profiles {
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		aud.Considered++
		var reasons []string
		chosen := false
		for _, ch := range channelOrder(p, prefAttr, a.Channels) {
			contact, ok := contactFor(p, ch, a.Purpose, at, a.Usable)
			if contact == "" && ch != customer.ChannelPush {
				reasons = append(reasons, string(ch)+": no contact point")
				continue
			}
			d, err := gate.Decide(ctx, journey.Request{Customer: p.ID, Channel: ch, Purpose: a.Purpose,
				Campaign: a.Campaign, Tags: a.Tags, Priority: a.Priority, Consent: p})
			if err != nil {
				return nil, fmt.Errorf("segment: customer %s: %w", p.ID, err)
			}
			if !d.Allowed {
				for _, r := range d.Reasons {
					if r.Code == journey.ReasonTransactionalOverride || r.Code == journey.ReasonPriorityOverride {
						continue
					}
					reasons = append(reasons, string(ch)+": "+r.Code.String())
				}
				continue
			}
			if d.Contact != "" {
				contact = d.Contact // the gate chose it, contact point by contact point
			} else if !ok && ch != customer.ChannelPush {
				// The gate judged the channel; this address or number is
				// opted out for the purpose itself.
				reasons = append(reasons, string(ch)+": "+journey.ReasonConsentDenied.String())
				continue
			}
			m := Member{CustomerID: string(p.ID), Channel: ch, Contact: contact}
			m.EmailSHA256, m.PhoneSHA256 = hashedIDs(p, a.Format, a.Purpose, at, a.Usable)
			aud.Members = append(aud.Members, m)
			aud.ByChannel[string(ch)]++
			chosen = true
			break
		}
		if !chosen {
			aud.Excluded = append(aud.Excluded, Exclusion{CustomerID: string(p.ID), Reasons: reasons})
			seen := map[string]bool{}
			for _, r := range reasons {
				_, why, _ := strings.Cut(r, ": ")
				if !seen[why] {
					seen[why] = true
					aud.ByReason[why]++
				}
			}
		}
	}
	return aud, nil
}

// channelOrder puts the customer's preferred channels (among those allowed)
// first, then the rest in the company's order.
func channelOrder(p *customer.Profile, attr string, allowed []customer.Channel) []customer.Channel {
	var pref []string
	if v, ok := p.Attributes[attr]; ok {
		if l, ok := v.List(); ok {
			pref = l
		} else if s, ok := v.Str(); ok {
			pref = strings.Split(s, ",")
		}
	}
	out := make([]customer.Channel, 0, len(allowed))
	in := func(ch customer.Channel) bool {
		for _, c := range out {
			if c == ch {
				return true
			}
		}
		return false
	}
	for _, s := range pref {
		ch := customer.Channel(strings.TrimSpace(s))
		for _, a := range allowed {
			if a == ch && !in(ch) {
				out = append(out, ch)
			}
		}
	}
	for _, a := range allowed {
		if !in(a) {
			out = append(out, a)
		}
	}
	return out
}

// contactFor returns the contact point a channel would use: the primary (or
// first) one of the matching type that is neither invalid nor undeliverable
// nor opted out for the purpose (permitted true); else the first one that is
// not invalid or undeliverable (permitted false), for the gate to give its
// reason.
func contactFor(p *customer.Profile, ch customer.Channel, pur customer.Purpose, at time.Time, usable func(customer.Channel, customer.ContactPoint) bool) (contact string, ok bool) {
	var t customer.ContactType
	switch ch {
	case customer.ChannelEmail:
		t = customer.ContactEmail
	case customer.ChannelSMS, customer.ChannelPhone:
		t = customer.ContactPhone
	case customer.ChannelLINE:
		t = customer.ContactLINE
	case customer.ChannelDirectMail:
		t = customer.ContactPostal
	default:
		return "", false
	}
	best, fallback := "", ""
	for _, c := range p.ContactPointsOf(t) {
		if !permitted(p, c, pur, at, usable, ch) {
			if fallback == "" && c.Validity != customer.ValidityInvalid && c.Validity != customer.ValidityUndeliverable {
				fallback = c.Value
			}
			continue
		}
		if c.Primary {
			return c.Value, true
		}
		if best == "" {
			best = c.Value
		}
	}
	if best != "" {
		return best, true
	}
	return fallback, false
}

// permitted reports whether a contact point may be used or exported for a
// purpose: it is not invalid or undeliverable, and not opted out on any of
// chs (at contact or channel level).
func permitted(p *customer.Profile, c customer.ContactPoint, pur customer.Purpose, at time.Time, usable func(customer.Channel, customer.ContactPoint) bool, chs ...customer.Channel) bool {
	switch c.Validity {
	case customer.ValidityInvalid, customer.ValidityUndeliverable:
		return false
	}
	for _, ch := range chs {
		if p.ConsentStatus(ch, pur, c.Value, at) == customer.ConsentOptOut {
			return false
		}
		if usable != nil && !usable(ch, c) {
			return false
		}
	}
	return true
}

// hashedIDs returns the hex SHA-256 of the profile's primary (else first)
// permitted and parsable e-mail address and phone number, normalised for
// the format.
func hashedIDs(p *customer.Profile, f HashFormat, pur customer.Purpose, at time.Time, usable func(customer.Channel, customer.ContactPoint) bool) (email, phone string) {
	if p.Restriction.Applies(pur) {
		return "", ""
	}
	for _, c := range primaryFirst(p.Emails()) {
		if !permitted(p, c, pur, at, usable, customer.ChannelEmail) {
			continue
		}
		if k, ok := f.Email(c.Value); ok {
			email = sha256Hex(k)
			break
		}
	}
	for _, c := range primaryFirst(p.Phones()) {
		if !permitted(p, c, pur, at, usable, customer.ChannelSMS, customer.ChannelPhone) {
			continue
		}
		if k, ok := f.Phone(c.Value); ok {
			phone = sha256Hex(k)
			break
		}
	}
	return email, phone
}

func primaryFirst(cps []customer.ContactPoint) []customer.ContactPoint {
	out := append([]customer.ContactPoint(nil), cps...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Primary && !out[j].Primary })
	return out
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// WriteCSV writes the members as CSV with the header
// customer_id,channel,email_sha256,phone_sha256. Contacts in clear are left
// out: the export is for ad platforms.
func (a *Audience) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"customer_id", "channel", "email_sha256", "phone_sha256"})
	for _, m := range a.Members {
		cw.Write([]string{m.CustomerID, string(m.Channel), m.EmailSHA256, m.PhoneSHA256})
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSONL writes one JSON object per member (without the contact in clear).
func (a *Audience) WriteJSONL(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, m := range a.Members {
		m.Contact = ""
		if err := enc.Encode(m); err != nil {
			return err
		}
	}
	return nil
}
