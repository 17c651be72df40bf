package match

import (
	"hash/maphash"
	"slices"
	"strings"
)

// A blocking rule yields keys for a record; records sharing a key of the same
// rule become candidate pairs. Rules are OR-ed.
type blockRule struct {
	name string
	keys func(vals []value, add func(string))
	// nameOnly marks rules keyed by names alone: at scale most of their
	// pairs are namesakes, so EM does not train on pairs found only by them.
	nameOnly bool
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
			rules = append(rules, blockRule{name: name, keys: func(v []value, add func(string)) {
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
	// name field and of the first kana reading (so that variant kanji still
	// meet through the reading).
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
	withInitial := func(name string, fs []int) {
		for _, f := range fs {
			rules = append(rules, blockRule{name: name, keys: func(v []value, add func(string)) {
				k := v[f].key
				if k == "" {
					return
				}
				initials(v, func(i string) { add(k + "\x00" + i) })
			}})
		}
	}
	names := slices.Concat(fam, giv, per, kana)
	if len(names) == 0 {
		exact("company", comp) // accounts: the company is the name
	}
	withInitial("postal_code+initial", postal)
	withInitial("date+initial", dates)
	withInitial("address+initial", addr)
	if len(street) > 0 && len(num) > 0 {
		s, n := street[0], num[0]
		rules = append(rules, blockRule{name: "street+number", keys: func(v []value, add func(string)) {
			if v[s].key != "" && v[n].key != "" {
				add(v[s].key + "\x00" + v[n].key)
			}
		}})
	}
	// Whole names are shared by many people (namesakes), more so in Japan's
	// small pool of names, so name keys are qualified by a coarse key: the
	// region, or else the birth year, or else the first postal digit.
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
		for _, f := range postal {
			if v[f].key != "" {
				return v[f].key[:1]
			}
		}
		return ""
	}
	for _, f := range fam {
		rules = append(rules, blockRule{name: "family_name+given_initial", nameOnly: true, keys: func(v []value, add func(string)) {
			if v[f].key == "" {
				return
			}
			for _, g := range giv {
				if v[g].key != "" {
					add(v[f].key + "\x00" + firstRunes(v[g].key, 1) + "\x00" + coarse(v))
				}
			}
		}})
	}
	for _, f := range per {
		rules = append(rules, blockRule{name: "person_name", nameOnly: true, keys: func(v []value, add func(string)) {
			if v[f].key != "" {
				add(v[f].key + "\x00" + coarse(v))
			}
		}})
	}
	if len(kana) > 0 {
		rules = append(rules, blockRule{name: "name_kana", nameOnly: true, keys: func(v []value, add func(string)) {
			k := ""
			for _, f := range kana {
				k += v[f].key
			}
			if runeCount(k) >= 4 {
				add(k + "\x00" + coarse(v))
			}
		}})
	}
	// MinHash LSH over character bigrams of all name fields together, so that
	// typos and swapped name parts still meet.
	if len(names) > 0 {
		rules = append(rules, blockRule{name: "name_bigram_lsh", nameOnly: true, keys: func(v []value, add func(string)) {
			lshKeys(v, names, add)
		}})
	}
	return rules
}

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
	var mins [lshBands * lshRows]uint64
	for i := range mins {
		mins[i] = ^uint64(0)
	}
	n := 0
	for _, f := range fields {
		k := v[f].key
		if k == "" {
			continue
		}
		if hasNonLatin(k) {
			return // short CJK and kana names make poor q-gram sets; other rules cover them
		}
		var prev rune = '^'
		for _, r := range k + "$" {
			g := uint64(prev)<<21 | uint64(r)
			prev = r
			h := g * 0xff51afd7ed558ccd
			h ^= h >> 33
			for i, s := range lshSeeds {
				x := (h ^ s) * s
				x ^= x >> 29
				if x < mins[i] {
					mins[i] = x
				}
			}
			n++
		}
	}
	if n < 3 {
		return
	}
	var b strings.Builder
	for band := range lshBands {
		b.Reset()
		b.WriteByte(byte(band))
		for r := range lshRows {
			x := mins[band*lshRows+r]
			for range 8 {
				b.WriteByte(byte(x))
				x >>= 8
			}
		}
		add(b.String())
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

// blockKeys computes every record's block entries. Workers split the records.
func blockKeys(rules []blockRule, vals []value, nf, n int, seed maphash.Seed, workers int) []blockEntry {
	parts := make([][]blockEntry, workers)
	parallel(workers, n, func(w, lo, hi int) {
		var out []blockEntry
		var h maphash.Hash
		h.SetSeed(seed)
		for i := lo; i < hi; i++ {
			v := vals[i*nf : (i+1)*nf]
			for ri, r := range rules {
				r.keys(v, func(k string) {
					h.Reset()
					h.WriteString(k)
					key := h.Sum64()>>8 | uint64(ri)<<56
					out = append(out, blockEntry{key: key, rec: uint32(i)})
				})
			}
		}
		parts[w] = out
	})
	all := slices.Concat(parts...)
	radixSortEntries(all)
	return all
}

// radixSortEntries sorts by key then record (LSD radix on 64+32 bits would be
// long; entries from one worker come in record order, so a stable sort on
// the key keeps records ordered within each key after concatenation).
func radixSortEntries(a []blockEntry) {
	if len(a) < 1<<12 {
		slices.SortFunc(a, func(x, y blockEntry) int {
			if x.key != y.key {
				if x.key < y.key {
					return -1
				}
				return 1
			}
			return int(x.rec) - int(y.rec)
		})
		return
	}
	buf := make([]blockEntry, len(a))
	src, dst := a, buf
	for shift := uint(0); shift < 64; shift += 16 {
		var count [1 << 16]int
		for _, e := range src {
			count[(e.key>>shift)&0xFFFF]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, e := range src {
			d := (e.key >> shift) & 0xFFFF
			dst[count[d]] = e
			count[d]++
		}
		src, dst = dst, src
	}
	// four passes: result is back in a.
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
