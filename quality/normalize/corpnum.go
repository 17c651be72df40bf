package normalize

// CorporateNumber validates a Japanese corporate number (法人番号) and returns
// its 13 digits. Full-width digits, spaces and dashes are allowed, and so is
// the "T" of a qualified invoice issuer number (適格請求書発行事業者登録番号,
// "T" + the corporate number). The first digit is the check digit of the
// other twelve: 9 − (Σ Pn×Qn mod 9), where Pn is the n-th digit counted from
// the right and Qn is 1 for odd n and 2 for even n. A wrong length, a
// non-digit or a wrong check digit gives an error wrapping ErrInvalid.
func CorporateNumber(s string) (string, error) {
	t := Text(s)
	var d [13]byte
	n := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case '0' <= c && c <= '9':
			if n == 13 {
				return "", invalid(KindCorporateNumber, s, "more than 13 digits")
			}
			d[n] = c
			n++
		case c == ' ' || c == '-':
		case (c == 'T' || c == 't') && n == 0 && i == 0:
		default:
			return "", invalid(KindCorporateNumber, s, "unexpected character")
		}
	}
	if n != 13 {
		return "", invalid(KindCorporateNumber, s, "want 13 digits")
	}
	if c := corporateCheckDigit(d[1:]); d[0] != c {
		return "", invalid(KindCorporateNumber, s, "check digit is "+string(rune(d[0]))+", want "+string(rune(c)))
	}
	if string(d[:]) == s {
		return s, nil
	}
	return string(d[:]), nil
}

// corporateCheckDigit returns the check digit of the 12-digit base number.
func corporateCheckDigit(base []byte) byte {
	sum := 0
	for i := range 12 {
		p := int(base[11-i] - '0') // n = i+1, counted from the right
		if i%2 == 1 {
			p *= 2
		}
		sum += p
	}
	return byte('0' + 9 - sum%9)
}
