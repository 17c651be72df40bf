package c360

import (
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"strings"
)

// memItems is the MemoryStore's item state: bucket → group → items.
type memItems map[string]map[string]*memGroup

// memGroup is one group's items. A small group (the groups the engine
// scans: one person's events, sends, stage) is packed: its keys in one
// string and its values in one byte slice, in key order, with the offsets
// of each — the group and four arrays the collector need not scan,
// whatever the number of items, and a Scan needs no sort. A commit that writes to a
// packed group packs it anew (at most packedGroupMax items). A large group
// (the event ID index, never scanned) is a map, sorted on demand.
type memGroup struct {
	vals map[string][]byte // a large group; nil when packed

	keys string   // packed: the keys, in order, end to end
	data []byte   // packed: the values, end to end
	koff []uint32 // packed: where key i ends in keys (it starts where key i-1 ends)
	voff []uint32 // packed: where value i ends in data
}

// packedGroupMax is the largest group kept packed.
const packedGroupMax = 512

// n is the number of items of the group.
func (g *memGroup) n() int {
	if g == nil {
		return 0
	}
	if g.vals != nil {
		return len(g.vals)
	}
	return len(g.koff)
}

func (g *memGroup) key(i int) string {
	var from uint32
	if i > 0 {
		from = g.koff[i-1]
	}
	return g.keys[from:g.koff[i]]
}

func (g *memGroup) val(i int) []byte {
	var from uint32
	if i > 0 {
		from = g.voff[i-1]
	}
	return g.data[from:g.voff[i]:g.voff[i]] // capped: an append never writes into the next value
}

func (g *memGroup) get(k string) ([]byte, bool) {
	if g == nil {
		return nil, false
	}
	if g.vals != nil {
		v, ok := g.vals[k]
		return v, ok
	}
	lo, hi := 0, len(g.koff)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if g.key(m) < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(g.koff) && g.key(lo) == k {
		return g.val(lo), true
	}
	return nil, false
}

// sortedKeys returns the group's keys in order.
func (g *memGroup) sortedKeys() []string {
	if g.vals != nil {
		return slices.Sorted(maps.Keys(g.vals))
	}
	out := make([]string, len(g.koff))
	for i := range out {
		out[i] = g.key(i)
	}
	return out
}

// packGroup packs items given in key order.
func packGroup(keys []string, vals [][]byte) *memGroup {
	nk, nv := 0, 0
	for i := range keys {
		nk += len(keys[i])
		nv += len(vals[i])
	}
	var kb strings.Builder
	kb.Grow(nk)
	n := len(keys)
	offs := make([]uint32, 2*n)
	g := &memGroup{data: make([]byte, 0, nv), koff: offs[:n:n], voff: offs[n:]}
	for i := range keys {
		kb.WriteString(keys[i])
		g.data = append(g.data, vals[i]...)
		g.koff[i], g.voff[i] = uint32(kb.Len()), uint32(len(g.data))
	}
	g.keys = kb.String()
	return g
}

// memPending is one group's writes in an Update: dropped when DeleteGroup
// ran (items of the committed group are gone), and the items put since (a
// nil value is a deletion) — in a short list while there are few (most
// Updates write one item or two per group), else in a map.
type memPending struct {
	dropped bool
	few     []Item            // up to pendingFew, unordered
	many    map[string][]byte // beyond
}

// pendingFew is how many writes of a group memPending lists before it
// makes a map of them.
const pendingFew = 8

// memRef names a group of a bucket.
type memRef struct{ bucket, group string }

func (p *memPending) set(k string, v []byte) {
	if p.many != nil {
		p.many[k] = v
		return
	}
	for i := range p.few {
		if p.few[i].Key == k {
			p.few[i].Value = v
			return
		}
	}
	if len(p.few) < pendingFew {
		p.few = append(p.few, Item{Key: k, Value: v})
		return
	}
	p.many = make(map[string][]byte, 2*pendingFew)
	for _, it := range p.few {
		p.many[it.Key] = it.Value
	}
	p.few = nil
	p.many[k] = v
}

// each calls fn with every write of the group.
func (p *memPending) each(fn func(k string, v []byte)) {
	for k, v := range p.many {
		fn(k, v)
	}
	for _, it := range p.few {
		fn(it.Key, it.Value)
	}
}

// sortedKeys returns the keys written, in order.
func (p *memPending) sortedKeys() []string {
	if p.many != nil {
		return slices.Sorted(maps.Keys(p.many))
	}
	keys := make([]string, len(p.few))
	for i, it := range p.few {
		keys[i] = it.Key
	}
	slices.Sort(keys)
	return keys
}

func (t *memTx) pending(bucket, group string, create bool) *memPending {
	if t.w == nil {
		return nil
	}
	ref := memRef{bucket, group}
	p := t.w.items[ref]
	if p == nil && create {
		p = &memPending{}
		setIn(&t.w.items, ref, p)
	}
	return p
}

