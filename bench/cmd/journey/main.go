// Command journey compares package journey with DuckDB and SQLite on the
// same generated data, in one run, and checks that they agree:
//
//   - an ordered 5-step funnel with a 30-day window over 10,000,000
//     touchpoints of 1,000,000 customers, and the cost of 1 to 5 steps
//     (SQLite takes minutes to load and query 10M rows; -sqlite-events
//     1000000 runs all three on the histories of a tenth of the customers);
//   - the send-eligibility decision with 10 frequency caps, consent and a
//     suppression list against the same check as one indexed SQLite query.
//
// It prints one line per comparison:
//
//	NAME ours_ms=… duckdb_ms=… sqlite_ms=… ratio_duckdb=… ratio_sqlite=…
//
// where a ratio is the peer's time over ours and "-" marks a peer not run.
// Times are the best of -runs runs. Run it from the bench folder:
//
//	go run ./cmd/journey                          # about 8 minutes
//	go run ./cmd/journey -events 1000000 -customers 100000 -sqlite-events 1000000   # quicker
//
// CPU times of all threads (DuckDB's included) go to standard error beside
// the wall times: on a shared machine they are the steadier measure.
package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/duckdb/duckdb-go/v2"
	_ "modernc.org/sqlite"
)

// The touchpoint types of the generated data; the funnel uses the first
// five, in this order.
var types = []journey.Type{
	journey.TypeAdClick, journey.TypeWebVisit, journey.TypeSignUp, journey.TypeEmailClick, journey.TypeOnlinePurchase,
	journey.TypeEmailOpen, journey.TypeChat, journey.TypeServiceCall, journey.TypeStorePurchase, journey.TypeCouponRedeemed,
}

const window = 30 * 24 * time.Hour

type data struct {
	cust []int32
	typ  []int8
	ts   []int64 // Unix seconds
}

// generate returns n touchpoints of c customers, deterministic for a seed.
// Each customer's touchpoints follow one another with exponential gaps
// (mean 2 days, so the 30-day window matters); 35% are of types outside the
// funnel, the rest drift from the first funnel step to the last along the
// customer's sequence, with noise, so every step has customers and the
// order is often broken. The rows are then shuffled.
func generate(n, c int, seed uint64) *data {
	rng := rand.New(rand.NewPCG(seed, 0x6a6f75726e6579))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	d := &data{cust: make([]int32, n), typ: make([]int8, n), ts: make([]int64, n)}
	i := 0
	for cu := range c {
		m := n / c
		if cu < n%c {
			m++
		}
		t := start + rng.Int64N(150*24*3600)
		for j := range m {
			t += int64(rng.ExpFloat64() * 2 * 24 * 3600)
			var ty int
			if rng.IntN(100) < 35 {
				ty = 5 + rng.IntN(5)
			} else {
				ty = j*5/m + rng.IntN(3) - 1
				ty = max(0, min(4, ty))
			}
			d.cust[i], d.typ[i], d.ts[i] = int32(cu), int8(ty), t
			i++
		}
	}
	rng.Shuffle(n, func(a, b int) {
		d.cust[a], d.cust[b] = d.cust[b], d.cust[a]
		d.typ[a], d.typ[b] = d.typ[b], d.typ[a]
		d.ts[a], d.ts[b] = d.ts[b], d.ts[a]
	})
	return d
}

func (d *data) columns(customers int) *journey.Columns {
	var c journey.Columns
	c.Grow(len(d.cust))
	codes := make([]int32, len(types))
	for i, t := range types {
		codes[i] = c.TypeCode(t)
	}
	cust := make([]int32, customers)
	for i := range cust {
		cust[i] = c.Customer(customer.ID(fmt.Sprintf("c%07d", i)))
	}
	g := c.GroupCode("")
	for i := range d.cust {
		c.AppendNanos(cust[d.cust[i]], codes[d.typ[i]], d.ts[i]*1e9, g)
	}
	return &c
}

// cpuTime returns the user+system CPU time of the whole process so far,
// DuckDB's threads included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// lastCPU is the best CPU time of the last call of best.
var lastCPU time.Duration

// best runs f runs times and returns the best wall time and f's last
// result; it leaves the best CPU time in lastCPU.
func best(runs int, f func() ([]int, error)) (time.Duration, []int, error) {
	var bestD time.Duration
	var out []int
	for r := range runs {
		runtime.GC()
		t, c := time.Now(), cpuTime()
		counts, err := f()
		d, cd := time.Since(t), cpuTime()-c
		if err != nil {
			return 0, nil, err
		}
		if r == 0 || d < bestD {
			bestD = d
		}
		if r == 0 || cd < lastCPU {
			lastCPU = cd
		}
		out = counts
	}
	return bestD, out, nil
}

