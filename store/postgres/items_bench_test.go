package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/c360/c360"
)

// benchGroups groups of benchGroupSize items are stored before the item
// benchmarks run.
const benchGroups, benchGroupSize = 5000, 20

func benchItemsStore(b *testing.B) *EngineStore {
	b.Helper()
	s := freshDB(b, testPool(b)).Engine()
	// Straight into the table (the store's Put is measured below, not
	// here): groups person-000000 … of keys 000…0 … with 64-byte values,
	// as the benchmarks' Scan reads them; and, for the Track pattern, one
	// anonymous ID linked to each person with 5 events of its own.
	t := s.d.table("engine_items")
	for _, q := range []string{
		"INSERT INTO " + t + " SELECT 'events'::bytea, convert_to('person-' || lpad(g::text, 6, '0'), 'UTF8'), " +
			"convert_to(lpad(k::text, 20, '0'), 'UTF8'), convert_to(repeat('x', 64), 'UTF8') FROM generate_series(0, $1::int - 1) g, generate_series(0, $2::int - 1) k",
		"INSERT INTO " + t + " SELECT 'anonof'::bytea, convert_to('person-' || lpad(g::text, 6, '0'), 'UTF8'), " +
			"convert_to('cookie-' || g::text, 'UTF8'), ''::bytea FROM generate_series(0, $1::int - 1) g WHERE $2::int > 0",
		"INSERT INTO " + t + " SELECT 'events'::bytea, convert_to('anon-cookie-' || g::text, 'UTF8'), " +
			"convert_to(lpad(k::text, 20, '0'), 'UTF8'), convert_to(repeat('y', 64), 'UTF8') FROM generate_series(0, $1::int - 1) g, generate_series(0, 4) k WHERE $2::int > 0",
		"ANALYZE " + t,
	} {
		args := []any{benchGroups, benchGroupSize}
		if q[:7] == "ANALYZE" {
			args = nil
		}
		if _, err := s.d.pool.Exec(context.Background(), q, args...); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func benchGroup(g int) string { return fmt.Sprintf("person-%06d", g) }

// latencies reports the p50 and p99 of ds, the round trips per op (a
// View's ROLLBACK included) and the median time of a bare round trip
// (SELECT 1), which says how loaded the machine was.
func latencies(b *testing.B, ds []time.Duration, s *EngineStore, trips0 int64) {
	b.StopTimer()
	defer b.StartTimer()
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(ds[min(len(ds)-1, len(ds)*99/100)].Microseconds()), "p99-µs")
	b.ReportMetric(float64(s.roundTrips.Load()-trips0)/float64(len(ds)), "round-trips/op")
	b.ReportMetric(float64(bareRoundTrip(b, s.d.pool).Microseconds()), "bare-rt-µs")
}

// BenchmarkItemPutGet is one Update that reads an item and writes it back
// (the read-modify-write of a counter), on a table of 100,000 items.
//
//	source .ci/postgres.sh && cd store/postgres &&
//	go test -run '^$' -bench 'Item' -benchtime 2000x
func BenchmarkItemPutGet(b *testing.B) {
	s := benchItemsStore(b)
	val := make([]byte, 64)
	var ds []time.Duration
	trips0 := s.roundTrips.Load()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		group := benchGroup(i % benchGroups)
		i++
		t0 := time.Now()
		err := s.Update(b.Context(), func(tx c360.Tx) error {
			if _, err := tx.Get("events", group, "counter"); err != nil && !errors.Is(err, c360.ErrNotFound) {
				return err
			}
			return tx.Put("events", group, "counter", val)
		})
		if err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
	}
	latencies(b, ds, s, trips0)
}

// BenchmarkItemScan reads one 20-item group in a View.
func BenchmarkItemScan(b *testing.B) {
	s := benchItemsStore(b)
	var ds []time.Duration
	trips0 := s.roundTrips.Load()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		group := benchGroup(i % benchGroups)
		i++
		n := 0
		t0 := time.Now()
		err := s.View(b.Context(), func(tx c360.ReadTx) error {
			for _, err := range tx.Scan("events", group) {
				if err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
		if n != benchGroupSize {
			b.Fatalf("scanned %d items, want %d", n, benchGroupSize)
		}
	}
	latencies(b, ds, s, trips0)
}

// BenchmarkItemGroups lists the 10,000 groups of a bucket of 125,000 items
// (a whole-state pass); it reports the time per group.
func BenchmarkItemGroups(b *testing.B) {
	s := benchItemsStore(b)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := s.View(b.Context(), func(tx c360.ReadTx) error {
			for _, err := range tx.Groups("events", "") {
				if err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != 2*benchGroups {
			b.Fatalf("listed %d groups, want %d", n, 2*benchGroups)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2*benchGroups), "ns/group")
}

// BenchmarkItemTrackPattern is the item traffic of one tracked event as the
// engine makes it: read the person's live state, the anonymous IDs linked
// to their record, the events of the record and of each anonymous ID (20 +
// 5), then write the new event and the new state, in one Update. With
// prefetch=false every read is its own round trip; with prefetch=true the
// reads are announced with Prefetch and go in two round trips (the second
// waits for the anonymous IDs), which is what an optional batch-read
// extension of c360.ReadTx would let the engine do.
func BenchmarkItemTrackPattern(b *testing.B) {
	s := benchItemsStore(b)
	val := make([]byte, 64)
	for _, prefetch := range []bool{false, true} {
		b.Run(fmt.Sprintf("prefetch=%t", prefetch), func(b *testing.B) {
			var ds []time.Duration
			trips0 := s.roundTrips.Load()
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				person := benchGroup(i % benchGroups)
				i++
				t0 := time.Now()
				err := s.Update(b.Context(), func(tx c360.Tx) error {
					pt := tx.(*engineTx)
					if prefetch {
						pt.Prefetch("state", person, "")
						pt.Prefetch("anonof", person)
					}
					if _, err := tx.Get("state", person, ""); err != nil && !errors.Is(err, c360.ErrNotFound) {
						return err
					}
					anchors := []string{person}
					for it, err := range tx.Scan("anonof", person) {
						if err != nil {
							return err
						}
						anchors = append(anchors, "anon-"+it.Key)
					}
					if prefetch {
						for _, a := range anchors {
							pt.Prefetch("events", a)
						}
					}
					n := 0
					for _, a := range anchors {
						for _, err := range tx.Scan("events", a) {
							if err != nil {
								return err
							}
							n++
						}
					}
					if n < benchGroupSize+5 {
						return fmt.Errorf("read %d events of %s, want at least %d", n, person, benchGroupSize+5)
					}
					if err := tx.Put("events", person, fmt.Sprintf("%020d-%d", n, i), val); err != nil {
						return err
					}
					return tx.Put("state", person, "", val)
				})
				if err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(t0))
			}
			latencies(b, ds, s, trips0)
		})
	}
}
