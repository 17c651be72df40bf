package segment

import (
	"strings"
	"time"

	"github.com/c360/c360/customer"
)

// ProfileAttrs presents a customer profile to segment expressions. Paths:
//
//	id, kind, display_name, created_at, updated_at, restricted
//	name.family, name.given, name.family_kana, name.given_kana, name.latin
//	birth_date (a time), age (whole years at Now)
//	email, phone (the primary or first one), emails, phones (lists)
//	consent.CHANNEL.PURPOSE   "opt_in", "opt_out" or "unknown" at Now, e.g. consent.email.marketing
//	stage                      the lifecycle stage given in Stage
//	legal_name, corporate_number, firmographics.employee_count,
//	firmographics.annual_revenue, firmographics.industry,
//	firmographics.sub_industry, firmographics.technologies
//	attributes.NAME, or NAME alone when it names no field above
//
// A path that names nothing is Missing.
type ProfileAttrs struct {
	P     *customer.Profile
	Stage string    // lifecycle stage, from package journey; "" is missing
	Now   time.Time // the time consent and age are evaluated at
}

// Attr implements Attributes.
func (a ProfileAttrs) Attr(path string) Value {
	p := a.P
	if p == nil {
		return Missing
	}
	switch path {
	case "id":
		return StringValue(string(p.ID))
	case "kind":
		return StringValue(p.Kind.String())
	case "display_name":
		return StringValue(p.DisplayName())
	case "created_at":
		return TimeValue(p.CreatedAt)
	case "updated_at":
		return TimeValue(p.UpdatedAt)
	case "restricted":
		return BoolValue(p.Restriction != nil)
	case "stage":
		return StringValue(a.Stage)
	case "name.family":
		return StringValue(p.Name.Family)
	case "name.given":
		return StringValue(p.Name.Given)
	case "name.family_kana":
		return StringValue(p.Name.FamilyKana)
	case "name.given_kana":
		return StringValue(p.Name.GivenKana)
	case "name.latin":
		return StringValue(p.Name.Latin)
	case "birth_date":
		if p.BirthDate.IsZero() {
			return Missing
		}
		return TimeValue(time.Date(p.BirthDate.Year, p.BirthDate.Month, p.BirthDate.Day, 0, 0, 0, 0, time.UTC))
	case "age":
		if age := p.BirthDate.Age(a.Now); age >= 0 {
			return NumberValue(float64(age))
		}
		return Missing
	case "email":
		return primary(p.Emails())
	case "phone":
		return primary(p.Phones())
	case "emails":
		return values(p.Emails())
	case "phones":
		return values(p.Phones())
	case "legal_name":
		return StringValue(p.LegalName)
	case "corporate_number":
		return StringValue(p.CorporateNumber)
	case "firmographics.employee_count":
		if p.Firmographics.EmployeeCount == 0 {
			return Missing
		}
		return NumberValue(float64(p.Firmographics.EmployeeCount))
	case "firmographics.annual_revenue":
		if p.Firmographics.AnnualRevenue == 0 {
			return Missing
		}
		return NumberValue(float64(p.Firmographics.AnnualRevenue))
	case "firmographics.industry":
		return StringValue(p.Firmographics.Industry)
	case "firmographics.sub_industry":
		return StringValue(p.Firmographics.SubIndustry)
	case "firmographics.technologies":
		return ListValue(p.Firmographics.Technologies)
	}
	if rest, ok := strings.CutPrefix(path, "consent."); ok {
		ch, pur, ok := strings.Cut(rest, ".")
		if !ok || !customer.Channel(ch).Valid() || !customer.Purpose(pur).Valid() {
			return Missing
		}
		return StringValue(p.Consent.Status(customer.Channel(ch), customer.Purpose(pur), "", a.Now).String())
	}
	name := strings.TrimPrefix(path, "attributes.")
	v, ok := p.Attributes[name]
	if !ok {
		return Missing
	}
	return fromCustomerValue(v)
}

func primary(cps []customer.ContactPoint) Value {
	for _, c := range cps {
		if c.Primary {
			return StringValue(c.Value)
		}
	}
	if len(cps) > 0 {
		return StringValue(cps[0].Value)
	}
	return Missing
}

func values(cps []customer.ContactPoint) Value {
	if len(cps) == 0 {
		return Missing
	}
	l := make([]string, len(cps))
	for i, c := range cps {
		l[i] = c.Value
	}
	return ListValue(l)
}

// fromCustomerValue converts a typed custom attribute.
func fromCustomerValue(v customer.Value) Value {
	if s, ok := v.Str(); ok {
		return StringValue(s)
	}
	if i, ok := v.Int(); ok {
		return NumberValue(float64(i))
	}
	if f, ok := v.Float(); ok {
		return NumberValue(f)
	}
	if b, ok := v.Bool(); ok {
		return BoolValue(b)
	}
	if t, ok := v.Time(); ok {
		return TimeValue(t)
	}
	if l, ok := v.List(); ok {
		return ListValue(l)
	}
	return Missing
}
