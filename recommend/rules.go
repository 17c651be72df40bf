package recommend

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync/atomic"

	"github.com/hashicorp/go-multierror"
)

// Rules are the business rules applied to every recommendation. The zero
// Rules exclude what the customer already bought and nothing else.
type Rules struct {
	// Repurchase lets items the customer bought be recommended again
	// (every item: a grocery shop); by default (false) they are not,
	// except Consumables.
	Repurchase bool `json:"repurchase,omitempty"`
	// Consumables are items (or, with Categories, categories) that may be
	// recommended again after a purchase.
	Consumables []string `json:"consumables,omitempty"`
	// Unavailable items are never recommended: out of stock, restricted,
	// discontinued. Items or categories.
	Unavailable []string `json:"unavailable,omitempty"`
	// Categories maps items to their category, for diversity, boosts and
	// the other rules that name categories.
	Categories map[string]string `json:"categories,omitempty"`
	// MaxPerCategory caps the items of one category in an answer; 0
	// means no cap. Items without a category are not capped.
	MaxPerCategory int `json:"max_per_category,omitempty"`
	// Boosts raise the score of items (margin, campaign items).
	Boosts []Boost `json:"boosts,omitempty"`
	// Restrictions keep items away from a segment (or from everyone).
	Restrictions []Restriction `json:"restrictions,omitempty"`
}

// Boost multiplies the score of matching items by Factor (> 0; below 1
// demotes) for customers of Segment ("" = everyone).
type Boost struct {
	Segment string `json:"segment,omitempty"`
	// Items and categories the boost applies to.
	Items  []string `json:"items"`
	Factor float64  `json:"factor"`
	// Reason is shown with the recommendation, such as "summer campaign".
	Reason string `json:"reason,omitempty"`
}

// Restriction keeps items (or categories) away from the customers of
// Segment; "" means every customer.
type Restriction struct {
	Segment string   `json:"segment,omitempty"`
	Items   []string `json:"items"`
}

// ErrInvalidRules is wrapped by every problem Rules.Validate reports.
var ErrInvalidRules = errors.New("recommend: invalid rules")

// Validate reports every problem of the rules at once, combined with
// go-multierror, each wrapping ErrInvalidRules; nil when the rules are
// valid. Recommend skips invalid boosts rather than failing.
func (r *Rules) Validate() error {
	var errs *multierror.Error
	bad := func(format string, args ...any) {
		errs = multierror.Append(errs, fmt.Errorf("%w: %s", ErrInvalidRules, fmt.Sprintf(format, args...)))
	}
	for i, b := range r.Boosts {
		if !(b.Factor > 0) || math.IsInf(b.Factor, 0) {
			bad("boost %d: factor %v is not a positive number", i+1, b.Factor)
		}
		if len(b.Items) == 0 {
			bad("boost %d: no items", i+1)
		}
	}
	for i, x := range r.Restrictions {
		if len(x.Items) == 0 {
			bad("restriction %d: no items", i+1)
		}
	}
	if r.MaxPerCategory < 0 {
		bad("max_per_category %d is negative", r.MaxPerCategory)
	}
	return errs.ErrorOrNil()
}

// Recommender serves a Model under business Rules. Set Rules before the
// first call and do not change them afterwards; replace Model (with
// SetModel) when a retrained one is ready. A Recommender is safe for
// concurrent use.
type Recommender struct {
	// Model is the model served until SetModel is called.
	Model *Model
	Rules Rules

	live     atomic.Pointer[Model]
	compiled atomic.Pointer[compiledRules]
}

// SetModel replaces the model served, safely beside running requests.
func (r *Recommender) SetModel(m *Model) { r.live.Store(m) }

func (r *Recommender) model() *Model {
	if m := r.live.Load(); m != nil {
		return m
	}
	return r.Model
}

type compiledRules struct {
	m          *Model
	cat        []int32 // category of each item, -1 when none
	consumable []bool
	blocked    []bool
	boost      []float32 // global boost factor (1 = none)
	boostWhy   []int32   // index into reasons of the last global boost, -1
	boosted    []int32   // items with a global boost
	reasons    []string
	segBoost   map[string][]segBoost
	segBlock   map[string][]int32
}

type segBoost struct {
	item   int32
	factor float32
	why    int32
}

// matches returns the model's items named by names, as items or as
// categories.
func (c *compiledRules) matches(names []string, byCat map[string][]int32) []int32 {
	var out []int32
	for _, n := range names {
		if it, ok := c.m.itemIdx[n]; ok {
			out = append(out, it)
		}
		out = append(out, byCat[n]...)
	}
	return out
}

