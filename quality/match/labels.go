package match

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/go-multierror"
)

// Label is a pair of records a person has decided: the same entity
// (Match true: confirmed) or not (rejected). In JSON it is
// {"a": ID, "b": ID, "match": true}.
type Label struct {
	A     string `json:"a"`
	B     string `json:"b"`
	Match bool   `json:"match"`
}

// Reasons a labelled pair scored as it did, as Explanation.Limit gives them.
const (
	// LimitConfirmed: a person confirmed the pair (Config.Labels); its
	// probability is 1 and it is merged whatever the guards say.
	LimitConfirmed = "confirmed by a person"
	// LimitRejected: a person rejected the pair, or another rejected pair
	// would have ended in one cluster had it been merged; its records stay
	// apart. A rejected pair's probability is 0.
	LimitRejected = "rejected by a person"
)

// labelPriorPairs is the weight, in labelled matches, of the EM estimate of
// m against the labelled matches when m is re-estimated with them: a few
// labels move m a little, many labels decide it.
const labelPriorPairs = 200

// resolveLabels maps the configured labels to packed pairs of d's records:
// confirmed and rejected. Unknown IDs and a pair labelled both ways are
// errors, every one of them reported.
func (m *Matcher) resolveLabels(d *dataset) (map[uint64]bool, error) {
	if len(m.o.labels) == 0 {
		return nil, nil
	}
	idx := make(map[string]int, d.n())
	for i, id := range d.ids {
		idx[id] = i
	}
	var errs *multierror.Error
	out := make(map[uint64]bool, len(m.o.labels))
	for k, l := range m.o.labels {
		a, okA := idx[l.A]
		b, okB := idx[l.B]
		switch {
		case !okA || !okB:
			missing := l.A
			if okA {
				missing = l.B
			}
			errs = multierror.Append(errs, configError(fmt.Sprintf("labels[%d] (%s, %s): no record %q", k, l.A, l.B, missing)))
			continue
		case a == b:
			errs = multierror.Append(errs, configError(fmt.Sprintf("labels[%d]: a record paired with itself (%s)", k, l.A)))
			continue
		}
		pk := pack(uint32(a), uint32(b))
		if prev, seen := out[pk]; seen && prev != l.Match {
			errs = multierror.Append(errs, configError(fmt.Sprintf("labels[%d] (%s, %s): labelled both a match and not", k, l.A, l.B)))
			continue
		}
		out[pk] = l.Match
	}
	return out, errs.ErrorOrNil()
}

// labelledPairs returns the packed pairs of labels, sorted.
func labelledPairs(labels map[uint64]bool) []uint64 {
	out := make([]uint64, 0, len(labels))
	for pk := range labels {
		out = append(out, pk)
	}
	slices.Sort(out)
	return out
}

// relearnM re-estimates the m probabilities of model with the confirmed
// pairs of labels (whose comparison patterns are gammas of pairs): at each
// field, the share of confirmed pairs at each level, blended with the EM
// estimate weighted as labelPriorPairs pairs. λ is then re-fitted over
// patterns with m and u fixed.
func (m *Matcher) relearnM(ctx context.Context, model *Model, labels map[uint64]bool, pairs, gammas []uint64, patterns map[uint64]float64) error {
	var confirmed []uint64
	for pk, same := range labels {
		if !same {
			continue
		}
		if i, ok := slices.BinarySearch(pairs, pk); ok {
			confirmed = append(confirmed, gammas[i])
		}
	}
	if len(confirmed) == 0 {
		return nil
	}
	for f := range model.Fields {
		p := &model.Fields[f]
		if len(p.M) < 2 {
			continue
		}
		counts := make([]float64, len(p.M))
		n := 0.0
		for _, g := range confirmed {
			if l := level(g, f); l > 0 && l < len(p.M) {
				counts[l]++
				n++
			}
		}
		if n == 0 {
			continue
		}
		for l := 1; l < len(p.M); l++ {
			p.M[l] = (counts[l] + labelPriorPairs*p.M[l]) / (n + labelPriorPairs)
		}
		normalise(p.M)
	}
	return emFit(ctx, model, patterns, m.o.emIter, false, false, m.vetoed)
}
