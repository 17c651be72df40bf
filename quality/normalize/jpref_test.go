package normalize

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDataPath returns the path of a file under ../shared/data (found next to the
// module root), or skips the test when the data is not there.
func sharedDataPath(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root not found; skipping test on ../shared/data")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", filepath.FromSlash(name))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("data file %s not available (%v); skipping", p, err)
	}
	return p
}
