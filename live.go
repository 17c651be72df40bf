package c360

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/normalize"
	"github.com/c360/c360/segment"
)

// The live state is kept as items (ItemStore) in these buckets. Events and
// sends are anchored to a source record (or, for a visitor not yet
// identified, to an anonymous ID), never to a profile ID: a profile's
// history is that of its records and of the anonymous IDs linked to them, so
// whatever moves records between profiles — a merge, an unmerge, a
// re-resolution — carries their history along, and no history is left on an
// absorbed ID.
const (
	bEvents  = "events"  // group: anchor; key: time + event ID; value: storedEvent
	bEventID = "eventid" // group: ""; key: event ID; value: anchor + "\x00" + events key
	bAnon    = "anon"    // group: anonymous ID; key: ""; value: the record anchor it is linked to
	bAnonOf  = "anonof"  // group: record anchor; key: anonymous ID; value: empty
	bState   = "state"   // group: profile ID; key: ""; value: liveState
	bMember  = "member"  // group: segment name; key: profile ID; value: empty
	bSends   = "sends"   // group: anchor; key: time + sequence; value: storedSend
	bSuppr   = "suppress"
	bAliases = "aliases" // group: survivor ID; key: an ID it absorbed; value: empty
)

// SegmentDef defines a live segment: its name and its expression in the
// syntax of segment.Parse (`count(purchase, 90d) >= 2 and
// consent.email.marketing = "opt_in"`).
type SegmentDef struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
}

// SendConfig configures the engine's send gate (Decide, Claim, Activate):
// frequency caps counted over the durable send history and quiet hours in
// the person's time zone. Consent comes from each profile's own ledger,
// contact point by contact point, and suppressions from the engine's
// (Suppress). The zero value has no caps and no quiet hours and sends only
// with consent.
type SendConfig struct {
	// Caps are the frequency caps, counted over every send recorded with
	// Sent, Claim or Activate.
	Caps []journey.Cap `json:"caps,omitempty"`
	// QuietHours are the quiet periods, in the person's time zone (the
	// profile attribute "timezone", an IANA name such as "Asia/Tokyo")
	// unless a period names its own; TimeZone when the profile has none.
	QuietHours []journey.QuietHours `json:"quiet_hours,omitempty"`
	// TimeZone is the IANA name of the default time zone; "" means
	// Asia/Tokyo.
	TimeZone string `json:"time_zone,omitempty"`
	// AllowUnknownConsent lets sends pass when consent is unknown; by
	// default (false) only granted consent passes.
	AllowUnknownConsent bool `json:"allow_unknown_consent,omitempty"`
	// CapTransactional applies caps and quiet hours to transactional
	// messages too; by default (false) they pass them.
	CapTransactional bool `json:"cap_transactional,omitempty"`
}

// live is the engine's compiled live configuration.
type live struct {
	jmap     *journey.Map
	stager   *journey.Stager
	catalog  *journey.Catalog
	set      *segment.Set
	segments []string // in definition order
	gate     *journey.Gate
	words    words // strings stored events and sends repeat
	skew     time.Duration
	zones    zones     // of profiles, by name (send.go)
	scratch  sync.Pool // *liveScratch, reused by refresh
}

// liveScratch is what refresh reuses from one profile to the next: a
// segment evaluator and the buffers of the profile's events and
// touchpoints. It holds nothing of a profile between uses.
type liveScratch struct {
	eval   *segment.Evaluator
	events []journey.Event
	tps    []segment.Touchpoint
	member []string
	old    []string // the segments of the stored state
}

func (l *live) getScratch() *liveScratch {
	if s, ok := l.scratch.Get().(*liveScratch); ok {
		return s
	}
	return &liveScratch{eval: l.set.NewEvaluator()}
}

// putScratch clears what s holds of a profile and keeps it for reuse.
func (l *live) putScratch(s *liveScratch) {
	clear(s.events)
	clear(s.tps)
	s.events, s.tps, s.member, s.old = s.events[:0], s.tps[:0], s.member[:0], s.old[:0]
	l.scratch.Put(s)
}

func newLive(cfg Config, now func() time.Time) (*live, error) {
	l := &live{jmap: cfg.Journey, catalog: cfg.Catalog, set: segment.NewSet(), skew: cfg.FutureSkew}
	if l.jmap == nil {
		l.jmap = journey.DefaultMap()
	}
	if err := l.jmap.Validate(); err != nil {
		return nil, fmt.Errorf("%w: journey: %w", ErrInvalid, err)
	}
	l.stager = journey.NewStager(l.jmap)
	l.words = newWords(l.catalog)
	if l.skew == 0 {
		l.skew = 24 * time.Hour
	}
	var problems []error
	for i, d := range cfg.Segments {
		if d.Name == "" {
			problems = append(problems, fmt.Errorf("segments[%d]: empty name", i))
			continue
		}
		if _, err := l.set.DefineText(d.Name, d.Expr); err != nil {
			problems = append(problems, fmt.Errorf("segments[%d] (%s): %w", i, d.Name, err))
			continue
		}
		l.segments = append(l.segments, d.Name)
	}
	loc := (*time.Location)(nil)
	if z := cfg.Sending.TimeZone; z != "" {
		var err error
		if loc, err = time.LoadLocation(z); err != nil {
			problems = append(problems, fmt.Errorf("sending.time_zone: %w", err))
		}
	}
	for i, c := range cfg.Sending.Caps {
		if c.Window <= 0 {
			problems = append(problems, fmt.Errorf("sending.caps[%d] (%s): window must be positive", i, c.Name))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, errors.Join(problems...))
	}
	for _, n := range l.segments { // live states repeat them: refresh decodes them without allocating
		l.words[n] = n
	}
	for _, st := range l.jmap.Stages {
		l.words[string(st)] = string(st)
	}
	l.gate = &journey.Gate{
		Caps: cfg.Sending.Caps, QuietHours: cfg.Sending.QuietHours, Location: loc,
		AllowUnknownConsent: cfg.Sending.AllowUnknownConsent, CapTransactional: cfg.Sending.CapTransactional,
		Now: now,
	}
	return l, nil
}

