package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"

	"github.com/c360/c360/customer"
	"github.com/jackc/pgx/v5"
)

// ProfileStore is the customer.Store of a DB. It is safe for concurrent use.
type ProfileStore struct{ d *DB }

var _ customer.Store = (*ProfileStore)(nil)

// Profiles returns the DB's profile store.
func (d *DB) Profiles() *ProfileStore { return &ProfileStore{d: d} }

func decodeProfile(data []byte, id string) (*customer.Profile, error) {
	var p customer.Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("postgres: profile %q: stored document does not decode: %w", id, err)
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
	var data []byte
	err := s.d.pool.QueryRow(ctx, "SELECT doc FROM "+s.d.table("profiles")+" WHERE id = $1", string(id)).Scan(&data)
	if err == pgx.ErrNoRows {
		return nil, fmt.Errorf("%w: %s", customer.ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	return decodeProfile(data, string(id))
}

// Put implements customer.Store: in one transaction, an insert (version 0)
// or an update conditional on the version, then the identifier rows.
func (s *ProfileStore) Put(ctx context.Context, p *customer.Profile) (customer.Version, error) {
	vs, err := s.PutBatch(ctx, []*customer.Profile{p})
	if err != nil {
		return 0, err
	}
	return vs[0], nil
}

// PutBatch writes many profiles in one transaction, each with Put's
// optimistic version check, sending the statements in one pipelined
// round trip. It is all or nothing: if any profile conflicts or is invalid,
// none is written and the error names it. It returns the new versions in
// order. Bulk imports use it: it is far faster than a Put per profile.
func (s *ProfileStore) PutBatch(ctx context.Context, profiles []*customer.Profile) ([]customer.Version, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	batch := &pgx.Batch{}
	versions := make([]customer.Version, len(profiles))
	for i, p := range profiles {
		if p == nil || p.ID == "" {
			return nil, fmt.Errorf("%w: profile %d of the batch has an empty ID", customer.ErrInvalid, i)
		}
		cp := p.Clone()
		cp.Version = p.Version + 1
		versions[i] = cp.Version
		data, err := json.Marshal(cp)
		if err != nil {
			return nil, fmt.Errorf("%w: profile %s: %v", customer.ErrInvalid, p.ID, err)
		}
		if p.Version == 0 {
			batch.Queue("INSERT INTO "+s.d.table("profiles")+" (id, version, doc) VALUES ($1, 1, $2) ON CONFLICT (id) DO NOTHING", string(p.ID), data)
		} else {
			batch.Queue("UPDATE "+s.d.table("profiles")+" SET version = version + 1, doc = $3 WHERE id = $1 AND version = $2", string(p.ID), int64(p.Version), data)
		}
		batch.Queue("DELETE FROM "+s.d.table("profile_identifiers")+" WHERE profile_id = $1", string(p.ID))
		schemes := make([]string, len(cp.Identifiers))
		values := make([]string, len(cp.Identifiers))
		for k, ident := range cp.Identifiers {
			schemes[k], values[k] = ident.Scheme, ident.Value
		}
		batch.Queue("INSERT INTO "+s.d.table("profile_identifiers")+
			" (scheme, value, profile_id) SELECT DISTINCT s, v, $3 FROM unnest($1::text[], $2::text[]) AS t (s, v)",
			schemes, values, string(p.ID))
	}
	tx, err := s.d.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	res := tx.SendBatch(ctx, batch)
	for _, p := range profiles {
		tag, err := res.Exec()
		if err != nil {
			res.Close()
			return nil, fmt.Errorf("postgres: put profile %s: %w", p.ID, err)
		}
		if tag.RowsAffected() != 1 {
			res.Close()
			return nil, fmt.Errorf("%w: profile %s changed since version %d (or does not exist)", customer.ErrConflict, p.ID, p.Version)
		}
		for range 2 {
			if _, err := res.Exec(); err != nil {
				res.Close()
				return nil, fmt.Errorf("postgres: put profile %s: %w", p.ID, err)
			}
		}
	}
	if err := res.Close(); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return versions, nil
}

// Delete implements customer.Store; the identifier rows go with the profile.
func (s *ProfileStore) Delete(ctx context.Context, id customer.ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("%w: empty profile ID", customer.ErrInvalid)
	}
	tag, err := s.d.pool.Exec(ctx, "DELETE FROM "+s.d.table("profiles")+" WHERE id = $1", string(id))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %s", customer.ErrNotFound, id)
	}
	return nil
}

// DeleteVersion implements customer.VersionedDeleter with one statement
// conditional on the version; when it deletes nothing, a second query tells
// a changed profile (ErrConflict) from an absent one (ErrNotFound).
func (s *ProfileStore) DeleteVersion(ctx context.Context, id customer.ID, v customer.Version) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("%w: empty profile ID", customer.ErrInvalid)
	}
	tag, err := s.d.pool.Exec(ctx, "DELETE FROM "+s.d.table("profiles")+" WHERE id = $1 AND version = $2", string(id), int64(v))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var stored int64
	err = s.d.pool.QueryRow(ctx, "SELECT version FROM "+s.d.table("profiles")+" WHERE id = $1", string(id)).Scan(&stored)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("%w: %s", customer.ErrNotFound, id)
	case err != nil:
		return err
	}
	return fmt.Errorf("%w: profile %s is at version %d, the delete was based on %d", customer.ErrConflict, id, stored, v)
}

// Lookup implements customer.Store through the identifier index.
func (s *ProfileStore) Lookup(ctx context.Context, ident customer.Identifier) ([]customer.ID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.d.pool.Query(ctx, "SELECT profile_id FROM "+s.d.table("profile_identifiers")+
		" WHERE scheme = $1 AND value = $2 ORDER BY profile_id", ident.Scheme, ident.Value)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := make([]customer.ID, len(ids))
	for i, id := range ids {
		out[i] = customer.ID(id)
	}
	return out, nil
}

// All implements customer.Store through a cursor, in ID order.
func (s *ProfileStore) All(ctx context.Context) iter.Seq2[*customer.Profile, error] {
	return func(yield func(*customer.Profile, error) bool) {
		stream(ctx, s.d, "SELECT id, doc FROM "+s.d.table("profiles")+" ORDER BY id", nil,
			func(rows pgx.Rows) (*customer.Profile, error) {
				var id string
				var data []byte
				if err := rows.Scan(&id, &data); err != nil {
					return nil, err
				}
				return decodeProfile(data, id)
			}, yield)
	}
}
