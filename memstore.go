package c360

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
)

// MemoryStore is the in-memory Store: the Engine's default, safe for
// concurrent use, gone when the process ends. Update transactions buffer
// their writes and apply them at once on success, so a failed Update leaves
// nothing behind. Create one with NewMemoryStore.
type MemoryStore struct {
	writer sync.Mutex   // serialises Update
	mu     sync.RWMutex // guards the maps below while a commit applies
	closed bool

	links    map[customer.RecordKey]*memLink // packed: mempack.go
	keys     map[string][]customer.RecordKey
	profiles map[customer.ID]*customer.Profile
	merges   map[customer.ID]*Merge
	reviews  map[string]*Review
	never    map[customer.RecordKey][]customer.RecordKey
	changes  []memChange // packed, in cursor order
	meta     map[string][]byte
	items    memItems

	// profileIDs caches the committed profiles' IDs in order for
	// Profiles, which reads in pages (sorting every ID for every page was
	// quadratic); nil when a commit added or removed a profile since. Built
	// under the read lock at the latest, so no commit runs meanwhile.
	profileIDs atomic.Pointer[[]customer.ID]

	// spare holds the memWrites of finished Updates, emptied, for the next
	// ones: most Updates (a Track, an Upsert) write a few items, and their
	// maps are reused rather than made anew.
	spare sync.Pool

	// seq counts commits; recent holds the write sets of the latest ones,
	// by seq modulo its length, for updateShared's conflict check
	// (memshared.go). Both change under both locks.
	seq    uint64
	recent [memRecent]memCommit
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		links:    map[customer.RecordKey]*memLink{},
		keys:     map[string][]customer.RecordKey{},
		profiles: map[customer.ID]*customer.Profile{},
		merges:   map[customer.ID]*Merge{},
		reviews:  map[string]*Review{},
		never:    map[customer.RecordKey][]customer.RecordKey{},
		meta:     map[string][]byte{},
		items:    memItems{},
	}
}

