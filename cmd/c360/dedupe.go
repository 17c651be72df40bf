package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/quality/match"
	"github.com/hashicorp/go-multierror"
)

func init() {
	register(&command{
		name:    "dedupe",
		summary: "find duplicate records in a CSV file and cluster them",
		run:     runDedupe,
	})
}

const dedupeUsage = `--input FILE.csv --id COLUMN [--field COLUMN=KIND ...] [--threshold P]
       [--config match.json] --output clusters.csv [--pairs pairs.csv] [--truth truth.csv]
       [--report report.html] [--labels labels.csv]

Clusters the records of FILE.csv that describe the same entity. KIND is one of
given_name, family_name, person_name, name_kana, company, email, phone,
postal_code, address, street, locality, region, date, id, number, text, exact.
Without --field, kinds are inferred from header names and values, and the
inference is printed on standard error; a free-text column whose values
average more than 64 characters is left out (ignore(long text)): name it with
--field to use it. clusters.csv gets record_id,cluster_id with every record
once (a header-only input gives a header-only file); pairs.csv gets
left_id,right_id,probability and each field's contribution in bits, for every
pair at or above the review threshold. With --truth (record_id,entity_id, as
"c360 synth" writes it) the share of true pairs kept by blocking and the
pairwise precision, recall and F1 are printed too. --report writes a
self-contained HTML page (inline SVG charts, no script, nothing fetched) for
a data steward: the candidate pairs of each blocking rule, the learnt m and u
of each field and level, the match-weight distribution, the precision and
recall the model expects at each threshold, the contributions of sampled
pairs, and the cluster sizes with the largest clusters.

--labels names pairs a person has decided, as CSV with the columns
left_id,right_id,label (label "match" or "1": the same entity; "nonmatch" or
"0": not; case and surrounding spaces do not matter), IDs as in the ID column.
A confirmed pair is merged and, with the others, re-estimates the model's m;
a rejected pair is never put in one cluster, even through other records.
Labels add to those of the configuration (match.Config's "labels").

Nothing is written when the input is malformed: outputs are written under a
temporary name and renamed into place (a symbolic link, /dev/stdout or another
non-regular file is written in place instead). An output that is also an input,
or two outputs naming one file, are refused.

match.json is the library's match.Config (every key optional; --field and
--threshold override it):
  {"fields": [{"column": "氏名", "kind": "person_name"}, ...],
   "threshold": 0.7, "review_threshold": 0.5, "block_cap": 100,
   "max_cluster_size": 1000, "guards": ["法人番号"], "term_frequency": true,
   "blocking": [["email"], ["postal", "family"]],
   "rules": [{"name": "same e-mail", "criteria": [{"field": "email",
              "method": "normalized"}]}],
   "one_to_one": false, "window": 8, "seed": 1, "workers": 0,
   "random_pairs": 300000,
   "labels": [{"a": "R1", "b": "R7", "match": true}]}
"guards": [] turns the guards off; "rules" switches to deterministic matching (methods exact, normalized,
fuzzy with "threshold", and "match_blank").`

// readConfig reads a match.json configuration (match.Config, read by
// match.LoadConfig); an empty path means none.
func readConfig(path string) (match.Config, error) {
	if path == "" {
		return match.Config{}, nil // no --config: the defaults
	}
	f, err := os.Open(path)
	if err != nil {
		return match.Config{}, err
	}
	defer f.Close()
	c, err := match.LoadConfig(f)
	if err != nil {
		return match.Config{}, fmt.Errorf("config %s: %w", path, oneLine{err})
	}
	return c, nil
}

// loadedTable is an input CSV with its ID column checked.
type loadedTable struct {
	path string
	t    *table.Table
	id   int
}

func loadTable(path, idCol string) (*loadedTable, error) {
	t, err := readTable(path)
	if err != nil {
		return nil, err
	}
	id, err := t.UniqueColumn(idCol)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &loadedTable{path: path, t: t, id: id}, nil
}

