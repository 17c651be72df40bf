package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/c360/c360/internal/clispec"
	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/quality"
	"github.com/c360/c360/quality/match"
	"golang.org/x/text/width"
)

func init() {
	register(&command{
		name:    "quality",
		summary: "score the data quality of a CSV file: per record, per rule, per dimension",
		run:     runQuality,
	})
}

const qualityUsage = `--input FILE.csv --id COLUMN [--field COLUMN=KIND ...] [--updated COLUMN]
       [--json report.json] [--html report.html] [--rows rows.csv] [--slice COLUMN ...]
       [--baseline old.json] [--duplicates] [--missing VALUE ...] [--pass 95%] [--warn 80%]
       [--signals signals.csv]

Checks every record of the CSV file against the default rules of its
columns' kinds (completeness, validity, uniqueness, consistency, timeliness)
and prints a summary: the overall score (0-100), each dimension's score and
each rule's passed/failed counts and status (pass/warn/fail).

KIND is one of: text, id, person_name, family_name, given_name, name_kana,
company, email, phone, postal_code, prefecture, address, corporate_number,
date, birth_date, timestamp, number, category, ignore (the quality/match kind
names are accepted too). Without --field every column's kind is inferred
from its header and values and the inference is printed on standard error;
with --field only the named columns are assessed.

--updated names the column holding when each record was last updated; a
record older than --max-age is stale. --json writes the full report as
deterministic JSON, --html a self-contained HTML page, --rows a CSV of
record_id,score,reasons (reasons separated by ";"). --baseline compares the
report with an earlier --json report and prints what improved or got worse.
--missing adds a placeholder value counted as missing (besides empty
values, white space and the default sentinels such as 不明, なし, -, test,
ダミー). --pass and --warn set the thresholds of every rule's status, as a
percentage or fraction, compared exactly on the counts.
--signals reads accuracy evidence from outside the data, a CSV with the
columns field,value,signal where signal is bounced, disconnected, returned
or invalid (the value is wrong) or verified, delivered or confirmed (it is
right): the rule accuracy:FIELD fails records holding a refuted value.
--duplicates also looks for likely duplicates with the matching engine
(quality/match) over the assessed columns: the rule
uniqueness:likely_duplicate and the health of the identity graph.`

