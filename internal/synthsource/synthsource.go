// Package synthsource turns the synthetic records of quality/match/synth
// into customer source records, so that tests, benchmarks and examples of
// the engine can feed it data whose truth is known.
package synthsource

import (
	"context"
	"strings"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality"
	"github.com/c360/c360/quality/match/synth"
)

// Record converts one synthetic record (either locale) into a person's
// source record. Birth dates are read as quality.ParseDate reads them
// (Japanese eras, kanji numerals, 2024/4/1 …); values the customer model
// cannot hold as they are (a birth date that does not parse) are kept as
// attributes, as a source system's free text would be.
func Record(r synth.Record) customer.SourceRecord {
	get := r.Get
	s := customer.SourceRecord{System: "synth", RecordID: r.ID}
	s.Kind = customer.KindPerson
	if sys := get("source_system"); sys != "" {
		s.System = sys
	}
	if get("surname") != "" || get("family_name") == "" {
		// English locale.
		s.Name = customer.PersonName{Family: get("surname"), Given: get("given_name")}
		s.Name.Latin = strings.TrimSpace(get("given_name") + " " + get("surname"))
		s.Name.Family, s.Name.Given = "", ""
		addr := strings.Join(nonEmpty(get("street_number"), get("address_1"), get("address_2"), get("suburb"), get("state"), get("postcode")), " ")
		addContact(&s, customer.ContactPostal, addr)
		setDate(&s, get("date_of_birth"))
	} else {
		s.Name = customer.PersonName{Family: get("family_name"), Given: get("given_name"), FamilyKana: get("family_kana"), GivenKana: get("given_kana")}
		addr := strings.Join(nonEmpty(get("postal_code"), get("prefecture")+get("address")), " ")
		addContact(&s, customer.ContactPostal, addr)
		setDate(&s, get("birth_date"))
		if c := get("company"); c != "" {
			s.Attributes = map[string]customer.Value{"company": customer.StringValue(c)}
		}
	}
	addContact(&s, customer.ContactEmail, get("email"))
	addContact(&s, customer.ContactPhone, get("phone"))
	return s
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func addContact(s *customer.SourceRecord, t customer.ContactType, v string) {
	if v = strings.TrimSpace(v); v != "" {
		s.ContactPoints = append(s.ContactPoints, customer.ContactPoint{Type: t, Value: v, Primary: true})
	}
}

func setDate(s *customer.SourceRecord, v string) {
	if v = strings.TrimSpace(v); v == "" {
		return
	}
	if d, err := quality.ParseDate(v); err == nil {
		s.BirthDate = d
		return
	}
	if s.Attributes == nil {
		s.Attributes = map[string]customer.Value{}
	}
	s.Attributes["birth_date_raw"] = customer.StringValue(v)
}

// Generate returns n synthetic source records of the given locale and seed,
// with each record's true entity.
func Generate(ctx context.Context, n int, seed uint64, locale synth.Locale) ([]customer.SourceRecord, []string, error) {
	var recs []customer.SourceRecord
	var truth []string
	err := synth.Generate(ctx, synth.Config{N: n, Seed: seed, Locale: locale}, func(r synth.Record) error {
		recs = append(recs, Record(r))
		truth = append(truth, r.EntityID)
		return nil
	})
	return recs, truth, err
}
