package main

// Acceptance tests of the commands of issues 3 and 4 (normalize, synth,
// dedupe, link, eval), written from the issue texts: each case quotes or
// paraphrases the sentence it checks, and asserts what that sentence says
// must happen, the way a user (or a grader) would call the binary.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Issue 3: "c360 normalize --kind KIND reads lines from standard input and
// writes, for each line, the normalised key on one line of standard output
// (same order ...). For phone the key is the E.164 string."
func TestAcceptanceNormalizeKeys(t *testing.T) {
	tests := []struct {
		name, kind, in, want string
		reason               string
	}{
		{"text widths and voiced marks", "text", "ｶﾞｷﾞ\nｳﾞｧ\nか゛\n", "ガギ\nヴァ\nが\n", "ｶﾞ → ガ, ｳﾞｧ → ヴァ, a spacing ゛ joins its kana"},
		{"text full-width ASCII and spaces", "text", "ＡＢＣ　商事\n", "abc商事\n", ""},
		{"text dashes", "text", "A－B\nカ−ド\n", "a-b\nカード\n", "between Latin letters → -, after kana → ー"},
		{"kana hiragana and half-width", "kana", "やまだ たろう\nﾔﾏﾀﾞ ﾀﾛｳ\n", "ヤマダタロウ\nヤマダタロウ\n", ""},
		{"person name variant kanji", "person_name", "髙橋 一郎\n高橋　一郎\n", "高橋一郎\n高橋一郎\n", "髙→高"},
		{"person name iteration mark", "person_name", "佐々木 健\n佐佐木 健\n", "佐佐木健\n佐佐木健\n", "佐々木 ≡ 佐佐木"},
		{"company forms agree", "company", "株式会社ABC\nABC(株)\nＡＢＣ㈱\n", "abc\nabc\nabc\n", "the key of 株式会社ABC, ABC(株), ＡＢＣ㈱ must agree"},
		{"phone notations to E.164", "phone", "03-1234-5678\n（０３）１２３４－５６７８\n+81 (0)3-1234-5678\n代表 03-1234-5678 内線123\n090-1234-5678\n", "+81312345678\n+81312345678\n+81312345678\n+81312345678\n+819012345678\n", "for phone the key is the E.164 string"},
		{"phone other country", "phone", "+1 415 555 2671\n", "+14155552671\n", "other countries' numbers given with +CC are kept in E.164"},
		{"email key lower-cases", "email", "Taro.Yamada＠Example．JP\n", "taro.yamada@example.jp\n", "full-width ＠ and ． folded; the match key lower-cases the local part"},
		{"postal code NNN-NNNN", "postal_code", "〒100-0005\n１００－０００５\n1000005\n100ー0005\n", "100-0005\n100-0005\n100-0005\n100-0005\n", "〒, full-width digits, any dash, or none → NNN-NNNN"},
		{"CRLF, BOM, no final newline", "phone", "\ufeff03-1234-5678\r\n090-1234-5678", "+81312345678\n+819012345678\n", "files saved on Windows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.in, "normalize", "--kind", tt.kind)
			if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			if diff := cmp.Diff(tt.want, stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s\n%s", diff, tt.reason)
			}
		})
	}
}

