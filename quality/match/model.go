package match

import (
	"cmp"
	"context"
	"math"
	"slices"
)

// Model holds the Fellegi–Sunter parameters of a Matcher: for each field and
// comparison level, m (the probability of the level among true matches) and
// u (among non-matches), and the prior share of matches among candidate
// pairs. A field's match weight at a level is log2(m/u) bits; the missing
// level weighs 0.
//
// Dedupe and Link learn m by EM among the candidate pairs, but score with u
// from random record pairs and with λ the share of all record pairs that
// match (see overAllPairs): among candidates, which blocking chose because
// their names, or their addresses, or their e-mails agree, non-matches agree
// on each of these often, and on two of them seldom, so u learnt there
// would make a pair agreeing on a name and an address look weaker than
// either agreement alone says. The u and λ among candidates are kept too
// (FieldParams.CandidateU, CandidateLambda): the chaining guards judge with
// them whether two records of a would-be cluster look alike.
type Model struct {
	Lambda     float64       // prior probability that a pair of records matches
	Fields     []FieldParams // one per field, in the Matcher's field order
	Iterations int           // EM iterations run
	Converged  bool          // EM stopped because the parameters stopped changing
	// CandidateLambda is the share of matches among the candidate pairs;
	// 0 when the model was not estimated from candidates (then Lambda is
	// used in its place).
	CandidateLambda float64 `json:",omitempty"`
}

// FieldParams are the estimated parameters of one field.
type FieldParams struct {
	Name   string
	Kind   Kind
	Levels []string  // level names, index = level
	M, U   []float64 // per level; index 0 (missing) is unused
	// CandidateU is u among the candidate pairs, per level (nil: U), for
	// the chaining guards (see Model).
	CandidateU []float64 `json:",omitempty"`
	// RandomExact is the share of random record pairs whose values agree
	// exactly; the term-frequency adjustment compares a value's frequency
	// with it. 0 turns the adjustment off for the field.
	RandomExact float64
	// Frequent gives, for a name or company field, the share of the
	// field's non-missing values held by each of its most frequent keys (at
	// most maxFrequent keys, each held by at least two records), as Dedupe
	// and Link counted them in a field with at least minFrequentRecords
	// values (fewer say little about how common a name is). A Scorer, which sees one record at a time,
	// makes the term-frequency adjustment from it (a key not listed is not
	// adjusted), and a pair that agrees on nothing but a family name this
	// common (commonShare) is held for review (LimitCommonName). Nil: no
	// table.
	Frequent map[string]float64 `json:",omitempty"`
}

// maxFrequent is the number of keys Model.Frequent keeps per field;
// commonShare is the share of records above which a family name is common
// (佐藤 and 田中 hold about 1.5% and 1.1% of Japan's people).
const (
	maxFrequent        = 500
	commonShare        = 0.005
	minFrequentRecords = 2000
)

// frequentKinds are the kinds whose most frequent keys a Model keeps.
func frequentKind(k Kind) bool {
	switch k {
	case KindGivenName, KindFamilyName, KindPersonName, KindNameKana, KindCompany:
		return true
	}
	return false
}

// setFrequent fills model's Frequent tables from the counts of d.
func (d *dataset) setFrequent(model *Model) {
	for f := range model.Fields {
		if f < len(d.frequent) && d.frequent[f] != nil {
			model.Fields[f].Frequent = d.frequent[f]
		}
	}
}

// mostFrequent returns the shares of the keys of counts held by at least
// two of n values, at most maxFrequent of them, the most frequent first
// (ties by key); nil when there are none.
func mostFrequent(counts map[string]int32, n int) map[string]float64 {
	type kc struct {
		k string
		c int32
	}
	var top []kc
	for k, c := range counts {
		if c >= 2 {
			top = append(top, kc{k, c})
		}
	}
	if len(top) == 0 {
		return nil
	}
	slices.SortFunc(top, func(a, b kc) int {
		if a.c != b.c {
			return cmp.Compare(b.c, a.c)
		}
		return cmp.Compare(a.k, b.k)
	})
	fr := make(map[string]float64, min(len(top), maxFrequent))
	for _, x := range top[:min(len(top), maxFrequent)] {
		fr[x.k] = float64(x.c) / float64(n)
	}
	return fr
}

