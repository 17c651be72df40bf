package c360

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/normalize"
)

// Privacy: erasure, suppression after erasure, restriction, export and the
// APPI provision log. What they keep is in these buckets, none of which
// holds a personal value in clear:
const (
	// bErased holds the suppression entries: group ""; key: the salted hash
	// of one normalised identifier of an erased person; value: the ID of
	// the erasure that suppressed it.
	bErased = "erased"
	// bErasedBy lists an erasure's hashes (for LiftSuppression): group:
	// erasure ID; key: hash; value: empty.
	bErasedBy = "erasedby"
	// bAudit holds the privacy audit log: group "erasure" (key: erasure
	// ID; value: Erasure) and group "request" (key: time + sequence;
	// value: PrivacyEvent).
	bAudit = "audit"
	// bHeld keeps what arrived for a suppressed person when
	// PrivacyConfig.OnSuppressed is "hold": group: erasure ID; key: "r" +
	// record key or "e" + event ID; value: the record or event as JSON.
	bHeld = "held"

	metaSalt = "privacy.salt"
)

// ChangeErased is the change-feed entry of an erasure: Profile is the
// erased profile and Absorbed the IDs that redirected to it, so that a host
// replicating the feed erases its copies too. Its Fields are empty.
const ChangeErased ChangeKind = "erased"

// ErrSuppressed: a record or event carries an identifier of a person who
// was erased; it is refused (or held, see PrivacyConfig.OnSuppressed) until
// the suppression is lifted with LiftSuppression.
var ErrSuppressed = errors.New("c360: suppressed after erasure")

// SuppressedError is the error of a record or event refused because it
// carries an identifier of an erased person. It names the record or event,
// the kind of identifier (never its value) and the erasure.
type SuppressedError struct {
	// Record is the refused record (zero for an event); Event the refused
	// event's ID.
	Record customer.RecordKey
	Event  string
	// Identifier is the kind of identifier that matched: "email", "phone",
	// "record", "anonymous_id", "profile" or an identifier scheme.
	Identifier string
	// Erasure is the ID of the erasure that suppressed it.
	Erasure string
	// Held is true when the record or event was kept aside (OnSuppressed
	// "hold") rather than dropped.
	Held bool
}

func (e *SuppressedError) Error() string {
	what := "record " + e.Record.String()
	if e.Event != "" {
		what = fmt.Sprintf("event %q", e.Event)
	}
	verb := "refused"
	if e.Held {
		verb = "held"
	}
	kind := e.Identifier
	switch kind {
	case "record":
		kind = "record key"
	case "email":
		kind = "e-mail address"
	case "phone":
		kind = "phone number"
	case "anonymous_id":
		kind = "anonymous ID"
	case "profile":
		kind = "profile ID"
	default:
		kind = "identifier " + kind
	}
	return fmt.Sprintf("c360: %s %s: its %s belongs to a person erased by erasure %s (lift with LiftSuppression to accept it)",
		what, verb, kind, e.Erasure)
}

// Unwrap makes errors.Is(err, ErrSuppressed) true.
func (e *SuppressedError) Unwrap() error { return ErrSuppressed }

// AbsorbedError is the error of Erase, Restrict or Export given an ID that
// a merge absorbed: the person's data is held under Survivor, which the
// caller must name explicitly, so that nothing is erased by accident
// through a redirect.
type AbsorbedError struct {
	ID, Survivor customer.ID
}

func (e *AbsorbedError) Error() string {
	return fmt.Sprintf("c360: profile %s was merged into %s: name %s (the current profile) to act on it", e.ID, e.Survivor, e.Survivor)
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *AbsorbedError) Unwrap() error { return ErrConflict }

// OnSuppressed says what happens to a record or event that carries an
// identifier of an erased person.
type OnSuppressed string

// The actions on suppressed input.
const (
	// SuppressRefuse (the zero value) refuses it with a *SuppressedError;
	// nothing is stored.
	SuppressRefuse OnSuppressed = ""
	// SuppressHold keeps it aside, in the store, with the erasure that
	// suppressed it; Held lists what is held and LiftSuppression replays
	// it. The call still returns a *SuppressedError (with Held true).
	SuppressHold OnSuppressed = "hold"
)

// PrivacyConfig configures erasure, suppression and the APPI provision log.
// The zero value refuses suppressed input and keeps provision records for
// three years.
type PrivacyConfig struct {
	// OnSuppressed: "" refuses input of an erased person, "hold" keeps it
	// aside.
	OnSuppressed OnSuppressed `json:"on_suppressed,omitempty"`
	// ProvisionRetention is how long a provision record is kept when the
	// record itself does not say (APPI: 1 year for provisions under a
	// contract or in bulk under one arrangement, 3 years otherwise). Zero
	// means 3 years.
	ProvisionRetention Retention `json:"provision_retention,omitempty"`
	// Providers are the source systems that are third parties, by system
	// name: every record received from one is recorded in the provision
	// log (see Provider). Nil means none.
	Providers map[string]Provider `json:"providers,omitempty"`
	// Erasers are the holders of personal data outside the engine's store,
	// by name (IntelEraser for intelligence items); Erase calls each. Nil
	// means none.
	Erasers map[string]Eraser `json:"-"`
}

