package journeytest_test

import (
	"context"
	"errors"
	"iter"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/journey/journeytest"
	"github.com/google/go-cmp/cmp"
)

// The self-test: the suite is run on stores that each break the contract in
// one way, and must report exactly the rules they break, by name.
//
// Each broken store wraps journey.MemoryEventStore, which keeps every rule,
// and changes one method.

// batchDuplicates counts an ID that comes twice in one Append call twice
// (it checks which IDs are new before storing the call's events).
type batchDuplicates struct {
	journey.MemoryEventStore
	mu sync.Mutex
}

func (s *batchDuplicates) Append(ctx context.Context, events ...journey.Event) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range events {
		if _, err := s.MemoryEventStore.Get(ctx, e.ID); errors.Is(err, journey.ErrNotFound) {
			n++
		}
	}
	if _, err := s.MemoryEventStore.Append(ctx, events...); err != nil {
		return 0, err
	}
	return n, nil
}

// tiesReversed orders events of the same instant by descending ID.
type tiesReversed struct{ journey.MemoryEventStore }

func (s *tiesReversed) Events(ctx context.Context, id customer.ID, from, to time.Time) iter.Seq2[journey.Event, error] {
	return func(yield func(journey.Event, error) bool) {
		var evs []journey.Event
		for e, err := range s.MemoryEventStore.Events(ctx, id, from, to) {
			if err != nil {
				yield(journey.Event{}, err)
				return
			}
			evs = append(evs, e)
		}
		slices.SortStableFunc(evs, func(a, b journey.Event) int {
			if c := a.Time.Compare(b.Time); c != 0 {
				return c
			}
			return strings.Compare(b.ID, a.ID)
		})
		for _, e := range evs {
			if err := ctx.Err(); err != nil {
				yield(journey.Event{}, err)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// anonymousToInclusive includes the end of the range in AnonymousEvents.
type anonymousToInclusive struct{ journey.MemoryEventStore }

func (s *anonymousToInclusive) AnonymousEvents(ctx context.Context, anonymousID string, from, to time.Time) iter.Seq2[journey.Event, error] {
	if !to.IsZero() {
		to = to.Add(time.Nanosecond)
	}
	return s.MemoryEventStore.AnonymousEvents(ctx, anonymousID, from, to)
}

// dropsCampaign does not store Event.Campaign.
type dropsCampaign struct{ journey.MemoryEventStore }

func (s *dropsCampaign) Append(ctx context.Context, events ...journey.Event) (int, error) {
	evs := slices.Clone(events)
	for i := range evs {
		evs[i].Campaign = ""
	}
	return s.MemoryEventStore.Append(ctx, evs...)
}

// aliasing keeps the attribute maps it is given and hands them out.
type aliasing struct {
	journey.MemoryEventStore
	mu    sync.Mutex
	attrs map[string]map[string]string
}

func (s *aliasing) Append(ctx context.Context, events ...journey.Event) (int, error) {
	n, err := s.MemoryEventStore.Append(ctx, events...)
	if err != nil {
		return n, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.attrs == nil {
		s.attrs = map[string]map[string]string{}
	}
	for _, e := range events {
		if _, ok := s.attrs[e.ID]; !ok && e.Attributes != nil {
			s.attrs[e.ID] = e.Attributes
		}
	}
	return n, nil
}

func (s *aliasing) alias(e journey.Event) journey.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.attrs[e.ID]; ok {
		e.Attributes = m
	}
	return e
}

func (s *aliasing) Get(ctx context.Context, id string) (journey.Event, error) {
	e, err := s.MemoryEventStore.Get(ctx, id)
	if err != nil {
		return e, err
	}
	return s.alias(e), nil
}

func (s *aliasing) Events(ctx context.Context, id customer.ID, from, to time.Time) iter.Seq2[journey.Event, error] {
	return func(yield func(journey.Event, error) bool) {
		for e, err := range s.MemoryEventStore.Events(ctx, id, from, to) {
			if err == nil {
				e = s.alias(e)
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

// forgetsLaterAnonymous joins the events of an anonymous ID stored before
// Link to the customer, but keeps those appended after it anonymous.
type forgetsLaterAnonymous struct {
	journey.MemoryEventStore
	mu     sync.Mutex
	linked map[string]bool
}

func (s *forgetsLaterAnonymous) Link(ctx context.Context, anonymousID string, id customer.ID) error {
	if err := s.MemoryEventStore.Link(ctx, anonymousID, id); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.linked == nil {
		s.linked = map[string]bool{}
	}
	s.linked[anonymousID] = true
	return nil
}

func (s *forgetsLaterAnonymous) Append(ctx context.Context, events ...journey.Event) (int, error) {
	evs := slices.Clone(events)
	s.mu.Lock()
	for i := range evs {
		if evs[i].CustomerID == "" && s.linked[evs[i].AnonymousID] {
			evs[i].AnonymousID += "#after-link" // stored under another, unlinked ID
		}
	}
	s.mu.Unlock()
	return s.MemoryEventStore.Append(ctx, evs...)
}

// staleGet answers Get with the event as it was appended, missing the
// customer ID a later Link gave it.
type staleGet struct {
	journey.MemoryEventStore
	mu       sync.Mutex
	appended map[string]journey.Event
}

func (s *staleGet) Append(ctx context.Context, events ...journey.Event) (int, error) {
	n, err := s.MemoryEventStore.Append(ctx, events...)
	if err != nil {
		return n, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.appended == nil {
		s.appended = map[string]journey.Event{}
	}
	for _, e := range events {
		if _, ok := s.appended[e.ID]; !ok {
			s.appended[e.ID] = e.Clone()
		}
	}
	return n, nil
}

func (s *staleGet) Get(ctx context.Context, id string) (journey.Event, error) {
	e, err := s.MemoryEventStore.Get(ctx, id)
	if err != nil {
		return e, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appended[id].Clone(), nil
}

// silentConflict accepts a Link to a second customer, doing nothing.
type silentConflict struct{ journey.MemoryEventStore }

func (s *silentConflict) Link(ctx context.Context, anonymousID string, id customer.ID) error {
	if err := s.MemoryEventStore.Link(ctx, anonymousID, id); !errors.Is(err, journey.ErrConflict) {
		return err
	}
	return nil
}

// unlinkedIsNil answers Get of a missing ID and Resolve of an unlinked one
// with a zero value and no error.
type unlinkedIsNil struct{ journey.MemoryEventStore }

func (s *unlinkedIsNil) Get(ctx context.Context, id string) (journey.Event, error) {
	e, err := s.MemoryEventStore.Get(ctx, id)
	if errors.Is(err, journey.ErrNotFound) {
		return journey.Event{}, nil
	}
	return e, err
}

func (s *unlinkedIsNil) Resolve(ctx context.Context, anonymousID string) (customer.ID, error) {
	id, err := s.MemoryEventStore.Resolve(ctx, anonymousID)
	if errors.Is(err, journey.ErrNotFound) {
		return "", nil
	}
	return id, err
}

// customersDescending streams customer IDs in descending order.
type customersDescending struct{ journey.MemoryEventStore }

func (s *customersDescending) Customers(ctx context.Context) iter.Seq2[customer.ID, error] {
	return func(yield func(customer.ID, error) bool) {
		var ids []customer.ID
		for id, err := range s.MemoryEventStore.Customers(ctx) {
			if err != nil {
				yield("", err)
				return
			}
			ids = append(ids, id)
		}
		slices.Reverse(ids)
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				yield("", err)
				return
			}
			if !yield(id, nil) {
				return
			}
		}
	}
}

// customersOfAppend lists only the customers named by appended events,
// missing one whose events all came through a Link.
type customersOfAppend struct {
	journey.MemoryEventStore
	mu    sync.Mutex
	named map[customer.ID]bool
}

func (s *customersOfAppend) Append(ctx context.Context, events ...journey.Event) (int, error) {
	n, err := s.MemoryEventStore.Append(ctx, events...)
	if err != nil {
		return n, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.named == nil {
		s.named = map[customer.ID]bool{}
	}
	for _, e := range events {
		s.named[e.CustomerID] = true
	}
	return n, nil
}

func (s *customersOfAppend) Customers(ctx context.Context) iter.Seq2[customer.ID, error] {
	return func(yield func(customer.ID, error) bool) {
		for id, err := range s.MemoryEventStore.Customers(ctx) {
			s.mu.Lock()
			named := s.named[id]
			s.mu.Unlock()
			if err == nil && !named {
				continue
			}
			if !yield(id, err) {
				return
			}
		}
	}
}

// deaf ignores cancellation in every method.
type deaf struct{ journey.MemoryEventStore }

func (s *deaf) Append(ctx context.Context, events ...journey.Event) (int, error) {
	return s.MemoryEventStore.Append(context.WithoutCancel(ctx), events...)
}

func (s *deaf) Get(ctx context.Context, id string) (journey.Event, error) {
	return s.MemoryEventStore.Get(context.WithoutCancel(ctx), id)
}

func (s *deaf) Link(ctx context.Context, anonymousID string, id customer.ID) error {
	return s.MemoryEventStore.Link(context.WithoutCancel(ctx), anonymousID, id)
}

func (s *deaf) Resolve(ctx context.Context, anonymousID string) (customer.ID, error) {
	return s.MemoryEventStore.Resolve(context.WithoutCancel(ctx), anonymousID)
}

func (s *deaf) Events(ctx context.Context, id customer.ID, from, to time.Time) iter.Seq2[journey.Event, error] {
	return s.MemoryEventStore.Events(context.WithoutCancel(ctx), id, from, to)
}

func (s *deaf) AnonymousEvents(ctx context.Context, anonymousID string, from, to time.Time) iter.Seq2[journey.Event, error] {
	return s.MemoryEventStore.AnonymousEvents(context.WithoutCancel(ctx), anonymousID, from, to)
}

func (s *deaf) Customers(ctx context.Context) iter.Seq2[customer.ID, error] {
	return s.MemoryEventStore.Customers(context.WithoutCancel(ctx))
}

// errorTwice yields a stream's error twice.
type errorTwice struct{ journey.MemoryEventStore }

func (s *errorTwice) Events(ctx context.Context, id customer.ID, from, to time.Time) iter.Seq2[journey.Event, error] {
	return func(yield func(journey.Event, error) bool) {
		for e, err := range s.MemoryEventStore.Events(ctx, id, from, to) {
			if !yield(e, err) {
				return
			}
			if err != nil {
				yield(journey.Event{}, err)
				return
			}
		}
	}
}

// lockHeld holds a read lock while streaming and leaks it when the caller
// breaks out of the loop, so the next Append blocks for ever.
type lockHeld struct {
	journey.MemoryEventStore
	mu sync.RWMutex
}

func (s *lockHeld) Append(ctx context.Context, events ...journey.Event) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.MemoryEventStore.Append(ctx, events...)
}

func (s *lockHeld) Events(ctx context.Context, id customer.ID, from, to time.Time) iter.Seq2[journey.Event, error] {
	return func(yield func(journey.Event, error) bool) {
		s.mu.RLock()
		for e, err := range s.MemoryEventStore.Events(ctx, id, from, to) {
			if !yield(e, err) {
				return // the bug: the read lock stays held
			}
		}
		s.mu.RUnlock()
	}
}

// checkThenAct decides which events are new and stores them in two steps
// under two locks, so concurrent Appends of one ID both count it. To make
// the race certain rather than likely, a writer that found an ID new waits
// a moment for another writer of the same ID to find it new too.
type checkThenAct struct {
	journey.MemoryEventStore
	mu      sync.Mutex
	waiting map[string]chan struct{}
}

func (s *checkThenAct) Append(ctx context.Context, events ...journey.Event) (int, error) {
	if len(events) > 100 { // a bulk load, not the concurrent writers: no waiting
		return s.MemoryEventStore.Append(ctx, events...)
	}
	n := 0
	for _, e := range events {
		if _, err := s.MemoryEventStore.Get(ctx, e.ID); !errors.Is(err, journey.ErrNotFound) {
			if err != nil {
				return n, err
			}
			continue
		}
		s.meet(e.ID)
		if _, err := s.MemoryEventStore.Append(ctx, e); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// meet waits up to 50ms for another writer of id, or releases one waiting.
func (s *checkThenAct) meet(id string) {
	s.mu.Lock()
	if s.waiting == nil {
		s.waiting = map[string]chan struct{}{}
	}
	if ch, ok := s.waiting[id]; ok {
		close(ch)
		delete(s.waiting, id)
		s.mu.Unlock()
		return
	}
	ch := make(chan struct{})
	s.waiting[id] = ch
	s.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(50 * time.Millisecond):
		s.mu.Lock()
		if s.waiting[id] == ch {
			delete(s.waiting, id)
		}
		s.mu.Unlock()
	}
}

// cancelPerBatch checks the context once per batch of 1,000 items, as a
// store reading in batches might: a stream cancelled within its last batch
// ends without the error.
type cancelPerBatch struct{ journey.MemoryEventStore }

func (s *cancelPerBatch) Events(ctx context.Context, id customer.ID, from, to time.Time) iter.Seq2[journey.Event, error] {
	return perBatch(ctx, s.MemoryEventStore.Events(context.WithoutCancel(ctx), id, from, to))
}

func (s *cancelPerBatch) AnonymousEvents(ctx context.Context, anonymousID string, from, to time.Time) iter.Seq2[journey.Event, error] {
	return perBatch(ctx, s.MemoryEventStore.AnonymousEvents(context.WithoutCancel(ctx), anonymousID, from, to))
}

func (s *cancelPerBatch) Customers(ctx context.Context) iter.Seq2[customer.ID, error] {
	return perBatch(ctx, s.MemoryEventStore.Customers(context.WithoutCancel(ctx)))
}

// perBatch yields seq, checking ctx before every 1,000th item only.
func perBatch[T any](ctx context.Context, seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		i := 0
		for v, err := range seq {
			if i%1000 == 0 && ctx.Err() != nil {
				var zero T
				yield(zero, ctx.Err())
				return
			}
			i++
			if !yield(v, err) {
				return
			}
		}
	}
}

// allRules are the rules journeytest names, in its order. A rule added to
// the suite is added here with a broken store that it catches.
var allRules = []string{
	"AppendIsIdempotentOnID",
	"GetMissingIsErrNotFound",
	"EventsInTimeOrderWithinRange",
	"AnonymousEventsInTimeOrderWithinRange",
	"EventsRoundTripEveryField",
	"ReturnedEventsAreCopies",
	"LinkJoinsEarlierAndLaterAnonymousEvents",
	"LinkConflictIsErrConflict",
	"CustomersAscending",
	"CancelledContext",
	"CancelMidwayEndsAStreamWithTheError",
	"BreakingOutOfAStreamReleasesTheStore",
	"ConcurrentAppends",
}

var stores = []struct {
	name     string
	newStore func() journey.EventStore
	cfg      journeytest.Config
	wantFail []string
	wantSkip []string
	reason   string
}{
	{name: "correct", newStore: func() journey.EventStore { return &journey.MemoryEventStore{} },
		reason: "MemoryEventStore keeps every rule"},
	{name: "batchDuplicates", newStore: func() journey.EventStore { return &batchDuplicates{} },
		wantFail: []string{"AppendIsIdempotentOnID"}},
	{name: "tiesReversed", newStore: func() journey.EventStore { return &tiesReversed{} },
		wantFail: []string{"EventsInTimeOrderWithinRange"}},
	{name: "anonymousToInclusive", newStore: func() journey.EventStore { return &anonymousToInclusive{} },
		wantFail: []string{"AnonymousEventsInTimeOrderWithinRange"}},
	{name: "dropsCampaign", newStore: func() journey.EventStore { return &dropsCampaign{} },
		wantFail: []string{"EventsRoundTripEveryField"}},
	{name: "aliasing", newStore: func() journey.EventStore { return &aliasing{} },
		wantFail: []string{"ReturnedEventsAreCopies"}},
	{name: "forgetsLaterAnonymous", newStore: func() journey.EventStore { return &forgetsLaterAnonymous{} },
		wantFail: []string{"LinkJoinsEarlierAndLaterAnonymousEvents"}},
	{name: "staleGet", newStore: func() journey.EventStore { return &staleGet{} },
		wantFail: []string{"LinkJoinsEarlierAndLaterAnonymousEvents"},
		reason:   "Get after Link must see the customer ID the Link gave"},
	{name: "silentConflict", newStore: func() journey.EventStore { return &silentConflict{} },
		wantFail: []string{"LinkConflictIsErrConflict"}},
	{name: "unlinkedIsNil", newStore: func() journey.EventStore { return &unlinkedIsNil{} },
		wantFail: []string{"GetMissingIsErrNotFound"}},
	{name: "customersDescending", newStore: func() journey.EventStore { return &customersDescending{} },
		wantFail: []string{"CustomersAscending"}},
	{name: "customersOfAppend", newStore: func() journey.EventStore { return &customersOfAppend{} },
		wantFail: []string{"LinkJoinsEarlierAndLaterAnonymousEvents"},
		reason:   "a customer whose events all came through Link has events"},
	{name: "deaf", newStore: func() journey.EventStore { return &deaf{} },
		wantFail: []string{"CancelledContext", "CancelMidwayEndsAStreamWithTheError"}},
	{name: "cancelPerBatch", newStore: func() journey.EventStore { return &cancelPerBatch{} },
		wantFail: []string{"CancelMidwayEndsAStreamWithTheError"},
		reason:   "a stream checks its context before every item, not once per batch"},
	{name: "errorTwice", newStore: func() journey.EventStore { return &errorTwice{} },
		wantFail: []string{"CancelledContext", "CancelMidwayEndsAStreamWithTheError"},
		reason:   "a stream's error comes once, as its last item"},
	{name: "lockHeld", newStore: func() journey.EventStore { return &lockHeld{} },
		wantFail: []string{"BreakingOutOfAStreamReleasesTheStore"},
		reason:   "the suite waits 10s for the blocked Append"},
	{name: "checkThenAct", newStore: func() journey.EventStore { return &checkThenAct{} },
		wantFail: []string{"ConcurrentAppends"}},
	{name: "checkThenAct declared not concurrent", newStore: func() journey.EventStore { return &checkThenAct{} },
		cfg: journeytest.Config{NoConcurrency: true}, wantSkip: []string{"ConcurrentAppends"},
		reason: "Config.NoConcurrency skips the rule the store cannot keep"},
}

const storeEnv = "JOURNEYTEST_SELFTEST_STORE"

// ruleLine matches the verdict the testing package prints for one rule.
var ruleLine = regexp.MustCompile(`(?m)^\s*--- (PASS|FAIL|SKIP): TestSuiteOnBrokenStores/(\w+) `)

// TestSuiteOnBrokenStores runs the suite on each store above in a child
// process (the suite reports through *testing.T, and a failure there must
// not fail this test) and checks the verdict on every rule: exactly the
// rules a store breaks fail, the others pass.
func TestSuiteOnBrokenStores(t *testing.T) {
	if name := os.Getenv(storeEnv); name != "" {
		for _, s := range stores {
			if s.name == name {
				journeytest.RunConfig(t, func(*testing.T) journey.EventStore { return s.newStore() }, s.cfg)
				return
			}
		}
		t.Fatalf("no store named %q", name)
	}
	if testing.Short() {
		t.Skip("runs the suite in child processes, one of which waits 10s for a blocked store")
	}
	for _, s := range stores {
		t.Run(strings.ReplaceAll(s.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), os.Args[0],
				"-test.run=^TestSuiteOnBrokenStores$", "-test.v", "-test.count=1", "-test.timeout=2m")
			cmd.Env = append(os.Environ(), storeEnv+"="+s.name)
			out, err := cmd.CombinedOutput()
			want := map[string]string{}
			for _, r := range allRules {
				want[r] = "PASS"
			}
			for _, r := range s.wantFail {
				want[r] = "FAIL"
			}
			for _, r := range s.wantSkip {
				want[r] = "SKIP"
			}
			got := map[string]string{}
			for _, m := range ruleLine.FindAllStringSubmatch(string(out), -1) {
				got[m[2]] = m[1]
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("verdicts per rule (-want +got):\n%s\nchild output:\n%s", diff, out)
			}
			if passed := err == nil; passed != (len(s.wantFail) == 0) {
				t.Errorf("child run passed = %v (err %v), want %v", passed, err, len(s.wantFail) == 0)
			}
		})
	}
}