// Close marks the store closed; later calls fail with ErrClosed.
func (s *MemoryStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// View runs fn on the committed state; commits wait until fn returns.
func (s *MemoryStore) View(ctx context.Context, fn func(ReadTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return fn(&memTx{s: s, ctx: ctx})
}

// Update runs fn in a transaction whose writes are applied only when fn
// returns nil and ctx is not done.
func (s *MemoryStore) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.writer.Lock()
	defer s.writer.Unlock()
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	w, _ := s.spare.Get().(*memWrites)
	if w == nil {
		w = &memWrites{} // its maps made on first write
	}
	tx := &memTx{s: s, ctx: ctx, w: w}
	defer func() {
		tx.w = nil // a transaction used after its Update panics instead of writing into the next one
		if w.reset() {
			s.spare.Put(w)
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	w.prepare()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.commit(w)
	return nil
}

// commit applies an Update's writes; the caller holds both locks.
func (s *MemoryStore) commit(w *memWrites) {
	s.logCommit(w)
	apply(s.links, w.links)
	for k, v := range w.keys {
		if len(v) == 0 {
			delete(s.keys, k)
		} else {
			s.keys[k] = v
		}
	}
	for id, p := range w.profiles {
		if _, had := s.profiles[id]; had != (p != nil) {
			s.profileIDs.Store(nil)
			break
		}
	}
	apply(s.profiles, w.profiles)
	apply(s.merges, w.merges)
	apply(s.reviews, w.reviews)
	maps.Copy(s.never, w.never)
	s.applyEdits(w.edits)
	for i := range w.changes {
		s.changes = append(s.changes, packChange(&w.changes[i]))
	}
	maps.Copy(s.meta, w.meta)
	s.applyItems(w.items)
}

func apply[K comparable, V any](dst, src map[K]*V) {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
		} else {
			dst[k] = v
		}
	}
}

// setIn sets m[k] = v, making the map on the first write: most Updates
// write to few of memWrites' maps.
func setIn[K comparable, V any](m *map[K]V, k K, v V) {
	if *m == nil {
		*m = map[K]V{}
	}
	(*m)[k] = v
}

// memWrites are the pending writes of an Update; a nil pointer is a
// deletion. Its maps are nil until written.
type memWrites struct {
	links    map[customer.RecordKey]*memLink
	keys     map[string][]customer.RecordKey
	profiles map[customer.ID]*customer.Profile
	merges   map[customer.ID]*Merge
	reviews  map[string]*Review
	never    map[customer.RecordKey][]customer.RecordKey
	changes  []Change
	meta     map[string][]byte
	items    map[memRef]*memPending
	edits    map[Cursor]*Change // replaced (nil: deleted) committed changes
	reads    memReads           // updateShared's: kept for its buffer
	wset     []uint64           // the write set (prepare), for the conflict checks of shared updates
	wall     bool               // too large a write set to list: conflicts with all
}

// spareMax is the most entries a memWrites map may have held for it to be
// reused: clearing a map costs what it once held, and a large Update's
// (Load's) maps are dropped instead.
const spareMax = 64

// reset empties w for another Update, dropping what it refers to;
// false when it is too large to be worth keeping.
func (w *memWrites) reset() bool {
	if len(w.links) > spareMax || len(w.keys) > spareMax || len(w.profiles) > spareMax || len(w.merges) > spareMax ||
		len(w.reviews) > spareMax || len(w.never) > spareMax || len(w.changes) > spareMax || len(w.meta) > spareMax ||
		len(w.items) > spareMax || len(w.edits) > spareMax {
		return false
	}
	clear(w.links)
	clear(w.keys)
	clear(w.profiles)
	clear(w.merges)
	clear(w.reviews)
	clear(w.never)
	clear(w.changes)
	w.changes = w.changes[:0]
	clear(w.meta)
	clear(w.items)
	clear(w.edits)
	if cap(w.reads.hashes) > memWriteSetMax {
		w.reads.hashes = nil
	}
	w.wset, w.wall = w.wset[:0], false
	return true
}

type memTx struct {
	s   *MemoryStore
	ctx context.Context
	w   *memWrites // nil in a View
	opt *memReads  // what the transaction read, in updateShared; else nil
}

func lookup[K comparable, V any](base, pending map[K]*V, w bool, k K) (*V, bool) {
	if w {
		if v, ok := pending[k]; ok {
			return v, v != nil
		}
	}
	v, ok := base[k]
	return v, ok
}

func (t *memTx) Link(key customer.RecordKey) (*Link, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	l, ok := t.memLink(key)
	if !ok {
		return nil, fmt.Errorf("%w: record %s", ErrNotFound, key)
	}
	return l.link(key), nil
}

// memLink returns the stored (packed) link of key as the transaction sees
// it.
func (t *memTx) memLink(key customer.RecordKey) (*memLink, bool) {
	if t.opt != nil {
		t.note(hash2(hLink, key.System, key.RecordID))
	}
	var pend map[customer.RecordKey]*memLink
	if t.w != nil {
		pend = t.w.links
	}
	return lookup(t.s.links, pend, t.w != nil, key)
}

// peekLink returns the stored link's profile, fingerprint, values and
// restriction only (the caller must not change them).
func (t *memTx) peekLink(key customer.RecordKey) (*Link, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	l, ok := t.memLink(key)
	if !ok {
		return nil, fmt.Errorf("%w: record %s", ErrNotFound, key)
	}
	return &Link{Record: key, Profile: l.profile, Fingerprint: l.finger, Values: l.values(), Restricted: l.restricted}, nil
}

// linkProfile returns the profile of a stored record, reading nothing
// else of its link.
func (t *memTx) linkProfile(key customer.RecordKey) (customer.ID, error) {
	if err := t.ctx.Err(); err != nil {
		return "", err
	}
	l, ok := t.memLink(key)
	if !ok {
		return "", fmt.Errorf("%w: record %s", ErrNotFound, key)
	}
	return l.profile, nil
}

// peekCandidates is Candidates(indexKey, 0) without copying the list: the
// caller must not change it.
func (t *memTx) peekCandidates(indexKey string) ([]customer.RecordKey, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	return t.keyList(indexKey), nil
}

func (t *memTx) keyList(k string) []customer.RecordKey {
	if t.opt != nil {
		t.note(hash1(hKeys, k))
	}
	if t.w != nil {
		if v, ok := t.w.keys[k]; ok {
			return v
		}
	}
	return t.s.keys[k]
}

func (t *memTx) Candidates(indexKey string, limit int) ([]customer.RecordKey, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	l := t.keyList(indexKey)
	if limit > 0 && len(l) > limit {
		l = l[len(l)-limit:]
	}
	return slices.Clone(l), nil
}

func (t *memTx) Profile(id customer.ID) (*customer.Profile, error) {
	p, err := t.peekProfile(id)
	if err != nil {
		return nil, err
	}
	return p.Clone(), nil
}

// profileIDs returns the IDs of the profiles the transaction sees, in
// order: the committed ones (cached) merged with those it created. Some
// may have been deleted in the transaction; the caller skips them.
func (t *memTx) profileIDs() []customer.ID {
	if t.opt != nil {
		t.note(hash1(hProfileList, ""))
	}
	committed := t.s.profileIDs.Load()
	if committed == nil {
		ids := slices.Sorted(maps.Keys(t.s.profiles))
		t.s.profileIDs.Store(&ids)
		committed = &ids
	}
	if t.w == nil {
		return *committed
	}
	var mine []customer.ID
	for id := range t.w.profiles {
		if _, ok := t.s.profiles[id]; !ok {
			mine = append(mine, id)
		}
	}
	if len(mine) == 0 {
		return *committed
	}
	slices.Sort(mine)
	out := make([]customer.ID, 0, len(*committed)+len(mine))
	i := 0
	for _, id := range mine {
		for ; i < len(*committed) && (*committed)[i] < id; i++ {
			out = append(out, (*committed)[i])
		}
		out = append(out, id)
	}
	return append(out, (*committed)[i:]...)
}

func (t *memTx) Profiles(after customer.ID) iter.Seq2[*customer.Profile, error] {
	return func(yield func(*customer.Profile, error) bool) {
		ids := t.profileIDs()
		i, _ := slices.BinarySearch(ids, after)
		for _, id := range ids[i:] {
			if id == after {
				continue
			}
			if err := t.ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			p, err := t.Profile(id)
			if err != nil {
				continue // deleted in this transaction
			}
			if !yield(p, nil) {
				return
			}
		}
	}
}

func (t *memTx) Merge(absorbed customer.ID) (*Merge, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	if t.opt != nil {
		t.note(hash1(hMerge, string(absorbed)))
	}
	var pend map[customer.ID]*Merge
	if t.w != nil {
		pend = t.w.merges
	}
	m, ok := lookup(t.s.merges, pend, t.w != nil, absorbed)
	if !ok {
		return nil, fmt.Errorf("%w: merge of %s", ErrNotFound, absorbed)
	}
	return cloneMerge(m), nil
}

func (t *memTx) Review(id string) (*Review, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	if t.opt != nil {
		t.note(hash1(hReview, id))
	}
	var pend map[string]*Review
	if t.w != nil {
		pend = t.w.reviews
	}
	r, ok := lookup(t.s.reviews, pend, t.w != nil, id)
	if !ok {
		return nil, fmt.Errorf("%w: review %s", ErrNotFound, id)
	}
	return cloneReview(r), nil
}

func (t *memTx) Reviews() iter.Seq2[*Review, error] {
	return func(yield func(*Review, error) bool) {
		if t.opt != nil {
			t.note(hash1(hReviewList, ""))
		}
		ids := slices.Collect(maps.Keys(t.s.reviews))
		if t.w != nil {
			for id := range t.w.reviews {
				if _, ok := t.s.reviews[id]; !ok {
					ids = append(ids, id)
				}
			}
		}
		slices.Sort(ids)
		for _, id := range ids {
			r, err := t.Review(id)
			if err != nil {
				if t.ctx.Err() != nil {
					yield(nil, err)
					return
				}
				continue
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

func (t *memTx) neverList(k customer.RecordKey) []customer.RecordKey {
	if t.opt != nil {
		t.note(hash2(hNever, k.System, k.RecordID))
	}
	if t.w != nil {
		if v, ok := t.w.never[k]; ok {
			return v
		}
	}
	return t.s.never[k]
}

func (t *memTx) NeverMerge(key customer.RecordKey) ([]customer.RecordKey, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	return slices.Clone(t.neverList(key)), nil
}

func (t *memTx) Changes(after Cursor, limit int) ([]Change, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	if t.opt != nil {
		t.note(hash1(hChanges, ""))
	}
	var edits map[Cursor]*Change
	var mine []Change
	if t.w != nil {
		edits, mine = t.w.edits, t.w.changes
	}
	full := func(out []Change) bool { return limit > 0 && len(out) >= limit }
	var out []Change
	i, _ := slices.BinarySearchFunc(t.s.changes, after, func(c memChange, x Cursor) int { return cmp.Compare(c.cursor, x+1) })
	for ; i < len(t.s.changes) && !full(out); i++ {
		m := &t.s.changes[i]
		if e, ok := edits[m.cursor]; ok {
			if e != nil { // nil: deleted in this transaction
				out = append(out, cloneChange(*e))
			}
			continue
		}
		if m.kind == changeTombstone {
			continue // deleted by DeleteChange
		}
		out = append(out, m.change())
	}
	j, _ := slices.BinarySearchFunc(mine, after, func(c Change, x Cursor) int { return cmp.Compare(c.Cursor, x+1) })
	for ; j < len(mine) && !full(out); j++ {
		if mine[j].Kind == changeTombstone {
			continue
		}
		out = append(out, cloneChange(mine[j]))
	}
	return out, nil
}

func (t *memTx) Meta(name string) ([]byte, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	if t.opt != nil {
		t.note(hash1(hMeta, name))
	}
	if t.w != nil {
		if v, ok := t.w.meta[name]; ok {
			return slices.Clone(v), nil
		}
	}
	v, ok := t.s.meta[name]
	if !ok {
		return nil, fmt.Errorf("%w: meta %q", ErrNotFound, name)
	}
	return slices.Clone(v), nil
}

func (t *memTx) PutLink(l *Link) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	setIn(&t.w.links, l.Record, packLink(l))
	return nil
}

func (t *memTx) DeleteLink(key customer.RecordKey) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	if _, ok := t.memLink(key); !ok {
		return fmt.Errorf("%w: record %s", ErrNotFound, key)
	}
	setIn(&t.w.links, key, nil)
	return nil
}

func (t *memTx) AddKeys(rec customer.RecordKey, keys []string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	for _, k := range keys {
		l := t.keyList(k)
		if slices.Contains(l, rec) {
			continue
		}
		setIn(&t.w.keys, k, append(slices.Clip(l), rec))
	}
	return nil
}

func (t *memTx) RemoveKeys(rec customer.RecordKey, keys []string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	for _, k := range keys {
		l := t.keyList(k)
		if i := slices.Index(l, rec); i >= 0 {
			setIn(&t.w.keys, k, slices.Delete(slices.Clone(l), i, i+1))
		}
	}
	return nil
}

func (t *memTx) PutProfile(p *customer.Profile) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	setIn(&t.w.profiles, p.ID, p.Clone())
	return nil
}

func (t *memTx) DeleteProfile(id customer.ID) error {
	if _, err := t.Profile(id); err != nil {
		return err
	}
	setIn(&t.w.profiles, id, nil)
	return nil
}

func (t *memTx) PutMerge(m *Merge) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	setIn(&t.w.merges, m.Absorbed, cloneMerge(m))
	return nil
}

func (t *memTx) DeleteMerge(absorbed customer.ID) error {
	if _, err := t.Merge(absorbed); err != nil {
		return err
	}
	setIn(&t.w.merges, absorbed, nil)
	return nil
}

func (t *memTx) PutReview(r *Review) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	setIn(&t.w.reviews, r.ID, cloneReview(r))
	return nil
}

