package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/c360/c360/intel"
	bbolt "go.etcd.io/bbolt"
)

// IntelRepository is the intel.Repository of a DB. It is safe for concurrent use.
type IntelRepository struct{ db *bbolt.DB }

var _ intel.Repository = (*IntelRepository)(nil)

// Intel returns the DB's intelligence repository.
func (d *DB) Intel() *IntelRepository { return &IntelRepository{db: d.db} }

func getItem(tx *bbolt.Tx, id intel.ID) (*intel.Item, error) {
	data := tx.Bucket(bIntel).Get([]byte(id))
	if data == nil {
		return nil, nil
	}
	var it intel.Item
	if err := json.Unmarshal(data, &it); err != nil {
		return nil, fmt.Errorf("bolt: item %q: stored document does not decode: %w", id, err)
	}
	return &it, nil
}

// Get implements intel.Repository.
func (r *IntelRepository) Get(ctx context.Context, id intel.ID) (*intel.Item, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var it *intel.Item
	err := r.db.View(func(tx *bbolt.Tx) error {
		var err error
		it, err = getItem(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, fmt.Errorf("%w: item %q", intel.ErrNotFound, id)
	}
	return it, nil
}

// Put implements intel.Repository.
func (r *IntelRepository) Put(ctx context.Context, it *intel.Item) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if it == nil || it.ID == "" {
		return 0, fmt.Errorf("%w: item without an ID", intel.ErrInvalid)
	}
	cp := it.Clone()
	err := r.db.Update(func(tx *bbolt.Tx) error {
		old, err := getItem(tx, it.ID)
		if err != nil {
			return err
		}
		var cur int64
		if old != nil {
			cur = old.Version
		}
		if it.Version != cur {
			return fmt.Errorf("%w: item %q: stored version %d, given %d", intel.ErrConflict, it.ID, cur, it.Version)
		}
		cp.Version = cur + 1
		data, err := json.Marshal(cp)
		if err != nil {
			return fmt.Errorf("%w: item %q: %v", intel.ErrInvalid, it.ID, err)
		}
		return tx.Bucket(bIntel).Put([]byte(it.ID), data)
	})
	if err != nil {
		return 0, err
	}
	return cp.Version, nil
}

// Delete implements intel.Repository.
func (r *IntelRepository) Delete(ctx context.Context, id intel.ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return r.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bIntel)
		if b.Get([]byte(id)) == nil {
			return fmt.Errorf("%w: item %q", intel.ErrNotFound, id)
		}
		return b.Delete([]byte(id))
	})
}

// All implements intel.Repository, reading in batches.
func (r *IntelRepository) All(ctx context.Context) iter.Seq2[*intel.Item, error] {
	return allDocs[intel.Item](ctx, r.db, bIntel, "item")
}

// allDocs streams the JSON documents of a bucket in key order, decoding
// each into a new T, reading batches in short read transactions and holding
// none while yielding.
func allDocs[T any](ctx context.Context, db *bbolt.DB, bucket []byte, what string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		var after []byte
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			var batch []*T
			err := db.View(func(tx *bbolt.Tx) error {
				c := tx.Bucket(bucket).Cursor()
				k, v := c.First()
				if after != nil {
					k, v = c.Seek(after)
					if k != nil && string(k) == string(after) {
						k, v = c.Next()
					}
				}
				for ; k != nil && len(batch) < batchSize; k, v = c.Next() {
					doc := new(T)
					if err := json.Unmarshal(v, doc); err != nil {
						return fmt.Errorf("bolt: %s %q: stored document does not decode: %w", what, k, err)
					}
					batch = append(batch, doc)
					after = append(after[:0], k...)
				}
				return nil
			})
			if err != nil {
				yield(nil, err)
				return
			}
			for _, doc := range batch {
				if err := ctx.Err(); err != nil {
					yield(nil, err)
					return
				}
				if !yield(doc, nil) {
					return
				}
			}
			if len(batch) < batchSize {
				return
			}
		}
	}
}
