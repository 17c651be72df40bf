package capture

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/normalize"
)

// Touchpoint types that capture records. The standard catalogue of
// package journey has no type for an e-mail exchanged with a customer or a
// meeting held with one; RegisterTypes adds these to a journey.Catalog so
// that Catalog.Validate accepts the events.
const (
	// TypeEmailSent: someone of the company wrote to the customer (a
	// reply too: see AttrReply).
	TypeEmailSent journey.Type = "email_sent"
	// TypeEmailReceived: the customer wrote to the company, starting a
	// thread.
	TypeEmailReceived journey.Type = "email_received"
	// TypeEmailReplied: the customer answered a message of a thread.
	TypeEmailReplied journey.Type = "email_replied"
	// TypeMeetingHeld: a meeting with the customer took place (one
	// touchpoint per occurrence of a recurring meeting).
	TypeMeetingHeld journey.Type = "meeting_held"
	// TypeMeetingCancelled: a meeting with the customer was cancelled.
	TypeMeetingCancelled journey.Type = "meeting_cancelled"
)

// ChannelMeeting is the channel of meetings: in person or online, as the
// calendar does not say which. journey's standard catalogue does not have
// it; RegisterTypes adds it.
const ChannelMeeting customer.Channel = "meeting"

// RegisterTypes adds capture's touchpoint types and ChannelMeeting to c.
func RegisterTypes(c *journey.Catalog) error {
	for t, d := range map[journey.Type]string{
		TypeEmailSent:        "was written to by the company",
		TypeEmailReceived:    "wrote to the company",
		TypeEmailReplied:     "replied to the company",
		TypeMeetingHeld:      "met the company",
		TypeMeetingCancelled: "had a meeting with the company cancelled",
	} {
		if err := c.AddType(t, journey.TypeInfo{Description: d}); err != nil {
			return err
		}
	}
	return c.AddChannel(ChannelMeeting, "meeting (in person or online)")
}

// Attributes of the touchpoints capture records (journey.Event.Attributes).
const (
	AttrMessageID    = "message_id"    // the Message-ID, without brackets
	AttrThread       = "thread_id"     // the same for every message of a thread
	AttrSubject      = "subject"       // the subject, or the meeting's SUMMARY
	AttrSnippet      = "snippet"       // the start of the text, quotes and signature removed
	AttrBody         = "body"          // the text, only with Config.StoreBodies
	AttrReply        = "reply"         // "true" when the message answers another
	AttrRole         = "role"          // the customer's part: from, to, cc, bcc, organizer, attendee, or account
	AttrContacts     = "contacts"      // on an account's touchpoint: its persons who took part, comma-separated
	AttrActors       = "actors"        // the internal participants' addresses, comma-separated
	AttrUID          = "uid"           // the meeting's UID
	AttrSequence     = "sequence"      // the meeting's SEQUENCE (its latest state)
	AttrRecurrenceID = "recurrence_id" // an occurrence's original start, RFC 3339
	AttrEnd          = "end"           // the meeting's end, RFC 3339
	AttrAllDay       = "all_day"       // "true" for an all-day event
	AttrStatus       = "status"        // the meeting's STATUS
	AttrPartStat     = "partstat"      // the customer's PARTSTAT
	AttrLocation     = "location"      // the meeting's LOCATION
)

// Config configures a Capturer. The zero Config is usable: no internal
// domain, no leads, no bodies, snippets of 140 characters, signatures
// read, meetings up to now, floating times in Asia/Tokyo.
type Config struct {
	// InternalDomains are the company's own e-mail domains (a subdomain
	// counts too): their people are the actors of a touchpoint, never
	// customers. Nil means none.
	InternalDomains []string `json:"internal_domains,omitempty"`
	// CreateLeads creates a lead profile for an external address no
	// profile holds, when the Directory is a LeadCreator; false ignores
	// such addresses (counted as unknown).
	CreateLeads bool `json:"create_leads,omitempty"`
	// StoreBodies keeps the text of each message (AttrBody); false, the
	// default, keeps metadata, the subject and a snippet only.
	StoreBodies bool `json:"store_bodies,omitempty"`
	// MaxBodyRunes bounds a stored body; 0 means 10,000 characters.
	MaxBodyRunes int `json:"max_body_runes,omitempty"`
	// SnippetRunes is the length of the snippet; 0 means 140, a negative
	// value stores no snippet.
	SnippetRunes int `json:"snippet_runes,omitempty"`
	// NoSubjects leaves the subjects out of the touchpoints.
	NoSubjects bool `json:"no_subjects,omitempty"`
	// SkipSignatures turns off the reading of signatures (Offers).
	SkipSignatures bool `json:"skip_signatures,omitempty"`
	// From and To bound the meetings captured: occurrences starting in
	// [From, To). A zero From is open; a zero To means now, so that a
	// meeting still to come is not recorded as held.
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
	// TimeZone is the IANA zone of calendar times without one (floating
	// times, all-day dates); "" means Asia/Tokyo.
	TimeZone string `json:"time_zone,omitempty"`
	// Source is the Source of the touchpoints; "" means "capture".
	Source string `json:"source,omitempty"`
	// MaxInstances bounds the occurrences of one recurring meeting within
	// the window; 0 means 5,000.
	MaxInstances int `json:"max_instances,omitempty"`
}