func runQuality(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "quality", qualityUsage)
	var input, idCol, updated, jsonOut, htmlOut, rowsOut, nowS, maxAgeS string
	var fields, slices multiFlag
	var workers int
	var baseline, passAt, warnAt string
	var missingVals multiFlag
	var signalsPath string
	fs.StringVar(&signalsPath, "signals", "", "CSV of field,value,signal: outside evidence of accuracy (bounced, disconnected, verified, …)")
	fs.Var(&missingVals, "missing", "VALUE: also count VALUE as missing (repeatable)")
	fs.StringVar(&passAt, "pass", "95%", "a rule passes when at least this share of the records it applies to pass")
	fs.StringVar(&warnAt, "warn", "80%", "below --pass, a rule warns (rather than fails) when at least this share pass")
	var duplicates bool
	fs.StringVar(&baseline, "baseline", "", "an earlier --json report to compare with")
	fs.BoolVar(&duplicates, "duplicates", false, "find likely duplicates with quality/match (slower)")
	fs.StringVar(&input, "input", "", "CSV file to assess (required; - for standard input)")
	fs.StringVar(&idCol, "id", "", "column holding the record ID (required)")
	fs.Var(&fields, "field", "COLUMN=KIND: assess COLUMN as KIND (repeatable)")
	fs.StringVar(&updated, "updated", "", "column holding the record's last update time (timeliness)")
	fs.StringVar(&maxAgeS, "max-age", "730d", "how old --updated may be before a record is stale (e.g. 365d, 720h)")
	fs.StringVar(&nowS, "now", "", "reference time for timeliness and birth dates (RFC 3339 or a date; default: now)")
	fs.Var(&slices, "slice", "COLUMN: report scores per value of COLUMN (repeatable)")
	fs.StringVar(&jsonOut, "json", "", "write the report as JSON to this file")
	fs.StringVar(&htmlOut, "html", "", "write the report as a self-contained HTML page to this file")
	fs.StringVar(&rowsOut, "rows", "", "write record_id,score,reasons per record to this CSV file")
	fs.IntVar(&workers, "workers", 0, "goroutines to use (0: all CPUs)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	// Column names are matched as the header has them, without surrounding
	// spaces.
	idCol, updated = strings.TrimSpace(idCol), strings.TrimSpace(updated)
	for i := range slices {
		slices[i] = strings.TrimSpace(slices[i])
	}
	if input == "" {
		return usageError("--input is required")
	}
	if idCol == "" {
		return usageError("--id is required")
	}
	if err := checkPaths(map[string]string{"input": input, "baseline": baseline, "signals": signalsPath},
		map[string]string{"json": jsonOut, "html": htmlOut, "rows": rowsOut}); err != nil {
		return err
	}
	for _, o := range []struct{ flag, path string }{{"--json", jsonOut}, {"--html", htmlOut}, {"--rows", rowsOut}} {
		if err := checkOutputDir(o.flag, o.path); err != nil {
			return err
		}
	}
	maxAge, err := clispec.Duration(maxAgeS)
	if err != nil {
		return usageError("--max-age: %v", err)
	}
	var th quality.Threshold
	if th.Pass, err = quality.ParseFraction(passAt); err != nil {
		return usageError("--pass: %v", err)
	}
	if th.Warn, err = quality.ParseFraction(warnAt); err != nil {
		return usageError("--warn: %v", err)
	}
	if th.Validate() != nil {
		return usageError("--pass %s is below --warn %s: a rule passes at --pass and warns from --warn up to it", passAt, warnAt)
	}
	var missing *quality.Missing
	if len(missingVals) > 0 {
		missing = quality.NewMissing(append(quality.DefaultSentinels(), missingVals...))
	}
	now := time.Now()
	if nowS != "" {
		if now, err = quality.ParseTime(nowS, time.UTC); err != nil {
			return usageError("--now: %v", err)
		}
	}

	var in io.Reader = e.stdin
	if input != "-" {
		f, err := os.Open(input)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	t, err := table.ReadAll(bufio.NewReaderSize(in, 1<<20))
	if err != nil {
		return fmt.Errorf("%s: %w", input, err)
	}
	if _, err := t.Column(idCol); err != nil {
		return fmt.Errorf("%s: %w", input, err)
	}
	// The ID column is checked (with line numbers) while the rules run.
	uniq := make(chan error, 1)
	go func() { _, err := t.UniqueColumn(idCol); uniq <- err }()
	idChecked := false
	checkIDs := func() error {
		if idChecked {
			return nil
		}
		idChecked = true
		if err := <-uniq; err != nil {
			return fmt.Errorf("%s: %w", input, err)
		}
		return nil
	}
	defer checkIDs()
	cols := map[string]bool{}
	for _, h := range t.Header {
		cols[h] = true
	}
	var qf []quality.Field
	if len(fields) > 0 {
		seen := map[string]bool{}
		for _, spec := range fields {
			col, kindName, ok := clispec.Field(spec)
			if !ok {
				return usageError("--field %q: want COLUMN=KIND", spec)
			}
			if !cols[col] {
				return usageError("--field %q: no column %q (columns: %s)", spec, col, strings.Join(t.Header, ", "))
			}
			if seen[col] {
				return usageError("--field %q: column given twice", spec)
			}
			seen[col] = true
			k, err := match.ParseKind(kindName)
			if err != nil {
				return usageError("--field %q: %v", spec, err)
			}
			qf = append(qf, quality.Field{Name: col, Kind: k})
		}
	} else {
		sample := t.Rows[:min(len(t.Rows), 1000)]
		kinds := quality.InferKinds(t.Header, sample)
		fmt.Fprintln(e.stderr, "c360 quality: inferred kinds (override with --field COLUMN=KIND):")
		for i, h := range t.Header {
			k := kinds[i]
			if h == idCol {
				k = match.KindIgnore
			}
			fmt.Fprintf(e.stderr, "  %s %s\n", padColumns(h, 20), k)
			qf = append(qf, quality.Field{Name: h, Kind: k})
		}
	}
	if updated != "" {
		if !cols[updated] {
			return usageError("--updated: no column %q (columns: %s)", updated, strings.Join(t.Header, ", "))
		}
		found := false
		for i := range qf {
			if qf[i].Name == updated {
				qf[i].Kind, qf[i].MaxAge, found = match.KindTimestamp, maxAge, true
			}
		}
		if !found {
			qf = append(qf, quality.Field{Name: updated, Kind: match.KindTimestamp, MaxAge: maxAge})
		}
	}
	for _, s := range slices {
		if !cols[s] {
			return usageError("--slice: no column %q", s)
		}
	}
	assessed := false
	for _, f := range qf {
		assessed = assessed || f.Kind != match.KindIgnore
	}
	if !assessed && signalsPath == "" {
		return fmt.Errorf("%s: no column to assess: every column's kind is ignore (name them with --field COLUMN=KIND)", input)
	}
	tab, err := quality.NewTable(t.Header, t.Rows, idCol)
	if err != nil {
		return err
	}
	var base *quality.Report
	if baseline != "" {
		f, err := os.Open(baseline)
		if err != nil {
			return err
		}
		base, err = quality.ReadReport(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", baseline, err)
		}
	}
	cfg := quality.Config{Fields: qf, Now: now, SliceBy: slices, Workers: workers, Threshold: th, Missing: missing}
	if signalsPath != "" {
		sig, sigFields, err := readSignals(signalsPath)
		if err != nil {
			return err
		}
		cfg.Rules = quality.DefaultRules(qf)
		for _, f := range sigFields {
			if !cols[f] {
				return fmt.Errorf("%s: field %q is not a column of %s", signalsPath, f, input)
			}
			cfg.Rules = append(cfg.Rules, quality.Accurate(f, sig))
		}
	}
	if duplicates {
		var mf []match.Field
		for _, f := range qf {
			if identifying(f.Kind) && len(mf) < 16 {
				mf = append(mf, match.Field{Name: f.Name, Kind: f.Kind})
			}
		}
		if len(mf) == 0 {
			return usageError("--duplicates: no column of a kind the matcher compares")
		}
		cfg.Duplicates = quality.MatchFinder{Config: match.Config{Fields: mf}}
	}
	eng, err := quality.New(cfg)
	if err != nil {
		return err
	}
	a, err := eng.Assess(ctx, tab.Records())
	if ierr := checkIDs(); ierr != nil {
		return ierr
	}
	if err != nil {
		return err
	}
	rep := a.Report
	if err := writeQualitySummary(e.stdout, rep); err != nil {
		return err
	}
	if base != nil {
		fmt.Fprintf(e.stdout, "\ncompared with %s:\n", baseline)
		if err := quality.Diff(base, rep).WriteText(e.stdout); err != nil {
			return err
		}
	}
	if jsonOut != "" {
		if err := writeAtomic(jsonOut, rep.WriteJSON); err != nil {
			return err
		}
	}
	if htmlOut != "" {
		if err := writeAtomic(htmlOut, func(w io.Writer) error { return rep.WriteHTML(w, input) }); err != nil {
			return err
		}
	}
	if rowsOut != "" {
		if err := writeAtomic(rowsOut, func(w io.Writer) error { return writeQualityRows(w, a) }); err != nil {
			return err
		}
	}
	return nil
}

// identifying reports whether --duplicates matches on fields of kind k:
// names, readings, contact points, addresses, dates and corporate numbers;
// not record keys, codes, free text, numbers or update times, which tell
// records apart rather than people.
func identifying(k match.Kind) bool {
	switch k {
	case match.KindPersonName, match.KindFamilyName, match.KindGivenName, match.KindNameKana, match.KindCompany,
		match.KindEmail, match.KindPhone, match.KindPostalCode, match.KindPrefecture, match.KindRegion,
		match.KindAddress, match.KindStreet, match.KindCorporateNumber, match.KindDate, match.KindBirthDate:
		return true
	}
	return false
}

// readSignals reads a field,value,signal CSV into a SignalMap and the
// fields it names, in order of first appearance.
func readSignals(path string) (quality.SignalMap, []string, error) {
	t, err := table.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var idx [3]int
	for i, c := range []string{"field", "value", "signal"} {
		if idx[i], err = t.Column(c); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	m := quality.SignalMap{}
	var fields []string
	for i, row := range t.Rows {
		var s quality.Signal
		switch strings.ToLower(row[idx[2]]) {
		case "bounced", "disconnected", "returned", "invalid", "refuted":
			s = quality.SignalRefuted
		case "verified", "delivered", "confirmed", "valid":
			s = quality.SignalConfirmed
		default:
			return nil, nil, fmt.Errorf("%s: %w", path, &table.LineError{Line: t.Lines[i], Column: "signal",
				Err: fmt.Errorf("unknown signal %q (want bounced, disconnected, returned, invalid, verified, delivered or confirmed)", row[idx[2]])})
		}
		field := row[idx[0]]
		if _, ok := m[field]; !ok {
			fields = append(fields, field)
		}
		m.Set(field, row[idx[1]], s)
	}
	return m, fields, nil
}

// checkOutputDir reports, before any work is done, an output file (named by
// flag) whose directory does not exist. An empty path is not checked.
func checkOutputDir(flag, path string) error {
	if path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("%s %s: cannot write there: %w", flag, path, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s %s: cannot write there: %s is not a directory", flag, path, dir)
	}
	return nil
}

func writeQualitySummary(w io.Writer, r *quality.Report) error {
	bw := bufio.NewWriter(w)
	if r.Records == 0 {
		// Nothing was checked: no grade, not a perfect one.
		fmt.Fprintf(bw, "records 0, score: no data (no record to assess; the report's score 0 is not a grade and every rule is no_data)\n")
	} else {
		fmt.Fprintf(bw, "records %d, score %.2f\n", r.Records, r.Score)
	}
	for _, d := range quality.Dimensions() {
		if s, ok := r.Dimensions[d.String()]; ok {
			fmt.Fprintf(bw, "  %-13s %6.2f\n", d, s)
		}
	}
	// The status column fits "pass", "warn" and "fail", and widens for
	// "no_data" (a rule that checked no record; its ratio is printed "-").
	sw := 5
	for _, rr := range r.Rules {
		sw = max(sw, len(rr.Status.String()))
	}
	fmt.Fprintf(bw, "%-*s %-45s %10s %10s %8s\n", sw, "", "rule", "passed", "failed", "ratio")
	for _, rr := range r.Rules {
		ratio := fmt.Sprintf("%8.4f", rr.Ratio)
		if rr.Status == quality.StatusNoData {
			ratio = fmt.Sprintf("%8s", "-")
		}
		fmt.Fprintf(bw, "%-*s %s %10d %10d %s\n", sw, rr.Status, padColumns(rr.Name, 45), rr.Passed, rr.Failed, ratio)
	}
	if h := r.Identity; h != nil {
		fmt.Fprintf(bw, "identity graph: %d records → %d entities (consolidation %.2f%%), %d clusters, largest %d, %d larger than %d\n",
			h.Records, h.Entities, 100*h.ConsolidationRate, h.Clusters, h.Largest, h.Oversized, h.MaxSize)
	}
	return bw.Flush()
}

// padColumns pads s with spaces to n terminal columns, counting East Asian
// wide and full-width characters (氏名, ＡＢＣ) as two, so that tables with
// Japanese column names stay aligned.
func padColumns(s string, n int) string {
	w := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			w += 2
		default:
			w++
		}
	}
	if w >= n {
		return s
	}
	return s + strings.Repeat(" ", n-w)
}

// writeQualityRows writes record_id,score,reasons per record. Chunks of
// records are formatted on several goroutines and written in order.
func writeQualityRows(w io.Writer, a *quality.Assessment) error {
	const chunk = 32768
	n := a.Len()
	chunks := (n + chunk - 1) / chunk
	format := func(c int) []byte {
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		for i := c * chunk; i < min(n, (c+1)*chunk); i++ {
			rr := a.Record(i)
			_ = cw.Write([]string{rr.RecordID, strconv.FormatFloat(rr.Score, 'f', 2, 64), strings.Join(rr.Reasons, ";")})
		}
		cw.Flush()
		return buf.Bytes()
	}
	if _, err := io.WriteString(w, "record_id,score,reasons\n"); err != nil {
		return err
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	results := make([]chan []byte, chunks)
	for c := range results {
		results[c] = make(chan []byte, 1)
	}
	sem := make(chan struct{}, workers)
	go func() {
		for c := range chunks {
			sem <- struct{}{}
			go func() {
				results[c] <- format(c)
				<-sem
			}()
		}
	}()
	var err error
	for c := range chunks {
		b := <-results[c]
		if err == nil {
			_, err = w.Write(b)
		}
	}
	return err
}
