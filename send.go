package c360

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/segment"
)

// Decide is the one send gate: may this message go to this person now, and
// through which contact point? It reads the profile's own consent ledger
// contact point by contact point (an opted-out, invalid, undeliverable or
// suppressed address or number is never chosen; the first permitted one,
// primary first, is), the frequency caps of Config.Sending over the durable
// send history (every send recorded by Sent, Claim or Activate, by any
// engine sharing the store), quiet hours in the person's time zone, a
// restriction of processing, and the engine's suppressions (Suppress).
//
// r.Customer may be an absorbed ID (it is followed); r.Consent is ignored
// (the profile's ledger answers); r.Contact, if set, asks about that contact
// point only. Decision.Contact is the contact point chosen. An unknown
// profile is an error wrapping ErrNotFound; a refusal is a Decision with its
// reasons. A transactional message needs no opt-in, only the absence of an
// opt-out. Decide records nothing: Claim decides and records atomically.
func (e *Engine) Decide(ctx context.Context, r journey.Request) (journey.Decision, error) {
	var d journey.Decision
	err := e.view(ctx, func(tx ReadTx) error {
		var err error
		d, _, err = e.decide(ctx, tx, r)
		return err
	})
	return d, err
}

// Claim is Decide and, when the answer is yes, the send recorded in the same
// transaction: two callers (two engines on one PostgreSQL database
// included) claiming the last send a cap allows get one yes between them.
// Use it when the caller sends right after; record sends made otherwise
// with Sent.
func (e *Engine) Claim(ctx context.Context, r journey.Request) (journey.Decision, error) {
	if _, err := e.current(); err != nil {
		return journey.Decision{}, err
	}
	var d journey.Decision
	err := e.store.Update(ctx, func(tx Tx) error {
		var p *customer.Profile
		var err error
		d, p, err = e.decide(ctx, tx, r)
		if err != nil || !d.Allowed {
			return err
		}
		return e.putSend(tx, p, storedSend{Channel: r.Channel, Purpose: r.Purpose, Campaign: r.Campaign,
			Tags: r.Tags, Contact: d.Contact, Time: e.now()})
	})
	if err != nil {
		return journey.Decision{}, err
	}
	return d, nil
}

// Sent records a message that was sent, for the frequency caps of every
// later decision; a zero s.Time means now. s.Customer may be an absorbed ID.
func (e *Engine) Sent(ctx context.Context, s journey.Send) error {
	if s.Customer == "" || s.Channel == "" {
		return fmt.Errorf("%w: %w", ErrInvalid, journey.ErrInvalidSend)
	}
	if s.Time.IsZero() {
		s.Time = e.now()
	}
	if _, err := e.current(); err != nil {
		return err
	}
	return e.store.Update(ctx, func(tx Tx) error {
		p, err := e.profileIn(tx, s.Customer)
		if err != nil {
			return err
		}
		return e.putSend(tx, p, storedSend{Channel: s.Channel, Purpose: s.Purpose, Campaign: s.Campaign, Tags: s.Tags, Time: s.Time})
	})
}

// sendSeq breaks ties between sends recorded at the same instant.
var sendSeq atomic.Uint64

func (e *Engine) putSend(tx Tx, p *customer.Profile, s storedSend) error {
	b := encodeSend(&s)
	key := timeKey(s.Time) + strconv.FormatUint(sendSeq.Add(1), 36) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	return tx.Put(bSends, principal(p), key, b)
}

// SendHistory returns the sends recorded for a profile, oldest first.
func (e *Engine) SendHistory(ctx context.Context, id customer.ID) ([]journey.Send, error) {
	var out []journey.Send
	err := e.view(ctx, func(tx ReadTx) error {
		p, err := e.profileIn(tx, id)
		if err != nil {
			return err
		}
		out, err = sendsOf(tx, p, time.Time{}, e.live.words)
		return err
	})
	return out, err
}

