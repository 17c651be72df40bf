package match

import (
	"hash/maphash"
	"slices"
	"strings"
)

// keysFunc yields the block keys of one record.
type keysFunc func(vals []value, add func(string))

// A blocking rule yields keys for a record; records sharing a key of the same
// rule become candidate pairs. Rules are OR-ed.
type blockRule struct {
	name string
	keys keysFunc
	// weak marks rules keyed by names alone, or by a street address alone:
	// at scale most of their pairs are namesakes and neighbours, so EM does
	// not learn m from pairs found only by them.
	weak bool
	// finer lists stricter versions of the rule: a rule whose keys are too
	// coarse for the data (a postcode shared by thousands, a common name)
	// is replaced by the first of them that pairs few enough records (see
	// blockEntries).
	finer []blockRule
	// hashes, when set, yields the keys as hashes directly (a faster keys;
	// both must agree on which records share a key).
	hashes func(vals []value, add func(uint64))
	// qual, on a finer version, means its keys are those of the version
	// before, each qualified by qual's key for the record (keys is then
	// set too, for the Index).
	qual func([]value) string
	// exact marks a rule keyed on one identifying value (e-mail, phone,
	// identifier): only its blocks that are too big are split, the rule
	// itself is never qualified.
	exact bool
	// split lists qualifiers (rules with qual set) that, after the finer
	// versions, split the blocks still too big (see splitBlocks).
	split []blockRule
}

// qualify returns the keys of k, each followed by q's key for the record;
// a record without a q key yields none.
func qualify(k keysFunc, q func([]value) string) keysFunc {
	return func(v []value, add func(string)) {
		x := q(v)
		if x == "" {
			return
		}
		k(v, func(s string) { add(s + "\x00" + x) })
	}
}

