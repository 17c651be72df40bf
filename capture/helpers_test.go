package capture

import (
	"bufio"
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360/customer"
)

// testProfiles reads testdata/profiles.jsonl.
func testProfiles(t testing.TB) []*customer.Profile {
	t.Helper()
	b, err := os.ReadFile("testdata/profiles.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out []*customer.Profile
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		p, err := customer.DecodeProfile(sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// testDirectory is a ProfileDirectory over testdata/profiles.jsonl with
// testdata/suppressed.txt.
func testDirectory(t testing.TB) *ProfileDirectory {
	t.Helper()
	sup, err := os.ReadFile("testdata/suppressed.txt")
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewProfileDirectory(slices.Values(testProfiles(t)), strings.Fields(string(sup)))
	if err != nil {
		t.Fatal(err)
	}
	d.Now = func() time.Time { return time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) }
	return d
}
