package similarity

// Levenshtein returns the edit distance between a and b: the least number of
// single-rune insertions, deletions and substitutions that turn one into the
// other. Lengths count runes.
//
// When the shorter string (after removing the common prefix and suffix) has
// at most 64 runes it uses Myers' bit-parallel algorithm in Hyyrö's
// formulation: O(len(longer)) word operations and no allocation.
func Levenshtein(a, b string) int {
	return editDistance(a, b, false)
}

// LevenshteinSimilarity returns 1 - Levenshtein(a, b)/max(len(a), len(b)),
// lengths in runes, in [0, 1]. Two empty strings score 1.
func LevenshteinSimilarity(a, b string) float64 {
	return normalized(a, b, Levenshtein(a, b))
}

// OSA returns the optimal string alignment distance between a and b, the
// restricted Damerau–Levenshtein distance: like [Levenshtein], but swapping
// two adjacent runes also costs one edit, provided no substring is edited
// more than once. So OSA("ca", "ac") is 1, while OSA("ca", "abc") is 3 (the
// unrestricted Damerau distance would be 2). Lengths count runes; no
// allocation when the shorter string has at most 64 runes.
func OSA(a, b string) int {
	return editDistance(a, b, true)
}

// OSASimilarity returns 1 - OSA(a, b)/max(len(a), len(b)), lengths in runes,
// in [0, 1]. Two empty strings score 1.
func OSASimilarity(a, b string) float64 {
	return normalized(a, b, OSA(a, b))
}

func normalized(a, b string, d int) float64 {
	n := max(runeCount(a, isASCII(a)), runeCount(b, isASCII(b)))
	if n == 0 {
		return 1
	}
	return 1 - float64(d)/float64(n)
}

func editDistance(a, b string, osa bool) int {
	if a == b {
		return 0
	}
	a, b = trimCommon(a, b)
	na, nb := runeCount(a, isASCII(a)), runeCount(b, isASCII(b))
	switch {
	case na == 0:
		return nb
	case nb == 0:
		return na
	}
	if na > nb || na == nb && a > b {
		a, b = b, a
		na, nb = nb, na
	}
	if na > 64 {
		if osa {
			return osaDP([]rune(a), []rune(b))
		}
		return levenshteinDP([]rune(a), []rune(b))
	}
	// Short patterns are scanned for each text rune, which is cheaper than
	// building (and zeroing) the mask tables; longer ones get the tables.
	var src maskSource
	if na <= smallPattern {
		var small [smallPattern]rune
		decodeSmall(a, &small)
		src.small = &small
	} else {
		var pm runeMasks
		if !isASCII(a) {
			src.wide = new(runeTable) // stays on the stack: nothing keeps it
		}
		pm.fill(a, src.wide)
		src.pm = &pm
	}
	if osa {
		return osaBits(&src, na, b)
	}
	return levenshteinBits(&src, na, b)
}

// maskSource gives the mask of a text rune's positions in the pattern:
// from small (a pattern of at most smallPattern runes) when not nil, else
// from pm and wide.
type maskSource struct {
	small *[smallPattern]rune
	pm    *runeMasks
	wide  *runeTable
}

// smallPattern is the longest pattern that editDistance scans instead of
// building mask tables for.
const smallPattern = 8

// decodeSmall decodes s, of at most smallPattern runes, into p.
func decodeSmall(s string, p *[smallPattern]rune) {
	i := 0
	for _, r := range s {
		p[i&(smallPattern-1)] = r
		i++
	}
}

// smallEq returns the mask of the positions of c in p[:n].
func smallEq(p *[smallPattern]rune, n int, c rune) uint64 {
	var eq uint64
	for i := range n {
		if p[i&(smallPattern-1)] == c {
			eq |= 1 << uint(i)
		}
	}
	return eq
}

// levenshteinBits is the bit-parallel edit distance of a pattern of m runes
// (1 <= m <= 64), whose masks src gives, against text t (Hyyrö 2001, after
// Myers 1999). Bit i of the vectors describes row i+1 of the dynamic
// programming matrix: vp/vn are the vertical +1/-1 deltas, hp/hn the
// horizontal ones.
func levenshteinBits(src *maskSource, m int, t string) int {
	last := uint64(1) << uint(m-1)
	vp, vn := ^uint64(0), uint64(0)
	d := m
	for _, c := range t {
		var eq uint64
		if src.small != nil {
			eq = smallEq(src.small, m, c)
		} else {
			eq = src.pm.get(c, src.wide)
		}
		xv := eq | vn
		xh := (((eq & vp) + vp) ^ vp) | eq
		hp := vn | ^(xh | vp)
		hn := vp & xh
		if hp&last != 0 {
			d++
		} else if hn&last != 0 {
			d--
		}
		hp = hp<<1 | 1
		hn <<= 1
		vp = hn | ^(xv | hp)
		vn = hp & xv
	}
	return d
}

// osaBits is levenshteinBits extended with adjacent transpositions
// (Hyyrö 2003): a diagonal zero may also come from a transposition, when
// the previous text rune matched here and this one matched one row up.
func osaBits(src *maskSource, m int, t string) int {
	last := uint64(1) << uint(m-1)
	vp, vn := ^uint64(0), uint64(0)
	var d0, prevEq uint64
	d := m
	for _, c := range t {
		var eq uint64
		if src.small != nil {
			eq = smallEq(src.small, m, c)
		} else {
			eq = src.pm.get(c, src.wide)
		}
		tr := ((^d0 & eq) << 1) & prevEq
		d0 = (((eq & vp) + vp) ^ vp) | eq | vn | tr
		hp := vn | ^(d0 | vp)
		hn := d0 & vp
		if hp&last != 0 {
			d++
		} else if hn&last != 0 {
			d--
		}
		hp = hp<<1 | 1
		hn <<= 1
		vp = hn | ^(d0 | hp)
		vn = hp & d0
		prevEq = eq
	}
	return d
}

// levenshteinDP is the classic two-row dynamic programme, for long inputs.
func levenshteinDP(a, b []rune) int {
	row := make([]int, len(a)+1)
	for i := range row {
		row[i] = i
	}
	for j, cb := range b {
		diag := row[0]
		row[0] = j + 1
		for i, ca := range a {
			cost := 1
			if ca == cb {
				cost = 0
			}
			v := min(row[i+1]+1, row[i]+1, diag+cost)
			diag = row[i+1]
			row[i+1] = v
		}
	}
	return row[len(a)]
}

// osaDP is the three-row dynamic programme for OSA, for long inputs.
func osaDP(a, b []rune) int {
	n := len(a) + 1
	buf := make([]int, 3*n)
	prev2, prev, cur := buf[:n], buf[n:2*n], buf[2*n:]
	for i := range prev {
		prev[i] = i
	}
	for j := range b {
		cur[0] = j + 1
		for i := range a {
			cost := 1
			if a[i] == b[j] {
				cost = 0
			}
			v := min(prev[i+1]+1, cur[i]+1, prev[i]+cost)
			if i > 0 && j > 0 && a[i] == b[j-1] && a[i-1] == b[j] {
				v = min(v, prev2[i-1]+1)
			}
			cur[i+1] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(a)]
}
