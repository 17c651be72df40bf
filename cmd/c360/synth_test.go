package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSynthWritesRecordsAndTruth(t *testing.T) {
	dir := t.TempDir()
	out, truth := filepath.Join(dir, "r.csv"), filepath.Join(dir, "t.csv")
	code, _, stderr := runCLI(t, "", "synth", "--n", "500", "--seed", "3", "--output", out, "--truth", truth)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rec, _ := os.ReadFile(out)
	tr, _ := os.ReadFile(truth)
	lines := strings.Split(strings.TrimSuffix(string(rec), "\n"), "\n")
	if got, want := lines[0], "record_id,family_name,given_name,family_kana,given_kana,birth_date,email,phone,postal_code,prefecture,address,company,source_system"; got != want {
		t.Errorf("header = %q, want %q", got, want)
	}
	if len(lines) != 501 {
		t.Errorf("%d lines, want 501", len(lines))
	}
	tl := strings.Split(strings.TrimSuffix(string(tr), "\n"), "\n")
	if tl[0] != "record_id,entity_id" || len(tl) != 501 {
		t.Errorf("truth: header %q, %d lines", tl[0], len(tl))
	}
}
