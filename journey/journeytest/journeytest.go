// Package journeytest checks that an implementation of journey.EventStore
// behaves as the interface documents, in the way testing/fstest checks an
// fs.FS. A host that keeps touchpoints in its own database runs
//
//	func TestStore(t *testing.T) {
//		journeytest.Run(t, func(t *testing.T) journey.EventStore { return newEmptyStore(t) })
//	}
//
// Each rule runs as a subtest on a fresh, empty store, and a failure names
// the rule broken:
//
//   - AppendIsIdempotentOnID, also for an ID twice in one call;
//   - GetMissingIsErrNotFound, for Get and Resolve;
//   - EventsInTimeOrderWithinRange and AnonymousEventsInTimeOrderWithinRange:
//     ties by ID, [from, to), times compared as instants;
//   - EventsRoundTripEveryField;
//   - ReturnedEventsAreCopies, in and out;
//   - LinkJoinsEarlierAndLaterAnonymousEvents: Events, Get and Customers
//     see the link;
//   - LinkConflictIsErrConflict;
//   - CustomersAscending;
//   - CancelledContext: every method returns the context's error, a stream
//     yields it once as its last item, a cancelled call writes nothing;
//   - BreakingOutOfAStreamReleasesTheStore;
//   - ConcurrentAppends.
//
// Config declares what a back end legitimately cannot do. Bench measures a
// store's basic operations.
//
// The suite's own test runs it on stores that each break one rule and checks
// that exactly that rule fails.
package journeytest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

// Config declares the capabilities of a store under test. The zero value
// asks for everything.
type Config struct {
	// TimePrecision is the resolution the store keeps times at, such as
	// time.Microsecond for PostgreSQL; 0 means exact. Test times are
	// multiples of it, and times are compared as instants.
	TimePrecision time.Duration
	// NoConcurrency skips the concurrent-use rule for stores documented as
	// not safe for concurrent use.
	NoConcurrency bool
}

// Run checks the store returned by newStore, which must return a new empty
// store on each call, with the zero Config.
func Run(t *testing.T, newStore func(t *testing.T) journey.EventStore) {
	t.Helper()
	RunConfig(t, newStore, Config{})
}

// RunConfig is Run with capabilities declared in cfg.
func RunConfig(t *testing.T, newStore func(t *testing.T) journey.EventStore, cfg Config) {
	t.Helper()
	s := suite{cfg: cfg, base: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	rules := []struct {
		name string
		fn   func(t *testing.T, st journey.EventStore)
	}{
		{"AppendIsIdempotentOnID", s.idempotent},
		{"GetMissingIsErrNotFound", s.getMissing},
		{"EventsInTimeOrderWithinRange", s.timeOrder},
		{"AnonymousEventsInTimeOrderWithinRange", s.anonymousTimeOrder},
		{"EventsRoundTripEveryField", s.roundTrip},
		{"ReturnedEventsAreCopies", s.copies},
		{"LinkJoinsEarlierAndLaterAnonymousEvents", s.link},
		{"LinkConflictIsErrConflict", s.linkConflict},
		{"CustomersAscending", s.customers},
		{"CancelledContext", s.cancelled},
		{"CancelMidwayEndsAStreamWithTheError", s.cancelMidway},
		{"BreakingOutOfAStreamReleasesTheStore", s.earlyBreak},
		{"ConcurrentAppends", s.concurrent},
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			if r.name == "ConcurrentAppends" && cfg.NoConcurrency {
				t.Skip("store declared not safe for concurrent use (Config.NoConcurrency)")
			}
			r.fn(t, newStore(t))
		})
	}
}

type suite struct {
	cfg  Config
	base time.Time
}

func (s *suite) at(minutes int) time.Time {
	d := time.Duration(minutes) * time.Minute
	if p := s.cfg.TimePrecision; p > 0 {
		d = d.Truncate(p)
	}
	return s.base.Add(d)
}

func ev(id string, cust customer.ID, anon string, typ journey.Type, at time.Time) journey.Event {
	return journey.Event{ID: id, CustomerID: cust, AnonymousID: anon, Type: typ, Channel: customer.ChannelWeb, Time: at}
}