// Get returns a copy of an item's value.
func (t *memTx) Get(bucket, group, key string) ([]byte, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	t.noteItem(bucket, group, key)
	if p := t.pending(bucket, group, false); p != nil {
		if v, ok := p.get(key); ok {
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
	t.noteGroup(bucket, group)
	g := t.s.items[bucket][group]
	p := t.pending(bucket, group, false)
	var base []string
	if g != nil && (p == nil || !p.dropped) {
		base = g.sortedKeys()
	}
	if p == nil {
		return base // read only
	}
	mine := p.sortedKeys()
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
		if v, _ := p.get(k); v != nil {
			keys = append(keys, k)
		}
	}
	return append(keys, base[i:]...)
}

// value returns an item's value as the transaction sees it, not copied:
// the caller must not change it.
func (t *memTx) value(bucket, group, key string) ([]byte, bool) {
	t.noteItem(bucket, group, key)
	if p := t.pending(bucket, group, false); p != nil {
		if v, ok := p.get(key); ok {
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
		t.noteGroup(bucket, group)
		if g := t.s.items[bucket][group]; t.pending(bucket, group, false) == nil && g != nil && g.vals == nil {
			for i := range g.koff { // packed, nothing written: in order as it is
				if !yield(Item{Key: g.key(i), Value: g.val(i)}, nil) {
					return
				}
			}
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

// peekItems appends a group's items to buf in key order, as peekScan
// yields them (values not copied: the caller must not change them). It
// is peekScan for a caller that wants them at once: no iterator, no
// closure, so reading a small group allocates nothing but buf's growth.
func (t *memTx) peekItems(bucket, group string, buf []Item) ([]Item, error) {
	if err := t.ctx.Err(); err != nil {
		return buf, err
	}
	t.noteGroup(bucket, group)
	g := t.s.items[bucket][group]
	if t.pending(bucket, group, false) == nil && g != nil && g.vals == nil {
		for i := range g.koff {
			buf = append(buf, Item{Key: g.key(i), Value: g.val(i)})
		}
		return buf, nil
	}
	for it, err := range t.peekScan(bucket, group) {
		if err != nil {
			return buf, err
		}
		buf = append(buf, it)
	}
	return buf, nil
}

// get returns a pending write of a group's item: ok is false when the
// transaction did not write it (p nil: nothing of the group).
func (p *memPending) get(k string) ([]byte, bool) {
	if p == nil {
		return nil, false
	}
	if p.many != nil {
		v, ok := p.many[k]
		return v, ok
	}
	for _, it := range p.few {
		if it.Key == k {
			return it.Value, true
		}
	}
	return nil, false
}

// itemPeeker is implemented by stores whose transactions can show items
// without copying them (MemoryStore's).
type itemPeeker interface {
	peekScan(bucket, group string) iter.Seq2[Item, error]
	peekItems(bucket, group string, buf []Item) ([]Item, error)
}

// scanRead streams a group's items for reading only: the caller must not
// change the values.
func scanRead(tx ReadTx, bucket, group string) iter.Seq2[Item, error] {
	if p, ok := tx.(itemPeeker); ok {
		return p.peekScan(bucket, group)
	}
	return tx.Scan(bucket, group)
}

// readItems appends a group's items to buf in key order, for reading only
// (the caller must not change the values): without copies where the store
// allows (itemPeeker), else through Scan.
func readItems(tx ReadTx, bucket, group string, buf []Item) ([]Item, error) {
	if p, ok := tx.(itemPeeker); ok {
		return p.peekItems(bucket, group, buf)
	}
	return scanItems(tx, bucket, group, buf)
}

// scanItems is readItems through Scan: apart, so that the variables its
// loop body captures (and so moves to the heap) are not readItems'.
func scanItems(tx ReadTx, bucket, group string, buf []Item) ([]Item, error) {
	for it, err := range tx.Scan(bucket, group) {
		if err != nil {
			return buf, err
		}
		buf = append(buf, it)
	}
	return buf, nil
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
		if t.opt != nil {
			t.note(hash1(hBucket, bucket))
		}
		var names []string
		for g := range t.s.items[bucket] {
			if g > after {
				names = append(names, g)
			}
		}
		if t.w != nil {
			for ref := range t.w.items {
				if _, ok := t.s.items[bucket][ref.group]; ref.bucket == bucket && !ok && ref.group > after {
					names = append(names, ref.group)
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
	t.pending(bucket, group, true).set(key, v)
	return nil
}

// noItems reports whether a group is known to hold no item, as tx sees
// it; false when the store cannot tell at once (then read the items).
func noItems(tx ReadTx, bucket, group string) bool {
	m, ok := tx.(*memTx)
	if !ok {
		return false
	}
	m.noteGroup(bucket, group)
	if p := m.pending(bucket, group, false); p != nil && (len(p.few) > 0 || len(p.many) > 0) {
		return false // written in this transaction: read the items
	}
	return m.s.items[bucket][group].n() == 0
}

// itemValuer is implemented by transactions that can show an item's value
// without copying it (MemoryStore's): readItem.
type itemValuer interface {
	ctxErr() error
	value(bucket, group, key string) ([]byte, bool)
}

// ownedPutter is implemented by transactions that can keep a value without
// copying it (MemoryStore's): putOwned.
type ownedPutter interface {
	putOwned(bucket, group, key string, value []byte) error
}

func (t *memTx) ctxErr() error { return t.ctx.Err() }

// putOwned is Put of a value the caller no longer uses: it is kept as it
// is.
func (t *memTx) putOwned(bucket, group, key string, value []byte) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	if value == nil {
		value = []byte{}
	}
	t.pending(bucket, group, true).set(key, value)
	return nil
}

// Delete buffers an item's removal.
func (t *memTx) Delete(bucket, group, key string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	t.pending(bucket, group, true).set(key, nil)
	return nil
}

// DeleteGroup buffers the removal of a whole group.
func (t *memTx) DeleteGroup(bucket, group string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	p := t.pending(bucket, group, true)
	p.dropped = true
	p.few, p.many = nil, nil
	return nil
}

// applyItems commits an Update's item writes. A group written to gets a
// new value: a packed group is packed anew, a large group's map is changed
// in place (Views run under the read lock, commits under the write lock).
func (s *MemoryStore) applyItems(w map[memRef]*memPending) {
	for ref, p := range w {
		b := s.items[ref.bucket]
		if b == nil {
			b = map[string]*memGroup{}
			s.items[ref.bucket] = b
		}
		old := b[ref.group]
		if p.dropped {
			old = nil
		}
		if g := commitGroup(old, p); g != nil {
			b[ref.group] = g
		} else {
			delete(b, ref.group)
		}
		if len(b) == 0 {
			delete(s.items, ref.bucket)
		}
	}
}

// commitGroup returns old (nil: none) with the writes p applied (a nil
// value deletes), packed or as a map by its size; nil when it holds no
// item.
func commitGroup(old *memGroup, p *memPending) *memGroup {
	if old != nil && old.vals != nil {
		p.each(func(k string, v []byte) {
			if v == nil {
				delete(old.vals, k)
			} else {
				old.vals[k] = v
			}
		})
		if len(old.vals) > packedGroupMax {
			return old
		}
		keys := old.sortedKeys()
		vals := make([][]byte, len(keys))
		for i, k := range keys {
			vals[i] = old.vals[k]
		}
		return packedOrMap(keys, vals)
	}
	// Merge the packed items (in order) with the writes (sorted), twice:
	// once to size the new group, once to fill it, so that the items are
	// copied once, straight into it.
	mine := p.sortedKeys()
	on := 0
	if old != nil {
		on = old.n()
	}
	each := func(fn func(k string, v []byte)) {
		i := 0
		for _, k := range mine {
			for ; i < on && old.key(i) < k; i++ {
				fn(old.key(i), old.val(i))
			}
			if i < on && old.key(i) == k {
				i++ // written: the write decides
			}
			if v, _ := p.get(k); v != nil {
				fn(k, v)
			}
		}
		for ; i < on; i++ {
			fn(old.key(i), old.val(i))
		}
	}
	n, nk, nv := 0, 0, 0
	each(func(k string, v []byte) { n, nk, nv = n+1, nk+len(k), nv+len(v) })
	switch {
	case n == 0:
		return nil
	case n > packedGroupMax || nk+nv > math.MaxUint32:
		m := make(map[string][]byte, n)
		each(func(k string, v []byte) { m[strings.Clone(k)] = slices.Clone(v) })
		return &memGroup{vals: m}
	}
	var kb strings.Builder
	kb.Grow(nk)
	offs := make([]uint32, 0, 2*n)
	g := &memGroup{data: make([]byte, 0, nv), koff: offs[:0:n], voff: offs[n : n : 2*n]}
	each(func(k string, v []byte) {
		kb.WriteString(k)
		g.data = append(g.data, v...)
		g.koff, g.voff = append(g.koff, uint32(kb.Len())), append(g.voff, uint32(len(g.data)))
	})
	g.keys = kb.String()
	return g
}

// packedOrMap makes a group of items given in key order: packed when small
// enough, else a map (its values copied out of any packed group they come
// from, so that the old group's bytes are freed).
func packedOrMap(keys []string, vals [][]byte) *memGroup {
	if len(keys) == 0 {
		return nil
	}
	size := 0
	for i := range keys {
		size += len(keys[i]) + len(vals[i])
	}
	if len(keys) <= packedGroupMax && size <= math.MaxUint32 {
		return packGroup(keys, vals)
	}
	m := make(map[string][]byte, len(keys))
	for i, k := range keys {
		m[strings.Clone(k)] = slices.Clone(vals[i])
	}
	return &memGroup{vals: m}
}

// noteItem records a shared update's read of an item (memshared.go).
func (t *memTx) noteItem(bucket, group, key string) {
	if t.opt != nil {
		t.note(hash3(hItem, bucket, group, key))
		t.note(hash2(hDropped, bucket, group))
	}
}

// noteGroup records a shared update's read of a group's item list.
func (t *memTx) noteGroup(bucket, group string) {
	if t.opt != nil {
		t.note(hash2(hGroup, bucket, group))
	}
}
