package journey

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// Model is an attribution model: how the credit of one conversion is shared
// among the touchpoints that led to it.
type Model int

// The attribution models.
const (
	// FirstTouch gives all credit to the first touchpoint.
	FirstTouch Model = iota
	// LastTouch gives all credit to the last touchpoint.
	LastTouch
	// Linear shares the credit equally.
	Linear
	// TimeDecay weighs each touchpoint by 2^(-age/HalfLife), age being the
	// time from the touchpoint to the conversion, normalised to sum to 1.
	TimeDecay
	// PositionBased (U-shaped) gives FirstWeight to the first, LastWeight
	// to the last and shares the rest equally among those in between; with
	// one touchpoint it gets everything, with two they share in proportion
	// to FirstWeight and LastWeight.
	PositionBased
)

var modelNames = [...]string{"first_touch", "last_touch", "linear", "time_decay", "position_based"}

// String returns the model's name, such as "time_decay".
func (m Model) String() string {
	if m >= 0 && int(m) < len(modelNames) {
		return modelNames[m]
	}
	return fmt.Sprintf("Model(%d)", int(m))
}

// ParseModel returns the model named s (as String writes it).
func ParseModel(s string) (Model, error) {
	for i, n := range modelNames {
		if n == s {
			return Model(i), nil
		}
	}
	return 0, fmt.Errorf("journey: unknown attribution model %q", s)
}

// Attribution credits conversions to touchpoints. The zero value credits
// purchases (the catalogue's conversion types) to channels, last touch,
// with an unlimited lookback.
//
// For each conversion of a customer, its touchpoints are the customer's
// non-conversion events strictly before it, after the customer's previous
// conversion and within Lookback; a conversion without touchpoints is
// counted as unattributed.
//
// Conversion values are credited per currency and amounts in different
// currencies are never added: a customer who paid ¥7,000 and $50.00 gives
// Credit.Value{"JPY": 7000, "USD": 5000}. To report in one currency, set
// Convert.
type Attribution struct {
	Model Model
	// Conversions are the conversion types; nil means the types marked
	// Conversion in Catalog.
	Conversions []Type
	// Catalog is consulted when Conversions is nil; nil is the standard one.
	Catalog *Catalog
	// Lookback bounds the age of a touchpoint; 0 means unlimited.
	Lookback time.Duration
	// HalfLife of TimeDecay; 0 means 7 days.
	HalfLife time.Duration
	// FirstWeight and LastWeight of PositionBased; both 0 means 0.4 each.
	FirstWeight, LastWeight float64
	// Key names what is credited; nil means the touchpoint's channel.
	Key func(e *Event) string
	// Convert, if set, converts the value of each conversion before it is
	// credited, typically into one reporting currency at the rate of the
	// conversion's time at, from rates the caller holds. A value it cannot
	// convert it returns unchanged: it is then credited under its own
	// currency, never added to another. It is called once per conversion
	// that is attributed and has a value. nil keeps every value in its own
	// currency.
	Convert func(v Money, at time.Time) Money
}

// Amounts are sums of money kept apart by currency: ISO 4217 code → amount
// in that currency's smallest unit (yen for JPY, cents for USD), fractional
// where a model shares a conversion. An amount whose event had no currency
// is kept under "". Amounts in different currencies are never added.
type Amounts map[string]float64

// Currencies returns the currencies of a, in ascending order.
func (a Amounts) Currencies() []string {
	return slices.Sorted(maps.Keys(a))
}

