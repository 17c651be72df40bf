package segment

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

// Touchpoint is what computed traits read from one touchpoint of a customer.
// Set.FromEvent (or FromEvent, for yen) converts a journey event.
//
// Value aggregates (sum, avg, min, max, first, last … of value) read Value
// wherever HasValue is set and never look at Currency, so that evaluation
// stays a loop over numbers: HasValue must be set only when Value is in the
// currency of the Set that evaluates it. Set.FromEvent guarantees that,
// converting or leaving out values in other currencies as the touchpoint
// is built; touchpoints built by hand must do the same.
type Touchpoint struct {
	Type    string
	Channel string
	Time    time.Time
	// Value is the monetary value in Currency's smallest unit (yen for
	// JPY, cents for USD); value aggregates read it when HasValue.
	Value float64
	// HasValue reports that Value is in the set's currency and counts for
	// value aggregates. A touchpoint without a value, or whose value is in
	// another currency that was not converted, has it false.
	HasValue bool
	// Currency is the ISO 4217 code of Value, "" when unknown (a value
	// built by hand without it is taken to be in the set's currency). It
	// can be read as the field "currency" (most_frequent(currency)).
	Currency string
	Attrs    map[string]string
}

// field returns the named field of a touchpoint.
func (tp *Touchpoint) field(name string) val {
	switch name {
	case "value":
		if tp.HasValue {
			return numberVal(tp.Value)
		}
		return missingVal
	case "type":
		return stringVal(tp.Type)
	case "channel":
		return stringVal(tp.Channel)
	case "time":
		return timeVal(tp.Time)
	case "currency":
		if tp.Currency != "" {
			return stringVal(tp.Currency)
		}
		return missingVal
	}
	name = strings.TrimPrefix(name, "attributes.")
	if v, ok := tp.Attrs[name]; ok {
		return stringVal(v)
	}
	return missingVal
}

// Attributes gives the value of a profile field or custom attribute by its
// path (stage, consent.email.marketing, attributes.tier), as the one value
// type of the SDK, customer.Value. A path it does not know is the zero
// (missing) Value. Integers and floats compare as numbers; a string compares
// as a number, time or bool when the other side is one and it parses.
type Attributes interface {
	Attr(path string) customer.Value
}

// AttrMap is Attributes backed by a map, handy for tests and tables.
type AttrMap map[string]customer.Value

// Attr implements Attributes.
func (m AttrMap) Attr(path string) customer.Value { return m[path] }

// attrOf reads a path of attrs as an operand value; ProfileAttrs is read
// without the round trip through customer.Value.
func attrOf(attrs Attributes, path string) val {
	switch a := attrs.(type) {
	case nil:
		return missingVal
	case ProfileAttrs:
		return a.attr(path)
	case *ProfileAttrs:
		return a.attr(path)
	}
	v := attrs.Attr(path)
	return fromCustomerValue(&v)
}

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
	memo   []uint8      // per segment index: memoUnknown, memoFalse, memoTrue, memoActive
	cache  []traitValue // per trait slot, when not nil: traits computed in this evaluation
	gen    uint32       // with cache: this evaluation's number; entries of other numbers are stale
	nowN   int64        // with cache: now in Unix nanoseconds, when nowOK
	nowOK  bool         // now fits Unix nanoseconds (years 1678–2261)
	kept   []series     // with cache: series Live keeps for the subject (read-only but for hi)
	series []series     // with cache: per-type series built in this evaluation
	err    error
}

// reset readies c for one evaluation of subj at now over set, with the
// series kept for the subject (nil for none): segment memos are cleared and
// cached traits of earlier evaluations made stale by a new number, so the
// cache needs clearing only when the number wraps.
func (c *evalCtx) reset(set *Set, subj *Subject, now time.Time, kept []series) {
	if n := len(set.order); len(c.memo) < n {
		c.memo = make([]uint8, n)
	}
	clear(c.memo)
	if n := len(set.slots); len(c.cache) < n {
		c.cache = make([]traitValue, n)
	}
	if c.gen++; c.gen == 0 {
		clear(c.cache)
		c.gen = 1
	}
	c.s, c.now, c.set, c.err = subj, now, set, nil
	c.nowN, c.nowOK, c.series, c.kept = now.UnixNano(), fitsNanos(now), c.series[:0], kept
}

