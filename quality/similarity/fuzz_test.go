package similarity

import (
	"math"
	"testing"
	"time"
)

// fuzzSeeds are shared by the string fuzz targets: ASCII, Japanese, mixed,
// invalid UTF-8 and inputs around the 64-rune boundary.
func fuzzSeeds(f *testing.F) {
	f.Add("MARTHA", "MARHTA")
	f.Add("山田太郎", "山田郎太")
	f.Add("株式会社ABC", "ABC(株)")
	f.Add("", "東京")
	f.Add("a\xff\xfeb", "\xe3\x81ab")
	f.Add("\xe3\x81\x82\xe3\x81", "\xe3\x81\x84\xe3\x81")
	f.Add("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm", "bcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklma")
	f.Add("John  Smith　Jr", "Smith John")
}

// FuzzJaroWinkler: Jaro and Jaro–Winkler never panic (any bytes), are
// symmetric, lie in [0, 1], score a string against itself 1, and
// Jaro–Winkler is never below Jaro.
func FuzzJaroWinkler(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, a, b string) {
		j, jw := Jaro(a, b), JaroWinkler(a, b)
		if j != Jaro(b, a) || jw != JaroWinkler(b, a) {
			t.Fatalf("not symmetric: Jaro %v/%v, JaroWinkler %v/%v", j, Jaro(b, a), jw, JaroWinkler(b, a))
		}
		if !(j >= 0 && j <= 1 && jw >= j && jw <= 1) {
			t.Fatalf("Jaro %v, JaroWinkler %v: want 0 <= Jaro <= JaroWinkler <= 1", j, jw)
		}
		if Jaro(a, a) != 1 || JaroWinkler(a, a) != 1 {
			t.Fatalf("a string against itself must score 1")
		}
	})
}

// FuzzEditDistance: Levenshtein and OSA equal the plain dynamic programmes on
// the decoded runes (so the bit-parallel paths and prefix/suffix trimming are
// exact on any bytes), are symmetric, and OSA <= Levenshtein.
func FuzzEditDistance(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, a, b string) {
		ra, rb := []rune(a), []rune(b)
		lev, osa := Levenshtein(a, b), OSA(a, b)
		if want := levenshteinDP(ra, rb); lev != want {
			t.Fatalf("Levenshtein = %d, dynamic programme %d", lev, want)
		}
		if want := osaDP(ra, rb); osa != want {
			t.Fatalf("OSA = %d, dynamic programme %d", osa, want)
		}
		if lev != Levenshtein(b, a) || osa != OSA(b, a) || osa > lev {
			t.Fatalf("Levenshtein %d/%d, OSA %d/%d: want symmetric, OSA <= Levenshtein", lev, Levenshtein(b, a), osa, OSA(b, a))
		}
		for _, s := range []float64{LevenshteinSimilarity(a, b), OSASimilarity(a, b)} {
			if !(s >= 0 && s <= 1) {
				t.Fatalf("similarity %v outside [0, 1]", s)
			}
		}
	})
}

// FuzzSetMeasures: the q-gram and token measures never panic, are symmetric,
// bounded, and 1 on identical input.
func FuzzSetMeasures(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, a, b string) {
		checkProperties(t, a, b)
		if s := LongestCommonSubstring(a, b); s < 0 || s > min(len([]rune(a)), len([]rune(b))) {
			t.Fatalf("LongestCommonSubstring = %d, outside [0, shorter length]", s)
		}
	})
}

// FuzzCloseness: numeric and date closeness are symmetric and in [0, 1] for
// any values, including NaN, infinities and extreme times.
func FuzzCloseness(f *testing.F) {
	f.Add(1.0, 2.0, 10.0, int64(0), int64(1), int64(10))
	f.Add(math.Inf(1), math.Inf(-1), math.NaN(), int64(math.MinInt64), int64(math.MaxInt64), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, a, b, scale float64, ta, tb, d int64) {
		for _, c := range [][2]float64{
			{NumericCloseness(a, b, scale), NumericCloseness(b, a, scale)},
			{DateCloseness(time.Unix(0, ta), time.Unix(tb, 0), time.Duration(d)), DateCloseness(time.Unix(tb, 0), time.Unix(0, ta), time.Duration(d))},
		} {
			if c[0] != c[1] || !(c[0] >= 0 && c[0] <= 1) {
				t.Fatalf("closeness %v, reversed %v: want symmetric in [0, 1]", c[0], c[1])
			}
		}
	})
}
