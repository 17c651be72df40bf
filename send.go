package c360

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
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
	sc := decideScratches.Get().(*decideScratch)
	defer sc.release()
	sc.e, sc.ctx, sc.r = e, ctx, r
	err := e.view(ctx, sc.view)
	return sc.d, err
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
	sc := decideScratches.Get().(*decideScratch)
	defer sc.release()
	var d journey.Decision
	err := e.store.Update(ctx, func(tx Tx) error {
		var p *customer.Profile
		var err error
		d, p, err = e.decide(ctx, tx, r, sc)
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
	out, _, err := appendSends(nil, nil, tx, p, sendAnchors(nil, p), since, w)
	return out, err
}

// sendAnchors appends the anchors a profile's sends are kept under: those
// of its records (putSend writes under principal, which is one of them;
// a record brings its sends along through merges and unmerges), or, for a
// profile without records, its own. Sends are never kept under an
// anonymous ID, so unlike anchors this needs no read.
func sendAnchors(out []string, p *customer.Profile) []string {
	if len(p.Sources) == 0 {
		return append(out, "p"+string(p.ID))
	}
	for i := range p.Sources {
		out = append(out, recordAnchor(p.Sources[i].Key()))
	}
	return out
}

// appendSends appends to out the sends kept under the anchors as after
// since (zero: all), in time order. items is a buffer for the items read
// (returned for reuse).
func appendSends(out []journey.Send, items []Item, tx ReadTx, p *customer.Profile, as []string, since time.Time, w words) ([]journey.Send, []Item, error) {
	var sinceKey [16]byte // timeKey(since), without its allocation
	if !since.IsZero() {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(since.UnixNano())^(1<<63))
		hex.Encode(sinceKey[:], b[:])
	}
	first := len(out)
	var s storedSend // each send decoded over the previous one: see decodeSend
	for _, a := range as {
		var err error
		if items, err = readItems(tx, bSends, a, items[:0]); err != nil {
			return out, items, err
		}
		for _, it := range items {
			if !since.IsZero() && !keyAfter(it.Key, &sinceKey) {
				continue
			}
			t, ok := keyTime(it.Key)
			if !ok {
				return out, items, fmt.Errorf("c360: stored send %q: %w: its key holds no time", it.Key, errCorruptSend)
			}
			if err := w.decodeSend(it.Value, &s); err != nil {
				return out, items, fmt.Errorf("c360: stored send %q: %w", it.Key, err)
			}
			out = append(out, journey.Send{Customer: p.ID, Channel: s.Channel, Purpose: s.Purpose,
				Campaign: s.Campaign, Tags: s.Tags, Time: t})
		}
	}
	if len(as) > 1 { // each anchor's sends come in time order already
		slices.SortStableFunc(out[first:], func(a, b journey.Send) int { return a.Time.Compare(b.Time) })
	}
	return out, items, nil
}