// traitValue is a cached trait result. Numeric traits keep their number
// unboxed for the compare fast path and box it only when asked (hasV).
type traitValue struct {
	gen   uint32 // the evaluation that computed it
	hasV  bool
	numOK bool
	num   float64
	v     val
}

// Unix nanoseconds hold the times of years 1678 to 2261 exactly.
var (
	exactFrom  = time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
	exactUntil = time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
)

func fitsNanos(t time.Time) bool { return !t.Before(exactFrom) && t.Before(exactUntil) }

// trait computes t (in cache slot slot, or -1 for none) for the subject.
func (c *evalCtx) trait(t Trait, slot int) val {
	if slot < 0 || c.cache == nil {
		return t.computeVal(c.s.Touchpoints, c.now)
	}
	tv := c.cached(&t, slot)
	if !tv.hasV {
		tv.v, tv.hasV = missingVal, true
		if tv.numOK {
			tv.v = numberVal(tv.num)
		}
	}
	return tv.v
}

// cached returns the cache entry of a trait, computing it on first use in
// this evaluation.
func (c *evalCtx) cached(t *Trait, slot int) *traitValue {
	if slot >= len(c.cache) {
		c.cache = append(c.cache, make([]traitValue, slot+1-len(c.cache))...)
	}
	tv := &c.cache[slot]
	if tv.gen != c.gen {
		tv.gen = c.gen
		if t.indexed() {
			tv.num, tv.numOK = c.indexed(t)
			tv.hasV = false
		} else {
			tv.v, tv.hasV = t.computeVal(c.s.Touchpoints, c.now), true
			tv.num, tv.numOK = tv.v.Num()
		}
	}
	return tv
}

// series is one touchpoint type's times and values, in time order, built
// once per evaluation when several traits read the same type: a windowed
// count is then two binary searches, and a windowed sum a loop over that
// type's touchpoints only.
type series struct {
	typ    string
	nanos  []int64   // times as Unix nanoseconds, ascending
	values []float64 // NaN where the touchpoint has no value
	hi     int       // touchpoints at or before the evaluation time: nanos[:hi]
	exact  bool      // every time fits Unix nanoseconds (years 1678–2262)
}

// seriesFor returns the series of a type ("" for every type), building it
// on first use within this evaluation.
func (c *evalCtx) seriesFor(typ string) *series {
	for i := range c.kept {
		if c.kept[i].typ == typ {
			return &c.kept[i]
		}
	}
	for i := range c.series {
		if c.series[i].typ == typ {
			return &c.series[i]
		}
	}
	var s series
	if n := len(c.series); n < cap(c.series) {
		s = c.series[:n+1][n] // reuse the buffers of an earlier evaluation
	}
	s.build(typ, c.s.Touchpoints)
	s.setHi(c.nowN)
	c.series = append(c.series, s)
	return &c.series[len(c.series)-1]
}

// build fills s with the touchpoints of type typ ("" for every type),
// reusing its buffers.
func (s *series) build(typ string, tps []Touchpoint) {
	s.typ, s.nanos, s.values, s.exact = typ, s.nanos[:0], s.values[:0], true
	for i := range tps {
		s.add(&tps[i])
	}
}

// add appends a touchpoint (the latest so far) if it is of s's type.
func (s *series) add(tp *Touchpoint) {
	if s.typ != "" && tp.Type != s.typ {
		return
	}
	if !fitsNanos(tp.Time) {
		s.exact = false
	}
	v := math.NaN()
	if tp.HasValue {
		v = tp.Value
	}
	s.nanos = append(s.nanos, tp.Time.UnixNano())
	s.values = append(s.values, v)
}

// setHi sets hi to the number of touchpoints at or before now (Unix
// nanoseconds).
func (s *series) setHi(now int64) {
	n := len(s.nanos)
	if n == 0 || s.nanos[n-1] <= now {
		s.hi = n
		return
	}
	s.hi = firstAfter(s.nanos[:n], now)
}

