// Command segment compares package segment with the same work written as
// SQL in DuckDB and in SQLite, on the same generated profiles and
// touchpoints, checks that the answers agree (it fails on the first that
// differs), and prints one line per comparison:
//
//	NAME ours_ms=… ours_cpu_ms=… duckdb_ms=… duckdb_cpu_ms=… sqlite_ms=… sqlite_cpu_ms=… ratio_duckdb=… ratio_duckdb_cpu=… ratio_sqlite=… ratio_sqlite_cpu=…
//
// The live-membership lines give microseconds per touchpoint instead. _ms
// is wall time, _cpu_ms the CPU time (user + system) of the whole process
// over the same run; ratio_x is x's time over ours (above 1: we are
// faster). Each side runs the work as it runs best: SQLite has the indexes
// its queries use (their build counted in its load) and queries written
// for it. Run it from the bench folder (README.md there has the results):
//
//	go run ./cmd/segment [-profiles 1000000 -events 10000000]
package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/cputime"
	"github.com/c360/c360/segment"
	"github.com/c360/c360/segment/analysis"
	"github.com/duckdb/duckdb-go/v2"
	_ "modernc.org/sqlite"
)

var (
	nProfiles  = flag.Int("profiles", 1_000_000, "number of profiles")
	nEvents    = flag.Int("events", 10_000_000, "number of touchpoints")
	withSQLite = flag.Bool("sqlite", true, "also run SQLite (loading 10M rows takes a while)")
	liveEvents = flag.Int("live-events", 100_000, "touchpoints streamed in the live-membership comparison")
	sqliteLive = flag.Int("sqlite-live-events", 6000, "touchpoints for the SQLite per-event comparison (each answer checked against ours)")
	seed       = flag.Uint64("seed", 1, "random seed")
	cpuProfile = flag.String("cpuprofile", "", "write a CPU profile of our side of the comparisons to this file (with -live-only: of the whole run)")
	liveOnly   = flag.Bool("live-only", false, "run only the live-membership comparison (against SQLite unless -sqlite=false)")
)

var (
	now        = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	types      = []string{"online_purchase", "store_purchase", "web_visit", "email_open"}
	channels   = []string{"web", "store", "web", "email"}
	prefs      = []string{"東京都", "神奈川県", "大阪府", "愛知県", "埼玉県", "千葉県", "兵庫県", "北海道", "福岡県", "静岡県"}
	segmentSrc = `prefecture = "東京都" and age between 30 and 49 and email_opt_in and count(online_purchase, 90d) >= 2 and sum(value, 365d) > 50000`
)

// data is the generated population, column by column.
type data struct {
	pref  []string
	age   []int32
	optIn []bool
	ids   []string
	// touchpoints in customer order, then time order: customer c owns
	// tps[off[c]:off[c+1]]
	tps  []segment.Touchpoint
	off  []int
	cust []int32 // customer of each touchpoint, for loading the databases
}

func generate(n, e int, seed uint64) *data {
	rng := rand.New(rand.NewPCG(seed, 42))
	d := &data{pref: make([]string, n), age: make([]int32, n), optIn: make([]bool, n), ids: make([]string, n)}
	for i := range n {
		d.ids[i] = strconv.Itoa(i)
		// Tokyo is about 1 in 5; the rest spread over nine prefectures.
		if rng.IntN(5) == 0 {
			d.pref[i] = prefs[0]
		} else {
			d.pref[i] = prefs[1+rng.IntN(len(prefs)-1)]
		}
		d.age[i] = int32(18 + rng.IntN(63))
		d.optIn[i] = rng.IntN(10) < 6
	}
	counts := make([]int, n+1)
	owner := make([]int32, e)
	for i := range e {
		c := int32(rng.IntN(n))
		owner[i] = c
		counts[c+1]++
	}
	d.off = make([]int, n+1)
	for c := 1; c <= n; c++ {
		d.off[c] = d.off[c-1] + counts[c]
	}
	d.tps = make([]segment.Touchpoint, e)
	d.cust = make([]int32, e)
	fill := slices.Clone(d.off[:n])
	for i := range e {
		c := owner[i]
		k := rng.IntN(100)
		t := 2 // web_visit
		switch {
		case k < 30:
			t = 0
		case k < 40:
			t = 1
		case k < 70:
			t = 3
		}
		tp := segment.Touchpoint{Type: types[t], Channel: channels[t],
			Time: now.Add(-time.Duration(rng.IntN(400*24*3600)) * time.Second)}
		if t <= 1 {
			tp.Value, tp.HasValue = float64(1000+rng.IntN(29000)), true
		}
		d.tps[fill[c]] = tp
		d.cust[fill[c]] = c
		fill[c]++
	}
	for c := range n {
		s := d.tps[d.off[c]:d.off[c+1]]
		sort.Slice(s, func(i, j int) bool { return s[i].Time.Before(s[j].Time) })
	}
	return d
}

