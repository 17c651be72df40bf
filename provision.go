package c360

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/segment"
)

// bProvision holds the APPI third-party provision log (第三者提供記録):
// group: the profile ID the record is about ("~" + erasure ID once the
// person was erased); key: time + record ID; value: Provision.
const bProvision = "provision"

// Retention is how long a provision record is kept: "1y" or "3y", the two
// periods APPI sets (1 year for a provision recorded in a contract, or done
// in bulk under one arrangement; 3 years otherwise).
type Retention string

// The retention periods.
const (
	Retain1Year  Retention = "1y"
	Retain3Years Retention = "3y"
)

// years returns the retention in years (3 for the zero value).
func (r Retention) years() (int, error) {
	switch r {
	case Retain1Year:
		return 1, nil
	case Retain3Years, "":
		return 3, nil
	}
	return 0, fmt.Errorf("%w: retention %q: want %q or %q", ErrInvalid, string(r), Retain1Year, Retain3Years)
}

// Direction says whether personal data went to a third party or came from
// one.
type Direction string

// The directions of a provision.
const (
	// Provided: the company provided the person's data to a third party
	// (the provider's record, APPI art. 29).
	Provided Direction = "provided"
	// Received: the company received the person's data from a third party
	// (the recipient's confirmation record, APPI art. 30).
	Received Direction = "received"
)

// Party is the other side of a provision: for a company, its name, address
// and representative, as APPI asks.
type Party struct {
	Name           string `json:"name"`
	Address        string `json:"address,omitempty"`
	Representative string `json:"representative,omitempty"`
}

// Provision is one record of the APPI provision log: the person's data went
// to (Provided) or came from (Received) a named third party.
type Provision struct {
	ID        string    `json:"id"`
	Direction Direction `json:"direction"`
	At        time.Time `json:"at"` // date of the provision
	// Party is the recipient (Provided) or the provider (Received).
	Party Party `json:"party"`
	// Profile is the person the data is about. After the person's erasure
	// it is empty and PersonHashes holds the salted hashes of their
	// identifiers (the record is kept for its retention, as the law asks,
	// without a personal value in clear).
	Profile      customer.ID `json:"profile,omitempty"`
	PersonHashes []string    `json:"person_hashes,omitempty"`
	// Items are the data items provided ("email_sha256", "name", …).
	Items []string `json:"items"`
	// Basis is the consent or legal basis: "consent" (with Consent, the
	// consent entry relied on, if any), "opt_out" (APPI art. 27(2)), "law",
	// "entrusted", "joint_use", … .
	Basis   string                 `json:"basis"`
	Consent *customer.ConsentEntry `json:"consent,omitempty"`
	// Obtained is how the provider obtained the data (Received).
	Obtained string `json:"obtained,omitempty"`
	// Record is the source record the data came in (Received, recorded by
	// the engine for a PrivacyConfig.Providers system).
	Record *customer.RecordKey `json:"record,omitempty"`
	// Purpose and Ref describe the provision (a campaign, a contract
	// number); Retention and Expires say how long the record is kept.
	Purpose   string    `json:"purpose,omitempty"`
	Ref       string    `json:"ref,omitempty"`
	Retention Retention `json:"retention"`
	Expires   time.Time `json:"expires"`
}

// RecordProvision adds a record to the provision log. p.Profile may be an
// absorbed ID (it is followed); a zero p.At means the engine's clock; an
// empty Retention means PrivacyConfig.ProvisionRetention. Every missing
// field APPI asks for is reported at once (ErrInvalid): the direction, the
// party's name, the person, the data items, the basis, and for a received
// record how the provider obtained the data.
func (e *Engine) RecordProvision(ctx context.Context, p Provision) (Provision, error) {
	if _, err := e.current(); err != nil {
		return Provision{}, err
	}
	if err := e.completeProvision(&p); err != nil {
		return Provision{}, err
	}
	err := e.store.Update(ctx, func(tx Tx) error {
		q, err := e.profileIn(tx, p.Profile)
		if err != nil {
			return err
		}
		p.Profile = q.ID
		return putProvision(tx, &p)
	})
	if err != nil {
		return Provision{}, err
	}
	return p, nil
}

