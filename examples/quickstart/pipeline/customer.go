package pipeline

import (
	"context"
	"fmt"
	"github.com/c360/c360"
	"github.com/c360/c360/internal/textwidth"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/quality/match"
	"golang.org/x/text/unicode/norm"
)

// The source systems of the sample data, most trusted first for birth dates
// and other facts where the source matters more than recency.
var systems = []string{"sales", "service", "webshop", "marketing"}

// staleAfter is how long a verification of a contact point stays good.
const staleAfter = 365 * 24 * time.Hour

// liveFrom splits the exports: records last changed before it are the
// initial import (Load); later ones arrive one by one (Upsert), in time
// order, as a service embedding the engine would receive them.
var liveFrom = time.Date(2025, 3, 9, 0, 0, 0, 0, jst)

// customer360 feeds the four exports to the engine — the state at liveFrom
// in bulk, later changes one by one — and prints what it decided and why,
// then the 360 view of a few customers.
func customer360(ctx context.Context, q *quickstart) error {
	q.heading("Customer 360: profiles from sales, service, web shop and marketing")
	var initial, live []customer.SourceRecord
	perSystem := map[string]int{}
	for _, sys := range systems {
		rs, err := loadRecords(q.data, sys)
		if err != nil {
			return err
		}
		perSystem[sys] = len(rs)
		for _, r := range rs {
			if r.UpdatedAt.Before(liveFrom) {
				initial = append(initial, r)
			} else {
				live = append(live, r)
			}
		}
	}
	q.printf("Read %d source records (sales %d, service %d, web shop %d, marketing %d).\n",
		len(initial)+len(live), perSystem["sales"], perSystem["service"], perSystem["webshop"], perSystem["marketing"])
	st, err := q.engine.Load(ctx, c360.Records(initial))
	if err != nil {
		return err
	}
	q.printf("Loaded the %d records changed before %s: %d profiles (m and u estimated from the records, no labels).\n",
		st.Records, day(liveFrom), st.Profiles)

	slices.SortStableFunc(live, func(a, b customer.SourceRecord) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	q.printf("\nThe %d later changes arrive one by one (the evidence of the first join and of every merge shown):\n", len(live))
	shown := false
	for _, r := range live {
		up, err := q.engine.Upsert(ctx, r)
		if err != nil {
			return err
		}
		p := ""
		if up.Match != nil {
			p = fmt.Sprintf("  (p=%.3f)", up.Match.Probability)
		}
		q.printf("  %s  %-20s %-8s → %s %s%s\n", r.UpdatedAt.In(jst).Format("01-02 15:04"), r.Key(), up.Outcome, up.Profile, r.DisplayName(), p)
		for _, id := range up.Absorbed {
			p, redirected, err := q.engine.Profile(ctx, id)
			if err != nil {
				return err
			}
			q.printf("      merged %s into it; Profile(%s) now redirects (%v) to %s\n", id, id, redirected, p.ID)
		}
		if up.Match != nil && (up.Outcome == c360.Joined && !shown || up.Outcome == c360.Merged) {
			printEvidence(q, *up.Match)
			shown = true
		}
	}
	items, err := q.engine.Reviews(ctx)
	if err != nil {
		return err
	}
	q.printf("\nReview queue: %d item(s) for a person to decide.\n", len(items))
	for _, it := range items {
		q.printf("  %s: %s (%s) resembles %s (%s), probability %.3f\n", it.ID, it.Record, it.RecordSource.DisplayName(),
			it.Candidate, it.CandidateSource.DisplayName(), it.Match.Probability)
		printEvidence(q, it.Match)
	}

	multi, n := 0, 0
	for p, err := range q.engine.Profiles(ctx) {
		if err != nil {
			return err
		}
		n++
		if len(systemsOf(p)) > 1 {
			multi++
		}
	}
	q.printf("\n%d customer profiles, %d of them known to more than one system.\n", n, multi)
	for _, who := range []customer.Identifier{
		{Scheme: "email", Value: "taro.yamada@example.jp"},
		{Scheme: "email", Value: "john.smith@example.com"},
		{Scheme: "corporate_number", Value: "3020001077090"},
	} {
		ids, err := q.engine.Lookup(ctx, who)
		if err != nil {
			return err
		}
		for _, id := range ids {
			p, err := q.engine.Get(ctx, id)
			if err != nil {
				return err
			}
			if err := print360(ctx, q, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// printEvidence prints each field's part in a match, those that took no
// part too, so that a match on names alone shows as such.
func printEvidence(q *quickstart, ex match.Explanation) {
	rows := [][]string{}
	for _, c := range ex.Fields {
		part := fmt.Sprintf("%+.1f bits", c.Weight)
		if c.Level == match.LevelMissing {
			part = "not compared (missing)"
		}
		rows = append(rows, []string{"", c.Field, c.Level, part})
	}
	limit := ""
	if ex.Limit != "" {
		limit = fmt.Sprintf("; %+.1f bits in all, held at p=%.3f: %s", ex.Weight, ex.Probability, ex.Limit)
	}
	q.printf("      evidence, p=%.3f (prior %+.1f bits%s):\n", ex.Probability, ex.Prior, limit)
	for _, line := range alignRows(rows) {
		q.printf("    %s\n", line)
	}
}

// loadRecords reads data/<system>.csv into source records.
func loadRecords(data fs.FS, system string) ([]customer.SourceRecord, error) {
	f, err := data.Open(system + ".csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := table.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s.csv: %w", system, err)
	}
	idCol := map[string]string{"sales": "record_id", "service": "case_id", "webshop": "customer_no", "marketing": "contact_id"}[system]
	if _, err := t.UniqueColumn(idCol); err != nil {
		return nil, fmt.Errorf("%s.csv: %w", system, err)
	}
	var out []customer.SourceRecord
	for i, row := range t.Rows {
		get := func(name string) string {
			c, err := t.Column(name)
			if err != nil {
				return ""
			}
			return strings.TrimSpace(row[c])
		}
		r, err := toRecord(system, get)
		if err != nil {
			return nil, fmt.Errorf("%s.csv line %d: %w", system, t.Lines[i], err)
		}
		if err := customer.ValidateRecord(&r); err != nil {
			return nil, fmt.Errorf("%s.csv line %d: %w", system, t.Lines[i], err)
		}
		out = append(out, r)
	}
	return out, nil
}

// toRecord maps one row of a system's export to a source record.
func toRecord(system string, get func(string) string) (customer.SourceRecord, error) {
	var r customer.SourceRecord
	r.System = system
	var errs []string
	when := func(col string) time.Time {
		v := get(col)
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", col, err))
		}
		return t
	}
	r.Kind = customer.KindPerson
	switch system {
	case "sales":
		r.RecordID = get("record_id")
		r.UpdatedAt = when("updated_at")
		if get("kind") == "account" {
			r.Kind = customer.KindAccount
			r.LegalName = fold(get("legal_name"))
			r.CorporateNumber = get("corporate_number")
			n, _ := strconv.Atoi(get("employees"))
			r.Firmographics = customer.Firmographics{EmployeeCount: n, Industry: get("industry"), SubIndustry: get("sub_industry"),
				Headquarters: fold(get("headquarters")), Technologies: splitList(get("technologies"))}
			if r.CorporateNumber != "" {
				r.Identifiers = append(r.Identifiers, customer.Identifier{Scheme: "corporate_number", Value: r.CorporateNumber})
			}
		} else {
			r.Name = personName(get("family_name"), get("given_name"))
			r.Name.FamilyKana, r.Name.GivenKana = fold(get("family_kana")), fold(get("given_kana"))
			if b := get("birth_date"); b != "" {
				d, err := customer.ParseDate(b)
				if err != nil {
					errs = append(errs, "birth_date: "+err.Error())
				}
				r.BirthDate = d
			}
			if a := get("account"); a != "" {
				role := customer.RoleContact
				if err := role.UnmarshalText([]byte(get("role"))); err != nil {
					errs = append(errs, "role: "+err.Error())
				}
				// The account is named by its sales record; the engine links the
				// profile holding it.
				r.Links = []customer.Link{{Profile: customer.ID(customer.SourceScheme + "sales/" + a), Role: role, Title: get("title")}}
			}
		}
		addEmail(&r, get("email"), customer.ValidityUnknown, time.Time{})
		addPhone(&r, get("phone"), "")
	case "service":
		r.RecordID = get("case_id")
		r.UpdatedAt = when("updated_at")
		r.Name = splitName(get("customer_name"))
		if k := strings.Fields(fold(get("name_kana"))); len(k) == 2 {
			r.Name.FamilyKana, r.Name.GivenKana = k[0], k[1]
		}
		validity := customer.ValidityUnknown
		if err := validity.UnmarshalText([]byte(get("email_status"))); err != nil {
			errs = append(errs, "email_status: "+err.Error())
		}
		addEmail(&r, get("email"), validity, when("email_verified_at"))
		addPhone(&r, get("phone"), "")
		r.Attributes = map[string]customer.Value{"last_ticket": customer.StringValue(get("last_ticket"))}
		if get("email_marketing") == "opt_out" {
			r.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing,
				Status: customer.ConsentOptOut, CapturedAt: r.UpdatedAt, Method: "call", Evidence: "case " + r.RecordID})
		}
	case "webshop":
		r.RecordID = get("customer_no")
		r.UpdatedAt = when("updated_at")
		r.Name = personName(get("family_name"), get("given_name"))
		email := addEmail(&r, get("email"), customer.ValidityValid, when("email_verified_at"))
		addPhone(&r, get("phone"), "")
		if a := get("postal_address"); a != "" {
			r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactPostal, Value: fold(a), Label: "shipping"})
		}
		if n, err := strconv.ParseInt(get("points"), 10, 64); err == nil {
			r.Attributes = map[string]customer.Value{"points": customer.IntValue(n)}
		}
		if st := get("newsletter"); st != "" {
			r.Consent.Add(consentEntry(customer.ChannelEmail, email, st, when("newsletter_at"), "double_opt_in", &errs))
		}
	case "marketing":
		r.RecordID = get("contact_id")
		r.UpdatedAt = when("updated_at")
		r.Name = personName(get("last_name"), get("first_name"))
		email := addEmail(&r, get("email"), customer.ValidityUnknown, time.Time{})
		sms := addPhone(&r, get("sms_phone"), "mobile")
		at, method := when("consent_at"), get("consent_method")
		if st := get("email_consent"); st != "" {
			r.Consent.Add(consentEntry(customer.ChannelEmail, email, st, at, method, &errs))
		}
		if st := get("sms_consent"); st != "" {
			r.Consent.Add(consentEntry(customer.ChannelSMS, sms, st, at, method, &errs))
		}
		if c := get("campaign"); c != "" {
			r.Attributes = map[string]customer.Value{"campaigns": customer.ListValue(c)}
		}
	}
	if len(errs) > 0 {
		return r, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return r, nil
}

