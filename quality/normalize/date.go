package normalize

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Era is a Japanese era (元号) as used in dates: 令和3年4月1日.
type Era struct {
	Name   string // 令和
	Letter byte   // R: the Latin initial used in R3.4.1
	// Start is the first day and End the last, as year, month and day; End
	// is all zero for the current era.
	Start, End [3]int
}

// Eras returns the modern eras that ParseDate understands, newest first.
// Their first and last days follow the proclamations: 平成 ended on
// 1989-01-07 → 2019-04-30 and 令和 began on 2019-05-01; 明治/大正 and 大正/昭和
// share their boundary day (1912-07-30, 1926-12-25), which either era may
// name. 明治 is counted from 1868-01-25 (明治元年1月1日 in the old calendar).
func Eras() []Era {
	return []Era{
		{"令和", 'R', [3]int{2019, 5, 1}, [3]int{}},
		{"平成", 'H', [3]int{1989, 1, 8}, [3]int{2019, 4, 30}},
		{"昭和", 'S', [3]int{1926, 12, 25}, [3]int{1989, 1, 7}},
		{"大正", 'T', [3]int{1912, 7, 30}, [3]int{1926, 12, 25}},
		{"明治", 'M', [3]int{1868, 1, 25}, [3]int{1912, 7, 30}},
	}
}

// DateOrder says whether ParseDate also reads dates whose year comes last.
// The zero DateOrder is YearFirst.
type DateOrder int

const (
	// YearFirst reads only dates that start with the year (2024-04-01,
	// 令和6年4月1日, 20240401): 01/04/2024 is an error.
	YearFirst DateOrder = iota
	// DayFirst reads, besides, a day, a month and a four-digit year with
	// one separator (01/04/2024 is 1 April 2024, as outside the US), and a
	// month first when the middle number cannot be a month (04/13/2024 is
	// 13 April).
	DayFirst
)

// ParseDate parses a calendar date as Japanese and international data have
// it, and returns its year, month and day, or an *Error (kind KindDate)
// saying why it is none:
//
//   - Gregorian: 2024-04-01, 2024/4/1, 2024.4.1, 20240401, 2024年4月1日;
//     the year also in kanji numerals, digit by digit (二〇二四年三月五日, with
//     〇, ○ or 零 for zero) or counted (二千二十四年3月5日);
//   - Japanese eras by name or Latin initial: 令和6年4月1日, 平成元年1月8日,
//     昭和64年1月7日, R6.4.1, H1/1/8, s60-4-3, the squared era signs ㋿ ㍻ ㍼ ㍽ ㍾;
//     元年 for year 1; the year may be written in kanji numerals (平成十年);
//   - with DayFirst, also 1/4/2024, 01-04-2024, 01.04.2024 (see DayFirst).
//
// Month and day may be written in kanji numerals too (三月五日, 十二月三十一日).
// Full-width digits and separators, and spaces anywhere, are accepted; a
// number written digit by digit may mix digits and kanji digits (２〇２４).
// The legal forms 壱 弐 参 拾 count as 一 二 三 十. A Gregorian year has four
// digits: in kanji, its value is 1000–9999 (二十四年 without an era is an
// error). The date must exist (no 2023-02-29) and, for an era, fall within
// it: 平成32年 and 昭和64年1月8日 are errors.
func ParseDate(s string, order DateOrder) (year, month, day int, err error) {
	in := s
	bad := func(format string, args ...any) (int, int, int, error) {
		return 0, 0, 0, invalid(KindDate, in, fmt.Sprintf(format, args...))
	}
	s = Text(s)
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return bad("empty date")
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
				return bad("misplaced %q", r)
			}
			seps, s = append(seps, s[:n]), s[n:]
		default:
			return bad("unexpected %q", r)
		}
		if len(nums) > 3 {
			return bad("too many numbers")
		}
	}
	// A compact YYYYMMDD (Gregorian only).
	if len(nums) == 1 && len(seps) == 0 && era == nil && len(nums[0]) == 8 && isASCIIDigits(nums[0]) {
		n := nums[0]
		nums = []string{n[:4], n[4:6], n[6:]}
		seps = []string{"-", "-"}
	}
	if len(nums) != 3 {
		return bad("want year, month and day")
	}
	switch {
	case len(seps) >= 2 && seps[0] == "年" && seps[1] == "月" && (len(seps) == 2 || seps[2] == "日"):
	case len(seps) == 2 && seps[0] == seps[1] && seps[0] != "年" && seps[0] != "月" && seps[0] != "日":
	default:
		return bad("separators %q do not form a date", strings.Join(seps, ""))
	}
	swap := false // day first, and month first if the middle is no month
	if order == DayFirst && era == nil && seps[0] != "年" && len(nums[0]) <= 2 && len(nums[1]) <= 2 &&
		isASCIIDigits(nums[0]) && isASCIIDigits(nums[1]) && isASCIIDigits(nums[2]) && len(nums[2]) == 4 {
		nums[0], nums[2] = nums[2], nums[0]
		swap = true
	}
	yn, reason := dateNumber(nums[0], 4)
	if reason != "" {
		return bad("year %q: %s", nums[0], reason)
	}
	mn, reason := dateNumber(nums[1], 2)
	if reason != "" || mn.gan {
		return bad("month %q is not a number", nums[1])
	}
	dn, reason := dateNumber(nums[2], 2)
	if reason != "" || dn.gan {
		return bad("day %q is not a number", nums[2])
	}
	y, m, d := yn.n, mn.n, dn.n
	if swap && m > 12 && d <= 12 {
		m, d = d, m
	}
	if era == nil {
		switch {
		case yn.gan:
			return bad("元年 without an era")
		case yn.ascii && yn.digits != 4:
			return bad("a Gregorian year has four digits")
		case !yn.ascii && (y < 1000 || y > 9999):
			return bad("Gregorian year %d in kanji: want four digits (1000–9999)", y)
		}
	} else {
		if y < 1 || y > 99 {
			return bad("era year %d out of range", y)
		}
		y += era.Start[0] - 1
	}
	if !validDate(y, m, d) {
		return bad("no such date %04d-%02d-%02d", y, m, d)
	}
	if era != nil {
		date := [3]int{y, m, d}
		if dateLess(date, era.Start) {
			return bad("before the start of %s (%s)", era.Name, isoDate(era.Start))
		}
		if era.End != [3]int{} && dateLess(era.End, date) {
			return bad("after the end of %s (%s)", era.Name, isoDate(era.End))
		}
	}
	return y, m, d, nil
}

// validDate reports whether year y (1–9999), month m and day d name a day
// of the proleptic Gregorian calendar.
func validDate(y, m, d int) bool {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d && int(t.Month()) == m
}

func dateLess(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

func isoDate(d [3]int) string { return fmt.Sprintf("%04d-%02d-%02d", d[0], d[1], d[2]) }

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
// KanjiNumber; or 元 alone. It returns a reason when s is none of
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
		n, err := KanjiNumber(s)
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
			if d, err = KanjiNumber(s[i : i+utf8.RuneLen(r)]); err != nil {
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
