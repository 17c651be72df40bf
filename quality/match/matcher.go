package match

import (
	"cmp"
	"context"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/go-multierror"
)

// Field declares one field of the records: its name and kind. In JSON it
// is {"column": NAME, "kind": KIND}: in a table, the field's name is its
// column header.
type Field struct {
	Name string `json:"column"`
	Kind Kind   `json:"kind"`
}

// Record is one input record: an ID unique within its dataset and one raw
// value per field of the Matcher, in field order. Blank values are missing.
type Record struct {
	ID     string
	Values []string
}

// Matcher resolves identities among records with a fixed set of fields. It
// holds only configuration, so one Matcher is safe for concurrent use by
// several goroutines.
type Matcher struct {
	declared []Field // the fields as given
	fields   []Field // the fields with the kinds they are compared as
	kinds    []Kind
	o        options
	guards   []int
	rules    []compiledRule
	// identity lists the fields that tell people apart (given name, date,
	// identifier); a pair disagreeing on two of them is never a match.
	identity     []int
	givens       []int       // given-name fields
	givenReading map[int]int // given-name field -> kana field reading it (-1: none)
	strongIDs    []int       // identifier fields: exact agreement lifts the veto
}

// New returns a Matcher configured by cfg. It fails, listing every problem,
// when the configuration does not validate (see Config.Validate).
func New(cfg Config) (*Matcher, error) {
	o := cfg.resolve()
	fields := cfg.Fields
	errs := cfg.checkSettings()
	m := &Matcher{declared: slices.Clone(fields), o: o}
	seen := map[string]bool{}
	used := 0
	for _, f := range fields {
		if f.Kind < 0 || f.Kind >= numKinds {
			errs = multierror.Append(errs, &FieldError{Field: f.Name, Err: fmt.Errorf("%w: %d", ErrUnknownKind, int(f.Kind))})
			continue
		}
		if seen[f.Name] {
			errs = multierror.Append(errs, &FieldError{Field: f.Name, Err: configError("field declared twice")})
		}
		seen[f.Name] = true
		k := f.Kind.matchAs()
		if k != KindIgnore {
			used++
		}
		m.fields = append(m.fields, Field{Name: f.Name, Kind: k})
		m.kinds = append(m.kinds, k)
	}
	if used == 0 {
		errs = multierror.Append(errs, configError("no field to compare"))
	}
	if len(fields) > maxFields {
		errs = multierror.Append(errs, configError(fmt.Sprintf("%d fields, at most %d", len(fields), maxFields)))
	}
	if o.workers < 1 {
		m.o.workers = 1
	}
	if o.window < 1 {
		m.o.window = 1
	}
	if o.guardsSet {
		for _, g := range o.guards {
			i := m.fieldIndex(g)
			if i < 0 {
				errs = multierror.Append(errs, &FieldError{Field: g, Err: configError("guard names a field the matcher does not have")})
				continue
			}
			m.guards = append(m.guards, i)
		}
	} else {
		for i, k := range m.kinds {
			if k == KindID || k == KindDate {
				m.guards = append(m.guards, i)
			}
		}
	}
	hasGiven := false
	for _, k := range m.kinds {
		hasGiven = hasGiven || k == KindGivenName
	}
	for i, k := range m.kinds {
		if k == KindGivenName || k == KindDate || k == KindPersonName && !hasGiven {
			m.identity = append(m.identity, i)
		}
		if k == KindID {
			m.strongIDs = append(m.strongIDs, i)
		}
	}
	m.givenReading = map[int]int{}
	rd := readings(m.kinds)
	for i, k := range m.kinds {
		if k == KindGivenName {
			m.givens = append(m.givens, i)
			m.givenReading[i] = -1
		}
	}
	for k, w := range rd {
		if w >= 0 && m.kinds[w] == KindGivenName {
			m.givenReading[w] = k
		}
	}
	for _, r := range o.rules {
		cr, err := m.compileRule(r)
		if err != nil {
			errs = multierror.Append(errs, err)
			continue
		}
		m.rules = append(m.rules, cr)
	}
	if o.model != nil && len(o.model.Fields) != len(fields) {
		errs = multierror.Append(errs, configError("model has a different number of fields"))
	}
	for _, br := range o.rulesBlocks {
		for _, name := range br {
			if m.fieldIndex(name) < 0 {
				errs = multierror.Append(errs, &FieldError{Field: name, Err: configError("blocking rule names a field the matcher does not have")})
			}
		}
	}
	if o.rulesBlocks != nil {
		for _, r := range m.rules {
			if !r.coveredBy(o.rulesBlocks, m.fieldIndex) {
				errs = multierror.Append(errs, configError(fmt.Sprintf(
					"rule %q finds no pairs: no blocking rule keys only on fields the rule compares exactly or normalized (%s); add one, or leave blocking out to have it derived",
					r.name, strings.Join(r.eqFields(m.fields), ", "))))
			}
		}
	}
	if err := errs.ErrorOrNil(); err != nil {
		return nil, err
	}
	return m, nil
}

// Fields returns the Matcher's fields, as declared.
func (m *Matcher) Fields() []Field { return slices.Clone(m.declared) }

