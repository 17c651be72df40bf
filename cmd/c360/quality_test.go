package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const qualityCSV = "id,name,kana,email,phone,postal_code,prefecture,updated_at\n" +
	"C1,山田,ヤマダ,taro@example.jp,03-1234-5678,100-0005,東京都,2025-03-01T10:00:00+09:00\n" +
	"C2,佐藤,さとう,不明,090-1234-5678,1000005,大阪府,2020-01-01\n" +
	"C3,鈴木,,suzuki@,12345,999-9999,北海道,2025-01-15\n"

func writeQualityTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestQualityOutputs(t *testing.T) {
	in := writeQualityTemp(t, "in.csv", qualityCSV)
	dir := t.TempDir()
	jsonPath, rowsPath, htmlPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "rows.csv"), filepath.Join(dir, "r.html")
	code, stdout, stderr := runCLI(t, "", "quality", "--input", in, "--id", "id",
		"--field", "name=family_name", "--field", "kana=name_kana", "--field", "email=email", "--field", "phone=phone",
		"--field", "postal_code=postal_code", "--field", "prefecture=region", "--updated", "updated_at", "--max-age", "365d",
		"--now", "2025-04-01T00:00:00Z", "--json", jsonPath, "--rows", rowsPath, "--html", htmlPath)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "records 3, score ") || !strings.Contains(stdout, "fail  validity:email") {
		t.Errorf("summary lacks the score or a rule line:\n%s", stdout)
	}
	if strings.Contains(stderr, "inferred") {
		t.Errorf("kinds were given, yet inferred:\n%s", stderr)
	}
	var rep struct {
		Records    int                `json:"records"`
		Score      float64            `json:"score"`
		Dimensions map[string]float64 `json:"dimensions"`
		Fields     map[string]struct {
			Missing int `json:"missing"`
			Invalid int `json:"invalid"`
		} `json:"fields"`
		Rules []struct {
			Name      string  `json:"name"`
			Dimension string  `json:"dimension"`
			Passed    int     `json:"passed"`
			Failed    int     `json:"failed"`
			Ratio     float64 `json:"ratio"`
			Status    string  `json:"status"`
		} `json:"rules"`
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Records != 3 || rep.Score <= 0 || rep.Score >= 100 {
		t.Errorf("records %d, score %v", rep.Records, rep.Score)
	}
	for _, d := range []string{"completeness", "validity", "consistency", "timeliness"} {
		if _, ok := rep.Dimensions[d]; !ok {
			t.Errorf("dimensions lack %s: %v", d, rep.Dimensions)
		}
	}
	if f := rep.Fields["email"]; f.Missing != 1 || f.Invalid != 1 {
		t.Errorf("fields.email = %+v, want missing 1, invalid 1", f)
	}
	if f := rep.Fields["phone"]; f.Missing != 0 || f.Invalid != 1 {
		t.Errorf("fields.phone = %+v, want invalid 1", f)
	}
	found := false
	for _, r := range rep.Rules {
		if r.Name == "timeliness:updated_at" {
			found = true
			if r.Dimension != "timeliness" || r.Passed != 2 || r.Failed != 1 || r.Status != "fail" || r.Ratio != 0.6667 {
				t.Errorf("timeliness rule = %+v", r)
			}
		}
	}
	if !found {
		t.Errorf("no timeliness:updated_at rule in %+v", rep.Rules)
	}
	rows, err := os.ReadFile(rowsPath)
	if err != nil {
		t.Fatal(err)
	}
	// C2: completeness 6/7, validity 4/5 (e-mail missing), consistency 1/2,
	// timeliness 0/1: (3×85.71 + 3×80 + 2×50 + 1×0) / 9 = 66.35.
	// C3: completeness 6/7, validity 2/5, uniqueness 1/1, consistency 0/1
	// (unknown postal code: skipped), timeliness 1/1:
	// (3×85.71 + 3×40 + 2×100 + 2×0 + 1×100) / 11 = 61.56.
	wantRows := "record_id,score,reasons\n" +
		"C1,100.00,\n" +
		"C2,66.35,invalid:kana;missing:email;stale:updated_at;inconsistent:prefecture\n" +
		"C3,61.56,missing:kana;invalid:email;invalid:phone;invalid:postal_code;inconsistent:kana\n"
	if d := cmp.Diff(wantRows, string(rows)); d != "" {
		t.Errorf("rows.csv (-want +got):\n%s", d)
	}
	page, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "<svg") || strings.Contains(string(page), "<script") {
		t.Error("HTML report is not an inline-SVG page without scripts")
	}
}

func TestQualityInfersKinds(t *testing.T) {
	in := writeQualityTemp(t, "in.csv", qualityCSV)
	code, _, stderr := runCLI(t, "", "quality", "--input", in, "--id", "id", "--now", "2025-04-01")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"inferred kinds", "email                email", "postal_code          postal_code", "kana                 name_kana", "id                   ignore"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestQualityBadInput(t *testing.T) {
	tests := []struct {
		name, csv string
		want      []string
	}{
		{"ragged", "id,email\nA,a@b.jp\nB,b@b.jp,extra\n", []string{"line 3", "wrong number of fields"}},
		{"invalid UTF-8", "id,email\nA,a@b.jp\nB,\xff\xfe\n", []string{"line 3", "invalid UTF-8"}},
		{"duplicate ID", "id,email\nA,a@b.jp\nA,b@b.jp\n", []string{"line 3", "duplicate ID"}},
		{"empty ID", "id,email\nA,a@b.jp\n,b@b.jp\n", []string{"line 3", "empty ID"}},
		{"no ID column", "key,email\nA,a@b.jp\n", []string{`"id"`}},
	}
	for _, tt := range tests {
		in := writeQualityTemp(t, "in.csv", tt.csv)
		code, _, stderr := runCLI(t, "", "quality", "--input", in, "--id", "id")
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", tt.name, code)
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", tt.name, w, stderr)
			}
		}
	}
}