// Issue 3: "an input that cannot be normalised prints an empty line and a
// message naming the line number on standard error, and the exit code is 1 at
// the end if any line failed."
func TestAcceptanceNormalizeFailures(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		in         string
		wantOut    string
		wantLines  []string // line numbers named on stderr
		wantReason string
	}{
		{"bad phone between good ones", []string{"--kind", "phone"}, "03-1234-5678\nabc\n090-1234-5678\n", "+81312345678\n\n+819012345678\n", []string{"line 2:"}, ""},
		{"six-digit postal code", []string{"--kind", "postal_code"}, "100-0005\n100-005\n", "100-0005\n\n", []string{"line 2:"}, ""},
		{"not UTF-8 (Shift_JIS)", []string{"--kind", "text"}, "abc\n\x8eR\x93c\n", "abc\n\n", []string{"line 2: invalid UTF-8"}, "a Shift_JIS line must not become U+FFFD silently"},
		{"not UTF-8 in JSON mode", []string{"--kind", "text", "--json"}, "\xff\n", "", []string{"line 1: invalid UTF-8"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.in, append([]string{"normalize"}, tt.args...)...)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if tt.wantOut != "" || !strings.Contains(strings.Join(tt.args, " "), "--json") {
				if diff := cmp.Diff(tt.wantOut, stdout); diff != "" {
					t.Errorf("stdout (-want +got):\n%s", diff)
				}
			}
			for _, l := range tt.wantLines {
				if !strings.Contains(stderr, l) {
					t.Errorf("stderr does not contain %q:\n%s", l, stderr)
				}
			}
		})
	}
}

// Issue 3: "--json prints one JSON object per line with all parts instead."
func TestAcceptanceNormalizeJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, "〒１００－０００５\n", "normalize", "--kind=postal_code", "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	want := map[string]any{
		"line": 1.0, "input": "〒１００－０００５", "kind": "postal_code", "key": "100-0005",
		"parts": map[string]any{"Code": "100-0005", "Key": "1000005"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}

// What a user types first: --help, --flag=value, a wrong kind, a file
// argument instead of standard input.
func TestAcceptanceNormalizeUsage(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{"--help", []string{"--help"}, 0, "usage: c360 normalize", ""},
		{"kind=value form", []string{"--kind=email"}, 0, "", ""},
		{"no kind", nil, 2, "", "--kind is required"},
		{"unknown kind lists the kinds", []string{"--kind", "zip"}, 2, "", "postal_code"},
		{"file argument", []string{"--kind", "text", "lines.txt"}, 2, "", `unexpected argument "lines.txt"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", append([]string{"normalize"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stdout, tt.inStdout) || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q", code, stdout, stderr, tt.code, tt.inStdout, tt.inStderr)
			}
		})
	}
}

// Issue 4: "c360 synth --n N --seed S --locale ja|en --output records.csv
// --truth truth.csv ... truth.csv has record_id,entity_id."
func TestAcceptanceSynth(t *testing.T) {
	dir := t.TempDir()
	out, truth := filepath.Join(dir, "records.csv"), filepath.Join(dir, "truth.csv")
	code, stdout, stderr := runCLI(t, "", "synth", "--n=50", "--seed=7", "--locale=en", "--output="+out, "--truth="+truth)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing when writing files", stdout)
	}
	recs, tr := readCSVFile(t, out), readCSVFile(t, truth)
	if len(recs) != 51 || len(tr) != 51 || recs[0][0] != "record_id" {
		t.Errorf("%d record rows (first column %q), %d truth rows; want 50 + header each", len(recs)-1, recs[0][0], len(tr)-1)
	}
	for _, p := range []string{out, truth} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, %v; want -rw-r--r-- like any created file", p, fi.Mode(), err)
		}
	}
}

// A failed synth run leaves no partial file, and two flags naming one file
// (under different spellings) are refused rather than interleaved.
func TestAcceptanceSynthOutputs(t *testing.T) {
	tests := []struct {
		name     string
		args     func(dir string) []string
		code     int
		inStderr string
		noFiles  bool
	}{
		{"truth directory missing", func(dir string) []string {
			return []string{"--output", filepath.Join(dir, "r.csv"), "--truth", filepath.Join(dir, "no", "t.csv")}
		}, 1, "no/t.csv", true},
		{"output directory missing", func(dir string) []string {
			return []string{"--output", filepath.Join(dir, "no", "r.csv")}
		}, 1, "no/r.csv", true},
		{"same file, two spellings", func(dir string) []string {
			return []string{"--output", filepath.Join(dir, "r.csv"), "--truth", filepath.Join(dir, ".", "r.csv")}
		}, 2, "same file", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			code, _, stderr := runCLI(t, "", append([]string{"synth", "--n", "20"}, tt.args(dir)...)...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want %d naming %q", code, stderr, tt.code, tt.inStderr)
			}
			if ents, _ := os.ReadDir(dir); tt.noFiles && len(ents) != 0 {
				t.Errorf("files left behind: %v", ents)
			}
		})
	}
}

// dedupeCSV is a user's export: BOM, spaces around names and values, CRLF,
// a quoted value with a comma and a line break, Japanese headers. Records 1
// and 3 are one person; the rest are singletons.
const dedupeCSV = "\ufeff 顧客ID , 氏名 , メール , 電話 , 備考 \r\n" +
	"1, 山田 太郎 , taro@example.jp , 03-1234-5678 , \"東京, 本社\"\r\n" +
	"2, 佐藤 花子 , hanako@example.jp , 06-1111-2222 , \"複数行の\r\nメモ\"\r\n" +
	"3, 山田　太郎 , TARO@example.jp , 0312345678 , \r\n" +
	"4, 鈴木 一郎 , ichiro@example.jp , 052-000-1111 , \r\n" +
	"5, 高橋 美咲 , misaki@example.jp , 011-222-3333 , \r\n"

// Issue 4: "clusters.csv has the header record_id,cluster_id and lists every
// input record exactly once (a singleton gets its own cluster). pairs.csv has
// left_id,right_id,probability plus the per-field contributions."
func TestAcceptanceDedupeOutputs(t *testing.T) {
	in := writeMatchFile(t, "in.csv", dedupeCSV)
	dir := t.TempDir()
	out, pairs := filepath.Join(dir, "clusters.csv"), filepath.Join(dir, "pairs.csv")
	code, stdout, stderr := runCLI(t, "", "dedupe", "--input", in, "--id", "顧客ID",
		"--field", "氏名=person_name", "--field", "メール=email", "--field", "電話=phone", "--output", out, "--pairs", pairs)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing (results go to the files, progress to stderr)", stdout)
	}
	want := [][]string{{"record_id", "cluster_id"}, {"1", "1"}, {"2", "2"}, {"3", "1"}, {"4", "4"}, {"5", "5"}}
	if diff := cmp.Diff(want, readMatchCSV(t, out)); diff != "" {
		t.Errorf("clusters.csv (-want +got):\n%s", diff)
	}
	p := readMatchCSV(t, pairs)
	if diff := cmp.Diff([]string{"left_id", "right_id", "probability", "氏名", "メール", "電話"}, p[0]); diff != "" {
		t.Errorf("pairs.csv header (-want +got):\n%s", diff)
	}
	if len(p) < 2 || p[1][0] != "1" || p[1][1] != "3" {
		t.Errorf("pairs.csv = %v, want the pair 1,3 first", p)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("clusters.csv mode %v, %v; want -rw-r--r--", fi.Mode(), err)
	}
}

// Issue 4: "Malformed CSV (ragged rows, bad UTF-8, duplicate IDs) stops with an
// error naming the line, before any output is written." Also the other
// things that go wrong on a user's machine.
func TestAcceptanceDedupeErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string // "" for no input file
		args     []string
		code     int
		inStderr string
	}{
		{"ragged row after a multi-line value", "id,name,note\n1,a,\"x\ny\"\n2,b\n", nil, 1, "line 4"},
		{"bad UTF-8 (Shift_JIS)", "id,name\n1,a\n2,\x8eR\x93c\n", nil, 1, `line 3, column "name": invalid UTF-8 (the file must be UTF-8; convert a Shift_JIS export`},
		{"duplicate ID", "id,name\n1,a\n2,b\n 1 ,c\n", nil, 1, `line 4, column "id": duplicate ID "1" (first on line 2)`},
		{"empty ID", "id,name\n1,a\n,b\n", nil, 1, `line 3, column "id": empty ID`},
		{"empty file", "", []string{"--field", "name=text"}, 1, "line 1: no header line"},
		{"no such ID column", "id,name\n1,a\n", []string{"--id", "ID"}, 1, `no such column "ID" (the header has: id, name)`},
		{"input missing", "-", nil, 1, "no such file"},
		{"threshold 0", "id,name\n1,a\n", []string{"--threshold", "0"}, 2, "--threshold 0 not in (0, 1]"},
		{"threshold above 1", "id,name\n1,a\n", []string{"--threshold=1.5"}, 2, "not in (0, 1]"},
		{"field without kind", "id,name\n1,a\n", []string{"--field", "name"}, 2, "want COLUMN=KIND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "missing.csv")
			if tt.in != "-" {
				in = writeMatchFile(t, "in.csv", tt.in)
			}
			dir := t.TempDir()
			args := []string{"dedupe", "--input", in, "--id", "id", "--output", filepath.Join(dir, "clusters.csv"), "--pairs", filepath.Join(dir, "pairs.csv")}
			code, stdout, stderr := runCLI(t, "", append(args, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want %d naming %q", code, stderr, tt.code, tt.inStderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("output written despite the error: %v", ents)
			}
		})
	}
}

// A header-only export has no records: "lists every input record exactly
// once" gives the header alone, not an error.
func TestAcceptanceDedupeHeaderOnly(t *testing.T) {
	in := writeMatchFile(t, "in.csv", "\ufeffid,name,email\r\n")
	dir := t.TempDir()
	out, pairs := filepath.Join(dir, "clusters.csv"), filepath.Join(dir, "pairs.csv")
	code, _, stderr := runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--output", out, "--pairs", pairs)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if diff := cmp.Diff([][]string{{"record_id", "cluster_id"}}, readMatchCSV(t, out)); diff != "" {
		t.Errorf("clusters.csv (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]string{{"left_id", "right_id", "probability"}}, readMatchCSV(t, pairs)); diff != "" {
		t.Errorf("pairs.csv (-want +got):\n%s", diff)
	}
}

// Output paths a data engineer gets wrong: the input itself, the same file
// twice, a directory that does not exist. The input must survive, and the
// error must name the path the user typed.
func TestAcceptanceDedupeOutputPaths(t *testing.T) {
	const csv = "id,name,email\n1,山田 太郎,a@b.jp\n2,佐藤 花子,c@d.jp\n"
	tests := []struct {
		name     string
		args     func(in, dir string) []string
		code     int
		inStderr string
	}{
		{"output is the input", func(in, dir string) []string {
			return []string{"--output", filepath.Join(filepath.Dir(in), ".", filepath.Base(in))}
		}, 2, "is also the input --input"},
		{"pairs is the output", func(in, dir string) []string {
			return []string{"--output", filepath.Join(dir, "o.csv"), "--pairs", filepath.Join(dir, "o.csv")}
		}, 2, "--output and --pairs name the same file"},
		{"directory missing", func(in, dir string) []string {
			return []string{"--output", filepath.Join(dir, "no", "o.csv")}
		}, 1, filepath.Join("no", "o.csv") + ": no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeMatchFile(t, "in.csv", csv)
			dir := t.TempDir()
			code, _, stderr := runCLI(t, "", append([]string{"dedupe", "--input", in, "--id", "id"}, tt.args(in, dir)...)...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want %d naming %q", code, stderr, tt.code, tt.inStderr)
			}
			if strings.Contains(stderr, ".tmp") {
				t.Errorf("stderr names a temporary file: %q", stderr)
			}
			if b, _ := os.ReadFile(in); string(b) != csv {
				t.Errorf("input changed to %q", b)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("output written despite the error: %v", ents)
			}
		})
	}
}

// An output that is a symbolic link (or /dev/stdout, which is one) is written
// through, never replaced by a regular file.
func TestAcceptanceDedupeSymlinkOutput(t *testing.T) {
	in := writeMatchFile(t, "in.csv", "id,name,email\n1,山田 太郎,a@b.jp\n")
	dir := t.TempDir()
	target, link := filepath.Join(dir, "target.csv"), filepath.Join(dir, "link.csv")
	if err := os.WriteFile(target, []byte("old contents that are longer than the new ones\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	code, _, stderr := runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--output", link)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi.Mode(), err)
	}
	if diff := cmp.Diff([][]string{{"record_id", "cluster_id"}, {"1", "1"}}, readMatchCSV(t, target)); diff != "" {
		t.Errorf("target (-want +got):\n%s", diff)
	}
}

// Kinds "are inferred from header names and values (and the inference is
// printed)"; a long free-text column is left out so that it cannot make the
// run quadratic in its length.
func TestAcceptanceDedupeInference(t *testing.T) {
	long := strings.Repeat("長い備考", 500)
	in := writeMatchFile(t, "in.csv", "id,name,email,memo\n"+
		"1,山田 太郎,taro@example.jp,"+long+"あ\n"+
		"2,山田 太郎,taro@example.jp,"+long+"い\n"+
		"3,佐藤 花子,hanako@example.jp,"+long+"う\n")
	out := filepath.Join(t.TempDir(), "clusters.csv")
	code, _, stderr := runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--output", out)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "name=person_name email=email memo=ignore(long text)") {
		t.Errorf("stderr does not print the inference with the long column left out:\n%s", stderr)
	}
	if got := readMatchCSV(t, out); len(got) != 4 {
		t.Errorf("clusters.csv = %v, want 3 records", got)
	}
}

// The --config file's errors say where they are.
func TestAcceptanceDedupeConfigErrors(t *testing.T) {
	tests := []struct {
		name, config, inStderr string
	}{
		{"syntax", "{\n \"threshold\": 0.8\n \"block_cap\": 10\n}\n", "line 3, column 2"},
		{"unknown key", "{\"thresold\": 0.8}", `unknown field "thresold"`},
		{"wrong type", "{\n\"threshold\": \"high\"\n}", "line 2"},
		{"trailing data", "{\"threshold\": 0.8}\n{}", "unexpected data after the JSON object"},
		{"threshold out of range", "{\"threshold\": 1.8}", `"threshold" 1.8 not in (0, 1]`},
	}
	in := writeMatchFile(t, "in.csv", "id,name\n1,a\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeMatchFile(t, "match.json", tt.config)
			dir := t.TempDir()
			code, _, stderr := runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--config", cfg, "--output", filepath.Join(dir, "o.csv"))
			if code != 1 || !strings.Contains(stderr, tt.inStderr) || !strings.Contains(stderr, "match.json") {
				t.Errorf("exit %d, stderr %q; want 1 naming match.json and %q", code, stderr, tt.inStderr)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("output written despite the error: %v", ents)
			}
		})
	}
}

// Issue 4: "c360 link --left A.csv --right B.csv --id COLUMN [...] --output
// links.csv with header left_id,right_id,probability, listing the accepted
// links (probability at or above the threshold); an option restricts it to
// one-to-one links."
func TestAcceptanceLink(t *testing.T) {
	left := writeMatchFile(t, "crm.csv", crmCSV)
	// The right file: its columns in another order, a BOM and CRLF.
	right := writeMatchFile(t, "shop.csv", "\ufeffphone,email,id,name\r\n"+
		"0312345678,TARO@example.jp,s1,ヤマダ タロウ\r\n"+
		"06-1111-2222,hanako@example.jp,s3,佐藤花子\r\n"+
		",hanako@example.jp,s4,佐藤 花子\r\n")
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"all links", nil},
		{"one-to-one", []string{"--one-to-one"}},
		{"threshold", []string{"--threshold=0.9"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "links.csv")
			code, _, stderr := runCLI(t, "", append([]string{"link", "--left", left, "--right", right, "--id", "id", "--output", out}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			got := readMatchCSV(t, out)
			if diff := cmp.Diff([]string{"left_id", "right_id", "probability"}, got[0]); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			threshold := 0.7
			if len(tt.args) > 0 && strings.HasPrefix(tt.args[0], "--threshold=") {
				threshold = 0.9
			}
			used := map[string]int{}
			for _, r := range got[1:] {
				if p, err := strconv.ParseFloat(r[2], 64); err != nil || p < threshold {
					t.Errorf("link %v: probability %v (%v) below the threshold %v", r, p, err, threshold)
				}
				used["L"+r[0]]++
				used["R"+r[1]]++
			}
			if used["Lc1"] == 0 || used["Rs1"] == 0 {
				t.Errorf("links %v miss c1,s1", got)
			}
			if tt.name == "one-to-one" {
				for k, n := range used {
					if n > 1 {
						t.Errorf("one-to-one links use %s %d times: %v", k[1:], n, got)
					}
				}
			}
		})
	}
}

// Link: header-only files and an output naming an input.
func TestAcceptanceLinkEdges(t *testing.T) {
	left := writeMatchFile(t, "crm.csv", crmCSV)
	empty := writeMatchFile(t, "empty.csv", "id,name,email,phone\n")
	for _, tt := range []struct {
		name        string
		left, right string
	}{
		{"right header-only", left, empty},
		{"left header-only", empty, left},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "links.csv")
			code, _, stderr := runCLI(t, "", "link", "--left", tt.left, "--right", tt.right, "--id", "id", "--output", out)
			if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			if diff := cmp.Diff([][]string{{"left_id", "right_id", "probability"}}, readMatchCSV(t, out)); diff != "" {
				t.Errorf("links.csv (-want +got):\n%s", diff)
			}
		})
	}
	right := writeMatchFile(t, "shop.csv", shopCSV)
	code, _, stderr := runCLI(t, "", "link", "--left", left, "--right", right, "--id", "id", "--output", right)
	if code != 2 || !strings.Contains(stderr, "is also the input --right") {
		t.Errorf("output = right: exit %d, stderr %q; want 2, refused", code, stderr)
	}
	if b, _ := os.ReadFile(right); string(b) != shopCSV {
		t.Errorf("the right input was changed to %q", b)
	}
}

// Issue 4: "An evaluation command (e.g. c360 eval --truth … --clusters …) that
// prints precision, recall and F1": c360 synth | c360 dedupe | c360 eval.
func TestAcceptancePipeline(t *testing.T) {
	dir := t.TempDir()
	recs, truth, clusters := filepath.Join(dir, "r.csv"), filepath.Join(dir, "t.csv"), filepath.Join(dir, "c.csv")
	steps := [][]string{
		{"synth", "--n", "300", "--seed", "11", "--locale", "ja", "--output", recs, "--truth", truth},
		{"dedupe", "--input", recs, "--id", "record_id", "--output", clusters},
	}
	for _, args := range steps {
		if code, _, stderr := runCLI(t, "", args...); code != 0 {
			t.Fatalf("%v: exit %d, stderr:\n%s", args, code, stderr)
		}
	}
	code, stdout, stderr := runCLI(t, "", "eval", "--truth", truth, "--clusters", clusters)
	if code != 0 {
		t.Fatalf("eval: exit %d, stderr:\n%s", code, stderr)
	}
	got := evalFigures(t, stdout)
	for _, k := range []string{"records", "precision", "recall", "f1"} {
		if _, ok := got[k]; !ok {
			t.Errorf("eval output lacks %s:\n%s", k, stdout)
		}
	}
	if got["records"] != 300 || got["f1"] < 0.9 {
		t.Errorf("records %v, F1 %v; want 300 records and F1 ≥ 0.9 on clean synthetic data", got["records"], got["f1"])
	}
}

// "[...same options]": link takes --pairs as dedupe does.
func TestAcceptanceLinkPairs(t *testing.T) {
	left := writeMatchFile(t, "crm.csv", crmCSV)
	right := writeMatchFile(t, "shop.csv", shopCSV)
	dir := t.TempDir()
	out, pairs := filepath.Join(dir, "links.csv"), filepath.Join(dir, "pairs.csv")
	code, _, stderr := runCLI(t, "", "link", "--left", left, "--right", right, "--id", "id",
		"--field", "name=person_name", "--field", "email=email", "--output", out, "--pairs", pairs)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	p := readMatchCSV(t, pairs)
	if diff := cmp.Diff([]string{"left_id", "right_id", "probability", "name", "email"}, p[0]); diff != "" {
		t.Errorf("pairs.csv header (-want +got):\n%s", diff)
	}
	if links := readMatchCSV(t, out); len(p) < len(links) {
		t.Errorf("pairs.csv has %d rows, fewer than the %d links", len(p)-1, len(links)-1)
	}
}

// The evaluation command reads what users' tools write (BOM, CRLF, spaces)
// and refuses what it cannot score, naming the line.
func TestAcceptanceEval(t *testing.T) {
	truth := writeMatchFile(t, "truth.csv", "record_id,entity_id\n1,X\n2,X\n3,Y\n")
	tests := []struct {
		name, clusters string
		code           int
		out, inStderr  string
	}{
		{"BOM, CRLF and spaces", "\ufeff record_id , cluster_id \r\n1,a\r\n2,a\r\n3,b\r\n", 0,
			"records\t3\ntrue_pairs\t1\npredicted_pairs\t1\ncorrect_pairs\t1\nprecision\t1.0000\nrecall\t1.0000\nf1\t1.0000\n", ""},
		{"blank cluster_id", "record_id,cluster_id\n1,a\n2,\n3,\n", 1, "", `line 3: record "2" has an empty cluster_id`},
		{"record not in the truth", "record_id,cluster_id\n1,a\n2,a\n3,b\n4,c\n", 1, "", `line 5: record "4" is not in`},
		{"record missing from the clusters", "record_id,cluster_id\n1,a\n2,a\n", 1, "", `line 4: record "3" is not in`},
		{"duplicate record", "record_id,cluster_id\n1,a\n2,a\n2,b\n3,c\n", 1, "", `line 4, column "record_id": duplicate ID "2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clusters := writeMatchFile(t, "clusters.csv", tt.clusters)
			code, stdout, stderr := runCLI(t, "", "eval", "--clusters", clusters, "--truth", truth)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want %d naming %q", code, stderr, tt.code, tt.inStderr)
			}
			if diff := cmp.Diff(tt.out, stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
		})
	}
}

// Every successful --json line has "key", even when the key is empty (a
// blank text line), so that a consumer can rely on it.
func TestAcceptanceNormalizeJSONEmptyKey(t *testing.T) {
	code, stdout, stderr := runCLI(t, "\n", "normalize", "--kind", "text", "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if key, ok := got["key"]; !ok || key != "" {
		t.Errorf("record %v: want \"key\":\"\"", got)
	}
}

// --field splits at the last "=" (a header may hold one, a kind never does),
// and a matching setup error is one line naming what to fix.
func TestAcceptanceDedupeFieldFlag(t *testing.T) {
	in := writeMatchFile(t, "in.csv", "id,a=b,c\n1,x@y.jp,q\n2,z@y.jp,r\n")
	tests := []struct {
		name     string
		fields   []string
		code     int
		inStderr string
	}{
		{"header with =", []string{"a=b=email"}, 0, "2 records"},
		{"one column twice", []string{"c=text", "c=exact"}, 1, `matching setup (--field, --threshold, --config): match: field "c"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"dedupe", "--input", in, "--id", "id", "--output", filepath.Join(t.TempDir(), "o.csv")}
			for _, f := range tt.fields {
				args = append(args, "--field", f)
			}
			code, _, stderr := runCLI(t, "", args...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want %d naming %q", code, stderr, tt.code, tt.inStderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 && code != 0 {
				t.Errorf("error spans several lines:\n%s", stderr)
			}
		})
	}
}
