package quality

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
)

// Report is the quality of a dataset. It encodes to deterministic JSON
// (fixed field order, map keys sorted, figures rounded: scores to 2
// decimals, ratios to 4), so two runs over the same data give the same
// bytes and two reports can be diffed (see Diff).
type Report struct {
	Records int `json:"records"`
	// Score is the mean record score, 0–100. A report of no record has
	// nothing to score: its Score is 0 and Checks["overall"].Status is
	// StatusNoData, like every rule's — never a perfect 100.
	Score float64 `json:"score"`
	// Dimensions holds each dimension's score: the mean, over the records
	// to which some rule of the dimension applied, of their dimension score.
	Dimensions map[string]float64 `json:"dimensions"`
	// Checks pools the rule checks (record × rule verdicts) per dimension
	// and overall ("overall"): passed ÷ run, as AWS Glue's data-quality
	// score counts, with a status against Config.Threshold on the exact
	// counts. "overall" is always present, with StatusNoData when no check
	// ran; a dimension is present when some check of it ran.
	Checks map[string]CheckCounts `json:"checks"`
	// Fields counts, per field, the records failing each dimension's rules
	// on it: missing (completeness), invalid (validity), and the others
	// when non-zero.
	Fields map[string]FieldCounts `json:"fields"`
	Rules  []RuleReport           `json:"rules"`
	// Histogram is the distribution of record scores in ten buckets
	// [0,10), [10,20), …, [90,100].
	Histogram []Bucket `json:"histogram"`
	// Slices holds, per SliceBy field and value, the records' scores.
	Slices   map[string]map[string]SliceReport `json:"slices,omitempty"`
	Identity *IdentityHealth                   `json:"identity,omitempty"`
}

// CheckCounts is a pool of rule checks.
type CheckCounts struct {
	Passed int64   `json:"passed"`
	Failed int64   `json:"failed"`
	Ratio  float64 `json:"ratio"` // Passed/(Passed+Failed), 4 decimals; 0 when none ran (StatusNoData)
	Status Status  `json:"status"`
}

// FieldCounts counts the records failing rules on one field, by dimension.
type FieldCounts struct {
	Missing      int64 `json:"missing"`
	Invalid      int64 `json:"invalid"`
	Duplicate    int64 `json:"duplicate,omitempty"`
	Inconsistent int64 `json:"inconsistent,omitempty"`
	Stale        int64 `json:"stale,omitempty"`
	Inaccurate   int64 `json:"inaccurate,omitempty"`
}

func (f *FieldCounts) add(d Dimension, n int64) {
	switch d {
	case Completeness:
		f.Missing += n
	case Validity:
		f.Invalid += n
	case Uniqueness:
		f.Duplicate += n
	case Consistency:
		f.Inconsistent += n
	case Timeliness:
		f.Stale += n
	case Accuracy:
		f.Inaccurate += n
	}
}

// RuleReport is one rule's result over the dataset: raw counts, the ratio
// and the status. Status is decided on the exact counts against Threshold
// (passed×Den ≥ Num×(passed+failed)), never on the rounded Ratio; a rule
// that checked no record (no records, or skipped on all) is StatusNoData.
type RuleReport struct {
	Name      string    `json:"name"`
	Dimension Dimension `json:"dimension"`
	Field     string    `json:"field,omitempty"`
	Passed    int64     `json:"passed"`
	Failed    int64     `json:"failed"`
	Skipped   int64     `json:"skipped"`
	// Ratio is Passed/(Passed+Failed), rounded to 4 decimals; 0 when the
	// rule applied to no record (Status is then StatusNoData).
	Ratio     float64         `json:"ratio"`
	Status    Status          `json:"status"`
	Threshold ThresholdReport `json:"threshold"`
	// ExactDuplicates, for a uniqueness rule, counts the surplus copies by
	// the exact (trimmed) value, where Failed counts them after
	// normalisation.
	ExactDuplicates int64    `json:"exact_duplicates,omitempty"`
	Samples         []Sample `json:"samples,omitempty"`
}

