package segment

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Agg is an aggregate function over a customer's touchpoints.
type Agg int

// The aggregates of the language. Each takes an optional touchpoint type and
// an optional sliding window ending now; those other than Count, FirstTime
// and LastTime also take the field they read first: value (the monetary
// value, in the set's currency: see Set.Currency), currency, type, channel,
// or the name of a touchpoint attribute. Aggregates of value read only the
// touchpoints that have a value in the set's currency (Touchpoint.HasValue),
// so they never add amounts of different currencies.
//
//	count([type], [window])             number of touchpoints
//	sum(field, [type], [window])        sum of a numeric field
//	min / max / avg(field, …)           minimum, maximum, mean of a numeric field
//	distinct(field, …)                  number of distinct values of a field
//	first / last(field, …)              the field of the earliest / latest touchpoint
//	most_frequent(field, …)             the most frequent value (ties: the smallest)
//	first_time / last_time([type], [window])  time of the earliest / latest touchpoint
const (
	AggCount Agg = iota + 1
	AggSum
	AggMin
	AggMax
	AggAvg
	AggDistinct
	AggFirst
	AggLast
	AggFirstTime
	AggLastTime
	AggMostFrequent
)

var functions = map[string]Agg{
	"count": AggCount, "sum": AggSum, "min": AggMin, "max": AggMax, "avg": AggAvg,
	"distinct": AggDistinct, "first": AggFirst, "last": AggLast,
	"first_time": AggFirstTime, "last_time": AggLastTime, "most_frequent": AggMostFrequent,
}

// String returns the name of the value.
func (a Agg) String() string {
	for n, f := range functions {
		if f == a {
			return n
		}
	}
	return fmt.Sprintf("Agg(%d)", int(a))
}

func functionNames() string {
	names := make([]string, 0, len(functions))
	for n := range functions {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// takesField reports whether the aggregate reads a field (its first argument).
func (a Agg) takesField() bool {
	return a != AggCount && a != AggFirstTime && a != AggLastTime
}

// Trait is a computed trait: an aggregate over a customer's touchpoints,
// optionally restricted to one touchpoint type and to a sliding window that
// ends at the evaluation time. A window of zero means all history. The window
// holds touchpoints with now-Window < time <= now.
type Trait struct {
	Agg    Agg
	Field  string        // value, currency, type, channel or an attribute name; empty for count, first_time, last_time
	Type   string        // touchpoint type; empty means every type
	Window time.Duration // zero means no limit
}

// String prints the trait as a call of the language.
func (t Trait) String() string {
	var args []string
	if t.Agg.takesField() {
		args = append(args, t.Field)
	}
	if t.Type != "" {
		args = append(args, t.Type)
	}
	if t.Window > 0 {
		args = append(args, formatDuration(t.Window))
	}
	return t.Agg.String() + "(" + strings.Join(args, ", ") + ")"
}

// resolveCall checks a call's arguments and returns the trait it computes.
func resolveCall(c *Call) (Trait, error) {
	agg, ok := functions[c.Func]
	if !ok {
		return Trait{}, fmt.Errorf("unknown function %q (expected one of %s)", c.Func, functionNames())
	}
	t := Trait{Agg: agg}
	args := c.Args
	if n := len(args); n > 0 {
		if d, ok := args[n-1].(*Duration); ok {
			if d.D <= 0 {
				return t, fmt.Errorf("%s: the window must be positive", c.Func)
			}
			t.Window = d.D
			args = args[:n-1]
		}
	}
	name := func(o Operand) (string, bool) {
		switch v := o.(type) {
		case *Path:
			return v.Name(), true
		case *String:
			return v.V, v.V != ""
		}
		return "", false
	}
	if agg.takesField() {
		if len(args) == 0 {
			return t, fmt.Errorf("%s: expected the field to read (value, channel, type or an attribute) as first argument", c.Func)
		}
		f, ok := name(args[0])
		if !ok {
			return t, fmt.Errorf("%s: expected a field name as first argument, found %s", c.Func, args[0])
		}
		t.Field = f
		args = args[1:]
	}
	if len(args) > 0 {
		typ, ok := name(args[0])
		if !ok {
			return t, fmt.Errorf("%s: expected a touchpoint type, found %s", c.Func, args[0])
		}
		t.Type = typ
		args = args[1:]
	}
	if len(args) > 0 {
		return t, fmt.Errorf("%s: too many arguments (expected %s)", c.Func, signature(agg))
	}
	return t, nil
}

func signature(a Agg) string {
	if a.takesField() {
		return a.String() + "(field, [type], [window])"
	}
	return a.String() + "([type], [window])"
}
