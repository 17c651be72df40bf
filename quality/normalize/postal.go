package normalize

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PostalCode is a Japanese postal code (郵便番号).
type PostalCode struct {
	Code string // canonical notation "NNN-NNNN"
	Key  string // the seven digits
}

// ParsePostalCode parses a Japanese postal code written with or without the
// 〒 mark (or a "〒" label such as "郵便番号"), in full- or half-width digits,
// with any dash or a space between the third and fourth digit, or none:
// "〒100-0005", "１００－０００５", "100 0005", "1000005". Anything but exactly
// seven digits gives an error wrapping ErrInvalid. Whether the code exists is
// not checked here; see package jppostal.
func ParsePostalCode(s string) (PostalCode, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "郵便番号")
	t = strings.TrimLeft(t, " :：\u3000")
	if r, size := utf8.DecodeRuneInString(t); r == '〒' || r == '〶' {
		t = t[size:]
	}
	// The key and the code share one allocation: "NNNNNNN" + "NNN-NNNN".
	var b [15]byte
	n := 0
	pending, pendingDash := false, false // separators since the last digit
	for _, r := range t {
		switch {
		case '0' <= r && r <= '9', '０' <= r && r <= '９':
			if r >= '０' {
				r -= '０' - '0'
			}
			if n == 7 {
				return PostalCode{}, invalid(KindPostalCode, s, "more than 7 digits")
			}
			if pending && n != 3 {
				return PostalCode{}, invalid(KindPostalCode, s, "separator after digit "+strconv.Itoa(n)+"; want NNN-NNNN")
			}
			pending, pendingDash = false, false
			b[n] = byte(r)
			n++
		case unicode.IsSpace(r):
			pending = n > 0
		case r == '-' || isHyphenLike(r):
			if n == 0 {
				return PostalCode{}, invalid(KindPostalCode, s, "starts with a dash")
			}
			pending, pendingDash = true, true
		default:
			return PostalCode{}, invalid(KindPostalCode, s, "unexpected "+quoteRune(r)+"; want 7 digits as NNN-NNNN or NNNNNNN")
		}
	}
	if pendingDash {
		return PostalCode{}, invalid(KindPostalCode, s, "ends with a dash")
	}
	if n != 7 {
		return PostalCode{}, invalid(KindPostalCode, s, "want 7 digits, got "+strconv.Itoa(n))
	}
	copy(b[7:10], b[:3])
	b[10] = '-'
	copy(b[11:], b[3:7])
	all := string(b[:])
	return PostalCode{Code: all[7:], Key: all[:7]}, nil
}