// sendsOf returns a profile's sends after since (zero: all), in time order.
func sendsOf(tx ReadTx, p *customer.Profile, since time.Time, w words) ([]journey.Send, error) {
	sinceKey := timeKey(since) + "\xff"
	as, err := anchors(tx, p)
	if err != nil {
		return nil, err
	}
	var out []journey.Send
	for _, a := range as {
		prefetch(tx, bSends, a)
	}
	for _, a := range as {
		for it, err := range scanRead(tx, bSends, a) {
			if err != nil {
				return nil, err
			}
			if !since.IsZero() && it.Key <= sinceKey {
				continue
			}
			var s storedSend
			t, ok := keyTime(it.Key)
			if err := w.decodeSend(it.Value, &s); err != nil || !ok {
				return nil, fmt.Errorf("c360: stored send %q: corrupt", it.Key)
			}
			s.Time = t
			if out == nil {
				out = make([]journey.Send, 0, 16) // one allocation for a usual history
			}
			out = append(out, journey.Send{Customer: p.ID, Channel: s.Channel, Purpose: s.Purpose,
				Campaign: s.Campaign, Tags: s.Tags, Time: s.Time})
		}
	}
	if len(as) > 1 { // each anchor's sends come in time order already
		slices.SortStableFunc(out, func(a, b journey.Send) int { return a.Time.Compare(b.Time) })
	}
	return out, nil
}

// contactType is the kind of contact point a channel sends to ("" when the
// channel needs none the profile holds, such as push).
func contactType(ch customer.Channel) (customer.ContactType, bool) {
	switch ch {
	case customer.ChannelEmail:
		return customer.ContactEmail, true
	case customer.ChannelSMS, customer.ChannelPhone:
		return customer.ContactPhone, true
	case customer.ChannelDirectMail:
		return customer.ContactPostal, true
	case customer.ChannelLINE:
		return customer.ContactLINE, true
	}
	return 0, false
}

// decide is Decide inside a transaction; it returns the profile too.
func (e *Engine) decide(ctx context.Context, tx ReadTx, r journey.Request) (journey.Decision, *customer.Profile, error) {
	if r.Customer == "" || r.Channel == "" {
		return journey.Decision{Reasons: []journey.Reason{{Code: journey.ReasonInvalidRequest, Detail: "a request needs a customer and a channel"}}}, nil, nil
	}
	p, err := e.profileIn(tx, r.Customer)
	if err != nil {
		return journey.Decision{}, nil, err
	}
	if d, ok := restrictedDecision(p, r); ok { // restrict.go
		return d, p, nil
	}
	now := e.now()
	r.Customer, r.Consent = p.ID, consentOf{p}
	if z, ok := p.Attributes["timezone"]; ok && z.String() != "" {
		if loc, err := time.LoadLocation(z.String()); err == nil {
			r.Location = loc
		}
	}
	var skipped []journey.Reason
	if t, ok := contactType(r.Channel); ok {
		var cands []customer.ContactPoint
		for _, c := range p.ContactPointsOf(t) {
			if r.Contact == "" || contactKey(t, c.Value) == contactKey(t, r.Contact) {
				cands = append(cands, c)
			}
		}
		slices.SortStableFunc(cands, func(a, b customer.ContactPoint) int {
			switch {
			case a.Primary == b.Primary:
				return 0
			case a.Primary:
				return -1
			}
			return 1
		})
		for _, c := range cands {
			k := contactKey(t, c.Value)
			prefetch(tx, bSuppr, string(r.Channel), k)
			prefetch(tx, bSuppr, "", k)
		}
		chosen := ""
		for _, c := range cands {
			why, ok, err := e.usable(tx, p, r, t, c, now)
			if err != nil {
				return journey.Decision{}, nil, err
			}
			if ok {
				chosen = c.Value
				break
			}
			skipped = append(skipped, why)
		}
		if chosen == "" {
			if len(cands) == 0 {
				detail := "the profile has no " + t.String() + " contact point"
				if r.Contact != "" {
					detail = "the profile has no contact point " + r.Contact
				}
				skipped = append(skipped, journey.Reason{Code: journey.ReasonInvalidRequest, Detail: detail})
			}
			return journey.Decision{Contact: r.Contact, Reasons: skipped}, p, nil
		}
		r.Contact = chosen
	}
	var history []journey.Send
	if w := e.live.gate.Window(); w > 0 {
		if history, err = sendsOf(tx, p, now.Add(-w), e.live.words); err != nil {
			return journey.Decision{}, nil, err
		}
	}
	d, err := e.live.gate.DecideHistory(ctx, r, history)
	return d, p, err
}

