package match

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
)

// Scorer matches one record at a time against candidates that the caller
// keeps, for real-time matching whose state lives in a database rather than
// in memory (package c360's Engine keeps its index keys and records in its
// stores and uses a Scorer to decide). Keys gives a record's blocking keys —
// two records are candidates when they share one — and Score grades and
// weighs a record against candidates with a fixed Model, as Dedupe and
// Index score a pair, except for the term-frequency adjustment: frequencies
// are a property of a whole data set, which a Scorer does not see, so it
// adjusts only the values the Model lists as frequent (FieldParams.Frequent,
// counted by the Dedupe that estimated it), and does not boost rare ones.
// With Config.TermFrequency false it makes no adjustment at all.
//
// A Scorer is safe for concurrent use.
type Scorer struct {
	m     *Matcher
	model *Model
	rules []blockRule
	base  *scorer // weights of the model, without a dataset; nil in deterministic mode
	guard *scorer // weights the chaining guards judge with (Model.guardModel)
}

// scorerFor returns the model's scorer bound to d (a shallow copy of the
// base, so concurrent calls do not share a dataset).
func (s *Scorer) scorerFor(d *dataset) *scorer {
	if s.base == nil {
		return nil
	}
	sc := *s.base
	sc.d = d
	return &sc
}

// NewScorer returns a Scorer that weighs pairs with model. In deterministic
// mode (rules set) model may be nil; otherwise a nil model means the prior
// model (PriorModel), which is only a starting point: estimate one with
// Dedupe on representative data for real use.
func (m *Matcher) NewScorer(model *Model) (*Scorer, error) {
	if model == nil && len(m.rules) == 0 {
		model = m.PriorModel()
	}
	if model != nil && len(model.Fields) != len(m.fields) {
		return nil, configError("model has a different number of fields")
	}
	sc := &Scorer{m: m, model: model, rules: m.blockRules()}
	if model != nil && len(m.rules) == 0 {
		sc.base = newScorer(model, nil, !m.o.noTF)
		sc.base.tfOf = func(f int, v *value) float64 { return model.Fields[f].Frequent[v.key] }
		sc.guard = newScorer(model.guardModel(), nil, !m.o.noTF)
		sc.guard.tfOf = sc.base.tfOf
	}
	return sc, nil
}

// PriorModel returns the model the Matcher starts from before it has seen
// any data: m favouring agreement, and typical u values per kind (how often
// two different people agree by chance on an e-mail address, a family name,
// a postal code …), with a prior match share of 0.1.
func (m *Matcher) PriorModel() *Model {
	model := initialModel(m.fields)
	for f, fd := range m.fields {
		u := uPrior(fd.Kind)
		if len(u) == len(model.Fields[f].U) && len(u) > 2 {
			copy(model.Fields[f].U, u)
			model.Fields[f].RandomExact = u[1]
		}
	}
	return model
}

// Thresholds returns the match threshold and the lower end of the review
// band the Matcher was configured with.
func (m *Matcher) Thresholds() (match, review float64) { return m.o.threshold, m.o.review }

// BlockCap returns the largest number of candidates taken from one block.
func (m *Matcher) BlockCap() int { return m.o.blockCap }

// BlockingRules returns the names of the blocking rules whose keys Keys
// gives, in order: two Scorers give comparable keys when their fields and
// blocking rules are the same.
func (s *Scorer) BlockingRules() []string {
	out := make([]string, len(s.rules))
	for i, r := range s.rules {
		out[i] = r.name
	}
	return out
}

// Model returns the Scorer's model (nil in deterministic mode).
func (s *Scorer) Model() *Model { return s.model }

// Matcher returns the Matcher the Scorer belongs to.
func (s *Scorer) Matcher() *Matcher { return s.m }

func (s *Scorer) check(r Record) error {
	if r.ID == "" {
		return &RecordError{Index: -1, Err: errEmptyID}
	}
	if len(r.Values) != len(s.m.fields) {
		return &RecordError{Index: -1, ID: r.ID, Err: fmt.Errorf("%w: %d values, %d fields", errWidth, len(r.Values), len(s.m.fields))}
	}
	return nil
}

// Keys returns the blocking keys of r: stable strings (the same in every
// process and release of the same configuration) that two records share when
// the Matcher's blocking rules make them a candidate pair. Each key names its
// rule, so keys of different rules never collide.
func (s *Scorer) Keys(r Record) ([]string, error) {
	p, err := s.Prepare(r)
	if err != nil {
		return nil, err
	}
	return s.KeysOf(p), nil
}

// Scored is a candidate's score against a record.
type Scored struct {
	Explanation
	// Vetoed is true when the pair can never match whatever its weight: it
	// disagrees on both given name and date of birth with no identifier
	// agreeing, or on a Japanese given name and its reading (a household
	// member at the same address). Its Probability is then 0.
	Vetoed bool
	// Conflict is true when the chaining guards forbid the two records in
	// one cluster: their guarded values (corporate numbers, identifiers,
	// dates) disagree while the records do not look alike.
	Conflict bool
	// Index is the candidate's position in the list given to Match.
	Index int
}

