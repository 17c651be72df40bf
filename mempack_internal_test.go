package c360

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
	"github.com/google/go-cmp/cmp"
)

// allFieldsSet fails when a field of v's struct (or of a struct in one of
// its pointers, or the first element of its slices) is zero: a field added to Link or Change must be
// added to the MemoryStore's packing too, and to these tests.
func allFieldsSet(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			allFieldsSet(t, path, v.Elem())
		}
	case reflect.Slice: // the first element sets every field; others test edge cases
		if v.Len() > 0 {
			allFieldsSet(t, path, v.Index(0))
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() || v.Type() == reflect.TypeFor[customer.RecordKey]() {
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if v.Field(i).IsZero() {
				t.Errorf("%s.%s is zero in the test value: pack it in mempack.go and set it here", path, f.Name)
			}
			allFieldsSet(t, path+"."+f.Name, v.Field(i))
		}
	}
}

func TestPackLinkRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 8, time.FixedZone("JST", 9*3600))
	full := &Link{
		Record: customer.RecordKey{System: "crm", RecordID: "1\x00é"}, Profile: "P1", Reason: "match",
		Match: &match.Explanation{A: "crm/1", B: "shop/2", Prior: -3.5, Weight: math.Inf(1), Probability: 1,
			Fields: []match.Contribution{{Field: "email", Level: "exact", Weight: 9.25, A: "a@x", B: "a@x"}, {Field: "name", Level: "other", Weight: math.Inf(-1), A: "", B: "佐藤"}},
			Rule:   "email", Limit: match.LimitGuard},
		At:    at,
		Edges: []Edge{{Record: customer.RecordKey{System: "shop", RecordID: "2"}, Weight: math.MaxFloat64, Confirmed: true}, {Record: customer.RecordKey{System: "pos", RecordID: ""}, Weight: -1}},
		Keys:  []string{"k1", "", "k\x003"}, Values: []string{"", "v2", "東京都"},
		Fingerprint: "F", Restricted: true,
	}
	allFieldsSet(t, "Link", reflect.ValueOf(full))
	tests := []struct {
		name string
		l    *Link
	}{
		{"every field", full},
		{"zero", &Link{Record: customer.RecordKey{System: "s", RecordID: "r"}}},
		{"empty, not nil", &Link{Record: customer.RecordKey{System: "s", RecordID: "r"}, Keys: []string{}, Values: []string{}, Edges: []Edge{}, Match: &match.Explanation{Fields: []match.Contribution{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := packLink(tt.l)
			if diff := cmp.Diff(tt.l, m.link(tt.l.Record)); diff != "" {
				t.Errorf("link (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.l.Values, m.values()); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPackChangeRoundTrip(t *testing.T) {
	full := Change{Cursor: 7, Kind: ChangeMerged, Profile: "P1", Absorbed: []customer.ID{"P2", ""},
		Fields: []FieldChange{{Field: "email", Old: "a", New: "b"}, {Field: "name", Old: "", New: "佐藤"}}, Segment: "vip",
		Record: customer.RecordKey{System: "crm", RecordID: "1"}, At: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}
	allFieldsSet(t, "Change", reflect.ValueOf(full))
	for _, c := range []Change{full, {Cursor: 1, Kind: ChangeCreated}, {Cursor: 2, Absorbed: []customer.ID{}, Fields: []FieldChange{}}} {
		m := packChange(&c)
		if diff := cmp.Diff(c, m.change()); diff != "" {
			t.Errorf("change %d (-want +got):\n%s", c.Cursor, diff)
		}
	}
}
