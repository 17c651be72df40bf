package journey

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/c360/c360/customer"
)

// Consenter is one customer's consent as the Gate reads it: the status for a
// channel and purpose through a contact point ("" = any) at a time.
// *customer.Profile implements it (its consent ledger, and a restriction of
// processing answers opt-out), so a caller that holds the profile puts it in
// Request.Consent.
type Consenter interface {
	ConsentStatus(ch customer.Channel, p customer.Purpose, contact string, at time.Time) customer.ConsentStatus
}

var _ Consenter = (*customer.Profile)(nil)

// ConsentChecker answers whether a customer agreed to be contacted on a
// channel for a purpose at a time, looked up by the customer's ID: the Gate
// calls it once per decision whose Request carries no Consent. A host
// implements it over its own consent store. It must be safe for concurrent
// use.
type ConsentChecker interface {
	Consent(ctx context.Context, id customer.ID, ch customer.Channel, p customer.Purpose, at time.Time) (customer.ConsentStatus, error)
}

// ConsentFunc adapts a function to ConsentChecker.
type ConsentFunc func(ctx context.Context, id customer.ID, ch customer.Channel, p customer.Purpose, at time.Time) (customer.ConsentStatus, error)

// Consent calls f.
func (f ConsentFunc) Consent(ctx context.Context, id customer.ID, ch customer.Channel, p customer.Purpose, at time.Time) (customer.ConsentStatus, error) {
	return f(ctx, id, ch, p, at)
}

// Cap is a frequency cap: at most Max sends matching it in any rolling
// Window. A cap applies to a request, and counts a past send, when they
// match its Channel, Purpose and Tag; "" matches anything.
type Cap struct {
	// Name identifies the cap in reasons.
	Name string `json:"name,omitempty"`
	// Channel and Purpose restrict the cap; "" matches any.
	Channel customer.Channel `json:"channel,omitempty"`
	Purpose customer.Purpose `json:"purpose,omitempty"`
	// Tag, if set, restricts the cap to requests and sends carrying it.
	Tag string `json:"tag,omitempty"`
	// PerCampaign counts only the sends of the request's campaign, so each
	// campaign has its own allowance; otherwise (false) the cap is global.
	PerCampaign bool `json:"per_campaign,omitempty"`
	// Max sends in Window; a request is refused when Max are counted.
	Max int `json:"max"`
	// Window is the rolling window: a send at time t counts while
	// now - Window < t <= now. In JSON, nanoseconds.
	Window time.Duration `json:"window"`
	// BypassPriority, when > 0, exempts requests with Priority >= it; 0:
	// no request bypasses the cap.
	BypassPriority int `json:"bypass_priority,omitempty"`
}

// QuietHours is a daily period during which a channel must not be used,
// such as 21:00–08:00 for SMS. Start == End means no quiet period.
type QuietHours struct {
	// Channel it applies to; "" means every channel.
	Channel customer.Channel `json:"channel,omitempty"`
	// Start and End are times of day as offsets from local midnight; the
	// period is Start <= t < End, wrapping midnight when Start > End. In
	// JSON, nanoseconds.
	Start time.Duration `json:"start"`
	End   time.Duration `json:"end"`
	// Location is the time zone; nil means the Gate's Location. It is not
	// part of the JSON form, which always uses the Gate's.
	Location *time.Location `json:"-"`
	// BypassPriority, when > 0, exempts requests with Priority >= it; 0:
	// no request bypasses the quiet hours.
	BypassPriority int `json:"bypass_priority,omitempty"`
}

// SuppressionList is a named list of customers who must not be contacted
// (bounced addresses, complaints, legal holds), per channel or on all
// channels. The zero value is an empty list ready to use; it is safe for
// concurrent use.
type SuppressionList struct {
	Name    string
	mu      sync.RWMutex
	entries map[customer.ID][]suppEntry // one lookup answers every channel
}

type suppEntry struct {
	ch     customer.Channel // "" = every channel
	reason string
}

