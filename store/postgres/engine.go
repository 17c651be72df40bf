package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"sync/atomic"

	"github.com/c360/c360"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// EngineStore is the c360.Store of a DB: the state of a c360.Engine (links,
// index keys, profiles, merges, reviews, never-merge constraints, the
// change log, metadata and items) in the engine_* tables of the DB's schema.
// Engines in several processes that open EngineStores on one schema share
// that state. It is safe for concurrent use.
//
// Update runs fn in a READ COMMITTED transaction that first takes the
// schema's transaction-scoped advisory lock, so Updates are serialised
// across every process on the schema, and every read inside fn (taken
// after the lock) sees every earlier Update. Writes are queued and sent
// with the transaction's next read or with its COMMIT, pipelined in one
// round trip; values written or read in the transaction are remembered,
// so a read of them costs none. Reading an index key's candidates also
// fetches their links and never-merge constraints, and reading a profile
// fetches the merge of its ID, which the engine asks for next. View runs
// fn in a REPEATABLE READ READ ONLY transaction: one snapshot.
type EngineStore struct {
	d      *DB
	lock   int64         // the schema's advisory lock key
	writer chan struct{} // serialises this process's Updates before they take a connection
	closed atomic.Bool
	// roundTrips counts the batches sent to the server, for benchmarks.
	roundTrips atomic.Int64
	sql        engineSQL
}

var _ c360.Store = (*EngineStore)(nil)

// Engine returns the DB's engine store, for c360.Config.Store. Call
// Migrate once before use. Close marks the store closed; it does not close
// the pool, which belongs to the caller.
func (d *DB) Engine() *EngineStore {
	h := fnv.New64a()
	h.Write([]byte("c360 engine\x00" + d.schema))
	return &EngineStore{d: d, lock: int64(h.Sum64()), writer: make(chan struct{}, 1), sql: newEngineSQL(d)}
}

// Close marks the store closed: later calls fail with an error wrapping
// c360.ErrClosed. Transactions in progress finish.
func (s *EngineStore) Close() error {
	s.closed.Store(true)
	return nil
}

func (s *EngineStore) check(ctx context.Context) error {
	if s.closed.Load() {
		return fmt.Errorf("postgres: engine store: %w", c360.ErrClosed)
	}
	return ctx.Err()
}

// Update runs fn in a serialised read-write transaction (see EngineStore).
func (s *EngineStore) Update(ctx context.Context, fn func(c360.Tx) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	select {
	case s.writer <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.writer }()
	conn, err := s.d.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: engine store: %w", err)
	}
	defer conn.Release()
	t := newEngineTx(ctx, s, conn.Conn(), true)
	defer t.end()
	// READ COMMITTED on purpose: each statement sees what was committed
	// before it ran, so reads after the lock see every earlier Update. (A
	// REPEATABLE READ snapshot would be taken by the lock statement itself,
	// before the lock is granted, and miss the Update that held it.)
	t.batch.Queue("BEGIN ISOLATION LEVEL READ COMMITTED")
	t.batch.Queue("SELECT pg_advisory_xact_lock($1::bigint)", s.lock)
	t.batch.Queue(s.sql.maxCursor).QueryRow(func(r pgx.Row) error { return r.Scan(&t.last) })
	if err := fn(t); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.err != nil {
		return t.err
	}
	var tag string
	t.batch.Queue("COMMIT").Exec(func(ct pgconn.CommandTag) error { tag = ct.String(); return nil })
	if err := t.send(); err != nil {
		return err
	}
	if tag != "COMMIT" {
		return fmt.Errorf("postgres: engine store: the transaction did not commit (%q)", tag)
	}
	t.committed = true
	return nil
}

// View runs fn on one consistent snapshot.
func (s *EngineStore) View(ctx context.Context, fn func(c360.ReadTx) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	conn, err := s.d.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: engine store: %w", err)
	}
	defer conn.Release()
	t := newEngineTx(ctx, s, conn.Conn(), false)
	defer t.end()
	t.batch.Queue("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
	if err := fn(t); err != nil {
		return err
	}
	if t.err != nil {
		return t.err
	}
	return ctx.Err()
}

// engineSQL are the engine store's statements, with the schema filled in.
type engineSQL struct {
	maxCursor, link, candidates, profile, review, meta, changes, profiles, reviews string

	putLink, deleteLink, addKeys, removeKeys, putProfile, deleteProfile string
	putMerge, deleteMerge, putReview, deleteReview, addNever, putChange string
	putMeta                                                             string
	removeNever, replaceChange, deleteChange                            string

	items itemSQL
}

