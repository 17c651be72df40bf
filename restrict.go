package c360

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

// Restrict restricts processing of a person (a request under APPI art. 35
// or GDPR art. 18): the profile is kept, and can be read and exported, but
//
//   - it is never matched into others, nor others into it: its records are
//     no candidates for new records, their matches to records of other
//     profiles are dropped, and a new version of one of its records updates
//     the profile without being matched;
//   - Decide refuses every send for the restricted purposes (every purpose
//     when none is given) and so Claim,
//     Activate and Provide leave the person out. The reason's code is
//     journey.ReasonConsentDenied with the rule "restriction".
//
// The restriction (with d's actor, reason and time) is kept on the profile
// (customer.Profile.Restriction) and logged in its Audit. An unknown ID is
// ErrNotFound; an absorbed one an *AbsorbedError. Restricting again replaces
// the purposes.
func (e *Engine) Restrict(ctx context.Context, id customer.ID, d customer.Decision, purposes ...customer.Purpose) (*customer.Profile, error) {
	if _, err := e.current(); err != nil {
		return nil, err
	}
	for _, p := range purposes {
		if !p.Valid() {
			return nil, fmt.Errorf("%w: restriction of %s: purposes: unknown purpose %q", ErrInvalid, id, p)
		}
	}
	if d.At.IsZero() {
		d.At = e.now()
	}
	var out *customer.Profile
	err := e.store.Update(ctx, func(tx Tx) error {
		p, err := profileToAct(tx, id)
		if err != nil {
			return err
		}
		p.Restriction = &customer.Restriction{Since: d.At.UTC(), Actor: d.Actor, Reason: d.Reason, Purposes: slices.Clone(purposes)}
		p.Audit = append(p.Audit, customer.AuditEvent{Action: customer.ActionRestrict, At: d.At.UTC(), Actor: d.Actor, Reason: d.Reason})
		p.Version++
		p.UpdatedAt = e.now()
		if err := tx.PutProfile(p); err != nil {
			return err
		}
		isRec := map[customer.RecordKey]bool{}
		for _, s := range p.Sources {
			isRec[s.Key()] = true
		}
		for _, s := range p.Sources {
			k := s.Key()
			l, err := tx.Link(k)
			if err != nil {
				return err
			}
			l.Restricted = true
			// Matches across profiles go (on both ends): nothing may pull
			// the records into another profile.
			var keep []Edge
			for _, ed := range l.Edges {
				if isRec[ed.Record] {
					keep = append(keep, ed)
					continue
				}
				ol, err := tx.Link(ed.Record)
				if err != nil && !isNotFound(err) {
					return err
				}
				if err == nil {
					ol.Edges = slices.DeleteFunc(ol.Edges, func(x Edge) bool { return x.Record == k })
					if err := tx.PutLink(ol); err != nil {
						return err
					}
				}
			}
			l.Edges = keep
			if err := tx.PutLink(l); err != nil {
				return err
			}
		}
		// Open review items across go too: a person may not confirm them.
		var reviews []string
		for r, err := range tx.Reviews() {
			if err != nil {
				return err
			}
			if isRec[r.Record] || isRec[r.Candidate] {
				reviews = append(reviews, r.ID)
			}
		}
		for _, r := range reviews {
			if err := tx.DeleteReview(r); err != nil {
				return err
			}
		}
		out = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Lift lifts the restriction of a person: the profile is matched and sent
// to again (its records are candidates for new records again; matches
// dropped by Restrict come back when either record next arrives changed).
// The lifting is logged in the profile's Audit. Lifting an unrestricted
// profile changes nothing.
func (e *Engine) Lift(ctx context.Context, id customer.ID, d customer.Decision) (*customer.Profile, error) {
	if _, err := e.current(); err != nil {
		return nil, err
	}
	if d.At.IsZero() {
		d.At = e.now()
	}
	var out *customer.Profile
	err := e.store.Update(ctx, func(tx Tx) error {
		p, err := profileToAct(tx, id)
		if err != nil {
			return err
		}
		out = p
		if p.Restriction == nil {
			return nil
		}
		p.Restriction = nil
		p.Audit = append(p.Audit, customer.AuditEvent{Action: customer.ActionLift, At: d.At.UTC(), Actor: d.Actor, Reason: d.Reason})
		p.Version++
		p.UpdatedAt = e.now()
		for _, s := range p.Sources {
			l, err := tx.Link(s.Key())
			if err != nil {
				return err
			}
			l.Restricted = false
			if err := tx.PutLink(l); err != nil {
				return err
			}
		}
		return tx.PutProfile(p)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// restrictedDecision refuses a send to a profile restricted for the
// request's purpose.
func restrictedDecision(p *customer.Profile, r journey.Request) (journey.Decision, bool) {
	if !p.Restriction.Applies(r.Purpose) {
		return journey.Decision{}, false
	}
	detail := "processing of " + string(p.ID) + " is restricted"
	if p.Restriction.Reason != "" {
		detail += ": " + p.Restriction.Reason
	}
	return journey.Decision{Contact: r.Contact, Reasons: []journey.Reason{{Code: journey.ReasonConsentDenied, Rule: "restriction", Detail: detail}}}, true
}

// dropRestricted leaves the records of restricted profiles out of a set
// of candidates (their links say so), and returns the keys and links kept.
func dropRestricted(out *scoredSet, keys []customer.RecordKey, links []*Link) ([]customer.RecordKey, []*Link) {
	n := 0
	for i, l := range links {
		if l.Restricted {
			continue
		}
		keys[n], links[n], out.cands.fingers[n] = keys[i], l, out.cands.fingers[i]
		n++
	}
	out.cands.keys, out.cands.fingers = keys[:n], out.cands.fingers[:n]
	return keys[:n], links[:n]
}

// admit runs before an Upsert's matching: a record of an erased person is
// refused (*SuppressedError); a new version of a restricted profile's
// record updates that profile without being matched (done is then true).
func (u *upserter) admit(in *input, up *Update) (done bool, err error) {
	// The suppression check's reads are queued before the record's link is
	// read (a store that batches reads sends them together).
	check, err := u.e.checkIdents(u.tx, identsOf(&in.rec))
	if err != nil {
		return false, err
	}
	old, err := u.link(in.key)
	if err != nil && !isNotFound(err) {
		return false, err
	}
	if err := check.recordError(u.tx, &in.rec); err != nil {
		return false, err
	}
	if old == nil || !old.Restricted {
		return false, nil
	}
	id := old.Profile
	p, err := u.profile(id)
	if err != nil {
		return false, err
	}
	if p.Restriction == nil {
		// The record left the restricted profile since (an unmerge): the
		// mark is stale.
		l := cloneLink(old)
		l.Restricted = false
		u.links[in.key] = l
		return false, u.tx.PutLink(l)
	}
	if old.Fingerprint == in.finger {
		up.Outcome, up.Profile = Unchanged, old.Profile
		return true, nil
	}
	recs := slices.Clone(p.Sources)
	for i := range recs {
		if recs[i].Key() == in.key {
			recs[i] = in.rec
		}
	}
	if err := u.tx.RemoveKeys(in.key, old.Keys); err != nil {
		return false, err
	}
	l := cloneLink(old)
	l.Keys, l.Values, l.Fingerprint, l.At = in.stored, in.mrec.Values, in.finger, u.now
	if err := u.tx.PutLink(l); err != nil {
		return false, err
	}
	// The keys are kept so that Lookup finds the person; dropRestricted
	// keeps the record from being a candidate.
	if err := u.tx.AddKeys(in.key, in.stored); err != nil {
		return false, err
	}
	q, err := u.build(id, recs, p.CreatedAt, p)
	if err != nil {
		return false, err
	}
	up.Outcome, up.Profile, up.Fields = Updated, id, diffProfiles(p, q)
	if up.Cursor, err = u.tx.AppendChange(&Change{Kind: ChangeUpdated, Profile: id, Fields: up.Fields, Record: in.key, At: u.now}); err != nil {
		return false, err
	}
	return true, nil
}

// admitLoad leaves the records of erased persons out of a Load (holding
// them when so configured) and returns the rest with how many were left
// out.
func (e *Engine) admitLoad(ctx context.Context, recs []customer.SourceRecord) ([]customer.SourceRecord, int, error) {
	var keep []customer.SourceRecord
	var refused []customer.SourceRecord
	var errs []error
	err := e.store.View(ctx, func(tx ReadTx) error {
		keep, refused, errs = nil, nil, nil
		// In batches: every check of a batch is queued before the first is
		// read (one round trip for a store that batches reads).
		const batch = 2000
		for lo := 0; lo < len(recs); lo += batch {
			hi := min(lo+batch, len(recs))
			checks := make([]*suppressionCheck, hi-lo)
			for i := range checks {
				var err error
				if checks[i], err = e.checkIdents(tx, identsOf(&recs[lo+i])); err != nil {
					return err
				}
			}
			for i, c := range checks {
				err := c.recordError(tx, &recs[lo+i])
				switch {
				case err == nil:
					keep = append(keep, recs[lo+i])
				case errors.Is(err, ErrSuppressed):
					refused = append(refused, recs[lo+i])
					errs = append(errs, err)
				default:
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if e.privacy.OnSuppressed == SuppressHold {
		for i, r := range refused {
			if err := e.held(ctx, errs[i], "r"+recordAnchor(r.Key()), &r); err != nil && !errors.Is(err, ErrSuppressed) {
				return nil, 0, err
			}
		}
	}
	return keep, len(refused), nil
}