// recordAnchor is the anchor of a source record's history.
func recordAnchor(k customer.RecordKey) string {
	return "r" + strconv.Itoa(len(k.System)) + ":" + k.System + k.RecordID
}

// anonAnchor is the anchor of a not yet identified visitor's history.
func anonAnchor(id string) string { return "a" + id }

// timeKey orders items by time: the instant as a sortable hex string.
func timeKey(t time.Time) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(t.UnixNano())^(1<<63))
	return hex.EncodeToString(b[:])
}

// storedEvent is an event as the store keeps it (encodeEvent).
type storedEvent struct {
	ID          string
	AnonymousID string
	Type        journey.Type
	Channel     customer.Channel
	Time        time.Time
	Value       journey.Money
	Campaign    string
	Source      string
	Attributes  map[string]string
}

// encodeEvent writes an event compactly: a format byte, the time as Unix
// nanoseconds and zone offset, then the strings length-prefixed, the
// amount, and the attributes in key order (so equal events encode equally).
func encodeEvent(s *storedEvent) []byte {
	b := make([]byte, 0, 64+len(s.ID)+len(s.Campaign))
	str := func(v string) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	b = append(b, 1)
	_, off := s.Time.Zone()
	b = binary.AppendVarint(b, s.Time.UnixNano())
	b = binary.AppendVarint(b, int64(off))
	str(s.ID)
	str(s.AnonymousID)
	str(string(s.Type))
	str(string(s.Channel))
	b = binary.AppendVarint(b, s.Value.Amount)
	str(s.Value.Currency)
	str(s.Campaign)
	str(s.Source)
	b = binary.AppendUvarint(b, uint64(len(s.Attributes)))
	for _, k := range slices.Sorted(maps.Keys(s.Attributes)) {
		str(k)
		str(s.Attributes[k])
	}
	return b
}

// errCorruptEvent is the error of a stored event that does not decode.
var errCorruptEvent = errors.New("c360: corrupt stored event")

// decodeEvent reads what encodeEvent wrote.
func decodeEvent(b []byte) (storedEvent, error) { return words(nil).decodeEvent(b) }

// words holds the strings stored events and sends repeat — touchpoint
// types, channels, purposes, currencies — so that decoding them allocates
// nothing. It is built at Open and only read afterwards; nil holds none.
type words map[string]string

func newWords(c *journey.Catalog) words {
	w := words{}
	for _, t := range c.Types() {
		w[string(t)] = string(t)
	}
	for _, ch := range c.Channels() {
		w[string(ch)] = string(ch)
	}
	for _, p := range []customer.Purpose{customer.PurposeMarketing, customer.PurposeTransactional, customer.PurposeService,
		customer.PurposeAnalytics, customer.PurposeProfiling, customer.PurposeThirdParty} {
		w[string(p)] = string(p)
	}
	for _, c := range []string{journey.DefaultCurrency, "USD", "EUR"} {
		w[c] = c
	}
	return w
}

// str returns b as a string, the held one when w has it.
func (w words) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if v, ok := w[string(b)]; ok {
		return v
	}
	return string(b)
}

// decodeEvent reads what encodeEvent wrote; strings w holds are not
// allocated again.
func (w words) decodeEvent(b []byte) (storedEvent, error) {
	var s storedEvent
	r := binReader{b: b}
	if v := r.byte(); v != 1 {
		return s, fmt.Errorf("%w: unknown format %d", errCorruptEvent, v)
	}
	ns := r.varint()
	s.Time = timeAt(ns, r.varint())
	s.ID, s.AnonymousID = r.str(w), r.str(w)
	s.Type, s.Channel = journey.Type(r.str(w)), customer.Channel(r.str(w))
	s.Value.Amount = r.varint()
	s.Value.Currency = r.str(w)
	s.Campaign, s.Source = r.str(w), r.str(w)
	if n := r.count(2); n > 0 { // an attribute is two strings
		s.Attributes = make(map[string]string, n)
		for range n {
			k := r.str(w)
			s.Attributes[k] = r.str(w)
		}
	}
	return s, r.err(errCorruptEvent)
}

func (s *storedEvent) event(id customer.ID) journey.Event {
	return journey.Event{ID: s.ID, CustomerID: id, AnonymousID: s.AnonymousID, Type: s.Type, Channel: s.Channel,
		Time: s.Time, Value: s.Value, Campaign: s.Campaign, Source: s.Source, Attributes: s.Attributes}
}

// liveState is a profile's derived live state, kept so that a restarted
// engine reads it instead of recomputing it from every event.
type liveState struct {
	Stage    journey.StageState `json:"stage"`
	Segments []string           `json:"segments,omitempty"`
}

// stateFormat is the first byte of a live state in the binary encoding
// (encodeState); a state that starts with '{' is the JSON of earlier
// versions, still read.
const stateFormat = 2

