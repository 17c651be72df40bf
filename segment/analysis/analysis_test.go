package analysis

import (
	"bytes"
	"encoding/xml"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func TestParetoWorkedExample(t *testing.T) {
	items := []Item{{"e", 5}, {"c", 10}, {"a", 50}, {"d", 5}, {"b", 30}}
	got, err := Pareto(items, 0.8, ABCCuts{})
	if err != nil {
		t.Fatal(err)
	}
	want := &ParetoResult{
		Items: 5, Total: 100, Share: 0.8, ItemsNeeded: 2, ShareOfItems: 0.4,
		// ascending 5,5,10,30,50: 2·(1·5+2·5+3·10+4·30+5·50)/(5·100) − 6/5 = 0.46
		Gini: 0.46,
		// a (before 0) and b (before 0.5) are A; c (before 0.8) and d (0.9) B; e (0.95) C.
		ABC: ABCCount{A: 2, B: 2, C: 1},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(ParetoResult{}, "ABCCuts"), cmpopts.IgnoreUnexported(ParetoResult{}), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Pareto (-want +got):\n%s", diff)
	}
	var order []string
	for _, r := range got.Ranking() {
		order = append(order, r.ID+":"+r.Class)
	}
	if diff := cmp.Diff([]string{"a:A", "b:A", "c:B", "d:B", "e:C"}, order); diff != "" {
		t.Errorf("ranking (ties by ID) (-want +got):\n%s", diff)
	}
}

func TestParetoEdges(t *testing.T) {
	tests := []struct {
		name       string
		items      []Item
		share      float64
		wantNeeded int
		wantGini   float64
		wantErr    bool
	}{
		{"empty", nil, 0.8, 0, 0, false},
		{"all zero", []Item{{"a", 0}, {"b", 0}}, 0.8, 0, 0, false},
		{"equal values", []Item{{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}, {"e", 1}}, 0.8, 4, 0, false},
		{"one has all", []Item{{"a", 0}, {"b", 0}, {"c", 0}, {"d", 10}}, 0.8, 1, 0.75, false},
		{"exact share reached", []Item{{"a", 0.1}, {"b", 0.7}, {"c", 0.2}}, 0.9, 2, 0, false},
		{"negative value", []Item{{"a", -1}}, 0.8, 0, 0, true},
		{"NaN value", []Item{{"a", math.NaN()}}, 0.8, 0, 0, true},
		{"share zero", []Item{{"a", 1}}, 0, 0, 0, true},
		{"share above one", []Item{{"a", 1}}, 1.5, 0, 0, true},
		{"sum past the largest float64", []Item{{"a", 1e308}, {"b", 9e307}}, 0.8, 0, 0, true},
		// ascending 1e300, 1e300, 5e307, 1e308 weigh −3, −1, 1, 3:
		// (5e307 + 3e308 − 4e300) / (4 · (1.5e308 + 2e300)); the weighted
		// sum alone would pass the largest float64.
		{"near the top, the sum fits", []Item{{"a", 1e308}, {"b", 1e300}, {"c", 1e300}, {"d", 5e307}}, 0.8, 2, (3.5e308 - 4e300) / (6e308 + 8e300), false},
		{"near the top, scaled like small values", []Item{{"a", 0x1p1000}, {"b", 0x1p1000}, {"c", 0}, {"d", 0x1p1001}}, 0.8, 3, 3.0 / 8, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Pareto(tt.items, tt.share, ABCCuts{})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got.ItemsNeeded != tt.wantNeeded {
				t.Errorf("ItemsNeeded = %d, want %d", got.ItemsNeeded, tt.wantNeeded)
			}
			if tt.name != "exact share reached" && math.Abs(got.Gini-tt.wantGini) > 1e-12 {
				t.Errorf("Gini = %v, want %v", got.Gini, tt.wantGini)
			}
		})
	}
	if _, err := Pareto([]Item{{"a", math.MaxFloat64}, {"b", math.MaxFloat64}}, 0.8, ABCCuts{}); !errors.Is(err, ErrBadValue) {
		t.Errorf("overflowing sum error = %v, want ErrBadValue", err)
	}
	if _, err := Pareto([]Item{{"a", -1}}, 0.8, ABCCuts{}); !errors.Is(err, ErrBadValue) || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("negative value error = %v, want ErrBadValue naming the item", err)
	}
}

func TestParetoSVG(t *testing.T) {
	items := make([]Item, 250)
	for i := range items {
		items[i] = Item{ID: string(rune('a' + i%26)), Value: float64(1000 / (i + 1))}
	}
	res, err := Pareto(items, 0.8, ABCCuts{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := res.WriteSVG(&buf, `Customers <by> "revenue" & 顧客`); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	// It must be well-formed XML and self-contained.
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("SVG is not well-formed XML: %v", err)
			}
			break
		}
	}
	for _, banned := range []string{"<script", "href=", "@import", "url("} {
		if strings.Contains(svg, banned) {
			t.Errorf("SVG contains %q: not self-contained", banned)
		}
	}
	if n := strings.Count(svg, `fill="#4a7bd0"`); n != 100 {
		t.Errorf("SVG has %d bars, want 100 (250 items bucketed)", n)
	}
}

