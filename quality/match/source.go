package match

import (
	"github.com/c360/c360/customer"
)

// SourceFields returns the fields SourceRecords fills, in Record.Values
// order: family and given name, the reading (family + given kana), the
// Latin form of the name, e-mail, phone, birth date, postal address,
// company (legal name) and corporate number. Give them to New
// (Config.Fields) to match customer source records; a field a data set
// never fills costs nothing.
func SourceFields() []Field {
	return []Field{
		{Name: "family_name", Kind: KindFamilyName},
		{Name: "given_name", Kind: KindGivenName},
		{Name: "name_kana", Kind: KindNameKana},
		{Name: "name_latin", Kind: KindPersonName},
		{Name: "email", Kind: KindEmail},
		{Name: "phone", Kind: KindPhone},
		{Name: "birth_date", Kind: KindBirthDate},
		{Name: "address", Kind: KindAddress},
		{Name: "company", Kind: KindCompany},
		{Name: "corporate_number", Kind: KindCorporateNumber},
	}
}

// SourceRecords turns customer source records into matcher records with the
// fields of SourceFields. The record ID is "system/record_id" (the record's
// customer.RecordKey). Of multi-valued contact points, the primary one (or
// else the first) is compared.
func SourceRecords(records []customer.SourceRecord) []Record {
	out := make([]Record, len(records))
	for i := range records {
		r := &records[i]
		out[i] = Record{ID: r.Key().String(), Values: []string{
			r.Name.Family, r.Name.Given, r.Name.FamilyKana + r.Name.GivenKana, r.Name.Latin,
			primaryValue(r.Emails()), primaryValue(r.Phones()), r.BirthDate.String(),
			primaryValue(r.Addresses()), r.LegalName, r.CorporateNumber,
		}}
	}
	return out
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
