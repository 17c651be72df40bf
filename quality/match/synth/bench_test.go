package synth

import (
	"context"
	"testing"
)

// BenchmarkGenerate measures records generated per second (no output).
func BenchmarkGenerate(b *testing.B) {
	for _, loc := range []Locale{Japanese, English} {
		b.Run(string(loc), func(b *testing.B) {
			const n = 100_000
			b.ReportAllocs()
			for b.Loop() {
				err := Generate(context.Background(), Config{N: n, Locale: loc}, func(Record) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