// Failure is a message or calendar entry that could not be captured.
type Failure struct {
	Source    string // "inbox.mbox:1234", a file path, "calendar.ics"
	MessageID string // when known
	Err       error
}

// String returns "source <message-id>: reason".
func (f Failure) String() string {
	s := f.Source
	if f.MessageID != "" {
		s += " <" + f.MessageID + ">"
	}
	msg := f.Err.Error()
	if s == "" || strings.HasPrefix(msg, f.Source+":") {
		return msg
	}
	return s + ": " + msg
}

// maxFailures bounds Summary.Failures; Failed counts them all.
const maxFailures = 100

// Summary counts what a Capturer did. Addresses are counted once each
// (distinct keys), messages and meetings once per occurrence.
type Summary struct {
	Messages    int // messages read (including failed and duplicate ones)
	Duplicates  int // messages seen before in another mailbox: one touchpoint
	Meetings    int // meeting occurrences in the window, after updates were merged
	Touchpoints int // touchpoints created
	Personal    int // messages and meetings skipped: no customer took part
	Failed      int // messages and calendar entries that could not be read
	Resolved    int // addresses resolved to a profile
	ViaDomain   int // addresses of no profile resolved to their account by domain
	Leads       int // lead profiles created
	Unknown     int // external addresses of no profile, left out
	Suppressed  int // addresses suppressed or erased: never captured
	Internal    int // the company's own addresses (actors)
	Invalid     int // addresses that are not valid e-mail addresses
	Offers      int // signature values offered as enrichment
	// Failures are the first 100 failures, with their reasons.
	Failures []Failure
}

// Capturer turns messages and meetings into touchpoints on the profiles a
// Directory resolves. Use one Capturer per run: it remembers the messages
// it saw (so that the copies of a message in several mailboxes give one
// touchpoint), the threads and the addresses it resolved. It is not safe
// for concurrent use.
type Capturer struct {
	// Progress, if set, is called with the summary so far every 1,000
	// messages and at the end of each stream.
	Progress func(Summary)
	// Now is the clock, for a zero Config.To; nil means time.Now.
	Now func() time.Time

	dir      Directory
	cfg      Config
	internal []string
	floating *time.Location
	cache    map[string]resolution
	// threads holds, for each message seen (by the hash of its key), the
	// hash of its thread's root: it tells a copy from another mailbox and
	// joins a reply to its parent's thread. About 20 bytes a message; the
	// messages themselves are never held.
	threads map[uint64]uint64
	offers  map[offerKey]Offer
	sum     Summary
}

type resolution struct {
	state int // one of the res… constants
	party Party
}

const (
	resInternal = iota + 1
	resSuppressed
	resUnknown
	resParty
)