// readTable reads a whole CSV file. Invalid UTF-8 most often means a
// Shift_JIS export (Excel's default in Japan): table's error says how to
// convert.
func readTable(path string) (*table.Table, error) {
	return table.ReadFile(path)
}

// fieldPlan is the chosen columns and kinds.
type fieldPlan struct {
	names []string
	kinds []match.Kind
}

// longTextRunes is the mean length above which an inferred free-text column
// is left out: notes and comments rarely identify anyone, and the matcher
// grades long values on their first 64 characters only, so such a column
// adds noise more than evidence. Name the column with --field to use it
// anyway.
const longTextRunes = 64

// planFields returns the fields from --field flags, the config, or inference
// over lt's header (printed to w). The inference samples the values of lt
// and then of more (same column names), so that a header-only lt still gets
// its kinds from the other file. With no --field, no usable column and no
// rows at all, the plan is empty and the caller writes empty outputs.
func planFields(flags []string, cfg match.Config, lt *loadedTable, w io.Writer, more ...*loadedTable) (*fieldPlan, error) {
	p := &fieldPlan{}
	switch {
	case len(flags) > 0:
		for _, fl := range flags {
			// The last "=": a kind never holds one, a header name might.
			i := strings.LastIndexByte(fl, '=')
			col, kind, ok := fl[:max(i, 0)], fl[i+1:], i >= 0
			if !ok {
				return nil, usageError("--field %q: want COLUMN=KIND", fl)
			}
			k, err := match.ParseKind(strings.TrimSpace(kind))
			if err != nil {
				return nil, usageError("--field %q: %v", fl, err)
			}
			p.names = append(p.names, strings.TrimSpace(col))
			p.kinds = append(p.kinds, k)
		}
	case len(cfg.Fields) > 0:
		for _, f := range cfg.Fields {
			p.names = append(p.names, f.Name)
			p.kinds = append(p.kinds, f.Kind)
		}
	default:
		var header []string
		var cols []int
		for c, h := range lt.t.Header {
			if c != lt.id {
				header = append(header, h)
				cols = append(cols, c)
			}
		}
		const sampleSize = 2000
		var sample [][]string
		rows := 0
		for _, t := range append([]*loadedTable{lt}, more...) {
			tcols := make([]int, len(cols))
			for k := range cols {
				c, err := t.t.Column(header[k])
				if err != nil {
					c = -1 // reported later, when records are built
				}
				tcols[k] = c
			}
			rows += len(t.t.Rows)
			for _, r := range t.t.Rows[:min(len(t.t.Rows), sampleSize-len(sample))] {
				row := make([]string, len(cols))
				for k, c := range tcols {
					if c >= 0 {
						row[k] = r[c]
					}
				}
				sample = append(sample, row)
			}
		}
		kinds := match.InferKinds(header, sample)
		var shown []string
		for i, k := range kinds {
			show := header[i] + "=" + k.String()
			if k == match.KindText && meanRunes(sample, i) > longTextRunes {
				k = match.KindIgnore
				show = header[i] + "=ignore(long text)"
			}
			shown = append(shown, show)
			if k != match.KindIgnore {
				p.names = append(p.names, header[i])
				p.kinds = append(p.kinds, k)
			}
		}
		fmt.Fprintf(w, "inferred fields (override with --field COLUMN=KIND): %s\n", strings.Join(shown, " "))
		if len(p.names) == 0 && rows > 0 {
			return nil, errors.New("no column could be used for matching; name them with --field COLUMN=KIND")
		}
	}
	for _, n := range p.names {
		if n == lt.t.Header[lt.id] {
			return nil, usageError("--field %q is the ID column", n)
		}
	}
	return p, nil
}

// meanRunes returns the mean length in characters of the non-empty values
// of column c of sample.
func meanRunes(sample [][]string, c int) float64 {
	n, total := 0, 0
	for _, row := range sample {
		if v := row[c]; v != "" {
			n++
			total += utf8.RuneCountInString(v)
		}
	}
	if n == 0 {
		return 0
	}
	return float64(total) / float64(n)
}

