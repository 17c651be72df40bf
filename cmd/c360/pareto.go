package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/segment/analysis"
)

func init() {
	register(&command{
		name:    "pareto",
		summary: "rank items by value: the 80:20 check, ABC classes, Gini, an SVG chart",
		run:     runPareto,
	})
}

func runPareto(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "pareto", "--input FILE.csv --id COLUMN --value COLUMN [--share 0.8] [--svg chart.svg]\n\n"+
		"Prints one JSON object: {\"items\":N,\"total\":x,\"share_of_value\":s,\"items_needed\":k,\n"+
		"\"share_of_items\":k/N,\"gini\":g,\"abc\":{\"A\":…,\"B\":…,\"C\":…}}. Values are plain decimal\n"+
		"numbers of 0 or more; rows with the same ID are added up. share_of_value,\n"+
		"share_of_items and gini are rounded to 12 significant digits.\n")
	input := fs.String("input", "", "CSV file; rows with the same ID are added up; - for standard input (required)")
	idCol := fs.String("id", "", "column naming the item: customer, product, scenario (required)")
	valueCol := fs.String("value", "", "column holding the value (required)")
	share := fractionFlag(fs, "share", 0.8, "share of the total value to explain, in (0, 1]; 0.8 or 80%")
	cutA := fractionFlag(fs, "abc-a", 0.8, "cumulative share of value at which class A ends; 0.8 or 80%")
	cutB := fractionFlag(fs, "abc-b", 0.95, "cumulative share of value at which class B ends; 0.95 or 95%")
	svgPath := fs.String("svg", "", "write the Pareto chart as a self-contained SVG file")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *input == "" || *idCol == "" || *valueCol == "" {
		return usageError("--input, --id and --value are required")
	}
	if !(*share > 0 && *share <= 1) {
		return usageError("--share must be in (0, 1], got %v", *share)
	}
	if !(*cutA > 0 && *cutA <= *cutB && *cutB <= 1) {
		return usageError("--abc-a and --abc-b must satisfy 0 < A <= B <= 1, got %v and %v", *cutA, *cutB)
	}
	if err := checkPaths(map[string]string{"input": *input}, map[string]string{"svg": *svgPath}); err != nil {
		return err
	}
	if err := checkOutputDir("--svg", *svgPath); err != nil {
		return err
	}
	var in io.Reader = e.stdin
	if *input != "-" {
		f, err := os.Open(*input)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	items, err := readItems(ctx, in, *idCol, *valueCol)
	if err != nil {
		return fmt.Errorf("%s: %w", *input, err)
	}
	res, err := analysis.Pareto(items, *share, analysis.ABCCuts{A: *cutA, B: *cutB})
	if err != nil {
		return err
	}
	if *svgPath != "" {
		if err := writeAtomic(*svgPath, func(w io.Writer) error {
			return res.WriteSVG(w, "Pareto: "+*valueCol+" by "+*idCol)
		}); err != nil {
			return err
		}
	}
	// Ratios are printed to 12 significant digits, so that a user's own
	// calculation (a spreadsheet's 0.4) compares equal to ours.
	out := *res
	out.Share, out.ShareOfItems, out.Gini = sig12(out.Share), sig12(out.ShareOfItems), sig12(out.Gini)
	enc := json.NewEncoder(e.stdout)
	return enc.Encode(&out)
}

// sig12 rounds x to 12 significant digits.
func sig12(x float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	if err != nil {
		return x
	}
	return r
}

// readItems sums the value column per ID, in order of first appearance.
func readItems(ctx context.Context, r io.Reader, idCol, valueCol string) ([]analysis.Item, error) {
	rd, err := table.NewReader(r)
	if err != nil {
		return nil, err
	}
	ic, err := rd.Column(idCol)
	if err != nil {
		return nil, err
	}
	vc, err := rd.Column(valueCol)
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	firstLine := map[string]int{}
	var items []analysis.Item
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		row, line, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		id := row[ic]
		if id == "" {
			return nil, &table.LineError{Line: line, Column: idCol, Err: errors.New("empty ID")}
		}
		v, ok := parseDecimal(row[vc])
		if !ok {
			return nil, &table.LineError{Line: line, Column: valueCol, Err: fmt.Errorf("expected a number, got %q", row[vc])}
		}
		i, ok := index[id]
		if !ok {
			i = len(items)
			index[id] = i
			firstLine[id] = line
			items = append(items, analysis.Item{ID: id})
		}
		items[i].Value += v
		if math.IsInf(items[i].Value, 0) {
			return nil, &table.LineError{Line: line, Column: valueCol,
				Err: fmt.Errorf("item %q (first on line %d) adds up to more than the largest number (%g); scale the column down (e.g. to thousands)", id, firstLine[id], math.MaxFloat64)}
		}
	}
	var total float64
	for _, it := range items {
		if it.Value < 0 {
			return nil, fmt.Errorf("item %q (first on line %d) adds up to %v; Pareto ranks values of 0 or more (net out returns upstream, or filter them)", it.ID, firstLine[it.ID], it.Value)
		}
		total += it.Value
		if math.IsInf(total, 0) {
			return nil, &table.LineError{Line: firstLine[it.ID], Column: valueCol,
				Err: fmt.Errorf("the values up to item %q add up to more than the largest number (%g); scale the column down (e.g. to thousands)", it.ID, math.MaxFloat64)}
		}
	}
	return items, nil
}

// fractionFlag defines a flag holding a fraction, written as a number (0.8)
// or a percentage (80%).
func fractionFlag(fs *flag.FlagSet, name string, def float64, usage string) *float64 {
	v := def
	fs.Func(name, fmt.Sprintf("%s (default %v)", usage, def), func(s string) error {
		f, err := parseFraction(s)
		if err != nil {
			return err
		}
		v = f
		return nil
	})
	return &v
}

// parseFraction reads 0.8 or 80% as 0.8.
func parseFraction(s string) (float64, error) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	f, ok := parseDecimal(strings.TrimSpace(strings.TrimSuffix(s, "%")))
	if !ok {
		return 0, fmt.Errorf("want a number such as 0.8 or a percentage such as 80%%, got %q", s)
	}
	if pct {
		f /= 100
	}
	return f, nil
}
