// Command engine measures package c360's Engine: Load of n synthetic
// records (compared with the batch matcher alone on the same records, as
// `c360 dedupe` runs it), then Upsert of m more records against the loaded
// state — latency percentiles and sustained records per second, with CPU
// time beside wall time.
//
//	go run ./cmd/engine -n 1000000 -m 50000 -workers 2
//	go run ./cmd/engine -n 100000 -m 20000 -store bolt:/tmp/engine.db
//	go run ./cmd/engine -n 300000 -m 0 -events 200000 -dedupe=false   # Track, ten live segments
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/cputime"
	"github.com/c360/c360/internal/livebench"
	"github.com/c360/c360/internal/synthsource"
	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/quality/match/synth"
	"github.com/c360/c360/store/bolt"
)

func main() {
	n := flag.Int("n", 100000, "records to Load first")
	m := flag.Int("m", 20000, "records to Upsert afterwards")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "goroutines calling Upsert")
	store := flag.String("store", "memory", "memory or bolt:PATH (a new file)")
	locale := flag.String("locale", "ja", "synthetic locale: ja or en")
	dedupe := flag.Bool("dedupe", true, "also time the batch matcher alone on the n records")
	profLoad := flag.String("cpuprofile-load", "", "write a CPU profile of Load to this file")
	profUpsert := flag.String("cpuprofile-upsert", "", "write a CPU profile of the Upserts to this file")
	events := flag.Int("events", 0, "touchpoints to Track afterwards, with ten live segments defined (livebench)")
	profTrack := flag.String("cpuprofile-track", "", "write a CPU profile of the Tracks to this file")
	accuracy := flag.Bool("accuracy", true, "after Load and Upsert, score the engine's profiles against the generator's truth (pairwise precision, recall, F1, as c360 dedupe --truth)")
	memProf := flag.String("memprofile", "", "write a heap profile (after Load, Upsert and Track, and a garbage collection) to this file, and one before Track to this file + \".pre\" (its alloc_space is the base for Track's allocations: go tool pprof -sample_index=alloc_space -diff_base FILE.pre FILE)")
	flag.Parse()
	ctx := context.Background()

	recs, truth, err := synthsource.Generate(ctx, *n+*m, 1, synth.Locale(*locale))
	if err != nil {
		log.Fatal(err)
	}
	load, more := recs[:*n], recs[*n:]

	if *dedupe {
		mt, err := match.New(match.Config{Fields: match.SourceFields(), TermFrequency: new(false)})
		if err != nil {
			log.Fatal(err)
		}
		w, c := start()
		mrecs := match.SourceRecords(load)
		if _, err := mt.Dedupe(ctx, mrecs); err != nil {
			log.Fatal(err)
		}
		report("dedupe (batch matcher alone)", *n, w, c)
	}

	var reopen func() (c360.Store, func())
	cfg := c360.Config{}
	if *events > 0 {
		cfg.Segments = livebench.Segments()
	}
	if path, ok := strings.CutPrefix(*store, "bolt:"); ok {
		os.Remove(path)
		db, err := bolt.Open(path, nil)
		if err != nil {
			log.Fatal(err)
		}
		defer db.Close()
		cfg.Store = db.Engine()
		reopen = func() (c360.Store, func()) {
			db.Close()
			t0 := time.Now()
			db2, err := bolt.Open(path, nil)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("  bolt.Open %v\n", time.Since(t0))
			return db2.Engine(), func() { db2.Close() }
		}
	} else if *store != "memory" {
		log.Fatalf("unknown -store %q", *store)
	}
	e, err := c360.Open(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	stop := profile(*profLoad)
	w, c := start()
	st, err := e.Load(ctx, c360.Records(load))
	stop()
	if err != nil {
		log.Fatal(err)
	}
	report(fmt.Sprintf("Load (%d profiles, batch=%v)", st.Profiles, st.Batch), *n, w, c)

	lat := make([]time.Duration, len(more))
	outcomes := make([]c360.Outcome, len(more))
	var wg sync.WaitGroup
	stop = profile(*profUpsert)
	w, c = start()
	for k := range *workers {
		wg.Go(func() {
			for i := k; i < len(more); i += *workers {
				t0 := time.Now()
				up, err := e.Upsert(ctx, more[i])
				if err != nil {
					log.Fatal(err)
				}
				lat[i], outcomes[i] = time.Since(t0), up.Outcome
			}
		})
	}
	wg.Wait()
	stop()
	report(fmt.Sprintf("Upsert (%d workers, against %d loaded)", *workers, *n), len(more), w, c)
	if len(lat) > 0 {
		slices.Sort(lat)
		pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		fmt.Printf("  latency p50 %v  p90 %v  p99 %v  max %v\n", pct(0.5), pct(0.9), pct(0.99), lat[len(lat)-1])
	}
	count := map[c360.Outcome]int{}
	for _, o := range outcomes {
		count[o]++
	}
	fmt.Printf("  outcomes: %v\n", count)
	if *accuracy {
		accuracyReport(ctx, e, recs, truth)
	}
	heapReport("after Load and Upsert", st.Profiles)
	if *events > 0 {
		if *memProf != "" {
			writeHeapProfile(*memProf + ".pre")
		}
		trackPhase(ctx, e, cfg, *events, *workers, *profTrack, reopen)
		heapReport("after Track", st.Profiles)
	}
	if *memProf != "" {
		writeHeapProfile(*memProf) // after heapReport's collection
	}
	runtime.KeepAlive(e) // the engine's state is what the heap figures measure
}

