package customer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Privacy carries out privacy requests on the profiles of one Store:
// erasure, export and restriction of processing. It is safe for concurrent
// use if its Store is.
//
// It reaches the profiles of that Store only. An application built on
// c360.Engine uses the engine's Erase, Export, Restrict and Lift instead:
// they reach everything the SDK keeps about a person (source records,
// identity links, events, sends, memberships, reviews, the change feed),
// keep a suppression entry and an audit entry, and call the c360.Erasers
// configured for holders outside the engine (an intel repository).
type Privacy struct {
	Store Store
	// Retries bounds how often an update that meets ErrConflict is retried
	// on a fresh copy; the zero value means 3.
	Retries int
}

// ErasureReport says what Erase removed. It holds no personal data beyond
// IDs and record keys.
type ErasureReport struct {
	Profile        ID          `json:"profile"`
	At             time.Time   `json:"at"`
	Actor          string      `json:"actor,omitempty"`
	Reason         string      `json:"reason,omitempty"`
	Records        []RecordKey `json:"records"`              // source records removed
	ContactPoints  int         `json:"contact_points"`       // surviving contact points removed
	Identifiers    int         `json:"identifiers"`          // identifiers removed
	ConsentEntries int         `json:"consent_entries"`      // consent entries removed
	Attributes     int         `json:"attributes"`           // custom attributes removed
	References     []ID        `json:"references,omitempty"` // other profiles whose links to it were removed
}

// Erase removes every copy of the personal data of profile id held in the
// Store: the profile with all its source records, provenance and audit log;
// links, related businesses and audit references to it in other profiles
// (and in their source records). It returns a report of what was removed. If a later step fails, the report so far is returned
// with the error, and Erase may be called again to finish (a profile already
// gone is then not an error).
func (pv *Privacy) Erase(ctx context.Context, id ID, d Decision) (*ErasureReport, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	rep := &ErasureReport{Profile: id, At: d.At, Actor: d.Actor, Reason: d.Reason, Records: []RecordKey{}}
	p, err := pv.Store.Get(ctx, id)
	switch {
	case err == nil:
		for i := range p.Sources {
			rep.Records = append(rep.Records, p.Sources[i].Key())
		}
		rep.ContactPoints = len(p.ContactPoints)
		rep.Identifiers = len(p.Identifiers)
		rep.ConsentEntries = len(p.Consent.Entries)
		rep.Attributes = len(p.Attributes)
		if err := pv.Store.Delete(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
			return rep, fmt.Errorf("erase %q: %w", id, err)
		}
	case !errors.Is(err, ErrNotFound):
		return rep, fmt.Errorf("erase %q: %w", id, err)
	}
	// References in other profiles.
	var refs []ID
	for q, err := range pv.Store.All(ctx) {
		if err != nil {
			return rep, fmt.Errorf("erase %q: scanning references: %w", id, err)
		}
		if refersTo(q, id) {
			refs = append(refs, q.ID)
		}
	}
	for _, ref := range refs {
		err := pv.update(ctx, ref, func(q *Profile) bool { return dropReferences(q, id) })
		if err != nil && !errors.Is(err, ErrNotFound) {
			return rep, fmt.Errorf("erase %q: removing references from %q: %w", id, ref, err)
		}
		rep.References = append(rep.References, ref)
	}
	return rep, nil
}

func refersTo(q *Profile, id ID) bool {
	probe := q.Clone()
	return dropReferences(probe, id)
}