// defaultRules builds the blocking rules that the declared fields allow.
func defaultRules(kinds []Kind) []blockRule {
	idx := func(k Kind) []int {
		var r []int
		for i, kk := range kinds {
			if kk == k {
				r = append(r, i)
			}
		}
		return r
	}
	emails, phones, ids := idx(KindEmail), idx(KindPhone), idx(KindID)
	fam, giv, per, kana := idx(KindFamilyName), idx(KindGivenName), idx(KindPersonName), idx(KindNameKana)
	postal, dates, comp := idx(KindPostalCode), idx(KindDate), idx(KindCompany)
	addr, street, num, region := idx(KindAddress), idx(KindStreet), idx(KindNumber), idx(KindRegion)
	var rules []blockRule
	exact := func(name string, fs []int) {
		for _, f := range fs {
			rules = append(rules, blockRule{name: name, exact: true, keys: func(v []value, add func(string)) {
				if v[f].key != "" {
					add(v[f].key)
				}
			}})
		}
	}
	exact("email", emails)
	exact("phone", phones)
	exact("id", ids)
	// initials: the first rune of each Latin-script name key; for names in
	// Japanese script, whose pool is small, the first two runes of the first
	// name field, of the first kana reading (so that variant kanji still
	// meet through the reading) and of the given name.
	var cjkName []int
	for _, fs := range [][]int{fam, per, giv} {
		if len(fs) > 0 {
			cjkName = append(cjkName, fs[0])
			break
		}
	}
	if len(kana) > 0 {
		cjkName = append(cjkName, kana[0])
	}
	if len(fam) > 0 && len(giv) > 0 {
		// The given name too: a woman who took her husband's family name
		// on marriage still meets her earlier records at her address or
		// birth date.
		cjkName = append(cjkName, giv[0])
	}
	allNames := slices.Concat(fam, per, kana, giv)
	initials := func(v []value, add func(string)) {
		for _, f := range allNames {
			k := v[f].key
			if k == "" {
				continue
			}
			if !hasNonLatin(k) {
				add(firstRunes(k, 1))
			} else if slices.Contains(cjkName, f) {
				add(firstRunes(k, 2))
			}
		}
	}
	// wholeNames: each name field's whole key (so a typo in one part of a
	// name, or swapped parts, still meet through the other part).
	wholeNames := func(v []value, add func(string)) {
		for _, f := range allNames {
			if k := v[f].key; k != "" {
				add(k)
			}
		}
	}
	// nameAndInitial: the family (or whole) name with the given name's
	// initial, and the given name with the family name's initial.
	nameAndInitial := func(v []value, add func(string)) {
		for _, f := range slices.Concat(fam, per) {
			k := v[f].key
			if k == "" {
				continue
			}
			if len(giv) == 0 {
				add(k)
			}
			for _, g := range giv {
				if gk := v[g].key; gk != "" {
					add(k + "\x00" + firstRunes(gk, 1))
					add(gk + "\x00" + firstRunes(k, 1))
				}
			}
		}
	}
	keyed := func(f int, names keysFunc) keysFunc {
		return func(v []value, add func(string)) {
			k := v[f].key
			if k == "" {
				return
			}
			names(v, func(i string) { add(k + "\x00" + i) })
		}
	}
	withInitial := func(name string, fs []int, weak bool) {
		for _, f := range fs {
			rules = append(rules, blockRule{name: name + "+initial", weak: weak, keys: keyed(f, initials), finer: []blockRule{
				{name: name + "+name", weak: weak, keys: keyed(f, wholeNames)},
				{name: name + "+name+initial", weak: weak, keys: keyed(f, nameAndInitial)},
			}})
		}
	}
	names := slices.Concat(fam, giv, per, kana)
	if len(names) == 0 {
		exact("company", comp) // accounts: the company is the name
	}
	withInitial("postal_code", postal, false)
	withInitial("date", dates, false)
	withInitial("address", addr, false)
	first := func(fs []int) func([]value) string {
		return func(v []value) string {
			for _, f := range fs {
				if v[f].key != "" {
					return v[f].key
				}
			}
			return ""
		}
	}
	year := func(v []value) string {
		for _, f := range dates {
			if len(v[f].key) >= 4 {
				return v[f].key[:4]
			}
		}
		return ""
	}
	if len(street) > 0 && len(num) > 0 {
		s, n := street[0], num[0]
		streetNumber := func(v []value, add func(string)) {
			if v[s].key != "" && v[n].key != "" {
				add(v[s].key + "\x00" + v[n].key)
			}
		}
		rules = append(rules, blockRule{name: "street+number", weak: true, keys: streetNumber, finer: []blockRule{
			{name: "street+number+postal_code", weak: true, keys: qualify(streetNumber, first(postal)), qual: first(postal)},
		}})
	}
	// Whole names are shared by many people (namesakes), more so in Japan's
	// small pool of names, so name keys are qualified by a coarse key: the
	// region, or else the birth year. Two records meet on a name alone when
	// their coarse keys agree, an empty one included, so a record without a
	// region or birth date meets the others that lack both. The postal code
	// is not part of it: many sources that send no birth date (a web shop,
	// say) do send an address, and a record with a postal code would then
	// never meet, by name alone, one from a system that keeps no address.
	coarse := func(v []value) string {
		for _, f := range region {
			if v[f].key != "" {
				return v[f].key
			}
		}
		for _, f := range dates {
			if len(v[f].key) >= 4 {
				return v[f].key[:4]
			}
		}
		return ""
	}
	// Name-only rules made too coarse by common names are qualified by the
	// birth year, then the postal code as well.
	nameRule := func(name string, k keysFunc) blockRule {
		byYear := qualify(k, year)
		return blockRule{name: name, weak: true, keys: k, finer: []blockRule{
			{name: name + "+birth_year", weak: true, keys: byYear, qual: year},
			{name: name + "+birth_year+postal_code", weak: true, keys: qualify(byYear, first(postal)), qual: first(postal)},
		}}
	}
	for _, f := range fam {
		rules = append(rules, nameRule("family_name+given_initial", func(v []value, add func(string)) {
			if v[f].key == "" {
				return
			}
			for _, g := range giv {
				if v[g].key != "" {
					add(v[f].key + "\x00" + firstRunes(v[g].key, 1) + "\x00" + coarse(v))
				}
			}
		}))
	}
	for _, f := range per {
		rules = append(rules, nameRule("person_name", func(v []value, add func(string)) {
			if v[f].key != "" {
				add(v[f].key + "\x00" + coarse(v))
			}
		}))
	}
	if len(kana) > 0 {
		rules = append(rules, nameRule("name_kana", func(v []value, add func(string)) {
			k := ""
			for _, f := range kana {
				k += v[f].key
			}
			if runeCount(k) >= 4 {
				add(k + "\x00" + coarse(v))
			}
		}))
	}
	// MinHash LSH over character bigrams of all name fields together, so that
	// typos and swapped name parts still meet.
	if len(names) > 0 {
		r := nameRule("name_bigram_lsh", func(v []value, add func(string)) {
			lshKeys(v, names, add)
		})
		r.hashes = func(v []value, add func(uint64)) { lshHashes(v, names, add) }
		rules = append(rules, r)
	}
	// Rules still too coarse after their finer versions, and blocks still
	// too big, are qualified by the birth year, then the postal code, then
	// the initials of the names.
	var split []blockRule
	if len(dates) > 0 {
		split = append(split, blockRule{name: "birth_year", qual: year})
	}
	if len(postal) > 0 {
		split = append(split, blockRule{name: "postal_code", qual: first(postal)})
	}
	if len(allNames) > 0 {
		split = append(split, blockRule{name: "initials", qual: func(v []value) string {
			var b strings.Builder
			for _, f := range allNames {
				if k := v[f].key; k != "" {
					b.WriteString(firstRunes(k, 1))
				}
			}
			return b.String()
		}})
	}
	for i := range rules {
		rules[i].split = split
	}
	return rules
}