// accuracyReport scores the engine's profiles (one label per record: the
// profile holding it) against the generator's true entities, pairwise.
func accuracyReport(ctx context.Context, e *c360.Engine, recs []customer.SourceRecord, truth []string) {
	pred := make([]string, len(recs))
	for i := range recs {
		id, err := e.ProfileOf(ctx, recs[i].Key())
		if err != nil {
			log.Fatalf("record %s: %v", recs[i].Key(), err)
		}
		pred[i] = string(id)
	}
	s := match.Evaluate(truth, pred)
	fmt.Printf("  accuracy against the truth (%d records): precision %.4f  recall %.4f  F1 %.4f  (%d true pairs, %d predicted, %d correct)\n",
		len(recs), s.Precision, s.Recall, s.F1, s.TruePairs, s.PredictedPairs, s.Correct)
}

func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// heapReport collects garbage and prints the live heap: in use, per profile
// and in objects (what the collector marks).
func heapReport(when string, profiles int) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("  heap %s: in use %.2f GiB (%.0f bytes per profile, %d profiles), %.1f million objects, total from OS %.1f GiB\n",
		when, float64(ms.HeapInuse)/(1<<30), float64(ms.HeapInuse)/float64(max(1, profiles)), profiles, float64(ms.HeapObjects)/1e6, float64(ms.Sys)/(1<<30))
}

