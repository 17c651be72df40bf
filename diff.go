package c360

import (
	"maps"
	"slices"
	"strings"

	"github.com/c360/c360/customer"
)

// diffProfiles lists the surviving fields that differ between two versions
// of a profile (before nil: every field of after is new), in field order.
func diffProfiles(before, after *customer.Profile) []FieldChange {
	a, b := flatten(before), flatten(after)
	keys := slices.Sorted(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []FieldChange
	for _, k := range keys {
		if a[k] != b[k] {
			out = append(out, FieldChange{Field: k, Old: a[k], New: b[k]})
		}
	}
	return out
}

// flatten maps a profile's surviving facts to readable field values.
func flatten(p *customer.Profile) map[string]string {
	m := map[string]string{}
	if p == nil {
		return m
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("kind", p.Kind.String())
	set("name", p.Name.Full())
	set("name.family_kana", p.Name.FamilyKana)
	set("name.given_kana", p.Name.GivenKana)
	set("name.latin", p.Name.Latin)
	if p.BirthDate != (customer.Date{}) {
		set("birth_date", p.BirthDate.String())
	}
	set("legal_name", p.LegalName)
	set("corporate_number", p.CorporateNumber)
	cps := map[string][]string{}
	for _, c := range p.ContactPoints {
		t := c.Type.String()
		cps[t] = append(cps[t], c.Value)
	}
	for t, vs := range cps {
		slices.Sort(vs)
		set("contact_points."+t, strings.Join(vs, ", "))
	}
	var ids []string
	for _, id := range p.Identifiers {
		if !strings.HasPrefix(id.Scheme, customer.SourceScheme) {
			ids = append(ids, id.Scheme+":"+id.Value)
		}
	}
	slices.Sort(ids)
	set("identifiers", strings.Join(ids, ", "))
	for k, v := range p.Attributes {
		set("attributes."+k, v.String())
	}
	var srcs []string
	for _, s := range p.Sources {
		srcs = append(srcs, s.Key().String())
	}
	set("sources", strings.Join(srcs, ", "))
	return m
}
