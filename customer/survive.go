package customer

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/hashicorp/go-multierror"
)

// Attribute names that Survivorship.Rules accepts for the single-valued facts
// of a profile. A custom attribute is named "attributes." + its key.
const (
	AttrKind            = "kind"
	AttrName            = "name"
	AttrBirthDate       = "birth_date"
	AttrLegalName       = "legal_name"
	AttrCorporateNumber = "corporate_number"
	AttrFirmographics   = "firmographics"
)

// SourceScheme prefixes the identifier Build adds for every source record:
// Identifier{Scheme: SourceScheme + system, Value: record ID}, so that
// Store.Lookup finds the profile holding a given record.
const SourceScheme = "source:"

// Survivorship builds a profile from source records: for each single-valued
// attribute one rule picks the surviving value, multi-valued attributes
// (contact points, links, identifiers) combine every distinct value, and the
// consent ledger keeps every entry of every record. The provenance of every
// surviving value — which records, which rule — is recorded. The surviving
// person name is then completed from the person's other records: missing
// kana readings from a record writing the name the same way, a missing
// Latin form also from a record with a Latin-script name.
//
// The zero Survivorship is ready: most recent value wins, consent conflicts
// resolve to the most restrictive status. A Survivorship is safe for
// concurrent use as long as it is not modified.
type Survivorship struct {
	// Rules maps an attribute (AttrName, AttrBirthDate, …, or
	// "attributes.<key>") to its rule. Attributes not listed use Default.
	// RuleCombineAll combines list attributes; on any other single-valued
	// attribute it acts as RuleMostRecent.
	Rules map[string]SurvivorshipRule `json:"rules,omitempty"`
	// Default is the rule for attributes not in Rules. The zero value is
	// RuleMostRecent.
	Default SurvivorshipRule `json:"default,omitzero"`
	// SourcePriority lists systems, most trusted first, for
	// RuleSourcePriority; unlisted systems rank below every listed one.
	SourcePriority []string `json:"source_priority,omitempty"`
	// ConsentPolicy is set on the built ledger. The zero value is
	// ConsentMostRestrictive: when sources disagree, opt-out wins.
	ConsentPolicy ConsentPolicy `json:"consent_policy,omitzero"`
}

// ruleFor returns the rule for attribute a.
func (s *Survivorship) ruleFor(a string) SurvivorshipRule {
	if r, ok := s.Rules[a]; ok {
		return r
	}
	return s.Default
}

func (s *Survivorship) rank(system string) int {
	if i := slices.Index(s.SourcePriority, system); i >= 0 {
		return i
	}
	return len(s.SourcePriority)
}

// Build returns the profile with the given ID built from records. It
// validates every record (all problems at once, as ValidateRecord reports
// them), rejects duplicate record keys, and fails if no record gives the
// kind (person or account). The result is the same whatever
// the order of records: Sources are sorted by system and record ID. Build
// does not stamp times or a version; the caller sets CreatedAt and UpdatedAt.
func (s *Survivorship) Build(id ID, records []SourceRecord) (*Profile, error) {
	var errs *multierror.Error
	if id == "" {
		errs = multierror.Append(errs, &FieldError{Field: "id", Err: errors.New("empty")})
	}
	seen := map[RecordKey]bool{}
	for i := range records {
		r := &records[i]
		if err := ValidateRecord(r); err != nil {
			errs = multierror.Append(errs, err)
		}
		if seen[r.Key()] {
			errs = multierror.Append(errs, &FieldError{Record: "source " + quoteID(r.Key().String()), Field: "record_id", Err: errors.New("duplicate source record")})
		}
		seen[r.Key()] = true
	}
	if err := errs.ErrorOrNil(); err != nil {
		return nil, err
	}
	p := &Profile{ID: id}
	p.Sources = make([]SourceRecord, len(records))
	for i := range records {
		p.Sources[i] = *records[i].Clone()
	}
	slices.SortFunc(p.Sources, func(a, b SourceRecord) int { return compareKeys(a.Key(), b.Key()) })
	// recs: most recent first, then by key, so ties are deterministic.
	recs := make([]*SourceRecord, len(p.Sources))
	for i := range p.Sources {
		recs[i] = &p.Sources[i]
	}
	slices.SortStableFunc(recs, func(a, b *SourceRecord) int { return b.time().Compare(a.time()) })

	b := builder{s: s, recs: recs, p: p}
	kind, _ := choose(&b, AttrKind, func(r *SourceRecord) (Kind, bool) { return r.Kind, r.Kind != KindUnknown },
		Kind.String, func(Kind) int { return 1 })
	if kind == KindUnknown {
		return nil, &FieldError{Record: "profile " + quoteID(string(id)), Field: "kind", Err: errors.New("no source record says whether it is a person or an account")}
	}
	p.Kind = kind
	p.Name, _ = choose(&b, AttrName, func(r *SourceRecord) (PersonName, bool) { return r.Name, !r.Name.IsZero() },
		func(n PersonName) string { return jsonText(n) }, nameScore, PersonName.Full)
	b.completeName()
	p.BirthDate, _ = choose(&b, AttrBirthDate, func(r *SourceRecord) (Date, bool) { return r.BirthDate, !r.BirthDate.IsZero() },
		Date.String, func(Date) int { return 1 })
	p.LegalName, _ = choose(&b, AttrLegalName, func(r *SourceRecord) (string, bool) { return r.LegalName, r.LegalName != "" },
		identity, utf8.RuneCountInString)
	p.CorporateNumber, _ = choose(&b, AttrCorporateNumber, func(r *SourceRecord) (string, bool) { return r.CorporateNumber, r.CorporateNumber != "" },
		identity, utf8.RuneCountInString)
	p.Firmographics, _ = choose(&b, AttrFirmographics, func(r *SourceRecord) (Firmographics, bool) { return r.Firmographics, !r.Firmographics.IsZero() },
		func(f Firmographics) string { return jsonText(f) }, firmScore)
	p.Firmographics.Technologies = slices.Clone(p.Firmographics.Technologies)
	p.Firmographics.Related = slices.Clone(p.Firmographics.Related)
	b.attributes()
	b.contactPoints()
	b.links()
	b.identifiers()
	b.consent()
	slices.SortStableFunc(p.Provenance, func(a, b Provenance) int { return cmp.Compare(a.Field, b.Field) })
	return p, nil
}

