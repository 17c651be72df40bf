package customer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Decision says who decided an action, by which rule, why and when. It is
// written to the audit log. At is required: this package has no clock.
type Decision struct {
	Actor  string    // a person ("佐藤 (data steward)") or an engine ("match")
	Rule   string    // the match rule or policy applied, e.g. "email exact"
	Reason string    // free text
	At     time.Time // when; required
}

func (d Decision) check() error {
	if d.At.IsZero() {
		return &FieldError{Record: "decision", Field: "at", Err: errors.New("empty: a decision needs a time")}
	}
	return nil
}

func (d Decision) event(a AuditAction) AuditEvent {
	return AuditEvent{Action: a, At: d.At, Actor: d.Actor, Rule: d.Rule, Reason: d.Reason}
}

// Merger merges and unmerges profiles held in a Store. Merging is
// non-destructive: the surviving profile keeps every source record of both,
// is rebuilt from them with Survivorship, and logs the merge with what
// Unmerge needs to rebuild the absorbed profile exactly. A Merger is safe for
// concurrent use if its Store is; concurrent changes to the same profiles
// surface as ErrConflict and leave the store unchanged.
type Merger struct {
	Store Store
	// Survivorship builds the profiles; the zero value is the default rules.
	Survivorship Survivorship
}

// Merge absorbs profile from into profile into and returns the stored
// result. from is deleted from the store after into has been written, so a
// failure between the two leaves the records in both profiles, never in
// none. When the Store is a VersionedDeleter, from is deleted only if it
// is still the version read: if it changed meanwhile, into's previous
// content is put back (as a new version) and Merge returns an error
// wrapping ErrConflict; with another Store, such a change is lost from the
// live profiles. Merging a profile whose processing is restricted for every purpose
// is refused with ErrRestricted.
func (m *Merger) Merge(ctx context.Context, into, from ID, d Decision) (*Profile, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	if into == from {
		return nil, fmt.Errorf("merge %q into itself: %w", into, ErrInvalid)
	}
	a, err := m.Store.Get(ctx, into)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	b, err := m.Store.Get(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	for _, p := range []*Profile{a, b} {
		if p.Restriction != nil && len(p.Restriction.Purposes) == 0 {
			return nil, fmt.Errorf("merge: profile %q: %w", p.ID, ErrRestricted)
		}
	}
	merged, err := m.Survivorship.Build(a.ID, append(slices.Clone(a.Sources), b.Sources...))
	if err != nil {
		return nil, fmt.Errorf("merge %q into %q: %w", from, into, err)
	}
	ev := d.event(ActionMerge)
	ev.Other = b.ID
	for i := range b.Sources {
		ev.Records = append(ev.Records, b.Sources[i].Key())
	}
	ev.OtherCreatedAt, ev.OtherUpdatedAt = b.CreatedAt, b.UpdatedAt
	ev.OtherAudit = b.Audit
	ev.OtherRestriction = b.Restriction
	ev.PriorRestriction = a.Restriction
	merged.CreatedAt = a.CreatedAt
	merged.UpdatedAt = d.At
	merged.Version = a.Version
	merged.Audit = append(a.Audit, ev)
	merged.Restriction = combineRestrictions(a.Restriction, b.Restriction)
	v, err := m.Store.Put(ctx, merged)
	if err != nil {
		return nil, fmt.Errorf("merge %q into %q: %w", from, into, err)
	}
	merged.Version = v
	vd, conditional := m.Store.(VersionedDeleter)
	if !conditional {
		if err := m.Store.Delete(ctx, b.ID); err != nil && !errors.Is(err, ErrNotFound) {
			return merged, fmt.Errorf("merge %q into %q: merged, but deleting %q failed: %w", from, into, from, err)
		}
		return merged, nil
	}
	err = vd.DeleteVersion(ctx, b.ID, b.Version)
	if err == nil || errors.Is(err, ErrNotFound) {
		return merged, nil
	}
	if !errors.Is(err, ErrConflict) {
		return merged, fmt.Errorf("merge %q into %q: merged, but deleting %q failed: %w", from, into, from, err)
	}
	// from changed while the merge was under way: put into's previous
	// content back (as a new version), so that nothing is lost.
	a.Version = v
	if _, perr := m.Store.Put(context.WithoutCancel(ctx), a); perr != nil {
		return merged, fmt.Errorf("merge %q into %q: %q changed during the merge (%w), and restoring %q failed: %v", from, into, from, err, into, perr)
	}
	return nil, fmt.Errorf("merge %q into %q: %q changed during the merge, nothing merged: %w", from, into, from, err)
}

// combineRestrictions returns the restriction of a merged profile: the union
// of both (no purposes listed means every purpose).
func combineRestrictions(a, b *Restriction) *Restriction {
	switch {
	case a == nil:
		return b.clone()
	case b == nil:
		return a.clone()
	}
	r := a.clone()
	if b.Since.Before(r.Since) {
		r.Since = b.Since
	}
	if len(a.Purposes) == 0 || len(b.Purposes) == 0 {
		r.Purposes = nil
		return r
	}
	for _, p := range b.Purposes {
		if !slices.Contains(r.Purposes, p) {
			r.Purposes = append(r.Purposes, p)
		}
	}
	return r
}

// Unmerge undoes the latest merge of profile other into profile id: the
// records that came with other are split out, and both profiles are rebuilt
// from their records exactly as if they had never been merged — same
// facts, sources, provenance and consent, and other gets back its creation
// time, audit log and restriction. Records that arrived after the merge stay
// with id. Both audit logs keep the merge; id's also logs the unmerge. A
// restriction imposed after the merge applies to both profiles. It returns
// the two stored profiles.
func (m *Merger) Unmerge(ctx context.Context, id, other ID, d Decision) (kept, restored *Profile, err error) {
	if err := d.check(); err != nil {
		return nil, nil, err
	}
	p, err := m.Store.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("unmerge: %w", err)
	}
	idx := -1
	for i := len(p.Audit) - 1; i >= 0; i-- {
		e := p.Audit[i]
		if e.Other == other && e.Action == ActionUnmerge {
			break
		}
		if e.Other == other && e.Action == ActionMerge {
			idx = i
			break
		}
	}
	if idx < 0 {
		return nil, nil, fmt.Errorf("unmerge %q from %q: no merge of it in the audit log: %w", other, id, ErrNotFound)
	}
	ev := p.Audit[idx]
	changedLater := false
	for _, e := range p.Audit[idx+1:] {
		if e.Action == ActionRestrict || e.Action == ActionLift {
			changedLater = true
		}
	}
	keptRestriction, otherRestriction := ev.PriorRestriction.clone(), ev.OtherRestriction.clone()
	if changedLater {
		keptRestriction, otherRestriction = p.Restriction.clone(), p.Restriction.clone()
	}
	kept, restored, err = m.split(ctx, p, ev.Records, other, d, keptRestriction, func(r *Profile) {
		r.CreatedAt, r.UpdatedAt = ev.OtherCreatedAt, ev.OtherUpdatedAt
		r.Audit = cloneAudit(ev.OtherAudit)
		r.Restriction = otherRestriction
	})
	if err != nil {
		return nil, nil, err
	}
	return kept, restored, nil
}

