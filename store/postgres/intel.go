package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/c360/c360/intel"
	"github.com/jackc/pgx/v5"
)

// IntelRepository is the intel.Repository of a DB. It is safe for concurrent use.
type IntelRepository struct{ d *DB }

var _ intel.Repository = (*IntelRepository)(nil)

// Intel returns the DB's intelligence repository.
func (d *DB) Intel() *IntelRepository { return &IntelRepository{d: d} }

func decodeItem(data []byte, id string) (*intel.Item, error) {
	var it intel.Item
	if err := json.Unmarshal(data, &it); err != nil {
		return nil, fmt.Errorf("postgres: item %q: stored document does not decode: %w", id, err)
	}
	return &it, nil
}

// Get implements intel.Repository.
func (r *IntelRepository) Get(ctx context.Context, id intel.ID) (*intel.Item, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var data []byte
	err := r.d.pool.QueryRow(ctx, "SELECT doc FROM "+r.d.table("intel_items")+" WHERE id = $1", string(id)).Scan(&data)
	if err == pgx.ErrNoRows {
		return nil, fmt.Errorf("%w: item %q", intel.ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	return decodeItem(data, string(id))
}

// Put implements intel.Repository, optimistic on the version column.
func (r *IntelRepository) Put(ctx context.Context, it *intel.Item) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if it == nil || it.ID == "" {
		return 0, fmt.Errorf("%w: item without an ID", intel.ErrInvalid)
	}
	cp := it.Clone()
	cp.Version = it.Version + 1
	data, err := json.Marshal(cp)
	if err != nil {
		return 0, fmt.Errorf("%w: item %q: %v", intel.ErrInvalid, it.ID, err)
	}
	var tag interface{ RowsAffected() int64 }
	if it.Version == 0 {
		tag, err = r.d.pool.Exec(ctx, "INSERT INTO "+r.d.table("intel_items")+" (id, version, doc) VALUES ($1, 1, $2) ON CONFLICT (id) DO NOTHING", string(it.ID), data)
	} else {
		tag, err = r.d.pool.Exec(ctx, "UPDATE "+r.d.table("intel_items")+" SET version = version + 1, doc = $3 WHERE id = $1 AND version = $2", string(it.ID), it.Version, data)
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: put item %q: %w", it.ID, err)
	}
	if tag.RowsAffected() != 1 {
		return 0, fmt.Errorf("%w: item %q changed since version %d (or does not exist)", intel.ErrConflict, it.ID, it.Version)
	}
	return cp.Version, nil
}

// Delete implements intel.Repository.
func (r *IntelRepository) Delete(ctx context.Context, id intel.ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tag, err := r.d.pool.Exec(ctx, "DELETE FROM "+r.d.table("intel_items")+" WHERE id = $1", string(id))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: item %q", intel.ErrNotFound, id)
	}
	return nil
}

// All implements intel.Repository through a cursor, in ID order.
func (r *IntelRepository) All(ctx context.Context) iter.Seq2[*intel.Item, error] {
	return func(yield func(*intel.Item, error) bool) {
		stream(ctx, r.d, "SELECT id, doc FROM "+r.d.table("intel_items")+" ORDER BY id", nil,
			func(rows pgx.Rows) (*intel.Item, error) {
				var id string
				var data []byte
				if err := rows.Scan(&id, &data); err != nil {
					return nil, err
				}
				return decodeItem(data, id)
			}, yield)
	}
}
