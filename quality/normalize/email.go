package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Email is a parsed e-mail address.
type Email struct {
	Address string // Local + "@" + Domain
	Local   string // the local part, case kept
	Domain  string // the domain, lower-cased
	Key     string // the address with the local part lower-cased too
}

// ParseEmail parses an e-mail address: surrounding spaces, a "mailto:" prefix
// and enclosing angle brackets are removed, full-width characters (＠, ．,
// ＡＢＣ) are folded by NFKC and the domain is lower-cased. The key also
// lower-cases the local part; most mail systems treat it case-insensitively
// although RFC 5321 does not require them to.
//
// The syntax checked is the dot-atom of RFC 5322 (quoted local parts and
// address literals are refused) with UTF-8 allowed (RFC 6531): at most 64
// bytes before the @ and 254 in all, no spaces, a domain of at least two
// dot-separated labels of letters, digits and inner hyphens, a top-level
// label that is not all digits. For the legacy Japanese mobile domains
// docomo.ne.jp and ezweb.ne.jp, whose old addresses broke the rules, dots
// in the local part may repeat or stand at its ends. Errors wrap ErrInvalid.
func ParseEmail(s string) (Email, error) {
	t := strings.TrimSpace(s)
	if !isASCII(t) {
		t = norm.NFKC.String(t)
		t = strings.ReplaceAll(t, "。", ".") // ｡ and 。 typed for a dot
		t = strings.TrimFunc(t, unicode.IsSpace)
	}
	if len(t) > 7 && strings.EqualFold(t[:7], "mailto:") {
		t = t[7:]
	}
	if len(t) >= 2 && t[0] == '<' && t[len(t)-1] == '>' {
		t = t[1 : len(t)-1]
	}
	at := strings.LastIndexByte(t, '@')
	if at < 0 {
		return Email{}, invalid(KindEmail, s, "no @")
	}
	local, domain := t[:at], foldCase(t[at+1:])
	if err := checkDomain(domain); err != "" {
		return Email{}, invalid(KindEmail, s, err)
	}
	if err := checkLocal(local, domain == "docomo.ne.jp" || domain == "ezweb.ne.jp"); err != "" {
		return Email{}, invalid(KindEmail, s, err)
	}
	if len(t) > 254 {
		return Email{}, invalid(KindEmail, s, "longer than 254 bytes")
	}
	addr := t
	if domain != t[at+1:] {
		addr = local + "@" + domain
	}
	key := foldCase(addr) // the domain is folded already
	local, domain = addr[:at], addr[at+1:]
	return Email{Address: addr, Local: local, Domain: domain, Key: key}, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldCase lower-cases s without allocating when it is ASCII with no
// upper-case letter. Beyond ASCII, lower-casing can leave a string NFKC
// would change (İ → i + U+0307) and NFKC can give an upper-case letter
// (ℌ → H), so the two alternate until neither changes anything: the
// result reads back the same.
func foldCase(s string) string {
	if isASCII(s) {
		return toLowerASCIIFirst(s)
	}
	for range 4 {
		t := norm.NFKC.String(strings.ToLower(s))
		if t == s {
			break
		}
		s = t
	}
	return s
}

// toLowerASCIIFirst lower-cases s without allocating when it has no upper-case letter.
func toLowerASCIIFirst(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(s)
		}
		if 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

const atext = "!#$%&'*+-/=?^_`{|}~"

func checkLocal(l string, lenientDots bool) string {
	switch {
	case l == "":
		return "empty local part"
	case len(l) > 64:
		return "local part longer than 64 bytes"
	}
	if !lenientDots {
		if l[0] == '.' || l[len(l)-1] == '.' {
			return "local part starts or ends with a dot"
		}
		if strings.Contains(l, "..") {
			return "two dots in a row in the local part"
		}
	}
	for _, r := range l {
		switch {
		case r == '.':
		case r < utf8.RuneSelf:
			c := byte(r)
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(atext, c) >= 0) {
				return "character " + quoteRune(r) + " not allowed in the local part"
			}
		case r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) || !unicode.IsGraphic(r):
			return "character " + quoteRune(r) + " not allowed in the local part"
		}
	}
	return ""
}

func checkDomain(d string) string {
	if d == "" {
		return "empty domain"
	}
	if len(d) > 253 {
		return "domain longer than 253 bytes"
	}
	labels := 0
	for len(d) > 0 {
		label := d
		if i := strings.IndexByte(d, '.'); i >= 0 {
			label, d = d[:i], d[i+1:]
			if d == "" {
				return "domain ends with a dot"
			}
		} else {
			d = ""
		}
		labels++
		if label == "" {
			return "empty label in the domain"
		}
		if len(label) > 63 {
			return "domain label longer than 63 bytes"
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return "domain label starts or ends with a hyphen"
		}
		digits := true
		for _, r := range label {
			switch {
			case '0' <= r && r <= '9':
				continue
			case r == '-' || ('a' <= r && r <= 'z'):
			case r >= utf8.RuneSelf && r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)):
			default:
				return "character " + quoteRune(r) + " not allowed in the domain"
			}
			digits = false
		}
		if d == "" && digits {
			if labels == 1 {
				return "domain needs at least two labels"
			}
			return "top-level domain is all digits"
		}
	}
	if labels < 2 {
		return "domain needs at least two labels"
	}
	return ""
}
