package normalize

import "unicode/utf8"

// kanjiDigit returns the value of a kanji digit (〇 一 … 九, the legal forms
// 壱 弐 参, and ○ or 零 used for zero), or -1.
func kanjiDigit(r rune) int {
	switch r {
	case '〇', '○', '零':
		return 0
	case '一', '壱':
		return 1
	case '二', '弐':
		return 2
	case '三', '参':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	}
	return -1
}

// kanjiUnit returns the multiplier of a kanji unit (十 拾 百 千 万 億), or 0.
func kanjiUnit(r rune) int {
	switch r {
	case '十', '拾':
		return 10
	case '百':
		return 100
	case '千':
		return 1000
	case '万':
		return 10000
	case '億':
		return 100000000
	}
	return 0
}

func isKanjiNumeral(r rune) bool { return kanjiDigit(r) >= 0 || kanjiUnit(r) > 0 }

// KanjiNumber returns the value of a number written in kanji, in either of
// the two ways addresses use:
//
//   - with units: 十 (10), 二十三 (23), 百五 (105), 千二百 (1200), 一万二千 (12000);
//     each of 千 百 十 at most once per group of four digits, in that order,
//     with an optional digit 一–九 before it; 万 and 億 group them;
//   - positionally, digit by digit: 二〇二 (202), 一〇 (10).
//
// The legal forms 壱 弐 参 拾 are accepted, and ○ or 零 for zero. Anything
// else is rejected with an error wrapping ErrInvalid: an empty string,
// another character, a unit repeated or out of order (十十, 百千), two digits
// before a unit (二三十), 〇 mixed with units (十〇), or a value above
// 999999999999.
func KanjiNumber(s string) (int, error) {
	n, reason := kanjiNumber(s)
	if reason != "" {
		return 0, &Error{Kind: KindText, Input: s, Reason: "malformed kanji numeral: " + reason}
	}
	return n, nil
}

func kanjiNumber(s string) (int, string) {
	if s == "" {
		return 0, "empty"
	}
	hasUnit := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return 0, "not a kanji numeral"
		case kanjiUnit(r) > 0:
			hasUnit = true
		case kanjiDigit(r) < 0:
			return 0, "not a kanji numeral: " + quoteInput(string(r))
		}
	}
	if !hasUnit {
		if utf8.RuneCountInString(s) > 12 {
			return 0, "too many digits"
		}
		n := 0
		for _, r := range s {
			n = n*10 + kanjiDigit(r)
		}
		return n, ""
	}
	total := 0    // completed 億 and 万 groups
	group := 0    // value below 万 so far
	lastBig := 0  // the last of 万/億 used, to keep them in decreasing order
	lastUnit := 0 // the last of 十/百/千 in this group, 0 at its start
	digit := -1   // a pending digit, -1 if none
	for _, r := range s {
		if d := kanjiDigit(r); d >= 0 {
			if d == 0 {
				return 0, "〇 in a numeral with units"
			}
			if digit >= 0 {
				return 0, "two digits in a row"
			}
			digit = d
			continue
		}
		u := kanjiUnit(r)
		switch {
		case u < 10000:
			if lastUnit != 0 && u >= lastUnit {
				return 0, "unit out of order"
			}
			m := digit
			if m < 0 {
				m = 1
			}
			group += m * u
			lastUnit, digit = u, -1
		default: // 万, 億
			if lastBig != 0 && u >= lastBig {
				return 0, "万/億 out of order"
			}
			if digit >= 0 {
				group += digit
				digit = -1
			}
			if group == 0 {
				return 0, "万/億 without a number before it"
			}
			total += group * u
			group, lastUnit, lastBig = 0, 0, u
		}
	}
	if digit >= 0 {
		group += digit
	}
	n := total + group
	if n > 999999999999 {
		return 0, "too large"
	}
	return n, ""
}
