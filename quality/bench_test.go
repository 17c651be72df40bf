package quality_test

import (
	"context"
	"testing"
	"time"

	"github.com/c360/c360/quality"
	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/quality/match/synth"
)

// synthTable returns n `c360 synth` records (Japanese, default settings)
// as a quality.Table.
func synthTable(tb testing.TB, n int) *quality.Table {
	tb.Helper()
	var rows [][]string
	err := synth.Generate(context.Background(), synth.Config{N: n}, func(r synth.Record) error {
		rows = append(rows, r.Values)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	t, err := quality.NewTable(synth.Header(""), rows, "record_id")
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// synthFields are the kinds `c360 quality` infers for synth's columns.
func synthFields() []quality.Field {
	return []quality.Field{
		{Name: "family_name", Kind: match.KindFamilyName},
		{Name: "given_name", Kind: match.KindGivenName},
		{Name: "family_kana", Kind: match.KindNameKana},
		{Name: "given_kana", Kind: match.KindNameKana},
		{Name: "birth_date", Kind: match.KindBirthDate},
		{Name: "email", Kind: match.KindEmail},
		{Name: "phone", Kind: match.KindPhone},
		{Name: "postal_code", Kind: match.KindPostalCode},
		{Name: "prefecture", Kind: match.KindPrefecture},
		{Name: "address", Kind: match.KindAddress},
		{Name: "company", Kind: match.KindCompany},
		{Name: "source_system", Kind: match.KindCategory},
	}
}

// BenchmarkAssessSynth scores 100,000 synth records with the default
// rules on every CPU; ns/op is for the whole batch. Multiply by 10 for the
// 1,000,000-record target (≤ 10 s on 2 cores).
func BenchmarkAssessSynth(b *testing.B) {
	recs := synthTable(b, 100_000).Records()
	eng, err := quality.New(quality.Config{Fields: synthFields(), Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := eng.Assess(context.Background(), recs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
