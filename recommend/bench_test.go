package recommend

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360/internal/cputime"
)

var (
	benchOnce  sync.Once
	benchModel *Model
)

// benchModel50k is a co-occurrence model over 50,000 items, trained on
// 50,000 synthetic customers (about a million interactions).
func model50k(b *testing.B) *Model {
	benchOnce.Do(func() {
		seq, _ := Synthetic(SynthConfig{Customers: 50000, Items: 50000, PerCustomer: 20, Seed: 1})
		bl := &Builder{}
		for in := range seq {
			bl.Add(in)
		}
		m, err := Train(context.Background(), bl, Config{Algorithm: CoOccurrence, HalfLife: -1, Shrinkage: 5, Blend: 0.1})
		if err != nil {
			b.Fatal(err)
		}
		benchModel = m
	})
	return benchModel
}

// BenchmarkRecommend50k serves one known customer's request over a
// catalogue of 50,000 items, with a category cap; it reports the 99th
// percentile latency beside the mean.
func BenchmarkRecommend50k(b *testing.B) {
	m := model50k(b)
	r := &Recommender{Model: m, Rules: Rules{MaxPerCategory: 3, Categories: map[string]string{}}}
	for i := range m.Items() {
		r.Rules.Categories[ItemName(i)] = fmt.Sprint("cat", i%50)
	}
	ctx := context.Background()
	ids := make([]Request, 1000)
	for i := range ids {
		ids[i] = Request{Customer: m.custs[(i*7919)%len(m.custs)], N: 10}
	}
	// On a shared machine the wall time measures the neighbours too: the
	// thread's CPU time per request is reported beside it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var lat, cpu []time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		c0, _ := cputime.Thread()
		t := time.Now()
		if _, err := r.Recommend(ctx, ids[i%len(ids)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
		c1, _ := cputime.Thread()
		cpu = append(cpu, c1-c0)
		i++
	}
	slices.Sort(lat)
	slices.Sort(cpu)
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-wall-ns")
	b.ReportMetric(float64(cpu[len(cpu)/2].Nanoseconds()), "p50-cpu-ns")
	b.ReportMetric(float64(cpu[len(cpu)*99/100].Nanoseconds()), "p99-cpu-ns")
}

// BenchmarkTrainCoOccurrence trains co-occurrence with fixed parameters
// on 20,000 synthetic customers and 2,000 items.
func BenchmarkTrainCoOccurrence(b *testing.B) {
	seq, _ := Synthetic(SynthConfig{Customers: 20000, Items: 2000, Seed: 1})
	bl := &Builder{}
	for in := range seq {
		bl.Add(in)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Train(context.Background(), bl, Config{Algorithm: CoOccurrence, HalfLife: -1, Shrinkage: 5, Blend: 0.1}); err != nil {
			b.Fatal(err)
		}
	}
}
