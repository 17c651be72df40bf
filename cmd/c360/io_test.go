package main

// Tests of the command line's one input/output layer: outputs never replace
// an input or each other, a failed run leaves no file behind, and inputs
// are read strictly (where a bad field starts, NUL bytes, UTF-16, JSON
// Lines as strict as CSV, names the program cannot know).

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputsNeverReplaceInputs: every command that writes files refuses an
// output that is its input (by the same name, another spelling, or a link),
// or two outputs naming one file, with a usage error, and leaves the input
// as it was.
func TestOutputsNeverReplaceInputs(t *testing.T) {
	dir := t.TempDir()
	csvText := "id,name,email\n1,山田 太郎,taro@example.jp\n2,佐藤 花子,hanako@example.jp\n"
	in := filepath.Join(dir, "x.csv")
	if err := os.WriteFile(in, []byte(csvText), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(in, link); err != nil {
		t.Fatal(err)
	}
	sales := filepath.Join(dir, "sales.csv")
	if err := os.WriteFile(sales, []byte("item,sales\nA,5\nB,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "out.json")
	tests := []struct {
		name string
		args []string
		keep string // the input that must be unchanged
	}{
		{"quality --json onto the input", []string{"quality", "--input", in, "--id", "id", "--json", in}, in},
		{"quality --html onto the input", []string{"quality", "--input", in, "--id", "id", "--html", in}, in},
		{"quality --rows onto the input", []string{"quality", "--input", in, "--id", "id", "--rows", in}, in},
		{"quality --rows onto a link to the input", []string{"quality", "--input", in, "--id", "id", "--rows", link}, in},
		{"quality --rows onto the input by another spelling", []string{"quality", "--input", in, "--id", "id", "--rows", filepath.Join(dir, ".", "x.csv")}, in},
		{"quality two outputs on one file", []string{"quality", "--input", in, "--id", "id", "--json", other, "--html", other}, in},
		{"pareto --svg onto the input", []string{"pareto", "--input", sales, "--id", "item", "--value", "sales", "--svg", sales}, sales},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, err := os.ReadFile(tt.keep)
			if err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (usage error); stdout %q stderr %q", code, stdout, stderr)
			}
			after, err := os.ReadFile(tt.keep)
			if err != nil {
				t.Fatal(err)
			}
			if string(after) != string(before) {
				t.Errorf("the input was changed:\n%s", after)
			}
			if _, err := os.Stat(other); err == nil {
				t.Errorf("%s was written", other)
			}
		})
	}
}

// TestFailedRunLeavesNoFile: pareto's SVG and quality's reports are written
// under a temporary name and renamed; a run that fails writes nothing, and a
// run that succeeds leaves no temporary file.
func TestFailedRunLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, "bad.csv", "item,sales\nA,1e308\nB,1e308\n")
	svg := filepath.Join(dir, "chart.svg")
	code, stdout, stderr := runCLI(t, "", "pareto", "--input", bad, "--id", "item", "--value", "sales", "--svg", svg)
	if code != 1 || stdout != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	if _, err := os.Stat(svg); err == nil {
		t.Errorf("a failed run wrote %s", svg)
	}
	if !strings.Contains(stderr, "line 3") {
		t.Errorf("stderr does not name line 3, where the sum overflows:\n%s", stderr)
	}

	good := writeFile(t, "good.csv", "id,name\n1,山田\n2,佐藤\n")
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "", "quality", "--input", good, "--id", "id", "--json", filepath.Join(out, "r.json"),
		"--html", filepath.Join(out, "r.html"), "--rows", filepath.Join(out, "rows.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "r.html r.json rows.csv" {
		t.Errorf("output directory holds %v, want exactly r.html r.json rows.csv", names)
	}
}

// TestParetoOverflow: values near the largest float64 whose sums overflow
// are an error naming the row, before any output; values near it whose sum
// fits give finite figures.
func TestParetoOverflow(t *testing.T) {
	tests := []struct {
		name, csv string
		code      int
		errHas    string
	}{
		{"two items sum past the largest float64", "item,sales\nA,1e308\nB,9e307\nC,5e307\n", 1, `line 3, column "sales": the values up to item "B"`},
		{"one item's rows sum past it", "item,sales\nA,1.7e308\nC,5\nA,1e308\n", 1, `line 4, column "sales": item "A" (first on line 2)`},
		{"near the top but the sum fits", "item,sales\nA,1e308\nB,1e300\nC,1e300\nD,5e307\n", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", "pareto", "--input", writeFile(t, "v.csv", tt.csv), "--id", "item", "--value", "sales")
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.errHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.errHas, stderr)
			}
			if tt.code == 0 && (strings.Contains(stdout, "NaN") || !strings.Contains(stdout, `"gini":0.583333`)) {
				t.Errorf("stdout %s; want finite figures with Gini 0.583333…", stdout)
			}
			if tt.code != 0 && stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
		})
	}
}

