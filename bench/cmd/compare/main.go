// Command compare benchmarks quality/similarity against peer Go libraries on
// the same ASCII and Japanese inputs, in one run, and checks that the
// results agree.
//
// Peers: github.com/adrg/strutil (Jaro–Winkler, Levenshtein),
// github.com/xrash/smetrics (Jaro–Winkler, Wagner–Fischer; it indexes bytes,
// so its results on multi-byte text are wrong, which the output shows) and
// github.com/agnivade/levenshtein.
//
// Usage (from the bench folder):
//
//	go run ./cmd/compare [-benchtime 300ms] [-rounds 3] [-check 20000]
//
// For each input and peer it prints
//
//	NAME ours_ns=… peer_ns=… ratio=… ours_allocs=… peer_allocs=…
//
// where ratio = peer_ns/ours_ns (above 1 means ours is faster) and each
// ns/op is the fastest of -rounds interleaved runs of testing.Benchmark, to
// damp noise from other processes. On Linux ns/op is the CPU time of the
// benchmark thread, not wall-clock time, so that a busy machine inflates the
// figures less (-wall switches back to wall-clock time). Then it compares results on random ASCII
// pairs and prints every kind of disagreement with an example.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/adrg/strutil/metrics"
	"github.com/agnivade/levenshtein"
	"github.com/c360/c360/quality/similarity"
	"github.com/xrash/smetrics"
)

type pair struct{ name, a, b string }

var pairs = []pair{
	{"ascii_short", "MARTHA", "MARHTA"},
	{"ascii_name", "Jonathan Smithers", "Johnathan Smithers"},
	{"ascii_address", "1-2-3 Marunouchi, Chiyoda-ku, Tokyo", "1-2-3 Marunouchi Chiyoda, Tokyo"},
	{"ascii_64", strings.Repeat("abcdefgh", 8), strings.Repeat("abcdefgx", 8)},
	{"ja_name", "山田太郎", "山田郎太"},
	{"ja_kana", "ヤマダタロウ", "ヤマダジロウ"},
	{"ja_company", "株式会社東京スポーツ用品", "東京スポーツ用品株式会社"},
	{"ja_address", "東京都千代田区丸の内一丁目2番3号", "東京都千代田区丸ノ内1-2-3"},
	{"ja_64", strings.Repeat("東京都千代田区丸の内", 6) + "一二三四", strings.Repeat("東京都千代田区丸ノ内", 6) + "一二三五"},
}

// impl is one implementation of a measure, returning a float for
// comparison (distances are converted).
type impl struct {
	name string
	f    func(a, b string) float64
}

var (
	adrgJW  = metrics.NewJaroWinkler()
	adrgLev = metrics.NewLevenshtein()
	oursJW  = impl{"ours", similarity.JaroWinkler}
	oursLev = impl{"ours", func(a, b string) float64 { return float64(similarity.Levenshtein(a, b)) }}
	jwPeers = []impl{
		{"adrg-strutil", adrgJW.Compare},
		{"xrash-smetrics", func(a, b string) float64 { return smetrics.JaroWinkler(a, b, 0.7, 4) }},
	}
	levPeers = []impl{
		{"agnivade-levenshtein", func(a, b string) float64 { return float64(levenshtein.ComputeDistance(a, b)) }},
		{"adrg-strutil", func(a, b string) float64 { return float64(adrgLev.Distance(a, b)) }},
		{"xrash-smetrics", func(a, b string) float64 { return float64(smetrics.WagnerFischer(a, b, 1, 1, 1)) }},
	}
)

// wallClock makes the figures wall-clock time instead of thread CPU time.
var wallClock bool

// bench runs f under testing.Benchmark and returns ns/op and allocs/op.
// Unless wallClock is set, ns/op is the CPU time of the benchmark's thread
// (which the goroutine is locked to), so that time spent descheduled on a
// busy machine does not count.
func bench(f func(a, b string) float64, a, b string) (float64, int64) {
	var cpu time.Duration
	r := testing.Benchmark(func(tb *testing.B) {
		tb.ReportAllocs()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		start := threadCPU()
		for tb.Loop() {
			f(a, b) // b.Loop keeps the call
		}
		cpu = threadCPU() - start // the last (reported) run's value stays
	})
	ns := float64(r.T.Nanoseconds()) / float64(r.N)
	if !wallClock && cpu > 0 {
		ns = float64(cpu.Nanoseconds()) / float64(r.N)
	}
	return ns, r.AllocsPerOp()
}

type result struct {
	ns     float64
	allocs int64
}

