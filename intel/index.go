package intel

import (
	"cmp"
	"github.com/c360/c360/customer"
	"unicode/utf8"

	"math"
	"slices"
	"strings"
	"sync"
)

// The search index: an in-memory inverted index over normalised text.
//
// Every indexed item gets a document number (uint32, assigned in insertion
// order). Each term maps to a posting list: the sorted document numbers that
// contain it and, for text terms, the term frequency (uint8, saturating).
// Filter values that are sets (tags, linked customers, accounts and
// competitors) are indexed as postings too, under keys that text terms can
// never take (they start with a NUL byte, which normalize.Text removes).
// Kind, category and source are kept as one bitset of documents per value;
// capture time, length and access control in a fixed-size record per
// document; access-control fields are interned,
// because many items share the same author, visibility and grants.
//
// An update appends a new document and marks the old one dead; dead
// documents stay in posting lists (skipped at query time) until the index is
// rebuilt with Hub.Load.
//
// Query evaluation intersects the posting lists smallest first, advancing
// the longer lists by galloping search, checks the per-document filters and
// access control of each candidate, scores it with BM25 (k1 = 1.2, b = 0.75,
// title terms counted twice) and keeps the best k in a heap.

const (
	bm25K1      = 1.2
	bm25B       = 0.75
	titleWeight = 2
)

type posting struct {
	docs []uint32
	tfs  []uint8 // nil for filter postings
}

type docMeta struct {
	captured int64
	acl      uint32
	length   uint32
	org      bool // ScopeOrg: visible to every principal, no ACL lookup needed
}

type aclEntry struct {
	author PrincipalID
	vis    Visibility
	grants []Grantee
}

type index struct {
	mu sync.RWMutex
	indexData
}

// indexData is everything the index holds; Hub.Load swaps it whole.
type indexData struct {
	terms     map[string]*posting
	docs      []docMeta
	ids       []ID
	live      []uint64
	byID      map[ID]docRef
	nLive     int
	sumLen    uint64
	acls      []aclEntry
	aclKeys   map[string]uint32
	aclSimple map[simpleACL]uint32
	codes     map[string]uint16
	aclCache  *principalCache
	// codeBits holds, per kind, category or source code, a bitset of the
	// documents with that value: filters test a bit instead of reading the
	// document record.
	codeBits [][]uint64
	// bigrams lists, per CJK character, the bigram terms that contain it,
	// so that a one-character query finds the character inside words.
	bigrams map[rune][]string
}

// Prefixes of filter keys.
const (
	keyTag        = "\x00t"
	keyCustomer   = "\x00c"
	keyAccount    = "\x00a"
	keyCompetitor = "\x00p"
)

// analyzed is an item cut into terms, ready to insert.
type analyzed struct {
	terms  []string
	tfs    []uint8
	length uint32
	filter []string
}

// analyzeItem runs the text analysis outside the index lock. counts is a
// scratch map (cleared on return); the result reuses the slices of buf
// (which may be the zero value), so a bulk load allocates little.
func analyzeItem(it *Item, counts map[string]int, buf analyzed) analyzed {
	title, body := itemText(it)
	analyze(title, func(t string, _, _ int) { counts[t] += titleWeight })
	analyze(body, func(t string, _, _ int) { counts[t]++ })
	a := analyzed{terms: buf.terms[:0], tfs: buf.tfs[:0], filter: buf.filter[:0]}
	for t, n := range counts {
		a.terms = append(a.terms, t)
		a.tfs = append(a.tfs, uint8(min(n, math.MaxUint8)))
		a.length += uint32(n)
	}
	clear(counts)
	addF := func(k string) {
		if !slices.Contains(a.filter, k) {
			a.filter = append(a.filter, k)
		}
	}
	for _, t := range it.Tags {
		addF(keyTag + tagKey(t))
	}
	for _, c := range it.Links.Customers {
		addF(keyCustomer + string(c))
	}
	for _, c := range it.Links.Accounts {
		addF(keyAccount + string(c))
	}
	for _, c := range it.Links.Competitors {
		addF(keyCompetitor + competitorKey(c))
	}
	return a
}

func (ix *index) code(v string) uint16 {
	if c, ok := ix.codes[v]; ok {
		return c
	}
	if ix.codes == nil {
		ix.codes = map[string]uint16{}
	}
	if len(ix.codes) >= math.MaxUint16 {
		return math.MaxUint16 // overflow: values past the 65535th are not filterable
	}
	c := uint16(len(ix.codes))
	ix.codes[strings.Clone(v)] = c
	return c
}

