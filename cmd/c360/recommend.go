package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/recommend"
	"github.com/hashicorp/go-multierror"
)

func init() {
	register(&command{
		name:    "recommend",
		summary: "product recommendations: train a model, evaluate models side by side, query a model",
		run:     runRecommend,
	})
}

const recommendUsage = `<train|eval|query> [flags]

  train  --events FILE.csv --model FILE.model   train a model (the algorithm and its
         hyper-parameters are chosen on a validation split unless given)
  eval   --events FILE.csv (--split DATE | --holdout-last 0.2) [--k 10]
         train every model on the training part and print HR@k, recall@k, NDCG@k,
         MAP@k and catalogue coverage side by side, popularity first
  query  --model FILE.model --for CUSTOMER [--items A,B] [--n 10]
         print one customer's recommendations with their reasons

Run "c360 recommend <sub> -h" for the flags of one.`

func runRecommend(ctx context.Context, e *env) error {
	if len(e.args) == 0 || helpAsked(e.args[:1]) {
		w := e.stderr
		if len(e.args) > 0 {
			w = e.stdout
		}
		fmt.Fprintf(w, "usage: c360 recommend %s\n", recommendUsage)
		if len(e.args) == 0 {
			return exitError{code: 2}
		}
		return flag.ErrHelp
	}
	sub := &env{args: e.args[1:], stdin: e.stdin, stdout: e.stdout, stderr: e.stderr}
	switch e.args[0] {
	case "train":
		return runRecommendTrain(ctx, sub)
	case "eval":
		return runRecommendEval(ctx, sub)
	case "query":
		return runRecommendQuery(ctx, sub)
	}
	return usageError("unknown subcommand %q (want train, eval or query)", e.args[0])
}

// interactionFlags are the flags that say how to read an interactions CSV.
type interactionFlags struct {
	events     *string
	cols       recommend.Columns
	nonProduct *string
}

func addInteractionFlags(fs *flag.FlagSet, f *interactionFlags) {
	f.events = fs.String("events", "", "interactions CSV with a header, one row per customer and item; - for standard input (required)")
	fs.StringVar(&f.cols.Customer, "customer", "customer_id", "column of the customer ID")
	fs.StringVar(&f.cols.Item, "item", "item", "column of the item (product ID or name)")
	fs.StringVar(&f.cols.Time, "time", "time", "column of the time: RFC 3339, yyyy-mm-dd, dd-mm-yyyy, Unix seconds (or --time-layout)")
	fs.StringVar(&f.cols.TimeLayout, "time-layout", "", "Go time layout of the time column, e.g. 01/02/2006 for month-first dates (default: the forms above)")
	fs.StringVar(&f.cols.Kind, "kind", "", "column of the interaction kind: purchase, cart, view, return (default: every row is a purchase)")
	fs.StringVar(&f.cols.Quantity, "quantity", "", "column of the quantity; a negative quantity is a return")
	fs.StringVar(&f.cols.Value, "value", "", "column of the value (informational)")
	fs.StringVar(&f.cols.Segment, "segment", "", "column of the customer's segment, for per-segment popularity")
	f.nonProduct = fs.String("non-product", "", "comma-separated items that are not products (postage, fees): skipped")
	fs.BoolVar(&f.cols.SkipInvalid, "skip-invalid", false, "skip rows that cannot be read (no customer, say) with a warning instead of failing")
}

