package recommend

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/c360/c360/customer"
)

// Metrics are the ranking metrics of one model on a test set, averaged
// over the test customers.
type Metrics struct {
	Model  string `json:"model"`
	Params Params `json:"params"`
	// Customers is the number of test customers.
	Customers int     `json:"customers"`
	HR        float64 `json:"hr"`     // share of customers with a hit in the top k
	Recall    float64 `json:"recall"` // hits / held-out items, averaged
	NDCG      float64 `json:"ndcg"`
	MAP       float64 `json:"map"` // AP@k with min(k, |held out|) as denominator
	// Coverage is the share of the catalogue recommended to anyone.
	Coverage float64 `json:"coverage"`
	// RecallLow and RecallHigh bound the 95% bootstrap interval of Recall
	// (test customers resampled).
	RecallLow  float64 `json:"recall_low"`
	RecallHigh float64 `json:"recall_high"`
	// DiffLow and DiffHigh bound the 95% bootstrap interval of Recall
	// minus the popularity model's recall, resampled in pairs.
	DiffLow  float64 `json:"diff_low"`
	DiffHigh float64 `json:"diff_high"`
}

// EvalConfig configures Evaluate. The zero value evaluates the top 10 on
// a per-customer holdout of the latest 20%.
type EvalConfig struct {
	// K is the length of the ranked lists; 0 means 10.
	K int `json:"k,omitempty"`
	// Split, when set, is a global time split: interactions before it
	// train, each customer's purchases from it on test.
	Split time.Time `json:"split,omitzero"`
	// HoldoutLast is the share of each customer's latest interactions
	// held out when Split is zero; 0 means 0.2.
	HoldoutLast float64 `json:"holdout_last,omitempty"`
	// NewOnly counts only held-out items the customer had not chosen in
	// the training part, and keeps those out of the ranked lists; by
	// default (false) repurchases count and may be recommended, as in a
	// grocery shop.
	NewOnly bool `json:"new_only,omitempty"`
	// Bootstrap resamples; 0 means 1000.
	Bootstrap int `json:"bootstrap,omitempty"`
	// Seed of the bootstrap and of the models' validation.
	Seed uint64 `json:"seed,omitempty"`
	// Data says what is learned.
	Data DataConfig `json:"data"`
	// Models to evaluate beside popularity: name → training config; nil
	// means cooccurrence and ease (the latter only when the catalogue
	// fits Config.EASEMaxItems), each with its hyper-parameters chosen on
	// validation.
	Models map[string]Config `json:"-"`
	// External models, trained outside the package (a reference
	// implementation, say), are evaluated on the same split after the
	// others, in name order.
	External map[string]External `json:"-"`
	// Progress, if set, is called as the evaluation goes.
	Progress func(Progress) `json:"-"`
}

// External trains a model outside the package on the training part of an
// evaluation and returns its ranker.
type External func(ctx context.Context, train *Dataset) (Ranker, error)

// Ranker ranks the items of a Dataset for one of its customers (by index,
// see Dataset.Row): the best k item indices, best first. With
// excludeSeen, the customer's own items must be left out.
type Ranker interface {
	Rank(customer, k int, excludeSeen bool) []int
}

// Row returns customer c's items (indices, ascending) and the strength of
// each (1 for a purchase, less for a cart or a view). The slices belong to
// the Dataset.
func (d *Dataset) Row(c int) (items []int32, strength []float32) {
	return d.item[d.off[c]:d.off[c+1]], d.str[d.off[c]:d.off[c+1]]
}

// Item returns the name of item i.
func (d *Dataset) Item(i int) string { return d.items[i] }

// Customer returns the ID of customer c.
func (d *Dataset) Customer(c int) customer.ID { return d.custs[c] }

// testSet is what one evaluation scores: the training rows and, per test
// customer (by index in the training dataset's interning), the held-out
// items.
type testSet struct {
	keep  []bool
	users []int32   // customer indices
	items [][]int32 // held-out items per user, ascending, distinct
}