func (m *Matcher) fieldIndex(name string) int {
	for i, f := range m.fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// blockRules returns the blocking rules: Config.Blocking, or the default
// rules for the kinds present and, in deterministic mode, one rule per
// matching rule keyed on what the rule compares, so that every rule finds
// the pairs it describes (a rule on the company name alone, say, though no
// default rule keys on company names when there are person names).
func (m *Matcher) blockRules() []blockRule {
	if m.o.rulesBlocks == nil {
		rs := defaultRules(m.kinds)
		for _, r := range m.rules {
			rs = append(rs, r.blocking())
		}
		return rs
	}
	var rs []blockRule
	for _, names := range m.o.rulesBlocks {
		idx := make([]int, len(names))
		for i, n := range names {
			idx[i] = m.fieldIndex(n)
		}
		rs = append(rs, blockRule{name: fmt.Sprint(names), keys: func(v []value, add func(string)) {
			k := ""
			for _, f := range idx {
				if v[f].key == "" {
					return
				}
				k += v[f].key + "\x00"
			}
			add(k)
		}})
	}
	return rs
}

// dataset is a prepared set of records: one table (nLeft = 0) or two
// concatenated (left records first).
type dataset struct {
	ids    []string
	raw    []Record
	vals   []value // n*nf, record-major
	nf     int
	kinds  []Kind
	nLeft  int       // link mode: records [0,nLeft) are the left side; 0 in dedupe mode
	exactU []float64 // per field: share of random pairs agreeing exactly
	// frequent holds, per field, the shares of its most frequent keys
	// (see FieldParams.Frequent); nil for the others.
	frequent []map[string]float64
	nonMis   []int
}

func (d *dataset) n() int { return len(d.ids) }

func (d *dataset) rec(i int) []value { return d.vals[i*d.nf : (i+1)*d.nf] }

// validate checks IDs and widths, collecting every problem.
func (m *Matcher) validate(sets ...[]Record) error {
	var errs *multierror.Error
	for _, recs := range sets {
		seen := make(map[string]int, len(recs))
		for i, r := range recs {
			if r.ID == "" {
				errs = multierror.Append(errs, &RecordError{Index: i, Err: errEmptyID})
			} else if p, dup := seen[r.ID]; dup {
				errs = multierror.Append(errs, &RecordError{Index: i, ID: r.ID, Err: fmt.Errorf("%w (first at record %d)", errDuplicateID, p)})
			} else {
				seen[r.ID] = i
			}
			if len(r.Values) != len(m.fields) {
				errs = multierror.Append(errs, &RecordError{Index: i, ID: r.ID, Err: fmt.Errorf("%w: %d values, %d fields", errWidth, len(r.Values), len(m.fields))})
			}
			if errs != nil && len(errs.Errors) >= 100 {
				return errs.ErrorOrNil()
			}
		}
	}
	return errs.ErrorOrNil()
}

// prepareSet normalises every record; workers split the records.
func (m *Matcher) prepareSet(ctx context.Context, recs []Record, nLeft int) (*dataset, error) {
	nf := len(m.fields)
	d := &dataset{raw: recs, nf: nf, kinds: m.kinds, nLeft: nLeft, ids: make([]string, len(recs)), vals: make([]value, len(recs)*nf)}
	var cancelled error
	var mu sync.Mutex
	parallelCtx(ctx, m.o.workers, len(recs), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			if (i-lo)&1023 == 0 && ctx.Err() != nil {
				mu.Lock()
				cancelled = ctx.Err()
				mu.Unlock()
				return
			}
			d.ids[i] = recs[i].ID
			raw := splitNames(recs[i].Values, m.kinds)
			for f, k := range m.kinds {
				if k != KindIgnore {
					d.vals[i*nf+f] = prepare(k, raw[f])
				}
			}
		}
	})
	if cancelled != nil {
		return nil, cancelled
	}
	m.report(Progress{Stage: "prepare", Done: len(recs), Total: len(recs)})
	d.countTF()
	return d, nil
}

// countTF counts key frequencies per field, sets each value's tf, the
// exact-agreement share of random pairs, and the most frequent keys of the
// fields a Model keeps them for (setFrequent).
func (d *dataset) countTF() {
	n, nf := d.n(), d.nf
	d.frequent = make([]map[string]float64, nf)
	d.exactU = make([]float64, nf)
	d.nonMis = make([]int, nf)
	var wg sync.WaitGroup
	for f := range nf {
		if d.kinds[f] == KindIgnore {
			continue
		}
		wg.Go(func() {
			c := make(map[string]int32)
			nm := 0
			for i := range n {
				if k := d.vals[i*nf+f].key; k != "" {
					c[k]++
					nm++
				}
			}
			for i := range n {
				v := &d.vals[i*nf+f]
				if v.key != "" {
					v.tf = float32(c[v.key]) / float32(nm)
				}
			}
			if nm > 1 {
				s := 0.0
				for _, x := range c {
					s += float64(x) * float64(x-1)
				}
				d.exactU[f] = s / (float64(nm) * float64(nm-1))
			}
			if frequentKind(d.kinds[f]) && nm >= minFrequentRecords {
				d.frequent[f] = mostFrequent(c, nm)
			}
			d.nonMis[f] = nm
		})
	}
	wg.Wait()
}

func (m *Matcher) report(p Progress) {
	if m.o.progress != nil {
		m.o.progress(p)
	}
}

