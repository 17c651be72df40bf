package similarity

import (
	"strings"
	"testing"
)

// benchPairs are the inputs of the benchmarks: short and 64-rune ASCII and
// Japanese pairs.
var benchPairs = []struct{ name, a, b string }{
	{"ascii_short", "MARTHA", "MARHTA"},
	{"ascii_name", "Jonathan Smithers", "Johnathan Smithers"},
	{"ascii_64", strings.Repeat("abcdefgh", 8), strings.Repeat("abcdefgx", 8)},
	{"ja_name", "山田太郎", "山田郎太"},
	{"ja_company", "株式会社東京スポーツ用品", "東京スポーツ用品株式会社"},
	{"ja_64", strings.Repeat("東京都千代田区丸の内", 6) + "一二三四", strings.Repeat("東京都千代田区丸ノ内", 6) + "一二三五"},
}

var sink float64

func benchString(b *testing.B, f func(a, b string) float64) {
	for _, p := range benchPairs {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = f(p.a, p.b)
			}
		})
	}
}

func BenchmarkJaro(b *testing.B)        { benchString(b, Jaro) }
func BenchmarkJaroWinkler(b *testing.B) { benchString(b, JaroWinkler) }
func BenchmarkLevenshtein(b *testing.B) {
	benchString(b, func(a, b string) float64 { return float64(Levenshtein(a, b)) })
}
func BenchmarkOSA(b *testing.B) {
	benchString(b, func(a, b string) float64 { return float64(OSA(a, b)) })
}
func BenchmarkQGramJaccard(b *testing.B) {
	benchString(b, func(a, b string) float64 { return QGramJaccard(a, b, 2) })
}
func BenchmarkTokenSet(b *testing.B) { benchString(b, TokenSet) }
func BenchmarkLongestCommonSubstring(b *testing.B) {
	benchString(b, func(a, b string) float64 { return float64(LongestCommonSubstring(a, b)) })
}

// BenchmarkLevenshteinLong shows the cost beyond 64 runes on both sides,
// where the dynamic programme allocates.
func BenchmarkLevenshteinLong(b *testing.B) {
	x, y := strings.Repeat("東京都千代田区", 20), strings.Repeat("東京都中央区", 20)
	b.ReportAllocs()
	for b.Loop() {
		sink = float64(Levenshtein(x, y))
	}
}
