package c360_test

import (
	"context"
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/internal/synthsource"
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
