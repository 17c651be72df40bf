package synthsource

import (
	"testing"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match/synth"
)

// TestRecordsValid checks that every generated record is a valid source
// record and nearly all have a name, in both locales.
func TestRecordsValid(t *testing.T) {
	for _, loc := range []synth.Locale{synth.Japanese, synth.English} {
		recs, truth, err := Generate(t.Context(), 5000, 1, loc)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 5000 || len(truth) != 5000 {
			t.Fatalf("%s: %d records, %d truths", loc, len(recs), len(truth))
		}
		named := 0
		for i := range recs {
			if err := customer.ValidateRecord(&recs[i]); err != nil {
				t.Errorf("%s: record %d: %v", loc, i, err)
			}
			if !recs[i].Name.IsZero() {
				named++
			}
		}
		// The generator drops values as noise; nearly every record keeps a name.
		if named < len(recs)*95/100 {
			t.Errorf("%s: only %d of %d records have a name", loc, named, len(recs))
		}
	}
}