func consentEntry(ch customer.Channel, contact, status string, at time.Time, method string, errs *[]string) customer.ConsentEntry {
	var st customer.ConsentStatus
	if err := st.UnmarshalText([]byte(status)); err != nil {
		*errs = append(*errs, err.Error())
	}
	return customer.ConsentEntry{Channel: ch, Purpose: customer.PurposeMarketing, Contact: contact, Status: st, CapturedAt: at, Method: method}
}

// fold applies Unicode compatibility normalisation: half-width kana become
// full-width (with voiced marks composed), full-width digits and Latin
// letters become ASCII.
func fold(s string) string { return strings.Join(strings.Fields(norm.NFKC.String(s)), " ") }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

func isLatin(s string) bool {
	for _, r := range s {
		if r > unicode.MaxLatin1+0x100 {
			return false
		}
	}
	return true
}

// personName makes a name from family and given parts; a name in Latin
// script also gets its Latin form, in Western order.
func personName(family, given string) customer.PersonName {
	n := customer.PersonName{Family: fold(family), Given: fold(given)}
	if n.Family+n.Given != "" && isLatin(n.Family+n.Given) {
		n.Latin = strings.TrimSpace(n.Given + " " + n.Family)
	}
	return n
}

// splitName splits a name written in one field: family name first in
// Japanese script, given name first in Latin script.
func splitName(s string) customer.PersonName {
	parts := strings.Fields(fold(s))
	if len(parts) != 2 {
		return customer.PersonName{Family: strings.Join(parts, " ")}
	}
	if isLatin(s) {
		return personName(parts[1], parts[0])
	}
	return personName(parts[0], parts[1])
}