// records turns a table into match records for the planned fields.
func (p *fieldPlan) records(lt *loadedTable) ([]match.Record, error) {
	cols := make([]int, len(p.names))
	for i, n := range p.names {
		c, err := lt.t.Column(n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", lt.path, err)
		}
		cols[i] = c
	}
	recs := make([]match.Record, len(lt.t.Rows))
	for r, row := range lt.t.Rows {
		v := make([]string, len(cols))
		for i, c := range cols {
			v[i] = row[c]
		}
		recs[r] = match.Record{ID: row[lt.id], Values: v}
	}
	return recs, nil
}

func (p *fieldPlan) fields() []match.Field {
	fs := make([]match.Field, len(p.names))
	for i := range fs {
		fs[i] = match.Field{Name: p.names[i], Kind: p.kinds[i]}
	}
	return fs
}

// matcherConfig is cfg with the planned fields, the flags' overrides and,
// for a large input, progress printed on stderr.
func matcherConfig(cfg match.Config, plan *fieldPlan, threshold float64, stderr io.Writer, n int) match.Config {
	cfg.Fields = plan.fields()
	if threshold > 0 {
		cfg.Threshold = threshold
	}
	if n >= 50000 {
		start := time.Now()
		cfg.Progress = func(p match.Progress) {
			fmt.Fprintf(stderr, "%6.1fs %-8s %d\n", time.Since(start).Seconds(), p.Stage, p.Done)
		}
	}
	return cfg
}

func fmtProb(p float64) string { return strconv.FormatFloat(p, 'f', 6, 64) }