// Add suppresses a customer on ch ("" = every channel), noting why.
func (l *SuppressionList) Add(id customer.ID, ch customer.Channel, reason string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.entries == nil {
		l.entries = map[customer.ID][]suppEntry{}
	}
	es := l.entries[id]
	for i := range es {
		if es[i].ch == ch {
			es[i].reason = reason
			return
		}
	}
	l.entries[id] = append(es, suppEntry{ch, reason})
}

// Remove lifts a suppression added with the same customer and channel.
func (l *SuppressionList) Remove(id customer.ID, ch customer.Channel) {
	l.mu.Lock()
	defer l.mu.Unlock()
	es := slices.DeleteFunc(l.entries[id], func(e suppEntry) bool { return e.ch == ch })
	if len(es) == 0 {
		delete(l.entries, id)
		return
	}
	l.entries[id] = es
}

// Suppressed reports whether the customer is suppressed on ch, and why.
// A suppression on ch itself is reported before one on every channel.
func (l *SuppressionList) Suppressed(id customer.ID, ch customer.Channel) (string, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	reason, found := "", false
	for _, e := range l.entries[id] {
		switch e.ch {
		case ch:
			return e.reason, true
		case "":
			reason, found = e.reason, true
		}
	}
	return reason, found
}

// Request asks whether a message may be sent now.
type Request struct {
	Customer customer.ID
	Channel  customer.Channel
	Purpose  customer.Purpose
	Campaign string
	Tags     []string
	// Priority lets important messages pass caps and quiet hours whose
	// BypassPriority it reaches; 0 is normal.
	Priority int
	// Consent is the customer's consent when the caller holds it, such as
	// the *customer.Profile; nil means the Gate asks Gate.Consent.
	Consent Consenter
	// Contact is the contact point the message would go to (an address,
	// a number); consent is then asked for it (contact-level consent).
	// "" asks about the channel as a whole.
	Contact string
	// Location is the person's time zone, for quiet hours whose own
	// Location is nil; nil means the Gate's Location.
	Location *time.Location
}

// Send is a message that was sent, recorded for frequency caps.
type Send struct {
	Customer customer.ID
	Channel  customer.Channel
	Purpose  customer.Purpose
	Campaign string
	Tags     []string
	// Time of the send; zero means the Gate's now.
	Time time.Time
}

// ReasonCode classifies a reason of a decision.
type ReasonCode int

// Reason codes. The first ones refuse a send; the Override ones explain
// why a rule that would have refused it did not.
const (
	ReasonInvalidRequest ReasonCode = iota + 1
	ReasonConsentDenied
	ReasonConsentUnknown
	ReasonSuppressed
	ReasonCapReached
	ReasonQuietHours
	ReasonTransactionalOverride
	ReasonPriorityOverride
)

var reasonNames = map[ReasonCode]string{
	ReasonInvalidRequest:        "invalid_request",
	ReasonConsentDenied:         "consent_denied",
	ReasonConsentUnknown:        "consent_unknown",
	ReasonSuppressed:            "suppressed",
	ReasonCapReached:            "cap_reached",
	ReasonQuietHours:            "quiet_hours",
	ReasonTransactionalOverride: "transactional_override",
	ReasonPriorityOverride:      "priority_override",
}

// String returns the code's name, such as "cap_reached".
func (c ReasonCode) String() string {
	if n, ok := reasonNames[c]; ok {
		return n
	}
	return fmt.Sprintf("ReasonCode(%d)", int(c))
}

// Reason is one reason of a decision.
type Reason struct {
	Code ReasonCode
	// Rule names the cap, quiet hours or suppression list concerned.
	Rule   string
	Detail string
}

// String returns the reason as "code [rule]: detail".
func (r Reason) String() string {
	var b strings.Builder
	b.WriteString(r.Code.String())
	if r.Rule != "" {
		b.WriteString(" [" + r.Rule + "]")
	}
	if r.Detail != "" {
		b.WriteString(": " + r.Detail)
	}
	return b.String()
}

