package quality

import (
	"fmt"
	"strings"
	"time"

	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/quality/normalize"
)

// Kind is what a field holds; it decides the default rules of the field.
type Kind int

// The field kinds. Their String forms are the names ParseKind and the
// c360 quality command accept.
const (
	KindIgnore          Kind = iota // "ignore": not assessed
	KindText                        // "text": completeness only
	KindID                          // "id": completeness and exact uniqueness
	KindPersonName                  // "person_name": a whole name
	KindFamilyName                  // "family_name"
	KindGivenName                   // "given_name"
	KindNameKana                    // "name_kana": a reading (フリガナ), katakana only
	KindCompany                     // "company"
	KindEmail                       // "email": syntax; unique after normalisation
	KindPhone                       // "phone": Japanese numbering plan or E.164
	KindPostalCode                  // "postal_code": 7 digits that exist in Japan Post's table
	KindPrefecture                  // "prefecture": one of the 47
	KindAddress                     // "address": a placeable Japanese address
	KindCorporateNumber             // "corporate_number": 法人番号 with check digit; unique
	KindDate                        // "date": Gregorian or Japanese era
	KindBirthDate                   // "birth_date": a plausible date of birth
	KindTimestamp                   // "timestamp": a time, not in the future
	KindNumber                      // "number"
	KindCategory                    // "category": a code or category, completeness only
	numKinds
)

var kindNames = [...]string{"ignore", "text", "id", "person_name", "family_name", "given_name", "name_kana",
	"company", "email", "phone", "postal_code", "prefecture", "address", "corporate_number", "date",
	"birth_date", "timestamp", "number", "category"}

// String returns the kind's name.
func (k Kind) String() string {
	if k >= 0 && k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// MarshalText encodes k as its name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a kind name as ParseKind does.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err == nil {
		*k = v
	}
	return err
}

// ParseKind returns the kind named s: one of this package's names, or a
// quality/match kind name (mapped by KindFromMatch: "region" is a
// prefecture, "exact" a category, …). Case, spaces and "-" for "_" are
// forgiven; an unknown name is an error wrapping ErrConfig.
func ParseKind(s string) (Kind, error) {
	t := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	for i, n := range kindNames {
		if n == t {
			return Kind(i), nil
		}
	}
	if mk, err := match.ParseKind(t); err == nil {
		return KindFromMatch(mk, ""), nil
	}
	return 0, fmt.Errorf("%w: unknown kind %q (want one of %s)", ErrConfig, s, strings.Join(kindNames[:], ", "))
}

// KindFromMatch maps a quality/match kind (as match.InferKinds guesses it)
// to a quality kind; header disambiguates dates (a column named like a
// birth date is KindBirthDate, like an update time KindTimestamp).
func KindFromMatch(k match.Kind, header string) Kind {
	switch k {
	case match.KindGivenName:
		return KindGivenName
	case match.KindFamilyName:
		return KindFamilyName
	case match.KindPersonName:
		return KindPersonName
	case match.KindNameKana:
		return KindNameKana
	case match.KindCompany:
		return KindCompany
	case match.KindEmail:
		return KindEmail
	case match.KindPhone:
		return KindPhone
	case match.KindPostalCode:
		return KindPostalCode
	case match.KindAddress, match.KindStreet:
		return KindAddress
	case match.KindLocality, match.KindText:
		return KindText
	case match.KindRegion:
		return KindPrefecture
	case match.KindDate:
		h := strings.ToLower(header)
		switch {
		case strings.Contains(h, "birth") || strings.Contains(h, "dob") || strings.Contains(h, "生年月日") || strings.Contains(h, "誕生"):
			return KindBirthDate
		case strings.Contains(h, "updated") || strings.Contains(h, "created") || strings.Contains(h, "_at") || strings.Contains(h, "日時"):
			return KindTimestamp
		}
		return KindDate
	case match.KindID:
		return KindID
	case match.KindNumber:
		return KindNumber
	case match.KindExact:
		return KindCategory
	}
	return KindIgnore
}

// Field declares one field of the records to assess.
type Field struct {
	Name string
	Kind Kind
	// Weight is the field's weight in the record score; 0 means 1.
	Weight float64
	// Optional drops the completeness rule of the field.
	Optional bool
	// MaxAge, for a KindTimestamp field, is how old its time may be before
	// the record is stale ("stale:<field>"); 0 means no timeliness rule.
	MaxAge time.Duration
}