func ours(ctx context.Context, cols *journey.Columns, k int) func() ([]int, error) {
	return func() ([]int, error) {
		f := journey.Funnel{Steps: types[:k], Window: window}
		r, err := f.RunColumns(ctx, cols)
		if err != nil {
			return nil, err
		}
		out := make([]int, k)
		for i, s := range r.Steps {
			out[i] = s.Customers
		}
		return out, nil
	}
}

// funnelSQL writes the funnel as SQL: for every step-1 event the earliest
// later event of each next step within the window (the earliest choice is
// optimal for a fixed start), then customers per step. correlated chooses
// scalar subqueries (SQLite, which uses the index) over joins (DuckDB).
func funnelSQL(k int, correlated bool) string {
	w := int64(window / time.Second)
	var b strings.Builder
	b.WriteString("WITH s1 AS MATERIALIZED (SELECT DISTINCT cid, ts AS t1, ts AS p FROM ev WHERE typ = 0)")
	for j := 2; j <= k; j++ {
		if correlated {
			fmt.Fprintf(&b, ",\ns%d AS MATERIALIZED (SELECT cid, t1, p FROM (SELECT cid, t1, (SELECT MIN(e.ts) FROM ev e WHERE e.cid = s.cid AND e.typ = %d AND e.ts > s.p AND e.ts <= s.t1 + %d) AS p FROM s%d s) WHERE p IS NOT NULL)",
				j, j-1, w, j-1)
		} else {
			fmt.Fprintf(&b, ",\ns%d AS MATERIALIZED (SELECT s.cid, s.t1, MIN(e.ts) AS p FROM s%d s JOIN ev e ON e.cid = s.cid AND e.typ = %d AND e.ts > s.p AND e.ts <= s.t1 + %d GROUP BY s.cid, s.t1)",
				j, j-1, j-1, w)
		}
	}
	b.WriteString("\nSELECT ")
	for j := 1; j <= k; j++ {
		if j > 1 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(SELECT COUNT(DISTINCT cid) FROM s%d)", j)
	}
	return b.String()
}

func querySQL(ctx context.Context, db *sql.DB, k int, correlated bool) func() ([]int, error) {
	q := funnelSQL(k, correlated)
	return func() ([]int, error) {
		out := make([]int, k)
		ptrs := make([]any, k)
		for i := range out {
			ptrs[i] = &out[i]
		}
		if err := db.QueryRowContext(ctx, q).Scan(ptrs...); err != nil {
			return nil, err
		}
		return out, nil
	}
}

func loadDuckDB(ctx context.Context, d *data) (*sql.DB, error) {
	conn, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "CREATE TABLE ev (cid INTEGER, typ TINYINT, ts BIGINT)"); err != nil {
		return nil, err
	}
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	err = c.Raw(func(dc any) error {
		a, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "ev")
		if err != nil {
			return err
		}
		for i := range d.cust {
			if err := a.AppendRow(d.cust[i], d.typ[i], d.ts[i]); err != nil {
				a.Close()
				return err
			}
		}
		return a.Close()
	})
	return db, err
}

func loadSQLite(ctx context.Context, d *data, n int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file::memory:?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "CREATE TABLE ev (cid INTEGER, typ INTEGER, ts INTEGER)"); err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	st, err := tx.PrepareContext(ctx, "INSERT INTO ev VALUES (?, ?, ?)")
	if err != nil {
		return nil, err
	}
	for i := range n {
		if _, err := st.ExecContext(ctx, d.cust[i], d.typ[i], d.ts[i]); err != nil {
			return nil, err
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, "CREATE INDEX ev_cid_typ_ts ON ev (cid, typ, ts); ANALYZE"); err != nil {
		return nil, err
	}
	return db, nil
}

// firstCustomers returns the touchpoints of customers below limit, in
// their order: a sample with whole customer histories.
func (d *data) firstCustomers(limit int) *data {
	out := &data{}
	for i, c := range d.cust {
		if int(c) < limit {
			out.cust = append(out.cust, c)
			out.typ = append(out.typ, d.typ[i])
			out.ts = append(out.ts, d.ts[i])
		}
	}
	return out
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/1e6) }

func ratio(peer, ours time.Duration) string {
	return fmt.Sprintf("%.1f", float64(peer)/float64(ours))
}

func line(name string, o, dk, sq time.Duration) {
	f := func(d time.Duration) string {
		if d == 0 {
			return "-"
		}
		return ms(d)
	}
	r := func(d time.Duration) string {
		if d == 0 {
			return "-"
		}
		return ratio(d, o)
	}
	fmt.Printf("%s ours_ms=%s duckdb_ms=%s sqlite_ms=%s ratio_duckdb=%s ratio_sqlite=%s\n", name, ms(o), f(dk), f(sq), r(dk), r(sq))
}

