package quality

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/normalize"
)

// Era is a Japanese era (元号) as used in dates: 令和3年4月1日.
type Era struct {
	Name   string        // 令和
	Letter byte          // R: the Latin initial used in R3.4.1
	Start  customer.Date // first day
	End    customer.Date // last day; the zero Date for the current era
}

// Eras returns the modern eras that ParseDate understands, newest first.
// Their first and last days follow the proclamations: 平成 ended on
// 1989-01-07 → 2019-04-30 and 令和 began on 2019-05-01; 明治/大正 and 大正/昭和
// share their boundary day (1912-07-30, 1926-12-25), which either era may
// name. 明治 is counted from 1868-01-25 (明治元年1月1日 in the old calendar).
func Eras() []Era {
	return []Era{
		{"令和", 'R', customer.Date{Year: 2019, Month: 5, Day: 1}, customer.Date{}},
		{"平成", 'H', customer.Date{Year: 1989, Month: 1, Day: 8}, customer.Date{Year: 2019, Month: 4, Day: 30}},
		{"昭和", 'S', customer.Date{Year: 1926, Month: 12, Day: 25}, customer.Date{Year: 1989, Month: 1, Day: 7}},
		{"大正", 'T', customer.Date{Year: 1912, Month: 7, Day: 30}, customer.Date{Year: 1926, Month: 12, Day: 25}},
		{"明治", 'M', customer.Date{Year: 1868, Month: 1, Day: 25}, customer.Date{Year: 1912, Month: 7, Day: 30}},
	}
}

func dateLess(a, b customer.Date) bool {
	if a.Year != b.Year {
		return a.Year < b.Year
	}
	if a.Month != b.Month {
		return a.Month < b.Month
	}
	return a.Day < b.Day
}

// ParseDate parses a calendar date as Japanese and international data have
// it, and returns an error wrapping ErrInvalid (a *ValueError saying why)
// for anything else:
//
//   - Gregorian: 2024-04-01, 2024/4/1, 2024.4.1, 20240401, 2024年4月1日;
//     the year also in kanji numerals, digit by digit (二〇二四年三月五日, with
//     〇, ○ or 零 for zero) or counted (二千二十四年3月5日);
//   - Japanese eras by name or Latin initial: 令和6年4月1日, 平成元年1月8日,
//     昭和64年1月7日, R6.4.1, H1/1/8, s60-4-3, the squared era signs ㋿ ㍻ ㍼ ㍽ ㍾;
//     元年 for year 1; the year may be written in kanji numerals (平成十年).
//
// Month and day may be written in kanji numerals too (三月五日, 十二月三十一日).
// Full-width digits and separators, and spaces anywhere, are accepted; a
// number written digit by digit may mix digits and kanji digits (２〇２４).
// The legal forms 壱 弐 参 拾 count as 一 二 三 十. A Gregorian year has four
// digits: in kanji, its value is 1000–9999 (二十四年 without an era is an
// error). The date must exist (no 2023-02-29) and, for an era, fall within
// it: 平成32年 and 昭和64年1月8日 are errors.
func ParseDate(s string) (customer.Date, error) {
	in := s
	s = normalize.Text(s)
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return customer.Date{}, invalid(in, "empty date")
	}
	var era *Era
	eras := Eras()
	for i := range eras {
		e := &eras[i]
		if rest, ok := strings.CutPrefix(s, e.Name); ok {
			era, s = e, rest
			break
		}
		if c := s[0] | 0x20; c == e.Letter|0x20 && len(s) > 1 && (s[1] >= '0' && s[1] <= '9') {
			era, s = e, s[1:]
			break
		}
	}
	// Tokenise into numbers and separators.
	var nums []string
	var seps []string
	for s != "" {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case isDateNumeral(r) || r == '元':
			j := 0
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !isDateNumeral(r2) && r2 != '元' {
					break
				}
				j += n2
			}
			nums, s = append(nums, s[:j]), s[j:]
		case r == '年' || r == '月' || r == '日' || r == '-' || r == '/' || r == '.':
			if len(seps) >= len(nums) {
				return customer.Date{}, invalid(in, "misplaced %q", r)
			}
			seps, s = append(seps, s[:n]), s[n:]
		default:
			return customer.Date{}, invalid(in, "unexpected %q", r)
		}
		if len(nums) > 3 {
			return customer.Date{}, invalid(in, "too many numbers")
		}
	}
	// A compact YYYYMMDD (Gregorian only).
	if len(nums) == 1 && len(seps) == 0 && era == nil && len(nums[0]) == 8 && isASCIIDigits(nums[0]) {
		n := nums[0]
		nums = []string{n[:4], n[4:6], n[6:]}
		seps = []string{"-", "-"}
	}
	if len(nums) != 3 {
		return customer.Date{}, invalid(in, "want year, month and day")
	}
	switch {
	case len(seps) >= 2 && seps[0] == "年" && seps[1] == "月" && (len(seps) == 2 || seps[2] == "日"):
	case len(seps) == 2 && seps[0] == seps[1] && seps[0] != "年" && seps[0] != "月" && seps[0] != "日":
	default:
		return customer.Date{}, invalid(in, "separators %q do not form a date", strings.Join(seps, ""))
	}
	yn, reason := dateNumber(nums[0], 4)
	if reason != "" {
		return customer.Date{}, invalid(in, "year %q: %s", nums[0], reason)
	}
	mn, reason := dateNumber(nums[1], 2)
	if reason != "" || mn.gan {
		return customer.Date{}, invalid(in, "month %q is not a number", nums[1])
	}
	dn, reason := dateNumber(nums[2], 2)
	if reason != "" || dn.gan {
		return customer.Date{}, invalid(in, "day %q is not a number", nums[2])
	}
	y, m, d := yn.n, mn.n, dn.n
	if era == nil {
		switch {
		case yn.gan:
			return customer.Date{}, invalid(in, "元年 without an era")
		case yn.ascii && yn.digits != 4:
			return customer.Date{}, invalid(in, "a Gregorian year has four digits")
		case !yn.ascii && (y < 1000 || y > 9999):
			return customer.Date{}, invalid(in, "Gregorian year %d in kanji: want four digits (1000–9999)", y)
		}
	} else {
		if y < 1 || y > 99 {
			return customer.Date{}, invalid(in, "era year %d out of range", y)
		}
		y += era.Start.Year - 1
	}
	date := customer.Date{Year: y, Month: time.Month(m), Day: d}
	if !date.Valid() {
		return customer.Date{}, invalid(in, "no such date %04d-%02d-%02d", y, m, d)
	}
	if era != nil {
		if dateLess(date, era.Start) {
			return customer.Date{}, invalid(in, "before the start of %s (%s)", era.Name, era.Start)
		}
		if !era.End.IsZero() && dateLess(era.End, date) {
			return customer.Date{}, invalid(in, "after the end of %s (%s)", era.Name, era.End)
		}
	}
	return date, nil
}

