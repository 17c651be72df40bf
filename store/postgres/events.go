package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/jackc/pgx/v5"
)

// EventStore is the journey.EventStore of a DB. It is safe for concurrent use.
type EventStore struct{ d *DB }

var _ journey.EventStore = (*EventStore)(nil)

// Events returns the DB's touchpoint store.
func (d *DB) Events() *EventStore { return &EventStore{d: d} }

// Append implements journey.EventStore. The events are copied into a
// temporary table with COPY and inserted in one statement that takes each
// ID's first occurrence, resolves linked anonymous IDs and skips IDs already
// stored.
func (s *EventStore) Append(ctx context.Context, events ...journey.Event) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if len(events) == 0 {
		return 0, nil
	}
	rows := make([][]any, len(events))
	for i := range events {
		e := &events[i]
		if e.ID == "" {
			return 0, fmt.Errorf("%w: event %d has an empty ID", journey.ErrInvalidEvent, i)
		}
		doc := *e
		doc.CustomerID = "" // the column holds it, and Link changes it
		data, err := json.Marshal(doc)
		if err != nil {
			return 0, fmt.Errorf("%w: event %q: %v", journey.ErrInvalidEvent, e.ID, err)
		}
		rows[i] = []any{int64(i), e.ID, string(e.CustomerID), e.AnonymousID, e.Time.Unix(), int32(e.Time.Nanosecond()), data}
	}
	tx, err := s.d.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE c360_incoming (seq bigint, id text COLLATE "C", customer_id text COLLATE "C",
		anonymous_id text COLLATE "C", ts_sec bigint, ts_nsec integer, doc jsonb) ON COMMIT DROP`); err != nil {
		return 0, err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"c360_incoming"},
		[]string{"seq", "id", "customer_id", "anonymous_id", "ts_sec", "ts_nsec", "doc"}, pgx.CopyFromRows(rows)); err != nil {
		return 0, fmt.Errorf("postgres: append events: %w", err)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO `+s.d.table("events")+` (id, customer_id, anonymous_id, ts_sec, ts_nsec, doc)
		SELECT DISTINCT ON (i.id) i.id,
			CASE WHEN i.customer_id = '' AND l.customer_id IS NOT NULL THEN l.customer_id ELSE i.customer_id END,
			i.anonymous_id, i.ts_sec, i.ts_nsec, i.doc
		FROM c360_incoming i LEFT JOIN `+s.d.table("links")+` l ON l.anonymous_id = i.anonymous_id AND i.anonymous_id <> ''
		ORDER BY i.id, i.seq
		ON CONFLICT (id) DO NOTHING`)
	if err != nil {
		return 0, fmt.Errorf("postgres: append events: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

func decodeEvent(customerID string, data []byte) (journey.Event, error) {
	var e journey.Event
	if err := json.Unmarshal(data, &e); err != nil {
		return e, fmt.Errorf("postgres: stored event does not decode: %w", err)
	}
	e.CustomerID = customer.ID(customerID)
	return e, nil
}

// Get implements journey.EventStore.
func (s *EventStore) Get(ctx context.Context, id string) (journey.Event, error) {
	if err := ctx.Err(); err != nil {
		return journey.Event{}, err
	}
	var cust string
	var data []byte
	err := s.d.pool.QueryRow(ctx, "SELECT customer_id, doc FROM "+s.d.table("events")+" WHERE id = $1", id).Scan(&cust, &data)
	if err == pgx.ErrNoRows {
		return journey.Event{}, journey.ErrNotFound
	}
	if err != nil {
		return journey.Event{}, err
	}
	return decodeEvent(cust, data)
}

// Link implements journey.EventStore: the link and the move of the
// anonymous events happen in one transaction.
func (s *EventStore) Link(ctx context.Context, anonymousID string, id customer.ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if anonymousID == "" || id == "" {
		return journey.ErrInvalidEvent
	}
	tx, err := s.d.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	tag, err := tx.Exec(ctx, "INSERT INTO "+s.d.table("links")+" (anonymous_id, customer_id) VALUES ($1, $2) ON CONFLICT (anonymous_id) DO NOTHING", anonymousID, string(id))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		var prev string
		if err := tx.QueryRow(ctx, "SELECT customer_id FROM "+s.d.table("links")+" WHERE anonymous_id = $1", anonymousID).Scan(&prev); err != nil {
			return err
		}
		if prev != string(id) {
			return fmt.Errorf("%w: anonymous ID %q is linked to %s", journey.ErrConflict, anonymousID, prev)
		}
		return nil
	}
	if _, err := tx.Exec(ctx, "UPDATE "+s.d.table("events")+" SET customer_id = $2 WHERE anonymous_id = $1 AND customer_id = ''", anonymousID, string(id)); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// Resolve implements journey.EventStore.
func (s *EventStore) Resolve(ctx context.Context, anonymousID string) (customer.ID, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var id string
	err := s.d.pool.QueryRow(ctx, "SELECT customer_id FROM "+s.d.table("links")+" WHERE anonymous_id = $1", anonymousID).Scan(&id)
	if err == pgx.ErrNoRows {
		return "", journey.ErrNotFound
	}
	return customer.ID(id), err
}

// Events implements journey.EventStore.
func (s *EventStore) Events(ctx context.Context, id customer.ID, from, to time.Time) iter.Seq2[journey.Event, error] {
	return s.scan(ctx, "customer_id = $1", string(id), from, to)
}

// AnonymousEvents implements journey.EventStore.
func (s *EventStore) AnonymousEvents(ctx context.Context, anonymousID string, from, to time.Time) iter.Seq2[journey.Event, error] {
	return s.scan(ctx, "customer_id = '' AND anonymous_id = $1", anonymousID, from, to)
}

func (s *EventStore) scan(ctx context.Context, where, subject string, from, to time.Time) iter.Seq2[journey.Event, error] {
	return func(yield func(journey.Event, error) bool) {
		if subject == "" {
			return
		}
		conds := []string{where}
		args := []any{subject}
		if !from.IsZero() {
			args = append(args, from.Unix(), int32(from.Nanosecond()))
			conds = append(conds, fmt.Sprintf("(ts_sec, ts_nsec) >= ($%d, $%d)", len(args)-1, len(args)))
		}
		if !to.IsZero() {
			args = append(args, to.Unix(), int32(to.Nanosecond()))
			conds = append(conds, fmt.Sprintf("(ts_sec, ts_nsec) < ($%d, $%d)", len(args)-1, len(args)))
		}
		q := "SELECT customer_id, doc FROM " + s.d.table("events") + " WHERE " + strings.Join(conds, " AND ") + " ORDER BY ts_sec, ts_nsec, id"
		stream(ctx, s.d, q, args, func(rows pgx.Rows) (journey.Event, error) {
			var cust string
			var data []byte
			if err := rows.Scan(&cust, &data); err != nil {
				return journey.Event{}, err
			}
			return decodeEvent(cust, data)
		}, yield)
	}
}

// Customers implements journey.EventStore.
func (s *EventStore) Customers(ctx context.Context) iter.Seq2[customer.ID, error] {
	return func(yield func(customer.ID, error) bool) {
		stream(ctx, s.d, "SELECT DISTINCT customer_id FROM "+s.d.table("events")+" WHERE customer_id <> '' ORDER BY customer_id", nil,
			func(rows pgx.Rows) (customer.ID, error) {
				var id string
				err := rows.Scan(&id)
				return customer.ID(id), err
			}, yield)
	}
}