// Decision is the Gate's answer.
type Decision struct {
	Allowed bool
	// Contact is the contact point the answer is for: the request's, or the
	// one a decider chose (c360.Engine.Decide picks the first permitted one).
	Contact string
	// Reasons lists every rule that refused the send and every override
	// that let it pass; empty for a plain yes.
	Reasons []Reason
	// RetryAt, when the refusal is only for caps and quiet hours, is the
	// earliest time they would allow the send (consent and suppression
	// are not time-bound, so then it is zero).
	RetryAt time.Time
}

// Gate is the send-eligibility gate: one call answers "may we contact this
// customer on this channel for this purpose now?", combining consent,
// suppression lists, frequency caps and quiet hours, and gives its reasons.
//
// Consent comes with each request (Request.Consent, such as the customer's
// *customer.Profile) or, for requests without it, from Gate.Consent. The
// zero Gate has no caps, no quiet hours and no consent source, so it
// refuses every request that carries no consent. Set the fields
// before the first call and do not change them afterwards. A Gate is safe
// for concurrent use. It keeps the sends recorded with Record in memory,
// as long as the longest cap window.
type Gate struct {
	// Consent answers consent questions for requests that carry no
	// Consent; nil means their answer is unknown.
	Consent ConsentChecker `json:"-"`
	// AllowUnknownConsent lets sends pass when consent is unknown; by
	// default (false) only granted consent passes.
	AllowUnknownConsent bool `json:"allow_unknown_consent,omitempty"`
	// Caps are the frequency caps.
	Caps []Cap `json:"caps,omitempty"`
	// QuietHours are the quiet periods.
	QuietHours []QuietHours `json:"quiet_hours,omitempty"`
	// Location is the default time zone of quiet hours; nil means
	// Asia/Tokyo (a fixed +09:00 zone when the system has no zoneinfo;
	// Japan has no daylight saving time, so the two agree).
	Location *time.Location `json:"-"`
	// Suppressions are consulted on every request, transactional or not.
	Suppressions []*SuppressionList `json:"-"`
	// CapTransactional applies caps and quiet hours to transactional
	// requests too; by default (false) transactional messages pass them.
	CapTransactional bool `json:"cap_transactional,omitempty"`
	// Now is the clock; nil means time.Now.
	Now  func() time.Time `json:"-"`
	once sync.Once
	loc  *time.Location
	keep time.Duration
	// prepared texts of reasons, per cap and per quiet hours
	capOf       []string // " of Max sends in Window"
	capReached  []string // "cap of Max per Window reached"
	quietName   []string
	quietLoc    []*time.Location
	seed        maphash.Seed
	names       interner
	capID       []capIDs // of caps 64 and later
	perCampaign bool     // some cap counts per campaign
	shards      [32]sendShard
}

type sendShard struct {
	mu    sync.Mutex
	sends map[customer.ID][]sent // time order
}

// sent is a recorded Send, compact so that a customer's history is a few
// cache lines: its time in Unix nanoseconds, the caps it counts for as a
// bit set (caps 0–63; later caps are matched through ch, p and tags), and
// its names as numbers from the Gate's interner.
type sent struct {
	at       int64
	capBits  uint64
	ch, p    uint32
	campaign uint32
	tags     uint32 // a tag set of the interner; 0 = no tags
}

// noName is the number of a name the interner has never seen: it equals
// no recorded send's.
const noName = ^uint32(0)

// interner numbers the channel, purpose, campaign and tag names and the
// tag sets of recorded sends; "" is 0. Names are kept for the Gate's
// lifetime (there are as many as distinct campaigns and tags, not sends).
type interner struct {
	mu     sync.RWMutex
	ids    map[string]uint32
	sets   map[string]uint32 // tag sets by their sorted, joined numbers
	setTag [][]uint32        // tag set number → sorted tag numbers
}

