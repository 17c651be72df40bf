package customer

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Value is a typed custom attribute value: a string, int, float, bool, time
// or list of strings. The zero Value has TypeNone. Values are immutable; build
// them with StringValue, IntValue, FloatValue, BoolValue, TimeValue and
// ListValue. In JSON a Value is {"type": "int", "value": 42}.
type Value struct {
	typ  ValueType
	s    string
	i    int64
	f    float64
	b    bool
	t    time.Time
	list []string
}

// StringValue returns a string Value.
func StringValue(s string) Value { return Value{typ: TypeString, s: s} }

// IntValue returns an int Value.
func IntValue(i int64) Value { return Value{typ: TypeInt, i: i} }

// FloatValue returns a float Value. NaN and infinities are kept but fail
// validation and JSON encoding.
func FloatValue(f float64) Value { return Value{typ: TypeFloat, f: f} }

// BoolValue returns a bool Value.
func BoolValue(b bool) Value { return Value{typ: TypeBool, b: b} }

// TimeValue returns a time Value.
func TimeValue(t time.Time) Value { return Value{typ: TypeTime, t: t} }

// ListValue returns a list Value holding a copy of items.
func ListValue(items ...string) Value {
	return Value{typ: TypeList, list: slices.Clone(items)}
}

// Type returns the type of v.
func (v Value) Type() ValueType { return v.typ }

// IsZero reports whether v is the zero Value.
func (v Value) IsZero() bool { return v.typ == TypeNone }

// Str returns the string of a string Value.
func (v Value) Str() (string, bool) { return v.s, v.typ == TypeString }

// Int returns the integer of an int Value.
func (v Value) Int() (int64, bool) { return v.i, v.typ == TypeInt }

// Float returns the number of a float Value.
func (v Value) Float() (float64, bool) { return v.f, v.typ == TypeFloat }

// Bool returns the boolean of a bool Value.
func (v Value) Bool() (bool, bool) { return v.b, v.typ == TypeBool }

// Time returns the instant of a time Value.
func (v Value) Time() (time.Time, bool) { return v.t, v.typ == TypeTime }

// List returns a copy of the items of a list Value.
func (v Value) List() ([]string, bool) { return slices.Clone(v.list), v.typ == TypeList }

// Equal reports whether v and w have the same type and value (times compare
// with time.Time.Equal).
func (v Value) Equal(w Value) bool {
	if v.typ != w.typ {
		return false
	}
	switch v.typ {
	case TypeString:
		return v.s == w.s
	case TypeInt:
		return v.i == w.i
	case TypeFloat:
		return v.f == w.f || (math.IsNaN(v.f) && math.IsNaN(w.f))
	case TypeBool:
		return v.b == w.b
	case TypeTime:
		return v.t.Equal(w.t)
	case TypeList:
		return slices.Equal(v.list, w.list)
	}
	return true
}

// String formats v for display.
func (v Value) String() string {
	switch v.typ {
	case TypeString:
		return v.s
	case TypeInt:
		return strconv.FormatInt(v.i, 10)
	case TypeFloat:
		return strconv.FormatFloat(v.f, 'g', -1, 64)
	case TypeBool:
		return strconv.FormatBool(v.b)
	case TypeTime:
		return v.t.Format(time.RFC3339)
	case TypeList:
		return strings.Join(v.list, ", ")
	}
	return ""
}

// check returns a reason why v is not a valid value, or "".
func (v Value) check() string {
	switch v.typ {
	case TypeNone:
		return "empty value"
	case TypeString:
		return checkText(v.s)
	case TypeFloat:
		if math.IsNaN(v.f) || math.IsInf(v.f, 0) {
			return "not a finite number"
		}
	case TypeTime:
		if v.t.IsZero() {
			return "zero time"
		}
		if y := v.t.Year(); y < 0 || y > 9999 {
			return "year out of range"
		}
	case TypeList:
		for _, s := range v.list {
			if r := checkText(s); r != "" {
				return r
			}
		}
	}
	return ""
}

type valueJSON struct {
	Type  ValueType       `json:"type"`
	Value json.RawMessage `json:"value"`
}

// MarshalJSON encodes v as {"type": ..., "value": ...}.
func (v Value) MarshalJSON() ([]byte, error) {
	var raw any
	switch v.typ {
	case TypeString:
		raw = v.s
	case TypeInt:
		raw = v.i
	case TypeFloat:
		if math.IsNaN(v.f) || math.IsInf(v.f, 0) {
			return nil, &ValueError{Field: "value", Value: v.String(), Reason: "not a finite number"}
		}
		raw = v.f
	case TypeBool:
		raw = v.b
	case TypeTime:
		raw = v.t
	case TypeList:
		l := v.list
		if l == nil {
			l = []string{}
		}
		raw = l
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	return json.Marshal(valueJSON{Type: v.typ, Value: b})
}

// UnmarshalJSON decodes {"type": ..., "value": ...}; a value that does not
// fit its type is a *ValueError.
func (v *Value) UnmarshalJSON(b []byte) error {
	var j valueJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	bad := func(reason string) error {
		return &ValueError{Field: "value", Value: string(j.Value), Reason: reason}
	}
	var out Value
	out.typ = j.Type
	var err error
	switch j.Type {
	case TypeNone:
		if len(j.Value) != 0 && string(j.Value) != "null" {
			return bad("value given for type none")
		}
	case TypeString:
		err = json.Unmarshal(j.Value, &out.s)
	case TypeInt:
		err = json.Unmarshal(j.Value, &out.i)
	case TypeFloat:
		err = json.Unmarshal(j.Value, &out.f)
	case TypeBool:
		err = json.Unmarshal(j.Value, &out.b)
	case TypeTime:
		err = json.Unmarshal(j.Value, &out.t)
	case TypeList:
		err = json.Unmarshal(j.Value, &out.list)
		if out.list == nil && err == nil {
			out.list = []string{}
		}
	}
	if err != nil || (j.Type != TypeNone && (len(j.Value) == 0 || string(j.Value) == "null")) {
		return bad(fmt.Sprintf("not a %s", j.Type))
	}
	if j.Type == TypeList && len(out.list) == 0 {
		out.list = nil
	}
	*v = out
	return nil
}
