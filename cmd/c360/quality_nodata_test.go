package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestQualityNoData checks that c360 quality says "no data" for a file
// without records, and for a rule that checked no record, instead of
// passing them.
func TestQualityNoData(t *testing.T) {
	type rule struct {
		Name   string  `json:"name"`
		Ratio  float64 `json:"ratio"`
		Status string  `json:"status"`
	}
	type report struct {
		Records int                        `json:"records"`
		Score   float64                    `json:"score"`
		Checks  map[string]json.RawMessage `json:"checks"`
		Rules   []rule                     `json:"rules"`
	}
	tests := []struct {
		name       string
		csv        string
		stdoutHas  []string
		stdoutLack []string
		score      float64
		overall    string
		rules      []rule
	}{
		{
			name: "header-only file",
			csv:  "id,email\n",
			stdoutHas: []string{"records 0, score: no data",
				"no_data completeness:email                                     0          0        -"},
			stdoutLack: []string{"score 100", "pass "},
			overall:    `{"passed":0,"failed":0,"ratio":0,"status":"no_data"}`,
			rules: []rule{{"completeness:email", 0, "no_data"}, {"validity:email", 0, "no_data"},
				{"uniqueness:email", 0, "no_data"}},
		},
		{
			name: "a column empty in every row: its validity has no data",
			csv:  "id,email\n1,\n2,\n",
			stdoutHas: []string{"records 2, score 0.00",
				"fail    completeness:email", "no_data validity:email"},
			overall: `{"passed":0,"failed":2,"ratio":0,"status":"fail"}`,
			rules: []rule{{"completeness:email", 0, "fail"}, {"validity:email", 0, "no_data"},
				{"uniqueness:email", 0, "no_data"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jsonPath := filepath.Join(t.TempDir(), "r.json")
			code, stdout, stderr := runCLI(t, "", "quality", "--input", writeFile(t, "in.csv", tt.csv), "--id", "id",
				"--field", "email=email", "--json", jsonPath)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tt.stdoutHas {
				if !strings.Contains(stdout, w) {
					t.Errorf("standard output lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range tt.stdoutLack {
				if strings.Contains(stdout, w) {
					t.Errorf("standard output has %q:\n%s", w, stdout)
				}
			}
			b, err := os.ReadFile(jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			var rep report
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Score != tt.score {
				t.Errorf("score = %v, want %v", rep.Score, tt.score)
			}
			var overall any
			if err := json.Unmarshal(rep.Checks["overall"], &overall); err != nil {
				t.Fatal(err)
			}
			var want any
			if err := json.Unmarshal([]byte(tt.overall), &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, overall); diff != "" {
				t.Errorf("checks.overall (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.rules, rep.Rules); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
		})
	}
}