// emailKey is the exact-match key of an e-mail address.
func emailKey(s string) string { return strings.ToLower(fold(s)) }

// phoneKey returns a phone number in E.164, assuming Japan for domestic
// numbers, or "" if it does not look like one.
func phoneKey(s string) string {
	var b strings.Builder
	for _, r := range fold(s) {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(fold(s), "+"):
		return "+" + d
	case strings.HasPrefix(d, "0") && len(d) >= 10:
		return "+81" + d[1:]
	}
	return ""
}

func addEmail(r *customer.SourceRecord, raw string, v customer.Validity, verified time.Time) string {
	k := emailKey(raw)
	if k == "" {
		return ""
	}
	if verified.IsZero() && v == customer.ValidityValid {
		v = customer.ValidityUnknown
	}
	r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactEmail, Value: k, Validity: v, VerifiedAt: verified})
	r.Identifiers = append(r.Identifiers, customer.Identifier{Scheme: "email", Value: k})
	return k
}

func addPhone(r *customer.SourceRecord, raw, label string) string {
	k := phoneKey(raw)
	if k == "" {
		return ""
	}
	r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactPhone, Value: k, Label: label})
	r.Identifiers = append(r.Identifiers, customer.Identifier{Scheme: "phone", Value: k})
	return k
}

func systemsOf(p *customer.Profile) []string {
	var out []string
	for _, r := range p.Sources {
		if !slices.Contains(out, r.System) {
			out = append(out, r.System)
		}
	}
	return out
}