func (t *memTx) DeleteReview(id string) error {
	if _, err := t.Review(id); err != nil {
		return err
	}
	setIn(&t.w.reviews, id, nil)
	return nil
}

func (t *memTx) AddNeverMerge(a, b customer.RecordKey) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	add := func(x, y customer.RecordKey) {
		l := t.neverList(x)
		i, found := slices.BinarySearchFunc(l, y, compareKeys)
		if !found {
			setIn(&t.w.never, x, slices.Insert(slices.Clone(l), i, y))
		}
	}
	add(a, b)
	add(b, a)
	return nil
}

func (t *memTx) AppendChange(c *Change) (Cursor, error) {
	if err := t.ctx.Err(); err != nil {
		return 0, err
	}
	last := Cursor(0)
	if n := len(t.w.changes); n > 0 {
		last = t.w.changes[n-1].Cursor
	} else if n := len(t.s.changes); n > 0 {
		last = t.s.changes[n-1].cursor
	}
	cc := cloneChange(*c)
	cc.Cursor = last + 1
	t.w.changes = append(t.w.changes, cc)
	return cc.Cursor, nil
}

func (t *memTx) PutMeta(name string, value []byte) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	setIn(&t.w.meta, name, slices.Clone(value))
	return nil
}

func compareKeys(a, b customer.RecordKey) int {
	if c := cmp.Compare(a.System, b.System); c != 0 {
		return c
	}
	return cmp.Compare(a.RecordID, b.RecordID)
}