func newEngineSQL(d *DB) engineSQL {
	t := d.table
	// never lists the records a record must never share a profile with, as
	// two arrays in the order of the contract (system, then record ID).
	never := func(sys, id string) string {
		return "(SELECT array_agg(n.other_system ORDER BY n.other_system, n.other_record_id), " +
			"array_agg(n.other_record_id ORDER BY n.other_system, n.other_record_id) FROM " + t("engine_never") +
			" n WHERE n.system = " + sys + " AND n.record_id = " + id + ")"
	}
	return engineSQL{
		maxCursor: "SELECT coalesce(max(cursor), 0) FROM " + t("engine_changes"),
		link: "SELECT (SELECT doc FROM " + t("engine_links") + " WHERE system = $1::text AND record_id = $2::text), nv.* FROM " +
			never("$1::text", "$2::text") + " nv",
		candidates: "SELECT k.system, k.record_id, l.doc, nv.* FROM (SELECT system, record_id, seq FROM " + t("engine_keys") +
			" WHERE key = $1::text ORDER BY seq DESC LIMIT $2::bigint) k LEFT JOIN " + t("engine_links") +
			" l ON l.system = k.system AND l.record_id = k.record_id LEFT JOIN LATERAL " + never("k.system", "k.record_id") +
			" nv ON true ORDER BY k.seq",
		profile: "SELECT (SELECT doc FROM " + t("engine_profiles") + " WHERE id = $1::text), (SELECT doc FROM " +
			t("engine_merges") + " WHERE absorbed = $1::text)",
		review:   "SELECT doc FROM " + t("engine_reviews") + " WHERE id = $1::text",
		meta:     "SELECT value FROM " + t("engine_meta") + " WHERE name = $1::text",
		changes:  "SELECT cursor, doc FROM " + t("engine_changes") + " WHERE cursor > $1::bigint ORDER BY cursor LIMIT $2::bigint",
		profiles: "SELECT id, doc FROM " + t("engine_profiles") + " WHERE id > $1::text ORDER BY id LIMIT $2::bigint",
		reviews:  "SELECT id, doc FROM " + t("engine_reviews") + " WHERE id > $1::text ORDER BY id LIMIT $2::bigint",

		putLink: "INSERT INTO " + t("engine_links") + " (system, record_id, profile, doc) VALUES ($1::text, $2::text, $3::text, $4::jsonb) " +
			"ON CONFLICT (system, record_id) DO UPDATE SET profile = excluded.profile, doc = excluded.doc",
		deleteLink: "DELETE FROM " + t("engine_links") + " WHERE system = $1::text AND record_id = $2::text",
		addKeys: "INSERT INTO " + t("engine_keys") + " (key, system, record_id) SELECT k, $2::text, $3::text FROM " +
			"(SELECT k, min(o) AS o FROM unnest($1::text[]) WITH ORDINALITY AS u (k, o) GROUP BY k) d ORDER BY o ON CONFLICT DO NOTHING",
		removeKeys: "DELETE FROM " + t("engine_keys") + " WHERE key = ANY($1::text[]) AND system = $2::text AND record_id = $3::text",
		putProfile: "INSERT INTO " + t("engine_profiles") + " (id, doc) VALUES ($1::text, $2::jsonb) " +
			"ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
		deleteProfile: "DELETE FROM " + t("engine_profiles") + " WHERE id = $1::text",
		putMerge: "INSERT INTO " + t("engine_merges") + " (absorbed, survivor, doc) VALUES ($1::text, $2::text, $3::jsonb) " +
			"ON CONFLICT (absorbed) DO UPDATE SET survivor = excluded.survivor, doc = excluded.doc",
		deleteMerge: "DELETE FROM " + t("engine_merges") + " WHERE absorbed = $1::text",
		putReview: "INSERT INTO " + t("engine_reviews") + " (id, doc) VALUES ($1::text, $2::jsonb) " +
			"ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
		deleteReview: "DELETE FROM " + t("engine_reviews") + " WHERE id = $1::text",
		addNever: "INSERT INTO " + t("engine_never") + " (system, record_id, other_system, other_record_id) VALUES " +
			"($1::text, $2::text, $3::text, $4::text), ($3::text, $4::text, $1::text, $2::text) ON CONFLICT DO NOTHING",
		putChange: "INSERT INTO " + t("engine_changes") + " (cursor, doc) VALUES ($1::bigint, $2::jsonb)",
		removeNever: "DELETE FROM " + t("engine_never") + " WHERE (system, record_id, other_system, other_record_id) IN " +
			"(($1::text, $2::text, $3::text, $4::text), ($3::text, $4::text, $1::text, $2::text))",
		replaceChange: "UPDATE " + t("engine_changes") + " SET doc = $2::jsonb WHERE cursor = $1::bigint RETURNING cursor",
		deleteChange:  "DELETE FROM " + t("engine_changes") + " WHERE cursor = $1::bigint RETURNING cursor",
		putMeta: "INSERT INTO " + t("engine_meta") + " (name, value) VALUES ($1::text, $2::bytea) " +
			"ON CONFLICT (name) DO UPDATE SET value = excluded.value",
		items: newItemSQL(d),
	}
}

func encode(what string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %s does not encode: %w", c360.ErrInvalid, what, err)
	}
	return b, nil
}

func decode[T any](what string, b []byte) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("postgres: engine store: stored %s does not decode: %w", what, err)
	}
	return v, nil
}

var errTxDone = errors.New("postgres: engine store: transaction used outside its Update or View")
