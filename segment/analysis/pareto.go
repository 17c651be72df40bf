package analysis

import (
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strings"
)

// Item is one contributor to a total: a customer, a product or a scenario.
type Item struct {
	ID    string
	Value float64
}

// ABCCuts are the cumulative shares of value at which ABC classes end.
// The zero value means A = 0.80 and B = 0.95.
type ABCCuts struct {
	A, B float64
}

func (c ABCCuts) withDefaults() ABCCuts {
	if c.A == 0 {
		c.A = 0.80
	}
	if c.B == 0 {
		c.B = 0.95
	}
	return c
}

// Ranked is one item in the Pareto ranking.
type Ranked struct {
	Item
	Rank          int     // 1-based, largest value first
	Cumulative    float64 // value of this item and every item before it
	CumShare      float64 // Cumulative / total
	CumItemsShare float64 // Rank / number of items
	Class         string  // "A", "B" or "C"
}

// ParetoResult answers "is it really 80:20?".
type ParetoResult struct {
	Items        int      `json:"items"`
	Total        float64  `json:"total"`
	Share        float64  `json:"share_of_value"` // the share of value asked about
	ItemsNeeded  int      `json:"items_needed"`   // the fewest items that make Share of the total
	ShareOfItems float64  `json:"share_of_items"` // ItemsNeeded / Items
	Gini         float64  `json:"gini"`           // 0: all equal; → 1: one item has everything
	ABC          ABCCount `json:"abc"`
	ABCCuts      ABCCuts  `json:"-"`

	items []Item  // the input, in input order
	order []int32 // indexes into items, largest value first
	cum   []float64
}

// Ranking returns every item in rank order (largest value first, equal
// values by ID) with its cumulative figures and ABC class. It is built on
// each call; the summary figures and WriteSVG do not need it.
func (r *ParetoResult) Ranking() []Ranked {
	// Order runs of equal values by ID.
	order := slices.Clone(r.order)
	for lo := 0; lo < len(order); {
		hi := lo + 1
		for hi < len(order) && r.items[order[hi]].Value == r.items[order[lo]].Value {
			hi++
		}
		if hi-lo > 1 {
			slices.SortFunc(order[lo:hi], func(a, b int32) int { return strings.Compare(r.items[a].ID, r.items[b].ID) })
		}
		lo = hi
	}
	out := make([]Ranked, len(order))
	for k, i := range order {
		before := 0.0
		if k > 0 {
			before = r.cum[k-1]
		}
		rk := Ranked{Item: r.items[i], Rank: k + 1, Cumulative: r.cum[k],
			CumItemsShare: float64(k+1) / float64(len(r.order)), Class: "C"}
		if r.Total > 0 {
			rk.CumShare = r.cum[k] / r.Total
			switch b := before / r.Total; {
			case b < r.ABCCuts.A:
				rk.Class = "A"
			case b < r.ABCCuts.B:
				rk.Class = "B"
			}
		}
		out[k] = rk
	}
	return out
}

// ABCCount is the number of items in each ABC class.
type ABCCount struct {
	A int `json:"A"`
	B int `json:"B"`
	C int `json:"C"`
}

// ErrBadValue reports a value Pareto cannot rank: negative, NaN or infinite.
var ErrBadValue = errors.New("analysis: value must be a finite number >= 0")

