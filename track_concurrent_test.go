package c360_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// trackWorld is an engine loaded with synthetic people and the streams of
// touchpoints of each, naming them the ways sources do.
type trackWorld struct {
	recs    []customer.SourceRecord
	streams [][]journey.Event // one per person, in the order a source sends them
}

// newTrackWorld makes n people's records and, for each person, a stream:
// visits of a cookie, by profile ID, by e-mail, purchases, the cookie
// identified by a login, later cookie visits, a resent event and a late
// (out of time order) one; and cookies that stay anonymous.
func newTrackWorld(t testing.TB, n int) (*trackWorld, func() *c360.Engine) {
	t.Helper()
	w := &trackWorld{recs: synthRecords(t, n)}
	clock := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	cfg := liveConfig()
	cfg.Now = func() time.Time { return clock } // fixed: the feed's times do not depend on the order
	openLoaded := func() *c360.Engine {
		e := open(t, cfg)
		if _, err := e.Load(t.Context(), c360.Records(w.recs)); err != nil {
			t.Fatal(err)
		}
		return e
	}
	e := openLoaded()
	held := map[string]int{}
	var ids []customer.ID
	emails := map[customer.ID]string{}
	for p, err := range e.Profiles(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
		for _, em := range p.Emails() {
			held[strings.ToLower(em.Value)]++
			if emails[p.ID] == "" {
				emails[p.ID] = strings.ToLower(em.Value)
			}
		}
	}
	types := []journey.Type{journey.TypeWebVisit, journey.TypeOnlinePurchase, journey.TypeEmailOpen, journey.TypeWebVisit}
	for i, id := range ids {
		var s []journey.Event
		at := func(k int) time.Time { return day0.Add(time.Duration(k)*time.Hour + time.Duration(i)*time.Second) }
		add := func(x journey.Event) { s = append(s, x) }
		cookie := fmt.Sprintf("cookie-%d", i)
		for k := range 8 {
			x := journey.Event{ID: fmt.Sprintf("p%d-%d", i, k), Type: types[(i+k)%len(types)], Channel: customer.ChannelWeb, Time: at(k)}
			if x.Type == journey.TypeOnlinePurchase {
				x.Value = journey.Money{Amount: 4800, Currency: "JPY"}
			}
			em := emails[id]
			switch {
			case k < 2:
				x.AnonymousID = cookie
			case k == 4 && em != "" && held[em] == 1:
				x.AnonymousID = cookie // the login that identifies the cookie
				x.Identifiers = []customer.Identifier{{Scheme: "email", Value: strings.ToUpper(em)}}
			case k%3 == 0 && em != "" && held[em] == 1:
				x.Identifiers = []customer.Identifier{{Scheme: "email", Value: em}}
			case k == 7:
				x.AnonymousID = cookie
			default:
				x.CustomerID = id
			}
			add(x)
		}
		add(s[3]) // resent: a duplicate
		late := journey.Event{ID: fmt.Sprintf("p%d-late", i), Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb,
			Time: at(1).Add(time.Minute), CustomerID: id, Value: journey.Money{Amount: 100, Currency: "JPY"}}
		add(late)
		w.streams = append(w.streams, s)
	}
	for i := range n / 10 { // cookies never identified
		var s []journey.Event
		for k := range 3 {
			s = append(s, journey.Event{ID: fmt.Sprintf("a%d-%d", i, k), AnonymousID: fmt.Sprintf("lurker-%d", i),
				Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day0.Add(time.Duration(k) * time.Hour)})
		}
		w.streams = append(w.streams, s)
	}
	return w, openLoaded
}

// liveSnapshot is what the live state answers, for comparison.
type liveSnapshot struct {
	Stages    map[customer.ID]journey.StageState
	Segments  map[customer.ID][]string
	Timelines map[customer.ID][]journey.Event
	Members   map[string][]customer.ID
	Feed      []string // the change feed without cursors, sorted: a multiset
}

