package main

import (
	"context"
	"fmt"
	"time"

	"github.com/c360/c360/quality/match"
)

func init() {
	register(&command{
		name:    "link",
		summary: "link the records of two CSV files that describe the same entity",
		run:     runLink,
	})
}

const linkUsage = `--left A.csv --right B.csv --id COLUMN [--field COLUMN=KIND ...] [--threshold P]
       [--config match.json] [--one-to-one] [--explain] --output links.csv
       [--pairs pairs.csv]

Links records of A.csv to records of B.csv. Both files have the ID column and
the matched columns under the same names (in any order); kinds are inferred
from the values of A.csv (then B.csv) unless given. links.csv gets left_id,right_id,probability for every link at or above
the threshold, most probable first. With --explain, each link also gets one
column per matched field, named after it, holding the field's contribution in
bits as in the pairs.csv of "c360 dedupe" (negative: evidence against; 0 for a
missing value and in deterministic "rules" mode). Measure the links against
known entities with "c360 eval --links". --pairs writes, as "c360 dedupe"
does, every pair at or above the review threshold (possible links for
clerical review too) with each field's contribution. Nothing is written when an input is
malformed, and an output that is also an input is refused; when either file
has no records, links.csv gets the header alone.`

func runLink(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "link", linkUsage)
	left := fs.String("left", "", "left CSV file (required)")
	right := fs.String("right", "", "right CSV file (required)")
	id := fs.String("id", "", "column holding the record ID in both files (required)")
	var fields multiFlag
	fs.Var(&fields, "field", "COLUMN=KIND, repeatable; only these columns are used")
	threshold := fs.Float64("threshold", 0, "match probability threshold (default 0.7)")
	config := fs.String("config", "", "JSON configuration (fields, thresholds, rules, blocking)")
	oneToOne := fs.Bool("one-to-one", false, "link each record to at most one record of the other file")
	explain := fs.Bool("explain", false, "add each field's contribution in bits after left_id,right_id,probability")
	output := fs.String("output", "", "links CSV to write (required)")
	pairs := fs.String("pairs", "", "pairs CSV to write: every pair at or above the review threshold, with each field's contribution")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *left == "" || *right == "" || *id == "" || *output == "" {
		return usageError("--left, --right, --id and --output are required")
	}
	if err := checkThreshold(fs, *threshold); err != nil {
		return err
	}
	if err := checkPaths(map[string]string{"left": *left, "right": *right, "config": *config},
		map[string]string{"output": *output, "pairs": *pairs}); err != nil {
		return err
	}
	cfg, err := readConfig(*config)
	if err != nil {
		return err
	}
	lt, err := loadTable(*left, *id)
	if err != nil {
		return err
	}
	rt, err := loadTable(*right, *id)
	if err != nil {
		return err
	}
	plan, err := planFields(fields, cfg, lt, e.stderr, rt)
	if err != nil {
		return err
	}
	lrecs, err := plan.records(lt)
	if err != nil {
		return err
	}
	rrecs, err := plan.records(rt)
	if err != nil {
		return err
	}
	if len(lrecs) == 0 || len(rrecs) == 0 {
		// Nothing to link: the header alone.
		out, err := createAtomic(*output)
		if err != nil {
			return err
		}
		header := []string{"left_id", "right_id", "probability"}
		if *explain {
			header = append(header, plan.names...)
		}
		out.csv.Write(header)
		if *pairs != "" {
			if err := writeEmptyPairs(*pairs, plan.names); err != nil {
				out.abort()
				return err
			}
		}
		if err := out.commit(); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "%d + %d records, 0 links\n", len(lrecs), len(rrecs))
		return nil
	}
	mc := matcherConfig(cfg, plan, *threshold, e.stderr, len(lrecs)+len(rrecs))
	mc.OneToOne = mc.OneToOne || *oneToOne
	m, err := match.New(mc)
	if err != nil {
		return fmt.Errorf("matching setup (--field, --threshold, --config): %w", oneLine{err})
	}
	start := time.Now()
	res, err := m.Link(ctx, lrecs, rrecs)
	if err != nil {
		return err
	}
	out, err := createAtomic(*output)
	if err != nil {
		return err
	}
	var pf *atomicFile
	if *pairs != "" {
		if pf, err = createAtomic(*pairs); err != nil {
			out.abort()
			return err
		}
		writePairs(pf.csv, res, plan, lrecs, rrecs)
	}
	// Result.Pairs also holds the review band; links.csv lists the accepted
	// links only, with or without their explanations.
	var links []match.Pair
	for _, p := range res.Pairs {
		if res.IsMatch(p) {
			links = append(links, p)
		}
	}
	res.Pairs = links
	if *explain {
		writePairs(out.csv, res, plan, lrecs, rrecs)
	} else {
		out.csv.Write([]string{"left_id", "right_id", "probability"})
		for _, p := range links {
			out.csv.Write([]string{lrecs[p.A].ID, rrecs[p.B].ID, fmtProb(p.Probability)})
		}
	}
	if pf != nil {
		if err := pf.commit(); err != nil {
			out.abort()
			return err
		}
	}
	if err := out.commit(); err != nil {
		return err
	}
	st := res.Stats
	fmt.Fprintf(e.stderr, "%d + %d records, %d candidate pairs, %d links, %.1fs\n",
		len(lrecs), len(rrecs), st.CandidatePairs, len(links), time.Since(start).Seconds())
	reportCaps(e.stderr, st)
	return nil
}
