package pipeline

import (
	"strings"

	"golang.org/x/text/width"
)

// displayWidth is the number of terminal columns s takes: East Asian wide
// and full-width characters take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// pad pads s with spaces to w columns.
func pad(s string, w int) string {
	if d := w - displayWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

// alignRows lays rows out in columns aligned by display width, two spaces
// apart; the last column is not padded.
func alignRows(rows [][]string) []string {
	var widths []int
	for _, r := range rows {
		for c, cell := range r {
			if c >= len(widths) {
				widths = append(widths, 0)
			}
			widths[c] = max(widths[c], displayWidth(cell))
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
			b.WriteString(pad(cell, widths[c]))
			b.WriteString("  ")
		}
		out[i] = strings.TrimRight(b.String(), " ")
	}
	return out
}
