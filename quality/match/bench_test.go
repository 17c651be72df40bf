package match

import (
	"os"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// BenchmarkScorePairs measures comparing and scoring candidate pairs of
// 20,000 synthetic Japanese records on all cores; pairs/s is the figure.
func BenchmarkScorePairs(b *testing.B) {
	fields, recs, _ := synthSet(b, 20000, 1, "ja")
	m, err := New(Config{Fields: fields})
	if err != nil {
		b.Fatal(err)
	}
	res, err := m.Dedupe(b.Context(), recs)
	if err != nil {
		b.Fatal(err)
	}
	d := res.d
	pairs, _, _, _, err := m.candidates(b.Context(), d, res)
	if err != nil {
		b.Fatal(err)
	}
	sc := newScorer(res.Model, d, true)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	cpu0 := cpuSeconds()
	for b.Loop() {
		parallel(m.o.workers, len(pairs), func(_, lo, hi int) {
			s := 0.0
			for _, p := range pairs[lo:hi] {
				i, j := int(p>>32), int(p&0xFFFFFFFF)
				s += sc.weight(i, j, d.gamma(i, j))
			}
			_ = s
		})
		n += len(pairs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pairs/s")
	// On a shared machine wall time understates throughput: also report
	// pairs per CPU second of this process.
	if c := cpuSeconds() - cpu0; c > 0 {
		b.ReportMetric(float64(n)/c, "pairs/cpu-s")
	}
}

// cpuSeconds returns the user+system CPU time of this process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// BenchmarkIndexAdd measures Index.Add against an index already holding
// MATCH_INDEX_N records (default 100,000; the published figure uses
// 1,000,000) and reports the p50 and p99 latency of one Add.
func BenchmarkIndexAdd(b *testing.B) {
	n := 100000
	if v := os.Getenv("MATCH_INDEX_N"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	const extra = 20000
	fields, recs, _ := synthSet(b, n+extra, 9, "ja")
	m, err := New(Config{Fields: fields})
	if err != nil {
		b.Fatal(err)
	}
	train, err := m.Dedupe(b.Context(), recs[:20000])
	if err != nil {
		b.Fatal(err)
	}
	ix, err := m.NewIndex(train.Model)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range recs[:n] {
		if _, err := ix.Add(b.Context(), r); err != nil {
			b.Fatal(err)
		}
	}
	var lat, cpu []time.Duration
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	k := n
	for b.Loop() {
		r := recs[k]
		if k++; k == len(recs) {
			b.Fatal("ran out of new records; lower -benchtime")
		}
		t0, c0 := time.Now(), threadCPU()
		if _, err := ix.Add(b.Context(), r); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		cpu = append(cpu, threadCPU()-c0)
	}
	slices.Sort(lat)
	slices.Sort(cpu)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	// CPU time of the calling thread excludes time the scheduler of a shared
	// machine kept it waiting.
	b.ReportMetric(float64(cpu[len(cpu)/2].Microseconds()), "p50-cpu-µs")
	b.ReportMetric(float64(cpu[len(cpu)*99/100].Microseconds()), "p99-cpu-µs")
}

// BenchmarkBlocking measures blocking 100,000 synthetic English records
// (all default rules, refinement and block splitting, on all cores); the
// CPU seconds per run are reported beside the wall time.
func BenchmarkBlocking(b *testing.B) {
	fields, recs, _ := synthSet(b, 100000, 1, "en")
	m, err := New(Config{Fields: fields})
	if err != nil {
		b.Fatal(err)
	}
	d, err := m.prepareSet(b.Context(), recs, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	pairs := 0
	for b.Loop() {
		res := &Result{m: m, d: d}
		ps, _, _, _, err := m.candidates(b.Context(), d, res)
		if err != nil {
			b.Fatal(err)
		}
		pairs = len(ps)
	}
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(pairs), "pairs")
}

// BenchmarkSortEntries measures the parallel sort of 4,000,000 block
// entries with hashed keys.
func BenchmarkSortEntries(b *testing.B) {
	x := uint64(88172645463325252)
	src := make([]blockEntry, 4000000)
	for i := range src {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		src[i] = blockEntry{key: x, rec: uint32(i)}
	}
	w := runtime.GOMAXPROCS(0)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for b.Loop() {
		parts := make([][]blockEntry, w)
		for k := range parts {
			parts[k] = src[len(src)*k/w : len(src)*(k+1)/w]
		}
		sortEntries(parts, w)
	}
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}