// dropReferences removes references to id from q and reports whether any
// was found.
func dropReferences(q *Profile, id ID) bool {
	changed := false
	drop := func(f *Facts) {
		n := len(f.Links)
		f.Links = slices.DeleteFunc(f.Links, func(l Link) bool { return l.Profile == id })
		changed = changed || len(f.Links) != n
		for i := range f.Firmographics.Related {
			if f.Firmographics.Related[i].Profile == id {
				f.Firmographics.Related[i].Profile = ""
				changed = true
			}
		}
	}
	drop(&q.Facts)
	for i := range q.Sources {
		drop(&q.Sources[i].Facts)
	}
	n := len(q.Provenance)
	q.Provenance = slices.DeleteFunc(q.Provenance, func(pv Provenance) bool {
		return strings.HasPrefix(pv.Field, "links["+string(id)+":")
	})
	changed = changed || len(q.Provenance) != n
	for i := range q.Provenance {
		if q.Provenance[i].Field == AttrFirmographics {
			if v := jsonText(q.Firmographics); v != q.Provenance[i].Value {
				q.Provenance[i].Value = v
				changed = true
			}
		}
	}
	var scrub func(a []AuditEvent)
	scrub = func(a []AuditEvent) {
		for i := range a {
			if a[i].Other == id {
				a[i].Other = "(erased)"
				a[i].Records, a[i].OtherAudit, a[i].OtherRestriction = nil, nil, nil
				changed = true
			}
			scrub(a[i].OtherAudit)
		}
	}
	scrub(q.Audit)
	return changed
}

// update applies fn to a fresh copy of profile id and stores it, retrying on
// ErrConflict. fn returns false when there is nothing to write.
func (pv *Privacy) update(ctx context.Context, id ID, fn func(*Profile) bool) error {
	tries := pv.Retries
	if tries <= 0 {
		tries = 3
	}
	var err error
	for range tries {
		var p *Profile
		p, err = pv.Store.Get(ctx, id)
		if err != nil {
			return err
		}
		if !fn(p) {
			return nil
		}
		if _, err = pv.Store.Put(ctx, p); !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return err
}

// Export is everything held about one customer, as Privacy.Export returns it.
type Export struct {
	ExportedAt time.Time `json:"exported_at"`
	Profile    *Profile  `json:"profile"` // with every source record, provenance and the audit log
	// ReferencedBy lists other profiles that link to this one.
	ReferencedBy []ID `json:"referenced_by,omitempty"`
}

// Export returns, as indented JSON, everything held about profile id: the
// profile with its source records, provenance, consent ledger and audit log,
// and the other profiles that refer to it. The export is logged in the
// profile's audit log. A restricted profile may still be exported.
func (pv *Privacy) Export(ctx context.Context, id ID, d Decision) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	if err := pv.update(ctx, id, func(p *Profile) bool {
		p.Audit = append(p.Audit, d.event(ActionExport))
		return true
	}); err != nil {
		return nil, fmt.Errorf("export %q: %w", id, err)
	}
	p, err := pv.Store.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("export %q: %w", id, err)
	}
	out := Export{ExportedAt: d.At, Profile: p}
	for q, err := range pv.Store.All(ctx) {
		if err != nil {
			return nil, fmt.Errorf("export %q: %w", id, err)
		}
		if q.ID != id && refersTo(q, id) {
			out.ReferencedBy = append(out.ReferencedBy, q.ID)
		}
	}
	return json.MarshalIndent(out, "", "  ")
}

// Restrict restricts processing of profile id for the given purposes (every
// purpose when none is given), and logs it. Profile.MayContact then answers
// false for those purposes, and Merger refuses to merge a profile restricted
// for every purpose.
func (pv *Privacy) Restrict(ctx context.Context, id ID, d Decision, purposes ...Purpose) (*Profile, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	for _, p := range purposes {
		if !p.Valid() {
			return nil, &FieldError{Record: "profile " + quoteID(string(id)), Field: "restriction.purposes", Err: fmt.Errorf("unknown purpose %q", p)}
		}
	}
	err := pv.update(ctx, id, func(p *Profile) bool {
		p.Restriction = &Restriction{Since: d.At, Actor: d.Actor, Reason: d.Reason, Purposes: slices.Clone(purposes)}
		p.Audit = append(p.Audit, d.event(ActionRestrict))
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("restrict %q: %w", id, err)
	}
	return pv.Store.Get(ctx, id)
}

// Lift removes the restriction of profile id, and logs it.
func (pv *Privacy) Lift(ctx context.Context, id ID, d Decision) (*Profile, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	err := pv.update(ctx, id, func(p *Profile) bool {
		if p.Restriction == nil {
			return false
		}
		p.Restriction = nil
		p.Audit = append(p.Audit, d.event(ActionLift))
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("lift restriction of %q: %w", id, err)
	}
	return pv.Store.Get(ctx, id)
}
