package match

import (
	"context"
	"slices"
	"time"
)

func nowSeconds() float64 { return float64(time.Now().UnixNano()) / 1e9 }

// guardListCap is how many holders of a guarded field's values a cluster
// remembers per field. Every holder is kept, not one per distinct value, so
// that a record whose value disagrees is checked against each record of the
// cluster holding a value, as the engine checks every member: a namesake
// that scores as similar to one holder of a birth date may not score so
// against another (written in Latin script, say), and the guard then
// refuses, here and in the engine alike. Clusters with more holders than
// this check against the first ones only.
const guardListCap = 64

// clusterer is a union–find over records whose roots remember the distinct
// values of the guarded fields, so that a merge bringing two conflicting
// values into one cluster can be refused.
type clusterer struct {
	parent []int32
	size   []int32
	next   []int32 // circular list of each cluster's members
	guards []int
	kinds  []Kind
	d      *dataset
	// held[root] lists, per guard, the records holding a value (nil = none).
	held map[int32][][]int32
	// similar reports whether two records score as a likely match on their
	// own; a disagreeing guarded value between such records is no conflict.
	similar func(i, j int) bool
}

func newClusterer(d *dataset, guards []int) *clusterer {
	c := &clusterer{guards: guards, kinds: d.kinds, d: d, held: map[int32][][]int32{}}
	c.grow(d.n())
	return c
}

func (c *clusterer) grow(n int) {
	for i := len(c.parent); i < n; i++ {
		c.parent = append(c.parent, int32(i))
		c.size = append(c.size, 1)
		c.next = append(c.next, int32(i))
	}
}

func (c *clusterer) find(i int32) int32 {
	for c.parent[i] != i {
		c.parent[i] = c.parent[c.parent[i]]
		i = c.parent[i]
	}
	return i
}

// holders returns the records of root r's cluster holding a value of guard g.
func (c *clusterer) holders(r int32, g int) []int32 {
	if h, ok := c.held[r]; ok {
		return h[g]
	}
	f := c.guards[g]
	if c.d.vals[int(r)*c.d.nf+f].key == "" {
		return nil
	}
	return []int32{r}
}

// conflict reports whether merging the clusters of roots a and b would put
// two disagreeing guarded values together.
func (c *clusterer) conflict(a, b int32) bool {
	for g, f := range c.guards {
		ha, hb := c.holders(a, g), c.holders(b, g)
		for _, x := range ha {
			for _, y := range hb {
				vx, vy := &c.d.vals[int(x)*c.d.nf+f], &c.d.vals[int(y)*c.d.nf+f]
				strict := c.kinds[f] == KindID && vx.ok && vy.ok // two valid identifiers
				if compare(c.kinds[f], vx, vy) == uint8(len(levelNames[c.kinds[f]])-1) &&
					(strict || c.similar == nil || !c.similar(int(x), int(y))) {
					return true
				}
			}
		}
	}
	return false
}

// union merges the clusters of i and j unless a guard refuses; it reports
// whether they are now (or were already) one cluster.
func (c *clusterer) union(i, j int) bool {
	a, b := c.find(int32(i)), c.find(int32(j))
	if a == b {
		return true
	}
	if len(c.guards) > 0 && c.conflict(a, b) {
		return false
	}
	if c.size[a] < c.size[b] {
		a, b = b, a
	}
	if len(c.guards) > 0 {
		merged := make([][]int32, len(c.guards))
		for g := range c.guards {
			ha, hb := c.holders(a, g), c.holders(b, g)
			list := append([]int32(nil), ha...)
			for _, y := range hb {
				if len(list) >= guardListCap {
					break
				}
				list = append(list, y)
			}
			merged[g] = list
		}
		delete(c.held, b)
		c.held[a] = merged
	}
	c.parent[b] = a
	c.size[a] += c.size[b]
	c.next[a], c.next[b] = c.next[b], c.next[a]
	return true
}

// cluster merges matching pairs, most probable first, into clusters.
func (m *Matcher) cluster(ctx context.Context, d *dataset, res *Result) error {
	c := newClusterer(d, m.guards)
	c.similar = m.similarFunc(d, res.Model)
	never := newNeverLinks(res.labels)
	for _, pk := range res.otherCompanies {
		never.add(pk, LimitOtherCompany)
	}
	refuse := func(p Pair, why string) {
		if res.refused == nil {
			res.refused = map[uint64]string{}
		}
		res.refused[pack(uint32(p.A), uint32(p.B))] = why
	}
	// Confirmed pairs first, whatever the guards say (but never against a
	// rejection).
	for _, p := range res.Pairs {
		if same, ok := res.labels[pack(uint32(p.A), uint32(p.B))]; !ok || !same {
			continue
		}
		a, b := c.find(int32(p.A)), c.find(int32(p.B))
		if why := never.apart(c, a, b); a != b && why != "" {
			refuse(p, why)
			continue
		}
		c.forceUnion(p.A, p.B)
		never.merged(c, a, b)
	}
	for k, p := range res.Pairs {
		if k&0xFFFF == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if p.Probability < m.o.threshold {
			break // pairs are sorted by probability
		}
		a, b := c.find(int32(p.A)), c.find(int32(p.B))
		if a == b {
			continue
		}
		if why := never.apart(c, a, b); why != "" {
			refuse(p, why)
			continue
		}
		if !c.union(p.A, p.B) {
			res.Stats.GuardRefusals++
			refuse(p, LimitGuard)
			continue
		}
		never.merged(c, a, b)
	}
	res.ClusterOf, res.Stats.Clusters = c.numbers()
	sizes := make([]int, res.Stats.Clusters)
	for _, cl := range res.ClusterOf {
		sizes[cl]++
	}
	for cl, s := range sizes {
		res.Stats.LargestCluster = max(res.Stats.LargestCluster, s)
		if s > m.o.maxCluster {
			res.Stats.Oversized = append(res.Stats.Oversized, cl)
		}
	}
	m.report(Progress{Stage: "cluster", Done: d.n(), Total: d.n()})
	return nil
}

