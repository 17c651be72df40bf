package normalize

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// FormPosition says where a company's legal form stands in its name.
type FormPosition int

const (
	FormNone   FormPosition = iota // no legal form found
	FormPrefix                     // before the name: 株式会社ABC (前株), (株)ABC, カ)ABC
	FormSuffix                     // after the name: ABC株式会社 (後株), ABC(株), ABC Co., Ltd.
)

// String returns "none", "prefix" or "suffix".
func (p FormPosition) String() string {
	switch p {
	case FormNone:
		return "none"
	case FormPrefix:
		return "prefix"
	case FormSuffix:
		return "suffix"
	}
	return "FormPosition(" + strconv.Itoa(int(p)) + ")"
}

// MarshalText returns the position's name, for JSON output.
func (p FormPosition) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Company is a parsed company (organisation) name.
type Company struct {
	Form     string       // canonical legal form: "株式会社", "有限会社", "一般社団法人", "Co., Ltd.", "Inc." …; "" if none
	Position FormPosition // where the form stood
	Core     string       // the name without its legal form, Text-normalised (case kept)
	Key      string       // comparison key of Core; see ParseCompany
}

// ParseCompany splits a company name into its legal form and core name.
//
// The form is found at the start or the end of the name, and in the middle
// when it is written in full or in brackets (ABC(株)東京支店), however it is
// written:
//
//   - in full, also in old characters: 株式会社, 株式會社, 有限会社, 合同会社, 合資会社,
//     合名会社, 相互会社, 一般社団法人, 一般財団法人, 公益社団法人, 公益財団法人,
//     特定非営利活動法人 (NPO法人), 社会福祉法人, 医療法人 (社団/財団), 学校法人, 宗教法人,
//     独立行政法人, 国立大学法人, 弁護士法人, 税理士法人, 監査法人, 司法書士法人,
//     行政書士法人, 協同組合, 農業協同組合, …;
//   - as a kana reading in hiragana, katakana or half-width katakana, with small
//     kana written small or large: かぶしきがいしゃ, カブシキガイシャ, ｶﾌﾞｼｷｶﾞｲｼﾔ,
//     かぶしきかいしゃ, ゆうげんがいしゃ, ごうどうがいしゃ, ごうしがいしゃ, ごうめいがいしゃ,
//     そうごがいしゃ, いっぱんしゃだんほうじん, いっぱんざいだんほうじん,
//     こうえきしゃだんほうじん, こうえきざいだんほうじん, しゃだんほうじん, ざいだんほうじん,
//     とくていひえいりかつどうほうじん (NPOほうじん), しゃかいふくしほうじん,
//     いりょうほうじん, がっこうほうじん, しゅうきょうほうじん;
//   - abbreviated in brackets of any width or as one enclosed character: (株),
//     （株）, ㈱, ㊑, ㍿, (有), ㈲, (同), (資), (名), (一社), (公財), (特非), (医), (学), …;
//   - in the bank-transfer (全銀) kana notation, in any width: カ)ABC, ABC(カ, ABC(カ)支店,
//     ﾕ), ﾄﾞ), ｼﾔ) (社団法人), ｻﾞｲ) (財団法人), ﾄｸﾋ), …;
//   - in Latin script after the name: Co., Ltd. (also Co.,Ltd, Company Limited), K.K.
//     (Kabushiki Kaisha), G.K., Y.K., Inc., LLC, Corp., Ltd., Co., PLC, LLP, GmbH, AG,
//     Pte. Ltd., Pty Ltd.
//
// Form is given in its canonical spelling. Every form found is removed from
// the core, so "株式会社ABC Co., Ltd." has the core "ABC".
//
// Key leaves the legal form out on purpose, so that 株式会社ABC, ABC株式会社,
// ABC(株), ＡＢＣ㈱, ABC Co., Ltd. and a company that changed from 有限会社 to
// 株式会社 share a key; compare Form as well where that matters. Key is
// TextKey of the core without the punctuation . , ・ 、 ' ’; when the core is
// all kana (hiragana, katakana and ー) it is written in katakana with the
// small kana folded to large ones as the bank-transfer notation writes them
// (ｷﾔﾉﾝ ≡ キャノン, ひまわり ≡ ヒマワリ), so that a reading such as
// ｴｰﾋﾞｰｼｰ(ｶ matches エービーシー株式会社. A core that mixes kana with
// anything else keeps its kana as written (さくら商事 and サクラ商事 differ).
//
// An empty name, or one that is only a legal form, gives an error wrapping
// ErrInvalid.
func ParseCompany(s string) (Company, error) {
	if strings.ContainsRune(s, '㊑') || strings.ContainsRune(s, '㊒') {
		s2 := strings.ReplaceAll(s, "㊑", "㈱")
		s = strings.ReplaceAll(s2, "㊒", "㈲") // circled forms lose their meaning under NFKC
	}
	t := Text(s)
	var c Company
	for range 4 {
		form, pos, rest, ok := findForm(t)
		if !ok {
			break
		}
		if c.Form == "" {
			c.Form, c.Position = form, pos
		}
		t = rest
	}
	c.Core = t
	c.Key = companyKey(t)
	if c.Key == "" {
		if c.Form != "" {
			return Company{}, invalid(KindCompany, s, "only a legal form, no name")
		}
		return Company{}, invalid(KindCompany, s, "empty name")
	}
	return c, nil
}