// Stats describes a run.
type Stats struct {
	Records         int            // records read (both sides in link mode)
	CandidatePairs  int            // distinct pairs produced by blocking and compared
	Capped          []CappedBlock  // blocks over the cap, paired by sorted neighbourhood only
	RulePairs       map[string]int // pairs each blocking rule produced (a pair may come from several), by the name of the version used ("postal_code+name" for a refined "postal_code+initial")
	PairRecall      float64        // share of true pairs among the candidates; -1 without labels
	Matches         int            // pairs at or above the threshold
	Reviews         int            // pairs in the review band
	GuardRefusals   int            // merges refused by the chaining guards
	Clusters        int            // clusters, singletons included
	Oversized       []int          // clusters (by index) larger than the maximum cluster size
	LargestCluster  int            // records in the largest cluster
	EMIterations    int            // EM iterations (0 with a fixed model or rules)
	EMConverged     bool           // EM converged
	PairsPerSecond  float64        // comparison throughput of the scoring stage
	ScoringDuration float64        // seconds spent comparing and scoring candidate pairs
	// Weights is the distribution of the match weights of all candidate
	// pairs (probabilistic mode), in bins of one bit from the lowest
	// weight up; the model's expected precision and recall at any
	// threshold follow from it (see WeightBin).
	Weights []WeightBin
}

// WeightBin counts the candidate pairs whose match weight (in bits, prior
// included, before any Explanation.Limit) lies in [Bits, Bits+1). Matches
// is the sum of their probabilities: the number of true matches among them
// that the model expects. Weights beyond ±weightBinRange bits share the
// outermost bins.
type WeightBin struct {
	Bits    int
	Pairs   int
	Matches float64
}

const weightBinRange = 40

func weightBin(w float64) int {
	return int(math.Floor(math.Max(-weightBinRange, math.Min(weightBinRange-1, w)))) + weightBinRange
}

// weightBins returns the non-empty range of the counts in bins.
func weightBins(counts []int, sums []float64) []WeightBin {
	lo, hi := -1, -1
	for i, c := range counts {
		if c > 0 {
			if lo < 0 {
				lo = i
			}
			hi = i
		}
	}
	if lo < 0 {
		return nil
	}
	out := make([]WeightBin, 0, hi-lo+1)
	for i := lo; i <= hi; i++ {
		out = append(out, WeightBin{Bits: i - weightBinRange, Pairs: counts[i], Matches: sums[i]})
	}
	return out
}

// Pair is a scored candidate pair. A and B index the records (in link mode,
// A indexes the left records and B the right ones).
type Pair struct {
	A, B        int
	Weight      float64 // total match weight in bits, prior included
	Probability float64
}

// Result is the outcome of Dedupe or Link.
type Result struct {
	// ClusterOf gives each record's cluster number (Dedupe only; in link mode
	// it is nil). Cluster numbers run from 0 in order of first appearance.
	ClusterOf []int
	// Pairs holds the pairs with a probability at or above the review
	// threshold, most probable first. In link mode with one-to-one links,
	// only the accepted links are kept.
	Pairs []Pair
	Stats Stats
	Model *Model // the estimated (or given) model; nil in deterministic mode

	m     *Matcher
	d     *dataset
	rules []blockRule // the blocking rules used, refined for the data
	// refused holds the matching pairs (packed) whose merge was refused,
	// with the reason (LimitGuard, LimitRejected).
	refused map[uint64]string
	// labels are the labelled pairs (packed): true confirmed, false
	// rejected.
	labels map[uint64]bool
	// otherCompanies are the candidate pairs (packed) limited as other
	// companies of a group: kept apart in clustering, even through a third
	// record.
	otherCompanies []uint64
	sc             *scorer // built on the first Explain
	mu             sync.Mutex
}

// IsMatch reports whether p is at or above the match threshold.
func (r *Result) IsMatch(p Pair) bool { return p.Probability >= r.m.o.threshold }

// Clusters returns the clusters as lists of record indexes, in cluster order.
func (r *Result) Clusters() [][]int {
	var out [][]int
	for i, c := range r.ClusterOf {
		for c >= len(out) {
			out = append(out, nil)
		}
		out[c] = append(out[c], i)
	}
	return out
}

// Dedupe finds the records of recs that describe the same entity and
// clusters them. Invalid input (an empty or duplicate ID, a record with the
// wrong number of values) returns an error wrapping ErrInvalidRecord that
// lists every problem (up to 100). It honours ctx between stages and within
// long stages.
func (m *Matcher) Dedupe(ctx context.Context, recs []Record) (*Result, error) {
	return m.run(ctx, recs, nil, nil)
}

// DedupeLabelled is Dedupe that also measures the blocking: truth gives each
// record's entity label ("" = unknown), and Stats.PairRecall the share of
// true pairs that blocking kept.
func (m *Matcher) DedupeLabelled(ctx context.Context, recs []Record, truth []string) (*Result, error) {
	if len(truth) != len(recs) {
		return nil, configError("truth and records differ in length")
	}
	return m.run(ctx, recs, nil, truth)
}

// Link finds the pairs of a left and a right record that describe the same
// entity. Result.Pairs holds the links (index A in left, B in right). With
// Config.OneToOne, each record takes part in at most one accepted link.
func (m *Matcher) Link(ctx context.Context, left, right []Record) (*Result, error) {
	return m.run(ctx, left, right, nil)
}

