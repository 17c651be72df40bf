package c360

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/c360/c360/customer"
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
	if _, err := e.current(); err != nil {
		return nil, err
	}
	var out []customer.ID
	err := e.store.View(ctx, func(tx ReadTx) error {
		var err error
		out, err = lookupIn(tx, ident)
		return err
	})
	return out, err
}

// lookupIn is Lookup inside a transaction.
func lookupIn(tx ReadTx, ident customer.Identifier) ([]customer.ID, error) {
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
	switch ident.Scheme {
	case "email", "phone", "corporate_number":
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
	want := lookupKey(ident)
	cs, err := candidatesRead(tx, identityKey(ident.Scheme, want))
	if err != nil {
		return nil, err
	}
	var out []customer.ID
	for _, c := range cs {
		id, err := linkProfile(tx, c)
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, id) {
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

// lookupKey is the comparison key of an identifier's value: an e-mail
// address's key, a phone number in E.164, a corporate number's 13 digits.
// A value that does not parse is compared as written, trimmed.
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
	case "corporate_number":
		if c, err := normalize.CorporateNumber(ident.Value); err == nil {
			return c
		}
	}
	return strings.TrimSpace(ident.Value)
}

// identityKeyPrefix starts the index keys of identityKeys. Blocking keys
// start with their rule's name and a colon; the hash after the prefix
// includes the scheme, so a rule of that name could at worst add a
// candidate, never lose one.
const identityKeyPrefix = "ident:"

// identityKey is the index key under which Lookup finds the records
// holding an identifier whose lookupKey is key: a hash, so that the index
// holds no contact data in clear.
func identityKey(scheme, key string) string {
	h := sha256.Sum256([]byte(scheme + "\x00" + key))
	return identityKeyPrefix + base64.RawURLEncoding.EncodeToString(h[:12])
}

// identityKeys are the index keys of each e-mail address and phone number
// of r (every one, not only the one the matcher compares) and of its
// corporate number. They are stored with the blocking keys (Link.Keys) and
// leave the index with them (update, erasure), but the matcher never asks
// for candidates under them.
func identityKeys(r *customer.SourceRecord) []string {
	var out []string
	for _, c := range r.ContactPoints {
		switch c.Type {
		case customer.ContactEmail:
			out = append(out, identityKey("email", lookupKey(customer.Identifier{Scheme: "email", Value: c.Value})))
		case customer.ContactPhone:
			out = append(out, identityKey("phone", lookupKey(customer.Identifier{Scheme: "phone", Value: c.Value})))
		}
	}
	if r.CorporateNumber != "" {
		out = append(out, identityKey("corporate_number", lookupKey(customer.Identifier{Scheme: "corporate_number", Value: r.CorporateNumber})))
	}
	return out
}

// indexKeys are the keys a record is stored under: the blocking keys of
// its prepared form and its identity keys, sorted and without repeats.
func indexKeys(blocking []string, r *customer.SourceRecord) []string {
	out := append(slices.Clip(blocking), identityKeys(r)...)
	slices.Sort(out)
	return slices.Compact(out)
}

// holds reports whether p, or one of its source records, has a contact
// point or identifier of the scheme whose key is want.
func holds(p *customer.Profile, scheme, want string) bool {
	if scheme == "corporate_number" {
		if p.CorporateNumber == want || p.HasIdentifier(customer.Identifier{Scheme: scheme, Value: want}) {
			return true
		}
		for i := range p.Sources {
			if p.Sources[i].CorporateNumber == want {
				return true
			}
		}
		return false
	}
	t := customer.ContactEmail
	if scheme == "phone" {
		t = customer.ContactPhone
	}
	has := func(cs []customer.ContactPoint) bool {
		for _, c := range cs {
			if c.Type == t && lookupKey(customer.Identifier{Scheme: scheme, Value: c.Value}) == want {
				return true
			}
		}
		return false
	}
	if has(p.ContactPoints) {
		return true
	}
	for i := range p.Sources {
		if has(p.Sources[i].ContactPoints) {
			return true
		}
	}
	return false
}
