package segment

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"time"

	"github.com/c360/c360/journey"
)

// Errors of segment definitions and evaluation.
var (
	ErrUnknownSegment = errors.New("segment: unknown segment")
	ErrCycle          = errors.New("segment: segment references form a cycle")
	ErrDuplicate      = errors.New("segment: name already defined")
	ErrEmptyName      = errors.New("segment: empty name")
)

// Segment is a compiled, named segment definition.
type Segment struct {
	Name string
	Expr Expr
	fn   boolFn
	deps deps
	idx  int // position in the set's definition order
}

// deps records what a segment's result depends on, so that live membership
// re-evaluates only what a change can affect.
type deps struct {
	events bool     // reads touchpoints (calls or named traits)
	clock  bool     // reads now (now, windows, or a referenced segment that does)
	refs   []string // segments referenced directly
	types  []string // touchpoint types named by calls, in order, once each
}

// TouchpointTypes returns the touchpoint types the segment's own calls name
// (count(online_purchase, 90d) names online_purchase), in order of first
// mention: a caller checks them against the types it knows, so that a
// misspelt type is an error rather than an empty segment.
func (g *Segment) TouchpointTypes() []string { return slices.Clone(g.deps.types) }

// Set holds named segments and computed traits that may refer to each other.
// Define every trait before the segments that use it. A Set is safe for
// concurrent evaluation once it is no longer being changed; Define and
// DefineTrait must not run concurrently with anything else.
//
// Money in a set's expressions is in one currency, Currency: with "JPY",
// sum(value, 365d) > 50000 means ¥50,000. Value aggregates never add
// amounts of different currencies: FromEvent brings each touchpoint's value
// into Currency as the touchpoint is built, through Convert, or leaves it
// out of value aggregates. Set both fields before building touchpoints.
type Set struct {
	// Currency is the ISO 4217 code (upper case) of the monetary values
	// the set's aggregates read; "" means journey.DefaultCurrency ("JPY").
	Currency string
	// Convert, if set, converts a value in another currency into Currency
	// when FromEvent builds a touchpoint, typically at the rate of the
	// touchpoint's time at, from rates the caller holds (the shape of
	// journey.Attribution.Convert). A value it cannot convert it returns
	// unchanged. It must not block and must be safe for concurrent use if
	// FromEvent is called concurrently. nil converts nothing: values in
	// other currencies are left out of value aggregates (count and other
	// aggregates still see the touchpoint).
	Convert func(v journey.Money, at time.Time) journey.Money

	segments map[string]*Segment
	traits   map[string]Trait
	order    []string
	slots    map[Trait]int // each distinct trait used by a segment, for caching within an evaluation
	defining bool          // Define is compiling: slotFor may assign slots
}

// NewSet returns an empty set.
func NewSet() *Set {
	return &Set{segments: map[string]*Segment{}, traits: map[string]Trait{}, slots: map[Trait]int{}}
}

func (s *Set) init() {
	if s.segments == nil {
		s.segments, s.traits = map[string]*Segment{}, map[string]Trait{}
	}
	if s.slots == nil {
		s.slots = map[Trait]int{}
	}
}

// slotFor returns the cache slot of trait t: while a segment is being
// defined it assigns one on first use; otherwise (Match compiling an
// expression, possibly concurrently) it only reads, and -1 means none.
func (s *Set) slotFor(t Trait) int {
	if s == nil {
		return -1
	}
	if i, ok := s.slots[t]; ok {
		return i
	}
	if !s.defining {
		return -1
	}
	i := len(s.slots)
	s.slots[t] = i
	return i
}

// FromEvent converts a journey event for the set's computed traits,
// bringing its value into the set's currency once, as it enters, so that
// evaluation (full or live) stays a loop over numbers of one currency:
//
//   - a value in Currency is kept (HasValue);
//   - a value in another currency is converted by Convert; the touchpoint
//     then holds the converted value, in Currency (HasValue);
//   - a value Convert leaves in another currency, or any when Convert is
//     nil, keeps its amount and currency in Value and Currency but is left
//     out of value aggregates (HasValue false);
//   - an event without a value gives a touchpoint without one.
//
// A nil *Set converts as the zero Set (JPY, no conversion), like the
// package function FromEvent. The touchpoint shares e's attribute map.
func (s *Set) FromEvent(e *journey.Event) Touchpoint {
	if s == nil {
		return FromEvent(e)
	}
	currency := s.Currency
	if currency == "" {
		currency = journey.DefaultCurrency
	}
	return touchpointIn(e, currency, s.Convert)
}

// DefineTrait names a computed trait, so that expressions can use it as a
// path: DefineTrait("last_purchase_at", Trait{Agg: AggLastTime, Type: "online_purchase"})
// lets a segment say last_purchase_at > now - 90d.
func (s *Set) DefineTrait(name string, t Trait) error {
	s.init()
	if name == "" {
		return ErrEmptyName
	}
	if _, dup := s.traits[name]; dup {
		return fmt.Errorf("%w: trait %q", ErrDuplicate, name)
	}
	if _, err := resolveCall(&Call{Func: t.Agg.String(), Args: traitArgs(t)}); err != nil {
		return fmt.Errorf("segment: trait %q: %w", name, err)
	}
	s.traits[name] = t
	return nil
}

func traitArgs(t Trait) []Operand {
	var args []Operand
	if t.Agg.takesField() {
		args = append(args, &String{V: t.Field})
	}
	if t.Type != "" {
		args = append(args, &String{V: t.Type})
	}
	if t.Window > 0 {
		args = append(args, &Duration{D: t.Window})
	}
	return args
}

