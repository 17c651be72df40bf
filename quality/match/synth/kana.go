package synth

import (
	"strings"
	"unicode/utf8"
)

// toHiragana turns katakana into hiragana (ー and other runes unchanged).
func toHiragana(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ァ' && r <= 'ヶ' {
			return r - 0x60
		}
		return r
	}, s)
}

// halfWidthKana holds the half-width forms of the katakana ァ (U+30A1) to
// ヶ; voiced and semi-voiced kana are written as base + ﾞ/ﾟ.
var halfWidthKana = [...]string{
	"ｧ", "ｱ", "ｨ", "ｲ", "ｩ", "ｳ", "ｪ", "ｴ", "ｫ", "ｵ", "ｶ", "ｶﾞ", "ｷ", "ｷﾞ", "ｸ", "ｸﾞ", "ｹ", "ｹﾞ", "ｺ", "ｺﾞ",
	"ｻ", "ｻﾞ", "ｼ", "ｼﾞ", "ｽ", "ｽﾞ", "ｾ", "ｾﾞ", "ｿ", "ｿﾞ", "ﾀ", "ﾀﾞ", "ﾁ", "ﾁﾞ", "ｯ", "ﾂ", "ﾂﾞ", "ﾃ", "ﾃﾞ", "ﾄ", "ﾄﾞ",
	"ﾅ", "ﾆ", "ﾇ", "ﾈ", "ﾉ", "ﾊ", "ﾊﾞ", "ﾊﾟ", "ﾋ", "ﾋﾞ", "ﾋﾟ", "ﾌ", "ﾌﾞ", "ﾌﾟ", "ﾍ", "ﾍﾞ", "ﾍﾟ", "ﾎ", "ﾎﾞ", "ﾎﾟ",
	"ﾏ", "ﾐ", "ﾑ", "ﾒ", "ﾓ", "ｬ", "ﾔ", "ｭ", "ﾕ", "ｮ", "ﾖ", "ﾗ", "ﾘ", "ﾙ", "ﾚ", "ﾛ", "ﾜ", "ﾜ", "ｲ", "ｴ", "ｦ", "ﾝ", "ｳﾞ", "ｶ", "ｹ",
}

// toHalfWidthKana writes katakana in half-width form, the way legacy and
// bank systems store readings.
func toHalfWidthKana(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 'ァ' && r <= 'ヶ':
			b.WriteString(halfWidthKana[r-'ァ'])
		case r == 'ー':
			b.WriteString("ｰ")
		case r == '　':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fullWidthASCII writes ASCII letters, digits and common punctuation in
// their full-width forms (U+FF01…), and '-' as '－'.
func fullWidthASCII(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 3)
	for _, r := range s {
		if r > ' ' && r < 0x7f {
			b.WriteRune(r - '!' + '！')
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// romaji styles.
const (
	romajiPlain  = iota // Hepburn without macrons, long vowels dropped: サトウ -> sato
	romajiOu            // long vowels spelled out: satou
	romajiOh            // passport style: satoh
	romajiKunrei        // Kunrei-shiki: si, ti, tu, hu, zi; long vowels spelled: satou
	numRomajiStyles
)

var romajiTable = map[string][2]string{} // katakana -> {hepburn, kunrei}

func init() {
	rows := `ア:a イ:i ウ:u エ:e オ:o カ:ka キ:ki ク:ku ケ:ke コ:ko サ:sa シ:shi/si ス:su セ:se ソ:so
タ:ta チ:chi/ti ツ:tsu/tu テ:te ト:to ナ:na ニ:ni ヌ:nu ネ:ne ノ:no ハ:ha ヒ:hi フ:fu/hu ヘ:he ホ:ho
マ:ma ミ:mi ム:mu メ:me モ:mo ヤ:ya ユ:yu ヨ:yo ラ:ra リ:ri ル:ru レ:re ロ:ro ワ:wa ヲ:o ン:n
ガ:ga ギ:gi グ:gu ゲ:ge ゴ:go ザ:za ジ:ji/zi ズ:zu ゼ:ze ゾ:zo ダ:da ヂ:ji/zi ヅ:zu デ:de ド:do
バ:ba ビ:bi ブ:bu ベ:be ボ:bo パ:pa ピ:pi プ:pu ペ:pe ポ:po ヴ:vu
キャ:kya キュ:kyu キョ:kyo シャ:sha/sya シュ:shu/syu ショ:sho/syo チャ:cha/tya チュ:chu/tyu チョ:cho/tyo
ニャ:nya ニュ:nyu ニョ:nyo ヒャ:hya ヒュ:hyu ヒョ:hyo ミャ:mya ミュ:myu ミョ:myo リャ:rya リュ:ryu リョ:ryo
ギャ:gya ギュ:gyu ギョ:gyo ジャ:ja/zya ジュ:ju/zyu ジョ:jo/zyo ビャ:bya ビュ:byu ビョ:byo ピャ:pya ピュ:pyu ピョ:pyo
ァ:a ィ:i ゥ:u ェ:e ォ:o ャ:ya ュ:yu ョ:yo`
	for _, f := range strings.Fields(rows) {
		k, v, _ := strings.Cut(f, ":")
		h, kr, ok := strings.Cut(v, "/")
		if !ok {
			kr = h
		}
		romajiTable[k] = [2]string{h, kr}
	}
}

// romaji romanises a katakana reading in the given style, lower-case.
func romaji(kana string, style int) string {
	var b strings.Builder
	b.Grow(len(kana))
	col := 0
	if style == romajiKunrei {
		col = 1
	}
	geminate := false
	prevVowel := byte(0)
	for i := 0; i < len(kana); {
		r, n := utf8.DecodeRuneInString(kana[i:])
		if r == 'ッ' {
			geminate = true
			i += n
			continue
		}
		if r == 'ー' {
			if style != romajiPlain && prevVowel != 0 {
				if style == romajiOh && prevVowel == 'o' {
					b.WriteByte('h')
				} else {
					b.WriteByte(prevVowel)
				}
			}
			i += n
			continue
		}
		var syl string
		if i+n+3 <= len(kana) {
			if v, ok := romajiTable[kana[i:i+n+3]]; ok {
				syl = v[col]
				n += 3
			}
		}
		if syl == "" {
			v, ok := romajiTable[kana[i:i+n]]
			if !ok {
				i += n
				continue
			}
			syl = v[col]
		}
		// Long vowels: オウ, オオ, ウウ.
		if (syl == "u" && (prevVowel == 'o' || prevVowel == 'u')) || (syl == "o" && prevVowel == 'o' && r == 'オ') {
			switch style {
			case romajiPlain:
				i += n
				prevVowel = 0
				continue
			case romajiOh:
				if prevVowel == 'o' {
					b.WriteByte('h')
					i += n
					prevVowel = 0
					continue
				}
			}
		}
		if geminate {
			if strings.HasPrefix(syl, "ch") {
				b.WriteByte('t')
			} else {
				b.WriteByte(syl[0])
			}
			geminate = false
		}
		b.WriteString(syl)
		prevVowel = syl[len(syl)-1]
		i += n
	}
	return b.String()
}
