package c360

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
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
	// Refused counts merges a chaining guard or a never-merge constraint
	// refused.
	Refused int
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
	var up Update
	err = e.store.Update(ctx, func(tx Tx) error {
		up = Update{}
		u := upserter{e: e, sc: sc, tx: tx, now: e.now()}
		return u.run(in, &up)
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
	keys   []string
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
	return &input{rec: r, key: r.Key(), mrec: mrec, prep: prep, keys: sc.KeysOf(prep), finger: fingerprintRecord(&r)}, nil
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
	if u.links == nil {
		u.links = map[customer.RecordKey]*Link{}
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
	if u.profiles == nil {
		u.profiles = map[customer.ID]*customer.Profile{}
	}
	u.profiles[id] = p
	return p, nil
}

// hit is a candidate that scored at least the review threshold.
type hit struct {
	cand    customer.RecordKey
	profile customer.ID
	sc      match.Scored
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
		if err := u.tx.RemoveKeys(in.key, old.Keys); err != nil {
			return err
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
	for i := range hits {
		l, err := u.link(hits[i].cand)
		if err != nil {
			return err
		}
		hits[i].profile = l.Profile
	}

	never, err := u.tx.NeverMerge(in.key)
	if err != nil {
		return err
	}
	// members are the records of the cluster being formed, with their values.
	members := []*match.Prepared{in.prep}
	memberKeys := []customer.RecordKey{in.key}
	neverOf := map[customer.RecordKey][]customer.RecordKey{in.key: never}
	var joined []customer.ID
	var best *match.Explanation
	for _, h := range hits {
		if h.sc.Probability < thr {
			continue
		}
		if slices.Contains(joined, h.profile) {
			continue
		}
		ok, err := u.mayJoin(members, memberKeys, neverOf, h.profile, in.key)
		if err != nil {
			return err
		}
		if !ok {
			up.Refused++
			continue
		}
		if best == nil {
			ex := h.sc.Explanation
			best = &ex
		}
		joined = append(joined, h.profile)
		p, err := u.profile(h.profile)
		if err != nil {
			return err
		}
		for _, s := range p.Sources {
			if s.Key() == in.key {
				continue
			}
			l, err := u.link(s.Key())
			if err != nil {
				return err
			}
			pp, err := u.e.prepared(u.sc, s.Key(), l)
			if err != nil {
				return err
			}
			members = append(members, pp)
			memberKeys = append(memberKeys, s.Key())
		}
	}

	// A changed record's old profile: it stays the record's profile when the
	// record still matches into it; holding nothing else, it goes with the
	// record; otherwise it is rebuilt without the record.
	var left customer.ID
	if old != nil && !slices.Contains(joined, old.Profile) {
		op, err := u.profile(old.Profile)
		if err != nil {
			return err
		}
		if len(op.Sources) == 1 {
			joined = append(joined, old.Profile)
		} else {
			left = old.Profile
		}
	}

	// The surviving profile: the oldest of those joined, or a new one.
	var final customer.ID
	var absorbed []customer.ID
	if len(joined) > 0 {
		ps := make([]*customer.Profile, len(joined))
		for i, id := range joined {
			if ps[i], err = u.profile(id); err != nil {
				return err
			}
		}
		slices.SortFunc(ps, func(a, b *customer.Profile) int {
			if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
		final = ps[0].ID
		for _, p := range ps[1:] {
			absorbed = append(absorbed, p.ID)
		}
	} else {
		if final, err = u.newID(in.key); err != nil {
			return err
		}
	}

	// The records of the final profile.
	var recs []customer.SourceRecord
	createdAt := u.now
	var before *customer.Profile
	for _, id := range append([]customer.ID{final}, absorbed...) {
		p, err := u.profile(id)
		if errors.Is(err, ErrNotFound) && id == final {
			continue
		}
		if err != nil {
			return err
		}
		if id == final {
			before, createdAt = p, p.CreatedAt
		}
		for _, s := range p.Sources {
			if s.Key() != in.key {
				recs = append(recs, s)
			}
		}
	}
	recs = append(recs, in.rec)

	reason := "new"
	switch {
	case best != nil:
		reason = "match"
	case old != nil && old.Profile == final:
		reason = old.Reason
		best = old.Match
	}
	if err := u.tx.PutLink(&Link{Record: in.key, Profile: final, Reason: reason, Match: best, At: u.now,
		Keys: in.keys, Values: in.mrec.Values, Fingerprint: in.finger}); err != nil {
		return err
	}
	if err := u.tx.AddKeys(in.key, in.keys); err != nil {
		return err
	}
	for _, q := range absorbed {
		qp, _ := u.profile(q)
		var keys []customer.RecordKey
		for _, s := range qp.Sources {
			if s.Key() == in.key {
				continue
			}
			keys = append(keys, s.Key())
			if err := u.relink(s.Key(), final); err != nil {
				return err
			}
		}
		if err := u.tx.PutMerge(&Merge{Survivor: final, Absorbed: q, Records: keys, Cause: in.key, CreatedAt: qp.CreatedAt, At: u.now}); err != nil {
			return err
		}
		if err := u.tx.DeleteProfile(q); err != nil {
			return err
		}
	}
	p, err := u.build(final, recs, createdAt, before)
	if err != nil {
		return err
	}

	up.Profile, up.Absorbed, up.Match, up.Left = final, absorbed, best, left
	up.Fields = diffProfiles(before, p)
	switch {
	case len(absorbed) > 0:
		up.Outcome = Merged
	case before == nil:
		up.Outcome = Created
	case old != nil && old.Profile == final:
		up.Outcome = Updated
	default:
		up.Outcome = Joined
	}
	kind := ChangeUpdated
	switch up.Outcome {
	case Created:
		kind = ChangeCreated
	case Merged:
		kind = ChangeMerged
	}
	if up.Cursor, err = u.tx.AppendChange(&Change{Kind: kind, Profile: final, Absorbed: absorbed, Fields: up.Fields, Record: in.key, At: u.now}); err != nil {
		return err
	}

	if left != "" {
		if err := u.rebuildWithout(left, in.key, in.key, up); err != nil {
			return err
		}
	}

	// Review items: candidates in the review band in other profiles.
	for _, h := range hits {
		if h.sc.Probability >= thr || h.profile == final || slices.Contains(never, h.cand) {
			continue
		}
		if l, err := u.link(h.cand); err != nil || l.Profile == final {
			continue
		}
		r := Review{ID: reviewID(in.key, h.cand), Record: in.key, Candidate: h.cand, Match: h.sc.Explanation, CreatedAt: u.now}
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

// mayJoin reports whether the cluster being formed (members) may take in
// profile id: no never-merge constraint between them, and no chaining guard
// conflict.
func (u *upserter) mayJoin(members []*match.Prepared, memberKeys []customer.RecordKey, neverOf map[customer.RecordKey][]customer.RecordKey, id customer.ID, self customer.RecordKey) (bool, error) {
	p, err := u.profile(id)
	if err != nil {
		return false, err
	}
	var theirs []*match.Prepared
	for _, s := range p.Sources {
		k := s.Key()
		if k == self {
			continue
		}
		for _, m := range memberKeys {
			nv, ok := neverOf[m]
			if !ok {
				if nv, err = u.tx.NeverMerge(m); err != nil {
					return false, err
				}
				neverOf[m] = nv
			}
			if _, found := slices.BinarySearchFunc(nv, k, compareKeys); found {
				return false, nil
			}
		}
		l, err := u.link(k)
		if err != nil {
			return false, err
		}
		pp, err := u.e.prepared(u.sc, k, l)
		if err != nil {
			return false, err
		}
		theirs = append(theirs, pp)
	}
	for _, a := range members {
		for _, b := range theirs {
			if u.sc.ConflictOf(a, b) {
				return false, nil
			}
		}
	}
	return true, nil
}

func (u *upserter) relink(k customer.RecordKey, to customer.ID) error {
	l, err := u.link(k)
	if err != nil {
		return err
	}
	l.Profile = to
	return u.tx.PutLink(l)
}

// build rebuilds profile id from recs with survivorship and stores it.
func (u *upserter) build(id customer.ID, recs []customer.SourceRecord, createdAt time.Time, before *customer.Profile) (*customer.Profile, error) {
	p, err := u.e.surv.Build(id, recs)
	if err != nil {
		return nil, fmt.Errorf("%w: building profile %s: %w", ErrInvalid, id, err)
	}
	p.CreatedAt, p.UpdatedAt = createdAt, u.now
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
	if u.profiles == nil {
		u.profiles = map[customer.ID]*customer.Profile{}
	}
	u.profiles[id] = p
	return p, nil
}

// rebuildWithout rebuilds profile id without record k.
func (u *upserter) rebuildWithout(id customer.ID, k, cause customer.RecordKey, up *Update) error {
	op, err := u.profile(id)
	if err != nil {
		return err
	}
	var recs []customer.SourceRecord
	for _, s := range op.Sources {
		if s.Key() != k {
			recs = append(recs, s)
		}
	}
	if len(recs) == 0 {
		if err := u.tx.DeleteProfile(id); err != nil {
			return err
		}
		up.Cursor, err = u.tx.AppendChange(&Change{Kind: ChangeDeleted, Profile: id, Record: cause, At: u.now})
		return err
	}
	np, err := u.build(id, recs, op.CreatedAt, op)
	if err != nil {
		return err
	}
	up.Cursor, err = u.tx.AppendChange(&Change{Kind: ChangeUpdated, Profile: id, Fields: diffProfiles(op, np), Record: cause, At: u.now})
	return err
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
