package match

import "math"

// Contribution is one field's part in a pair's score.
type Contribution struct {
	Field string
	Level string // comparison level name, e.g. "exact", "jaro_winkler>=0.92"
	// Weight is the bits added to the match weight (negative: evidence
	// against). Place fields that say the same thing count once: when a
	// whole address agrees, only the strongest agreement of the address,
	// the postal code and the locality counts, and a region counts nothing
	// once a finer place field agrees; the others show 0. When every field that says where a person lives below the
	// region (postal code, address, street, locality) disagrees outright —
	// a move, which changes them all at once — only the strongest
	// disagreement of those fields, the region and a landline (a home's
	// number changes with the home; a Japanese mobile number does not)
	// counts, and the others show 0.
	Weight float64
	A, B   string // the normalised keys compared
}

// Explanation says why a pair scored what it did: the prior plus each
// field's contribution add up to Weight.
type Explanation struct {
	A, B        string // record IDs
	Prior       float64
	Weight      float64
	Probability float64
	Fields      []Contribution
	Rule        string // deterministic mode: the rule that matched ("" if none)
	// Limit says why Probability is below what Weight gives
	// (LimitHousehold, LimitOtherCompany, LimitCommonName), or why a match
	// did not join its records (LimitGuard); "" when neither.
	Limit string
}

// explain builds the explanation of records i and j of d.
func (m *Matcher) explain(d *dataset, model *Model, sc *scorer, i, j int) Explanation {
	e := Explanation{A: d.ids[i], B: d.ids[j]}
	g := d.gamma(i, j)
	a, b := d.rec(i), d.rec(j)
	if len(m.rules) > 0 || model == nil {
		name, ok := m.ruleMatch(d, i, j)
		e.Rule = name
		if ok {
			e.Probability, e.Weight = 1, math.Inf(1)
		} else {
			e.Weight = math.Inf(-1)
		}
		for f, fd := range m.fields {
			if fd.Kind == KindIgnore {
				continue
			}
			e.Fields = append(e.Fields, Contribution{Field: fd.Name, Level: levelNames[fd.Kind][level(g, f)], A: a[f].key, B: b[f].key})
		}
		return e
	}
	if sc == nil {
		sc = newScorer(model, d, !m.o.noTF)
	}
	e.Prior = sc.prior
	e.Weight = sc.prior
	ws := make([]float64, len(m.fields))
	e.Weight += sc.counted(a, b, g, ws)
	for f, fd := range m.fields {
		if fd.Kind == KindIgnore {
			continue
		}
		l := level(g, f)
		e.Fields = append(e.Fields, Contribution{Field: fd.Name, Level: levelNames[fd.Kind][l], Weight: ws[f], A: a[f].key, B: b[f].key})
	}
	e.Limit, e.Probability = m.limit(model, a, b, g, probability(e.Weight))
	return e
}

// Explain returns the explanation of a pair of records of the result, by
// index (in link mode, a indexes the left records and b the right ones). Any
// two records may be explained, not only candidate pairs. It returns false
// when an index is out of range.
func (r *Result) Explain(a, b int) (Explanation, bool) {
	if r.d == nil {
		return Explanation{}, false
	}
	if r.d.nLeft > 0 {
		b += r.d.nLeft
		if a < 0 || a >= r.d.nLeft || b < r.d.nLeft || b >= r.d.n() {
			return Explanation{}, false
		}
	} else if a < 0 || b < 0 || a >= r.d.n() || b >= r.d.n() {
		return Explanation{}, false
	}
	r.mu.Lock()
	if r.sc == nil && r.Model != nil {
		r.sc = newScorer(r.Model, r.d, !r.m.o.noTF)
	}
	sc := r.sc
	r.mu.Unlock()
	e := r.m.explain(r.d, r.Model, sc, a, b)
	pk := pack(uint32(a), uint32(b))
	if same, ok := r.labels[pk]; ok {
		e.Limit, e.Probability = LimitRejected, 0
		if same {
			e.Limit, e.Probability = LimitConfirmed, 1
		}
	} else if why := r.refused[pk]; e.Limit == "" && why != "" {
		e.Limit = why
	}
	return e, true
}
