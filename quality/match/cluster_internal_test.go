package match

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A guard checks a newcomer's disagreeing value against every record of the
// cluster holding a value, not one record per distinct value: a namesake
// that looks similar to one holder of a birth date but not to another (the
// engine checks every member) is kept out, so that c360 dedupe and the
// engine make the same clusters.
func TestGuardChecksEveryHolder(t *testing.T) {
	// Records 0 and 1 hold the birth date 1975-07-29, record 2 holds
	// 1981-11-25. Record 2 scores as similar to record 0 (same written
	// name) but not to record 1 (written in Latin script).
	date := func(s string) value { return dateValue(s) }
	d := &dataset{
		ids:   []string{"a", "b", "c"},
		nf:    1,
		kinds: []Kind{KindDate},
		vals:  []value{date("1975-07-29"), date("1975-07-29"), date("1981-11-25")},
	}
	tests := []struct {
		name    string
		similar func(i, j int) bool
		want    bool
	}{
		{"similar to every holder: joined", func(i, j int) bool { return true }, true},
		{"similar to the first holder only: refused", func(i, j int) bool { return i+j == 2 }, false},
		{"similar to none: refused", func(i, j int) bool { return false }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClusterer(d, []int{0})
			c.similar = tt.similar
			if !c.union(0, 1) {
				t.Fatal("records with the same birth date were kept apart")
			}
			got := c.union(1, 2)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("union of the cluster {0,1} with record 2 (-want +got):\n%s", diff)
			}
		})
	}
}
