package similarity

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// TokenSet returns the token-set ratio of a and b in [0, 1]: a similarity
// that ignores the order and repetition of whitespace-separated tokens, in
// the manner of the token_set_ratio of FuzzyWuzzy and RapidFuzz.
//
// The distinct tokens are split into those both strings share (S) and those
// only a has (DA) or only b has (DB); each group is sorted and joined with
// single spaces, and t1 = S+" "+DA, t2 = S+" "+DB. The result is the best of
// the indel similarities of (S, t1), (S, t2) and (t1, t2), where the indel
// similarity of x and y is 1 - (len(x)+len(y)-2·LCS(x, y))/(len(x)+len(y))
// in runes. So it is 1 when the tokens of one string are a subset of the
// other's ("ABC 株式会社" and "株式会社 ABC 本社"), and 0.9 for "John Smith"
// and "John Smyth". Two strings without tokens score 1; a string without
// tokens against one with tokens scores 0. Tokens are split by Unicode
// white space (including U+3000); text without spaces, such as most
// Japanese, is one token.
func TokenSet(a, b string) float64 {
	var sa, sb [stackRunes / 2]span
	ta, tb := tokens(a, sa[:0]), tokens(b, sb[:0])
	switch {
	case len(ta) == 0 && len(tb) == 0:
		return 1
	case len(ta) == 0 || len(tb) == 0:
		return 0
	}
	sortTokens(a, ta)
	sortTokens(b, tb)
	ta, tb = dedupe(a, ta), dedupe(b, tb)

	// Walk the two sorted lists, measuring the shared group and joining the
	// one-sided groups into stack buffers.
	var bufA, bufB [4 * stackRunes]byte
	da, db := bufA[:0], bufB[:0]
	sect, nSect := 0, 0
	i, j := 0, 0
	for i < len(ta) || j < len(tb) {
		switch {
		case j == len(tb) || i < len(ta) && a[ta[i].lo:ta[i].hi] < b[tb[j].lo:tb[j].hi]:
			da = appendToken(da, a[ta[i].lo:ta[i].hi])
			i++
		case i == len(ta) || a[ta[i].lo:ta[i].hi] > b[tb[j].lo:tb[j].hi]:
			db = appendToken(db, b[tb[j].lo:tb[j].hi])
			j++
		default:
			sect += utf8.RuneCountInString(a[ta[i].lo:ta[i].hi])
			nSect++
			i++
			j++
		}
	}
	if nSect > 0 {
		if len(da) == 0 || len(db) == 0 {
			return 1
		}
		sect += nSect - 1 // the joining spaces
	}
	na, nb := utf8.RuneCountInString(bytesString(da)), utf8.RuneCountInString(bytesString(db))
	l1, l2 := na, nb
	if sect > 0 {
		l1 += sect + 1
		l2 += sect + 1
	}
	best := 0.0
	if sect > 0 {
		// S is a prefix of t1 and of t2: the indel distance is the rest.
		best = max(2*float64(sect)/float64(sect+l1), 2*float64(sect)/float64(sect+l2))
	}
	// t1 and t2 share the prefix S+" ", so LCS(t1, t2) = that + LCS(DA, DB).
	common := lcs(bytesString(da), bytesString(db))
	if sect > 0 {
		common += sect + 1
	}
	return max(best, 2*float64(common)/float64(l1+l2))
}

// span is a token: the bytes s[lo:hi] of its string.
type span struct{ lo, hi int }

// tokens appends the white-space separated tokens of s to dst.
func tokens(s string, dst []span) []span {
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				dst = append(dst, span{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		dst = append(dst, span{start, len(s)})
	}
	return dst
}

// sortTokens sorts t by token text (insertion sort: token lists are short,
// and sort.Slice would allocate).
func sortTokens(s string, t []span) {
	for i := 1; i < len(t); i++ {
		for j := i; j > 0 && s[t[j].lo:t[j].hi] < s[t[j-1].lo:t[j-1].hi]; j-- {
			t[j], t[j-1] = t[j-1], t[j]
		}
	}
}

// dedupe removes repeated tokens from the sorted t.
func dedupe(s string, t []span) []span {
	out := t[:1]
	for _, x := range t[1:] {
		p := out[len(out)-1]
		if s[x.lo:x.hi] != s[p.lo:p.hi] {
			out = append(out, x)
		}
	}
	return out
}

func appendToken(dst []byte, tok string) []byte {
	if len(dst) > 0 {
		dst = append(dst, ' ')
	}
	return append(dst, tok...)
}

// bytesString views b as a string without copying; b must not change while
// the string is in use.
func bytesString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// lcs returns the length in runes of the longest common subsequence of a and
// b: bit-parallel (Allison–Dix, Hyyrö) when the shorter has at most 64 runes.
func lcs(a, b string) int {
	na, nb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	if na > nb {
		a, b = b, a
		na = nb
	}
	if na == 0 {
		return 0
	}
	if na > 64 {
		return lcsDP([]rune(a), []rune(b))
	}
	var pm runeMasks
	if isASCII(a) {
		pm.fill(a, nil)
		return lcsBits(&pm, nil, na, b)
	}
	var wide runeTable
	pm.fill(a, &wide)
	return lcsBits(&pm, &wide, na, b)
}

// lcsBits is the bit-parallel LCS length of a pattern of m runes
// (1 <= m <= 64) with masks pm and wide, against text t: bit i of v is clear
// where row i+1 of the LCS table steps up.
func lcsBits(pm *runeMasks, wide *runeTable, m int, t string) int {
	v := ^uint64(0)
	for _, c := range t {
		u := v & pm.get(c, wide)
		v = (v + u) | (v - u)
	}
	return bits.OnesCount64(^v & (^uint64(0) >> uint(64-m)))
}

// lcsDP is the classic dynamic programme for the LCS length.
func lcsDP(a, b []rune) int {
	row := make([]int, len(a)+1)
	for _, cb := range b {
		diag := 0
		for i, ca := range a {
			up := row[i+1]
			if ca == cb {
				row[i+1] = diag + 1
			} else {
				row[i+1] = max(up, row[i])
			}
			diag = up
		}
	}
	return row[len(a)]
}