// DefaultRules returns the built-in rules for fields:
//
//   - completeness: Required for every field not Optional (KindIgnore
//     fields get nothing);
//   - validity: by kind — e-mail syntax, phone numbering plan, postal code
//     format and existence, prefecture, katakana readings, corporate-number
//     check digit, dates (eras included), plausible birth dates, time
//     stamps, numbers, placeable addresses, company names;
//   - uniqueness: normalised keys of e-mail, corporate-number and ID fields;
//   - consistency: postal code ↔ prefecture and ↔ address (jppostal); each
//     name field with kanji ⇒ its reading (name and reading fields are
//     paired in order: the first name field with the first reading field);
//     a birth date before every timestamp field;
//   - timeliness: Fresh on each timestamp field with a MaxAge.
//
// Accuracy needs outside signals: add Accurate rules for them.
func DefaultRules(fields []Field) []Rule {
	var rules []Rule
	byKind := map[Kind][]string{}
	for _, f := range fields {
		if f.Kind == KindIgnore {
			continue
		}
		byKind[f.Kind] = append(byKind[f.Kind], f.Name)
		if !f.Optional {
			rules = append(rules, Required(f.Name))
		}
		var v Validator
		switch f.Kind {
		case KindEmail:
			v = ValidEmail()
		case KindPhone:
			v = ValidPhone()
		case KindPostalCode:
			v = ValidPostalCode(true)
		case KindPrefecture:
			v = ValidPrefecture()
		case KindNameKana:
			v = ValidKatakana()
		case KindCorporateNumber:
			v = ValidCorporateNumber()
		case KindDate:
			v = ValidDate()
		case KindBirthDate:
			v = ValidBirthDate(0)
		case KindTimestamp:
			v = ValidTime()
		case KindNumber:
			v = ValidNumber(-1e300, 1e300)
		case KindAddress:
			v = ValidAddress()
		case KindCompany:
			v = ValidCompany()
		}
		if v != nil {
			rules = append(rules, Validate(f.Name, v))
		}
		switch f.Kind {
		case KindEmail:
			rules = append(rules, Unique(f.Name, NormalizeKey(normalize.KindEmail)))
		case KindCorporateNumber:
			rules = append(rules, Unique(f.Name, NormalizeKey(normalize.KindCorporateNumber)))
		case KindID:
			rules = append(rules, Unique(f.Name, nil))
		}
		if f.Kind == KindTimestamp && f.MaxAge > 0 {
			rules = append(rules, Fresh(f.Name, f.Name, f.MaxAge, false))
		}
	}
	if pcs := byKind[KindPostalCode]; len(pcs) > 0 {
		for _, p := range byKind[KindPrefecture] {
			rules = append(rules, PostalPrefecture(pcs[0], p))
		}
		for _, a := range byKind[KindAddress] {
			rules = append(rules, PostalAddress(pcs[0], a))
		}
	}
	var names []string
	for _, f := range fields {
		if f.Kind == KindFamilyName || f.Kind == KindGivenName || f.Kind == KindPersonName {
			names = append(names, f.Name)
		}
	}
	for i, r := range byKind[KindNameKana] {
		if i < len(names) {
			rules = append(rules, ReadingPresent(names[i], r))
		}
	}
	for _, b := range byKind[KindBirthDate] {
		for _, t := range byKind[KindTimestamp] {
			rules = append(rules, DateOrder(b, t))
		}
	}
	return rules
}

// MatchKind returns the quality/match kind of a field kind, for building a
// MatchFinder over the same fields (match.KindIgnore when the kind takes no
// part in matching).
func MatchKind(k Kind) match.Kind {
	switch k {
	case KindPersonName:
		return match.KindPersonName
	case KindFamilyName:
		return match.KindFamilyName
	case KindGivenName:
		return match.KindGivenName
	case KindNameKana:
		return match.KindNameKana
	case KindCompany:
		return match.KindCompany
	case KindEmail:
		return match.KindEmail
	case KindPhone:
		return match.KindPhone
	case KindPostalCode:
		return match.KindPostalCode
	case KindPrefecture:
		return match.KindRegion
	case KindAddress:
		return match.KindAddress
	case KindCorporateNumber:
		return match.KindID
	case KindDate, KindBirthDate:
		return match.KindDate
	}
	return match.KindIgnore
}
