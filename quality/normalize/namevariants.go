package normalize

import (
	"strings"
	"unicode/utf8"
)

// FoldNameVariants returns Text(s) with variant kanji of personal and family
// names folded to their common form, and iteration marks written out, so
// that 髙橋 ≡ 高橋, 山﨑 ≡ 山崎, 渡邊 ≡ 渡邉 ≡ 渡辺, 齋藤 ≡ 齊藤 ≡ 斉藤 ≡ 斎藤 and
// 佐々木 ≡ 佐佐木.
//
// The folded variants are the traditional (旧字体) and popular variant forms
// found in names: 髙→高, 﨑/嵜/碕/㟢→崎, 邊/邉→辺, 齋/齊/斉→斎, 澤→沢, 濱/濵→浜,
// 廣→広, 櫻→桜, 嶋/嶌→島, 國→国, 德→徳, 惠→恵, 瀨→瀬, 彌→弥, 𠮷→吉, 冨→富,
// 藪/籔→薮, 槇→槙, 眞→真, 實→実, 淺→浅, 壽→寿, 榮→栄, 圓→円, 藏→蔵, 萬→万,
// 龍→竜, 淵→渕, 峯→峰, 曾→曽, 黑→黒, 條→条, 瀧→滝, 關→関, 邨→村, 舘→館, 栁→柳,
// 桒→桑, 兒→児, 巖→巌, 靜→静, 淸→清, 綠→緑, 聰→聡, 穗→穂, 稻→稲, 豐→豊,
// 鐵→鉄, 檜→桧, 鄕/鄉→郷, 嶽→岳, 埜→野, 舩→船, 薗→園 and more (see
// nameVariants in namevariants.go). Compatibility ideographs (神, 﨔 …) are
// already unified by Text. The iteration marks 々 and 〻 repeat the kanji
// before them; ゝヽ repeat the kana before them and ゞヾ repeat it voiced.
//
// Some folds merge characters that are distinct in other words (斉 and 斎,
// 龍 and 竜, 薗 and 園); they are meant for comparing names, not for display.
func FoldNameVariants(s string) string { return foldVariants(Text(s)) }

// foldVariants is FoldNameVariants on Text-normalised t.
func foldVariants(t string) string {
	i := 0
	for i < len(t) {
		r, size := utf8.DecodeRuneInString(t[i:])
		if r >= 0x3000 && (nameVariant(r) != r || isIterationMark(r)) {
			break
		}
		i += size
	}
	if i == len(t) {
		return t
	}
	var b strings.Builder
	b.Grow(len(t) + 8)
	b.WriteString(t[:i])
	prev, _ := utf8.DecodeLastRuneInString(t[:i])
	if i == 0 {
		prev = 0
	}
	for _, r := range t[i:] {
		switch {
		case r == '々' || r == '〻':
			if isKanji(prev) {
				r = prev
			}
		case r == 'ゝ' || r == 'ヽ':
			if isKana(prev) && prev != 'ー' {
				r = prev
			}
		case r == 'ゞ' || r == 'ヾ':
			if v := voiced(prev, false); v != 0 {
				r = v
			} else if isKana(prev) && prev != 'ー' {
				r = prev
			}
		default:
			r = nameVariant(r)
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func isIterationMark(r rune) bool {
	switch r {
	case '々', '〻', 'ゝ', 'ゞ', 'ヽ', 'ヾ':
		return true
	}
	return false
}

func isKanji(r rune) bool {
	return (0x4E00 <= r && r <= 0x9FFF) || (0x3400 <= r && r <= 0x4DBF) ||
		(0x20000 <= r && r <= 0x3FFFF) || (0xF900 <= r && r <= 0xFAFF)
}

// nameVariant returns the common form of the variant kanji r, or r.
func nameVariant(r rune) rune {
	if r < 0x3400 {
		return r
	}
	if v, ok := nameVariants[r]; ok {
		return v
	}
	return r
}

// nameVariants maps variant kanji to the common form used in names. It is
// read-only.
var nameVariants = map[rune]rune{
	'髙': '高', '﨑': '崎', '嵜': '崎', '碕': '崎', '㟢': '崎',
	'邊': '辺', '邉': '辺', '齋': '斎', '齊': '斎', '斉': '斎',
	'澤': '沢', '濱': '浜', '濵': '浜', '廣': '広', '櫻': '桜',
	'嶋': '島', '嶌': '島', '國': '国', '德': '徳', '惠': '恵',
	'瀨': '瀬', '彌': '弥', '𠮷': '吉', '冨': '富', '藪': '薮',
	'籔': '薮', '槇': '槙', '眞': '真', '實': '実', '淺': '浅',
	'壽': '寿', '榮': '栄', '圓': '円', '藏': '蔵', '萬': '万',
	'龍': '竜', '淵': '渕', '峯': '峰', '曾': '曽', '黑': '黒',
	'條': '条', '瀧': '滝', '關': '関', '邨': '村', '舘': '館',
	'栁': '柳', '桺': '柳', '桒': '桑', '兒': '児', '巖': '巌',
	'靜': '静', '淸': '清', '綠': '緑', '聰': '聡', '穗': '穂',
	'稻': '稲', '豐': '豊', '鐵': '鉄', '檜': '桧', '鄕': '郷',
	'鄉': '郷', '嶽': '岳', '埜': '野', '舩': '船', '薗': '園',
	'會': '会', '與': '与', '禮': '礼', '戶': '戸', '增': '増',
	'莊': '荘', '傳': '伝', '嚴': '厳', '靑': '青', '繪': '絵',
	'縣': '県', '螢': '蛍', '樂': '楽', '絲': '糸', '寬': '寛',
	'亞': '亜', '乘': '乗', '佛': '仏', '來': '来', '兩': '両',
	'區': '区', '壯': '壮', '將': '将', '晉': '晋', '滿': '満',
	'爲': '為', '狹': '狭', '穰': '穣', '譽': '誉', '讓': '譲',
	'豫': '予', '醫': '医', '鎭': '鎮', '顯': '顕', '鷗': '鴎',
	'黃': '黄', '龜': '亀', '祿': '禄', '步': '歩', '敎': '教',
	'恆': '恒', '莵': '菟', '壹': '壱', '驛': '駅',
	'藝': '芸', '學': '学', '團': '団', '祕': '秘', '齒': '歯',
	'辯': '弁', '瓣': '弁', '辨': '弁', '鹽': '塩', '燈': '灯',
	'濟': '済', '澁': '渋', '澀': '渋', '獨': '独', '盡': '尽',
	'禪': '禅', '稅': '税', '總': '総', '聽': '聴', '臺': '台',
	'舊': '旧', '莖': '茎', '蟲': '虫', '裝': '装', '賣': '売',
	'輕': '軽', '遙': '遥',
	'槗': '橋', '髮': '髪', '晝': '昼', '竝': '並', '萠': '萌',
}
