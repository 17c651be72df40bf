// Package inteltest checks that implementations of package intel's storage
// interfaces — [intel.Repository] (Run), [intel.SubscriptionStore]
// (RunSubscriptions) and [intel.DecisionStore] (RunDecisions) — behave as
// the interfaces document, in the way testing/fstest.TestFS checks an
// fs.FS.
//
// A host that stores intelligence items in its own database runs
//
//	func TestRepository(t *testing.T) {
//		inteltest.Run(t, func(t *testing.T) intel.Repository { return newEmptyRepo(t) })
//	}
//
// Each subtest gets a fresh, empty repository from newRepo. Failures name
// the rule that was broken. RunConfig takes a Config that says what a back
// end legitimately cannot do (TimePrecision for databases that round
// timestamps, UnorderedAll, NoConcurrency).
//
// [Item], [Subscription], [Decision] and [Action] build fully populated,
// valid values for tests of other packages.
package inteltest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
)

// Config declares what a repository under test legitimately cannot do, as
// customertest.Config and journeytest.Config do for their stores. The zero
// value asks for everything.
type Config struct {
	// TimePrecision is the resolution the back end keeps times at, such as
	// time.Microsecond for PostgreSQL; 0 means exact. Times are then
	// compared at that precision and as instants (the location is never
	// compared).
	TimePrecision time.Duration
	// UnorderedAll says All does not yield items in ascending ID order; the
	// suite then checks only the set of items. false: ID order is checked.
	UnorderedAll bool
	// NoConcurrency skips the concurrent-writers test (for back ends tested
	// through a single connection). false: the test runs.
	NoConcurrency bool
}

var base = time.Date(2026, 4, 1, 9, 30, 15, 123456789, time.UTC)

// Item returns a valid item with every field filled in, built
// deterministically from id and n, so that a copy that forgets a field
// shows up.
func Item(id intel.ID, n int) *intel.Item {
	return &intel.Item{
		ID:         id,
		Kind:       intel.KindMarket,
		Category:   intel.CategoryCompetitorActivity,
		Source:     intel.SourceIndustryReport,
		Title:      fmt.Sprintf("競合Ａ社が価格を改定 %d", n),
		Body:       fmt.Sprintf("ｶﾀｶﾅ and Latin text, item %d: Acme cut running-shoe prices by 10%%.", n),
		Tags:       []string{"pricing", "ランニング"},
		Links:      intel.Links{Customers: []customer.ID{"C-1", customer.ID(fmt.Sprintf("C-%d", n+2))}, Accounts: []customer.ID{"A-9"}, Competitors: []string{"Acme", "株式会社ベータ"}},
		Sentiment:  -0.25,
		Confidence: 0.75,
		Author:     "alice",
		CapturedAt: base.Add(time.Duration(n) * time.Hour).In(time.FixedZone("JST", 9*3600)),
		References: []intel.Reference{{Title: "report", URL: "https://example.com/r?id=1"}, {Document: "DOC-7"}},
		Survey:     &intel.SurveyAnswer{Metric: intel.MetricNPS, Score: n % 11, Segment: "gold", Respondent: "C-1"},
		Visibility: intel.Visibility{Scope: intel.ScopeTeams, Teams: []intel.TeamID{"sales", "marketing"}, People: []intel.PrincipalID{"bob"}},
		Grants:     []intel.Grantee{intel.Person("carol"), intel.Team("finance"), intel.RoleGrant("executive")},
	}
}

// Run runs the conformance suite against fresh repositories from newRepo,
// with the zero Config.
func Run(t *testing.T, newRepo func(t *testing.T) intel.Repository) {
	t.Helper()
	RunConfig(t, newRepo, Config{})
}

// RunConfig is Run with what the back end cannot do declared in cfg.
func RunConfig(t *testing.T, newRepo func(t *testing.T) intel.Repository, cfg Config) {
	t.Helper()
	s := suite{o: cfg, newRepo: newRepo}
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, r intel.Repository)
	}{
		{"GetMissing", s.getMissing},
		{"PutGetRoundTrip", s.roundTrip},
		{"ZeroOptionalFields", s.zeroOptional},
		{"Versioning", s.versioning},
		{"CopiesInAndOut", s.copies},
		{"Delete", s.delete},
		{"AllOrderAndContent", s.all},
		{"AllEarlyBreak", s.allBreak},
		{"CancelledContext", s.cancelled},
		{"ConcurrentWriters", s.concurrent},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newRepo(t)) })
	}
}

type suite struct {
	o       Config
	newRepo func(t *testing.T) intel.Repository
}

