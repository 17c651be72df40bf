package intel

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/c360/c360/quality/normalize"
)

// Text analysis shared by the index, the single-item matcher (List,
// subscriptions) and snippets, so that all three agree on what a term is.
//
// Text is first normalised with normalize.Text (width folding, half-width
// kana to full-width, compatibility characters, spaces). It is then cut into
// runs:
//
//   - CJK runs (Han, Hiragana, Katakana, Hangul, and the marks ー 々 〆 ヶ)
//     give overlapping character bigrams, because Japanese has no spaces
//     between words: 顧客満足 → 顧客 客満 満足. A run of one character gives
//     that character.
//   - Other letters and digits give words, lower-cased: "ABC-Corp" → abc corp.
//   - Everything else separates.

// tagKey is the comparison key of a tag.
func tagKey(s string) string { return normalize.TextKey(s) }

// competitorKey is the comparison key of a competitor name.
func competitorKey(s string) string { return normalize.TextKey(s) }

func isCJK(r rune) bool {
	if r < 0x1100 {
		return false
	}
	switch r {
	case 'ー', '々', '〆', 'ヶ', 'ヵ', '〇':
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// analyze cuts normalised text t into terms, calling emit with each term and
// its byte span in t. Terms are substrings of t when t is already lower
// case (no allocation); callers that keep a term must clone it.
func analyze(t string, emit func(term string, start, end int)) {
	i := 0
	for i < len(t) {
		r, n := utf8.DecodeRuneInString(t[i:])
		switch {
		case isCJK(r):
			// Collect the run's rune offsets and emit bigrams.
			start := i
			prev, prevEnd := start, i+n
			j := i + n
			count := 1
			for j < len(t) {
				r2, n2 := utf8.DecodeRuneInString(t[j:])
				if !isCJK(r2) {
					break
				}
				emit(t[prev:j+n2], prev, j+n2)
				prev, prevEnd = j, j+n2
				j += n2
				count++
			}
			if count == 1 {
				emit(t[start:prevEnd], start, prevEnd)
			}
			i = j
		case isWordRune(r):
			start := i
			j := i + n
			lower := r >= utf8.RuneSelf || 'A' <= r && r <= 'Z'
			for j < len(t) {
				r2, n2 := utf8.DecodeRuneInString(t[j:])
				if !isWordRune(r2) || isCJK(r2) {
					break
				}
				if r2 >= utf8.RuneSelf || 'A' <= r2 && r2 <= 'Z' {
					lower = true
				}
				j += n2
			}
			w := t[start:j]
			if lower {
				w = strings.ToLower(w)
			}
			emit(w, start, j)
			i = j
		default:
			i += n
		}
	}
}

// queryTerms returns the distinct terms of free text s in first-seen order.
func queryTerms(s string) []string {
	var out []string
	seen := map[string]bool{}
	analyze(normalize.Text(s), func(term string, _, _ int) {
		if !seen[term] {
			seen[term] = true
			out = append(out, strings.Clone(term))
		}
	})
	return out
}

// itemText is the searchable text of an item: title and body, normalised.
func itemText(it *Item) (title, body string) {
	return normalize.Text(it.Title), normalize.Text(it.Body)
}