func cloneExplanation(e *match.Explanation) *match.Explanation {
	if e == nil {
		return nil
	}
	c := *e
	c.Fields = slices.Clone(e.Fields)
	return &c
}

func cloneLink(l *Link) *Link {
	c := *l
	c.Match = cloneExplanation(l.Match)
	c.Keys = slices.Clone(l.Keys)
	c.Values = slices.Clone(l.Values)
	c.Edges = slices.Clone(l.Edges)
	return &c
}

func cloneMerge(m *Merge) *Merge {
	c := *m
	c.Records = slices.Clone(m.Records)
	return &c
}

func cloneReview(r *Review) *Review {
	c := *r
	c.Match.Fields = slices.Clone(r.Match.Fields)
	return &c
}

func cloneChange(c Change) Change {
	c.Absorbed = slices.Clone(c.Absorbed)
	c.Fields = slices.Clone(c.Fields)
	return c
}

// peekProfile returns the stored profile without copying it: the caller
// must not change it (the engine's read-only paths: Track, Decide).
func (t *memTx) peekProfile(id customer.ID) (*customer.Profile, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	if t.opt != nil {
		t.note(hash1(hProfile, string(id)))
	}
	var pend map[customer.ID]*customer.Profile
	if t.w != nil {
		pend = t.w.profiles
	}
	p, ok := lookup(t.s.profiles, pend, t.w != nil, id)
	if !ok {
		return nil, fmt.Errorf("%w: profile %s", ErrNotFound, id)
	}
	return p, nil
}
