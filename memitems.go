package c360

import (
	"fmt"
	"iter"
	"maps"
	"slices"
)

// memItems is the MemoryStore's item state: bucket → group → items.
type memItems map[string]map[string]*memGroup

// memGroup is one group's items, with their keys in order when the group is
// small (the groups the engine scans: one person's events or sends), so
// that a Scan does not sort; a large group (the event ID index, never
// scanned) is sorted on demand.
type memGroup struct {
	vals map[string][]byte
	keys []string // sorted; nil when not kept
}

// sortedGroupMax is the largest group whose keys are kept in order.
const sortedGroupMax = 512

func (g *memGroup) get(k string) ([]byte, bool) {
	if g == nil {
		return nil, false
	}
	v, ok := g.vals[k]
	return v, ok
}

// memPending is one group's writes in an Update: dropped when DeleteGroup
// ran (items of the committed group are gone), vals the items put since (a
// nil value is a deletion).
type memPending struct {
	dropped bool
	vals    map[string][]byte
}

func (t *memTx) pending(bucket, group string, create bool) *memPending {
	if t.w == nil {
		return nil
	}
	b := t.w.items[bucket]
	if b == nil {
		if !create {
			return nil
		}
		b = map[string]*memPending{}
		setIn(&t.w.items, bucket, b)
	}
	p := b[group]
	if p == nil && create {
		p = &memPending{vals: map[string][]byte{}}
		b[group] = p
	}
	return p
}

// Get returns a copy of an item's value.
func (t *memTx) Get(bucket, group, key string) ([]byte, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	if p := t.pending(bucket, group, false); p != nil {
		if v, ok := p.vals[key]; ok {
			if v == nil {
				return nil, itemNotFound(bucket, group, key)
			}
			return slices.Clone(v), nil
		}
		if p.dropped {
			return nil, itemNotFound(bucket, group, key)
		}
	}
	v, ok := t.s.items[bucket][group].get(key)
	if !ok {
		return nil, itemNotFound(bucket, group, key)
	}
	return slices.Clone(v), nil
}

// errNoItem is the error of a read of an absent item: a common answer (the
// engine probes for items), so it is not formatted each time.
var errNoItem = fmt.Errorf("%w: no such item", ErrNotFound)

func itemNotFound(_, _, _ string) error { return errNoItem }

// groupKeys returns the sorted keys of a group as the transaction sees it.
// Inside an Update the committed keys (kept in order for small groups) are
// merged with the transaction's own writes, sorted on their own, instead
// of sorting the whole group again.
func (t *memTx) groupKeys(bucket, group string) []string {
	g := t.s.items[bucket][group]
	p := t.pending(bucket, group, false)
	var base []string
	if g != nil && (p == nil || !p.dropped) {
		base = g.keys
		if base == nil {
			base = slices.Sorted(maps.Keys(g.vals))
		}
	}
	if p == nil {
		return base // read only
	}
	mine := slices.Sorted(maps.Keys(p.vals))
	keys := make([]string, 0, len(base)+len(mine))
	i := 0
	for _, k := range mine {
		for i < len(base) && base[i] < k {
			keys = append(keys, base[i])
			i++
		}
		if i < len(base) && base[i] == k {
			i++ // written in this transaction: its pending value decides
		}
		if p.vals[k] != nil {
			keys = append(keys, k)
		}
	}
	return append(keys, base[i:]...)
}

// value returns an item's value as the transaction sees it, not copied:
// the caller must not change it.
func (t *memTx) value(bucket, group, key string) ([]byte, bool) {
	if p := t.pending(bucket, group, false); p != nil {
		if v, ok := p.vals[key]; ok {
			return v, v != nil
		}
		if p.dropped {
			return nil, false
		}
	}
	return t.s.items[bucket][group].get(key)
}

// peekScan is Scan without copying the values: the caller must not change
// them (the engine's read-only paths: the events and sends it decodes).
func (t *memTx) peekScan(bucket, group string) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		if err := t.ctx.Err(); err != nil {
			yield(Item{}, err)
			return
		}
		keys := t.groupKeys(bucket, group)
		g := t.s.items[bucket][group]
		p := t.pending(bucket, group, false)
		for _, k := range keys {
			var v []byte
			if pv, ok := p.get(k); ok {
				v = pv
			} else {
				v, _ = g.get(k)
			}
			if !yield(Item{Key: k, Value: v}, nil) {
				return
			}
		}
	}
}

