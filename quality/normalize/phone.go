package normalize

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// PhoneType is the kind of service a phone number belongs to.
type PhoneType int

// Phone number types. Japanese numbers are classified by prefix following
// the public numbering plan (as in libphonenumber's metadata, see NOTICE);
// numbers of other countries are PhoneUnknown.
const (
	PhoneUnknown  PhoneType = iota // type not known (numbers outside Japan)
	PhoneMobile                    // mobile: 070, 080, 090 (and 060), 11 digits
	PhoneFixed                     // landline with an area code (市外局番), 10 digits
	PhoneIP                        // IP phone: 050, 11 digits
	PhoneTollFree                  // free to the caller: 0120 (10 digits), 0800 (11 digits)
	PhoneNaviDial                  // navi-dial, one national number: 0570, 10 digits
	PhonePremium                   // premium rate: 0990, 10 digits
	PhoneOther                     // other services: 020 (machine-to-machine, pagers), 11 digits
)

var phoneTypeNames = [...]string{
	PhoneUnknown:  "unknown",
	PhoneMobile:   "mobile",
	PhoneFixed:    "fixed",
	PhoneIP:       "ip",
	PhoneTollFree: "toll_free",
	PhoneNaviDial: "navi_dial",
	PhonePremium:  "premium",
	PhoneOther:    "other",
}

// String returns the type's name: "mobile", "fixed", "ip", "toll_free",
// "navi_dial", "premium", "other" or "unknown" ("PhoneType(n)" for values
// out of range).
func (t PhoneType) String() string {
	if t >= 0 && int(t) < len(phoneTypeNames) {
		return phoneTypeNames[t]
	}
	return "PhoneType(" + strconv.Itoa(int(t)) + ")"
}