// cpuLine reports CPU times (all threads) on standard error: on a shared
// machine they are steadier than wall times.
func cpuLine(name string, o, dk, sq time.Duration) {
	f := func(d time.Duration) string {
		if d == 0 {
			return "-"
		}
		return ms(d)
	}
	fmt.Fprintf(os.Stderr, "# %s cpu: ours_ms=%s duckdb_ms=%s sqlite_ms=%s\n", name, ms(o), f(dk), f(sq))
}

func check(name string, want []int, others map[string][]int) error {
	for peer, got := range others {
		if !slices.Equal(want, got) {
			return fmt.Errorf("%s: customers per step differ: ours %v, %s %v", name, want, peer, got)
		}
	}
	fmt.Fprintf(os.Stderr, "# %s: customers per step %v (all agree)\n", name, want)
	return nil
}

func main() {
	nEvents := flag.Int("events", 10_000_000, "touchpoints for the funnel")
	nCust := flag.Int("customers", 1_000_000, "customers for the funnel")
	nSQLite := flag.Int("sqlite-events", 10_000_000, "about this many touchpoints for the SQLite funnel comparison (the whole histories of a share of the customers, run by all three); 0 to skip")
	runs := flag.Int("runs", 3, "runs per measurement (SQLite's funnel runs once); the best counts")
	steps := flag.Bool("steps", true, "also measure 1 to 5 steps (linearity)")
	elig := flag.Int("decisions", 20000, "eligibility decisions to time; 0 to skip")
	funnel := flag.Bool("funnel", true, "measure the funnels (false: only the eligibility comparison)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	ctx := context.Background()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "journey:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	var err error
	if *funnel {
		err = run(ctx, *nEvents, *nCust, *nSQLite, *runs, *steps, *elig)
	} else if *elig > 0 {
		err = eligibility(ctx, *elig, *runs)
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "journey:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, nEvents, nCust, nSQLite, runs int, steps bool, decisions int) error {
	t := time.Now()
	d := generate(nEvents, nCust, 1)
	cols := d.columns(nCust)
	fmt.Fprintf(os.Stderr, "# generated %d touchpoints of %d customers in %v\n", nEvents, nCust, time.Since(t).Round(time.Millisecond))
	t = time.Now()
	ddb, err := loadDuckDB(ctx, d)
	if err != nil {
		return fmt.Errorf("duckdb: %w", err)
	}
	defer ddb.Close()
	fmt.Fprintf(os.Stderr, "# loaded DuckDB in %v\n", time.Since(t).Round(time.Millisecond))

	label := func(n int) string {
		if n%1_000_000 == 0 {
			return fmt.Sprintf("%dM", n/1_000_000)
		}
		if n >= 1_000_000 {
			return fmt.Sprintf("%.1fM", float64(n)/1e6)
		}
		return fmt.Sprintf("%dk", n/1000)
	}
	ks := []int{5}
	if steps {
		ks = []int{1, 2, 3, 4, 5}
	}
	for _, k := range ks {
		o, oc, err := best(runs, ours(ctx, cols, k))
		if err != nil {
			return err
		}
		oCPU := lastCPU
		dk, dc, err := best(runs, querySQL(ctx, ddb, k, false))
		if err != nil {
			return fmt.Errorf("duckdb: %w", err)
		}
		name := fmt.Sprintf("funnel%d_%s", k, label(nEvents))
		if err := check(name, oc, map[string][]int{"duckdb": dc}); err != nil {
			return err
		}
		line(name, o, dk, 0)
		cpuLine(name, oCPU, lastCPU, 0)
	}

	if nSQLite > 0 {
		// whole histories of the first customers, about nSQLite touchpoints
		subCust := int(int64(nCust) * int64(min(nSQLite, nEvents)) / int64(nEvents))
		sub := d.firstCustomers(subCust)
		n := len(sub.cust)
		subCols := sub.columns(subCust)
		t = time.Now()
		sdb, err := loadSQLite(ctx, sub, n)
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		defer sdb.Close()
		fmt.Fprintf(os.Stderr, "# loaded SQLite (%d rows, indexed) in %v\n", n, time.Since(t).Round(time.Millisecond))
		sddb, err := loadDuckDB(ctx, sub)
		if err != nil {
			return err
		}
		defer sddb.Close()
		o, oc, err := best(runs, ours(ctx, subCols, 5))
		if err != nil {
			return err
		}
		oCPU := lastCPU
		dk, dc, err := best(runs, querySQL(ctx, sddb, 5, false))
		if err != nil {
			return err
		}
		dCPU := lastCPU
		sq, sc, err := best(1, querySQL(ctx, sdb, 5, true))
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		name := "funnel5_" + label(n)
		if err := check(name, oc, map[string][]int{"duckdb": dc, "sqlite": sc}); err != nil {
			return err
		}
		line(name, o, dk, sq)
		cpuLine(name, oCPU, dCPU, lastCPU)
	}
	if decisions > 0 {
		return eligibility(ctx, decisions, runs)
	}
	return nil
}
