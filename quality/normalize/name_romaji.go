package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldRomaji folds a romaji (or other Latin) word for comparison: lower
// case, diacritics removed (ō → o), punctuation removed (Jun'ichi →
// junichi), the Nihon-shiki / Kunrei and wāpuro spellings turned into
// Hepburn (si → shi, ti → chi, tu → tsu, hu → fu, zi/di → ji, du → zu,
// sya → sha, tyo → cho, zyu/jyu → ju), m before b, p, m → n (Homma ≡ Honma),
// nn → n, and long vowels shortened (ou, oo, oh before a consonant or at the
// end → o; uu → u), so that Satō ≡ Satou ≡ Satoh ≡ Sato. It is idempotent.
func foldRomaji(s string) string {
	var arr [64]byte
	b := arr[:0]
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z':
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r < utf8.RuneSelf:
			continue // punctuation, digits, spaces
		case !unicode.IsLetter(r) || unicode.Is(unicode.Lm, r):
			continue // a combining diacritic, punctuation such as ・, ー or 々
		default:
			r = plainVowel(r)
		}
		b = utf8.AppendRune(b, r)
	}
	for range 16 {
		nb := foldRomajiOnce(b)
		if string(nb) == string(b) {
			break
		}
		b = nb
	}
	if string(b) == s {
		return s
	}
	return string(b)
}

func plainVowel(r rune) rune {
	switch r {
	case 'ā', 'â', 'á', 'à', 'ä', 'Ā', 'Â', 'Á', 'À', 'Ä':
		return 'a'
	case 'ī', 'î', 'í', 'ì', 'ï', 'Ī', 'Î', 'Í', 'Ì', 'Ï':
		return 'i'
	case 'ū', 'û', 'ú', 'ù', 'ü', 'Ū', 'Û', 'Ú', 'Ù', 'Ü':
		return 'u'
	case 'ē', 'ê', 'é', 'è', 'ë', 'Ē', 'Ê', 'É', 'È', 'Ë':
		return 'e'
	case 'ō', 'ô', 'ó', 'ò', 'ö', 'Ō', 'Ô', 'Ó', 'Ò', 'Ö':
		return 'o'
	}
	return toLowerRune(r)
}

func toLowerRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}

func isVowel(c byte) bool { return c == 'a' || c == 'i' || c == 'u' || c == 'e' || c == 'o' }

func foldRomajiOnce(b []byte) []byte {
	out := make([]byte, 0, len(b)+4)
	at := func(i int) byte {
		if i < len(b) {
			return b[i]
		}
		return 0
	}
	for i := 0; i < len(b); i++ {
		c, n1, n2 := b[i], at(i+1), at(i+2)
		var prev byte
		if len(out) > 0 {
			prev = out[len(out)-1]
		}
		switch {
		case c == 's' && n1 == 'y' && isVowel(n2):
			out = append(out, 's', 'h')
			i++
		case (c == 't' || c == 'c') && n1 == 'y' && isVowel(n2):
			out = append(out, 'c', 'h')
			i++
		case (c == 'z' || c == 'j' || c == 'd') && n1 == 'y' && isVowel(n2):
			out = append(out, 'j')
			i++
		case c == 's' && n1 == 'i' && prev != 't':
			out = append(out, 's', 'h')
		case c == 't' && n1 == 'i':
			out = append(out, 'c', 'h')
		case c == 't' && n1 == 'u':
			out = append(out, 't', 's')
		case c == 'h' && n1 == 'u' && prev != 's' && prev != 'c':
			out = append(out, 'f')
		case (c == 'z' || c == 'd') && n1 == 'i':
			out = append(out, 'j')
		case c == 'd' && n1 == 'u':
			out = append(out, 'z')
		case c == 'm' && (n1 == 'b' || n1 == 'p' || n1 == 'm'):
			out = append(out, 'n')
		case c == 'n' && n1 == 'n':
			// nn → n
		case c == 'o' && (n1 == 'u' || n1 == 'o'):
			out = append(out, 'o')
			for i+1 < len(b) && (b[i+1] == 'u' || b[i+1] == 'o') {
				i++
			}
		case c == 'u' && n1 == 'u':
			out = append(out, 'u')
			for i+1 < len(b) && b[i+1] == 'u' {
				i++
			}
		case c == 'o' && n1 == 'h':
			j := i + 1
			for j < len(b) && b[j] == 'h' {
				j++
			}
			if next := at(j); isVowel(next) || next == 'y' {
				out = append(out, 'o', 'h')
				i++
			} else {
				out = append(out, 'o')
				i = j - 1
			}
		default:
			out = append(out, c)
		}
	}
	return out
}