// overAllPairs turns a model estimated among candidate pairs into one over
// all record pairs: u becomes randomU (from random pairs and value
// frequencies, see estimateU), and λ the expected matches among the
// candidates over all pairs of records; the candidate u and λ are kept in
// CandidateU and CandidateLambda.
func (m *Model) overAllPairs(randomU [][]float64, candidates, allPairs float64) {
	m.CandidateLambda = m.Lambda
	for f := range m.Fields {
		p := &m.Fields[f]
		if f >= len(randomU) || len(randomU[f]) != len(p.U) {
			continue
		}
		p.CandidateU = p.U
		p.U = slices.Clone(randomU[f])
	}
	if allPairs > 0 && candidates > 0 {
		m.Lambda = math.Min(m.Lambda*candidates/allPairs, m.Lambda)
	}
}

// withoutMatches takes the expected matching pairs out of the exact level
// of the random-pair u: value frequencies count every pair of records that
// share a value, and most such pairs of an e-mail address or a birth date
// are the same person's duplicates, not two people agreeing by chance.
// matches is the expected number of matching pairs among all pairs
// (allPairs); a field's matching pairs with both values present are taken
// in proportion to its pairs of present values, and agree exactly with
// probability m. The other levels take up the difference.
func (d *dataset) withoutMatches(m *Model, randomU [][]float64, matches, allPairs float64) {
	if matches <= 0 || allPairs <= matches {
		return
	}
	for f := range m.Fields {
		p := m.Fields[f]
		u := randomU[f]
		if len(u) < 3 || len(p.M) != len(u) || f >= len(d.nonMis) {
			continue
		}
		nm := float64(d.nonMis[f])
		present := nm * (nm - 1) / 2
		if d.nLeft > 0 || present < 2 {
			continue
		}
		mf := matches * present / allPairs
		agree := u[1] * present
		ue := math.Max(agree-p.M[1]*mf, 1) / (present - mf)
		if ue >= u[1] {
			continue
		}
		rest := 1 - u[1]
		u[1] = ue
		if rest > 0 {
			for l := 2; l < len(u); l++ {
				u[l] *= (1 - ue) / rest
			}
		}
	}
}

// guardModel returns the model the chaining guards judge with: u and λ
// among candidates when the model keeps them, else m itself.
func (m *Model) guardModel() *Model {
	if m.CandidateLambda == 0 {
		return m
	}
	g := *m
	g.Lambda = m.CandidateLambda
	g.Fields = slices.Clone(m.Fields)
	for f := range g.Fields {
		if g.Fields[f].CandidateU != nil {
			g.Fields[f].U = g.Fields[f].CandidateU
		}
	}
	return &g
}

// Weight returns the match weight in bits of field f at the given level
// (without term-frequency adjustment): log2(m/u), or 0 for the missing level.
func (m *Model) Weight(f, level int) float64 {
	if level == 0 || f < 0 || f >= len(m.Fields) || level >= len(m.Fields[f].M) {
		return 0
	}
	p := m.Fields[f]
	return clampW(math.Log2(p.M[level] / p.U[level]))
}

func clampW(w float64) float64 { return math.Max(-24, math.Min(24, w)) }

// priorWeight is log2(λ/(1-λ)).
func (m *Model) priorWeight() float64 {
	l := math.Min(math.Max(m.Lambda, 1e-12), 1-1e-12)
	return math.Log2(l / (1 - l))
}

// probability turns a total match weight into a probability.
func probability(w float64) float64 { return 1 / (1 + math.Exp2(-w)) }

const maxFields = 16 // levels are packed 4 bits per field in a uint64

func level(g uint64, f int) int { return int(g >> (4 * uint(f)) & 0xF) }

// initialModel returns starting parameters: m favouring agreement, u flat.
func initialModel(fields []Field) *Model {
	m := &Model{Lambda: 0.1}
	for _, fd := range fields {
		ln := levelNames[fd.Kind]
		p := FieldParams{Name: fd.Name, Kind: fd.Kind, Levels: append([]string(nil), ln...), M: make([]float64, len(ln)), U: make([]float64, len(ln))}
		L := len(ln) - 1 // non-missing levels
		for l := 1; l < len(ln); l++ {
			p.U[l] = 1 / float64(L)
			switch {
			case l == 1:
				p.M[l] = 0.7
			case l == len(ln)-1:
				p.M[l] = 0.05
			default:
				p.M[l] = 0.25 / float64(max(1, L-2))
			}
		}
		normalise(p.M)
		m.Fields = append(m.Fields, p)
	}
	return m
}

func normalise(p []float64) {
	s := 0.0
	for _, x := range p[1:] {
		s += x
	}
	if s == 0 {
		return
	}
	for i := 1; i < len(p); i++ {
		p[i] /= s
	}
}

// uPriorPairs is the weight, in record pairs, of the prior u estimates
// (uPrior) against the pairs actually compared: negligible against the
// 300,000 random pairs of a large input, decisive for a file of a few
// records, where random pairs say nothing about how often non-matches agree
// (two identical records are the only pair of a two-record file).
const uPriorPairs = 1000