// TestBadFieldStartLine: an unbalanced quote opened on line 3 of a
// 1,001-line file is reported at line 3, by every command that reads CSV.
func TestBadFieldStartLine(t *testing.T) {
	var b strings.Builder
	b.WriteString("event_id,customer_id,type,channel,time\n")
	b.WriteString("1,c1,web_visit,web,2026-04-01T00:00:00Z\n")
	b.WriteString("2,c1,\"web_visit,web,2026-04-01T00:00:00Z\n")
	for i := 4; i <= 1001; i++ {
		b.WriteString("3,c1,web_visit,web,2026-04-01T00:00:00Z\n")
	}
	events := writeFile(t, "events.csv", b.String())
	var sb strings.Builder
	sb.WriteString("item,sales\nA,1\n\"B,2\n")
	for i := 4; i <= 1001; i++ {
		sb.WriteString("C,3\n")
	}
	sales := writeFile(t, "sales.csv", sb.String())
	for _, args := range [][]string{
		{"funnel", "--events", events, "--steps", "web_visit"},
		{"rfm", "--events", events},
		{"pareto", "--input", sales, "--id", "item", "--value", "sales"},
		{"quality", "--input", events, "--id", "event_id"},
		{"dedupe", "--input", events, "--id", "event_id", "--output", filepath.Join(t.TempDir(), "c.csv")},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, _, stderr := runCLI(t, "", args...)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if !strings.Contains(stderr, "line 3:") || strings.Contains(stderr, "line 1001") && !strings.Contains(stderr, "read to line 1001") {
				t.Errorf("stderr does not name line 3 as where the field starts:\n%s", stderr)
			}
		})
	}
}