// KanaToRomaji transliterates katakana (a reading, such as a KanaKey) to
// Hepburn romaji: ッ doubles the next consonant, ン is n, ー is dropped, a
// small ャュョ joins the mora before it; other characters are kept. Compare
// its output through a name's romaji key (PersonName's Romaji) to match
// readings with names written in Latin letters.
func KanaToRomaji(s string) string { return kanaToRomaji(s) }

// kanaToRomaji is KanaToRomaji.
func kanaToRomaji(s string) string {
	var b strings.Builder
	rs := []rune(s)
	double := false
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == 'ッ' {
			double = true
			continue
		}
		syl, ok := kanaRomaji[r]
		if !ok {
			if r != 'ー' {
				b.WriteRune(r)
			}
			continue
		}
		if i+1 < len(rs) {
			if y, ok := smallYRomaji[rs[i+1]]; ok && strings.HasSuffix(syl, "i") && len(syl) > 1 {
				base := syl[:len(syl)-1]
				switch base {
				case "sh", "ch", "j":
					syl = base + y[1:]
				default:
					syl = base + y
				}
				i++
			}
		}
		if double {
			if strings.HasPrefix(syl, "ch") {
				b.WriteByte('t')
			} else if syl != "" && !isVowel(syl[0]) {
				b.WriteByte(syl[0])
			}
			double = false
		}
		b.WriteString(syl)
	}
	return b.String()
}

var smallYRomaji = map[rune]string{'ャ': "ya", 'ュ': "yu", 'ョ': "yo"}

var kanaRomaji = map[rune]string{
	'ア': "a", 'イ': "i", 'ウ': "u", 'エ': "e", 'オ': "o",
	'カ': "ka", 'キ': "ki", 'ク': "ku", 'ケ': "ke", 'コ': "ko",
	'ガ': "ga", 'ギ': "gi", 'グ': "gu", 'ゲ': "ge", 'ゴ': "go",
	'サ': "sa", 'シ': "shi", 'ス': "su", 'セ': "se", 'ソ': "so",
	'ザ': "za", 'ジ': "ji", 'ズ': "zu", 'ゼ': "ze", 'ゾ': "zo",
	'タ': "ta", 'チ': "chi", 'ツ': "tsu", 'テ': "te", 'ト': "to",
	'ダ': "da", 'ヂ': "ji", 'ヅ': "zu", 'デ': "de", 'ド': "do",
	'ナ': "na", 'ニ': "ni", 'ヌ': "nu", 'ネ': "ne", 'ノ': "no",
	'ハ': "ha", 'ヒ': "hi", 'フ': "fu", 'ヘ': "he", 'ホ': "ho",
	'バ': "ba", 'ビ': "bi", 'ブ': "bu", 'ベ': "be", 'ボ': "bo",
	'パ': "pa", 'ピ': "pi", 'プ': "pu", 'ペ': "pe", 'ポ': "po",
	'マ': "ma", 'ミ': "mi", 'ム': "mu", 'メ': "me", 'モ': "mo",
	'ヤ': "ya", 'ユ': "yu", 'ヨ': "yo",
	'ラ': "ra", 'リ': "ri", 'ル': "ru", 'レ': "re", 'ロ': "ro",
	'ワ': "wa", 'ヰ': "i", 'ヱ': "e", 'ヲ': "o", 'ン': "n", 'ヴ': "vu",
	'ァ': "a", 'ィ': "i", 'ゥ': "u", 'ェ': "e", 'ォ': "o", 'ャ': "ya", 'ュ': "yu", 'ョ': "yo",
}