// cursor presents one row of the profile columns to segment expressions.
type cursor struct {
	d *data
	i int
}

func (c *cursor) Attr(path string) customer.Value {
	switch path {
	case "prefecture":
		return customer.StringValue(c.d.pref[c.i])
	case "age":
		return customer.FloatValue(float64(c.d.age[c.i]))
	case "email_opt_in":
		return customer.BoolValue(c.d.optIn[c.i])
	}
	return customer.Value{}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// measure is one timed run: its wall-clock time and the CPU time (user +
// system) the whole process spent meanwhile — every thread, so DuckDB's
// workers, SQLite's and the Go garbage collector's work all count.
type measure struct{ wall, cpu time.Duration }

func (m measure) add(o measure) measure { return measure{m.wall + o.wall, m.cpu + o.cpu} }

// per divides a run over n operations.
func (m measure) per(n int) measure {
	return measure{m.wall / time.Duration(n), m.cpu / time.Duration(n)}
}

func timeIt(f func()) measure {
	c0, _ := cputime.Process()
	start := time.Now()
	f()
	wall := time.Since(start)
	c1, _ := cputime.Process()
	return measure{wall, c1 - c0}
}

// best runs f three times and returns the run with the least wall time.
func best(f func()) measure {
	b := measure{wall: math.MaxInt64}
	for range 3 {
		if m := timeIt(f); m.wall < b.wall {
			b = m
		}
	}
	return b
}

// report prints one comparison; a peer that was not run has a zero measure.
func report(name string, ours, duck, lite measure) {
	field := func(key string, m measure) string {
		if m.wall == 0 {
			return fmt.Sprintf(" %s_ms=- %s_cpu_ms=-", key, key)
		}
		return fmt.Sprintf(" %s_ms=%.3f %s_cpu_ms=%.3f", key, ms(m.wall), key, ms(m.cpu))
	}
	ratio := func(key string, m measure) string {
		if m.wall == 0 {
			return fmt.Sprintf(" ratio_%s=- ratio_%s_cpu=-", key, key)
		}
		return fmt.Sprintf(" ratio_%s=%.2f ratio_%s_cpu=%.2f", key, float64(m.wall)/float64(ours.wall), key, float64(m.cpu)/float64(max(ours.cpu, 1)))
	}
	fmt.Println(name + field("ours", ours) + field("duckdb", duck) + field("sqlite", lite) + ratio("duckdb", duck) + ratio("sqlite", lite))
}

func check(what string, a, b any) {
	if fmt.Sprint(a) != fmt.Sprint(b) {
		log.Fatalf("%s: answers differ: %v vs %v", what, a, b)
	}
}

func main() {
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()
	if *liveOnly {
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			if err != nil {
				log.Fatal(err)
			}
			pprof.StartCPUProfile(f)
			defer f.Close()
			defer pprof.StopCPUProfile()
		}
		var lite *sql.DB
		if *withSQLite {
			lite, _ = openSQLite(generate(0, 0, *seed))
		}
		liveCompare(lite)
		return
	}
	log.Printf("generating %d profiles and %d touchpoints (seed %d), GOMAXPROCS=%d", *nProfiles, *nEvents, *seed, runtime.GOMAXPROCS(0))
	d := generate(*nProfiles, *nEvents, *seed)

	duck, duckLoad := openDuck(ctx, d)
	var lite *sql.DB
	var liteLoad measure
	if *withSQLite {
		lite, liteLoad = openSQLite(d)
	}

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		for range 5 {
			paretoOurs(d)
			rfmOurs(d)
		}
		pprof.StopCPUProfile()
		f.Close()
	}

	// 1. A 5-condition segment count over data already loaded.
	var set segment.Set
	if _, err := set.DefineText("target", segmentSrc); err != nil {
		log.Fatal(err)
	}
	var oursCount int
	tOurs := best(func() { oursCount = countSegment(&set, d) })
	var duckCount, liteCount int
	tDuck := best(func() { duckCount = queryInt(duck, segmentDuckSQL()) })
	check("segment count (ours vs DuckDB)", oursCount, duckCount)
	var tLite measure
	if lite != nil {
		tLite = best(func() { liteCount = queryInt(lite, segmentSQLiteSQL()) })
		check("segment count (ours vs SQLite)", oursCount, liteCount)
	}
	log.Printf("segment %q: %d members", segmentSrc, oursCount)
	report("segment_count_5cond", tOurs, tDuck, tLite)

	// 1b. The same count from nothing: ours ingests every profile and
	// touchpoint into segment.Live, which keeps the membership current, and
	// reads the kept count; the databases load the same rows (SQLite also
	// builds its indexes) and run the query of 1.
	var live *segment.Live
	ingest := timeIt(func() {
		live = segment.NewLive(&set, segment.LiveConfig{})
		for c := range d.ids {
			if _, err := live.UpsertProfile(d.ids[c], &cursor{d: d, i: c}, now); err != nil {
				log.Fatal(err)
			}
			for _, tp := range d.tps[d.off[c]:d.off[c+1]] {
				if _, err := live.AddTouchpoint(d.ids[c], tp, now); err != nil {
					log.Fatal(err)
				}
			}
		}
	})
	var liveCount int
	read := timeIt(func() { liveCount = live.Count("target") })
	check("segment count (live vs batch)", liveCount, oursCount)
	log.Printf("live ingest of %d profiles and %d touchpoints: %.1f s wall, %.1f s CPU (%.0f touchpoints/s); reading the kept count: %v",
		len(d.ids), len(d.tps), ingest.wall.Seconds(), ingest.cpu.Seconds(), float64(len(d.tps))/ingest.wall.Seconds(), read.wall)
	var liteTotal measure
	if lite != nil {
		liteTotal = liteLoad.add(tLite)
	}
	report("segment_count_live_ingest", ingest.add(read), duckLoad.add(tDuck), liteTotal)
	live = nil
	runtime.GC()

	// 2. RFM scoring.
	var oursRFM [3]int
	tOurs = best(func() { oursRFM = rfmOurs(d) })
	var duckRFM [3]int
	tDuck = best(func() { duckRFM = rfmSQL(duck, false) })
	check("RFM score sums (ours vs DuckDB)", oursRFM, duckRFM)
	tLite = measure{}
	if lite != nil {
		var liteRFM [3]int
		tLite = timeIt(func() { liteRFM = rfmSQL(lite, true) })
		check("RFM score sums (ours vs SQLite)", oursRFM, liteRFM)
	}
	report("rfm", tOurs, tDuck, tLite)

	// 3. Pareto and ABC over customer value.
	var oursP paretoAnswer
	tOurs = best(func() { oursP = paretoOurs(d) })
	var duckP paretoAnswer
	tDuck = best(func() { duckP = paretoSQL(duck) })
	check("Pareto/ABC (ours vs DuckDB)", oursP.key(), duckP.key())
	tLite = measure{}
	if lite != nil {
		var liteP paretoAnswer
		tLite = timeIt(func() { liteP = paretoSQL(lite) })
		check("Pareto/ABC (ours vs SQLite)", oursP.key(), liteP.key())
	}
	log.Printf("Pareto: %d of %d customers make 80%% of value; ABC %v; Gini %.4f", oursP.needed, oursP.items, oursP.abc, oursP.gini)
	report("pareto_abc", tOurs, tDuck, tLite)

	// 4. Live membership per touchpoint with 100 segments.
	liveCompare(lite)
}

