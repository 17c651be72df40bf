package c360test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
	"github.com/c360/c360/intel/inteltest"
	"github.com/google/go-cmp/cmp"
)

// intelSuites runs the inteltest suites on the engine's intelligence over
// the store (c360.IntelStore).
func intelSuites(t *testing.T, newStore func(t *testing.T) c360.Store) {
	open := func(t *testing.T) *c360.IntelStore {
		s := newStore(t)
		t.Cleanup(func() { s.Close() })
		return c360.NewIntelStore(s)
	}
	t.Run("Repository", func(t *testing.T) {
		inteltest.Run(t, func(t *testing.T) intel.Repository { return open(t) })
	})
	t.Run("Subscriptions", func(t *testing.T) {
		inteltest.RunSubscriptions(t, func(t *testing.T) intel.SubscriptionStore { return open(t) }, inteltest.Config{})
	})
	t.Run("Decisions", func(t *testing.T) {
		inteltest.RunDecisions(t, func(t *testing.T) intel.DecisionStore { return open(t) }, inteltest.Config{})
	})
}

// deliveries records what a Hub delivers, failing the subscriptions named
// in fail.
type deliveries struct {
	mu   sync.Mutex
	got  []string
	fail map[intel.SubscriptionID]bool
}

var errDeliver = errors.New("c360test: delivery refused")

func (d *deliveries) deliver(_ context.Context, x intel.Delivery) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail[x.Subscription.ID] {
		return errDeliver
	}
	d.got = append(d.got, string(x.Subscription.ID)+"/"+string(x.Item.ID))
	return nil
}

func (d *deliveries) list() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Sorted(slices.Values(d.got))
}

var (
	analyst = intel.Principal{ID: "sato", Teams: []intel.TeamID{"sales"}}
	other   = intel.Principal{ID: "kato", Teams: []intel.TeamID{"finance"}}
)

func intelItem(id intel.ID, title string, n int, links intel.Links, by intel.Principal, vis intel.Scope) *intel.Item {
	v := intel.Visibility{Scope: vis}
	if vis == intel.ScopeTeams {
		v.Teams = by.Teams
	}
	return &intel.Item{ID: id, Kind: intel.KindCustomer, Category: intel.CategoryAccountActivity, Source: intel.SourceSalesServiceLog,
		Title: title, Links: links, Confidence: 1, Author: by.ID, CapturedAt: at.Add(time.Duration(n) * time.Hour), Visibility: v}
}