// docRef is the live document of an item and the item version it holds.
type docRef struct {
	doc     uint32
	version int64
}

// simpleACL is the map key of the common access shapes: an author, a
// scope and at most one team, no named people and no grants.
type simpleACL struct {
	author PrincipalID
	scope  Scope
	team   TeamID
}

func (ix *index) aclOf(it *Item) uint32 {
	v := &it.Visibility
	if len(v.People) == 0 && len(it.Grants) == 0 && len(v.Teams) <= 1 {
		k := simpleACL{author: it.Author, scope: v.Scope}
		if len(v.Teams) == 1 {
			k.team = v.Teams[0]
		}
		if id, ok := ix.aclSimple[k]; ok {
			return id
		}
		if ix.aclSimple == nil {
			ix.aclSimple = map[simpleACL]uint32{}
		}
		id := ix.newACL(it)
		ix.aclSimple[k] = id
		return id
	}
	var b strings.Builder
	b.WriteString(string(it.Author))
	b.WriteByte(0)
	b.WriteByte(byte(v.Scope))
	for _, t := range v.Teams {
		b.WriteString("\x00t")
		b.WriteString(string(t))
	}
	for _, p := range v.People {
		b.WriteString("\x00p")
		b.WriteString(string(p))
	}
	for _, g := range it.Grants {
		b.WriteByte(0)
		b.WriteByte('g')
		b.WriteByte(byte(g.Kind))
		b.WriteString(g.ID)
	}
	k := b.String()
	if id, ok := ix.aclKeys[k]; ok {
		return id
	}
	if ix.aclKeys == nil {
		ix.aclKeys = map[string]uint32{}
	}
	id := ix.newACL(it)
	ix.aclKeys[k] = id
	return id
}

func (ix *index) newACL(it *Item) uint32 {
	id := uint32(len(ix.acls))
	ix.acls = append(ix.acls, aclEntry{
		author: it.Author,
		vis: Visibility{Scope: it.Visibility.Scope,
			Teams: slices.Clone(it.Visibility.Teams), People: slices.Clone(it.Visibility.People)},
		grants: slices.Clone(it.Grants),
	})
	return id
}

// put indexes item it (replacing an earlier version) from its analysis.
func (ix *index) put(it *Item, a analyzed) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.terms == nil {
		ix.terms = map[string]*posting{}
		ix.byID = map[ID]docRef{}
		ix.aclCache = &principalCache{}
	}
	if old, ok := ix.byID[it.ID]; ok {
		if old.version > it.Version && it.Version != 0 {
			return // a newer version was indexed by a concurrent write
		}
		ix.removeLocked(old.doc)
	}
	if len(ix.docs) >= math.MaxUint32 {
		return // the index is full; Load rebuilds it compactly
	}
	d := uint32(len(ix.docs))
	ix.docs = append(ix.docs, docMeta{
		captured: it.CapturedAt.UnixNano(),
		acl:      ix.aclOf(it),
		length:   a.length,
		org:      it.Visibility.Scope == ScopeOrg,
	})
	ix.setCodeBit(ix.code("k"+string(it.Kind)), d)
	ix.setCodeBit(ix.code("c"+string(it.Category)), d)
	ix.setCodeBit(ix.code("s"+string(it.Source)), d)
	ix.ids = append(ix.ids, it.ID)
	if int(d)/64 >= len(ix.live) {
		ix.live = append(ix.live, 0)
	}
	ix.live[d/64] |= 1 << (d % 64)
	ix.byID[it.ID] = docRef{doc: d, version: it.Version}
	ix.nLive++
	ix.sumLen += uint64(a.length)
	for i, t := range a.terms {
		p := ix.terms[t]
		if p == nil {
			p = &posting{}
			t = strings.Clone(t)
			ix.terms[t] = p
			ix.noteBigram(t)
		}
		p.docs = append(p.docs, d)
		p.tfs = append(p.tfs, a.tfs[i])
	}
	for _, t := range a.filter {
		p := ix.terms[t]
		if p == nil {
			p = &posting{}
			ix.terms[t] = p
		}
		p.docs = append(p.docs, d)
	}
}

func (ix *index) remove(id ID) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if r, ok := ix.byID[id]; ok {
		ix.removeLocked(r.doc)
	}
}