// Pareto ranks items by value, largest first, and computes the
// cumulative curve, the smallest number of items that together make at
// least share of the total, ABC classes and the Gini coefficient.
//
// An item is in class A when the cumulative share of the items ranked before
// it is below cuts.A (so the item that crosses the cut is still A), in B when
// it is below cuts.B, and in C otherwise. The Gini coefficient is
// G = Σ (2i − n − 1)·x(i) / (n·Σx) over values in ascending order (i from 1),
// which equals 2·Σ i·x(i) / (n·Σx) − (n+1)/n but ends in a single division,
// so that 0.4 is 0.4, not 0.40000000000000013. When the values are whole
// numbers (yen) with a total below 2⁵³, the numerator is summed exactly in
// 128-bit integers and G is the exact quotient rounded once: correctly
// rounded. Otherwise the total, the cumulative figures and the numerator
// are compensated sums with exact products (fused multiply-add), held to
// twice the float64 precision, and the quotient is refined on its exact
// remainder: G is then within one unit in the last place.
// ShareOfItems is one division of integers, correctly rounded too.
func Pareto(items []Item, share float64, cuts ABCCuts) (*ParetoResult, error) {
	if !(share > 0 && share <= 1) {
		return nil, fmt.Errorf("analysis: share must be in (0, 1], got %v", share)
	}
	cuts = cuts.withDefaults()
	if !(cuts.A > 0 && cuts.A <= cuts.B && cuts.B <= 1) {
		return nil, fmt.Errorf("analysis: ABC cuts must satisfy 0 < A <= B <= 1, got A=%v B=%v", cuts.A, cuts.B)
	}
	var tot float64
	integers := true
	for _, it := range items {
		if it.Value < 0 || math.IsNaN(it.Value) || math.IsInf(it.Value, 0) {
			return nil, fmt.Errorf("%w: item %q has %v", ErrBadValue, it.ID, it.Value)
		}
		tot += it.Value
		integers = integers && it.Value == math.Trunc(it.Value)
	}
	// With integer values whose total is below 2⁵³ every partial sum is an
	// exact integer: the sums are plain, and the Gini numerator is summed
	// exactly in 128-bit integers. Otherwise the sums are compensated and
	// the products' rounding errors (exact, by fused multiply-add)
	// accumulated apart, as in Ogita, Rump and Oishi's Dot2: twice the
	// working precision.
	plain := integers && tot < 1<<53
	var totErr float64 // tot + totErr is the total to twice the precision
	if !plain {
		var total, totalErr float64
		for _, it := range items {
			total, totalErr = twoSum(total, totalErr, it.Value)
		}
		tot = total + totalErr
		totErr = (total - tot) + totalErr
	}
	if math.IsInf(tot, 0) || math.IsNaN(tot) {
		return nil, fmt.Errorf("%w: the values add up to more than the largest float64 (%g); scale them down", ErrBadValue, math.MaxFloat64)
	}
	// The Gini numerator weighs values by up to n and its denominator is
	// n·total: near the top of the float64 range both are computed on
	// values scaled by a power of two (exact), which leaves the quotient as
	// it is.
	scale := 1.0
	for n := float64(max(len(items), 1)); tot*scale > math.MaxFloat64/4/n; {
		scale *= 0x1p-64
	}
	// Radix-sort compact (key, index) records, largest value first. Ties
	// stay in input order here: no figure of the result depends on the order
	// of equal values; Ranking orders them by ID.
	order := make([]keyed, len(items))
	for i, it := range items {
		order[i] = keyed{k: ^floatKey(it.Value), i: int32(i)}
	}
	order = radixSort(order)
	res := &ParetoResult{Items: len(items), Total: tot, Share: share, ABCCuts: cuts,
		items: items, order: make([]int32, len(items)), cum: make([]float64, len(items))}
	// Compare against the target with a relative tolerance so that 0.8 of a
	// total summed in another order still counts as reached.
	target := share * tot * (1 - 1e-12)
	n := len(order)
	// Gather the values in rank order first (random reads, independent of
	// each other), then accumulate over them in place (sequential).
	for k, o := range order {
		res.order[k] = o.i
		res.cum[k] = items[o.i].Value
	}
	var cum, cumErr, gini, giniErr float64
	var pos, neg uint128 // the Gini numerator's positive and negative terms, when plain
	for k, v := range res.cum {
		before := cum + cumErr
		// The item at ascending position i = n−k weighs 2i − n − 1.
		if plain {
			cum += v
			switch w := n - 2*k - 1; {
			case w > 0:
				pos.addMul(uint64(w), uint64(v))
			case w < 0:
				neg.addMul(uint64(-w), uint64(v))
			}
		} else {
			w := float64(n - 2*k - 1)
			cum, cumErr = twoSum(cum, cumErr, v)
			sv := v * scale
			p := w * sv
			gini, giniErr = twoSum(gini, giniErr, p)
			giniErr += math.FMA(w, sv, -p)
		}
		res.cum[k] = cum + cumErr
		switch {
		case tot > 0 && before/tot < cuts.A:
			res.ABC.A++
		case tot > 0 && before/tot < cuts.B:
			res.ABC.B++
		default:
			res.ABC.C++
		}
		if res.ItemsNeeded == 0 && tot > 0 && res.cum[k] >= target {
			res.ItemsNeeded = k + 1
		}
	}
	if n > 0 {
		res.ShareOfItems = float64(res.ItemsNeeded) / float64(n)
	}
	switch {
	case n == 0 || tot == 0:
	case plain:
		// One exact quotient, rounded once: correctly rounded.
		num := new(big.Int).Sub(pos.big(), neg.big())
		den := new(big.Int).Mul(big.NewInt(int64(n)), big.NewInt(int64(tot)))
		g, _ := new(big.Rat).SetFrac(num, den).Float64()
		res.Gini = min(1, math.Max(0, g))
	default:
		// The quotient of num = gini + giniErr by den = n·(tot + totErr),
		// both held to twice the precision, refined by one step on the
		// exact remainder (by fused multiply-add).
		hi, lo := twoSum(gini, 0, giniErr)
		nf := float64(n)
		st, stErr := tot*scale, totErr*scale
		den := nf * st
		denLo := math.FMA(nf, st, -den) + nf*stErr
		q := hi / den
		q += (math.FMA(-q, den, hi) + lo - q*denLo) / den
		res.Gini = min(1, math.Max(0, q))
	}
	return res, nil
}

// uint128 is an unsigned 128-bit integer.
type uint128 struct{ hi, lo uint64 }

// addMul adds a·b.
func (u *uint128) addMul(a, b uint64) {
	hi, lo := bits.Mul64(a, b)
	var carry uint64
	u.lo, carry = bits.Add64(u.lo, lo, 0)
	u.hi += hi + carry
}

