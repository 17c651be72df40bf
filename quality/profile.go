package quality

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/normalize"
)

// Field names of a profile as ProfileRecord exposes it.
const (
	FieldKind            = "kind"
	FieldFamilyName      = "family_name"
	FieldGivenName       = "given_name"
	FieldFamilyKana      = "family_kana"
	FieldGivenKana       = "given_kana"
	FieldLatinName       = "latin_name"
	FieldBirthDate       = "birth_date"
	FieldLegalName       = "legal_name"
	FieldCorporateNumber = "corporate_number"
	FieldEmail           = "email"             // every e-mail contact point
	FieldPhone           = "phone"             // every phone contact point
	FieldAddress         = "postal_address"    // every postal-address contact point
	FieldEmailVerified   = "email_verified_at" // VerifiedAt of each e-mail, RFC 3339; none when never verified
	FieldPhoneVerified   = "phone_verified_at"
	FieldAddressVerified = "postal_address_verified_at"
	FieldCreatedAt       = "created_at"
	FieldUpdatedAt       = "updated_at"
	FieldSources         = "source_systems" // the systems of the profile's source records
)

// ProfileRecord adapts a profile to Record. Its fields are the Field…
// constants (kind is "person" or "account") and "attributes.<key>" for each
// custom attribute (its display form). The profile must not change while
// the record is in use.
func ProfileRecord(p *customer.Profile) Record { return &profileRecord{p} }

// ProfileRecords adapts every profile.
func ProfileRecords(ps []*customer.Profile) []Record {
	out := make([]Record, len(ps))
	for i, p := range ps {
		out[i] = ProfileRecord(p)
	}
	return out
}

type profileRecord struct{ p *customer.Profile }

func (r *profileRecord) RecordID() string { return string(r.p.ID) }

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func timeText(t time.Time) []string {
	if t.IsZero() {
		return nil
	}
	return []string{t.Format(time.RFC3339Nano)}
}

func contactType(field string) (customer.ContactType, bool, bool) {
	switch field {
	case FieldEmail:
		return customer.ContactEmail, false, true
	case FieldPhone:
		return customer.ContactPhone, false, true
	case FieldAddress:
		return customer.ContactPostal, false, true
	case FieldEmailVerified:
		return customer.ContactEmail, true, true
	case FieldPhoneVerified:
		return customer.ContactPhone, true, true
	case FieldAddressVerified:
		return customer.ContactPostal, true, true
	}
	return 0, false, false
}

func (r *profileRecord) Values(field string) []string {
	p := r.p
	if t, verified, ok := contactType(field); ok {
		var out []string
		for _, cp := range p.ContactPointsOf(t) {
			if !verified {
				out = append(out, cp.Value)
			} else if !cp.VerifiedAt.IsZero() {
				out = append(out, cp.VerifiedAt.Format(time.RFC3339Nano))
			}
		}
		return out
	}
	switch field {
	case FieldKind:
		return one(p.Kind.String())
	case FieldFamilyName:
		return one(p.Name.Family)
	case FieldGivenName:
		return one(p.Name.Given)
	case FieldFamilyKana:
		return one(p.Name.FamilyKana)
	case FieldGivenKana:
		return one(p.Name.GivenKana)
	case FieldLatinName:
		return one(p.Name.Latin)
	case FieldBirthDate:
		return one(p.BirthDate.String())
	case FieldLegalName:
		return one(p.LegalName)
	case FieldCorporateNumber:
		return one(p.CorporateNumber)
	case FieldCreatedAt:
		return timeText(p.CreatedAt)
	case FieldUpdatedAt:
		return timeText(p.UpdatedAt)
	case FieldSources:
		var out []string
		for _, s := range p.Sources {
			out = append(out, s.System)
		}
		return out
	}
	if k, ok := strings.CutPrefix(field, "attributes."); ok {
		if v, ok := p.Attributes[k]; ok && !v.IsZero() {
			return []string{v.String()}
		}
	}
	return nil
}

// When returns r applied only to the records for which cond holds; the
// others are skipped. Use it for rules that concern some records only
// (persons, not accounts). A Keyed rule stays Keyed: records for which cond
// fails have no key. The rule's reason is kept.
func When(cond func(Record) bool, r Rule) Rule {
	var w Rule
	if k, ok := r.(Keyed); ok {
		w = whenKeyed{k, cond}
	} else {
		w = NewRule(r.Name(), r.Dimension(), r.Field(), func(env *Env, rec Record) Outcome {
			if !cond(rec) {
				return skip
			}
			return r.Check(env, rec)
		})
	}
	if rs, ok := r.(Reasoner); ok {
		return WithReason(rs.Reason(), w)
	}
	return w
}

