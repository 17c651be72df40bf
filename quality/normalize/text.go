package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text returns the canonical form of free text. In one pass it
//
//   - folds compatibility characters the NFKC way: full-width ASCII (ＡＢＣ１２３ → ABC123),
//     circled and parenthesised characters (① → 1, ㈱ → (株)), Roman numerals (Ⅳ → IV),
//     squared words (㌔ → キロ, ㍿ → 株式会社), ligatures;
//   - turns half-width katakana into full-width with voiced and semi-voiced marks
//     composed (ｶﾞ → ガ, ｳﾞｧ → ヴァ, ﾊﾟ → パ); a spacing or combining ゛ or ゜ after a kana
//     that has a voiced form joins it (か゛ → が); elsewhere it stays the spacing mark ゛/゜,
//     never "space + combining mark" as plain NFKC would make it;
//   - reads dashes in context: any hyphen-like character (‐ ‑ ‒ – — ― − ─ － ｰ ー …) after a
//     digit or Latin letter becomes "-", after a kana "ー"; elsewhere ー/ｰ become "ー" and the
//     others "-"; a run of them collapses into one;
//   - unifies the wave dash 〜 and the full-width tilde ～ (and ∼ ˜ ⁓) into "~";
//   - turns U+3000 and every other space, tab and line break into one ASCII space,
//     collapsing runs and trimming both ends;
//   - strips variation selectors, zero-width and other format characters and control
//     characters;
//   - replaces each invalid UTF-8 byte with U+FFFD.
//
// Case and kanji variants are kept (see TextKey and FoldNameVariants). Text never
// fails and is idempotent: Text(Text(s)) == Text(s). It does not allocate when s
// is already canonical.
func Text(s string) string {
	if asciiCanonical(s, false) {
		return s
	}
	f := folder{src: s}
	return f.run()
}

// TextKey returns a comparison key for free text: Text, then lower-cased
// (simple Unicode case mapping) with every space removed, so that
// "ＡＢＣ 商事" and "abc商事" get the same key. Dash context is judged with the
// spaces already removed, which keeps TextKey idempotent.
func TextKey(s string) string {
	if asciiCanonical(s, true) {
		return s
	}
	f := folder{src: s, key: true}
	return f.run()
}

// asciiCanonical reports whether s is printable ASCII that Text (or TextKey
// when key is set) leaves unchanged.
func asciiCanonical(s string, key bool) bool {
	prev := byte(' ')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 || c >= 0x7f:
			return false
		case c == ' ':
			if key || prev == ' ' {
				return false
			}
		case c == '-':
			if prev == '-' {
				return false
			}
		case key && 'A' <= c && c <= 'Z':
			return false
		}
		prev = c
	}
	return len(s) == 0 || prev != ' '
}

// folder is the state of one Text / TextKey pass. While the output is still
// equal to a prefix of the input (clean), nothing is copied. The last rune is
// held back until the next one comes, so that a voicing mark can still
// change it.
type folder struct {
	src   string
	n     int // while clean: the output so far is src[:n]
	buf   strings.Builder
	dirty bool
	last  rune // last rune emitted, 0 at the start
	held  bool // last is held back, not yet written
	space bool // a space is pending
	nfc   bool // a rune that may combine with its predecessor was written
	key   bool // TextKey: drop spaces, lower-case
	slow  bool // no plain-run fast path (tests compare both paths)
}

