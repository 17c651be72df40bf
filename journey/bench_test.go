package journey

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/cputime"
)

// benchEvents returns n events of 10,000 customers cycling through a
// journey, in time order.
func benchEvents(n int) []Event {
	types := []Type{TypeAdClick, TypeWebVisit, TypeSignUp, TypeLogin, TypeWebVisit, TypeEmailOpen, TypeOnlinePurchase, TypeChat, TypeStorePurchase, TypeCouponRedeemed}
	ids := make([]customer.ID, 10000)
	for i := range ids {
		ids[i] = customer.ID(fmt.Sprintf("cust-%05d", i))
	}
	evs := make([]Event, n)
	for i := range evs {
		evs[i] = Event{
			ID: fmt.Sprintf("ev-%09d", i), CustomerID: ids[i%len(ids)], Type: types[(i/len(ids))%len(types)],
			Channel: customer.ChannelWeb, Time: t0.Add(time.Duration(i) * time.Second),
		}
	}
	return evs
}

// BenchmarkEngineIngest measures real-time ingestion with live stage
// tracking into the default MemoryEventStore: validation, idempotent
// append, stage rules and transition history.
func BenchmarkEngineIngest(b *testing.B) {
	evs := benchEvents(1 << 20)
	ctx := context.Background()
	g := &Engine{}
	i := 0
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		if i == len(evs) {
			b.StopTimer()
			g, i = &Engine{}, 0
			b.StartTimer()
		}
		if _, err := g.Ingest(ctx, evs[i]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "touchpoints/s")
}

// processCPU returns the process CPU time, 0 where it is not read.
func processCPU() time.Duration {
	d, _ := cputime.Process()
	return d
}

// reportCPU reports the process CPU time per operation since start.
func reportCPU(b *testing.B, start time.Duration) {
	if c := processCPU(); c > 0 {
		b.ReportMetric(float64(c-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkEngineIngestParallel is BenchmarkEngineIngest from GOMAXPROCS
// goroutines.
func BenchmarkEngineIngestParallel(b *testing.B) {
	evs := benchEvents(1 << 22)
	ctx := context.Background()
	g := &Engine{}
	var next atomicCounter
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.add() % int64(len(evs))
			if _, err := g.Ingest(ctx, evs[i]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "touchpoints/s")
}

// BenchmarkGateDecide10Caps measures one decision with 10 caps configured
// and 20 recorded sends in the customer's history.
func BenchmarkGateDecide10Caps(b *testing.B) {
	now := time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC)
	g := benchGate(now)
	req := Request{Customer: "c-1", Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Campaign: "spring", Tags: []string{"promo"}}
	ctx := context.Background()
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		if _, err := g.Decide(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

func benchGate(now time.Time) *Gate {
	g := &Gate{
		Consent: ConsentFunc(func(context.Context, customer.ID, customer.Channel, customer.Purpose, time.Time) (customer.ConsentStatus, error) {
			return customer.ConsentOptIn, nil
		}),
		Now: func() time.Time { return now },
		Caps: []Cap{
			{Name: "all per day", Max: 5, Window: day},
			{Name: "all per week", Max: 30, Window: 7 * day},
			{Name: "email per day", Channel: customer.ChannelEmail, Max: 3, Window: day},
			{Name: "email per week", Channel: customer.ChannelEmail, Max: 20, Window: 7 * day},
			{Name: "sms per week", Channel: customer.ChannelSMS, Max: 2, Window: 7 * day},
			{Name: "marketing per day", Purpose: customer.PurposeMarketing, Max: 4, Window: day},
			{Name: "marketing per 30 days", Purpose: customer.PurposeMarketing, Max: 60, Window: 30 * day},
			{Name: "promo per day", Tag: "promo", Max: 2, Window: day},
			{Name: "campaign per week", PerCampaign: true, Max: 10, Window: 7 * day},
			{Name: "line per day", Channel: customer.ChannelLINE, Max: 1, Window: day},
		},
		QuietHours: []QuietHours{{Channel: customer.ChannelSMS, Start: 21 * time.Hour, End: 8 * time.Hour}},
	}
	chans := []customer.Channel{customer.ChannelEmail, customer.ChannelLINE, customer.ChannelPush, customer.ChannelEmail}
	for i := range 20 {
		g.Record(Send{Customer: "c-1", Channel: chans[i%len(chans)], Purpose: customer.PurposeMarketing, Campaign: fmt.Sprint("c", i%3),
			Time: now.Add(-time.Duration(20-i) * 20 * time.Hour)})
	}
	return g
}

type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) add() int64 { return c.n.Add(1) - 1 }

// funnelColumns generates n events of n/10 customers drifting through five
// funnel steps (35% other types), with exponential gaps of mean 2 days.
func funnelColumns(n int) (*Columns, []Type) {
	steps := []Type{TypeAdClick, TypeWebVisit, TypeSignUp, TypeEmailClick, TypeOnlinePurchase}
	other := []Type{TypeEmailOpen, TypeChat, TypeServiceCall, TypeStorePurchase, TypeCouponRedeemed}
	rng := rand.New(rand.NewPCG(1, 2))
	var c Columns
	c.Grow(n)
	g := c.GroupCode("")
	var codes, ocodes []int32
	for i := range steps {
		codes = append(codes, c.TypeCode(steps[i]))
		ocodes = append(ocodes, c.TypeCode(other[i]))
	}
	type row struct {
		cu, typ int32
		t       int64
	}
	rows := make([]row, 0, n)
	for cu := range n / 10 {
		id := c.Customer(customer.ID(fmt.Sprint(cu)))
		ts := t0.UnixNano() + rng.Int64N(int64(150*day))
		for j := range 10 {
			ts += int64(rng.ExpFloat64() * float64(2*day))
			code := ocodes[rng.IntN(5)]
			if rng.IntN(100) >= 35 {
				code = codes[max(0, min(4, j/2+rng.IntN(3)-1))]
			}
			rows = append(rows, row{id, code, ts})
		}
	}
	// append in random order
	rng.Shuffle(len(rows), func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
	for _, r := range rows {
		c.AppendNanos(r.cu, r.typ, r.t, g)
	}
	return &c, steps
}

// BenchmarkFunnelColumns measures a funnel over 1,000,000 events of
// 100,000 customers with 1 to 5 steps: the cost should grow about linearly.
func BenchmarkFunnelColumns(b *testing.B) {
	c, steps := funnelColumns(1_000_000)
	for k := 1; k <= 5; k++ {
		b.Run(fmt.Sprintf("steps=%d", k), func(b *testing.B) {
			f := Funnel{Steps: steps[:k], Window: 30 * day}
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				if _, err := f.RunColumns(context.Background(), c); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(c.Len())*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkGateDecide10CapsRefused is BenchmarkGateDecide10Caps for a
// request that three caps refuse, so that the decision builds its reasons.
func BenchmarkGateDecide10CapsRefused(b *testing.B) {
	now := time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC)
	g := benchGate(now)
	for i := range 5 {
		g.Record(Send{Customer: "c-2", Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Campaign: "spring", Tags: []string{"promo"},
			Time: now.Add(-time.Duration(i+1) * time.Hour)})
	}
	req := Request{Customer: "c-2", Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Campaign: "spring", Tags: []string{"promo"}}
	ctx := context.Background()
	if d, _ := g.Decide(ctx, req); d.Allowed {
		b.Fatal("the request is allowed")
	}
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		if _, err := g.Decide(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}