// ThresholdReport is a Threshold as the report shows it: "95/100".
type ThresholdReport struct {
	Pass string `json:"pass"`
	Warn string `json:"warn"`
}

// Sample is one failing value and the record holding it.
type Sample struct {
	RecordID string `json:"record_id"`
	Value    string `json:"value"`
}

// Bucket is one bar of the score histogram: records with From ≤ score < To
// (the last bucket includes 100).
type Bucket struct {
	From    int   `json:"from"`
	To      int   `json:"to"`
	Records int64 `json:"records"`
}

// SliceReport is the quality of the records sharing one value of a slicing
// field.
type SliceReport struct {
	Records    int64              `json:"records"`
	Score      float64            `json:"score"`
	Dimensions map[string]float64 `json:"dimensions"`
}

// WriteJSON writes r as indented, deterministic JSON with a final newline.
func (r *Report) WriteJSON(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func round(x float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(x*p) / p
}

type sliceAcc struct {
	n      int64
	sum    float64
	dimSum [numDimensions]float64
	dimN   [numDimensions]int64
}

type accum struct {
	passed, failed []int64
	n              int64
	sum            float64
	dimSum         [numDimensions]float64
	dimN           [numDimensions]int64
	hist           [10]int64
	slices         []map[string]*sliceAcc
}

func (e *Engine) newAccum() *accum {
	ac := &accum{passed: make([]int64, len(e.rules)), failed: make([]int64, len(e.rules))}
	ac.slices = make([]map[string]*sliceAcc, len(e.cfg.SliceBy))
	for i := range ac.slices {
		ac.slices[i] = map[string]*sliceAcc{}
	}
	return ac
}

func (ac *accum) add(a *Assessment, r Record, i int) {
	e := a.e
	var dim [numDimensions]float64
	var ok [numDimensions]bool
	s := e.score(a, i, &dim, &ok)
	a.scores[i] = s
	ac.n++
	ac.sum += s
	for d := range numDimensions {
		if ok[d] {
			ac.dimSum[d] += dim[d]
			ac.dimN[d]++
		}
	}
	ac.hist[min(9, int(s/10))]++
	base := i * a.words
	for ri := range e.rules {
		w, b := base+ri/64, uint64(1)<<(ri%64)
		if a.failed[w]&b != 0 {
			ac.failed[ri]++
		} else if a.passed[w]&b != 0 {
			ac.passed[ri]++
		}
	}
	for si, f := range e.cfg.SliceBy {
		v := "(missing)"
		if vs := e.env.present(r, f); len(vs) > 0 {
			v = trimSpace(vs[0])
		}
		sa := ac.slices[si][v]
		if sa == nil {
			sa = &sliceAcc{}
			ac.slices[si][v] = sa
		}
		sa.n++
		sa.sum += s
		for d := range numDimensions {
			if ok[d] {
				sa.dimSum[d] += dim[d]
				sa.dimN[d]++
			}
		}
	}
}

func (ac *accum) merge(b *accum) {
	for i := range ac.passed {
		ac.passed[i] += b.passed[i]
		ac.failed[i] += b.failed[i]
	}
	ac.n += b.n
	ac.sum += b.sum
	for d := range numDimensions {
		ac.dimSum[d] += b.dimSum[d]
		ac.dimN[d] += b.dimN[d]
	}
	for i := range ac.hist {
		ac.hist[i] += b.hist[i]
	}
	for si, m := range b.slices {
		// Merge in sorted key order so that float sums do not depend on map order.
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			x := m[k]
			sa := ac.slices[si][k]
			if sa == nil {
				sa = &sliceAcc{}
				ac.slices[si][k] = sa
			}
			sa.n += x.n
			sa.sum += x.sum
			for d := range numDimensions {
				sa.dimSum[d] += x.dimSum[d]
				sa.dimN[d] += x.dimN[d]
			}
		}
	}
}

