package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/c360/c360/internal/clispec"
	"github.com/c360/c360/segment"
	"github.com/c360/c360/segment/analysis"
)

func init() {
	register(&command{
		name:    "rfm",
		summary: "score customers by recency, frequency and monetary value",
		run:     runRFM,
	})
}

func runRFM(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "rfm", "--events FILE.csv [--now RFC3339] [--types T1,T2] [--value COLUMN] [--currency JPY] [--window 365d] [--bins 5]\n\n"+
		"Prints one CSV line per customer of the events file, in customer ID order:\n"+
		"customer_id,recency_days,frequency,monetary,r,f,m,cell. Scores run from 1 (worst)\n"+
		"to --bins (best) by mid-rank quantiles among the customers who bought (a customer\n"+
		"alone, or tied with all, scores the middle); a customer without purchases is not\n"+
		"ranked: it scores 0,0,0 in the cell no_purchase with an empty recency_days.\n"+
		"monetary adds only amounts in --currency (the currency column, JPY when absent);\n"+
		"purchases in other currencies count for recency and frequency, and are reported\n"+
		"on standard error. Events repeating an earlier event_id are skipped.\n")
	eventsPath := fs.String("events", "", "touchpoints CSV with header event_id,customer_id,type,channel,time and a value column; - for standard input (required)")
	nowFlag := fs.String("now", "", "scoring time, RFC 3339 or a date meaning its midnight UTC (default: the time of the latest event in the file)")
	types := fs.String("types", "online_purchase,store_purchase,purchase", "touchpoint types that count as purchases")
	valueCol := fs.String("value", "", "column holding each purchase's amount, a decimal number (default: value, or amount when there is no value column)")
	currency := fs.String("currency", "JPY", "ISO 4217 code of the amounts monetary adds up; amounts in other currencies are left out")
	windowFlag := fs.String("window", "", "only purchases within this window before now count, e.g. 365d (default: all history)")
	bins := fs.Int("bins", 5, "number of scores per measure (quantiles); the named cells need 5, with other values every cell is \"other\"")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *eventsPath == "" {
		return usageError("--events is required")
	}
	if *bins < 2 || *bins > 100 {
		return usageError("--bins must be in 2..100, got %d", *bins)
	}
	cur, err := parseCurrency(*currency)
	if err != nil {
		return err
	}
	var window time.Duration
	if *windowFlag != "" {
		d, err := clispec.Duration(*windowFlag)
		if err != nil {
			return usageError("--window: %v", err)
		}
		window = d
	}
	events, err := readEventsFile(*eventsPath, *valueCol, e.stdin)
	if err != nil {
		return err
	}
	var latest time.Time
	by := make(map[string][]segment.Touchpoint, len(events))
	for id, evs := range events {
		by[id], _ = touchpoints(evs, cur) // RFMFromTouchpoints counts the other currencies itself
		if n := len(evs); n > 0 && evs[n-1].ev.Time.After(latest) {
			latest = evs[n-1].ev.Time
		}
	}
	now, err := parseNow(*nowFlag, latest)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	set := &segment.Set{Currency: cur}
	inputs := set.RFMFromTouchpoints(by, splitList(*types), now, window)
	purchases, other, otherCustomers := 0, 0, 0
	for _, in := range inputs {
		purchases += in.Frequency
		if in.OtherCurrency > 0 {
			other += in.OtherCurrency
			otherCustomers++
		}
	}
	if purchases == 0 && len(inputs) > 0 {
		fmt.Fprintf(e.stderr, "c360 rfm: warning: no event of the purchase types %s counts (choose them with --types)\n", *types)
	}
	if other > 0 {
		fmt.Fprintf(e.stderr, "c360 rfm: warning: %d purchase(s) of %d customer(s) in other currencies than %s left out of monetary (they count for recency and frequency; choose the currency with --currency)\n",
			other, otherCustomers, set.Currency)
	}
	cells := analysis.DefaultCells()
	if *bins != 5 {
		cells = []analysis.CellRule{} // the named cells assume 5 scores
	}
	scores, err := analysis.RFM(inputs, now, analysis.RFMConfig{Bins: *bins, Cells: cells})
	if err != nil {
		return err
	}
	w := csv.NewWriter(e.stdout)
	w.Write([]string{"customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "cell"})
	for _, s := range scores {
		rec := ""
		if !math.IsInf(s.RecencyDays, 1) {
			rec = strconv.FormatFloat(s.RecencyDays, 'f', 2, 64)
		}
		w.Write([]string{s.CustomerID, rec, strconv.Itoa(s.Frequency), strconv.FormatFloat(s.Monetary, 'f', -1, 64),
			strconv.Itoa(s.R), strconv.Itoa(s.F), strconv.Itoa(s.M), s.Cell})
	}
	w.Flush()
	return w.Error()
}
