package match

import (
	"github.com/c360/c360/quality/normalize"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// value is one field of one record, prepared for blocking and comparison.
type value struct {
	key string  // normalised comparison key; "" when missing
	alt string  // a second key some kinds use (e-mail local part, kana reading, phone tail)
	num float64 // numbers; dates as days since 0000-03-01 (proleptic Gregorian)
	ok  bool    // num is valid; for identifiers: the check digit is valid
	tf  float32 // share of records with this key in the field (0 until counted)
}

// prepare normalises one raw value of the given kind. It never fails: a value
// that does not parse as its kind falls back to a text key, so that it can
// still agree exactly with the same malformed value elsewhere.
func prepare(k Kind, s string) value {
	s = strings.TrimSpace(s)
	if s == "" || isPlaceholder(s) {
		return value{}
	}
	switch k {
	case KindGivenName, KindFamilyName:
		return value{key: nameKey(s)}
	case KindPersonName:
		return personValue(s)
	case KindNameKana:
		return kanaValue(s)
	case KindCompany:
		return value{key: companyKey(s)}
	case KindEmail:
		return emailValue(s)
	case KindPhone:
		return phoneValue(s)
	case KindPostalCode:
		return postalValue(s)
	case KindAddress:
		return value{key: addressKey(s)}
	case KindDate:
		return dateValue(s)
	case KindID:
		if c, err := normalize.CorporateNumber(s); err == nil {
			return value{key: c, ok: true} // a valid corporate number: guarded strictly
		}
		return value{key: idKey(s)}
	case KindNumber:
		v := value{key: textKey(s)}
		if f, err := strconv.ParseFloat(strings.ReplaceAll(v.key, ",", ""), 64); err == nil {
			v.num, v.ok = f, true
			v.key = strconv.FormatFloat(f, 'g', -1, 64)
		}
		return v
	default: // street, locality, region, text, exact
		return value{key: textKey(s)}
	}
}

func idKey(s string) string {
	t := textKey(s)
	var b strings.Builder
	for _, r := range t {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	if b.Len() == 0 {
		return t
	}
	return b.String()
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if r >= '０' && r <= '９' {
			b.WriteRune(r - '０' + '0')
		}
	}
	return b.String()
}

// dateValue parses a date as normalize.ParseDate does with
// normalize.DayFirst (2006-01-02, 2006/1/2, 20060102, 2006年1月2日, Japanese
// era dates, 02/01/2006 day first). The key is YYYYMMDD; an unparsable value
// keeps its digits.
func dateValue(s string) value {
	y, m, d, err := normalize.ParseDate(s, normalize.DayFirst)
	if err != nil {
		t := textKey(s)
		if dg := digitsOnly(t); dg != "" {
			return value{key: dg}
		}
		return value{key: t}
	}
	key := pad(y, 4) + pad(m, 2) + pad(d, 2)
	return value{key: key, num: float64(days(y, m, d)), ok: true}
}

func pad(n, w int) string {
	s := strconv.Itoa(n)
	for len(s) < w {
		s = "0" + s
	}
	return s
}

// days counts days from a fixed epoch (civil-from-days inverse).
func days(y, m, d int) int {
	if m <= 2 {
		y--
		m += 12
	}
	return 365*y + y/4 - y/100 + y/400 + (153*(m-3)+2)/5 + d - 1
}

// firstRunes returns the first n runes of s.
func firstRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

func runeCount(s string) int { return utf8.RuneCountInString(s) }

// splitNames fixes a common export defect: a whole name in the family-name
// column and the given-name column blank ("山中　尚樹", ""). When the family
// value holds a space and non-Latin letters, it is split at the first
// space, or, without a space and at four or more characters, where
// normalize.ParsePersonName puts the boundary. The same is done for a pair
// of kana columns (at a space only).
func splitNames(raw []string, kinds []Kind) []string {
	fam, giv := -1, -1
	k1, k2 := -1, -1
	for f, k := range kinds {
		switch k {
		case KindFamilyName:
			if fam < 0 {
				fam = f
			}
		case KindGivenName:
			if giv < 0 {
				giv = f
			}
		case KindNameKana:
			if k1 < 0 {
				k1 = f
			} else if k2 < 0 {
				k2 = f
			}
		}
	}
	out := raw
	split := func(a, b int) {
		if a < 0 || b < 0 || strings.TrimSpace(raw[b]) != "" {
			return
		}
		v := strings.TrimSpace(raw[a])
		i := strings.IndexFunc(v, unicode.IsSpace)
		if i < 0 && hasNonLatin(v) && runeCount(v) >= 4 && a == fam {
			// No space: let the surname list find the boundary (鈴木二郎).
			if p, err := normalize.ParsePersonName(v); err == nil && p.Family != "" && p.Given != "" {
				if &out[0] == &raw[0] {
					out = append([]string(nil), raw...)
				}
				out[a], out[b] = p.Family, p.Given
			}
			return
		}
		if i < 0 || !hasNonLatin(v) {
			return
		}
		if &out[0] == &raw[0] {
			out = append([]string(nil), raw...)
		}
		_, w := utf8.DecodeRuneInString(v[i:])
		out[a], out[b] = v[:i], strings.TrimSpace(v[i+w:])
	}
	split(fam, giv)
	split(k1, k2)
	return out
}

// hasNonLatin reports whether s holds a letter beyond the Latin blocks
// (kanji, kana, hangul, Cyrillic…).
func hasNonLatin(s string) bool {
	i := 0
	for i < len(s) && s[i] < 0xC9 { // runes below U+0250 start with bytes below 0xC9
		i++
	}
	if i == len(s) {
		return false
	}
	for _, r := range s[i:] {
		if r > 0x24F && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// placeholders are values exports use for "unknown"; they are treated as
// missing so that two records do not agree on them.
var placeholders = map[string]bool{
	"不明": true, "なし": true, "無し": true, "未記入": true, "未入力": true, "未登録": true, "該当なし": true, "ー": true, "－": true,
	"-": true, "--": true, "---": true, "?": true, "n/a": true, "none": true, "null": true, "nil": true, "unknown": true,
	"1900-01-01": true, "1900/01/01": true, "19000101": true, "0000-00-00": true, "00000000": true,
	"000-0000": true, "0000000": true, "00-0000-0000": true, "000-0000-0000": true, "0000000000": true, "00000000000": true,
	"test@test.com": true, "test@example.com": true, "noemail@example.com": true, "none@none.com": true,
}

func isPlaceholder(s string) bool {
	if len(s) > 24 {
		return false
	}
	return placeholders[strings.ToLower(s)]
}