// firstAfter returns the index of the first time after t in ascending
// times, len(times) when there is none.
func firstAfter(times []int64, t int64) int {
	l, h := 0, len(times)
	for l < h {
		m := int(uint(l+h) >> 1)
		if times[m] > t {
			h = m
		} else {
			l = m + 1
		}
	}
	return l
}

// indexed computes count, sum(value) or avg(value) through seriesFor. It
// gives exactly what Compute gives: the same touchpoints, summed in the
// same order. Times outside what Unix nanoseconds hold take Compute's path.
func (c *evalCtx) indexed(t *Trait) (float64, bool) {
	s := c.seriesFor(t.Type)
	if !s.exact || !c.nowOK {
		from, to := window(c.s.Touchpoints, c.now, t.Window)
		return t.computeNum(c.s.Touchpoints, from, to)
	}
	hi, lo := s.hi, 0
	if t.Window > 0 {
		start := int64(math.MinInt64) // a window reaching before every time
		if w := int64(t.Window); c.nowN >= math.MinInt64+w {
			start = c.nowN - w
		}
		lo = firstAfter(s.nanos[:hi], start)
	}
	if t.Agg == AggCount {
		return float64(hi - lo), true
	}
	n, sum := 0, 0.0
	for _, v := range s.values[lo:hi] {
		if !math.IsNaN(v) {
			n++
			sum += v
		}
	}
	switch {
	case t.Agg == AggSum:
		return sum, true
	case n == 0:
		return 0, false
	}
	return sum / float64(n), true
}

type boolFn func(*evalCtx) bool
type valueFn func(*evalCtx) val

