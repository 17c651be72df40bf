package analysis

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"time"
)

// RFMInput is one customer's purchase summary. A customer with a zero Last
// has no purchase and is not scored (see RFM).
type RFMInput struct {
	CustomerID string
	Last       time.Time // time of the latest purchase; zero: none
	Frequency  int       // number of purchases
	Monetary   float64   // total spent, in one currency (segment.RFMInputs adds one only)
	// OtherCurrency counts the purchases whose value is in another
	// currency than Monetary's and was left out of it (they still count
	// for Last and Frequency).
	OtherCurrency int
}

// RFMScore is one customer's recency, frequency and monetary scores (1 is
// worst, Bins best) and the named cell they fall in. A customer without a
// purchase has R = F = M = 0, RecencyDays +Inf and Cell NoPurchase.
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

// rfmJSON is RFMScore as JSON, with recency_days null for a customer
// without purchase (whose RecencyDays is +Inf, which JSON cannot hold).
type rfmJSON struct {
	CustomerID  string   `json:"customer_id"`
	RecencyDays *float64 `json:"recency_days"`
	Frequency   int      `json:"frequency"`
	Monetary    float64  `json:"monetary"`
	R           int      `json:"r"`
	F           int      `json:"f"`
	M           int      `json:"m"`
	Cell        string   `json:"cell"`
}