func collect(t *testing.T, seq func(func(journey.Event, error) bool)) []journey.Event {
	t.Helper()
	var out []journey.Event
	for e, err := range seq {
		if err != nil {
			t.Fatalf("stream error: %v", err)
		}
		out = append(out, e)
	}
	return out
}

func ids(evs []journey.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func mustAppend(t *testing.T, st journey.EventStore, evs ...journey.Event) int {
	t.Helper()
	n, err := st.Append(t.Context(), evs...)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return n
}

func (s *suite) idempotent(t *testing.T, st journey.EventStore) {
	a := ev("e1", "c1", "", journey.TypeWebVisit, s.at(0))
	if n := mustAppend(t, st, a, ev("e2", "c1", "", journey.TypeLogin, s.at(1))); n != 2 {
		t.Errorf("first Append added %d, want 2", n)
	}
	changed := a
	changed.Type = journey.TypeChat
	if n := mustAppend(t, st, changed, a); n != 0 {
		t.Errorf("Append of known IDs added %d, want 0 (idempotent on ID)", n)
	}
	got := collect(t, st.Events(t.Context(), "c1", time.Time{}, time.Time{}))
	if !sameStrings(ids(got), []string{"e1", "e2"}) {
		t.Errorf("Events IDs = %v, want [e1 e2] (each ID once)", ids(got))
	}
	e, err := st.Get(t.Context(), "e1")
	if err != nil || e.Type != journey.TypeWebVisit {
		t.Errorf("Get(e1) = %v, %v; want the first version (type web_visit)", e.Type, err)
	}
	// The same new ID twice in one call is stored once, the first version.
	b := ev("e3", "c1", "", journey.TypeWebVisit, s.at(2))
	b2 := b
	b2.Type = journey.TypeChat
	if n := mustAppend(t, st, b, b2); n != 1 {
		t.Errorf("Append of one new ID twice in one call added %d, want 1", n)
	}
	if e, err := st.Get(t.Context(), "e3"); err != nil || e.Type != journey.TypeWebVisit {
		t.Errorf("Get(e3) = %v, %v; want the first of the call's two versions (type web_visit)", e.Type, err)
	}
	if got := ids(collect(t, st.Events(t.Context(), "c1", time.Time{}, time.Time{}))); !sameStrings(got, []string{"e1", "e2", "e3"}) {
		t.Errorf("Events IDs = %v, want [e1 e2 e3] (each ID once)", got)
	}
}

func (s *suite) getMissing(t *testing.T, st journey.EventStore) {
	if _, err := st.Get(t.Context(), "nope"); !errors.Is(err, journey.ErrNotFound) {
		t.Errorf("Get of a missing ID: err = %v, want ErrNotFound", err)
	}
	if _, err := st.Resolve(t.Context(), "anon"); !errors.Is(err, journey.ErrNotFound) {
		t.Errorf("Resolve of an unlinked ID: err = %v, want ErrNotFound", err)
	}
}

func (s *suite) timeOrder(t *testing.T, st journey.EventStore) {
	mustAppend(t, st,
		ev("e5", "c1", "", journey.TypeWebVisit, s.at(50)),
		ev("e3", "c1", "", journey.TypeWebVisit, s.at(30)),
		ev("e1", "c1", "", journey.TypeWebVisit, s.at(10)),
		ev("e4b", "c1", "", journey.TypeWebVisit, s.at(40)),
		ev("e4a", "c1", "", journey.TypeWebVisit, s.at(40)),
		ev("x1", "c2", "", journey.TypeWebVisit, s.at(30)),
	)
	s.checkOrder(t, "Events", func(from, to time.Time) iter.Seq2[journey.Event, error] {
		return st.Events(t.Context(), "c1", from, to)
	})
}

func (s *suite) anonymousTimeOrder(t *testing.T, st journey.EventStore) {
	mustAppend(t, st,
		ev("e5", "", "anon-1", journey.TypeWebVisit, s.at(50)),
		ev("e3", "", "anon-1", journey.TypeWebVisit, s.at(30)),
		ev("e1", "", "anon-1", journey.TypeWebVisit, s.at(10)),
		ev("e4b", "", "anon-1", journey.TypeWebVisit, s.at(40)),
		ev("e4a", "", "anon-1", journey.TypeWebVisit, s.at(40)),
		ev("x1", "", "anon-2", journey.TypeWebVisit, s.at(30)),
	)
	s.checkOrder(t, "AnonymousEvents", func(from, to time.Time) iter.Seq2[journey.Event, error] {
		return st.AnonymousEvents(t.Context(), "anon-1", from, to)
	})
}

// checkOrder checks that stream, over the events e1 (minute 10), e3 (30),
// e4a and e4b (40) and e5 (50), yields them in time order, ties by ID,
// within [from, to).
func (s *suite) checkOrder(t *testing.T, name string, stream func(from, to time.Time) iter.Seq2[journey.Event, error]) {
	t.Helper()
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"open range", time.Time{}, time.Time{}, []string{"e1", "e3", "e4a", "e4b", "e5"}},
		{"from inclusive", s.at(30), time.Time{}, []string{"e3", "e4a", "e4b", "e5"}},
		{"to exclusive", time.Time{}, s.at(40), []string{"e1", "e3"}},
		{"both", s.at(11), s.at(50), []string{"e3", "e4a", "e4b"}},
		{"empty", s.at(60), s.at(70), nil},
	}
	for _, tt := range tests {
		got := ids(collect(t, stream(tt.from, tt.to)))
		if !sameStrings(got, tt.want) {
			t.Errorf("%s: %s = %v, want %v (time order, ties by ID, [from, to))", tt.name, name, got, tt.want)
		}
	}
	// Instants, not wall clock: the same time in another zone is equal.
	jst := time.FixedZone("JST", 9*3600)
	got := ids(collect(t, stream(s.at(30).In(jst), s.at(31).In(jst))))
	if !sameStrings(got, []string{"e3"}) {
		t.Errorf("range given in another zone: %s = %v, want [e3]", name, got)
	}
}

