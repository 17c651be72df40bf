package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestSynthWritesRecordsAndTruth(t *testing.T) {
	for _, tt := range []struct {
		locale string
		header string
	}{
		{"ja", "record_id,family_name,given_name,family_kana,given_kana,birth_date,email,phone,postal_code,prefecture,address,company,source_system"},
		{"en", "record_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,phone,email"},
	} {
		t.Run(tt.locale, func(t *testing.T) {
			dir := t.TempDir()
			out, truth := filepath.Join(dir, "r.csv"), filepath.Join(dir, "t.csv")
			code, _, stderr := runCLI(t, "", "synth", "--n", "800", "--seed", "3", "--locale", tt.locale, "--output", out, "--truth", truth)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			recs, tr := readCSVFile(t, out), readCSVFile(t, truth)
			if got := strings.Join(recs[0], ","); got != tt.header {
				t.Errorf("header = %q, want %q", got, tt.header)
			}
			if diff := cmp.Diff([]string{"record_id", "entity_id"}, tr[0]); diff != "" {
				t.Errorf("truth header (-want +got):\n%s", diff)
			}
			if len(recs) != 801 || len(tr) != 801 {
				t.Fatalf("%d record rows and %d truth rows, want 801 each", len(recs), len(tr))
			}
			entity := map[string]string{}
			for _, row := range tr[1:] {
				if _, dup := entity[row[0]]; dup {
					t.Errorf("record %s listed twice in the truth", row[0])
				}
				entity[row[0]] = row[1]
			}
			sizes := map[string]int{}
			for _, row := range recs[1:] {
				e, ok := entity[row[0]]
				if !ok {
					t.Errorf("record %s missing from the truth", row[0])
				}
				sizes[e]++
			}
			dups := 0
			for _, n := range sizes {
				if n > 1 {
					dups++
				}
			}
			if dups == 0 || len(sizes) >= 800 {
				t.Errorf("%d entities, %d duplicated: the truth groups no duplicates", len(sizes), dups)
			}
		})
	}
}

func TestSynthDeterministic(t *testing.T) {
	run := func(seed string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, "", "synth", "--n", "300", "--seed", seed, "--output", "-")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return stdout
	}
	a, b, c := run("9"), run("9"), run("10")
	if a != b {
		t.Error("the same seed gave different bytes")
	}
	if a == c {
		t.Error("different seeds gave the same bytes")
	}
}

func TestSynthNoiseColumnAndRates(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "synth", "--n", "200", "--with-noise", "--noise", "0", "--dup-rate", "0",
		"--household-rate", "0", "--twin-rate", "0", "--output", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[0][len(rows[0])-1]; got != "noise" {
		t.Errorf("last column %q, want noise", got)
	}
	for _, row := range rows[1:] {
		if strings.Contains(row[len(row)-1], "missing") || strings.Contains(row[len(row)-1], "sentinel") {
			t.Errorf("record %s: --noise 0 but %s", row[0], row[len(row)-1])
		}
	}
}

func TestSynthErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "r.csv")
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no output", []string{"--n", "5"}, 2, "--output is required"},
		{"bad locale", []string{"--locale", "fr", "--output", out}, 2, "--locale must be ja or en"},
		{"zero n", []string{"--n", "0", "--output", out}, 2, "--n must be at least 1"},
		{"bad number", []string{"--n", "many", "--output", out}, 2, "invalid value"},
		{"rate above 1", []string{"--dup-rate", "1.5", "--output", out}, 2, "DupRate"},
		{"same files", []string{"--output", out, "--truth", out}, 2, "same file"},
		{"positional", []string{"--output", out, "extra"}, 2, "unexpected argument"},
		{"unwritable", []string{"--output", filepath.Join(dir, "no", "such", "dir.csv")}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", append([]string{"synth"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.msg)
			}
		})
	}
}

func TestSynthWriteFailure(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	code, _, stderr := runCLI(t, "", "synth", "--n", "50000", "--output", "/dev/full")
	if code != 1 || !strings.Contains(stderr, "no space left") {
		t.Errorf("exit %d, stderr %q; want 1 and the write error", code, stderr)
	}
}

func TestSynthPlaceholderRate(t *testing.T) {
	count := func(args ...string) int {
		t.Helper()
		code, stdout, stderr := runCLI(t, "", append([]string{"synth", "--n", "2000", "--with-noise", "--output", "-"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return strings.Count(stdout, "sentinel")
	}
	if n := count(); n != 0 {
		t.Errorf("default: %d records with placeholders, want none", n)
	}
	if n := count("--placeholder-rate", "0.08"); n == 0 {
		t.Error("--placeholder-rate 0.08: no record with placeholders")
	}
}