func runDedupe(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "dedupe", dedupeUsage)
	input := fs.String("input", "", "input CSV file (required)")
	id := fs.String("id", "", "column holding the record ID (required)")
	var fields multiFlag
	fs.Var(&fields, "field", "COLUMN=KIND, repeatable; only these columns are used")
	threshold := fs.Float64("threshold", 0, "match probability threshold (default 0.7)")
	config := fs.String("config", "", "JSON configuration (fields, thresholds, rules, blocking)")
	output := fs.String("output", "", "clusters CSV to write (required)")
	pairs := fs.String("pairs", "", "pairs CSV to write")
	truthPath := fs.String("truth", "", "truth CSV (record_id,entity_id): report blocking pair recall and F1")
	reportPath := fs.String("report", "", "HTML report to write")
	labelsPath := fs.String("labels", "", "labelled pairs CSV (left_id,right_id,label with match/nonmatch or 1/0)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *input == "" || *id == "" || *output == "" {
		return usageError("--input, --id and --output are required")
	}
	if err := checkThreshold(fs, *threshold); err != nil {
		return err
	}
	if err := checkPaths(map[string]string{"input": *input, "config": *config, "truth": *truthPath, "labels": *labelsPath},
		map[string]string{"output": *output, "pairs": *pairs, "report": *reportPath}); err != nil {
		return err
	}
	cfg, err := readConfig(*config)
	if err != nil {
		return err
	}
	// The truth file is read while the input is.
	type twoResult struct {
		t   *twoCols
		err error
	}
	truthCh := make(chan twoResult, 1)
	if *truthPath != "" {
		go func() {
			tt, err := readTwo(*truthPath, "record_id", "entity_id")
			truthCh <- twoResult{tt, err}
		}()
	}
	lt, err := loadTable(*input, *id)
	if err != nil {
		return err
	}
	plan, err := planFields(fields, cfg, lt, e.stderr)
	if err != nil {
		return err
	}
	recs, err := plan.records(lt)
	if err != nil {
		return err
	}
	lt.t.Rows = nil // the records hold what is used; the rest can go
	if len(recs) == 0 {
		// A header-only input: every record (none) listed once.
		return writeEmpty(e.stderr, plan, *output, *pairs)
	}
	if *labelsPath != "" {
		labels, err := readLabels(*labelsPath, recs)
		if err != nil {
			return err
		}
		cfg.Labels = append(cfg.Labels, labels...)
	}
	m, err := match.New(matcherConfig(cfg, plan, *threshold, e.stderr, len(recs)))
	if err != nil {
		return fmt.Errorf("matching setup (--field, --threshold, --config): %w", oneLine{err})
	}
	var truth []string
	if *truthPath != "" {
		r := <-truthCh
		if r.err != nil {
			return r.err
		}
		tt := r.t
		byID := make(map[string]string, len(tt.keys))
		for i, k := range tt.keys {
			byID[k] = tt.vals[i]
		}
		truth = make([]string, len(recs))
		for i, r := range recs {
			v, ok := byID[r.ID]
			if !ok {
				return fmt.Errorf("%s: line %d: record %q is not in %s", *input, lt.t.Lines[i], r.ID, *truthPath)
			}
			truth[i] = v
		}
	}
	start := time.Now()
	var res *match.Result
	if truth != nil {
		res, err = m.DedupeLabelled(ctx, recs, truth)
	} else {
		res, err = m.Dedupe(ctx, recs)
	}
	if err != nil {
		return err
	}
	var scores chan match.Scores
	if truth != nil {
		// Evaluated while the outputs are written.
		scores = make(chan match.Scores, 1)
		go func() {
			pred := make([]string, len(res.ClusterOf))
			for i, c := range res.ClusterOf {
				pred[i] = strconv.Itoa(c)
			}
			scores <- match.Evaluate(truth, pred)
		}()
	}
	out, err := createAtomic(*output)
	if err != nil {
		return err
	}
	out.csv.Write([]string{"record_id", "cluster_id"})
	clusters := res.Clusters()
	for i, c := range res.ClusterOf {
		out.csv.Write([]string{recs[i].ID, recs[clusters[c][0]].ID})
	}
	var pf *atomicFile
	if *pairs != "" {
		if pf, err = createAtomic(*pairs); err != nil {
			out.abort()
			return err
		}
		writePairs(pf.csv, res, plan, recs, recs)
	}
	var rf *atomicFile
	if *reportPath != "" {
		if rf, err = createAtomic(*reportPath); err != nil {
			out.abort()
			if pf != nil {
				pf.abort()
			}
			return err
		}
		if err := res.WriteHTML(rf.w); err != nil {
			out.abort()
			rf.abort()
			if pf != nil {
				pf.abort()
			}
			return fmt.Errorf("%s: %w", *reportPath, err)
		}
	}
	for _, f := range []*atomicFile{pf, rf} {
		if f != nil {
			if err := f.commit(); err != nil {
				out.abort()
				return err
			}
		}
	}
	if err := out.commit(); err != nil {
		return err
	}
	st := res.Stats
	fmt.Fprintf(e.stderr, "%d records, %d candidate pairs, %d matches, %d in review, %d clusters (largest %d), %d guard refusals, %.1fs\n",
		st.Records, st.CandidatePairs, st.Matches, st.Reviews, st.Clusters, st.LargestCluster, st.GuardRefusals, time.Since(start).Seconds())
	reportCaps(e.stderr, st)
	if truth != nil {
		sc := <-scores
		fmt.Fprintf(e.stderr, "blocking kept %.4f of true pairs; precision %.4f recall %.4f F1 %.4f\n", st.PairRecall, sc.Precision, sc.Recall, sc.F1)
	}
	return nil
}

// checkThreshold refuses a --threshold outside (0, 1]; left unset (0), the
// configuration or the default applies.
func checkThreshold(fs *flag.FlagSet, p float64) error {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "threshold" })
	if (set || p != 0) && !(p > 0 && p <= 1) {
		return usageError("--threshold %v not in (0, 1]", p)
	}
	return nil
}

