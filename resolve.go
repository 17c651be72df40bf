package c360

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
)

// The canonical resolution that Upsert documents: edges, clusters, and
// the writing of what changed.

// cnode is a record in a resolution.
type cnode struct {
	key   customer.RecordKey
	prep  *match.Prepared
	never []customer.RecordKey // sorted
}

// cedge is an edge between nodes a and b.
type cedge struct {
	a, b      int
	w         float64
	confirmed bool
}

// canonical clusters nodes along edges in canonical order.
func canonical(nodes []cnode, edges []cedge, conflict func(a, b *match.Prepared) bool) [][]int {
	for i, e := range edges {
		if compareKeys(nodes[e.a].key, nodes[e.b].key) > 0 {
			edges[i].a, edges[i].b = e.b, e.a
		}
	}
	slices.SortFunc(edges, func(x, y cedge) int {
		if x.confirmed != y.confirmed {
			if x.confirmed {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(y.w, x.w); c != 0 {
			return c
		}
		if c := compareKeys(nodes[x.a].key, nodes[y.a].key); c != 0 {
			return c
		}
		return compareKeys(nodes[x.b].key, nodes[y.b].key)
	})
	parent := make([]int, len(nodes))
	members := make([][]int, len(nodes))
	for i := range nodes {
		parent[i], members[i] = i, []int{i}
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, e := range edges {
		ra, rb := find(e.a), find(e.b)
		if ra == rb {
			continue
		}
		ok := true
	check:
		for _, x := range members[ra] {
			for _, y := range members[rb] {
				if _, never := slices.BinarySearchFunc(nodes[x].never, nodes[y].key, compareKeys); never {
					ok = false
					break check
				}
				if !e.confirmed && conflict(nodes[x].prep, nodes[y].prep) {
					ok = false
					break check
				}
			}
		}
		if !ok {
			continue
		}
		if len(members[ra]) < len(members[rb]) || len(members[ra]) == len(members[rb]) && rb < ra {
			ra, rb = rb, ra
		}
		parent[rb] = ra
		members[ra] = append(members[ra], members[rb]...)
		members[rb] = nil
	}
	var out [][]int
	for i := range nodes {
		if find(i) == i {
			c := members[i]
			slices.SortFunc(c, func(x, y int) int { return compareKeys(nodes[x].key, nodes[y].key) })
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(x, y []int) int { return compareKeys(nodes[x[0]].key, nodes[y[0]].key) })
	return out
}

// maxComponent bounds the records resolved again around one change; a
// component beyond it (a sign of a blocking or threshold problem) is
// resolved on its first maxComponent records reached, and the rest keep
// their profiles.
const maxComponent = 5000

// resolution is what resolve did.
type resolution struct {
	profileOf map[customer.RecordKey]customer.ID // the component's records → their profile now
	absorbed  map[customer.ID]customer.ID        // profile → the one it was merged into
	created   []customer.ID
	updated   []customer.ID
	fields    map[customer.ID][]FieldChange
	cursor    Cursor
}

// resolveOpts carry what a resolution needs beyond the stored state.
type resolveOpts struct {
	// pending are records whose new version is not in any profile yet.
	pending map[customer.RecordKey]customer.SourceRecord
	// dropped are records leaving the engine (none today but kept general).
	// pin asks for profile IDs to be given to the block holding a record.
	pin map[customer.ID]customer.RecordKey
	// cause is the record (or zero) to name in the change feed.
	cause customer.RecordKey
	// extra are profiles to include whole (e.g. the one a changed record
	// left, or both sides of an unmerge).
	extra []customer.ID
	// unmerged is the ID an Unmerge restores: the change feed says
	// "unmerged" for the profile it came out of.
	unmerged customer.ID
}

// resolve resolves the component around the seed records again and writes
// what changed: profiles rebuilt, created, merged (with redirects) or
// deleted, links moved, and the change feed.
func (u *upserter) resolve(seeds []customer.RecordKey, o resolveOpts) (*resolution, error) {
	// Gather the component: edges and profile membership, breadth first.
	index := map[customer.RecordKey]int{}
	var nodes []cnode
	var queue []customer.RecordKey
	seenProfile := map[customer.ID]bool{}
	before := map[customer.RecordKey]customer.ID{} // link profile before
	add := func(k customer.RecordKey) {
		if _, ok := index[k]; !ok && len(nodes) < maxComponent {
			index[k] = len(nodes)
			nodes = append(nodes, cnode{key: k})
			queue = append(queue, k)
		}
	}
	addProfile := func(id customer.ID) error {
		if id == "" || seenProfile[id] {
			return nil
		}
		seenProfile[id] = true
		p, err := u.profile(id)
		if err != nil {
			return err
		}
		for _, s := range p.Sources {
			add(s.Key())
		}
		return nil
	}
	for _, k := range seeds {
		add(k)
	}
	for _, id := range o.extra {
		if err := addProfile(id); err != nil {
			return nil, err
		}
	}
	var links []*Link
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		l, err := u.link(k)
		if err != nil {
			return nil, err
		}
		i := index[k]
		for len(links) <= i {
			links = append(links, nil)
		}
		links[i] = l
		before[k] = l.Profile
		if _, pending := o.pending[k]; !pending || l.Profile != "" {
			if err := addProfile(l.Profile); err != nil {
				return nil, err
			}
		}
		for _, e := range l.Edges {
			add(e.Record)
		}
	}
	// Nodes and edges.
	var edges []cedge
	for i := range nodes {
		l := links[i]
		p, err := u.e.prepared(u.sc, nodes[i].key, l)
		if err != nil {
			return nil, err
		}
		nodes[i].prep = p
		if nodes[i].never, err = u.tx.NeverMerge(nodes[i].key); err != nil {
			return nil, err
		}
		for _, e := range l.Edges {
			j, ok := index[e.Record]
			if !ok || j <= i {
				continue // each edge once, from its lower end (both ends hold it)
			}
			edges = append(edges, cedge{a: i, b: j, w: e.Weight, confirmed: e.Confirmed})
		}
	}
	// Edges held by one end only are taken too (a lower end listed later).
	seenEdge := map[[2]int]bool{}
	for _, e := range edges {
		seenEdge[[2]int{e.a, e.b}] = true
	}
	for i := range nodes {
		for _, e := range links[i].Edges {
			j, ok := index[e.Record]
			if !ok || j >= i || seenEdge[[2]int{j, i}] {
				continue
			}
			seenEdge[[2]int{j, i}] = true
			edges = append(edges, cedge{a: j, b: i, w: e.Weight, confirmed: e.Confirmed})
		}
	}
	blocks := canonical(nodes, edges, u.sc.ConflictOf)
	return u.apply(nodes, index, links, blocks, before, o)
}

// apply writes a resolution's blocks: it gives each block a profile ID
// (the existing profile that holds most of its records keeps its ID; a
// pinned ID goes to the block holding its record), rebuilds what changed,
// records merges of profiles left without a block, and moves links.
func (u *upserter) apply(nodes []cnode, index map[customer.RecordKey]int, links []*Link, blocks [][]int, before map[customer.RecordKey]customer.ID, o resolveOpts) (*resolution, error) {
	res := &resolution{profileOf: map[customer.RecordKey]customer.ID{}, absorbed: map[customer.ID]customer.ID{}, fields: map[customer.ID][]FieldChange{}}
	blockOf := make([]int, len(nodes))
	for b, blk := range blocks {
		for _, i := range blk {
			blockOf[i] = b
		}
	}
	// Existing profiles and their overlap with each block.
	type overlap struct {
		id    customer.ID
		block int
		n     int
		at    int64
	}
	var ov []overlap
	counts := map[customer.ID]map[int]int{}
	for i, n := range nodes {
		id := before[n.key]
		if id == "" {
			continue
		}
		if counts[id] == nil {
			counts[id] = map[int]int{}
		}
		counts[id][blockOf[i]]++
	}
	ids := make([]customer.ID, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		p, err := u.profile(id)
		if err != nil {
			return nil, err
		}
		for b, n := range counts[id] {
			ov = append(ov, overlap{id, b, n, p.CreatedAt.UnixNano()})
		}
	}
	slices.SortFunc(ov, func(x, y overlap) int {
		if c := cmp.Compare(y.n, x.n); c != 0 {
			return c
		}
		if c := cmp.Compare(x.at, y.at); c != 0 {
			return c
		}
		if c := cmp.Compare(x.id, y.id); c != 0 {
			return c
		}
		return cmp.Compare(x.block, y.block)
	})
	blockID := make([]customer.ID, len(blocks))
	used := map[customer.ID]bool{}
	for id, k := range o.pin {
		if i, ok := index[k]; ok && blockID[blockOf[i]] == "" {
			blockID[blockOf[i]], used[id] = id, true
		}
	}
	for _, x := range ov {
		if !used[x.id] && blockID[x.block] == "" {
			blockID[x.block], used[x.id] = x.id, true
		}
	}
	for b, blk := range blocks {
		if blockID[b] == "" {
			id, err := u.newID(nodes[blk[0]].key)
			if err != nil {
				return nil, err
			}
			blockID[b] = id
			used[id] = true
		}
	}
	// Profiles left without a block are absorbed by the block holding most
	// of their records.
	for _, x := range ov {
		if used[x.id] {
			continue
		}
		if _, done := res.absorbed[x.id]; !done {
			res.absorbed[x.id] = blockID[x.block]
		}
	}
	// The records' bodies, read before any profile is rebuilt.
	body := make([]customer.SourceRecord, len(nodes))
	for i, n := range nodes {
		if r, ok := o.pending[n.key]; ok {
			body[i] = r
			continue
		}
		p, err := u.profile(before[n.key])
		if err != nil {
			return nil, err
		}
		s, ok := p.Source(n.key)
		if !ok {
			return nil, fmt.Errorf("c360: record %s is not in its profile %s", n.key, before[n.key])
		}
		body[i] = *s
	}
	// Write the blocks.
	for b, blk := range blocks {
		id := blockID[b]
		changed := false
		var recs []customer.SourceRecord
		for _, i := range blk {
			k := nodes[i].key
			if before[k] != id {
				changed = true
			}
			if _, ok := o.pending[k]; ok {
				changed = true
			}
			recs = append(recs, body[i])
		}
		old, err := u.profile(id)
		switch {
		case err == nil:
			if !changed && len(old.Sources) == len(recs) {
				for _, i := range blk {
					res.profileOf[nodes[i].key] = id
				}
				continue
			}
		case isNotFound(err):
			old = nil
		default:
			return nil, err
		}
		createdAt := u.now
		if old != nil {
			createdAt = old.CreatedAt
		}
		np, err := u.build(id, recs, createdAt, old)
		if err != nil {
			return nil, err
		}
		res.fields[id] = diffProfiles(old, np)
		if old == nil {
			res.created = append(res.created, id)
		} else {
			res.updated = append(res.updated, id)
		}
		for _, i := range blk {
			k := nodes[i].key
			res.profileOf[k] = id
		}
	}
	// Links: profile and the best in-profile match.
	for i, n := range nodes {
		l := links[i]
		id := res.profileOf[n.key]
		var best *Edge
		for k := range l.Edges {
			e := &l.Edges[k]
			if res.profileOf[e.Record] != id {
				continue
			}
			if best == nil || e.Confirmed && !best.Confirmed || e.Confirmed == best.Confirmed && e.Weight > best.Weight {
				best = e
			}
		}
		if l.Profile == id && (best == nil && l.Match == nil || best != nil && l.Match != nil && l.Match.B == best.Record.String()) {
			continue
		}
		var m *match.Explanation
		if best != nil {
			j, ok := index[best.Record]
			if ok {
				m = explain(u.sc, nodes[i].prep, nodes[j].prep)
			}
		}
		l.Profile, l.Match = id, m
		if err := u.tx.PutLink(l); err != nil {
			return nil, err
		}
	}
	// Absorbed profiles: redirect, remove.
	absorbedIDs := make([]customer.ID, 0, len(res.absorbed))
	for id := range res.absorbed {
		absorbedIDs = append(absorbedIDs, id)
	}
	slices.Sort(absorbedIDs)
	for _, id := range absorbedIDs {
		p, err := u.profile(id)
		if err != nil {
			return nil, err
		}
		var keys []customer.RecordKey
		for _, s := range p.Sources {
			keys = append(keys, s.Key())
		}
		if err := u.tx.PutMerge(&Merge{Survivor: res.absorbed[id], Absorbed: id, Records: keys, Cause: o.cause, CreatedAt: p.CreatedAt, At: u.now}); err != nil {
			return nil, err
		}
		if err := u.tx.Put(bAliases, string(res.absorbed[id]), string(id), nil); err != nil {
			return nil, err
		}
		if err := u.tx.DeleteProfile(id); err != nil {
			return nil, err
		}
		delete(u.profiles, id)
	}
	// The change feed: one entry per profile, merges naming what they
	// absorbed.
	absorbedBy := map[customer.ID][]customer.ID{}
	for _, id := range absorbedIDs {
		absorbedBy[res.absorbed[id]] = append(absorbedBy[res.absorbed[id]], id)
	}
	var err error
	for _, id := range res.created {
		kind := ChangeCreated
		if len(absorbedBy[id]) > 0 {
			kind = ChangeMerged
		}
		if res.cursor, err = u.tx.AppendChange(&Change{Kind: kind, Profile: id, Absorbed: absorbedBy[id], Fields: res.fields[id], Record: o.cause, At: u.now}); err != nil {
			return nil, err
		}
	}
	for _, id := range res.updated {
		kind, abs := ChangeUpdated, absorbedBy[id]
		if len(abs) > 0 {
			kind = ChangeMerged
		} else if o.unmerged != "" && id != o.unmerged {
			kind, abs = ChangeUnmerged, []customer.ID{o.unmerged}
		}
		if res.cursor, err = u.tx.AppendChange(&Change{Kind: kind, Profile: id, Absorbed: abs, Fields: res.fields[id], Record: o.cause, At: u.now}); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// explain returns why a matches b, as stored.
func explain(sc *match.Scorer, a, b *match.Prepared) *match.Explanation {
	s := sc.Match(a, []*match.Prepared{b}, 0)
	if len(s) == 0 {
		return nil // vetoed: held together by a person's confirmation
	}
	ex := storable(s[0].Explanation)
	return &ex
}

// finite maps the infinite weights of deterministic rules (a rule match is
// certain) to the largest finite ones, which JSON can hold and which sort
// the same way; NaN, which no score gives, to 0.
func finite(w float64) float64 {
	switch {
	case math.IsInf(w, 1):
		return math.MaxFloat64
	case math.IsInf(w, -1):
		return -math.MaxFloat64
	case math.IsNaN(w):
		return 0
	}
	return w
}

// storable returns ex with finite weights, as stores keep it.
func storable(ex match.Explanation) match.Explanation {
	ex.Weight, ex.Prior = finite(ex.Weight), finite(ex.Prior)
	if len(ex.Fields) > 0 {
		fs := make([]match.Contribution, len(ex.Fields))
		for i, c := range ex.Fields {
			c.Weight = finite(c.Weight)
			fs[i] = c
		}
		ex.Fields = fs
	}
	return ex
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
