package segment

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Kind is the type of a Value.
type Kind int

// Value kinds. The zero Value is missing.
const (
	KindMissing Kind = iota
	KindNumber
	KindString
	KindBool
	KindTime
	KindDuration
	KindList
)

// Value is what an operand evaluates to: a number, string, bool, time,
// duration, list of strings, or missing.
type Value struct {
	kind Kind
	num  float64
	str  string
	t    time.Time
	list []string
}

// Missing is the missing value.
var Missing = Value{}

// NumberValue returns a number.
func NumberValue(f float64) Value { return Value{kind: KindNumber, num: f} }

// StringValue returns a string.
func StringValue(s string) Value { return Value{kind: KindString, str: s} }

// BoolValue returns a bool.
func BoolValue(b bool) Value {
	if b {
		return Value{kind: KindBool, num: 1}
	}
	return Value{kind: KindBool}
}

// TimeValue returns a time; the zero time is missing.
func TimeValue(t time.Time) Value {
	if t.IsZero() {
		return Missing
	}
	return Value{kind: KindTime, t: t}
}

// ListValue returns a list of strings.
func ListValue(l []string) Value { return Value{kind: KindList, list: l} }

// Kind returns the value's kind.
func (v Value) Kind() Kind { return v.kind }

// Num returns the number, or false if v is not a number.
func (v Value) Num() (float64, bool) { return v.num, v.kind == KindNumber }

// Str returns the string, or false if v is not a string.
func (v Value) Str() (string, bool) { return v.str, v.kind == KindString }

// Time returns the time, or false if v is not a time.
func (v Value) Time() (time.Time, bool) { return v.t, v.kind == KindTime }

// Bool returns the bool, or false if v is not a bool.
func (v Value) Bool() (b, ok bool) { return v.num != 0, v.kind == KindBool }

// present reports whether v has a value: not missing, not an empty string,
// not an empty list.
func (v Value) present() bool {
	switch v.kind {
	case KindMissing:
		return false
	case KindString:
		return v.str != ""
	case KindList:
		return len(v.list) > 0
	}
	return true
}

// String formats the value for messages and exports.
func (v Value) String() string {
	switch v.kind {
	case KindNumber:
		return strconv.FormatFloat(v.num, 'g', -1, 64)
	case KindString:
		return v.str
	case KindBool:
		return strconv.FormatBool(v.num != 0)
	case KindTime:
		return v.t.Format(time.RFC3339)
	case KindDuration:
		return formatDuration(time.Duration(v.num))
	case KindList:
		return strings.Join(v.list, ",")
	}
	return ""
}

// compare orders a and b. ok is false when they cannot be compared (either
// missing, or of different kinds); a string and a number compare as numbers
// when the string is one, so CSV-sourced attributes work.
func compare(a, b Value) (c int, ok bool) {
	if a.kind == KindMissing || b.kind == KindMissing {
		return 0, false
	}
	if a.kind != b.kind {
		a, b = coerce(a, b), coerce(b, a)
		if a.kind != b.kind {
			return 0, false
		}
	}
	switch a.kind {
	case KindNumber, KindBool, KindDuration:
		if math.IsNaN(a.num) || math.IsNaN(b.num) {
			return 0, false
		}
		return cmp3(a.num, b.num), true
	case KindString:
		return strings.Compare(a.str, b.str), true
	case KindTime:
		return a.t.Compare(b.t), true
	}
	return 0, false
}

// coerce converts v toward the kind of other where that is lossless:
// a numeric string to a number, an RFC 3339 string or date to a time.
func coerce(v, other Value) Value {
	if v.kind != KindString {
		return v
	}
	switch other.kind {
	case KindNumber:
		if f, err := strconv.ParseFloat(strings.TrimSpace(v.str), 64); err == nil {
			return NumberValue(f)
		}
	case KindTime:
		if t, ok := parseTime(v.str); ok {
			return TimeValue(t)
		}
	case KindBool:
		if b, err := strconv.ParseBool(strings.TrimSpace(v.str)); err == nil {
			return BoolValue(b)
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
