// Command recommend measures package recommend: training time and peak
// memory at shop scale on synthetic data, serving latency, and accuracy
// beside a reference implicit-feedback ALS (Hu, Koren & Volinsky 2008,
// written here in Go from the paper, as no Python is available).
//
// Run it from the bench folder:
//
//	go run ./cmd/recommend -mode accuracy -data synthetic
//	go run ./cmd/recommend -mode accuracy -data groceries -split 2015-07-01
//	go run ./cmd/recommend -mode scale -items 50000 -model cooccurrence
//	go run ./cmd/recommend -mode serve -items 50000
//
// Scale prints one line: model, sizes, wall and CPU seconds of training
// (and of loading the data, apart), and the process's peak resident memory.
// Run one model per process so that the peak is that model's.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/cputime"
	"github.com/c360/c360/recommend"
)

var (
	mode         = flag.String("mode", "accuracy", "accuracy, scale or serve")
	data         = flag.String("data", "synthetic", "accuracy: synthetic or groceries")
	groceries    = flag.String("groceries", "../../shared/data/groceries/Groceries_dataset.csv", "path of the groceries CSV")
	split        = flag.String("split", "2015-07-01", "accuracy on groceries: the time split")
	holdout      = flag.Float64("holdout-last", 0.2, "accuracy on synthetic data: share held out per customer")
	customers    = flag.Int("customers", 1_000_000, "scale/serve: customers")
	interactions = flag.Int("interactions", 20_000_000, "scale/serve: interactions (about)")
	items        = flag.Int("items", 1000, "scale/serve: catalogue size")
	model        = flag.String("model", "cooccurrence", "scale: popularity, cooccurrence, ease or auto")
	fixed        = flag.Bool("fixed", false, "scale: documented default hyper-parameters, no validation")
	requests     = flag.Int("requests", 20000, "serve: requests timed")
	seed         = flag.Uint64("seed", 1, "seed")
)

func main() {
	flag.Parse()
	ctx := context.Background()
	switch *mode {
	case "accuracy":
		accuracy(ctx)
	case "scale":
		scale(ctx)
	case "serve":
		serve(ctx)
	default:
		log.Fatalf("unknown -mode %q", *mode)
	}
}

func rusage() (cpu time.Duration, maxRSS int64) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return cpu, ru.Maxrss * 1024 // Linux reports KiB
}