// New returns a Capturer resolving participants through dir. It checks
// cfg: internal domains must be domains, TimeZone a zone the system knows.
func New(dir Directory, cfg Config) (*Capturer, error) {
	if dir == nil {
		return nil, errors.New("capture: nil Directory")
	}
	c := &Capturer{dir: dir, cfg: cfg, floating: tokyo, cache: map[string]resolution{},
		threads: map[uint64]uint64{}, offers: map[offerKey]Offer{}}
	for _, d := range cfg.InternalDomains {
		e, err := normalize.ParseEmail("x@" + strings.TrimPrefix(strings.TrimSpace(d), "@"))
		if err != nil {
			return nil, fmt.Errorf("capture: internal domain %q is not a domain", d)
		}
		c.internal = append(c.internal, e.Domain)
	}
	if tz := cfg.TimeZone; tz != "" && tz != "Asia/Tokyo" {
		loc, err := loadLocation(tz)
		if err != nil {
			return nil, fmt.Errorf("capture: time zone %q: %w", tz, err)
		}
		c.floating = loc
	}
	if !cfg.From.IsZero() && !cfg.To.IsZero() && !cfg.From.Before(cfg.To) {
		return nil, fmt.Errorf("capture: window from %s is not before to %s", cfg.From.Format(time.RFC3339), cfg.To.Format(time.RFC3339))
	}
	return c, nil
}

// Summary returns the counts so far.
func (c *Capturer) Summary() Summary {
	s := c.sum
	s.Failures = slices.Clone(s.Failures)
	s.Offers = len(c.offers)
	return s
}

// Offers returns the enrichment offered by the signatures read so far: for
// each profile and field the value of the latest message, sorted by
// profile, field and value.
func (c *Capturer) Offers() []Offer {
	out := make([]Offer, 0, len(c.offers))
	for _, o := range c.offers {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Offer) int {
		return cmp.Or(cmp.Compare(a.Profile, b.Profile), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Value, b.Value))
	})
	return out
}

func (c *Capturer) fail(source, msgID string, err error) {
	c.sum.Failed++
	if len(c.sum.Failures) < maxFailures {
		c.sum.Failures = append(c.sum.Failures, Failure{Source: source, MessageID: msgID, Err: err})
	}
}

func (c *Capturer) progress() {
	if c.Progress != nil {
		c.Progress(c.Summary())
	}
}