// Erasure is the audit entry of an erasure: who asked, when, why, and what
// kinds of data were removed, with counts. It holds no personal value: the
// erased profile's ID (and the IDs that redirected to it) are the engine's
// own pseudonymous handles, kept so that the request can be proven done.
type Erasure struct {
	ID       string        `json:"id"`
	Profile  customer.ID   `json:"profile"`
	Absorbed []customer.ID `json:"absorbed,omitempty"`
	Actor    string        `json:"actor"`
	Reason   string        `json:"reason,omitempty"`
	At       time.Time     `json:"at"`
	// Removed counts what was removed, by kind: "records", "links",
	// "index_keys", "edges", "never_merge", "reviews", "redirects",
	// "profiles", "references", "events", "anonymous_ids", "sends",
	// "stage", "memberships", "contact_suppressions", "changes_removed",
	// "changes_redacted", "provisions_pseudonymised", "intel_items" and
	// "intel_subscriptions" (the engine's intelligence items and
	// subscription queries the person was taken out of), and
	// "elsewhere:<name>" for each of PrivacyConfig.Erasers.
	Removed map[string]int `json:"removed"`
	// Suppressed is how many salted identifier hashes were kept so that
	// the person is not re-created; LiftedAt is set when they were lifted.
	Suppressed int        `json:"suppressed"`
	LiftedAt   *time.Time `json:"lifted_at,omitempty"`
	LiftedBy   string     `json:"lifted_by,omitempty"`
}