func snapshotLive(t testing.TB, e *c360.Engine) liveSnapshot {
	t.Helper()
	ctx := t.Context()
	s := liveSnapshot{Stages: map[customer.ID]journey.StageState{}, Segments: map[customer.ID][]string{},
		Timelines: map[customer.ID][]journey.Event{}, Members: map[string][]customer.ID{}}
	for p, err := range e.Profiles(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		st, err := e.Stage(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		sg, err := e.Segments(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		tl, err := e.Timeline(ctx, p.ID, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		s.Stages[p.ID], s.Segments[p.ID], s.Timelines[p.ID] = st, sg, tl
	}
	for _, name := range e.SegmentNames() {
		m, err := e.Members(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		s.Members[name] = m
	}
	last := c360.Cursor(0)
	for c, err := range e.Changes(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if c.Cursor <= last {
			t.Fatalf("change feed: cursor %d after %d", c.Cursor, last)
		}
		last = c.Cursor
		c.Cursor = 0
		s.Feed = append(s.Feed, fmt.Sprintf("%+v", c))
	}
	slices.Sort(s.Feed)
	return s
}

// TestConcurrentTracksEqualASerialRun tracks each person's stream in order,
// people side by side on several goroutines, and compares every answer, the
// stages, memberships, timelines and the change feed (as a multiset) with
// a serial run of the same streams.
func TestConcurrentTracksEqualASerialRun(t *testing.T) {
	n := 600
	if testing.Short() {
		n = 200
	}
	w, openLoaded := newTrackWorld(t, n)
	ignoreCursor := cmpopts.IgnoreFields(c360.Tracked{}, "Cursor")

	serial := openLoaded()
	want := make([][]c360.Tracked, len(w.streams))
	// Serially: round robin over the people, one event each.
	for k := 0; ; k++ {
		more := false
		for i, s := range w.streams {
			if k < len(s) {
				more = true
				want[i] = append(want[i], track(t, serial, s[k]))
			}
		}
		if !more {
			break
		}
	}

	conc := openLoaded()
	const workers = 4
	got := make([][]c360.Tracked, len(w.streams))
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for g := range workers {
		wg.Go(func() {
			// Worker g takes the people i%workers == g, interleaving them.
			for k := 0; ; k++ {
				more := false
				for i := g; i < len(w.streams); i += workers {
					if s := w.streams[i]; k < len(s) {
						more = true
						tr, err := conc.Track(context.Background(), s[k])
						if err != nil {
							errs <- fmt.Errorf("Track %s: %w", s[k].ID, err)
							return
						}
						got[i] = append(got[i], tr)
					}
				}
				if !more {
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i := range w.streams {
		if diff := cmp.Diff(want[i], got[i], ignoreCursor); diff != "" {
			t.Errorf("stream %d (first event %s): answers (-serial +concurrent):\n%s", i, w.streams[i][0].ID, diff)
		}
	}
	if diff := cmp.Diff(snapshotLive(t, serial), snapshotLive(t, conc)); diff != "" {
		t.Errorf("live state (-serial +concurrent):\n%s", diff)
	}
}

// TestConcurrentTracksOfOnePerson tracks the events of a few people from
// many goroutines at once, each event twice: the conflicting transactions
// must still end where a serial run ends (stages, memberships, timelines),
// each event be stored once with one non-duplicate answer, and the feed's
// entries and exits add up to the memberships.
func TestConcurrentTracksOfOnePerson(t *testing.T) {
	w, openLoaded := newTrackWorld(t, 40)
	var evs []journey.Event
	for _, s := range w.streams[:8] {
		evs = append(evs, s...)
	}
	serial := openLoaded()
	for _, x := range evs {
		track(t, serial, x)
	}
	conc := openLoaded()
	const workers = 8
	var mu sync.Mutex
	fresh := map[string]int{}
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for k := range evs {
				x := evs[(k*7+g*5)%len(evs)] // every worker tracks every event, in its own order
				tr, err := conc.Track(context.Background(), x)
				if err != nil {
					t.Errorf("Track %s: %v", x.ID, err)
					return
				}
				if !tr.Duplicate {
					mu.Lock()
					fresh[x.ID]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for _, x := range evs {
		if fresh[x.ID] != 1 {
			t.Errorf("event %s: %d answers that were not Duplicate, want 1", x.ID, fresh[x.ID])
		}
	}
	want, got := snapshotLive(t, serial), snapshotLive(t, conc)
	want.Feed, got.Feed = nil, nil // transitions depend on the order events came in
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("live state (-serial +concurrent):\n%s", diff)
	}
	checkFeedNetsMembers(t, conc, got.Members)
}

// checkFeedNetsMembers checks that the change feed's entries minus exits
// are 1 for each membership and 0 for everything else.
func checkFeedNetsMembers(t *testing.T, e *c360.Engine, members map[string][]customer.ID) {
	t.Helper()
	net := map[string]int{}
	for c, err := range e.Changes(t.Context(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		switch c.Kind {
		case c360.ChangeEntered:
			net[c.Segment+"/"+string(c.Profile)]++
		case c360.ChangeLeft:
			net[c.Segment+"/"+string(c.Profile)]--
		}
	}
	want := map[string]int{}
	for name, ids := range members {
		for _, id := range ids {
			want[name+"/"+string(id)] = 1
		}
	}
	for k, v := range net {
		if v == 0 {
			delete(net, k)
		}
	}
	if diff := cmp.Diff(want, net); diff != "" {
		t.Errorf("feed entries minus exits vs memberships (-members +feed):\n%s", diff)
	}
}

// TestTracksBesideUpsertsAndClose tracks from several goroutines while
// others upsert records of the same people (plain Updates beside the
// shared ones) and the engine is closed at the end: nothing hangs, every
// Track either succeeds or fails with ErrClosed after Close, and the feed's
// entries and exits add up to the memberships.
func TestTracksBesideUpsertsAndClose(t *testing.T) {
	w, openLoaded := newTrackWorld(t, 120)
	e := openLoaded()
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Go(func() {
			for i := g; i < len(w.streams); i += 3 {
				for _, x := range w.streams[i] {
					if _, err := e.Track(context.Background(), x); err != nil {
						t.Errorf("Track %s: %v", x.ID, err)
						return
					}
				}
			}
		})
	}
	wg.Go(func() {
		for _, r := range w.recs[:60] {
			r.Attributes = nil
			if _, err := e.Upsert(context.Background(), r); err != nil {
				t.Errorf("Upsert %s: %v", r.Key(), err)
				return
			}
		}
	})
	wg.Wait()
	checkFeedNetsMembers(t, e, snapshotLive(t, e).Members)

	// Close while Tracks run: each ends, with nil or ErrClosed.
	done := make(chan struct{})
	var cw sync.WaitGroup
	for g := range 2 {
		cw.Go(func() {
			for i := 0; ; i++ {
				x := journey.Event{ID: fmt.Sprintf("close-%d-%d", g, i), AnonymousID: "closer", Type: journey.TypeWebVisit,
					Channel: customer.ChannelWeb, Time: day0}
				if _, err := e.Track(context.Background(), x); err != nil {
					if !errors.Is(err, c360.ErrClosed) {
						t.Errorf("Track during Close: %v", err)
					}
					return
				}
			}
		})
	}
	go func() { cw.Wait(); close(done) }()
	time.Sleep(20 * time.Millisecond)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Tracks still running 30s after Close")
	}
}