func (ix *index) removeLocked(d uint32) {
	ix.live[d/64] &^= 1 << (d % 64)
	delete(ix.byID, ix.ids[d])
	ix.nLive--
	ix.sumLen -= uint64(ix.docs[d].length)
}

// compact trims the spare capacity of every posting list (after a bulk
// load).
func (ix *index) compact() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, p := range ix.terms {
		if cap(p.docs) > len(p.docs) {
			p.docs = slices.Clone(p.docs)
		}
		if p.tfs != nil && cap(p.tfs) > len(p.tfs) {
			p.tfs = slices.Clone(p.tfs)
		}
	}
	ix.docs = slices.Clone(ix.docs)
	ix.ids = slices.Clone(ix.ids)
}

// cursor walks one posting list during intersection.
type cursor struct {
	docs []uint32
	tfs  []uint8
	pos  int
	idf  float64
}

// seek advances c to the first position whose doc is >= d (galloping, then
// binary search) and reports whether that doc equals d.
func (c *cursor) seek(d uint32) bool {
	docs := c.docs
	i := c.pos
	if i >= len(docs) {
		return false
	}
	if docs[i] >= d {
		return docs[i] == d
	}
	step := 1
	lo := i
	hi := i + step
	for hi < len(docs) && docs[hi] < d {
		lo = hi
		step <<= 1
		hi = lo + step
	}
	if hi > len(docs) {
		hi = len(docs)
	}
	// docs[lo] < d; find first >= d in (lo, hi].
	j, _ := slices.BinarySearch(docs[lo+1:hi], d)
	c.pos = lo + 1 + j
	return c.pos < len(docs) && docs[c.pos] == d
}

// hit is one scored document.
type hit struct {
	doc      uint32
	score    float64
	captured int64
	id       ID
}

// better reports whether a ranks before b: higher score, then newer, then
// smaller ID.
func better(a, b *hit) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.captured != b.captured {
		return a.captured > b.captured
	}
	return a.id < b.id
}

// topK is a bounded heap whose root is the worst kept hit.
type topK struct {
	k int
	h []hit
}

func (t *topK) offer(x hit) {
	if len(t.h) < t.k {
		t.h = append(t.h, x)
		for i := len(t.h) - 1; i > 0; {
			p := (i - 1) / 2
			if !better(&t.h[p], &t.h[i]) {
				break
			}
			t.h[p], t.h[i] = t.h[i], t.h[p]
			i = p
		}
		return
	}
	if !better(&x, &t.h[0]) {
		return
	}
	t.h[0] = x
	for i := 0; ; {
		l, r, w := 2*i+1, 2*i+2, i
		if l < len(t.h) && better(&t.h[w], &t.h[l]) {
			w = l
		}
		if r < len(t.h) && better(&t.h[w], &t.h[r]) {
			w = r
		}
		if w == i {
			break
		}
		t.h[i], t.h[w] = t.h[w], t.h[i]
		i = w
	}
}

func (t *topK) sorted() []hit {
	slices.SortFunc(t.h, func(a, b hit) int {
		if better(&a, &b) {
			return -1
		}
		if better(&b, &a) {
			return 1
		}
		return 0
	})
	return t.h
}

