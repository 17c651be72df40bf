package c360

import (
	"context"
	"hash/maphash"
	"slices"
)

// Shared updates: the MemoryStore runs Track's transactions side by side.
//
// Update runs one fn at a time (the Store contract). updateShared runs fn
// under the read lock only, beside Views and other shared updates, noting
// what fn read; its writes are then committed under the writer lock if no
// commit since fn began wrote anything fn read, else fn runs again (and,
// after a few tries, as a plain Update). The outcome is that of some serial
// order of the transactions — each committed one saw the state as it was
// when it committed — so a caller sees what Update would have given,
// except for the cursors of the changes fn appended: they are assigned at
// commit, and updateShared returns by how much they moved from what
// AppendChange answered.
//
// Reads and writes are compared by hashes of what they name (an item, a
// group's item list, a profile, a link …): two names with one hash only
// cost a needless retry.

// memRecent is how many commits' write sets the store keeps: a shared
// update that began more commits ago is retried.
const memRecent = 64

// memWriteSetMax is the largest write set kept as hashes; a larger commit
// (Load's) conflicts with every shared update running beside it.
const memWriteSetMax = 4096

// sharedTries is how many times updateShared runs fn side by side before
// it runs it as a plain Update.
const sharedTries = 4

// memCommit is a commit's write set.
type memCommit struct {
	seq    uint64
	all    bool     // wrote too much to list: conflicts with every read
	hashes []uint64 // what it wrote
}

// memReads is what a shared update read.
type memReads struct {
	hashes []uint64
	all    bool // read something no write set names (the change log's edits): any commit conflicts
}

// What reads and writes name, hashed with a kind byte.
const (
	hLink byte = iota + 1
	hKeys
	hProfile
	hProfileList
	hMerge
	hReview
	hReviewList
	hNever
	hChanges
	hMeta
	hItem
	hGroup
	hDropped
	hBucket
)

var memSeed = maphash.MakeSeed()

func hash1(kind byte, a string) uint64 {
	return mix(uint64(kind)<<56 ^ maphash.String(memSeed, a))
}

func hash2(kind byte, a, b string) uint64 {
	return mix(hash1(kind, a) ^ maphash.String(memSeed, b))
}

func hash3(kind byte, a, b, c string) uint64 {
	return mix(hash2(kind, a, b) ^ maphash.String(memSeed, c))
}

// mix is the finaliser of SplitMix64: every input bit moves every output
// bit.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// note records a read of a shared update (nothing otherwise).
func (t *memTx) note(h uint64) {
	if t.opt != nil {
		t.opt.hashes = append(t.opt.hashes, h)
	}
}

// noteAll records a read no write set names: the shared update conflicts
// with any commit.
func (t *memTx) noteAll() {
	if t.opt != nil {
		t.opt.all = true
	}
}

// logCommit keeps w's write set (made by w.prepare) among the recent
// commits and counts the commit; the caller holds both locks.
func (s *MemoryStore) logCommit(w *memWrites) {
	s.seq++
	c := &s.recent[s.seq%memRecent]
	c.seq = s.seq
	c.all = w.wall
	c.hashes, w.wset = w.wset, c.hashes[:0] // w takes the old buffer for its next write set
}

// prepare makes w's write set, before the commit takes the locks.
func (w *memWrites) prepare() {
	w.wset, w.wall = w.writeSet(w.wset[:0])
}