// MarshalJSON writes the score; recency_days is null for a customer
// without purchase.
func (s RFMScore) MarshalJSON() ([]byte, error) {
	j := rfmJSON{CustomerID: s.CustomerID, Frequency: s.Frequency, Monetary: s.Monetary, R: s.R, F: s.F, M: s.M, Cell: s.Cell}
	if !math.IsInf(s.RecencyDays, 0) && !math.IsNaN(s.RecencyDays) {
		j.RecencyDays = &s.RecencyDays
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes; a null recency_days is +Inf.
func (s *RFMScore) UnmarshalJSON(b []byte) error {
	var j rfmJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = RFMScore{CustomerID: j.CustomerID, RecencyDays: math.Inf(1), Frequency: j.Frequency, Monetary: j.Monetary, R: j.R, F: j.F, M: j.M, Cell: j.Cell}
	if j.RecencyDays != nil {
		s.RecencyDays = *j.RecencyDays
	}
	return nil
}

// NoPurchase is the cell of a customer without any purchase: RFM scores
// only customers who bought, and reports the others apart in this cell.
const NoPurchase = "no_purchase"

// RFMMethod chooses how scores are assigned.
type RFMMethod int

// Scoring methods.
const (
	// Quantiles scores each measure by mid-rank percentile among the n
	// customers who bought: with k customers strictly worse and t equal
	// (itself included), p = (k + t/2)/n and score = 1 + floor(Bins·p),
	// computed in integers as 1 + floor(Bins·(2k+t)/(2n)). Equal values
	// share a score whatever the input order; n distinct values fill the
	// bins evenly (n = Bins gives 1, 2, …, Bins); a customer alone, or
	// customers all tied, get the middle score (3 of 5), for nothing
	// sets them apart; a tie at the top scores at least the middle. (SQL:
	// 1 + floor(5 * (2*(rank() over w - 1) + count(*) over (partition by x))
	// / (2 * count(*) over ())).)
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
	Name  string  `json:"name"`
	RMin  int     `json:"r_min"`
	RMax  int     `json:"r_max"`
	FMMin float64 `json:"fm_min"`
	FMMax float64 `json:"fm_max"`
}

// DefaultCells returns the named cells for 5 bins, tried in order (first
// match): champions, loyal, new, promising, potential_loyalist,
// need_attention, about_to_sleep, cant_lose, at_risk, hibernating, lost.
// Together they cover every (R, FM) pair. Each call returns a new slice.
func DefaultCells() []CellRule { return slices.Clone(defaultCells) }

var defaultCells = []CellRule{
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
	Bins   int       `json:"bins,omitempty"`   // number of scores; 0 means 5
	Method RFMMethod `json:"method,omitempty"` // Quantiles (0, the default) or Thresholds (1)
	// Thresholds, with Method Thresholds: Bins−1 ascending cut points each;
	// unused (nil) with Quantiles.
	RecencyDays []float64  `json:"recency_days,omitempty"`
	Frequency   []float64  `json:"frequency,omitempty"`
	Monetary    []float64  `json:"monetary,omitempty"`
	Cells       []CellRule `json:"cells,omitempty"` // nil means DefaultCells
}

// RFM scores customers at time now, one RFMScore per input in input order.
// Recency scores higher for a more recent last purchase, frequency and
// monetary higher for more purchases and more spent.
//
// Only customers who bought (non-zero Last) are scored and ranked: a
// customer without a purchase in the window would otherwise push every
// buyer's rank up and be named "lost" like a buyer long gone. Such a
// customer gets R = F = M = 0, RecencyDays +Inf and the cell NoPurchase,
// so a caller can count or drop them; they never change a buyer's score.
func RFM(in []RFMInput, now time.Time, cfg RFMConfig) ([]RFMScore, error) {
	bins := cfg.Bins
	if bins == 0 {
		bins = 5
	}
	if bins < 2 || bins > 100 {
		return nil, fmt.Errorf("analysis: RFM bins must be in 2..100, got %d", bins)
	}
	cells := cfg.Cells
	if cells == nil {
		cells = defaultCells
	}
	n := len(in)
	out := make([]RFMScore, n)
	buyers := make([]int, 0, n) // indexes of the customers who bought
	for i, c := range in {
		out[i] = RFMScore{CustomerID: c.CustomerID, Frequency: c.Frequency, Monetary: c.Monetary}
		if c.Last.IsZero() {
			out[i].RecencyDays = math.Inf(1)
			out[i].Cell = NoPurchase
			continue
		}
		out[i].RecencyDays = now.Sub(c.Last).Hours() / 24
		buyers = append(buyers, i)
	}
	m := len(buyers)
	recency := make([]float64, m)
	freq := make([]float64, m)
	mon := make([]float64, m)
	for j, i := range buyers {
		recency[j] = -out[i].RecencyDays // larger is better, like F and M
		freq[j], mon[j] = float64(in[i].Frequency), in[i].Monetary
		if math.IsNaN(mon[j]) {
			return nil, fmt.Errorf("analysis: RFM customer %q has monetary NaN", in[i].CustomerID)
		}
	}
	switch cfg.Method {
	case Quantiles:
		// The three measures are independent: score them in parallel.
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); quantileScores(recency, bins, func(j, s int) { out[buyers[j]].R = s }) }()
		go func() { defer wg.Done(); quantileScores(freq, bins, func(j, s int) { out[buyers[j]].F = s }) }()
		quantileScores(mon, bins, func(j, s int) { out[buyers[j]].M = s })
		wg.Wait()
	case Thresholds:
		for name, th := range map[string][]float64{"recency": cfg.RecencyDays, "frequency": cfg.Frequency, "monetary": cfg.Monetary} {
			if len(th) != bins-1 || !sort.Float64sAreSorted(th) {
				return nil, fmt.Errorf("analysis: RFM %s thresholds must be %d ascending numbers, got %v", name, bins-1, th)
			}
		}
		for j, i := range buyers {
			out[i].R = bins - countBelow(cfg.RecencyDays, out[i].RecencyDays)
			out[i].F = 1 + countAtOrBelow(cfg.Frequency, freq[j])
			out[i].M = 1 + countAtOrBelow(cfg.Monetary, mon[j])
		}
	default:
		return nil, fmt.Errorf("analysis: unknown RFM method %d", cfg.Method)
	}
	for _, i := range buyers {
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

// quantileScores gives each value its mid-rank score
// 1 + floor(bins·(2k+t)/(2n)), k counting the values strictly smaller and t
// the values equal to it (itself included); see Quantiles.
func quantileScores(vals []float64, bins int, set func(i, score int)) {
	n := len(vals)
	order := make([]keyed, n)
	for i, v := range vals {
		order[i] = keyed{k: floatKey(v), i: int32(i)}
	}
	order = radixSort(order)
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && order[hi].k == order[lo].k {
			hi++
		}
		score := midRankScore(lo, hi-lo, n, bins)
		for _, o := range order[lo:hi] {
			set(int(o.i), score)
		}
		lo = hi
	}
}

// midRankScore is 1 + floor(bins·(2k+t)/(2n)) for k values strictly worse
// and t equal out of n (t ≥ 1), in 1..bins.
func midRankScore(k, t, n, bins int) int {
	return 1 + int(int64(bins)*int64(2*k+t)/(2*int64(n)))
}

func cellOf(cells []CellRule, r int, fm float64) string {
	for _, c := range cells {
		if r >= c.RMin && r <= c.RMax && fm >= c.FMMin && fm <= c.FMMax {
			return c.Name
		}
	}
	return "other"
}