// union merges sorted posting lists into one sorted list without
// duplicates.
func union(lists [][]uint32) []uint32 {
	var out []uint32
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// search returns the best limit hits visible to p and the number of
// visible matches.
func (ix *index) search(p Principal, c *compiled, limit int) ([]hit, int) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.nLive == 0 {
		return nil, 0
	}
	var curs []cursor
	n := float64(ix.nLive)
	textCurs := 0
	for _, t := range c.terms {
		pl := ix.terms[t]
		if r, ok := singleCJK(t); ok {
			pl = ix.charPosting(r, pl)
		}
		if pl == nil || len(pl.docs) == 0 {
			return nil, 0
		}
		df := min(float64(len(pl.docs)), n)
		curs = append(curs, cursor{docs: pl.docs, tfs: pl.tfs,
			idf: math.Log(1 + (n-df+0.5)/(df+0.5))})
		textCurs++
	}
	for _, t := range c.tags {
		pl := ix.terms[keyTag+t]
		if pl == nil {
			return nil, 0
		}
		curs = append(curs, cursor{docs: pl.docs})
	}
	for _, set := range []struct {
		prefix string
		vals   []string
	}{
		{keyCustomer, idStrings(c.customers)},
		{keyAccount, idStrings(c.accounts)},
		{keyCompetitor, c.competitors},
	} {
		if len(set.vals) == 0 {
			continue
		}
		var lists [][]uint32
		for _, v := range set.vals {
			if pl := ix.terms[set.prefix+v]; pl != nil {
				lists = append(lists, pl.docs)
			}
		}
		switch len(lists) {
		case 0:
			return nil, 0
		case 1:
			curs = append(curs, cursor{docs: lists[0]})
		default:
			curs = append(curs, cursor{docs: union(lists)})
		}
	}
	kinds, ok := ix.codeSet("k", stringsOf(c.kinds))
	if !ok {
		return nil, 0
	}
	cats, ok := ix.codeSet("c", stringsOf(c.categories))
	if !ok {
		return nil, 0
	}
	srcs, ok := ix.codeSet("s", stringsOf(c.sources))
	if !ok {
		return nil, 0
	}
	// Score uses the text cursors, which come first in curs; sort a
	// separate order for intersection.
	order := make([]int, len(curs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return len(curs[a].docs) - len(curs[b].docs) })

	avg := float64(ix.sumLen) / n
	normA, normB := bm25K1*(1-bm25B), bm25K1*bm25B/avg
	acl := ix.aclCache.get(p, len(ix.acls))
	defer ix.aclCache.put(p, acl)
	anonymous := p.ID == "" && len(p.Teams) == 0
	canSee := func(m *docMeta) bool {
		if m.org {
			return !anonymous
		}
		if v := acl[m.acl]; v != 0 {
			return v > 0
		}
		e := &ix.acls[m.acl]
		ok := visible(p, e.author, &e.vis, e.grants)
		acl[m.acl] = -1
		if ok {
			acl[m.acl] = 1
		}
		return ok
	}
	// metaOK checks the per-document filters; it runs before the other
	// posting lists are advanced, so a selective filter saves their seeks.
	// Access control runs after the intersection.
	var bitsets [][]uint64
	for _, b := range [][]uint64{kinds, cats, srcs} {
		if b != nil {
			bitsets = append(bitsets, b)
		}
	}
	timed := c.hasFrom || c.hasTo
	metaOK := func(d uint32) bool {
		w, bit := d/64, uint64(1)<<(d%64)
		if ix.live[w]&bit == 0 {
			return false
		}
		for _, b := range bitsets {
			if int(w) >= len(b) || b[w]&bit == 0 {
				return false
			}
		}
		if timed {
			m := &ix.docs[d]
			return (!c.hasFrom || m.captured >= c.from) && (!c.hasTo || m.captured < c.to)
		}
		return true
	}
	top := topK{k: limit}
	total := 0
	score := func(d uint32) {
		m := &ix.docs[d]
		if !canSee(m) {
			return
		}
		total++
		var sc float64
		if textCurs > 0 {
			norm := normA + normB*float64(m.length)
			for i := range textCurs {
				cu := &curs[i]
				tf := float64(cu.tfs[cu.pos])
				sc += cu.idf * tf * (bm25K1 + 1) / (tf + norm)
			}
		}
		if len(top.h) < top.k || sc >= top.h[0].score {
			top.offer(hit{doc: d, score: sc, captured: m.captured, id: ix.ids[d]})
		}
	}
	if len(curs) == 0 {
		for d := range uint32(len(ix.docs)) {
			if metaOK(d) {
				score(d)
			}
		}
		return top.sorted(), total
	}
	lead := &curs[order[0]]
	rest := order[1:]
outer:
	for lead.pos < len(lead.docs) {
		d := lead.docs[lead.pos]
		if !metaOK(d) {
			lead.pos++
			continue
		}
		for _, oi := range rest {
			o := &curs[oi]
			if !o.seek(d) {
				if o.pos >= len(o.docs) {
					break outer
				}
				// Jump the lead to the other list's next doc.
				lead.seek(o.docs[o.pos])
				continue outer
			}
		}
		score(d)
		lead.pos++
	}
	return top.sorted(), total
}

