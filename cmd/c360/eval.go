package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/c360/c360/quality/match"
)

func init() {
	register(&command{
		name:    "eval",
		summary: "measure pairwise precision, recall and F1 of clusters or links against the truth",
		run:     runEval,
	})
}

const evalUsage = `--clusters clusters.csv TRUTH
       c360 eval --links links.csv --left A.csv --right B.csv --id COLUMN TRUTH
where TRUTH is --truth truth.csv [--truth-id COLUMN] [--truth-column COLUMN]
            or --id-pattern REGEXP

Compares the clusters written by "c360 dedupe" (record_id,cluster_id) with the
true entities, pair by pair: every two records in one cluster are a predicted
match, every two records of one entity a true match.

With --links, compares the links written by "c360 link" (left_id,right_id;
other columns are ignored) with the true entities instead: every link is a
predicted match, every (left, right) pair of records of one entity a true
match; pairs within one file do not count. A.csv and B.csv are the files given
to "c360 link", with the same --id; they say which records there are on each
side. The output also gives max_recall_one_to_one, the highest recall that
one-to-one links (--one-to-one) can reach: an entity with 1 record on the left
and 3 on the right has 3 true pairs but only 1 one-to-one link.

The truth comes from a CSV (default columns record_id and entity_id, as
"c360 synth" writes them; with --links the same CSV covers both sides) or from
the record IDs themselves: --id-pattern takes the first group of a regular
expression as the entity, e.g. 'rec-(\d+)-' for FEBRL. Every record must be in
both the truth and the clusters (or the left or right file), with a non-empty
entity and a non-empty cluster_id. The figures go to standard output as
name<TAB>value lines.`

func runEval(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "eval", evalUsage)
	clusters := fs.String("clusters", "", "clusters CSV with record_id,cluster_id")
	links := fs.String("links", "", "links CSV with left_id,right_id (as c360 link writes it)")
	left := fs.String("left", "", "with --links: the left CSV that was linked")
	right := fs.String("right", "", "with --links: the right CSV that was linked")
	id := fs.String("id", "", "with --links: the record ID column of the left and right CSV")
	truthPath := fs.String("truth", "", "truth CSV")
	truthID := fs.String("truth-id", "record_id", "record ID column of the truth CSV")
	truthCol := fs.String("truth-column", "entity_id", "entity column of the truth CSV")
	pattern := fs.String("id-pattern", "", "regular expression whose first group of a record ID is its entity")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if (*clusters == "") == (*links == "") {
		return usageError("exactly one of --clusters or --links is required")
	}
	if (*truthPath == "") == (*pattern == "") {
		return usageError("exactly one of --truth or --id-pattern is required")
	}
	if *links != "" && (*left == "" || *right == "" || *id == "") {
		return usageError("--links needs --left, --right and --id")
	}
	if *clusters != "" && (*left != "" || *right != "" || *id != "") {
		return usageError("--left, --right and --id go with --links, not --clusters")
	}
	tr, err := loadTruth(*truthPath, *truthID, *truthCol, *pattern)
	if err != nil {
		return err
	}
	if *links != "" {
		return evalLinks(e, tr, *links, *left, *right, *id)
	}
	ct, err := readTwo(*clusters, "record_id", "cluster_id")
	if err != nil {
		return err
	}
	ids, pred := ct.keys, ct.vals
	want := make([]string, len(ids))
	for i, id := range ids {
		if pred[i] == "" {
			// Not a cluster of its own: all blanks would count as one cluster.
			return fmt.Errorf("%s: line %d: record %q has an empty cluster_id", *clusters, ct.lines[i], id)
		}
		if want[i], err = tr.entity(id); err != nil {
			return fmt.Errorf("%s: line %d: %w", *clusters, ct.lines[i], err)
		}
	}
	if err := tr.allUsed(*clusters); err != nil {
		return err
	}
	s := match.Evaluate(want, pred)
	fmt.Fprintf(e.stdout, "records\t%d\ntrue_pairs\t%d\npredicted_pairs\t%d\ncorrect_pairs\t%d\nprecision\t%.4f\nrecall\t%.4f\nf1\t%.4f\n",
		len(ids), s.TruePairs, s.PredictedPairs, s.Correct, s.Precision, s.Recall, s.F1)
	return nil
}

// truth gives each record ID its true entity, from a truth CSV or from a
// pattern over the ID.
type truth struct {
	re   *regexp.Regexp // --id-pattern, or nil
	path string         // --truth
	t    *twoCols
	byID map[string]string
	used map[string]bool // IDs looked up (truth CSV only)
}

// loadTruth reads the truth CSV at path or compiles pattern (exactly one is
// set).
func loadTruth(path, idCol, entityCol, pattern string) (*truth, error) {
	if pattern != "" {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, usageError("--id-pattern: %v", err)
		}
		if re.NumSubexp() < 1 {
			return nil, usageError("--id-pattern %q has no group", pattern)
		}
		return &truth{re: re}, nil
	}
	t, err := readTwo(path, idCol, entityCol)
	if err != nil {
		return nil, err
	}
	tr := &truth{path: path, t: t, byID: make(map[string]string, len(t.keys)), used: make(map[string]bool, len(t.keys))}
	for i, k := range t.keys {
		tr.byID[k] = t.vals[i]
	}
	return tr, nil
}

// errEmptyEntity reports a record whose true entity is the empty string: it
// cannot be compared with any other record.
var errEmptyEntity = errors.New("empty entity")

// entity returns the true entity of the record id. The error says why there
// is none; the caller adds where the ID was read.
func (tr *truth) entity(id string) (string, error) {
	var ent string
	if tr.re != nil {
		m := tr.re.FindStringSubmatch(id)
		if m == nil {
			return "", fmt.Errorf("record ID %q does not match --id-pattern", id)
		}
		ent = m[1]
	} else {
		v, ok := tr.byID[id]
		if !ok {
			return "", fmt.Errorf("record %q is not in %s", id, tr.path)
		}
		tr.used[id] = true
		ent = v
	}
	if ent == "" {
		return "", fmt.Errorf("record %q: %w", id, errEmptyEntity)
	}
	return ent, nil
}

// allUsed returns an error naming the first record of the truth CSV that was
// never looked up, that is, missing from where (the other input).
func (tr *truth) allUsed(where string) error {
	if tr.re != nil || len(tr.used) == len(tr.byID) {
		return nil
	}
	for i, k := range tr.t.keys {
		if !tr.used[k] {
			return fmt.Errorf("%s: line %d: record %q is not in %s (%d records missing)", tr.path, tr.t.lines[i], k, where, len(tr.byID)-len(tr.used))
		}
	}
	return nil
}

type twoCols struct {
	keys, vals []string
	lines      []int
}

// readTwo reads a key column (unique) and a value column of a CSV.
func readTwo(path, key, val string) (*twoCols, error) {
	t, err := readTable(path)
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