func (s suite) put(t *testing.T, r intel.Repository, it *intel.Item) int64 {
	t.Helper()
	v, err := r.Put(t.Context(), it)
	if err != nil {
		t.Fatalf("Put(%q, version %d): %v", it.ID, it.Version, err)
	}
	return v
}

func (s suite) getMissing(t *testing.T, r intel.Repository) {
	if _, err := r.Get(t.Context(), "missing"); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("rule: Get of a missing ID returns ErrNotFound; got %v", err)
	}
}

func (s suite) roundTrip(t *testing.T, r intel.Repository) {
	want := Item("テスト-1", 3)
	v := s.put(t, r, want)
	if v != 1 {
		t.Errorf("rule: the first Put returns version 1; got %d", v)
	}
	got, err := r.Get(t.Context(), want.ID)
	if err != nil {
		t.Fatalf("Get after Put: %v", err)
	}
	want.Version = 1
	if d := s.diff(want, got); d != "" {
		t.Errorf("rule: Get returns what Put stored, with the new version:\n%s", d)
	}
}

func (s suite) zeroOptional(t *testing.T, r intel.Repository) {
	want := &intel.Item{ID: "min", Kind: intel.KindCustomer, Category: intel.CategoryProspect,
		Source: intel.SourceMarketingLog, Title: "t", Author: "a", CapturedAt: base}
	s.put(t, r, want)
	got, err := r.Get(t.Context(), "min")
	if err != nil {
		t.Fatal(err)
	}
	want.Version = 1
	if d := s.diff(want, got); d != "" {
		t.Errorf("rule: an item with only required fields round-trips (nil Survey stays nil):\n%s", d)
	}
}

func (s suite) versioning(t *testing.T, r intel.Repository) {
	ctx := t.Context()
	it := Item("v", 1)
	s.put(t, r, it)
	again := Item("v", 2)
	if _, err := r.Put(ctx, again); !errors.Is(err, intel.ErrConflict) {
		t.Errorf("rule: Put with version 0 over an existing item returns ErrConflict; got %v", err)
	}
	upd := Item("v", 5)
	upd.Version = 1
	if v := s.put(t, r, upd); v != 2 {
		t.Errorf("rule: Put at the stored version returns stored+1 = 2; got %d", v)
	}
	stale := Item("v", 9)
	stale.Version = 1
	if _, err := r.Put(ctx, stale); !errors.Is(err, intel.ErrConflict) {
		t.Errorf("rule: Put with a stale version returns ErrConflict; got %v", err)
	}
	ahead := Item("v", 9)
	ahead.Version = 7
	if _, err := r.Put(ctx, ahead); !errors.Is(err, intel.ErrConflict) {
		t.Errorf("rule: Put with a version ahead of the stored one returns ErrConflict; got %v", err)
	}
	got, err := r.Get(ctx, "v")
	if err != nil {
		t.Fatal(err)
	}
	upd.Version = 2
	if d := s.diff(upd, got); d != "" {
		t.Errorf("rule: a rejected Put changes nothing:\n%s", d)
	}
}

