package quality

import (
	"bufio"
	"fmt"
	"io"
	"math/big"
	"sort"
)

// ReportDiff compares two reports of the same kind of data (before and
// after a clean-up, last month and this month): what improved, what got
// worse.
type ReportDiff struct {
	Records    [2]int           `json:"records"` // before, after
	Score      Delta            `json:"score"`
	Dimensions map[string]Delta `json:"dimensions"`
	Rules      []RuleDelta      `json:"rules"`
}

// Delta is a figure before and after; Change is After − Before (rounded
// to 2 decimals).
type Delta struct {
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Change float64 `json:"change"`
}

// Trend says how a rule moved between two reports.
type Trend string

// Trends. A rule's trend compares its exact pass ratios (cross-multiplied
// counts), not the rounded Ratio.
const (
	Improved Trend = "improved"
	Worse    Trend = "worse"
	Same     Trend = "same"
	Added    Trend = "added"   // only in the later report
	Removed  Trend = "removed" // only in the earlier report
)

// RuleDelta is one rule's movement.
type RuleDelta struct {
	Name   string    `json:"name"`
	Trend  Trend     `json:"trend"`
	Failed [2]int64  `json:"failed"` // before, after
	Ratio  Delta     `json:"ratio"`
	Status [2]string `json:"status"` // before, after; "" when absent
}

// Diff compares before with after. Rules are listed in after's order, then
// the removed ones in before's order.
func Diff(before, after *Report) *ReportDiff {
	d := &ReportDiff{
		Records:    [2]int{before.Records, after.Records},
		Score:      delta(before.Score, after.Score),
		Dimensions: map[string]Delta{},
	}
	for k, b := range before.Dimensions {
		d.Dimensions[k] = delta(b, after.Dimensions[k])
	}
	for k, a := range after.Dimensions {
		if _, ok := before.Dimensions[k]; !ok {
			d.Dimensions[k] = delta(0, a)
		}
	}
	old := map[string]*RuleReport{}
	for i := range before.Rules {
		old[before.Rules[i].Name] = &before.Rules[i]
	}
	seen := map[string]bool{}
	for _, a := range after.Rules {
		seen[a.Name] = true
		rd := RuleDelta{Name: a.Name, Failed: [2]int64{0, a.Failed}, Status: [2]string{"", a.Status.String()}}
		b, ok := old[a.Name]
		if !ok {
			rd.Trend, rd.Ratio = Added, delta(0, a.Ratio)
			d.Rules = append(d.Rules, rd)
			continue
		}
		rd.Failed[0], rd.Status[0] = b.Failed, b.Status.String()
		rd.Ratio = delta(b.Ratio, a.Ratio)
		switch compareRatio(a.Passed, a.Passed+a.Failed, b.Passed, b.Passed+b.Failed) {
		case 1:
			rd.Trend = Improved
		case -1:
			rd.Trend = Worse
		default:
			rd.Trend = Same
		}
		d.Rules = append(d.Rules, rd)
	}
	for _, b := range before.Rules {
		if !seen[b.Name] {
			d.Rules = append(d.Rules, RuleDelta{Name: b.Name, Trend: Removed, Failed: [2]int64{b.Failed, 0}, Ratio: delta(b.Ratio, 0), Status: [2]string{b.Status.String(), ""}})
		}
	}
	return d
}

// compareRatio compares p1/n1 with p2/n2 exactly; an empty n counts as 1.
func compareRatio(p1, n1, p2, n2 int64) int {
	if n1 == 0 {
		p1, n1 = 1, 1
	}
	if n2 == 0 {
		p2, n2 = 1, 1
	}
	a := new(big.Int).Mul(big.NewInt(p1), big.NewInt(n2))
	b := new(big.Int).Mul(big.NewInt(p2), big.NewInt(n1))
	return a.Cmp(b)
}

func delta(b, a float64) Delta { return Delta{Before: b, After: a, Change: round(a-b, 2)} }

// WriteText writes the diff for people: the score, each dimension and
// every rule that moved.
func (d *ReportDiff) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "records %d → %d\nscore %.2f → %.2f (%+.2f)\n", d.Records[0], d.Records[1], d.Score.Before, d.Score.After, d.Score.Change)
	dims := make([]string, 0, len(d.Dimensions))
	for k := range d.Dimensions {
		dims = append(dims, k)
	}
	sort.Slice(dims, func(i, j int) bool {
		var a, b Dimension
		_ = a.UnmarshalText([]byte(dims[i]))
		_ = b.UnmarshalText([]byte(dims[j]))
		return a < b
	})
	for _, k := range dims {
		x := d.Dimensions[k]
		fmt.Fprintf(bw, "  %-13s %6.2f → %6.2f (%+.2f)\n", k, x.Before, x.After, x.Change)
	}
	for _, r := range d.Rules {
		if r.Trend == Same {
			continue
		}
		fmt.Fprintf(bw, "%-8s %s: failed %d → %d, status %s → %s\n", r.Trend, r.Name, r.Failed[0], r.Failed[1], or(r.Status[0], "-"), or(r.Status[1], "-"))
	}
	return bw.Flush()
}