func (m *Matcher) run(ctx context.Context, left, right []Record, truth []string) (*Result, error) {
	link := right != nil
	if link {
		if err := m.validate(left, right); err != nil {
			return nil, err
		}
	} else if err := m.validate(left); err != nil {
		return nil, err
	}
	recs := left
	nLeft := 0
	if link {
		recs = slices.Concat(left, right)
		nLeft = len(left)
		if nLeft == 0 || len(right) == 0 {
			return &Result{m: m, Stats: Stats{Records: len(recs), PairRecall: -1}}, nil
		}
	}
	if link && len(m.o.labels) > 0 {
		return nil, configError("labels apply to Dedupe only")
	}
	d, err := m.prepareSet(ctx, recs, nLeft)
	if err != nil {
		return nil, err
	}
	res := &Result{m: m, d: d, Stats: Stats{Records: len(recs), PairRecall: -1}}
	if res.labels, err = m.resolveLabels(d); err != nil {
		return nil, err
	}
	pairs, train, capped, byRule, err := m.candidates(ctx, d, res)
	if err != nil {
		return nil, err
	}
	res.Stats.RulePairs = byRule
	res.Stats.CandidatePairs = len(pairs)
	res.Stats.Capped = capped
	recall := make(chan float64, 1)
	if truth != nil {
		go func() { recall <- pairRecall(truth, pairs) }() // while the pairs are scored
	}
	scored, err := m.score(ctx, d, pairs, train, res)
	if truth != nil {
		res.Stats.PairRecall = <-recall
	}
	if err != nil {
		return nil, err
	}
	res.Pairs = scored
	for _, p := range scored {
		if p.Probability >= m.o.threshold {
			res.Stats.Matches++
		} else {
			res.Stats.Reviews++
		}
	}
	if link {
		for i := range res.Pairs {
			res.Pairs[i].B -= nLeft
		}
		if m.o.oneToOne {
			res.Pairs = oneToOne(res.Pairs, m.o.threshold)
		}
		return res, nil
	}
	if err := m.cluster(ctx, d, res); err != nil {
		return nil, err
	}
	return res, nil
}

// candidates runs blocking and returns distinct pairs packed as lo<<32|hi,
// sorted, with the marks of the pairs a rule other than a weak one found.
// Rules are blocked one after the other (each on all workers), so that only
// one rule's block entries are held at a time.
func (m *Matcher) candidates(ctx context.Context, d *dataset, res *Result) ([]uint64, []bool, []CappedBlock, map[string]int, error) {
	rules := m.blockRules()
	seed := maphash.MakeSeed()
	w := m.o.workers
	var strong, weak []uint64
	var capped []CappedBlock
	byRule := map[string]int{}
	for ri, r := range rules {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, nil, err
		}
		entries, used := chooseBlocks(r, d, m.o.rulesBlocks == nil, refineLimit(d.n()), m.o.blockCap, m.o.window, seed, w)
		rules[ri] = used
		// Split the sorted entries into block-aligned ranges, one per worker.
		bounds := []int{0}
		for k := 1; k < w; k++ {
			b := len(entries) * k / w
			for b > 0 && b < len(entries) && entries[b].key == entries[b-1].key {
				b++
			}
			bounds = append(bounds, max(b, bounds[len(bounds)-1]))
		}
		bounds = append(bounds, len(entries))
		parts := make([][]uint64, w)
		caps := make([][]CappedBlock, w)
		var wg sync.WaitGroup
		for k := range w {
			wg.Go(func() {
				var out []uint64
				var members []uint32
				es := entries[bounds[k]:bounds[k+1]]
				for s := 0; s < len(es); {
					e := s + 1
					for e < len(es) && es[e].key == es[s].key {
						e++
					}
					if e-s > 1 {
						members = members[:0]
						for _, x := range es[s:e] {
							members = append(members, x.rec)
						}
						if (s&0xFF) == 0 && ctx.Err() != nil {
							return
						}
						if e-s <= m.o.blockCap {
							out = d.emitAll(out, members)
						} else {
							caps[k] = append(caps[k], CappedBlock{Rule: used.name, Records: e - s, Example: d.ids[members[0]]})
							out = d.emitWindow(out, members, m.kinds, m.o.window)
						}
					}
					s = e
				}
				radixSortU64(out)
				parts[k] = slices.Compact(out)
			})
		}
		wg.Wait()
		entries = nil
		got := slices.Concat(parts...)
		if w > 1 {
			got = sortPairs(got, w) // the workers' parts may share pairs
		}
		byRule[used.name] += len(got)
		for _, c := range caps {
			capped = append(capped, c...)
		}
		if used.weak {
			weak = append(weak, got...)
		} else {
			strong = append(strong, got...)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, nil, err
	}
	res.rules = rules
	strong = append(strong, labelledPairs(res.labels)...) // labelled pairs are compared whatever the blocking
	strong = sortPairs(strong, w)
	all := sortPairs(slices.Concat(strong, weak), w)
	weak = nil
	// train marks the pairs that a rule other than a name-only one found.
	train := make([]bool, len(all))
	for a, t := 0, 0; a < len(all) && t < len(strong); {
		switch {
		case all[a] == strong[t]:
			train[a] = true
			a++
			t++
		case all[a] < strong[t]:
			a++
		default:
			t++
		}
	}
	slices.SortStableFunc(capped, func(a, b CappedBlock) int { return b.Records - a.Records })
	m.report(Progress{Stage: "block", Done: len(all), Total: len(all)})
	return all, train, capped, byRule, nil
}

func (d *dataset) keep(i, j uint32) bool {
	if d.nLeft == 0 {
		return i != j
	}
	return (int(i) < d.nLeft) != (int(j) < d.nLeft)
}

func pack(i, j uint32) uint64 {
	if i > j {
		i, j = j, i
	}
	return uint64(i)<<32 | uint64(j)
}