// trackPhase tracks touchpoints (livebench.Event: by profile ID, by e-mail,
// anonymous) with ten live segments defined, then, on bolt, restarts the
// engine and times its first answers.
func trackPhase(ctx context.Context, e *c360.Engine, cfg c360.Config, n, workers int, prof string, reopen func() (c360.Store, func())) {
	var ids []customer.ID
	var emails []string
	w, c := start()
	for p, err := range e.Profiles(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, p.ID)
		if em := p.Emails(); len(em) > 0 && len(emails) < 100000 {
			if got, err := e.Lookup(ctx, customer.Identifier{Scheme: "email", Value: em[0].Value}); err == nil && len(got) == 1 {
				emails = append(emails, em[0].Value)
			}
		}
	}
	report(fmt.Sprintf("read %d profiles and %d unique e-mails", len(ids), len(emails)), len(ids), w, c)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	stop := profile(prof)
	gc0, cyc0, alloc0 := gcCPU(), gcCycles(), heapAllocs()
	w, c = start()
	for k := range workers {
		wg.Go(func() {
			for i := k; i < n; i += workers {
				t0 := time.Now()
				if _, err := e.Track(ctx, livebench.Event(i, base.Add(time.Duration(i)*time.Second), ids, emails)); err != nil {
					log.Fatal(err)
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	trackWall, trackCPU := time.Since(w), 0.0
	if cnow, ok := cputime.Process(); ok {
		trackCPU = (cnow - c).Seconds()
	}
	stop()
	report(fmt.Sprintf("Track (%d workers, 10 live segments, %d profiles)", workers, len(ids)), n, w, c)
	// The runtime adds a cycle's CPU time when the cycle ends: a cycle
	// still running when Track ends is not counted, one running when it
	// began is counted whole.
	cycles, allocs := gcCycles()-cyc0, heapAllocs()-alloc0
	fmt.Printf("  garbage collection: %.2fs of CPU in the %d cycles that ended during Track; Track allocated %.0f bytes per event\n", gcCPU()-gc0, cycles, float64(allocs)/float64(n))
	steadyState(n, allocs, trackWall, trackCPU, cycles)
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("  latency p50 %v  p90 %v  p99 %v  max %v\n", pct(0.5), pct(0.9), pct(0.99), lat[len(lat)-1])
	if reopen == nil {
		return
	}
	probe := ids[len(ids)/2]
	before, err := e.Stage(ctx, probe)
	if err != nil {
		log.Fatal(err)
	}
	e.Close()
	t0 := time.Now()
	s, closeStore := reopen()
	defer closeStore()
	cfg.Store = s
	e2, err := c360.Open(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer e2.Close()
	after, err := e2.Stage(ctx, probe)
	if err != nil {
		log.Fatal(err)
	}
	segs, err := e2.Segments(ctx, probe)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("  restart: first answer (stage %s, segments %v) %v after reopening; same as before the restart: %v\n",
		after.Stage, segs, time.Since(t0), before.Stage == after.Stage && len(before.History) == len(after.History))
}

// steadyState estimates what Track costs once the collector's cycles are
// spread evenly over the events (how many cycles fall inside a run of n
// events depends on where the heap stood when it began): it times one full
// cycle now (runtime.GC, the process CPU it took) and, with the
// GOGC=100 pacing (a cycle per live heap's worth of allocation), charges
// each event its share: cycle CPU × bytes per event / live heap. Track's
// own CPU is the process's during the run minus that of a cycle for each
// cycle that ended in it (an approximation: a cycle counts when it ends,
// and the heap was not the same size throughout).
func steadyState(n int, allocs uint64, wall time.Duration, trackCPU float64, cycles uint64) {
	// The process's CPU time around a forced cycle, not runtime/metrics'
	// GC classes: those count a worker's wall time, which on a loaded
	// machine (a worker descheduled) gave 41 to 103 s for one 5 GiB heap.
	c0, _ := cputime.Process()
	runtime.GC()
	c1, _ := cputime.Process()
	cycle := (c1 - c0).Seconds()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	live := float64(ms.HeapAlloc)
	perEvent := cycle * float64(allocs) / float64(n) / live // seconds of GC CPU per event
	own := (trackCPU - float64(cycles)*cycle) / float64(n)
	procs := float64(runtime.GOMAXPROCS(0))
	fmt.Printf("  steady state (estimate): one GC cycle %.2fs CPU over a %.2f GiB live heap -> %.1f us of GC CPU per event; Track's own CPU %.1f us per event; at most %.0f events/s on %d cores (measured wall %.0f events/s)\n",
		cycle, live/(1<<30), perEvent*1e6, own*1e6, procs/(perEvent+own), int(procs), float64(n)/wall.Seconds())
}

// heapAllocs is the bytes allocated on the heap so far.
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// gcCPU is the CPU time the garbage collector has taken so far, in
// seconds (runtime/metrics' estimate).
func gcCPU() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64()
}

// gcCycles is the number of completed garbage collections so far.
func gcCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func profile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

func start() (time.Time, time.Duration) {
	c, _ := cputime.Process()
	return time.Now(), c
}

func report(what string, n int, w time.Time, c time.Duration) {
	wall := time.Since(w)
	cpu, _ := cputime.Process()
	cpu -= c
	fmt.Printf("%-50s %8d records  wall %8.2fs  cpu %8.2fs  %9.0f records/s (wall)\n", what, n, wall.Seconds(), cpu.Seconds(), float64(n)/wall.Seconds())
}
