package quality

import (
	"strings"
	"time"

	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/quality/normalize"
)

// InferKinds guesses the kind of each column for quality rules from its
// header name and the sample's values (rows of the same width as header):
// match.InferKinds, refined for what quality checks — a date column named
// like a birth date is match.KindBirthDate and one named like an update time
// match.KindTimestamp; a region is a match.KindPrefecture, an equality-only
// column a match.KindCategory, a street line an address and a locality
// text. match.InferKinds ignores a column that is empty in the whole sample
// (it cannot help matching), but for quality an empty e-mail or phone column
// is the finding: such a column (and every column of a header-only sample)
// takes the kind its header name says, if any.
func InferKinds(header []string, sample [][]string) []match.Kind {
	kinds := match.InferKinds(header, sample)
	filled := make([]bool, len(header))
	for _, row := range sample {
		for c, v := range row {
			if c < len(filled) && strings.TrimSpace(v) != "" {
				filled[c] = true
			}
		}
	}
	// A neutral value lets a named column keep its header's kind; an
	// unnamed one comes out as text and stays ignored.
	neutral := make([]string, len(header))
	for i := range neutral {
		neutral[i] = "?"
	}
	byName := match.InferKinds(header, [][]string{neutral})
	for c := range kinds {
		if !filled[c] && kinds[c] == match.KindIgnore && byName[c] != match.KindText {
			kinds[c] = byName[c]
		}
		kinds[c] = refineKind(kinds[c], header[c])
	}
	return kinds
}

// refineKind turns a kind as the matcher infers it into the one quality
// rules want; header disambiguates dates.
func refineKind(k match.Kind, header string) match.Kind {
	if k != match.KindDate {
		return ruleKind(k)
	}
	h := strings.ToLower(header)
	switch {
	case strings.Contains(h, "birth") || strings.Contains(h, "dob") || strings.Contains(h, "生年月日") || strings.Contains(h, "誕生"):
		return match.KindBirthDate
	case strings.Contains(h, "updated") || strings.Contains(h, "created") || strings.Contains(h, "_at") || strings.Contains(h, "日時"):
		return match.KindTimestamp
	}
	return k
}

// ruleKind returns the kind whose default rules a field of kind k gets:
// kinds the matcher distinguishes and quality does not (a street line, a
// region, an equality-only code) share the rules of the kind they resemble.
func ruleKind(k match.Kind) match.Kind {
	switch k {
	case match.KindStreet:
		return match.KindAddress
	case match.KindLocality:
		return match.KindText
	case match.KindRegion:
		return match.KindPrefecture
	case match.KindExact:
		return match.KindCategory
	}
	return k
}

// Field declares one field of the records to assess.
type Field struct {
	Name string
	Kind match.Kind // the one vocabulary of package quality/match
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
	byKind := map[match.Kind][]string{}
	for _, f := range fields {
		kind := ruleKind(f.Kind)
		if kind == match.KindIgnore {
			continue
		}
		byKind[kind] = append(byKind[kind], f.Name)
		if !f.Optional {
			rules = append(rules, Required(f.Name))
		}
		var v Validator
		switch kind {
		case match.KindEmail:
			v = ValidEmail()
		case match.KindPhone:
			v = ValidPhone()
		case match.KindPostalCode:
			v = ValidPostalCode(true)
		case match.KindPrefecture:
			v = ValidPrefecture()
		case match.KindNameKana:
			v = ValidKatakana()
		case match.KindCorporateNumber:
			v = ValidCorporateNumber()
		case match.KindDate:
			v = ValidDate()
		case match.KindBirthDate:
			v = ValidBirthDate(0)
		case match.KindTimestamp:
			v = ValidTime()
		case match.KindNumber:
			v = ValidNumber(-1e300, 1e300)
		case match.KindAddress:
			v = ValidAddress()
		case match.KindCompany:
			v = ValidCompany()
		}
		if v != nil {
			rules = append(rules, Validate(f.Name, v))
		}
		switch kind {
		case match.KindEmail:
			rules = append(rules, Unique(f.Name, NormalizeKey(normalize.KindEmail)))
		case match.KindCorporateNumber:
			rules = append(rules, Unique(f.Name, NormalizeKey(normalize.KindCorporateNumber)))
		case match.KindID:
			rules = append(rules, Unique(f.Name, nil))
		}
		if kind == match.KindTimestamp && f.MaxAge > 0 {
			rules = append(rules, Fresh(f.Name, f.Name, f.MaxAge, false))
		}
	}
	if pcs := byKind[match.KindPostalCode]; len(pcs) > 0 {
		for _, p := range byKind[match.KindPrefecture] {
			rules = append(rules, PostalPrefecture(pcs[0], p))
		}
		for _, a := range byKind[match.KindAddress] {
			rules = append(rules, PostalAddress(pcs[0], a))
		}
	}
	var names []string
	for _, f := range fields {
		if f.Kind == match.KindFamilyName || f.Kind == match.KindGivenName || f.Kind == match.KindPersonName {
			names = append(names, f.Name)
		}
	}
	for i, r := range byKind[match.KindNameKana] {
		if i < len(names) {
			rules = append(rules, ReadingPresent(names[i], r))
		}
	}
	for _, b := range byKind[match.KindBirthDate] {
		for _, t := range byKind[match.KindTimestamp] {
			rules = append(rules, DateOrder(b, t))
		}
	}
	return rules
}