func (e *Engine) completeProvision(p *Provision) error {
	if p.At.IsZero() {
		p.At = e.now()
	}
	p.At = p.At.UTC()
	if p.Retention == "" {
		p.Retention = e.privacy.ProvisionRetention
		if p.Retention == "" {
			p.Retention = Retain3Years
		}
	}
	var problems []error
	switch p.Direction {
	case Provided, Received:
	default:
		problems = append(problems, fmt.Errorf("direction: %q, want %q or %q", p.Direction, Provided, Received))
	}
	if strings.TrimSpace(p.Party.Name) == "" {
		problems = append(problems, fmt.Errorf("party.name: empty: the recipient or provider must be named"))
	}
	if p.Profile == "" {
		problems = append(problems, fmt.Errorf("profile: empty: the person the data is about"))
	}
	if len(p.Items) == 0 {
		problems = append(problems, fmt.Errorf("items: empty: list the data items"))
	}
	if strings.TrimSpace(p.Basis) == "" {
		problems = append(problems, fmt.Errorf("basis: empty: the consent or legal basis"))
	}
	if p.Direction == Received && strings.TrimSpace(p.Obtained) == "" {
		problems = append(problems, fmt.Errorf("obtained: empty: how the provider obtained the data"))
	}
	y, err := p.Retention.years()
	if err != nil {
		problems = append(problems, fmt.Errorf("retention: %w", err))
	}
	if len(problems) > 0 {
		msgs := make([]string, len(problems))
		for i, e := range problems {
			msgs[i] = e.Error()
		}
		return fmt.Errorf("%w: provision record for %s: %s", ErrInvalid, p.Profile, strings.Join(msgs, "; "))
	}
	p.Expires = p.At.AddDate(y, 0, 0)
	if p.ID == "" {
		p.ID = provisionID(p)
	}
	return nil
}

func provisionID(p *Provision) string {
	b, _ := json.Marshal(p)
	return "V" + hashIdent([]byte("provision"), "id", string(b))[:16]
}

func putProvision(tx Tx, p *Provision) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return tx.Put(bProvision, string(p.Profile), timeKey(p.At)+p.ID, b)
}

// Provisions returns the provision records of a person (those recorded
// under the IDs merged into the profile too), oldest first. id may be an
// absorbed ID (followed).
func (e *Engine) Provisions(ctx context.Context, id customer.ID) ([]Provision, error) {
	var out []Provision
	err := e.view(ctx, func(tx ReadTx) error {
		p, err := e.profileIn(tx, id)
		if err != nil {
			return err
		}
		ids, err := mergedInto(tx, p.ID, nil)
		if err != nil {
			return err
		}
		out, err = provisionsOfAll(tx, ids)
		return err
	})
	return out, err
}

