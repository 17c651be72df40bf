package match

import (
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"
)

// Index resolves records one at a time against everything added before, for
// real-time matching: Add returns the new record's cluster and why it joined
// it, without re-running the batch. It uses a fixed Model (from a batch
// Result, or given) and the Matcher's blocking rules, comparison levels,
// guards and thresholds; term frequencies are counted as records arrive.
//
// With the same model, no block over the cap and no merge refused by a guard,
// adding records one by one gives the same clusters as Dedupe on them (with
// the term-frequency adjustment off, or once the frequencies have settled).
// A block over the cap compares a new record with the cap's number of most
// recent members only.
//
// An Index is safe for concurrent use; Add calls are serialised.
type Index struct {
	mu     sync.RWMutex
	m      *Matcher
	model  *Model
	sc     *scorer
	gsc    *scorer // the scorer of the chaining guards (Model.guardModel)
	rules  []blockRule
	seed   maphash.Seed
	d      *dataset
	byID   map[string]int
	blocks map[uint64][]uint32
	counts []map[string]int32
	c      *clusterer
}

// Resolution is what Add reports about a new record.
type Resolution struct {
	ID      string        // the new record's ID
	Cluster string        // ID of the first record of its cluster (its own ID when alone)
	Size    int           // records in the cluster, the new one included
	Matches []Explanation // pairs at or above the threshold, most probable first
	Review  []Explanation // pairs in the review band, most probable first
	Refused int           // merges the chaining guards refused
}

// NewIndex returns an empty Index that scores with model. In deterministic
// mode (Config.Rules) model may be nil; otherwise it is required — take it from
// a Result of Dedupe on representative data.
func (m *Matcher) NewIndex(model *Model) (*Index, error) {
	if model == nil && len(m.rules) == 0 {
		return nil, configError("NewIndex needs a model (from a Result) unless rules are set")
	}
	if model != nil && len(model.Fields) != len(m.fields) {
		return nil, configError("model has a different number of fields")
	}
	d := &dataset{nf: len(m.fields), kinds: m.kinds, nonMis: make([]int, len(m.fields)), exactU: make([]float64, len(m.fields))}
	ix := &Index{m: m, model: model, rules: m.blockRules(), seed: maphash.MakeSeed(), d: d,
		byID: map[string]int{}, blocks: map[uint64][]uint32{}, counts: make([]map[string]int32, len(m.fields))}
	for f := range ix.counts {
		ix.counts[f] = map[string]int32{}
	}
	if model != nil {
		ix.sc = newScorer(model, nil, !m.o.noTF)
		ix.sc.d = d
		ix.sc.tfOf = func(f int, v *value) float64 {
			if d.nonMis[f] == 0 {
				return 0
			}
			return float64(ix.counts[f][v.key]) / float64(d.nonMis[f])
		}
		ix.gsc = newScorer(model.guardModel(), nil, !m.o.noTF)
		ix.gsc.d, ix.gsc.tfOf = d, ix.sc.tfOf
	}
	ix.c = &clusterer{guards: m.guards, kinds: m.kinds, d: d, held: map[int32][][]int32{}}
	ix.c.similar = func(i, j int) bool {
		if ix.sc == nil {
			_, ok := m.ruleMatch(d, i, j)
			return ok
		}
		return probability(ix.gsc.weight(i, j, d.gamma(i, j))) >= guardLikely
	}
	return ix, nil
}

// Index returns an Index holding the records and clusters of a Dedupe
// result, ready to resolve new records against them.
func (r *Result) Index() (*Index, error) {
	if r.d == nil || r.d.nLeft > 0 || r.ClusterOf == nil {
		return nil, configError("Index needs a Dedupe result")
	}
	ix, err := r.m.NewIndex(r.Model)
	if err != nil {
		return nil, err
	}
	if r.rules != nil {
		ix.rules = r.rules // the rules the batch chose for its data
	}
	first := map[int]int{}
	for i := range r.d.n() {
		ix.insert(r.d.raw[i], r.d.rec(i))
		if f, ok := first[r.ClusterOf[i]]; ok {
			ix.c.forceUnion(f, i)
		} else {
			first[r.ClusterOf[i]] = i
		}
	}
	return ix, nil
}

// Len returns the number of records in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.d.n()
}

// Cluster returns the IDs of the records in the cluster of the record with
// the given ID, in the order they were added, or an error wrapping
// ErrNotFound.
func (ix *Index) Cluster(id string) ([]string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	i, ok := ix.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	var out []string
	for _, j := range ix.c.members(i) {
		out = append(out, ix.d.ids[j])
	}
	return out, nil
}

// insert appends a prepared record and its block keys.
func (ix *Index) insert(r Record, vals []value) int {
	i := ix.d.n()
	ix.d.ids = append(ix.d.ids, r.ID)
	ix.d.raw = append(ix.d.raw, r)
	ix.d.vals = append(ix.d.vals, vals...)
	ix.byID[r.ID] = i
	for f, v := range vals {
		if v.key != "" {
			ix.counts[f][v.key]++
			ix.d.nonMis[f]++
		}
	}
	ix.keys(vals, func(k uint64) { ix.blocks[k] = append(ix.blocks[k], uint32(i)) })
	ix.c.grow(i + 1)
	return i
}

