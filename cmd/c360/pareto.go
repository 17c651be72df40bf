package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/segment"
)

func init() {
	register(&command{
		name:    "pareto",
		summary: "rank items by value: the 80:20 check, ABC classes, Gini, an SVG chart",
		run:     runPareto,
	})
}

func runPareto(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "pareto", "--input FILE.csv --id COLUMN --value COLUMN [--share 0.8] [--svg chart.svg]")
	input := fs.String("input", "", "CSV file; rows with the same ID are added up (required)")
	idCol := fs.String("id", "", "column naming the item: customer, product, scenario (required)")
	valueCol := fs.String("value", "", "column holding the value (required)")
	share := fs.Float64("share", 0.8, "share of the total value to explain, in (0, 1]")
	cutA := fs.Float64("abc-a", 0.8, "cumulative share of value at which class A ends")
	cutB := fs.Float64("abc-b", 0.95, "cumulative share of value at which class B ends")
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
	f, err := os.Open(*input)
	if err != nil {
		return err
	}
	defer f.Close()
	items, err := readItems(ctx, f, *idCol, *valueCol)
	if err != nil {
		return fmt.Errorf("%s: %w", *input, err)
	}
	res, err := segment.Pareto(items, *share, segment.ABCCuts{A: *cutA, B: *cutB})
	if err != nil {
		return err
	}
	if *svgPath != "" {
		out, err := os.Create(*svgPath)
		if err != nil {
			return err
		}
		if err := res.WriteSVG(out, "Pareto: "+*valueCol+" by "+*idCol); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(e.stdout)
	return enc.Encode(res)
}

// readItems sums the value column per ID, in order of first appearance.
func readItems(ctx context.Context, r io.Reader, idCol, valueCol string) ([]segment.Item, error) {
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
	var items []segment.Item
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
		v, err := strconv.ParseFloat(row[vc], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, &table.LineError{Line: line, Column: valueCol, Err: fmt.Errorf("expected a number, got %q", row[vc])}
		}
		i, ok := index[id]
		if !ok {
			i = len(items)
			index[id] = i
			firstLine[id] = line
			items = append(items, segment.Item{ID: id})
		}
		items[i].Value += v
	}
	for _, it := range items {
		if it.Value < 0 {
			return nil, fmt.Errorf("item %q (first on line %d) adds up to %v; Pareto ranks values of 0 or more (net out returns upstream, or filter them)", it.ID, firstLine[it.ID], it.Value)
		}
	}
	return items, nil
}
