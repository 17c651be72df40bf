// Package textwidth measures and pads text by the columns a terminal gives
// it: East Asian wide and fullwidth characters (kanji, kana, ＡＢＣ) take two
// columns, combining marks and zero-width characters none, everything else
// one. Tables that mix Japanese and Latin text line up when padded with Pad.
package textwidth

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// RuneWidth returns the columns r takes: 2 for East Asian wide and
// fullwidth characters, 0 for combining marks, control and zero-width
// characters, else 1. Ambiguous-width characters (○, ①, Greek, Cyrillic)
// count 1, as terminals outside East Asian locales show them.
func RuneWidth(r rune) int {
	switch {
	case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF:
		return 0 // zero-width space, joiners, word joiner, BOM
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.IsControl(r):
		return 0
	case r >= 0x3099 && r <= 0x309A:
		return 0 // combining (han)dakuten
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// Width returns the columns s takes. Invalid UTF-8 bytes count one each.
func Width(s string) int {
	n := 0
	for _, r := range s {
		if r == utf8.RuneError {
			n++
			continue
		}
		n += RuneWidth(r)
	}
	return n
}

// Pad returns s followed by spaces up to w columns; s is returned as it is
// when it is already w columns or wider.
func Pad(s string, w int) string {
	if d := w - Width(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

// PadLeft returns s preceded by spaces up to w columns (for numbers).
func PadLeft(s string, w int) string {
	if d := w - Width(s); d > 0 {
		return strings.Repeat(" ", d) + s
	}
	return s
}

// Truncate returns the longest prefix of s that fits in w columns, with
// "…" in place of what was cut when s does not fit.
func Truncate(s string, w int) string {
	if Width(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		rw := RuneWidth(r)
		if n+rw > w-1 {
			break
		}
		b.WriteRune(r)
		n += rw
	}
	return b.String() + "…"
}