// compile turns an expression into a closure. Named traits are resolved
// through set (which may be nil).
func compile(e Expr, set *Set) (boolFn, error) {
	switch e := e.(type) {
	case *Logical:
		if e.Op == And {
			// a conjunction of numeric compares, the common live segment,
			// runs as one loop without a closure per term
			ns := make([]numCompare, 0, len(e.Terms))
			for _, t := range e.Terms {
				if c, ok := t.(*Compare); ok {
					if n := compileNumericCompare(c, set); n != nil {
						ns = append(ns, *n)
						continue
					}
				}
				break
			}
			if len(ns) == len(e.Terms) {
				return func(c *evalCtx) bool {
					for i := range ns {
						if !ns[i].eval(c) {
							return false
						}
					}
					return true
				}, nil
			}
		}
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
		if n := compileNumericCompare(e, set); n != nil {
			return n.eval, nil
		}
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
			case valString:
				return strings.Contains(v.str, s.String())
			case valList:
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
			if v.kind == valString {
				v = coerce(v, boolVal(true))
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
		v := numberVal(o.V)
		return func(*evalCtx) val { return v }, nil
	case *String:
		v := stringVal(o.V)
		return func(*evalCtx) val { return v }, nil
	case *Bool:
		v := boolVal(o.V)
		return func(*evalCtx) val { return v }, nil
	case *Duration:
		v := val{kind: valDuration, num: float64(o.D)}
		return func(*evalCtx) val { return v }, nil
	case *Now:
		off := o.Offset
		return func(c *evalCtx) val { return timeVal(c.now.Add(off)) }, nil
	case *Path:
		name := o.Name()
		if set != nil {
			if t, ok := set.traits[name]; ok {
				slot := set.slotFor(t)
				return func(c *evalCtx) val { return c.trait(t, slot) }, nil
			}
		}
		return func(c *evalCtx) val { return attrOf(c.s.Attrs, name) }, nil
	case *Call:
		t, err := resolveCall(o)
		if err != nil {
			return nil, fmt.Errorf("segment: %w", err)
		}
		slot := set.slotFor(t)
		return func(c *evalCtx) val { return c.trait(t, slot) }, nil
	case nil:
		return nil, errors.New("segment: nil operand")
	}
	return nil, fmt.Errorf("segment: unknown operand node %T", o)
}

// Memo states of a segment within one evaluation.
const (
	memoUnknown uint8 = iota
	memoFalse
	memoTrue
	memoActive // being evaluated: meeting it again is a cycle
)

// ref evaluates a referenced segment once per evaluation.
func (c *evalCtx) ref(name string) bool {
	var seg *Segment
	if c.set != nil {
		seg = c.set.segments[name]
	}
	if seg == nil {
		c.fail(fmt.Errorf("%w: %q", ErrUnknownSegment, name))
		return false
	}
	return c.eval(seg)
}

// eval evaluates seg, memoised for the rest of this evaluation.
func (c *evalCtx) eval(seg *Segment) bool {
	if len(c.memo) < len(c.set.order) {
		c.memo = append(c.memo, make([]uint8, len(c.set.order)-len(c.memo))...)
	}
	switch c.memo[seg.idx] {
	case memoTrue:
		return true
	case memoFalse:
		return false
	case memoActive:
		c.fail(fmt.Errorf("%w through %q", ErrCycle, seg.Name))
		return false
	}
	c.memo[seg.idx] = memoActive
	v := seg.fn(c)
	c.memo[seg.idx] = memoFalse
	if v {
		c.memo[seg.idx] = memoTrue
	}
	return v
}

func (c *evalCtx) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// Compute evaluates the trait over touchpoints (in time order) at time now.
// Touchpoints after now are not counted. The result is the zero (missing)
// customer.Value when no touchpoint qualifies, except for count and
// distinct, which give 0. Numbers are float Values.
func (t Trait) Compute(tps []Touchpoint, now time.Time) customer.Value {
	return toCustomerValue(t.computeVal(tps, now))
}

func (t Trait) computeVal(tps []Touchpoint, now time.Time) val {
	from, to := window(tps, now, t.Window)
	if t.numeric() {
		if f, ok := t.computeNum(tps, from, to); ok {
			return numberVal(f)
		}
		return missingVal
	}
	return t.compute(tps, from, to)
}

// indexed reports whether the trait is computed from a per-type series:
// count, sum(value) or avg(value).
func (t Trait) indexed() bool {
	return t.Agg == AggCount || t.Field == "value" && (t.Agg == AggSum || t.Agg == AggAvg)
}

// numeric reports whether the trait has the fast numeric path: count, or
// sum/avg/min/max of value.
func (t Trait) numeric() bool {
	return t.Agg == AggCount || t.Field == "value" && (t.Agg == AggSum || t.Agg == AggAvg || t.Agg == AggMin || t.Agg == AggMax)
}

// computeNum computes a numeric trait over tps[from:to] without boxing.
func (t Trait) computeNum(tps []Touchpoint, from, to int) (float64, bool) {
	n, acc := 0, 0.0
	switch t.Agg {
	case AggCount:
		for i := from; i < to; i++ {
			if t.Type == "" || tps[i].Type == t.Type {
				n++
			}
		}
		return float64(n), true
	case AggMin:
		acc = math.Inf(1)
	case AggMax:
		acc = math.Inf(-1)
	}
	for i := from; i < to; i++ {
		tp := &tps[i]
		if !tp.HasValue || t.Type != "" && tp.Type != t.Type {
			continue
		}
		n++
		switch t.Agg {
		case AggSum, AggAvg:
			acc += tp.Value
		case AggMin:
			if tp.Value < acc {
				acc = tp.Value
			}
		case AggMax:
			if tp.Value > acc {
				acc = tp.Value
			}
		}
	}
	switch {
	case t.Agg == AggSum:
		return acc, true
	case n == 0:
		return 0, false
	case t.Agg == AggAvg:
		return acc / float64(n), true
	}
	return acc, true
}

// window returns the index range [from, to) of touchpoints (in time order)
// with now-w < time <= now; w = 0 means no lower bound. Short histories are
// scanned from the end, long ones searched.
func window(tps []Touchpoint, now time.Time, w time.Duration) (from, to int) {
	start := now.Add(-w)
	if len(tps) <= 16 {
		to = len(tps)
		for to > 0 && tps[to-1].Time.After(now) {
			to--
		}
		if w <= 0 {
			return 0, to
		}
		from = to
		for from > 0 && tps[from-1].Time.After(start) {
			from--
		}
		return from, to
	}
	to = sort.Search(len(tps), func(i int) bool { return tps[i].Time.After(now) })
	if w > 0 {
		from = sort.Search(to, func(i int) bool { return tps[i].Time.After(start) })
	}
	return from, to
}

// compute is the general aggregate over tps[from:to].
func (t Trait) compute(tps []Touchpoint, from, to int) val {
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
				return timeVal(tp.Time)
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
			v = coerce(v, numberVal(0))
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
		return numberVal(float64(n))
	case AggSum:
		return numberVal(sum)
	case AggMin:
		if n > 0 {
			return numberVal(lo)
		}
	case AggMax:
		if n > 0 {
			return numberVal(hi)
		}
	case AggAvg:
		if n > 0 {
			return numberVal(sum / float64(n))
		}
	case AggDistinct:
		return numberVal(float64(len(distinct)))
	case AggMostFrequent:
		best, bestN := "", 0
		for k, c := range distinct {
			if c > bestN || c == bestN && k < best {
				best, bestN = k, c
			}
		}
		if bestN > 0 {
			return stringVal(best)
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
			return timeVal(tps[last].Time)
		}
	}
	return missingVal
}

