package intel

import (
	"strings"
	"unicode/utf8"
)

// Snippet is a piece of normalised item text with the spans that matched
// the query. Highlights are byte offsets into Text, sorted and not
// overlapping. Text is not escaped: mark it up with [Snippet.Mark] after
// escaping for the host's medium, or use the offsets directly.
type Snippet struct {
	Text       string
	Highlights []Span
	// Before and After say whether the text was cut at its start or end.
	Before, After bool
}

// Span is a half-open byte range [Start, End).
type Span struct{ Start, End int }

// Mark returns the text with each highlight wrapped in open and close and
// "…" where the text was cut, e.g. s.Mark("[", "]") or s.Mark("<b>", "</b>")
// (escape Text first when the medium needs it).
func (s Snippet) Mark(open, close string) string {
	var b strings.Builder
	if s.Before {
		b.WriteString("…")
	}
	last := 0
	for _, h := range s.Highlights {
		b.WriteString(s.Text[last:h.Start])
		b.WriteString(open)
		b.WriteString(s.Text[h.Start:h.End])
		b.WriteString(close)
		last = h.End
	}
	b.WriteString(s.Text[last:])
	if s.After {
		b.WriteString("…")
	}
	return b.String()
}

// makeSnippet finds the terms in normalised text t and cuts a window of at
// most maxRunes runes around the first match (the whole text when it is
// short enough; the start of the text when nothing matches).
func makeSnippet(t string, terms []string, maxRunes int) Snippet {
	need := make(map[string]bool, len(terms))
	var chars []string // one-character CJK terms, highlighted inside bigrams
	for _, x := range terms {
		need[x] = true
		if _, ok := singleCJK(x); ok {
			chars = append(chars, x)
		}
	}
	var spans []Span
	analyze(t, func(term string, start, end int) {
		if !need[term] {
			found := false
			for _, ch := range chars {
				if i := strings.Index(term, ch); i >= 0 {
					start, end = start+i, start+i+len(ch)
					found = true
					break
				}
			}
			if !found {
				return
			}
		}
		if n := len(spans); n > 0 && start <= spans[n-1].End {
			spans[n-1].End = max(spans[n-1].End, end)
			return
		}
		spans = append(spans, Span{start, end})
	})
	if utf8.RuneCountInString(t) <= maxRunes {
		return Snippet{Text: t, Highlights: spans}
	}
	// Start a little before the first match, on a rune boundary.
	from := 0
	if len(spans) > 0 {
		from = spans[0].Start
		for back := 0; back < maxRunes/4 && from > 0; back++ {
			_, n := utf8.DecodeLastRuneInString(t[:from])
			from -= n
		}
	}
	to := from
	for n := 0; n < maxRunes && to < len(t); n++ {
		_, size := utf8.DecodeRuneInString(t[to:])
		to += size
	}
	s := Snippet{Text: t[from:to], Before: from > 0, After: to < len(t)}
	for _, sp := range spans {
		if sp.End <= from || sp.Start >= to {
			continue
		}
		s.Highlights = append(s.Highlights, Span{max(sp.Start, from) - from, min(sp.End, to) - from})
	}
	return s
}
