package journeytest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

// Bench measures the basic operations of the store returned by newStore
// (a new empty store on each call): Append of one event, and streaming one
// customer's timeline of 100 events.
func Bench(b *testing.B, newStore func(b *testing.B) journey.EventStore) {
	base := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	b.Run("Append", func(b *testing.B) {
		st := newStore(b)
		ctx := context.Background()
		ids := make([]customer.ID, 1000)
		for i := range ids {
			ids[i] = customer.ID(fmt.Sprintf("c%04d", i))
		}
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			e := journey.Event{ID: fmt.Sprintf("e%09d", i), CustomerID: ids[i%len(ids)], Type: journey.TypeWebVisit,
				Channel: customer.ChannelWeb, Time: base.Add(time.Duration(i) * time.Second)}
			if _, err := st.Append(ctx, e); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Events100", func(b *testing.B) {
		st := newStore(b)
		ctx := context.Background()
		for i := range 100 {
			e := journey.Event{ID: fmt.Sprint(i), CustomerID: "c", Type: journey.TypeWebVisit,
				Channel: customer.ChannelWeb, Time: base.Add(time.Duration(i) * time.Minute)}
			if _, err := st.Append(ctx, e); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range st.Events(ctx, "c", time.Time{}, time.Time{}) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != 100 {
				b.Fatalf("streamed %d events, want 100", n)
			}
		}
	})
}