// numbers assigns cluster numbers in order of first appearance.
func (c *clusterer) numbers() ([]int, int) {
	num := make(map[int32]int)
	out := make([]int, len(c.parent))
	for i := range c.parent {
		r := c.find(int32(i))
		n, ok := num[r]
		if !ok {
			n = len(num)
			num[r] = n
		}
		out[i] = n
	}
	return out, len(num)
}

// oneToOne keeps, most probable first, the links whose records are both
// still free; pairs below the threshold are dropped.
func oneToOne(pairs []Pair, threshold float64) []Pair {
	usedA, usedB := map[int]bool{}, map[int]bool{}
	var out []Pair
	for _, p := range pairs {
		if p.Probability < threshold || usedA[p.A] || usedB[p.B] {
			continue
		}
		usedA[p.A], usedB[p.B] = true, true
		out = append(out, p)
	}
	return out
}

// guardLikely is the probability at or above which two records holding
// disagreeing guarded values are still taken as possibly the same entity (a
// typo in a birth date), so that the guard does not separate them.
const guardLikely = 0.01

// similarFunc returns the test of whether two records are a plausible match
// by themselves (probability at least guardLikely by the model's
// guardModel, or a rule match).
func (m *Matcher) similarFunc(d *dataset, model *Model) func(i, j int) bool {
	if len(m.rules) > 0 || model == nil {
		return func(i, j int) bool { _, ok := m.ruleMatch(d, i, j); return ok }
	}
	sc := newScorer(model.guardModel(), d, !m.o.noTF)
	return func(i, j int) bool { return probability(sc.weight(i, j, d.gamma(i, j))) >= guardLikely }
}

// members returns the records of i's cluster, in index order.
func (c *clusterer) members(i int) []int {
	out := []int{i}
	for j := c.next[i]; int(j) != i; j = c.next[j] {
		out = append(out, int(j))
	}
	slices.Sort(out)
	return out
}

// neverLinks keeps the pairs that may never share a cluster (rejected by
// a person, other companies of a group): which records must stay apart
// from which, why, and, per cluster root, its records that have such a
// constraint.
type neverLinks struct {
	with   map[int32][]int32 // record -> records it must stay apart from
	why    map[uint64]string // packed pair -> reason (a Limit)
	byRoot map[int32][]int32 // root -> its records with constraints
}

func newNeverLinks(labels map[uint64]bool) *neverLinks {
	n := &neverLinks{with: map[int32][]int32{}, why: map[uint64]string{}, byRoot: map[int32][]int32{}}
	for pk, same := range labels {
		if !same {
			n.add(pk, LimitRejected)
		}
	}
	return n
}

// add keeps the records of packed pair pk apart, for reason why (the
// first reason given stays).
func (n *neverLinks) add(pk uint64, why string) {
	if _, ok := n.why[pk]; ok {
		return
	}
	n.why[pk] = why
	a, b := int32(pk>>32), int32(pk&0xFFFFFFFF)
	for _, x := range [2]int32{a, b} {
		if len(n.with[x]) == 0 {
			n.byRoot[x] = append(n.byRoot[x], x)
		}
	}
	n.with[a] = append(n.with[a], b)
	n.with[b] = append(n.with[b], a)
}

// apart returns why merging the clusters of roots a and b would put a
// pair that must stay apart in one cluster ("" when it would not).
func (n *neverLinks) apart(c *clusterer, a, b int32) string {
	if len(n.with) == 0 {
		return ""
	}
	for _, x := range n.byRoot[a] {
		for _, y := range n.with[x] {
			if c.find(y) == b {
				return n.why[pack(uint32(x), uint32(y))]
			}
		}
	}
	return ""
}

// merged records that roots a and b are now one cluster.
func (n *neverLinks) merged(c *clusterer, a, b int32) {
	if len(n.with) == 0 {
		return
	}
	r := c.find(a)
	list := append(n.byRoot[a], n.byRoot[b]...)
	delete(n.byRoot, a)
	delete(n.byRoot, b)
	if len(list) > 0 {
		n.byRoot[r] = list
	}
}
