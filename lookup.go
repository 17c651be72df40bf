package c360

import (
	"context"
	"slices"
	"strings"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/quality/normalize"
)

// Get returns the current profile with the given ID, following redirects
// like Profile (the returned profile's ID differs from id when id was
// absorbed). It fits where a getter function is asked for, such as
// segment's consent lookup.
func (e *Engine) Get(ctx context.Context, id customer.ID) (*customer.Profile, error) {
	p, _, err := e.Profile(ctx, id)
	return p, err
}

// Lookup returns the sorted IDs of the current profiles holding an
// identifier. E-mail addresses and phone numbers are found in any notation
// (case, width, punctuation; phones in national or E.164 form) through the
// identity index; a source record key (scheme "source:<system>") through its
// link; a corporate number through the index; any other scheme by a scan of
// the profiles' identifiers (linear in the number of profiles).
func (e *Engine) Lookup(ctx context.Context, ident customer.Identifier) ([]customer.ID, error) {
	sc, err := e.current()
	if err != nil {
		return nil, err
	}
	var out []customer.ID
	err = e.store.View(ctx, func(tx ReadTx) error {
		out, err = lookupIn(tx, sc, ident)
		return err
	})
	return out, err
}

// lookupIn is Lookup inside a transaction.
func lookupIn(tx ReadTx, sc *match.Scorer, ident customer.Identifier) ([]customer.ID, error) {
	if sys, ok := strings.CutPrefix(ident.Scheme, customer.SourceScheme); ok {
		l, err := tx.Link(customer.RecordKey{System: sys, RecordID: ident.Value})
		if isNotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []customer.ID{l.Profile}, nil
	}
	probe := customer.SourceRecord{System: "\x00lookup", RecordID: "\x00"}
	switch ident.Scheme {
	case "email":
		probe.ContactPoints = []customer.ContactPoint{{Type: customer.ContactEmail, Value: ident.Value}}
	case "phone":
		probe.ContactPoints = []customer.ContactPoint{{Type: customer.ContactPhone, Value: ident.Value}}
	case "corporate_number":
		probe.CorporateNumber = ident.Value
	default:
		var out []customer.ID
		for p, err := range tx.Profiles("") {
			if err != nil {
				return nil, err
			}
			if p.HasIdentifier(ident) {
				out = append(out, p.ID)
			}
		}
		return out, nil
	}
	mrec := match.SourceRecords([]customer.SourceRecord{probe})[0]
	prep, err := sc.Prepare(mrec)
	if err != nil {
		return nil, err
	}
	keys := sc.KeysOf(prep)
	want := lookupKey(ident)
	var out []customer.ID
	var tried []customer.ID // profiles whose identifiers were compared: holds depends on the profile only
	var triedSet map[customer.ID]bool
	seen := func(id customer.ID) bool {
		if triedSet != nil {
			if triedSet[id] {
				return true
			}
			triedSet[id] = true
			return false
		}
		if slices.Contains(tried, id) {
			return true
		}
		if tried = append(tried, id); len(tried) > 32 { // many candidates: a set
			triedSet = make(map[customer.ID]bool, 2*len(tried))
			for _, t := range tried {
				triedSet[t] = true
			}
		}
		return false
	}
	for _, k := range keys {
		cs, err := candidatesRead(tx, k)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			id, err := linkProfile(tx, c)
			if err != nil {
				return nil, err
			}
			if seen(id) {
				continue
			}
			p, err := readProfile(tx, id)
			if err != nil {
				return nil, err
			}
			if holds(p, ident.Scheme, want) {
				out = append(out, p.ID)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// candidatesRead is tx.Candidates(k, 0) for reading only: stores that can
// (the MemoryStore) hand out their own list, which the caller must not
// change.
func candidatesRead(tx ReadTx, k string) ([]customer.RecordKey, error) {
	if p, ok := tx.(interface {
		peekCandidates(string) ([]customer.RecordKey, error)
	}); ok {
		return p.peekCandidates(k)
	}
	return tx.Candidates(k, 0)
}

// linkProfile returns the profile a stored record belongs to, without
// reading the rest of its link where the store can (the MemoryStore).
func linkProfile(tx ReadTx, k customer.RecordKey) (customer.ID, error) {
	if p, ok := tx.(interface {
		linkProfile(customer.RecordKey) (customer.ID, error)
	}); ok {
		return p.linkProfile(k)
	}
	l, err := tx.Link(k)
	if err != nil {
		return "", err
	}
	return l.Profile, nil
}

// lookupKey is the comparison key of an identifier's value.
func lookupKey(ident customer.Identifier) string {
	switch ident.Scheme {
	case "email":
		if e, err := normalize.ParseEmail(ident.Value); err == nil {
			return e.Key
		}
	case "phone":
		if p, err := normalize.ParsePhone(ident.Value); err == nil {
			return p.E164
		}
	}
	return strings.TrimSpace(ident.Value)
}

// holds reports whether p has a contact point or identifier of the scheme
// whose key is want.
func holds(p *customer.Profile, scheme, want string) bool {
	if scheme == "corporate_number" {
		return p.CorporateNumber == want || p.HasIdentifier(customer.Identifier{Scheme: scheme, Value: want})
	}
	t := customer.ContactEmail
	if scheme == "phone" {
		t = customer.ContactPhone
	}
	for _, c := range p.ContactPointsOf(t) {
		if lookupKey(customer.Identifier{Scheme: scheme, Value: c.Value}) == want {
			return true
		}
	}
	return false
}
