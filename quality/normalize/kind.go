package normalize

import "strconv"

// Kind names what a string is, so that generic code (the matcher, the
// c360 normalize command) can pick its normaliser with Key.
type Kind int

// The kinds of values this package normalises. The zero Kind is KindText.
const (
	KindText            Kind = iota // free text: Text / TextKey
	KindKana                        // a kana reading: KanaKey
	KindPersonName                  // a person's name: ParsePersonName
	KindNameKana                    // a person's name written in kana: ParsePersonName on the reading
	KindCompany                     // a company name: ParseCompany
	KindPhone                       // a phone number: ParsePhone
	KindEmail                       // an e-mail address: ParseEmail
	KindPostalCode                  // a Japanese postal code: ParsePostalCode
	KindAddress                     // a Japanese address: ParseAddress
	KindCorporateNumber             // a Japanese corporate number (法人番号): CorporateNumber
	KindDate                        // a calendar date: ParseDate (YearFirst), as 2006-01-02
)

var kindNames = [...]string{
	KindText:            "text",
	KindKana:            "kana",
	KindPersonName:      "person_name",
	KindNameKana:        "name_kana",
	KindCompany:         "company",
	KindPhone:           "phone",
	KindEmail:           "email",
	KindPostalCode:      "postal_code",
	KindAddress:         "address",
	KindCorporateNumber: "corporate_number",
	KindDate:            "date",
}

// String returns the name ParseKind accepts ("text", "person_name", …), or
// "Kind(n)" for an unknown value.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText returns the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText parses a kind's name like ParseKind.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Kinds returns every kind in declaration order.
func Kinds() []Kind {
	ks := make([]Kind, len(kindNames))
	for i := range ks {
		ks[i] = Kind(i)
	}
	return ks
}

// ParseKind returns the kind named s: one of "text", "kana", "person_name",
// "name_kana", "company", "phone", "email", "postal_code", "address",
// "corporate_number", "date". Case
// and surrounding spaces are ignored, and "-" may stand for "_". An unknown
// name gives an error wrapping ErrInvalid.
func ParseKind(s string) (Kind, error) {
	key := TextKey(s)
	for i, n := range kindNames {
		if key == n || key == dashName(n) {
			return Kind(i), nil
		}
	}
	return 0, &Error{Kind: KindText, Input: s, Reason: "unknown kind (want one of text, kana, person_name, name_kana, company, phone, email, postal_code, address, corporate_number, date)"}
}

func dashName(n string) string {
	b := []byte(n)
	for i, c := range b {
		if c == '_' {
			b[i] = '-'
		}
	}
	return string(b)
}

// Key returns the comparison key of s read as kind k:
//
//	KindText            TextKey(s) (never fails)
//	KindKana            KanaKey(s, 0)
//	KindPersonName      ParsePersonName(s).Key
//	KindNameKana        ParsePersonName(s).Key; s must be written in kana
//	KindCompany         ParseCompany(s).Key
//	KindPhone           ParsePhone(s).E164
//	KindEmail           ParseEmail(s).Key
//	KindPostalCode      ParsePostalCode(s).Key (seven digits)
//	KindAddress         ParseAddress(s).Key
//	KindCorporateNumber CorporateNumber(s)
//	KindDate            ParseDate(s, YearFirst) as 2006-01-02
//
// Keys are idempotent: Key(k, key) == key. An error wraps ErrInvalid.
func Key(k Kind, s string) (string, error) {
	switch k {
	case KindText:
		return TextKey(s), nil
	case KindKana:
		return KanaKey(s, 0)
	case KindPersonName:
		p, err := ParsePersonName(s)
		return p.Key, err
	case KindNameKana:
		p, err := ParseNameKana(s)
		return p.Key, err
	case KindCompany:
		c, err := ParseCompany(s)
		return c.Key, err
	case KindPhone:
		p, err := ParsePhone(s)
		return p.E164, err
	case KindEmail:
		e, err := ParseEmail(s)
		return e.Key, err
	case KindPostalCode:
		p, err := ParsePostalCode(s)
		return p.Key, err
	case KindAddress:
		a, err := ParseAddress(s)
		return a.Key, err
	case KindCorporateNumber:
		return CorporateNumber(s)
	case KindDate:
		y, m, d, err := ParseDate(s, YearFirst)
		if err != nil {
			return "", err
		}
		return isoDate([3]int{y, m, d}), nil
	}
	return "", &Error{Kind: k, Input: s, Reason: "unknown kind"}
}