func (s suite) copies(t *testing.T, r intel.Repository) {
	ctx := t.Context()
	it := Item("c", 1)
	s.put(t, r, it)
	want := Item("c", 1)
	want.Version = 1
	// Mutate the caller's item after Put.
	it.Title = "changed"
	it.Tags[0] = "changed"
	it.Links.Customers[0] = "changed"
	it.Survey.Score = 0
	it.Visibility.Teams[0] = "changed"
	it.Grants[0].ID = "changed"
	it.References[0].URL = "changed"
	got, err := r.Get(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if d := s.diff(want, got); d != "" {
		t.Errorf("rule: Put copies its input (changing the caller's item afterwards changes nothing stored):\n%s", d)
	}
	got.Tags[1] = "changed"
	got.Links.Competitors[0] = "changed"
	got.Survey.Segment = "changed"
	got.Visibility.People[0] = "changed"
	again, err := r.Get(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if d := s.diff(want, again); d != "" {
		t.Errorf("rule: Get returns a copy (changing it changes nothing stored):\n%s", d)
	}
	for got, err := range r.All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got.Tags[0] = "changed-by-all"
	}
	again, err = r.Get(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if d := s.diff(want, again); d != "" {
		t.Errorf("rule: All yields copies:\n%s", d)
	}
}

func (s suite) delete(t *testing.T, r intel.Repository) {
	ctx := t.Context()
	s.put(t, r, Item("d", 1))
	if err := r.Delete(ctx, "d"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := r.Get(ctx, "d"); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("rule: Get after Delete returns ErrNotFound; got %v", err)
	}
	if err := r.Delete(ctx, "d"); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("rule: Delete of a missing ID returns ErrNotFound; got %v", err)
	}
	if v := s.put(t, r, Item("d", 2)); v != 1 {
		t.Errorf("rule: after Delete the ID is new again (Put at version 0 returns 1); got %d", v)
	}
}

func (s suite) all(t *testing.T, r intel.Repository) {
	ctx := t.Context()
	for _, err := range r.All(ctx) {
		if err != nil {
			t.Fatalf("All on an empty repository: %v", err)
		}
		t.Fatal("rule: All on an empty repository yields nothing")
	}
	ids := []intel.ID{"b", "a", "日本", "Z", "a-2", "ｶﾅ", "10", "9"}
	for i, id := range ids {
		s.put(t, r, Item(id, i))
	}
	var got []intel.ID
	for it, err := range r.All(ctx) {
		if err != nil {
			t.Fatalf("All: %v", err)
		}
		if it == nil {
			t.Fatal("rule: All never yields a nil item with a nil error")
		}
		want := Item(it.ID, slices.Index(ids, it.ID))
		want.Version = 1
		if d := s.diff(want, it); d != "" {
			t.Errorf("rule: All yields the stored items:\n%s", d)
		}
		got = append(got, it.ID)
	}
	want := slices.Clone(ids)
	slices.Sort(want)
	if s.o.UnorderedAll {
		slices.Sort(got)
	}
	if !slices.Equal(want, got) {
		t.Errorf("rule: All yields every item once, in ascending byte-wise ID order\nwant %q\ngot  %q", want, got)
	}
}

func (s suite) allBreak(t *testing.T, r intel.Repository) {
	ctx := t.Context()
	for i := range 5 {
		s.put(t, r, Item(intel.ID(fmt.Sprintf("i%d", i)), i))
	}
	n := 0
	for _, err := range r.All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 2 {
			break
		}
	}
	// The repository must still work: no lock held after an early break.
	done := make(chan error, 1)
	go func() {
		_, err := r.Put(ctx, Item("after-break", 1))
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Put after an early break: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("rule: breaking out of All releases every lock (Put blocked)")
	}
}

func (s suite) cancelled(t *testing.T, r intel.Repository) {
	s.put(t, r, Item("x", 1))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := r.Get(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("rule: Get with a cancelled context returns its error; got %v", err)
	}
	if _, err := r.Put(ctx, Item("y", 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("rule: Put with a cancelled context returns its error; got %v", err)
	}
	if err := r.Delete(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("rule: Delete with a cancelled context returns its error; got %v", err)
	}
	var last error
	for _, err := range r.All(ctx) {
		last = err
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("rule: All with a cancelled context ends with its error; got %v", last)
	}
	if _, err := r.Get(t.Context(), "x"); err != nil {
		t.Errorf("rule: a cancelled Delete deletes nothing; Get: %v", err)
	}
}

func (s suite) concurrent(t *testing.T, r intel.Repository) {
	if s.o.NoConcurrency {
		t.Skip("back end declared Config.NoConcurrency")
	}
	ctx := t.Context()
	s.put(t, r, Item("shared", 0))
	const writers, rounds = 8, 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for w := range writers {
		wg.Go(func() {
			for i := range rounds {
				own := Item(intel.ID(fmt.Sprintf("w%d-%d", w, i)), i)
				if _, err := r.Put(ctx, own); err != nil {
					t.Errorf("Put of a distinct item: %v", err)
				}
				cur, err := r.Get(ctx, "shared")
				if err != nil {
					t.Errorf("Get: %v", err)
					continue
				}
				cur.Body = fmt.Sprintf("writer %d round %d", w, i)
				if _, err := r.Put(ctx, cur); err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else if !errors.Is(err, intel.ErrConflict) {
					t.Errorf("Put of the shared item: %v", err)
				}
				for _, err := range r.All(ctx) {
					if err != nil {
						t.Errorf("All: %v", err)
					}
				}
			}
		})
	}
	wg.Wait()
	got, err := r.Get(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != int64(wins)+1 {
		t.Errorf("rule: every successful Put bumps the version exactly once (lost update?): version %d after %d successful updates", got.Version, wins)
	}
	n := 0
	for _, err := range r.All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if want := writers*rounds + 1; n != want {
		t.Errorf("rule: concurrent Puts of distinct items all land: All yields %d, want %d", n, want)
	}
}