func (r *Recommender) compile(m *Model) *compiledRules {
	if c := r.compiled.Load(); c != nil && c.m == m {
		return c
	}
	n := len(m.items)
	c := &compiledRules{m: m, cat: make([]int32, n), consumable: make([]bool, n), blocked: make([]bool, n),
		boost: make([]float32, n), boostWhy: make([]int32, n), segBoost: map[string][]segBoost{}, segBlock: map[string][]int32{}}
	cats := map[string]int32{}
	byCat := map[string][]int32{}
	for i, name := range m.items {
		c.cat[i], c.boost[i], c.boostWhy[i] = -1, 1, -1
		if cn, ok := r.Rules.Categories[name]; ok && cn != "" {
			ci, ok := cats[cn]
			if !ok {
				ci = int32(len(cats))
				cats[cn] = ci
			}
			c.cat[i] = ci
			byCat[cn] = append(byCat[cn], int32(i))
		}
	}
	for _, it := range c.matches(r.Rules.Consumables, byCat) {
		c.consumable[it] = true
	}
	for _, it := range c.matches(r.Rules.Unavailable, byCat) {
		c.blocked[it] = true
	}
	for _, b := range r.Rules.Boosts {
		if !(b.Factor > 0) || math.IsInf(b.Factor, 0) {
			continue
		}
		why := int32(len(c.reasons))
		text := b.Reason
		if text == "" {
			text = "promoted"
		}
		c.reasons = append(c.reasons, text)
		for _, it := range c.matches(b.Items, byCat) {
			if b.Segment == "" {
				if c.boost[it] == 1 {
					c.boosted = append(c.boosted, it)
				}
				c.boost[it] *= float32(b.Factor)
				c.boostWhy[it] = why
			} else {
				c.segBoost[b.Segment] = append(c.segBoost[b.Segment], segBoost{it, float32(b.Factor), why})
			}
		}
	}
	for _, x := range r.Rules.Restrictions {
		items := c.matches(x.Items, byCat)
		if x.Segment == "" {
			for _, it := range items {
				c.blocked[it] = true
			}
		} else {
			c.segBlock[x.Segment] = append(c.segBlock[x.Segment], items...)
		}
	}
	r.compiled.Store(c)
	return c
}

// Recommend returns up to req.N items (10 when 0) for the request, best
// first, each with its reasons. A customer the model does not know, with
// no items in the request, gets the most popular items (of their segment
// when it is given and large enough) with that reason. Items of the
// profile are not recommended (bought ones unless Repurchase or
// Consumables allow it; basket items never); neither are unavailable or
// restricted items nor req.Exclude.
func (r *Recommender) Recommend(ctx context.Context, req Request) ([]Recommendation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m := r.model()
	if m == nil {
		return nil, fmt.Errorf("recommend: no model")
	}
	N := req.N
	if N <= 0 {
		N = 10
	}
	N = min(N, len(m.items))
	c := r.compile(m)
	s := m.scratch.Get().(*scratch)
	defer func() {
		s.reset()
		m.scratch.Put(s)
	}()
	seg := m.profile(&req, s)
	pop, cnt, segOwn := m.popularity(seg)
	mx := m.accumulate(s)
	used := mx > 0
	blend := float32(m.params.Blend)
	if !used {
		blend = 1 // popularity alone
	}
	segName := req.Segment
	if segName == "" && seg >= 0 {
		segName = m.segNames[seg]
	}
	var segBoosts []segBoost
	if segName != "" {
		segBoosts = c.segBoost[segName]
		for _, it := range c.segBlock[segName] {
			s.setMark(it, markExcluded)
		}
	}
	for _, h := range s.hist {
		if !h.bought || !(r.Rules.Repurchase || c.consumable[h.item]) {
			s.setMark(h.item, markExcluded)
		}
	}
	// Basket items are never recommended, whatever the rules.
	for _, name := range req.Items {
		if it, ok := m.itemIdx[name]; ok {
			s.setMark(it, markExcluded)
		}
	}
	for _, name := range req.Exclude {
		if it, ok := m.itemIdx[name]; ok {
			s.setMark(it, markExcluded)
		}
	}
	// Special items are those whose score is not blend × popularity:
	// the touched ones and the boosted ones. The others are ranked by
	// the popularity order, merged in by pick.
	base := func(j int32) float32 {
		b := blend * pop[j]
		if used && s.anchor[j] >= 0 {
			b += s.acc[j] * s.inv
		}
		return b
	}
	s.special = s.special[:0]
	addSpecial := func(j int32) {
		if c.blocked[j] || s.mark[j]&(markExcluded|markSpecial) != 0 {
			return
		}
		s.setMark(j, markSpecial)
		x := base(j) * c.boost[j]
		for _, b := range segBoosts {
			if b.item == j {
				x *= b.factor
			}
		}
		s.special = append(s.special, scored{j, x, 0})
	}
	if used {
		for _, j := range s.touched {
			addSpecial(j)
		}
	}
	for _, j := range c.boosted {
		addSpecial(j)
	}
	for _, b := range segBoosts {
		addSpecial(b.item)
	}
	picked := r.pick(m.popularOrder(seg), pop, blend, c, N, s)
	out := make([]Recommendation, 0, len(picked))
	for _, x := range picked {
		j := x.j
		rec := Recommendation{Item: m.items[j], Score: float64(x.s)}
		rec.Reasons = append(rec.Reasons, m.reason(j, base(j), s, seg, segOwn, cnt, used))
		if w := c.boostWhy[j]; w >= 0 {
			rec.Reasons = append(rec.Reasons, Reason{Kind: ReasonBoosted, Text: c.reasons[w]})
		}
		for _, b := range segBoosts {
			if b.item == j {
				rec.Reasons = append(rec.Reasons, Reason{Kind: ReasonBoosted, Segment: segName, Text: c.reasons[b.why]})
			}
		}
		out = append(out, rec)
	}
	return out, nil
}

