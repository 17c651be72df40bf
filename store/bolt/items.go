package bolt

import (
	"bytes"
	"fmt"
	"iter"
	"strconv"

	"github.com/c360/c360"
	bbolt "go.etcd.io/bbolt"
)

// Items (c360.ItemStore) live in the bbolt bucket engine_items, with one
// nested bucket per item bucket, named appendPart(bucket) (so the empty
// name is a name too). In it, an item's key is appendPart(group) followed
// by the item's key as it is, and its value is the item's value:
//
//	engine_items / part(bucket) / part(group) key -> value
//
// appendPart's escape keeps byte order (0x00 becomes 0x00 0xFF and the
// part ends with 0x00 0x01), so a group's items are one contiguous range in
// key order, Scan is one seek and a walk, and Groups jumps from a group to
// the next with one seek past part(group) 0x00 0x02, reading one item per
// group whatever the group's size.
var beItems = []byte("engine_items")

// itemBucket returns the nested bucket of an item bucket (nil when it holds
// nothing yet), creating it when create is set.
func (t *engineTx) itemBucket(bucket string, create bool) (*bbolt.Bucket, error) {
	top := t.tx.Bucket(beItems)
	if top == nil {
		return nil, nil // a View of a file no Update has touched yet
	}
	name := appendPart(nil, bucket)
	if create {
		return top.CreateBucketIfNotExists(name)
	}
	return top.Bucket(name), nil
}

func itemKey(group, key string) []byte {
	return append(appendPart(make([]byte, 0, len(group)+len(key)+4), group), key...)
}

// groupEnd returns the smallest key above every item key of the group
// whose part is prefix.
func groupEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	end[len(end)-1] = 2 // the part's terminator 0x00 0x01 becomes 0x00 0x02
	return end
}

// cloneValue copies a value out of bbolt's pages (never nil: an empty value
// is a value).
func cloneValue(v []byte) []byte {
	out := make([]byte, len(v))
	copy(out, v)
	return out
}

func itemNotFound(bucket, group, key string) error {
	return fmt.Errorf("%w: item %s/%s/%s", c360.ErrNotFound, strconv.Quote(bucket), strconv.Quote(group), strconv.Quote(key))
}

// Get implements c360.ItemStore.
func (t *engineTx) Get(bucket, group, key string) ([]byte, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	b, err := t.itemBucket(bucket, false)
	if err != nil || b == nil {
		return nil, itemNotFound(bucket, group, key)
	}
	// A cursor rather than Bucket.Get, which cannot tell an empty value
	// from an absent one.
	k := itemKey(group, key)
	found, v := b.Cursor().Seek(k)
	if !bytes.Equal(found, k) {
		return nil, itemNotFound(bucket, group, key)
	}
	return cloneValue(v), nil
}

// Scan implements c360.ItemStore. Inside an Update the loop body may write
// to the store: the walk then seeks again after every item, so it never
// reads a page the body changed.
func (t *engineTx) Scan(bucket, group string) iter.Seq2[c360.Item, error] {
	return func(yield func(c360.Item, error) bool) {
		if err := t.ctx.Err(); err != nil {
			yield(c360.Item{}, err)
			return
		}
		b, err := t.itemBucket(bucket, false)
		if err != nil {
			yield(c360.Item{}, err)
			return
		}
		if b == nil {
			return
		}
		prefix := appendPart(nil, group)
		c := b.Cursor()
		k, v := c.Seek(prefix)
		for k != nil && bytes.HasPrefix(k, prefix) {
			if err := t.ctx.Err(); err != nil {
				yield(c360.Item{}, err)
				return
			}
			it := c360.Item{Key: string(k[len(prefix):]), Value: cloneValue(v)}
			if !yield(it, nil) {
				return
			}
			if !t.tx.Writable() {
				k, v = c.Next()
				continue
			}
			// The body may have written: find the next key afresh (past
			// it.Key: the smallest longer key is it.Key + 0x00).
			next := append(itemKey(group, it.Key), 0)
			if b, err = t.itemBucket(bucket, false); err != nil || b == nil {
				return
			}
			c = b.Cursor()
			k, v = c.Seek(next)
		}
	}
}

// Groups implements c360.ItemStore: one seek per group.
func (t *engineTx) Groups(bucket, after string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := t.ctx.Err(); err != nil {
			yield("", err)
			return
		}
		// Start past every item of the group after (strictly after, as
		// MemoryStore does: the group "" is never listed).
		seek := groupEnd(appendPart(nil, after))
		for {
			if err := t.ctx.Err(); err != nil {
				yield("", err)
				return
			}
			b, err := t.itemBucket(bucket, false)
			if err != nil {
				yield("", err)
				return
			}
			if b == nil {
				return
			}
			k, _ := b.Cursor().Seek(seek)
			if k == nil {
				return
			}
			g, _, err := readPart(k)
			if err != nil {
				yield("", fmt.Errorf("bolt: item bucket %q: %w", bucket, err))
				return
			}
			if !yield(g, nil) {
				return
			}
			seek = groupEnd(appendPart(nil, g))
		}
	}
}

// Put implements c360.ItemWriter.
func (t *engineTx) Put(bucket, group, key string, value []byte) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	b, err := t.itemBucket(bucket, true)
	if err != nil {
		return err
	}
	// bbolt keeps the slices until the commit: give it its own copies.
	v := bytes.Clone(value)
	if v == nil {
		v = []byte{}
	}
	if err := b.Put(itemKey(group, key), v); err != nil {
		return fmt.Errorf("bolt: put item %s/%s/%s: %w", strconv.Quote(bucket), strconv.Quote(group), strconv.Quote(key), err)
	}
	return nil
}

// Delete implements c360.ItemWriter.
func (t *engineTx) Delete(bucket, group, key string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	b, err := t.itemBucket(bucket, false)
	if err != nil || b == nil {
		return err
	}
	return b.Delete(itemKey(group, key))
}

// DeleteGroup implements c360.ItemWriter.
func (t *engineTx) DeleteGroup(bucket, group string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	b, err := t.itemBucket(bucket, false)
	if err != nil || b == nil {
		return err
	}
	// Collect, then delete: deleting under a walking cursor skips keys.
	prefix := appendPart(nil, group)
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
