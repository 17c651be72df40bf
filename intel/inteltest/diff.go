package inteltest

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/c360/c360/intel"
)

// diff compares two items field by field, treating nil and empty slices as
// equal and comparing CapturedAt as an instant at the suite's precision. It
// returns "" when they agree, else one line per differing field as
// "Field: want … got …".
func (s suite) diff(want, got *intel.Item) string {
	if got == nil {
		return "got a nil item"
	}
	w, g := *want, *got
	w.CapturedAt, g.CapturedAt = time.Time{}, time.Time{}
	var lines []string
	wt, gt := want.CapturedAt, got.CapturedAt
	if p := s.o.TimePrecision; p > 0 {
		wt, gt = wt.Truncate(p), gt.Truncate(p)
		if !wt.Equal(gt) {
			wt, gt = want.CapturedAt.Round(p), got.CapturedAt.Round(p)
		}
	}
	if !wt.Equal(gt) {
		lines = append(lines, fmt.Sprintf("CapturedAt: want %v got %v", want.CapturedAt, got.CapturedAt))
	}
	wv, gv := reflect.ValueOf(w), reflect.ValueOf(g)
	for i := range wv.NumField() {
		name := wv.Type().Field(i).Name
		if !equalEmpty(wv.Field(i), gv.Field(i)) {
			lines = append(lines, fmt.Sprintf("%s: want %+v got %+v", name, wv.Field(i).Interface(), gv.Field(i).Interface()))
		}
	}
	return strings.Join(lines, "\n")
}

// equalEmpty is reflect.DeepEqual with nil and empty slices equal.
func equalEmpty(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !equalEmpty(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		if a.Type() == reflect.TypeFor[time.Time]() {
			return a.Interface().(time.Time).Equal(b.Interface().(time.Time))
		}
		for i := range a.NumField() {
			if !equalEmpty(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return equalEmpty(a.Elem(), b.Elem())
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}
