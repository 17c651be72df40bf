package main

import (
	"context"
	"fmt"
	"regexp"

	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/quality/match"
)

func init() {
	register(&command{
		name:    "eval",
		summary: "measure pairwise precision, recall and F1 of clusters against the truth",
		run:     runEval,
	})
}

const evalUsage = `--clusters clusters.csv (--truth truth.csv [--truth-id COLUMN] [--truth-column COLUMN] | --id-pattern REGEXP)

Compares the clusters written by "c360 dedupe" (record_id,cluster_id) with the
true entities, pair by pair: every two records in one cluster are a predicted
match, every two records of one entity a true match. The truth comes from a
CSV (default columns record_id and entity_id, as "c360 synth" writes them) or
from the record IDs themselves: --id-pattern takes the first group of a
regular expression as the entity, e.g. 'rec-(\d+)-' for FEBRL. Every record
must be in both files.`

func runEval(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "eval", evalUsage)
	clusters := fs.String("clusters", "", "clusters CSV with record_id,cluster_id (required)")
	truth := fs.String("truth", "", "truth CSV")
	truthID := fs.String("truth-id", "record_id", "record ID column of the truth CSV")
	truthCol := fs.String("truth-column", "entity_id", "entity column of the truth CSV")
	pattern := fs.String("id-pattern", "", "regular expression whose first group of a record ID is its entity")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *clusters == "" || (*truth == "") == (*pattern == "") {
		return usageError("--clusters and exactly one of --truth or --id-pattern are required")
	}
	var re *regexp.Regexp
	if *pattern != "" {
		var err error
		if re, err = regexp.Compile(*pattern); err != nil {
			return usageError("--id-pattern: %v", err)
		}
		if re.NumSubexp() < 1 {
			return usageError("--id-pattern %q has no group", *pattern)
		}
	}
	ct, err := readTwo(*clusters, "record_id", "cluster_id")
	if err != nil {
		return err
	}
	ids, pred := ct.keys, ct.vals
	want := make([]string, len(ids))
	if re != nil {
		for i, id := range ids {
			m := re.FindStringSubmatch(id)
			if m == nil {
				return fmt.Errorf("%s: line %d: record ID %q does not match --id-pattern", *clusters, ct.lines[i], id)
			}
			want[i] = m[1]
		}
	} else {
		tt, err := readTwo(*truth, *truthID, *truthCol)
		if err != nil {
			return err
		}
		byID := make(map[string]string, len(tt.keys))
		for i, k := range tt.keys {
			byID[k] = tt.vals[i]
		}
		for i, id := range ids {
			v, ok := byID[id]
			if !ok {
				return fmt.Errorf("%s: line %d: record %q is not in %s", *clusters, ct.lines[i], id, *truth)
			}
			want[i] = v
			delete(byID, id)
		}
		if len(byID) > 0 {
			for i, k := range tt.keys {
				if _, left := byID[k]; left {
					return fmt.Errorf("%s: line %d: record %q is not in %s (%d records missing)", *truth, tt.lines[i], k, *clusters, len(byID))
				}
			}
		}
	}
	s := match.Evaluate(want, pred)
	fmt.Fprintf(e.stdout, "records\t%d\ntrue_pairs\t%d\npredicted_pairs\t%d\ncorrect_pairs\t%d\nprecision\t%.4f\nrecall\t%.4f\nf1\t%.4f\n",
		len(ids), s.TruePairs, s.PredictedPairs, s.Correct, s.Precision, s.Recall, s.F1)
	return nil
}

type twoCols struct {
	keys, vals []string
	lines      []int
}

// readTwo reads a key column (unique) and a value column of a CSV.
func readTwo(path, key, val string) (*twoCols, error) {
	t, err := table.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := t.UniqueColumn(key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	v, err := t.Column(val)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := &twoCols{lines: t.Lines}
	for _, row := range t.Rows {
		out.keys = append(out.keys, row[k])
		out.vals = append(out.vals, row[v])
	}
	return out, nil
}
