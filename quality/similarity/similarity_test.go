package similarity

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// round3 rounds to three decimals, the precision the literature quotes.
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func TestJaroKnownValues(t *testing.T) {
	tests := []struct {
		name     string
		a, b     string
		jaro, jw float64 // rounded to 3 decimals
		reason   string
	}{
		{name: "MARTHA", a: "MARTHA", b: "MARHTA", jaro: 0.944, jw: 0.961,
			reason: "m=6, t=1: (1+1+5/6)/3; prefix MAR gives +0.3*(1-j)"},
		{name: "DWAYNE", a: "DWAYNE", b: "DUANE", jaro: 0.822, jw: 0.840,
			reason: "m=4 (D,A,N,E), t=0: (4/6+4/5+1)/3; prefix D"},
		{name: "DIXON", a: "DIXON", b: "DICKSONX", jaro: 0.767, jw: 0.813,
			reason: "window 3, m=4 (D,I,O,N), t=0: (4/5+4/8+1)/3; prefix DI"},
		{name: "identical", a: "abc", b: "abc", jaro: 1, jw: 1},
		{name: "both empty", a: "", b: "", jaro: 1, jw: 1},
		{name: "one empty", a: "", b: "abc", jaro: 0, jw: 0},
		{name: "disjoint", a: "abc", b: "xyz", jaro: 0, jw: 0},
		{name: "below boost threshold", a: "abcd", b: "abxy", jaro: 0.667, jw: 0.667,
			reason: "window 1, m=2, t=0: (2/4+2/4+1)/3 = 0.667 <= 0.7, no boost"},
		{name: "kanji transposed", a: "山田太郎", b: "山田郎太", jaro: 0.917, jw: 0.933,
			reason: "4 runes, window 1, m=4, t=1: (1+1+3/4)/3; prefix 山田 (2): +0.2*(1-j)"},
		{name: "kana one substitution", a: "ヤマダタロウ", b: "ヤマダジロウ", jaro: 0.889, jw: 0.922,
			reason: "6 runes, window 2, m=5, t=0: (5/6+5/6+1)/3; prefix ヤマダ (3)"},
		{name: "kanji one rune each", a: "東", b: "東京", jaro: 0.833, jw: 0.850,
			reason: "window 0, m=1: (1/1+1/2+1)/3; prefix 1; bytes would be 3 vs 6"},
		{name: "mixed script", a: "ABC株式会社", b: "株式会社ABC", jaro: 0.0, jw: 0.0,
			reason: "7 runes, window 2: every rune is 4 positions away from its twin, no match"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := round3(Jaro(tc.a, tc.b)); got != tc.jaro {
				t.Errorf("Jaro(%q, %q) = %v, want %v (%s)", tc.a, tc.b, got, tc.jaro, tc.reason)
			}
			if got := round3(JaroWinkler(tc.a, tc.b)); got != tc.jw {
				t.Errorf("JaroWinkler(%q, %q) = %v, want %v (%s)", tc.a, tc.b, got, tc.jw, tc.reason)
			}
		})
	}
}

// alphabets for random strings: small ones so that matches are common.
var alphabets = []string{"ab", "abc ", "アイウ山田", "aア\xff"}

func randString(r *rand.Rand, maxLen int) string {
	alpha := []rune(alphabets[r.IntN(len(alphabets))])
	if r.IntN(8) == 0 { // sometimes raw bytes, to exercise invalid UTF-8
		b := make([]byte, r.IntN(maxLen+1))
		for i := range b {
			b[i] = "a\xe3\x81\x82\xff"[r.IntN(5)]
		}
		return string(b)
	}
	var sb strings.Builder
	for range r.IntN(maxLen + 1) {
		sb.WriteRune(alpha[r.IntN(len(alpha))])
	}
	return sb.String()
}

// TestEditDistanceAgainstDP checks the bit-parallel edit distances, with
// prefix and suffix trimming, against the plain dynamic programmes on the
// decoded runes, across the 64-rune boundary.
func TestEditDistanceAgainstDP(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := 10
		if r.IntN(10) == 0 {
			n = 140
		}
		a, b := randString(r, n), randString(r, n)
		ra, rb := []rune(a), []rune(b)
		if got, want := Levenshtein(a, b), levenshteinDP(ra, rb); got != want {
			t.Fatalf("Levenshtein(%q, %q) = %d, want %d", a, b, got, want)
		}
		if got, want := OSA(a, b), osaDP(ra, rb); got != want {
			t.Fatalf("OSA(%q, %q) = %d, want %d", a, b, got, want)
		}
		if got, want := Jaro(a, b), jaroSlow(ra, rb); utf8.RuneCountInString(a) <= utf8.RuneCountInString(b) && got != want {
			// jaroSlow scans its first argument; for a no longer than b
			// (and lexically smaller at equal length) jaro uses the same order.
			if len(ra) < len(rb) || lessRunes(ra, rb) {
				t.Fatalf("Jaro(%q, %q) = %v, jaroSlow = %v", a, b, got, want)
			}
		}
	}
}
