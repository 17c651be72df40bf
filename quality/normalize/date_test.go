package normalize

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ParseDate's Japanese and Gregorian forms are tested through
// quality.ParseDate (quality/date_test.go); these are the orders.
func TestParseDateOrder(t *testing.T) {
	tests := []struct {
		in        string
		yearFirst string // "" = error
		dayFirst  string
	}{
		{"2024-04-01", "2024-04-01", "2024-04-01"},
		{"20240401", "2024-04-01", "2024-04-01"},
		{"令和6年4月1日", "2024-04-01", "2024-04-01"},
		{"H31.4.30", "2019-04-30", "2019-04-30"},
		{"01/04/2024", "", "2024-04-01"},
		{"1-4-2024", "", "2024-04-01"},
		{"０１.０４.２０２４", "", "2024-04-01"},
		{"04/13/2024", "", "2024-04-13"}, // no 13th month: month first
		{"31/02/2024", "", ""},           // no such date either way
		{"01/04/24", "", ""},             // two-digit years are not read
		{"01/04-2024", "", ""},           // mixed separators
		{"1年4月2024日", "", ""},            // day first only with one separator
		{"2024/13/01", "", ""},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			order DateOrder
			want  string
		}{{YearFirst, tt.yearFirst}, {DayFirst, tt.dayFirst}} {
			y, m, d, err := ParseDate(tt.in, c.order)
			got := ""
			if err == nil {
				got = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
			} else if !errors.Is(err, ErrInvalid) {
				t.Errorf("ParseDate(%q, %d) error %v does not wrap ErrInvalid", tt.in, c.order, err)
			}
			if got != c.want {
				t.Errorf("ParseDate(%q, %d) = %q (%v), want %q", tt.in, c.order, got, err, c.want)
			}
		}
	}
}

func TestParseDateError(t *testing.T) {
	_, _, _, err := ParseDate("平成32年1月1日", YearFirst)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	want := &Error{Kind: KindDate, Input: "平成32年1月1日", Reason: "after the end of 平成 (2019-04-30)"}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

// FuzzParseDateOrders checks that ParseDate never panics, that what it
// accepts is a real date whose ISO form parses back to itself (Key is
// idempotent), that every error wraps ErrInvalid, and that DayFirst reads
// everything YearFirst reads, the same way.
func FuzzParseDateOrders(f *testing.F) {
	for _, s := range []string{"2024-04-01", "01/04/2024", "04/13/2024", "令和元年5月1日", "H31.4.30", "20240229", "31/02/2024", "1.1.1000", "二〇二四年三月五日", "１/１/２０２４"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, m, d, err := ParseDate(s, YearFirst)
		dy, dm, dd, derr := ParseDate(s, DayFirst)
		for _, e := range []error{err, derr} {
			if e != nil && !errors.Is(e, ErrInvalid) {
				t.Fatalf("ParseDate(%q) error %v does not wrap ErrInvalid", s, e)
			}
		}
		if err == nil && (derr != nil || [3]int{y, m, d} != [3]int{dy, dm, dd}) {
			t.Fatalf("ParseDate(%q): YearFirst %d-%d-%d, DayFirst %d-%d-%d (%v)", s, y, m, d, dy, dm, dd, derr)
		}
		if derr != nil {
			return
		}
		if !validDate(dy, dm, dd) {
			t.Fatalf("ParseDate(%q, DayFirst) = %d-%d-%d, not a date", s, dy, dm, dd)
		}
		key, err := Key(KindDate, isoDate([3]int{dy, dm, dd}))
		if err != nil || key != isoDate([3]int{dy, dm, dd}) {
			t.Fatalf("Key(date, %q) = %q, %v; want it unchanged", isoDate([3]int{dy, dm, dd}), key, err)
		}
	})
}