// MarshalText returns the type's name.
func (t PhoneType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Phone is a parsed phone number.
type Phone struct {
	E164      string    // "+81312345678"
	Country   string    // calling code, "81"
	National  string    // national significant number, with the trunk 0 for Japan: "0312345678"
	Extension string    // 内線 / ext. digits, "" if none; not part of E164 or Key
	Type      PhoneType // PhoneUnknown outside Japan
	AreaName  string    // numbering-area (番号区画) name of a Japanese landline, e.g. 東京; "" if not known
	Key       string    // comparison key, = E164
}

// ParsePhone parses a phone number. Numbers without an international prefix
// are taken as Japanese; see ParsePhoneRegion.
func ParsePhone(s string) (Phone, error) { return ParsePhoneRegion(s, "81") }

// ParsePhoneRegion parses a phone number written in any common notation and
// returns it in E.164 form with its parts. Numbers written without an
// international prefix are taken as numbers of the country with calling code
// callingCode ("81" for Japan, "1" for North America, …).
//
// Accepted: full-width digits; spaces; brackets; hyphens, dashes, minus signs
// and the long-vowel mark ー used as a dash; dots and slashes; a leading "+",
// "00" or (in Japan) "010" international prefix; "+81 (0)3 …" with the
// bracketed trunk 0; labels such as TEL, Tel:, 電話, 代表, 携帯, FAX anywhere; an
// extension after 内線, ext., x or #, returned in Extension.
//
// Japanese numbers are checked against the numbering plan: the prefix must be
// one in use and the length must be the one for that prefix (mobile and IP
// 11 digits, landline 10, 0120 10, 0800 11, …). A landline must fall in a
// range of the embedded numbering-area table (libphonenumber's list of
// allocated ranges, see NOTICE), which gives AreaName and the area code used
// by Format; 022-123-4567 is rejected because no 0221 range is allocated. Numbers of other countries get basic checks
// only: an assigned country calling code and a total of 7 to 15 digits
// (E.164's maximum). Every error wraps ErrInvalid.
func ParsePhoneRegion(s, callingCode string) (Phone, error) {
	if n := len(callingCode); n < 1 || n > 3 || !phoneDigitsOnly(callingCode) || callingCodeLen(callingCode) != n {
		return Phone{}, &Error{Kind: KindPhone, Input: s, Reason: "unknown country calling code " + quoteInput(callingCode)}
	}
	var sc phoneScan
	if reason := sc.scan(s); reason != "" {
		return Phone{}, &Error{Kind: KindPhone, Input: s, Reason: reason}
	}
	d := string(sc.main[:sc.n])
	p := Phone{Extension: string(sc.ext[:sc.nExt])}
	if d == "" {
		return Phone{}, &Error{Kind: KindPhone, Input: s, Reason: "no digits"}
	}
	intl := sc.plus
	switch {
	case intl:
	case strings.HasPrefix(d, "00"):
		d, intl = d[2:], true
	case callingCode == "81" && strings.HasPrefix(d, "010"):
		d, intl = d[3:], true
	}
	cc, nsn := callingCode, d
	if intl {
		n := callingCodeLen(d)
		if n == 0 || n >= len(d) {
			return Phone{}, &Error{Kind: KindPhone, Input: s, Reason: "unknown country calling code"}
		}
		cc, nsn = d[:n], d[n:]
		if sc.zeroAt == sc.n-len(nsn) {
			nsn = nsn[1:] // "+44 (0)20 …"
		}
	}
	if cc == "81" {
		national := nsn
		if intl {
			// +81 (0)3…: the trunk 0 written in brackets, or by mistake.
			national = "0" + strings.TrimPrefix(nsn, "0")
		}
		if reason := p.japan(national); reason != "" {
			return Phone{}, &Error{Kind: KindPhone, Input: s, Reason: reason}
		}
		return p, nil
	}
	if !intl {
		// Drop the national trunk prefix: 0 in most countries (Italy keeps
		// it as part of the number), 1 in North America.
		switch {
		case cc == "1" && len(nsn) == 11 && nsn[0] == '1':
			nsn = nsn[1:]
		case cc != "39" && nsn[0] == '0':
			nsn = nsn[1:]
		}
	}
	switch total := len(cc) + len(nsn); {
	case total > 15:
		return Phone{}, &Error{Kind: KindPhone, Input: s, Reason: "more than 15 digits (the E.164 maximum)"}
	case total < 7 || len(nsn) < 4:
		return Phone{}, &Error{Kind: KindPhone, Input: s, Reason: "too few digits for a phone number"}
	case cc == "1" && len(nsn) != 10:
		return Phone{}, &Error{Kind: KindPhone, Input: s, Reason: "a North American number has 10 digits after +1"}
	}
	p.Country = cc
	p.National = nsn
	p.E164 = "+" + cc + nsn
	p.Key = p.E164
	return p, nil
}

// japan fills p from a Japanese national number with its trunk 0 and
// returns "" or the reason it cannot be valid.
func (p *Phone) japan(n string) string {
	if len(n) < 2 || n[0] != '0' {
		return "a Japanese number starts with 0 (or +81)"
	}
	want := 10
	switch {
	case strings.HasPrefix(n, "0800"):
		p.Type, want = PhoneTollFree, 11
	case hasAnyPrefix(n, "070", "080", "090", "060"):
		p.Type, want = PhoneMobile, 11
	case strings.HasPrefix(n, "050"):
		p.Type, want = PhoneIP, 11
	case strings.HasPrefix(n, "020"):
		p.Type, want = PhoneOther, 11
	case strings.HasPrefix(n, "0120"):
		p.Type = PhoneTollFree
	case strings.HasPrefix(n, "0570"):
		p.Type = PhoneNaviDial
	case strings.HasPrefix(n, "0990"):
		p.Type = PhonePremium
	case n[1] == '0':
		return "prefix " + n[:min(len(n), 4)] + " is not a subscriber number (carrier or international prefix)"
	default:
		p.Type = PhoneFixed
	}
	if len(n) != want {
		return "a Japanese " + p.Type.String() + " number with prefix " + n[:min(len(n), 4)] +
			" has " + strconv.Itoa(want) + " digits, got " + strconv.Itoa(len(n))
	}
	switch p.Type {
	case PhoneMobile, PhoneIP:
		if n[3] == '0' {
			return "prefix " + n[:4] + " is not in use"
		}
	case PhoneFixed:
		a, name, ok := landlineArea(n)
		if !ok {
			return "prefix " + n[:4] + " is not an allocated landline range"
		}
		if n[a] == '0' {
			return "the local exchange code after area code " + n[:a] + " cannot start with 0"
		}
		p.AreaName = name
	}
	p.Country = "81"
	p.National = n
	p.E164 = "+81" + n[1:]
	p.Key = p.E164
	return ""
}

// Format returns the number in its national form with hyphens, e.g.
// 03-1234-5678, 0123-45-6789, 090-1234-5678, 0120-123-456; the extension
// follows as " 内線 123". Numbers outside Japan are returned in E.164 form.
// The zero Phone formats as "".
func (p Phone) Format() string {
	n := p.National
	var out string
	switch {
	case p.Country != "81" || len(n) < 10:
		out = p.E164
	case p.Type == PhoneFixed:
		a, _, ok := landlineArea(n)
		if !ok {
			a = 2
		}
		out = n[:a] + "-" + n[a:6] + "-" + n[6:]
	case len(n) == 10: // 0120, 0570, 0990
		out = n[:4] + "-" + n[4:7] + "-" + n[7:]
	case strings.HasPrefix(n, "0800"):
		out = n[:4] + "-" + n[4:7] + "-" + n[7:]
	default: // 070/080/090/060/050/020
		out = n[:3] + "-" + n[3:7] + "-" + n[7:]
	}
	if p.Extension != "" && out != "" {
		out += " 内線 " + p.Extension
	}
	return out
}

// FormatInternational returns the number in international form with
// hyphens, as dialled from abroad: +81 3-1234-5678, +81 90-1234-5678; the
// extension follows as " ext. 123". Numbers outside Japan are returned in
// E.164 form. The zero Phone formats as "".
func (p Phone) FormatInternational() string {
	if p.Country != "81" || len(p.National) < 10 {
		if p.E164 != "" && p.Extension != "" {
			return p.E164 + " ext. " + p.Extension
		}
		return p.E164
	}
	q := p
	q.Extension = ""
	out := "+81 " + q.Format()[1:]
	if p.Extension != "" {
		out += " ext. " + p.Extension
	}
	return out
}

// phoneScan collects the digits of a phone number and of its extension.
type phoneScan struct {
	main  [24]byte
	ext   [12]byte
	n     int
	nExt  int
	plus  bool
	inExt bool
	// zeroAt is the count of digits before a "(0)" group, or -1: the
	// bracketed trunk 0 of "+44 (0)20 …".
	zeroAt int
	openAt int
}

// Labels skipped anywhere in a phone number, and extension markers, matched
// after folding full-width letters and ASCII case.
var (
	phoneLabels = [...]string{
		"電話番号", "電話", "代表", "代", "携帯", "直通", "固定", "自宅", "番号", "tel", "phone", "fax",
		"mobile", "cell", "℡", "☎", "☏", "📞",
	}
	extMarkers = [...]string{"内線", "extension", "ext", "内", "x", "#"}
)

// scan reads s; it returns "" or why s is not a phone number.
func (sc *phoneScan) scan(s string) string {
	sc.zeroAt, sc.openAt = -1, -1
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= '０' && r <= '９' {
			r = r - '０' + '0'
		}
		switch {
		case r >= '0' && r <= '9':
			if sc.inExt {
				if sc.nExt == len(sc.ext) {
					return "extension too long"
				}
				sc.ext[sc.nExt] = byte(r)
				sc.nExt++
			} else {
				if sc.n == len(sc.main) {
					return "too many digits"
				}
				sc.main[sc.n] = byte(r)
				sc.n++
			}
			i += size
			continue
		case r == '+' || r == '＋':
			if sc.n > 0 || sc.plus || sc.inExt {
				return "\"+\" in the middle of the number"
			}
			sc.plus = true
			i += size
			continue
		case isPhoneSeparator(r):
			switch r {
			case '(', '（':
				sc.openAt = sc.n
			case ')', '）':
				if !sc.inExt && sc.openAt >= 0 && sc.n == sc.openAt+1 && sc.main[sc.openAt] == '0' {
					sc.zeroAt = sc.openAt
				}
				sc.openAt = -1
			}
			i += size
			continue
		case r == utf8.RuneError && size == 1:
			return "invalid UTF-8"
		}
		if n := matchFolded(s[i:], extMarkers[:]); n > 0 {
			if sc.inExt || sc.n == 0 {
				return "extension marker " + quoteInput(s[i:i+n]) + " not after a number"
			}
			sc.inExt = true
			i += n
			continue
		}
		if n := matchFolded(s[i:], phoneLabels[:]); n > 0 {
			i += n
			continue
		}
		return "unexpected character " + quoteInput(string(r))
	}
	if sc.inExt && sc.nExt == 0 {
		return "extension marker without digits"
	}
	return ""
}

func isPhoneSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '\u3000', '\u00a0', '-', '‐', '‑', '‒', '–', '—', '―', '−', '－', 'ー', 'ｰ', '﹣', '⁃',
		'(', ')', '（', '）', '[', ']', '［', '］', '【', '】', '.', '．', '/', '／', ':', '：', '・', '･', ',', '，', '、':
		return true
	}
	return false
}

// matchFolded returns the byte length of the first of words that s starts
// with, comparing full-width ASCII letters as ASCII and ignoring ASCII case;
// 0 if none.
func matchFolded(s string, words []string) int {
	for _, w := range words {
		i := 0
		ok := true
		for _, wr := range w {
			if i >= len(s) {
				ok = false
				break
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ' {
				r = r - 'Ａ' + 'A'
			}
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			if r != wr {
				ok = false
				break
			}
			i += size
		}
		if ok {
			return i
		}
	}
	return 0
}

// callingCodeLen returns the length of the country calling code that d
// starts with, or 0 if d does not start with an assigned one. Calling codes
// are prefix-free: 1 and 7 are one digit, a fixed set two, the rest three.
func callingCodeLen(d string) int {
	if len(d) == 0 {
		return 0
	}
	if d[0] == '1' || d[0] == '7' {
		return 1
	}
	if len(d) < 2 {
		return 0
	}
	if strings.Contains(twoDigitCodes, d[:2]+",") {
		return 2
	}
	if len(d) < 3 {
		return 0
	}
	if i := strings.Index(threeDigitCodes, d[:2]+":"); i >= 0 {
		// threeDigitCodes holds "zone:digits," groups, e.g. "21:12368,".
		grp := threeDigitCodes[i+3:]
		grp = grp[:strings.IndexByte(grp, ',')]
		if strings.IndexByte(grp, d[2]) >= 0 {
			return 3
		}
	}
	return 0
}

const (
	twoDigitCodes = "20,27,30,31,32,33,34,36,39,40,41,43,44,45,46,47,48,49,51,52,53,54,55,56,57,58," +
		"60,61,62,63,64,65,66,81,82,84,86,90,91,92,93,94,95,98,"
	// Assigned three-digit codes by their first two digits.
	threeDigitCodes = "21:12368,22:0123456789,23:0123456789,24:0123456789,25:012345678,26:0123456789," +
		"29:01789,35:0123456789,37:0123456789,38:01235679,42:013,50:0123456789,59:0123456789," +
		"67:023456789,68:0123456789,69:012,80:08,85:02356,87:08,88:012368,96:012345678," +
		"97:01234567,99:234568,"
)

func phoneDigitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// quoteInput quotes s for an error message, cut to 20 runes.
func quoteInput(s string) string {
	if utf8.RuneCountInString(s) > 20 {
		r := []rune(s)
		s = string(r[:20]) + "…"
	}
	return "\"" + s + "\""
}
