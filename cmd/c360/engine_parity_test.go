package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/c360test"
	"github.com/c360/c360/internal/synthsource"
	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/quality/match/synth"
	"github.com/google/go-cmp/cmp"
)

// TestDedupeAndEngineAgree runs `c360 dedupe` on a file of customer source
// records with a match.json, and loads the same records into an engine
// configured with the same file: the clusters must be the same.
func TestDedupeAndEngineAgree(t *testing.T) {
	ctx := context.Background()
	recs, _, err := synthsource.Generate(ctx, 4000, 5, synth.Japanese)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The file: one column per field of match.SourceFields, as the engine
	// sees a source record.
	mrecs := match.SourceRecords(recs)
	in := filepath.Join(dir, "records.csv")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	header := []string{"id"}
	fields := match.SourceFields()
	for _, fd := range fields {
		header = append(header, fd.Name)
	}
	w.Write(header)
	for _, r := range mrecs {
		w.Write(append([]string{r.ID}, r.Values...))
	}
	w.Flush()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	cfg := match.Config{Fields: fields, TermFrequency: new(false)}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "match.json")
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "clusters.csv")
	code, _, stderr := runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--config", cfgPath, "--output", out)
	if code != 0 {
		t.Fatalf("dedupe: exit %d\n%s", code, stderr)
	}
	byCluster := map[string][]string{}
	for i, row := range readMatchCSV(t, out) {
		if i > 0 {
			byCluster[row[1]] = append(byCluster[row[1]], row[0])
		}
	}
	var want []string
	for _, ids := range byCluster {
		sort.Strings(ids)
		want = append(want, strings.Join(ids, " "))
	}
	sort.Strings(want)

	loaded, err := match.LoadConfig(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	e, err := c360.Open(ctx, c360.Config{Match: loaded})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Load(ctx, c360.Records(recs)); err != nil {
		t.Fatal(err)
	}
	got := c360test.Clusters(t, e)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("c360 dedupe (-) and the engine (+) disagree:\n%s", diff)
	}
}
