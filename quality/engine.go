package quality

import (
	"context"
	"fmt"
	"iter"
	"math"
	"math/bits"
	"runtime"
	"sync"
	"time"

	"github.com/c360/c360/quality/match"
	"github.com/hashicorp/go-multierror"
)

// DefaultDimensionWeights returns the dimension weights of the record score
// when Config.DimensionWeights is nil: completeness 3, validity 3,
// uniqueness 2, consistency 2, timeliness 1, accuracy 2.
func DefaultDimensionWeights() map[Dimension]float64 {
	return map[Dimension]float64{Completeness: 3, Validity: 3, Uniqueness: 2, Consistency: 2, Timeliness: 1, Accuracy: 2}
}

// Config configures an Engine. A zero Config assesses nothing useful: set
// Fields (for DefaultRules) or Rules.
type Config struct {
	// Fields declares the fields, their kinds and weights. When Rules is
	// nil, the rules are DefaultRules(Fields).
	Fields []Field
	// Rules are the rules to run, in report order; nil means
	// DefaultRules(Fields). Names must be unique.
	Rules []Rule
	// FieldWeights overrides Field.Weight by field name (0 or absent: the
	// Field's weight, else 1). A rule about the whole record weighs 1.
	FieldWeights map[string]float64
	// DimensionWeights weighs the dimensions in the record score; nil means
	// DefaultDimensionWeights. A dimension of weight 0 is reported but does
	// not count in the score.
	DimensionWeights map[Dimension]float64
	// Threshold decides each rule's status; the zero value is
	// DefaultThreshold (pass ≥ 95%, warn ≥ 80%). Thresholds overrides it
	// by rule name.
	Threshold  Threshold
	Thresholds map[string]Threshold
	// Now is the reference time of timeliness and plausibility rules; the
	// zero value skips them. There is no hidden clock.
	Now time.Time
	// Location is the time zone of time stamps written without one; nil
	// means UTC.
	Location *time.Location
	// Missing decides what counts as missing; nil means NewMissing(nil).
	Missing *Missing
	// Samples is how many failing values each rule keeps (the first ones in
	// input order); 0 means 5, a negative number none.
	Samples int
	// SliceBy names fields whose values slice the report (source system,
	// prefecture, owner): a score per distinct value.
	SliceBy []string
	// Duplicates, if set, finds likely duplicates (see MatchFinder): the rule
	// "uniqueness:likely_duplicate" fails every record of a cluster but its
	// first, and the report gains the identity-graph health.
	Duplicates DuplicateFinder
	// MaxClusterSize is the size above which a cluster of Duplicates counts
	// as oversized in IdentityHealth; 0 means 10.
	MaxClusterSize int
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// Progress, if set, is called with the number of records checked so
	// far and the total, from one goroutine at a time.
	Progress func(done, total int)
}

// Engine runs rules over records and scores them. It holds only
// configuration and is safe for concurrent use.
type Engine struct {
	cfg      Config
	rules    []Rule
	keyed    []int // indexes of Keyed rules (and the likely-duplicate rule)
	weights  []float64
	dimW     [numDimensions]float64
	reasons  []string
	env      Env
	samples  int
	thresh   []Threshold
	fields   []string // report fields in order
	likelyIx int      // index of the likely-duplicate rule, or -1
}

const likelyDuplicateRule = "uniqueness:likely_duplicate"