func (ix *Index) keys(vals []value, fn func(uint64)) {
	var h maphash.Hash
	h.SetSeed(ix.seed)
	for ri, r := range ix.rules {
		r.keys(vals, func(k string) {
			h.Reset()
			h.WriteString(k)
			fn(h.Sum64()>>8 | uint64(ri)<<56)
		})
	}
}

// weight scores records i and j with term frequencies as counted so far.
func (ix *Index) weight(i, j int, g uint64) float64 { return ix.sc.weight(i, j, g) }

// Add resolves one new record: it is compared with the records sharing a
// block with it, merged into the cluster of every match (most probable
// first, subject to the chaining guards), and kept for later records. A
// record whose ID is already in the index, or with the wrong number of
// values, is refused with an error wrapping ErrInvalidRecord.
func (ix *Index) Add(ctx context.Context, r Record) (Resolution, error) {
	if err := ctx.Err(); err != nil {
		return Resolution{}, err
	}
	if r.ID == "" {
		return Resolution{}, &RecordError{Index: -1, Err: errEmptyID}
	}
	if len(r.Values) != len(ix.m.fields) {
		return Resolution{}, &RecordError{Index: -1, ID: r.ID, Err: fmt.Errorf("%w: %d values, %d fields", errWidth, len(r.Values), len(ix.m.fields))}
	}
	raw := splitNames(r.Values, ix.m.kinds)
	vals := make([]value, len(raw))
	for f, k := range ix.m.kinds {
		if k != KindIgnore {
			vals[f] = prepare(k, raw[f])
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if _, dup := ix.byID[r.ID]; dup {
		return Resolution{}, &RecordError{Index: -1, ID: r.ID, Err: errDuplicateID}
	}
	var cands []uint32
	ix.keys(vals, func(k uint64) {
		b := ix.blocks[k]
		if len(b) > ix.m.o.blockCap {
			b = b[len(b)-ix.m.o.blockCap:]
		}
		cands = append(cands, b...)
	})
	slices.Sort(cands)
	cands = slices.Compact(cands)
	i := ix.insert(Record{ID: r.ID, Values: slices.Clone(r.Values)}, vals)
	type scored struct {
		j int
		w float64
		p float64
	}
	var hits []scored
	for _, c := range cands {
		j := int(c)
		g := ix.d.gamma(j, i)
		var w, p float64
		if ix.sc == nil {
			if _, ok := ix.m.ruleMatch(ix.d, j, i); !ok {
				continue
			}
			w, p = 1, 1
		} else {
			w = ix.weight(j, i, g)
			var why string
			if why, p = ix.m.limit(ix.model, ix.d.rec(j), vals, g, probability(w)); why == LimitHousehold {
				continue
			}
		}
		if p >= ix.m.o.review {
			hits = append(hits, scored{j, w, p})
		}
	}
	slices.SortFunc(hits, func(a, b scored) int {
		if a.p != b.p {
			if a.p > b.p {
				return -1
			}
			return 1
		}
		if a.w != b.w {
			if a.w > b.w {
				return -1
			}
			return 1
		}
		return a.j - b.j
	})
	res := Resolution{ID: r.ID}
	for _, h := range hits {
		ex := ix.m.explain(ix.d, ix.model, ix.sc, h.j, i)
		ex.Weight = h.w
		if h.p >= ix.m.o.threshold {
			if !ix.c.union(h.j, i) {
				res.Refused++
			}
			res.Matches = append(res.Matches, ex)
		} else {
			res.Review = append(res.Review, ex)
		}
	}
	ms := ix.c.members(i)
	res.Cluster, res.Size = ix.d.ids[ms[0]], len(ms)
	return res, nil
}

// forceUnion joins two clusters without consulting the guards (used to load
// clusters a batch already decided).
func (c *clusterer) forceUnion(i, j int) {
	saved := c.guards
	c.guards = nil
	a, b := c.find(int32(i)), c.find(int32(j))
	c.union(i, j)
	c.guards = saved
	if len(saved) > 0 && a != b {
		// Rebuild the held lists of the merged root from both sides.
		root := c.find(int32(i))
		merged := make([][]int32, len(saved))
		for g, f := range saved {
			seen := map[string]bool{}
			for _, x := range append(c.holdersOf(a, g, f), c.holdersOf(b, g, f)...) {
				k := c.d.vals[int(x)*c.d.nf+f].key
				if !seen[k] && len(merged[g]) < guardListCap {
					seen[k] = true
					merged[g] = append(merged[g], x)
				}
			}
		}
		delete(c.held, a)
		delete(c.held, b)
		c.held[root] = merged
	}
}

func (c *clusterer) holdersOf(r int32, g, f int) []int32 {
	if h, ok := c.held[r]; ok {
		return h[g]
	}
	if c.d.vals[int(r)*c.d.nf+f].key == "" {
		return nil
	}
	return []int32{r}
}
