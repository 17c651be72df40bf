package c360_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/cputime"
	"github.com/c360/c360/internal/livebench"
	"github.com/c360/c360/internal/synthsource"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/match/synth"
)

// BenchmarkUpsert upserts synthetic records into an in-memory engine that
// holds 20,000 loaded ones; the records upserted are further records of the
// same generator, so most join, some merge or are held for review, the rest
// create profiles. Larger runs: bench/cmd/engine.
func BenchmarkUpsert(b *testing.B) {
	ctx := context.Background()
	const loaded = 20000
	recs, _, err := synthsource.Generate(ctx, loaded+50000, 1, synth.Japanese)
	if err != nil {
		b.Fatal(err)
	}
	e, err := c360.Open(ctx, c360.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Load(ctx, c360.Records(recs[:loaded])); err != nil {
		b.Fatal(err)
	}
	more := recs[loaded:]
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := more[i%len(more)]
		if i >= len(more) {
			r.RecordID += "-again" // past the end: new keys, same people
		}
		if _, err := e.Upsert(ctx, r); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkTrack tracks touchpoints into an in-memory engine holding
// 20,000 loaded profiles with ten live segments: half name the profile by
// ID, a third by e-mail address, the rest are anonymous visits. Larger
// runs: bench/cmd/engine -track.
func BenchmarkTrack(b *testing.B) {
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tick := start
	e, ids, emails := trackBench(b, func() time.Time { return tick.Add(time.Hour) })
	b.ReportAllocs()
	cpu := processCPU()
	i := 0
	for b.Loop() {
		if _, err := e.Track(ctx, livebench.Event(i, tick, ids, emails)); err != nil {
			b.Fatal(err)
		}
		tick = tick.Add(time.Second)
		i++
	}
	reportCPU(b, cpu)
}

// BenchmarkTrackParallel is BenchmarkTrack with Track called from
// GOMAXPROCS goroutines (b.RunParallel): the MemoryStore runs the Tracks of
// different people side by side. ns/op is wall time per event of all
// goroutines together.
func BenchmarkTrackParallel(b *testing.B) {
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e, ids, emails := trackBench(b, func() time.Time { return start.Add(10000 * time.Hour) })
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1) - 1)
			if _, err := e.Track(ctx, livebench.Event(i, start.Add(time.Duration(i)*time.Second), ids, emails)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportCPU(b, cpu)
}

// trackBench opens an in-memory engine with ten live segments and 20,000
// loaded profiles; it returns the profiles' IDs and the e-mail addresses
// one profile holds each, sorted.
func trackBench(b *testing.B, now func() time.Time) (*c360.Engine, []customer.ID, []string) {
	ctx := context.Background()
	const loaded = 20000
	recs, _, err := synthsource.Generate(ctx, loaded, 1, synth.Japanese)
	if err != nil {
		b.Fatal(err)
	}
	e, err := c360.Open(ctx, c360.Config{Segments: livebench.Segments(), Now: now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	if _, err := e.Load(ctx, c360.Records(recs)); err != nil {
		b.Fatal(err)
	}
	var ids []customer.ID
	holders := map[string]int{}
	for p, err := range e.Profiles(ctx) {
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, p.ID)
		for _, em := range p.Emails() {
			holders[strings.ToLower(em.Value)]++
		}
	}
	var emails []string // held by one profile (Track refuses an e-mail two hold)
	for em := range holders {
		if got, err := e.Lookup(ctx, customer.Identifier{Scheme: "email", Value: em}); err == nil && len(got) == 1 {
			emails = append(emails, em)
		}
	}
	slices.Sort(emails)
	return e, ids, emails
}

// processCPU returns the process CPU time (garbage collector included), 0
// where it is not read.
func processCPU() time.Duration {
	d, _ := cputime.Process()
	return d
}

// reportCPU reports the process CPU time per operation since start: on a
// shared machine it measures the code where wall time also measures the
// neighbours.
func reportCPU(b *testing.B, start time.Duration) {
	if c := processCPU(); c > 0 && start > 0 {
		b.ReportMetric(float64(c-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkDecide asks the engine's gate about profiles with consent, two
// contact points and a durable send history of ten sends in the cap's
// window.
func BenchmarkDecide(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	e, err := c360.Open(ctx, c360.Config{Now: func() time.Time { return now },
		Sending: c360.SendConfig{Caps: []journey.Cap{{Name: "weekly", Max: 20, Window: 7 * 24 * time.Hour}, {Name: "sms daily", Channel: customer.ChannelSMS, Max: 1, Window: 24 * time.Hour}}}})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	var ids []customer.ID
	for i := range 1000 {
		r := customer.SourceRecord{System: "crm", RecordID: strconv.Itoa(i), ObservedAt: now}
		r.Kind = customer.KindPerson
		r.Name = customer.PersonName{Family: "山田" + strconv.Itoa(i), Given: "太郎"}
		r.ContactPoints = []customer.ContactPoint{
			{Type: customer.ContactEmail, Value: "old" + strconv.Itoa(i) + "@example.jp"},
			{Type: customer.ContactEmail, Value: "u" + strconv.Itoa(i) + "@example.jp", Primary: true}}
		r.Consent.Entries = []customer.ConsentEntry{{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: now.Add(-time.Hour)}}
		up, err := e.Upsert(ctx, r)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, up.Profile)
		for j := range 10 {
			if err := e.Sent(ctx, journey.Send{Customer: up.Profile, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Time: now.Add(-time.Duration(j+1) * time.Hour)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	cpu := processCPU()
	i := 0
	for b.Loop() {
		d, err := e.Decide(ctx, journey.Request{Customer: ids[i%len(ids)], Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing})
		if err != nil || !d.Allowed {
			b.Fatal(d, err)
		}
		i++
	}
	reportCPU(b, cpu)
}
