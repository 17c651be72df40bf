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
// A path that names nothing is the zero (missing) customer.Value.
type ProfileAttrs struct {
	P     *customer.Profile
	Stage string    // lifecycle stage, from package journey; "" is missing
	Now   time.Time // the time consent and age are evaluated at
}

// Attr implements Attributes.
func (a ProfileAttrs) Attr(path string) customer.Value { return toCustomerValue(a.attr(path)) }

func (a ProfileAttrs) attr(path string) val {
	p := a.P
	if p == nil {
		return missingVal
	}
	switch path {
	case "id":
		return stringVal(string(p.ID))
	case "kind":
		return stringVal(p.Kind.String())
	case "display_name":
		return stringVal(p.DisplayName())
	case "created_at":
		return timeVal(p.CreatedAt)
	case "updated_at":
		return timeVal(p.UpdatedAt)
	case "restricted":
		return boolVal(p.Restriction != nil)
	case "stage":
		return stringVal(a.Stage)
	case "name.family":
		return stringVal(p.Name.Family)
	case "name.given":
		return stringVal(p.Name.Given)
	case "name.family_kana":
		return stringVal(p.Name.FamilyKana)
	case "name.given_kana":
		return stringVal(p.Name.GivenKana)
	case "name.latin":
		return stringVal(p.Name.Latin)
	case "birth_date":
		if p.BirthDate.IsZero() {
			return missingVal
		}
		return timeVal(time.Date(p.BirthDate.Year, p.BirthDate.Month, p.BirthDate.Day, 0, 0, 0, 0, time.UTC))
	case "age":
		if age := p.BirthDate.Age(a.Now); age >= 0 {
			return numberVal(float64(age))
		}
		return missingVal
	case "email":
		return primary(p.Emails())
	case "phone":
		return primary(p.Phones())
	case "emails":
		return values(p.Emails())
	case "phones":
		return values(p.Phones())
	case "legal_name":
		return stringVal(p.LegalName)
	case "corporate_number":
		return stringVal(p.CorporateNumber)
	case "firmographics.employee_count":
		if p.Firmographics.EmployeeCount == 0 {
			return missingVal
		}
		return numberVal(float64(p.Firmographics.EmployeeCount))
	case "firmographics.annual_revenue":
		if p.Firmographics.AnnualRevenue == 0 {
			return missingVal
		}
		return numberVal(float64(p.Firmographics.AnnualRevenue))
	case "firmographics.industry":
		return stringVal(p.Firmographics.Industry)
	case "firmographics.sub_industry":
		return stringVal(p.Firmographics.SubIndustry)
	case "firmographics.technologies":
		return listVal(p.Firmographics.Technologies)
	}
	if rest, ok := strings.CutPrefix(path, "consent."); ok {
		ch, pur, ok := strings.Cut(rest, ".")
		if !ok || !customer.Channel(ch).Contact() || !customer.Purpose(pur).Valid() {
			return missingVal
		}
		return stringVal(p.Consent.Status(customer.Channel(ch), customer.Purpose(pur), "", a.Now).String())
	}
	name := strings.TrimPrefix(path, "attributes.")
	v, ok := p.Attributes[name]
	if !ok {
		return missingVal
	}
	return fromCustomerValue(&v)
}

func primary(cps []customer.ContactPoint) val {
	for _, c := range cps {
		if c.Primary {
			return stringVal(c.Value)
		}
	}
	if len(cps) > 0 {
		return stringVal(cps[0].Value)
	}
	return missingVal
}

func values(cps []customer.ContactPoint) val {
	if len(cps) == 0 {
		return missingVal
	}
	l := make([]string, len(cps))
	for i, c := range cps {
		l[i] = c.Value
	}
	return listVal(l)
}

// toCustomerValue converts an operand value to the SDK's value type: a
// number is a float Value, a duration an int Value of nanoseconds, missing
// the zero Value.
func toCustomerValue(v val) customer.Value {
	switch v.kind {
	case valNumber:
		return customer.FloatValue(v.num)
	case valDuration:
		return customer.IntValue(int64(v.num))
	case valString:
		return customer.StringValue(v.str)
	case valBool:
		return customer.BoolValue(v.num != 0)
	case valTime:
		return customer.TimeValue(v.t)
	case valList:
		return customer.ListValue(v.list...)
	}
	return customer.Value{}
}

// fromCustomerValue converts a typed custom attribute.
func fromCustomerValue(v *customer.Value) val {
	switch v.Type() {
	case customer.TypeString:
		s, _ := v.Str()
		return val{kind: valString, str: s}
	case customer.TypeInt:
		i, _ := v.Int()
		return val{kind: valNumber, num: float64(i)}
	case customer.TypeFloat:
		f, _ := v.Float()
		return val{kind: valNumber, num: f}
	case customer.TypeBool:
		b, _ := v.Bool()
		return boolVal(b)
	case customer.TypeTime:
		t, _ := v.Time()
		return timeVal(t)
	case customer.TypeList:
		l, _ := v.List()
		return val{kind: valList, list: l}
	}
	return missingVal
}
