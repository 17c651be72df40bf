package customer

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/go-multierror"
)

// checkText returns why s is not acceptable text, or "".
func checkText(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	return ""
}

// validator collects problems of one record.
type validator struct {
	record string
	errs   *multierror.Error
}

func (v *validator) add(field, format string, args ...any) {
	v.errs = multierror.Append(v.errs, &FieldError{Record: v.record, Field: field, Err: fmt.Errorf(format, args...)})
}

func (v *validator) text(field, s string) {
	if r := checkText(s); r != "" {
		v.add(field, "%s", r)
	}
}

func (v *validator) required(field, s string) {
	if s == "" {
		v.add(field, "empty")
		return
	}
	v.text(field, s)
}

// when checks that an optional time can be encoded (years 0–9999).
func (v *validator) when(field string, t time.Time) {
	if t.IsZero() {
		return
	}
	if y := t.Year(); y < 0 || y > 9999 {
		v.add(field, "impossible time %s: year out of range", t.Format(time.RFC3339))
	}
}

// Validate checks p and returns every problem at once as a go-multierror
// *multierror.Error of *FieldError values naming the profile and the field
// (errors.Is(err, ErrInvalid) holds), or nil when p is valid.
//
// It checks that IDs and required names are not empty, that every text is
// valid UTF-8, that dates are real calendar dates and times are encodable,
// that enum values are known, that consent entries have a capture time not
// after their expiry, and that source records have distinct keys.
func Validate(p *Profile) error {
	if p == nil {
		return &FieldError{Field: "profile", Err: errors.New("nil profile")}
	}
	v := &validator{record: "profile " + quoteID(string(p.ID))}
	if p.ID == "" {
		v.record = ""
	}
	v.required("id", string(p.ID))
	v.facts("", &p.Facts, true)
	seen := map[RecordKey]bool{}
	for i := range p.Sources {
		r := &p.Sources[i]
		prefix := fmt.Sprintf("sources[%d].", i)
		v.source(prefix, r)
		if seen[r.Key()] {
			v.add(prefix+"record_id", "duplicate source record %s", r.Key())
		}
		seen[r.Key()] = true
	}
	for i, pv := range p.Provenance {
		prefix := fmt.Sprintf("provenance[%d].", i)
		v.required(prefix+"field", pv.Field)
		v.text(prefix+"value", pv.Value)
		if pv.Rule < RuleMostRecent || pv.Rule > RuleCombineAll {
			v.add(prefix+"rule", "unknown rule %d", int(pv.Rule))
		}
	}
	v.audit("audit", p.Audit)
	if r := p.Restriction; r != nil {
		if r.Since.IsZero() {
			v.add("restriction.since", "empty")
		}
		v.when("restriction.since", r.Since)
		v.text("restriction.actor", r.Actor)
		v.text("restriction.reason", r.Reason)
		for i, pur := range r.Purposes {
			if !pur.Valid() {
				v.add(fmt.Sprintf("restriction.purposes[%d]", i), "unknown purpose %q", pur)
			}
		}
	}
	v.when("created_at", p.CreatedAt)
	v.when("updated_at", p.UpdatedAt)
	if !p.CreatedAt.IsZero() && !p.UpdatedAt.IsZero() && p.UpdatedAt.Before(p.CreatedAt) {
		v.add("updated_at", "before created_at")
	}
	if p.Version < 0 {
		v.add("version", "negative version %d", p.Version)
	}
	return v.errs.ErrorOrNil()
}

// ValidateRecord checks a source record like Validate checks a profile; the
// errors name the record as "source system/record_id". A source record may
// leave Kind unknown (survivorship takes the kind from other records).
func ValidateRecord(r *SourceRecord) error {
	if r == nil {
		return &FieldError{Field: "record", Err: errors.New("nil source record")}
	}
	v := &validator{record: "source " + quoteID(r.Key().String())}
	v.source("", r)
	return v.errs.ErrorOrNil()
}

func quoteID(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return fmt.Sprintf("%q", s)
}

func (v *validator) source(prefix string, r *SourceRecord) {
	v.required(prefix+"system", r.System)
	v.required(prefix+"record_id", r.RecordID)
	v.when(prefix+"observed_at", r.ObservedAt)
	v.when(prefix+"updated_at", r.UpdatedAt)
	v.facts(prefix, &r.Facts, false)
}