// pairBudget is how many candidate pairs per record a blocking rule may
// produce, on average, before it is replaced by a finer version of itself;
// minRefinePairs is the number of pairs below which no rule is refined, so
// that small inputs keep their rules whatever their values.
const (
	pairBudget     = 3
	minRefinePairs = 200000
)

const (
	lshBands = 10
	lshRows  = 3
)

// lshSeeds are fixed multipliers for the MinHash permutations (odd 64-bit constants).
var lshSeeds = func() [lshBands * lshRows]uint64 {
	var s [lshBands * lshRows]uint64
	x := uint64(0x9E3779B97F4A7C15)
	for i := range s {
		x ^= x >> 12
		x ^= x << 25
		x ^= x >> 27
		s[i] = x*0x2545F4914F6CDD1D | 1
	}
	return s
}()

func lshKeys(v []value, fields []int, add func(string)) {
	lshHashes(v, fields, func(x uint64) {
		var b [8]byte
		for i := range b {
			b[i] = byte(x >> (8 * i))
		}
		add(string(b[:]))
	})
}

// lshHashes yields one 64-bit key per band: the band's MinHash values
// mixed together.
func lshHashes(v []value, fields []int, add func(uint64)) {
	var mins [lshBands * lshRows]uint64
	for i := range mins {
		mins[i] = ^uint64(0)
	}
	n := 0
	gram := func(prev, r rune) {
		h := (uint64(prev)<<21 | uint64(r)) * 0xff51afd7ed558ccd
		h ^= h >> 33
		for i, s := range lshSeeds {
			x := (h ^ s) * s
			x ^= x >> 29
			mins[i] = min(mins[i], x)
		}
		n++
	}
	for _, f := range fields {
		k := v[f].key
		if k == "" {
			continue
		}
		if hasNonLatin(k) {
			return // short CJK and kana names make poor q-gram sets; other rules cover them
		}
		var prev rune = '^'
		for _, r := range k {
			gram(prev, r)
			prev = r
		}
		gram(prev, '$')
	}
	if n < 3 {
		return
	}
	for band := range lshBands {
		x := uint64(band+1) * 0x9E3779B97F4A7C15
		for r := range lshRows {
			x = (x ^ mins[band*lshRows+r]) * 0xBF58476D1CE4E5B9
			x ^= x >> 31
		}
		add(x)
	}
}

// blockEntry is one (rule, key) of one record; the rule is in the top byte.
type blockEntry struct {
	key uint64
	rec uint32
}

