package similarity

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
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
		if got, want := Jaro(a, b), jaroSlow(ra, rb); len(ra) > 0 && len(rb) > 0 && got != want {
			t.Fatalf("Jaro(%q, %q) = %v, jaroSlow = %v", a, b, got, want)
		}
	}
}

func TestJaroWinklerWith(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		o    WinklerConfig
		want float64 // rounded to 3 decimals
	}{
		{name: "zero options are the defaults", a: "MARTHA", b: "MARHTA", want: 0.961},
		{name: "negative scale disables the boost", a: "MARTHA", b: "MARHTA",
			o: WinklerConfig{PrefixScale: -1}, want: 0.944},
		{name: "larger scale", a: "MARTHA", b: "MARHTA",
			o: WinklerConfig{PrefixScale: 0.2}, want: 0.978}, // 0.944+0.6*0.056
		{name: "scale capped at 1/MaxPrefix", a: "abcdx", b: "abcdy",
			o: WinklerConfig{PrefixScale: 5}, want: 1}, // j=0.867, l=4, scale 0.25
		{name: "longer prefix", a: "abcdefgx", b: "abcdefgy",
			o: WinklerConfig{MaxPrefix: 6}, want: 0.967}, // j=0.9167 + 0.6*0.0833
		{name: "threshold not exceeded", a: "abcd", b: "abxy", want: 0.667},
		{name: "negative threshold boosts always", a: "abcd", b: "abxy",
			o: WinklerConfig{BoostThreshold: -1}, want: 0.733}, // 0.667+0.2*0.333
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := round3(JaroWinklerWith(tc.a, tc.b, tc.o)); got != tc.want {
				t.Errorf("JaroWinklerWith(%q, %q, %+v) = %v, want %v", tc.a, tc.b, tc.o, got, tc.want)
			}
		})
	}
}

func TestEditDistances(t *testing.T) {
	tests := []struct {
		name     string
		a, b     string
		lev, osa int
		levSim   float64 // rounded to 3 decimals
		reason   string
	}{
		{name: "kitten", a: "kitten", b: "sitting", lev: 3, osa: 3, levSim: 0.571},
		{name: "transposition", a: "ca", b: "ac", lev: 2, osa: 1, levSim: 0},
		{name: "OSA restriction", a: "ca", b: "abc", lev: 3, osa: 3, levSim: 0,
			reason: "the swapped pair may not be edited again, so OSA is not 2"},
		{name: "swap inside a word", a: "Tokyo", b: "Tokoy", lev: 2, osa: 1, levSim: 0.6},
		{name: "both empty", a: "", b: "", lev: 0, osa: 0, levSim: 1},
		{name: "one empty counts runes", a: "", b: "東京都", lev: 3, osa: 3, levSim: 0},
		{name: "kanji substitution", a: "斎藤", b: "斉藤", lev: 1, osa: 1, levSim: 0.5,
			reason: "one rune differs; counting bytes would give 3 and 6"},
		{name: "kanji swap", a: "山田太郎", b: "山田郎太", lev: 2, osa: 1, levSim: 0.5},
		{name: "kana insertion", a: "サイトウ", b: "サイトオウ", lev: 1, osa: 1, levSim: 0.8},
		{name: "shared prefix and suffix", a: "株式会社東京商事", b: "株式会社京都商事", lev: 2, osa: 2, levSim: 0.75,
			reason: "東京 and 京都 are two substitutions, not a swap (that would be 京東)"},
		{name: "invalid UTF-8 bytes count one each", a: "a\xff\xfe", b: "a", lev: 2, osa: 2, levSim: 0.333},
		{name: "long ASCII", a: strings.Repeat("ab", 50) + "x", b: strings.Repeat("ab", 50) + "yz", lev: 2, osa: 2, levSim: 0.98},
		{name: "long on both sides", a: strings.Repeat("あい", 40), b: strings.Repeat("いあ", 40), lev: 2, osa: 2, levSim: 0.975,
			reason: "delete the first あ and append one; 64+ runes on both sides take the DP path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Levenshtein(tc.a, tc.b); got != tc.lev {
				t.Errorf("Levenshtein = %d, want %d %s", got, tc.lev, tc.reason)
			}
			if got := OSA(tc.a, tc.b); got != tc.osa {
				t.Errorf("OSA = %d, want %d %s", got, tc.osa, tc.reason)
			}
			if got := round3(LevenshteinSimilarity(tc.a, tc.b)); got != tc.levSim {
				t.Errorf("LevenshteinSimilarity = %v, want %v", got, tc.levSim)
			}
			n := max(utf8.RuneCountInString(tc.a), utf8.RuneCountInString(tc.b))
			wantOSA := 1.0
			if n > 0 {
				wantOSA = 1 - float64(tc.osa)/float64(n)
			}
			if got := OSASimilarity(tc.a, tc.b); got != wantOSA {
				t.Errorf("OSASimilarity = %v, want %v", got, wantOSA)
			}
		})
	}
}