// Split moves the given source records of profile id into a new profile
// newID, rebuilding both with Survivorship, and logs it as an unmerge. The
// new profile's CreatedAt and UpdatedAt are d.At; it carries id's
// restriction. Use Unmerge to undo a logged merge exactly.
func (m *Merger) Split(ctx context.Context, id ID, records []RecordKey, newID ID, d Decision) (kept, split *Profile, err error) {
	if err := d.check(); err != nil {
		return nil, nil, err
	}
	p, err := m.Store.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("split: %w", err)
	}
	return m.split(ctx, p, records, newID, d, p.Restriction.clone(), func(r *Profile) {
		r.CreatedAt, r.UpdatedAt = d.At, d.At
		r.Restriction = p.Restriction.clone()
	})
}

func (m *Merger) split(ctx context.Context, p *Profile, records []RecordKey, newID ID, d Decision, keptRestriction *Restriction, finish func(*Profile)) (kept, out *Profile, err error) {
	if newID == "" || newID == p.ID {
		return nil, nil, fmt.Errorf("split %q: new ID %q: %w", p.ID, newID, ErrInvalid)
	}
	var stay, move []SourceRecord
	for i := range p.Sources {
		if slices.Contains(records, p.Sources[i].Key()) {
			move = append(move, p.Sources[i])
		} else {
			stay = append(stay, p.Sources[i])
		}
	}
	if len(move) == 0 {
		return nil, nil, fmt.Errorf("split %q: none of the records %v is in the profile: %w", p.ID, records, ErrNotFound)
	}
	if len(stay) == 0 {
		return nil, nil, fmt.Errorf("split %q: it would keep no source record: %w", p.ID, ErrInvalid)
	}
	kept, err = m.Survivorship.Build(p.ID, stay)
	if err != nil {
		return nil, nil, err
	}
	out, err = m.Survivorship.Build(newID, move)
	if err != nil {
		return nil, nil, err
	}
	finish(out)
	ev := d.event(ActionUnmerge)
	ev.Other = newID
	for i := range move {
		ev.Records = append(ev.Records, move[i].Key())
	}
	kept.CreatedAt, kept.UpdatedAt, kept.Version = p.CreatedAt, d.At, p.Version
	kept.Audit = append(cloneAudit(p.Audit), ev)
	kept.Restriction = keptRestriction
	// Create the split-out profile first: a failure then duplicates records
	// instead of losing them, and is rolled back.
	v, err := m.Store.Put(ctx, out)
	if err != nil {
		return nil, nil, fmt.Errorf("split %q: creating %q: %w", p.ID, newID, err)
	}
	out.Version = v
	kv, err := m.Store.Put(ctx, kept)
	if err != nil {
		if derr := m.Store.Delete(context.WithoutCancel(ctx), newID); derr != nil {
			return nil, nil, fmt.Errorf("split %q: %w (and rolling back %q failed: %v)", p.ID, err, newID, derr)
		}
		return nil, nil, fmt.Errorf("split %q: %w", p.ID, err)
	}
	kept.Version = kv
	return kept, out, nil
}
