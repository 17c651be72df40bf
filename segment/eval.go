package segment

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Touchpoint is what computed traits read from one touchpoint of a customer.
// FromEvent converts a journey event.
type Touchpoint struct {
	Type     string
	Channel  string
	Time     time.Time
	Value    float64 // monetary value; meaningful when HasValue
	HasValue bool
	Attrs    map[string]string
}

// field returns the named field of a touchpoint.
func (tp *Touchpoint) field(name string) Value {
	switch name {
	case "value":
		if tp.HasValue {
			return NumberValue(tp.Value)
		}
		return Missing
	case "type":
		return StringValue(tp.Type)
	case "channel":
		return StringValue(tp.Channel)
	case "time":
		return TimeValue(tp.Time)
	}
	name = strings.TrimPrefix(name, "attributes.")
	if v, ok := tp.Attrs[name]; ok {
		return StringValue(v)
	}
	return Missing
}

// Attributes gives the value of a profile field or custom attribute by its
// path (stage, consent.email.marketing, attributes.tier). A path it does not
// know is Missing.
type Attributes interface {
	Attr(path string) Value
}

// AttrMap is Attributes backed by a map, handy for tests and tables.
type AttrMap map[string]Value

// Attr implements Attributes.
func (m AttrMap) Attr(path string) Value { return m[path] }

// Subject is one customer as segments see it: attributes and touchpoints.
// Touchpoints must be in time order (oldest first).
type Subject struct {
	ID          string
	Attrs       Attributes
	Touchpoints []Touchpoint
}

// evalCtx is the state of one evaluation of one subject.
type evalCtx struct {
	s      *Subject
	now    time.Time
	set    *Set
	memo   map[string]bool // segment references already evaluated
	active map[string]bool // references being evaluated (cycle guard)
	err    error
}

type boolFn func(*evalCtx) bool
type valueFn func(*evalCtx) Value

// compile turns an expression into a closure. Named traits are resolved
// through set (which may be nil).
func compile(e Expr, set *Set) (boolFn, error) {
	switch e := e.(type) {
	case *Logical:
		fns := make([]boolFn, len(e.Terms))
		for i, t := range e.Terms {
			f, err := compile(t, set)
			if err != nil {
				return nil, err
			}
			fns[i] = f
		}
		if e.Op == Or {
			return func(c *evalCtx) bool {
				for _, f := range fns {
					if f(c) {
						return true
					}
				}
				return false
			}, nil
		}
		return func(c *evalCtx) bool {
			for _, f := range fns {
				if !f(c) {
					return false
				}
			}
			return true
		}, nil
	case *Not:
		f, err := compile(e.X, set)
		if err != nil {
			return nil, err
		}
		return func(c *evalCtx) bool { return !f(c) }, nil
	case *Compare:
		l, err := compileOperand(e.Left, set)
		if err != nil {
			return nil, err
		}
		r, err := compileOperand(e.Right, set)
		if err != nil {
			return nil, err
		}
		op := e.Op
		return func(c *evalCtx) bool {
			d, ok := compare(l(c), r(c))
			if !ok {
				return false
			}
			switch op {
			case Eq:
				return d == 0
			case Ne:
				return d != 0
			case Lt:
				return d < 0
			case Le:
				return d <= 0
			case Gt:
				return d > 0
			case Ge:
				return d >= 0
			}
			return false
		}, nil
	case *In:
		x, err := compileOperand(e.X, set)
		if err != nil {
			return nil, err
		}
		list := make([]valueFn, len(e.List))
		for i, o := range e.List {
			if list[i], err = compileOperand(o, set); err != nil {
				return nil, err
			}
		}
		return func(c *evalCtx) bool {
			v := x(c)
			for _, f := range list {
				if d, ok := compare(v, f(c)); ok && d == 0 {
					return true
				}
			}
			return false
		}, nil
	case *Between:
		x, err := compileOperand(e.X, set)
		if err != nil {
			return nil, err
		}
		lo, err := compileOperand(e.Lo, set)
		if err != nil {
			return nil, err
		}
		hi, err := compileOperand(e.Hi, set)
		if err != nil {
			return nil, err
		}
		return func(c *evalCtx) bool {
			v := x(c)
			d1, ok1 := compare(lo(c), v)
			d2, ok2 := compare(v, hi(c))
			return ok1 && ok2 && d1 <= 0 && d2 <= 0
		}, nil
	case *Contains:
		x, err := compileOperand(e.X, set)
		if err != nil {
			return nil, err
		}
		sub, err := compileOperand(e.Sub, set)
		if err != nil {
			return nil, err
		}
		return func(c *evalCtx) bool {
			v, s := x(c), sub(c)
			if !s.present() {
				return false
			}
			switch v.kind {
			case KindString:
				return strings.Contains(v.str, s.String())
			case KindList:
				for _, el := range v.list {
					if el == s.String() {
						return true
					}
				}
			}
			return false
		}, nil
	case *Exists:
		x, err := compileOperand(e.X, set)
		if err != nil {
			return nil, err
		}
		return func(c *evalCtx) bool { return x(c).present() }, nil
	case *Truth:
		x, err := compileOperand(e.X, set)
		if err != nil {
			return nil, err
		}
		return func(c *evalCtx) bool {
			v := x(c)
			if v.kind == KindString {
				v = coerce(v, BoolValue(true))
			}
			b, ok := v.Bool()
			return ok && b
		}, nil
	case *SegmentRef:
		name := e.Name
		return func(c *evalCtx) bool { return c.ref(name) }, nil
	case nil:
		return nil, errors.New("segment: nil expression")
	}
	return nil, fmt.Errorf("segment: unknown expression node %T", e)
}