func (s *suite) roundTrip(t *testing.T, st journey.EventStore) {
	want := journey.Event{
		ID: "p1", CustomerID: "c1", AnonymousID: "a1", Type: journey.TypeOnlinePurchase,
		Channel: customer.ChannelWeb, Time: s.at(5), Value: journey.Money{Amount: 12800, Currency: "JPY"},
		Campaign: "spring", Source: "shop", Attributes: map[string]string{"sku": "R-1", "segment": "gold"},
	}
	mustAppend(t, st, want)
	got, err := st.Get(t.Context(), "p1")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if msg := diffEvent(want, got); msg != "" {
		t.Errorf("Get after Append: %s", msg)
	}
	evs := collect(t, st.Events(t.Context(), "c1", time.Time{}, time.Time{}))
	if len(evs) != 1 {
		t.Fatalf("Events returned %d events, want 1", len(evs))
	}
	if msg := diffEvent(want, evs[0]); msg != "" {
		t.Errorf("Events after Append: %s", msg)
	}
}

func diffEvent(want, got journey.Event) string {
	if !want.Time.Equal(got.Time) {
		return fmt.Sprintf("Time = %v, want %v", got.Time, want.Time)
	}
	got.Time = want.Time
	if len(got.Attributes) != len(want.Attributes) {
		return fmt.Sprintf("Attributes = %v, want %v", got.Attributes, want.Attributes)
	}
	for k, v := range want.Attributes {
		if got.Attributes[k] != v {
			return fmt.Sprintf("Attributes = %v, want %v", got.Attributes, want.Attributes)
		}
	}
	got.Attributes, want.Attributes = nil, nil
	if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
		return fmt.Sprintf("got %s, want %s", g, w)
	}
	return ""
}