func TestQGrams(t *testing.T) {
	tests := []struct {
		name          string
		a, b          string
		q             int
		jaccard, dice float64 // rounded to 3 decimals
		reason        string
	}{
		{name: "prefectures", a: "東京都", b: "京都府", q: 2, jaccard: 0.333, dice: 0.5,
			reason: "{東京,京都} vs {京都,都府}: 1 shared of 3; 2*1/4"},
		{name: "q 0 means 2", a: "東京都", b: "京都府", q: 0, jaccard: 0.333, dice: 0.5},
		{name: "night nacht", a: "night", b: "nacht", q: 2, jaccard: 0.143, dice: 0.25,
			reason: "4 bigrams each, only ht shared: 1/7 and 2/8"},
		{name: "bag counts repeats", a: "aaaa", b: "aa", q: 2, jaccard: 0.333, dice: 0.5,
			reason: "{aa×3} vs {aa×1}: 1/3 and 2/4"},
		{name: "reordered parts", a: "ABC株式会社", b: "株式会社ABC", q: 2, jaccard: 0.714, dice: 0.833,
			reason: "6 bigrams each, 5 shared (all but C株 / 社A): 5/7, 10/12"},
		{name: "trigram", a: "abcde", b: "abcdf", q: 3, jaccard: 0.5, dice: 0.667},
		{name: "shorter than q is one gram", a: "ab", b: "ab", q: 3, jaccard: 1, dice: 1},
		{name: "shorter than q differs", a: "ab", b: "abc", q: 3, jaccard: 0, dice: 0},
		{name: "long grams hashed and checked", a: "abcdefg", b: "xbcdefg", q: 5, jaccard: 0.5, dice: 0.667,
			reason: "3 grams each, bcdef and cdefg shared: 2/4, 4/6"},
		{name: "both empty", a: "", b: "", q: 2, jaccard: 1, dice: 1},
		{name: "one empty", a: "", b: "a", q: 2, jaccard: 0, dice: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := round3(QGramJaccard(tc.a, tc.b, tc.q)); got != tc.jaccard {
				t.Errorf("QGramJaccard = %v, want %v (%s)", got, tc.jaccard, tc.reason)
			}
			if got := round3(QGramDice(tc.a, tc.b, tc.q)); got != tc.dice {
				t.Errorf("QGramDice = %v, want %v (%s)", got, tc.dice, tc.reason)
			}
		})
	}
}

func TestTokenSet(t *testing.T) {
	tests := []struct {
		name   string
		a, b   string
		want   float64 // rounded to 3 decimals
		reason string
	}{
		{name: "order ignored", a: "山田 太郎", b: "太郎　山田", want: 1, reason: "U+3000 separates tokens too"},
		{name: "subset", a: "ABC 株式会社", b: "株式会社 ABC 本社", want: 1},
		{name: "repeats ignored", a: "a a b", b: "b a", want: 1},
		{name: "one token differs", a: "John Smith", b: "John Smyth", want: 0.9,
			reason: "t1=John Smith, t2=John Smyth: LCS 9 of 20 runes → 18/20"},
		{name: "nothing shared", a: "abc", b: "xyz", want: 0},
		{name: "no common tokens but similar", a: "abcd", b: "abce", want: 0.75, reason: "LCS 3: 6/8"},
		{name: "shared token dominates", a: "sato taro", b: "sato jiro", want: 0.778,
			reason: "S=sato, DA=taro, DB=jiro: (S,t1) 8/13, (t1,t2) LCS sato r o=7: 14/18"},
		{name: "both without tokens", a: " ", b: "", want: 1},
		{name: "one without tokens", a: "", b: "a", want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := round3(TokenSet(tc.a, tc.b)); got != tc.want {
				t.Errorf("TokenSet(%q, %q) = %v, want %v (%s)", tc.a, tc.b, got, tc.want, tc.reason)
			}
		})
	}
}

func TestLongestCommonSubstring(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"株式会社ABC", "ABC株式会社", 4},
		{"abcdef", "zcdez", 3},
		{"", "abc", 0},
		{"abc", "xyz", 0},
		{strings.Repeat("x", 100) + "東京都港区", "東京都港区" + strings.Repeat("y", 100), 5},
	}
	for _, tc := range tests {
		if got := LongestCommonSubstring(tc.a, tc.b); got != tc.want {
			t.Errorf("LongestCommonSubstring(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestNumericCloseness(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name        string
		a, b, scale float64
		want        float64
	}{
		{"equal", 5, 5, 10, 1},
		{"linear", 1000, 1100, 500, 0.8},
		{"at scale", 0, 10, 10, 0},
		{"beyond scale", 0, 20, 10, 0},
		{"zero scale equal", 3, 3, 0, 1},
		{"zero scale different", 3, 4, 0, 0},
		{"negative scale", 3, 4, -1, 0},
		{"NaN", math.NaN(), math.NaN(), 1, 0},
		{"equal infinities", inf, inf, 1, 1},
		{"infinite scale", 1, 2, inf, 1},
		{"infinite gap and scale", -inf, inf, inf, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NumericCloseness(tc.a, tc.b, tc.scale); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("NumericCloseness(%v, %v, %v) = %v, want %v", tc.a, tc.b, tc.scale, got, tc.want)
			}
		})
	}
}

func TestDateCloseness(t *testing.T) {
	day := 24 * time.Hour
	base := time.Date(1985, 4, 1, 0, 0, 0, 0, time.UTC)
	jst := time.FixedZone("JST", 9*3600)
	tests := []struct {
		name  string
		a, b  time.Time
		scale time.Duration
		want  float64
	}{
		{"same instant other zone", base, base.In(jst), day, 1},
		{"half scale", base, base.Add(12 * time.Hour), day, 0.5},
		{"30 days in a year", base, base.AddDate(0, 0, 30), 365 * day, 1 - 30.0/365},
		{"beyond scale", base, base.AddDate(1, 0, 0), 30 * day, 0},
		{"zero scale", base, base.Add(time.Nanosecond), 0, 0},
		{"extremes saturate", time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), math.MaxInt64, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, rev := DateCloseness(tc.a, tc.b, tc.scale), DateCloseness(tc.b, tc.a, tc.scale)
			if math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("DateCloseness = %v, want %v", got, tc.want)
			}
			if got != rev {
				t.Errorf("DateCloseness not symmetric: %v vs %v", got, rev)
			}
		})
	}
}