func (d *dataset) emitAll(out []uint64, members []uint32) []uint64 {
	for a := 0; a < len(members); a++ {
		for b := a + 1; b < len(members); b++ {
			if d.keep(members[a], members[b]) {
				out = append(out, pack(members[a], members[b]))
			}
		}
	}
	return out
}

// emitWindow pairs each member of a block over the cap with the next w
// members in the order of their name keys (sorted neighbourhood).
func (d *dataset) emitWindow(out []uint64, members []uint32, kinds []Kind, w int) []uint64 {
	var order []int
	for _, k := range []Kind{KindFamilyName, KindPersonName, KindNameKana, KindGivenName, KindCompany, KindEmail, KindAddress} {
		for f, kk := range kinds {
			if kk == k {
				order = append(order, f)
			}
		}
	}
	type keyed struct {
		key string
		rec uint32
	}
	ms := make([]keyed, len(members))
	for i, r := range members {
		var b strings.Builder
		for _, f := range order {
			b.WriteString(d.vals[int(r)*d.nf+f].key)
			b.WriteByte(0)
		}
		ms[i] = keyed{b.String(), r}
	}
	slices.SortFunc(ms, func(a, b keyed) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.rec, b.rec)
	})
	for a := range ms {
		for b := a + 1; b < len(ms) && b <= a+w; b++ {
			if d.keep(ms[a].rec, ms[b].rec) {
				out = append(out, pack(ms[a].rec, ms[b].rec))
			}
		}
	}
	return out
}

func pairRecall(truth []string, pairs []uint64) float64 {
	byEnt := map[string]int{}
	for _, t := range truth {
		if t != "" {
			byEnt[t]++
		}
	}
	total := 0
	for _, c := range byEnt {
		total += c * (c - 1) / 2
	}
	if total == 0 {
		return 1
	}
	kept := 0
	for _, p := range pairs {
		a, b := truth[p>>32], truth[p&0xFFFFFFFF]
		if a != "" && a == b {
			kept++
		}
	}
	return float64(kept) / float64(total)
}

// score compares every candidate pair, estimates the model when none is
// given, and returns the pairs at or above the review threshold.
func (m *Matcher) score(ctx context.Context, d *dataset, pairs []uint64, train []bool, res *Result) ([]Pair, error) {
	start := nowSeconds()
	gammas := make([]uint64, len(pairs))
	w := m.o.workers
	// With many records, EM trains on the pairs found by rules other than
	// the name-only ones: namesakes grow with the square of the records, and
	// at a million they outnumber true pairs among name-only pairs and pull
	// the match class their way. λ is then re-estimated over all pairs.
	nTrain := 0
	for _, t := range train {
		if t {
			nTrain++
		}
	}
	useAll := d.n() < trainSubsetFrom || nTrain < 1000
	patParts := make([]map[uint64]float64, w)
	allParts := make([]map[uint64]float64, w)
	err := parallelCtx(ctx, w, len(pairs), func(k, lo, hi int) {
		pc, ac := map[uint64]float64{}, map[uint64]float64{}
		for p := lo; p < hi; p++ {
			if (p-lo)&0xFFFF == 0 && ctx.Err() != nil {
				return
			}
			i, j := int(pairs[p]>>32), int(pairs[p]&0xFFFFFFFF)
			g := d.gamma(i, j)
			gammas[p] = g
			if useAll || train[p] {
				pc[g]++
			}
			ac[g]++
		}
		patParts[k] = pc
		allParts[k] = ac
	})
	if err != nil {
		return nil, err
	}
	compareSecs := nowSeconds() - start
	m.report(Progress{Stage: "score", Done: len(pairs), Total: len(pairs)})
	if len(m.rules) > 0 {
		var out []Pair
		for _, pk := range pairs {
			i, j := int(pk>>32), int(pk&0xFFFFFFFF)
			if _, ok := m.ruleMatch(d, i, j); ok {
				out = append(out, Pair{A: i, B: j, Weight: math.Inf(1), Probability: 1})
			}
		}
		res.Stats.ScoringDuration = compareSecs
		if compareSecs > 0 {
			res.Stats.PairsPerSecond = float64(len(pairs)) / compareSecs
		}
		return out, nil
	}
	model := m.o.model
	if model == nil {
		patterns := map[uint64]float64{}
		for _, pc := range patParts {
			for g, c := range pc {
				patterns[g] += c
			}
		}
		model = initialModel(m.fields)
		if err := d.estimateU(ctx, model, &m.o); err != nil {
			return nil, err
		}
		randomU := make([][]float64, len(model.Fields))
		for f, p := range model.Fields {
			randomU[f] = slices.Clone(p.U)
		}
		if err := em(ctx, model, patterns, m.o.emIter, true, m.vetoed); err != nil {
			return nil, err
		}
		all := patterns
		if !useAll {
			all = map[uint64]float64{}
			for _, pc := range allParts {
				for g, c := range pc {
					all[g] += c
				}
			}
			// m, learnt where matches are plain, stays; u and λ are
			// re-estimated over all candidates, where names agree often
			// among non-matches (namesakes).
			if err := emFit(ctx, model, all, m.o.emIter, false, true, m.vetoed); err != nil {
				return nil, err
			}
		}
		if err := m.relearnM(ctx, model, res.labels, pairs, gammas, all); err != nil {
			return nil, err
		}
		allPairs := float64(d.n()) * float64(d.n()-1) / 2
		if d.nLeft > 0 {
			allPairs = float64(d.nLeft) * float64(d.n()-d.nLeft)
		}
		d.withoutMatches(model, randomU, model.Lambda*float64(len(pairs)), allPairs)
		model.overAllPairs(randomU, float64(len(pairs)), allPairs)
		d.setFrequent(model)
		res.Stats.EMIterations, res.Stats.EMConverged = model.Iterations, model.Converged
		m.report(Progress{Stage: "estimate", Done: model.Iterations, Total: m.o.emIter})
	}
	res.Model = model
	sc := newScorer(model, d, !m.o.noTF)
	start2 := nowSeconds()
	outParts := make([][]Pair, w)
	otherParts := make([][]uint64, w)
	binCounts := make([][]int, w)
	binSums := make([][]float64, w)
	err = parallelCtx(ctx, w, len(pairs), func(k, lo, hi int) {
		var out []Pair
		counts, sums := make([]int, 2*weightBinRange), make([]float64, 2*weightBinRange)
		for p := lo; p < hi; p++ {
			i, j := int(pairs[p]>>32), int(pairs[p]&0xFFFFFFFF)
			wt := sc.weight(i, j, gammas[p])
			pw := probability(wt)
			b := weightBin(wt)
			counts[b]++
			sums[b] += pw
			why, pr := m.limit(model, d.rec(i), d.rec(j), gammas[p], pw)
			if why == LimitOtherCompany {
				otherParts[k] = append(otherParts[k], pairs[p])
			}
			if same, ok := res.labels[pairs[p]]; ok {
				pr = 0
				if same {
					pr = 1
				}
			}
			if pr >= m.o.review {
				out = append(out, Pair{A: i, B: j, Weight: wt, Probability: pr})
			}
		}
		outParts[k] = out
		binCounts[k], binSums[k] = counts, sums
	})
	if err != nil {
		return nil, err
	}
	counts, sums := make([]int, 2*weightBinRange), make([]float64, 2*weightBinRange)
	for k := range binCounts {
		for b := range binCounts[k] {
			counts[b] += binCounts[k][b]
			sums[b] += binSums[k][b]
		}
	}
	res.Stats.Weights = weightBins(counts, sums)
	res.otherCompanies = slices.Concat(otherParts...)
	secs := compareSecs + nowSeconds() - start2
	res.Stats.ScoringDuration = secs
	if secs > 0 {
		res.Stats.PairsPerSecond = float64(len(pairs)) / secs
	}
	out := slices.Concat(outParts...)
	// Most probable first; a limited pair (Explanation.Limit) can weigh
	// more than pairs more probable than it.
	slices.SortFunc(out, func(a, b Pair) int {
		if a.Probability != b.Probability {
			return cmp.Compare(b.Probability, a.Probability)
		}
		if a.Weight != b.Weight {
			if a.Weight > b.Weight {
				return -1
			}
			return 1
		}
		if a.A != b.A {
			return a.A - b.A
		}
		return a.B - b.B
	})
	return out, nil
}

