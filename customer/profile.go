package customer

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// ID identifies a profile. IDs are chosen by the caller (or the host's ID
// source); this package never invents one.
type ID string

// Version is the optimistic-concurrency version of a stored profile: 0 for a
// profile never stored, then 1, 2, … as a Store accepts each write.
type Version int64

// Date is a calendar date without a time zone, such as a birth date. The
// zero Date means "not known". In JSON it is "YYYY-MM-DD"; impossible dates
// such as 2023-02-30 are rejected.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses "YYYY-MM-DD". It rejects impossible dates with a
// *ValueError.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	d := Date{t.Year(), t.Month(), t.Day()}
	if err != nil || len(s) != len(time.DateOnly) || !d.Valid() {
		return Date{}, &ValueError{Field: "date", Value: s, Reason: "not a valid YYYY-MM-DD date"}
	}
	return d, nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d is a real calendar date in years 1–9999.
func (d Date) Valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return t.Day() == d.Day && t.Month() == d.Month
}

// String formats d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText encodes d as YYYY-MM-DD; an invalid non-zero date is an error.
func (d Date) MarshalText() ([]byte, error) {
	if !d.IsZero() && !d.Valid() {
		return nil, &ValueError{Field: "date", Value: fmt.Sprintf("%d-%d-%d", d.Year, d.Month, d.Day), Reason: "impossible date"}
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes YYYY-MM-DD ("" is the zero Date).
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Age returns the age in whole years on day at, or -1 if d is zero or after at.
func (d Date) Age(at time.Time) int {
	if d.IsZero() {
		return -1
	}
	y, m, day := at.Date()
	age := y - d.Year
	if m < d.Month || (m == d.Month && day < d.Day) {
		age--
	}
	if age < 0 {
		return -1
	}
	return age
}

// PersonName is the structured name of a person. Japanese names are held in
// Japanese order (family name first). Any part may be empty.
type PersonName struct {
	Family     string `json:"family,omitempty"`      // 山田 / Smith
	Given      string `json:"given,omitempty"`       // 太郎 / John
	FamilyKana string `json:"family_kana,omitempty"` // ヤマダ: reading of Family
	GivenKana  string `json:"given_kana,omitempty"`  // タロウ: reading of Given
	Latin      string `json:"latin,omitempty"`       // Latin-script form, e.g. "Taro Yamada"
}

// IsZero reports whether every part of n is empty.
func (n PersonName) IsZero() bool { return n == PersonName{} }

// Full returns the name for display: "山田 太郎" for a Japanese name (family
// first), "John Smith" when only Latin script is present and Latin is empty.
func (n PersonName) Full() string {
	switch {
	case n.Family != "" && n.Given != "" && isLatin(n.Family+n.Given):
		return n.Given + " " + n.Family
	case n.Family != "" && n.Given != "":
		return n.Family + " " + n.Given
	case n.Family != "":
		return n.Family
	case n.Given != "":
		return n.Given
	}
	return n.Latin
}

func isLatin(s string) bool {
	for _, r := range s {
		if r > 0x24F {
			return false
		}
	}
	return true
}

// Firmographics are the company facts of an account.
type Firmographics struct {
	EmployeeCount int               `json:"employee_count,omitempty"`
	AnnualRevenue int64             `json:"annual_revenue,omitempty"` // in whole units of Currency
	Currency      string            `json:"currency,omitempty"`       // ISO 4217, e.g. "JPY"
	Industry      string            `json:"industry,omitempty"`
	SubIndustry   string            `json:"sub_industry,omitempty"`
	Headquarters  string            `json:"headquarters,omitempty"` // postal address of the head office
	Technologies  []string          `json:"technologies,omitempty"` // technologies the company uses
	Related       []RelatedBusiness `json:"related,omitempty"`      // parents, subsidiaries, partners
}

// IsZero reports whether f holds nothing.
func (f Firmographics) IsZero() bool {
	return f.EmployeeCount == 0 && f.AnnualRevenue == 0 && f.Currency == "" && f.Industry == "" &&
		f.SubIndustry == "" && f.Headquarters == "" && len(f.Technologies) == 0 && len(f.Related) == 0
}

// RelatedBusiness is a business related to an account.
type RelatedBusiness struct {
	Name            string `json:"name"`
	CorporateNumber string `json:"corporate_number,omitempty"`
	Relation        string `json:"relation,omitempty"` // free text: "parent", "subsidiary", "partner", …
	Profile         ID     `json:"profile,omitempty"`  // the related account's profile, if held
}

// Link connects a person to an account. On a person it names the account; on
// an account it names the person. Role.BuyingAuthority tells who may buy.
type Link struct {
	Profile ID     `json:"profile"`
	Role    Role   `json:"role"`
	Title   string `json:"title,omitempty"` // job title, e.g. "購買部長"
}

// Identifier is a key that identifies a customer in some scheme: an e-mail
// key, a phone number in E.164, a loyalty card number, a record ID in a
// source system, a corporate number. Store.Lookup finds profiles by it; the
// comparison is exact, so callers normalise Value first.
type Identifier struct {
	Scheme string `json:"scheme"` // e.g. "email", "phone", "loyalty", "sales", "corporate_number"
	Value  string `json:"value"`
}

// String returns "scheme:value".
func (i Identifier) String() string { return i.Scheme + ":" + i.Value }

// Facts is what is known about a customer: the part of a profile that source
// records supply and survivorship decides. Profile and SourceRecord embed it.
type Facts struct {
	Kind Kind `json:"kind"`

	// Persons.
	Name      PersonName `json:"name,omitzero"`
	BirthDate Date       `json:"birth_date,omitzero"`

	// Accounts.
	LegalName       string        `json:"legal_name,omitempty"`
	CorporateNumber string        `json:"corporate_number,omitempty"` // 法人番号, 13 digits
	Firmographics   Firmographics `json:"firmographics,omitzero"`

	// Both.
	ContactPoints []ContactPoint   `json:"contact_points,omitempty"`
	Links         []Link           `json:"links,omitempty"` // person → accounts, account → contacts
	Identifiers   []Identifier     `json:"identifiers,omitempty"`
	Consent       ConsentLedger    `json:"consent,omitzero"`
	Attributes    map[string]Value `json:"attributes,omitempty"`
}

// DisplayName returns the person's full name or the account's legal name.
func (f *Facts) DisplayName() string {
	if f.Kind == KindAccount || (f.LegalName != "" && f.Name.IsZero()) {
		return f.LegalName
	}
	return f.Name.Full()
}

// ContactPointsOf returns the contact points of type t, in order.
func (f *Facts) ContactPointsOf(t ContactType) []ContactPoint {
	var out []ContactPoint
	for _, c := range f.ContactPoints {
		if c.Type == t {
			out = append(out, c)
		}
	}
	return out
}

// Emails returns the e-mail contact points.
func (f *Facts) Emails() []ContactPoint { return f.ContactPointsOf(ContactEmail) }

// Phones returns the phone contact points.
func (f *Facts) Phones() []ContactPoint { return f.ContactPointsOf(ContactPhone) }

// Addresses returns the postal-address contact points.
func (f *Facts) Addresses() []ContactPoint { return f.ContactPointsOf(ContactPostal) }

// StaleContactPoints returns the contact points that cannot be trusted at
// time at (see ContactPoint.Stale): the stale contact data a campaign or an
// agent should not rely on before it is verified again.
func (f *Facts) StaleContactPoints(at time.Time, maxAge time.Duration) []ContactPoint {
	var out []ContactPoint
	for _, c := range f.ContactPoints {
		if c.Stale(at, maxAge) {
			out = append(out, c)
		}
	}
	return out
}

// HasIdentifier reports whether f holds id.
func (f *Facts) HasIdentifier(id Identifier) bool { return slices.Contains(f.Identifiers, id) }

func (f Facts) clone() Facts {
	out := f
	out.Firmographics.Technologies = slices.Clone(f.Firmographics.Technologies)
	out.Firmographics.Related = slices.Clone(f.Firmographics.Related)
	out.ContactPoints = slices.Clone(f.ContactPoints)
	out.Links = slices.Clone(f.Links)
	out.Identifiers = slices.Clone(f.Identifiers)
	out.Consent = f.Consent.clone()
	out.Attributes = maps.Clone(f.Attributes) // Values are immutable
	return out
}

// RecordKey names one source record: the system it came from and its ID there.
type RecordKey struct {
	System   string `json:"system"`
	RecordID string `json:"record_id"`
}

// String returns "system/record_id".
func (k RecordKey) String() string { return k.System + "/" + k.RecordID }

// SourceRecord is what one system (sales, service, marketing, commerce,
// finance, a third-party data provider) says about a customer. Profiles are
// built from source records and keep every one of them.
type SourceRecord struct {
	System     string    `json:"system"`               // e.g. "sales", "service", "webshop"
	RecordID   string    `json:"record_id"`            // the record's ID in System
	ObservedAt time.Time `json:"observed_at,omitzero"` // when the SDK received it
	UpdatedAt  time.Time `json:"updated_at,omitzero"`  // when System last changed it
	Facts
}

// Key returns the record's system and ID.
func (r *SourceRecord) Key() RecordKey { return RecordKey{r.System, r.RecordID} }

// Clone returns a deep copy of r.
func (r *SourceRecord) Clone() *SourceRecord {
	if r == nil {
		return nil
	}
	out := *r
	out.Facts = r.Facts.clone()
	return &out
}

// time returns the record's effective time: UpdatedAt, else ObservedAt.
func (r *SourceRecord) time() time.Time {
	if !r.UpdatedAt.IsZero() {
		return r.UpdatedAt
	}
	return r.ObservedAt
}

// Provenance says where one surviving value of a profile came from.
type Provenance struct {
	Field string           `json:"field"`          // JSON path, e.g. "name", "contact_points[email:a@b.jp]"
	Value string           `json:"value"`          // the surviving value as text
	Rule  SurvivorshipRule `json:"rule"`           // the survivorship rule that chose it
	From  []RecordKey      `json:"from,omitempty"` // records that supplied it, the chosen one first
}

// Restriction marks a profile whose processing is restricted (a privacy
// request): it is kept but must not be used for the listed purposes, or for
// any purpose when Purposes is empty.
type Restriction struct {
	Since    time.Time `json:"since"`
	Actor    string    `json:"actor,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Purposes []Purpose `json:"purposes,omitempty"`
}

func (r *Restriction) clone() *Restriction {
	if r == nil {
		return nil
	}
	c := *r
	c.Purposes = slices.Clone(r.Purposes)
	return &c
}

// Applies reports whether the restriction forbids processing for p.
func (r *Restriction) Applies(p Purpose) bool {
	return r != nil && (len(r.Purposes) == 0 || slices.Contains(r.Purposes, p))
}

// Profile is one customer — a person or an account — as the company knows it:
// the surviving Facts, the source records they came from, the provenance of
// each surviving value, and an audit log of merges and privacy actions.
//
// A Profile is a plain value: Stores copy it in and out, so changing a
// Profile never changes what a Store holds until it is Put again.
type Profile struct {
	ID ID `json:"id"`
	Facts

	Sources     []SourceRecord `json:"sources,omitempty"`
	Provenance  []Provenance   `json:"provenance,omitempty"`
	Audit       []AuditEvent   `json:"audit,omitempty"`
	Restriction *Restriction   `json:"restriction,omitempty"`

	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	Version   Version   `json:"version"`
}

// Clone returns a deep copy of p.
func (p *Profile) Clone() *Profile {
	if p == nil {
		return nil
	}
	out := *p
	out.Facts = p.Facts.clone()
	if p.Sources != nil {
		out.Sources = make([]SourceRecord, len(p.Sources))
		for i := range p.Sources {
			out.Sources[i] = *p.Sources[i].Clone()
		}
	}
	if p.Provenance != nil {
		out.Provenance = make([]Provenance, len(p.Provenance))
		for i, pv := range p.Provenance {
			pv.From = slices.Clone(pv.From)
			out.Provenance[i] = pv
		}
	}
	out.Audit = cloneAudit(p.Audit)
	out.Restriction = p.Restriction.clone()
	return &out
}

// Source returns the source record with key k.
func (p *Profile) Source(k RecordKey) (*SourceRecord, bool) {
	for i := range p.Sources {
		if p.Sources[i].Key() == k {
			return &p.Sources[i], true
		}
	}
	return nil, false
}

// MayContact reports whether the company may contact the customer on
// channel ch for purpose pur at time at, through contact (or any contact
// point of the channel when contact is ""): consent must be ConsentOptIn and
// processing for pur must not be restricted.
func (p *Profile) MayContact(ch Channel, pur Purpose, contact string, at time.Time) bool {
	if p.Restriction.Applies(pur) {
		return false
	}
	return p.Consent.Status(ch, pur, contact, at) == ConsentOptIn
}

// ConsentStatus answers the send gate's question (journey.Consenter): the
// customer's consent to be contacted on channel ch for purpose pur at time
// at, through contact ("" = any contact point of the channel). It is the
// ledger's answer (ConsentLedger.Status), except that a restriction of
// processing for pur answers ConsentOptOut. A nil profile answers
// ConsentUnknown.
func (p *Profile) ConsentStatus(ch Channel, pur Purpose, contact string, at time.Time) ConsentStatus {
	if p == nil {
		return ConsentUnknown
	}
	if p.Restriction.Applies(pur) {
		return ConsentOptOut
	}
	return p.Consent.Status(ch, pur, contact, at)
}

// AuditAction is what an AuditEvent records.
type AuditAction string

// Audit actions.
const (
	ActionMerge    AuditAction = "merge"
	ActionUnmerge  AuditAction = "unmerge"
	ActionRestrict AuditAction = "restrict"
	ActionLift     AuditAction = "lift_restriction"
	ActionExport   AuditAction = "export"
)

// AuditEvent is one entry of a profile's audit log: who did what, by which
// rule, why and when. Merge events carry what Unmerge needs to rebuild the
// absorbed profile.
type AuditEvent struct {
	Action AuditAction `json:"action"`
	At     time.Time   `json:"at"`
	Actor  string      `json:"actor,omitempty"` // a person, or a rule engine such as "match:email"
	Rule   string      `json:"rule,omitempty"`  // the match rule or policy applied
	Reason string      `json:"reason,omitempty"`

	// Merge and unmerge: the other profile and the records that moved.
	Other   ID          `json:"other,omitempty"`
	Records []RecordKey `json:"records,omitempty"`
	// Merge: the absorbed profile's creation time and audit log, so that
	// Unmerge can rebuild it exactly.
	OtherCreatedAt   time.Time    `json:"other_created_at,omitzero"`
	OtherAudit       []AuditEvent `json:"other_audit,omitempty"`
	OtherUpdatedAt   time.Time    `json:"other_updated_at,omitzero"`
	OtherRestriction *Restriction `json:"other_restriction,omitempty"`
	// Merge: the surviving profile's restriction before the merge.
	PriorRestriction *Restriction `json:"prior_restriction,omitempty"`
}

func cloneAudit(a []AuditEvent) []AuditEvent {
	if a == nil {
		return nil
	}
	out := make([]AuditEvent, len(a))
	for i, e := range a {
		e.Records = slices.Clone(e.Records)
		e.OtherAudit = cloneAudit(e.OtherAudit)
		e.OtherRestriction = e.OtherRestriction.clone()
		e.PriorRestriction = e.PriorRestriction.clone()
		out[i] = e
	}
	return out
}
