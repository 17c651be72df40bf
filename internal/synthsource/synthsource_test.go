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

// TestBirthDateNotations checks that birth dates written as the generator
// writes them (eras, slashes, compact digits) become the record's BirthDate,
// and one that is no date is kept as an attribute.
func TestBirthDateNotations(t *testing.T) {
	tests := []struct {
		in      string
		want    customer.Date
		wantRaw bool
	}{
		{"1965-02-02", customer.Date{Year: 1965, Month: 2, Day: 2}, false},
		{"昭和40年2月2日", customer.Date{Year: 1965, Month: 2, Day: 2}, false},
		{"S40.2.2", customer.Date{Year: 1965, Month: 2, Day: 2}, false},
		{"1965/2/2", customer.Date{Year: 1965, Month: 2, Day: 2}, false},
		{"19650202", customer.Date{Year: 1965, Month: 2, Day: 2}, false},
		{"unknown", customer.Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			vals := synth.Header(synth.Japanese)
			for i, h := range vals {
				switch h {
				case "record_id":
					vals[i] = "R00000001"
				case "family_name":
					vals[i] = "山田"
				case "birth_date":
					vals[i] = tt.in
				default:
					vals[i] = ""
				}
			}
			s := Record(synth.Record{ID: "R00000001", Values: vals})
			_, raw := s.Attributes["birth_date_raw"]
			if s.BirthDate != tt.want || raw != tt.wantRaw {
				t.Errorf("birth date %q: got %v (kept as attribute: %v), want %v (%v)", tt.in, s.BirthDate, raw, tt.want, tt.wantRaw)
			}
		})
	}
}
