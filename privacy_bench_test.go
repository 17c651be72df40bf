package c360_test

import (
	"context"
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/synthsource"
	"github.com/c360/c360/quality/match/synth"
)

// BenchmarkErase erases one profile after another from an in-memory engine
// loaded with 20,000 synthetic records, then upserts 5,000 more one by one
// (so the change feed holds their creations, joins and merges). Erase reads
// the whole change feed and every profile, so its cost grows with the
// store: the figure is per erasure at this size.
func BenchmarkErase(b *testing.B) {
	ctx := context.Background()
	recs, _, err := synthsource.Generate(ctx, 25000, 1, synth.Japanese)
	if err != nil {
		b.Fatal(err)
	}
	e, err := c360.Open(ctx, c360.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Load(ctx, c360.Records(recs[:20000])); err != nil {
		b.Fatal(err)
	}
	for _, r := range recs[20000:] {
		if _, err := e.Upsert(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	var ids []customer.ID
	for p, err := range e.Profiles(ctx) {
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == len(ids) {
			b.Fatal("every profile erased")
		}
		if _, err := e.Erase(ctx, ids[i], customer.Decision{Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