// numCompare is "numeric trait OP number", the most common condition in
// live segments, evaluated without boxing values.
type numCompare struct {
	t    Trait
	slot int // cache slot, or -1
	op   CompareOp
	k    float64
}

// compileNumericCompare specialises "numeric trait OP number". It returns
// nil when e is not of that shape.
func compileNumericCompare(e *Compare, set *Set) *numCompare {
	lit, ok := e.Right.(*Number)
	if !ok {
		return nil
	}
	var t Trait
	switch l := e.Left.(type) {
	case *Call:
		var err error
		if t, err = resolveCall(l); err != nil {
			return nil
		}
	case *Path:
		if set == nil {
			return nil
		}
		if t, ok = set.traits[l.Name()]; !ok {
			return nil
		}
	default:
		return nil
	}
	if !t.numeric() || math.IsNaN(lit.V) {
		return nil
	}
	return &numCompare{t: t, slot: set.slotFor(t), op: e.Op, k: lit.V}
}

func (n *numCompare) eval(c *evalCtx) bool {
	var v float64
	var ok bool
	if n.slot >= 0 && c.cache != nil {
		tv := c.cached(&n.t, n.slot)
		v, ok = tv.num, tv.numOK
	} else {
		from, to := window(c.s.Touchpoints, c.now, n.t.Window)
		v, ok = n.t.computeNum(c.s.Touchpoints, from, to)
	}
	if !ok {
		return false
	}
	switch n.op {
	case Eq:
		return v == n.k
	case Ne:
		return v != n.k
	case Lt:
		return v < n.k
	case Le:
		return v <= n.k
	case Gt:
		return v > n.k
	case Ge:
		return v >= n.k
	}
	return false
}

// FromEvent converts a journey event for computed traits of a set whose
// Currency is JPY and that converts nothing: the value is the event's amount
// in yen when it is in JPY; an amount in another currency is kept in Value
// and Currency but left out of value aggregates (HasValue false). It is
// (*Set).FromEvent of a zero Set; use a set's FromEvent for another
// currency or to convert.
func FromEvent(e *journey.Event) Touchpoint {
	return touchpointIn(e, journey.DefaultCurrency, nil)
}

// touchpointIn converts e with its value brought into currency by convert
// (nil: none).
func touchpointIn(e *journey.Event, currency string, convert func(journey.Money, time.Time) journey.Money) Touchpoint {
	tp := Touchpoint{Type: string(e.Type), Channel: string(e.Channel), Time: e.Time, Attrs: e.Attributes}
	v := e.Value
	if v.IsZero() {
		return tp
	}
	if v.Currency != currency && convert != nil {
		if c := convert(v, e.Time); c.Currency == currency {
			v = c
		}
	}
	tp.Value, tp.Currency, tp.HasValue = float64(v.Amount), v.Currency, v.Currency == currency
	return tp
}
