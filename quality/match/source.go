package match

import (
	"strings"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/normalize"
)

// SourceFields returns the fields SourceRecords fills, in Record.Values
// order: family and given name, their readings (family and given kana), the
// Latin form of the name, e-mail, phone, birth date, the postal code taken
// from the postal address (PostalCodeOf), the postal address, company (legal
// name) and corporate number. Give them to New (Config.Fields) to match
// customer source records; a field a data set never fills costs nothing.
//
// The postal code is a field of its own, as it is in the exports `c360
// dedupe` reads, because blocking uses it (postal code and name), and the
// two readings are two fields, so that a reading given for one name part
// only still compares. A name shared by many people is looked up within its
// birth year, or else its postal district (first digit): two records that
// share only a name meet when both lack both, or agree on the first that
// either has — a record with a postal code and no birth date does not meet,
// by name alone, one with neither.
func SourceFields() []Field {
	return []Field{
		{Name: "family_name", Kind: KindFamilyName},
		{Name: "given_name", Kind: KindGivenName},
		{Name: "family_kana", Kind: KindNameKana},
		{Name: "given_kana", Kind: KindNameKana},
		{Name: "name_latin", Kind: KindPersonName},
		{Name: "email", Kind: KindEmail},
		{Name: "phone", Kind: KindPhone},
		{Name: "birth_date", Kind: KindBirthDate},
		{Name: "postal_code", Kind: KindPostalCode},
		{Name: "address", Kind: KindAddress},
		{Name: "company", Kind: KindCompany},
		{Name: "corporate_number", Kind: KindCorporateNumber},
	}
}

// SourceRecords turns customer source records into matcher records with the
// fields of SourceFields. The record ID is "system/record_id" (the record's
// customer.RecordKey). Of multi-valued contact points, the primary one (or
// else the first) is compared; the postal code is the one PostalCodeOf finds
// in that postal address.
func SourceRecords(records []customer.SourceRecord) []Record {
	out := make([]Record, len(records))
	for i := range records {
		r := &records[i]
		addr := primaryValue(r.Addresses())
		out[i] = Record{ID: r.Key().String(), Values: []string{
			r.Name.Family, r.Name.Given, r.Name.FamilyKana, r.Name.GivenKana, r.Name.Latin,
			primaryValue(r.Emails()), primaryValue(r.Phones()), r.BirthDate.String(),
			PostalCodeOf(addr), addr, r.LegalName, r.CorporateNumber,
		}}
	}
	return out
}

// PostalCodeOf finds the postal code in a postal address written on one
// line, or returns "":
//
//   - a Japanese address: the postal code (〒100-0005, 1000005, in any
//     width) at its start or as a word of its own anywhere in it, in the
//     canonical notation NNN-NNNN;
//   - a Latin-script address: the last word (before a country name), if it
//     is a postcode: 3 to 10 letters, digits and hyphens with at least three
//     digits, and not the address's only word (2617, 20500, 1015CJ). A
//     postcode written in two words (London NW1 6XE) is not found.
func PostalCodeOf(addr string) string {
	a := strings.TrimSpace(normalize.Text(addr))
	if a == "" {
		return ""
	}
	words := strings.Fields(strings.ReplaceAll(a, ",", " "))
	if !normalize.IsLatinScript(a) {
		rest := strings.TrimLeft(a, "〒 ")
		n := 0
		for n < len(rest) && (rest[n] >= '0' && rest[n] <= '9' || rest[n] == '-') {
			n++
		}
		if pc, err := normalize.ParsePostalCode(rest[:n]); err == nil {
			return pc.Code
		}
		for _, w := range words {
			if pc, err := normalize.ParsePostalCode(w); err == nil {
				return pc.Code
			}
		}
		return ""
	}
	if len(words) > 1 {
		switch strings.ToLower(words[len(words)-1]) {
		case "japan", "australia", "usa", "us", "uk", "canada", "germany", "france", "netherlands":
			words = words[:len(words)-1]
		}
	}
	if len(words) < 2 || !latinPostcode(words[len(words)-1]) {
		return ""
	}
	return words[len(words)-1]
}

// latinPostcode reports whether w looks like a postcode: 3 to 10 letters,
// digits and hyphens, at least three of them digits.
func latinPostcode(w string) bool {
	if len(w) < 3 || len(w) > 10 {
		return false
	}
	digits := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-':
		default:
			return false
		}
	}
	return digits >= 3
}

func primaryValue(cps []customer.ContactPoint) string {
	for _, c := range cps {
		if c.Primary {
			return c.Value
		}
	}
	if len(cps) > 0 {
		return cps[0].Value
	}
	return ""
}
