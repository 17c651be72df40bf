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
}

// Member is one customer of an audience, with the channel chosen for them
// and hashed identifiers for ad platforms: the hex SHA-256 of the normalised
// e-mail key (lower-cased address) and of the phone number in E.164.
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
			contact := contactFor(p, ch)
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
				contact = d.Contact
			}
			m := Member{CustomerID: string(p.ID), Channel: ch, Contact: contact}
			m.EmailSHA256, m.PhoneSHA256 = hashedIDs(p)
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
// first) valid one of the matching type.
func contactFor(p *customer.Profile, ch customer.Channel) string {
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
		return ""
	}
	best := ""
	for _, c := range p.ContactPointsOf(t) {
		if c.Validity == customer.ValidityInvalid {
			continue
		}
		if c.Primary {
			return c.Value
		}
		if best == "" {
			best = c.Value
		}
	}
	return best
}

// hashedIDs returns the hex SHA-256 of the normalised e-mail key and of the
// E.164 phone number of the profile's primary (or first parsable) ones.
func hashedIDs(p *customer.Profile) (email, phone string) {
	for _, c := range primaryFirst(p.Emails()) {
		if e, err := normalize.ParseEmail(c.Value); err == nil {
			email = sha256Hex(e.Key)
			break
		}
	}
	for _, c := range primaryFirst(p.Phones()) {
		if ph, err := normalize.ParsePhone(c.Value); err == nil {
			phone = sha256Hex(ph.E164)
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
