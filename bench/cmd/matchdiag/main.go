// Command matchdiag groups the errors of a dedupe against a truth file: for
// each true pair left in different clusters (a false negative) and each
// false pair put in one cluster (a false positive), it says whether blocking
// could have found it, whether a limit (veto, common name) held it back or
// a chaining guard refused it, and which fields agreed, and prints the most
// frequent groups with an example.
//
//	go run ./cmd/matchdiag -input ja100k.csv -truth ja100k_truth.csv
package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"strings"

	"github.com/c360/c360/internal/synthsource"
	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/quality/match/synth"
)

func main() {
	input := flag.String("input", "", "records CSV (c360 synth output)")
	truthPath := flag.String("truth", "", "truth CSV (record_id,entity_id)")
	top := flag.Int("top", 25, "groups to print per kind of error")
	labelCol := flag.Bool("label-last", false, "the input's last column is the entity label (no -truth)")
	engineN := flag.Int("engine", 0, "instead of -input: this many synthetic customer source records, matched as the engine's Load matches them")
	locale := flag.String("locale", "ja", "with -engine: the synthetic locale (ja or en)")
	flag.Parse()
	var fields []match.Field
	var recs []match.Record
	var truth []string
	cfg := match.Config{}
	if *engineN > 0 {
		// The engine's batch path: customer source records as package c360's
		// Load matches them (match.SourceFields, no term frequencies).
		srcs, tr, err := synthsource.Generate(context.Background(), *engineN, 1, synth.Locale(*locale))
		if err != nil {
			log.Fatal(err)
		}
		fields, recs, truth = match.SourceFields(), match.SourceRecords(srcs), tr
		cfg.TermFrequency = new(false)
	} else {
		fields, recs, truth = readInput(*input, *truthPath, *labelCol)
	}
	cfg.Fields = fields
	m, err := match.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	res, err := m.DedupeLabelled(context.Background(), recs, truth)
	if err != nil {
		log.Fatal(err)
	}
	printModel(res.Model)
	sc, err := m.NewScorer(res.Model)
	if err != nil {
		log.Fatal(err)
	}
	keys := make([]map[string]bool, len(recs))
	keyOf := func(i int) map[string]bool {
		if keys[i] == nil {
			ks, _ := sc.Keys(recs[i])
			keys[i] = map[string]bool{}
			for _, k := range ks {
				keys[i][k] = true
			}
		}
		return keys[i]
	}
	shared := func(i, j int) string {
		var rs []string
		for k := range keyOf(i) {
			if keyOf(j)[k] {
				rs = append(rs, k[:strings.IndexByte(k, ':')])
			}
		}
		slices.Sort(rs)
		rs = slices.Compact(rs)
		if len(rs) == 0 {
			return "NOT-BLOCKED"
		}
		return strings.Join(rs, "+")
	}
	scored := map[[2]int]match.Pair{}
	for _, p := range res.Pairs {
		scored[[2]int{p.A, p.B}] = p
	}
	th, _ := m.Thresholds()
	byEnt := map[string][]int{}
	for i, t := range truth {
		byEnt[t] = append(byEnt[t], i)
	}
	byCl := map[int][]int{}
	for i, c := range res.ClusterOf {
		byCl[c] = append(byCl[c], i)
	}
	type group struct {
		n       int
		example string
	}
	fn, fp := map[string]*group{}, map[string]*group{}
	add := func(gs map[string]*group, i, j int) {
		if i > j {
			i, j = j, i
		}
		e, _ := res.Explain(i, j)
		var pat []string
		for _, c := range e.Fields {
			pat = append(pat, abbrev(c.Field)+"="+abbrevLevel(c.Level))
		}
		why := e.Limit
		if why == "" {
			switch {
			case e.Probability >= th:
				why = "match-but-apart"
			default:
				why = "low-weight"
			}
		}
		if _, ok := scored[[2]int{i, j}]; !ok && e.Probability >= th {
			why += "/not-candidate"
		}
		key := why + " | " + shared(i, j) + " | " + strings.Join(pat, " ")
		g := gs[key]
		if g == nil {
			var b strings.Builder
			fmt.Fprintf(&b, "    %s %s w=%.1f p=%.3f\n", e.A, e.B, e.Weight, e.Probability)
			for _, c := range e.Fields {
				fmt.Fprintf(&b, "      %-12s %-28s %6.2f  %q | %q\n", c.Field, c.Level, c.Weight, c.A, c.B)
			}
			g = &group{example: b.String()}
			gs[key] = g
		}
		g.n++
	}
	nfn, nfp := 0, 0
	for _, ms := range byEnt {
		for a := range ms {
			for b := a + 1; b < len(ms); b++ {
				if res.ClusterOf[ms[a]] != res.ClusterOf[ms[b]] {
					add(fn, ms[a], ms[b])
					nfn++
				}
			}
		}
	}
	for _, ms := range byCl {
		for a := range ms {
			for b := a + 1; b < len(ms); b++ {
				if truth[ms[a]] != truth[ms[b]] {
					add(fp, ms[a], ms[b])
					nfp++
				}
			}
		}
	}
	fmt.Printf("candidates %d, blocking recall %.4f, FN pairs %d, FP pairs %d\n", res.Stats.CandidatePairs, res.Stats.PairRecall, nfn, nfp)
	for _, x := range []struct {
		name string
		gs   map[string]*group
	}{{"FALSE NEGATIVES", fn}, {"FALSE POSITIVES", fp}} {
		fmt.Printf("\n== %s\n", x.name)
		// coarse: by reason and blocking
		coarse := map[string]int{}
		for k, g := range x.gs {
			parts := strings.SplitN(k, " | ", 3)
			coarse[parts[0]+" | "+parts[1]] += g.n
		}
		printTop(coarse, *top)
		fmt.Println("  -- fine")
		ks := make([]string, 0, len(x.gs))
		for k := range x.gs {
			ks = append(ks, k)
		}
		slices.SortFunc(ks, func(a, b string) int { return x.gs[b].n - x.gs[a].n })
		for _, k := range ks[:min(*top, len(ks))] {
			fmt.Printf("%6d  %s\n%s", x.gs[k].n, k, x.gs[k].example)
		}
	}
}

