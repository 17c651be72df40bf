package similarity

import "unicode/utf8"

// LongestCommonSubstring returns the length in runes of the longest run of
// runes that a and b both contain, e.g. 4 for 株式会社ABC and ABC株式会社
// (株式会社). No allocation when the shorter input has at most 64 runes.
func LongestCommonSubstring(a, b string) int {
	if utf8.RuneCountInString(a) > utf8.RuneCountInString(b) {
		a, b = b, a
	}
	var ab [stackRunes]rune
	ra := decode(a, &ab)
	if len(ra) == 0 {
		return 0
	}
	// One row of the run-length table over the shorter string, walked from
	// the right so that row[i] still holds the previous row's value.
	var rowBuf [stackRunes + 1]int32
	row := rowBuf[:]
	if len(ra)+1 > len(row) {
		row = make([]int32, len(ra)+1)
	}
	best := int32(0)
	for _, cb := range b {
		for i := len(ra); i > 0; i-- {
			if ra[i-1] == cb {
				row[i] = row[i-1] + 1
				best = max(best, row[i])
			} else {
				row[i] = 0
			}
		}
	}
	return int(best)
}