// codeSet returns the bitset of documents having any of the values, nil
// (no filter) for no values, and ok=false when none of the values was ever
// indexed.
func (ix *index) codeSet(prefix string, vals []string) ([]uint64, bool) {
	if len(vals) == 0 {
		return nil, true
	}
	var sets [][]uint64
	for _, v := range vals {
		if c, ok := ix.codes[prefix+v]; ok && int(c) < len(ix.codeBits) {
			sets = append(sets, ix.codeBits[c])
		}
	}
	switch len(sets) {
	case 0:
		return nil, false
	case 1:
		return sets[0], true
	}
	out := make([]uint64, len(ix.live))
	for _, s := range sets {
		for i, w := range s {
			out[i] |= w
		}
	}
	return out, true
}

// setCodeBit marks document d as having value code.
func (ix *index) setCodeBit(code uint16, d uint32) {
	if code == math.MaxUint16 {
		return // overflow code: not filterable
	}
	for int(code) >= len(ix.codeBits) {
		ix.codeBits = append(ix.codeBits, nil)
	}
	b := ix.codeBits[code]
	for int(d/64) >= len(b) {
		b = append(b, 0)
	}
	b[d/64] |= 1 << (d % 64)
	ix.codeBits[code] = b
}

func stringsOf[S ~string](vs []S) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func idStrings(ids []customer.ID) []string { return stringsOf(ids) }

// principalCache remembers, per principal, which interned ACL entries it
// may see (1), may not see (-1) or has not evaluated yet (0). ACL entries
// never change once interned (a changed item gets a new entry), so the
// answers stay valid as the index grows; Load starts a fresh cache. It
// holds at most maxPrincipals principals and forgets them all when full.
type principalCache struct {
	mu sync.Mutex
	m  map[string][]int8
}

const maxPrincipals = 256

func principalKey(p Principal) string {
	var b strings.Builder
	b.WriteString(string(p.ID))
	for _, t := range p.Teams {
		b.WriteString("\x00t")
		b.WriteString(string(t))
	}
	for _, r := range p.Roles {
		b.WriteString("\x00r")
		b.WriteString(string(r))
	}
	return b.String()
}

// get checks out p's answers, sized for n entries. A concurrent search by
// the same principal gets a fresh slice.
func (c *principalCache) get(p Principal, n int) []int8 {
	k := principalKey(p)
	c.mu.Lock()
	a := c.m[k]
	delete(c.m, k)
	c.mu.Unlock()
	if len(a) < n {
		a = append(a, make([]int8, n-len(a))...)
	}
	return a
}

// put returns p's answers to the cache.
func (c *principalCache) put(p Principal, a []int8) {
	k := principalKey(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxPrincipals {
		c.m = map[string][]int8{}
	}
	c.m[k] = a
}

// singleCJK reports whether term is one CJK character.
func singleCJK(term string) (rune, bool) {
	r, n := utf8.DecodeRuneInString(term)
	return r, n == len(term) && isCJK(r)
}

// noteBigram records a new CJK bigram term under both its characters.
func (ix *index) noteBigram(t string) {
	r1, n := utf8.DecodeRuneInString(t)
	if n == len(t) || !isCJK(r1) {
		return
	}
	r2, m := utf8.DecodeRuneInString(t[n:])
	if n+m != len(t) || !isCJK(r2) {
		return
	}
	if ix.bigrams == nil {
		ix.bigrams = map[rune][]string{}
	}
	ix.bigrams[r1] = append(ix.bigrams[r1], t)
	if r2 != r1 {
		ix.bigrams[r2] = append(ix.bigrams[r2], t)
	}
}

// charPosting merges the posting of the single character r (pl, may be nil)
// with those of every bigram containing r, summing term frequencies.
func (ix *index) charPosting(r rune, pl *posting) *posting {
	lists := []*posting{}
	if pl != nil {
		lists = append(lists, pl)
	}
	for _, t := range ix.bigrams[r] {
		lists = append(lists, ix.terms[t])
	}
	if len(lists) == 1 {
		return lists[0]
	}
	type entry struct {
		doc uint32
		tf  uint8
	}
	var all []entry
	for _, l := range lists {
		for i, d := range l.docs {
			all = append(all, entry{d, l.tfs[i]})
		}
	}
	slices.SortFunc(all, func(a, b entry) int { return cmp.Compare(a.doc, b.doc) })
	out := &posting{}
	for _, e := range all {
		if k := len(out.docs); k > 0 && out.docs[k-1] == e.doc {
			out.tfs[k-1] = uint8(min(int(out.tfs[k-1])+int(e.tf), math.MaxUint8))
			continue
		}
		out.docs = append(out.docs, e.doc)
		out.tfs = append(out.tfs, e.tf)
	}
	return out
}