// read streams the interactions into a Builder; every bad row is
// reported and fails the command.
func (f *interactionFlags) read(ctx context.Context, e *env) (*recommend.Builder, error) {
	b := &recommend.Builder{}
	if *f.nonProduct != "" {
		b.Config.NonProduct = splitList(*f.nonProduct)
	}
	var r io.Reader = e.stdin
	name := "standard input"
	if *f.events != "-" {
		fh, err := os.Open(*f.events)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		r, name = fh, *f.events
		if st, err := fh.Stat(); err == nil {
			b.Grow(int(min(st.Size()/32, 50_000_000)))
		}
	}
	if err := recommend.ScanCSV(ctx, r, f.cols, b.Add); err != nil {
		var me *multierror.Error
		if !f.cols.SkipInvalid || !errors.Is(err, recommend.ErrInvalidInput) || !errors.As(err, &me) || b.Len() == 0 {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(e.stderr, "c360 recommend: warning: %s: rows skipped (--skip-invalid):\n", name)
		// The first five, and the count when there are more.
		for _, x := range me.Errors[:min(5, len(me.Errors))] {
			fmt.Fprintf(e.stderr, "  %v\n", x)
		}
		if len(me.Errors) > 5 {
			fmt.Fprintf(e.stderr, "  … %d more; %v\n", len(me.Errors)-5, me.Errors[len(me.Errors)-1])
		}
	}
	if b.Len() == 0 {
		return nil, fmt.Errorf("%s: no interactions", name)
	}
	return b, nil
}

// trainFlags are the hyper-parameter flags; zero values leave the choice
// to validation.
type trainFlags struct {
	alg        *string
	neighbours *int
	halfLife   *string
	shrinkage  *float64
	lambda     *float64
	blend      *float64
	seed       *uint64
}

func addTrainFlags(fs *flag.FlagSet) *trainFlags {
	return &trainFlags{
		alg:        fs.String("algorithm", "auto", "auto (co-occurrence or EASE, chosen on validation), popularity, cooccurrence or ease"),
		neighbours: fs.Int("neighbours", 0, "neighbours kept per item (default 100)"),
		halfLife:   fs.String("half-life", "", "recency half-life such as 90d, or none (default: chosen on validation)"),
		shrinkage:  fs.Float64("shrinkage", 0, "co-occurrence shrinkage in customers, negative for none (default: chosen on validation)"),
		lambda:     fs.Float64("lambda", 0, "EASE L2 penalty (default: chosen on validation)"),
		blend:      fs.Float64("blend", 0, "weight of popularity added to the model's score, negative for none (default: chosen on validation)"),
		seed:       fs.Uint64("seed", 0, "seed of the validation sample and the bootstrap"),
	}
}

func (t *trainFlags) config() (recommend.Config, error) {
	cfg := recommend.Config{Neighbours: *t.neighbours, Shrinkage: *t.shrinkage, Lambda: *t.lambda, Blend: *t.blend, Seed: *t.seed}
	switch a := strings.ToLower(*t.alg); a {
	case "auto", "":
	case "popularity", "cooccurrence", "ease":
		cfg.Algorithm = recommend.Algorithm(a)
	default:
		return cfg, usageError("--algorithm %q: want auto, popularity, cooccurrence or ease", *t.alg)
	}
	switch h := strings.ToLower(*t.halfLife); h {
	case "":
	case "none", "0":
		cfg.HalfLife = -1
	default:
		d, err := parseWindow(h)
		if err != nil || d <= 0 {
			return cfg, usageError("--half-life %q: want a duration such as 90d, or none", *t.halfLife)
		}
		cfg.HalfLife = d
	}
	if *t.lambda < 0 {
		return cfg, usageError("--lambda must not be negative")
	}
	return cfg, nil
}

func progressPrinter(w io.Writer) func(recommend.Progress) {
	start := time.Now()
	last := ""
	return func(p recommend.Progress) {
		if p.Step != last || p.Done == p.Total {
			fmt.Fprintf(w, "%7.1fs %s %d/%d\n", time.Since(start).Seconds(), p.Step, p.Done, p.Total)
			last = p.Step
		}
	}
}

func runRecommendTrain(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "recommend train", "--events FILE.csv --model FILE.model [column flags] [--algorithm auto]\n\n"+
		"Trains a model and writes it to --model (replaced atomically; never the input). Returns\n"+
		"and cancellations (a return kind or a negative quantity) take back purchases instead\n"+
		"of being learned. Progress goes to standard error, a summary to standard output.\n")
	var in interactionFlags
	addInteractionFlags(fs, &in)
	model := fs.String("model", "", "model file to write (required)")
	tf := addTrainFlags(fs)
	quiet := fs.Bool("quiet", false, "no progress on standard error")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *in.events == "" || *model == "" {
		return usageError("--events and --model are required")
	}
	if *model == "-" {
		return usageError("--model must name a file")
	}
	if err := checkPaths(map[string]string{"events": *in.events}, map[string]string{"model": *model}); err != nil {
		return err
	}
	cfg, err := tf.config()
	if err != nil {
		return err
	}
	if !*quiet {
		cfg.Progress = progressPrinter(e.stderr)
	}
	b, err := in.read(ctx, e)
	if err != nil {
		return err
	}
	m, err := recommend.Train(ctx, b, cfg)
	if err != nil {
		return err
	}
	f, err := createAtomic(*model)
	if err != nil {
		return err
	}
	if _, err := m.WriteTo(f.w); err != nil {
		f.commit()
		return err
	}
	if err := f.commit(); err != nil {
		return err
	}
	p := m.Params()
	fmt.Fprintf(e.stdout, "model: %s\ncustomers: %d\nitems: %d\nparams: %s\nvalidation recall@10: %.4f\n",
		p.Algorithm, m.Customers(), m.Items(), formatParams(p), p.Validation)
	return nil
}

