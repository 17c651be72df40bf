package recommend

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Algorithm names a model.
type Algorithm string

// The algorithms. The zero Algorithm, Auto, trains co-occurrence and EASE
// and keeps the one that ranks best on a validation split of the training
// data.
const (
	Auto         Algorithm = ""
	Popularity   Algorithm = "popularity"
	CoOccurrence Algorithm = "cooccurrence"
	EASE         Algorithm = "ease"
)

// Progress reports how training goes.
type Progress struct {
	Step  string // "aggregate", "validate", "similarity", "ease", …
	Done  int
	Total int
}

// Config configures Train. The zero Config is the default: every field's
// zero value is documented, and the hyper-parameters left at zero are
// chosen on a validation split of the training data.
type Config struct {
	// Algorithm to train; Auto (the zero value) chooses by validation.
	Algorithm Algorithm `json:"algorithm,omitempty"`
	// Neighbours kept per item; 0 means 100.
	Neighbours int `json:"neighbours,omitempty"`
	// HalfLife of the recency weight of an interaction, counted back from
	// the latest time in the data; 0 chooses among no decay, the data's
	// time span and a quarter of it; negative means no decay.
	HalfLife time.Duration `json:"half_life,omitempty"`
	// Shrinkage of the cosine similarity of co-occurrence (in customers);
	// 0 chooses among 0, 5 and 25; negative means 0.
	Shrinkage float64 `json:"shrinkage,omitempty"`
	// Lambda is EASE's L2 penalty; 0 chooses among 0.05, 0.25, 1 and 4 times
	// the mean diagonal of the item Gram matrix.
	Lambda float64 `json:"lambda,omitempty"`
	// Blend is the weight of popularity added to the (normalised) model
	// score; 0 chooses among 0, 0.03, 0.1, 0.3, 1 and 3 on validation;
	// negative means none.
	Blend float64 `json:"blend,omitempty"`
	// EASEMaxItems is the largest catalogue EASE is trained on: its cost
	// grows with the cube of the items and its memory with the square.
	// Beyond it Auto trains co-occurrence and EASE is refused. 0 means
	// 3000.
	EASEMaxItems int `json:"ease_max_items,omitempty"`
	// ValidationCustomers bounds the customers of the validation split;
	// 0 means 20000.
	ValidationCustomers int `json:"validation_customers,omitempty"`
	// Seed of the validation sample; the same data and seed give the same
	// model.
	Seed uint64 `json:"seed,omitempty"`
	// Workers bounds the goroutines of training; 0 means GOMAXPROCS.
	Workers int `json:"workers,omitempty"`
	// Progress, if set, is called as training goes (from one goroutine at
	// a time).
	Progress func(Progress) `json:"-"`
}

func (c *Config) neighbours() int {
	if c.Neighbours <= 0 {
		return 100
	}
	return c.Neighbours
}

func (c *Config) easeMax() int {
	if c.EASEMaxItems <= 0 {
		return 3000
	}
	return c.EASEMaxItems
}

func (c *Config) workers() int {
	if c.Workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return c.Workers
}

func (c *Config) progress(step string, done, total int) {
	if c.Progress != nil {
		c.Progress(Progress{Step: step, Done: done, Total: total})
	}
}

// ErrTooManyItems is returned when EASE is asked for on a catalogue larger
// than Config.EASEMaxItems.
var ErrTooManyItems = errors.New("recommend: too many items for EASE")

// Params are the hyper-parameters a model was trained with.
type Params struct {
	Algorithm Algorithm `json:"algorithm"`
	// HalfLifeDays of the recency weight; 0 for none.
	HalfLifeDays float64 `json:"half_life_days"`
	Shrinkage    float64 `json:"shrinkage"`
	Lambda       float64 `json:"lambda"`
	Blend        float64 `json:"blend"`
	Neighbours   int     `json:"neighbours"`
	// ExcludeSeen is true when leaving out the customer's own items
	// ranked better on validation (repurchases are rare in the data);
	// Evaluate ranks so. Serving follows Rules, not this.
	ExcludeSeen bool `json:"exclude_seen"`
	// Validation is the recall@10 on the validation split of the chosen
	// parameters (0 when nothing was chosen by validation).
	Validation float64 `json:"validation_recall"`
}

