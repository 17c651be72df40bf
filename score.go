package c360

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
)

// candSet is the candidates of a record as read from the store: their keys
// in order and the fingerprints their links had, so that scores computed
// outside the write transaction can be checked still valid inside it.
type candSet struct {
	keys    []customer.RecordKey
	fingers []string
}

func (a *candSet) equal(b *candSet) bool {
	return slices.Equal(a.keys, b.keys) && slices.Equal(a.fingers, b.fingers)
}

// scoredSet is a candidate set with the hits (candidates at or above the
// review threshold, best first) found in it.
type scoredSet struct {
	cands candSet
	hits  []hit
}

// candidates reads the candidates of in and, unless they are those of pre
// (scored before), scores them.
func (e *Engine) candidates(tx ReadTx, sc *match.Scorer, in *input, pre *scoredSet) (*scoredSet, error) {
	limit := sc.Matcher().BlockCap()
	seen := map[customer.RecordKey]bool{in.key: true}
	var keys []customer.RecordKey
	lists, err := candidatesOf(tx, in.keys, limit)
	if err != nil {
		return nil, err
	}
	for _, cs := range lists {
		for _, c := range cs {
			if !seen[c] {
				seen[c] = true
				keys = append(keys, c)
			}
		}
	}
	slices.SortFunc(keys, compareKeys)
	out := &scoredSet{cands: candSet{keys: keys, fingers: make([]string, len(keys))}}
	links := make([]*Link, len(keys))
	peek, fast := tx.(linkPeeker)
	for i, c := range keys {
		var l *Link
		var err error
		if fast {
			l, err = peek.peekLink(c)
		} else {
			l, err = tx.Link(c)
		}
		if err != nil {
			return nil, fmt.Errorf("c360: index key of %s without its link: %w", c, err)
		}
		links[i], out.cands.fingers[i] = l, l.Fingerprint
	}
	keys, links = dropRestricted(out, keys, links) // restrict.go: never matched into others
	if pre != nil && pre.cands.equal(&out.cands) {
		out.hits = slices.Clone(pre.hits)
		return out, nil
	}
	preps := make([]*match.Prepared, len(keys))
	for i, c := range keys {
		var err error
		if preps[i], err = e.prepared(sc, c, links[i]); err != nil {
			return nil, err
		}
	}
	_, review := sc.Matcher().Thresholds()
	for _, s := range sc.Match(in.prep, preps, review) {
		out.hits = append(out.hits, hit{cand: keys[s.Index], sc: s})
	}
	slices.SortFunc(out.hits, func(a, b hit) int {
		if c := cmp.Compare(b.sc.Weight, a.sc.Weight); c != 0 {
			return c
		}
		return compareKeys(a.cand, b.cand)
	})
	return out, nil
}

// linkPeeker is implemented by stores that can show a link's profile,
// fingerprint, values and restriction without copying the rest of it: the candidate
// path reads nothing else, and must not change what it gets. MemoryStore's
// transactions implement it.
type linkPeeker interface {
	peekLink(key customer.RecordKey) (*Link, error)
}

// prepared returns the stored record k (its link l) normalised for
// scoring, from the cache when its fingerprint is unchanged.
func (e *Engine) prepared(sc *match.Scorer, k customer.RecordKey, l *Link) (*match.Prepared, error) {
	if p := e.cache.get(k, l.Fingerprint); p != nil {
		return p, nil
	}
	p, err := sc.Prepare(match.Record{ID: k.String(), Values: l.Values})
	if err != nil {
		return nil, err
	}
	e.cache.put(k, l.Fingerprint, p)
	return p, nil
}

// prepCache keeps normalised records by key and fingerprint: derived
// state, safe to lose, bounded in size. Sharded to keep Upserts on several
// cores from contending.
type prepCache struct {
	seed   maphash.Seed
	max    int // per shard; 0 disables the cache
	shards [64]struct {
		mu sync.Mutex
		m  map[customer.RecordKey]cacheEntry
	}
}

type cacheEntry struct {
	finger string
	p      *match.Prepared
}

func newPrepCache(size int) *prepCache {
	c := &prepCache{seed: maphash.MakeSeed()}
	if size > 0 {
		c.max = max(1, size/len(c.shards))
	}
	for i := range c.shards {
		c.shards[i].m = map[customer.RecordKey]cacheEntry{}
	}
	return c
}

func (c *prepCache) shard(k customer.RecordKey) int {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(k.System)
	h.WriteByte(0)
	h.WriteString(k.RecordID)
	return int(h.Sum64() % uint64(len(c.shards)))
}

func (c *prepCache) get(k customer.RecordKey, finger string) *match.Prepared {
	if c == nil || c.max == 0 {
		return nil
	}
	s := &c.shards[c.shard(k)]
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[k]; ok && e.finger == finger {
		return e.p
	}
	return nil
}

func (c *prepCache) put(k customer.RecordKey, finger string, p *match.Prepared) {
	if c == nil || c.max == 0 {
		return
	}
	s := &c.shards[c.shard(k)]
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= c.max {
		for victim := range s.m { // map order is random: a random eviction
			delete(s.m, victim)
			break
		}
	}
	s.m[k] = cacheEntry{finger, p}
}
