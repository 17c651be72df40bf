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
//   - Japanese eras by name or Latin initial: 令和6年4月1日, 平成元年1月8日,
//     昭和64年1月7日, R6.4.1, H1/1/8, s60-4-3, the squared era signs ㋿ ㍻ ㍼ ㍽ ㍾;
//     元年 for year 1; the year may be written in kanji numerals (平成十年).
//
// Full-width digits and separators, and spaces anywhere, are accepted. The
// date must exist (no 2023-02-29) and, for an era, fall within it:
// 平成32年 and 昭和64年1月8日 are errors.
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
		case r >= '0' && r <= '9':
			j := 0
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			nums, s = append(nums, s[:j]), s[j:]
		case isKanjiDigit(r) || r == '元':
			j := 0
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !isKanjiDigit(r2) && r2 != '元' {
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
	if len(nums) == 1 && len(seps) == 0 && era == nil && len(nums[0]) == 8 {
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
	y, err := dateNumber(nums[0], true)
	if err != nil {
		return customer.Date{}, invalid(in, "year %q: %v", nums[0], err)
	}
	m, err := dateNumber(nums[1], false)
	if err != nil || len(nums[1]) > 2 && nums[1][0] <= '9' {
		return customer.Date{}, invalid(in, "month %q is not a number", nums[1])
	}
	d, err := dateNumber(nums[2], false)
	if err != nil || len(nums[2]) > 2 && nums[2][0] <= '9' {
		return customer.Date{}, invalid(in, "day %q is not a number", nums[2])
	}
	if era == nil {
		if strings.HasPrefix(nums[0], "元") || len(nums[0]) != 4 || nums[0][0] > '9' {
			return customer.Date{}, invalid(in, "a Gregorian year has four digits")
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

func isKanjiDigit(r rune) bool {
	return strings.ContainsRune("〇一二三四五六七八九十百千", r)
}

// dateNumber reads ASCII digits, kanji numerals, or 元 (year only).
func dateNumber(s string, year bool) (int, error) {
	if s == "元" && year {
		return 1, nil
	}
	if s[0] >= '0' && s[0] <= '9' {
		if len(s) > 4 {
			return 0, invalid(s, "too many digits")
		}
		n := 0
		for i := 0; i < len(s); i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n, nil
	}
	if strings.ContainsRune(s, '元') {
		return 0, invalid(s, "元 stands only for the first year of an era")
	}
	n, err := normalize.KanjiNumber(s)
	if err != nil || n > 9999 {
		return 0, invalid(s, "not a number")
	}
	return n, nil
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