// encodeState writes a live state compactly: the format byte, the segments
// and the current stage first (what refresh compares), then the stage
// history, so that readStateHead stops before it.
func encodeState(st *liveState) []byte {
	b := make([]byte, 0, 64+48*len(st.Stage.History))
	str := func(v string) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	at := func(t time.Time) { // seconds and nanoseconds: the zero time too
		_, off := t.Zone()
		b = binary.AppendVarint(b, t.Unix())
		b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
		b = binary.AppendVarint(b, int64(off))
	}
	b = append(b, stateFormat)
	b = binary.AppendUvarint(b, uint64(len(st.Segments)))
	for _, sg := range st.Segments {
		str(sg)
	}
	str(string(st.Stage.Stage))
	at(st.Stage.Since)
	b = binary.AppendUvarint(b, uint64(len(st.Stage.History)))
	for i := range st.Stage.History {
		tr := &st.Stage.History[i]
		str(string(tr.Customer))
		str(tr.AnonymousID)
		str(string(tr.From))
		str(string(tr.To))
		at(tr.At)
		str(tr.EventID)
		str(tr.Rule)
	}
	return b
}

// errCorruptState is the error of a stored live state that does not
// decode.
var errCorruptState = errors.New("corrupt stored live state")

// decodeState reads a live state (either encoding); with head, only its
// segments and current stage, not the history.
func decodeState(b []byte, head bool) (liveState, error) { return decodeStateIn(b, head, nil, nil) }

// decodeStateIn is decodeState taking the segment names and stage that w
// holds without allocating them again, and appending the segments to segs
// (nil: a new slice).
func decodeStateIn(b []byte, head bool, w words, segs []string) (liveState, error) {
	st := liveState{Segments: segs}
	if len(b) > 0 && b[0] == '{' {
		err := json.Unmarshal(b, &st)
		return st, err
	}
	r := binReader{b: b}
	if v := r.byte(); v != stateFormat {
		return st, fmt.Errorf("%w: unknown format %d", errCorruptState, v)
	}
	at := func() time.Time {
		sec, ns, off := r.varint(), r.uvarint(), r.varint()
		if ns >= 1e9 {
			r.fail()
		}
		if !r.ok() {
			return time.Time{}
		}
		t := time.Unix(sec, int64(ns))
		if off == 0 {
			return t.UTC()
		}
		return t.In(time.FixedZone("", int(off)))
	}
	for range r.count(1) {
		st.Segments = append(st.Segments, r.str(w))
	}
	st.Stage.Stage = journey.Stage(r.str(w))
	st.Stage.Since = at()
	if head || !r.ok() {
		return st, r.err(errCorruptState)
	}
	// a transition is six strings and an instant: 9 bytes at least
	if n := r.count(9); n > 0 {
		st.Stage.History = make([]journey.Transition, n)
	}
	for i := range st.Stage.History {
		tr := &st.Stage.History[i]
		tr.Customer, tr.AnonymousID = customer.ID(r.str(nil)), r.str(nil)
		tr.From, tr.To = journey.Stage(r.str(nil)), journey.Stage(r.str(nil))
		tr.At = at()
		tr.EventID, tr.Rule = r.str(nil), r.str(nil)
	}
	if !r.end() {
		if r.ok() {
			return st, fmt.Errorf("%w: %d bytes after its end", errCorruptState, len(r.b))
		}
		return st, r.err(errCorruptState)
	}
	return st, nil
}

// timeAt is the instant of Unix nanoseconds ns in a zone offset off
// seconds east of UTC (UTC itself when off is 0).
func timeAt(ns, off int64) time.Time {
	t := time.Unix(0, ns)
	if off == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", int(off)))
}

// storedSend is a send as the store keeps it (encodeSend; its time is the
// item key).
type storedSend struct {
	Channel  customer.Channel
	Purpose  customer.Purpose
	Campaign string
	Tags     []string
	Contact  string
	Time     time.Time // kept in the item key
}

// Tracked is what Track did with an event.
type Tracked struct {
	// Profile is the profile the event landed on; "" when it stayed with
	// an anonymous visitor or waits for its source record.
	Profile customer.ID `json:"profile,omitempty"`
	// AnonymousID is the event's anonymous ID, if any.
	AnonymousID string `json:"anonymous_id,omitempty"`
	// Linked is true when this event identified AnonymousID: its earlier
	// history joined Profile.
	Linked bool `json:"linked,omitempty"`
	// Duplicate is true when an event with this ID was tracked before:
	// nothing changed.
	Duplicate bool `json:"duplicate,omitempty"`
	// Transition is the lifecycle-stage change the event caused, if any.
	Transition *journey.Transition `json:"transition,omitempty"`
	// Entered and Left are the live segments the profile entered and left.
	Entered []string `json:"entered,omitempty"`
	Left    []string `json:"left,omitempty"`
	// Cursor is the position of the last change written (0 if none).
	Cursor Cursor `json:"cursor,omitempty"`
}

// Track records a touchpoint and keeps its person's live state current.
//
// The event names its person by profile ID (CustomerID; an absorbed ID is
// followed to its survivor), by the identifiers a source sends
// (Identifiers: e-mail, phone in any notation, "source:<system>" record
// keys, corporate number), or by an anonymous ID. They are resolved in the
// identity state, in that order of precedence. An anonymous ID is linked to
// the first person an event identifies it with, and its history joins that
// person's; an event naming a source record that has not arrived yet is kept
// with the record and joins its profile when the record does. An event
// whose identifiers match several profiles is refused (ErrConflict), as is
// one with no usable identifier (ErrInvalid).
//
// Tracking is idempotent on the event ID: the same ID again changes nothing
// and answers Duplicate. An event of an unknown type or channel, or dated
// more than Config.FutureSkew after the engine's clock or before 1900, is refused with an
// error wrapping ErrInvalid naming the field; nothing is stored. The stage
// (Config.Journey) is inferred from the profile's events in time order, so a
// late event is placed where it belongs; live segments (Config.Segments)
// are evaluated again; a stage change and segment entries and exits are
// written to the change feed in the same transaction as the event.
func (e *Engine) Track(ctx context.Context, ev journey.Event) (Tracked, error) {
	if _, err := e.current(); err != nil {
		return Tracked{}, err
	}
	if err := e.checkEvent(&ev); err != nil {
		return Tracked{}, err
	}
	var out Tracked
	fn := func(tx Tx) error {
		out = Tracked{AnonymousID: ev.AnonymousID}              // from scratch: a shared update may run fn again
		if err := e.checkSuppressedEvent(tx, &ev); err != nil { // an erased person's: privacy.go
			return err
		}
		return e.track(tx, &ev, &out)
	}
	var err error
	if su, ok := e.store.(sharedUpdater); ok {
		// Tracks of different people run side by side (memshared.go).
		var shift Cursor
		shift, err = su.updateShared(ctx, fn)
		if err == nil && out.Cursor != 0 {
			out.Cursor += shift
		}
	} else {
		err = e.store.Update(ctx, fn)
	}
	if err != nil {
		return Tracked{}, e.held(ctx, err, "e"+ev.ID, &ev)
	}
	return out, nil
}