func countSegment(set *segment.Set, d *data) int {
	workers := runtime.GOMAXPROCS(0)
	n := len(d.ids)
	counts := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			cur := &cursor{d: d}
			subj := &segment.Subject{Attrs: cur}
			for c := w * n / workers; c < (w+1)*n/workers; c++ {
				cur.i = c
				subj.ID = d.ids[c]
				subj.Touchpoints = d.tps[d.off[c]:d.off[c+1]]
				in, err := set.Evaluate("target", subj, now)
				if err != nil {
					log.Fatal(err)
				}
				if in {
					counts[w]++
				}
			}
		}(w)
	}
	wg.Wait()
	total := 0
	for _, c := range counts {
		total += c
	}
	return total
}

// segmentDuckSQL is segmentSrc as DuckDB runs it best: one hash
// aggregation of all events per customer, joined to the profiles.
func segmentDuckSQL() string {
	ts := func(d int) string {
		return "TIMESTAMP '" + now.Add(-time.Duration(d)*24*time.Hour).Format("2006-01-02 15:04:05") + "'"
	}
	return `SELECT count(*) FROM profiles p JOIN (
		SELECT customer_id,
			sum(CASE WHEN type = 'online_purchase' AND ts > ` + ts(90) + ` AND ts <= ` + ts(0) + ` THEN 1 ELSE 0 END) AS c90,
			coalesce(sum(CASE WHEN ts > ` + ts(365) + ` AND ts <= ` + ts(0) + ` THEN value END), 0) AS s365
		FROM events GROUP BY customer_id) e ON e.customer_id = p.id
	WHERE p.prefecture = '東京都' AND p.age BETWEEN 30 AND 49 AND p.email_opt_in AND e.c90 >= 2 AND e.s365 > 50000`
}