// companyKey returns the key of a core name; it is a fixed point: the key of
// a key is itself.
func companyKey(core string) string {
	k := core
	for range 6 {
		k = TextKey(k)
		changed := false
		if hasKeyPunct(k) {
			k = strings.Map(func(r rune) rune {
				switch r {
				case '.', ',', '・', '、', '\'', '’':
					return -1
				}
				return r
			}, k)
			changed = true
		}
		if allKana(k) {
			if f := foldSmall(toKatakana(k)); f != k {
				k, changed = f, true
			}
		}
		for range 4 {
			_, _, rest, ok := findForm(k)
			if !ok {
				break
			}
			k, changed = rest, true
		}
		if !changed {
			break // TextKey is idempotent: k is a fixed point
		}
	}
	return k
}

// allKana reports whether s is not empty and holds only hiragana, katakana
// letters, ー and the iteration marks ゝゞヽヾ.
func allKana(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isKatakanaLetter(r) && !isHiragana(r) {
			return false
		}
	}
	return true
}

func foldSmall(s string) string {
	for _, r := range s {
		if largeKana(r) != r {
			return strings.Map(largeKana, s)
		}
	}
	return s
}

// findForm finds one legal form in t (a Text-normalised name) and returns its
// canonical spelling, position and t without it. Latin forms need a space or
// comma before them, or stand alone.
func findForm(t string) (form string, pos FormPosition, rest string, ok bool) {
	if t == "" {
		return "", FormNone, t, false
	}
	if !isASCII(t) {
		// Full forms: prefix, suffix (candidates found by their first and
		// last rune), then anywhere. They are looked up in f, t with its
		// kana folded, whose byte offsets are those of t.
		f := formFold(t)
		idx := fullFormIndex()
		first, _ := utf8.DecodeRuneInString(f)
		for _, p := range idx.byFirst[first] {
			if strings.HasPrefix(f, p.pat) {
				return p.canon, FormPrefix, trimCore(t[len(p.pat):]), true
			}
		}
		last, _ := utf8.DecodeLastRuneInString(f)
		for _, p := range idx.byLast[last] {
			if strings.HasSuffix(f, p.pat) {
				return p.canon, FormSuffix, trimCore(t[:len(t)-len(p.pat)]), true
			}
		}
		if strings.Contains(f, "社") || strings.Contains(f, "人") || strings.Contains(f, "組合") ||
			strings.Contains(f, "イシ") || strings.Contains(f, "ジン") {
			for _, p := range idx.all {
				if i := strings.Index(f, p.pat); i >= 0 {
					return p.canon, FormSuffix, joinCore(t[:i], t[i+len(p.pat):]), true
				}
			}
		}
	}
	// Bracketed abbreviations: (X) anywhere, X) at the start, (X at the end.
	if strings.IndexByte(t, '(') >= 0 || strings.IndexByte(t, ')') >= 0 {
		for i := 0; i < len(t); i++ {
			if t[i] != '(' {
				continue
			}
			j := strings.IndexByte(t[i+1:], ')')
			if j < 0 {
				if canon := abbrForm(t[i+1:]); canon != "" && i > 0 {
					return canon, FormSuffix, trimCore(t[:i]), true
				}
				break
			}
			if canon := abbrForm(t[i+1 : i+1+j]); canon != "" {
				if i == 0 {
					return canon, FormPrefix, trimCore(t[i+j+2:]), true
				}
				return canon, FormSuffix, joinCore(t[:i], t[i+j+2:]), true
			}
		}
		if j := strings.IndexByte(t, ')'); j > 0 && strings.IndexByte(t[:j], '(') < 0 {
			if canon := abbrForm(t[:j]); canon != "" && j+1 < len(t) {
				return canon, FormPrefix, trimCore(t[j+1:]), true
			}
		}
	}
	{
		if c := t[len(t)-1]; c == '.' || ('a' <= c|0x20 && c|0x20 <= 'z') {
			lower := toLowerASCIIFirst(t)
			for _, f := range latinForms {
				if !strings.HasSuffix(lower, f.pat) {
					continue
				}
				if n := len(lower) - len(f.pat); n == 0 || lower[n-1] == ' ' || lower[n-1] == ',' {
					return f.canon, FormSuffix, trimCore(t[:n]), true
				}
			}
		}
	}
	return "", FormNone, t, false
}

