package bolt

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/internal/synthsource"
	"github.com/c360/c360/quality/match/synth"
)

// BenchmarkReindex measures c360.Reindex on a bolt file holding
// C360_BENCH_RECORDS synthetic records (default 20,000) loaded by
// Engine.Load. Iterations alternate between the default blocking rules and
// three others (full name, e-mail, phone), so that every iteration rewrites
// the index keys of (nearly) every record, as after an upgrade or a changed
// configuration. It reports the records read per second, the records
// rewritten and the CPU time per iteration.
//
//	cd store/bolt && go test -run '^$' -bench Reindex -benchtime 4x
//	C360_BENCH_RECORDS=200000 go test -run '^$' -bench Reindex -benchtime 2x -timeout 1h
func BenchmarkReindex(b *testing.B) {
	n := envInt(b, "C360_BENCH_RECORDS", 20_000)
	ctx := context.Background()
	db, err := Open(filepath.Join(b.TempDir(), "c360.db"), &Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	base := c360.Config{Store: db.Engine(), Now: func() time.Time { return now }}
	e, err := c360.Open(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	recs, _, err := synthsource.Generate(ctx, n, 3, synth.Japanese)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.Load(ctx, c360.Records(recs)); err != nil {
		b.Fatal(err)
	}
	e.Close()
	other := base
	other.Match.Blocking = [][]string{{"family_name", "given_name"}, {"email"}, {"phone"}}
	var cpu time.Duration
	changed := 0
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		cfg := base
		if i%2 == 0 {
			cfg = other
		}
		i++
		c0 := processCPU()
		got, err := c360.Reindex(ctx, cfg)
		cpu += processCPU() - c0
		if err != nil {
			b.Fatal(err)
		}
		if got.Records != n || got.Changed == 0 {
			b.Fatalf("Reindex = %+v, want all %d records read and some rewritten", got, n)
		}
		changed += got.Changed
	}
	b.ReportMetric(float64(changed)/float64(b.N), "rewritten/op")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}