// maxTFBoost caps, in bits, how much more agreeing on a rare value counts
// than agreeing on an average one: a value can be rare because it is written
// unusually (a name in romaji among kanji), not because few people have it.
const maxTFBoost = 3.0

// trainSubsetFrom is the number of records from which EM trains on the
// pairs of rules other than name-only ones.
const trainSubsetFrom = 50000

// gamma packs the comparison levels of records i and j, 4 bits per field.
// A family and a given name written the other way round in one record
// (SMITH John / JOHN Smith) grade both name fields at the first partial
// level ("crossed"): the names agree, though not in place.
func (d *dataset) gamma(i, j int) uint64 {
	a, b := d.rec(i), d.rec(j)
	var g uint64
	fam, giv := -1, -1
	for f, k := range d.kinds {
		g |= uint64(compare(k, &a[f], &b[f])) << (4 * uint(f))
		switch {
		case k == KindFamilyName && fam < 0:
			fam = f
		case k == KindGivenName && giv < 0:
			giv = f
		}
	}
	if fam >= 0 && giv >= 0 && level(g, fam) > 2 && level(g, giv) > 2 && crossed(&a[fam], &a[giv], &b[fam], &b[giv]) {
		g &^= 0xF<<(4*uint(fam)) | 0xF<<(4*uint(giv))
		g |= crossedLevel<<(4*uint(fam)) | crossedLevel<<(4*uint(giv))
	}
	return g
}

// crossedLevel is the level of family and given names that agree crossed:
// the first partial level of the name kinds.
const crossedLevel = 2

// crossed reports whether one record's family name is the other's given
// name and the other way round (all four present).
func crossed(famA, givA, famB, givB *value) bool {
	return famA.key != "" && givA.key != "" && famA.key == givB.key && givA.key == famB.key
}

// scorer turns comparison patterns into match weights.
type scorer struct {
	prior float64
	w     [][]float64
	mExL  []float64 // log2 m at the exact level, for term-frequency adjustment
	tf    bool
	d     *dataset
	minTF []float64
	uEx   []float64 // share of random pairs agreeing exactly, per field
	// reads[f] is the written name field that kana field f reads, or -1.
	reads []int
	// place[f]: field f says where the person lives (postal code, address,
	// street, locality, region). Their disagreements are one piece of
	// evidence, not several: a person who moved disagrees on all of them
	// at once, so only the strongest one counts (see placeWeights).
	place []bool
	// region[f]: field f is a region (a prefecture, a state).
	region []bool
	// address[f]: field f is a whole address, which says where its postal
	// code and locality are; placeOfAddress[f]: field f is an address, a
	// postal code or a locality (see counted).
	address, placeOfAddress []bool
	// phone[f]: field f is a phone number.
	phone []bool
	// noTF[f]: field f takes no term-frequency adjustment (see tfKind).
	noTF []bool
	// tfOf, when set, gives a value's term frequency instead of value.tf
	// (an Index counts frequencies as records arrive).
	tfOf func(f int, v *value) float64
}

