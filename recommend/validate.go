package recommend

import (
	"context"
	"math"
)

// Validation grids: what Train tries for a hyper-parameter left at zero.
var (
	shrinkGrid = []float64{0, 5, 25}
	lambdaGrid = []float64{0.05, 0.25, 1, 4} // times the mean diagonal of the Gram matrix
	blendGrid  = []float64{0, 0.03, 0.1, 0.3, 1, 3}
)

// Defaults used when the data is too small to validate on (fewer than
// minValidationUsers customers with a held-out purchase).
const (
	defaultShrink      = 5
	defaultLambda      = 1
	defaultBlend       = 0.1
	minValidationUsers = 20
	maxValidationUsers = 2000
)

func (c *Config) validationCustomers() int {
	if c.ValidationCustomers <= 0 {
		return 20000
	}
	return c.ValidationCustomers
}

// validate chooses the hyper-parameters left at zero in cfg for alg (Auto:
// both co-occurrence and EASE, keeping the better) on a per-customer
// holdout of the latest 20% of a sample of b's customers, training on the
// rest of the sample. It searches one parameter at a time: the recency
// half-life first (with the middle of the other grid), then shrinkage or
// lambda; for each candidate the popularity blend is chosen by rescoring.
func validate(ctx context.Context, b *Builder, full *Dataset, cfg Config, alg Algorithm) (Params, error) {
	ts := validationSplit(b, &cfg)
	algs := []Algorithm{alg}
	if alg == Auto {
		algs = []Algorithm{CoOccurrence, EASE}
	}
	span := float64(full.maxT-full.minT) / 86400
	if len(ts.users) < minValidationUsers {
		p := Params{Algorithm: algs[0], Neighbours: cfg.neighbours(), HalfLifeDays: days(cfg.HalfLife),
			Shrinkage: pick(cfg.Shrinkage, defaultShrink), Blend: pick(cfg.Blend, defaultBlend)}
		if p.Algorithm == EASE {
			p.Lambda = pick(cfg.Lambda, defaultLambda*full.meanDiag(full.weights(p.HalfLifeDays)))
		}
		return p, nil
	}
	vd := b.build(ts.keep)
	best := Params{Validation: -1}
	for _, a := range algs {
		p, err := search(ctx, vd, ts, cfg, a, span)
		if err != nil {
			return Params{}, err
		}
		if p.Validation > best.Validation {
			best = p
		}
	}
	if best.Algorithm == EASE && cfg.Lambda == 0 {
		// Lambda scales with the data: carry the chosen multiple over to
		// the full data.
		mult := best.Lambda / vd.meanDiag(vd.weights(best.HalfLifeDays))
		best.Lambda = mult * full.meanDiag(full.weights(best.HalfLifeDays))
	}
	return best, nil
}

// choosePopularity validates the one choice of the popularity model:
// whether to leave out the customer's own items.
func choosePopularity(ctx context.Context, b *Builder, cfg Config, p Params) (Params, error) {
	ts := validationSplit(b, &cfg)
	if len(ts.users) < minValidationUsers {
		return p, nil
	}
	m := newModel(b.build(ts.keep), nil, p)
	return bestSeen(ctx, m, ts, p)
}

// bestSeen scores m on ts with and without the customers' own items and
// returns p with the better choice and its recall.
func bestSeen(ctx context.Context, m *Model, ts *testSet, p Params) (Params, error) {
	p.Validation = -1
	for _, ex := range []bool{false, true} {
		m.params.ExcludeSeen = ex
		um, _, err := m.score(ctx, ts, 10, false)
		if err != nil {
			return p, err
		}
		if r := mean(um, func(x userMetrics) float64 { return x.recall }); r > p.Validation+1e-12 {
			p.Validation, p.ExcludeSeen = r, ex
		}
	}
	return p, nil
}

// validationSplit holds out the latest 20% of a sample of b's customers;
// the rest of the sample is what validation trains on.
func validationSplit(b *Builder, cfg *Config) *testSet {
	sample := sampler(len(b.custs), cfg.validationCustomers(), cfg.Seed)
	ts := b.holdout(0.2, sample)
	if sample != nil {
		for i, c := range b.cust {
			if !sample(c) {
				ts.keep[i] = false
			}
		}
	}
	if len(ts.users) > maxValidationUsers {
		step := float64(len(ts.users)) / maxValidationUsers
		var us []int32
		var its [][]int32
		for i := 0.0; int(i) < len(ts.users); i += step {
			us = append(us, ts.users[int(i)])
			its = append(its, ts.items[int(i)])
		}
		ts.users, ts.items = us, its
	}
	return ts
}

func pick(v, def float64) float64 {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}

// search runs the one-at-a-time search for one algorithm.
func search(ctx context.Context, vd *Dataset, ts *testSet, cfg Config, a Algorithm, span float64) (Params, error) {
	hls := []float64{days(cfg.HalfLife)}
	if cfg.HalfLife == 0 && span > 0 {
		hls = []float64{0, span, span / 4}
	}
	var second []float64 // shrinkage or lambda multiples
	switch {
	case a == CoOccurrence && cfg.Shrinkage == 0:
		second = shrinkGrid
	case a == CoOccurrence:
		second = []float64{max(cfg.Shrinkage, 0)}
	case cfg.Lambda == 0:
		second = lambdaGrid
	default:
		second = []float64{-cfg.Lambda} // negative: an absolute lambda
	}
	blends := blendGrid
	if cfg.Blend != 0 {
		blends = []float64{max(cfg.Blend, 0)}
	}
	eval := func(hl, x float64) (Params, error) {
		p := Params{Algorithm: a, HalfLifeDays: hl, Neighbours: cfg.neighbours()}
		if a == CoOccurrence {
			p.Shrinkage = x
		} else if x < 0 {
			p.Lambda = -x
		} else {
			p.Lambda = x * vd.meanDiag(vd.weights(hl))
		}
		quiet := cfg
		quiet.Progress = nil
		cfg.progress("validate "+string(a), 0, 1)
		nb, err := similarity(ctx, vd, p, &quiet)
		if err != nil {
			return p, err
		}
		m := newModel(vd, nb, p)
		best := Params{Validation: -1}
		for _, bl := range blends {
			m.params.Blend = bl
			q := p
			q.Blend = bl
			q, err := bestSeen(ctx, m, ts, q)
			if err != nil {
				return p, err
			}
			if q.Validation > best.Validation+1e-12 {
				best = q
			}
		}
		return best, nil
	}
	mid := second[len(second)/2]
	best := Params{Validation: math.Inf(-1)}
	for _, hl := range hls {
		p, err := eval(hl, mid)
		if err != nil {
			return p, err
		}
		if p.Validation > best.Validation+1e-12 {
			best = p
		}
	}
	for _, x := range second {
		if x == mid {
			continue
		}
		p, err := eval(best.HalfLifeDays, x)
		if err != nil {
			return p, err
		}
		if p.Validation > best.Validation+1e-12 {
			best = p
		}
	}
	return best, nil
}