type builder struct {
	s    *Survivorship
	recs []*SourceRecord // most recent first
	p    *Profile
}

// completeName fills the parts the surviving name lacks from the other
// records of the same person, most recent first: the kana readings from a
// record whose name is written the same (family and given), the Latin form
// from such a record or from one whose name is written in Latin script only
// (the same customer's name in another script). Each filled part has its
// own provenance, "name.family_kana", "name.given_kana" or "name.latin".
func (b *builder) completeName() {
	n := &b.p.Name
	if n.IsZero() {
		return
	}
	sameWriting := func(o PersonName) bool {
		return o.Family == n.Family && o.Given == n.Given && (o.Family != "" || o.Given != "")
	}
	latinOnly := func(o PersonName) bool { // and n is not
		return (o.Family+o.Given != "" || o.Latin != "") && isLatin(o.Family+o.Given) && !isLatin(n.Family+n.Given)
	}
	fill := func(part *string, field string, get func(PersonName) string, from func(PersonName) bool) {
		if *part != "" {
			return
		}
		for _, r := range b.recs {
			if v := get(r.Name); v != "" && from(r.Name) {
				*part = v
				b.p.Provenance = append(b.p.Provenance, Provenance{Field: field, Value: v, Rule: b.s.ruleFor(AttrName), From: []RecordKey{r.Key()}})
				return
			}
		}
	}
	fill(&n.FamilyKana, AttrName+".family_kana", func(o PersonName) string { return o.FamilyKana }, sameWriting)
	fill(&n.GivenKana, AttrName+".given_kana", func(o PersonName) string { return o.GivenKana }, sameWriting)
	fill(&n.Latin, AttrName+".latin", func(o PersonName) string {
		if o.Latin == "" && latinOnly(o) {
			return o.Full() // "Given Family"
		}
		return o.Latin
	}, func(o PersonName) bool { return sameWriting(o) || latinOnly(o) })
}

func identity(s string) string { return s }

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func compareKeys(a, b RecordKey) int {
	if c := cmp.Compare(a.System, b.System); c != 0 {
		return c
	}
	return cmp.Compare(a.RecordID, b.RecordID)
}

func nameScore(n PersonName) int {
	score := 0
	for _, s := range []string{n.Family, n.Given, n.FamilyKana, n.GivenKana, n.Latin} {
		if s != "" {
			score += 1000 + utf8.RuneCountInString(s)
		}
	}
	return score
}

func firmScore(f Firmographics) int {
	score := len(f.Technologies) + len(f.Related)
	for _, filled := range []bool{f.EmployeeCount != 0, f.AnnualRevenue != 0, f.Currency != "", f.Industry != "",
		f.SubIndustry != "", f.Headquarters != ""} {
		if filled {
			score += 100
		}
	}
	return score
}

