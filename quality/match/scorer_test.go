package match

import (
	"context"
	"math"
	"testing"

	"github.com/c360/c360/quality/match/synth"
	"github.com/google/go-cmp/cmp"
)

func synthRecords(t testing.TB, n int, locale synth.Locale) ([]Field, []Record) {
	t.Helper()
	header := synth.Header(locale)
	var recs []Record
	var sample [][]string
	err := synth.Generate(context.Background(), synth.Config{N: n, Seed: 7, Locale: locale}, func(r synth.Record) error {
		recs = append(recs, Record{ID: r.Values[0], Values: r.Values[1:]})
		if len(sample) < 200 {
			sample = append(sample, r.Values)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	kinds := InferKinds(header, sample)
	var fields []Field
	for i, h := range header[1:] {
		fields = append(fields, Field{Name: h, Kind: kinds[i+1]})
	}
	return fields, recs
}

// TestScorerAgreesWithDedupe checks that a Scorer with a batch's model gives
// every pair the batch scored the same probability (term frequencies off on
// both sides), and that every pair the batch compared shares a key.
func TestScorerAgreesWithDedupe(t *testing.T) {
	fields, recs := synthRecords(t, 2000, synth.Japanese)
	m, err := New(Config{Fields: fields, TermFrequency: new(false)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pairs) == 0 {
		t.Fatal("no pairs")
	}
	s, err := m.NewScorer(res.Model)
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]map[string]bool, len(recs))
	for i, r := range recs {
		ks, err := s.Keys(r)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = map[string]bool{}
		for _, k := range ks {
			keys[i][k] = true
		}
	}
	for _, p := range res.Pairs {
		got, err := s.Score(recs[p.A], []Record{recs[p.B]})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got[0].Probability-p.Probability) > 1e-9 {
			t.Errorf("pair %s-%s: Scorer p=%v, Dedupe p=%v", recs[p.A].ID, recs[p.B].ID, got[0].Probability, p.Probability)
		}
		shared := false
		for k := range keys[p.A] {
			shared = shared || keys[p.B][k]
		}
		if !shared {
			t.Errorf("pair %s-%s scored by Dedupe shares no key", recs[p.A].ID, recs[p.B].ID)
		}
	}
}

func TestScorerRefusesBadRecords(t *testing.T) {
	m, err := New(Config{Fields: []Field{{Name: "email", Kind: KindEmail}}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewScorer(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Keys(Record{ID: "a", Values: []string{"x", "y"}}); err == nil {
		t.Error("Keys accepted a record of the wrong width")
	}
	if _, err := s.Score(Record{Values: []string{"x"}}, nil); err == nil {
		t.Error("Score accepted a record without ID")
	}
	got, err := s.Score(Record{ID: "a", Values: []string{"Taro@Example.jp"}}, []Record{{ID: "b", Values: []string{"taro@example.jp"}}, {ID: "c", Values: []string{"hanako@example.jp"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Probability < 0.9 || got[1].Probability > 0.5 {
		t.Errorf("prior model: same e-mail p=%v, different p=%v", got[0].Probability, got[1].Probability)
	}
}

// TestMatchAgreesWithScore checks that Match on prepared records returns
// exactly the candidates Score rates at or above the floor and not vetoed,
// with the same explanations and conflicts.
func TestMatchAgreesWithScore(t *testing.T) {
	fields, recs := synthRecords(t, 600, synth.Japanese)
	m, err := New(Config{Fields: fields, TermFrequency: new(false)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewScorer(res.Model)
	if err != nil {
		t.Fatal(err)
	}
	preps := make([]*Prepared, len(recs))
	for i, r := range recs {
		if preps[i], err = s.Prepare(r); err != nil {
			t.Fatal(err)
		}
	}
	const floor = 0.5
	found := 0
	for i := 0; i+40 < len(recs); i += 37 {
		cands := recs[i+1 : i+40]
		all, err := s.Score(recs[i], cands)
		if err != nil {
			t.Fatal(err)
		}
		var want []Scored
		for k, sd := range all {
			if !sd.Vetoed && sd.Probability >= floor {
				sd.Index = k
				want = append(want, sd)
			}
		}
		got := s.Match(preps[i], preps[i+1:i+40], floor)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("record %d: Match differs from Score (-Score +Match):\n%s", i, diff)
		}
		for k := range cands {
			if c, _ := s.Conflict(recs[i], cands[k]); c != s.ConflictOf(preps[i], preps[i+1+k]) {
				t.Errorf("Conflict and ConflictOf disagree on %s-%s", recs[i].ID, cands[k].ID)
			}
		}
		found += len(got)
	}
	// Records side by side in a shuffled file are rarely matches; make sure
	// the comparison saw some.
	for _, p := range res.Pairs[:min(50, len(res.Pairs))] {
		got := s.Match(preps[p.A], []*Prepared{preps[p.B]}, 0)
		if len(got) != 1 || math.Abs(got[0].Probability-p.Probability) > 1e-9 {
			t.Errorf("pair %d-%d: Match %+v, Dedupe p=%v", p.A, p.B, got, p.Probability)
		}
	}
	t.Logf("%d candidates above %.1f in windows", found, floor)
}