func (v *validator) facts(prefix string, f *Facts, needKind bool) {
	switch {
	case f.Kind == KindUnknown && needKind:
		v.add(prefix+"kind", "must be person or account")
	case f.Kind < KindUnknown || f.Kind > KindAccount:
		v.add(prefix+"kind", "unknown kind %d", int(f.Kind))
	}
	n := f.Name
	v.text(prefix+"name.family", n.Family)
	v.text(prefix+"name.given", n.Given)
	v.text(prefix+"name.family_kana", n.FamilyKana)
	v.text(prefix+"name.given_kana", n.GivenKana)
	v.text(prefix+"name.latin", n.Latin)
	if !f.BirthDate.IsZero() && !f.BirthDate.Valid() {
		v.add(prefix+"birth_date", "impossible date %d-%02d-%02d", f.BirthDate.Year, int(f.BirthDate.Month), f.BirthDate.Day)
	}
	v.text(prefix+"legal_name", f.LegalName)
	if c := f.CorporateNumber; c != "" && (len(c) != 13 || strings.Trim(c, "0123456789") != "") {
		v.add(prefix+"corporate_number", "%q is not 13 digits", c)
	}
	fg := f.Firmographics
	if fg.EmployeeCount < 0 {
		v.add(prefix+"firmographics.employee_count", "negative")
	}
	if fg.AnnualRevenue < 0 {
		v.add(prefix+"firmographics.annual_revenue", "negative")
	}
	v.text(prefix+"firmographics.currency", fg.Currency)
	v.text(prefix+"firmographics.industry", fg.Industry)
	v.text(prefix+"firmographics.sub_industry", fg.SubIndustry)
	v.text(prefix+"firmographics.headquarters", fg.Headquarters)
	for i, t := range fg.Technologies {
		v.text(fmt.Sprintf("%sfirmographics.technologies[%d]", prefix, i), t)
	}
	for i, r := range fg.Related {
		p := fmt.Sprintf("%sfirmographics.related[%d].", prefix, i)
		v.required(p+"name", r.Name)
		v.text(p+"corporate_number", r.CorporateNumber)
		v.text(p+"relation", r.Relation)
		v.text(p+"profile", string(r.Profile))
	}
	for i, c := range f.ContactPoints {
		p := fmt.Sprintf("%scontact_points[%d].", prefix, i)
		if c.Type <= ContactUnknown || c.Type > ContactSocial {
			v.add(p+"type", "unknown contact type %d", int(c.Type))
		}
		v.required(p+"value", c.Value)
		v.text(p+"label", c.Label)
		v.text(p+"service", c.Service)
		if c.Validity < ValidityUnknown || c.Validity > ValidityUndeliverable {
			v.add(p+"validity", "unknown validity %d", int(c.Validity))
		}
		v.when(p+"verified_at", c.VerifiedAt)
	}
	for i, l := range f.Links {
		p := fmt.Sprintf("%slinks[%d].", prefix, i)
		v.required(p+"profile", string(l.Profile))
		if l.Role < RoleContact || l.Role > RoleTechnical {
			v.add(p+"role", "unknown role %d", int(l.Role))
		}
		v.text(p+"title", l.Title)
	}
	for i, id := range f.Identifiers {
		p := fmt.Sprintf("%sidentifiers[%d].", prefix, i)
		v.required(p+"scheme", id.Scheme)
		v.required(p+"value", id.Value)
	}
	if f.Consent.Policy < ConsentMostRestrictive || f.Consent.Policy > ConsentMostRecent {
		v.add(prefix+"consent.policy", "unknown policy %d", int(f.Consent.Policy))
	}
	for i, e := range f.Consent.Entries {
		p := fmt.Sprintf("%sconsent.entries[%d].", prefix, i)
		if !e.Channel.Contact() {
			v.errs = multierror.Append(v.errs, &FieldError{Record: v.record, Field: p + "channel",
				Err: &ValueError{Field: "channel", Value: string(e.Channel), Reason: "not a contact channel (" + joinChannels(channels) + ")"}})
		}
		if !e.Purpose.Valid() {
			v.add(p+"purpose", "unknown purpose %q", e.Purpose)
		}
		if e.Status < ConsentUnknown || e.Status > ConsentOptOut {
			v.add(p+"status", "unknown status %d", int(e.Status))
		}
		if e.CapturedAt.IsZero() {
			v.add(p+"captured_at", "empty")
		}
		v.when(p+"captured_at", e.CapturedAt)
		v.when(p+"expires_at", e.ExpiresAt)
		if !e.ExpiresAt.IsZero() && e.ExpiresAt.Before(e.CapturedAt) {
			v.add(p+"expires_at", "before captured_at")
		}
		v.text(p+"contact", e.Contact)
		v.text(p+"source", e.Source)
		v.text(p+"method", e.Method)
		v.text(p+"evidence", e.Evidence)
		if e.Record != nil {
			v.text(p+"record.system", e.Record.System)
			v.text(p+"record.record_id", e.Record.RecordID)
		}
	}
	for _, k := range sortedKeys(f.Attributes) {
		p := prefix + "attributes[" + quoteID(k) + "]"
		if k == "" {
			v.add(p, "empty attribute name")
		}
		v.text(p, k)
		if r := f.Attributes[k].check(); r != "" {
			v.add(p, "%s", r)
		}
	}
}

func (v *validator) audit(field string, events []AuditEvent) {
	for i, e := range events {
		p := fmt.Sprintf("%s[%d].", field, i)
		switch e.Action {
		case ActionMerge, ActionUnmerge, ActionRestrict, ActionLift, ActionExport:
		default:
			v.add(p+"action", "unknown action %q", e.Action)
		}
		v.when(p+"at", e.At)
		v.when(p+"other_created_at", e.OtherCreatedAt)
		v.text(p+"actor", e.Actor)
		v.text(p+"rule", e.Rule)
		v.text(p+"reason", e.Reason)
		v.text(p+"other", string(e.Other))
		for j, k := range e.Records {
			v.text(fmt.Sprintf("%srecords[%d].system", p, j), k.System)
			v.text(fmt.Sprintf("%srecords[%d].record_id", p, j), k.RecordID)
		}
		v.audit(p+"other_audit", e.OtherAudit)
	}
}

func joinChannels(cs []Channel) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}