// isInternal reports whether domain is one of the company's.
func (c *Capturer) isInternal(domain string) bool {
	for _, d := range c.internal {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// resolve classifies one address, once per run.
func (c *Capturer) resolve(ctx context.Context, a Address) (string, resolution, error) {
	e, err := normalize.ParseEmail(a.Email)
	if err != nil {
		c.sum.Invalid++
		return "", resolution{}, nil
	}
	if r, ok := c.cache[e.Key]; ok {
		return e.Key, r, nil
	}
	var r resolution
	switch {
	case c.isInternal(e.Domain):
		r.state = resInternal
		c.sum.Internal++
	default:
		sup, err := c.dir.Suppressed(ctx, e.Key)
		if err != nil {
			return "", r, fmt.Errorf("capture: directory: %w", err)
		}
		if sup {
			r.state = resSuppressed
			c.sum.Suppressed++
			break
		}
		p, ok, err := c.dir.LookupEmail(ctx, e.Key)
		if err != nil {
			return "", r, fmt.Errorf("capture: directory: %w", err)
		}
		if ok {
			r = resolution{state: resParty, party: p}
			c.sum.Resolved++
			break
		}
		if lc, isLC := c.dir.(LeadCreator); isLC && c.cfg.CreateLeads {
			p, err := lc.CreateLead(ctx, e.Key, a.Name)
			if err != nil {
				return "", r, fmt.Errorf("capture: creating a lead: %w", err)
			}
			r = resolution{state: resParty, party: p}
			c.sum.Leads++
			break
		}
		if dd, isDD := c.dir.(DomainDirectory); isDD {
			id, ok, err := dd.LookupDomain(ctx, e.Domain)
			if err != nil {
				return "", r, fmt.Errorf("capture: directory: %w", err)
			}
			if ok {
				r = resolution{state: resParty, party: Party{Profile: id, Kind: customer.KindAccount}}
				c.sum.ViaDomain++
				break
			}
		}
		r.state = resUnknown
		c.sum.Unknown++
	}
	c.cache[e.Key] = r
	return e.Key, r, nil
}

// participant is a customer taking part in a message or meeting.
type participant struct {
	party    Party
	role     string
	partStat string
}

// participants resolves a list of (address, role) and returns the
// customers (one per profile, first role kept) and the internal actors.
func (c *Capturer) participants(ctx context.Context, addrs []Address, roles []string, stats []string) (cust []participant, actors []string, err error) {
	for i, a := range addrs {
		key, r, err := c.resolve(ctx, a)
		if err != nil {
			return nil, nil, err
		}
		switch r.state {
		case resInternal:
			if !slices.Contains(actors, key) {
				actors = append(actors, key)
			}
		case resParty:
			if slices.ContainsFunc(cust, func(p participant) bool { return p.party.Profile == r.party.Profile }) {
				continue
			}
			p := participant{party: r.party, role: roles[i]}
			if stats != nil {
				p.partStat = stats[i]
			}
			cust = append(cust, p)
		}
	}
	slices.Sort(actors)
	return cust, actors, nil
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func hex16(h uint64) string { return fmt.Sprintf("%016x", h) }

// Mail captures the messages of a mailbox stream (ReadMbox, ReadMaildir,
// ReadEML) and yields their touchpoints. A message that cannot be read is
// counted and listed in the Summary with its reason, and the next message
// is read; the stream ends with an error only when msgs does (the last
// item), when the Directory fails, or when ctx is cancelled. The sequence
// may be used once.
func (c *Capturer) Mail(ctx context.Context, msgs iter.Seq2[*RawMessage, error]) iter.Seq2[journey.Event, error] {
	return func(yield func(journey.Event, error) bool) {
		defer c.progress()
		for raw, err := range msgs {
			if err != nil {
				yield(journey.Event{}, err)
				return
			}
			if err := ctx.Err(); err != nil {
				yield(journey.Event{}, err)
				return
			}
			c.sum.Messages++
			if c.Progress != nil && c.sum.Messages%1000 == 0 {
				c.progress()
			}
			if raw.Err != nil {
				c.fail(raw.Source, "", raw.Err)
				continue
			}
			m, err := ParseMessage(raw.Data)
			if err != nil {
				c.fail(raw.Source, "", err)
				continue
			}
			evs, err := c.Message(ctx, m)
			if err != nil {
				yield(journey.Event{}, err)
				return
			}
			for _, ev := range evs {
				if !yield(ev, nil) {
					return
				}
			}
		}
	}
}

// messageKey is the identity of a message: its Message-ID, or for a
// message without one a digest of its sender, date and subject (the same
// in the sender's and the recipients' copies).
func messageKey(m *Message) string {
	if m.MessageID != "" {
		return m.MessageID
	}
	from := ""
	if len(m.From) > 0 {
		from = strings.ToLower(m.From[0].Email)
	}
	sum := sha256.Sum256([]byte(from + "\x00" + m.Date.UTC().Format(time.RFC3339) + "\x00" + m.Subject))
	return "capture-" + hex.EncodeToString(sum[:12])
}

// Message captures one parsed message and returns its touchpoints: none
// when it was seen before (another mailbox's copy) or no customer took
// part. The error is the Directory's.
func (c *Capturer) Message(ctx context.Context, m *Message) ([]journey.Event, error) {
	key := messageKey(m)
	h := hash64(key)
	if _, dup := c.threads[h]; dup {
		c.sum.Duplicates++
		return nil, nil
	}
	// The thread: the root of References, else the parent's thread.
	root := h
	switch {
	case len(m.References) > 0:
		root = hash64(m.References[0])
		if r, ok := c.threads[root]; ok {
			root = r
		}
	case len(m.InReplyTo) > 0:
		root = hash64(m.InReplyTo[0])
		if r, ok := c.threads[root]; ok {
			root = r
		}
	}
	c.threads[h] = root

	var addrs []Address
	var roles []string
	for _, l := range []struct {
		role string
		list []Address
	}{{"from", m.From[:min(1, len(m.From))]}, {"to", m.To}, {"cc", m.Cc}, {"bcc", m.Bcc}} {
		for _, a := range l.list {
			addrs = append(addrs, a)
			roles = append(roles, l.role)
		}
	}
	cust, actors, err := c.participants(ctx, addrs, roles, nil)
	if err != nil {
		return nil, err
	}
	if len(cust) == 0 {
		c.sum.Personal++
		return nil, nil
	}
	fromInternal := false
	if len(m.From) > 0 {
		if e, err := normalize.ParseEmail(m.From[0].Email); err == nil {
			fromInternal = c.isInternal(e.Domain)
		}
	}
	typ := TypeEmailReceived
	switch {
	case fromInternal:
		typ = TypeEmailSent
	case m.IsReply():
		typ = TypeEmailReplied
	}
	text, sig := splitText(m.Text)
	attrs := map[string]string{AttrMessageID: key, AttrThread: hex16(root)}
	if !c.cfg.NoSubjects && m.Subject != "" {
		attrs[AttrSubject] = m.Subject
	}
	if n := c.snippetRunes(); n > 0 {
		if s := snippet(text, n); s != "" {
			attrs[AttrSnippet] = s
		}
	}
	if c.cfg.StoreBodies {
		n := c.cfg.MaxBodyRunes
		if n <= 0 {
			n = 10000
		}
		if b := strings.TrimSpace(truncateRunes(text, n)); b != "" {
			attrs[AttrBody] = b
		}
	}
	if m.IsReply() {
		attrs[AttrReply] = "true"
	}
	if len(actors) > 0 {
		attrs[AttrActors] = strings.Join(actors, ",")
	}
	evs := c.events("email:"+hex16(h), typ, customer.ChannelEmail, m.Date, attrs, cust)
	// The sender's signature.
	if !c.cfg.SkipSignatures && !fromInternal && cust[0].role == "from" && cust[0].party.Kind != customer.KindAccount && len(sig) > 0 {
		for _, o := range ReadSignature(sig) {
			o.Profile, o.MessageID, o.Date = cust[0].party.Profile, key, m.Date
			k := offerKey{o.Profile, o.Field}
			if old, ok := c.offers[k]; !ok || o.Date.After(old.Date) {
				c.offers[k] = o
			}
		}
	}
	return evs, nil
}

func (c *Capturer) snippetRunes() int {
	switch n := c.cfg.SnippetRunes; {
	case n < 0:
		return 0
	case n == 0:
		return 140
	default:
		return n
	}
}

// events makes one touchpoint per customer and one per account of theirs
// that did not take part itself.
func (c *Capturer) events(idPrefix string, typ journey.Type, ch customer.Channel, at time.Time, attrs map[string]string, cust []participant) []journey.Event {
	source := c.cfg.Source
	if source == "" {
		source = "capture"
	}
	mk := func(id customer.ID, extra map[string]string) journey.Event {
		a := make(map[string]string, len(attrs)+len(extra))
		for k, v := range attrs {
			a[k] = v
		}
		for k, v := range extra {
			if v != "" {
				a[k] = v
			}
		}
		return journey.Event{ID: idPrefix + ":" + string(id), CustomerID: id, Type: typ, Channel: ch, Time: at, Source: source, Attributes: a}
	}
	var out []journey.Event
	direct := map[customer.ID]bool{}
	for _, p := range cust {
		direct[p.party.Profile] = true
	}
	for _, p := range cust {
		out = append(out, mk(p.party.Profile, map[string]string{AttrRole: p.role, AttrPartStat: p.partStat}))
	}
	contacts := map[customer.ID][]string{}
	var accounts []customer.ID
	for _, p := range cust {
		for _, a := range p.party.Accounts {
			if direct[a] {
				continue
			}
			if _, ok := contacts[a]; !ok {
				accounts = append(accounts, a)
			}
			contacts[a] = append(contacts[a], string(p.party.Profile))
		}
	}
	for _, a := range accounts {
		out = append(out, mk(a, map[string]string{AttrRole: "account", AttrContacts: strings.Join(contacts[a], ",")}))
	}
	c.sum.Touchpoints += len(out)
	return out
}

// snippet returns the first n characters of text with white space
// collapsed, and "…" when it was cut.
func snippet(text string, n int) string {
	s := strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(truncateRunes(s, n)) + "…"
}

func truncateRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// Meetings captures the meetings of calendars and yields their
// touchpoints. The events of all calendars are merged first: the VEVENTs
// of one UID (and RECURRENCE-ID) are one meeting in its latest state
// (highest SEQUENCE, then latest DTSTAMP, then the last read), and a
// calendar whose METHOD is CANCEL cancels what it names. A recurring
// meeting is expanded into its occurrences within the window (Config.From,
// Config.To): RRULE and RDATE less EXDATE, each exception (RECURRENCE-ID)
// replacing its occurrence. Each occurrence with a customer becomes a
// TypeMeetingHeld touchpoint, or TypeMeetingCancelled when it or its
// series is cancelled, on each customer's profile and account; its ID is
// the same in every state of the meeting, so that a store replaces the
// earlier state. Calendar entries that could not be read are counted as
// failures. The sequence may be used once.
func (c *Capturer) Meetings(ctx context.Context, cals ...*Calendar) iter.Seq2[journey.Event, error] {
	return func(yield func(journey.Event, error) bool) {
		defer c.progress()
		type key struct {
			uid string
			rid int64
			has bool
		}
		latest := map[key]*Event{}
		var order []key
		for _, cal := range cals {
			for _, err := range cal.Errors {
				c.fail(cal.Name, "", err)
			}
			for i := range cal.Events {
				ev := cal.Events[i]
				if cal.Method == "CANCEL" {
					ev.Status = "CANCELLED"
				}
				k := key{uid: ev.UID, has: !ev.RecurrenceID.IsZero()}
				if k.has {
					k.rid = ev.RecurrenceID.UnixNano()
				}
				old, ok := latest[k]
				if !ok {
					order = append(order, k)
					latest[k] = &ev
					continue
				}
				if ev.Sequence < old.Sequence || ev.Sequence == old.Sequence && ev.Stamp.Before(old.Stamp) {
					continue
				}
				if ev.Organizer == nil && len(ev.Attendees) == 0 {
					ev.Organizer, ev.Attendees = old.Organizer, old.Attendees
				}
				latest[k] = &ev
			}
		}
		slices.SortFunc(order, func(a, b key) int {
			return cmp.Or(strings.Compare(a.uid, b.uid), cmp.Compare(a.rid, b.rid))
		})
		exceptions := map[string][]key{} // by UID, in order
		for _, k := range order {
			if k.has {
				exceptions[k.uid] = append(exceptions[k.uid], k)
			}
		}
		from, to := c.cfg.From, c.cfg.To
		if to.IsZero() {
			now := time.Now
			if c.Now != nil {
				now = c.Now
			}
			to = now()
		}
		maxInst := c.cfg.MaxInstances
		if maxInst <= 0 {
			maxInst = 5000
		}
		emit := func(ev *Event, orig, start time.Time, cancelled bool) bool {
			evs, err := c.meeting(ctx, ev, orig, start, cancelled)
			if err != nil {
				yield(journey.Event{}, err)
				return false
			}
			for _, e := range evs {
				if !yield(e, nil) {
					return false
				}
			}
			return true
		}
		for _, k := range order {
			if err := ctx.Err(); err != nil {
				yield(journey.Event{}, err)
				return
			}
			ev := latest[k]
			if k.has {
				// An exception: its series handles it, unless there is
				// none in these calendars.
				if _, ok := latest[key{uid: k.uid}]; !ok && inWindow(ev.Start, from, to) {
					if !emit(ev, ev.RecurrenceID, ev.Start, ev.Status == "CANCELLED") {
						return
					}
				}
				continue
			}
			if ev.Rule == nil && len(ev.RDates) == 0 {
				if inWindow(ev.Start, from, to) && !emit(ev, time.Time{}, ev.Start, ev.Status == "CANCELLED") {
					return
				}
				continue
			}
			starts, truncated := ev.occurrences(to, maxInst, from)
			if truncated {
				c.fail("", "", &CalendarError{Line: ev.Line, Component: "VEVENT", UID: ev.UID,
					Err: fmt.Errorf("more than %d occurrences in the window; the rest are left out", maxInst)})
			}
			seriesCancelled := ev.Status == "CANCELLED"
			for _, s := range starts {
				if exc, ok := latest[key{uid: k.uid, rid: s.UnixNano(), has: true}]; ok {
					if inWindow(exc.Start, from, to) && !emit(exc, s, exc.Start, seriesCancelled || exc.Status == "CANCELLED") {
						return
					}
					continue
				}
				if !emit(ev, s, s, seriesCancelled) {
					return
				}
			}
			// Exceptions moved into the window from an occurrence outside
			// it.
			for _, k2 := range exceptions[k.uid] {
				exc := latest[k2]
				orig := exc.RecurrenceID
				if inWindow(orig, from, to) || !inWindow(exc.Start, from, to) {
					continue
				}
				if !emit(exc, orig, exc.Start, seriesCancelled || exc.Status == "CANCELLED") {
					return
				}
			}
		}
	}
}

func inWindow(t, from, to time.Time) bool {
	return !t.Before(from) && t.Before(to)
}

// occurrences returns the starts of a recurring event's occurrences in
// [from, to), at most max of them (truncated is set when there were
// more).
func (ev *Event) occurrences(to time.Time, max int, from time.Time) (out []time.Time, truncated bool) {
	set := map[int64]time.Time{}
	ex := map[int64]bool{}
	for _, t := range ev.ExDates {
		ex[t.UnixNano()] = true
	}
	add := func(t time.Time) {
		if inWindow(t, from, to) && !ex[t.UnixNano()] {
			set[t.UnixNano()] = t
		}
	}
	if ev.Rule != nil {
		limit := to.UTC().Add(50 * time.Hour) // wall clock is within ±14 h of UTC
		r := ev.Rule
		// The window's start as wall-clock time, with a margin for the
		// zone's offset.
		var civilFrom time.Time
		if !from.IsZero() {
			civilFrom = from.UTC().Add(-50 * time.Hour)
		}
		r.expandFrom(ev.civilStart, civilFrom, limit, func(civil time.Time) bool {
			if !r.Until.IsZero() {
				if ev.untilDate || r.untilIsDate {
					if civil.Truncate(24 * time.Hour).After(r.Until) {
						return false
					}
				}
			}
			t := ev.zone.instant(civil)
			if !r.Until.IsZero() && !(ev.untilDate || r.untilIsDate) && t.After(r.Until) {
				return false
			}
			if !t.Before(to) {
				return false
			}
			add(t)
			return len(set) <= max
		})
	} else {
		add(ev.Start)
	}
	for _, t := range ev.RDates {
		add(t)
	}
	for _, t := range set {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	if len(out) > max {
		out, truncated = out[:max], true
	}
	return out, truncated
}

// meeting captures one occurrence of a meeting. orig is the occurrence's
// original start for a recurring meeting (zero for a single one).
func (c *Capturer) meeting(ctx context.Context, ev *Event, orig, start time.Time, cancelled bool) ([]journey.Event, error) {
	c.sum.Meetings++
	var addrs []Address
	var roles, stats []string
	if ev.Organizer != nil {
		addrs = append(addrs, Address{Name: ev.Organizer.Name, Email: ev.Organizer.Email})
		roles = append(roles, "organizer")
		stats = append(stats, "")
	}
	for _, a := range ev.Attendees {
		addrs = append(addrs, Address{Name: a.Name, Email: a.Email})
		roles = append(roles, "attendee")
		stats = append(stats, a.PartStat)
	}
	cust, actors, err := c.participants(ctx, addrs, roles, stats)
	if err != nil {
		return nil, err
	}
	if len(cust) == 0 {
		c.sum.Personal++
		return nil, nil
	}
	idKey := ev.UID
	attrs := map[string]string{AttrUID: ev.UID, AttrSequence: strconv.Itoa(ev.Sequence)}
	if !orig.IsZero() {
		idKey += "|" + orig.UTC().Format(time.RFC3339)
		attrs[AttrRecurrenceID] = orig.Format(time.RFC3339)
	}
	end := start.Add(ev.End.Sub(ev.Start))
	attrs[AttrEnd] = end.Format(time.RFC3339)
	if ev.AllDay {
		attrs[AttrAllDay] = "true"
	}
	status := ev.Status
	if cancelled {
		status = "CANCELLED"
	}
	if status != "" {
		attrs[AttrStatus] = status
	}
	if !c.cfg.NoSubjects && ev.Summary != "" {
		attrs[AttrSubject] = ev.Summary
	}
	if ev.Location != "" {
		attrs[AttrLocation] = ev.Location
	}
	if len(actors) > 0 {
		attrs[AttrActors] = strings.Join(actors, ",")
	}
	typ := TypeMeetingHeld
	if cancelled {
		typ = TypeMeetingCancelled
	}
	return c.events("meeting:"+hex16(hash64(idKey)), typ, ChannelMeeting, start, attrs, cust), nil
}

// Supersedes reports whether touchpoint next, captured again under the ID
// of prev, should replace it in a store: a meeting's later state (a higher
// or equal SEQUENCE) does; an older state read from an older export does
// not. Touchpoints of other IDs never supersede each other.
func Supersedes(next, prev journey.Event) bool {
	if next.ID != prev.ID {
		return false
	}
	ns, err1 := strconv.Atoi(next.Attributes[AttrSequence])
	ps, err2 := strconv.Atoi(prev.Attributes[AttrSequence])
	if err1 != nil || err2 != nil {
		return true
	}
	return ns >= ps
}