// segmentSQLiteSQL is segmentSrc as SQLite runs it best: the profile
// conditions through the index on (prefecture, age), then each remaining
// profile's windows through the index on events (customer_id, ts). (The
// aggregation of segmentDuckSQL walks all 10M events through that index
// and is 10-15 times slower on SQLite.)
func segmentSQLiteSQL() string {
	ts := func(d int) string { return strconv.FormatInt(now.Add(-time.Duration(d)*24*time.Hour).Unix(), 10) }
	return `SELECT count(*) FROM profiles p
	WHERE p.prefecture = '東京都' AND p.age BETWEEN 30 AND 49 AND p.email_opt_in = 1
		AND (SELECT count(*) FROM events e WHERE e.customer_id = p.id AND e.type = 'online_purchase'
			AND e.ts > ` + ts(90) + ` AND e.ts <= ` + ts(0) + `) >= 2
		AND (SELECT coalesce(sum(e.value), 0) FROM events e WHERE e.customer_id = p.id
			AND e.ts > ` + ts(365) + ` AND e.ts <= ` + ts(0) + `) > 50000`
}

func queryInt(db *sql.DB, q string) int {
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		log.Fatalf("%v\n%s", err, q)
	}
	return n
}

// rfmOurs scores the customers that have purchases and returns the sums of
// their R, F and M scores, to compare with SQL.
func rfmOurs(d *data) [3]int {
	// Summarise purchases on every core, each over a range of customers.
	workers := runtime.GOMAXPROCS(0)
	parts := make([][]analysis.RFMInput, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			parts[w] = segment.RFMInputs(func(yield func(string, []segment.Touchpoint) bool) {
				for c := w * len(d.ids) / workers; c < (w+1)*len(d.ids)/workers; c++ {
					if !yield(d.ids[c], d.tps[d.off[c]:d.off[c+1]]) {
						return
					}
				}
			}, []string{"online_purchase", "store_purchase"}, now, 0)
		}(w)
	}
	wg.Wait()
	var inputs []analysis.RFMInput
	for _, p := range parts {
		inputs = append(inputs, p...)
	}
	buyers := inputs[:0]
	for _, in := range inputs {
		if in.Frequency > 0 {
			buyers = append(buyers, in)
		}
	}
	scores, err := analysis.RFM(buyers, now, analysis.RFMConfig{})
	if err != nil {
		log.Fatal(err)
	}
	var sums [3]int
	for _, s := range scores {
		sums[0] += s.R
		sums[1] += s.F
		sums[2] += s.M
	}
	return sums
}

// rfmSQL is analysis.RFM's quantile scoring in SQL: among buyers, a
// customer with k buyers strictly worse and t tied (itself included) out
// of n scores 1 + floor(5·(2k+t)/(2n)) — its mid-rank.
func rfmSQL(db *sql.DB, sqlite bool) [3]int {
	div := "5.0"
	floor := "floor"
	if sqlite {
		floor = "" // integer division floors for non-negative operands
		div = "5"
	}
	q := `WITH s AS (
		SELECT customer_id, max(ts) AS last, count(*) AS f, sum(value) AS m
		FROM events WHERE type IN ('online_purchase', 'store_purchase') GROUP BY customer_id),
	r AS (SELECT
		1 + ` + floor + `(` + div + ` * (2 * (rank() OVER (ORDER BY last) - 1) + count(*) OVER (PARTITION BY last)) / (2 * count(*) OVER ())) AS r,
		1 + ` + floor + `(` + div + ` * (2 * (rank() OVER (ORDER BY f) - 1) + count(*) OVER (PARTITION BY f)) / (2 * count(*) OVER ())) AS fs,
		1 + ` + floor + `(` + div + ` * (2 * (rank() OVER (ORDER BY m) - 1) + count(*) OVER (PARTITION BY m)) / (2 * count(*) OVER ())) AS ms
		FROM s)
	SELECT CAST(sum(r) AS BIGINT), CAST(sum(fs) AS BIGINT), CAST(sum(ms) AS BIGINT) FROM r`
	var out [3]int
	if err := db.QueryRow(q).Scan(&out[0], &out[1], &out[2]); err != nil {
		log.Fatalf("%v\n%s", err, q)
	}
	return out
}

type paretoAnswer struct {
	items, needed int
	abc           [3]int
	gini          float64
}

func (p paretoAnswer) key() string {
	return fmt.Sprintf("%d %d %v %.6f", p.items, p.needed, p.abc, p.gini)
}

func paretoOurs(d *data) paretoAnswer {
	// Each customer's total value, summed on every core over ranges of
	// customers (the columns are laid out by customer).
	totals := make([]float64, len(d.ids))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for c := w * len(d.ids) / workers; c < (w+1)*len(d.ids)/workers; c++ {
				var v float64
				for _, tp := range d.tps[d.off[c]:d.off[c+1]] {
					if tp.HasValue {
						v += tp.Value
					}
				}
				totals[c] = v
			}
		}(w)
	}
	wg.Wait()
	items := make([]analysis.Item, 0, len(d.ids))
	for c, v := range totals {
		if v > 0 {
			items = append(items, analysis.Item{ID: d.ids[c], Value: v})
		}
	}
	r, err := analysis.Pareto(items, 0.8, analysis.ABCCuts{})
	if err != nil {
		log.Fatal(err)
	}
	return paretoAnswer{items: r.Items, needed: r.ItemsNeeded, abc: [3]int{r.ABC.A, r.ABC.B, r.ABC.C}, gini: r.Gini}
}

