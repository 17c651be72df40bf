package shareddata

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestPathFindsSharedData(t *testing.T) {
	d, err := Dir()
	if err != nil {
		t.Skipf("no ../shared/data here: %v", err)
	}
	if _, err := os.Stat(filepath.Join(d, "README.md")); err != nil {
		t.Errorf("Dir() = %s, which has no README.md: %v", d, err)
	}
	if p := Path(t, "febrl/dataset1.csv"); filepath.Base(p) != "dataset1.csv" {
		t.Errorf("Path = %s", p)
	}
}

// recorder is a testing.TB that records how a helper ended the test.
type recorder struct {
	testing.TB
	skipped, failed bool
}

func (r *recorder) Helper()                  {}
func (r *recorder) Skipf(string, ...any)     { r.skipped = true }
func (r *recorder) Fatalf(string, ...any)    { r.failed = true }
func (r *recorder) Errorf(string, ...any)    { r.failed = true }
func (r *recorder) Logf(string, ...any)      {}
func (r *recorder) Cleanup(func())           {}
func (r *recorder) Setenv(k, v string)       {}
func (r *recorder) Name() string             { return "recorder" }
func (r *recorder) TempDir() string          { return "" }
func (r *recorder) Context() context.Context { return context.Background() }

func TestPathMissingSkipsLocallyFailsInCI(t *testing.T) {
	tests := []struct {
		name                 string
		ci                   string
		wantSkip, wantFailed bool
	}{
		{name: "local", ci: "", wantSkip: true},
		{name: "ci", ci: "true", wantFailed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			r := &recorder{TB: t}
			Path(r, "no/such/file-ever.csv")
			if r.skipped != tt.wantSkip || r.failed != tt.wantFailed {
				t.Errorf("CI=%q: skipped=%v failed=%v, want skipped=%v failed=%v", tt.ci, r.skipped, r.failed, tt.wantSkip, tt.wantFailed)
			}
		})
	}
}
