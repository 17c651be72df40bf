package postgres

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/synthsource"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/match/synth"
)

// liveSegments are ten live segments of the kinds the issue names.
var liveSegments = []c360.SegmentDef{
	{Name: "buyers", Expr: "count(online_purchase, 90d) >= 2"},
	{Name: "visitors", Expr: "count(web_visit, 30d) >= 1"},
	{Name: "big-spenders", Expr: "sum(value, 365d) > 50000"},
	{Name: "openers", Expr: "count(email_open, 30d) >= 3"},
	{Name: "lapsed", Expr: "count(90d) = 0"},
	{Name: "store-goers", Expr: "count(store_purchase, 180d) >= 1"},
	{Name: "clickers", Expr: "count(email_click, 60d) >= 1"},
	{Name: "loyal", Expr: "count(online_purchase, 365d) >= 5"},
	{Name: "multichannel", Expr: "distinct(channel, 90d) >= 2"},
	{Name: "new", Expr: "count(login, 7d) >= 1 and count(online_purchase) = 0"},
}

// BenchmarkEngineLive measures the live engine on PostgreSQL: Track (an
// event named by its source record, ten live segments defined), Decide and
// Claim (one e-mail a day, over the durable send history), on a store
// pre-loaded with C360_BENCH_PRELOAD synthetic records (default 10,000)
// and 5 events each. It reports p50 and p99, the round trips per call (the
// engine's reads as the store serves them today) and the bare round trip.
//
//	source .ci/postgres.sh && cd store/postgres &&
//	go test -run '^$' -bench EngineLive -benchtime 2000x
func BenchmarkEngineLive(b *testing.B) {
	ctx := context.Background()
	preload := envInt(b, "C360_BENCH_PRELOAD", 10_000)
	recs, _, err := synthsource.Generate(ctx, preload, 7, synth.Japanese)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	store := freshDB(b, testPool(b)).Engine()
	e, err := c360.Open(ctx, c360.Config{Store: store, Now: func() time.Time { return now }, Segments: liveSegments,
		Sending: c360.SendConfig{AllowUnknownConsent: true,
			Caps: []journey.Cap{{Name: "one a day", Channel: customer.ChannelEmail, Max: 1, Window: 24 * time.Hour}}}})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	t0 := time.Now()
	if _, err := e.Load(ctx, c360.Records(recs)); err != nil {
		b.Fatal(err)
	}
	types := []journey.Type{journey.TypeWebVisit, journey.TypeOnlinePurchase, journey.TypeEmailOpen, journey.TypeLogin, journey.TypeStorePurchase}
	seq := 0
	event := func(r customer.SourceRecord) journey.Event {
		seq++
		return journey.Event{ID: fmt.Sprintf("e%d", seq), Identifiers: []customer.Identifier{{Scheme: customer.SourceScheme + r.System, Value: r.RecordID}},
			Type: types[seq%len(types)], Channel: customer.ChannelWeb, Time: now.Add(-time.Duration(seq%2000) * time.Hour),
			Value: journey.Money{Amount: int64(1000 * (seq % 7)), Currency: "JPY"}}
	}
	ids := make([]customer.ID, 0, len(recs))
	for _, r := range recs {
		var tr c360.Tracked
		for range 5 {
			if tr, err = e.Track(ctx, event(r)); err != nil {
				b.Fatal(err)
			}
		}
		ids = append(ids, tr.Profile)
	}
	b.Logf("pre-loaded %d records and %d events in %v", len(recs), 5*len(recs), time.Since(t0).Round(time.Second))

	run := func(b *testing.B, op func(i int) error) {
		rt := bareRoundTrip(b, store.d.pool)
		trips0 := store.roundTrips.Load()
		cpu := processCPU()
		var ds []time.Duration
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			t := time.Now()
			if err := op(i); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(t))
			i++
		}
		cpu = processCPU() - cpu
		slices.Sort(ds)
		b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(ds[min(len(ds)-1, len(ds)*99/100)].Microseconds()), "p99-µs")
		b.ReportMetric(float64(store.roundTrips.Load()-trips0)/float64(len(ds)), "round-trips/op")
		b.ReportMetric(float64(cpu.Microseconds())/float64(len(ds)), "client-cpu-µs/op")
		b.ReportMetric(float64(rt.Microseconds()), "bare-rt-µs")
	}
	b.Run("op=Track", func(b *testing.B) {
		run(b, func(i int) error {
			_, err := e.Track(ctx, event(recs[(i*7919)%len(recs)]))
			return err
		})
	})
	b.Run("op=Decide", func(b *testing.B) {
		run(b, func(i int) error {
			_, err := e.Decide(ctx, journey.Request{Customer: ids[(i*7919)%len(ids)], Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing})
			return err
		})
	})
	b.Run("op=Claim", func(b *testing.B) {
		run(b, func(i int) error {
			_, err := e.Claim(ctx, journey.Request{Customer: ids[(i*7919)%len(ids)], Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing})
			return err
		})
	})
}
