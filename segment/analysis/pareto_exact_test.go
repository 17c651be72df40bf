package analysis_test

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/c360/c360/segment/analysis"
	"github.com/google/go-cmp/cmp"
)

// paretoFigures are the figures of a ParetoResult a user checks by hand.
type paretoFigures struct {
	Total, ShareOfItems, Gini float64
	ItemsNeeded               int
}

func TestParetoExactFigures(t *testing.T) {
	items := func(vals ...float64) []analysis.Item {
		out := make([]analysis.Item, len(vals))
		for i, v := range vals {
			out[i] = analysis.Item{ID: fmt.Sprint(i), Value: v}
		}
		return out
	}
	tests := []struct {
		name   string
		reason string
		items  []analysis.Item
		share  float64
		want   paretoFigures
	}{
		{
			name:   "the audit's five items",
			reason: "Σ(2i−n−1)x = −4·5 −2·10 + 0·15 + 2·20 + 4·50 = 200; 200/(5·100) = 0.4 (was 0.40000000000000013)",
			items:  items(50, 20, 15, 10, 5), share: 0.8,
			want: paretoFigures{Total: 100, ItemsNeeded: 3, ShareOfItems: 0.6, Gini: 0.4},
		},
		{
			name:   "two decimals",
			reason: "(50.5 − 49.5)/(2·100) = 0.005",
			items:  items(30.5+20, 49.5), share: 0.8,
			want: paretoFigures{Total: 100, ItemsNeeded: 2, ShareOfItems: 1, Gini: 0.005},
		},
		{
			name:   "a total of decimals is the nearest float64 to the exact sum",
			reason: "ten times 0.1 sums naively to 0.9999999999999999; compensated, to 1",
			items:  items(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1), share: 0.8,
			want: paretoFigures{Total: 1, ItemsNeeded: 8, ShareOfItems: 0.8, Gini: 0},
		},
		{
			name:   "one item has everything",
			reason: "(n−1)·x/(n·x) = 3/4",
			items:  items(0, 0, 0, 7), share: 0.8,
			want: paretoFigures{Total: 7, ItemsNeeded: 1, ShareOfItems: 0.25, Gini: 0.75},
		},
		{
			name:  "all equal",
			items: items(3, 3, 3), share: 0.8,
			want: paretoFigures{Total: 9, ItemsNeeded: 3, ShareOfItems: 1, Gini: 0},
		},
		{
			name:   "a third of the items",
			reason: "ShareOfItems 1/3 is one division: 0.3333333333333333; Gini (−2·1 + 0·1 + 2·98)/(3·100) = 97/150",
			items:  items(98, 1, 1), share: 0.9,
			want: paretoFigures{Total: 100, ItemsNeeded: 1, ShareOfItems: 1.0 / 3, Gini: 97.0 / 150},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := analysis.Pareto(tt.items, tt.share, analysis.ABCCuts{})
			if err != nil {
				t.Fatal(err)
			}
			got := paretoFigures{Total: r.Total, ItemsNeeded: r.ItemsNeeded, ShareOfItems: r.ShareOfItems, Gini: r.Gini}
			if diff := cmp.Diff(tt.want, got); diff != "" { // exact: no tolerance
				t.Errorf("Pareto (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

// TestParetoGiniCorrectlyRounded compares the Gini coefficient of random
// integer values with the exact rational value rounded once to float64.
func TestParetoGiniCorrectlyRounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		n := 1 + rng.IntN(200)
		items := make([]analysis.Item, n)
		vals := make([]int64, n)
		for i := range items {
			vals[i] = rng.Int64N(1_000_000)
			if rng.IntN(4) == 0 {
				vals[i] = vals[rng.IntN(i+1)] // ties
			}
			items[i] = analysis.Item{ID: fmt.Sprint(i), Value: float64(vals[i])}
		}
		r, err := analysis.Pareto(items, 0.8, analysis.ABCCuts{})
		if err != nil {
			t.Fatal(err)
		}
		// Exact: G = Σ_i Σ_j |x_i − x_j| / (2·n·Σx).
		var diffs, total int64
		for i := range vals {
			total += vals[i]
			for j := range vals {
				diffs += max(vals[i]-vals[j], vals[j]-vals[i])
			}
		}
		want := 0.0
		if total > 0 {
			want, _ = new(big.Rat).SetFrac(big.NewInt(diffs), big.NewInt(2*int64(n)*total)).Float64()
		}
		if r.Gini != want {
			t.Fatalf("trial %d (n=%d): Gini = %v, want %v (the exact value rounded once)", trial, n, r.Gini, want)
		}
	}
}

// BenchmarkPareto ranks 1,000,000 items, the summary figures without
// Ranking: whole yen (exact 128-bit Gini path) and decimal values
// (compensated path).
func BenchmarkPareto(b *testing.B) {
	for _, tc := range []struct {
		name  string
		value func(r *rand.Rand) float64
	}{
		{"yen", func(r *rand.Rand) float64 { return float64(r.IntN(100_000)) }},
		{"decimals", func(r *rand.Rand) float64 { return float64(r.IntN(10_000_000)) / 100 }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(3, 4))
			items := make([]analysis.Item, 1_000_000)
			for i := range items {
				items[i] = analysis.Item{ID: fmt.Sprint(i), Value: tc.value(rng)}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := analysis.Pareto(items, 0.8, analysis.ABCCuts{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestParetoGiniDecimals checks the compensated path (values with cents,
// and whole values whose total passes 2⁵³) against the exact Gini of the
// float64 values: within one unit in the last place.
func TestParetoGiniDecimals(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for trial := range 200 {
		n := 1 + rng.IntN(60)
		items := make([]analysis.Item, n)
		for i := range items {
			v := float64(rng.IntN(10_000_000)) / 100 // ¥ with sen, or $ with cents
			if trial%4 == 3 {
				v = float64(rng.Int64N(1<<53)) * 64 // whole, but the total passes 2⁵³
			}
			items[i] = analysis.Item{ID: fmt.Sprint(i), Value: v}
		}
		r, err := analysis.Pareto(items, 0.8, analysis.ABCCuts{})
		if err != nil {
			t.Fatal(err)
		}
		diffs, total := new(big.Rat), new(big.Rat)
		for _, a := range items {
			x := new(big.Rat).SetFloat64(a.Value)
			total.Add(total, x)
			for _, b := range items {
				d := new(big.Rat).Sub(x, new(big.Rat).SetFloat64(b.Value))
				diffs.Add(diffs, d.Abs(d))
			}
		}
		want := 0.0
		if total.Sign() > 0 {
			want, _ = new(big.Rat).Quo(diffs, new(big.Rat).Mul(total, big.NewRat(2*int64(n), 1))).Float64()
		}
		if ulp := math.Nextafter(want, 2) - want; math.Abs(r.Gini-want) > ulp {
			t.Fatalf("trial %d (n=%d): Gini = %v, want %v within 1 ulp", trial, n, r.Gini, want)
		}
	}
}