func newScorer(m *Model, d *dataset, tf bool) *scorer {
	s := &scorer{prior: m.priorWeight(), tf: tf, d: d, reads: readings(modelKinds(m))}
	for _, p := range m.Fields {
		s.place = append(s.place, placeKind(p.Kind))
		s.region = append(s.region, p.Kind == KindRegion || p.Kind == KindPrefecture)
		s.address = append(s.address, p.Kind == KindAddress)
		s.placeOfAddress = append(s.placeOfAddress, p.Kind == KindAddress || p.Kind == KindPostalCode || p.Kind == KindLocality)
		s.phone = append(s.phone, p.Kind == KindPhone)
		s.noTF = append(s.noTF, !tfKind(p.Kind))
	}
	for f, p := range m.Fields {
		ws := make([]float64, len(p.M))
		for l := 1; l < len(p.M); l++ {
			ws[l] = m.Weight(f, l)
		}
		s.w = append(s.w, ws)
		me := 0.0
		if len(p.M) > 1 {
			me = math.Log2(p.M[1])
		}
		s.mExL = append(s.mExL, me)
		mt, ue := 0.0, p.RandomExact
		if d != nil && d.nonMis != nil && d.nonMis[f] > 0 {
			mt = 1 / float64(d.nonMis[f])
		}
		s.minTF = append(s.minTF, mt)
		s.uEx = append(s.uEx, ue)
	}
	return s
}

// fieldWeight is the weight of field f at level l for records i and j, with
// the term-frequency adjustment at the exact level.
func (s *scorer) fieldWeight(f, l int, a *value, g uint64) float64 {
	if l == 1 && s.reads[f] >= 0 && level(g, s.reads[f]) == 1 {
		return 0 // a reading repeats the evidence of the written name it reads
	}
	tf := float64(a.tf)
	if s.tfOf != nil {
		tf = s.tfOf(f, a)
	}
	if l == 1 && s.tf && tf > 0 && s.uEx[f] > 0 && !s.noTF[f] {
		u := math.Max(tf, s.minTF[f])
		adj := math.Min(math.Log2(s.uEx[f]/u), maxTFBoost)
		// A common value makes agreement weak evidence, never evidence
		// against: the floor is the exact level's weight or 0, whichever
		// is lower.
		return clampW(math.Max(s.w[f][1]+adj, math.Min(s.w[f][1], 0)))
	}
	return s.w[f][l]
}

func (s *scorer) weight(i, j int, g uint64) float64 {
	return s.prior + s.counted(s.d.rec(i), s.d.rec(j), g, nil)
}

// counted returns the sum of the field weights of records a and b (pattern
// g) as they count, and, when ws is not nil, each field's counted weight in
// ws (0 for a weight that does not count).
//
// Place fields that say the same thing count once. In agreement: a whole
// address that agrees (exactly or nearly) says where the postal code and
// the locality are, so only the strongest of the three counts; and a
// region says nothing more once a finer place field (postal code, address,
// street, locality) agrees. In disagreement, when the pattern is a move
// (see moved), the disagreements of the place fields, and of a landline (a
// home's number changes with the home), are one piece of evidence: only
// the strongest counts.
func (s *scorer) counted(a, b []value, g uint64, ws []float64) float64 {
	moved := s.moved(g)
	var fws [maxFields]float64
	finerAgrees, addressAgrees := false, false
	for f := range s.w {
		l := level(g, f)
		if l == 0 {
			continue
		}
		fw := s.fieldWeight(f, l, &a[f], g)
		fws[f] = fw
		if fw > 0 && s.place[f] && !s.region[f] {
			finerAgrees = true
			addressAgrees = addressAgrees || s.address[f]
		}
	}
	w, group, strongest := 0.0, 0.0, -1
	agree, agreeF := 0.0, -1
	for f := range s.w {
		l := level(g, f)
		if l == 0 {
			continue
		}
		fw := fws[f]
		if ws != nil {
			ws[f] = fw
		}
		switch {
		case fw > 0 && s.region[f] && finerAgrees:
			if ws != nil {
				ws[f] = 0
			}
			continue
		case fw > 0 && addressAgrees && s.placeOfAddress[f]:
			if agreeF < 0 || fw > agree {
				if ws != nil && agreeF >= 0 {
					ws[agreeF] = 0
				}
				agree, agreeF = fw, f
			} else if ws != nil {
				ws[f] = 0
			}
			continue
		}
		if moved && fw < 0 && (s.place[f] || s.phone[f] && !japaneseMobile(a[f].key) && !japaneseMobile(b[f].key)) {
			if strongest < 0 || fw < group {
				if ws != nil && strongest >= 0 {
					ws[strongest] = 0
				}
				group, strongest = fw, f
			} else if ws != nil {
				ws[f] = 0
			}
			continue
		}
		w += fw
	}
	return w + group + agree
}