// provisionsOfAll returns the provision records of several IDs, oldest
// first.
func provisionsOfAll(tx ReadTx, ids []customer.ID) ([]Provision, error) {
	var out []Provision
	for _, id := range ids {
		ps, err := provisionsOf(tx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	slices.SortStableFunc(out, func(a, b Provision) int { return a.At.Compare(b.At) })
	return out, nil
}

func provisionsOf(tx ReadTx, id customer.ID) ([]Provision, error) {
	var out []Provision
	for it, err := range tx.Scan(bProvision, string(id)) {
		if err != nil {
			return nil, err
		}
		var p Provision
		if err := json.Unmarshal(it.Value, &p); err != nil {
			return nil, fmt.Errorf("c360: provision record %s: %w", it.Key, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// ExpireProvisions removes the provision records whose retention ended at
// or before now (zero: the engine's clock), and returns how many. The host
// calls it on its own schedule (daily, say).
func (e *Engine) ExpireProvisions(ctx context.Context, now time.Time) (int, error) {
	if _, err := e.current(); err != nil {
		return 0, err
	}
	if now.IsZero() {
		now = e.now()
	}
	n := 0
	err := e.store.Update(ctx, func(tx Tx) error {
		n = 0
		var groups []string
		for g, err := range tx.Groups(bProvision, "") {
			if err != nil {
				return err
			}
			groups = append(groups, g)
		}
		for _, g := range groups {
			var gone []string
			for it, err := range tx.Scan(bProvision, g) {
				if err != nil {
					return err
				}
				var p Provision
				if err := json.Unmarshal(it.Value, &p); err != nil {
					return fmt.Errorf("c360: provision record %s: %w", it.Key, err)
				}
				if !p.Expires.After(now) {
					gone = append(gone, it.Key)
				}
			}
			for _, k := range gone {
				if err := tx.Delete(bProvision, g, k); err != nil {
					return err
				}
			}
			n += len(gone)
		}
		return nil
	})
	return n, err
}

// pseudonymiseProvisions keeps the erased person's provision records for
// their retention with the person reduced to the salted hashes of their
// identifiers, under the erasure's group.
func (er *eraser) pseudonymiseProvisions(erasure string, hashes []idHash) error {
	tx := er.tx
	var hs []string
	for _, h := range hashes {
		hs = append(hs, h.hash)
	}
	for _, id := range er.ids {
		ps, err := provisionsOf(tx, id)
		if err != nil {
			return err
		}
		for _, p := range ps {
			p.Profile, p.PersonHashes, p.Record = "", slices.Clone(hs), nil
			b, err := json.Marshal(&p)
			if err != nil {
				return err
			}
			if err := tx.Put(bProvision, "~"+erasure, timeKey(p.At)+p.ID, b); err != nil {
				return err
			}
			er.removed["provisions_pseudonymised"]++
		}
		if err := tx.DeleteGroup(bProvision, string(id)); err != nil {
			return err
		}
	}
	return nil
}

// Recipient names the third party an activation provides data to, with the
// basis and retention of the provision records written for it.
type Recipient struct {
	Party     Party     `json:"party"`
	Basis     string    `json:"basis"`
	Purpose   string    `json:"purpose,omitempty"`
	Ref       string    `json:"ref,omitempty"`
	Retention Retention `json:"retention,omitempty"`
}

// Provide is Activate to a named third party (an ad platform, a partner):
// the audience is built through the send gate as Activate builds it, and a
// provision record is written for each member, with the data items the
// audience carries for them (the hashed identifiers, the channel) and, when
// the basis is "consent", the consent entry that permits the purpose on the
// chosen channel. A restricted person is never a member (see Restrict).
func (e *Engine) Provide(ctx context.Context, segmentName string, a segment.Activation, to Recipient) (*segment.Audience, error) {
	probe := Provision{Direction: Provided, Party: to.Party, Profile: "-", Items: []string{"-"}, Basis: to.Basis, Retention: to.Retention}
	if err := e.completeProvision(&probe); err != nil {
		return nil, err
	}
	aud, err := e.Activate(ctx, segmentName, a)
	if err != nil {
		return nil, err
	}
	at := e.now()
	for _, m := range aud.Members {
		items := []string{"customer_id", "channel"}
		if m.EmailSHA256 != "" {
			items = append(items, "email_sha256")
		}
		if m.PhoneSHA256 != "" {
			items = append(items, "phone_sha256")
		}
		p := Provision{Direction: Provided, At: at, Party: to.Party, Profile: customer.ID(m.CustomerID), Items: items,
			Basis: to.Basis, Purpose: to.Purpose, Ref: to.Ref, Retention: to.Retention}
		if to.Basis == "consent" {
			if q, err := e.Get(ctx, p.Profile); err == nil {
				p.Consent = consentFor(q, m.Channel, a.Purpose, at)
			}
		}
		if _, err := e.RecordProvision(ctx, p); err != nil {
			return aud, fmt.Errorf("provision record for %s: %w", m.CustomerID, err)
		}
	}
	return aud, nil
}

// consentFor returns the latest opt-in entry of a profile's ledger for a
// channel and purpose, if any.
func consentFor(p *customer.Profile, ch customer.Channel, pur customer.Purpose, at time.Time) *customer.ConsentEntry {
	var best *customer.ConsentEntry
	for i := range p.Consent.Entries {
		c := p.Consent.Entries[i]
		if c.Channel != ch || (c.Purpose != pur && c.Purpose != "") || c.Status != customer.ConsentOptIn || c.CapturedAt.After(at) {
			continue
		}
		if best == nil || c.CapturedAt.After(best.CapturedAt) {
			cc := c
			best = &cc
		}
	}
	return best
}

// Provider describes a source system that is a third party (a list broker,
// a partner, a data provider): every record the engine receives from it is
// recorded in the provision log as Received, with the provider, how the
// provider obtained the data, the data items the record carries and the
// basis — the recipient's confirmation record of APPI art. 30.
type Provider struct {
	Party    Party  `json:"party"`
	Obtained string `json:"obtained"`
	Basis    string `json:"basis"`
	Purpose  string `json:"purpose,omitempty"`
	Ref      string `json:"ref,omitempty"` // the contract, for instance
	// Retention: "" means PrivacyConfig.ProvisionRetention.
	Retention Retention `json:"retention,omitempty"`
}

// recordItems lists the data items a source record carries.
func recordItems(r *customer.SourceRecord) []string {
	var out []string
	add := func(ok bool, item string) {
		if ok && !slices.Contains(out, item) {
			out = append(out, item)
		}
	}
	add(!r.Name.IsZero(), "name")
	add(!r.BirthDate.IsZero(), "birth_date")
	add(r.LegalName != "", "legal_name")
	add(r.CorporateNumber != "", "corporate_number")
	add(!r.Firmographics.IsZero(), "firmographics")
	for _, c := range r.ContactPoints {
		add(true, c.Type.String())
	}
	for _, id := range r.Identifiers {
		add(!strings.HasPrefix(id.Scheme, customer.SourceScheme), "identifier:"+id.Scheme)
	}
	add(len(r.Consent.Entries) > 0, "consent")
	for _, k := range slices.Sorted(maps.Keys(r.Attributes)) {
		add(true, "attributes."+k)
	}
	return out
}

// received records the receipt of records from third-party providers
// (PrivacyConfig.Providers): one provision record per record that changed
// what the engine holds, on the profile now holding it.
func (e *Engine) received(ctx context.Context, recs []customer.SourceRecord) error {
	if len(e.privacy.Providers) == 0 {
		return nil
	}
	var todo []*customer.SourceRecord
	for i := range recs {
		if _, ok := e.privacy.Providers[recs[i].System]; ok {
			todo = append(todo, &recs[i])
		}
	}
	for lo := 0; lo < len(todo); lo += loadBatch {
		batch := todo[lo:min(lo+loadBatch, len(todo))]
		err := e.store.Update(ctx, func(tx Tx) error {
			for _, r := range batch {
				pv := e.privacy.Providers[r.System]
				l, err := tx.Link(r.Key())
				if isNotFound(err) {
					continue // refused or held
				}
				if err != nil {
					return err
				}
				k := r.Key()
				p := Provision{Direction: Received, At: r.ObservedAt, Party: pv.Party, Profile: l.Profile, Items: recordItems(r),
					Basis: pv.Basis, Obtained: pv.Obtained, Purpose: pv.Purpose, Ref: pv.Ref, Retention: pv.Retention, Record: &k}
				if len(p.Items) == 0 {
					p.Items = []string{"record"}
				}
				if err := e.completeProvision(&p); err != nil {
					return fmt.Errorf("provider %s: %w", r.System, err)
				}
				if err := putProvision(tx, &p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// notSuppressed answers whether a contact point is off the engine's
// suppression list (Suppress) for a channel, for segment.Activation.Usable:
// a suppressed address is neither chosen nor exported hashed. A store error
// counts as suppressed (nothing is exported that was not checked).
func (e *Engine) notSuppressed(ctx context.Context) func(customer.Channel, customer.ContactPoint) bool {
	return func(ch customer.Channel, c customer.ContactPoint) bool {
		t, ok := contactType(ch)
		if !ok || t != c.Type {
			return true
		}
		ok = false
		err := e.view(ctx, func(tx ReadTx) error {
			_, sup, err := e.suppressed(tx, ch, contactKey(t, c.Value))
			ok = !sup
			return err
		})
		return err == nil && ok
	}
}