func accuracy(ctx context.Context) {
	var ins []recommend.Interaction
	cfg := recommend.EvalConfig{Seed: *seed}
	switch *data {
	case "groceries":
		f, err := os.Open(*groceries)
		if err != nil {
			log.Fatal(err)
		}
		ins, err = recommend.ReadCSV(ctx, f, recommend.Columns{Customer: "Member_number", Item: "itemDescription", Time: "Date"})
		if err != nil {
			log.Fatal(err)
		}
		cfg.Split, err = recommend.ParseTime(*split, "")
		if err != nil {
			log.Fatal(err)
		}
	case "synthetic":
		seq, _ := recommend.Synthetic(recommend.SynthConfig{Customers: *customers, Items: *items, Seed: *seed})
		for in := range seq {
			ins = append(ins, in)
		}
		cfg.HoldoutLast = *holdout
	default:
		log.Fatalf("unknown -data %q", *data)
	}
	cfg.External = map[string]recommend.External{}
	for _, a := range []ALS{
		{Factors: 64, Lambda: 0.01, Alpha: 1, Iterations: 15, Seed: *seed},  // the implicit library's defaults, factors 64
		{Factors: 64, Lambda: 0.01, Alpha: 40, Iterations: 15, Seed: *seed}, // the paper's alpha
	} {
		name := fmt.Sprintf("als_f%d_a%g", a.Factors, a.Alpha)
		cfg.External[name] = func(ctx context.Context, d *recommend.Dataset) (recommend.Ranker, error) {
			start := time.Now()
			r, err := a.Train(ctx, d)
			fmt.Fprintf(os.Stderr, "%s trained in %v\n", name, time.Since(start).Round(time.Millisecond))
			return r, err
		}
	}
	start := time.Now()
	res, err := recommend.Evaluate(ctx, ins, cfg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d interactions, evaluated in %v\n", len(ins), time.Since(start).Round(time.Millisecond))
	fmt.Printf("%-16s %7s %9s %8s %7s %8s %17s %17s %s\n", "model", "HR@10", "recall@10", "NDCG@10", "MAP@10", "coverage", "recall_95%", "gain_95%", "params")
	for _, m := range res {
		fmt.Printf("%-16s %7.4f %9.4f %8.4f %7.4f %8.4f [%6.4f,%6.4f] [%+.4f,%+.4f] %+v\n", m.Model, m.HR, m.Recall, m.NDCG, m.MAP, m.Coverage,
			m.RecallLow, m.RecallHigh, m.DiffLow, m.DiffHigh, m.Params)
	}
}

// load fills a Builder with synthetic data of the requested size.
func load() *recommend.Builder {
	per := max(2, int(float64(*interactions)/float64(*customers)/1.08)) // pairs add about 8%
	seq, _ := recommend.Synthetic(recommend.SynthConfig{Customers: *customers, Items: *items, PerCustomer: per, Seed: *seed})
	b := &recommend.Builder{}
	b.Grow(*interactions + *interactions/10)
	for in := range seq {
		if err := b.Add(in); err != nil {
			log.Fatal(err)
		}
	}
	return b
}

func scale(ctx context.Context) {
	t0 := time.Now()
	c0, _ := rusage()
	b := load()
	runtime.GC()
	c1, rssData := rusage()
	loadWall, loadCPU := time.Since(t0), c1-c0
	cfg := recommend.Config{Algorithm: recommend.Algorithm(*model), Seed: *seed}
	if *model == "auto" {
		cfg.Algorithm = recommend.Auto
	}
	if *fixed {
		cfg.HalfLife, cfg.Shrinkage, cfg.Blend, cfg.Lambda = -1, 5, 0.1, 0
	}
	last := ""
	cfg.Progress = func(p recommend.Progress) {
		if p.Step != last {
			fmt.Fprintf(os.Stderr, "%8.1fs %s\n", time.Since(t0).Seconds(), p.Step)
			last = p.Step
		}
	}
	t1 := time.Now()
	m, err := recommend.Train(ctx, b, cfg)
	if err != nil {
		fmt.Printf("model=%s items=%d customers=%d error=%q\n", *model, *items, *customers, err)
		os.Exit(1)
	}
	wall := time.Since(t1)
	c2, rss := rusage()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p := m.Params()
	fmt.Printf("model=%s chosen=%s items=%d customers=%d interactions=%d load_wall_s=%.1f load_cpu_s=%.1f train_wall_s=%.1f train_cpu_s=%.1f peak_rss_gib=%.2f rss_after_load_gib=%.2f params=%+v\n",
		*model, p.Algorithm, m.Items(), m.Customers(), b.Build().Stats().Rows, loadWall.Seconds(), loadCPU.Seconds(), wall.Seconds(), (c2 - c1).Seconds(),
		float64(rss)/(1<<30), float64(rssData)/(1<<30), p)
}

func serve(ctx context.Context) {
	b := load()
	m, err := recommend.Train(ctx, b, recommend.Config{Algorithm: recommend.CoOccurrence, HalfLife: -1, Shrinkage: 5, Blend: 0.1})
	if err != nil {
		log.Fatal(err)
	}
	r := &recommend.Recommender{Model: m, Rules: recommend.Rules{MaxPerCategory: 3, Categories: map[string]string{}}}
	for i := range *items {
		r.Rules.Categories[recommend.ItemName(i)] = fmt.Sprint("cat", i%50)
	}
	lat := make([]time.Duration, 0, *requests)
	cpu := make([]time.Duration, 0, *requests)
	ids := make([]customer.ID, *requests)
	for i := range ids {
		ids[i] = customer.ID(fmt.Sprintf("c%07d", (i*7919)%*customers))
	}
	// The thread's CPU time per request is the figure to trust on a
	// shared machine; the wall time also measures the neighbours.
	runtime.LockOSThread()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for i := range *requests {
		c0, _ := cputime.Thread()
		t := time.Now()
		if _, err := r.Recommend(ctx, recommend.Request{Customer: ids[i], N: 10}); err != nil {
			log.Fatal(err)
		}
		lat = append(lat, time.Since(t))
		c1, _ := cputime.Thread()
		cpu = append(cpu, c1-c0)
	}
	runtime.ReadMemStats(&ms1)
	slices.Sort(lat)
	slices.Sort(cpu)
	q := func(s []time.Duration, p float64) time.Duration { return s[int(p*float64(len(s)-1))] }
	fmt.Printf("items=%d customers=%d requests=%d wall_p50=%v wall_p99=%v cpu_p50=%v cpu_p90=%v cpu_p99=%v cpu_max=%v allocs_per_request=%.1f bytes_per_request=%.0f\n",
		m.Items(), m.Customers(), len(lat), q(lat, 0.5), q(lat, 0.99), q(cpu, 0.5), q(cpu, 0.9), q(cpu, 0.99), cpu[len(cpu)-1],
		float64(ms1.Mallocs-ms0.Mallocs)/float64(len(lat)), float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(len(lat)))
}