// choose applies the rule for attribute attr to the records that have a
// value, records provenance, and returns the surviving value.
// key groups equal values (and is shown in the provenance unless show is
// given); score measures completeness.
func choose[T any](b *builder, attr string, get func(*SourceRecord) (T, bool), key func(T) string, score func(T) int, show ...func(T) string) (T, bool) {
	type cand struct {
		r *SourceRecord
		v T
		k string
	}
	var cands []cand
	for _, r := range b.recs {
		if v, ok := get(r); ok {
			cands = append(cands, cand{r, v, key(v)})
		}
	}
	var zero T
	if len(cands) == 0 {
		return zero, false
	}
	rule := b.s.ruleFor(attr)
	best := 0 // cands are most recent first: index 0 wins every tie
	switch rule {
	case RuleSourcePriority:
		for i, c := range cands {
			if b.s.rank(c.r.System) < b.s.rank(cands[best].r.System) {
				best = i
			}
		}
	case RuleMostFrequent:
		count := map[string]int{}
		for _, c := range cands {
			count[c.k]++
		}
		for i, c := range cands {
			if count[c.k] > count[cands[best].k] {
				best = i
			}
		}
	case RuleMostComplete:
		for i, c := range cands {
			if score(c.v) > score(cands[best].v) {
				best = i
			}
		}
	default:
		rule = RuleMostRecent
	}
	win := cands[best]
	pv := Provenance{Field: attr, Value: win.k, Rule: rule, From: []RecordKey{win.r.Key()}}
	if len(show) > 0 {
		pv.Value = show[0](win.v)
	}
	var agree []RecordKey
	for i, c := range cands {
		if i != best && c.k == win.k {
			agree = append(agree, c.r.Key())
		}
	}
	slices.SortFunc(agree, compareKeys)
	pv.From = append(pv.From, agree...)
	b.p.Provenance = append(b.p.Provenance, pv)
	return win.v, true
}