// String writes a as "JPY 7000 + USD 5000": by currency in ascending order,
// each amount rounded to the smallest unit; "0" when a is empty.
func (a Amounts) String() string {
	if len(a) == 0 {
		return "0"
	}
	var b strings.Builder
	for i, c := range a.Currencies() {
		if i > 0 {
			b.WriteString(" + ")
		}
		if c != "" {
			b.WriteString(c)
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.0f", a[c])
	}
	return b.String()
}

// Credit is the share of conversions and conversion value credited to one key.
type Credit struct {
	Key string
	// Conversions is the share of conversions credited, whatever their
	// currency.
	Conversions float64
	// Value is the credited share of the conversions' values, per currency
	// (after Attribution.Convert, if set); nil when none of the credited
	// conversions had a value.
	Value Amounts
}

// AttributionResult is the outcome of an attribution.
type AttributionResult struct {
	// Credits, by decreasing Conversions then Key.
	Credits []Credit
	// Conversions counts every conversion seen.
	Conversions int
	// Unattributed counts conversions without touchpoints.
	Unattributed int
}

// Run attributes the conversions of a stream of customers' timelines (each
// a slice of one customer's events, in any order).
func (a *Attribution) Run(ctx context.Context, timelines iter.Seq2[[]Event, error]) (*AttributionResult, error) {
	credits := map[string]*Credit{}
	res := &AttributionResult{}
	for tl, err := range timelines {
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a.add(tl, credits, res)
	}
	for _, c := range credits {
		res.Credits = append(res.Credits, *c)
	}
	slices.SortFunc(res.Credits, func(x, y Credit) int {
		if c := cmp.Compare(y.Conversions, x.Conversions); c != 0 {
			return c
		}
		return cmp.Compare(x.Key, y.Key)
	})
	return res, nil
}

// Attribute attributes the conversions of one customer's events.
func (a *Attribution) Attribute(events []Event) *AttributionResult {
	res, _ := a.Run(context.Background(), func(yield func([]Event, error) bool) { yield(events, nil) })
	return res
}

func (a *Attribution) isConversion(t Type) bool {
	if a.Conversions != nil {
		return slices.Contains(a.Conversions, t)
	}
	info, _ := a.Catalog.LookupType(t)
	return info.Conversion
}

func (a *Attribution) add(tl []Event, credits map[string]*Credit, res *AttributionResult) {
	evs := slices.Clone(tl)
	slices.SortStableFunc(evs, func(x, y Event) int { return x.Time.Compare(y.Time) })
	key := a.Key
	if key == nil {
		key = func(e *Event) string { return string(e.Channel) }
	}
	var touches []*Event
	for i := range evs {
		e := &evs[i]
		if !a.isConversion(e.Type) {
			touches = append(touches, e)
			continue
		}
		res.Conversions++
		// touchpoints strictly before e and within the lookback
		n := 0
		for _, t := range touches {
			if t.Time.Before(e.Time) && (a.Lookback == 0 || e.Time.Sub(t.Time) <= a.Lookback) {
				touches[n] = t
				n++
			}
		}
		var later []*Event // same-instant touches stay for the next conversion
		for _, t := range touches[n:] {
			if !t.Time.Before(e.Time) {
				later = append(later, t)
			}
		}
		ts := touches[:n]
		if len(ts) == 0 {
			res.Unattributed++
		} else {
			v := e.Value
			if a.Convert != nil && !v.IsZero() {
				v = a.Convert(v, e.Time)
			}
			w := a.weights(ts, e.Time)
			for j, t := range ts {
				if w[j] == 0 {
					continue
				}
				k := key(t)
				c := credits[k]
				if c == nil {
					c = &Credit{Key: k}
					credits[k] = c
				}
				c.Conversions += w[j]
				if v.Amount != 0 {
					if c.Value == nil {
						c.Value = Amounts{}
					}
					c.Value[v.Currency] += w[j] * float64(v.Amount)
				}
			}
		}
		touches = append(touches[:0], later...)
	}
}

// weights returns the share of each touchpoint (time-ordered) in one
// conversion at time at; they sum to 1.
func (a *Attribution) weights(ts []*Event, at time.Time) []float64 {
	n := len(ts)
	w := make([]float64, n)
	switch a.Model {
	case FirstTouch:
		w[0] = 1
	case LastTouch:
		w[n-1] = 1
	case Linear:
		for i := range w {
			w[i] = 1 / float64(n)
		}
	case TimeDecay:
		hl := a.HalfLife
		if hl <= 0 {
			hl = 7 * 24 * time.Hour
		}
		sum := 0.0
		for i, t := range ts {
			w[i] = math.Exp2(-float64(at.Sub(t.Time)) / float64(hl))
			sum += w[i]
		}
		if sum == 0 { // every touch infinitely old: fall back to linear
			for i := range w {
				w[i] = 1 / float64(n)
			}
			break
		}
		for i := range w {
			w[i] /= sum
		}
	case PositionBased:
		fw, lw := a.FirstWeight, a.LastWeight
		if fw == 0 && lw == 0 {
			fw, lw = 0.4, 0.4
		}
		switch n {
		case 1:
			w[0] = 1
		case 2:
			w[0], w[1] = fw/(fw+lw), lw/(fw+lw)
		default:
			w[0], w[n-1] = fw, lw
			mid := (1 - fw - lw) / float64(n-2)
			for i := 1; i < n-1; i++ {
				w[i] = mid
			}
		}
	default:
		w[n-1] = 1
	}
	return w
}

// Path is a sequence of touchpoint types and how often customers took it.
type Path struct {
	Types []Type
	Count int
}

// PathConfig configures TopPaths. The zero value is ready.
type PathConfig struct {
	// N is how many paths to return; 0 means 10.
	N int `json:"n,omitempty"`
	// MaxLen is the longest path kept, endpoints included; longer paths are
	// counted in PathResult.TooLong. 0 means 20.
	MaxLen int `json:"max_len,omitempty"`
	// CollapseRepeats merges consecutive events of the same type into one;
	// false (the default) keeps every event.
	CollapseRepeats bool `json:"collapse_repeats,omitempty"`
}

// PathResult is the outcome of TopPaths.
type PathResult struct {
	Paths []Path // by decreasing Count, then lexicographically
	// Total counts every path found from one touchpoint to the other.
	Total int
	// TooLong counts paths left out for exceeding MaxLen.
	TooLong int
}

// TopPaths finds the most common paths from a touchpoint of type from to
// the next touchpoint of type to, over a stream of customers' timelines
// (each one customer's events, in any order). A path starts at the last
// from event before the to event, so each to event ends at most one path.
func TopPaths(ctx context.Context, timelines iter.Seq2[[]Event, error], from, to Type, opt PathConfig) (*PathResult, error) {
	n := opt.N
	if n <= 0 {
		n = 10
	}
	maxLen := opt.MaxLen
	if maxLen <= 0 {
		maxLen = 20
	}
	counts := map[string]*Path{}
	res := &PathResult{}
	for tl, err := range timelines {
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		evs := slices.Clone(tl)
		slices.SortStableFunc(evs, func(x, y Event) int { return x.Time.Compare(y.Time) })
		var cur []Type
		open := false
		for i := range evs {
			t := evs[i].Type
			if open && (t == to || !opt.CollapseRepeats || cur[len(cur)-1] != t) {
				cur = append(cur, t)
			}
			if open && t == to {
				res.Total++
				if len(cur) > maxLen {
					res.TooLong++
				} else {
					k := fmt.Sprint(cur)
					p := counts[k]
					if p == nil {
						p = &Path{Types: slices.Clone(cur)}
						counts[k] = p
					}
					p.Count++
				}
				open = false
				cur = cur[:0]
			}
			if t == from && !open {
				open = true
				cur = append(cur[:0], t)
			} else if t == from {
				cur = append(cur[:0], t) // restart at the latest from
			}
		}
	}
	for _, p := range counts {
		res.Paths = append(res.Paths, *p)
	}
	slices.SortFunc(res.Paths, func(x, y Path) int {
		if c := cmp.Compare(y.Count, x.Count); c != 0 {
			return c
		}
		return slices.Compare(x.Types, y.Types)
	})
	if len(res.Paths) > n {
		res.Paths = res.Paths[:n]
	}
	return res, nil
}

// Timelines streams every customer's events in s with from <= Time < to,
// one slice per customer in ascending customer order: the input of
// Attribution.Run and TopPaths.
func Timelines(ctx context.Context, s EventStore, from, to time.Time) iter.Seq2[[]Event, error] {
	return func(yield func([]Event, error) bool) {
		for id, err := range s.Customers(ctx) {
			if err != nil {
				yield(nil, err)
				return
			}
			tl, err := Timeline(ctx, s, id, from, to)
			if err != nil {
				yield(nil, err)
				return
			}
			if len(tl) > 0 && !yield(tl, nil) {
				return
			}
		}
	}
}

// MarshalText writes the model's name.
func (m Model) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads a model's name, as ParseModel.
func (m *Model) UnmarshalText(b []byte) error {
	v, err := ParseModel(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
