package segment

import (
	"fmt"
	"iter"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
)

// RFMInput is one customer's purchase summary.
type RFMInput struct {
	CustomerID string
	Last       time.Time // time of the latest purchase; zero: none
	Frequency  int       // number of purchases
	Monetary   float64   // total spent
}

// RFMScore is one customer's recency, frequency and monetary scores (1 is
// worst, Bins best) and the named cell they fall in.
type RFMScore struct {
	CustomerID  string  `json:"customer_id"`
	RecencyDays float64 `json:"recency_days"`
	Frequency   int     `json:"frequency"`
	Monetary    float64 `json:"monetary"`
	R           int     `json:"r"`
	F           int     `json:"f"`
	M           int     `json:"m"`
	Cell        string  `json:"cell"`
}

// RFMMethod chooses how scores are assigned.
type RFMMethod int

// Scoring methods.
const (
	// Quantiles: score = 1 + floor(Bins·(rank−1)/n), where rank is 1 plus the
	// number of customers with a strictly worse value, so that ties share a
	// score. (SQL: 1 + floor(5.0 * (rank() over (order by x) - 1) / count(*) over ()).)
	Quantiles RFMMethod = iota
	// Thresholds: fixed cut points, Bins−1 of them ascending, per measure.
	// Recency (days) scores Bins at or below the first threshold, down to 1
	// above the last; frequency and monetary score 1 plus the number of
	// thresholds at or below the value.
	Thresholds
)

// CellRule names the customers whose R score and FM score (the mean of F
// and M) fall in the given closed ranges.
type CellRule struct {
	Name         string
	RMin, RMax   int
	FMMin, FMMax float64
}

// DefaultCells are the named cells for 5 bins, tried in order (first match):
// champions, loyal, new, promising, potential_loyalist, need_attention,
// about_to_sleep, cant_lose, at_risk, hibernating, lost. Together they cover
// every (R, FM) pair.
var DefaultCells = []CellRule{
	{"champions", 4, 5, 4, 5},
	{"loyal", 3, 5, 3, 5},
	{"new", 5, 5, 1, 1.99},
	{"promising", 4, 4, 1, 1.99},
	{"potential_loyalist", 4, 5, 2, 2.99},
	{"need_attention", 3, 3, 2, 2.99},
	{"about_to_sleep", 3, 3, 1, 1.99},
	{"cant_lose", 1, 2, 4.5, 5},
	{"at_risk", 1, 2, 3, 5},
	{"hibernating", 2, 2, 1, 2.99},
	{"lost", 1, 1, 1, 2.99},
}

// RFMConfig configures RFM scoring. The zero value scores 5 quantile bins
// with DefaultCells.
type RFMConfig struct {
	Bins   int       // number of scores; 0 means 5
	Method RFMMethod // Quantiles (default) or Thresholds
	// Thresholds, with Method Thresholds: Bins−1 ascending cut points each.
	RecencyDays, Frequency, Monetary []float64
	Cells                            []CellRule // nil means DefaultCells
}

// RFM scores customers at time now. Customers without any purchase (zero
// Last) get R = F = M = 1 and the cell of that score.
func RFM(in []RFMInput, now time.Time, cfg RFMConfig) ([]RFMScore, error) {
	bins := cfg.Bins
	if bins == 0 {
		bins = 5
	}
	if bins < 2 || bins > 100 {
		return nil, fmt.Errorf("segment: RFM bins must be in 2..100, got %d", bins)
	}
	cells := cfg.Cells
	if cells == nil {
		cells = DefaultCells
	}
	n := len(in)
	out := make([]RFMScore, n)
	recency := make([]float64, n)
	for i, c := range in {
		out[i] = RFMScore{CustomerID: c.CustomerID, Frequency: c.Frequency, Monetary: c.Monetary}
		if c.Last.IsZero() {
			out[i].RecencyDays = math.Inf(1)
		} else {
			out[i].RecencyDays = now.Sub(c.Last).Hours() / 24
		}
		recency[i] = -out[i].RecencyDays // larger is better, like F and M
	}
	freq := make([]float64, n)
	mon := make([]float64, n)
	for i, c := range in {
		freq[i], mon[i] = float64(c.Frequency), c.Monetary
	}
	switch cfg.Method {
	case Quantiles:
		// The three measures are independent: score them in parallel.
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); quantileScores(recency, bins, func(i, s int) { out[i].R = s }) }()
		go func() { defer wg.Done(); quantileScores(freq, bins, func(i, s int) { out[i].F = s }) }()
		quantileScores(mon, bins, func(i, s int) { out[i].M = s })
		wg.Wait()
	case Thresholds:
		for name, th := range map[string][]float64{"recency": cfg.RecencyDays, "frequency": cfg.Frequency, "monetary": cfg.Monetary} {
			if len(th) != bins-1 || !sort.Float64sAreSorted(th) {
				return nil, fmt.Errorf("segment: RFM %s thresholds must be %d ascending numbers, got %v", name, bins-1, th)
			}
		}
		for i := range out {
			out[i].R = bins - countBelow(cfg.RecencyDays, out[i].RecencyDays)
			out[i].F = 1 + countAtOrBelow(cfg.Frequency, freq[i])
			out[i].M = 1 + countAtOrBelow(cfg.Monetary, mon[i])
		}
	default:
		return nil, fmt.Errorf("segment: unknown RFM method %d", cfg.Method)
	}
	for i := range out {
		if in[i].Last.IsZero() {
			out[i].R, out[i].F, out[i].M = 1, 1, 1
		}
		out[i].Cell = cellOf(cells, out[i].R, float64(out[i].F+out[i].M)/2)
	}
	return out, nil
}

