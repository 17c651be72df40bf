// Package shareddata finds the labelled and reference data sets that live in
// ../shared/data next to the module root (record linkage, addresses, the
// Japanese reference tables), for tests and generators. The data is not
// copied into the module; a test that needs it skips with a clear message
// when it is absent.
package shareddata

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// ErrNotFound reports that ../shared/data is not next to the module root.
var ErrNotFound = errors.New("shareddata: ../shared/data not found next to the module root")

// Dir returns the ../shared/data directory next to the root of the module
// that contains the working directory.
func Dir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNotFound
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "data")
	if _, err := os.Stat(d); err != nil {
		return "", ErrNotFound
	}
	return d, nil
}

// Path returns the path of name (slash-separated, relative to
// ../shared/data). When the data is missing it skips the test with a message
// saying what is missing, except under CI (the environment variable CI is
// "true"), where it fails the test: an accuracy floor must never pass in CI by
// not running.
func Path(tb testing.TB, name string) string {
	tb.Helper()
	d, err := Dir()
	if err != nil {
		missing(tb, "%v (the labelled data sets are in ../shared/data in the development tree and in CI)", err)
		return ""
	}
	p := filepath.Join(d, filepath.FromSlash(name))
	if _, err := os.Stat(p); err != nil {
		missing(tb, "%s not found in ../shared/data: %v", name, err)
		return ""
	}
	return p
}

// InCI reports whether the tests run under CI (CI=true), where missing
// shared data is a failure rather than a skip.
func InCI() bool { return os.Getenv("CI") == "true" }

func missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if InCI() {
		tb.Fatalf("shared data missing under CI=true: "+format, args...)
		return
	}
	tb.Skipf("skipping: "+format, args...)
}
