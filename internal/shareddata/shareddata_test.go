package shareddata

import (
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