type whenKeyed struct {
	Keyed
	cond func(Record) bool
}

func (w whenKeyed) Key(env *Env, r Record) (exact, norm string, ok bool) {
	if !w.cond(r) {
		return "", "", false
	}
	return w.Keyed.Key(env, r)
}

// IsKind returns a condition for When: the record's kind field equals kind
// (e.g. customer.KindPerson).
func IsKind(kind customer.Kind) func(Record) bool {
	want := kind.String()
	return func(r Record) bool {
		vs := r.Values(FieldKind)
		return len(vs) > 0 && vs[0] == want
	}
}

// ProfileConfig configures ProfileRules. The zero value is ready.
type ProfileConfig struct {
	// MaxAge is how long a contact point's verification stays fresh; 0
	// means two years. In JSON, nanoseconds.
	MaxAge time.Duration `json:"max_age,omitempty"`
	// Purpose is the purpose whose consent coverage is checked; "" means
	// customer.PurposeMarketing.
	Purpose customer.Purpose `json:"purpose,omitempty"`
}

// ProfileRules returns the built-in rules for customer profiles
// (ProfileRecord):
//
//   - persons: names, birth date (plausible, before the profile's
//     creation), e-mail and phone required; a kanji name needs its reading
//     (in katakana), a Latin-script name does not;
//   - accounts: legal name and corporate number required, the number
//     valid and unique;
//   - every profile: e-mail, phone and postal-address syntax; e-mail unique
//     after normalisation; contact points verified within MaxAge
//     ("stale:email"); contact points marked invalid or undeliverable are
//     inaccurate ("inaccurate:email"); consent known for each contact
//     point's channel ("no_consent:email", timeliness); single-valued facts
//     on which the source records disagree ("inconsistent:birth_date").
func ProfileRules(o ProfileConfig) []Rule {
	if o.MaxAge <= 0 {
		o.MaxAge = 2 * 365 * 24 * time.Hour
	}
	if o.Purpose == "" {
		o.Purpose = customer.PurposeMarketing
	}
	person, account := IsKind(customer.KindPerson), IsKind(customer.KindAccount)
	var rules []Rule
	for _, f := range []string{FieldFamilyName, FieldGivenName, FieldBirthDate, FieldEmail, FieldPhone} {
		rules = append(rules, When(person, Required(f)))
	}
	for _, f := range []string{FieldLegalName, FieldCorporateNumber} {
		rules = append(rules, When(account, Required(f)))
	}
	rules = append(rules,
		Validate(FieldFamilyKana, ValidKatakana()),
		Validate(FieldGivenKana, ValidKatakana()),
		Validate(FieldBirthDate, ValidBirthDate(0)),
		Validate(FieldCorporateNumber, ValidCorporateNumber()),
		Validate(FieldEmail, ValidEmail()),
		Validate(FieldPhone, ValidPhone()),
		Validate(FieldAddress, ValidAddress()),
		Unique(FieldEmail, NormalizeKey(normalize.KindEmail)),
		Unique(FieldCorporateNumber, NormalizeKey(normalize.KindCorporateNumber)),
		ReadingPresent(FieldFamilyName, FieldFamilyKana),
		ReadingPresent(FieldGivenName, FieldGivenKana),
		DateOrder(FieldBirthDate, FieldCreatedAt),
		Fresh(FieldEmail, FieldEmailVerified, o.MaxAge, true),
		Fresh(FieldPhone, FieldPhoneVerified, o.MaxAge, true),
		Fresh(FieldAddress, FieldAddressVerified, o.MaxAge, true),
		ContactValidity(FieldEmail), ContactValidity(FieldPhone), ContactValidity(FieldAddress),
		ConsentKnown(customer.ChannelEmail, o.Purpose), ConsentKnown(customer.ChannelPhone, o.Purpose),
		SourceAgreement(customer.AttrName), SourceAgreement(customer.AttrBirthDate),
		SourceAgreement(customer.AttrLegalName), SourceAgreement(customer.AttrCorporateNumber),
	)
	return rules
}

// Reasoner is implemented by rules whose reason is not the default
// "<dimension word>:<field>".
type Reasoner interface {
	Reason() string
}

