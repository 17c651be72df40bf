package pipeline

import (
	"strings"

	"github.com/c360/c360/internal/textwidth"
)

// alignRows lays rows out in columns aligned by display width (East Asian
// wide characters count two), two spaces apart; the last column is not
// padded.
func alignRows(rows [][]string) []string {
	var widths []int
	for _, r := range rows {
		for c, cell := range r {
			if c >= len(widths) {
				widths = append(widths, 0)
			}
			widths[c] = max(widths[c], textwidth.Width(cell))
		}
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		var b strings.Builder
		for c, cell := range r {
			if c == len(r)-1 {
				b.WriteString(cell)
				break
			}
			b.WriteString(textwidth.Pad(cell, widths[c]))
			b.WriteString("  ")
		}
		out[i] = strings.TrimRight(b.String(), " ")
	}
	return out
}
