package normalize

import (
	"strings"
	"unicode/utf8"
)

// KanaFold selects looser folds for KanaKey, for fuzzy comparison of
// readings. The zero KanaFold folds only hiragana to katakana, width and
// spaces; each bit adds one fold.
type KanaFold uint

const (
	// FoldSmallKana folds small kana to large ones: ァィゥェォッャュョヮヵヶ → アイウエオツヤユヨワカケ
	// (キャノン ≡ キヤノン).
	FoldSmallKana KanaFold = 1 << iota
	// FoldVu folds the ヴ row to the バ row: ヴァ ヴィ ヴ ヴェ ヴォ → バ ビ ブ ベ ボ,
	// and ヷ ヸ ヹ ヺ → バ ビ ベ ボ.
	FoldVu
	// FoldDiDu folds ヂ → ジ and ヅ → ズ (the yotsugana that sound alike).
	FoldDiDu
	// FoldLongMark removes the long-vowel mark ー at the end of each word
	// (コンピューター ≡ コンピュータ).
	FoldLongMark
)

// FoldAll is every KanaFold.
const FoldAll = FoldSmallKana | FoldVu | FoldDiDu | FoldLongMark

// Katakana returns Text(s) with hiragana turned into katakana (ゝゞ into ヽヾ).
// Other characters are kept, so it also works on mixed text.
func Katakana(s string) string { return toKatakana(Text(s)) }

// toKatakana is Katakana on Text-normalised t.
func toKatakana(t string) string {
	i := 0
	for i < len(t) {
		r, size := utf8.DecodeRuneInString(t[i:])
		if isHiragana(r) {
			break
		}
		i += size
	}
	if i == len(t) {
		return t
	}
	var b strings.Builder
	b.Grow(len(t))
	b.WriteString(t[:i])
	for _, r := range t[i:] {
		if isHiragana(r) {
			r += 0x60
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isHiragana(r rune) bool {
	return (0x3041 <= r && r <= 0x3096) || r == 0x309D || r == 0x309E
}

// KanaKey returns the comparison key of a kana reading such as a フリガナ
// field: Text, hiragana to katakana, spaces and the middle dot ・ removed,
// then the folds f. It returns an error wrapping ErrInvalid if s is empty or
// holds anything but kana (kanji, Latin letters, digits, symbols).
func KanaKey(s string, f KanaFold) (string, error) {
	return kanaKey(s, f, KindKana)
}

func kanaKey(s string, f KanaFold, kind Kind) (string, error) {
	return kanaKeyText(Text(s), s, f, kind)
}

// kanaKeyText is kanaKey on t = Text(s).
func kanaKeyText(t, s string, f KanaFold, kind Kind) (string, error) {
	var arr [64]byte
	b := arr[:0]
	wordStart := 0
	for i := 0; i < len(t); {
		r, size := utf8.DecodeRuneInString(t[i:])
		i += size
		if isHiragana(r) {
			r += 0x60
		}
		switch {
		case r == ' ' || r == 0x30FB: // word boundary
			if f&FoldLongMark != 0 {
				b = trimLongMarks(b, wordStart)
			}
			wordStart = len(b)
			continue
		case !isKatakanaLetter(r):
			return "", invalid(kind, s, "not a kana reading: contains "+quoteRune(r))
		}
		if f&FoldVu != 0 {
			if r == 'ヴ' && i < len(t) {
				next, nsize := utf8.DecodeRuneInString(t[i:])
				if next >= 0x3041 && next <= 0x3096 {
					next += 0x60
				}
				switch next {
				case 'ァ':
					r, i = 'バ', i+nsize
				case 'ィ':
					r, i = 'ビ', i+nsize
				case 'ゥ':
					r, i = 'ブ', i+nsize
				case 'ェ':
					r, i = 'ベ', i+nsize
				case 'ォ':
					r, i = 'ボ', i+nsize
				}
			}
			switch r {
			case 'ヴ':
				r = 'ブ'
			case 'ヷ':
				r = 'バ'
			case 'ヸ':
				r = 'ビ'
			case 'ヹ':
				r = 'ベ'
			case 'ヺ':
				r = 'ボ'
			}
		}
		if f&FoldDiDu != 0 {
			switch r {
			case 'ヂ':
				r = 'ジ'
			case 'ヅ':
				r = 'ズ'
			}
		}
		if f&FoldSmallKana != 0 {
			r = largeKana(r)
		}
		b = utf8.AppendRune(b, r)
	}
	if f&FoldLongMark != 0 {
		b = trimLongMarks(b, wordStart)
	}
	if len(b) == 0 {
		return "", invalid(kind, s, "empty reading")
	}
	if string(b) == s {
		return s, nil
	}
	return string(b), nil
}

// trimLongMarks removes ー at the end of b, but not before from.
func trimLongMarks(b []byte, from int) []byte {
	const mark = "ー"
	for len(b)-len(mark) >= from && strings.HasSuffix(string(b), mark) {
		b = b[:len(b)-len(mark)]
	}
	return b
}

// isKatakanaLetter reports katakana letters, ー and the iteration marks ヽヾ.
func isKatakanaLetter(r rune) bool {
	return (0x30A1 <= r && r <= 0x30FA) || r == 0x30FC || r == 0x30FD || r == 0x30FE ||
		(0x31F0 <= r && r <= 0x31FF)
}

func largeKana(r rune) rune {
	switch r {
	case 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ッ', 'ャ', 'ュ', 'ョ', 'ヮ':
		return r + 1
	case 'ヵ':
		return 'カ'
	case 'ヶ':
		return 'ケ'
	}
	if 0x31F0 <= r && r <= 0x31FF { // small katakana for Ainu: ㇰ ㇱ ㇲ …
		return rune(smallExt[r-0x31F0])
	}
	return r
}

// smallExt maps U+31F0..U+31FF (ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ) to large katakana.
var smallExt = [16]uint16{
	'ク', 'シ', 'ス', 'ト', 'ヌ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'ム', 'ラ', 'リ', 'ル', 'レ', 'ロ',
}

func quoteRune(r rune) string {
	if r == utf8.RuneError {
		return "an invalid character"
	}
	return "'" + string(r) + "'"
}
