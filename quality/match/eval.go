package match

// Scores are pairwise accuracy figures: every pair of records placed in one
// cluster counts as a predicted match, every pair sharing a true entity as a
// true match.
type Scores struct {
	TruePairs      int64 // pairs in the same true entity
	PredictedPairs int64 // pairs in the same predicted cluster
	Correct        int64 // pairs in both
	Precision      float64
	Recall         float64
	F1             float64
}

// Evaluate compares predicted cluster labels with true entity labels, one of
// each per record (equal strings = same cluster or entity). Slices of
// different lengths are compared over the shorter one.
// Precision (recall) is 1 when there are no predicted (true) pairs.
func Evaluate(truth, predicted []string) Scores {
	n := min(len(truth), len(predicted))
	type cell struct{ t, p string }
	ct, cp, cc := map[string]int64{}, map[string]int64{}, map[cell]int64{}
	for i := range n {
		ct[truth[i]]++
		cp[predicted[i]]++
		cc[cell{truth[i], predicted[i]}]++
	}
	pairs := func(c int64) int64 { return c * (c - 1) / 2 }
	var s Scores
	for _, c := range ct {
		s.TruePairs += pairs(c)
	}
	for _, c := range cp {
		s.PredictedPairs += pairs(c)
	}
	for _, c := range cc {
		s.Correct += pairs(c)
	}
	s.Precision, s.Recall = 1, 1
	if s.PredictedPairs > 0 {
		s.Precision = float64(s.Correct) / float64(s.PredictedPairs)
	}
	if s.TruePairs > 0 {
		s.Recall = float64(s.Correct) / float64(s.TruePairs)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	return s
}