// isDateNumeral reports the characters of a number in a date: ASCII
// digits (full-width ones are folded before), kanji digits and the units
// 十 百 千, with the legal forms 壱 弐 参 拾 and ○ or 零 for zero.
func isDateNumeral(r rune) bool {
	return '0' <= r && r <= '9' || strings.ContainsRune("〇○零一二三四五六七八九十百千壱弐参拾", r)
}

func isKanjiUnit(r rune) bool { return r == '十' || r == '百' || r == '千' || r == '拾' }

func isASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// dateNum is one number of a date as it was written.
type dateNum struct {
	n      int
	digits int  // digits written one by one (2024, 二〇二四, ２〇２４); 0 when counted (二千二十四) or 元
	ascii  bool // ASCII digits only
	gan    bool // 元, the first year of an era
}

// dateNumber reads one number of a date (a token of isDateNumeral runes and
// 元): ASCII digits, kanji digits or both written digit by digit, at most
// maxDigits of them; a counted kanji numeral (十二, 二千二十四) through
// normalize.KanjiNumber; or 元 alone. It returns a reason when s is none of
// these.
func dateNumber(s string, maxDigits int) (dateNum, string) {
	if s == "元" {
		return dateNum{n: 1, gan: true}, ""
	}
	if strings.ContainsRune(s, '元') {
		return dateNum{}, "元 stands only for the first year of an era"
	}
	if isASCIIDigits(s) {
		if len(s) > maxDigits {
			return dateNum{}, "too many digits"
		}
		n := 0
		for i := 0; i < len(s); i++ {
			n = n*10 + int(s[i]-'0')
		}
		return dateNum{n: n, digits: len(s), ascii: true}, ""
	}
	if strings.IndexFunc(s, isKanjiUnit) >= 0 {
		if strings.IndexFunc(s, func(r rune) bool { return '0' <= r && r <= '9' }) >= 0 {
			return dateNum{}, "digits mixed with kanji units"
		}
		n, err := normalize.KanjiNumber(s)
		if err != nil || n > 9999 {
			return dateNum{}, "not a number"
		}
		return dateNum{n: n}, ""
	}
	// Digit by digit, kanji digits possibly mixed with ASCII ones.
	n, digits := 0, 0
	for i, r := range s {
		d := int(r - '0')
		if r > '9' {
			var err error
			if d, err = normalize.KanjiNumber(s[i : i+utf8.RuneLen(r)]); err != nil {
				return dateNum{}, "not a number"
			}
		}
		n, digits = n*10+d, digits+1
	}
	if digits > maxDigits {
		return dateNum{}, "too many digits"
	}
	return dateNum{n: n, digits: digits}, ""
}

// ParseTime parses a time stamp: RFC 3339 (2024-04-01T09:00:00+09:00),
// "2024-04-01 09:00:00" or "2024-04-01T09:00:00" (in loc), or any date
// ParseDate accepts (midnight in loc). A nil loc means UTC.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = trimSpace(s)
	if len(s) >= 19 && s[4] == '-' {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, nil
		}
		for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00"} {
			if t, err := time.ParseInLocation(layout, s, loc); err == nil {
				return t, nil
			}
		}
	}
	d, err := ParseDate(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc), nil
}