func formatParams(p recommend.Params) string {
	var parts []string
	if p.Algorithm != recommend.Popularity {
		hl := "none"
		if p.HalfLifeDays > 0 {
			hl = strconv.FormatFloat(p.HalfLifeDays, 'f', 1, 64) + "d"
		}
		parts = append(parts, "half_life="+hl)
		switch p.Algorithm {
		case recommend.CoOccurrence:
			parts = append(parts, "shrinkage="+strconv.FormatFloat(p.Shrinkage, 'g', 4, 64))
		case recommend.EASE:
			parts = append(parts, "lambda="+strconv.FormatFloat(p.Lambda, 'g', 4, 64))
		}
		parts = append(parts, "blend="+strconv.FormatFloat(p.Blend, 'g', 4, 64), "neighbours="+strconv.Itoa(p.Neighbours))
	}
	if p.ExcludeSeen {
		parts = append(parts, "own_items=excluded")
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}

func runRecommendEval(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "recommend eval", "--events FILE.csv (--split DATE | --holdout-last 0.2) [--k 10] [column flags]\n\n"+
		"Splits the interactions (--split: a global time split, training before DATE and testing on\n"+
		"each customer's purchases from DATE on; --holdout-last: each customer's latest share held\n"+
		"out; neither: --holdout-last 0.2), trains popularity, co-occurrence and EASE (when the\n"+
		"catalogue is small enough) on the training part, each choosing its hyper-parameters on a\n"+
		"validation split of the training part only, and prints one row per model: HR@k, recall@k,\n"+
		"NDCG@k, MAP@k, catalogue coverage, the 95% bootstrap interval of recall@k and of its gain\n"+
		"over popularity (customers resampled), and the chosen hyper-parameters.\n")
	var in interactionFlags
	addInteractionFlags(fs, &in)
	split := fs.String("split", "", "global time split: a date (yyyy-mm-dd, dd-mm-yyyy) or RFC 3339 time")
	holdout := fs.Float64("holdout-last", 0, "share of each customer's latest interactions held out, in (0, 1) (default 0.2 when --split is not given)")
	k := fs.Int("k", 10, "length of the ranked lists")
	newOnly := fs.Bool("new-only", false, "count only held-out items the customer had not bought before, and never recommend those (default: repurchases count)")
	boot := fs.Int("bootstrap", 1000, "bootstrap resamples for the intervals")
	format := fs.String("format", "table", "table or csv")
	tf := addTrainFlags(fs)
	quiet := fs.Bool("quiet", false, "no progress on standard error")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *in.events == "" {
		return usageError("--events is required")
	}
	if *split != "" && *holdout != 0 {
		return usageError("--split and --holdout-last exclude each other")
	}
	if *holdout < 0 || *holdout >= 1 {
		return usageError("--holdout-last %v: want a share in (0, 1)", *holdout)
	}
	if *k < 1 || *k > 1000 {
		return usageError("--k %d: want 1..1000", *k)
	}
	if *format != "table" && *format != "csv" {
		return usageError("--format %q: want table or csv", *format)
	}
	cfg := recommend.EvalConfig{K: *k, HoldoutLast: *holdout, NewOnly: *newOnly, Bootstrap: *boot, Seed: *tf.seed}
	if *split != "" {
		t, err := recommend.ParseTime(*split, "")
		if err != nil {
			return usageError("--split: %v", err)
		}
		cfg.Split = t
	}
	mc, err := tf.config()
	if err != nil {
		return err
	}
	if mc.Algorithm != recommend.Auto || *tf.halfLife != "" || mc.Shrinkage != 0 || mc.Lambda != 0 || mc.Blend != 0 || mc.Neighbours != 0 {
		// Hyper-parameters given: evaluate the models with them.
		cfg.Models = map[string]recommend.Config{}
		for _, a := range []recommend.Algorithm{recommend.CoOccurrence, recommend.EASE} {
			if mc.Algorithm == recommend.Auto || mc.Algorithm == a {
				c := mc
				c.Algorithm = a
				cfg.Models[string(a)] = c
			}
		}
	}
	if !*quiet {
		cfg.Progress = progressPrinter(e.stderr)
	}
	b, err := in.read(ctx, e)
	if err != nil {
		return err
	}
	if cfg.Models != nil && b.Items() > 3000 && mc.EASEMaxItems == 0 {
		// EASE beyond its size is refused by Train; leave it out here.
		delete(cfg.Models, string(recommend.EASE))
	}
	res, err := b.Evaluate(ctx, cfg)
	if err != nil {
		return err
	}
	return writeEval(e.stdout, res, *k, *format)
}

