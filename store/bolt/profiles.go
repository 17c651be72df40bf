package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/c360/c360/customer"
	bbolt "go.etcd.io/bbolt"
)

// ProfileStore is the customer.Store of a DB. It is safe for concurrent use.
type ProfileStore struct{ db *bbolt.DB }

var _ customer.Store = (*ProfileStore)(nil)

// Profiles returns the DB's profile store.
func (d *DB) Profiles() *ProfileStore { return &ProfileStore{db: d.db} }

func identKey(id customer.Identifier, profile customer.ID) []byte {
	k := appendPart(nil, id.Scheme)
	k = appendPart(k, id.Value)
	return appendPart(k, string(profile))
}

func getProfile(tx *bbolt.Tx, id customer.ID) (*customer.Profile, error) {
	data := tx.Bucket(bProfiles).Get([]byte(id))
	if data == nil {
		return nil, nil
	}
	var p customer.Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("bolt: profile %q: stored document does not decode: %w", id, err)
	}
	return &p, nil
}

// Get implements customer.Store.
func (s *ProfileStore) Get(ctx context.Context, id customer.ID) (*customer.Profile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, fmt.Errorf("%w: empty profile ID", customer.ErrInvalid)
	}
	var p *customer.Profile
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		p, err = getProfile(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, fmt.Errorf("%w: %s", customer.ErrNotFound, id)
	}
	return p, nil
}

// Put implements customer.Store: one transaction checks the version, writes
// the profile and rewrites its identifier keys.
func (s *ProfileStore) Put(ctx context.Context, p *customer.Profile) (customer.Version, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if p == nil || p.ID == "" {
		return 0, fmt.Errorf("%w: empty profile ID", customer.ErrInvalid)
	}
	cp := p.Clone()
	var version customer.Version
	err := s.db.Update(func(tx *bbolt.Tx) error {
		old, err := getProfile(tx, p.ID)
		if err != nil {
			return err
		}
		var stored customer.Version
		if old != nil {
			stored = old.Version
		}
		if p.Version != stored {
			return fmt.Errorf("%w: profile %s is at version %d, the write was based on %d", customer.ErrConflict, p.ID, stored, p.Version)
		}
		cp.Version = stored + 1
		data, err := json.Marshal(cp)
		if err != nil {
			return fmt.Errorf("%w: profile %s: %v", customer.ErrInvalid, p.ID, err)
		}
		idx := tx.Bucket(bIdentifiers)
		if old != nil {
			for _, ident := range old.Identifiers {
				if err := idx.Delete(identKey(ident, p.ID)); err != nil {
					return err
				}
			}
		}
		for _, ident := range cp.Identifiers {
			if err := idx.Put(identKey(ident, p.ID), nil); err != nil {
				return err
			}
		}
		version = cp.Version
		return tx.Bucket(bProfiles).Put([]byte(p.ID), data)
	})
	return version, err
}

// Delete implements customer.Store.
func (s *ProfileStore) Delete(ctx context.Context, id customer.ID) error {
	return s.delete(ctx, id, nil)
}

// delete removes a profile, if version is not nil only at that version.
func (s *ProfileStore) delete(ctx context.Context, id customer.ID, version *customer.Version) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("%w: empty profile ID", customer.ErrInvalid)
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		old, err := getProfile(tx, id)
		if err != nil {
			return err
		}
		if old == nil {
			return fmt.Errorf("%w: %s", customer.ErrNotFound, id)
		}
		if version != nil && old.Version != *version {
			return fmt.Errorf("%w: profile %s is at version %d, the delete was based on %d", customer.ErrConflict, id, old.Version, *version)
		}
		idx := tx.Bucket(bIdentifiers)
		for _, ident := range old.Identifiers {
			if err := idx.Delete(identKey(ident, id)); err != nil {
				return err
			}
		}
		return tx.Bucket(bProfiles).Delete([]byte(id))
	})
}

// DeleteVersion implements customer.VersionedDeleter: one transaction
// checks the stored version and deletes the profile and its identifier
// keys.
func (s *ProfileStore) DeleteVersion(ctx context.Context, id customer.ID, v customer.Version) error {
	return s.delete(ctx, id, &v)
}

// Lookup implements customer.Store with a prefix scan of the identifier keys.
func (s *ProfileStore) Lookup(ctx context.Context, ident customer.Identifier) ([]customer.ID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	prefix := appendPart(appendPart(nil, ident.Scheme), ident.Value)
	var ids []customer.ID
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bIdentifiers).Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			id, _, err := readPart(k[len(prefix):])
			if err != nil {
				return err
			}
			ids = append(ids, customer.ID(id))
		}
		return nil
	})
	return ids, err
}

// All implements customer.Store. It reads batches of profiles in short read
// transactions and holds none while yielding.
func (s *ProfileStore) All(ctx context.Context) iter.Seq2[*customer.Profile, error] {
	return allDocs[customer.Profile](ctx, s.db, bProfiles, "profile")
}
