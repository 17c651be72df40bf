package quality

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzTrimSpace checks the byte-level trimming against the standard
// library: trimSpace(s) == strings.TrimFunc(s, unicode.IsSpace) for any
// input, valid UTF-8 or not.
func FuzzTrimSpace(f *testing.F) {
	for _, s := range []string{"", " a ", "\u3000山田\u3000", "\u00a0x\u0085", "\u2000\u200a\u2028\u2029\u202f\u205f", "\xe3\x80", "a\xe3\x80\x80", "\u1680b\u180e", "\t\n\v\f\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trimSpace(s), strings.TrimFunc(s, unicode.IsSpace); got != want {
			t.Fatalf("trimSpace(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzMissing checks that Missing.Is, with its fast paths, agrees with its
// definition: blank after trimming, or (at most three times as long as the
// longest sentinel) a sentinel after width and case folding.
func FuzzMissing(f *testing.F) {
	for _, s := range []string{"", "不明", "ＴＥＳＴ", "ﾀﾞﾐｰ", "test@example.jp", " n/a ", "－", "〓"} {
		f.Add(s)
	}
	m := NewMissing(nil)
	set := map[string]bool{}
	for _, s := range DefaultSentinels() {
		set[foldSentinel(s)] = true
	}
	f.Fuzz(func(t *testing.T, s string) {
		t0 := strings.TrimFunc(s, unicode.IsSpace)
		want := t0 == "" || len(t0) <= 3*m.maxLen && set[foldSentinel(t0)]
		if got := m.Is(s); got != want {
			t.Fatalf("Missing.Is(%q) = %v, want %v (fold %q)", s, got, want, foldSentinel(t0))
		}
	})
}
