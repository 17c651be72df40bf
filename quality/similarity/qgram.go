package similarity

// QGramJaccard returns the Jaccard similarity of the q-gram bags of a and b:
// |A ∩ B| / |A ∪ B|, where A and B are the multisets of runs of q consecutive
// runes (a gram that occurs twice on both sides counts twice). A non-empty
// string shorter than q runes is a single gram of itself. q <= 0 means 2.
// Two empty strings score 1; an empty and a non-empty string score 0.
//
// For example the bigrams of 東京都 are {東京, 京都} and of 京都府 {京都, 都府}:
// one shared out of three distinct, 1/3.
func QGramJaccard(a, b string, q int) float64 {
	inter, na, nb := qgramOverlap(a, b, q)
	if na+nb == 0 {
		return 1
	}
	return float64(inter) / float64(na+nb-inter)
}

// QGramDice returns the Dice (Sørensen) coefficient of the q-gram bags of a
// and b: 2·|A ∩ B| / (|A| + |B|), with grams as in [QGramJaccard].
func QGramDice(a, b string, q int) float64 {
	inter, na, nb := qgramOverlap(a, b, q)
	if na+nb == 0 {
		return 1
	}
	return 2 * float64(inter) / float64(na+nb)
}

// qgramOverlap returns the size of the multiset intersection of the q-grams
// of a and b, and the number of grams of each.
func qgramOverlap(a, b string, q int) (inter, na, nb int) {
	if q <= 0 {
		q = 2
	}
	var ab, bb [stackRunes]rune
	ra, rb := decode(a, &ab), decode(b, &bb)
	var kab, kbb [stackRunes]uint64
	ka, kb := gramKeys(ra, q, kab[:0]), gramKeys(rb, q, kbb[:0])
	na, nb = len(ka), len(kb)
	if na == 0 || nb == 0 {
		return 0, na, nb
	}
	var usedBuf [stackRunes]bool
	used := usedBuf[:]
	if nb > len(used) {
		used = make([]bool, nb)
	}
	exact := q <= 3 // keys pack the runes themselves
	for i, k := range ka {
		for j, l := range kb {
			if l == k && !used[j] && (exact || sameGram(ra, rb, i, j, q)) {
				used[j] = true
				inter++
				break
			}
		}
	}
	return inter, na, nb
}

// gramKeys appends a key for each q-gram of r to dst. For q <= 3 the key
// packs rune+1 of each rune in 21 bits, so equal keys mean equal grams;
// for longer grams it is a hash that callers confirm with sameGram.
func gramKeys(r []rune, q int, dst []uint64) []uint64 {
	switch {
	case len(r) == 0:
		return dst
	case len(r) < q:
		return append(dst, gramKey(r, q))
	}
	for i := 0; i+q <= len(r); i++ {
		dst = append(dst, gramKey(r[i:i+q], q))
	}
	return dst
}

func gramKey(g []rune, q int) uint64 {
	var k uint64
	if q <= 3 {
		for _, c := range g {
			k = k<<21 | uint64(c+1)
		}
		return k
	}
	k = 14695981039346656037 // FNV-1a offset basis, over whole runes
	for _, c := range g {
		k ^= uint64(c)
		k *= 1099511628211
	}
	return k ^ uint64(len(g))
}

// sameGram reports whether gram i of a equals gram j of b.
func sameGram(a, b []rune, i, j, q int) bool {
	ga, gb := a[i:min(i+q, len(a))], b[j:min(j+q, len(b))]
	if len(ga) != len(gb) {
		return false
	}
	for k := range ga {
		if ga[k] != gb[k] {
			return false
		}
	}
	return true
}