func itemIDs(items []*intel.Item) []intel.ID {
	var out []intel.ID
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

// intelLinks checks Engine.Intelligence: the items a principal may see,
// linked to a profile or to a profile merged into it, follow a merge and
// an unmerge without any item being rewritten.
func intelLinks(t *testing.T, s c360.Store) {
	ctx := t.Context()
	e, err := c360.Open(ctx, c360.Config{Store: s, Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	up := func(r customer.SourceRecord) c360.Update {
		u, err := e.Upsert(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	a := up(person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")).Profile
	bb := person("service", "V-2", "", "", "", "090-1111-2222")
	bb.Name.Latin = "Taro Yamada"
	b := up(bb).Profile
	hub, err := e.Intel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range []*intel.Item{
		intelItem("I-a", "asks for a quote", 1, intel.Links{Customers: []customer.ID{a}}, analyst, intel.ScopeOrg),
		intelItem("I-b", "called the service desk", 2, intel.Links{Accounts: []customer.ID{b}}, analyst, intel.ScopeTeams),
		intelItem("I-hidden", "finance note", 3, intel.Links{Customers: []customer.ID{b}}, other, intel.ScopeTeams),
		intelItem("I-none", "market note", 4, intel.Links{Competitors: []string{"Acme"}}, analyst, intel.ScopeOrg),
	} {
		if err := hub.Collect(ctx, intel.Principal{ID: it.Author, Teams: []intel.TeamID{"sales"}}, it); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string, id customer.ID, want ...intel.ID) {
		t.Helper()
		got, err := e.Intelligence(ctx, analyst, id)
		if err != nil {
			t.Fatalf("%s: Intelligence(%s): %v", when, id, err)
		}
		if d := cmp.Diff(want, itemIDs(got)); d != "" {
			t.Errorf("%s: Intelligence(%s) (-want +got):\n%s", when, id, d)
		}
	}
	check("before the merge", a, "I-a")
	check("before the merge", b, "I-b")
	m := up(person("webshop", "W-3", "山田", "太郎", "taro@example.jp", "09011112222"))
	if m.Outcome != c360.Merged {
		t.Fatalf("bridge record: %+v, want a merge", m)
	}
	surv, absorbed := m.Profile, a
	if surv == a {
		absorbed = b
	}
	check("after the merge", surv, "I-b", "I-a") // newest first
	check("after the merge, by the absorbed ID", absorbed, "I-b", "I-a")
	if _, err := e.Unmerge(ctx, absorbed); err != nil {
		t.Fatal(err)
	}
	check("after the unmerge", a, "I-a")
	check("after the unmerge", b, "I-b")
	if _, err := e.Intelligence(ctx, intel.Principal{}, a); !errors.Is(err, intel.ErrNoPrincipal) {
		t.Errorf("Intelligence without a principal = %v, want intel.ErrNoPrincipal", err)
	}
	if _, err := e.Intelligence(ctx, analyst, "P-nobody"); !errors.Is(err, c360.ErrNotFound) {
		t.Errorf("Intelligence of an unknown profile = %v, want ErrNotFound", err)
	}
	// Links that change move the item in the index.
	it, err := hub.Get(ctx, analyst, "I-a")
	if err != nil {
		t.Fatal(err)
	}
	it.Links.Customers = []customer.ID{b}
	if err := hub.Update(ctx, analyst, it); err != nil {
		t.Fatal(err)
	}
	check("after relinking I-a", a)
	check("after relinking I-a", b, "I-b", "I-a")
	if err := hub.Delete(ctx, analyst, "I-b"); err != nil {
		t.Fatal(err)
	}
	check("after deleting I-b", b, "I-a")
}

// intelState is what a restarted engine must answer as before.
type intelState struct {
	Subscriptions []intel.Subscription
	Pending       int
	Decision      intel.Decision
	Actions       []intel.Action
	Without       []intel.DecisionID
	Search        []intel.ID
}

func readIntelState(t *testing.T, e *c360.Engine) intelState {
	t.Helper()
	ctx := t.Context()
	hub, err := e.Intel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var st intelState
	if st.Subscriptions, err = hub.Subscriptions(ctx, analyst); err != nil {
		t.Fatal(err)
	}
	if st.Pending, err = hub.Pending(ctx); err != nil {
		t.Fatal(err)
	}
	tr := e.Tracker()
	if st.Decision, err = tr.Decision(ctx, "D-1"); err != nil {
		t.Fatal(err)
	}
	if st.Actions, err = tr.Actions(ctx, "D-1"); err != nil {
		t.Fatal(err)
	}
	without, err := tr.WithoutActions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range without {
		st.Without = append(st.Without, d.ID)
	}
	res, err := hub.Search(ctx, analyst, intel.Query{Text: "quote"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		st.Search = append(st.Search, h.Item.ID)
	}
	return st
}

// intelRestart: subscriptions, the delivered set, pending deliveries,
// decisions and actions survive a restart; the restarted engine delivers
// what was pending, once, and nothing delivered before.
func intelRestart(t *testing.T, newStore func(t *testing.T) c360.Store, reopen func(t *testing.T, s c360.Store) c360.Store) {
	ctx := t.Context()
	s := newStore(t)
	rec := &deliveries{fail: map[intel.SubscriptionID]bool{"fails": true}}
	cfg := c360.Config{Store: s, Now: clock(), Intel: intel.Config{Deliver: rec.deliver}}
	e, err := c360.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	hub, err := e.Intel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []intel.Subscription{
		{ID: "quotes", Name: "見積", Query: intel.Query{Text: "quote", Kinds: []intel.Kind{intel.KindCustomer}}},
		{ID: "fails", Query: intel.Query{Categories: []intel.Category{intel.CategoryAccountActivity}, From: at.In(time.FixedZone("JST", 9*3600))}},
	} {
		if err := hub.Subscribe(ctx, analyst, sub); err != nil {
			t.Fatal(err)
		}
	}
	if err := hub.Collect(ctx, analyst, intelItem("I-1", "asks for a quote", 1, intel.Links{}, analyst, intel.ScopeOrg)); err != nil {
		t.Fatal(err)
	}
	tr := e.Tracker()
	if err := tr.PutDecision(ctx, intel.Decision{ID: "D-1", Question: "Offer a discount?", Options: []string{"yes", "no"}, Choice: "no",
		Evidence: []intel.ID{"I-1"}, Owner: analyst.ID, Date: at}); err != nil {
		t.Fatal(err)
	}
	if err := tr.PutDecision(ctx, intel.Decision{ID: "D-2", Question: "Call back?", Choice: "yes", Owner: analyst.ID, Date: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := tr.PutAction(ctx, intel.Action{ID: "A-1", Decision: "D-1", Title: "send the price list", Owner: "ops", Due: at.AddDate(0, 0, 3), KPI: "win rate"}); err != nil {
		t.Fatal(err)
	}
	before := readIntelState(t, e)
	if before.Pending != 1 || len(before.Subscriptions) != 2 {
		t.Fatalf("before the restart: %d pending, %d subscriptions; want 1 and 2", before.Pending, len(before.Subscriptions))
	}
	if d := cmp.Diff([]string{"quotes/I-1"}, rec.list()); d != "" {
		t.Fatalf("deliveries before the restart (-want +got):\n%s", d)
	}
	e.Close()

	s = reopen(t, s)
	defer s.Close()
	rec2 := &deliveries{}
	cfg.Store, cfg.Intel.Deliver = s, rec2.deliver
	e, err = c360.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	after := readIntelState(t, e)
	if d := cmp.Diff(before, after, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); d != "" {
		t.Errorf("the restarted engine answers differently (-before +after):\n%s", d)
	}
	hub, err = e.Intel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	it, err := hub.Get(ctx, analyst, "I-1")
	if err != nil {
		t.Fatal(err)
	}
	it.Body = "again, with a new quote"
	if err := hub.Update(ctx, analyst, it); err != nil {
		t.Fatal(err)
	}
	if got := rec2.list(); len(got) != 0 {
		t.Errorf("the restarted engine delivered again what was delivered or pending before: %v", got)
	}
	if err := hub.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := hub.Collect(ctx, analyst, intelItem("I-2", "another quote", 2, intel.Links{}, analyst, intel.ScopeOrg)); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"fails/I-1", "fails/I-2", "quotes/I-2"}, rec2.list()); d != "" {
		t.Errorf("deliveries after the restart (-want +got):\n%s\n(the pending one once, new items once, nothing again)", d)
	}
	if n, err := hub.Pending(ctx); n != 0 || err != nil {
		t.Errorf("Pending after Flush = %d, %v", n, err)
	}
}