// Train trains a model on d as cfg says. Hyper-parameters left at zero are
// chosen on a validation split of d: each sampled customer's latest 20%
// of interactions are held out, and the candidate with the best recall@10
// on them wins (ties to the simpler one). The model is then retrained on
// all of d. Training honours ctx between steps and items.
func Train(ctx context.Context, b *Builder, cfg Config) (*Model, error) {
	cfg.progress("aggregate", 0, 1)
	full := b.Build()
	cfg.progress("aggregate", 1, 1)
	if full.Items() == 0 {
		return nil, fmt.Errorf("%w: no interactions to learn from", ErrInvalidInput)
	}
	alg := cfg.Algorithm
	switch alg {
	case Auto, Popularity, CoOccurrence, EASE:
	default:
		return nil, fmt.Errorf("recommend: unknown algorithm %q", alg)
	}
	if alg == EASE && full.Items() > cfg.easeMax() {
		return nil, fmt.Errorf("%w: %d items, at most %d (Config.EASEMaxItems)", ErrTooManyItems, full.Items(), cfg.easeMax())
	}
	if alg == Auto && full.Items() > cfg.easeMax() {
		alg = CoOccurrence
	}
	cfg.Neighbours = min(cfg.neighbours(), full.Items())
	p := Params{Algorithm: alg, Neighbours: cfg.neighbours()}
	if alg == Popularity {
		p, err := choosePopularity(ctx, b, cfg, p)
		if err != nil {
			return nil, err
		}
		return newModel(full, nil, p), nil
	}
	needs := cfg.HalfLife == 0 || cfg.Blend == 0 ||
		(alg != EASE && cfg.Shrinkage == 0) || (alg != CoOccurrence && cfg.Lambda == 0)
	if needs {
		var err error
		if p, err = validate(ctx, b, full, cfg, alg); err != nil {
			return nil, err
		}
	} else {
		p.HalfLifeDays = days(cfg.HalfLife)
		p.Shrinkage = max(cfg.Shrinkage, 0)
		p.Lambda = cfg.Lambda
		p.Blend = max(cfg.Blend, 0)
	}
	nb, err := similarity(ctx, full, p, &cfg)
	if err != nil {
		return nil, err
	}
	return newModel(full, nb, p), nil
}

func days(d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return d.Hours() / 24
}

// weights returns the weight of every pair of d: its strength times the
// recency decay.
func (d *Dataset) weights(halfLifeDays float64) []float32 {
	w := make([]float32, len(d.str))
	if halfLifeDays <= 0 {
		copy(w, d.str)
		return w
	}
	hl := halfLifeDays * 86400
	for i, s := range d.str {
		w[i] = s * float32(math.Exp2(-float64(d.maxT-d.last[i])/hl))
	}
	return w
}

// neighbourhood is the item-item part of a model: for each item i, its
// neighbours j with weights and the number of customers who chose both.
type neighbourhood struct {
	off []int64
	nbr []int32
	w   []float32
	cnt []int32
}

func similarity(ctx context.Context, d *Dataset, p Params, cfg *Config) (*neighbourhood, error) {
	switch p.Algorithm {
	case EASE:
		return ease(ctx, d, p, cfg)
	default:
		return cooccurrence(ctx, d, p, cfg)
	}
}