func (s *suite) copies(t *testing.T, st journey.EventStore) {
	in := ev("e1", "c1", "", journey.TypeWebVisit, s.at(0))
	in.Attributes = map[string]string{"k": "v"}
	mustAppend(t, st, in)
	in.Attributes["k"] = "changed after Append"
	got, err := st.Get(t.Context(), "e1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Attributes["k"] != "v" {
		t.Errorf("changing the appended event's attributes changed the store: %q", got.Attributes["k"])
	}
	got.Attributes["k"] = "changed after Get"
	for e, err := range st.Events(t.Context(), "c1", time.Time{}, time.Time{}) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Attributes["k"] != "v" {
			t.Errorf("changing a returned event's attributes changed the store: %q", e.Attributes["k"])
		}
		e.Attributes["k"] = "changed while streaming"
	}
	again, _ := st.Get(t.Context(), "e1")
	if again.Attributes["k"] != "v" {
		t.Errorf("changing a streamed event's attributes changed the store: %q", again.Attributes["k"])
	}
}

func (s *suite) link(t *testing.T, st journey.EventStore) {
	ctx := t.Context()
	mustAppend(t, st,
		ev("a1", "", "anon-1", journey.TypeAdClick, s.at(0)),
		ev("a2", "", "anon-1", journey.TypeWebVisit, s.at(2)),
		ev("k1", "c1", "", journey.TypeEmailOpen, s.at(1)),
		ev("o1", "", "anon-2", journey.TypeWebVisit, s.at(3)),
	)
	if got := ids(collect(t, st.AnonymousEvents(ctx, "anon-1", time.Time{}, time.Time{}))); !sameStrings(got, []string{"a1", "a2"}) {
		t.Errorf("AnonymousEvents before Link = %v, want [a1 a2]", got)
	}
	if err := st.Link(ctx, "anon-1", "c1"); err != nil {
		t.Fatalf("Link: %v", err)
	}
	if err := st.Link(ctx, "anon-1", "c1"); err != nil {
		t.Errorf("Link again to the same customer: %v, want nil", err)
	}
	if id, err := st.Resolve(ctx, "anon-1"); err != nil || id != "c1" {
		t.Errorf("Resolve = %q, %v; want c1", id, err)
	}
	mustAppend(t, st, ev("a3", "", "anon-1", journey.TypeSignUp, s.at(4)))
	got := collect(t, st.Events(ctx, "c1", time.Time{}, time.Time{}))
	if !sameStrings(ids(got), []string{"a1", "k1", "a2", "a3"}) {
		t.Errorf("Events after Link = %v, want [a1 k1 a2 a3] (earlier and later anonymous events joined, in time order)", ids(got))
	}
	for _, e := range got {
		if e.CustomerID != "c1" {
			t.Errorf("event %s after Link has CustomerID %q, want c1", e.ID, e.CustomerID)
		}
	}
	if got := collect(t, st.AnonymousEvents(ctx, "anon-1", time.Time{}, time.Time{})); len(got) != 0 {
		t.Errorf("AnonymousEvents after Link = %v, want none", ids(got))
	}
	if got := ids(collect(t, st.AnonymousEvents(ctx, "anon-2", time.Time{}, time.Time{}))); !sameStrings(got, []string{"o1"}) {
		t.Errorf("another anonymous ID's events = %v, want [o1]", got)
	}
	if e, err := st.Get(ctx, "a1"); err != nil || e.CustomerID != "c1" {
		t.Errorf("Get(a1) after Link: CustomerID %q, err %v; want c1", e.CustomerID, err)
	}
	// A customer whose only events came through a Link has events.
	if err := st.Link(ctx, "anon-2", "c2"); err != nil {
		t.Fatalf("Link: %v", err)
	}
	var custs []string
	for id, err := range st.Customers(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		custs = append(custs, string(id))
	}
	slices.Sort(custs) // the order is CustomersAscending's rule
	if !sameStrings(custs, []string{"c1", "c2"}) {
		t.Errorf("Customers after linking anon-2 to c2 = %v, want [c1 c2] (c2's only events came through the Link)", custs)
	}
}