// countBelow counts thresholds strictly below v.
func countBelow(th []float64, v float64) int {
	return sort.SearchFloat64s(th, v) // first index with th[i] >= v
}

// countAtOrBelow counts thresholds at or below v.
func countAtOrBelow(th []float64, v float64) int {
	return sort.Search(len(th), func(i int) bool { return th[i] > v })
}

// quantileScores gives each value 1 + floor(bins·(rank−1)/n), rank counting
// the values strictly smaller plus one.
func quantileScores(vals []float64, bins int, set func(i, score int)) {
	n := len(vals)
	order := make([]keyed, n)
	for i, v := range vals {
		order[i] = keyed{k: floatKey(v), i: int32(i)}
	}
	order = radixSort(order)
	rank := 1
	for k, o := range order {
		if k > 0 && o.k != order[k-1].k {
			rank = k + 1
		}
		set(int(o.i), 1+bins*(rank-1)/n)
	}
}

func cellOf(cells []CellRule, r int, fm float64) string {
	for _, c := range cells {
		if r >= c.RMin && r <= c.RMax && fm >= c.FMMin && fm <= c.FMMax {
			return c.Name
		}
	}
	return "other"
}

// DefaultPurchaseTypes are the touchpoint types RFMFromTouchpoints counts as
// purchases when none are given.
var DefaultPurchaseTypes = []string{"online_purchase", "store_purchase", "purchase"}

// RFMFromTouchpoints summarises each customer's purchases: touchpoints of the
// given types (DefaultPurchaseTypes when empty) within window before now
// (all history when window is 0). Touchpoints after now are ignored.
// Customers are returned in ID order.
func RFMFromTouchpoints(byCustomer map[string][]Touchpoint, types []string, now time.Time, window time.Duration) []RFMInput {
	return RFMInputs(func(yield func(string, []Touchpoint) bool) {
		for _, id := range sortedKeys(byCustomer) {
			if !yield(id, byCustomer[id]) {
				return
			}
		}
	}, types, now, window)
}

// RFMInputs is RFMFromTouchpoints over a stream of customers and their
// touchpoints, in the stream's order.
func RFMInputs(customers iter.Seq2[string, []Touchpoint], types []string, now time.Time, window time.Duration) []RFMInput {
	if len(types) == 0 {
		types = DefaultPurchaseTypes
	}
	purchase := make([]string, len(types))
	for i, t := range types {
		purchase[i] = strings.TrimSpace(t)
	}
	isPurchase := func(t string) bool {
		for _, p := range purchase {
			if t == p {
				return true
			}
		}
		return false
	}
	start := now.Add(-window)
	var out []RFMInput
	for id, tps := range customers {
		in := RFMInput{CustomerID: id}
		for i := range tps {
			tp := &tps[i]
			if !isPurchase(tp.Type) || tp.Time.After(now) || window > 0 && !tp.Time.After(start) {
				continue
			}
			in.Frequency++
			if tp.HasValue {
				in.Monetary += tp.Value
			}
			if tp.Time.After(in.Last) {
				in.Last = tp.Time
			}
		}
		out = append(out, in)
	}
	return out
}