func TestRFMWorkedExample(t *testing.T) {
	ago := func(d int) time.Time { return now.Add(-days(d)) }
	in := []RFMInput{
		{"A", ago(1), 10, 100000, 0},
		{"B", ago(10), 5, 50000, 0},
		{"C", ago(30), 5, 20000, 0},
		{"D", ago(200), 1, 1000, 0},
		{"E", time.Time{}, 0, 0, 0},
	}
	got, err := RFM(in, now, RFMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	// Mid-rank scores over the 4 buyers (E never bought and is not ranked):
	// 1 + floor(5·(2k+t)/8) with k strictly worse and t tied: a lone value
	// at k = 0, 1, 2, 3 scores 1, 2, 4, 5.
	want := []RFMScore{
		{CustomerID: "A", RecencyDays: 1, Frequency: 10, Monetary: 100000, R: 5, F: 5, M: 5, Cell: "champions"},
		// B and C tie on frequency (k = 1, t = 2): both 1 + floor(5·4/8) = 3.
		{CustomerID: "B", RecencyDays: 10, Frequency: 5, Monetary: 50000, R: 4, F: 3, M: 4, Cell: "loyal"},
		{CustomerID: "C", RecencyDays: 30, Frequency: 5, Monetary: 20000, R: 2, F: 3, M: 2, Cell: "hibernating"},
		{CustomerID: "D", RecencyDays: 200, Frequency: 1, Monetary: 1000, R: 1, F: 1, M: 1, Cell: "lost"},
		{CustomerID: "E", RecencyDays: math.Inf(1), Cell: NoPurchase},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RFM (-want +got):\n%s", diff)
	}

	th := RFMConfig{Method: Thresholds,
		RecencyDays: []float64{7, 30, 90, 180},
		Frequency:   []float64{2, 3, 5, 10},
		Monetary:    []float64{5000, 20000, 50000, 100000}}
	got, err = RFM(in, now, th)
	if err != nil {
		t.Fatal(err)
	}
	var scores []string
	for _, s := range got {
		scores = append(scores, s.CustomerID+":"+string(rune('0'+s.R))+string(rune('0'+s.F))+string(rune('0'+s.M)))
	}
	// A: 1 day <= 7 → R5; F 10 ≥ all four → 5; M 100000 ≥ all → 5.
	// C: 30 days <= 30 → R4 (the edge belongs to the better score); F 5 → 4; M 20000 → 3.
	// D: 200 days > 180 → R1; F 1 → 1; M 1000 → 1.
	// E, without a purchase, is not scored: 0.
	if diff := cmp.Diff([]string{"A:555", "B:444", "C:443", "D:111", "E:000"}, scores); diff != "" {
		t.Errorf("threshold scores (-want +got):\n%s", diff)
	}
	if _, err := RFM(in, now, RFMConfig{Method: Thresholds, RecencyDays: []float64{1}}); err == nil {
		t.Error("RFM accepted thresholds of the wrong length")
	}
}

func TestDefaultCellsCoverEveryScore(t *testing.T) {
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			for m := 1; m <= 5; m++ {
				if c := cellOf(DefaultCells(), r, float64(f+m)/2); c == "other" {
					t.Errorf("R=%d F=%d M=%d falls in no default cell", r, f, m)
				}
			}
		}
	}
}

func TestPrioritize(t *testing.T) {
	sc := []Scenario{
		{Name: "loyalty app push", Value: 4, Difficulty: 4, KPIs: []string{"repeat rate"}, Contributes: []Contribution{ContributesRevenue}, CustomerValue: true},
		{Name: "abandoned cart e-mail", Value: 5, Difficulty: 2, KPIs: []string{"cart recovery"}, Contributes: []Contribution{ContributesRevenue}, CustomerValue: true},
		{Name: "restock coupon", Value: 4, Difficulty: 1, KPIs: []string{"redemptions"}, Contributes: []Contribution{ContributesRevenue, ContributesChurnPrevention}, CustomerValue: true},
		{Name: "birthday message", Value: 2, Difficulty: 1, Contributes: []Contribution{ContributesChurnPrevention}, CustomerValue: true},
		{Name: "rebuild data warehouse", Value: 2, Difficulty: 5},
		{Name: "edge", Value: 3, Difficulty: 3, KPIs: []string{"x"}, Contributes: []Contribution{ContributesCostReduction}, CustomerValue: true},
	}
	got, err := Prioritize(sc, PriorityConfig{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name     string
		Quadrant string
		Concerns int
	}
	var rows []row
	for _, p := range got {
		rows = append(rows, row{p.Name, p.Quadrant.String(), len(p.Concerns)})
	}
	want := []row{
		{"restock coupon", "quick_win", 0},        // 4/1
		{"abandoned cart e-mail", "quick_win", 0}, // 5/2
		{"loyalty app push", "major_project", 0},
		{"birthday message", "fill_in", 1}, // no KPI
		{"edge", "fill_in", 0},             // 3 is not above the cut on either axis
		{"rebuild data warehouse", "thankless_task", 3},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("Prioritize (-want +got):\n%s", diff)
	}
	if _, err := Prioritize([]Scenario{{Name: "a", Value: 1, Difficulty: 1}, {Name: "a", Value: 1, Difficulty: 1}}, PriorityConfig{}); err == nil {
		t.Error("Prioritize accepted a duplicate scenario")
	}
}

func TestRadixSortMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 5, 255, 256, 1000, 5000} {
		vals := make([]float64, n)
		recs := make([]keyed, n)
		for i := range vals {
			switch rng.IntN(4) {
			case 0:
				vals[i] = float64(rng.IntN(10)) // many ties
			case 1:
				vals[i] = -rng.Float64() * 1e6
			case 2:
				vals[i] = rng.NormFloat64() * 1e-300
			default:
				vals[i] = rng.Float64() * 1e12
			}
			recs[i] = keyed{k: floatKey(vals[i]), i: int32(i)}
		}
		got := radixSort(recs)
		for k := 1; k < len(got); k++ {
			a, b := got[k-1], got[k]
			if vals[a.i] > vals[b.i] || vals[a.i] == vals[b.i] && a.i > b.i {
				t.Fatalf("n=%d: not sorted stably at %d: %v(%d) before %v(%d)", n, k, vals[a.i], a.i, vals[b.i], b.i)
			}
		}
	}
}
