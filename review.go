package c360

import (
	"context"
	"fmt"
	"slices"

	"github.com/c360/c360/customer"
)

// Confirm decides an open review item as a match: the pair is kept as a
// confirmed edge, which holds the two records together whatever the
// chaining guards would say (a person decided), and their profiles are
// resolved again — so they merge (the older profile's ID survives; the
// other redirects to it). The item is closed. An unknown item is an error
// wrapping ErrNotFound.
func (e *Engine) Confirm(ctx context.Context, reviewID string) (Update, error) {
	sc, err := e.current()
	if err != nil {
		return Update{}, err
	}
	return e.write(ctx, sc, customer.RecordKey{}, func(u *upserter, up *Update) error {
		tx := u.tx
		r, err := tx.Review(reviewID)
		if err != nil {
			return err
		}
		if err := tx.DeleteReview(reviewID); err != nil {
			return err
		}
		ex := r.Match
		up.Match = &ex
		for _, side := range [][2]customer.RecordKey{{r.Record, r.Candidate}, {r.Candidate, r.Record}} {
			l, err := u.link(side[0])
			if err != nil {
				return err
			}
			l.Edges = slices.DeleteFunc(l.Edges, func(e Edge) bool { return e.Record == side[1] })
			l.Edges = append(l.Edges, Edge{Record: side[1], Weight: finite(ex.Weight), Confirmed: true})
			if err := tx.PutLink(l); err != nil {
				return err
			}
		}
		la, _ := u.link(r.Record)
		before := la.Profile
		res, err := u.resolve([]customer.RecordKey{r.Record, r.Candidate}, resolveOpts{})
		if err != nil {
			return err
		}
		up.fill(res, r.Record, before)
		return nil
	})
}

// fill sets an Update from a resolution, for the profile now holding
// record k, which was in profile before.
func (up *Update) fill(res *resolution, k customer.RecordKey, before customer.ID) {
	final := res.profileOf[k]
	up.Profile, up.Cursor, up.Fields = final, res.cursor, res.fields[final]
	for id, to := range res.absorbed {
		if to == final {
			up.Absorbed = append(up.Absorbed, id)
		}
	}
	slices.Sort(up.Absorbed)
	for _, id := range append(slices.Clone(res.created), res.updated...) {
		if id != final {
			up.Rebuilt = append(up.Rebuilt, id)
		}
	}
	switch {
	case len(up.Absorbed) > 0:
		up.Outcome = Merged
	case len(res.created)+len(res.updated) == 0:
		up.Outcome = Unchanged
	case before == final:
		up.Outcome = Updated
	default:
		up.Outcome = Joined
	}
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

// Unmerge reverses the merge that absorbed the profile with ID absorbed:
// the records it held at the merge (those still with the survivor) move back
// to a profile with its old ID, both profiles are rebuilt, and the redirect
// is removed. The moved records get never-merge constraints against the
// records that stay (and lose any confirmed pair across), so that matching
// does not undo the person's decision. An ID that no merge absorbed is an
// error wrapping ErrNotFound; one whose records have all left the survivor
// since, ErrConflict.
func (e *Engine) Unmerge(ctx context.Context, absorbed customer.ID) (Update, error) {
	sc, err := e.current()
	if err != nil {
		return Update{}, err
	}
	return e.write(ctx, sc, customer.RecordKey{}, func(u *upserter, up *Update) error {
		tx := u.tx
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
		var back, stay []customer.RecordKey
		for _, s := range hp.Sources {
			if slices.Contains(m.Records, s.Key()) {
				back = append(back, s.Key())
			} else {
				stay = append(stay, s.Key())
			}
		}
		if len(back) == 0 || len(stay) == 0 {
			return fmt.Errorf("%w: the records of %s have all left %s since the merge", ErrConflict, absorbed, holder)
		}
		if err := tx.DeleteMerge(absorbed); err != nil {
			return err
		}
		if err := tx.Delete(bAliases, string(m.Survivor), string(absorbed)); err != nil {
			return err
		}
		for _, b := range back {
			for _, s := range stay {
				if err := tx.AddNeverMerge(b, s); err != nil {
					return err
				}
				for _, pair := range [][2]customer.RecordKey{{b, s}, {s, b}} {
					l, err := u.link(pair[0])
					if err != nil {
						return err
					}
					n := len(l.Edges)
					l.Edges = slices.DeleteFunc(l.Edges, func(e Edge) bool { return e.Confirmed && e.Record == pair[1] })
					if len(l.Edges) != n {
						if err := tx.PutLink(l); err != nil {
							return err
						}
					}
				}
			}
		}
		res, err := u.resolve(append(slices.Clone(back), stay...), resolveOpts{pin: map[customer.ID]customer.RecordKey{absorbed: back[0], holder: stay[0]}, unmerged: absorbed})
		if err != nil {
			return err
		}
		up.fill(res, stay[0], holder)
		up.Outcome, up.Absorbed = Updated, []customer.ID{absorbed}
		up.Rebuilt = slices.DeleteFunc(up.Rebuilt, func(id customer.ID) bool { return id == absorbed })
		return nil
	})
}
