package similarity

import "math/bits"

// Jaro returns the Jaro similarity of a and b in [0, 1].
//
// Two runes match when they are equal and their positions differ by at most
// max(len(a), len(b))/2 - 1; each rune matches at most once, scanning a from
// the left and taking the leftmost free match in b. With m matches and t half
// the number of matched runes that appear in a different order,
//
//	Jaro = (m/len(a) + m/len(b) + (m-t)/m) / 3
//
// and 0 when m is 0. Two empty strings score 1; an empty and a non-empty
// string score 0. Lengths count runes.
func Jaro(a, b string) float64 {
	if a == b {
		return 1
	}
	var ab, bb [stackRunes]rune
	ra, rb := decode(a, &ab), decode(b, &bb)
	return jaro(ra, rb)
}

// JaroWinkler returns the Jaro–Winkler similarity of a and b in [0, 1]: the
// Jaro similarity j, raised by 0.1·ℓ·(1-j) when j exceeds 0.7, where ℓ is the
// length of the common prefix in runes, at most 4. These are Winkler's
// original constants; [JaroWinklerWith] changes them.
//
// For example MARTHA and MARHTA have Jaro 0.944 and Jaro–Winkler 0.961.
func JaroWinkler(a, b string) float64 {
	return JaroWinklerWith(a, b, WinklerConfig{})
}

// WinklerConfig configures [JaroWinklerWith]. The zero value gives the
// defaults that [JaroWinkler] uses.
type WinklerConfig struct {
	// PrefixScale is the boost per rune of common prefix. Zero means 0.1.
	// A negative value disables the boost. Values above 1/MaxPrefix are
	// lowered to 1/MaxPrefix so that the result stays in [0, 1].
	PrefixScale float64 `json:"prefix_scale,omitempty"`
	// MaxPrefix is the longest prefix, in runes, that earns a boost. Zero
	// (or a negative value) means 4.
	MaxPrefix int `json:"max_prefix,omitempty"`
	// BoostThreshold is the Jaro similarity that must be exceeded before the
	// prefix boost applies. Zero means 0.7; a negative value boosts always.
	BoostThreshold float64 `json:"boost_threshold,omitempty"`
}

// JaroWinklerWith is [JaroWinkler] with the prefix boost set by o.
func JaroWinklerWith(a, b string, o WinklerConfig) float64 {
	if a == b {
		return 1
	}
	var ab, bb [stackRunes]rune
	ra, rb := decode(a, &ab), decode(b, &bb)
	j := jaro(ra, rb)

	maxPrefix := o.MaxPrefix
	if maxPrefix <= 0 {
		maxPrefix = 4
	}
	scale := o.PrefixScale
	switch {
	case scale == 0:
		scale = 0.1
	case scale < 0:
		return j
	case scale*float64(maxPrefix) > 1:
		scale = 1 / float64(maxPrefix)
	}
	threshold := o.BoostThreshold
	if threshold == 0 {
		threshold = 0.7
	}
	if !(j > threshold) {
		return j
	}
	n := min(len(ra), len(rb), maxPrefix)
	l := 0
	for l < n && ra[l] == rb[l] {
		l++
	}
	s := j + scale*float64(l)*(1-j)
	return min(s, 1)
}

// jaro computes the Jaro similarity of two decoded strings.
func jaro(a, b []rune) float64 {
	la, lb := len(a), len(b)
	if la == 0 && lb == 0 {
		return 1
	}
	if la == 0 || lb == 0 {
		return 0
	}
	// jaroMask needs len(a) <= len(b). The order does not change the
	// result: the greedy matching finds a maximum matching for each rune
	// value, and matched runes pair up in order either way (the property
	// and fuzz tests check symmetry).
	if la > lb {
		a, b = b, a
		lb = la
	}
	if lb <= 64 {
		return jaroMask(a, b)
	}
	return jaroSlow(a, b)
}

func jaroWindow(la, lb int) int {
	return max(max(la, lb)/2-1, 0)
}

// jaroScore combines matches m and half-transpositions t.
func jaroScore(m, t, la, lb int) float64 {
	if m == 0 {
		return 0
	}
	fm := float64(m)
	return (fm/float64(la) + fm/float64(lb) + float64(m-t)/fm) / 3
}

// jaroMask is jaro for len(a) <= len(b) <= 64, tracking matches in bit
// masks. For longer strings it finds each match with one mask operation:
// the positions of the rune in b, less those matched, within the window.
func jaroMask(a, b []rune) float64 {
	la, lb := len(a), len(b)
	w := jaroWindow(la, lb)
	var ma, mb uint64
	m := 0
	if lb < 16 {
		for i, c := range a {
			lo, hi := max(i-w, 0), min(i+w+1, lb)
			for j := lo; j < hi; j++ {
				if b[j] == c && mb&(1<<uint(j)) == 0 {
					mb |= 1 << uint(j)
					ma |= 1 << uint(i)
					m++
					break
				}
			}
		}
	} else {
		var pm runeMasks
		var wide *runeTable
		if !asciiRunes(b) {
			wide = new(runeTable) // stays on the stack
		}
		pm.fillRunes(b, wide)
		for i, c := range a {
			lo, hi := max(i-w, 0), min(i+w+1, lb)
			if lo >= hi {
				break
			}
			window := (^uint64(0) >> uint(64-(hi-lo))) << uint(lo)
			if cand := pm.get(c, wide) &^ mb & window; cand != 0 {
				mb |= cand & -cand
				ma |= 1 << uint(i)
				m++
			}
		}
	}
	if m == 0 {
		return 0
	}
	t := 0
	for ma != 0 {
		i, j := bits.TrailingZeros64(ma), bits.TrailingZeros64(mb)
		if a[i] != b[j] {
			t++
		}
		ma &= ma - 1
		mb &= mb - 1
	}
	return jaroScore(m, t/2, la, lb)
}

// jaroSlow is jaro for any lengths, with match flags on the heap.
func jaroSlow(a, b []rune) float64 {
	la, lb := len(a), len(b)
	w := jaroWindow(la, lb)
	fa, fb := make([]bool, la), make([]bool, lb)
	m := 0
	for i, c := range a {
		lo, hi := max(i-w, 0), min(i+w+1, lb)
		for j := lo; j < hi; j++ {
			if b[j] == c && !fb[j] {
				fb[j], fa[i] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, j := 0, 0
	for i, c := range a {
		if !fa[i] {
			continue
		}
		for !fb[j] {
			j++
		}
		if c != b[j] {
			t++
		}
		j++
	}
	return jaroScore(m, t/2, la, lb)
}

// asciiRunes reports whether every rune of r is ASCII.
func asciiRunes(r []rune) bool {
	for _, c := range r {
		if c >= 128 {
			return false
		}
	}
	return true
}
