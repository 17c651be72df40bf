package c360

import (
	"context"
	"fmt"
	"slices"

	"github.com/c360/c360/customer"
)

// Reindexed counts what Reindex did.
type Reindexed struct {
	Profiles int `json:"profiles"` // profiles read
	Records  int `json:"records"`  // source records read
	Changed  int `json:"changed"`  // records whose index keys or match values were rewritten
}

// reindexBatch is how many profiles one Reindex transaction rewrites.
const reindexBatch = 500

// Reindex rebuilds the identity index of cfg.Store for cfg's matcher
// configuration and this version of c360: for each stored source record,
// its blocking and identity keys and the values the matcher compares are
// computed again from the record as its profile keeps it, and written
// where they differ; then the store is stamped so that Open accepts it.
// Open refuses a store indexed under other blocking rules, other fields or
// an earlier version of the index keys (its candidates would silently be
// wrong); Reindex is how such a store is brought forward without loading
// its records again.
//
// Profiles, links, events and all other state are kept: records are not
// matched again (Relearn and later upserts do that), only re-indexed. It
// reads every profile once and takes time linear in the number of stored
// records. No other engine may write to the store meanwhile. Reindex is
// idempotent: a run that stopped half-way (an error, a crash) is finished
// by running it again, and until then Open keeps refusing the store. A
// nil cfg.Store is refused: a new MemoryStore has nothing to re-index.
func Reindex(ctx context.Context, cfg Config) (Reindexed, error) {
	var out Reindexed
	if cfg.Store == nil {
		return out, fmt.Errorf("%w: Reindex: Config.Store is nil (a new in-memory store has nothing to re-index)", ErrInvalid)
	}
	e, err := open(ctx, cfg, false)
	if err != nil {
		return out, err
	}
	defer e.Close()
	sc, err := e.current()
	if err != nil {
		return out, err
	}
	var page []*customer.Profile
	flush := func() error {
		var ins []*input
		for _, p := range page {
			for i := range p.Sources {
				in, err := e.prepare(sc, &p.Sources[i])
				if err != nil {
					return fmt.Errorf("Reindex: profile %s, record %s: %w", p.ID, p.Sources[i].Key(), err)
				}
				ins = append(ins, in)
			}
		}
		changed := 0
		err := e.store.Update(ctx, func(tx Tx) error {
			changed = 0
			for _, in := range ins {
				l, err := tx.Link(in.key)
				if isNotFound(err) {
					continue // a profile's record without a link: nothing indexes it
				}
				if err != nil {
					return err
				}
				if slices.Equal(l.Keys, in.stored) && slices.Equal(l.Values, in.mrec.Values) {
					continue
				}
				gone, added := keysDiff(l.Keys, in.stored)
				if err := tx.RemoveKeys(in.key, gone); err != nil {
					return err
				}
				l.Keys, l.Values = in.stored, in.mrec.Values
				if err := tx.PutLink(l); err != nil {
					return err
				}
				if err := tx.AddKeys(in.key, added); err != nil {
					return err
				}
				changed++
			}
			return nil
		})
		if err != nil {
			return err
		}
		out.Profiles += len(page)
		out.Records += len(ins)
		out.Changed += changed
		page = page[:0]
		return nil
	}
	// Profiles reads a page at a time; each batch is written after the
	// page it came from was read.
	for p, err := range e.Profiles(ctx) {
		if err != nil {
			return out, err
		}
		if page = append(page, p); len(page) == reindexBatch {
			if err := flush(); err != nil {
				return out, err
			}
		}
	}
	if err := flush(); err != nil {
		return out, err
	}
	err = e.store.Update(ctx, func(tx Tx) error {
		return tx.PutMeta(metaFingerprint, []byte(e.keysFingerprint()))
	})
	return out, err
}

// keysDiff returns the keys of old not in now and those of now not in old,
// so that Reindex writes only the index lists that change.
func keysDiff(old, now []string) (gone, added []string) {
	if !slices.IsSorted(old) {
		old = slices.Sorted(slices.Values(old))
	}
	if !slices.IsSorted(now) {
		now = slices.Sorted(slices.Values(now))
	}
	i, j := 0, 0
	for i < len(old) || j < len(now) {
		switch {
		case j == len(now) || i < len(old) && old[i] < now[j]:
			gone = append(gone, old[i])
			i++
		case i == len(old) || now[j] < old[i]:
			added = append(added, now[j])
			j++
		default:
			i++
			j++
		}
	}
	return gone, added
}