// paretoSQL ranks customers by value (ties by ID, as text) with window sums.
func paretoSQL(db *sql.DB) paretoAnswer {
	q := `WITH t AS (SELECT CAST(customer_id AS TEXT) AS id, sum(value) AS v FROM events WHERE value IS NOT NULL GROUP BY customer_id),
	r AS (SELECT v,
		sum(v) OVER (ORDER BY v DESC, id ROWS UNBOUNDED PRECEDING) AS cum,
		row_number() OVER (ORDER BY v DESC, id) AS rn,
		sum(v) OVER () AS total, count(*) OVER () AS n FROM t)
	SELECT max(n), min(CASE WHEN cum >= 0.8 * total * (1 - 1e-12) THEN rn END),
		sum(CASE WHEN (cum - v) / total < 0.8 THEN 1 ELSE 0 END),
		sum(CASE WHEN (cum - v) / total >= 0.8 AND (cum - v) / total < 0.95 THEN 1 ELSE 0 END),
		sum(CASE WHEN (cum - v) / total >= 0.95 THEN 1 ELSE 0 END),
		2.0 * sum((n - rn + 1) * v) / (max(n) * max(total)) - (max(n) + 1.0) / max(n)
	FROM r`
	var p paretoAnswer
	if err := db.QueryRow(q).Scan(&p.items, &p.needed, &p.abc[0], &p.abc[1], &p.abc[2], &p.gini); err != nil {
		log.Fatalf("%v\n%s", err, q)
	}
	return p
}

// openDuck loads d into an in-memory DuckDB with its appender and returns
// the time the load took (the tables are created before it starts).
func openDuck(ctx context.Context, d *data) (*sql.DB, measure) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(1)
	for _, s := range []string{
		fmt.Sprintf("SET threads TO %d", runtime.GOMAXPROCS(0)),
		"CREATE TABLE profiles (id INTEGER, prefecture VARCHAR, age INTEGER, email_opt_in BOOLEAN)",
		"CREATE TABLE events (customer_id INTEGER, type VARCHAR, channel VARCHAR, ts TIMESTAMP, value DOUBLE)",
	} {
		if _, err := db.Exec(s); err != nil {
			log.Fatal(err)
		}
	}
	load := timeIt(func() {
		conn, err := db.Conn(ctx)
		if err != nil {
			log.Fatal(err)
		}
		err = conn.Raw(func(dc any) error {
			app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "profiles")
			if err != nil {
				return err
			}
			for i := range d.ids {
				if err := app.AppendRow(int32(i), d.pref[i], d.age[i], d.optIn[i]); err != nil {
					return err
				}
			}
			if err := app.Close(); err != nil {
				return err
			}
			app, err = duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "events")
			if err != nil {
				return err
			}
			for i, tp := range d.tps {
				var v driver.Value
				if tp.HasValue {
					v = tp.Value
				}
				if err := app.AppendRow(d.cust[i], tp.Type, tp.Channel, tp.Time, v); err != nil {
					return err
				}
			}
			return app.Close()
		})
		if err != nil {
			log.Fatal(err)
		}
		conn.Close()
	})
	log.Printf("DuckDB loaded in %.1f s (%.1f s CPU)", load.wall.Seconds(), load.cpu.Seconds())
	return db, load
}