// columns returns the transpose of d: for each item, its customers and the
// pair weights.
func (d *Dataset) columns(w []float32) (off []int64, cust []int32, cw []float32) {
	n := len(d.items)
	off = make([]int64, n+1)
	for _, it := range d.item {
		off[it+1]++
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	pos := slices.Clone(off[:n])
	cust = make([]int32, len(d.item))
	cw = make([]float32, len(d.item))
	for c := range d.custs {
		for k := d.off[c]; k < d.off[c+1]; k++ {
			it := d.item[k]
			cust[pos[it]] = int32(c)
			cw[pos[it]] = w[k]
			pos[it]++
		}
	}
	return off, cust, cw
}

// cooccurrence computes, for each item, its top neighbours by cosine
// similarity with shrinkage over recency-weighted interactions:
//
//	sim(i, j) = Σ_u w_ui w_uj / (sqrt(Σ_u w_ui²) sqrt(Σ_u w_uj²) + shrinkage)
func cooccurrence(ctx context.Context, d *Dataset, p Params, cfg *Config) (*neighbourhood, error) {
	n := len(d.items)
	w := d.weights(p.HalfLifeDays)
	coff, ccust, cw := d.columns(w)
	norm := make([]float64, n)
	for i := range n {
		var s float64
		for k := coff[i]; k < coff[i+1]; k++ {
			s += float64(cw[k]) * float64(cw[k])
		}
		norm[i] = math.Sqrt(s)
	}
	K := p.Neighbours
	rows := make([][]scored, n)
	var next, done atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	workers := cfg.workers()
	errc := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			acc := make([]float64, n)
			cnt := make([]int32, n)
			var touched []int32
			h := make(topK, 0, K)
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if i&63 == 0 {
					if err := ctx.Err(); err != nil {
						errc <- err
						return
					}
				}
				for k := coff[i]; k < coff[i+1]; k++ {
					u, wu := ccust[k], float64(cw[k])
					for q := d.off[u]; q < d.off[u+1]; q++ {
						j := d.item[q]
						if cnt[j] == 0 {
							touched = append(touched, j)
						}
						cnt[j]++
						acc[j] += wu * float64(w[q])
					}
				}
				h = h[:0]
				for _, j := range touched {
					if int(j) != i && acc[j] > 0 {
						s := acc[j] / (norm[i]*norm[int(j)] + p.Shrinkage)
						h.push(scored{j, float32(s), cnt[j]}, K)
					}
					acc[j], cnt[j] = 0, 0
				}
				touched = touched[:0]
				rows[i] = h.sorted()
				if dn := done.Add(1); cfg.Progress != nil && (dn&1023 == 0 || int(dn) == n) {
					mu.Lock()
					cfg.progress("similarity", int(dn), n)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return nil, err
	}
	return pack(rows), nil
}

// scored is a candidate neighbour.
type scored struct {
	j   int32
	s   float32
	cnt int32
}

// topK is a min-heap of the K best candidates.
type topK []scored

func (h *topK) push(x scored, k int) {
	s := *h
	if len(s) < k {
		s = append(s, x)
		for i := len(s) - 1; i > 0; {
			p := (i - 1) / 2
			if !less(s[i], s[p]) {
				break
			}
			s[i], s[p] = s[p], s[i]
			i = p
		}
		*h = s
		return
	}
	if k == 0 || !less(s[0], x) {
		return
	}
	s[0] = x
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(s) && less(s[l], s[m]) {
			m = l
		}
		if l+1 < len(s) && less(s[l+1], s[m]) {
			m = l + 1
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
}

// less orders candidates by score, ties by the higher item index first, so
// that the kept set does not depend on the order of arrival.
func less(a, b scored) bool {
	if a.s != b.s {
		return a.s < b.s
	}
	return a.j > b.j
}

// sorted returns a copy of the kept candidates, best first.
func (h topK) sorted() []scored {
	out := slices.Clone([]scored(h))
	slices.SortFunc(out, func(a, b scored) int {
		switch {
		case less(b, a):
			return -1
		case less(a, b):
			return 1
		}
		return 0
	})
	return out
}

func pack(rows [][]scored) *neighbourhood {
	nb := &neighbourhood{off: make([]int64, len(rows)+1)}
	total := 0
	for _, r := range rows {
		total += len(r)
	}
	nb.nbr = make([]int32, 0, total)
	nb.w = make([]float32, 0, total)
	nb.cnt = make([]int32, 0, total)
	for i, r := range rows {
		for _, s := range r {
			nb.nbr = append(nb.nbr, s.j)
			nb.w = append(nb.w, s.s)
			nb.cnt = append(nb.cnt, s.cnt)
		}
		nb.off[i+1] = int64(len(nb.nbr))
	}
	return nb
}

// gram returns the dense item Gram matrix of the weighted interactions and
// the matrix of co-occurrence counts.
func gram(ctx context.Context, d *Dataset, w []float32) ([]float64, []int32, error) {
	n := len(d.items)
	g := make([]float64, n*n)
	cnt := make([]int32, n*n)
	for c := range d.custs {
		if c&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		lo, hi := d.off[c], d.off[c+1]
		for a := lo; a < hi; a++ {
			i, wi := int(d.item[a]), float64(w[a])
			row := g[i*n : i*n+n]
			crow := cnt[i*n : i*n+n]
			for b := lo; b < hi; b++ {
				j := d.item[b]
				row[j] += wi * float64(w[b])
				crow[j]++
			}
		}
	}
	return g, cnt, nil
}

// meanDiag returns the mean diagonal of the Gram matrix of weights w.
func (d *Dataset) meanDiag(w []float32) float64 {
	var s float64
	for _, x := range w {
		s += float64(x) * float64(x)
	}
	return s / float64(max(len(d.items), 1))
}

// ease trains EASE (Steck 2019): B = I - P·diagMat(1/diag(P)) with
// P = (XᵀX + λI)⁻¹, diag(B) = 0, and keeps each item's top neighbours.
func ease(ctx context.Context, d *Dataset, p Params, cfg *Config) (*neighbourhood, error) {
	n := len(d.items)
	w := d.weights(p.HalfLifeDays)
	cfg.progress("ease", 0, n)
	g, cnt, err := gram(ctx, d, w)
	if err != nil {
		return nil, err
	}
	lambda := p.Lambda
	for i := range n {
		g[i*n+i] += lambda
	}
	if err := invertSPD(ctx, g, n, cfg); err != nil {
		return nil, err
	}
	rows := make([][]scored, n)
	h := make(topK, 0, p.Neighbours)
	for i := range n {
		h = h[:0]
		// B[i][j] = -P[i][j] / P[j][j]; a row of B says how much having i
		// predicts each j.
		for j := range n {
			if j == i {
				continue
			}
			b := -g[i*n+j] / g[j*n+j]
			if b > 0 {
				h.push(scored{int32(j), float32(b), cnt[i*n+j]}, p.Neighbours)
			}
		}
		rows[i] = h.sorted()
	}
	return pack(rows), nil
}

// invertSPD inverts the symmetric positive definite n×n matrix a in place
// by Gauss–Jordan elimination (no pivoting is needed for such a matrix),
// spreading each step's rows over the workers.
func invertSPD(ctx context.Context, a []float64, n int, cfg *Config) error {
	workers := cfg.workers()
	krow := make([]float64, n)
	for k := range n {
		if k&31 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			cfg.progress("ease", k, n)
		}
		p := a[k*n+k]
		if !(p > 0) {
			return errors.New("recommend: EASE matrix is not positive definite")
		}
		row := a[k*n : k*n+n]
		row[k] = 1
		for j := range row {
			row[j] /= p
		}
		copy(krow, row)
		elim := func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if i == k {
					continue
				}
				r := a[i*n : i*n+n]
				f := r[k]
				if f == 0 {
					continue
				}
				r[k] = 0
				for j, x := range krow {
					r[j] -= f * x
				}
			}
		}
		if workers == 1 || n < 256 {
			elim(0, n)
			continue
		}
		var wg sync.WaitGroup
		step := (n + workers - 1) / workers
		for lo := 0; lo < n; lo += step {
			wg.Go(func() { elim(lo, min(lo+step, n)) })
		}
		wg.Wait()
	}
	cfg.progress("ease", n, n)
	return nil
}
