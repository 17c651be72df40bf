package c360

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/c360/c360/customer"
)

// Confirm decides an open review item as a match: the profiles holding its
// two records are merged (the older survives; the other's ID redirects to
// it), whatever the chaining guards would say, since a person decided. The
// item is closed. An unknown item is an error wrapping ErrNotFound.
func (e *Engine) Confirm(ctx context.Context, reviewID string) (Update, error) {
	if _, err := e.current(); err != nil {
		return Update{}, err
	}
	var up Update
	err := e.store.Update(ctx, func(tx Tx) error {
		up = Update{}
		u := upserter{e: e, tx: tx, now: e.now()}
		r, err := tx.Review(reviewID)
		if err != nil {
			return err
		}
		if err := tx.DeleteReview(reviewID); err != nil {
			return err
		}
		la, err := u.link(r.Record)
		if err != nil {
			return err
		}
		lb, err := u.link(r.Candidate)
		if err != nil {
			return err
		}
		ex := r.Match
		up.Match = &ex
		if la.Profile == lb.Profile {
			up.Outcome, up.Profile = Unchanged, la.Profile
			return nil
		}
		return u.merge(la.Profile, lb.Profile, customer.RecordKey{}, "confirmed", &up)
	})
	if err != nil {
		return Update{}, err
	}
	return up, nil
}

// Reject decides an open review item as no match: the two records get a
// never-merge constraint that later matching respects (across restarts and
// replicas: it is stored), and the item is closed.
func (e *Engine) Reject(ctx context.Context, reviewID string) error {
	if _, err := e.current(); err != nil {
		return err
	}
	return e.store.Update(ctx, func(tx Tx) error {
		r, err := tx.Review(reviewID)
		if err != nil {
			return err
		}
		if err := tx.AddNeverMerge(r.Record, r.Candidate); err != nil {
			return err
		}
		return tx.DeleteReview(reviewID)
	})
}

// merge merges profiles a and b (the older survives) without consulting
// guards or scores.
func (u *upserter) merge(a, b customer.ID, cause customer.RecordKey, reason string, up *Update) error {
	pa, err := u.profile(a)
	if err != nil {
		return err
	}
	pb, err := u.profile(b)
	if err != nil {
		return err
	}
	if c := pa.CreatedAt.Compare(pb.CreatedAt); c > 0 || c == 0 && cmp.Compare(pa.ID, pb.ID) > 0 {
		pa, pb = pb, pa
	}
	var keys []customer.RecordKey
	for _, s := range pb.Sources {
		keys = append(keys, s.Key())
		l, err := u.link(s.Key())
		if err != nil {
			return err
		}
		l.Profile = pa.ID
		if reason != "" {
			l.Reason = reason
		}
		if err := u.tx.PutLink(l); err != nil {
			return err
		}
	}
	if err := u.tx.PutMerge(&Merge{Survivor: pa.ID, Absorbed: pb.ID, Records: keys, Cause: cause, CreatedAt: pb.CreatedAt, At: u.now}); err != nil {
		return err
	}
	if err := u.tx.DeleteProfile(pb.ID); err != nil {
		return err
	}
	recs := append(slices.Clone(pa.Sources), pb.Sources...)
	np, err := u.build(pa.ID, recs, pa.CreatedAt, pa)
	if err != nil {
		return err
	}
	up.Outcome, up.Profile, up.Absorbed = Merged, pa.ID, []customer.ID{pb.ID}
	up.Fields = diffProfiles(pa, np)
	up.Cursor, err = u.tx.AppendChange(&Change{Kind: ChangeMerged, Profile: pa.ID, Absorbed: up.Absorbed, Fields: up.Fields, Record: cause, At: u.now})
	return err
}

// Unmerge reverses the merge that absorbed the profile with ID absorbed:
// the records it held at the merge (those still with the survivor) move back
// to a profile with its old ID and creation time, both profiles are rebuilt,
// and the redirect is removed. The moved records get never-merge
// constraints against the records that stay, so that matching does not
// undo the person's decision. An ID that no merge absorbed is an error
// wrapping ErrNotFound; one whose records have all left the survivor since,
// ErrConflict.
func (e *Engine) Unmerge(ctx context.Context, absorbed customer.ID) (Update, error) {
	if _, err := e.current(); err != nil {
		return Update{}, err
	}
	var up Update
	err := e.store.Update(ctx, func(tx Tx) error {
		up = Update{}
		u := upserter{e: e, tx: tx, now: e.now()}
		m, err := tx.Merge(absorbed)
		if err != nil {
			return err
		}
		holder, _, err := resolve(tx, m.Survivor)
		if err != nil {
			return err
		}
		hp, err := u.profile(holder)
		if err != nil {
			return err
		}
		var back, stay []customer.SourceRecord
		for _, s := range hp.Sources {
			if slices.Contains(m.Records, s.Key()) {
				back = append(back, s)
			} else {
				stay = append(stay, s)
			}
		}
		if len(back) == 0 {
			return fmt.Errorf("%w: the records of %s have all left %s since the merge", ErrConflict, absorbed, holder)
		}
		if err := tx.DeleteMerge(absorbed); err != nil {
			return err
		}
		if _, err := tx.Profile(absorbed); err == nil {
			return fmt.Errorf("%w: profile %s exists again", ErrConflict, absorbed)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		for _, s := range back {
			l, err := u.link(s.Key())
			if err != nil {
				return err
			}
			l.Profile, l.Reason, l.Match = absorbed, "unmerge", nil
			if err := tx.PutLink(l); err != nil {
				return err
			}
			for _, t := range stay {
				if err := tx.AddNeverMerge(s.Key(), t.Key()); err != nil {
					return err
				}
			}
		}
		restored, err := u.build(absorbed, back, m.CreatedAt, nil)
		if err != nil {
			return err
		}
		up.Outcome, up.Profile, up.Absorbed = Updated, holder, []customer.ID{absorbed}
		if len(stay) == 0 {
			if err := tx.DeleteProfile(holder); err != nil {
				return err
			}
			if _, err := tx.AppendChange(&Change{Kind: ChangeDeleted, Profile: holder, At: u.now}); err != nil {
				return err
			}
		} else {
			np, err := u.build(holder, stay, hp.CreatedAt, hp)
			if err != nil {
				return err
			}
			up.Fields = diffProfiles(hp, np)
			if _, err := tx.AppendChange(&Change{Kind: ChangeUnmerged, Profile: holder, Absorbed: up.Absorbed, Fields: up.Fields, At: u.now}); err != nil {
				return err
			}
		}
		up.Cursor, err = tx.AppendChange(&Change{Kind: ChangeCreated, Profile: absorbed, Fields: diffProfiles(nil, restored), At: u.now})
		return err
	})
	if err != nil {
		return Update{}, err
	}
	return up, nil
}