type reasonRule struct {
	Rule
	reason string
}

func (r reasonRule) Reason() string { return r.reason }

// WithReason returns r giving reason instead of its default reason.
func WithReason(reason string, r Rule) Rule {
	if k, ok := r.(Keyed); ok {
		return reasonKeyed{k, reason}
	}
	return reasonRule{r, reason}
}

type reasonKeyed struct {
	Keyed
	reason string
}

func (r reasonKeyed) Reason() string { return r.reason }

// ContactValidity is the accuracy rule "accuracy:<field>" of a profile's
// contact points (field is FieldEmail, FieldPhone or FieldAddress): a point
// marked invalid or undeliverable (bounced, disconnected, returned) fails,
// a profile whose points are all verified valid passes, others are skipped.
// Records that are not profiles are skipped.
func ContactValidity(field string) Rule {
	t, _, _ := contactType(field)
	return NewRule(ruleName(Accuracy, field, ""), Accuracy, field, func(_ *Env, r Record) Outcome {
		pr, ok := r.(*profileRecord)
		if !ok {
			return skip
		}
		cps := pr.p.ContactPointsOf(t)
		valid := 0
		for _, cp := range cps {
			switch cp.Validity {
			case customer.ValidityInvalid, customer.ValidityUndeliverable:
				return fail(cp.Value)
			case customer.ValidityValid:
				valid++
			}
		}
		if valid > 0 && valid == len(cps) {
			return pass
		}
		return skip
	})
}

// ConsentKnown is the timeliness rule "consent:<channel>": every contact
// point governed by channel must have a known consent status (opt-in or
// opt-out) for purpose at Env.Now (an expired statement is unknown). It
// fails with reason "no_consent:<field>". Profiles without such contact
// points, records that are not profiles, and a zero Env.Now are skipped.
func ConsentKnown(ch customer.Channel, purpose customer.Purpose) Rule {
	field := channelField(ch)
	r := NewRule("timeliness:consent:"+string(ch), Timeliness, field, func(env *Env, r Record) Outcome {
		pr, ok := r.(*profileRecord)
		if !ok || env.Now.IsZero() {
			return skip
		}
		n := 0
		for _, cp := range pr.p.ContactPoints {
			if cp.Type.Channel() != ch {
				continue
			}
			n++
			if pr.p.Consent.Status(ch, purpose, cp.Value, env.Now) == customer.ConsentUnknown {
				return fail(cp.Value)
			}
		}
		if n == 0 {
			return skip
		}
		return pass
	})
	return WithReason("no_consent:"+field, r)
}

func channelField(ch customer.Channel) string {
	switch ch {
	case customer.ChannelEmail:
		return FieldEmail
	case customer.ChannelPhone, customer.ChannelSMS:
		return FieldPhone
	case customer.ChannelDirectMail:
		return FieldAddress
	}
	return string(ch)
}

// Coverage is the consent coverage of one channel: of the contact points
// it governs, how many have a known status.
type Coverage struct {
	ContactPoints int     `json:"contact_points"`
	OptIn         int     `json:"opt_in"`
	OptOut        int     `json:"opt_out"`
	Unknown       int     `json:"unknown"`
	Ratio         float64 `json:"ratio"` // (OptIn+OptOut)/ContactPoints, 4 decimals; 1 when there are none
}

// ConsentCoverage returns, per channel that has contact points, the share
// of contact points with a known opt-in or opt-out for purpose at time at.
func ConsentCoverage(profiles []*customer.Profile, purpose customer.Purpose, at time.Time) map[customer.Channel]Coverage {
	out := map[customer.Channel]Coverage{}
	for _, p := range profiles {
		for _, cp := range p.ContactPoints {
			ch := cp.Type.Channel()
			if ch == "" {
				continue
			}
			c := out[ch]
			c.ContactPoints++
			switch p.Consent.Status(ch, purpose, cp.Value, at) {
			case customer.ConsentOptIn:
				c.OptIn++
			case customer.ConsentOptOut:
				c.OptOut++
			default:
				c.Unknown++
			}
			out[ch] = c
		}
	}
	for ch, c := range out {
		c.Ratio = 1
		if c.ContactPoints > 0 {
			c.Ratio = round(float64(c.OptIn+c.OptOut)/float64(c.ContactPoints), 4)
		}
		out[ch] = c
	}
	return out
}