// measure runs ours and peer alternately rounds times and keeps the fastest.
func measure(ours, peer impl, p pair, rounds int) (o, q result) {
	o.ns, q.ns = math.Inf(1), math.Inf(1)
	for range rounds {
		ns, allocs := bench(ours.f, p.a, p.b)
		o.ns, o.allocs = min(o.ns, ns), allocs
		ns, allocs = bench(peer.f, p.a, p.b)
		q.ns, q.allocs = min(q.ns, ns), allocs
	}
	return o, q
}

func main() {
	testing.Init()
	benchtime := flag.String("benchtime", "300ms", "time per testing.Benchmark run")
	rounds := flag.Int("rounds", 3, "interleaved runs per comparison; the fastest counts")
	check := flag.Int("check", 20000, "random ASCII pairs for the agreement check")
	flag.BoolVar(&wallClock, "wall", false, "report wall-clock instead of thread CPU time")
	flag.Parse()
	if err := flag.Set("test.benchtime", *benchtime); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(2)
	}

	clock := "thread CPU time"
	if wallClock || threadCPU() == 0 {
		clock = "wall-clock time"
	}
	fmt.Printf("# speed: ratio = peer_ns/ours_ns (>1: ours faster); %s per op, fastest of %d interleaved runs of %s\n", clock, *rounds, *benchtime)
	for _, group := range []struct {
		measure string
		ours    impl
		peers   []impl
	}{{"jarowinkler", oursJW, jwPeers}, {"levenshtein", oursLev, levPeers}} {
		for _, p := range pairs {
			for _, peer := range group.peers {
				o, q := measure(group.ours, peer, p, *rounds)
				fmt.Printf("%s/%s/%s ours_ns=%.1f peer_ns=%.1f ratio=%.2f ours_allocs=%d peer_allocs=%d\n",
					group.measure, p.name, peer.name, o.ns, q.ns, q.ns/o.ns, o.allocs, q.allocs)
			}
		}
	}

	fmt.Println("# values on the benchmark inputs (xrash/smetrics indexes bytes: wrong on multi-byte text)")
	for _, p := range pairs {
		fmt.Printf("values/%s jw_ours=%.4f jw_adrg=%.4f jw_smetrics=%.4f lev_ours=%d lev_agnivade=%d lev_adrg=%d lev_smetrics=%d\n",
			p.name, similarity.JaroWinkler(p.a, p.b), adrgJW.Compare(p.a, p.b), smetrics.JaroWinkler(p.a, p.b, 0.7, 4),
			similarity.Levenshtein(p.a, p.b), levenshtein.ComputeDistance(p.a, p.b), adrgLev.Distance(p.a, p.b),
			smetrics.WagnerFischer(p.a, p.b, 1, 1, 1))
	}

	fmt.Printf("# agreement on %d random pairs per alphabet (first example of each disagreement)\n", *check)
	fmt.Println("# adrg/strutil's Jaro-Winkler differs by design: match window max(len)/2 instead of max(len)/2-1, and a prefix boost even below Jaro 0.7")
	r := rand.New(rand.NewPCG(1, 2))
	agree := func(measure, alphabet string, ours impl, peers []impl, tol float64) {
		for _, peer := range peers {
			bad := 0
			example := ""
			for range *check {
				a, b := randString(r, alphabet), randString(r, alphabet)
				x, y := ours.f(a, b), peer.f(a, b)
				if math.Abs(x-y) > tol {
					if bad == 0 {
						example = fmt.Sprintf(" e.g. (%q, %q) ours=%.4f peer=%.4f", a, b, x, y)
					}
					bad++
				}
			}
			fmt.Printf("agree/%s/%s/%s mismatches=%d/%d%s\n", measure, alphabet, peer.name, bad, *check, example)
		}
	}
	agree("jarowinkler", asciiAlphabet, oursJW, jwPeers, 1e-9)
	agree("levenshtein", asciiAlphabet, oursLev, levPeers, 0)
	agree("jarowinkler", kanaAlphabet, oursJW, jwPeers, 1e-9)
	agree("levenshtein", kanaAlphabet, oursLev, levPeers, 0)
}

const (
	asciiAlphabet = "abcde"
	kanaAlphabet  = "アイウ山田"
)

// randString returns a string of up to 11 runes over a small alphabet, so
// that matches, transpositions and shared prefixes are frequent.
func randString(r *rand.Rand, alphabet string) string {
	alpha := []rune(alphabet)
	b := make([]rune, r.IntN(12))
	for i := range b {
		b[i] = alpha[r.IntN(len(alpha))]
	}
	return string(b)
}