// Define compiles and adds a named segment. References to segments not yet
// defined are allowed; a definition that would close a cycle of references
// is rejected with ErrCycle.
func (s *Set) Define(name string, e Expr) (*Segment, error) {
	s.init()
	if name == "" {
		return nil, ErrEmptyName
	}
	if _, dup := s.segments[name]; dup {
		return nil, fmt.Errorf("%w: segment %q", ErrDuplicate, name)
	}
	s.defining = true
	fn, err := compile(e, s)
	s.defining = false
	if err != nil {
		return nil, fmt.Errorf("segment %q: %w", name, err)
	}
	seg := &Segment{Name: name, Expr: e, fn: fn, deps: s.analyse(e), idx: len(s.order)}
	if path := s.cycleThrough(name, seg.deps.refs); path != nil {
		return nil, fmt.Errorf("%w: %v", ErrCycle, path)
	}
	s.segments[name] = seg
	s.order = append(s.order, name)
	return seg, nil
}

// DefineText parses and defines a segment.
func (s *Set) DefineText(name, src string) (*Segment, error) {
	e, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return s.Define(name, e)
}

// cycleThrough returns the reference path from name back to name, if adding
// name with the given references would make one.
func (s *Set) cycleThrough(name string, refs []string) []string {
	var visit func(n string, path []string, seen map[string]bool) []string
	visit = func(n string, path []string, seen map[string]bool) []string {
		if n == name {
			return append(path, n)
		}
		if seen[n] {
			return nil
		}
		seen[n] = true
		if seg, ok := s.segments[n]; ok {
			for _, r := range seg.deps.refs {
				if p := visit(r, append(path, n), seen); p != nil {
					return p
				}
			}
		}
		return nil
	}
	seen := map[string]bool{}
	for _, r := range refs {
		if p := visit(r, []string{name}, seen); p != nil {
			return p
		}
	}
	return nil
}

// analyse finds what e depends on.
func (s *Set) analyse(e Expr) deps {
	var d deps
	op := func(o Operand) {
		switch o := o.(type) {
		case *Now:
			d.clock = true
		case *Call:
			d.events, d.clock = true, true
			if t, err := resolveCall(o); err == nil && t.Type != "" && !slices.Contains(d.types, t.Type) {
				d.types = append(d.types, t.Type)
			}
		case *Path:
			if _, ok := s.traits[o.Name()]; ok {
				d.events, d.clock = true, true
			}
		}
	}
	var walk func(e Expr)
	walk = func(e Expr) {
		switch e := e.(type) {
		case *Logical:
			for _, t := range e.Terms {
				walk(t)
			}
		case *Not:
			walk(e.X)
		case *Compare:
			op(e.Left)
			op(e.Right)
		case *In:
			op(e.X)
			for _, o := range e.List {
				op(o)
			}
		case *Between:
			op(e.X)
			op(e.Lo)
			op(e.Hi)
		case *Contains:
			op(e.X)
			op(e.Sub)
		case *Exists:
			op(e.X)
		case *Truth:
			op(e.X)
		case *SegmentRef:
			d.refs = append(d.refs, e.Name)
		}
	}
	walk(e)
	return d
}

// transitive returns the deps of name including those of referenced segments.
func (s *Set) transitive(name string) deps {
	var out deps
	seen := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		seg, ok := s.segments[n]
		if !ok {
			return
		}
		out.events = out.events || seg.deps.events
		out.clock = out.clock || seg.deps.clock
		for _, r := range seg.deps.refs {
			visit(r)
		}
	}
	visit(name)
	return out
}

// Segment returns a defined segment.
func (s *Set) Segment(name string) (*Segment, bool) {
	seg, ok := s.segments[name]
	return seg, ok
}

// Names returns the segment names in definition order.
func (s *Set) Names() []string { return append([]string(nil), s.order...) }

// Evaluate reports whether subj is a member of the named segment at time now.
// It fails with ErrUnknownSegment when the segment, or one it references, is
// not defined.
func (s *Set) Evaluate(name string, subj *Subject, now time.Time) (bool, error) {
	seg, ok := s.segments[name]
	if !ok {
		return false, fmt.Errorf("%w: %q", ErrUnknownSegment, name)
	}
	c := evalCtx{s: subj, now: now, set: s}
	if len(seg.deps.refs) == 0 {
		return seg.fn(&c), c.err
	}
	v := c.eval(seg)
	return v, c.err
}

// Match evaluates an unnamed expression against one subject. References to
// segments are resolved in set, which may be nil when there are none.
func Match(e Expr, set *Set, subj *Subject, now time.Time) (bool, error) {
	fn, err := compile(e, set)
	if err != nil {
		return false, err
	}
	c := evalCtx{s: subj, now: now, set: set}
	v := fn(&c)
	return v, c.err
}

// Members streams the IDs of the subjects that belong to the named segment.
// It stops at the first error, which it yields once, and honours ctx between
// subjects.
func (s *Set) Members(ctx context.Context, name string, subjects iter.Seq2[*Subject, error], now time.Time) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for subj, err := range subjects {
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				yield("", err)
				return
			}
			in, err := s.Evaluate(name, subj, now)
			if err != nil {
				yield("", fmt.Errorf("subject %q: %w", subj.ID, err))
				return
			}
			if in && !yield(subj.ID, nil) {
				return
			}
		}
	}
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