// holdout returns the per-customer holdout of the latest share of each
// customer's rows (ties at the cut held out together), for customers
// chosen by sample (nil: all) with at least two distinct times.
func (b *Builder) holdout(share float64, sample func(c int32) bool) *testSet {
	nc := len(b.custs)
	byCust := make([][]int32, nc)
	for i, c := range b.cust {
		if sample == nil || sample(c) {
			byCust[c] = append(byCust[c], int32(i))
		}
	}
	ts := &testSet{keep: make([]bool, len(b.cust))}
	for i := range ts.keep {
		ts.keep[i] = true
	}
	for c, rows := range byCust {
		if len(rows) < 2 {
			continue
		}
		slices.SortStableFunc(rows, func(x, y int32) int { return cmpInt(b.t[x], b.t[y]) })
		cut := len(rows) - int(math.Ceil(share*float64(len(rows))))
		cut = max(cut, 1)
		for cut > 0 && cut < len(rows) && b.t[rows[cut-1]] == b.t[rows[cut]] {
			cut-- // a basket is held out whole
		}
		if cut == 0 {
			// One time for all rows: hold out the latest basket unless it
			// is the only one.
			continue
		}
		ts.add(b, int32(c), rows[cut:])
	}
	return ts
}

// timeSplit returns the global time split at t.
func (b *Builder) timeSplit(t time.Time) *testSet {
	at := t.Unix()
	ts := &testSet{keep: make([]bool, len(b.cust))}
	byCust := map[int32][]int32{}
	for i, c := range b.cust {
		if b.t[i] < at {
			ts.keep[i] = true
		} else {
			byCust[c] = append(byCust[c], int32(i))
		}
	}
	cs := make([]int32, 0, len(byCust))
	for c := range byCust {
		cs = append(cs, c)
	}
	slices.Sort(cs)
	for _, c := range cs {
		ts.add(b, c, byCust[c])
	}
	return ts
}

