package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate regenerates the tables from ../shared/data into a
// temporary directory and checks that the committed files are identical.
func TestGeneratedUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating all tables is slow; skipped in -short mode")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(root, "..", "shared", "data", "jp-reference")
	if _, err := os.Stat(filepath.Join(data, "postal_codes.csv")); err != nil {
		t.Skipf("reference data not available at %s (%v); skipping", data, err)
	}
	tmp := t.TempDir()
	generate(data, tmp, tmp)
	for _, f := range []struct{ got, committed string }{
		{"zz_generated_jpref.go", "quality/normalize/zz_generated_jpref.go"},
		{"zz_generated_postal.go", "quality/normalize/jppostal/zz_generated_postal.go"},
		{"zz_generated_postal.bin", "quality/normalize/jppostal/zz_generated_postal.bin"},
	} {
		got, err := os.ReadFile(filepath.Join(tmp, f.got))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.committed)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run go generate in quality/normalize", f.committed)
		}
	}
}