func (f *folder) run() string {
	s := f.src
	for i := 0; i < len(s); {
		if !f.space && !f.slow {
			// A run of runes that need no change is copied (or, while the
			// output is still the input, skipped) in one step; its last rune
			// is held as usual.
			if j := f.plainRun(i); j > i {
				r, size := utf8.DecodeLastRuneInString(s[i:j])
				f.flush()
				f.putString(s[i : j-size])
				f.last, f.held = r, true
				i = j
				continue
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			f.ascii(rune(c))
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			f.emit(utf8.RuneError)
			i++
			continue
		}
		f.raw(r, s[i:i+size])
		i += size
	}
	f.flush()
	var out string
	if f.dirty {
		out = f.buf.String()
	} else {
		out = s[:f.n]
	}
	if f.nfc && !norm.NFC.IsNormalString(out) {
		out = norm.NFC.String(out)
	}
	return out
}

// ascii handles an ASCII rune (also one that a fold produced).
func (f *folder) ascii(c rune) {
	switch {
	case c == '-':
		f.hyphen(false)
	case c == ' ' || ('\t' <= c && c <= '\r'):
		f.addSpace()
	case c < 0x20 || c == 0x7f:
		// control character: dropped
	default:
		if f.key && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		f.emit(c)
	}
}

// raw handles a non-ASCII rune of the input; src holds its bytes.
func (f *folder) raw(r rune, src string) {
	switch {
	case 0xFF01 <= r && r <= 0xFF5E: // full-width ASCII
		f.ascii(r - 0xFEE0)
		return
	case 0xFF61 <= r && r <= 0xFF9F: // half-width katakana and punctuation
		switch r {
		case 0xFF9E:
			f.mark(false)
		case 0xFF9F:
			f.mark(true)
		case 0xFF70:
			f.hyphen(true)
		default:
			f.emit(rune(halfKana[r-0xFF61]))
		}
		return
	}
	// Common kana and kanji need no further look-up.
	if (0x3041 <= r && r <= 0x3096) || (0x30A1 <= r && r <= 0x30FA) ||
		(0x4E00 <= r && r <= 0x9FFF) || (0x3400 <= r && r <= 0x4DBF) {
		f.emit(r)
		return
	}
	if f.special(r) {
		return
	}
	p := norm.NFKC.PropertiesString(src)
	d := p.Decomposition()
	if len(d) == 0 || norm.NFKC.QuickSpanString(src) == len(src) {
		// No decomposition, or one that NFKC composes back (é, ガ): r is
		// already in NFKC form.
		if !p.BoundaryBefore() {
			f.nfc = true
		}
		f.emit(f.lower(r))
		return
	}
	// The compatibility decomposition; voicing marks in it are joined by
	// mark and other combining marks composed by the final NFC pass.
	m := d
	for j := 0; j < len(m); {
		r2, size := utf8.DecodeRune(m[j:])
		j += size
		if r2 < utf8.RuneSelf {
			f.ascii(r2)
			continue
		}
		if f.special(r2) {
			continue
		}
		if !norm.NFKC.Properties(m[j-size:]).BoundaryBefore() {
			f.nfc = true
		}
		f.emit(f.lower(r2))
	}
}

// special handles the non-ASCII runes with rules of their own (spaces,
// dashes, tildes, kana voicing marks, dropped characters) and reports whether
// r was one of them.
func (f *folder) special(r rune) bool {
	switch {
	case r == 0x3099 || r == 0x309B:
		f.mark(false)
	case r == 0x309A || r == 0x309C:
		f.mark(true)
	case isHyphenLike(r):
		f.hyphen(r == 0x30FC)
	case r == 0x301C || r == 0x2053 || r == 0x223C || r == 0x02DC:
		f.emit('~')
	case unicode.IsSpace(r):
		f.addSpace()
	case isDropped(r):
	default:
		return false
	}
	return true
}

func (f *folder) lower(r rune) rune {
	if f.key {
		return unicode.ToLower(r)
	}
	return r
}

func (f *folder) addSpace() {
	if !f.key && f.last != 0 {
		f.space = true
	}
}

// hyphen writes a hyphen-like character by its context; prolonged is set
// for ー and ｰ.
func (f *folder) hyphen(prolonged bool) {
	if !f.space && (f.last == '-' || f.last == 'ー') {
		return // a run collapses
	}
	out := '-'
	switch {
	case f.space:
		if prolonged {
			out = 'ー'
		}
	case isKana(f.last):
		out = 'ー'
	case isLatinAlnum(f.last):
		out = '-'
	case prolonged:
		out = 'ー'
	}
	f.emit(out)
}

// mark joins a voiced (handaku false) or semi-voiced mark to the kana before
// it, or writes the spacing mark.
func (f *folder) mark(handaku bool) {
	if !f.space {
		if c := voiced(f.last, handaku); c != 0 {
			f.replaceLast(c)
			return
		}
	}
	if handaku {
		f.emit(0x309C)
	} else {
		f.emit(0x309B)
	}
}

func (f *folder) emit(r rune) {
	f.flush()
	if f.space {
		f.space = false
		f.put(' ')
	}
	f.last, f.held = r, true
}

// flush writes the held rune.
func (f *folder) flush() {
	if f.held {
		f.put(f.last)
		f.held = false
	}
}

func (f *folder) put(r rune) {
	var tmp [utf8.UTFMax]byte
	n := utf8.EncodeRune(tmp[:], r)
	if !f.dirty {
		rest := f.src[f.n:]
		if len(rest) >= n && rest[:n] == string(tmp[:n]) {
			f.n += n
			return
		}
		f.goDirty()
	}
	f.buf.Write(tmp[:n])
}

func (f *folder) putString(s string) {
	if !f.dirty {
		if strings.HasPrefix(f.src[f.n:], s) {
			f.n += len(s)
			return
		}
		f.goDirty()
	}
	f.buf.WriteString(s)
}

func (f *folder) goDirty() {
	f.dirty = true
	f.buf.Grow(len(f.src) + 8)
	f.buf.WriteString(f.src[:f.n])
}

// plainRun returns the end of the run of runes from i on that Text leaves
// as they are whatever surrounds them: printable ASCII but "-" (and upper
// case for a key), common kanji, kana letters but ー, CJK punctuation, and
// single spaces between them. It returns i if there is none.
func (f *folder) plainRun(i int) int {
	s := f.src
	j := i
	for j < len(s) {
		c := s[j]
		if c < utf8.RuneSelf {
			switch {
			case c > ' ' && c < 0x7f && c != '-' && !(f.key && 'A' <= c && c <= 'Z'):
				j++
				continue
			case c == ' ' && !f.key && (j > i || f.last != 0) && j+1 < len(s) && plainStart(s[j+1:], f.key):
				j++
				continue
			}
			return j
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if !isPlainRune(r) {
			return j
		}
		j += size
	}
	return j
}

// plainStart reports whether s starts with a plain rune other than a space.
func plainStart(s string, key bool) bool {
	c := s[0]
	if c < utf8.RuneSelf {
		return c > ' ' && c < 0x7f && c != '-' && !(key && 'A' <= c && c <= 'Z')
	}
	r, _ := utf8.DecodeRuneInString(s)
	return isPlainRune(r)
}

func isPlainRune(r rune) bool {
	return (0x4E00 <= r && r <= 0x9FFF) || (0x3041 <= r && r <= 0x3096) || (0x30A1 <= r && r <= 0x30FB) ||
		(0x3400 <= r && r <= 0x4DBF) || (0x3001 <= r && r <= 0x3003) || (0x3008 <= r && r <= 0x3011)
}

// replaceLast replaces the held rune.
func (f *folder) replaceLast(r rune) { f.last = r }

// halfKana maps U+FF61..U+FF9F (half-width forms) to full width; the voicing
// marks U+FF9E, U+FF9F and ｰ U+FF70 are handled separately.
var halfKana = [...]uint16{
	0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2, // ｡｢｣､･ｦ
	0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3, // ｧｨｩｪｫｬｭｮｯ
	0x30FC,                                 // ｰ
	0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, // ｱｲｳｴｵ
	0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3, // ｶｷｸｹｺ
	0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, // ｻｼｽｾｿ
	0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8, // ﾀﾁﾂﾃﾄ
	0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE, // ﾅﾆﾇﾈﾉ
	0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, // ﾊﾋﾌﾍﾎ
	0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2, // ﾏﾐﾑﾒﾓ
	0x30E4, 0x30E6, 0x30E8, // ﾔﾕﾖ
	0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED, // ﾗﾘﾙﾚﾛ
	0x30EF, 0x30F3, // ﾜﾝ
	0x3099, 0x309A, // ﾞﾟ (not used)
}

// voiced returns the kana r with a voiced (or semi-voiced) mark, or 0 if
// there is none.
func voiced(r rune, handaku bool) rune {
	k := r
	if 0x3041 <= r && r <= 0x309F {
		k = r + 0x60 // work on katakana
	}
	var v rune
	switch {
	case handaku:
		switch k {
		case 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB: // ハヒフヘホ
			v = k + 2
		}
	case 0x30AB <= k && k <= 0x30C2 && k%2 == 1: // カ..チ
		v = k + 1
	case k == 0x30C4 || k == 0x30C6 || k == 0x30C8: // ツテト
		v = k + 1
	case k == 0x30CF || k == 0x30D2 || k == 0x30D5 || k == 0x30D8 || k == 0x30DB:
		v = k + 1
	case k == 0x30A6: // ウ
		v = 0x30F4
	case 0x30EF <= k && k <= 0x30F2 && r >= 0x30A0: // ワヰヱヲ (katakana only)
		v = k + 8
	case k == 0x30FD: // ヽ
		v = 0x30FE
	}
	if v == 0 {
		return 0
	}
	if k != r {
		if v == 0x30F4 {
			return 0x3094 // ゔ
		}
		if v > 0x30F6 {
			return 0 // no hiragana form
		}
		return v - 0x60
	}
	return v
}

// isKana reports whether r is a hiragana or katakana letter, iteration mark
// or the prolonged sound mark.
func isKana(r rune) bool {
	return (0x3041 <= r && r <= 0x3096) || (0x309D <= r && r <= 0x309F) ||
		(0x30A1 <= r && r <= 0x30FA) || (0x30FC <= r && r <= 0x30FF) ||
		(0x31F0 <= r && r <= 0x31FF)
}

func isLatinAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
	}
	return unicode.Is(unicode.Latin, r) || unicode.IsDigit(r)
}

func isHyphenLike(r rune) bool {
	switch r {
	case 0x02D7, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2043, 0x2212,
		0x2500, 0x2501, 0x2E3A, 0x2E3B, 0x30FC, 0xFE58, 0xFE63, 0xFF0D, 0xFF70:
		return true
	}
	return false
}

// isDropped reports runes that Text removes: variation selectors, format and
// control characters.
func isDropped(r rune) bool {
	switch {
	case 0xFE00 <= r && r <= 0xFE0F, 0xE0100 <= r && r <= 0xE01EF, 0x180B <= r && r <= 0x180F:
		return true
	case r == 0xFFFD:
		return false
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Cc, r)
}
