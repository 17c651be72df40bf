package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"sync/atomic"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// EngineStore is the c360.Store of a DB: the state of a c360.Engine
// (record links, index keys, profiles, merges, reviews, never-merge
// constraints, the change log, and the items of its live state — see
// items.go for their layout) in the same file as the other stores. Each
// Update is one bbolt read-write transaction — atomic, serialised (bbolt
// allows one writer, and one process holds the file) and, unless the DB was
// opened with NoSync, fsynced before it returns. It is safe for concurrent
// use. Closing it does not close the DB.
type EngineStore struct {
	db     *bbolt.DB
	closed atomic.Bool
}

var _ c360.Store = (*EngineStore)(nil)

// Engine returns the DB's engine store, for c360.Config.Store.
func (d *DB) Engine() *EngineStore { return &EngineStore{db: d.db} }

// Engine buckets.
var (
	beLinks    = []byte("engine_links")    // record key -> Link JSON
	beKeys     = []byte("engine_keys")     // index key, seq -> record key
	beKeyRev   = []byte("engine_keys_rev") // index key, record key -> seq
	beProfiles = []byte("engine_profiles") // profile ID -> Profile JSON
	beMerges   = []byte("engine_merges")   // absorbed ID -> Merge JSON
	beReviews  = []byte("engine_reviews")  // review ID -> Review JSON
	beNever    = []byte("engine_never")    // record key, record key -> nil
	beChanges  = []byte("engine_changes")  // cursor (8 bytes, big-endian) -> Change JSON
	beMeta     = []byte("engine_meta")     // name -> value
	engineBkts = [][]byte{beLinks, beKeys, beKeyRev, beProfiles, beMerges, beReviews, beNever, beChanges, beMeta, beItems}
)

// Close marks the store closed; later calls fail with c360.ErrClosed.
func (s *EngineStore) Close() error {
	s.closed.Store(true)
	return nil
}

func (s *EngineStore) check(ctx context.Context) error {
	if s.closed.Load() {
		return c360.ErrClosed
	}
	return ctx.Err()
}

// Update implements c360.Store.
func (s *EngineStore) Update(ctx context.Context, fn func(c360.Tx) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		for _, b := range engineBkts {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		if err := fn(&engineTx{tx: tx, ctx: ctx}); err != nil {
			return err
		}
		return ctx.Err() // cancelled: roll back
	})
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("%w: %w", c360.ErrClosed, err)
	}
	return err
}

// View implements c360.Store.
func (s *EngineStore) View(ctx context.Context, fn func(c360.ReadTx) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	err := s.db.View(func(tx *bbolt.Tx) error { return fn(&engineTx{tx: tx, ctx: ctx}) })
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("%w: %w", c360.ErrClosed, err)
	}
	return err
}

type engineTx struct {
	tx  *bbolt.Tx
	ctx context.Context
}

func (t *engineTx) bucket(name []byte) *bbolt.Bucket { return t.tx.Bucket(name) }

func recKey(k customer.RecordKey) []byte {
	return appendPart(appendPart(nil, k.System), k.RecordID)
}

func readRecKey(b []byte) (customer.RecordKey, []byte, error) {
	sys, rest, err := readPart(b)
	if err != nil {
		return customer.RecordKey{}, nil, err
	}
	id, rest, err := readPart(rest)
	return customer.RecordKey{System: sys, RecordID: id}, rest, err
}

func (t *engineTx) get(bucket, key []byte, v any, what string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	b := t.bucket(bucket)
	var data []byte
	if b != nil {
		data = b.Get(key)
	}
	if data == nil {
		return fmt.Errorf("%w: %s", c360.ErrNotFound, what)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("bolt: %s: stored document does not decode: %w", what, err)
	}
	return nil
}

func (t *engineTx) put(bucket, key []byte, v any) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return t.bucket(bucket).Put(key, data)
}

func (t *engineTx) del(bucket, key []byte, what string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	b := t.bucket(bucket)
	if b.Get(key) == nil {
		return fmt.Errorf("%w: %s", c360.ErrNotFound, what)
	}
	return b.Delete(key)
}

func (t *engineTx) Link(key customer.RecordKey) (*c360.Link, error) {
	var l c360.Link
	if err := t.get(beLinks, recKey(key), &l, "record "+key.String()); err != nil {
		return nil, err
	}
	return &l, nil
}

func (t *engineTx) Candidates(indexKey string, limit int) ([]customer.RecordKey, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	b := t.bucket(beKeys)
	if b == nil {
		return nil, nil
	}
	prefix := appendPart(nil, indexKey)
	// Walk backwards from the end of the prefix: newest first.
	end := append(bytes.Clone(prefix), 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)
	c := b.Cursor()
	var k, v []byte
	if k, _ = c.Seek(end); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	var out []customer.RecordKey
	for ; k != nil && bytes.HasPrefix(k, prefix) && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
		rk, _, err := readRecKey(v)
		if err != nil {
			return nil, err
		}
		out = append(out, rk)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

func (t *engineTx) Profile(id customer.ID) (*customer.Profile, error) {
	var p customer.Profile
	if err := t.get(beProfiles, []byte(id), &p, "profile "+string(id)); err != nil {
		return nil, err
	}
	return &p, nil
}

func (t *engineTx) Profiles(after customer.ID) iter.Seq2[*customer.Profile, error] {
	return func(yield func(*customer.Profile, error) bool) {
		b := t.bucket(beProfiles)
		if b == nil {
			return
		}
		c := b.Cursor()
		k, v := c.Seek([]byte(after))
		if k != nil && string(k) == string(after) {
			k, v = c.Next()
		}
		for ; k != nil; k, v = c.Next() {
			if err := t.ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			var p customer.Profile
			if err := json.Unmarshal(v, &p); err != nil {
				yield(nil, fmt.Errorf("bolt: profile %q: stored document does not decode: %w", k, err))
				return
			}
			if !yield(&p, nil) {
				return
			}
		}
	}
}

func (t *engineTx) Merge(absorbed customer.ID) (*c360.Merge, error) {
	var m c360.Merge
	if err := t.get(beMerges, []byte(absorbed), &m, "merge of "+string(absorbed)); err != nil {
		return nil, err
	}
	return &m, nil
}

func (t *engineTx) Review(id string) (*c360.Review, error) {
	var r c360.Review
	if err := t.get(beReviews, []byte(id), &r, "review "+id); err != nil {
		return nil, err
	}
	return &r, nil
}

func (t *engineTx) Reviews() iter.Seq2[*c360.Review, error] {
	return func(yield func(*c360.Review, error) bool) {
		b := t.bucket(beReviews)
		if b == nil {
			return
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var r c360.Review
			if err := json.Unmarshal(v, &r); err != nil {
				yield(nil, fmt.Errorf("bolt: review %q: stored document does not decode: %w", k, err))
				return
			}
			if !yield(&r, nil) {
				return
			}
		}
	}
}

func (t *engineTx) NeverMerge(key customer.RecordKey) ([]customer.RecordKey, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	b := t.bucket(beNever)
	if b == nil {
		return nil, nil
	}
	prefix := recKey(key)
	var out []customer.RecordKey
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		other, _, err := readRecKey(k[len(prefix):])
		if err != nil {
			return nil, err
		}
		out = append(out, other)
	}
	return out, nil
}

func cursorKey(c c360.Cursor) []byte { return binary.BigEndian.AppendUint64(nil, uint64(c)) }

func (t *engineTx) Changes(after c360.Cursor, limit int) ([]c360.Change, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	b := t.bucket(beChanges)
	if b == nil {
		return nil, nil
	}
	var out []c360.Change
	c := b.Cursor()
	for k, v := c.Seek(cursorKey(after + 1)); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
		var ch c360.Change
		if err := json.Unmarshal(v, &ch); err != nil {
			return nil, fmt.Errorf("bolt: change %x: stored document does not decode: %w", k, err)
		}
		ch.Cursor = c360.Cursor(binary.BigEndian.Uint64(k))
		out = append(out, ch)
	}
	return out, nil
}

