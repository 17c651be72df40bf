package main

// Golden-output tests: each command runs on the inputs under
// testdata/golden/in, and its exit code, standard output, standard error and
// every file it writes must equal testdata/golden/NAME.golden byte for byte.
// They pin the command line's output while the code underneath is re-cut.
// Run "go test ./cmd/c360 -run TestGolden -update" to rewrite the files after
// an intended change, and review the diff.

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestGolden")

// goldenCase is one command line. In args, "$IN/" stands for the input
// directory and "$OUT/" for a fresh temporary directory; outputs name the
// files under $OUT whose content is part of the golden file.
type goldenCase struct {
	name    string
	stdin   string // a file under $IN, or empty
	args    []string
	outputs []string
}

var goldenCases = []goldenCase{
	{name: "normalize_text", stdin: "names.txt", args: []string{"normalize", "--kind", "text"}},
	{name: "normalize_phone", stdin: "names.txt", args: []string{"normalize", "--kind", "phone"}},
	{name: "normalize_company_json", stdin: "names.txt", args: []string{"normalize", "--kind", "company", "--json"}},
	{name: "synth_ja", args: []string{"synth", "--n", "20", "--seed", "7", "--output", "$OUT/records.csv", "--truth", "$OUT/truth.csv"}, outputs: []string{"records.csv", "truth.csv"}},
	{name: "synth_en_noise", args: []string{"synth", "--n", "12", "--seed", "3", "--locale", "en", "--with-noise", "--output", "-"}},
	{name: "dedupe_inferred", args: []string{"dedupe", "--input", "$IN/customers.csv", "--id", "id", "--output", "$OUT/clusters.csv", "--pairs", "$OUT/pairs.csv", "--truth", "$IN/truth.csv"}, outputs: []string{"clusters.csv", "pairs.csv"}},
	{name: "dedupe_fields", args: []string{"dedupe", "--input", "$IN/customers.csv", "--id", "id", "--field", "name=person_name", "--field", "phone=phone", "--field", "email=email", "--threshold", "0.6", "--output", "$OUT/clusters.csv"}, outputs: []string{"clusters.csv"}},
	{name: "dedupe_config", args: []string{"dedupe", "--input", "$IN/customers.csv", "--id", "id", "--config", "$IN/match.json", "--output", "$OUT/clusters.csv", "--pairs", "$OUT/pairs.csv"}, outputs: []string{"clusters.csv", "pairs.csv"}},
	{name: "link", args: []string{"link", "--left", "$IN/left.csv", "--right", "$IN/right.csv", "--id", "id", "--explain", "--output", "$OUT/links.csv", "--pairs", "$OUT/pairs.csv"}, outputs: []string{"links.csv", "pairs.csv"}},
	{name: "link_one_to_one", args: []string{"link", "--left", "$IN/left.csv", "--right", "$IN/right.csv", "--id", "id", "--one-to-one", "--output", "$OUT/links.csv"}, outputs: []string{"links.csv"}},
	{name: "eval_links", args: []string{"eval", "--links", "$IN/links.csv", "--left", "$IN/left.csv", "--right", "$IN/right.csv", "--id", "id", "--id-pattern", "^[LR]([0-9]+)$"}},
	{name: "eval_clusters", args: []string{"eval", "--clusters", "$IN/clusters.csv", "--truth", "$IN/truth.csv"}},
	{name: "funnel", args: []string{"funnel", "--events", "$IN/events.csv", "--steps", "visit,cart,online_purchase"}},
	{name: "funnel_by", args: []string{"funnel", "--events", "$IN/events.csv", "--steps", "visit,cart", "--window", "2h", "--by", "region"}},
	{name: "pareto", args: []string{"pareto", "--input", "$IN/sales.csv", "--id", "item", "--value", "sales", "--svg", "$OUT/chart.svg"}, outputs: []string{"chart.svg"}},
	{name: "rfm", args: []string{"rfm", "--events", "$IN/events.csv", "--now", "2026-11-22"}},
	{name: "rfm_window", args: []string{"rfm", "--events", "$IN/events.csv", "--now", "2026-11-22T00:00:00Z", "--window", "365d", "--bins", "3"}},
	{name: "segment_rank", args: []string{"segment", "--profiles", "$IN/profiles.jsonl", "--expr", `rank = "ゴールド" or rank = "シルバー"`, "--now", "2026-11-22"}},
	{name: "segment_events", args: []string{"segment", "--profiles", "$IN/profiles.jsonl", "--events", "$IN/events.csv", "--expr", `sum(value, 365d) > 5000 and last_purchase_at > now - 90d`, "--now", "2026-11-22"}},
	{name: "quality", args: []string{"quality", "--input", "$IN/customers.csv", "--id", "id", "--updated", "updated_at", "--now", "2026-11-22", "--slice", "segment", "--missing", "不明", "--json", "$OUT/report.json", "--html", "$OUT/report.html", "--rows", "$OUT/rows.csv"}, outputs: []string{"report.json", "report.html", "rows.csv"}},
	{name: "quality_fields", args: []string{"quality", "--input", "$IN/customers.csv", "--id", "id", "--field", "phone=phone", "--field", "email=email", "--field", "birth_date=birth_date", "--now", "2026-11-22", "--pass", "90%", "--warn", "50%", "--duplicates"}},
}

func TestGolden(t *testing.T) {
	in, err := filepath.Abs(filepath.Join("testdata", "golden", "in"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				a = strings.ReplaceAll(a, "$IN/", in+string(filepath.Separator))
				args[i] = strings.ReplaceAll(a, "$OUT/", out+string(filepath.Separator))
			}
			var stdin string
			if tc.stdin != "" {
				b, err := os.ReadFile(filepath.Join(in, tc.stdin))
				if err != nil {
					t.Fatal(err)
				}
				stdin = string(b)
			}
			code, stdout, stderr := runCLI(t, stdin, args...)
			var got strings.Builder
			got.WriteString("# c360 " + strings.Join(tc.args, " ") + "\n")
			got.WriteString("## exit " + strconv.Itoa(code) + "\n")
			got.WriteString("## stdout\n" + stdout)
			got.WriteString("## stderr\n" + maskGolden(stderr, in, out))
			for _, name := range tc.outputs {
				b, err := os.ReadFile(filepath.Join(out, name))
				if err != nil {
					t.Fatal(err)
				}
				got.WriteString("## file " + name + "\n" + maskGolden(string(b), in, out))
			}
			path := filepath.Join("testdata", "golden", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}

// durationRE matches the timings some commands print on standard error.
var durationRE = regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s)\b`)

// maskGolden replaces the run-specific parts of standard error: the input and
// output directories, and timings.
func maskGolden(s, in, out string) string {
	s = strings.ReplaceAll(s, in+string(filepath.Separator), "$IN/")
	s = strings.ReplaceAll(s, out+string(filepath.Separator), "$OUT/")
	return durationRE.ReplaceAllString(s, "DURATION")
}