// writeSet appends the hashes of what w writes to buf; all is true when
// there are more than memWriteSetMax.
func (w *memWrites) writeSet(buf []uint64) (hashes []uint64, all bool) {
	n := len(w.links) + len(w.keys) + 2*len(w.profiles) + len(w.merges) + 2*len(w.reviews) + len(w.never) + len(w.meta) + 1
	for _, p := range w.items {
		n += 3 + len(p.few) + len(p.many)
	}
	if n > memWriteSetMax {
		return buf[:0], true
	}
	// A cleared map's range still walks its buckets: lengths first.
	if len(w.links) > 0 {
		for k := range w.links {
			buf = append(buf, hash2(hLink, k.System, k.RecordID))
		}
	}
	if len(w.keys) > 0 {
		for k := range w.keys {
			buf = append(buf, hash1(hKeys, k))
		}
	}
	if len(w.profiles) > 0 {
		for id := range w.profiles {
			buf = append(buf, hash1(hProfile, string(id)))
		}
		buf = append(buf, hash1(hProfileList, ""))
	}
	if len(w.merges) > 0 {
		for id := range w.merges {
			buf = append(buf, hash1(hMerge, string(id)))
		}
	}
	if len(w.reviews) > 0 {
		for id := range w.reviews {
			buf = append(buf, hash1(hReview, id))
		}
		buf = append(buf, hash1(hReviewList, ""))
	}
	if len(w.never) > 0 {
		for k := range w.never {
			buf = append(buf, hash2(hNever, k.System, k.RecordID))
		}
	}
	if len(w.changes) > 0 || len(w.edits) > 0 {
		buf = append(buf, hash1(hChanges, ""))
	}
	if len(w.meta) > 0 {
		for name := range w.meta {
			buf = append(buf, hash1(hMeta, name))
		}
	}
	for ref, p := range w.items {
		buf = append(buf, hash2(hGroup, ref.bucket, ref.group), hash1(hBucket, ref.bucket))
		if p.dropped {
			buf = append(buf, hash2(hDropped, ref.bucket, ref.group))
		}
		for k := range p.many {
			buf = append(buf, hash3(hItem, ref.bucket, ref.group, k))
		}
		for i := range p.few {
			buf = append(buf, hash3(hItem, ref.bucket, ref.group, p.few[i].Key))
		}
	}
	return buf, false
}

// conflicts reports whether a commit after seq start wrote what r read;
// the caller holds the writer lock.
func (s *MemoryStore) conflicts(start uint64, r *memReads) bool {
	if s.seq == start {
		return false
	}
	if r.all || s.seq-start >= memRecent {
		return true
	}
	slices.Sort(r.hashes)
	for q := start + 1; q <= s.seq; q++ {
		c := &s.recent[q%memRecent]
		if c.all {
			return true
		}
		for _, h := range c.hashes {
			if _, found := slices.BinarySearch(r.hashes, h); found {
				return true
			}
		}
	}
	return false
}

// sharedUpdater is implemented by stores that can run Track's
// transactions side by side (the MemoryStore): updateShared is Update,
// except that the cursors of the changes fn appended may have moved, by
// shift, when they were committed.
type sharedUpdater interface {
	updateShared(ctx context.Context, fn func(Tx) error) (shift Cursor, err error)
}

// updateShared runs fn beside other shared updates and Views, and commits
// its writes if nothing it read was written meanwhile; else it runs fn
// again. fn may run more than once: it must start from scratch each time.
func (s *MemoryStore) updateShared(ctx context.Context, fn func(Tx) error) (Cursor, error) {
	for range sharedTries {
		shift, done, err := s.tryShared(ctx, fn)
		if done {
			return shift, err
		}
	}
	return 0, s.Update(ctx, fn)
}

// tryShared runs fn once beside others; done is false when its reads
// conflict with a commit made meanwhile (nothing was written).
func (s *MemoryStore) tryShared(ctx context.Context, fn func(Tx) error) (shift Cursor, done bool, err error) {
	if err := ctx.Err(); err != nil {
		return 0, true, err
	}
	w, _ := s.spare.Get().(*memWrites)
	if w == nil {
		w = &memWrites{}
	}
	r := &w.reads
	r.hashes, r.all = r.hashes[:0], false
	tx := &memTx{s: s, ctx: ctx, w: w, opt: r}
	defer func() {
		tx.w, tx.opt = nil, nil
		if w.reset() {
			s.spare.Put(w)
		}
	}()
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return 0, true, ErrClosed
	}
	start := s.seq
	base := s.lastCursor()
	err = fn(tx)
	s.mu.RUnlock()
	if err != nil {
		return 0, true, err
	}
	if err := ctx.Err(); err != nil {
		return 0, true, err
	}
	w.prepare()
	s.writer.Lock()
	defer s.writer.Unlock()
	if s.conflicts(start, r) {
		return 0, false, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, true, ErrClosed
	}
	shift = s.lastCursor() - base
	for i := range w.changes {
		w.changes[i].Cursor += shift
	}
	s.commit(w)
	return shift, true, nil
}

// lastCursor is the cursor of the last committed change (0: none).
func (s *MemoryStore) lastCursor() Cursor {
	if n := len(s.changes); n > 0 {
		return s.changes[n-1].cursor
	}
	return 0
}
