package normalize

import "strings"

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
	t := Text(s)
	t = strings.TrimPrefix(t, "郵便番号")
	t = strings.TrimLeft(t, " :：")
	t = strings.TrimPrefix(t, "〒")
	t = strings.TrimSpace(t)
	var d [7]byte
	n := 0
	sep := false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case '0' <= c && c <= '9':
			if n == 7 {
				return PostalCode{}, invalid(KindPostalCode, s, "more than 7 digits")
			}
			d[n] = c
			n++
		case (c == '-' || c == ' ') && n == 3 && !sep:
			sep = true
		default:
			return PostalCode{}, invalid(KindPostalCode, s, "want 7 digits as NNN-NNNN or NNNNNNN")
		}
	}
	if n != 7 {
		return PostalCode{}, invalid(KindPostalCode, s, "want 7 digits, got "+string(rune('0'+n)))
	}
	key := string(d[:])
	return PostalCode{Code: key[:3] + "-" + key[3:], Key: key}, nil
}