// Score compares r with each candidate and returns one Scored per candidate,
// in the order given. Explanation.A is r's ID and B the candidate's. In
// deterministic mode a pair matched by a rule has probability 1, else 0.
func (s *Scorer) Score(r Record, cands []Record) ([]Scored, error) {
	ps := make([]*Prepared, 0, len(cands)+1)
	for _, x := range append([]Record{r}, cands...) {
		p, err := s.Prepare(x)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	d := s.datasetOf(ps)
	sc := s.scorerFor(d)
	out := make([]Scored, len(cands))
	for k := range cands {
		j := k + 1
		ex := s.m.explain(d, s.model, sc, 0, j)
		sd := Scored{Explanation: ex}
		if sc != nil && s.m.vetoPair(d.rec(0), d.rec(j), d.gamma(0, j)) {
			sd.Vetoed = true
			sd.Probability = 0
		}
		sd.Conflict = s.conflict(d, sc, 0, j)
		out[k] = sd
	}
	return out, nil
}

// Conflict reports whether the chaining guards forbid a and b in one
// cluster: a guarded field (by default identifiers and dates) disagrees
// completely, and either both are valid identifiers or the two records do
// not look alike on their own. A cluster holding a can never also hold b.
func (s *Scorer) Conflict(a, b Record) (bool, error) {
	pa, err := s.Prepare(a)
	if err != nil {
		return false, err
	}
	pb, err := s.Prepare(b)
	if err != nil {
		return false, err
	}
	return s.ConflictOf(pa, pb), nil
}

func (s *Scorer) conflict(d *dataset, sc *scorer, i, j int) bool {
	if len(s.m.guards) == 0 {
		return false
	}
	similar := func() bool {
		if sc == nil {
			_, ok := s.m.ruleMatch(d, i, j)
			return ok
		}
		gs := *s.guard
		gs.d = d
		return probability(gs.weight(i, j, d.gamma(i, j))) >= guardLikely
	}
	for _, f := range s.m.guards {
		vx, vy := &d.vals[i*d.nf+f], &d.vals[j*d.nf+f]
		if vx.key == "" || vy.key == "" {
			continue
		}
		strict := s.m.kinds[f] == KindID && vx.ok && vy.ok
		if compare(s.m.kinds[f], vx, vy) == uint8(len(levelNames[s.m.kinds[f]])-1) && (strict || !similar()) {
			return true
		}
	}
	return false
}

// Prepared is a record normalised for a Scorer: prepare a record once and
// score it against many others (a caller keeping the state of a real-time
// index caches Prepared records to spare the normalisation). A Prepared
// record is read-only and safe for concurrent use.
type Prepared struct {
	raw  Record
	vals []value
}

// ID returns the record's ID.
func (p *Prepared) ID() string { return p.raw.ID }

// Prepare normalises r for scoring; it fails on a record without ID or of
// the wrong width.
func (s *Scorer) Prepare(r Record) (*Prepared, error) {
	if err := s.check(r); err != nil {
		return nil, err
	}
	raw := splitNames(r.Values, s.m.kinds)
	vals := make([]value, len(s.m.kinds))
	for f, k := range s.m.kinds {
		if k != KindIgnore {
			vals[f] = prepare(k, raw[f])
		}
	}
	return &Prepared{raw: Record{ID: r.ID, Values: slices.Clone(r.Values)}, vals: vals}, nil
}

// KeysOf returns the blocking keys of a prepared record (see Keys).
func (s *Scorer) KeysOf(p *Prepared) []string {
	var out []string
	for _, br := range s.rules {
		br.keys(p.vals, func(k string) {
			h := sha256.Sum256([]byte(br.name + "\x00" + k))
			out = append(out, br.name+":"+base64.RawURLEncoding.EncodeToString(h[:12]))
		})
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (s *Scorer) datasetOf(ps []*Prepared) *dataset {
	nf := len(s.m.fields)
	d := &dataset{nf: nf, kinds: s.m.kinds, ids: make([]string, len(ps)), raw: make([]Record, len(ps)), vals: make([]value, 0, len(ps)*nf)}
	for i, p := range ps {
		d.ids[i], d.raw[i] = p.raw.ID, p.raw
		d.vals = append(d.vals, p.vals...)
	}
	return d
}

// Match scores r against each candidate and returns, in candidate order,
// those whose probability is at least min and that are not vetoed, each
// with its explanation and its index in cands. Candidates below min cost no
// explanation: this is the call for a real-time index, where most
// candidates are not matches.
func (s *Scorer) Match(r *Prepared, cands []*Prepared, min float64) []Scored {
	ps := make([]*Prepared, 0, len(cands)+1)
	ps = append(ps, r)
	ps = append(ps, cands...)
	d := s.datasetOf(ps)
	sc := s.scorerFor(d)
	var out []Scored
	for k := range cands {
		j := k + 1
		if sc != nil {
			g := d.gamma(0, j)
			if s.m.vetoPair(d.rec(0), d.rec(j), g) {
				continue
			}
			if probability(sc.weight(0, j, g)) < min {
				continue
			}
		} else if _, ok := s.m.ruleMatch(d, 0, j); !ok && min > 0 {
			continue
		}
		sd := Scored{Explanation: s.m.explain(d, s.model, sc, 0, j), Index: k}
		sd.Conflict = s.conflict(d, sc, 0, j)
		out = append(out, sd)
	}
	return out
}

// ConflictOf is Conflict on prepared records.
func (s *Scorer) ConflictOf(a, b *Prepared) bool {
	d := s.datasetOf([]*Prepared{a, b})
	sc := s.scorerFor(d)
	return s.conflict(d, sc, 0, 1)
}