func compileOperand(o Operand, set *Set) (valueFn, error) {
	switch o := o.(type) {
	case *Number:
		v := NumberValue(o.V)
		return func(*evalCtx) Value { return v }, nil
	case *String:
		v := StringValue(o.V)
		return func(*evalCtx) Value { return v }, nil
	case *Bool:
		v := BoolValue(o.V)
		return func(*evalCtx) Value { return v }, nil
	case *Duration:
		v := Value{kind: KindDuration, num: float64(o.D)}
		return func(*evalCtx) Value { return v }, nil
	case *Now:
		off := o.Offset
		return func(c *evalCtx) Value { return TimeValue(c.now.Add(off)) }, nil
	case *Path:
		name := o.Name()
		if set != nil {
			if t, ok := set.traits[name]; ok {
				return func(c *evalCtx) Value { return t.Compute(c.s.Touchpoints, c.now) }, nil
			}
		}
		return func(c *evalCtx) Value {
			if c.s.Attrs == nil {
				return Missing
			}
			return c.s.Attrs.Attr(name)
		}, nil
	case *Call:
		t, err := resolveCall(o)
		if err != nil {
			return nil, fmt.Errorf("segment: %w", err)
		}
		return func(c *evalCtx) Value { return t.Compute(c.s.Touchpoints, c.now) }, nil
	case nil:
		return nil, errors.New("segment: nil operand")
	}
	return nil, fmt.Errorf("segment: unknown operand node %T", o)
}

// ref evaluates a referenced segment once per evaluation.
func (c *evalCtx) ref(name string) bool {
	if v, ok := c.memo[name]; ok {
		return v
	}
	if c.set == nil {
		c.fail(fmt.Errorf("%w: %q", ErrUnknownSegment, name))
		return false
	}
	seg, ok := c.set.segments[name]
	if !ok {
		c.fail(fmt.Errorf("%w: %q", ErrUnknownSegment, name))
		return false
	}
	if c.active[name] {
		c.fail(fmt.Errorf("%w through %q", ErrCycle, name))
		return false
	}
	if c.memo == nil {
		c.memo, c.active = map[string]bool{}, map[string]bool{}
	}
	c.active[name] = true
	v := seg.fn(c)
	delete(c.active, name)
	c.memo[name] = v
	return v
}

func (c *evalCtx) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// Compute evaluates the trait over touchpoints (in time order) at time now.
// Touchpoints after now are not counted. The result is Missing when no
// touchpoint qualifies, except for count and distinct, which give 0.
func (t Trait) Compute(tps []Touchpoint, now time.Time) Value {
	// Touchpoints are in time order: find the window [from, to).
	to := sort.Search(len(tps), func(i int) bool { return tps[i].Time.After(now) })
	from := 0
	if t.Window > 0 {
		start := now.Add(-t.Window)
		from = sort.Search(to, func(i int) bool { return tps[i].Time.After(start) })
	}
	var (
		n        int
		sum      float64
		lo, hi   = math.Inf(1), math.Inf(-1)
		first    = -1
		last     = -1
		distinct map[string]int
	)
	for i := from; i < to; i++ {
		tp := &tps[i]
		if t.Type != "" && tp.Type != t.Type {
			continue
		}
		switch t.Agg {
		case AggCount:
			n++
			continue
		case AggFirstTime, AggFirst:
			if first < 0 {
				first = i
			}
			if t.Agg == AggFirstTime {
				return TimeValue(tp.Time)
			}
			continue
		case AggLastTime, AggLast:
			last = i
			continue
		}
		v := tp.field(t.Field)
		if !v.present() {
			continue
		}
		switch t.Agg {
		case AggSum, AggMin, AggMax, AggAvg:
			v = coerce(v, NumberValue(0))
			f, ok := v.Num()
			if !ok {
				continue
			}
			n++
			sum += f
			lo, hi = math.Min(lo, f), math.Max(hi, f)
		case AggDistinct, AggMostFrequent:
			if distinct == nil {
				distinct = map[string]int{}
			}
			distinct[v.String()]++
		}
	}
	switch t.Agg {
	case AggCount:
		return NumberValue(float64(n))
	case AggSum:
		return NumberValue(sum)
	case AggMin:
		if n > 0 {
			return NumberValue(lo)
		}
	case AggMax:
		if n > 0 {
			return NumberValue(hi)
		}
	case AggAvg:
		if n > 0 {
			return NumberValue(sum / float64(n))
		}
	case AggDistinct:
		return NumberValue(float64(len(distinct)))
	case AggMostFrequent:
		best, bestN := "", 0
		for k, c := range distinct {
			if c > bestN || c == bestN && k < best {
				best, bestN = k, c
			}
		}
		if bestN > 0 {
			return StringValue(best)
		}
	case AggFirst:
		if first >= 0 {
			return tps[first].field(t.Field)
		}
	case AggLast:
		if last >= 0 {
			return tps[last].field(t.Field)
		}
	case AggLastTime:
		if last >= 0 {
			return TimeValue(tps[last].Time)
		}
	}
	return Missing
}