// moved reports whether pattern g is a move: every place field compared
// below the region (postal code, address, street, locality) disagrees
// outright, two of them at least. A move changes them all at once, so
// their disagreements (and the region's) are one piece of evidence and
// only the strongest counts; a typo in one of them is independent
// evidence and counts as usual.
func (s *scorer) moved(g uint64) bool {
	n := 0
	for f, p := range s.place {
		if !p || s.region[f] {
			continue
		}
		l := level(g, f)
		if l == 0 {
			continue
		}
		if l != len(s.w[f])-1 {
			return false
		}
		n++
	}
	return n >= 2
}

// parallelCtx splits [0,n) into one range per worker and runs fn on each; it
// returns ctx.Err() when cancelled.
func parallelCtx(ctx context.Context, workers, n int, fn func(w, lo, hi int)) error {
	parallel(workers, n, fn)
	return ctx.Err()
}

func parallel(workers, n int, fn func(w, lo, hi int)) {
	if workers <= 1 || n < 1024 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for k := range workers {
		lo, hi := n*k/workers, n*(k+1)/workers
		wg.Go(func() { fn(k, lo, hi) })
	}
	wg.Wait()
}

// vetoed reports whether a comparison pattern disagrees on both the given
// name and the date (of birth) while no identifier agrees exactly:
// such records are different people (a household member, a namesake), however
// much else, like an address and a landline, they share.
func (m *Matcher) vetoed(g uint64) bool {
	if len(m.identity) < 2 {
		return false
	}
	for _, f := range m.strongIDs {
		if level(g, f) == 1 {
			return false
		}
	}
	n := 0
	for _, f := range m.identity {
		if level(g, f) == len(levelNames[m.kinds[f]])-1 {
			n++
		}
	}
	return n >= 2
}

// readings pairs kana fields with the written name fields they read, in
// order: the first reading goes with the family name (or, without one, the
// whole name), the second with the given name.
func readings(kinds []Kind) []int {
	out := make([]int, len(kinds))
	var kana, written []int
	var fam, giv, per []int
	for f, k := range kinds {
		out[f] = -1
		switch k {
		case KindNameKana:
			kana = append(kana, f)
		case KindFamilyName:
			fam = append(fam, f)
		case KindGivenName:
			giv = append(giv, f)
		case KindPersonName:
			per = append(per, f)
		}
	}
	switch {
	case len(fam) > 0:
		// Before a whole name: records with family and given names, and a
		// whole name in Latin script too (customer source records), read
		// the family and given names.
		written = append(written, fam[0])
		if len(giv) > 0 {
			written = append(written, giv[0])
		}
	case len(per) > 0:
		written = append(written, per[0])
		if len(kana) > 1 && len(giv) > 0 {
			written = append(written, giv[0])
		}
	case len(giv) > 0:
		written = append(written, giv[0])
	}
	for i, k := range kana {
		if i < len(written) {
			out[k] = written[i]
		}
	}
	return out
}

func modelKinds(m *Model) []Kind {
	ks := make([]Kind, len(m.Fields))
	for i, f := range m.Fields {
		ks[i] = f.Kind
	}
	return ks
}

// vetoPair is vetoed plus a check that needs the values: two given names in
// Japanese script that disagree, with readings that disagree too, belong to
// different people (a household member at the same address), whatever else
// agrees — a variant kanji of one given name (昌平 / 翔平, 隆子 / 孝子) keeps
// its reading. Without a reading to tell, the given names alone decide,
// unless the birth dates or the Japanese mobile numbers agree exactly (then a
// variant kanji is more likely than a household member). Latin-script given
// names are exempt, since romanisation and nicknames vary too much.
func (m *Matcher) vetoPair(a, b []value, g uint64) bool {
	if m.vetoed(g) {
		return true
	}
	unread := false // given names disagree with no reading to tell
	for _, f := range m.givens {
		if level(g, f) != len(levelNames[KindGivenName])-1 || !hasNonLatin(a[f].key) || !hasNonLatin(b[f].key) {
			continue
		}
		r := m.givenReading[f]
		switch {
		case r >= 0 && level(g, r) == len(levelNames[KindNameKana])-1:
			return true
		case r < 0 || level(g, r) == 0:
			unread = true
		}
	}
	if !unread {
		return false
	}
	for f, k := range m.kinds {
		if k == KindDate && level(g, f) == 1 {
			return false // the same birth date
		}
		if k == KindPhone && level(g, f) == 1 && japaneseMobile(a[f].key) {
			return false // the same mobile number: a personal line, unlike a household's landline
		}
	}
	return true
}

// japaneseMobile reports whether a phone key (E.164) is a Japanese mobile
// number: 070, 080, 090 or 060 nationally, +8170… in E.164.
func japaneseMobile(key string) bool {
	if len(key) != 13 || !strings.HasPrefix(key, "+81") {
		return false
	}
	switch key[3:5] {
	case "70", "80", "90", "60":
		return true
	}
	return false
}

// placeKind reports whether fields of kind k say where a person lives.
func placeKind(k Kind) bool {
	switch k {
	case KindPostalCode, KindAddress, KindStreet, KindLocality, KindRegion:
		return true
	}
	return false
}

// tfKind reports whether agreeing on a value of kind k is adjusted for how
// common the value is. Not for a region: a few dozen values, and candidate
// pairs (which share a postal code or an address) agree on it whatever its
// size, so its frequency says nothing about them. Not for a postal code, an
// address or a street either: their values are nearly unique, and what a
// value's count measures is the duplicates of one person or household, not
// how many different people share it.
func tfKind(k Kind) bool {
	switch k {
	case KindRegion, KindPrefecture, KindPostalCode, KindAddress, KindStreet:
		return false
	}
	return true
}