func (u uint128) big() *big.Int {
	x := new(big.Int).SetUint64(u.hi)
	return x.Lsh(x, 64).Or(x, new(big.Int).SetUint64(u.lo))
}

// twoSum adds x to the sum s whose accumulated rounding error is c: it
// returns s+x rounded and c plus the exact error of that rounding (Knuth's
// branch-free TwoSum).
func twoSum(s, c, x float64) (float64, float64) {
	t := s + x
	z := t - s
	return t, c + (s - (t - z)) + (x - z)
}

// WriteSVG draws the Pareto chart as one self-contained SVG document: bars
// of value (largest first; with many items, each bar sums an equal run of
// items), the cumulative share as a line, and a reference line at the share
// asked about. It uses no external fonts, scripts or images.
func (r *ParetoResult) WriteSVG(w io.Writer, title string) error {
	const (
		width, height          = 800.0, 420.0
		left, right, top, foot = 70.0, 60.0, 40.0, 50.0
		maxBars                = 100
	)
	plotW, plotH := width-left-right, height-top-foot
	n := len(r.order)
	bars := n
	if bars > maxBars {
		bars = maxBars
	}
	sums := make([]float64, bars)
	for k, i := range r.order {
		sums[k*bars/max(n, 1)] += r.items[i].Value
	}
	maxSum := 0.0
	for _, s := range sums {
		maxSum = math.Max(maxSum, s)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, "<title>%s</title>\n", html.EscapeString(title))
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#fff"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="24" font-size="16" font-weight="bold">%s</text>`+"\n", left, html.EscapeString(title))
	// axes
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>`+"\n", left, top+plotH, left+plotW, top+plotH)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>`+"\n", left, top, left, top+plotH)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>`+"\n", left+plotW, top, left+plotW, top+plotH)
	bw := plotW / float64(max(bars, 1))
	for i, s := range sums {
		h := 0.0
		if maxSum > 0 {
			h = s / maxSum * plotH
		}
		fmt.Fprintf(&b, `<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="#4a7bd0"/>`+"\n",
			left+float64(i)*bw+bw*0.1, top+plotH-h, bw*0.8, h)
	}
	// cumulative share line, one point per item (at most 1000 points)
	step := max(1, n/1000)
	var pts []string
	pts = append(pts, fmt.Sprintf("%.2f,%.2f", left, top+plotH))
	for i := 0; i < n; i += step {
		x := left + float64(i+1)/float64(n)*plotW
		y := top + plotH - r.cumShare(i)*plotH
		pts = append(pts, fmt.Sprintf("%.2f,%.2f", x, y))
	}
	if n > 0 && (n-1)%step != 0 {
		pts = append(pts, fmt.Sprintf("%.2f,%.2f", left+plotW, top+plotH-r.cumShare(n-1)*plotH))
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#d0463a" stroke-width="2"/>`+"\n", strings.Join(pts, " "))
	// reference line at the share asked about, and where it is reached
	ry := top + plotH - r.Share*plotH
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.2f" x2="%.1f" y2="%.2f" stroke="#888" stroke-dasharray="4 3"/>`+"\n", left, ry, left+plotW, ry)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.2f" text-anchor="start">%.0f%% of value</text>`+"\n", left+plotW+4, ry+4, r.Share*100)
	if r.ItemsNeeded > 0 {
		rx := left + r.ShareOfItems*plotW
		fmt.Fprintf(&b, `<line x1="%.2f" y1="%.1f" x2="%.2f" y2="%.1f" stroke="#888" stroke-dasharray="4 3"/>`+"\n", rx, top, rx, top+plotH)
		fmt.Fprintf(&b, `<text x="%.2f" y="%.1f" text-anchor="middle">%.1f%% of items</text>`+"\n", rx, top+plotH+16, r.ShareOfItems*100)
	}
	for _, f := range []float64{0, 0.25, 0.5, 0.75, 1} {
		y := top + plotH - f*plotH
		fmt.Fprintf(&b, `<text x="%.1f" y="%.2f" text-anchor="start" fill="#d0463a">%.0f%%</text>`+"\n", left+plotW+4, y+4, f*100)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.2f" text-anchor="end">%s</text>`+"\n", left-6, y+4, html.EscapeString(compactNumber(f*maxSum)))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%d items, largest first (Gini %.2f)</text>`+"\n", left+plotW/2, height-12, n, r.Gini)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *ParetoResult) cumShare(k int) float64 {
	if r.Total == 0 {
		return 0
	}
	return r.cum[k] / r.Total
}

func compactNumber(f float64) string {
	switch a := math.Abs(f); {
	case a >= 1e9:
		return fmt.Sprintf("%.1fG", f/1e9)
	case a >= 1e6:
		return fmt.Sprintf("%.1fM", f/1e6)
	case a >= 1e3:
		return fmt.Sprintf("%.1fk", f/1e3)
	}
	return fmt.Sprintf("%.0f", f)
}