func TestQualityUsage(t *testing.T) {
	in := writeQualityTemp(t, "in.csv", qualityCSV)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"quality", "--id", "id"}, "--input is required"},
		{[]string{"quality", "--input", in}, "--id is required"},
		{[]string{"quality", "--input", in, "--id", "id", "--field", "email=mail"}, `unknown kind "mail"`},
		{[]string{"quality", "--input", in, "--id", "id", "--field", "nope=email"}, `no column "nope"`},
		{[]string{"quality", "--input", in, "--id", "id", "--field", "email"}, "want COLUMN=KIND"},
		{[]string{"quality", "--input", in, "--id", "id", "--updated", "when"}, `no column "when"`},
		{[]string{"quality", "--input", in, "--id", "id", "--max-age", "soon"}, "--max-age"},
		{[]string{"quality", "--input", in, "--id", "id", "--now", "someday"}, "--now"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, "", tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args[1:], code, stderr, tt.want)
		}
	}
}

func TestQualityStdin(t *testing.T) {
	code, stdout, stderr := runCLI(t, qualityCSV, "quality", "--input", "-", "--id", "id", "--field", "email=email")
	if code != 0 || !strings.Contains(stdout, "records 3") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestQualityBaselineAndDuplicates(t *testing.T) {
	before := writeQualityTemp(t, "before.csv", qualityCSV)
	after := writeQualityTemp(t, "after.csv", strings.Replace(qualityCSV, "suzuki@,", "suzuki@example.jp,", 1)+
		"C4,山田,ヤマダ,taro@example.jp,03-1234-5678,100-0005,東京都,2025-03-02\n")
	jsonPath := filepath.Join(t.TempDir(), "before.json")
	args := []string{"--id", "id", "--field", "name=family_name", "--field", "kana=name_kana", "--field", "email=email",
		"--field", "phone=phone", "--field", "postal_code=postal_code", "--now", "2025-04-01"}
	if code, _, stderr := runCLI(t, "", append([]string{"quality", "--input", before, "--json", jsonPath}, args...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "", append([]string{"quality", "--input", after, "--baseline", jsonPath, "--duplicates"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"compared with " + jsonPath,
		"records 3 → 4",
		"improved validity:email: failed 1 → 0, status fail → pass",
		"worse    uniqueness:email: failed 0 → 1",
		"added    uniqueness:likely_duplicate",
		"identity graph: 4 records → 3 entities",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

func TestQualityMissingAndThresholds(t *testing.T) {
	in := writeQualityTemp(t, "in.csv", "id,email\nA,a@b.jp\nB,該当者なし\nC,c@b.jp\nD,d@b.jp\n")
	code, stdout, stderr := runCLI(t, "", "quality", "--input", in, "--id", "id", "--field", "email=email",
		"--missing", "該当者なし", "--pass", "3/4", "--warn", "50%")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// 3 of 4 present: exactly the pass threshold.
	if !strings.Contains(stdout, "pass  completeness:email                                     3          1   0.7500") {
		t.Errorf("summary:\n%s", stdout)
	}
	code, _, stderr = runCLI(t, "", "quality", "--input", in, "--id", "id", "--pass", "120%")
	if code != 2 || !strings.Contains(stderr, "--pass") {
		t.Errorf("--pass 120%%: exit %d, stderr %q", code, stderr)
	}
}

func TestQualitySignals(t *testing.T) {
	in := writeQualityTemp(t, "in.csv", qualityCSV)
	sig := writeQualityTemp(t, "signals.csv", "field,value,signal\nemail,taro@example.jp,bounced\nphone,090-1234-5678,verified\n")
	rows := filepath.Join(t.TempDir(), "rows.csv")
	code, stdout, stderr := runCLI(t, "", "quality", "--input", in, "--id", "id", "--field", "email=email", "--field", "phone=phone",
		"--signals", sig, "--rows", rows)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"fail  accuracy:email                                         0          1", "pass  accuracy:phone                                         1          0"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	b, err := os.ReadFile(rows)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "C1,") || !strings.Contains(string(b), "inaccurate:email") {
		t.Errorf("rows.csv lacks inaccurate:email for C1:\n%s", b)
	}
	bad := writeQualityTemp(t, "bad.csv", "field,value,signal\nemail,a@b.jp,maybe\n")
	code, _, stderr = runCLI(t, "", "quality", "--input", in, "--id", "id", "--signals", bad)
	if code != 1 || !strings.Contains(stderr, "line 2") || !strings.Contains(stderr, `unknown signal "maybe"`) {
		t.Errorf("bad signal: exit %d, stderr %q", code, stderr)
	}
}

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