// keyAfter reports whether an item key sorts after the time key k followed
// by "\xff": whether the item is of a later instant than k's (the keys of
// sends are a time key and then a sequence, none of whose bytes is 0xff).
func keyAfter(key string, k *[16]byte) bool {
	for i := range k {
		switch {
		case i == len(key):
			return false // a prefix of k sorts before it
		case key[i] != k[i]:
			return key[i] > k[i]
		}
	}
	return len(key) > len(k)+1 && key[len(k)] == 0xff // after k + "\xff" only when longer
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

// decideScratch is the working memory of one decision, kept in a pool so
// that a decision allocates little: the candidate contact points, the
// anchors and items of the sends and the sends read, and, for Decide, the
// call itself (its engine, context and request, set for the call only)
// with its answer, so that the read transaction's function is made once
// per scratch, not per call.
type decideScratch struct {
	cands   []candidate
	anchors []string
	items   []Item
	sends   []journey.Send

	e    *Engine
	ctx  context.Context
	r    journey.Request
	d    journey.Decision
	view func(ReadTx) error // sc.d = decide(sc.ctx, tx, sc.r)
}

// candidate is a contact point Decide may choose, with its comparison key.
type candidate struct {
	c   *customer.ContactPoint // the profile's own: read only
	key string
}

var decideScratches = sync.Pool{New: func() any {
	sc := new(decideScratch)
	sc.view = func(tx ReadTx) error {
		var err error
		sc.d, _, err = sc.e.decide(sc.ctx, tx, sc.r, sc)
		return err
	}
	return sc
}}

// release returns the scratch to the pool, keeping no profile's data, nor
// the call's, alive.
func (sc *decideScratch) release() {
	clear(sc.cands)
	clear(sc.anchors)
	clear(sc.items)
	clear(sc.sends)
	if cap(sc.sends) > 1024 || cap(sc.items) > 1024 { // an unusual history: not kept
		sc.items, sc.sends = nil, nil
	}
	sc.cands, sc.anchors, sc.items, sc.sends = sc.cands[:0], sc.anchors[:0], sc.items[:0], sc.sends[:0]
	sc.e, sc.ctx, sc.r, sc.d = nil, nil, journey.Request{}, journey.Decision{}
	decideScratches.Put(sc)
}

// decide is Decide inside a transaction, with the scratch sc (reset on
// entry: a transaction function may run again); it returns the profile
// too.
func (e *Engine) decide(ctx context.Context, tx ReadTx, r journey.Request, sc *decideScratch) (journey.Decision, *customer.Profile, error) {
	sc.cands, sc.anchors, sc.items, sc.sends = sc.cands[:0], sc.anchors[:0], sc.items[:0], sc.sends[:0]
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
	if z, ok := p.Attributes["timezone"]; ok {
		if loc := e.live.zone(z.String()); loc != nil {
			r.Location = loc
		}
	}
	window := e.live.gate.Window()
	if window > 0 {
		// The sends are read with the suppressions below, in the same round
		// trip on a store that batches reads.
		sc.anchors = sendAnchors(sc.anchors, p)
		if pf, ok := tx.(ItemPrefetcher); ok {
			for _, a := range sc.anchors {
				pf.Prefetch(bSends, a)
			}
		}
	}
	var skipped []journey.Reason
	if t, ok := contactType(r.Channel); ok {
		want := ""
		if r.Contact != "" {
			want = contactKey(t, r.Contact)
		}
		pf, batches := tx.(ItemPrefetcher)
		keyed := batches || r.Contact != "" // else a candidate's key is made when it is tried
		// primary contact points first, each group in the profile's order
		for _, primary := range [2]bool{true, false} {
			for i := range p.ContactPoints {
				c := &p.ContactPoints[i]
				if c.Type != t || c.Primary != primary {
					continue
				}
				k := ""
				if keyed {
					k = contactKey(t, c.Value)
				}
				if r.Contact == "" || k == want {
					sc.cands = append(sc.cands, candidate{c, k})
				}
			}
		}
		if batches {
			for _, c := range sc.cands {
				pf.Prefetch(bSuppr, string(r.Channel), c.key)
				pf.Prefetch(bSuppr, "", c.key)
			}
		}
		chosen := ""
		for _, c := range sc.cands {
			if !keyed {
				c.key = contactKey(t, c.c.Value)
			}
			why, ok, err := e.usable(tx, p, r, c, now)
			if err != nil {
				return journey.Decision{}, nil, err
			}
			if ok {
				chosen = c.c.Value
				break
			}
			skipped = append(skipped, why)
		}
		if chosen == "" {
			if len(sc.cands) == 0 {
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
	if window > 0 {
		if sc.sends, sc.items, err = appendSends(sc.sends, sc.items, tx, p, sc.anchors, now.Add(-window), e.live.words); err != nil {
			return journey.Decision{}, nil, err
		}
	}
	d, err := e.live.gate.DecideHistory(ctx, r, sc.sends)
	return d, p, err
}

// usable says whether a contact point may carry the message: valid, not
// suppressed, consented to at contact level; else the reason.
func (e *Engine) usable(tx ReadTx, p *customer.Profile, r journey.Request, cand candidate, now time.Time) (journey.Reason, bool, error) {
	c := cand.c
	switch c.Validity {
	case customer.ValidityInvalid, customer.ValidityUndeliverable:
		return journey.Reason{Code: journey.ReasonSuppressed, Rule: "validity",
			Detail: c.Value + " is " + c.Validity.String()}, false, nil
	}
	if why, ok, err := e.suppressed(tx, r.Channel, cand.key); err != nil || ok {
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

// errCorruptSend is the error of a stored send that does not decode.
var errCorruptSend = errors.New("corrupt stored send")

// decodeSend reads what encodeSend wrote, but for the contact, which no
// reader needs (s.Contact is left ""). Strings w holds are not allocated
// again, nor are a channel, purpose or campaign equal to those s holds
// (a caller decoding a history into the same s reuses the previous
// send's).
func (w words) decodeSend(b []byte, s *storedSend) error {
	r := binReader{b: b}
	if v := r.byte(); v != 1 {
		return fmt.Errorf("%w: unknown format %d", errCorruptSend, v)
	}
	if v := r.bytes(); string(v) != string(s.Channel) {
		s.Channel = customer.Channel(w.str(v))
	}
	if v := r.bytes(); string(v) != string(s.Purpose) {
		s.Purpose = customer.Purpose(w.str(v))
	}
	if v := r.bytes(); string(v) != s.Campaign {
		s.Campaign = w.str(v)
	}
	r.skip() // the contact
	s.Tags = nil
	for range r.count(1) {
		s.Tags = append(s.Tags, r.str(w))
	}
	return r.err(errCorruptSend)
}

// zones caches the time zones of profiles (the attribute "timezone"), so
// that a decision does not load one from the system's database each time.
// Names that do not load are cached too (as nil); past zoneCacheMax names
// (more than the database holds: they are not all real) nothing more is
// cached.
type zones struct {
	mu sync.RWMutex
	m  map[string]*time.Location
}

const zoneCacheMax = 1024

// zone returns the time zone an IANA name names, nil when it names none
// ("" included).
func (l *live) zone(name string) *time.Location {
	if name == "" {
		return nil
	}
	z := &l.zones
	z.mu.RLock()
	loc, ok := z.m[name]
	z.mu.RUnlock()
	if ok {
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = nil
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.m == nil {
		z.m = map[string]*time.Location{}
	}
	if len(z.m) < zoneCacheMax {
		z.m[name] = loc
	}
	return loc
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