// Erase removes a person everywhere the engine keeps them: their source
// records (every record of the profile, absorbed ones included), links and
// index keys, edges and never-merge constraints naming their records,
// review items, the redirects of IDs absorbed into the profile, the
// profile, references to it in other profiles, events (those of the
// anonymous IDs linked to them too) and the anonymous IDs, stage, segment
// memberships, send history, contact suppressions of their addresses (the
// suppression after erasure covers them), their links and texts in the
// engine's intelligence items and subscription queries (Engine.Intel; the
// items stay), their values in the change feed
// (changes of the profile are removed; changes of other profiles that
// carried their values are redacted), held input, and the normalised
// records the engine caches in memory. The intelligence and the
// PrivacyConfig.Erasers come first, item by item (each step idempotent:
// after a failure, call Erase again); the rest happens in one transaction:
// either all of it or nothing.
//
// What remains is the Erasure audit entry (also in the change feed, as a
// ChangeErased entry) and a suppression entry: the salted hashes of the
// person's normalised identifiers (e-mail keys, phones in E.164, record
// keys, identifiers, anonymous IDs, profile IDs), so that a record or event
// that still carries one is refused or held (PrivacyConfig.OnSuppressed)
// instead of re-creating the person. The salt is random, kept in the
// store's metadata. LiftSuppression lifts it.
//
// Provision records (the APPI log) of the person are kept for their
// retention period, as the law requires, with the person reduced to the
// same salted hashes.
//
// d.Actor (who asked) is required; d.At zero means the engine's clock. An
// unknown ID is an error wrapping ErrNotFound; an ID that a merge absorbed
// is an *AbsorbedError (wrapping ErrConflict) naming the survivor, and
// nothing is erased.
//
// Erase reads the whole change feed (to find the merges behind the profile
// and the person's values in other profiles' changes) and every profile
// (for references): it is linear in the size of the store, as a rare,
// audited operation may be.
func (e *Engine) Erase(ctx context.Context, id customer.ID, d customer.Decision) (*Erasure, error) {
	if _, err := e.current(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(d.Actor) == "" {
		return nil, fmt.Errorf("%w: erasure of %s: decision.actor: empty: say who asked", ErrInvalid, id)
	}
	if d.At.IsZero() {
		d.At = e.now()
	}
	elsewhere, err := e.eraseElsewhere(ctx, id)
	if err != nil {
		return nil, err
	}
	var out *Erasure
	var recs []customer.RecordKey
	err = e.store.Update(ctx, func(tx Tx) error {
		er := &eraser{e: e, tx: tx, removed: map[string]int{}}
		maps.Copy(er.removed, elsewhere)
		var err error
		out, err = er.run(id, d)
		recs = er.recs
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, k := range recs {
		e.cache.drop(k)
	}
	return out, nil
}

// drop removes a record from the cache.
func (c *prepCache) drop(k customer.RecordKey) {
	if c == nil || c.max == 0 {
		return
	}
	s := &c.shards[c.shard(k)]
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, k)
}

// profileToAct returns the stored profile id names, refusing an absorbed
// ID with an *AbsorbedError.
func profileToAct(tx ReadTx, id customer.ID) (*customer.Profile, error) {
	p, err := tx.Profile(id)
	if err == nil {
		return p, nil
	}
	if !isNotFound(err) {
		return nil, err
	}
	if _, err := tx.Merge(id); err != nil {
		if isNotFound(err) {
			return nil, fmt.Errorf("%w: profile %s", ErrNotFound, id)
		}
		return nil, err
	}
	s, _, err := resolve(tx, id)
	if err != nil {
		return nil, err
	}
	return nil, &AbsorbedError{ID: id, Survivor: s}
}

// eraser carries one Erase's transaction.
type eraser struct {
	e       *Engine
	tx      Tx
	p       *customer.Profile
	recs    []customer.RecordKey
	isRec   map[customer.RecordKey]bool
	ids     []customer.ID // the profile and the IDs absorbed into it
	removed map[string]int
}

func (er *eraser) run(id customer.ID, d customer.Decision) (*Erasure, error) {
	tx := er.tx
	p, err := profileToAct(tx, id)
	if err != nil {
		return nil, err
	}
	er.p = p
	er.isRec = map[customer.RecordKey]bool{}
	for _, s := range p.Sources {
		er.recs = append(er.recs, s.Key())
		er.isRec[s.Key()] = true
	}
	er.removed["records"] = len(er.recs)

	// Everything read before anything is removed: the change feed (for the
	// merges behind the profile), the identifiers to suppress.
	changes, err := allChanges(tx)
	if err != nil {
		return nil, err
	}
	if er.ids, err = mergedInto(tx, p.ID, changes); err != nil {
		return nil, err
	}
	as, err := anchors(tx, p)
	if err != nil {
		return nil, err
	}
	hashes, err := er.identifierHashes(as)
	if err != nil {
		return nil, err
	}
	needles := er.needles()

	if err := er.live(as); err != nil {
		return nil, err
	}
	if err := er.identity(changes); err != nil {
		return nil, err
	}
	if err := er.references(); err != nil {
		return nil, err
	}
	at := d.At.UTC()
	x := &Erasure{ID: erasureID(p.ID, at), Profile: p.ID, Actor: d.Actor, Reason: d.Reason, At: at, Removed: er.removed}
	if len(er.ids) > 1 {
		x.Absorbed = slices.Sorted(slices.Values(er.ids[1:]))
	}
	// The notice goes to the feed before the person's changes leave it, so
	// that the last change of the log is never one that is deleted (a store
	// that numbers changes from its last one never reuses a cursor).
	if _, err := tx.AppendChange(&Change{Kind: ChangeErased, Profile: p.ID, Absorbed: x.Absorbed, At: at}); err != nil {
		return nil, err
	}
	if err := er.redact(changes, needles); err != nil {
		return nil, err
	}
	if err := er.pseudonymiseProvisions(x.ID, hashes); err != nil {
		return nil, err
	}
	for _, h := range hashes {
		if err := tx.Put(bErased, "", h.hash, []byte(x.ID)); err != nil {
			return nil, err
		}
		if err := tx.Put(bErasedBy, x.ID, h.hash, nil); err != nil {
			return nil, err
		}
	}
	x.Suppressed = len(hashes)
	if err := putErasure(tx, x); err != nil {
		return nil, err
	}
	return x, nil
}

func erasureID(p customer.ID, at time.Time) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", p, at.UnixNano()))
	return "E" + timeKey(at)[:12] + hex.EncodeToString(h[:4])
}

func putErasure(tx Tx, x *Erasure) error {
	b, err := json.Marshal(x)
	if err != nil {
		return err
	}
	return tx.Put(bAudit, "erasure", x.ID, b)
}

// mergedInto returns id and the IDs merged into it: its aliases, and (for
// merges older than the aliases) the change feed's merges that still
// redirect to it.
func mergedInto(tx ReadTx, id customer.ID, changes []Change) ([]customer.ID, error) {
	ids := []customer.ID{id}
	for q := []customer.ID{id}; len(q) > 0; q = q[1:] {
		for it, err := range tx.Scan(bAliases, string(q[0])) {
			if err != nil {
				return nil, err
			}
			if a := customer.ID(it.Key); !slices.Contains(ids, a) {
				ids = append(ids, a)
				q = append(q, a)
			}
		}
	}
	for _, c := range changes {
		if c.Kind != ChangeMerged {
			continue
		}
		for _, a := range c.Absorbed {
			if slices.Contains(ids, a) {
				continue
			}
			if s, _, err := resolve(tx, a); err == nil && s == id {
				ids = append(ids, a)
			}
		}
	}
	return ids, nil
}

// allChanges reads the whole change feed inside a transaction.
func allChanges(tx ReadTx) ([]Change, error) {
	var out []Change
	var after Cursor
	for {
		page, err := tx.Changes(after, pageSize)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < pageSize {
			return out, nil
		}
		after = page[len(page)-1].Cursor
	}
}

// live removes the person's events, anonymous IDs, sends, stage and
// memberships.
func (er *eraser) live(as []string) error {
	tx := er.tx
	for _, a := range as {
		var keys []string
		for it, err := range tx.Scan(bEvents, a) {
			if err != nil {
				return err
			}
			se, err := decodeEvent(it.Value)
			if err != nil {
				return fmt.Errorf("c360: stored event %q: %w", it.Key, err)
			}
			keys = append(keys, se.ID)
		}
		for _, k := range keys {
			if err := tx.Delete(bEventID, "", k); err != nil {
				return err
			}
		}
		er.removed["events"] += len(keys)
		if err := tx.DeleteGroup(bEvents, a); err != nil {
			return err
		}
		n := 0
		for _, err := range tx.Scan(bSends, a) {
			if err != nil {
				return err
			}
			n++
		}
		er.removed["sends"] += n
		if err := tx.DeleteGroup(bSends, a); err != nil {
			return err
		}
		if anon, ok := strings.CutPrefix(a, "a"); ok {
			er.removed["anonymous_ids"]++
			if err := tx.DeleteGroup(bAnon, anon); err != nil {
				return err
			}
		} else if err := tx.DeleteGroup(bAnonOf, a); err != nil {
			return err
		}
	}
	for _, id := range er.ids {
		st, ok, err := readState(tx, id)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		er.removed["stage"]++
		for _, s := range st.Segments {
			if err := tx.Delete(bMember, s, string(id)); err != nil {
				return err
			}
			er.removed["memberships"]++
		}
		if err := tx.DeleteGroup(bState, string(id)); err != nil {
			return err
		}
	}
	// Contact suppressions of the person's addresses and numbers: the
	// suppression after erasure refuses the person as a whole meanwhile.
	var groups []string
	for g, err := range tx.Groups(bSuppr, "") {
		if err != nil {
			return err
		}
		groups = append(groups, g)
	}
	for _, c := range er.contacts() {
		for _, g := range append(groups, "") {
			if _, err := tx.Get(bSuppr, g, c); err == nil {
				if err := tx.Delete(bSuppr, g, c); err != nil {
					return err
				}
				er.removed["contact_suppressions"]++
			} else if !isNotFound(err) {
				return err
			}
		}
	}
	return nil
}

// contacts returns the comparison keys of the person's e-mail addresses and
// phone numbers, from every source record.
func (er *eraser) contacts() []string {
	var out []string
	for _, s := range er.p.Sources {
		for _, c := range s.ContactPoints {
			switch c.Type {
			case customer.ContactEmail, customer.ContactPhone:
				out = append(out, contactKey(c.Type, c.Value))
			}
		}
	}
	for _, c := range er.p.ContactPoints {
		switch c.Type {
		case customer.ContactEmail, customer.ContactPhone:
			out = append(out, contactKey(c.Type, c.Value))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// identity removes the records' links, index keys, edges held by other
// records, never-merge constraints, review items, the redirects of the
// absorbed IDs and the profile; merges of other profiles forget the
// person's records.
func (er *eraser) identity(changes []Change) error {
	tx := er.tx
	for _, k := range er.recs {
		l, err := tx.Link(k)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if err := tx.RemoveKeys(k, l.Keys); err != nil {
			return err
		}
		er.removed["index_keys"] += len(l.Keys)
		for _, ed := range l.Edges {
			if er.isRec[ed.Record] {
				continue
			}
			ol, err := tx.Link(ed.Record)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			n := len(ol.Edges)
			ol.Edges = slices.DeleteFunc(ol.Edges, func(x Edge) bool { return x.Record == k })
			if len(ol.Edges) != n {
				er.removed["edges"]++
				if err := tx.PutLink(ol); err != nil {
					return err
				}
			}
		}
		if err := tx.DeleteLink(k); err != nil {
			return err
		}
		er.removed["links"]++
		never, err := tx.NeverMerge(k)
		if err != nil {
			return err
		}
		for _, o := range never {
			if err := tx.RemoveNeverMerge(k, o); err != nil {
				return err
			}
			er.removed["never_merge"]++
		}
	}
	var reviews []string
	for r, err := range tx.Reviews() {
		if err != nil {
			return err
		}
		if er.isRec[r.Record] || er.isRec[r.Candidate] {
			reviews = append(reviews, r.ID)
		}
	}
	for _, r := range reviews {
		if err := tx.DeleteReview(r); err != nil {
			return err
		}
	}
	er.removed["reviews"] = len(reviews)
	for _, a := range er.ids[1:] {
		if err := tx.DeleteMerge(a); err != nil && !isNotFound(err) {
			return err
		}
		er.removed["redirects"]++
	}
	for _, id := range er.ids {
		if err := tx.DeleteGroup(bAliases, string(id)); err != nil {
			return err
		}
	}
	// Merges between other profiles that name the person's records (a
	// record of theirs that bridged two profiles, then moved).
	seen := map[customer.ID]bool{}
	for _, c := range changes {
		if c.Kind != ChangeMerged {
			continue
		}
		for _, a := range c.Absorbed {
			if seen[a] || slices.Contains(er.ids, a) {
				continue
			}
			seen[a] = true
			m, err := tx.Merge(a)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			n := len(m.Records)
			m.Records = slices.DeleteFunc(m.Records, func(k customer.RecordKey) bool { return er.isRec[k] })
			if len(m.Records) == n && !er.isRec[m.Cause] {
				continue
			}
			if er.isRec[m.Cause] {
				m.Cause = customer.RecordKey{}
			}
			if err := tx.PutMerge(m); err != nil {
				return err
			}
		}
	}
	if err := tx.DeleteProfile(er.p.ID); err != nil {
		return err
	}
	er.removed["profiles"] = 1
	return nil
}

// references removes links to the erased IDs and records from other
// profiles (an account's link to a contact, for instance) and from their
// source records, so that a rebuild does not bring them back.
func (er *eraser) references() error {
	tx := er.tx
	isID := map[customer.ID]bool{}
	for _, id := range er.ids {
		isID[id] = true
	}
	for _, k := range er.recs {
		isID[customer.ID(customer.SourceScheme+k.System+"/"+k.RecordID)] = true
	}
	var changed []*customer.Profile
	for q, err := range profilesReadOnly(tx) {
		if err != nil {
			return err
		}
		if !refersToAny(q, isID) {
			continue
		}
		q = q.Clone()
		hit := false
		drop := func(f *customer.Facts) {
			n := len(f.Links)
			f.Links = slices.DeleteFunc(f.Links, func(l customer.Link) bool { return isID[l.Profile] })
			hit = hit || len(f.Links) != n
			for i := range f.Firmographics.Related {
				if isID[f.Firmographics.Related[i].Profile] {
					f.Firmographics.Related[i].Profile = ""
					hit = true
				}
			}
		}
		drop(&q.Facts)
		for i := range q.Sources {
			drop(&q.Sources[i].Facts)
		}
		n := len(q.Provenance)
		q.Provenance = slices.DeleteFunc(q.Provenance, func(pv customer.Provenance) bool {
			for id := range isID {
				if strings.HasPrefix(pv.Field, "links["+string(id)+":") {
					return true
				}
			}
			return false
		})
		hit = hit || len(q.Provenance) != n
		if hit {
			changed = append(changed, q)
		}
	}
	for _, q := range changed {
		if err := tx.PutProfile(q); err != nil {
			return err
		}
	}
	er.removed["references"] = len(changed)
	return nil
}

// refersToAny reports whether a profile links to one of ids (in its facts
// or its source records') — without changing it.
func refersToAny(q *customer.Profile, isID map[customer.ID]bool) bool {
	facts := []*customer.Facts{&q.Facts}
	for i := range q.Sources {
		facts = append(facts, &q.Sources[i].Facts)
	}
	for _, f := range facts {
		for _, l := range f.Links {
			if isID[l.Profile] {
				return true
			}
		}
		for _, r := range f.Firmographics.Related {
			if isID[r.Profile] {
				return true
			}
		}
	}
	return false
}

// profilesReadOnly streams every profile, without copying them when the
// store can (the caller must not change them).
func profilesReadOnly(tx ReadTx) iter.Seq2[*customer.Profile, error] {
	if pp, ok := tx.(interface {
		peekProfiles() iter.Seq2[*customer.Profile, error]
	}); ok {
		return pp.peekProfiles()
	}
	return tx.Profiles("")
}

// listFields are the flattened fields whose value is a ", "-joined list.
func listField(f string) bool {
	return f == "sources" || f == "identifiers" || strings.HasPrefix(f, "contact_points.")
}

// needles returns, field by field, the values the person's profile and each
// of their source records flatten to (list fields element by element): the
// values to take out of other profiles' changes. "kind" is left out (it
// identifies no one).
func (er *eraser) needles() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	add := func(p *customer.Profile) {
		for f, v := range flatten(p) {
			if f == "kind" {
				continue
			}
			if out[f] == nil {
				out[f] = map[string]bool{}
			}
			if listField(f) {
				for _, x := range strings.Split(v, ", ") {
					out[f][x] = true
				}
				continue
			}
			out[f][v] = true
		}
	}
	add(er.p)
	for i := range er.p.Sources {
		if one, err := er.e.surv.Build(er.p.ID, er.p.Sources[i:i+1]); err == nil {
			add(one)
		}
	}
	return out
}

const redacted = "(erased)"

// redact removes the changes of the erased IDs from the feed and takes the
// person's records and IDs out of other profiles' changes, and their values
// out of the changes of profiles that held one of their records at some
// time (a value such a profile holds itself now is its own, and stays).
func (er *eraser) redact(changes []Change, needles map[string]map[string]bool) error {
	tx := er.tx
	own := map[customer.ID]map[string]string{}
	ownOf := func(id customer.ID) map[string]string {
		if m, ok := own[id]; ok {
			return m
		}
		q, err := tx.Profile(id)
		if err != nil {
			q = nil
		}
		m := flatten(q)
		own[id] = m
		return m
	}
	// elsewhere reports whether a profile still held holds an address or
	// number (after the person's records left the index): it is not the
	// person's alone, and stays.
	elsewhere := func(field, v string) bool {
		scheme := ""
		switch field {
		case "contact_points.email":
			scheme = "email"
		case "contact_points.phone":
			scheme = "phone"
		default:
			return false
		}
		ids, err := lookupIn(tx, customer.Identifier{Scheme: scheme, Value: v})
		return err == nil && len(ids) > 0
	}
	// scrub redacts the person's values in one field's value; the other
	// profile's own values (read only when a value of the person is found)
	// and addresses and numbers another profile holds stay.
	scrub := func(field, v string, mine func() map[string]string) (string, bool) {
		ns := needles[field]
		if v == "" || ns == nil {
			return v, false
		}
		if listField(field) {
			any := false
			for n := range ns {
				if strings.Contains(v, n) {
					any = true
					break
				}
			}
			if !any {
				return v, false
			}
			xs := strings.Split(v, ", ")
			var mineSet map[string]bool
			hit := false
			for i, x := range xs {
				if !ns[x] {
					continue
				}
				if mineSet == nil {
					mineSet = map[string]bool{}
					for _, y := range strings.Split(mine()[field], ", ") {
						mineSet[y] = true
					}
				}
				if !mineSet[x] && !elsewhere(field, x) {
					xs[i], hit = redacted, true
				}
			}
			if !hit {
				return v, false
			}
			return strings.Join(xs, ", "), true
		}
		if ns[v] && mine()[field] != v && !elsewhere(field, v) {
			return redacted, true
		}
		return v, false
	}
	// Only profiles that held one of the person's records at some time
	// (their "sources" changed to or from it) can carry the person's values
	// in their changes; the others are left as they are.
	touched := map[customer.ID]bool{}
	for _, c := range changes {
		if er.isRec[c.Record] {
			touched[c.Profile] = true
			continue
		}
		for _, f := range c.Fields {
			if f.Field != "sources" {
				continue
			}
			for _, k := range er.recs {
				if ks := k.String(); strings.Contains(f.Old, ks) || strings.Contains(f.New, ks) {
					touched[c.Profile] = true
				}
			}
		}
	}
	for _, c := range changes {
		if slices.Contains(er.ids, c.Profile) {
			if err := tx.DeleteChange(c.Cursor); err != nil {
				return err
			}
			er.removed["changes_removed"]++
			continue
		}
		hit := false
		if er.isRec[c.Record] {
			c.Record, hit = customer.RecordKey{}, true
		}
		if n := len(c.Absorbed); n > 0 {
			c.Absorbed = slices.DeleteFunc(slices.Clone(c.Absorbed), func(id customer.ID) bool { return slices.Contains(er.ids, id) })
			hit = hit || len(c.Absorbed) != n
		}
		if len(c.Fields) > 0 && touched[c.Profile] {
			mine := func() map[string]string { return ownOf(c.Profile) }
			var fs []FieldChange
			for i, f := range c.Fields {
				old, h1 := scrub(f.Field, f.Old, mine)
				nw, h2 := scrub(f.Field, f.New, mine)
				if h1 || h2 {
					if fs == nil {
						fs = slices.Clone(c.Fields)
					}
					fs[i].Old, fs[i].New, hit = old, nw, true
				}
			}
			if fs != nil {
				c.Fields = fs
			}
		}
		if hit {
			if err := tx.ReplaceChange(&c); err != nil {
				return err
			}
			er.removed["changes_redacted"]++
		}
	}
	return nil
}

// idHash is one salted identifier hash with the kind of identifier.
type idHash struct {
	kind, hash string
}

// salt returns the store's salt, creating it when create is set (nil when
// there is none yet).
func salt(tx ReadTx) ([]byte, error) {
	b, err := tx.Meta(metaSalt)
	if isNotFound(err) {
		return nil, nil
	}
	return b, err
}

func saltFor(tx Tx) ([]byte, error) {
	b, err := salt(tx)
	if err != nil || b != nil {
		return b, err
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return b, tx.PutMeta(metaSalt, b)
}

// hashIdent is the salted hash of one normalised identifier: the first 20
// bytes, in hex, of HMAC-SHA256(salt, kind + "\x00" + value). The HMAC is
// computed here (RFC 2104) on buffers on the stack, rather than with
// crypto/hmac, whose state is allocated anew for every hash: Track and
// Upsert hash every identifier they see against the suppression entries.
// hashIdentHMAC in the tests holds it to crypto/hmac's answer.
func hashIdent(salt []byte, kind, value string) string {
	const block = sha256.BlockSize
	var key [block]byte
	if len(salt) > block {
		k := sha256.Sum256(salt)
		copy(key[:], k[:])
	} else {
		copy(key[:], salt)
	}
	var buf [block + 128]byte // longer messages move to the heap
	msg := buf[:block]
	for i, b := range key {
		msg[i] = b ^ 0x36
	}
	msg = append(msg, kind...)
	msg = append(msg, 0)
	msg = append(msg, value...)
	inner := sha256.Sum256(msg)
	var outer [block + sha256.Size]byte
	for i, b := range key {
		outer[i] = b ^ 0x5c
	}
	copy(outer[block:], inner[:])
	sum := sha256.Sum256(outer[:])
	var hx [40]byte
	hex.Encode(hx[:], sum[:20])
	return string(hx[:])
}

// identsOf lists the normalised identifiers of a record: its key, e-mail
// keys, phones in E.164, identifiers (source-record identifiers are the key
// already) and corporate number.
func identsOf(r *customer.SourceRecord) [][2]string {
	var out [][2]string
	if r.System != "" || r.RecordID != "" {
		out = append(out, [2]string{"record", r.System + "\x00" + r.RecordID})
	}
	for _, c := range r.ContactPoints {
		switch c.Type {
		case customer.ContactEmail:
			if em, err := normalize.ParseEmail(c.Value); err == nil {
				out = append(out, [2]string{"email", em.Key})
			}
		case customer.ContactPhone:
			if ph, err := normalize.ParsePhone(c.Value); err == nil {
				out = append(out, [2]string{"phone", ph.E164})
			}
		}
	}
	for _, id := range r.Identifiers {
		if strings.HasPrefix(id.Scheme, customer.SourceScheme) || strings.TrimSpace(id.Value) == "" {
			continue
		}
		out = append(out, [2]string{"id:" + id.Scheme, strings.TrimSpace(id.Value)})
	}
	if r.Kind == customer.KindPerson && r.CorporateNumber != "" {
		out = append(out, [2]string{"corporate_number", strings.TrimSpace(r.CorporateNumber)})
	}
	return out
}

// identifierHashes returns the salted hashes of every identifier of the
// person (creating the salt on the first erasure).
func (er *eraser) identifierHashes(as []string) ([]idHash, error) {
	s, err := saltFor(er.tx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []idHash
	add := func(kind, v string) {
		h := hashIdent(s, kind, v)
		if !seen[h] {
			seen[h] = true
			out = append(out, idHash{kind, h})
		}
	}
	for i := range er.p.Sources {
		for _, id := range identsOf(&er.p.Sources[i]) {
			add(id[0], id[1])
		}
	}
	for _, a := range as {
		if anon, ok := strings.CutPrefix(a, "a"); ok {
			add("anonymous_id", anon)
		}
	}
	for _, id := range er.ids {
		add("profile", string(id))
	}
	return out, nil
}

// privState is the engine's privacy state in memory: the store's salt,
// read once (it never changes once made).
type privState struct {
	salt atomic.Pointer[[]byte]
}

// saltOf returns the store's salt (nil when none was made yet).
func (e *Engine) saltOf(tx ReadTx) ([]byte, error) {
	if p := e.priv.salt.Load(); p != nil {
		return *p, nil
	}
	s, err := salt(tx)
	if s != nil {
		e.priv.salt.Store(&s)
	}
	return s, err
}

// openPrivacy makes the store's salt if it has none and keeps it, so that
// checking records and events against the suppression entries reads no
// metadata.
func (e *Engine) openPrivacy(ctx context.Context) error {
	return e.store.Update(ctx, func(tx Tx) error {
		s, err := saltFor(tx)
		if err == nil {
			e.priv.salt.Store(&s)
		}
		return err
	})
}

// suppressionCheck is a check of identifiers against the suppression
// entries: made (and, where the store can, its reads queued) first, read
// later, so that the reads travel with the transaction's next one.
type suppressionCheck struct {
	ids    [][2]string
	hashes []string
}

func (e *Engine) checkIdents(tx ReadTx, ids [][2]string) (*suppressionCheck, error) {
	s, err := e.saltOf(tx)
	if err != nil || s == nil || len(ids) == 0 {
		return nil, err
	}
	if noItems(tx, bErased, "") {
		return nil, nil // no suppression entry: nothing to hash and read
	}
	c := &suppressionCheck{ids: ids, hashes: make([]string, len(ids))}
	for i, id := range ids {
		c.hashes[i] = hashIdent(s, id[0], id[1])
	}
	prefetch(tx, bErased, "", c.hashes...)
	return c, nil
}

// find returns the kind of the first suppressed identifier and the erasure
// that suppressed it ("" when none is).
func (c *suppressionCheck) find(tx ReadTx) (kind, erasure string, err error) {
	if c == nil {
		return "", "", nil
	}
	for i, h := range c.hashes {
		b, err := tx.Get(bErased, "", h)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return "", "", err
		}
		kind, _ := strings.CutPrefix(c.ids[i][0], "id:")
		return kind, string(b), nil
	}
	return "", "", nil
}

// recordError reads a check of a record's identifiers.
func (c *suppressionCheck) recordError(tx ReadTx, r *customer.SourceRecord) error {
	kind, x, err := c.find(tx)
	if err != nil || x == "" {
		return err
	}
	return &SuppressedError{Record: r.Key(), Identifier: kind, Erasure: x}
}

// checkSuppressedEvent returns a *SuppressedError when an event names an
// erased person: by profile ID, identifier, source record or anonymous ID.
func (e *Engine) checkSuppressedEvent(tx ReadTx, ev *journey.Event) error {
	var ids [][2]string
	if ev.CustomerID != "" {
		ids = append(ids, [2]string{"profile", string(ev.CustomerID)})
	}
	if ev.AnonymousID != "" {
		ids = append(ids, [2]string{"anonymous_id", ev.AnonymousID})
	}
	for _, id := range ev.Identifiers {
		switch {
		case id.Scheme == "email":
			if em, err := normalize.ParseEmail(id.Value); err == nil {
				ids = append(ids, [2]string{"email", em.Key})
			}
		case id.Scheme == "phone":
			if ph, err := normalize.ParsePhone(id.Value); err == nil {
				ids = append(ids, [2]string{"phone", ph.E164})
			}
		case strings.HasPrefix(id.Scheme, customer.SourceScheme):
			ids = append(ids, [2]string{"record", strings.TrimPrefix(id.Scheme, customer.SourceScheme) + "\x00" + id.Value})
		default:
			ids = append(ids, [2]string{"id:" + id.Scheme, strings.TrimSpace(id.Value)})
		}
	}
	c, err := e.checkIdents(tx, ids)
	if err != nil {
		return err
	}
	kind, x, err := c.find(tx)
	if err != nil || x == "" {
		return err
	}
	return &SuppressedError{Event: ev.ID, Identifier: kind, Erasure: x}
}

// held handles input refused by a suppression: under SuppressHold it is
// kept aside (in its own transaction) and the error says so.
func (e *Engine) held(ctx context.Context, err error, key string, v any) error {
	var se *SuppressedError
	if e.privacy.OnSuppressed != SuppressHold || !errors.As(err, &se) {
		return err
	}
	b, jerr := json.Marshal(v)
	if jerr != nil {
		return jerr
	}
	if uerr := e.store.Update(ctx, func(tx Tx) error { return tx.Put(bHeld, se.Erasure, key, b) }); uerr != nil {
		return uerr
	}
	se.Held = true
	return se
}

// upsertHeld is Upsert's last step: a record refused by a suppression is
// held when so configured.
func (e *Engine) upsertHeld(ctx context.Context, rec *customer.SourceRecord, up Update, err error) (Update, error) {
	if err == nil {
		if up.Outcome != Unchanged {
			if err := e.received(ctx, []customer.SourceRecord{*rec}); err != nil {
				return up, err
			}
		}
		return up, nil
	}
	return Update{}, e.held(ctx, err, "r"+recordAnchor(rec.Key()), rec)
}

// Erasures lists the erasure audit entries, oldest first.
func (e *Engine) Erasures(ctx context.Context) ([]Erasure, error) {
	var out []Erasure
	err := e.view(ctx, func(tx ReadTx) error {
		for it, err := range tx.Scan(bAudit, "erasure") {
			if err != nil {
				return err
			}
			var x Erasure
			if err := json.Unmarshal(it.Value, &x); err != nil {
				return fmt.Errorf("c360: erasure %s: %w", it.Key, err)
			}
			out = append(out, x)
		}
		return nil
	})
	return out, err
}

// HeldInput is what was kept aside for a suppressed person (SuppressHold).
type HeldInput struct {
	Erasure string                 `json:"erasure"`
	Record  *customer.SourceRecord `json:"record,omitempty"`
	Event   *journey.Event         `json:"event,omitempty"`
}

// Held lists what is held for suppressed persons, by erasure.
func (e *Engine) Held(ctx context.Context) ([]HeldInput, error) {
	var out []HeldInput
	err := e.view(ctx, func(tx ReadTx) error {
		var err error
		out, err = heldIn(tx, "")
		return err
	})
	return out, err
}

// heldIn reads the held input of one erasure ("" for all).
func heldIn(tx ReadTx, erasure string) ([]HeldInput, error) {
	var groups []string
	if erasure != "" {
		groups = []string{erasure}
	} else {
		for g, err := range tx.Groups(bHeld, "") {
			if err != nil {
				return nil, err
			}
			groups = append(groups, g)
		}
	}
	var out []HeldInput
	for _, g := range groups {
		for it, err := range tx.Scan(bHeld, g) {
			if err != nil {
				return nil, err
			}
			h := HeldInput{Erasure: g}
			var uerr error
			if strings.HasPrefix(it.Key, "r") {
				h.Record = new(customer.SourceRecord)
				uerr = json.Unmarshal(it.Value, h.Record)
			} else {
				h.Event = new(journey.Event)
				uerr = json.Unmarshal(it.Value, h.Event)
			}
			if uerr != nil {
				return nil, fmt.Errorf("c360: held input %s: %w", it.Key, uerr)
			}
			out = append(out, h)
		}
	}
	return out, nil
}

// LiftSuppression lifts the suppression an erasure left: its identifier
// hashes are removed, so the person's records and events are accepted again
// (a person who comes back and signs up anew, for instance). The erasure's
// audit entry records who lifted it and when; the input held for it is
// replayed (Upsert, Track) and the Update of each record returned. An
// unknown erasure is an error wrapping ErrNotFound; lifting twice is no
// error and replays nothing.
func (e *Engine) LiftSuppression(ctx context.Context, erasureID string, d customer.Decision) ([]Update, error) {
	if _, err := e.current(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(d.Actor) == "" {
		return nil, fmt.Errorf("%w: lifting erasure %s: decision.actor: empty: say who lifts it", ErrInvalid, erasureID)
	}
	if d.At.IsZero() {
		d.At = e.now()
	}
	var held []HeldInput
	err := e.store.Update(ctx, func(tx Tx) error {
		b, err := tx.Get(bAudit, "erasure", erasureID)
		if isNotFound(err) {
			return fmt.Errorf("%w: erasure %s", ErrNotFound, erasureID)
		}
		if err != nil {
			return err
		}
		var x Erasure
		if err := json.Unmarshal(b, &x); err != nil {
			return fmt.Errorf("c360: erasure %s: %w", erasureID, err)
		}
		if x.LiftedAt != nil {
			return nil
		}
		var hs []string
		for it, err := range tx.Scan(bErasedBy, erasureID) {
			if err != nil {
				return err
			}
			hs = append(hs, it.Key)
		}
		for _, h := range hs {
			// A hash another erasure suppressed too stays with it.
			if v, err := tx.Get(bErased, "", h); err == nil && string(v) == erasureID {
				if err := tx.Delete(bErased, "", h); err != nil {
					return err
				}
			}
		}
		if err := tx.DeleteGroup(bErasedBy, erasureID); err != nil {
			return err
		}
		at := d.At.UTC()
		x.LiftedAt, x.LiftedBy = &at, d.Actor
		if held, err = heldIn(tx, erasureID); err != nil {
			return err
		}
		if err := tx.DeleteGroup(bHeld, erasureID); err != nil {
			return err
		}
		return putErasure(tx, &x)
	})
	if err != nil {
		return nil, err
	}
	// Records first, then events (which may name them).
	slices.SortStableFunc(held, func(a, b HeldInput) int {
		switch {
		case (a.Record != nil) == (b.Record != nil):
			return 0
		case a.Record != nil:
			return -1
		}
		return 1
	})
	var ups []Update
	for _, h := range held {
		switch {
		case h.Record != nil:
			up, err := e.Upsert(ctx, *h.Record)
			if err != nil {
				return ups, fmt.Errorf("replaying held record %s: %w", h.Record.Key(), err)
			}
			ups = append(ups, up)
		case h.Event != nil:
			if _, err := e.Track(ctx, *h.Event); err != nil {
				return ups, fmt.Errorf("replaying held event %q: %w", h.Event.ID, err)
			}
		}
	}
	return ups, nil
}

// itemBuckets are the buckets the engine keeps items in (see ItemStore).
var itemBuckets = []string{bEvents, bEventID, bAnon, bAnonOf, bState, bMember, bSends, bSuppr, bAliases,
	bErased, bErasedBy, bAudit, bHeld, bProvision,
	bIntelItems, bIntelLinks, bIntelSubs, bIntelClaims, bIntelPending, bIntelPendingOf, bIntelDecisions, bIntelActionOf}

// ItemBuckets returns the names of the buckets the engine keeps items in,
// sorted: what a backup, a migration or a conformance test (c360test's
// erasure rules) must read to see all of the engine's item state. A host
// may keep buckets of its own in the same store (package server keeps its
// staff tokens in "server"); they hold no customer data and are not listed.
func ItemBuckets() []string { return slices.Sorted(slices.Values(itemBuckets)) }