func (b *builder) attributes() {
	var names []string
	for _, r := range b.recs {
		for k := range r.Attributes {
			if !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)
	for _, name := range names {
		attr := "attributes." + name
		if b.s.ruleFor(attr) == RuleCombineAll && b.allLists(name) {
			var items []string
			var from []RecordKey
			for _, r := range b.recs {
				if v, ok := r.Attributes[name]; ok {
					from = append(from, r.Key())
					for _, it := range v.list {
						if !slices.Contains(items, it) {
							items = append(items, it)
						}
					}
				}
			}
			slices.SortFunc(from, compareKeys)
			v := ListValue(items...)
			b.set(name, v)
			b.p.Provenance = append(b.p.Provenance, Provenance{Field: attr, Value: v.String(), Rule: RuleCombineAll, From: from})
			continue
		}
		v, ok := choose(b, attr, func(r *SourceRecord) (Value, bool) {
			v, ok := r.Attributes[name]
			return v, ok && !v.IsZero()
		}, func(v Value) string { return v.typ.String() + ":" + v.String() }, func(v Value) int { return utf8.RuneCountInString(v.String()) })
		if ok {
			b.set(name, v)
		}
	}
}

func (b *builder) allLists(name string) bool {
	for _, r := range b.recs {
		if v, ok := r.Attributes[name]; ok && v.typ != TypeList {
			return false
		}
	}
	return true
}

func (b *builder) set(name string, v Value) {
	if b.p.Attributes == nil {
		b.p.Attributes = map[string]Value{}
	}
	b.p.Attributes[name] = v
}

// contactPoints combines the contact points of every record. Duplicates
// (same type, service and value) keep the most recently verified state, and
// otherwise the version of the most recent record.
func (b *builder) contactPoints() {
	type entry struct {
		c    ContactPoint
		from []RecordKey
	}
	var order []string
	byKey := map[string]*entry{}
	for _, r := range b.recs {
		for _, c := range r.ContactPoints {
			k := c.key()
			e := byKey[k]
			if e == nil {
				e = &entry{c: c}
				byKey[k] = e
				order = append(order, k)
			} else if c.VerifiedAt.After(e.c.VerifiedAt) {
				e.c.Validity, e.c.VerifiedAt = c.Validity, c.VerifiedAt
			}
			if !slices.Contains(e.from, r.Key()) {
				e.from = append(e.from, r.Key())
			}
		}
	}
	slices.SortStableFunc(order, func(x, y string) int {
		a, c := byKey[x].c, byKey[y].c
		if a.Type != c.Type {
			return cmp.Compare(a.Type, c.Type)
		}
		if a.Primary != c.Primary {
			if a.Primary {
				return -1
			}
			return 1
		}
		return cmp.Compare(x, y)
	})
	for _, k := range order {
		e := byKey[k]
		b.p.ContactPoints = append(b.p.ContactPoints, e.c)
		b.p.Provenance = append(b.p.Provenance, Provenance{
			Field: "contact_points[" + e.c.Type.String() + ":" + e.c.Value + "]", Value: e.c.Value,
			Rule: RuleCombineAll, From: e.from,
		})
	}
}

func (b *builder) links() {
	type lk struct {
		id   ID
		role Role
	}
	seen := map[lk]int{}
	for _, r := range b.recs {
		for _, l := range r.Links {
			k := lk{l.Profile, l.Role}
			if _, ok := seen[k]; ok {
				continue
			}
			seen[k] = len(b.p.Links)
			b.p.Links = append(b.p.Links, l)
		}
	}
	slices.SortFunc(b.p.Links, func(x, y Link) int {
		if c := cmp.Compare(x.Profile, y.Profile); c != 0 {
			return c
		}
		return cmp.Compare(x.Role, y.Role)
	})
	for _, l := range b.p.Links {
		var from []RecordKey
		for _, r := range b.recs {
			for _, m := range r.Links {
				if m.Profile == l.Profile && m.Role == l.Role && !slices.Contains(from, r.Key()) {
					from = append(from, r.Key())
				}
			}
		}
		slices.SortFunc(from, compareKeys)
		b.p.Provenance = append(b.p.Provenance, Provenance{Field: "links[" + string(l.Profile) + ":" + l.Role.String() + "]",
			Value: string(l.Profile), Rule: RuleCombineAll, From: from})
	}
}

func (b *builder) identifiers() {
	from := map[Identifier][]RecordKey{}
	for _, r := range b.recs {
		ids := append(slices.Clone(r.Identifiers), Identifier{Scheme: SourceScheme + r.System, Value: r.RecordID})
		for _, id := range ids {
			if !slices.Contains(from[id], r.Key()) {
				from[id] = append(from[id], r.Key())
			}
		}
	}
	for id := range from {
		b.p.Identifiers = append(b.p.Identifiers, id)
	}
	slices.SortFunc(b.p.Identifiers, func(x, y Identifier) int {
		if c := cmp.Compare(x.Scheme, y.Scheme); c != 0 {
			return c
		}
		return cmp.Compare(x.Value, y.Value)
	})
	for _, id := range b.p.Identifiers {
		if len(id.Scheme) > len(SourceScheme) && id.Scheme[:len(SourceScheme)] == SourceScheme {
			continue // the record itself is its provenance
		}
		f := from[id]
		slices.SortFunc(f, compareKeys)
		b.p.Provenance = append(b.p.Provenance, Provenance{Field: "identifiers[" + id.String() + "]", Value: id.Value, Rule: RuleCombineAll, From: f})
	}
}

// consent keeps every entry of every record, marking each with the record it
// came from (and the record's system as its source when it names none).
func (b *builder) consent() {
	for i := range b.p.Sources { // key order: deterministic
		r := &b.p.Sources[i]
		for _, e := range r.Consent.Entries {
			if e.Source == "" {
				e.Source = r.System
			}
			if e.Record == nil {
				k := r.Key()
				e.Record = &k
			} else {
				k := *e.Record
				e.Record = &k
			}
			b.p.Consent.Entries = append(b.p.Consent.Entries, e)
		}
	}
	slices.SortStableFunc(b.p.Consent.Entries, func(x, y ConsentEntry) int { return x.CapturedAt.Compare(y.CapturedAt) })
	b.p.Consent.Policy = b.s.ConsentPolicy
}

// Rebuild returns p rebuilt from its own Sources with s, keeping ID,
// CreatedAt, UpdatedAt, Version, Audit and Restriction. Use it after changing
// the rules or a source record.
func (s *Survivorship) Rebuild(p *Profile) (*Profile, error) {
	q, err := s.Build(p.ID, p.Sources)
	if err != nil {
		return nil, err
	}
	q.CreatedAt, q.UpdatedAt, q.Version = p.CreatedAt, p.UpdatedAt, p.Version
	q.Audit = cloneAudit(p.Audit)
	q.Restriction = p.Restriction.clone()
	return q, nil
}

// ProvenanceOf returns the provenance entry of field (e.g. "name",
// "attributes.tier", "contact_points[email:a@b.jp]").
func (p *Profile) ProvenanceOf(field string) (Provenance, bool) {
	for _, pv := range p.Provenance {
		if pv.Field == field {
			return pv, true
		}
	}
	return Provenance{}, false
}
