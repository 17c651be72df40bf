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
	peek, fast := tx.(linkPeeker)
	err = func() error {
		seen := map[customer.RecordKey]bool{}
		for _, k := range keys {
			cs, err := tx.Candidates(k, 0)
			if err != nil {
				return err
			}
			for _, c := range cs {
				if seen[c] {
					continue
				}
				seen[c] = true
				var l *Link
				if fast {
					l, err = peek.peekLink(c)
				} else {
					l, err = tx.Link(c)
				}
				if err != nil {
					return err
				}
				if slices.Contains(out, l.Profile) {
					continue
				}
				p, err := readProfile(tx, l.Profile)
				if err != nil {
					return err
				}
				if holds(p, ident.Scheme, want) {
					out = append(out, p.ID)
				}
			}
		}
		return nil
	}()
	slices.Sort(out)
	return out, err
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