func dimMap(sum [numDimensions]float64, n [numDimensions]int64) map[string]float64 {
	m := map[string]float64{}
	for d := range numDimensions {
		if n[d] > 0 {
			m[d.String()] = round(sum[d]/float64(n[d]), 2)
		}
	}
	return m
}

func (e *Engine) report(ac *accum, samples [][]sample, exactDups []int64, ids []string, health *IdentityHealth) *Report {
	r := &Report{
		Records:    int(ac.n),
		Score:      0, // no record: nothing to score (see Report.Score)
		Dimensions: dimMap(ac.dimSum, ac.dimN),
		Fields:     map[string]FieldCounts{},
		Rules:      []RuleReport{},
		Identity:   health,
	}
	if ac.n > 0 {
		r.Score = round(ac.sum/float64(ac.n), 2)
	}
	for _, f := range e.fields {
		r.Fields[f] = FieldCounts{}
	}
	for ri, rule := range e.rules {
		t := e.thresh[ri]
		if t == (Threshold{}) {
			t = DefaultThreshold()
		}
		p, f := ac.passed[ri], ac.failed[ri]
		rr := RuleReport{
			Name: rule.Name(), Dimension: rule.Dimension(), Field: rule.Field(),
			Passed: p, Failed: f, Skipped: ac.n - p - f,
			Status:          t.Status(p, p+f),
			Threshold:       ThresholdReport{Pass: t.Pass.String(), Warn: t.Warn.String()},
			ExactDuplicates: exactDups[ri],
		}
		if p+f > 0 {
			rr.Ratio = round(float64(p)/float64(p+f), 4)
		}
		for _, s := range samples[ri] {
			rr.Samples = append(rr.Samples, Sample{RecordID: ids[s.idx], Value: s.value})
		}
		r.Rules = append(r.Rules, rr)
		if fld := rule.Field(); fld != "" {
			fc := r.Fields[fld]
			fc.add(rule.Dimension(), f)
			r.Fields[fld] = fc
		}
	}
	var pooled [numDimensions + 1][2]int64
	for ri, rule := range e.rules {
		d := rule.Dimension()
		pooled[d][0] += ac.passed[ri]
		pooled[d][1] += ac.failed[ri]
		pooled[numDimensions][0] += ac.passed[ri]
		pooled[numDimensions][1] += ac.failed[ri]
	}
	r.Checks = map[string]CheckCounts{}
	for d := range numDimensions + 1 {
		p, f := pooled[d][0], pooled[d][1]
		name := "overall"
		if d < numDimensions {
			if p+f == 0 {
				continue
			}
			name = d.String()
		}
		c := CheckCounts{Passed: p, Failed: f, Status: e.cfg.Threshold.Status(p, p+f)}
		if p+f > 0 {
			c.Ratio = round(float64(p)/float64(p+f), 4)
		}
		r.Checks[name] = c
	}
	for i, h := range ac.hist {
		r.Histogram = append(r.Histogram, Bucket{From: i * 10, To: i*10 + 10, Records: h})
	}
	if len(e.cfg.SliceBy) > 0 {
		r.Slices = map[string]map[string]SliceReport{}
		for si, f := range e.cfg.SliceBy {
			m := map[string]SliceReport{}
			for v, sa := range ac.slices[si] {
				m[v] = SliceReport{Records: sa.n, Score: round(sa.sum/float64(sa.n), 2), Dimensions: dimMap(sa.dimSum, sa.dimN)}
			}
			r.Slices[f] = m
		}
	}
	return r
}

// ReadReport decodes a report written by WriteJSON, e.g. last month's, to
// Diff it with a new one.
func ReadReport(rd io.Reader) (*Report, error) {
	var r Report
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("quality: reading report: %w", err)
	}
	return &r, nil
}