// Marks of items in a request.
const (
	markExcluded uint8 = 1 << iota
	markSpecial
)

func (s *scratch) setMark(j int32, m uint8) {
	if s.mark[j] == 0 {
		s.marked = append(s.marked, j)
	}
	s.mark[j] |= m
}

// pick returns the best N items: the special items (sorted here) merged
// with the others in popularity order (their score is blend × pop),
// skipping blocked and excluded items and capping each category at
// MaxPerCategory.
func (r *Recommender) pick(order []int32, pop []float32, blend float32, c *compiledRules, N int, s *scratch) []scored {
	capN := r.Rules.MaxPerCategory
	// Only the best specials can be picked: select M of them with a heap,
	// and sort them all only if the category caps use them up.
	M := N
	if capN > 0 {
		M = 4 * N
	}
	for {
		var sp []scored
		if len(s.special) <= M {
			sp = s.special
			slices.SortFunc(sp, byRank)
		} else {
			s.top = s.top[:0]
			for _, x := range s.special {
				s.top.push(x, M)
			}
			sp = s.top.sorted()
		}
		out, usedAll := r.merge(sp, order, pop, blend, c, N, s)
		// Specials left unconsumed rank below everything picked; once all
		// the selected ones are consumed, one not selected might not.
		if !usedAll || len(sp) == len(s.special) {
			return out
		}
		M = len(s.special)
	}
}

// byRank orders candidates best first.
func byRank(a, b scored) int {
	switch {
	case less(b, a):
		return -1
	case less(a, b):
		return 1
	}
	return 0
}

// merge picks from the sorted specials and the popularity stream; usedAll
// reports whether every special was consumed.
func (r *Recommender) merge(sp []scored, order []int32, pop []float32, blend float32, c *compiledRules, N int, s *scratch) (out []scored, usedAll bool) {
	capN := r.Rules.MaxPerCategory
	var per map[int32]int
	if capN > 0 {
		per = map[int32]int{}
	}
	out = make([]scored, 0, N)
	i, p := 0, 0
	for len(out) < N {
		// Next item of the popularity stream that may be shown.
		for p < len(order) && (c.blocked[order[p]] || s.mark[order[p]] != 0) {
			p++
		}
		var x scored
		switch {
		case i < len(sp) && p < len(order):
			y := scored{order[p], blend * pop[order[p]], 0}
			if less(y, sp[i]) {
				x = sp[i]
				i++
			} else {
				x = y
				p++
			}
		case i < len(sp):
			x = sp[i]
			i++
		case p < len(order):
			x = scored{order[p], blend * pop[order[p]], 0}
			p++
		default:
			return out, true
		}
		if capN > 0 {
			if ct := c.cat[x.j]; ct >= 0 {
				if per[ct] >= capN {
					continue
				}
				per[ct]++
			}
		}
		out = append(out, x)
	}
	return out, i == len(sp)
}