func (s *suite) linkConflict(t *testing.T, st journey.EventStore) {
	ctx := t.Context()
	mustAppend(t, st, ev("a1", "", "anon-1", journey.TypeAdClick, s.at(0)))
	if err := st.Link(ctx, "anon-1", "c1"); err != nil {
		t.Fatal(err)
	}
	if err := st.Link(ctx, "anon-1", "c2"); !errors.Is(err, journey.ErrConflict) {
		t.Errorf("Link to a second customer: err = %v, want ErrConflict", err)
	}
	if got := collect(t, st.Events(ctx, "c2", time.Time{}, time.Time{})); len(got) != 0 {
		t.Errorf("a refused Link moved events: c2 has %v", ids(got))
	}
}

func (s *suite) customers(t *testing.T, st journey.EventStore) {
	mustAppend(t, st,
		ev("1", "c3", "", journey.TypeWebVisit, s.at(0)),
		ev("2", "c1", "", journey.TypeWebVisit, s.at(0)),
		ev("3", "c3", "", journey.TypeWebVisit, s.at(1)),
		ev("4", "", "anon", journey.TypeWebVisit, s.at(1)),
		ev("5", "c2", "", journey.TypeWebVisit, s.at(1)),
	)
	var got []string
	for id, err := range st.Customers(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(id))
	}
	if !sameStrings(got, []string{"c1", "c2", "c3"}) {
		t.Errorf("Customers = %v, want [c1 c2 c3] (ascending, once each, no anonymous IDs)", got)
	}
}

// drain reads a whole stream and returns how many items it yielded and its
// error, reporting an error that is not the stream's last item.
func drain[T any](t *testing.T, what string, seq iter.Seq2[T, error]) (items int, err error) {
	t.Helper()
	for _, e := range seq {
		if err != nil {
			t.Errorf("%s yielded another item after its error %v: the error must come once, as the last item", what, err)
		}
		if e != nil {
			err = e
			continue
		}
		items++
	}
	return items, err
}

func (s *suite) cancelled(t *testing.T, st journey.EventStore) {
	mustAppend(t, st,
		ev("1", "c1", "", journey.TypeWebVisit, s.at(0)),
		ev("a", "", "anon-1", journey.TypeWebVisit, s.at(0)),
	)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := st.Append(ctx, ev("2", "c1", "", journey.TypeWebVisit, s.at(1))); !errors.Is(err, context.Canceled) {
		t.Errorf("Append with a cancelled context: err = %v, want context.Canceled", err)
	}
	if _, err := st.Get(ctx, "1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with a cancelled context: err = %v, want context.Canceled", err)
	}
	if err := st.Link(ctx, "anon-1", "c1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Link with a cancelled context: err = %v, want context.Canceled", err)
	}
	if _, err := st.Resolve(ctx, "anon-1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Resolve with a cancelled context: err = %v, want context.Canceled", err)
	}
	streams := []struct {
		name string
		err  func() error
	}{
		{"Events", func() error {
			_, err := drain(t, "Events", st.Events(ctx, "c1", time.Time{}, time.Time{}))
			return err
		}},
		{"AnonymousEvents", func() error {
			_, err := drain(t, "AnonymousEvents", st.AnonymousEvents(ctx, "anon-1", time.Time{}, time.Time{}))
			return err
		}},
		{"Customers", func() error {
			_, err := drain(t, "Customers", st.Customers(ctx))
			return err
		}},
	}
	for _, sc := range streams {
		if err := sc.err(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: error = %v, want context.Canceled", sc.name, err)
		}
	}
	// Checked through the streams, so that this rule does not depend on
	// the not-found errors of GetMissingIsErrNotFound.
	if got := ids(collect(t, st.Events(t.Context(), "c1", time.Time{}, time.Time{}))); !sameStrings(got, []string{"1"}) {
		t.Errorf("after an Append with a cancelled context, Events = %v, want [1] (nothing stored)", got)
	}
	if got := ids(collect(t, st.AnonymousEvents(t.Context(), "anon-1", time.Time{}, time.Time{}))); !sameStrings(got, []string{"a"}) {
		t.Errorf("after a Link with a cancelled context, AnonymousEvents = %v, want [a] (not linked)", got)
	}
}