// add marks rows held out for customer c and records the purchased items
// among them (returns of the held-out period take purchases back).
func (ts *testSet) add(b *Builder, c int32, rows []int32) {
	net := map[int32]float64{}
	for _, r := range rows {
		ts.keep[r] = false
		switch b.kind[r] {
		case KindPurchase:
			net[b.item[r]] += float64(b.qty[r])
		case KindReturn:
			net[b.item[r]] -= float64(b.qty[r])
		}
	}
	var items []int32
	for it, q := range net {
		if q > 0 {
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		return
	}
	slices.Sort(items)
	ts.users = append(ts.users, c)
	ts.items = append(ts.items, items)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// userMetrics are one test customer's metrics.
type userMetrics struct{ hr, recall, ndcg, ap float64 }

// rank returns the top k items for customer c of m (a customer index of
// the Builder the model's dataset came from), with the customer's own
// items left out when excludeSeen.
func (m *Model) rank(c int32, k int, excludeSeen bool, s *scratch) []int32 {
	req := Request{}
	if int(c) < len(m.custs) {
		req.Customer = m.custs[c]
	}
	seg := m.profile(&req, s)
	pop, _, _ := m.popularity(seg)
	mx := m.accumulate(s)
	blend := float32(m.params.Blend)
	if mx <= 0 {
		blend = 1
	}
	// Only touched items have a model score; the others rank by
	// popularity alone, so the best of them are a prefix of the
	// popularity order as long as the excluded items.
	skip := func(j int32) bool {
		if !excludeSeen {
			return false
		}
		for _, h := range s.hist {
			if h.item == j {
				return true
			}
		}
		return false
	}
	s.top = s.top[:0]
	if mx > 0 {
		for _, j := range s.touched {
			if !skip(j) {
				s.top.push(scored{j, s.acc[j]*s.inv + blend*pop[j], 0}, k)
			}
		}
	}
	need := k
	if excludeSeen {
		need += len(s.hist)
	}
	for _, j := range m.popularOrder(seg) {
		if need == 0 {
			break
		}
		if mx > 0 && s.anchor[j] >= 0 {
			continue // scored above
		}
		need--
		if !skip(j) {
			s.top.push(scored{j, blend * pop[j], 0}, k)
		}
	}
	ranked := s.top.sorted()
	out := make([]int32, len(ranked))
	for i, x := range ranked {
		out[i] = x.j
	}
	s.reset()
	return out
}

// score evaluates m on ts: the per-user metrics and the items recommended.
func (m *Model) score(ctx context.Context, ts *testSet, k int, newOnly bool) ([]userMetrics, []bool, error) {
	s := newScratch(len(m.items))
	return scoreWith(ctx, ts, k, newOnly, len(m.items), m.hOff, m.hItem, func(c int32) []int32 { return m.rank(c, k, newOnly || m.params.ExcludeSeen, s) })
}

// scoreWith evaluates a ranking function on ts; hOff and hItem are the
// training histories by customer index.
func scoreWith(ctx context.Context, ts *testSet, k int, newOnly bool, nItems int, hOff []int64, hItem []int32, rank func(c int32) []int32) ([]userMetrics, []bool, error) {
	um := make([]userMetrics, 0, len(ts.users))
	shown := make([]bool, nItems)
	seen := map[int32]bool{}
	for u, c := range ts.users {
		if u&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		test := ts.items[u]
		if newOnly && int(c)+1 < len(hOff) {
			clear(seen)
			for q := hOff[c]; q < hOff[c+1]; q++ {
				seen[hItem[q]] = true
			}
			test = slices.DeleteFunc(slices.Clone(test), func(it int32) bool { return seen[it] })
			if len(test) == 0 {
				continue
			}
		}
		top := rank(c)
		var x userMetrics
		hits := 0
		for i, it := range top {
			shown[it] = true
			if _, ok := slices.BinarySearch(test, it); ok {
				hits++
				x.ndcg += 1 / math.Log2(float64(i)+2)
				x.ap += float64(hits) / float64(i+1)
			}
		}
		den := min(k, len(test))
		var idcg float64
		for i := range den {
			idcg += 1 / math.Log2(float64(i)+2)
		}
		x.ndcg /= idcg
		x.ap /= float64(den)
		x.recall = float64(hits) / float64(len(test))
		if hits > 0 {
			x.hr = 1
		}
		um = append(um, x)
	}
	return um, shown, nil
}

func mean(um []userMetrics, f func(userMetrics) float64) float64 {
	if len(um) == 0 {
		return 0
	}
	var s float64
	for _, x := range um {
		s += f(x)
	}
	return s / float64(len(um))
}

// Evaluate trains popularity and each model of cfg on the training part of
// the interactions and reports their metrics on the test part, popularity
// first. Hyper-parameters left at zero are chosen by each model on a
// validation split of its training part only: the test part is never
// seen before scoring.
func Evaluate(ctx context.Context, ins []Interaction, cfg EvalConfig) ([]Metrics, error) {
	b := &Builder{Config: cfg.Data}
	b.Grow(len(ins))
	for _, in := range ins {
		if err := b.Add(in); err != nil {
			return nil, err
		}
	}
	return b.Evaluate(ctx, cfg)
}

// Evaluate is Evaluate over the interactions added to b.
func (b *Builder) Evaluate(ctx context.Context, cfg EvalConfig) ([]Metrics, error) {
	k := cfg.K
	if k <= 0 {
		k = 10
	}
	var ts *testSet
	if !cfg.Split.IsZero() {
		ts = b.timeSplit(cfg.Split)
	} else {
		share := cfg.HoldoutLast
		if share <= 0 {
			share = 0.2
		}
		if share >= 1 {
			return nil, fmt.Errorf("recommend: holdout share %v is not below 1", share)
		}
		ts = b.holdout(share, nil)
	}
	if len(ts.users) == 0 {
		return nil, errors.New("recommend: the split leaves no customer with a held-out purchase")
	}
	train := b.subset(ts.keep)
	if len(train.cust) == 0 {
		return nil, errors.New("recommend: the split leaves nothing to train on")
	}
	type named struct {
		name string
		cfg  Config
	}
	models := []named{{"popularity", Config{Algorithm: Popularity}}}
	if cfg.Models == nil {
		models = append(models, named{"cooccurrence", Config{Algorithm: CoOccurrence, Seed: cfg.Seed}})
		if len(b.items) <= (&Config{}).easeMax() {
			models = append(models, named{"ease", Config{Algorithm: EASE, Seed: cfg.Seed}})
		}
	} else {
		var names []string
		for n := range cfg.Models {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			if n != "popularity" {
				models = append(models, named{n, cfg.Models[n]})
			}
		}
	}
	var out []Metrics
	var per [][]userMetrics
	for i, nm := range models {
		if cfg.Progress != nil {
			cfg.Progress(Progress{Step: "evaluate " + nm.name, Done: i, Total: len(models)})
		}
		mc := nm.cfg
		if mc.Progress == nil {
			mc.Progress = cfg.Progress
		}
		m, err := Train(ctx, train, mc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", nm.name, err)
		}
		um, shown, err := m.score(ctx, ts, k, cfg.NewOnly)
		if err != nil {
			return nil, err
		}
		cov := 0
		for _, x := range shown {
			if x {
				cov++
			}
		}
		out = append(out, Metrics{Model: nm.name, Params: m.Params(), Customers: len(um),
			HR: mean(um, func(x userMetrics) float64 { return x.hr }), Recall: mean(um, func(x userMetrics) float64 { return x.recall }),
			NDCG: mean(um, func(x userMetrics) float64 { return x.ndcg }), MAP: mean(um, func(x userMetrics) float64 { return x.ap }),
			Coverage: float64(cov) / float64(len(b.items))})
		per = append(per, um)
	}
	var ext []string
	for n := range cfg.External {
		ext = append(ext, n)
	}
	slices.Sort(ext)
	for _, name := range ext {
		if cfg.Progress != nil {
			cfg.Progress(Progress{Step: "evaluate " + name, Done: len(out), Total: len(out) + len(ext)})
		}
		d := train.Build()
		r, err := cfg.External[name](ctx, d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		um, shown, err := scoreWith(ctx, ts, k, cfg.NewOnly, len(b.items), d.off, d.item, func(c int32) []int32 {
			top := r.Rank(int(c), k, cfg.NewOnly)
			out := make([]int32, 0, len(top))
			for _, it := range top[:min(k, len(top))] {
				if it >= 0 && it < len(b.items) {
					out = append(out, int32(it))
				}
			}
			return out
		})
		if err != nil {
			return nil, err
		}
		cov := 0
		for _, x := range shown {
			if x {
				cov++
			}
		}
		out = append(out, Metrics{Model: name, Params: Params{Algorithm: Algorithm(name)}, Customers: len(um),
			HR: mean(um, func(x userMetrics) float64 { return x.hr }), Recall: mean(um, func(x userMetrics) float64 { return x.recall }),
			NDCG: mean(um, func(x userMetrics) float64 { return x.ndcg }), MAP: mean(um, func(x userMetrics) float64 { return x.ap }),
			Coverage: float64(cov) / float64(len(b.items))})
		per = append(per, um)
	}
	bootstrap(out, per, cfg.Bootstrap, cfg.Seed)
	return out, nil
}

// bootstrap fills the intervals of out from the per-user metrics.
func bootstrap(out []Metrics, per [][]userMetrics, B int, seed uint64) {
	if B <= 0 {
		B = 1000
	}
	n := len(per[0])
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	rec := make([][]float64, len(out))
	diff := make([][]float64, len(out))
	idx := make([]int, n)
	for range B {
		for i := range idx {
			idx[i] = rng.IntN(n)
		}
		var base float64
		for mi, um := range per {
			if len(um) != n {
				continue // NewOnly may leave models different users; no pairs
			}
			var s float64
			for _, i := range idx {
				s += um[i].recall
			}
			s /= float64(n)
			if mi == 0 {
				base = s
			}
			rec[mi] = append(rec[mi], s)
			diff[mi] = append(diff[mi], s-base)
		}
	}
	for mi := range out {
		if len(rec[mi]) == 0 {
			continue
		}
		slices.Sort(rec[mi])
		slices.Sort(diff[mi])
		lo, hi := int(0.025*float64(len(rec[mi]))), int(0.975*float64(len(rec[mi])))-1
		out[mi].RecallLow, out[mi].RecallHigh = rec[mi][lo], rec[mi][hi]
		out[mi].DiffLow, out[mi].DiffHigh = diff[mi][lo], diff[mi][hi]
	}
}

// subset returns a Builder of the rows where keep is true, sharing b's
// interning (so customer and item indices agree).
func (b *Builder) subset(keep []bool) *Builder {
	s := &Builder{Config: b.Config, nonProduct: b.nonProduct, items: b.items, itemIdx: b.itemIdx,
		custs: b.custs, custIdx: b.custIdx, custSeg: b.custSeg, segTime: b.segTime, stats: b.stats}
	for i, k := range keep {
		if k {
			s.cust = append(s.cust, b.cust[i])
			s.item = append(s.item, b.item[i])
			s.t = append(s.t, b.t[i])
			s.qty = append(s.qty, b.qty[i])
			s.kind = append(s.kind, b.kind[i])
		}
	}
	return s
}

// sampler returns a deterministic sample of about limit of n customers.
func sampler(n, limit int, seed uint64) func(int32) bool {
	if limit <= 0 || n <= limit {
		return nil
	}
	frac := uint64(float64(^uint64(0)) * float64(limit) / float64(n))
	return func(c int32) bool {
		x := uint64(c)*0x9e3779b97f4a7c15 + seed
		x ^= x >> 31
		x *= 0xbf58476d1ce4e5b9
		x ^= x >> 29
		return x < frac
	}
}