// minEventTime and maxEventTime bound the times Track keeps: events are
// stored with nanosecond times, which reach from 1677 to 2262; a touchpoint
// before 1900 is a missing or mistyped date.
var (
	minEventTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxEventTime = time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
)

func (e *Engine) checkEvent(ev *journey.Event) error {
	v := *ev
	if v.CustomerID == "" && v.AnonymousID == "" && len(v.Identifiers) > 0 {
		v.CustomerID = "identified by Identifiers"
	}
	var problems []error
	if err := e.live.catalog.Validate(&v); err != nil {
		problems = append(problems, err)
	}
	if now := e.now(); v.Time.After(now.Add(e.live.skew)) {
		problems = append(problems, fmt.Errorf("event %q: Time: %s is more than %v after now (%s)", ev.ID,
			v.Time.Format(time.RFC3339), e.live.skew, now.Format(time.RFC3339)))
	} else if v.Time.Before(minEventTime) || !v.Time.Before(maxEventTime) {
		problems = append(problems, fmt.Errorf("event %q: Time: %s is outside %d–%d, the times a touchpoint is kept with (a missing or mistyped date?)", ev.ID,
			v.Time.Format(time.RFC3339), minEventTime.Year(), maxEventTime.Year()-1))
	}
	for i, id := range ev.Identifiers {
		if id.Value == "" || !knownScheme(id.Scheme) {
			problems = append(problems, fmt.Errorf("event %q: Identifiers[%d]: %q is not an identifier Track resolves (email, phone, source:<system>, corporate_number) or is empty", ev.ID, i, id.Scheme))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %w", ErrInvalid, errors.Join(problems...))
	}
	return nil
}

func knownScheme(s string) bool {
	switch s {
	case "email", "phone", "corporate_number":
		return true
	}
	sys, ok := strings.CutPrefix(s, customer.SourceScheme)
	return ok && sys != ""
}

// person is whom an event belongs to: a profile and the anchor its events
// are kept under.
type person struct {
	profile customer.ID
	anchor  string
}

// identify resolves an event's person (zero when none is named that the
// identity state knows).
func (e *Engine) identify(tx ReadTx, ev *journey.Event) (person, error) {
	if ev.CustomerID != "" {
		id, _, err := resolve(tx, ev.CustomerID)
		if err != nil {
			return person{}, fmt.Errorf("event %q: CustomerID %s: %w", ev.ID, ev.CustomerID, err)
		}
		p, err := readProfile(tx, id)
		if err != nil {
			return person{}, err
		}
		return person{profile: id, anchor: principal(p)}, nil
	}
	var found person
	var waiting string // a source record that has not arrived yet
	for _, ident := range ev.Identifiers {
		if sys, ok := strings.CutPrefix(ident.Scheme, customer.SourceScheme); ok {
			k := customer.RecordKey{System: sys, RecordID: ident.Value}
			l, err := tx.Link(k)
			if isNotFound(err) {
				if waiting == "" {
					waiting = recordAnchor(k)
				}
				continue
			}
			if err != nil {
				return person{}, err
			}
			if found.profile != "" && found.profile != l.Profile {
				return person{}, fmt.Errorf("%w: event %q: its identifiers name two profiles, %s and %s", ErrConflict, ev.ID, found.profile, l.Profile)
			}
			found = person{profile: l.Profile, anchor: recordAnchor(k)}
			continue
		}
		ids, err := lookupIn(tx, ident)
		if err != nil {
			return person{}, err
		}
		switch {
		case len(ids) == 0:
			continue
		case len(ids) > 1:
			return person{}, fmt.Errorf("%w: event %q: %s is held by %d profiles (%s …)", ErrConflict, ev.ID, ident.Scheme, len(ids), ids[0])
		case found.profile != "" && found.profile != ids[0]:
			return person{}, fmt.Errorf("%w: event %q: its identifiers name two profiles, %s and %s", ErrConflict, ev.ID, found.profile, ids[0])
		case found.profile == "":
			p, err := readProfile(tx, ids[0])
			if err != nil {
				return person{}, err
			}
			found = person{profile: ids[0], anchor: principal(p)}
		}
	}
	if found.profile != "" {
		return found, nil
	}
	if waiting != "" {
		return person{anchor: waiting}, nil
	}
	return person{}, nil
}

// principal is the anchor of a profile's own events and sends (those not
// named by a source record): its smallest record key, so that it stays with
// the same records through merges and unmerges.
func principal(p *customer.Profile) string {
	if len(p.Sources) == 0 {
		return "p" + string(p.ID)
	}
	k := p.Sources[0].Key()
	for _, s := range p.Sources[1:] {
		if compareKeys(s.Key(), k) < 0 {
			k = s.Key()
		}
	}
	return recordAnchor(k)
}

// track is Track's transaction. It takes no engine lock (fn of a shared
// update must not: Close holds e.mu while it closes the store, which waits
// for the transactions running).
func (e *Engine) track(tx Tx, ev *journey.Event, out *Tracked) error {
	prefetch(tx, bEventID, "", ev.ID)
	if ev.AnonymousID != "" {
		prefetch(tx, bAnon, ev.AnonymousID, "")
	}
	if _, err := tx.Get(bEventID, "", ev.ID); err == nil {
		out.Duplicate = true
		return nil
	} else if !isNotFound(err) {
		return err
	}
	who, err := e.identify(tx, ev)
	if err != nil {
		return err
	}
	anchor := who.anchor
	if ev.AnonymousID != "" {
		linked, err := tx.Get(bAnon, ev.AnonymousID, "")
		switch {
		case err == nil:
			if who.anchor == "" {
				anchor = string(linked)
				if who, err = e.personOfAnchor(tx, anchor); err != nil {
					return err
				}
			}
			// An anonymous ID stays with the first person it was linked
			// to; the event itself goes to the person it names.
		case isNotFound(err):
			if who.anchor == "" {
				anchor = anonAnchor(ev.AnonymousID)
			} else if strings.HasPrefix(who.anchor, "r") {
				if err := tx.Put(bAnon, ev.AnonymousID, "", []byte(who.anchor)); err != nil {
					return err
				}
				if err := tx.Put(bAnonOf, who.anchor, ev.AnonymousID, nil); err != nil {
					return err
				}
				out.Linked = true
			}
		default:
			return err
		}
	}
	if anchor == "" {
		return fmt.Errorf("%w: event %q: no usable identifier (no profile ID, no identifier the identity state or a waiting source record holds, no anonymous ID)", ErrInvalid, ev.ID)
	}
	se := storedEvent{ID: ev.ID, AnonymousID: ev.AnonymousID, Type: ev.Type, Channel: ev.Channel, Time: ev.Time,
		Value: ev.Value, Campaign: ev.Campaign, Source: ev.Source, Attributes: ev.Attributes}
	b := encodeEvent(&se)
	key := timeKey(ev.Time) + "\x00" + ev.ID
	if err := putOwned(tx, bEvents, anchor, key, b); err != nil {
		return err
	}
	if err := putOwned(tx, bEventID, "", ev.ID, []byte(anchor+"\x00"+key)); err != nil {
		return err
	}
	out.Profile = who.profile
	if who.profile == "" {
		return nil
	}
	res, err := e.refresh(tx, who.profile, time.Time{}, nil)
	if err != nil {
		return err
	}
	out.Transition, out.Entered, out.Left, out.Cursor = res.transition, res.entered, res.left, res.cursor
	return nil
}

// personOfAnchor returns the profile holding a record anchor (zero profile
// when the record has not arrived).
func (e *Engine) personOfAnchor(tx ReadTx, anchor string) (person, error) {
	k, ok := anchorRecord(anchor)
	if !ok {
		return person{anchor: anchor}, nil
	}
	l, err := tx.Link(k)
	if isNotFound(err) {
		return person{anchor: anchor}, nil
	}
	if err != nil {
		return person{}, err
	}
	return person{profile: l.Profile, anchor: anchor}, nil
}

// anchorRecord decodes a record anchor.
func anchorRecord(a string) (customer.RecordKey, bool) {
	rest, ok := strings.CutPrefix(a, "r")
	if !ok {
		return customer.RecordKey{}, false
	}
	n, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return customer.RecordKey{}, false
	}
	l, err := strconv.Atoi(n)
	if err != nil || l > len(rest) {
		return customer.RecordKey{}, false
	}
	return customer.RecordKey{System: rest[:l], RecordID: rest[l:]}, true
}