// TestStrictInputs: NUL bytes in any input are refused with the line and
// column; UTF-16 gets the conversion hint Shift_JIS gets; JSON Lines
// profiles are read as strictly as CSV.
func TestStrictInputs(t *testing.T) {
	utf16 := "\xff\xfei\x00d\x00\n\x00"
	profile := `{"id":"c1","kind":"person"}`
	tests := []struct {
		name   string
		stdin  string
		args   []string
		errHas []string
	}{
		{"NUL in a CSV field", "", []string{"quality", "--input", writeFile(t, "n.csv", "id,name\n1,ab\x00c\n"), "--id", "id"},
			[]string{`line 2, column "name": NUL byte at byte 3`}},
		{"NUL in a normalize line", "abc\nx\x00y\n", []string{"normalize", "--kind", "text"}, []string{"line 2: NUL byte at byte 2"}},
		{"NUL in a profile line", "", []string{"segment", "--expr", "x = 1", "--profiles", writeFile(t, "n.jsonl", profile+"\n"+`{"id":"c2\u0000","kind":"person"}`+"\x00\n")},
			[]string{"line 2: NUL byte"}},
		{"UTF-16 CSV", "", []string{"pareto", "--input", writeFile(t, "u.csv", utf16), "--id", "id", "--value", "v"}, []string{"UTF-16", "iconv -f UTF-16 -t UTF-8", "CP932"}},
		{"UTF-16 profiles", "", []string{"segment", "--expr", "x = 1", "--profiles", writeFile(t, "u.jsonl", utf16)}, []string{"line 1", "UTF-16", "iconv -f UTF-16"}},
		{"UTF-16 on normalize's input", utf16, []string{"normalize", "--kind", "text"}, []string{"UTF-16", "iconv"}},
		{"Shift_JIS CSV", "", []string{"funnel", "--events", writeFile(t, "s.csv", "event_id,customer_id,type,channel,time\n1,\x8eR\x93c,web_visit,web,2026-04-01T00:00:00Z\n"), "--steps", "web_visit"},
			[]string{`line 2, column "customer_id": invalid UTF-8`, "iconv -f CP932"}},
		{"Shift_JIS profile", "", []string{"segment", "--expr", "x = 1", "--profiles", writeFile(t, "s.jsonl", profile+"\n"+"{\"id\":\"\x8eR\x93c\",\"kind\":\"person\"}\n")},
			[]string{"line 2: invalid UTF-8", "iconv -f CP932"}},
		{"unknown profile field", "", []string{"segment", "--expr", "x = 1", "--profiles", writeFile(t, "f.jsonl", profile+"\n"+`{"id":"c2","kind":"person","nmae":{"family":"山田"}}`+"\n")},
			[]string{"line 2: nmae: unknown field"}},
		{"unknown nested field", "", []string{"segment", "--expr", "x = 1", "--profiles", writeFile(t, "g.jsonl", `{"id":"c2","kind":"person","consent":{"entries":[{"chanel":"email"}]}}`+"\n")},
			[]string{"line 1: consent.entries[0].chanel: unknown field"}},
		{"duplicate key", "", []string{"segment", "--expr", "x = 1", "--profiles", writeFile(t, "d.jsonl", profile+"\n"+`{"id":"c2","kind":"person","id":"c3"}`+"\n")},
			[]string{"line 2: id: key repeated"}},
		{"duplicate key in an attribute value", "", []string{"segment", "--expr", "x = 1", "--profiles", writeFile(t, "e.jsonl", `{"id":"c2","kind":"person","attributes":{"rank":{"type":"string","value":"a","value":"b"}}}`+"\n")},
			[]string{"line 1: attributes.rank.value: key repeated"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			for _, w := range tt.errHas {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

// TestUnknownNames: a name the program cannot know is an error, not an
// empty answer.
func TestUnknownNames(t *testing.T) {
	events := writeFile(t, "e.csv", "event_id,customer_id,type,channel,time\n1,c1,visit,web,2026-04-01T00:00:00Z\n2,c1,cart,web,2026-04-01T01:00:00Z\n")
	profiles := writeFile(t, "p.jsonl", `{"id":"c1","kind":"person"}`+"\n")
	good := writeFile(t, "q.csv", "id,name\n1,山田\n")
	tests := []struct {
		name   string
		args   []string
		code   int
		errHas string
	}{
		{"funnel step in neither the file nor the standard types", []string{"funnel", "--events", events, "--steps", "visit,nosuch_type"}, 1, `"nosuch_type" is neither a standard touchpoint type nor a type in`},
		{"segment expression's touchpoint type", []string{"segment", "--profiles", profiles, "--events", events, "--expr", "count(nosuch_type, 30d) > 0"}, 1, `unknown touchpoint type "nosuch_type"`},
		{"segment expression without events", []string{"segment", "--profiles", profiles, "--expr", "count(purchse) > 0"}, 1, `unknown touchpoint type "purchse"`},
		{"quality --pass below --warn", []string{"quality", "--input", good, "--id", "id", "--pass", "70%", "--warn", "80%"}, 2, "--pass 70% is below --warn 80%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != tt.code || stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", code, stdout, tt.code)
			}
			if !strings.Contains(stderr, tt.errHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.errHas, stderr)
			}
		})
	}
	// Names the program knows stay accepted: a standard type the file lacks,
	// a type only the file has, and --pass equal to --warn.
	for _, args := range [][]string{
		{"funnel", "--events", events, "--steps", "visit,cart,online_purchase"},
		{"segment", "--profiles", profiles, "--events", events, "--expr", "count(cart, 30d) > 0 or count(online_purchase) > 0"},
		{"quality", "--input", good, "--id", "id", "--pass", "80%", "--warn", "80%"},
	} {
		if code, _, stderr := runCLI(t, "", args...); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

// TestMaxAgeDaysAndHours: --max-age takes "1d12h", as its help says.
func TestMaxAgeDaysAndHours(t *testing.T) {
	in := writeFile(t, "q.csv", "id,updated\n1,2026-11-20T00:00:00Z\n2,2026-11-18T00:00:00Z\n")
	code, stdout, stderr := runCLI(t, "", "quality", "--input", in, "--id", "id", "--updated", "updated", "--now", "2026-11-21T00:00:00Z", "--max-age", "1d12h")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "timeliness     50.00") {
		t.Errorf("one of two records is older than 1d12h; stdout:\n%s", stdout)
	}
}

// TestQualityFieldSplitsAtLastEquals: --field COLUMN=KIND splits at the last
// "=", as dedupe and link do, so a column whose name holds "=" can be named.
func TestQualityFieldSplitsAtLastEquals(t *testing.T) {
	in := writeFile(t, "q.csv", "id,\"tel=main\"\n1,03-1234-5678\n2,abc\n")
	code, stdout, stderr := runCLI(t, "", "quality", "--input", in, "--id", "id", "--field", "tel=main=phone")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "validity:tel=main") {
		t.Errorf("the column tel=main was not assessed as a phone:\n%s", stdout)
	}
}
