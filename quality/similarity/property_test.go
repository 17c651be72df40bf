package similarity

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// measures lists every string similarity, for the property tests.
var measures = []struct {
	name string
	f    func(a, b string) float64
}{
	{"Jaro", Jaro},
	{"JaroWinkler", JaroWinkler},
	{"JaroWinklerWith", func(a, b string) float64 {
		return JaroWinklerWith(a, b, WinklerConfig{PrefixScale: 0.25, MaxPrefix: 4, BoostThreshold: -1})
	}},
	{"LevenshteinSimilarity", LevenshteinSimilarity},
	{"OSASimilarity", OSASimilarity},
	{"QGramJaccard2", func(a, b string) float64 { return QGramJaccard(a, b, 2) }},
	{"QGramDice1", func(a, b string) float64 { return QGramDice(a, b, 1) }},
	{"QGramJaccard4", func(a, b string) float64 { return QGramJaccard(a, b, 4) }},
	{"TokenSet", TokenSet},
}

// checkProperties states what every similarity must satisfy on a pair.
func checkProperties(t testing.TB, a, b string) {
	t.Helper()
	for _, m := range measures {
		ab, ba := m.f(a, b), m.f(b, a)
		if ab != ba {
			t.Fatalf("%s not symmetric: (%q, %q) = %v, reversed %v", m.name, a, b, ab, ba)
		}
		if !(ab >= 0 && ab <= 1) {
			t.Fatalf("%s(%q, %q) = %v, outside [0, 1]", m.name, a, b, ab)
		}
		if self := m.f(a, a); self != 1 {
			t.Fatalf("%s(%q, itself) = %v, want 1", m.name, a, self)
		}
	}
	for name, d := range map[string]func(a, b string) int{
		"Levenshtein": Levenshtein, "OSA": OSA, "LongestCommonSubstring": LongestCommonSubstring,
	} {
		if ab, ba := d(a, b), d(b, a); ab != ba {
			t.Fatalf("%s not symmetric: (%q, %q) = %d, reversed %d", name, a, b, ab, ba)
		}
	}
	lev, osa := Levenshtein(a, b), OSA(a, b)
	na, nb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	if osa > lev || lev > max(na, nb) || lev < max(na, nb)-min(na, nb) {
		t.Fatalf("(%q, %q): OSA %d, Levenshtein %d, lengths %d and %d: want |na-nb| <= Lev <= max and OSA <= Lev", a, b, osa, lev, na, nb)
	}
}

func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		n := 12
		if r.IntN(20) == 0 {
			n = 150
		}
		checkProperties(t, randString(r, n), randString(r, n))
	}
}

// TestJaroPaths checks the bit-mask Jaro against the slice-based one.
func TestJaroPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		a, b := []rune(randString(r, 40)), []rune(randString(r, 40))
		if len(a) > len(b) || len(a) == 0 {
			continue
		}
		if got, want := jaroMask(a, b), jaroSlow(a, b); got != want {
			t.Fatalf("jaroMask(%q, %q) = %v, jaroSlow %v", string(a), string(b), got, want)
		}
	}
}

// tokenSetRef is TokenSet written directly from its definition, with strings.
func tokenSetRef(a, b string) float64 {
	set := func(s string) []string { f := strings.Fields(s); slices.Sort(f); return slices.Compact(f) }
	ta, tb := set(a), set(b)
	if len(ta) == 0 && len(tb) == 0 {
		return 1
	}
	if len(ta) == 0 || len(tb) == 0 {
		return 0
	}
	var sect, da, db []string
	for _, x := range ta {
		if slices.Contains(tb, x) {
			sect = append(sect, x)
		} else {
			da = append(da, x)
		}
	}
	for _, x := range tb {
		if !slices.Contains(ta, x) {
			db = append(db, x)
		}
	}
	join := func(p, q []string) string {
		return strings.TrimSpace(strings.Join(p, " ") + " " + strings.Join(q, " "))
	}
	t0, t1, t2 := strings.Join(sect, " "), join(sect, da), join(sect, db)
	indel := func(x, y string) float64 {
		rx, ry := []rune(x), []rune(y)
		if len(rx)+len(ry) == 0 {
			return 1
		}
		return 2 * float64(lcsDP(rx, ry)) / float64(len(rx)+len(ry))
	}
	best := indel(t1, t2)
	if len(sect) > 0 {
		best = max(best, indel(t0, t1), indel(t0, t2))
	}
	return best
}

func TestTokenSetAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 5000 {
		n := 12
		if r.IntN(20) == 0 {
			n = 150
		}
		a, b := randString(r, n), randString(r, n)
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			continue // strings.Fields and our tokens agree only on valid UTF-8 spaces
		}
		got, want := TokenSet(a, b), tokenSetRef(a, b)
		if d := got - want; d > 1e-12 || d < -1e-12 {
			t.Fatalf("TokenSet(%q, %q) = %v, reference %v", a, b, got, want)
		}
	}
}

// qgramRef counts the bag overlap with maps, from the definition.
func qgramRef(a, b string, q int) (inter, na, nb int) {
	grams := func(s string) map[string]int {
		r, m := []rune(s), map[string]int{}
		if len(r) > 0 && len(r) < q {
			m[string(r)]++
		}
		for i := 0; i+q <= len(r); i++ {
			m[string(r[i:i+q])]++
		}
		return m
	}
	ga, gb := grams(a), grams(b)
	for g, n := range ga {
		inter += min(n, gb[g])
		na += n
	}
	for _, n := range gb {
		nb += n
	}
	return inter, na, nb
}

func TestQGramAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		n := 12
		if r.IntN(20) == 0 {
			n = 150
		}
		a, b, q := randString(r, n), randString(r, n), 1+r.IntN(5)
		i1, a1, b1 := qgramOverlap(a, b, q)
		i2, a2, b2 := qgramRef(a, b, q)
		if i1 != i2 || a1 != a2 || b1 != b2 {
			t.Fatalf("qgramOverlap(%q, %q, %d) = %d,%d,%d; reference %d,%d,%d", a, b, q, i1, a1, b1, i2, a2, b2)
		}
	}
}

func TestLongestCommonSubstringAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 3000 {
		a, b := randString(r, 12), randString(r, 12)
		ra, rb := []rune(a), []rune(b)
		want := 0
		for i := range ra {
			for j := range rb {
				k := 0
				for i+k < len(ra) && j+k < len(rb) && ra[i+k] == rb[j+k] {
					k++
				}
				want = max(want, k)
			}
		}
		if got := LongestCommonSubstring(a, b); got != want {
			t.Fatalf("LongestCommonSubstring(%q, %q) = %d, want %d", a, b, got, want)
		}
	}
}

// allocInputs are pairs of at most 64 runes on which nothing may allocate.
var allocInputs = [][2]string{
	{"MARTHA", "MARHTA"},
	{"株式会社東京商事", "東京商事株式会社"},
	{strings.Repeat("abcd", 16), strings.Repeat("abce", 16)},
	{strings.Repeat("山田太郎", 16), strings.Repeat("山田次郎", 16)},
	{"東京都 千代田区 丸の内 1-2-3 ニュー八重洲ビル 5F", "千代田区 丸の内 1丁目2番3号 東京都"},
	{strings.Repeat("a ", 32), strings.Repeat("b ", 32)},
	{"a\xffb", "ab\xfe"},
}

func TestZeroAllocations(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation may allocate")
	}
	fs := map[string]func(a, b string){
		"Jaro":                   func(a, b string) { Jaro(a, b) },
		"JaroWinkler":            func(a, b string) { JaroWinkler(a, b) },
		"Levenshtein":            func(a, b string) { Levenshtein(a, b) },
		"LevenshteinSimilarity":  func(a, b string) { LevenshteinSimilarity(a, b) },
		"OSA":                    func(a, b string) { OSA(a, b) },
		"OSASimilarity":          func(a, b string) { OSASimilarity(a, b) },
		"QGramJaccard":           func(a, b string) { QGramJaccard(a, b, 2) },
		"QGramDice":              func(a, b string) { QGramDice(a, b, 4) },
		"TokenSet":               func(a, b string) { TokenSet(a, b) },
		"LongestCommonSubstring": func(a, b string) { LongestCommonSubstring(a, b) },
	}
	for name, f := range fs {
		for _, in := range allocInputs {
			if n := utf8.RuneCountInString(in[0]); n > 64 {
				t.Fatalf("input %q has %d runes; the test is about <= 64", in[0], n)
			}
			if got := testing.AllocsPerRun(20, func() { f(in[0], in[1]) }); got != 0 {
				t.Errorf("%s(%q, %q): %v allocations, want 0", name, in[0], in[1], got)
			}
		}
	}
	// Edit distances need only the shorter string to fit.
	long := strings.Repeat("東京", 200)
	for name, f := range map[string]func(a, b string) int{"Levenshtein": Levenshtein, "OSA": OSA, "LongestCommonSubstring": LongestCommonSubstring} {
		if got := testing.AllocsPerRun(20, func() { f("京都大阪", long) }); got != 0 {
			t.Errorf("%s(short, 400 runes): %v allocations, want 0", name, got)
		}
	}
}