// New returns an Engine for cfg. It fails with ErrConfig (every problem at
// once, as a go-multierror) when rules are missing, nil or duplicated, or a
// weight is negative.
func New(cfg Config) (*Engine, error) {
	e := &Engine{cfg: cfg, likelyIx: -1}
	e.rules = cfg.Rules
	if e.rules == nil {
		e.rules = DefaultRules(cfg.Fields)
	}
	if cfg.Duplicates != nil {
		e.rules = append(e.rules[:len(e.rules):len(e.rules)], NewRule(likelyDuplicateRule, Uniqueness, "", func(*Env, Record) Outcome { return skip }))
		e.likelyIx = len(e.rules) - 1
	}
	var errs *multierror.Error
	if len(e.rules) == 0 {
		errs = multierror.Append(errs, fmt.Errorf("%w: no rules (set Fields or Rules)", ErrConfig))
	}
	fw := map[string]float64{}
	seenField := map[string]bool{}
	for _, f := range cfg.Fields {
		if !validWeight(f.Weight) {
			errs = multierror.Append(errs, fmt.Errorf("%w: field %q: weight %v (want a finite number ≥ 0)", ErrConfig, f.Name, f.Weight))
		}
		if f.Weight > 0 {
			fw[f.Name] = f.Weight
		}
		if f.Kind != match.KindIgnore && !seenField[f.Name] {
			seenField[f.Name] = true
			e.fields = append(e.fields, f.Name)
		}
	}
	for n, w := range cfg.FieldWeights {
		if !validWeight(w) {
			errs = multierror.Append(errs, fmt.Errorf("%w: field %q: weight %v (want a finite number ≥ 0)", ErrConfig, n, w))
		}
		if w > 0 {
			fw[n] = w
		}
	}
	if cfg.DimensionWeights == nil {
		cfg.DimensionWeights = DefaultDimensionWeights()
	}
	for d, w := range cfg.DimensionWeights {
		if d < 0 || d >= numDimensions || !validWeight(w) {
			errs = multierror.Append(errs, fmt.Errorf("%w: dimension %v: bad weight %v", ErrConfig, d, w))
			continue
		}
		e.dimW[d] = w
	}
	names := map[string]bool{}
	for i, r := range e.rules {
		if r == nil {
			errs = multierror.Append(errs, fmt.Errorf("%w: rule %d is nil", ErrConfig, i))
			e.weights = append(e.weights, 0)
			e.reasons = append(e.reasons, "")
			e.thresh = append(e.thresh, cfg.Threshold)
			continue
		}
		n := r.Name()
		if names[n] {
			errs = multierror.Append(errs, fmt.Errorf("%w: rule name %q used twice", ErrConfig, n))
		}
		names[n] = true
		if d := r.Dimension(); d < 0 || d >= numDimensions {
			errs = multierror.Append(errs, fmt.Errorf("%w: rule %q: unknown dimension %d", ErrConfig, n, int(d)))
		}
		w := 1.0
		if f := r.Field(); f != "" {
			if x, ok := fw[f]; ok {
				w = x
			}
			if !seenField[f] {
				seenField[f] = true
				e.fields = append(e.fields, f)
			}
		}
		e.weights = append(e.weights, w)
		if _, ok := r.(Keyed); ok || i == e.likelyIx {
			e.keyed = append(e.keyed, i)
		}
		reason := n
		if f := r.Field(); f != "" && r.Dimension() >= 0 && r.Dimension() < numDimensions {
			reason = reasonPrefix[r.Dimension()] + ":" + f
		}
		if rs, ok := r.(Reasoner); ok {
			reason = rs.Reason()
		}
		e.reasons = append(e.reasons, reason)
		t := cfg.Threshold
		if x, ok := cfg.Thresholds[n]; ok {
			t = x
		}
		e.thresh = append(e.thresh, t)
	}
	for n := range cfg.Thresholds {
		if !names[n] {
			errs = multierror.Append(errs, fmt.Errorf("%w: threshold for unknown rule %q", ErrConfig, n))
		}
	}
	if err := errs.ErrorOrNil(); err != nil {
		return nil, err
	}
	e.samples = cfg.Samples
	if e.samples == 0 {
		e.samples = 5
	}
	e.env = Env{Now: cfg.Now, Missing: cfg.Missing, Location: cfg.Location}
	if e.env.Missing == nil {
		e.env.Missing = defaultMissing
	}
	return e, nil
}

func validWeight(w float64) bool { return w >= 0 && !math.IsInf(w, 0) }

// Rules returns the engine's rules in report order.
func (e *Engine) Rules() []Rule { return append([]Rule(nil), e.rules...) }

// Assessment is the result of Engine.Assess: the dataset Report and the
// score and reasons of every record.
type Assessment struct {
	Report *Report
	e      *Engine
	ids    []string
	words  int
	passed []uint64 // words per record
	failed []uint64
	scores []float64
}

// RecordResult is the quality of one record.
type RecordResult struct {
	RecordID string
	Score    float64  // 0–100, see the package documentation
	Reasons  []string // "missing:phone", "invalid:postal_code", … in rule order, without repeats
}

// Len returns the number of records assessed.
func (a *Assessment) Len() int { return len(a.ids) }

// Record returns the result of the i-th record (in input order).
func (a *Assessment) Record(i int) RecordResult {
	rr := RecordResult{RecordID: a.ids[i], Score: a.scores[i]}
	f := a.failed[i*a.words : (i+1)*a.words]
	for w, bitsw := range f {
		for bitsw != 0 {
			b := bits.TrailingZeros64(bitsw)
			bitsw &^= 1 << b
			reason := a.e.reasons[w*64+b]
			dup := false
			for _, x := range rr.Reasons {
				if x == reason {
					dup = true
					break
				}
			}
			if !dup {
				rr.Reasons = append(rr.Reasons, reason)
			}
		}
	}
	return rr
}

// All yields the result of every record in input order. The sequence
// may be iterated more than once.
func (a *Assessment) All() iter.Seq2[int, RecordResult] {
	return func(yield func(int, RecordResult) bool) {
		for i := range a.ids {
			if !yield(i, a.Record(i)) {
				return
			}
		}
	}
}

