package quality

import (
	"strings"
	"unicode"
	"unicode/utf8"

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
// folding, so "ＴＥＳＴ", "Test" and "test" are one sentinel.
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
	// Fast paths: ASCII is only case-folded; other text needs the full
	// fold only when it has width or compatibility forms.
	ascii, compat := true, false
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
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
	for _, r := range v {
		if r >= 0xFF00 && r <= 0xFFEF || r >= 0x2000 && r <= 0x206F || r >= 0x3300 && r <= 0x33FF {
			compat = true
			break
		}
	}
	if !compat {
		return false
	}
	return m.set[foldSentinel(v)]
}

var defaultMissing = NewMissing(nil)

// trimSpace trims Unicode white space, U+3000 included, without allocating.
func trimSpace(s string) string {
	for s != "" {
		c := s[0]
		if c < 0x80 {
			if !asciiSpace(c) {
				break
			}
			s = s[1:]
			continue
		}
		if c != 0xC2 && c != 0xE1 && c != 0xE2 && c != 0xE3 {
			break
		}
		r, n := utf8.DecodeRuneInString(s)
		if !unicode.IsSpace(r) {
			break
		}
		s = s[n:]
	}
	for s != "" {
		c := s[len(s)-1]
		if c < 0x80 {
			if !asciiSpace(c) {
				break
			}
			s = s[:len(s)-1]
			continue
		}
		// Every multi-byte space ends in a byte 0x80–0xAF.
		if c > 0xAF {
			break
		}
		r, n := utf8.DecodeLastRuneInString(s)
		if !unicode.IsSpace(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

func asciiSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }
