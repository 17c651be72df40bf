package main

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// customersCSV has a BOM, spaces around names and values, CRLF line ends,
// and two pairs of duplicates (1/3 and 2/5).
const customersCSV = "\ufeff id , 氏名 , メールアドレス , 電話 , 郵便番号 , 生年月日 \r\n" +
	"1, 山田 太郎 , taro@example.jp , 03-1234-5678 , 100-0005 , 1980-01-02 \r\n" +
	"2, 佐藤 花子 , hanako@example.jp , 06-1111-2222 , 530-0001 , 1975-05-06 \r\n" +
	"3, 山田　太郎 , TARO@example.jp , 0312345678 , 〒1000005 , 1980/1/2 \r\n" +
	"4, 鈴木 一郎 , ichiro@example.jp , 052-000-1111 , 460-0008 , 1990-09-09 \r\n" +
	"5, 佐藤 花子 , hanako@example.jp , 06-1111-2222 , 5300001 , 1975-05-06 \r\n" +
	"6, 高橋 美咲 , misaki@example.jp , 011-222-3333 , 060-0001 , 1988-08-08 \r\n"

func writeMatchFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readMatchCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestDedupeInfersAndClusters(t *testing.T) {
	in := writeMatchFile(t, "customers.csv", customersCSV)
	out := filepath.Join(t.TempDir(), "clusters.csv")
	pairs := filepath.Join(t.TempDir(), "pairs.csv")
	code, _, stderr := runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--output", out, "--pairs", pairs)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"氏名=person_name", "メールアドレス=email", "電話=phone", "郵便番号=postal_code", "生年月日=date"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not print the inference %q:\n%s", want, stderr)
		}
	}
	want := [][]string{
		{"record_id", "cluster_id"},
		{"1", "1"}, {"2", "2"}, {"3", "1"}, {"4", "4"}, {"5", "2"}, {"6", "6"},
	}
	if diff := cmp.Diff(want, readMatchCSV(t, out)); diff != "" {
		t.Errorf("clusters.csv (-want +got):\n%s", diff)
	}
	p := readMatchCSV(t, pairs)
	wantHeader := []string{"left_id", "right_id", "probability", "氏名", "メールアドレス", "電話", "郵便番号", "生年月日"}
	if diff := cmp.Diff(wantHeader, p[0]); diff != "" {
		t.Errorf("pairs.csv header (-want +got):\n%s", diff)
	}
	if len(p) < 3 {
		t.Errorf("pairs.csv has %d rows, want the two duplicate pairs at least", len(p)-1)
	}
}

func TestDedupeFieldFlags(t *testing.T) {
	in := writeMatchFile(t, "customers.csv", customersCSV)
	out := filepath.Join(t.TempDir(), "clusters.csv")
	// Only the e-mail column, matched by deterministic rule via --config.
	cfg := writeMatchFile(t, "match.json", `{"rules":[{"name":"email","criteria":[{"field":"メールアドレス","method":"normalized"}]}]}`)
	code, _, stderr := runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--field", "メールアドレス=email", "--config", cfg, "--output", out)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "inferred") {
		t.Errorf("with --field, nothing should be inferred:\n%s", stderr)
	}
	got := readMatchCSV(t, out)
	if got[3][1] != "1" || got[5][1] != "2" {
		t.Errorf("clusters = %v, want 3 with 1 and 5 with 2", got)
	}
}

