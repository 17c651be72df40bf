package c360

import (
	"context"
	"errors"

	"github.com/c360/c360/capture"
	"github.com/c360/c360/customer"
)

// Directory returns the engine as the identity state package capture
// resolves e-mail and calendar participants through: an address in any case
// or width finds the profile holding it (a person before an account, then
// the lowest ID, when several do), with the accounts a person is linked to;
// with CreateLead (capture.Config.CreateLeads) an unknown external address
// becomes a lead profile through Upsert, as source record
// ("capture", address). A profile whose processing is restricted
// (customer.Restriction, for any purpose) is suppressed: it is never
// captured.
func (e *Engine) Directory() *Directory { return &Directory{e: e} }

// Directory is the engine seen by package capture: it implements
// capture.Directory and capture.LeadCreator. Get one with Engine.Directory.
type Directory struct{ e *Engine }

var (
	_ capture.Directory   = (*Directory)(nil)
	_ capture.LeadCreator = (*Directory)(nil)
)

// LookupEmail implements capture.Directory.
func (d *Directory) LookupEmail(ctx context.Context, key string) (capture.Party, bool, error) {
	p, err := d.find(ctx, key)
	if err != nil || p == nil {
		return capture.Party{}, false, err
	}
	return partyOf(p), true, nil
}

func (d *Directory) find(ctx context.Context, key string) (*customer.Profile, error) {
	ids, err := d.e.Lookup(ctx, customer.Identifier{Scheme: "email", Value: key})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var best *customer.Profile
	for _, id := range ids { // sorted: the lowest ID first
		p, err := d.e.Get(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if best == nil || best.Kind != customer.KindPerson && p.Kind == customer.KindPerson {
			best = p
		}
	}
	return best, nil
}

func partyOf(p *customer.Profile) capture.Party {
	party := capture.Party{Profile: p.ID, Kind: p.Kind}
	if p.Kind == customer.KindPerson {
		for _, l := range p.Links {
			party.Accounts = append(party.Accounts, l.Profile)
		}
	}
	return party
}

// Suppressed implements capture.Directory: an address is suppressed when
// the profile holding it is restricted for every purpose.
func (d *Directory) Suppressed(ctx context.Context, key string) (bool, error) {
	p, err := d.find(ctx, key)
	if err != nil || p == nil {
		return false, err
	}
	return p.Restriction != nil && len(p.Restriction.Purposes) == 0, nil
}

// CreateLead implements capture.LeadCreator: the address becomes a person
// profile through Upsert (so it is matched like any record, and joins a
// profile that has the address meanwhile).
func (d *Directory) CreateLead(ctx context.Context, key, name string) (capture.Party, error) {
	r := customer.SourceRecord{System: "capture", RecordID: key}
	r.Kind = customer.KindPerson
	if name != "" {
		r.Name = customer.PersonName{Latin: name}
	}
	r.ContactPoints = []customer.ContactPoint{{Type: customer.ContactEmail, Value: key, Primary: true}}
	up, err := d.e.Upsert(ctx, r)
	if err != nil {
		return capture.Party{}, err
	}
	p, err := d.e.Get(ctx, up.Profile)
	if err != nil {
		return capture.Party{}, err
	}
	return partyOf(p), nil
}
