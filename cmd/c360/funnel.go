package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/clispec"
	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/journey"
)

func init() {
	register(&command{
		name:    "funnel",
		summary: "ordered conversion funnel over touchpoint events (CSV), with a window and a breakdown",
		run:     runFunnel,
	})
}

// funnelColumns are the columns every events file must have.
var funnelColumns = []string{"event_id", "customer_id", "type", "channel", "time"}

func runFunnel(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "funnel", "--events FILE.csv --steps TYPE1,TYPE2,... [--window 30d] [--by COLUMN]")
	events := fs.String("events", "", "events CSV with the header event_id,customer_id,type,channel,time (RFC 3339 times; other columns allowed); - for standard input (required)")
	steps := fs.String("steps", "", "comma-separated touchpoint types, in funnel order (required)")
	windowFlag := fs.String("window", "30d", "the most time from the first to the last step of a customer's chain: 30d, 2w, 12h, 90m; 0 for no limit")
	by := fs.String("by", "", "break the funnel down by this column's value on each customer's starting event")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *events == "" || *steps == "" {
		return usageError("--events and --steps are required")
	}
	f := journey.Funnel{}
	for _, s := range strings.Split(*steps, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			return usageError("--steps %q has an empty step", *steps)
		}
		f.Steps = append(f.Steps, journey.Type(s))
	}
	if len(f.Steps) > 64 {
		return usageError("--steps has %d steps, at most 64 are supported", len(f.Steps))
	}
	w, err := parseWindow(*windowFlag)
	if err != nil {
		return usageError("--window: %v", err)
	}
	f.Window = w

	var in io.Reader = e.stdin
	name := "standard input"
	rows := 0 // estimated number of rows, to size the tables once
	if *events != "-" {
		fh, err := os.Open(*events)
		if err != nil {
			return err
		}
		defer fh.Close()
		in, name = fh, *events
		if st, err := fh.Stat(); err == nil {
			rows = int(min(st.Size()/64, 50_000_000))
		}
	}
	cols, err := readFunnelEvents(ctx, in, *by, rows)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	known := map[journey.Type]bool{}
	for _, t := range (*journey.Catalog)(nil).Types() {
		known[t] = true
	}
	for _, t := range cols.Types() {
		known[t] = true
	}
	for _, s := range f.Steps {
		if !known[s] && cols.Len() > 0 { // a file without events answers zero for any step
			return fmt.Errorf("--steps: %q is neither a standard touchpoint type nor a type in %s (it has: %s)", s, name, joinTypes(cols.Types()))
		}
	}
	res, err := f.RunColumns(ctx, cols)
	if err != nil {
		return err
	}
	return writeFunnel(e.stdout, res, *by != "")
}

// parseWindow reads --window: a duration with days and weeks (30d, 2w,
// 1d12h, 90m) or 0, as every command reads durations.
func parseWindow(s string) (time.Duration, error) {
	d, err := clispec.Duration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid window: %w", err)
	}
	return d, nil
}

