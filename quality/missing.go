package quality

import (
	"strings"

	"github.com/c360/c360/quality/normalize"
)

// DefaultSentinels are the placeholder values that Missing treats as
// missing when Missing.Sentinels is nil: what people type when a form
// insists on a value they do not have.
func DefaultSentinels() []string {
	return []string{
		"不明", "なし", "無し", "ナシ", "未定", "未記入", "該当なし", "ダミー", "テスト",
		"-", "--", "---", "ー", "―", "－", ".", "?", "＊", "*", "〓", "×", "N/A", "NA", "null", "nil", "none",
		"unknown", "test", "dummy", "xxx", "0000000", "000-0000", "00000000000",
		"000-0000-0000", "1900-01-01", "1111-11-11",
	}
}

// Missing decides whether a value counts as missing: empty, only white
// space (U+3000 IDEOGRAPHIC SPACE included), or a sentinel placeholder.
// Sentinels are compared after width folding (normalize.Text) and case
// folding, so "ＴＥＳＴ", "Test" and "test" are one sentinel; a value more
// than three times as long (in bytes) as the longest sentinel is never
// one.
// The zero Missing uses DefaultSentinels. A Missing is safe for concurrent
// use once built; build it with NewMissing to precompute the fold.
type Missing struct {
	set    map[string]bool
	maxLen int // longest folded sentinel in bytes, for a fast reject
}

// NewMissing returns a Missing with the given sentinels; nil means
// DefaultSentinels, an empty non-nil slice means none.
func NewMissing(sentinels []string) *Missing {
	if sentinels == nil {
		sentinels = DefaultSentinels()
	}
	m := &Missing{set: make(map[string]bool, len(sentinels))}
	for _, s := range sentinels {
		k := foldSentinel(s)
		if k == "" {
			continue
		}
		m.set[k] = true
		m.set[strings.TrimSpace(s)] = true
		m.maxLen = max(m.maxLen, len(k), len(s))
	}
	return m
}

func foldSentinel(s string) string { return strings.ToLower(normalize.Text(s)) }

// Is reports whether v counts as missing.
func (m *Missing) Is(v string) bool {
	v = trimSpace(v)
	if v == "" {
		return true
	}
	if m == nil || m.set == nil {
		m = defaultMissing
	}
	// A folded value is never shorter than a third of the input in bytes
	// (full-width forms take three bytes for one).
	if len(v) > 3*m.maxLen {
		return false
	}
	if m.set[v] {
		return true
	}
	switch textStable(v) {
	case stable:
		return false
	case stableButCase:
		if len(v) > m.maxLen {
			return false
		}
		var buf [64]byte
		b := buf[:0]
		for i := 0; i < len(v); i++ {
			c := v[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
		return m.set[string(b)]
	}
	return m.set[foldSentinel(v)]
}

var defaultMissing = NewMissing(nil)

type stability int

const (
	unstable      stability = iota // normalize.Text may change it: fold fully
	stable                         // normalize.Text and lower-casing leave it as is
	stableButCase                  // ASCII that only lower-casing changes
)

// textStable tells, from the bytes alone, whether foldSentinel(v) is v (or
// only its ASCII lower-case form), so that the costly fold can be skipped
// for the values of ordinary records: ASCII letters and digits with single
// inner '@', '.', '_', '+' and '-' between letters or digits; or digits,
// kanji (U+4E00–U+9FFF), hiragana and katakana letters and ー without any
// ASCII letter. Anything else — spaces, other punctuation, width and
// compatibility forms, combining marks — is folded.
func textStable(v string) stability {
	ascii := true
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			ascii = false
			break
		}
	}
	alnum := func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	if ascii {
		upper := false
		for i := 0; i < len(v); i++ {
			c := v[i]
			switch {
			case alnum(c):
				upper = upper || c >= 'A' && c <= 'Z'
			case c == '@' || c == '.' || c == '_' || c == '+' || c == '-':
				if i == 0 || i == len(v)-1 || !alnum(v[i-1]) || !alnum(v[i+1]) {
					return unstable
				}
			default:
				return unstable
			}
		}
		if upper {
			return stableButCase
		}
		return stable
	}
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			i++
			continue
		case c >= 0xE4 && c <= 0xE9 && i+2 < len(v):
			i += 3
			continue
		case c == 0xE3 && i+2 < len(v):
			r := rune(c&0x0F)<<12 | rune(v[i+1]&0x3F)<<6 | rune(v[i+2]&0x3F)
			if v[i+1] >= 0x80 && v[i+2] >= 0x80 && (r >= 0x3041 && r <= 0x3096 || r >= 0x30A1 && r <= 0x30FA || r == 0x30FC) {
				i += 3
				continue
			}
		}
		return unstable
	}
	return stable
}

// trimSpace trims Unicode white space, U+3000 included, without allocating.
func trimSpace(s string) string {
	for s != "" {
		n := spacePrefix(s)
		if n == 0 {
			break
		}
		s = s[n:]
	}
	for s != "" {
		n := spaceSuffix(s)
		if n == 0 {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

func asciiSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// multiByteSpace reports whether the 2- or 3-byte sequence b (a whole
// rune) is a Unicode white-space character: U+0085, U+00A0, U+1680,
// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
func multiByteSpace(b string) bool {
	switch len(b) {
	case 2:
		return b[0] == 0xC2 && (b[1] == 0x85 || b[1] == 0xA0)
	case 3:
		switch b[0] {
		case 0xE1:
			return b[1] == 0x9A && b[2] == 0x80
		case 0xE2:
			return b[1] == 0x80 && (b[2] >= 0x80 && b[2] <= 0x8A || b[2] == 0xA8 || b[2] == 0xA9 || b[2] == 0xAF) || b[1] == 0x81 && b[2] == 0x9F
		case 0xE3:
			return b[1] == 0x80 && b[2] == 0x80
		}
	}
	return false
}

// spacePrefix returns the byte length of the white space rune s starts
// with, or 0.
func spacePrefix(s string) int {
	c := s[0]
	if c < 0x80 {
		if asciiSpace(c) {
			return 1
		}
		return 0
	}
	if c == 0xC2 && len(s) >= 2 && multiByteSpace(s[:2]) {
		return 2
	}
	if c >= 0xE1 && c <= 0xE3 && len(s) >= 3 && multiByteSpace(s[:3]) {
		return 3
	}
	return 0
}

// spaceSuffix returns the byte length of the white space rune s ends with,
// or 0.
func spaceSuffix(s string) int {
	n := len(s)
	c := s[n-1]
	if c < 0x80 {
		if asciiSpace(c) {
			return 1
		}
		return 0
	}
	if n >= 2 && multiByteSpace(s[n-2:]) {
		return 2
	}
	if n >= 3 && multiByteSpace(s[n-3:]) {
		return 3
	}
	return 0
}