// Verdict returns the verdict of rule r (by index in Engine.Rules) on
// record i.
func (a *Assessment) Verdict(i, r int) Verdict {
	w, b := i*a.words+r/64, uint(r%64)
	switch {
	case a.failed[w]>>b&1 == 1:
		return Fail
	case a.passed[w]>>b&1 == 1:
		return Pass
	}
	return Skip
}

type sample struct {
	idx   int
	value string
}

// chunk is the unit of parallel work.
const chunkSize = 4096

// Assess checks every record against every rule and returns the per-record
// results and the dataset report. It takes a slice, not a stream, because
// uniqueness compares every record with every other and the score of a
// record depends on it; the results stream out of Assessment.All. It honours ctx between chunks of records
// and reports progress through Config.Progress. Records must have distinct,
// non-empty IDs: otherwise it fails with ErrRecord naming each offender
// (up to 100), before any rule runs.
func (e *Engine) Assess(ctx context.Context, recs []Record) (*Assessment, error) {
	n := len(recs)
	a := &Assessment{e: e, ids: make([]string, n), words: (len(e.rules) + 63) / 64}
	// Record IDs are checked on their own goroutine while the rules run;
	// the rules' results are discarded when an ID is bad.
	idErr := make(chan error, 1)
	go func() { idErr <- checkIDs(recs, a.ids) }()
	a.passed = make([]uint64, n*a.words)
	a.failed = make([]uint64, n*a.words)
	a.scores = make([]float64, n)
	nr := len(e.rules)
	isKeyed := make([]bool, nr)
	for _, k := range e.keyed {
		isKeyed[k] = true
	}
	keys := make([][]ruleKey, nr)
	for _, k := range e.keyed {
		if k != e.likelyIx {
			keys[k] = make([]ruleKey, n)
		}
	}
	workers := e.cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	nChunks := (n + chunkSize - 1) / chunkSize
	chunkSamples := make([][][]sample, nChunks) // chunk → rule → samples

	// Pass 1: every rule but the keyed ones; keys of the keyed ones.
	var mu sync.Mutex
	done := 0
	err := parallel(ctx, workers, nChunks, func(c int) {
		lo, hi := c*chunkSize, min(n, (c+1)*chunkSize)
		smp := make([][]sample, nr)
		env := e.env
		for i := lo; i < hi; i++ {
			r := recs[i]
			if r == nil { // reported by checkIDs
				continue
			}
			base := i * a.words
			for ri, rule := range e.rules {
				w, b := base+ri/64, uint64(1)<<(ri%64)
				if isKeyed[ri] {
					if keys[ri] != nil {
						ex, no, ok := rule.(Keyed).Key(&env, r)
						if ok {
							keys[ri][i] = ruleKey{ex, no, true}
							a.passed[w] |= b
						}
					}
					continue
				}
				o := rule.Check(&env, r)
				switch o.Verdict {
				case Pass:
					a.passed[w] |= b
				case Fail:
					a.failed[w] |= b
					if len(smp[ri]) < e.samples {
						smp[ri] = append(smp[ri], sample{i, o.Value})
					}
				}
			}
		}
		chunkSamples[c] = smp
		if e.cfg.Progress != nil {
			mu.Lock()
			done += hi - lo
			e.cfg.Progress(done, n)
			mu.Unlock()
		}
	})
	if ierr := <-idErr; ierr != nil {
		return nil, ierr
	}
	if err != nil {
		return nil, err
	}
	samples := make([][]sample, nr)
	for _, smp := range chunkSamples {
		for ri, s := range smp {
			if room := e.samples - len(samples[ri]); room > 0 {
				samples[ri] = append(samples[ri], s[:min(room, len(s))]...)
			}
		}
	}

	// Pass 2: uniqueness, in input order.
	exactDups := make([]int64, nr)
	for _, ri := range e.keyed {
		if ri == e.likelyIx {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		exactDone := make(chan int64, 1)
		go func(ks []ruleKey) {
			var dups int64
			firstExact := make(map[string]struct{}, n/2)
			for _, k := range ks {
				if !k.ok {
					continue
				}
				if _, dup := firstExact[k.exact]; dup {
					dups++
				} else {
					firstExact[k.exact] = struct{}{}
				}
			}
			exactDone <- dups
		}(keys[ri])
		firstNorm := make(map[string]struct{}, n/2)
		for i := range n {
			k := keys[ri][i]
			if !k.ok {
				continue
			}
			if _, dup := firstNorm[k.norm]; dup {
				w, b := i*a.words+ri/64, uint64(1)<<(ri%64)
				a.passed[w] &^= b
				a.failed[w] |= b
				if len(samples[ri]) < e.samples {
					samples[ri] = append(samples[ri], sample{i, k.exact})
				}
			} else {
				firstNorm[k.norm] = struct{}{}
			}
		}
		exactDups[ri] = <-exactDone
		keys[ri] = nil
	}
	var health *IdentityHealth
	if e.likelyIx >= 0 {
		clusters, err := e.cfg.Duplicates.Clusters(ctx, recs)
		if err != nil {
			return nil, fmt.Errorf("quality: likely duplicates: %w", err)
		}
		health = newIdentityHealth(n, clusters, e.cfg.MaxClusterSize)
		ri := e.likelyIx
		in := make([]bool, n)
		for _, c := range clusters {
			first := -1
			for _, i := range c {
				if i < 0 || i >= n || in[i] {
					return nil, fmt.Errorf("%w: DuplicateFinder returned record %d twice or out of range", ErrConfig, i)
				}
				in[i] = true
				if first < 0 || i < first {
					first = i
				}
			}
			for _, i := range c {
				w, b := i*a.words+ri/64, uint64(1)<<(ri%64)
				if i == first {
					a.passed[w] |= b
					continue
				}
				a.failed[w] |= b
			}
		}
		for i := range n {
			if !in[i] {
				a.passed[i*a.words+ri/64] |= 1 << (ri % 64)
			}
		}
		for i := 0; i < n && len(samples[ri]) < e.samples; i++ {
			if a.Verdict(i, ri) == Fail {
				samples[ri] = append(samples[ri], sample{i, ""})
			}
		}
	}

	// Pass 3: scores and the report.
	acc := make([]*accum, nChunks)
	err = parallel(ctx, workers, nChunks, func(c int) {
		lo, hi := c*chunkSize, min(n, (c+1)*chunkSize)
		ac := e.newAccum()
		for i := lo; i < hi; i++ {
			ac.add(a, recs[i], i)
		}
		acc[c] = ac
	})
	if err != nil {
		return nil, err
	}
	total := e.newAccum()
	for _, ac := range acc {
		total.merge(ac)
	}
	a.Report = e.report(total, samples, exactDups, a.ids, health)
	return a, nil
}

// checkIDs fills ids and checks that they are distinct and not empty,
// returning every problem (up to 100) wrapping ErrRecord.
func checkIDs(recs []Record, ids []string) error {
	var errs *multierror.Error
	seen := make(map[string]int, len(recs))
	for i, r := range recs {
		id := ""
		if r != nil {
			id = r.RecordID()
		}
		ids[i] = id
		if errs != nil && len(errs.Errors) >= 100 {
			continue
		}
		switch {
		case r == nil:
			errs = multierror.Append(errs, recordError(i, "", "", fmt.Errorf("%w: nil record", ErrRecord)))
		case id == "":
			errs = multierror.Append(errs, recordError(i, "", "", fmt.Errorf("%w: empty record ID", ErrRecord)))
		default:
			if j, dup := seen[id]; dup {
				errs = multierror.Append(errs, recordError(i, id, "", fmt.Errorf("%w: record ID also used by record %d", ErrRecord, j)))
			}
			seen[id] = i
		}
	}
	return errs.ErrorOrNil()
}

type ruleKey struct {
	exact, norm string
	ok          bool
}

// parallel runs f(0..n-1) on workers goroutines, checking ctx before each.
func parallel(ctx context.Context, workers, n int, f func(int)) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	var ctxErr error
	for range min(workers, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if ctxErr == nil {
					ctxErr = ctx.Err()
				}
				if next >= n || ctxErr != nil {
					mu.Unlock()
					return
				}
				c := next
				next++
				mu.Unlock()
				f(c)
			}
		}()
	}
	wg.Wait()
	if ctxErr == nil {
		ctxErr = ctx.Err()
	}
	return ctxErr
}

// score computes the record score and per-dimension scores of record i;
// dimOK[d] tells whether dimension d had an applicable rule.
func (e *Engine) score(a *Assessment, i int, dim *[numDimensions]float64, dimOK *[numDimensions]bool) float64 {
	var num, den [numDimensions]float64
	base := i * a.words
	for ri, rule := range e.rules {
		w, b := base+ri/64, uint64(1)<<(ri%64)
		p, f := a.passed[w]&b != 0, a.failed[w]&b != 0
		if !p && !f {
			continue
		}
		d := rule.Dimension()
		den[d] += e.weights[ri]
		if p {
			num[d] += e.weights[ri]
		}
	}
	var sn, sd float64
	for d := range numDimensions {
		dimOK[d] = den[d] > 0
		if !dimOK[d] {
			continue
		}
		dim[d] = 100 * num[d] / den[d]
		sn += e.dimW[d] * dim[d]
		sd += e.dimW[d]
	}
	if sd == 0 {
		return 100
	}
	return sn / sd
}