func (t *engineTx) Meta(name string) ([]byte, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	b := t.bucket(beMeta)
	var v []byte
	if b != nil {
		v = b.Get([]byte(name))
	}
	if v == nil {
		return nil, fmt.Errorf("%w: meta %q", c360.ErrNotFound, name)
	}
	return bytes.Clone(v), nil
}

func (t *engineTx) PutLink(l *c360.Link) error { return t.put(beLinks, recKey(l.Record), l) }

func (t *engineTx) DeleteLink(key customer.RecordKey) error {
	return t.del(beLinks, recKey(key), "record "+key.String())
}

func (t *engineTx) AddKeys(rec customer.RecordKey, keys []string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	kb, rb := t.bucket(beKeys), t.bucket(beKeyRev)
	rk := recKey(rec)
	for _, k := range keys {
		prefix := appendPart(nil, k)
		rev := append(bytes.Clone(prefix), rk...)
		if rb.Get(rev) != nil {
			continue
		}
		seq, err := kb.NextSequence()
		if err != nil {
			return err
		}
		sk := binary.BigEndian.AppendUint64(nil, seq)
		if err := kb.Put(append(prefix, sk...), rk); err != nil {
			return err
		}
		if err := rb.Put(rev, sk); err != nil {
			return err
		}
	}
	return nil
}

func (t *engineTx) RemoveKeys(rec customer.RecordKey, keys []string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	kb, rb := t.bucket(beKeys), t.bucket(beKeyRev)
	rk := recKey(rec)
	for _, k := range keys {
		prefix := appendPart(nil, k)
		rev := append(bytes.Clone(prefix), rk...)
		sk := rb.Get(rev)
		if sk == nil {
			continue
		}
		if err := kb.Delete(append(prefix, sk...)); err != nil {
			return err
		}
		if err := rb.Delete(rev); err != nil {
			return err
		}
	}
	return nil
}

func (t *engineTx) PutProfile(p *customer.Profile) error { return t.put(beProfiles, []byte(p.ID), p) }

func (t *engineTx) DeleteProfile(id customer.ID) error {
	return t.del(beProfiles, []byte(id), "profile "+string(id))
}

func (t *engineTx) PutMerge(m *c360.Merge) error { return t.put(beMerges, []byte(m.Absorbed), m) }

func (t *engineTx) DeleteMerge(absorbed customer.ID) error {
	return t.del(beMerges, []byte(absorbed), "merge of "+string(absorbed))
}

func (t *engineTx) PutReview(r *c360.Review) error { return t.put(beReviews, []byte(r.ID), r) }

func (t *engineTx) DeleteReview(id string) error { return t.del(beReviews, []byte(id), "review "+id) }

func (t *engineTx) AddNeverMerge(a, b customer.RecordKey) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	bk := t.bucket(beNever)
	if err := bk.Put(append(recKey(a), recKey(b)...), []byte{}); err != nil {
		return err
	}
	return bk.Put(append(recKey(b), recKey(a)...), []byte{})
}

func (t *engineTx) AppendChange(c *c360.Change) (c360.Cursor, error) {
	if err := t.ctx.Err(); err != nil {
		return 0, err
	}
	b := t.bucket(beChanges)
	next := c360.Cursor(1)
	if k, _ := b.Cursor().Last(); k != nil {
		next = c360.Cursor(binary.BigEndian.Uint64(k)) + 1
	}
	cc := *c
	cc.Cursor = next
	if err := t.put(beChanges, cursorKey(next), &cc); err != nil {
		return 0, err
	}
	return next, nil
}

func (t *engineTx) PutMeta(name string, value []byte) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	return t.bucket(beMeta).Put([]byte(name), bytes.Clone(value))
}
