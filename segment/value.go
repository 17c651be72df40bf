package segment

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// valKind is the type of a val.
type valKind int

// val kinds. The zero val is missing.
const (
	valMissing valKind = iota
	valNumber
	valString
	valBool
	valTime
	valDuration
	valList
)

// val is what an operand evaluates to: a number, string, bool, time,
// duration, list of strings, or missing.
type val struct {
	kind valKind
	num  float64
	str  string
	t    time.Time
	list []string
}

// missingVal is the missing value.
var missingVal = val{}

// numberVal returns a number.
func numberVal(f float64) val { return val{kind: valNumber, num: f} }

// stringVal returns a string.
func stringVal(s string) val { return val{kind: valString, str: s} }

// boolVal returns a bool.
func boolVal(b bool) val {
	if b {
		return val{kind: valBool, num: 1}
	}
	return val{kind: valBool}
}

// timeVal returns a time; the zero time is missing.
func timeVal(t time.Time) val {
	if t.IsZero() {
		return missingVal
	}
	return val{kind: valTime, t: t}
}

// listVal returns a list of strings.
func listVal(l []string) val { return val{kind: valList, list: l} }

// valKind returns the value's kind.
func (v val) Kind() valKind { return v.kind }

// Num returns the number, or false if v is not a number.
func (v val) Num() (float64, bool) { return v.num, v.kind == valNumber }

// Str returns the string, or false if v is not a string.
func (v val) Str() (string, bool) { return v.str, v.kind == valString }

// Time returns the time, or false if v is not a time.
func (v val) Time() (time.Time, bool) { return v.t, v.kind == valTime }

// Bool returns the bool, or false if v is not a bool.
func (v val) Bool() (b, ok bool) { return v.num != 0, v.kind == valBool }

// present reports whether v has a value: not missing, not an empty string,
// not an empty list.
func (v val) present() bool {
	switch v.kind {
	case valMissing:
		return false
	case valString:
		return v.str != ""
	case valList:
		return len(v.list) > 0
	}
	return true
}

// String formats the value for messages and exports.
func (v val) String() string {
	switch v.kind {
	case valNumber:
		return strconv.FormatFloat(v.num, 'g', -1, 64)
	case valString:
		return v.str
	case valBool:
		return strconv.FormatBool(v.num != 0)
	case valTime:
		return v.t.Format(time.RFC3339)
	case valDuration:
		return formatDuration(time.Duration(v.num))
	case valList:
		return strings.Join(v.list, ",")
	}
	return ""
}

// compare orders a and b. ok is false when they cannot be compared (either
// missing, or of different kinds); a string and a number compare as numbers
// when the string is one, so CSV-sourced attributes work.
func compare(a, b val) (c int, ok bool) {
	if a.kind == valMissing || b.kind == valMissing {
		return 0, false
	}
	if a.kind != b.kind {
		a, b = coerce(a, b), coerce(b, a)
		if a.kind != b.kind {
			return 0, false
		}
	}
	switch a.kind {
	case valNumber, valBool, valDuration:
		if math.IsNaN(a.num) || math.IsNaN(b.num) {
			return 0, false
		}
		return cmp3(a.num, b.num), true
	case valString:
		return strings.Compare(a.str, b.str), true
	case valTime:
		return a.t.Compare(b.t), true
	}
	return 0, false
}

// coerce converts v toward the kind of other where that is lossless:
// a numeric string to a number, an RFC 3339 string or date to a time.
func coerce(v, other val) val {
	if v.kind != valString {
		return v
	}
	switch other.kind {
	case valNumber:
		if f, err := strconv.ParseFloat(strings.TrimSpace(v.str), 64); err == nil {
			return numberVal(f)
		}
	case valTime:
		if t, ok := parseTime(v.str); ok {
			return timeVal(t)
		}
	case valBool:
		if b, err := strconv.ParseBool(strings.TrimSpace(v.str)); err == nil {
			return boolVal(b)
		}
	}
	return v
}

func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func cmp3(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