// anchors returns the anchors of a profile's history: its records' and the
// anonymous IDs linked to them.
func anchors(tx ReadTx, p *customer.Profile) ([]string, error) {
	if len(p.Sources) == 0 {
		return []string{"p" + string(p.ID)}, nil
	}
	recs := make([]string, len(p.Sources)) // each record's anchor, made once
	for i := range p.Sources {
		recs[i] = recordAnchor(p.Sources[i].Key())
	}
	for _, a := range recs {
		prefetch(tx, bAnonOf, a)
	}
	var out []string // nil until an anonymous ID is found: then recs alone
	for i, a := range recs {
		if out != nil {
			out = append(out, a)
		}
		for it, err := range scanRead(tx, bAnonOf, a) {
			if err != nil {
				return nil, err
			}
			if out == nil {
				out = append(make([]string, 0, len(recs)+4), recs[:i+1]...)
			}
			out = append(out, anonAnchor(it.Key))
		}
	}
	if out == nil {
		return recs, nil
	}
	return out, nil
}

// eventsOf returns a profile's events in time order (ties by ID); w holds
// strings decoding need not allocate (nil: none).
func eventsOf(tx ReadTx, p *customer.Profile, w words) ([]journey.Event, error) {
	return appendEventsOf(nil, tx, p, w)
}