func TestDedupeMalformed(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		args    []string
		wantErr string
		code    int
	}{
		{"ragged row", "id,name\n1,a\n2,b,c\n", nil, "line 3", 1},
		{"bad utf-8", "id,name\n1,a\n2,\xff\n", nil, "line 3", 1},
		{"duplicate id", "id,name\n1,a\n2,b\n1,c\n", nil, "line 4", 1},
		{"unknown kind", "id,name\n1,a\n", []string{"--field", "name=nickname"}, "nickname", 2},
		{"missing column", "id,name\n1,a\n", []string{"--field", "nope=text"}, "nope", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeMatchFile(t, "in.csv", tt.in)
			dir := t.TempDir()
			out := filepath.Join(dir, "clusters.csv")
			args := append([]string{"dedupe", "--input", in, "--id", "id", "--output", out, "--pairs", filepath.Join(dir, "pairs.csv")}, tt.args...)
			code, stdout, stderr := runCLI(t, "", args...)
			if code != tt.code || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want exit %d naming %q", code, stderr, tt.code, tt.wantErr)
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

func TestDedupeUsage(t *testing.T) {
	code, _, stderr := runCLI(t, "", "dedupe", "--input", "x.csv")
	if code != 2 || !strings.Contains(stderr, "required") {
		t.Errorf("exit %d, stderr %q; want 2 and the required flags", code, stderr)
	}
	code, _, _ = runCLI(t, "", "dedupe", "-h")
	if code != 0 {
		t.Errorf("-h exit %d, want 0", code)
	}
}

func TestDedupeTruth(t *testing.T) {
	in := writeMatchFile(t, "customers.csv", customersCSV)
	truth := writeMatchFile(t, "truth.csv", "record_id,entity_id\n1,A\n2,B\n3,A\n4,C\n5,B\n6,D\n")
	out := filepath.Join(t.TempDir(), "clusters.csv")
	code, _, stderr := runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--output", out, "--truth", truth)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "blocking kept 1.0000 of true pairs; precision 1.0000 recall 1.0000 F1 1.0000") {
		t.Errorf("stderr does not report the evaluation:\n%s", stderr)
	}
	bad := writeMatchFile(t, "truth.csv", "record_id,entity_id\n1,A\n")
	code, _, stderr = runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--output", out, "--truth", bad)
	if code != 1 || !strings.Contains(stderr, `line 3: record "2" is not in`) {
		t.Errorf("truth missing a record: exit %d, stderr %q", code, stderr)
	}
}

// --report writes a well-formed, self-contained HTML report with the run's
// figures; it refuses to overwrite the input.
func TestDedupeReport(t *testing.T) {
	in := writeMatchFile(t, "customers.csv", customersCSV)
	dir := t.TempDir()
	out, report := filepath.Join(dir, "clusters.csv"), filepath.Join(dir, "report.html")
	code, _, stderr := runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--output", out, "--report", report)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	doc, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	ids := map[string]string{}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("report.html is not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == "id" {
					var text string
					if err := dec.DecodeElement(&text, &se); err == nil {
						ids[a.Value] = text
					}
				}
			}
		}
	}
	for id, want := range map[string]string{"records": "6", "clusters": "4", "largest": "2"} {
		if ids[id] != want {
			t.Errorf("report %s = %q, want %q", id, ids[id], want)
		}
	}
	code, _, stderr = runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--output", out, "--report", in)
	if code != 2 || !strings.Contains(stderr, "--report") {
		t.Errorf("--report naming the input: exit %d, stderr %q", code, stderr)
	}
}

// --labels: a rejected pair stays apart, a confirmed one is merged; bad
// lines are all reported with their numbers.
func TestDedupeLabels(t *testing.T) {
	in := writeMatchFile(t, "customers.csv", customersCSV)
	out := filepath.Join(t.TempDir(), "clusters.csv")
	labels := writeMatchFile(t, "labels.csv", "left_id,right_id,label\n1,3,nonmatch\n4, 6 , MATCH\n")
	code, _, stderr := runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--output", out, "--labels", labels)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	want := [][]string{
		{"record_id", "cluster_id"},
		{"1", "1"}, {"2", "2"}, {"3", "3"}, {"4", "4"}, {"5", "2"}, {"6", "4"},
	}
	if diff := cmp.Diff(want, readMatchCSV(t, out)); diff != "" {
		t.Errorf("clusters.csv with labels (-want +got):\n%s", diff)
	}
	bad := writeMatchFile(t, "labels.csv", "left_id,right_id,label\n1,9,match\n2,5,yes\n")
	code, _, stderr = runCLI(t, "", "dedupe", "--input", in, "--id", "id", "--output", out, "--labels", bad)
	for _, w := range []string{`line 2: record "9" is not in the input`, `line 3: label "yes": want match, nonmatch, 1 or 0`} {
		if code != 1 || !strings.Contains(stderr, w) {
			t.Errorf("bad labels: exit %d, stderr %q; want %q", code, stderr, w)
		}
	}
}
