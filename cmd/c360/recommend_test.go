package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/c360/c360/internal/shareddata"
	"github.com/c360/c360/recommend"
)

// writeSynthetic writes synthetic interactions as a CSV with the columns
// customer_id,item,time,qty.
func writeSynthetic(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("customer_id,item,time,qty\n")
	seq, _ := recommend.Synthetic(recommend.SynthConfig{Customers: 400, Items: 60, Seed: 2})
	for in := range seq {
		fmt.Fprintf(&b, "%s,%s,%s,1\n", in.Customer, in.Item, in.Time.Format("2006-01-02T15:04:05Z07:00"))
	}
	p := filepath.Join(dir, "events.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRecommendTrainQuery(t *testing.T) {
	dir := t.TempDir()
	events := writeSynthetic(t, dir)
	model := filepath.Join(dir, "m.model")
	code, stdout, stderr := runCLI(t, "", "recommend", "train", "--events", events, "--model", model, "--quantity", "qty")
	if code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "customers: 400") || !strings.Contains(stdout, "items: 60") {
		t.Errorf("train summary:\n%s", stdout)
	}
	if !strings.Contains(stderr, "similarity") && !strings.Contains(stderr, "ease") {
		t.Errorf("no progress on stderr:\n%s", stderr)
	}
	code, stdout, stderr = runCLI(t, "", "recommend", "query", "--model", model, "--for", "c0000001", "--n", "3")
	if code != 0 {
		t.Fatalf("query: exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 4 || lines[0] != "rank,item,score,reason" || !strings.HasPrefix(lines[1], "1,i") {
		t.Errorf("query output:\n%s", stdout)
	}
	code, stdout, _ = runCLI(t, "", "recommend", "query", "--model", model, "--for", "stranger", "--n", "1")
	if code != 0 || !strings.Contains(stdout, "popular with all customers") {
		t.Errorf("unknown customer: exit %d\n%s", code, stdout)
	}
	// Rules from a JSON file: a boost shows with its reason; a bad file
	// reports every problem.
	rules := filepath.Join(dir, "rules.json")
	os.WriteFile(rules, []byte(`{"boosts":[{"items":["i00042"],"factor":1000,"reason":"spring campaign"}]}`), 0o644)
	code, stdout, stderr = runCLI(t, "", "recommend", "query", "--model", model, "--for", "stranger", "--n", "1", "--rules", rules)
	if code != 0 || !strings.Contains(stdout, "1,i00042,") || !strings.Contains(stdout, "spring campaign") {
		t.Errorf("boost rule: exit %d\n%s%s", code, stdout, stderr)
	}
	os.WriteFile(rules, []byte(`{"boosts":[{"items":[],"factor":-1}],"max_per_category":-1}`), 0o644)
	code, _, stderr = runCLI(t, "", "recommend", "query", "--model", model, "--for", "x", "--rules", rules)
	if code != 1 || !strings.Contains(stderr, "3 errors occurred") {
		t.Errorf("bad rules: exit %d\n%s", code, stderr)
	}
	// The model never replaces its input.
	code, _, stderr = runCLI(t, "", "recommend", "train", "--events", events, "--model", events)
	if code != 2 || !strings.Contains(stderr, "also the input") {
		t.Errorf("--model = --events: exit %d\n%s", code, stderr)
	}
	// A damaged model file is refused with a clear error.
	os.WriteFile(model, []byte("C360RECM\x01\x00\x00\x00junk"), 0o644)
	code, _, stderr = runCLI(t, "", "recommend", "query", "--model", model, "--for", "x")
	if code != 1 || !strings.Contains(stderr, "bad model file") {
		t.Errorf("damaged model: exit %d\n%s", code, stderr)
	}
}

func TestRecommendEvalSynthetic(t *testing.T) {
	events := writeSynthetic(t, t.TempDir())
	code, stdout, stderr := runCLI(t, "", "recommend", "eval", "--events", events, "--holdout-last", "0.2", "--k", "5", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header and 3 models:\n%s", stdout)
	}
	head := strings.Fields(lines[0])
	for _, h := range []string{"model", "HR@5", "recall@5", "NDCG@5", "MAP@5", "coverage"} {
		if !contains(head, h) {
			t.Errorf("header %v lacks %s", head, h)
		}
	}
	for i, name := range []string{"popularity", "cooccurrence", "ease"} {
		if f := strings.Fields(lines[i+1]); f[0] != name {
			t.Errorf("row %d starts with %q, want %q", i+1, f[0], name)
		}
	}
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func TestRecommendEvalGroceries(t *testing.T) {
	p := shareddata.Path(t, "groceries/Groceries_dataset.csv")
	code, stdout, stderr := runCLI(t, "", "recommend", "eval", "--events", p, "--customer", "Member_number",
		"--item", "itemDescription", "--time", "Date", "--split", "2015-07-01")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	head := strings.Fields(lines[0])
	col := -1
	for i, h := range head {
		if h == "recall@10" {
			col = i
		}
	}
	if col < 0 || len(lines) < 3 || !strings.HasPrefix(lines[1], "popularity ") {
		t.Fatalf("output:\n%s", stdout)
	}
	t.Logf("\n%s", stdout)
}

func TestRecommendUsageErrors(t *testing.T) {
	events := writeSynthetic(t, t.TempDir())
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("customer_id,item,time\na,x,2026-01-01\n,y,2026-01-02\nb,z,yesterday\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{"recommend"}, 2, "usage: c360 recommend"},
		{"unknown subcommand", []string{"recommend", "serve"}, 2, `unknown subcommand "serve"`},
		{"split and holdout", []string{"recommend", "eval", "--events", events, "--split", "2025-06-01", "--holdout-last", "0.2"}, 2, "exclude each other"},
		{"bad split", []string{"recommend", "eval", "--events", events, "--split", "someday"}, 2, "--split"},
		{"bad algorithm", []string{"recommend", "train", "--events", events, "--model", "x", "--algorithm", "svd"}, 2, "--algorithm"},
		{"missing column", []string{"recommend", "eval", "--events", events, "--item", "sku"}, 1, `no such column "sku"`},
		{"bad rows, each with its line", []string{"recommend", "eval", "--events", bad}, 1, "line 3"},
		{"bad rows, each with its line (2)", []string{"recommend", "eval", "--events", bad}, 1, "line 4"},
		{"bad rows skipped on request", []string{"recommend", "train", "--events", bad, "--model", filepath.Join(t.TempDir(), "m"), "--skip-invalid", "--quiet"}, 0, "warning"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d (want %d), stderr:\n%s\nwant it to contain %q", code, tt.code, stderr, tt.want)
			}
		})
	}
}