// cancelMidway cancels the context after the first item of each stream:
// the stream must end with the context's error, once and last, without
// yielding everything — also when all its items were read in one batch.
func (s *suite) cancelMidway(t *testing.T, st journey.EventStore) {
	const n = 20
	var evs []journey.Event
	for i := range n {
		evs = append(evs, ev(fmt.Sprint("c", i), customer.ID(fmt.Sprintf("c%04d", i)), "", journey.TypeWebVisit, s.at(i%50)),
			ev(fmt.Sprint("one", i), "c-one", "", journey.TypeWebVisit, s.at(i%50)),
			ev(fmt.Sprint("anon", i), "", "anon-1", journey.TypeWebVisit, s.at(i%50)))
	}
	mustAppend(t, st, evs...)
	streams := []struct {
		name string
		run  func(ctx context.Context, cancel func()) (int, error)
	}{
		{"Events", func(ctx context.Context, cancel func()) (int, error) {
			return drainCancel(t, "Events", st.Events(ctx, "c-one", time.Time{}, time.Time{}), cancel)
		}},
		{"AnonymousEvents", func(ctx context.Context, cancel func()) (int, error) {
			return drainCancel(t, "AnonymousEvents", st.AnonymousEvents(ctx, "anon-1", time.Time{}, time.Time{}), cancel)
		}},
		{"Customers", func(ctx context.Context, cancel func()) (int, error) {
			return drainCancel(t, "Customers", st.Customers(ctx), cancel)
		}},
	}
	for _, sc := range streams {
		ctx, cancel := context.WithCancel(t.Context())
		items, err := sc.run(ctx, cancel)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s cancelled after its first item ended with error %v after %d items, want context.Canceled", sc.name, err, items)
		}
		if items >= n {
			t.Errorf("%s yielded all %d items despite the cancellation", sc.name, items)
		}
	}
}

// drainCancel drains seq, calling cancel after the first item, and returns
// the items yielded and the error, checking it comes once and last.
func drainCancel[T any](t *testing.T, what string, seq iter.Seq2[T, error], cancel func()) (items int, err error) {
	t.Helper()
	for _, e := range seq {
		if err != nil {
			t.Errorf("%s yielded another item after its error %v: the error must come once, as the last item", what, err)
		}
		if e != nil {
			err = e
			continue
		}
		if items++; items == 1 {
			cancel()
		}
	}
	return items, err
}

func (s *suite) earlyBreak(t *testing.T, st journey.EventStore) {
	for i := range 5 {
		mustAppend(t, st, ev(fmt.Sprint(i), "c1", "", journey.TypeWebVisit, s.at(i)))
	}
	for range st.Events(t.Context(), "c1", time.Time{}, time.Time{}) {
		break
	}
	for range st.Customers(t.Context()) {
		break
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := st.Append(t.Context(), ev("after", "c1", "", journey.TypeWebVisit, s.at(9))); err != nil {
			t.Errorf("Append after breaking out of a stream: %v", err)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Append blocked after breaking out of a stream (a lock still held?)")
	}
}

func (s *suite) concurrent(t *testing.T, st journey.EventStore) {
	const workers, per = 4, 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				// every worker appends the same IDs: each must be stored once
				e := ev(fmt.Sprintf("e%03d", i), customer.ID(fmt.Sprintf("c%d", i%5)), "", journey.TypeWebVisit, s.at(i))
				n, err := st.Append(t.Context(), e)
				if err != nil {
					t.Errorf("worker %d: Append: %v", w, err)
					return
				}
				mu.Lock()
				total += n
				mu.Unlock()
				for _, err := range st.Events(t.Context(), e.CustomerID, time.Time{}, time.Time{}) {
					if err != nil {
						t.Errorf("worker %d: Events: %v", w, err)
					}
				}
			}
		}()
	}
	wg.Wait()
	if total != per {
		t.Errorf("concurrent Appends of the same %d IDs added %d in total, want %d", per, total, per)
	}
	n := 0
	for id, err := range st.Customers(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		n += len(collect(t, st.Events(t.Context(), id, time.Time{}, time.Time{})))
	}
	if n != per {
		t.Errorf("after concurrent Appends the store holds %d events, want %d", n, per)
	}
}