// usable says whether a contact point may carry the message: valid, not
// suppressed, consented to at contact level; else the reason.
func (e *Engine) usable(tx ReadTx, p *customer.Profile, r journey.Request, t customer.ContactType, c customer.ContactPoint, now time.Time) (journey.Reason, bool, error) {
	switch c.Validity {
	case customer.ValidityInvalid, customer.ValidityUndeliverable:
		return journey.Reason{Code: journey.ReasonSuppressed, Rule: "validity",
			Detail: c.Value + " is " + c.Validity.String()}, false, nil
	}
	if why, ok, err := e.suppressed(tx, r.Channel, contactKey(t, c.Value)); err != nil || ok {
		return why, false, err
	}
	switch (consentOf{p}).ConsentStatus(r.Channel, r.Purpose, c.Value, now) {
	case customer.ConsentOptIn:
		return journey.Reason{}, true, nil
	case customer.ConsentOptOut:
		return journey.Reason{Code: journey.ReasonConsentDenied, Detail: c.Value + ": " + string(r.Channel) + " for " + string(r.Purpose)}, false, nil
	}
	if e.live.gate.AllowUnknownConsent {
		return journey.Reason{}, true, nil
	}
	return journey.Reason{Code: journey.ReasonConsentUnknown, Detail: c.Value + ": " + string(r.Channel) + " for " + string(r.Purpose)}, false, nil
}

// Suppress puts a contact point on the engine's suppression list for a
// channel ("" = every channel): Decide, Claim and Activate never choose it
// while it is there, whoever holds it. value is an e-mail address, a phone
// number (any notation) or another contact value; reason is kept and shown
// in decisions. Suppressions survive restarts and are shared by every
// engine on the store.
func (e *Engine) Suppress(ctx context.Context, ch customer.Channel, value, reason string) error {
	key, err := suppressionKey(ch, value)
	if err != nil {
		return err
	}
	if _, err := e.current(); err != nil {
		return err
	}
	return e.store.Update(ctx, func(tx Tx) error { return tx.Put(bSuppr, string(ch), key, []byte(reason)) })
}

// Unsuppress lifts a suppression set by Suppress; an absent one is no error.
func (e *Engine) Unsuppress(ctx context.Context, ch customer.Channel, value string) error {
	key, err := suppressionKey(ch, value)
	if err != nil {
		return err
	}
	if _, err := e.current(); err != nil {
		return err
	}
	return e.store.Update(ctx, func(tx Tx) error { return tx.Delete(bSuppr, string(ch), key) })
}

func suppressionKey(ch customer.Channel, value string) (string, error) {
	if ch != "" && !ch.Contact() {
		return "", fmt.Errorf("%w: channel %q is not a contact channel", ErrInvalid, ch)
	}
	if value == "" {
		return "", fmt.Errorf("%w: empty contact value", ErrInvalid)
	}
	if t, ok := contactType(ch); ok {
		return contactKey(t, value), nil
	}
	// every channel: an e-mail address or a phone number
	if k := contactKey(customer.ContactEmail, value); k != value || containsAt(value) {
		return k, nil
	}
	return contactKey(customer.ContactPhone, value), nil
}

func containsAt(s string) bool {
	for i := range len(s) {
		if s[i] == '@' {
			return true
		}
	}
	return false
}

// suppressed looks a contact key up in the channel's and the all-channel
// suppressions.
func (e *Engine) suppressed(tx ReadTx, ch customer.Channel, key string) (journey.Reason, bool, error) {
	if key == "" {
		return journey.Reason{}, false, nil
	}
	for _, g := range []string{string(ch), ""} {
		v, err := tx.Get(bSuppr, g, key)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return journey.Reason{}, false, err
		}
		rule := "suppression:" + g
		if g == "" {
			rule = "suppression:all"
		}
		return journey.Reason{Code: journey.ReasonSuppressed, Rule: rule, Detail: string(v)}, true, nil
	}
	return journey.Reason{}, false, nil
}

