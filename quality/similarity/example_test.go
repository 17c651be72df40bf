package similarity_test

import (
	"fmt"
	"time"

	"github.com/c360/c360/quality/similarity"
)

func ExampleJaroWinkler() {
	fmt.Printf("%.3f\n", similarity.JaroWinkler("MARTHA", "MARHTA"))
	// Runes, not bytes: two kanji swapped in a four-kanji name.
	fmt.Printf("%.3f\n", similarity.JaroWinkler("山田太郎", "山田郎太"))
	// Output:
	// 0.961
	// 0.933
}

func ExampleJaroWinklerWith() {
	// No boost threshold, and a prefix of up to 2 runes.
	o := similarity.WinklerConfig{MaxPrefix: 2, BoostThreshold: -1}
	fmt.Printf("%.3f\n", similarity.JaroWinklerWith("abcd", "abxy", o))
	// Output:
	// 0.733
}

func ExampleLevenshtein() {
	fmt.Println(similarity.Levenshtein("kitten", "sitting"))
	fmt.Println(similarity.Levenshtein("斎藤", "斉藤"))
	fmt.Printf("%.2f\n", similarity.LevenshteinSimilarity("サイトウ", "サイトオウ"))
	// Output:
	// 3
	// 1
	// 0.80
}

func ExampleOSA() {
	// An adjacent swap is one edit for OSA, two for Levenshtein.
	fmt.Println(similarity.OSA("山田太郎", "山田郎太"), similarity.Levenshtein("山田太郎", "山田郎太"))
	// Output:
	// 1 2
}

func ExampleQGramDice() {
	// Bigrams survive reordering of a company name's parts.
	fmt.Printf("%.3f\n", similarity.QGramDice("ABC株式会社", "株式会社ABC", 2))
	// Output:
	// 0.833
}

func ExampleTokenSet() {
	fmt.Println(similarity.TokenSet("山田 太郎", "太郎　山田"))
	fmt.Println(similarity.TokenSet("ABC 株式会社", "株式会社 ABC 本社"))
	fmt.Printf("%.2f\n", similarity.TokenSet("John Smith", "John Smyth"))
	// Output:
	// 1
	// 1
	// 0.90
}

func ExampleNumericCloseness() {
	fmt.Printf("%.1f\n", similarity.NumericCloseness(1000, 1100, 500))
	// Output:
	// 0.8
}

func ExampleDateCloseness() {
	born := time.Date(1985, 4, 1, 0, 0, 0, 0, time.UTC)
	fmt.Printf("%.3f\n", similarity.DateCloseness(born, born.AddDate(0, 0, 30), 365*24*time.Hour))
	// Output:
	// 0.918
}

func ExampleLongestCommonSubstring() {
	fmt.Println(similarity.LongestCommonSubstring("株式会社ABC", "ABC株式会社"))
	// Output:
	// 4
}