// parseRFC3339 parses an RFC 3339 date-time: a UTC offset (Z or ±hh:mm) is
// required, fractional seconds may have any number of digits. As RFC 3339
// §5.6 allows, "T" and "Z" may be written in lower case and a space may
// separate the date from the time. A leap second (23:59:60) is read as the
// next minute's first second (00:00:00), as Unix time does. Dates that do
// not exist (2026-02-30) and times without an offset are errors.
func parseRFC3339(s string) (time.Time, error) {
	if len(s) > 10 && (s[10] == 't' || s[10] == ' ') {
		s = s[:10] + "T" + s[11:]
	}
	if n := len(s); n > 0 && s[n-1] == 'z' {
		s = s[:n-1] + "Z"
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil && len(s) > 19 && s[10] == 'T' && s[16] == ':' && s[17:19] == "60" {
		if t2, err2 := time.Parse(time.RFC3339Nano, s[:17]+"59"+s[19:]); err2 == nil && t2.Add(time.Second).Year() <= 9999 {
			return t2.Add(time.Second), nil
		}
	}
	return t, err
}

// readFunnelEvents reads the events file into columns. Every row is
// checked; the first bad row stops the reading with an error naming its
// line. A row repeating an earlier event_id is skipped (ingestion is
// idempotent on the event ID). rows, if known, estimates the number of rows.
func readFunnelEvents(ctx context.Context, r io.Reader, by string, rows int) (*journey.Columns, error) {
	rd, err := table.NewReader(r)
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(funnelColumns))
	for i, name := range funnelColumns {
		if idx[i], err = rd.Column(name); err != nil {
			return nil, err
		}
	}
	byIdx := -1
	if by != "" {
		if byIdx, err = rd.Column(by); err != nil {
			return nil, fmt.Errorf("--by: %w", err)
		}
	}
	iID, iCust, iType, iChan, iTime := idx[0], idx[1], idx[2], idx[3], idx[4]
	cols := &journey.Columns{}
	cols.Grow(rows)
	seen := make(map[string]struct{}, rows)
	noGroup := cols.GroupCode("")
	for n := 0; ; n++ {
		if n&0xffff == 0xffff {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		row, line, err := rd.Read()
		if err == io.EOF {
			return cols, nil
		}
		if err != nil {
			return nil, err
		}
		for _, c := range []int{iID, iCust, iType, iChan, iTime} {
			if row[c] == "" {
				return nil, &table.LineError{Line: line, Column: rd.Header()[c], Err: errors.New("empty value")}
			}
		}
		at, err := parseRFC3339(row[iTime])
		if err != nil {
			return nil, &table.LineError{Line: line, Column: "time", Err: fmt.Errorf("%q is not an RFC 3339 time", row[iTime])}
		}
		if at.Year() < 1678 || at.Year() > 2261 {
			return nil, &table.LineError{Line: line, Column: "time", Err: fmt.Errorf("%q is outside the years 1678-2261", row[iTime])}
		}
		if _, dup := seen[row[iID]]; dup {
			continue
		}
		seen[row[iID]] = struct{}{}
		g := noGroup
		if byIdx >= 0 {
			g = cols.GroupCode(row[byIdx])
		}
		cols.AppendNanos(cols.Customer(customer.ID(row[iCust])), cols.TypeCode(journey.Type(row[iType])), at.UnixNano(), g)
	}
}

type funnelStepJSON struct {
	Type                   journey.Type `json:"type"`
	Customers              int          `json:"customers"`
	ConversionFromPrevious float64      `json:"conversion_from_previous"`
	ConversionFromStart    float64      `json:"conversion_from_start"`
	// MedianSecondsFromPrevious is null for the first step and for a step
	// no customer reached.
	MedianSecondsFromPrevious *float64 `json:"median_seconds_from_previous"`
}

type funnelGroupJSON struct {
	Steps []funnelStepJSON `json:"steps"`
}

type funnelJSON struct {
	Steps []funnelStepJSON `json:"steps"`
	// Groups is present (possibly empty) exactly when --by is given.
	Groups *map[string]funnelGroupJSON `json:"groups,omitempty"`
}

func stepsJSON(steps []journey.StepResult) []funnelStepJSON {
	out := make([]funnelStepJSON, len(steps))
	for i, s := range steps {
		out[i] = funnelStepJSON{Type: s.Type, Customers: s.Customers,
			ConversionFromPrevious: s.ConversionFromPrevious, ConversionFromStart: s.ConversionFromStart}
		if s.HasMedian {
			v := s.MedianFromPrevious.Seconds()
			out[i].MedianSecondsFromPrevious = &v
		}
	}
	return out
}

func writeFunnel(w io.Writer, res *journey.FunnelResult, grouped bool) error {
	out := funnelJSON{Steps: stepsJSON(res.Steps)}
	if grouped {
		groups := map[string]funnelGroupJSON{}
		out.Groups = &groups
		for _, g := range res.Groups {
			groups[g.Value] = funnelGroupJSON{Steps: stepsJSON(g.Steps)}
		}
		if len(res.Groups) == 0 && len(res.Steps) > 0 && res.Steps[0].Customers > 0 {
			// every value of the column was empty: one group, ""
			groups[""] = funnelGroupJSON{Steps: out.Steps}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// joinTypes lists touchpoint types for a message.
func joinTypes(ts []journey.Type) string {
	if len(ts) == 0 {
		return "no events"
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}
