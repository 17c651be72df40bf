// Package postgres keeps c360's state in PostgreSQL through pgx
// (github.com/jackc/pgx/v5): the engine's state (c360.Store, so that
// engines in several processes share one identity state), customer
// profiles (customer.Store), touchpoints (journey.EventStore) and
// intelligence items (intel.Repository). It is a nested module, so that
// importing the SDK never brings in a database driver.
//
//	pool, err := pgxpool.New(ctx, "postgres://c360@localhost/c360")
//	...
//	db := postgres.New(pool, postgres.Config{}) // schema "c360"
//	if err := db.Migrate(ctx); err != nil { ... } // explicit, idempotent
//	engine, err := c360.Open(ctx, c360.Config{Store: db.Engine()}) // c360.Store
//	profiles := db.Profiles() // customer.Store
//	events := db.Events()     // journey.EventStore
//	items := db.Intel()       // intel.Repository
//
// # The engine's state
//
// Engine returns the c360.Store: links, index keys, profiles, merges,
// reviews, never-merge constraints, the change log, metadata and the items
// of the live state (c360.ItemStore, in engine_items, all bytea so that any
// byte is kept and order is byte-wise), in the engine_* tables. Its Updates are serialised across every process on the
// schema by a transaction-scoped advisory lock, taken before anything is
// read, so two replicas never both create a profile for one person, and
// change-log cursors (the largest so far plus one, assigned under the lock)
// follow commit order without gaps. An Upsert costs one round trip per
// read the engine makes that the transaction has not already answered
// (its record's link, one per index key, a profile it joins, the check of
// a new profile ID) plus one for COMMIT, which carries all the writes: the
// writes are queued and pipelined with the next read. A View is a
// REPEATABLE READ READ ONLY transaction. Because Updates are serialised,
// throughput is one Update at a time per schema, whatever the number of
// replicas: replicas buy availability, not write throughput.
//
// # What it does
//
// Migrations are embedded SQL, applied explicitly by Migrate in one
// transaction and recorded in schema_migrations. Records are JSON documents
// (jsonb) beside the columns that are queried: profile identifiers in their
// own indexed table for Lookup, event customer, anonymous ID and exact time
// (seconds and nanoseconds, so no precision is lost) under indexes that
// serve per-customer time ranges in order. Every write is one transaction.
// Put is optimistic on the version column: a stale write changes nothing
// and returns an error wrapping the package's ErrConflict. Append loads
// events with COPY into a temporary table and inserts them in one statement
// that skips IDs already stored. Streams read through server-side cursors
// in batches, in a read-only transaction that they release when the caller
// breaks; they hold a pool connection meanwhile, so a loop body that calls
// the store uses a second connection (size the pool accordingly).
//
// All four stores are safe for concurrent use.
//
// # Distributed engines
//
// The schema uses only plain tables, b-tree indexes (two partial), jsonb,
// COPY and the "C" collation, which the PostgreSQL-compatible distributed
// engines (CockroachDB, YugabyteDB, Citus) accept. It was tested on
// PostgreSQL 15 only; the others are untested. On Citus, distribute events by
// customer_id and expect Link to move rows between shards.
// The engine store needs more: its Updates are serialised only by
// pg_advisory_xact_lock, and on an engine where that function does not
// lock (check yours), replicas would race and create duplicate profiles.
package postgres

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Config configures a DB. The zero value uses the schema "c360".
type Config struct {
	// Schema holds the tables; "" means "c360". One database can hold
	// several independent c360 stores in different schemas.
	Schema string
}

// DB is c360's storage in one PostgreSQL schema.
type DB struct {
	pool   *pgxpool.Pool
	name   string // the schema's name
	schema string // quoted identifier
}

// New returns the stores in the configured schema of pool's database. It
// does not touch the database; call Migrate once before use.
func New(pool *pgxpool.Pool, cfg Config) *DB {
	s := cfg.Schema
	if s == "" {
		s = "c360"
	}
	return &DB{pool: pool, name: s, schema: pgx.Identifier{s}.Sanitize()}
}

// table returns the qualified name of a table.
func (d *DB) table(name string) string { return d.schema + "." + name }

// Migrate creates the schema if needed and applies, in order and in one
// transaction, every embedded migration not yet recorded in
// schema_migrations. It is safe to call on every start.
func (d *DB) Migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	tx, err := d.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer tx.Rollback(ctx)
	// Serialise concurrent migrators on this schema.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", "c360:"+d.schema); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	for _, stmt := range []string{
		"CREATE SCHEMA IF NOT EXISTS " + d.schema,
		"CREATE TABLE IF NOT EXISTS " + d.table("schema_migrations") + " (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
	} {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("postgres: migrate: %w", err)
		}
	}
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("postgres: migration %s: name must start with its number", base)
		}
		var done bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+d.table("schema_migrations")+" WHERE version = $1)", num).Scan(&done); err != nil {
			return fmt.Errorf("postgres: migrate: %w", err)
		}
		if done {
			continue
		}
		src, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tmpl, err := template.New(base).Parse(string(src))
		if err != nil {
			return fmt.Errorf("postgres: migration %s: %w", base, err)
		}
		var sql bytes.Buffer
		if err := tmpl.Execute(&sql, map[string]string{"S": d.schema}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sql.String()); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", base, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO "+d.table("schema_migrations")+" (version) VALUES ($1)", num); err != nil {
			return fmt.Errorf("postgres: migrate: %w", err)
		}
	}
	return tx.Commit(ctx)
}

// DropSchema removes the schema and everything in it. Tests use it to clean
// up; it is irreversible.
func (d *DB) DropSchema(ctx context.Context) error {
	_, err := d.pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+d.schema+" CASCADE")
	return err
}

// fetchSize is how many rows a cursor fetch returns.
const fetchSize = 500

// stream runs query in a read-only transaction through a server-side
// cursor, fetching fetchSize rows at a time, decoding each batch with decode
// and only then yielding it, so no result set is open while the caller's
// loop body runs. An error is yielded once, last.
func stream[T any](ctx context.Context, d *DB, query string, args []any, decode func(pgx.Rows) (T, error), yield func(T, error) bool) {
	var zero T
	fail := func(err error) { yield(zero, err) }
	tx, err := d.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		fail(err)
		return
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "DECLARE c360_cursor NO SCROLL CURSOR FOR "+query, args...); err != nil {
		fail(err)
		return
	}
	batch := make([]T, 0, fetchSize)
	for {
		// The simple protocol: pgx would otherwise cache one result shape for
		// the FETCH text, which differs from cursor to cursor.
		rows, err := tx.Query(ctx, "FETCH "+strconv.Itoa(fetchSize)+" FROM c360_cursor", pgx.QueryExecModeSimpleProtocol)
		if err != nil {
			fail(err)
			return
		}
		batch = batch[:0]
		for rows.Next() {
			v, err := decode(rows)
			if err != nil {
				rows.Close()
				fail(err)
				return
			}
			batch = append(batch, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			fail(err)
			return
		}
		for _, v := range batch {
			if err := ctx.Err(); err != nil {
				fail(err)
				return
			}
			if !yield(v, nil) {
				return
			}
		}
		if len(batch) < fetchSize {
			return
		}
	}
}