// appendEventsOf is eventsOf appending to out (whose events it may
// overwrite beyond its length).
func appendEventsOf(out []journey.Event, tx ReadTx, p *customer.Profile, w words) ([]journey.Event, error) {
	as, err := anchors(tx, p)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		prefetch(tx, bEvents, a)
	}
	for _, a := range as {
		for it, err := range scanRead(tx, bEvents, a) {
			if err != nil {
				return nil, err
			}
			se, err := w.decodeEvent(it.Value)
			if err != nil {
				return nil, fmt.Errorf("c360: stored event %q: %w", it.Key, err)
			}
			out = append(out, se.event(p.ID))
		}
	}
	slices.SortFunc(out, func(a, b journey.Event) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// readState reads a profile's live state; ok is false when it has none.
func readState(tx ReadTx, id customer.ID) (st liveState, ok bool, err error) {
	return readStateOf(tx, id, false)
}

// readStateHead reads a profile's segments and current stage, without the
// stage history.
func readStateHead(tx ReadTx, id customer.ID) (liveState, bool, error) {
	return readStateOf(tx, id, true)
}

func readStateOf(tx ReadTx, id customer.ID, head bool) (liveState, bool, error) {
	b, err := tx.Get(bState, string(id), "")
	if isNotFound(err) {
		return liveState{}, false, nil
	}
	if err != nil {
		return liveState{}, false, err
	}
	st, err := decodeState(b, head)
	if err != nil {
		return liveState{}, false, fmt.Errorf("c360: live state of %s: %w", id, err)
	}
	return st, true, nil
}

// refreshed is what refresh changed.
type refreshed struct {
	transition    *journey.Transition
	entered, left []string
	cursor        Cursor
}

// refresh derives a profile's live state again — its stage from its events
// in time order, its segment memberships — stores it, and writes what
// changed to the change feed. p is the profile when the caller has it.
func (e *Engine) refresh(tx Tx, id customer.ID, now time.Time, p *customer.Profile) (refreshed, error) {
	var out refreshed
	if p == nil {
		var err error
		if p, err = readProfile(tx, id); err != nil {
			return out, err
		}
	}
	prefetch(tx, bState, string(id), "")
	raw, had, err := readItem(tx, bState, string(id), "")
	if err != nil {
		return out, err
	}
	sc := e.live.getScratch()
	defer e.live.putScratch(sc)
	var old liveState
	if had {
		if old, err = decodeStateIn(raw, true, e.live.words, sc.old[:0]); err != nil {
			return out, fmt.Errorf("c360: live state of %s: %w", id, err)
		}
	}
	sc.old = old.Segments
	evs, err := appendEventsOf(sc.events[:0], tx, p, e.live.words)
	sc.events = evs
	if err != nil {
		return out, err
	}
	var st liveState
	if len(evs) > 0 {
		st.Stage = e.live.stager.Infer(evs)
	}
	if now.IsZero() {
		now = e.now()
	}
	if len(e.live.segments) > 0 {
		tps := sc.tps[:0]
		for i := range evs {
			tps = append(tps, e.live.set.FromEvent(&evs[i]))
		}
		sc.tps = tps
		subj := &segment.Subject{ID: string(id), Attrs: segment.ProfileAttrs{P: p, Stage: string(st.Stage.Stage), Now: now}, Touchpoints: tps}
		if sc.member, err = sc.eval.EvaluateAll(sc.member[:0], e.live.segments, subj, now); err != nil {
			return out, fmt.Errorf("c360: live segments of %s: %w", id, err)
		}
		if len(sc.member) > 0 {
			st.Segments = sc.member // read until refresh returns (encodeState): not kept
		}
	}
	if st.Stage.Stage != old.Stage.Stage {
		if n := len(st.Stage.History); n > 0 {
			tr := st.Stage.History[n-1]
			out.transition = &tr
		}
		c, err := tx.AppendChange(&Change{Kind: ChangeStage, Profile: id, At: now,
			Fields: []FieldChange{{Field: "stage", Old: string(old.Stage.Stage), New: string(st.Stage.Stage)}}})
		if err != nil {
			return out, err
		}
		out.cursor = c
	}
	for _, s := range st.Segments {
		if !slices.Contains(old.Segments, s) {
			out.entered = append(out.entered, s)
		}
	}
	for _, s := range old.Segments {
		if !slices.Contains(st.Segments, s) {
			out.left = append(out.left, s)
		}
	}
	if err := e.writeMemberships(tx, id, out.entered, out.left, now, &out.cursor); err != nil {
		return out, err
	}
	if len(evs) == 0 && len(st.Segments) == 0 {
		if !had {
			return out, nil
		}
		return out, tx.DeleteGroup(bState, string(id))
	}
	b := encodeState(&st)
	if had && bytes.Equal(b, raw) {
		return out, nil // nothing changed: no write
	}
	return out, putOwned(tx, bState, string(id), "", b)
}

// readItem returns an item's value for reading only: stores that can (the
// MemoryStore) hand out their own bytes, which the caller must not change.
// ok is false when there is no such item.
func readItem(tx ReadTx, bucket, group, key string) (v []byte, ok bool, err error) {
	if p, fast := tx.(itemValuer); fast {
		if err := p.ctxErr(); err != nil {
			return nil, false, err
		}
		v, ok = p.value(bucket, group, key)
		return v, ok, nil
	}
	v, err = tx.Get(bucket, group, key)
	if isNotFound(err) {
		return nil, false, nil
	}
	return v, err == nil, err
}

// putOwned is tx.Put of a value the caller gives up: stores that can (the
// MemoryStore) keep it without copying it.
func putOwned(tx Tx, bucket, group, key string, v []byte) error {
	if p, ok := tx.(ownedPutter); ok {
		return p.putOwned(bucket, group, key, v)
	}
	return tx.Put(bucket, group, key, v)
}

// writeMemberships records segment entries and exits in the membership
// index and the change feed.
func (e *Engine) writeMemberships(tx Tx, id customer.ID, entered, left []string, now time.Time, cursor *Cursor) error {
	for _, s := range entered {
		if err := tx.Put(bMember, s, string(id), nil); err != nil {
			return err
		}
		c, err := tx.AppendChange(&Change{Kind: ChangeEntered, Profile: id, Segment: s, At: now})
		if err != nil {
			return err
		}
		*cursor = c
	}
	for _, s := range left {
		if err := tx.Delete(bMember, s, string(id)); err != nil {
			return err
		}
		c, err := tx.AppendChange(&Change{Kind: ChangeLeft, Profile: id, Segment: s, At: now})
		if err != nil {
			return err
		}
		*cursor = c
	}
	return nil
}

// forget drops the live state of a profile that no longer exists (absorbed
// by a merge), recording its segment exits.
func (e *Engine) forget(tx Tx, id customer.ID) error {
	old, ok, err := readStateHead(tx, id)
	if err != nil || !ok {
		return err
	}
	var c Cursor
	if err := e.writeMemberships(tx, id, nil, old.Segments, e.now(), &c); err != nil {
		return err
	}
	return tx.DeleteGroup(bState, string(id))
}

// refreshAfter keeps the live state current after an identity change:
// every profile the change touched is derived again (its records, and so
// its history, may have changed), and absorbed profiles are forgotten. rec
// is the record that arrived, if any. When no segments are defined, a
// change that touches no profile with live state, and brings no record with
// waiting events, has nothing to derive: it costs one read per profile.
func (e *Engine) refreshAfter(tx Tx, up *Update, rec customer.RecordKey) error {
	ids := slices.Concat([]customer.ID{up.Profile}, up.Rebuilt, up.Absorbed)
	if up.Left != "" {
		ids = append(ids, up.Left)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(e.live.segments) == 0 {
		need := false
		for _, id := range ids {
			if _, err := tx.Get(bState, string(id), ""); err == nil {
				need = true
				break
			} else if !isNotFound(err) {
				return err
			}
		}
		if !need && rec != (customer.RecordKey{}) {
			for _, err := range tx.Scan(bEvents, recordAnchor(rec)) {
				if err != nil {
					return err
				}
				need = true
				break
			}
		}
		if !need {
			return nil
		}
	}
	for _, id := range ids {
		if id == "" {
			continue
		}
		p, err := readProfile(tx, id)
		if isNotFound(err) {
			if err := e.forget(tx, id); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		f, err := e.refresh(tx, id, time.Time{}, p)
		if err != nil {
			return err
		}
		up.Cursor = max(up.Cursor, f.cursor)
	}
	return nil
}

// liveRelevant reports whether a profile can have live state: segments are
// defined, or it has state or history.
func (e *Engine) liveRelevant(tx ReadTx, p *customer.Profile) bool {
	if len(e.live.segments) > 0 {
		return true
	}
	if _, err := tx.Get(bState, string(p.ID), ""); err == nil {
		return true
	}
	as, err := anchors(tx, p)
	if err != nil {
		return true
	}
	for _, a := range as {
		for range tx.Scan(bEvents, a) {
			return true
		}
	}
	return false
}

// Timeline returns a profile's touchpoints with from <= Time < to (a zero
// bound is open), in time order: the events of its source records and of
// the anonymous IDs linked to them. An absorbed ID is followed to its
// survivor.
func (e *Engine) Timeline(ctx context.Context, id customer.ID, from, to time.Time) ([]journey.Event, error) {
	var out []journey.Event
	err := e.view(ctx, func(tx ReadTx) error {
		p, err := e.profileIn(tx, id)
		if err != nil {
			return err
		}
		evs, err := eventsOf(tx, p, e.live.words)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if (from.IsZero() || !ev.Time.Before(from)) && (to.IsZero() || ev.Time.Before(to)) {
				out = append(out, ev)
			}
		}
		return nil
	})
	return out, err
}

// Stage returns a profile's lifecycle stage with the transitions that led
// there, as kept in the store (not recomputed). A profile without
// touchpoints has the zero StageState.
func (e *Engine) Stage(ctx context.Context, id customer.ID) (journey.StageState, error) {
	st, err := e.liveStateOf(ctx, id)
	return st.Stage, err
}

// Segments returns the live segments a profile is a member of, in the
// order of Config.Segments.
func (e *Engine) Segments(ctx context.Context, id customer.ID) ([]string, error) {
	st, err := e.liveStateOf(ctx, id)
	return st.Segments, err
}

// liveStateOf reads the live state of the profile id names.
func (e *Engine) liveStateOf(ctx context.Context, id customer.ID) (liveState, error) {
	var st liveState
	err := e.view(ctx, func(tx ReadTx) error {
		p, err := e.profileIn(tx, id)
		if err != nil {
			return err
		}
		st, _, err = readState(tx, p.ID)
		return err
	})
	return st, err
}

// SegmentNames returns the names of the live segments, in the order of
// Config.Segments.
func (e *Engine) SegmentNames() []string { return slices.Clone(e.live.segments) }

// Members returns the IDs of a live segment's members, sorted.
func (e *Engine) Members(ctx context.Context, name string) ([]customer.ID, error) {
	if !slices.Contains(e.live.segments, name) {
		return nil, fmt.Errorf("%w: segment %q is not defined on the engine", ErrNotFound, name)
	}
	var out []customer.ID
	err := e.view(ctx, func(tx ReadTx) error {
		for it, err := range tx.Scan(bMember, name) {
			if err != nil {
				return err
			}
			out = append(out, customer.ID(it.Key))
		}
		return nil
	})
	return out, err
}

// TickResult summarises a Tick.
type TickResult struct {
	Profiles int    `json:"profiles"` // profiles evaluated
	Entered  int    `json:"entered"`  // segment entries
	Left     int    `json:"left"`     // segment exits
	Cursor   Cursor `json:"cursor,omitempty"`
}

// Tick evaluates every profile's live segments again, for conditions that
// change with time alone (`created_at < now - 90d`, windowed counts): the
// host calls it on its own schedule, with the time to evaluate at (zero
// means the engine's clock). Entries and exits go to the change
// feed. Profiles are taken in batches, each in its own transaction, so a
// cancelled Tick keeps the batches it finished.
func (e *Engine) Tick(ctx context.Context, now time.Time) (TickResult, error) {
	var res TickResult
	if _, err := e.current(); err != nil {
		return res, err
	}
	if len(e.live.segments) == 0 {
		return res, nil
	}
	return e.sweep(ctx, now)
}

// sweep derives the live state of every profile that can have one again.
func (e *Engine) sweep(ctx context.Context, now time.Time) (TickResult, error) {
	var res TickResult
	const batch = 500
	after := customer.ID("")
	for {
		var r TickResult
		n, last := 0, after
		err := e.store.Update(ctx, func(tx Tx) error {
			r, n, last = TickResult{}, 0, after
			for p, err := range tx.Profiles(after) {
				if err != nil {
					return err
				}
				last = p.ID
				n++
				if e.liveRelevant(tx, p) {
					f, err := e.refresh(tx, p.ID, now, p)
					if err != nil {
						return err
					}
					r.Profiles++
					r.Entered += len(f.entered)
					r.Left += len(f.left)
					r.Cursor = max(r.Cursor, f.cursor)
				}
				if n == batch {
					break
				}
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		res.Profiles += r.Profiles
		res.Entered += r.Entered
		res.Left += r.Left
		res.Cursor = max(res.Cursor, r.Cursor)
		if n < batch {
			return res, nil
		}
		after = last
	}
}

// view runs fn in a read transaction of an open engine.
func (e *Engine) view(ctx context.Context, fn func(ReadTx) error) error {
	if _, err := e.current(); err != nil {
		return err
	}
	return e.store.View(ctx, fn)
}

// profileIn returns the current profile of id, following redirects.
func (e *Engine) profileIn(tx ReadTx, id customer.ID) (*customer.Profile, error) {
	if p, err := readProfile(tx, id); err == nil || !isNotFound(err) {
		return p, err
	}
	cur, _, err := resolve(tx, id)
	if err != nil {
		return nil, err
	}
	return readProfile(tx, cur)
}

// contactKey is the comparison key of a contact point's value.
func contactKey(t customer.ContactType, v string) string {
	switch t {
	case customer.ContactEmail:
		if e, err := normalize.ParseEmail(v); err == nil {
			return e.Key
		}
	case customer.ContactPhone:
		if p, err := normalize.ParsePhone(v); err == nil {
			return p.E164
		}
	}
	return strings.TrimSpace(v)
}

// afterLoad derives the live state of loaded profiles when there can be
// one: segments are defined, or events were tracked before (for records
// that had not arrived).
func (e *Engine) afterLoad(ctx context.Context) error {
	any := len(e.live.segments) > 0
	if !any {
		err := e.store.View(ctx, func(tx ReadTx) error {
			for _, err := range tx.Groups(bEvents, "") {
				if err != nil {
					return err
				}
				any = true
				break
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if !any {
		return nil
	}
	_, err := e.sweep(ctx, time.Time{})
	return err
}

// readProfile returns a stored profile for reading only: stores that can
// (the MemoryStore) hand out their own copy, which the caller must not
// change.
func readProfile(tx ReadTx, id customer.ID) (*customer.Profile, error) {
	if pp, ok := tx.(interface {
		peekProfile(customer.ID) (*customer.Profile, error)
	}); ok {
		return pp.peekProfile(id)
	}
	return tx.Profile(id)
}

// Timelines streams the timeline of every profile that has touchpoints, in
// profile ID order: the input of journey's analytics (Attribution.Run,
// TopPaths; flatten them for Funnel.Run). Each timeline is read in its own
// transaction.
func (e *Engine) Timelines(ctx context.Context) iter.Seq2[[]journey.Event, error] {
	return func(yield func([]journey.Event, error) bool) {
		for p, err := range e.Profiles(ctx) {
			if err != nil {
				yield(nil, err)
				return
			}
			tl, err := e.Timeline(ctx, p.ID, time.Time{}, time.Time{})
			if err != nil {
				yield(nil, err)
				return
			}
			if len(tl) > 0 && !yield(tl, nil) {
				return
			}
		}
	}
}

// Aliases returns the IDs that name a profile: its current ID first, then
// every ID a merge absorbed into it (directly or through a chain), sorted.
// Systems that keep profile IDs — intelligence items' links, a CRM's
// foreign keys — query with all of them, so their links follow merges and,
// after an unmerge (which removes the alias), go back, without being
// rewritten. An ID that was never a profile is an error wrapping
// ErrNotFound.
func (e *Engine) Aliases(ctx context.Context, id customer.ID) ([]customer.ID, error) {
	var out []customer.ID
	err := e.view(ctx, func(tx ReadTx) (err error) {
		out, err = aliasesIn(tx, id)
		return err
	})
	return out, err
}

// aliasesIn is Aliases inside a transaction.
func aliasesIn(tx ReadTx, id customer.ID) ([]customer.ID, error) {
	cur, _, err := resolve(tx, id)
	if err != nil {
		return nil, err
	}
	out := []customer.ID{cur}
	queue := []customer.ID{cur}
	for len(queue) > 0 {
		g := queue[0]
		queue = queue[1:]
		for it, err := range tx.Scan(bAliases, string(g)) {
			if err != nil {
				return nil, err
			}
			out = append(out, customer.ID(it.Key))
			queue = append(queue, customer.ID(it.Key))
		}
	}
	slices.Sort(out[1:])
	return out, nil
}