func trimCore(s string) string {
	return strings.Trim(s, " ,、・-")
}

func joinCore(a, b string) string {
	a, b = trimCore(a), trimCore(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

type formPattern struct{ pat, canon string }

// formIndex holds fullForms with their kana folded by formFold, without
// duplicates, longest first: all of them, and by their first and by their
// last rune. It is built once and only read.
type formIndex struct {
	all             []formPattern
	byFirst, byLast map[rune][]formPattern
}

var fullFormIndex = sync.OnceValue(func() *formIndex {
	idx := &formIndex{byFirst: map[rune][]formPattern{}, byLast: map[rune][]formPattern{}}
	seen := map[string]bool{}
	for _, f := range fullForms {
		f.pat = formFold(f.pat)
		if seen[f.pat] {
			continue
		}
		seen[f.pat] = true
		idx.all = append(idx.all, f)
		r, _ := utf8.DecodeRuneInString(f.pat)
		idx.byFirst[r] = append(idx.byFirst[r], f)
		r, _ = utf8.DecodeLastRuneInString(f.pat)
		idx.byLast[r] = append(idx.byLast[r], f)
	}
	return idx
})

// formFold returns t with hiragana turned into katakana and small kana into
// large ones (かぶしきがいしゃ, カブシキガイシャ → カブシキガイシヤ), so that one pattern
// finds a kana legal form however it is written. Every rune it changes keeps
// its UTF-8 length, so byte offsets in the result are offsets in t. It
// returns t itself when there is nothing to fold.
func formFold(t string) string {
	if strings.IndexByte(t, 0xE3) < 0 { // every kana starts with the byte E3
		return t
	}
	i := 0
	for i < len(t) {
		r, size := utf8.DecodeRuneInString(t[i:])
		if formFoldRune(r) != r {
			break
		}
		i += size
	}
	if i == len(t) {
		return t
	}
	b := make([]byte, 0, len(t))
	b = append(b, t[:i]...)
	for j := i; j < len(t); {
		r, size := utf8.DecodeRuneInString(t[j:])
		if f := formFoldRune(r); f != r {
			b = utf8.AppendRune(b, f)
		} else {
			b = append(b, t[j:j+size]...) // keeps invalid bytes as they are
		}
		j += size
	}
	return string(b)
}

// formFoldRune folds one rune for formFold: hiragana (U+3041–U+3096, ゝ ゞ)
// to katakana (U+30A1–U+30F6, ヽ ヾ), then small kana to large. Both sides of
// each fold are three bytes long in UTF-8.
func formFoldRune(r rune) rune {
	if isHiragana(r) {
		r += 0x60
	}
	return largeKana(r)
}

// hasKeyPunct reports whether s holds one of . , ' ・ 、 ’.
func hasKeyPunct(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' || c == ',' || c == '\'':
			return true
		case c == 0xE3 && i+2 < len(s):
			if (s[i+1] == 0x83 && s[i+2] == 0xBB) || (s[i+1] == 0x80 && s[i+2] == 0x81) { // ・、
				return true
			}
		case c == 0xE2 && i+2 < len(s):
			if s[i+1] == 0x80 && s[i+2] == 0x99 { // ’
				return true
			}
		}
	}
	return false
}