// id returns the number of name, adding it when add is set (noName when
// it is unknown and add is not set).
func (in *interner) id(name string, add bool) uint32 {
	if name == "" {
		return 0
	}
	in.mu.RLock()
	n, ok := in.ids[name]
	in.mu.RUnlock()
	if ok || !add {
		if !ok {
			return noName
		}
		return n
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if n, ok := in.ids[name]; ok {
		return n
	}
	if in.ids == nil {
		in.ids = map[string]uint32{}
	}
	n = uint32(len(in.ids) + 1)
	in.ids[name] = n
	return n
}

// tagSet returns the number of the set of tags (0 for none), adding it.
func (in *interner) tagSet(tags []string) uint32 {
	if len(tags) == 0 {
		return 0
	}
	ns := make([]uint32, 0, len(tags))
	for _, t := range tags {
		ns = append(ns, in.id(t, true))
	}
	slices.Sort(ns)
	ns = slices.Compact(ns)
	key := make([]byte, 0, 4*len(ns))
	for _, n := range ns {
		key = append(key, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if n, ok := in.sets[string(key)]; ok {
		return n
	}
	if in.sets == nil {
		in.sets = map[string]uint32{}
		in.setTag = [][]uint32{nil} // set 0 is the empty set
	}
	n := uint32(len(in.setTag))
	in.sets[string(key)] = n
	in.setTag = append(in.setTag, ns)
	return n
}

// hasTag reports whether tag set set holds tag; the caller holds in.mu.
func (in *interner) hasTag(set, tag uint32) bool {
	if set == 0 || int(set) >= len(in.setTag) {
		return false
	}
	_, ok := slices.BinarySearch(in.setTag[set], tag)
	return ok
}

// capIDs are a cap's names as the interner's numbers, for the caps after
// the 64th, which a send's capBits do not cover.
type capIDs struct{ ch, p, tag uint32 }

// nanos returns t in Unix nanoseconds, clamped to the int64 range.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return math.MinInt64
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

func (g *Gate) init() {
	g.once.Do(func() {
		g.loc = g.Location
		if g.loc == nil {
			g.loc = tokyo()
		}
		for _, c := range g.Caps {
			g.keep = max(g.keep, c.Window)
			g.capOf = append(g.capOf, fmt.Sprintf(" of %d sends in %v", c.Max, c.Window))
			g.capReached = append(g.capReached, fmt.Sprintf("cap of %d per %v reached", c.Max, c.Window))
		}
		for _, q := range g.QuietHours {
			loc := q.Location
			if loc == nil {
				loc = g.loc
			}
			g.quietLoc = append(g.quietLoc, loc)
			g.quietName = append(g.quietName, fmt.Sprintf("%s %s-%s %s", orAll(q.Channel), clock(q.Start), clock(q.End), loc))
		}
		for _, c := range g.Caps {
			g.perCampaign = g.perCampaign || c.PerCampaign
		}
		for _, c := range g.Caps[min(len(g.Caps), 64):] {
			g.capID = append(g.capID, capIDs{g.names.id(string(c.Channel), true), g.names.id(string(c.Purpose), true), g.names.id(c.Tag, true)})
		}
		g.seed = maphash.MakeSeed()
		for i := range g.shards {
			g.shards[i].sends = map[customer.ID][]sent{}
		}
	})
}

// tokyo returns Asia/Tokyo, or a fixed +09:00 zone of that name when the
// system has no time zone database.
func tokyo() *time.Location {
	if loc, err := time.LoadLocation("Asia/Tokyo"); err == nil {
		return loc
	}
	return time.FixedZone("Asia/Tokyo", 9*60*60)
}

func (g *Gate) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

func (g *Gate) shard(id customer.ID) *sendShard {
	return &g.shards[maphash.String(g.seed, string(id))%uint64(len(g.shards))]
}

// ErrInvalidSend is returned by Record for a send without customer or
// channel.
var ErrInvalidSend = errors.New("journey: send needs a customer and a channel")

// Record notes that a message was sent, for frequency caps. Sends older
// than the longest cap window are forgotten.
func (g *Gate) Record(s Send) error {
	g.init()
	if s.Customer == "" || s.Channel == "" {
		return ErrInvalidSend
	}
	now := g.now()
	if s.Time.IsZero() {
		s.Time = now
	}
	rec := g.compact(s)
	sh := g.shard(s.Customer)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	h := sh.sends[s.Customer]
	if len(h) == 0 || rec.at >= h[len(h)-1].at {
		h = append(h, rec)
	} else {
		i := sort.Search(len(h), func(i int) bool { return rec.at < h[i].at })
		h = slices.Insert(h, i, rec)
	}
	// forget what no cap can count any more
	cut := nanos(now.Add(-g.keep))
	drop := 0
	for drop < len(h) && h[drop].at <= cut {
		drop++
	}
	if drop == len(h) {
		delete(sh.sends, s.Customer)
		return nil
	}
	sh.sends[s.Customer] = slices.Delete(h, 0, drop)
	return nil
}

// compact returns s as the Gate keeps it (s.Time must be set).
func (g *Gate) compact(s Send) sent {
	rec := sent{at: nanos(s.Time), ch: g.names.id(string(s.Channel), true), p: g.names.id(string(s.Purpose), true),
		campaign: g.names.id(s.Campaign, true), tags: g.names.tagSet(s.Tags)}
	for i := range min(len(g.Caps), 64) {
		if g.Caps[i].matches(s.Channel, s.Purpose, s.Tags) {
			rec.capBits |= 1 << i
		}
	}
	return rec
}

// counts reports whether the recorded send s counts for cap i at now, for
// a request of the campaign numbered campaign.
func (g *Gate) counts(i int, s *sent, now int64, campaign uint32) bool {
	if s.at > now || g.Caps[i].PerCampaign && s.campaign != campaign {
		return false
	}
	if i < 64 {
		return s.capBits&(1<<i) != 0
	}
	c := &g.capID[i-64]
	return (c.ch == 0 || c.ch == s.ch) && (c.p == 0 || c.p == s.p) &&
		(c.tag == 0 || g.names.hasTag(s.tags, c.tag))
}

func (c *Cap) matches(ch customer.Channel, p customer.Purpose, tags []string) bool {
	return (c.Channel == "" || c.Channel == ch) && (c.Purpose == "" || c.Purpose == p) &&
		(c.Tag == "" || slices.Contains(tags, c.Tag))
}

// Decide answers whether r may be sent now, counting the sends recorded
// with Record. The error is only that of the ConsentChecker (or the
// context); a refusal is a Decision with reasons.
func (g *Gate) Decide(ctx context.Context, r Request) (Decision, error) {
	return g.decide(ctx, r, nil, false)
}

// DecideHistory is Decide counting the given sends of r.Customer instead of
// those recorded with Record: for a caller that keeps the send history
// itself, durably (c360.Engine does). history need not be sorted (a
// sorted one, oldest first, is counted as it is, without a copy); sends
// outside every cap window (see Window) may be left out. A send with a
// zero Time is never counted.
func (g *Gate) DecideHistory(ctx context.Context, r Request, history []Send) (Decision, error) {
	g.init()
	if !slices.IsSortedFunc(history, compareSendTimes) {
		history = slices.Clone(history)
		slices.SortStableFunc(history, compareSendTimes)
	}
	return g.decide(ctx, r, history, true)
}

func compareSendTimes(a, b Send) int { return a.Time.Compare(b.Time) }

// Window is the longest cap window: sends older than that no cap counts.
func (g *Gate) Window() time.Duration {
	g.init()
	return g.keep
}

// decide is Decide over the history given (sorted by time) when useGiven
// is set, else over the recorded one.
func (g *Gate) decide(ctx context.Context, r Request, given []Send, useGiven bool) (Decision, error) {
	g.init()
	now := g.now()
	var d Decision
	d.Contact = r.Contact
	if r.Customer == "" || r.Channel == "" {
		d.Reasons = append(d.Reasons, Reason{Code: ReasonInvalidRequest, Detail: "a request needs a customer and a channel"})
		return d, nil
	}
	permanent := false
	// consent
	status := customer.ConsentUnknown
	if r.Consent != nil {
		status = r.Consent.ConsentStatus(r.Channel, r.Purpose, r.Contact, now)
	} else if g.Consent != nil {
		var err error
		status, err = g.Consent.Consent(ctx, r.Customer, r.Channel, r.Purpose, now)
		if err != nil {
			return Decision{}, err
		}
	}
	add := func(rs Reason) {
		if d.Reasons == nil {
			d.Reasons = make([]Reason, 0, 4)
		}
		d.Reasons = append(d.Reasons, rs)
	}
	switch status {
	case customer.ConsentOptIn:
	case customer.ConsentOptOut:
		permanent = true
		add(Reason{Code: ReasonConsentDenied, Detail: string(r.Channel) + " for " + string(r.Purpose)})
	default:
		if !g.AllowUnknownConsent {
			permanent = true
			add(Reason{Code: ReasonConsentUnknown, Detail: string(r.Channel) + " for " + string(r.Purpose)})
		}
	}
	// suppression
	for _, l := range g.Suppressions {
		if why, ok := l.Suppressed(r.Customer, r.Channel); ok {
			permanent = true
			add(Reason{Code: ReasonSuppressed, Rule: l.Name, Detail: why})
		}
	}
	exempt := r.Purpose == customer.PurposeTransactional && !g.CapTransactional
	var retry time.Time
	later := func(t time.Time) {
		if t.After(retry) {
			retry = t
		}
	}
	// caps
	if len(g.Caps) > 0 {
		nowN := nanos(now)
		var campaign uint32
		if g.perCampaign && !useGiven { // the interner's lock only when a cap needs it
			campaign = g.names.id(r.Campaign, false)
		}
		var h []sent
		if !useGiven {
			if len(g.Caps) > 64 {
				g.names.mu.RLock() // for hasTag
				defer g.names.mu.RUnlock()
			}
			sh := g.shard(r.Customer)
			sh.mu.Lock()
			defer sh.mu.Unlock()
			h = sh.sends[r.Customer]
		}
		for i := range g.Caps {
			c := &g.Caps[i]
			if !c.matches(r.Channel, r.Purpose, r.Tags) {
				continue
			}
			from := nanos(now.Add(-c.Window))
			var count int
			var nth int64 // the time of the Max-th counted send, newest first
			if useGiven {
				count, nth = c.countGiven(given, from, nowN, r.Campaign)
			} else {
				count, nth = g.countRecorded(i, h, from, nowN, campaign)
			}
			if count < c.Max {
				continue
			}
			switch {
			case exempt:
				add(Reason{Code: ReasonTransactionalOverride, Rule: c.Name, Detail: g.capReached[i]})
			case c.BypassPriority > 0 && r.Priority >= c.BypassPriority:
				add(Reason{Code: ReasonPriorityOverride, Rule: c.Name,
					Detail: g.capReached[i] + "; priority " + strconv.Itoa(r.Priority) + " >= " + strconv.Itoa(c.BypassPriority)})
			case c.Max <= 0:
				permanent = true
				add(Reason{Code: ReasonCapReached, Rule: c.Name, Detail: "cap allows no sends"})
			default:
				// The Max-th counted send, newest first, is the one that
				// must leave the window for the count to fall below Max.
				later(time.Unix(0, nth).In(now.Location()).Add(c.Window))
				add(Reason{Code: ReasonCapReached, Rule: c.Name, Detail: strconv.Itoa(count) + g.capOf[i]})
			}
		}
	}
	// quiet hours
	for i := range g.QuietHours {
		q := &g.QuietHours[i]
		if q.Channel != "" && q.Channel != r.Channel {
			continue
		}
		loc := g.quietLoc[i]
		if q.Location == nil && r.Location != nil {
			loc = r.Location
		}
		end, quiet := q.quietAt(now, loc)
		if !quiet {
			continue
		}
		name := g.quietName[i]
		if loc != g.quietLoc[i] {
			name = fmt.Sprintf("%s %s-%s %s", orAll(q.Channel), clock(q.Start), clock(q.End), loc)
		}
		switch {
		case exempt:
			add(Reason{Code: ReasonTransactionalOverride, Rule: name, Detail: "quiet hours"})
		case q.BypassPriority > 0 && r.Priority >= q.BypassPriority:
			add(Reason{Code: ReasonPriorityOverride, Rule: name,
				Detail: "quiet hours; priority " + strconv.Itoa(r.Priority) + " >= " + strconv.Itoa(q.BypassPriority)})
		default:
			later(end)
			add(Reason{Code: ReasonQuietHours, Rule: name, Detail: "until " + end.Format(time.RFC3339)})
		}
	}
	d.Allowed = true
	for _, rs := range d.Reasons {
		if rs.Code < ReasonTransactionalOverride {
			d.Allowed = false
		}
	}
	if !d.Allowed && !permanent {
		d.RetryAt = retry
	}
	return d, nil
}

// countRecorded counts the recorded sends h (time order) that cap i counts
// in from < t <= now for a request of the campaign numbered campaign, and
// returns the time of the Max-th of them, newest first (0 when fewer).
func (g *Gate) countRecorded(i int, h []sent, from, now int64, campaign uint32) (count int, nth int64) {
	limit := g.Caps[i].Max
	for j := len(h) - 1; j >= 0 && h[j].at > from; j-- {
		if g.counts(i, &h[j], now, campaign) {
			if count++; count == limit {
				nth = h[j].at
			}
		}
	}
	return count, nth
}

// countGiven is countRecorded over sends given by a caller (time order),
// read as they are: the cap matches their names, and the request's
// campaign, directly.
func (c *Cap) countGiven(h []Send, from, now int64, campaign string) (count int, nth int64) {
	for j := len(h) - 1; j >= 0; j-- {
		s := &h[j]
		at := nanos(s.Time)
		if at <= from {
			break
		}
		if at > now || c.PerCampaign && s.Campaign != campaign || !c.matches(s.Channel, s.Purpose, s.Tags) {
			continue
		}
		if count++; count == c.Max {
			nth = at
		}
	}
	return count, nth
}

func orAll(ch customer.Channel) string {
	if ch == "" {
		return "all channels"
	}
	return string(ch)
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// quietAt reports whether t falls in the quiet period and, if so, when the
// period ends.
func (q *QuietHours) quietAt(t time.Time, loc *time.Location) (time.Time, bool) {
	if q.Start == q.End {
		return time.Time{}, false
	}
	lt := t.In(loc)
	y, m, dd := lt.Date()
	midnight := time.Date(y, m, dd, 0, 0, 0, 0, loc)
	at := lt.Sub(midnight)
	var quiet bool
	if q.Start < q.End {
		quiet = at >= q.Start && at < q.End
	} else {
		quiet = at >= q.Start || at < q.End
	}
	if !quiet {
		return time.Time{}, false
	}
	endDay := midnight
	if at >= q.End {
		endDay = time.Date(y, m, dd+1, 0, 0, 0, 0, loc)
	}
	h, mi := int(q.End/time.Hour), int(q.End%time.Hour/time.Minute)
	sec := q.End % time.Minute
	ey, em, ed := endDay.Date()
	return time.Date(ey, em, ed, h, mi, 0, int(sec), loc), true
}

// MarshalText writes the code's name, such as "quiet_hours".
func (c ReasonCode) MarshalText() ([]byte, error) { return []byte(c.String()), nil }