// get returns a pending write of a group's item: ok is false when the
// transaction did not write it (p nil: nothing of the group).
func (p *memPending) get(k string) ([]byte, bool) {
	if p == nil {
		return nil, false
	}
	v, ok := p.vals[k]
	return v, ok
}

// itemPeeker is implemented by stores whose transactions can show items
// without copying them (MemoryStore's).
type itemPeeker interface {
	peekScan(bucket, group string) iter.Seq2[Item, error]
}

// scanRead streams a group's items for reading only: the caller must not
// change the values.
func scanRead(tx ReadTx, bucket, group string) iter.Seq2[Item, error] {
	if p, ok := tx.(itemPeeker); ok {
		return p.peekScan(bucket, group)
	}
	return tx.Scan(bucket, group)
}

// Scan streams a group's items in key order.
func (t *memTx) Scan(bucket, group string) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		if err := t.ctx.Err(); err != nil {
			yield(Item{}, err)
			return
		}
		for _, k := range t.groupKeys(bucket, group) {
			v, _ := t.value(bucket, group, k)
			if !yield(Item{Key: k, Value: slices.Clone(v)}, nil) {
				return
			}
		}
	}
}

// Groups streams a bucket's non-empty groups after after, in order.
func (t *memTx) Groups(bucket, after string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := t.ctx.Err(); err != nil {
			yield("", err)
			return
		}
		var names []string
		for g := range t.s.items[bucket] {
			if g > after {
				names = append(names, g)
			}
		}
		if t.w != nil {
			for g := range t.w.items[bucket] {
				if _, ok := t.s.items[bucket][g]; !ok && g > after {
					names = append(names, g)
				}
			}
		}
		slices.Sort(names)
		for _, g := range names {
			if t.pending(bucket, g, false) != nil && len(t.groupKeys(bucket, g)) == 0 {
				continue
			}
			if err := t.ctx.Err(); err != nil {
				yield("", err)
				return
			}
			if !yield(g, nil) {
				return
			}
		}
	}
}

// Put buffers an item's new value.
func (t *memTx) Put(bucket, group, key string, value []byte) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	v := slices.Clone(value)
	if v == nil {
		v = []byte{}
	}
	t.pending(bucket, group, true).vals[key] = v
	return nil
}

// Delete buffers an item's removal.
func (t *memTx) Delete(bucket, group, key string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	t.pending(bucket, group, true).vals[key] = nil
	return nil
}

// DeleteGroup buffers the removal of a whole group.
func (t *memTx) DeleteGroup(bucket, group string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	p := t.pending(bucket, group, true)
	p.dropped = true
	clear(p.vals)
	return nil
}

// applyItems commits an Update's item writes.
func (s *MemoryStore) applyItems(w map[string]map[string]*memPending) {
	for bucket, groups := range w {
		b := s.items[bucket]
		if b == nil {
			b = map[string]*memGroup{}
			s.items[bucket] = b
		}
		for group, p := range groups {
			var g map[string][]byte
			var oldKeys []string
			if old := b[group]; old != nil && !p.dropped {
				g, oldKeys = old.vals, old.keys
			}
			// keys changes: the new keys and the deleted ones, to update a
			// kept order without sorting the group again
			var added, removed []string
			for k, v := range p.vals {
				_, had := g[k]
				switch {
				case v == nil && had:
					removed = append(removed, k)
				case v != nil && !had:
					added = append(added, k)
				}
			}
			for k, v := range p.vals {
				if v == nil {
					delete(g, k)
					continue
				}
				if g == nil {
					g = map[string][]byte{}
				}
				g[k] = v
			}
			if len(g) == 0 {
				delete(b, group)
				continue
			}
			// A new group value: readers of the old one (Views run under
			// the read lock, commits under the write lock) never see it
			// change.
			ng := &memGroup{vals: g}
			switch {
			case len(g) > sortedGroupMax:
			case oldKeys != nil && len(added)+len(removed) <= 4:
				keys := make([]string, 0, len(g))
				keys = append(keys, oldKeys...)
				for _, k := range removed {
					if i, ok := slices.BinarySearch(keys, k); ok {
						keys = slices.Delete(keys, i, i+1)
					}
				}
				for _, k := range added {
					i, _ := slices.BinarySearch(keys, k)
					keys = slices.Insert(keys, i, k)
				}
				ng.keys = keys
			default:
				ng.keys = slices.Sorted(maps.Keys(g))
			}
			b[group] = ng
		}
	}
}
