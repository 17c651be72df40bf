package match

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// placeModel is a model over the given kinds whose every field weighs 8
// bits at the exact level and -2 bits in disagreement (m and u chosen so).
func placeModel(kinds ...Kind) *Model {
	var fs []Field
	for _, k := range kinds {
		fs = append(fs, Field{Name: k.String(), Kind: k})
	}
	m := initialModel(fs)
	for f := range m.Fields {
		p := &m.Fields[f]
		last := len(p.M) - 1
		for l := 1; l <= last; l++ {
			p.M[l], p.U[l] = 0.01, 0.01
		}
		p.M[1], p.U[1] = 0.64, 0.0025
		p.M[last], p.U[last] = 0.2, 0.8
	}
	return m
}

// Place fields that say the same thing count once in agreement: a whole
// address that agrees says where its postal code and region are; a street
// line does not say which postal code it is in, so both count, and a region
// counts nothing once a finer field agrees.
func TestCountedPlaceAgreementOnce(t *testing.T) {
	const ex, dis = 8.0, -2.0
	tests := []struct {
		name   string
		kinds  []Kind
		levels []int // per field: 1 exact, 0 missing, last = disagree
		want   []float64
	}{
		{"address, postal code and region agree: one of address and postal code counts (the first of equals)",
			[]Kind{KindFamilyName, KindPostalCode, KindRegion, KindAddress}, []int{1, 1, 1, 1}, []float64{ex, ex, 0, 0}},
		{"postal code agrees, address disagrees: postal code counts, region does not",
			[]Kind{KindFamilyName, KindPostalCode, KindRegion, KindAddress}, []int{1, 1, 1, 4}, []float64{ex, ex, 0, dis}},
		{"only the region agrees: it counts",
			[]Kind{KindFamilyName, KindPostalCode, KindRegion, KindAddress}, []int{1, 0, 1, 0}, []float64{ex, 0, ex, 0}},
		{"street and postal code agree (no whole address): both count",
			[]Kind{KindStreet, KindLocality, KindPostalCode, KindRegion}, []int{1, 1, 1, 1}, []float64{ex, ex, ex, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			model := placeModel(tt.kinds...)
			s := newScorer(model, nil, false)
			var g uint64
			vals := make([]value, len(tt.kinds))
			for f, l := range tt.levels {
				if l == 4 {
					l = len(model.Fields[f].M) - 1
				}
				g |= uint64(l) << (4 * uint(f))
				vals[f] = value{key: "x"}
			}
			ws := make([]float64, len(tt.kinds))
			total := s.counted(vals, vals, g, ws)
			round := cmpopts.EquateApprox(0, 1e-9)
			if diff := cmp.Diff(tt.want, ws, round); diff != "" {
				t.Errorf("counted weights (-want +got):\n%s", diff)
			}
			sum := 0.0
			for _, w := range tt.want {
				sum += w
			}
			if math.Abs(total-sum) > 1e-9 {
				t.Errorf("total %v, want the sum of the counted weights %v", total, sum)
			}
		})
	}
}

// A model estimated among candidates is scored over all pairs: u from random
// pairs, λ the expected matches among candidates over all pairs; the
// candidates' u and λ stay for the guards.
func TestOverAllPairs(t *testing.T) {
	m := placeModel(KindEmail, KindPostalCode)
	m.Lambda = 0.5
	candU := [][]float64{clone(m.Fields[0].U), clone(m.Fields[1].U)}
	randomU := [][]float64{{0, 1e-6, 1e-5, 1 - 1.1e-5}, {0, 1e-4, 1e-3, 1 - 1.1e-3}}
	m.overAllPairs(randomU, 1000, 1e6)
	if got, want := m.Lambda, 0.5*1000/1e6; math.Abs(got-want) > 1e-15 {
		t.Errorf("λ = %v, want %v", got, want)
	}
	if m.CandidateLambda != 0.5 {
		t.Errorf("CandidateLambda = %v, want 0.5", m.CandidateLambda)
	}
	for f := range m.Fields {
		if diff := cmp.Diff(randomU[f], m.Fields[f].U); diff != "" {
			t.Errorf("field %d: U (-want +got):\n%s", f, diff)
		}
		if diff := cmp.Diff(candU[f], m.Fields[f].CandidateU); diff != "" {
			t.Errorf("field %d: CandidateU (-want +got):\n%s", f, diff)
		}
	}
	g := m.guardModel()
	if g.Lambda != 0.5 || cmp.Diff(candU[0], g.Fields[0].U) != "" {
		t.Errorf("guardModel: λ %v, u %v; want the candidates' 0.5 and %v", g.Lambda, g.Fields[0].U, candU[0])
	}
	if cmp.Diff(randomU[0], m.Fields[0].U) != "" {
		t.Errorf("guardModel changed the model's own u to %v", m.Fields[0].U)
	}
	// An exact e-mail now weighs log2(m/u) over random pairs: about 19 bits,
	// not the few bits it weighs among candidates that share one.
	if w := m.Weight(0, 1); w < 19 {
		t.Errorf("exact e-mail weighs %.1f bits, want ≥ 19", w)
	}
}

func clone(x []float64) []float64 { return append([]float64(nil), x...) }

// The kana fields read the family and given names, in order, even when a
// whole name (in Latin script) is there too, as in SourceFields: a family
// name's reading that agrees repeats the family name's evidence.
func TestReadingsOfSourceFields(t *testing.T) {
	var kinds []Kind
	for _, f := range SourceFields() {
		kinds = append(kinds, f.Kind.matchAs())
	}
	got := readings(kinds)
	want := make([]int, len(kinds))
	for i := range want {
		want[i] = -1
	}
	want[2], want[3] = 0, 1 // family_kana reads family_name, given_kana given_name
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("readings (-want +got):\n%s", diff)
	}
}

// The exact level of the random-pair u counts pairs of records sharing a
// value; the expected matching pairs among them (m of the matches whose
// values are both present) are taken out, and the other levels take up the
// difference.
func TestWithoutMatches(t *testing.T) {
	m := placeModel(KindEmail)
	m.Fields[0].M = []float64{0, 0.8, 0.1, 0.1}
	d := &dataset{nonMis: []int{1001}} // 500,500 pairs of present values
	present := 1001.0 * 1000 / 2
	u := [][]float64{{0, 1000 / present, 0.01, 1 - 0.01 - 1000/present}} // 1,000 pairs agree
	// 1,100 matching pairs among 2,002,000 pairs: 275 with both present,
	// 220 of them agreeing; 780 agreeing pairs are left for 500,225.
	d.withoutMatches(m, u, 1100, 4*present)
	want := []float64{0, 780 / (present - 275)}
	rest := 1 - want[1]
	want = append(want, 0.01*rest/(1-1000/present), (1-0.01-1000/present)*rest/(1-1000/present))
	if diff := cmp.Diff(want, u[0], cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("u (-want +got):\n%s", diff)
	}
}
