package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/customer/customertest"
	"github.com/c360/c360/intel"
	"github.com/c360/c360/intel/inteltest"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/journey/journeytest"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The tests need a PostgreSQL server: set C360_POSTGRES_URL, e.g.
// postgres://postgres@127.0.0.1:54329/postgres. .ci/run starts a throwaway
// one. Without it the tests skip, except in CI (CI=true), where they fail.
func testPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := os.Getenv("C360_POSTGRES_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("C360_POSTGRES_URL is not set in CI: .ci/run should have started a PostgreSQL server")
		}
		t.Skip("no PostgreSQL server configured: set C360_POSTGRES_URL (see .ci/postgres.sh) to run these tests")
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

var schemaSeq atomic.Int64

// freshDB returns a migrated DB in a new schema, dropped after the test.
func freshDB(t testing.TB, pool *pgxpool.Pool) *DB {
	t.Helper()
	name := fmt.Sprintf("c360_test_%d_%d", os.Getpid(), schemaSeq.Add(1))
	db := New(pool, Config{Schema: name})
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.DropSchema(context.Background()) })
	return db
}

func TestProfileStoreConformance(t *testing.T) {
	pool := testPool(t)
	customertest.Run(t, func(t *testing.T) customer.Store { return freshDB(t, pool).Profiles() })
}

func TestEventStoreConformance(t *testing.T) {
	pool := testPool(t)
	journeytest.Run(t, func(t *testing.T) journey.EventStore { return freshDB(t, pool).Events() })
}

func TestIntelRepositoryConformance(t *testing.T) {
	pool := testPool(t)
	inteltest.Run(t, func(t *testing.T) intel.Repository { return freshDB(t, pool).Intel() })
}

func TestPutBatchIsAllOrNothing(t *testing.T) {
	pool := testPool(t)
	s := freshDB(t, pool).Profiles()
	ctx := context.Background()
	a, b := customertest.Profile("a", 1), customertest.Profile("b", 2)
	a.Version, b.Version = 0, 0
	if _, err := s.Put(ctx, b); err != nil {
		t.Fatal(err)
	}
	// b exists already: creating it again conflicts, and a must not be written.
	_, err := s.PutBatch(ctx, []*customer.Profile{a, b})
	if !errors.Is(err, customer.ErrConflict) || !strings.Contains(err.Error(), "profile b") {
		t.Fatalf("PutBatch error = %v, want ErrConflict naming b", err)
	}
	if _, err := s.Get(ctx, "a"); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("profile a was written by a failed batch: %v", err)
	}
	vs, err := s.PutBatch(ctx, []*customer.Profile{a})
	if err != nil || len(vs) != 1 || vs[0] != 1 {
		t.Errorf("PutBatch(a) = %v, %v; want [1]", vs, err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	pool := testPool(t)
	db := freshDB(t, pool)
	for range 2 {
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM "+db.table("schema_migrations")).Scan(&n); err != nil || n != len(names) {
		t.Errorf("schema_migrations has %d rows (%v), want one per migration (%d)", n, err, len(names))
	}
}

// BenchmarkBulkLoad loads 100,000 profiles and 1,000,000 touchpoints (set
// C360_BENCH_SCALE=0.1 for a tenth) and reports rows per second.
func BenchmarkBulkLoad(b *testing.B) {
	pool := testPool(b)
	scale := 1.0
	if s := os.Getenv("C360_BENCH_SCALE"); s != "" {
		fmt.Sscan(s, &scale)
	}
	nProfiles, nEvents := int(100_000*scale), int(1_000_000*scale)
	ctx := context.Background()
	for b.Loop() {
		db := freshDB(b, pool)
		start := time.Now()
		profiles := db.Profiles()
		var pbuf []*customer.Profile
		for i := range nProfiles {
			p := customertest.Profile(customer.ID(fmt.Sprintf("p%07d", i)), i)
			p.Version = 0
			pbuf = append(pbuf, p)
			if len(pbuf) == 1000 || i == nProfiles-1 {
				if _, err := profiles.PutBatch(ctx, pbuf); err != nil {
					b.Fatal(err)
				}
				pbuf = pbuf[:0]
			}
		}
		pt := time.Since(start)
		start = time.Now()
		events := db.Events()
		const batch = 10_000
		buf := make([]journey.Event, 0, batch)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range nEvents {
			buf = append(buf, journey.Event{ID: fmt.Sprintf("e%08d", i), CustomerID: customer.ID(fmt.Sprintf("p%07d", i%max(nProfiles, 1))),
				Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: base.Add(time.Duration(i) * time.Second)})
			if len(buf) == batch || i == nEvents-1 {
				if _, err := events.Append(ctx, buf...); err != nil {
					b.Fatal(err)
				}
				buf = buf[:0]
			}
		}
		et := time.Since(start)
		b.ReportMetric(float64(nProfiles)/pt.Seconds(), "profiles/s")
		b.ReportMetric(float64(nEvents)/et.Seconds(), "events/s")
	}
}
