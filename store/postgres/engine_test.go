package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/c360test"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/synthsource"
	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/quality/match/synth"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"
)

// reopen returns the same schema's DB through a new pool, as another
// process would open it.
func reopen(t testing.TB, d *DB) *DB {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), os.Getenv("C360_POSTGRES_URL"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return New(pool, Config{Schema: d.name})
}

func TestEngineStoreConformance(t *testing.T) {
	pool := testPool(t)
	c360test.RunConfig(t, func(t *testing.T) c360.Store { return freshDB(t, pool).Engine() }, c360test.Config{
		Reopen: func(t *testing.T, s c360.Store) c360.Store {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return reopen(t, s.(*EngineStore).d).Engine()
		},
	})
}

// clusters returns the engine's profiles as sorted record-key lists.
func clusters(t testing.TB, e *c360.Engine) []string { return c360test.Clusters(t, e) }

func openEngine(t testing.TB, cfg c360.Config) *c360.Engine {
	t.Helper()
	e, err := c360.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// synthModel returns n synthetic records and the model that Load estimates
// from the first 500 of them in memory.
func synthModel(t testing.TB, n int) ([]customer.SourceRecord, c360.Config) {
	t.Helper()
	recs, _, err := synthsource.Generate(context.Background(), n, 3, synth.Japanese)
	if err != nil {
		t.Fatal(err)
	}
	batch := openEngine(t, c360.Config{})
	if _, err := batch.Load(context.Background(), c360.Records(recs[:min(500, n)])); err != nil {
		t.Fatal(err)
	}
	return recs, c360.Config{Match: match.Config{Model: batch.Model()}}
}

// TestEngineReplicas feeds the same synthetic records, split and
// interleaved, to two Engines on one database (two pools, as two processes
// would have) from four goroutines at once, and compares their profiles with
// one Engine that upserts the records serially in input order: the engine
// resolves profiles canonically (the order in which records arrive does not
// matter), and the store serialises the replicas' updates, so the clusters
// must be exactly the same — no person with two profiles, no record lost.
// It takes 20,000 records; 4,000 under the race detector (which would take
// this one past the test timeout) and 2,000 with -short.
func TestEngineReplicas(t *testing.T) {
	pool := testPool(t)
	n := 20000
	switch {
	case testing.Short():
		n = 2000
	case raceEnabled:
		n = 4000
	}
	recs, cfg := synthModel(t, n)
	db := freshDB(t, pool)
	a, b := cfg, cfg
	a.Store, b.Store = db.Engine(), reopen(t, db).Engine()
	replicas := []*c360.Engine{openEngine(t, a), openEngine(t, b)}
	const workers = 4 // two per engine
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		e := replicas[w%2]
		wg.Go(func() {
			for i := w; i < len(recs); i += workers {
				up, err := e.Upsert(context.Background(), recs[i])
				if err != nil {
					errs <- fmt.Errorf("%s: %w", recs[i].Key(), err)
					return
				}
				if up.Outcome == c360.Unchanged {
					errs <- fmt.Errorf("%s: unchanged, but each record is sent once", recs[i].Key())
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	serial := openEngine(t, cfg)
	for _, r := range recs {
		if _, err := serial.Upsert(t.Context(), r); err != nil {
			t.Fatalf("%s: %v", r.Key(), err)
		}
	}
	want := clusters(t, serial)
	for i, e := range replicas {
		got := clusters(t, e)
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("replica %d: serial upserts in input order (-) and replicated upserts (+) differ:\n%s", i, diff)
		}
		held := 0
		for _, c := range got {
			held += len(strings.Fields(c))
		}
		if held != n {
			t.Errorf("replica %d: the profiles hold %d records, want %d", i, held, n)
		}
	}
	t.Logf("%d records, %d profiles", n, len(want))
}

// TestEngineUpsertWithAcrossReplicas: two engines on one schema through two
// pools, as two processes, add disjoint traits to one record at the same
// time with UpsertWith: every trait is kept, as when the same edits run one
// by one in memory.
func TestEngineUpsertWithAcrossReplicas(t *testing.T) {
	pool := testPool(t)
	db := freshDB(t, pool)
	replicas := []*c360.Engine{openEngine(t, c360.Config{Store: db.Engine()}), openEngine(t, c360.Config{Store: reopen(t, db).Engine()})}
	key := customer.RecordKey{System: "web", RecordID: "u-1"}
	const n = 40
	edit := func(i int) func(*customer.SourceRecord, bool) error {
		return func(r *customer.SourceRecord, existed bool) error {
			r.Name = customer.PersonName{Family: "山田", Given: "太郎"}
			if r.Attributes == nil {
				r.Attributes = map[string]customer.Value{}
			}
			r.Attributes[fmt.Sprintf("traits.t%02d", i)] = customer.IntValue(int64(i))
			return nil
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		e := replicas[i%2]
		wg.Go(func() {
			if _, err := e.UpsertWith(context.Background(), key, customer.KindPerson, edit(i)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	serial := openEngine(t, c360.Config{})
	for i := range n {
		if _, err := serial.UpsertWith(t.Context(), key, customer.KindPerson, edit(i)); err != nil {
			t.Fatal(err)
		}
	}
	stored := func(e *c360.Engine) customer.Facts {
		id, err := e.ProfileOf(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.Get(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := p.Source(key)
		if !ok {
			t.Fatalf("profile %s lacks %s", id, key)
		}
		return s.Facts
	}
	want := stored(serial)
	for i, e := range replicas {
		if diff := gocmp.Diff(want, stored(e)); diff != "" {
			t.Errorf("replica %d: concurrent UpsertWith lost edits (-serial +replicas):\n%s", i, diff)
		}
	}
}

// TestEngineUpdatesSerialisedAcrossPools increments one counter from two
// stores on one schema through two pools, as two processes would: a lost
// increment means two Updates ran at once. (c360test checks one handle,
// which an in-process lock alone would pass.)
func TestEngineUpdatesSerialisedAcrossPools(t *testing.T) {
	pool := testPool(t)
	db := freshDB(t, pool)
	stores := []*EngineStore{db.Engine(), reopen(t, db).Engine()}
	const perStore = 50
	var wg sync.WaitGroup
	errs := make(chan error, 2*perStore)
	for _, s := range stores {
		for range perStore {
			wg.Go(func() {
				errs <- s.Update(context.Background(), func(tx c360.Tx) error {
					v, err := tx.Meta("counter")
					if err != nil && !errors.Is(err, c360.ErrNotFound) {
						return err
					}
					n, _ := strconv.Atoi(string(v))
					if _, err := tx.AppendChange(&c360.Change{Kind: c360.ChangeUpdated, Profile: "P"}); err != nil {
						return err
					}
					return tx.PutMeta("counter", []byte(strconv.Itoa(n+1)))
				})
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	err := stores[1].View(t.Context(), func(tx c360.ReadTx) error {
		v, err := tx.Meta("counter")
		if err != nil {
			return err
		}
		if got, want := string(v), strconv.Itoa(2*perStore); got != want {
			t.Errorf("counter = %s after %s increments from two pools: Updates were not serialised", got, want)
		}
		cs, err := tx.Changes(0, 0)
		if err != nil {
			return err
		}
		for i, c := range cs {
			if c.Cursor != c360.Cursor(i+1) {
				t.Errorf("change %d has cursor %d: cursors must follow commit order without gaps", i, c.Cursor)
				break
			}
		}
		if len(cs) != 2*perStore {
			t.Errorf("%d changes, want %d", len(cs), 2*perStore)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEngineViewIsOneSnapshot commits an Update between two reads of one
// View: the second read must not see it.
func TestEngineViewIsOneSnapshot(t *testing.T) {
	pool := testPool(t)
	s := freshDB(t, pool).Engine()
	put := func(v string) {
		t.Helper()
		err := s.Update(t.Context(), func(tx c360.Tx) error {
			if err := tx.PutMeta("a", []byte(v)); err != nil {
				return err
			}
			return tx.PutMeta("b", []byte(v))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put("1")
	var a, b []byte
	err := s.View(t.Context(), func(tx c360.ReadTx) error {
		var err error
		if a, err = tx.Meta("a"); err != nil {
			return err
		}
		put("2") // another connection, committed before the next read
		b, err = tx.Meta("b")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != "1" || string(b) != "1" {
		t.Errorf("a View read a=%s then b=%s across an Update that set both from 1 to 2: not one snapshot", a, b)
	}
}