// readInput reads the records of a CSV file and their entity labels (from
// the truth file, or the input's last column).
func readInput(input, truthPath string, labelCol bool) (fields []match.Field, recs []match.Record, truth []string) {
	header, rows := readCSV(input)
	ent := map[string]string{}
	if labelCol {
		for _, r := range rows {
			ent[r[0]] = r[len(r)-1]
		}
		header = header[:len(header)-1]
		for i := range rows {
			rows[i] = rows[i][:len(header)]
		}
	} else {
		_, trows := readCSV(truthPath)
		for _, r := range trows {
			ent[r[0]] = r[1]
		}
	}
	var sample [][]string
	for _, r := range rows[:min(len(rows), 1000)] {
		sample = append(sample, r[1:])
	}
	for i, k := range match.InferKinds(header[1:], sample) {
		fields = append(fields, match.Field{Name: header[1+i], Kind: k})
	}
	recs = make([]match.Record, len(rows))
	truth = make([]string, len(rows))
	for i, r := range rows {
		recs[i] = match.Record{ID: r[0], Values: r[1:]}
		truth[i] = ent[r[0]]
	}
	return fields, recs, truth
}

func printTop(c map[string]int, top int) {
	ks := make([]string, 0, len(c))
	for k := range c {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b string) int { return c[b] - c[a] })
	for _, k := range ks[:min(top, len(ks))] {
		fmt.Printf("%6d  %s\n", c[k], k)
	}
}

func abbrev(f string) string {
	switch f {
	case "family_name":
		return "fam"
	case "given_name":
		return "giv"
	case "family_kana":
		return "fk"
	case "given_kana":
		return "gk"
	case "birth_date":
		return "dob"
	case "email":
		return "em"
	case "phone":
		return "ph"
	case "postal_code":
		return "pc"
	case "prefecture":
		return "pref"
	case "address":
		return "addr"
	case "company":
		return "co"
	}
	return f
}

func abbrevLevel(l string) string {
	switch {
	case l == "missing":
		return "-"
	case l == "exact":
		return "E"
	case l == "disagree":
		return "X"
	}
	return "p"
}

func readCSV(path string) ([]string, [][]string) {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		log.Fatal(err)
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		rows = append(rows, rec)
	}
	return header, rows
}

func printModel(md *match.Model) {
	fmt.Printf("lambda %.5f\n", md.Lambda)
	for _, f := range md.Fields {
		fmt.Printf("  %-12s", f.Name)
		for l := 1; l < len(f.M); l++ {
			fmt.Printf(" %s m=%.4f u=%.2g", abbrevLevel(f.Levels[l]), f.M[l], f.U[l])
		}
		fmt.Printf(" rx=%.2g\n", f.RandomExact)
	}
}