// uPrior returns typical u probabilities for the levels of kind k: how
// often two different people's values agree exactly (index 1) or partly.
func uPrior(k Kind) []float64 {
	exact := 0.01 // given and family names, kana, numbers
	switch k {
	case KindEmail, KindPhone, KindID:
		exact = 1e-4
	case KindPersonName, KindCompany, KindAddress, KindStreet, KindText, KindDate:
		exact = 1e-3
	case KindPostalCode:
		exact = 5e-3
	case KindLocality:
		exact = 0.02
	case KindRegion, KindExact:
		exact = 0.1
	}
	n := len(levelNames[k])
	u := make([]float64, n)
	if n < 3 {
		return u
	}
	u[1] = exact
	partial := 0.0
	for l := 2; l < n-1; l++ {
		u[l] = 0.01
		partial += u[l]
	}
	u[n-1] = 1 - exact - partial
	return u
}

// estimateU sets u from record pairs — every pair when there are no more
// than the sample size, else random pairs — with the prior uPrior weighing
// uPriorPairs pairs; the exact level is taken from value frequencies
// instead, which is precise for rare values, smoothed the same way.
func (d *dataset) estimateU(ctx context.Context, m *Model, o *options) error {
	nf := d.nf
	counts := make([][]float64, nf)
	for f := range counts {
		counts[f] = make([]float64, len(m.Fields[f].M))
	}
	rng := splitmix(o.seed)
	n := d.n()
	if n < 2 {
		for f := range m.Fields {
			p := m.Fields[f]
			for l := 1; l < len(p.U); l++ {
				p.U[l] = 1 / float64(len(p.U)-1)
			}
		}
		return nil
	}
	count := func(i, j int) {
		a, b := d.vals[i*nf:(i+1)*nf], d.vals[j*nf:(j+1)*nf]
		for f := range nf {
			counts[f][compare(d.kinds[f], &a[f], &b[f])]++
		}
	}
	all := float64(n) * float64(n-1) / 2 // distinct pairs
	if d.nLeft > 0 {
		all = float64(d.nLeft) * float64(n-d.nLeft)
	}
	if all <= float64(o.uSample) {
		// Few records: every pair once, instead of the same pairs many times.
		k := 0
		for i := range n {
			if k++; k&0xFF == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			lo := i + 1
			if d.nLeft > 0 {
				if i >= d.nLeft {
					break
				}
				lo = d.nLeft
			}
			for j := lo; j < n; j++ {
				count(i, j)
			}
		}
	} else {
		for s := range o.uSample {
			if s&0xFFFF == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			var i, j int
			if d.nLeft > 0 {
				i = int(rng.next() % uint64(d.nLeft))
				j = d.nLeft + int(rng.next()%uint64(n-d.nLeft))
			} else {
				i = int(rng.next() % uint64(n))
				j = int(rng.next() % uint64(n-1))
				if j >= i {
					j++
				}
			}
			count(i, j)
		}
	}
	for f := range m.Fields {
		p := &m.Fields[f]
		L := len(p.U) - 1
		tot := 0.0
		for l := 1; l <= L; l++ {
			tot += counts[f][l]
		}
		if L < 1 {
			continue // an ignored field has no levels to estimate
		}
		prior := uPrior(p.Kind)
		if len(prior) != len(p.U) { // a model built for other levels
			prior = make([]float64, len(p.U))
			for l := 1; l <= L; l++ {
				prior[l] = 1 / float64(L)
			}
		}
		for l := 1; l <= L; l++ {
			p.U[l] = (counts[f][l] + uPriorPairs*prior[l]) / (tot + uPriorPairs)
		}
		if nm := float64(d.nonMis[f]); nm > 1 {
			// the exact level from value frequencies, over the pairs of
			// non-missing values, smoothed towards the prior
			pairs := nm * (nm - 1) / 2
			ue := (d.exactU[f]*pairs + uPriorPairs*prior[1]) / (pairs + uPriorPairs)
			rest := 1 - p.U[1]
			p.U[1] = ue
			if rest > 0 {
				for l := 2; l <= L; l++ {
					p.U[l] *= (1 - ue) / rest
				}
			}
		}
		// The term-frequency adjustment compares a value's frequency with
		// the exact-agreement share of the same data, unsmoothed: both then
		// rest on the same records (in a two-record file, a value both
		// share is as frequent as agreement itself, and adjusts nothing).
		p.RandomExact = d.exactU[f]
		for l := 1; l <= L; l++ {
			p.U[l] = math.Max(p.U[l], 1e-9)
		}
	}
	return nil
}