func writeEval(w io.Writer, res []recommend.Metrics, k int, format string) error {
	ks := strconv.Itoa(k)
	header := []string{"model", "HR@" + ks, "recall@" + ks, "NDCG@" + ks, "MAP@" + ks, "coverage",
		"recall@" + ks + "_95%", "gain_vs_popularity_95%", "customers", "params"}
	f4 := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	iv := func(lo, hi float64) string { return "[" + f4(lo) + "," + f4(hi) + "]" }
	rows := [][]string{header}
	for _, m := range res {
		rows = append(rows, []string{m.Model, f4(m.HR), f4(m.Recall), f4(m.NDCG), f4(m.MAP), f4(m.Coverage),
			iv(m.RecallLow, m.RecallHigh), iv(m.DiffLow, m.DiffHigh), strconv.Itoa(m.Customers), formatParams(m.Params)})
	}
	if format == "csv" {
		cw := csv.NewWriter(w)
		cw.WriteAll(rows)
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func runRecommendQuery(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "recommend query", "--model FILE.model --for CUSTOMER [--items A,B] [--segment S] [--n 10]\n\n"+
		"Prints a CSV of rank,item,score,reason for one customer (a customer the model does not\n"+
		"know gets the most popular items), items already bought left out unless --repurchase.\n")
	model := fs.String("model", "", "model file written by c360 recommend train (required)")
	who := fs.String("for", "", "customer ID")
	items := fs.String("items", "", "comma-separated items in the basket")
	seg := fs.String("segment", "", "the customer's segment")
	n := fs.Int("n", 10, "number of items")
	repurchase := fs.Bool("repurchase", false, "items the customer bought may be recommended again (a grocery shop)")
	exclude := fs.String("exclude", "", "comma-separated items not to recommend (out of stock)")
	rulesPath := fs.String("rules", "", "JSON file of business rules (recommend.Rules: repurchase, consumables, unavailable, categories, max_per_category, boosts, restrictions)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *model == "" {
		return usageError("--model is required")
	}
	fh, err := os.Open(*model)
	if err != nil {
		return err
	}
	defer fh.Close()
	m, err := recommend.ReadModel(fh)
	if err != nil {
		if errors.Is(err, recommend.ErrBadModelFile) {
			return fmt.Errorf("%s: %w", *model, err)
		}
		return err
	}
	var basket []string
	if *items != "" {
		basket = splitList(*items)
	}
	var ex []string
	if *exclude != "" {
		ex = splitList(*exclude)
	}
	r := &recommend.Recommender{Model: m}
	if *rulesPath != "" {
		b, err := os.ReadFile(*rulesPath)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r.Rules); err != nil {
			return fmt.Errorf("%s: %w", *rulesPath, err)
		}
		if err := r.Rules.Validate(); err != nil {
			return fmt.Errorf("%s: %w", *rulesPath, err)
		}
	}
	if *repurchase {
		r.Rules.Repurchase = true
	}
	recs, err := r.Recommend(ctx, recommend.Request{Customer: customer.ID(*who), Items: basket, Segment: *seg, N: *n, Exclude: ex})
	if err != nil {
		return err
	}
	cw := csv.NewWriter(e.stdout)
	cw.Write([]string{"rank", "item", "score", "reason"})
	for i, r := range recs {
		texts := make([]string, len(r.Reasons))
		for j, x := range r.Reasons {
			texts[j] = x.Text
		}
		cw.Write([]string{strconv.Itoa(i + 1), r.Item, strconv.FormatFloat(r.Score, 'f', 4, 64), strings.Join(texts, "; ")})
	}
	cw.Flush()
	return cw.Error()
}