// fullForms lists legal forms written in full, longest first.
var fullForms = sortForms([]formPattern{
	{"株式会社", "株式会社"}, {"株式會社", "株式会社"},
	{"有限会社", "有限会社"}, {"有限會社", "有限会社"},
	{"合同会社", "合同会社"}, {"合同會社", "合同会社"},
	{"合資会社", "合資会社"}, {"合資會社", "合資会社"},
	{"合名会社", "合名会社"}, {"合名會社", "合名会社"},
	{"相互会社", "相互会社"}, {"外国会社", "外国会社"},
	{"一般社団法人", "一般社団法人"}, {"一般財団法人", "一般財団法人"},
	{"公益社団法人", "公益社団法人"}, {"公益財団法人", "公益財団法人"},
	{"社団法人", "社団法人"}, {"財団法人", "財団法人"},
	{"特定非営利活動法人", "特定非営利活動法人"}, {"NPO法人", "特定非営利活動法人"},
	{"社会福祉法人", "社会福祉法人"},
	{"医療法人社団", "医療法人社団"}, {"医療法人財団", "医療法人財団"}, {"社会医療法人", "社会医療法人"}, {"医療法人", "医療法人"},
	{"学校法人", "学校法人"}, {"宗教法人", "宗教法人"},
	{"地方独立行政法人", "地方独立行政法人"}, {"独立行政法人", "独立行政法人"}, {"国立大学法人", "国立大学法人"},
	{"弁護士法人", "弁護士法人"}, {"税理士法人", "税理士法人"}, {"監査法人", "監査法人"},
	{"司法書士法人", "司法書士法人"}, {"行政書士法人", "行政書士法人"}, {"社会保険労務士法人", "社会保険労務士法人"},
	{"弁理士法人", "弁理士法人"}, {"土地家屋調査士法人", "土地家屋調査士法人"},
	{"農業協同組合", "農業協同組合"}, {"漁業協同組合", "漁業協同組合"}, {"生活協同組合", "生活協同組合"},
	{"事業協同組合", "事業協同組合"}, {"協同組合", "協同組合"}, {"有限責任事業組合", "有限責任事業組合"},
	// Kana readings, also found in hiragana and with small kana written
	// large (formFold): ガイシャ ≡ がいしゃ ≡ ガイシヤ.
	{"カブシキガイシャ", "株式会社"}, {"カブシキカイシャ", "株式会社"},
	{"ユウゲンガイシャ", "有限会社"}, {"ユウゲンカイシャ", "有限会社"},
	{"ゴウドウガイシャ", "合同会社"}, {"ゴウドウカイシャ", "合同会社"},
	{"ゴウシガイシャ", "合資会社"}, {"ゴウシカイシャ", "合資会社"},
	{"ゴウメイガイシャ", "合名会社"}, {"ゴウメイカイシャ", "合名会社"},
	{"ソウゴガイシャ", "相互会社"},
	{"イッパンシャダンホウジン", "一般社団法人"}, {"イッパンザイダンホウジン", "一般財団法人"},
	{"コウエキシャダンホウジン", "公益社団法人"}, {"コウエキザイダンホウジン", "公益財団法人"},
	{"シャダンホウジン", "社団法人"}, {"ザイダンホウジン", "財団法人"},
	{"トクテイヒエイリカツドウホウジン", "特定非営利活動法人"}, {"NPOホウジン", "特定非営利活動法人"},
	{"シャカイフクシホウジン", "社会福祉法人"}, {"イリョウホウジン", "医療法人"},
	{"ガッコウホウジン", "学校法人"}, {"シュウキョウホウジン", "宗教法人"},
})