// writeEmpty writes the header-only outputs of an input without records:
// clusters (or links) at output and, if named, pairs.
func writeEmpty(w io.Writer, plan *fieldPlan, output, pairs string) error {
	out, err := createAtomic(output)
	if err != nil {
		return err
	}
	out.csv.Write([]string{"record_id", "cluster_id"})
	if pairs != "" {
		if err := writeEmptyPairs(pairs, plan.names); err != nil {
			out.abort()
			return err
		}
	}
	if err := out.commit(); err != nil {
		return err
	}
	fmt.Fprintln(w, "0 records, 0 clusters")
	return nil
}

// writeEmptyPairs writes a pairs file holding only its header.
func writeEmptyPairs(path string, names []string) error {
	pf, err := createAtomic(path)
	if err != nil {
		return err
	}
	pf.csv.Write(append([]string{"left_id", "right_id", "probability"}, names...))
	return pf.commit()
}

func reportCaps(w io.Writer, st match.Stats) {
	if len(st.Capped) > 0 {
		fmt.Fprintf(w, "%d blocks over the cap were paired by sorted neighbourhood only; largest:", len(st.Capped))
		for _, c := range st.Capped[:min(3, len(st.Capped))] {
			fmt.Fprintf(w, " %s (%d records, e.g. %s)", c.Rule, c.Records, c.Example)
		}
		fmt.Fprintln(w)
	}
	if len(st.Oversized) > 0 {
		fmt.Fprintf(w, "%d oversized clusters\n", len(st.Oversized))
	}
}

// writePairs writes left_id,right_id,probability and one contribution
// column per field.
func writePairs(w *csv.Writer, res *match.Result, plan *fieldPlan, left, right []match.Record) {
	header := []string{"left_id", "right_id", "probability"}
	header = append(header, plan.names...)
	w.Write(header)
	row := make([]string, len(header))
	for _, p := range res.Pairs {
		ex, _ := res.Explain(p.A, p.B)
		row = row[:3]
		row[0], row[1], row[2] = left[p.A].ID, right[p.B].ID, fmtProb(p.Probability)
		byName := make(map[string]float64, len(ex.Fields))
		for _, c := range ex.Fields {
			byName[c.Field] = c.Weight
		}
		for _, n := range plan.names {
			row = append(row, strconv.FormatFloat(byName[n], 'f', 3, 64))
		}
		w.Write(row)
	}
}

// readLabels reads a labels CSV (left_id,right_id,label: match/nonmatch or
// 1/0) naming records of recs. Every bad line is reported, with its number.
func readLabels(path string, recs []match.Record) ([]match.Label, error) {
	t, err := readTable(path)
	if err != nil {
		return nil, err
	}
	var cols [3]int
	for i, name := range []string{"left_id", "right_id", "label"} {
		if cols[i], err = t.Column(name); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	ids := make(map[string]bool, len(recs))
	for _, r := range recs {
		ids[r.ID] = true
	}
	var errs *multierror.Error
	var out []match.Label
	for i, row := range t.Rows {
		l := match.Label{A: strings.TrimSpace(row[cols[0]]), B: strings.TrimSpace(row[cols[1]])}
		bad := func(format string, args ...any) {
			errs = multierror.Append(errs, fmt.Errorf("%s: line %d: %s", path, t.Lines[i], fmt.Sprintf(format, args...)))
		}
		ok := true
		for _, id := range []string{l.A, l.B} {
			if !ids[id] {
				bad("record %q is not in the input", id)
				ok = false
			}
		}
		switch strings.ToLower(strings.TrimSpace(row[cols[2]])) {
		case "match", "1":
			l.Match = true
		case "nonmatch", "0":
		default:
			bad("label %q: want match, nonmatch, 1 or 0", row[cols[2]])
			ok = false
		}
		if ok {
			out = append(out, l)
		}
	}
	if err := errs.ErrorOrNil(); err != nil {
		return nil, oneLine{err}
	}
	return out, nil
}