// Activate builds the audience of a live segment (segment.Activate) through
// the engine's gate, claiming each member's send in the durable history as
// Claim does — so caps count the audience, and a person the gate refused
// elsewhere is refused here too. Use Preview for the same audience without
// recording sends. An undefined segment is an error wrapping ErrNotFound.
func (e *Engine) Activate(ctx context.Context, segmentName string, a segment.Activation) (*segment.Audience, error) {
	return e.activate(ctx, segmentName, a, claimer{e})
}

// Preview is Activate without recording any send.
func (e *Engine) Preview(ctx context.Context, segmentName string, a segment.Activation) (*segment.Audience, error) {
	return e.activate(ctx, segmentName, a, decider{e})
}

type claimer struct{ e *Engine }

func (c claimer) Decide(ctx context.Context, r journey.Request) (journey.Decision, error) {
	return c.e.Claim(ctx, r)
}

type decider struct{ e *Engine }

func (d decider) Decide(ctx context.Context, r journey.Request) (journey.Decision, error) {
	return d.e.Decide(ctx, r)
}

func (e *Engine) activate(ctx context.Context, name string, a segment.Activation, d segment.Decider) (*segment.Audience, error) {
	ids, err := e.Members(ctx, name)
	if err != nil {
		return nil, err
	}
	profiles := func(yield func(*customer.Profile, error) bool) {
		for _, id := range ids {
			p, err := e.Get(ctx, id)
			if isNotFound(err) {
				continue // merged away since
			}
			if !yield(p, err) || err != nil {
				return
			}
		}
	}
	a.Usable = e.notSuppressed(ctx) // provision.go: suppressed contacts are neither chosen nor hashed
	return segment.Activate(ctx, d, profiles, a)
}

// encodeSend writes a send compactly (its time is in the item's key):
// length-prefixed channel, purpose, campaign, contact and tags.
func encodeSend(s *storedSend) []byte {
	b := make([]byte, 0, 32+len(s.Campaign)+len(s.Contact))
	put := func(v string) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	b = append(b, 1) // format version
	put(string(s.Channel))
	put(string(s.Purpose))
	put(s.Campaign)
	put(s.Contact)
	b = binary.AppendUvarint(b, uint64(len(s.Tags)))
	for _, t := range s.Tags {
		put(t)
	}
	return b
}

// decodeSend reads what encodeSend wrote, but for the contact, which no
// reader needs (s.Contact is left ""); strings w holds are not allocated
// again.
func (w words) decodeSend(b []byte, s *storedSend) error {
	if len(b) == 0 || b[0] != 1 {
		return errors.New("unknown send encoding")
	}
	b = b[1:]
	var bad bool
	get := func() string {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			bad = true
			return ""
		}
		v := w.str(b[k : k+int(n)])
		b = b[k+int(n):]
		return v
	}
	s.Channel = customer.Channel(get())
	s.Purpose = customer.Purpose(get())
	s.Campaign = get()
	if n, k := binary.Uvarint(b); k <= 0 || uint64(len(b)-k) < n {
		bad = true
	} else {
		b = b[k+int(n):] // the contact, skipped
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return errors.New("corrupt send")
	}
	b = b[k:]
	s.Tags = nil
	for range n {
		s.Tags = append(s.Tags, get())
	}
	if bad {
		return errors.New("corrupt send")
	}
	return nil
}

// keyTime reads the instant timeKey wrote at the start of an item key.
func keyTime(key string) (time.Time, bool) {
	if len(key) < 16 {
		return time.Time{}, false
	}
	var b [8]byte
	if _, err := hex.Decode(b[:], []byte(key[:16])); err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(b[:])^(1<<63))).UTC(), true
}

// consentOf is the consent the gate reads: the profile's ledger (a
// restriction of processing answers opt-out), except that a transactional
// message — a receipt, a delivery notice — needs no opt-in, only the
// absence of an opt-out.
type consentOf struct{ p *customer.Profile }

func (c consentOf) ConsentStatus(ch customer.Channel, pur customer.Purpose, contact string, at time.Time) customer.ConsentStatus {
	s := c.p.ConsentStatus(ch, pur, contact, at)
	if s == customer.ConsentUnknown && pur == customer.PurposeTransactional {
		return customer.ConsentOptIn
	}
	return s
}