func day(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(jst).Format(time.DateOnly)
}

// print360 prints the 360 view of one profile.
func print360(ctx context.Context, q *quickstart, p *customer.Profile) error {
	q.printf("\n%s  %s  (%s)\n", p.ID, p.DisplayName(), p.Kind)
	n := p.Name
	switch p.Kind {
	case customer.KindPerson:
		if n.FamilyKana != "" {
			q.printf("  reading:      %s %s\n", n.FamilyKana, n.GivenKana)
		}
		if n.Latin != "" && n.Latin != p.DisplayName() {
			q.printf("  Latin:        %s\n", n.Latin)
		}
		if !p.BirthDate.IsZero() {
			q.printf("  born:         %s (age %d)\n", p.BirthDate, p.BirthDate.Age(q.now))
		}
		for _, l := range p.Links {
			acct, err := q.engine.Get(ctx, l.Profile)
			if err != nil {
				return err
			}
			auth := ""
			if l.Role.BuyingAuthority() {
				auth = ", holds buying authority"
			}
			q.printf("  account:      %s %s — %s (%s%s)\n", acct.ID, acct.DisplayName(), l.Title, l.Role, auth)
		}
	case customer.KindAccount:
		f := p.Firmographics
		q.printf("  法人番号:     %s\n", p.CorporateNumber)
		q.printf("  company:      %s / %s, %d employees, HQ %s\n", f.Industry, f.SubIndustry, f.EmployeeCount, f.Headquarters)
		q.printf("  technologies: %s\n", strings.Join(f.Technologies, ", "))
		for other, err := range q.engine.Profiles(ctx) {
			if err != nil {
				return err
			}
			for _, l := range other.Links {
				if l.Profile == p.ID {
					auth := ""
					if l.Role.BuyingAuthority() {
						auth = ", holds buying authority"
					}
					q.printf("  contact:      %s %s — %s (%s%s)\n", other.ID, other.DisplayName(), l.Title, l.Role, auth)
				}
			}
		}
	}
	q.printf("  contact points (stale = undeliverable, invalid, or not verified within %d days):\n", int(staleAfter.Hours()/24))
	valueWidth := 0
	for _, c := range p.ContactPoints {
		valueWidth = max(valueWidth, textwidth.Width(c.Value))
	}
	for _, c := range p.ContactPoints {
		state := c.Validity.String()
		switch {
		case c.VerifiedAt.IsZero():
			state += ", never verified"
		default:
			state += ", verified " + day(c.VerifiedAt)
		}
		if c.Stale(q.now, staleAfter) {
			state += "  STALE"
		}
		pv, _ := p.ProvenanceOf("contact_points[" + c.Type.String() + ":" + c.Value + "]")
		q.printf("    %-6s %s  %s  [from %s]\n", c.Type, textwidth.Pad(c.Value, valueWidth), state, keys(pv.From))
	}
	if len(p.Consent.Entries) > 0 {
		q.printf("  consent on %s (conflicts resolve to the most restrictive):\n", day(q.now))
		for _, ch := range customer.Channels() {
			var lines []string
			for _, e := range p.Consent.Entries {
				if e.Channel == ch {
					lines = append(lines, fmt.Sprintf("%s %s %s by %s", e.Source, e.Status, day(e.CapturedAt), e.Method))
				}
			}
			if lines == nil {
				continue
			}
			st := p.Consent.Status(ch, customer.PurposeMarketing, "", q.now)
			q.printf("    %s/marketing: %s  ← %s\n", ch, strings.ToUpper(st.String()), strings.Join(lines, "; "))
		}
	}
	if len(p.Attributes) > 0 {
		var attrs []string
		for _, k := range slices.Sorted(maps.Keys(p.Attributes)) {
			attrs = append(attrs, k+"="+p.Attributes[k].String())
		}
		q.printf("  attributes:   %s\n", strings.Join(attrs, "; "))
	}
	q.printf("  source records (%d):\n", len(p.Sources))
	for _, r := range p.Sources {
		q.printf("    %-22s updated %s\n", r.Key(), day(r.UpdatedAt))
	}
	q.printf("  provenance of surviving values:\n")
	for _, field := range []string{customer.AttrName, customer.AttrBirthDate, customer.AttrLegalName, customer.AttrFirmographics} {
		if pv, ok := p.ProvenanceOf(field); ok {
			q.printf("    %-13s from %s by rule %s\n", field, pv.From[0], pv.Rule)
		}
	}
	return nil
}

func keys(k []customer.RecordKey) string {
	s := make([]string, len(k))
	for i, x := range k {
		s[i] = x.String()
	}
	return strings.Join(s, ", ")
}
