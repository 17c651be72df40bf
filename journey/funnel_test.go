package journey

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

func evAt(id string, cust customer.ID, typ Type, minutes int) Event {
	return Event{ID: id, CustomerID: cust, Type: typ, Channel: customer.ChannelWeb, Time: at(minutes)}
}

func seqOf(evs []Event) func(func(Event, error) bool) {
	return func(yield func(Event, error) bool) {
		for _, e := range evs {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// counts returns the Customers of each step.
func counts(r *FunnelResult) []int {
	out := make([]int, len(r.Steps))
	for i, s := range r.Steps {
		out[i] = s.Customers
	}
	return out
}

func TestFunnelSemantics(t *testing.T) {
	const (
		A = TypeAdClick
		B = TypeWebVisit
		C = TypeOnlinePurchase
	)
	tests := []struct {
		name   string
		steps  []Type
		window time.Duration
		events []Event
		want   []int
	}{
		{"in order", []Type{A, B, C}, 0,
			[]Event{evAt("1", "x", A, 0), evAt("2", "x", B, 1), evAt("3", "x", C, 2)}, []int{1, 1, 1}},
		{"given out of order", []Type{A, B, C}, 0,
			[]Event{evAt("3", "x", C, 2), evAt("1", "x", A, 0), evAt("2", "x", B, 1)}, []int{1, 1, 1}},
		{"wrong order does not count", []Type{A, B, C}, 0,
			[]Event{evAt("1", "x", B, 0), evAt("2", "x", A, 1), evAt("3", "x", C, 2)}, []int{1, 0, 0}},
		{"same instant is not later", []Type{A, B}, 0,
			[]Event{evAt("1", "x", A, 5), evAt("2", "x", B, 5)}, []int{1, 0}},
		{"other events in between do not matter", []Type{A, B}, 0,
			[]Event{evAt("1", "x", A, 0), evAt("2", "x", C, 1), evAt("3", "x", TypeChat, 2), evAt("4", "x", B, 3)}, []int{1, 1}},
		{"repeated events count once per customer", []Type{A, B}, 0,
			[]Event{evAt("1", "x", A, 0), evAt("2", "x", A, 1), evAt("3", "x", B, 2), evAt("4", "x", B, 3)}, []int{1, 1}},
		{"window edge is inclusive", []Type{A, B}, 10 * time.Minute,
			[]Event{evAt("1", "x", A, 0), evAt("2", "x", B, 10)}, []int{1, 1}},
		{"one nanosecond past the window", []Type{A, B}, 10 * time.Minute,
			[]Event{evAt("1", "x", A, 0), {ID: "2", CustomerID: "x", Type: B, Time: at(10).Add(time.Nanosecond)}}, []int{1, 0}},
		{"window measured from step 1 to the last step", []Type{A, B, C}, 10 * time.Minute,
			[]Event{evAt("1", "x", A, 0), evAt("2", "x", B, 5), evAt("3", "x", C, 11)}, []int{1, 1, 0}},
		{"a later start reaches further", []Type{A, B, C}, 10 * time.Minute,
			[]Event{evAt("1", "x", A, 0), evAt("2", "x", B, 5), evAt("3", "x", A, 20), evAt("4", "x", B, 21), evAt("5", "x", C, 25)}, []int{1, 1, 1}},
		{"best chain is not the earliest step 2", []Type{A, B, C}, 10 * time.Minute,
			// start at 0 reaches B at 2 but C at 30 is out; start at 25 reaches B at 26, C at 30
			[]Event{evAt("1", "x", A, 0), evAt("2", "x", B, 2), evAt("3", "x", A, 25), evAt("4", "x", B, 26), evAt("5", "x", C, 30)}, []int{1, 1, 1}},
		{"repeated step type", []Type{B, B, C}, 0,
			[]Event{evAt("1", "x", B, 0), evAt("2", "x", B, 1), evAt("3", "x", C, 2)}, []int{1, 1, 1}},
		{"repeated step type needs two events", []Type{B, B}, 0,
			[]Event{evAt("1", "x", B, 0)}, []int{1, 0}},
		{"repeated step type at one instant", []Type{B, B}, 0,
			[]Event{evAt("1", "x", B, 0), evAt("2", "x", B, 0)}, []int{1, 0}},
		{"customers counted separately", []Type{A, B}, 0,
			[]Event{evAt("1", "x", A, 0), evAt("2", "y", B, 1), evAt("3", "y", A, 2), evAt("4", "z", A, 0), evAt("5", "z", B, 1)}, []int{3, 1}},
		{"no step 1", []Type{A, B}, 0,
			[]Event{evAt("1", "x", B, 0)}, []int{0, 0}},
		{"anonymous events are skipped", []Type{A}, 0,
			[]Event{{ID: "1", AnonymousID: "a", Type: A, Time: at(0)}}, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Funnel{Steps: tt.steps, Window: tt.window}
			r, err := f.Run(t.Context(), seqOf(tt.events))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, counts(r)); diff != "" {
				t.Errorf("customers per step (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFunnelRatesAndMedians(t *testing.T) {
	A, B, C := TypeAdClick, TypeWebVisit, TypeOnlinePurchase
	evs := []Event{
		// x: A→B 10 min, B→C 20 min
		evAt("x1", "x", A, 0), evAt("x2", "x", B, 10), evAt("x3", "x", C, 30),
		// y: A→B 30 min
		evAt("y1", "y", A, 0), evAt("y2", "y", B, 30),
		// z: A→B 60 min, two B: the earliest after the start counts
		evAt("z1", "z", A, 0), evAt("z3", "z", B, 100), evAt("z2", "z", B, 60),
		// w: A only
		evAt("w1", "w", A, 0),
	}
	f := Funnel{Steps: []Type{A, B, C}}
	got, err := f.Run(t.Context(), seqOf(evs))
	if err != nil {
		t.Fatal(err)
	}
	want := []StepResult{
		{Type: A, Customers: 4, ConversionFromPrevious: 1, ConversionFromStart: 1},
		{Type: B, Customers: 3, DropOff: 1, ConversionFromPrevious: 0.75, ConversionFromStart: 0.75, MedianFromPrevious: 30 * time.Minute, HasMedian: true},
		{Type: C, Customers: 1, DropOff: 2, ConversionFromPrevious: 1.0 / 3, ConversionFromStart: 0.25, MedianFromPrevious: 20 * time.Minute, HasMedian: true},
	}
	if diff := cmp.Diff(want, got.Steps); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
}

func TestFunnelMedianEvenCount(t *testing.T) {
	A, B := TypeAdClick, TypeWebVisit
	evs := []Event{evAt("1", "x", A, 0), evAt("2", "x", B, 10), evAt("3", "y", A, 0), evAt("4", "y", B, 15)}
	f := Funnel{Steps: []Type{A, B}}
	got, err := f.Run(t.Context(), seqOf(evs))
	if err != nil {
		t.Fatal(err)
	}
	if got.Steps[1].MedianFromPrevious != 12*time.Minute+30*time.Second {
		t.Errorf("median of 10 and 15 minutes = %v, want 12m30s", got.Steps[1].MedianFromPrevious)
	}
}

func TestFunnelBreakdown(t *testing.T) {
	A, B := TypeAdClick, TypeWebVisit
	mk := func(id string, c customer.ID, typ Type, m int, ch customer.Channel) Event {
		e := evAt(id, c, typ, m)
		e.Channel = ch
		return e
	}
	evs := []Event{
		mk("1", "x", A, 0, customer.ChannelEmail), mk("2", "x", B, 1, customer.ChannelWeb),
		mk("3", "y", A, 0, customer.ChannelSocial),
		// z starts on e-mail first, but its best chain starts on social
		mk("4", "z", A, 0, customer.ChannelEmail), mk("5", "z", A, 100, customer.ChannelSocial), mk("6", "z", B, 101, customer.ChannelWeb),
	}
	f := Funnel{Steps: []Type{A, B}, Window: 10 * time.Minute, By: "channel"}
	got, err := f.Run(t.Context(), seqOf(evs))
	if err != nil {
		t.Fatal(err)
	}
	type gc struct {
		Value  string
		Counts []int
	}
	var gotG []gc
	for _, g := range got.Groups {
		gotG = append(gotG, gc{g.Value, counts(&FunnelResult{Steps: g.Steps})})
	}
	want := []gc{{"email", []int{1, 1}}, {"social", []int{2, 1}}}
	if diff := cmp.Diff(want, gotG); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{3, 2}, counts(got)); diff != "" {
		t.Errorf("overall (-want +got):\n%s", diff)
	}
}

func TestFunnelProgress(t *testing.T) {
	var c Columns
	for i := range 10000 {
		c.Append(customer.ID(fmt.Sprint(i)), "a", at(i), "")
	}
	var calls []int
	f := Funnel{Steps: []Type{"a"}, Progress: func(done, total int) {
		if total != 10000 {
			t.Errorf("total = %d, want 10000", total)
		}
		calls = append(calls, done)
	}}
	if _, err := f.RunColumns(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 || calls[len(calls)-1] != 10000 || !slices.IsSorted(calls) {
		t.Errorf("progress calls %v, want increasing up to 10000", calls)
	}
}

func TestFunnelErrors(t *testing.T) {
	for _, f := range []Funnel{{}, {Steps: make([]Type, 65)}, {Steps: []Type{"a"}, Window: -1}} {
		if _, err := f.Run(t.Context(), seqOf(nil)); !errors.Is(err, ErrFunnel) {
			t.Errorf("Funnel with %d steps, window %v: err = %v, want ErrFunnel", len(f.Steps), f.Window, err)
		}
	}
	var c Columns
	c.AppendNanos(3, 0, 0, 0) // codes not from c
	f := Funnel{Steps: []Type{"a"}}
	if _, err := f.RunColumns(t.Context(), &c); !errors.Is(err, ErrFunnel) {
		t.Errorf("RunColumns with foreign codes: err = %v, want ErrFunnel", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var c2 Columns
	for i := range 10000 {
		c2.Append(customer.ID(fmt.Sprint(i)), "a", at(i), "")
	}
	if _, err := f.RunColumns(ctx, &c2); err == nil {
		t.Error("RunColumns with a cancelled context succeeded")
	}
}

// bruteDeepest enumerates every chain of one customer's events.
func bruteDeepest(evs []Event, steps []Type, window time.Duration) int {
	best := 0
	var walk func(level int, start, prev time.Time)
	walk = func(level int, start, prev time.Time) {
		best = max(best, level)
		if level == len(steps) {
			return
		}
		for _, e := range evs {
			if e.Type == steps[level] && e.Time.After(prev) && (window == 0 || e.Time.Sub(start) <= window) {
				walk(level+1, start, e.Time)
			}
		}
	}
	for _, e := range evs {
		if e.Type == steps[0] {
			walk(1, e.Time, e.Time)
		}
	}
	return best
}

// TestFunnelAgainstBruteForce checks the one-pass algorithm against an
// enumeration of every chain on random small inputs with ties, repeats and
// repeated step types.
func TestFunnelAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	types := []Type{"a", "b", "c", "d"}
	for round := range 300 {
		nsteps := 1 + rng.IntN(4)
		steps := make([]Type, nsteps)
		for i := range steps {
			steps[i] = types[rng.IntN(len(types))]
		}
		window := time.Duration(rng.IntN(4)) * 5 * time.Minute
		var all []Event
		byCust := map[customer.ID][]Event{}
		for c := range 6 {
			id := customer.ID(fmt.Sprint("c", c))
			for i := range rng.IntN(9) {
				e := evAt(fmt.Sprint(c, "-", i), id, types[rng.IntN(len(types))], rng.IntN(20))
				all = append(all, e)
				byCust[id] = append(byCust[id], e)
			}
		}
		rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		want := make([]int, nsteps)
		for _, evs := range byCust {
			for k := range bruteDeepest(evs, steps, window) {
				want[k]++
			}
		}
		f := Funnel{Steps: steps, Window: window, Workers: 1 + round%3}
		got, err := f.Run(t.Context(), seqOf(all))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, counts(got)); diff != "" {
			t.Fatalf("round %d, steps %v, window %v (-brute force +funnel):\n%s", round, steps, window, diff)
		}
	}
}

func TestMedianSelect(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n < 60; n++ {
		d := make([]int64, n)
		for i := range d {
			d[i] = int64(rng.IntN(10))
		}
		s := slices.Clone(d)
		slices.Sort(s)
		want := s[n/2]
		if n%2 == 0 {
			want = s[n/2-1] + (s[n/2]-s[n/2-1])/2
		}
		if got := median(d); got != want {
			t.Fatalf("median(%v) = %d, want %d", s, got, want)
		}
	}
}

// FuzzFunnel decodes arbitrary bytes into events (customer, type, minute)
// and steps, and checks the properties of a funnel: the counts agree with
// an enumeration of every chain, never grow from one step to the next, and
// do not depend on the order of the input.
func FuzzFunnel(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 1, 1, 1, 2, 2}, uint8(3), uint8(5))
	f.Add([]byte{0, 0, 5, 0, 0, 5, 1, 0, 6}, uint8(2), uint8(0))
	f.Fuzz(func(t *testing.T, raw []byte, nsteps, window uint8) {
		types := []Type{"a", "b", "c"}
		k := 1 + int(nsteps)%4
		steps := make([]Type, k)
		for i := range steps {
			steps[i] = types[(int(nsteps)/4+i*int(window+1))%len(types)]
		}
		w := time.Duration(window%16) * time.Minute
		var evs []Event
		byCust := map[customer.ID][]Event{}
		for i := 0; i+2 < len(raw) && len(evs) < 40; i += 3 {
			e := evAt(fmt.Sprint(i), customer.ID(fmt.Sprint(raw[i]%4)), types[raw[i+1]%3], int(raw[i+2]%32))
			evs = append(evs, e)
			byCust[e.CustomerID] = append(byCust[e.CustomerID], e)
		}
		want := make([]int, k)
		for _, tl := range byCust {
			for j := range bruteDeepest(tl, steps, w) {
				want[j]++
			}
		}
		fn := Funnel{Steps: steps, Window: w}
		got, err := fn.Run(t.Context(), seqOf(evs))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, counts(got)); diff != "" {
			t.Fatalf("steps %v window %v (-brute force +funnel):\n%s", steps, w, diff)
		}
		slices.Reverse(evs)
		rev, err := fn.Run(t.Context(), seqOf(evs))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, rev); diff != "" {
			t.Errorf("reversed input changes the result (-forward +reversed):\n%s", diff)
		}
	})
}

func TestColumnsTypes(t *testing.T) {
	var c Columns
	if got := c.Types(); len(got) != 0 {
		t.Errorf("empty Columns: Types() = %v", got)
	}
	for i, typ := range []Type{"visit", TypeOnlinePurchase, "visit", "cart"} {
		if err := c.Append("c1", typ, at(i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]Type{"visit", TypeOnlinePurchase, "cart"}, c.Types()); diff != "" {
		t.Errorf("Types() (-want +got):\n%s", diff)
	}
}
