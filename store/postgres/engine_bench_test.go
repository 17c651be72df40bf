package postgres

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/synthsource"
	"github.com/c360/c360/quality/match/synth"
	"github.com/jackc/pgx/v5/pgxpool"
)

// BenchmarkEngineUpsert measures Upsert on PostgreSQL and, for scale, on
// the in-memory store: an engine on a fresh store is pre-loaded by Load
// with C360_BENCH_PRELOAD synthetic records (default 100,000; Load also
// estimates the model), then each iteration upserts one more record of the
// same synthetic set (records that join, merge with or found profiles
// among those stored). The set holds C360_BENCH_FRESH records beyond the
// pre-load (default 20,000): run it with -benchtime=Nx, N at most that.
// It reports records/s, the p50 and p99 latency, the CPU time of this
// process per Upsert and, on PostgreSQL, the round trips per Upsert, the
// CPU time of the server's backends per Upsert (from /proc, so for a
// server on this machine) and the median time of a bare round trip
// (SELECT 1) measured just before, which says how loaded the machine was.
//
//	source .ci/postgres.sh && cd store/postgres &&
//	go test -run '^$' -bench EngineUpsert -benchtime 5000x
func BenchmarkEngineUpsert(b *testing.B) {
	pool := testPool(b)
	preload, fresh := envInt(b, "C360_BENCH_PRELOAD", 100_000), envInt(b, "C360_BENCH_FRESH", 20_000)
	recs, _, err := synthsource.Generate(context.Background(), preload+fresh, 3, synth.Japanese)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("store=memory", func(b *testing.B) {
		benchUpsert(b, c360.NewMemoryStore(), recs, preload, nil)
	})
	b.Run("store=postgres", func(b *testing.B) {
		store := freshDB(b, pool).Engine()
		benchUpsert(b, store, recs, preload, pool)
	})
}

// benchUpsert pre-loads recs[:preload] into an engine on store and upserts
// the records after them; pool is the PostgreSQL store's, or nil.
func benchUpsert(b *testing.B, store c360.Store, recs []customer.SourceRecord, preload int, pool *pgxpool.Pool) {
	ctx := context.Background()
	e, err := c360.Open(ctx, c360.Config{Store: store})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	start := time.Now()
	st, err := e.Load(ctx, c360.Records(recs[:preload]))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("pre-loaded %d records into %d profiles in %v", st.Records, st.Profiles, time.Since(start).Round(time.Millisecond))
	var rt time.Duration
	var trips func() int64
	var before map[int]int64
	if pool != nil {
		rt = bareRoundTrip(b, pool)
		pg := store.(*EngineStore)
		trips = pg.roundTrips.Load
		before = serverCPU(b, pool)
	}
	next := recs[preload:]
	lat := make([]time.Duration, 0, len(next))
	var trips0 int64
	if trips != nil {
		trips0 = trips()
	}
	cpu := processCPU()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if i == len(next) {
			b.Fatalf("out of records after %d: use -benchtime=%dx or less, or raise C360_BENCH_FRESH", i, len(next))
		}
		t0 := time.Now()
		if _, err := e.Upsert(ctx, next[i]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		i++
	}
	elapsed := b.Elapsed()
	b.StopTimer()
	cpu = processCPU() - cpu
	slices.Sort(lat)
	n := float64(len(lat))
	b.ReportMetric(n/elapsed.Seconds(), "records/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds()), "p99-µs")
	b.ReportMetric(float64(cpu.Microseconds())/n, "client-cpu-µs/op")
	if pool == nil {
		return
	}
	b.ReportMetric(float64(trips()-trips0)/n, "round-trips/op")
	if server := serverCPUSince(b, pool, before); server >= 0 {
		b.ReportMetric(float64(server.Microseconds())/n, "server-cpu-µs/op")
	}
	b.ReportMetric(float64(rt.Microseconds()), "bare-rt-µs")
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// bareRoundTrip returns the median time of SELECT 1 on one connection.
func bareRoundTrip(b *testing.B, pool *pgxpool.Pool) time.Duration {
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	ds := make([]time.Duration, 300)
	for i := range ds {
		t0 := time.Now()
		var x int
		if err := conn.QueryRow(ctx, "SELECT 1").Scan(&x); err != nil {
			b.Fatal(err)
		}
		ds[i] = time.Since(t0)
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// processCPU returns the user and system CPU time of this process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU returns the CPU ticks (1/100 s) of each of the server's
// backends on this database, read from /proc (so only for a server on this
// machine), or nil.
func serverCPU(b *testing.B, pool *pgxpool.Pool) map[int]int64 {
	rows, err := pool.Query(context.Background(), "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
	if err != nil {
		b.Fatal(err)
	}
	var pids []int
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			b.Fatal(err)
		}
		pids = append(pids, pid)
	}
	rows.Close()
	out := map[int]int64{}
	for _, pid := range pids {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return nil
		}
		// utime and stime are fields 14 and 15; the command (field 2) is in
		// parentheses and may hold spaces.
		f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
		if len(f) < 13 {
			return nil
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		out[pid] = u + s
	}
	return out
}

// serverCPUSince returns the server's backends' CPU time since the
// reading before (a backend that exited meanwhile is missed, which the
// pool's long-lived connections make rare), or -1 if /proc cannot say.
func serverCPUSince(b *testing.B, pool *pgxpool.Pool, before map[int]int64) time.Duration {
	now := serverCPU(b, pool)
	if before == nil || now == nil {
		return -1
	}
	var ticks int64
	for pid, t := range now {
		ticks += t - before[pid]
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ is 100 on Linux
}