// Agreement is how far the source records of a profile agree on one
// attribute: of the Sources that give a value, Agreeing give the value
// that survived (compared after normalize.TextKey; names with their variant
// kanji folded, and only in a script both names have: a source with the
// name in Latin script only is not compared with a kanji name).
type Agreement struct {
	Attribute string `json:"attribute"`
	Sources   int    `json:"sources"`
	Agreeing  int    `json:"agreeing"`
}

// SourceAgreements returns the agreement of p's source records on each
// single-valued attribute that some source gives (customer.AttrName,
// AttrBirthDate, AttrLegalName, AttrCorporateNumber), in that order.
func SourceAgreements(p *customer.Profile) []Agreement {
	var out []Agreement
	for _, attr := range []string{customer.AttrName, customer.AttrBirthDate, customer.AttrLegalName, customer.AttrCorporateNumber} {
		if a, ok := agreement(p, attr); ok {
			out = append(out, a)
		}
	}
	return out
}

func attrText(f *customer.Facts, attr string) string {
	switch attr {
	case customer.AttrName:
		n := f.Name
		return normalize.TextKey(n.Family + " " + n.Given + " " + n.Latin)
	case customer.AttrBirthDate:
		return f.BirthDate.String()
	case customer.AttrLegalName:
		return normalize.TextKey(f.LegalName)
	case customer.AttrCorporateNumber:
		return normalize.TextKey(f.CorporateNumber)
	}
	if k, ok := strings.CutPrefix(attr, "attributes."); ok {
		if v, ok := f.Attributes[k]; ok {
			return normalize.TextKey(v.String())
		}
	}
	return ""
}

func agreement(p *customer.Profile, attr string) (Agreement, bool) {
	want := attrText(&p.Facts, attr)
	a := Agreement{Attribute: attr}
	for i := range p.Sources {
		src := &p.Sources[i].Facts
		if attr == customer.AttrName {
			comparable, agree := nameAgree(src.Name, p.Name)
			if comparable {
				a.Sources++
				if agree {
					a.Agreeing++
				}
			}
			continue
		}
		v := attrText(src, attr)
		if v == "" {
			continue
		}
		a.Sources++
		if v == want {
			a.Agreeing++
		}
	}
	return a, a.Sources > 0
}

// nameKeys returns the comparison keys of a name in native (kanji/kana)
// script and in Latin script; either may be "".
func nameKeys(n customer.PersonName) (native, latin string) {
	full := strings.TrimSpace(n.Family + " " + n.Given)
	if full != "" && !isLatin(full) {
		native = normalize.TextKey(normalize.FoldNameVariants(n.Family + n.Given))
	}
	l := n.Latin
	if l == "" && full != "" && isLatin(full) {
		l = full
	}
	if l != "" {
		if pn, err := normalize.ParsePersonName(l); err == nil {
			latin = pn.Key
		} else {
			latin = normalize.TextKey(l)
		}
	}
	return native, latin
}

func isLatin(s string) bool {
	for _, r := range s {
		if r > 0x24F && !unicode.IsSpace(r) && !unicode.IsPunct(r) {
			return false
		}
	}
	return true
}

// nameAgree compares a source's name with the surviving one in the script
// both have: a name written only in Latin script cannot be compared with
// one written only in kanji (no romanisation is guessed).
func nameAgree(src, want customer.PersonName) (comparable, agree bool) {
	sn, sl := nameKeys(src)
	wn, wl := nameKeys(want)
	switch {
	case sn != "" && wn != "":
		return true, sn == wn
	case sl != "" && wl != "":
		return true, sl == wl
	}
	return false, false
}

// SourceAgreement is the consistency rule "consistency:sources:<attr>"
// over a profile's source records: it fails ("inconsistent:<attr>") when
// some source gives a value for attr other than the surviving one, and is
// skipped for profiles with fewer than two sources giving it, or for
// records that are not profiles.
func SourceAgreement(attr string) Rule {
	return NewRule("consistency:sources:"+attr, Consistency, attr, func(_ *Env, r Record) Outcome {
		pr, ok := r.(*profileRecord)
		if !ok {
			return skip
		}
		a, ok := agreement(pr.p, attr)
		if !ok || a.Sources < 2 {
			return skip
		}
		if a.Agreeing < a.Sources {
			return fail(strconv.Itoa(a.Agreeing) + "/" + strconv.Itoa(a.Sources) + " sources agree")
		}
		return pass
	})
}
