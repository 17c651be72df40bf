package intel_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/c360/c360/intel"
	"github.com/c360/c360/intel/inteltest"
	"github.com/google/go-cmp/cmp"
)

// An item survives a JSON round trip, with enums written by name.
func TestItemJSON(t *testing.T) {
	want := inteltest.Item("j", 4)
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{`"Scope":"teams"`, `"Metric":"nps"`, `"Kind":"person"`, `"Kind":"role"`} {
		if !json.Valid(b) || !strings.Contains(string(b), name) {
			t.Errorf("JSON lacks %s: %s", name, b)
		}
	}
	var got intel.Item
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, &got); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	var m intel.Metric
	if err := m.UnmarshalText([]byte("promoter")); !errors.Is(err, intel.ErrInvalid) {
		t.Errorf("unknown metric: %v", err)
	}
	var s intel.ActionStatus
	if err := s.UnmarshalText([]byte("in_progress")); err != nil || s != intel.ActionInProgress {
		t.Errorf("in_progress → %v, %v", s, err)
	}
}
