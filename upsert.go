package c360

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
)

// Outcome says what an Upsert did.
type Outcome int

// The outcomes of Upsert.
const (
	// Unchanged: the same record (System, RecordID, same content) was
	// already stored; nothing changed.
	Unchanged Outcome = iota
	// Created: the record matched no profile and founded a new one.
	Created
	// Joined: the record matched one profile and joined it.
	Joined
	// Merged: the record matched several profiles and bridged them: they
	// were merged into one, and the absorbed IDs now redirect to it.
	Merged
	// Held: the record's best match fell in the review band: it founded
	// a new profile, and a review item asks a person to decide.
	Held
	// Updated: a changed version of a stored record replaced the old one,
	// and the record stayed in its profile.
	Updated
)

var outcomeNames = [...]string{"unchanged", "created", "joined", "merged", "held", "updated"}

// String returns the outcome's name.
func (o Outcome) String() string {
	if o >= 0 && int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// MarshalText encodes the outcome as its name.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// Update is what an Upsert did.
type Update struct {
	Outcome Outcome
	// Profile is the profile now holding the record.
	Profile customer.ID
	// Absorbed lists the profiles merged into Profile (Merged).
	Absorbed []customer.ID
	// Left is the profile a changed record left, rebuilt without it
	// (empty when it stayed).
	Left customer.ID
	// Match is the best match that decided where the record went (nil for
	// a new profile).
	Match *match.Explanation
	// Reviews are the review items opened for this record.
	Reviews []Review
	// Rebuilt lists other profiles the record's arrival changed:
	// re-resolution may move records between profiles that share matches
	// with it (see the package documentation).
	Rebuilt []customer.ID
	// Fields lists the profile fields that changed, old → new.
	Fields []FieldChange
	// Cursor is the position of the last change this Upsert wrote (0 when
	// Unchanged).
	Cursor Cursor
}

// Upsert takes one source record to an up-to-date profile. It matches the
// record against the identity state and then creates a profile, joins one,
// merges several that the record bridges (subject to the chaining guards and
// never-merge constraints), or, when the best match falls in the review
// band, creates a profile and a review item. The profile is rebuilt with the
// engine's Survivorship and stored with the record and its link.
//
// Profiles are resolved canonically. A record's matches (candidates at or
// above the match threshold) are kept as edges, and profiles are the clusters
// the edges make when taken in one order that depends only on the records —
// pairs a person confirmed first, then strongest match first, ties by record
// keys — each joining two clusters unless a never-merge constraint or a
// chaining guard (any two of their records in conflict) refuses. Each change
// resolves its neighbourhood again. The profiles therefore do not depend on
// the order in which records arrive: Load, Upserts one by one in any order,
// and replicas upserting concurrently end with the same profiles. It also
// means a record's arrival can move another record between two profiles it
// matches (re-resolution): Update.Rebuilt and the change feed say so.
//
// Upsert is idempotent on (System, RecordID): the same record again changes
// nothing; a changed record replaces its old version and is matched again
// (it may leave its profile, which is then rebuilt without it).
//
// A record that fails customer.ValidateRecord is refused with every problem
// named (an error wrapping ErrInvalid and the *customer.FieldError of each)
// and nothing is stored. Everything an Upsert writes is committed in one
// store transaction: an error, a cancelled ctx or a store failure leaves no
// part of it behind.
func (e *Engine) Upsert(ctx context.Context, rec customer.SourceRecord) (Update, error) {
	sc, err := e.current()
	if err != nil {
		return Update{}, err
	}
	in, err := e.prepare(sc, &rec)
	if err != nil {
		return Update{}, err
	}
	// Score against the candidates outside the (serialised) write
	// transaction, so that several Upserts score on several cores; the
	// transaction re-reads the candidates and scores again only if they
	// changed meanwhile.
	err = e.store.View(ctx, func(tx ReadTx) error {
		if l, err := tx.Link(in.key); err == nil && l.Fingerprint == in.finger {
			return nil // unchanged: nothing to score
		}
		in.pre, err = e.candidates(tx, sc, in, nil)
		return err
	})
	if err != nil {
		return Update{}, err
	}
	up, err := e.write(ctx, sc, in.key, func(u *upserter, up *Update) error {
		if done, err := u.admit(in, up); done || err != nil { // erased or restricted person: privacy.go, restrict.go
			return err
		}
		return u.run(in, up)
	})
	return e.upsertHeld(ctx, &in.rec, up, err)
}

// UpsertWith upserts the source record key as edit changes it, reading
// the stored record and writing the result in one atomic step: a
// concurrent UpsertWith or Upsert of the same record — in this process or
// in a replica sharing the store — is never lost, as it can be between a
// read of the record (Engine.LinkOf, Get) and an Upsert. It is the read-
// modify-write of a record that arrives in parts, such as the traits of
// the tracking API's identify calls.
//
// edit gets a copy of the record as stored (existed true), or else a new
// record {System: key.System, RecordID: key.RecordID, Kind: kind} (existed
// false), and changes it in place. It runs before the write transaction
// and again inside it when another writer changed the record meanwhile, so
// it may be called more than once and must do nothing but change rec; the
// record of its last call is written. An error of edit is returned as it
// is, and nothing is written. An edit that changes the record's System or
// RecordID is refused (an error wrapping ErrInvalid).
//
// When edit leaves a stored record as it was, nothing is written: the
// Update is Unchanged with the record's profile. Otherwise the edited record
// is upserted with every rule of Upsert: validation, idempotency,
// suppression of erased persons and restricted profiles, everything in one
// store transaction.
func (e *Engine) UpsertWith(ctx context.Context, key customer.RecordKey, kind customer.Kind, edit func(rec *customer.SourceRecord, existed bool) error) (Update, error) {
	sc, err := e.current()
	if err != nil {
		return Update{}, err
	}
	// As Upsert does, edit, prepare and score outside the serialised write
	// transaction; the transaction reads the record again and, when another
	// writer changed it since, edits again there.
	var base stored
	var first *input
	err = e.store.View(ctx, func(tx ReadTx) (err error) {
		if base, err = storedRecord(tx.Link, tx.Profile, key, kind); err != nil {
			return err
		}
		if first, err = e.edited(sc, &base, edit); err != nil || first == nil {
			return err
		}
		if base.finger == first.finger {
			return nil // unchanged since it was stored: nothing to score
		}
		first.pre, err = e.candidates(tx, sc, first, nil)
		return err
	})
	if err != nil {
		return Update{}, err
	}
	if first == nil {
		return Update{Outcome: Unchanged, Profile: base.profile}, nil
	}
	in := first
	up, err := e.write(ctx, sc, key, func(u *upserter, up *Update) error {
		in = first
		cur, err := storedRecord(u.link, u.profile, key, kind)
		if err != nil {
			return err
		}
		if cur.existed != base.existed || cur.finger != base.finger {
			if in, err = e.edited(sc, &cur, edit); err != nil {
				return err
			}
			if in == nil {
				up.Outcome, up.Profile = Unchanged, cur.profile
				return nil
			}
		}
		if done, err := u.admit(in, up); done || err != nil {
			return err
		}
		return u.run(in, up)
	})
	if in == nil {
		return up, err
	}
	return e.upsertHeld(ctx, &in.rec, up, err)
}

// stored is a source record as a transaction read it for UpsertWith.
type stored struct {
	rec     customer.SourceRecord
	existed bool
	finger  string      // the link's fingerprint ("" when not stored)
	profile customer.ID // the profile holding it
}

// storedRecord reads the source record key through link and profile (a
// transaction's reads), or makes a new one of kind when none is stored.
func storedRecord(link func(customer.RecordKey) (*Link, error), profile func(customer.ID) (*customer.Profile, error), key customer.RecordKey, kind customer.Kind) (stored, error) {
	s := stored{rec: customer.SourceRecord{System: key.System, RecordID: key.RecordID}}
	s.rec.Kind = kind
	l, err := link(key)
	if isNotFound(err) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	p, err := profile(l.Profile)
	if err != nil {
		return s, fmt.Errorf("c360: the profile %s of record %s: %w", l.Profile, key, err)
	}
	r, ok := p.Source(key)
	if !ok {
		return s, fmt.Errorf("c360: record %s is linked to profile %s, which does not hold it", key, l.Profile)
	}
	s.rec, s.existed, s.finger, s.profile = *r.Clone(), true, l.Fingerprint, l.Profile
	return s, nil
}

// edited runs edit on a copy of s's record and prepares the result for
// matching; it returns nil when edit left a stored record as it was.
func (e *Engine) edited(sc *match.Scorer, s *stored, edit func(*customer.SourceRecord, bool) error) (*input, error) {
	rec := *s.rec.Clone()
	if err := edit(&rec, s.existed); err != nil {
		return nil, err
	}
	if k := rec.Key(); k != s.rec.Key() {
		return nil, fmt.Errorf("%w: UpsertWith: the edit changed the record's key from %s to %s", ErrInvalid, s.rec.Key(), k)
	}
	if s.existed && fingerprintRecord(&rec) == fingerprintRecord(&s.rec) {
		return nil, nil
	}
	return e.prepare(sc, &rec)
}

// write runs fn in one store transaction with a fresh upserter, keeps the
// live state of the profiles it touched current, and returns the Update it
// filled (the zero Update when the transaction failed). rec is the record
// that arrived, if any.
func (e *Engine) write(ctx context.Context, sc *match.Scorer, rec customer.RecordKey, fn func(u *upserter, up *Update) error) (Update, error) {
	var up Update
	err := e.store.Update(ctx, func(tx Tx) error {
		up = Update{}
		if err := fn(newUpserter(e, sc, tx), &up); err != nil {
			return err
		}
		if up.Outcome == Unchanged {
			return nil
		}
		return e.refreshAfter(tx, &up, rec)
	})
	if err != nil {
		return Update{}, err
	}
	return up, nil
}

// input is a record prepared for matching outside the transaction.
type input struct {
	rec    customer.SourceRecord
	key    customer.RecordKey
	mrec   match.Record
	prep   *match.Prepared
	keys   []string // blocking keys: the matcher's candidates are read under these
	stored []string // keys the record is indexed under: keys and its identity keys
	finger string
	pre    *scoredSet // candidates scored before the write transaction
}

func (e *Engine) prepare(sc *match.Scorer, rec *customer.SourceRecord) (*input, error) {
	if err := customer.ValidateRecord(rec); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	r := *rec.Clone()
	if r.ObservedAt.IsZero() {
		r.ObservedAt = e.now().UTC()
	}
	mrec := match.SourceRecords([]customer.SourceRecord{r})[0]
	prep, err := sc.Prepare(mrec)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	keys := sc.KeysOf(prep)
	return &input{rec: r, key: r.Key(), mrec: mrec, prep: prep, keys: keys, stored: indexKeys(keys, &r), finger: fingerprintRecord(&r)}, nil
}

// upserter carries one Upsert's transaction.
type upserter struct {
	e   *Engine
	sc  *match.Scorer
	tx  Tx
	now time.Time

	links    map[customer.RecordKey]*Link
	profiles map[customer.ID]*customer.Profile
}

func (u *upserter) link(k customer.RecordKey) (*Link, error) {
	if l, ok := u.links[k]; ok {
		return l, nil
	}
	l, err := u.tx.Link(k)
	if err != nil {
		return nil, err
	}
	u.links[k] = l
	return l, nil
}

func (u *upserter) profile(id customer.ID) (*customer.Profile, error) {
	if p, ok := u.profiles[id]; ok {
		return p, nil
	}
	p, err := u.tx.Profile(id)
	if err != nil {
		return nil, err
	}
	u.profiles[id] = p
	return p, nil
}

func newUpserter(e *Engine, sc *match.Scorer, tx Tx) *upserter {
	return &upserter{e: e, sc: sc, tx: tx, now: e.now(), links: map[customer.RecordKey]*Link{}, profiles: map[customer.ID]*customer.Profile{}}
}

// hit is a candidate that scored at least the review threshold.
type hit struct {
	cand customer.RecordKey
	sc   match.Scored
}

func (u *upserter) run(in *input, up *Update) error {
	thr, _ := u.sc.Matcher().Thresholds()
	old, err := u.link(in.key)
	switch {
	case err == nil:
		if old.Fingerprint == in.finger {
			up.Outcome, up.Profile = Unchanged, old.Profile
			return nil
		}
	case errors.Is(err, ErrNotFound):
		old = nil
	default:
		return err
	}

	// Candidates and their scores: those computed before the transaction
	// when the candidates are still the same, else computed now.
	set, err := u.e.candidates(u.tx, u.sc, in, in.pre)
	if err != nil {
		return err
	}
	hits := set.hits

	// The record's link: its new keys and edges. A changed record drops
	// its old scored edges (on both ends) and keeps the pairs a person
	// confirmed.
	l := &Link{Record: in.key, Reason: "new", At: u.now, Keys: in.stored, Values: in.mrec.Values, Fingerprint: in.finger}
	if old != nil {
		l.Profile, l.Reason = old.Profile, old.Reason
		if err := u.tx.RemoveKeys(in.key, old.Keys); err != nil {
			return err
		}
		for _, e := range old.Edges {
			if e.Confirmed {
				l.Edges = append(l.Edges, e)
				continue
			}
			if err := u.dropEdge(e.Record, in.key); err != nil {
				return err
			}
		}
	}
	for _, h := range hits {
		if h.sc.Probability < thr || slices.ContainsFunc(l.Edges, func(e Edge) bool { return e.Record == h.cand }) {
			continue
		}
		l.Edges = append(l.Edges, Edge{Record: h.cand, Weight: finite(h.sc.Weight)})
		cl, err := u.link(h.cand)
		if err != nil {
			return err
		}
		cl.Edges = append(cl.Edges, Edge{Record: in.key, Weight: finite(h.sc.Weight)})
		if err := u.tx.PutLink(cl); err != nil {
			return err
		}
	}
	if len(hits) > 0 && l.Reason == "new" {
		l.Reason = "match"
	}
	u.links[in.key] = l
	if err := u.tx.PutLink(l); err != nil {
		return err
	}
	if err := u.tx.AddKeys(in.key, in.stored); err != nil {
		return err
	}
	if old == nil && len(l.Edges) == 0 {
		// A new record that matches nothing: a profile of its own (what
		// resolving its one-record component gives, without the work).
		id, err := u.newID(in.key)
		if err != nil {
			return err
		}
		l.Profile = id
		if err := u.tx.PutLink(l); err != nil {
			return err
		}
		p, err := u.build(id, []customer.SourceRecord{in.rec}, u.now, nil)
		if err != nil {
			return err
		}
		up.Profile, up.Outcome, up.Fields = id, Created, diffProfiles(nil, p)
		if up.Cursor, err = u.tx.AppendChange(&Change{Kind: ChangeCreated, Profile: id, Fields: up.Fields, Record: in.key, At: u.now}); err != nil {
			return err
		}
		return u.reviews(in, hits, id, up)
	}
	o := resolveOpts{pending: map[customer.RecordKey]customer.SourceRecord{in.key: in.rec}, cause: in.key}
	if old != nil {
		o.extra = []customer.ID{old.Profile}
	}
	res, err := u.resolve([]customer.RecordKey{in.key}, o)
	if err != nil {
		return err
	}

	final := res.profileOf[in.key]
	up.Profile, up.Cursor, up.Fields = final, res.cursor, res.fields[final]
	up.Match = u.links[in.key].Match
	for id, to := range res.absorbed {
		if to == final {
			up.Absorbed = append(up.Absorbed, id)
		}
	}
	slices.Sort(up.Absorbed)
	if old != nil && old.Profile != final && !slices.Contains(up.Absorbed, old.Profile) {
		if _, err := u.profile(old.Profile); err == nil {
			up.Left = old.Profile
		}
	}
	for _, id := range append(slices.Clone(res.created), res.updated...) {
		if id != final && id != up.Left {
			up.Rebuilt = append(up.Rebuilt, id)
		}
	}
	switch {
	case len(up.Absorbed) > 0:
		up.Outcome = Merged
	case old != nil && old.Profile == final:
		up.Outcome = Updated
	case slices.Contains(res.created, final):
		up.Outcome = Created
	default:
		up.Outcome = Joined
	}

	return u.reviews(in, hits, final, up)
}

// reviews opens review items for the candidates in the review band that
// are now in other profiles than final.
func (u *upserter) reviews(in *input, hits []hit, final customer.ID, up *Update) error {
	thr, _ := u.sc.Matcher().Thresholds()
	never, err := u.tx.NeverMerge(in.key)
	if err != nil {
		return err
	}
	for _, h := range hits {
		if h.sc.Probability >= thr {
			continue
		}
		if _, found := slices.BinarySearchFunc(never, h.cand, compareKeys); found {
			continue
		}
		cl, err := u.link(h.cand)
		if err != nil {
			return err
		}
		if cl.Profile == final {
			continue
		}
		r := Review{ID: reviewID(in.key, h.cand), Record: in.key, Candidate: h.cand, Match: storable(h.sc.Explanation), CreatedAt: u.now}
		if err := u.tx.PutReview(&r); err != nil {
			return err
		}
		up.Reviews = append(up.Reviews, r)
	}
	if up.Outcome == Created && len(up.Reviews) > 0 {
		up.Outcome = Held
	}
	return nil
}

// dropEdge removes the edge to record to from record from's link.
func (u *upserter) dropEdge(from, to customer.RecordKey) error {
	l, err := u.link(from)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	n := len(l.Edges)
	l.Edges = slices.DeleteFunc(l.Edges, func(e Edge) bool { return e.Record == to })
	if len(l.Edges) == n {
		return nil
	}
	return u.tx.PutLink(l)
}

// build rebuilds profile id from recs with survivorship and stores it.
func (u *upserter) build(id customer.ID, recs []customer.SourceRecord, createdAt time.Time, before *customer.Profile) (*customer.Profile, error) {
	p, err := u.e.surv.Build(id, recs)
	if err != nil {
		return nil, fmt.Errorf("%w: building profile %s: %w", ErrInvalid, id, err)
	}
	p.CreatedAt, p.UpdatedAt = createdAt, u.now
	if err := u.resolveLinks(p); err != nil {
		return nil, err
	}
	if before != nil {
		p.Version = before.Version + 1
		p.Audit = before.Audit
		p.Restriction = before.Restriction
	} else {
		p.Version = 1
	}
	if err := u.tx.PutProfile(p); err != nil {
		return nil, err
	}
	u.profiles[id] = p
	return p, nil
}

// resolveLinks replaces links that name a source record
// ("source:<system>/<record ID>", as a source system references an account
// by its own record ID) by the profile now holding that record. A record not
// known yet keeps the reference; the next rebuild resolves it.
func (u *upserter) resolveLinks(p *customer.Profile) error {
	return resolveLinkRefs(p, func(k customer.RecordKey) (customer.ID, bool, error) {
		l, err := u.link(k)
		if errors.Is(err, ErrNotFound) {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		return l.Profile, true, nil
	})
}

// resolveLinkRefs replaces each link of p that names a source record by the
// profile holder says holds the record, if it knows one.
func resolveLinkRefs(p *customer.Profile, holder func(customer.RecordKey) (customer.ID, bool, error)) error {
	for i, l := range p.Links {
		ref, ok := strings.CutPrefix(string(l.Profile), customer.SourceScheme)
		if !ok {
			continue
		}
		sys, id, ok := strings.Cut(ref, "/")
		if !ok {
			continue
		}
		to, ok, err := holder(customer.RecordKey{System: sys, RecordID: id})
		if err != nil {
			return err
		}
		if ok {
			p.Links[i].Profile = to
		}
	}
	return nil
}

// newID returns an unused profile ID derived from the founding record.
func (u *upserter) newID(k customer.RecordKey) (customer.ID, error) {
	for n := 0; ; n++ {
		id := newProfileID(k, n)
		_, err := u.profile(id)
		if err == nil {
			continue
		}
		if !errors.Is(err, ErrNotFound) {
			return "", err
		}
		if _, err := u.tx.Merge(id); err == nil {
			continue
		} else if !errors.Is(err, ErrNotFound) {
			return "", err
		}
		return id, nil
	}
}

func reviewID(a, b customer.RecordKey) string {
	h := sha256.Sum256([]byte(a.String() + "\x00" + b.String()))
	return "R" + base32.StdEncoding.EncodeToString(h[:10])
}