// CappedBlock reports a block that held more records than the cap. Its
// records were paired only with their neighbours in sorted order.
type CappedBlock struct {
	Rule    string // the blocking rule
	Records int    // records in the block
	Example string // the ID of one record in the block
}

// chooseBlocks computes every record's block entries for rule r, sorted
// by key (then record), and returns them with the version of the rule used.
// A default rule that would pair too many records — more than limit pairs,
// counted from the sizes of its blocks — is replaced by the first of its
// finer versions that does not (or the finest): block keys then grow with
// the data, a postcode shared by thousands of records qualified by the
// name, a common name by the birth year, so that candidate pairs stay about
// linear in the records. refine false keeps the rule as it is.
func chooseBlocks(r blockRule, d *dataset, refine bool, limit, blockCap, window int, seed maphash.Seed, workers int) ([]blockEntry, blockRule) {
	es := sortEntries(ruleEntries(r, d, seed, workers), workers)
	pairs := countPairs(es, blockCap, window)
	for refine && pairs > limit {
		var next blockRule
		switch {
		case len(r.finer) > 0:
			next = r.finer[0]
			next.finer, next.split = r.finer[1:], r.split
		case len(r.split) > 0 && !r.exact:
			q := r.split[0]
			if strings.Contains("+"+r.name+"+", "+"+q.name+"+") {
				r.split = r.split[1:] // already qualified by it
				continue
			}
			next = blockRule{name: r.name + "+" + q.name, weak: r.weak, keys: qualify(r.keys, q.qual), qual: q.qual, split: r.split[1:]}
		}
		if next.keys == nil {
			break // the finest version
		}
		var parts [][]blockEntry
		if next.qual != nil {
			parts = qualifyEntries(es, next.qual, d, seed, workers)
		} else {
			parts = ruleEntries(next, d, seed, workers)
		}
		es = sortEntries(parts, workers)
		pairs = countPairs(es, blockCap, window)
		r = next
	}
	if refine && pairs > minRefinePairs {
		es = splitBlocks(es, slices.Concat(r.finer, r.split), d, seed, workers)
	}
	r.finer, r.split = nil, nil
	return es, r
}

// refineLimit is the number of pairs above which a rule is refined for n
// records: pairBudget per record, and never below minRefinePairs.
func refineLimit(n int) int { return max(int(pairBudget*float64(n)), minRefinePairs) }

// splitSize is the number of records above which a block of a default rule
// with many pairs is split by the rule's finer versions, then its
// qualifiers: keys shared by more records than that are common values (a
// postcode and a common surname, an e-mail address a family shares), and
// pairing all their records would make candidate pairs grow with the
// square of the data.
const splitSize = 8

// splitBlocks re-keys the entries of blocks of more than splitSize records
// (sorted es) with the next of levels, in turn, and returns all entries
// sorted again. A record keeps its entries in the blocks that were small
// enough; the keys of a finer level imply those of the level before, so a
// split block pairs a subset of what it paired whole.
func splitBlocks(es []blockEntry, levels []blockRule, d *dataset, seed maphash.Seed, workers int) []blockEntry {
	var done [][]blockEntry
	split := false
	for _, next := range levels {
		var small, big []blockEntry
		for s := 0; s < len(es); {
			e := s + 1
			for e < len(es) && es[e].key == es[s].key {
				e++
			}
			if e-s > splitSize {
				big = append(big, es[s:e]...)
			} else {
				small = append(small, es[s:e]...)
			}
			s = e
		}
		if len(big) == 0 {
			break
		}
		split = true
		done = append(done, small)
		if next.qual != nil {
			es = sortEntries(qualifyEntries(big, next.qual, d, seed, workers), workers)
		} else {
			es = sortEntries(ruleEntriesOf(next, d, recordsOf(big), seed, workers), workers)
		}
	}
	if !split {
		return es
	}
	return sortEntries(append(done, es), workers)
}

// recordsOf returns the distinct records of es, ascending.
func recordsOf(es []blockEntry) []uint32 {
	recs := make([]uint32, len(es))
	for i, e := range es {
		recs[i] = e.rec
	}
	slices.Sort(recs)
	return slices.Compact(recs)
}