// openSQLite loads d into a new SQLite file (journal and sync off: no more
// durable than DuckDB's memory or segment.Live) in one transaction, builds
// the indexes its queries use, and returns the time all of that took.
func openSQLite(d *data) (*sql.DB, measure) {
	path := os.TempDir() + "/c360-bench-segment.sqlite"
	os.Remove(path)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	exec := func(q string) {
		if _, err := db.Exec(q); err != nil {
			log.Fatalf("%v\n%s", err, q)
		}
	}
	load := timeIt(func() {
		for _, s := range []string{
			"PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -2000000",
			"CREATE TABLE profiles (id INTEGER PRIMARY KEY, prefecture TEXT, age INTEGER, email_opt_in INTEGER)",
			"CREATE TABLE events (customer_id INTEGER, type TEXT, channel TEXT, ts INTEGER, value REAL)",
		} {
			exec(s)
		}
		tx, err := db.Begin()
		if err != nil {
			log.Fatal(err)
		}
		ps, err := tx.Prepare("INSERT INTO profiles VALUES (?, ?, ?, ?)")
		if err != nil {
			log.Fatal(err)
		}
		for i := range d.ids {
			if _, err := ps.Exec(i, d.pref[i], d.age[i], d.optIn[i]); err != nil {
				log.Fatal(err)
			}
		}
		es, err := tx.Prepare("INSERT INTO events VALUES (?, ?, ?, ?, ?)")
		if err != nil {
			log.Fatal(err)
		}
		for i, tp := range d.tps {
			var v any
			if tp.HasValue {
				v = tp.Value
			}
			if _, err := es.Exec(d.cust[i], tp.Type, tp.Channel, tp.Time.Unix(), v); err != nil {
				log.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			log.Fatal(err)
		}
		exec("CREATE INDEX events_customer_ts ON events (customer_id, ts)")
		exec("CREATE INDEX profiles_prefecture_age ON profiles (prefecture, age)")
	})
	log.Printf("SQLite loaded and indexed in %.1f s (%.1f s CPU)", load.wall.Seconds(), load.cpu.Seconds())
	return db, load
}

// liveSQL are the two ways the live-membership comparison asks SQLite for
// all 100 segments of one customer in one query (?1 the customer, ?2 the
// time of the touchpoint just inserted, in Unix seconds). Both return the
// IDs of the segments the customer is in.
var liveSQL = []struct{ name, query string }{
	// The fastest we found: "at least k online purchases in the window"
	// is "the k-th most recent purchase is in the window", so the
	// customer's purchases within the widest window, numbered from the
	// most recent, join the segments on k = min_count (an index lookup
	// each: no aggregation over the segments). It holds for min_count >= 1,
	// as every segment here has.
	{"ranked", `WITH p AS MATERIALIZED (
			SELECT row_number() OVER (ORDER BY ts DESC) AS k, ts FROM live_events_ranked
			WHERE customer_id = ?1 AND type = 'online_purchase' AND ts <= ?2
				AND ts > ?2 - (SELECT max(window_s) FROM live_segments)),
		total AS (SELECT coalesce(sum(value), 0) AS s365 FROM live_events_ranked
			WHERE customer_id = ?1 AND ts > ?2 - 365 * 86400 AND ts <= ?2)
		SELECT s.id FROM p JOIN live_segments s ON s.min_count = p.k AND p.ts > ?2 - s.window_s
		JOIN total ON total.s365 > s.min_sum`},
	// The plain one: the customer's last 365 days read once, their value
	// summed once, their purchases within the widest window joined to every
	// segment's window, one GROUP BY over the segments.
	{"groupby", `WITH e AS MATERIALIZED (
			SELECT type, ts, value FROM live_events_groupby
			WHERE customer_id = ?1 AND ts > ?2 - 365 * 86400 AND ts <= ?2),
		p AS MATERIALIZED (SELECT ts FROM e
			WHERE type = 'online_purchase' AND ts > ?2 - (SELECT max(window_s) FROM live_segments)),
		total AS (SELECT coalesce(sum(value), 0) AS s365 FROM e)
		SELECT s.id FROM live_segments s JOIN total ON total.s365 > s.min_sum
		LEFT JOIN p ON p.ts > ?2 - s.window_s
		GROUP BY s.id HAVING count(p.ts) >= s.min_count`},
}

// liveCompare streams touchpoints to 10,000 customers under 100 segments
// and times, per touchpoint, the work that tells which segments its
// customer is in after it. Ours: segment.Live.AddTouchpoint, which also
// says who entered and who left. SQLite, once for each query of liveSQL
// (each on its own copy of the table): insert the touchpoint, then one
// query that evaluates all 100 segments (kept as rows of a table) for that
// customer. All start from the same warm-up history, and every answer
// SQLite gives is checked against the membership ours' changes add up to
// at the same point of the stream: the program fails on the first that
// differs.
func liveCompare(lite *sql.DB) {
	const customers = 10_000
	type segDef struct{ window, min, sum int } // days, count, yen
	defs := make([]segDef, 100)
	var set segment.Set
	segIndex := make(map[string]int, len(defs))
	for i := range defs {
		// Every window is within the 365 days of the sum, and every
		// min_count is at least 1 (liveSQL relies on both).
		defs[i] = segDef{window: 30 + i, min: 1 + i%3, sum: 1000 * i}
		src := fmt.Sprintf(`count(online_purchase, %dd) >= %d and sum(value, 365d) > %d`, defs[i].window, defs[i].min, defs[i].sum)
		name := fmt.Sprintf("s%d", i)
		if _, err := set.DefineText(name, src); err != nil {
			log.Fatal(err)
		}
		segIndex[name] = i
	}
	live := segment.NewLive(&set, segment.LiveConfig{Retention: 400 * 24 * time.Hour})
	rng := rand.New(rand.NewPCG(7, 7))
	ids := make([]string, customers)
	for i := range ids {
		ids[i] = "L" + strconv.Itoa(i)
	}
	// a stream of touchpoints, one every 2 minutes: each customer sees one
	// about every two weeks, and keeps about 30 in the 400-day retention.
	step := 2 * time.Minute
	start := now.Add(-time.Duration(*liveEvents+customers*30) * step)
	type ev struct {
		c  int
		tp segment.Touchpoint
	}
	gen := func(i int) ev {
		t := rng.IntN(4)
		tp := segment.Touchpoint{Type: types[t], Channel: channels[t], Time: start.Add(time.Duration(i) * step)}
		if t <= 1 {
			tp.Value, tp.HasValue = float64(1000+rng.IntN(29000)), true
		}
		return ev{c: rng.IntN(customers), tp: tp}
	}
	warm := make([]ev, customers*30)
	for i := range warm {
		warm[i] = gen(i)
	}
	stream := make([]ev, 3*(*liveEvents/3))
	for i := range stream {
		stream[i] = gen(len(warm) + i)
	}

	// members is a customer's set of segments, bit i for segment s<i>.
	type members [2]uint64
	has := func(m members, i int) bool { return m[i/64]&(1<<(i%64)) != 0 }
	// ours holds each customer's membership as ours' changes tell it.
	ours := make([]members, customers)
	apply := func(c int, changes []segment.Change) {
		for _, ch := range changes {
			i, ok := segIndex[ch.Segment]
			if !ok || ch.CustomerID != ids[c] {
				log.Fatalf("live membership: change %+v is not about customer %s and one of the segments", ch, ids[c])
			}
			if ch.Entered {
				ours[c][i/64] |= 1 << (i % 64)
			} else {
				ours[c][i/64] &^= 1 << (i % 64)
			}
		}
	}
	warmOurs := timeIt(func() {
		for _, e := range warm {
			changes, err := live.AddTouchpoint(ids[e.c], e.tp, e.tp.Time)
			if err != nil {
				log.Fatal(err)
			}
			apply(e.c, changes)
		}
	})
	log.Printf("live warm-up of %d touchpoints: ours (evaluating each) %.2f s wall, %.2f s CPU", len(warm), warmOurs.wall.Seconds(), warmOurs.cpu.Seconds())
	oursChanges := make([][]segment.Change, len(stream))
	oursPart := func(lo, hi int) measure {
		return timeIt(func() {
			for i := lo; i < hi; i++ {
				e := &stream[i]
				changes, err := live.AddTouchpoint(ids[e.c], e.tp, e.tp.Time)
				if err != nil {
					log.Fatal(err)
				}
				oursChanges[i] = changes
			}
		}).per(hi - lo)
	}

	// SQLite: the segments as rows, and for each query its own copy of the
	// touchpoints (covering index on customer and time), warmed up alike.
	n := 0
	if lite != nil {
		n = min(*sqliteLive, len(stream))
	}
	type liteSide struct {
		name    string
		part    func(lo, hi int) measure
		answers []members
		best    measure
	}
	var sides []*liteSide
	if lite != nil {
		exec := func(q string) {
			if _, err := lite.Exec(q); err != nil {
				log.Fatalf("%v\n%s", err, q)
			}
		}
		exec("DROP TABLE IF EXISTS live_segments")
		exec("CREATE TABLE live_segments (id INTEGER PRIMARY KEY, window_s INTEGER NOT NULL, min_count INTEGER NOT NULL, min_sum REAL NOT NULL)")
		exec("CREATE INDEX live_segments_min_count ON live_segments (min_count, window_s)")
		for i, d := range defs {
			exec(fmt.Sprintf("INSERT INTO live_segments VALUES (%d, %d, %d, %d)", i, d.window*86400, d.min, d.sum))
		}
		for _, q := range liveSQL {
			side := &liteSide{name: q.name, answers: make([]members, n), best: measure{wall: math.MaxInt64}}
			sides = append(sides, side)
			table := "live_events_" + q.name
			exec("DROP TABLE IF EXISTS " + table)
			exec("CREATE TABLE " + table + " (customer_id INTEGER NOT NULL, type TEXT NOT NULL, ts INTEGER NOT NULL, value REAL)")
			exec("CREATE INDEX " + table + "_customer_ts ON " + table + " (customer_id, ts, type, value)")
			insertSQL := "INSERT INTO " + table + " VALUES (?, ?, ?, ?)"
			// Touchpoints go in as they come, answered at once, committed a
			// part at a time (one transaction per part: a commit per
			// touchpoint costs SQLite a third more).
			run := func(evs []ev, answers []members) {
				tx, err := lite.Begin()
				if err != nil {
					log.Fatal(err)
				}
				insert, err := tx.Prepare(insertSQL)
				if err != nil {
					log.Fatal(err)
				}
				var query *sql.Stmt
				if answers != nil {
					if query, err = tx.Prepare(q.query); err != nil {
						log.Fatalf("%v\n%s", err, q.query)
					}
				}
				for i, e := range evs {
					var v any
					if e.tp.HasValue {
						v = e.tp.Value
					}
					at := e.tp.Time.Unix()
					if _, err := insert.Exec(e.c, e.tp.Type, at, v); err != nil {
						log.Fatal(err)
					}
					if answers == nil {
						continue
					}
					rows, err := query.Query(e.c, at)
					if err != nil {
						log.Fatal(err)
					}
					var m members
					for rows.Next() {
						var id int
						if err := rows.Scan(&id); err != nil {
							log.Fatal(err)
						}
						m[id/64] |= 1 << (id % 64)
					}
					if err := rows.Err(); err != nil {
						log.Fatal(err)
					}
					answers[i] = m
				}
				if err := tx.Commit(); err != nil {
					log.Fatal(err)
				}
			}
			warmLite := timeIt(func() { run(warm, nil) })
			log.Printf("live warm-up of %d touchpoints: SQLite %s table (inserting, indexed) %.2f s wall, %.2f s CPU", len(warm), q.name, warmLite.wall.Seconds(), warmLite.cpu.Seconds())
			side.part = func(lo, hi int) measure {
				return timeIt(func() { run(stream[lo:hi], side.answers[lo:hi]) }).per(hi - lo)
			}
		}
	}

	// Three parts of the stream, ours and SQLite's in turn so that all
	// see the same machine; the fastest part of each counts (best of 3, as
	// for the other measures). Each part is the same steady-state workload;
	// SQLite's parts are thirds of the first n touchpoints of the stream.
	perOurs := measure{wall: math.MaxInt64}
	for part := range 3 {
		if m := oursPart(part*len(stream)/3, (part+1)*len(stream)/3); m.wall < perOurs.wall {
			perOurs = m
		}
		for _, side := range sides {
			if m := side.part(part*n/3, (part+1)*n/3); m.wall < side.best.wall {
				side.best = m
			}
		}
	}

	// Replay ours' changes in stream order: after each touchpoint SQLite
	// answered, its customer's membership must be each query's answer; at
	// the end, every customer's must be what Live itself says.
	for i, e := range stream {
		apply(e.c, oursChanges[i])
		if i >= n {
			continue
		}
		for _, side := range sides {
			if ours[e.c] == side.answers[i] {
				continue
			}
			var diff []string
			for s := range defs {
				if has(ours[e.c], s) != has(side.answers[i], s) {
					diff = append(diff, fmt.Sprintf("s%d (ours %t, SQLite %t)", s, has(ours[e.c], s), has(side.answers[i], s)))
				}
			}
			log.Fatalf("live membership: answers differ (SQLite query %s) after touchpoint %d (customer %s, %s at %s): %v",
				side.name, i, ids[e.c], e.tp.Type, e.tp.Time.Format(time.RFC3339), diff)
		}
	}
	for c, id := range ids {
		var m members
		for _, name := range live.Segments(id) {
			i := segIndex[name]
			m[i/64] |= 1 << (i % 64)
		}
		if m != ours[c] {
			log.Fatalf("live membership: customer %s: Live.Segments disagrees with the changes it reported", id)
		}
	}
	var entered int
	for i := range n {
		for _, ch := range oursChanges[i] {
			if ch.Entered {
				entered++
			}
		}
	}
	if n > 0 {
		log.Printf("live membership: %d answers of each SQLite query checked equal to ours (%d segment entries among them)", n, entered)
	}

	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }
	oursFields := fmt.Sprintf("ours_us_per_touchpoint=%.2f ours_cpu_us_per_touchpoint=%.2f duckdb_ms=-", us(perOurs.wall), us(perOurs.cpu))
	if len(sides) == 0 {
		fmt.Println("live_membership_100seg " + oursFields + " sqlite_us_per_touchpoint=- sqlite_cpu_us_per_touchpoint=- ratio_duckdb=- ratio_sqlite=- ratio_sqlite_cpu=- checked=0")
		return
	}
	for _, side := range sides {
		name := "live_membership_100seg"
		if side.name != liveSQL[0].name {
			name += "_" + side.name
		}
		fmt.Printf("%s %s sqlite_us_per_touchpoint=%.2f sqlite_cpu_us_per_touchpoint=%.2f ratio_duckdb=- ratio_sqlite=%.2f ratio_sqlite_cpu=%.2f checked=%d\n",
			name, oursFields, us(side.best.wall), us(side.best.cpu),
			float64(side.best.wall)/float64(perOurs.wall), float64(side.best.cpu)/float64(max(perOurs.cpu, 1)), n)
	}
}
