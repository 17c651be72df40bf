package quality

import (
	"context"
	"fmt"

	"github.com/c360/c360/quality/match"
)

// DuplicateFinder finds likely duplicates among records: groups of records
// that probably describe one customer although no key equals. MatchFinder
// is the implementation over quality/match; a host may plug in its own
// (a service, a graph store). Clusters returns groups of record indexes
// (into recs) of two or more records, each record in at most one group.
type DuplicateFinder interface {
	Clusters(ctx context.Context, recs []Record) ([][]int, error)
}

// MatchFinder finds likely duplicates with quality/match: the records'
// values of Config.Fields (matched by name) are given to a match.Matcher
// built with Config, and its clusters of two or more records are returned.
type MatchFinder struct {
	Config match.Config
}

// Clusters implements DuplicateFinder. A record with several values of a
// field contributes the first.
func (m MatchFinder) Clusters(ctx context.Context, recs []Record) ([][]int, error) {
	mt, err := match.New(m.Config)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	fields := m.Config.Fields
	in := make([]match.Record, len(recs))
	for i, r := range recs {
		vals := make([]string, len(fields))
		for j, f := range fields {
			if vs := r.Values(f.Name); len(vs) > 0 {
				vals[j] = vs[0]
			}
		}
		in[i] = match.Record{ID: r.RecordID(), Values: vals}
	}
	res, err := mt.Dedupe(ctx, in)
	if err != nil {
		return nil, err
	}
	var out [][]int
	for _, c := range res.Clusters() {
		if len(c) > 1 {
			out = append(out, c)
		}
	}
	return out, nil
}

// IdentityHealth describes the identity graph that likely duplicates form:
// how many customers the records collapse to, and whether some clusters
// are suspiciously large (an over-merging rule, a shared placeholder).
type IdentityHealth struct {
	Records  int `json:"records"`
	Entities int `json:"entities"` // clusters, a record without duplicates counting as one
	// ConsolidationRate is 1 − Entities/Records: the share of records that
	// merge into another (rounded to 4 decimals).
	ConsolidationRate float64 `json:"consolidation_rate"`
	Clusters          int     `json:"clusters"`  // clusters of two or more records
	Largest           int     `json:"largest"`   // size of the largest cluster
	MaxSize           int     `json:"max_size"`  // the size above which a cluster is oversized
	Oversized         int     `json:"oversized"` // clusters larger than MaxSize
}

func newIdentityHealth(n int, clusters [][]int, maxSize int) *IdentityHealth {
	if maxSize <= 0 {
		maxSize = 10
	}
	h := &IdentityHealth{Records: n, Entities: n, Clusters: len(clusters), MaxSize: maxSize}
	for _, c := range clusters {
		h.Entities -= len(c) - 1
		h.Largest = max(h.Largest, len(c))
		if len(c) > maxSize {
			h.Oversized++
		}
	}
	if n > 0 {
		h.ConsolidationRate = round(1-float64(h.Entities)/float64(n), 4)
	}
	return h
}