// latinForms lists Latin legal forms in lower case, longest first.
var latinForms = sortForms([]formPattern{
	{"co., ltd.", "Co., Ltd."}, {"co.,ltd.", "Co., Ltd."}, {"co. ltd.", "Co., Ltd."}, {"co.ltd.", "Co., Ltd."},
	{"co., ltd", "Co., Ltd."}, {"co.,ltd", "Co., Ltd."}, {"co. ltd", "Co., Ltd."}, {"co.ltd", "Co., Ltd."},
	{"co ltd", "Co., Ltd."}, {"co ltd.", "Co., Ltd."}, {"co., limited", "Co., Ltd."}, {"co.,limited", "Co., Ltd."},
	{"company limited", "Co., Ltd."}, {"company, limited", "Co., Ltd."},
	{"k.k.", "K.K."}, {"k.k", "K.K."}, {"kk", "K.K."}, {"kabushiki kaisha", "K.K."}, {"kabushiki-kaisha", "K.K."},
	{"kabushikigaisha", "K.K."}, {"kabushiki gaisha", "K.K."}, {"kabushikikaisha", "K.K."},
	{"g.k.", "G.K."}, {"g.k", "G.K."}, {"gk", "G.K."}, {"godo kaisha", "G.K."}, {"godo-kaisha", "G.K."}, {"godogaisha", "G.K."},
	{"y.k.", "Y.K."}, {"yk", "Y.K."}, {"yugen kaisha", "Y.K."}, {"yugengaisha", "Y.K."},
	{"inc.", "Inc."}, {"inc", "Inc."}, {"incorporated", "Inc."},
	{"llc", "LLC"}, {"l.l.c.", "LLC"}, {"l.l.c", "LLC"},
	{"corp.", "Corp."}, {"corp", "Corp."}, {"corporation", "Corp."},
	{"ltd.", "Ltd."}, {"ltd", "Ltd."}, {"limited", "Ltd."},
	{"co.", "Co."}, {"company", "Co."},
	{"plc", "PLC"}, {"p.l.c.", "PLC"}, {"llp", "LLP"}, {"l.l.p.", "LLP"},
	{"gmbh", "GmbH"}, {"ag", "AG"},
	{"pte. ltd.", "Pte. Ltd."}, {"pte ltd", "Pte. Ltd."}, {"pte.ltd.", "Pte. Ltd."}, {"pte. ltd", "Pte. Ltd."},
	{"pty ltd", "Pty Ltd"}, {"pty. ltd.", "Pty Ltd"}, {"pty. ltd", "Pty Ltd"}, {"pty ltd.", "Pty Ltd"},
})

func sortForms(fs []formPattern) []formPattern {
	sort.SliceStable(fs, func(i, j int) bool {
		return utf8.RuneCountInString(fs[i].pat) > utf8.RuneCountInString(fs[j].pat)
	})
	return fs
}

// abbrForm returns the canonical form abbreviated as a (the text inside
// brackets: 株, 有, カ, ﾕ …), or "".
func abbrForm(a string) string {
	switch a {
	case "株", "カ", "カブ":
		return "株式会社"
	case "有", "ユ":
		return "有限会社"
	case "同", "ド":
		return "合同会社"
	case "資", "シ":
		return "合資会社"
	case "名", "メ":
		return "合名会社"
	case "相", "ソ":
		return "相互会社"
	case "一社", "般社":
		return "一般社団法人"
	case "一財", "般財":
		return "一般財団法人"
	case "公社":
		return "公益社団法人"
	case "公財":
		return "公益財団法人"
	case "社", "シヤ", "シャ":
		return "社団法人"
	case "財", "ザイ":
		return "財団法人"
	case "特非", "NPO", "トクヒ":
		return "特定非営利活動法人"
	case "福", "フク":
		return "社会福祉法人"
	case "医", "イ":
		return "医療法人"
	case "医社":
		return "医療法人社団"
	case "医財":
		return "医療法人財団"
	case "学", "ガク":
		return "学校法人"
	case "宗", "シユウ", "シュウ":
		return "宗教法人"
	case "独", "ドク":
		return "独立行政法人"
	case "地独", "チドク":
		return "地方独立行政法人"
	case "大", "ダイ":
		return "国立大学法人"
	case "弁", "ベン":
		return "弁護士法人"
	case "税", "ゼイ":
		return "税理士法人"
	case "監", "カンサ":
		return "監査法人"
	case "司", "シホウ":
		return "司法書士法人"
	case "行", "ギヨウ", "ギョウ":
		return "行政書士法人"
	case "協", "キヨウ", "キョウ":
		return "協同組合"
	case "農協", "ノウキヨウ", "ノウキョウ":
		return "農業協同組合"
	case "生協", "セイキヨウ", "セイキョウ":
		return "生活協同組合"
	}
	return ""
}