// em estimates m and λ from the counts of comparison patterns among the
// candidate pairs, with u held fixed.
func em(ctx context.Context, m *Model, patterns map[uint64]float64, maxIter int, freeU bool, veto func(uint64) bool) error {
	return emFit(ctx, m, patterns, maxIter, true, freeU, veto)
}

// λ is pulled towards lambdaPrior with the weight of lambdaPriorPairs
// candidate pairs: nothing against thousands of candidates, but a file with
// a single candidate pair would otherwise make λ 1, and any pair a match.
const (
	lambdaPrior      = 0.1
	lambdaPriorPairs = 10
)

// emFit runs EM updating λ and, as asked, m and u.
func emFit(ctx context.Context, m *Model, patterns map[uint64]float64, maxIter int, freeM, freeU bool, veto func(uint64) bool) error {
	type pat struct {
		g uint64
		c float64
	}
	ps := make([]pat, 0, len(patterns))
	total := 0.0
	for g, c := range patterns {
		ps = append(ps, pat{g, c})
	}
	// In a fixed order, so that sums, and results, are the same each run.
	slices.SortFunc(ps, func(a, b pat) int { return cmp.Compare(a.g, b.g) })
	for _, p := range ps {
		total += p.c
	}
	if total == 0 {
		return nil
	}
	nf := len(m.Fields)
	// Priors keep small inputs sane: u is pulled towards its random-pair
	// estimate with the weight of uPrior pairs, m towards its starting
	// values with mPrior pairs; both vanish against large candidate sets.
	const uPrior, mPrior = 1000.0, 20.0
	u0 := make([][]float64, nf)
	m0 := make([][]float64, nf)
	for f, p := range m.Fields {
		u0[f] = append([]float64(nil), p.U...)
		m0[f] = append([]float64(nil), p.M...)
	}
	acc := make([][]float64, nf)
	accU := make([][]float64, nf)
	for f := range acc {
		acc[f] = make([]float64, len(m.Fields[f].M))
		accU[f] = make([]float64, len(m.Fields[f].M))
	}
	for it := 1; it <= maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		for f := range acc {
			clear(acc[f])
			clear(accU[f])
		}
		lm, lu := math.Log(m.Lambda), math.Log(1-m.Lambda)
		logM := make([][]float64, nf)
		logU := make([][]float64, nf)
		for f, p := range m.Fields {
			logM[f] = make([]float64, len(p.M))
			logU[f] = make([]float64, len(p.M))
			for l := 1; l < len(p.M); l++ {
				logM[f][l] = math.Log(p.M[l])
				logU[f][l] = math.Log(p.U[l])
			}
		}
		sumW := 0.0
		for _, p := range ps {
			a, b := lm, lu
			for f := range nf {
				l := level(p.g, f)
				a += logM[f][l]
				b += logU[f][l]
			}
			w := 1 / (1 + math.Exp(b-a))
			if veto != nil && veto(p.g) {
				w = 0
			}
			cw := w * p.c
			sumW += cw
			for f := range nf {
				l := level(p.g, f)
				acc[f][l] += cw
				accU[f][l] += p.c - cw
			}
		}
		delta := 0.0
		for f := range m.Fields {
			p := &m.Fields[f]
			tot := 0.0
			for l := 1; l < len(p.M); l++ {
				tot += acc[f][l]
			}
			if tot <= 0 {
				continue
			}
			for l := 1; freeM && l < len(p.M); l++ {
				v := math.Max((acc[f][l]+mPrior*m0[f][l])/(tot+mPrior), 1e-9)
				delta = math.Max(delta, math.Abs(v-p.M[l]))
				p.M[l] = v
			}
			if freeU {
				tu := 0.0
				for l := 1; l < len(p.U); l++ {
					tu += accU[f][l]
				}
				for l := 1; l < len(p.U); l++ {
					v := math.Max((accU[f][l]+uPrior*u0[f][l])/(tu+uPrior), 1e-9)
					delta = math.Max(delta, math.Abs(v-p.U[l]))
					p.U[l] = v
				}
			}
		}
		nl := math.Min(math.Max((sumW+lambdaPrior*lambdaPriorPairs)/(total+lambdaPriorPairs), 1e-9), 1-1e-9)
		delta = math.Max(delta, math.Abs(nl-m.Lambda))
		m.Lambda = nl
		m.Iterations = it
		if delta < 1e-6 {
			m.Converged = true
			return nil
		}
	}
	return nil
}

// splitmix is a small deterministic random source (SplitMix64).
type splitmixState struct{ s uint64 }

func splitmix(seed uint64) *splitmixState { return &splitmixState{s: seed} }

func (r *splitmixState) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}