// ruleEntriesOf returns the entries of rule r's keys for records recs,
// one part per worker.
func ruleEntriesOf(r blockRule, d *dataset, recs []uint32, seed maphash.Seed, workers int) [][]blockEntry {
	parts := make([][]blockEntry, workers)
	parallel(workers, len(recs), func(w, lo, hi int) {
		var out []blockEntry
		var h maphash.Hash
		h.SetSeed(seed)
		for _, i := range recs[lo:hi] {
			r.keys(d.rec(int(i)), func(k string) {
				h.Reset()
				h.WriteString(k)
				out = append(out, blockEntry{key: h.Sum64(), rec: i})
			})
		}
		parts[w] = out
	})
	return parts
}

// ruleEntries returns the entries of one rule's keys, one part per worker.
func ruleEntries(r blockRule, d *dataset, seed maphash.Seed, workers int) [][]blockEntry {
	parts := make([][]blockEntry, workers)
	parallel(workers, d.n(), func(w, lo, hi int) {
		if r.hashes != nil {
			out := make([]blockEntry, 0, (hi-lo)*lshBands)
			for i := lo; i < hi; i++ {
				r.hashes(d.rec(i), func(k uint64) { out = append(out, blockEntry{key: k, rec: uint32(i)}) })
			}
			parts[w] = out
			return
		}
		out := make([]blockEntry, 0, 2*(hi-lo))
		var h maphash.Hash
		h.SetSeed(seed)
		for i := lo; i < hi; i++ {
			r.keys(d.rec(i), func(k string) {
				h.Reset()
				h.WriteString(k)
				out = append(out, blockEntry{key: h.Sum64(), rec: uint32(i)})
			})
		}
		parts[w] = out
	})
	return parts
}

// qualifyEntries returns es with each key qualified by q's key for its
// record, one part per worker; entries of records without one are
// dropped.
func qualifyEntries(es []blockEntry, q func([]value) string, d *dataset, seed maphash.Seed, workers int) [][]blockEntry {
	// Each record's qualifier hashed once; 0 marks a record without one.
	qh := make([]uint64, d.n())
	parallel(workers, d.n(), func(_, lo, hi int) {
		var h maphash.Hash
		h.SetSeed(seed)
		for i := lo; i < hi; i++ {
			if x := q(d.rec(i)); x != "" {
				h.Reset()
				h.WriteString(x)
				qh[i] = h.Sum64() | 1
			}
		}
	})
	parts := make([][]blockEntry, workers)
	parallel(workers, len(es), func(w, lo, hi int) {
		out := make([]blockEntry, 0, hi-lo)
		for _, e := range es[lo:hi] {
			x := qh[e.rec]
			if x == 0 {
				continue
			}
			k := (e.key ^ x*0x9E3779B97F4A7C15) * 0xBF58476D1CE4E5B9
			out = append(out, blockEntry{key: k ^ k>>31, rec: e.rec})
		}
		parts[w] = out
	})
	return parts
}

// countPairs counts the pairs sorted entries would produce: every pair of
// a block up to the cap, window pairs per record of a larger block.
func countPairs(es []blockEntry, blockCap, window int) int {
	total := 0
	for s := 0; s < len(es); {
		e := s + 1
		for e < len(es) && es[e].key == es[s].key {
			e++
		}
		if n := e - s; n <= blockCap {
			total += n * (n - 1) / 2
		} else {
			total += n * window
		}
		s = e
	}
	return total
}

// radixSortU64 sorts a slice of uint64 ascending.
func radixSortU64(a []uint64) {
	if len(a) < 1<<12 {
		slices.Sort(a)
		return
	}
	buf := make([]uint64, len(a))
	src, dst := a, buf
	for shift := uint(0); shift < 64; shift += 16 {
		var count [1 << 16]int
		for _, e := range src {
			count[(e>>shift)&0xFFFF]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, e := range src {
			d := (e >> shift) & 0xFFFF
			dst[count[d]] = e
			count[d]++
		}
		src, dst = dst, src
	}
}
