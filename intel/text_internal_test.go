package intel

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/c360/c360/quality/normalize"
)

func TestAnalyze(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"顧客満足度", "顧客 客満 満足 足度"},
		{"ＡＢＣ社の新製品", "abc 社の の新 新製 製品"},
		{"Don't STOP-me now", "don t stop me now"},
		{"ｶﾀｶﾅ と かな", "カタ タカ カナ と かな"},
		{"2026年3月 iPhone15", "2026 年 3 月 iphone15"},
		{"ー", "ー"},
		{"", ""},
	} {
		var got []string
		analyze(normalize.Text(tc.in), func(term string, _, _ int) { got = append(got, term) })
		if strings.Join(got, " ") != tc.want {
			t.Errorf("analyze(%q) = %q, want %q", tc.in, strings.Join(got, " "), tc.want)
		}
	}
}

// FuzzAnalyze states the properties of text analysis and snippets for any
// input: every term is non-empty, lies inside the text at the reported
// span (up to lower-casing), and analysis is deterministic; a snippet of
// the text for its own terms has sorted, non-overlapping highlights inside
// its text, at most maxRunes runes long.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"顧客満足度", "ＡＢＣ社", "ｶﾞｷﾞｸﾞ", "a\u0301b", "İstanbul ǅ", "\xff\xfe", "x ー y", "한국어 텍스트"} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, maxRunes int) {
		text := normalize.Text(s)
		var terms []string
		analyze(text, func(term string, start, end int) {
			if term == "" {
				t.Fatalf("empty term in %q", text)
			}
			if start < 0 || end > len(text) || start >= end {
				t.Fatalf("span [%d,%d) outside %q", start, end, text)
			}
			if !strings.EqualFold(text[start:end], term) && strings.ToLower(text[start:end]) != term {
				t.Fatalf("term %q is not text[%d:%d] = %q", term, start, end, text[start:end])
			}
			terms = append(terms, strings.Clone(term))
		})
		var again []string
		analyze(text, func(term string, _, _ int) { again = append(again, term) })
		if strings.Join(terms, "\x00") != strings.Join(again, "\x00") {
			t.Fatalf("analysis is not deterministic for %q", text)
		}
		maxRunes = 1 + abs(maxRunes)%200
		sn := makeSnippet(text, terms, maxRunes)
		if utf8.RuneCountInString(sn.Text) > maxRunes {
			t.Fatalf("snippet of %d runes > %d", utf8.RuneCountInString(sn.Text), maxRunes)
		}
		last := 0
		for _, h := range sn.Highlights {
			if h.Start < last || h.End <= h.Start || h.End > len(sn.Text) {
				t.Fatalf("bad highlights %v in %q", sn.Highlights, sn.Text)
			}
			last = h.End
		}
		_ = sn.Mark("[", "]")
	})
}

func abs(n int) int {
	if n < 0 {
		if n == -n { // math.MinInt
			return 0
		}
		return -n
	}
	return n
}
