package intel_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360/intel"
	"github.com/google/go-cmp/cmp"
)

func TestSubscriptionsExactlyOnce(t *testing.T) {
	ctx := t.Context()
	rec := &recorder{}
	h := newHub(t, intel.Config{Deliver: rec.deliver}, item("before", "price war", ""))
	bob := intel.Principal{ID: "bob", Teams: []intel.TeamID{"sales"}}
	if err := h.Subscribe(ctx, bob, intel.Subscription{ID: "prices", Query: intel.Query{Text: "price"}}); err != nil {
		t.Fatal(err)
	}
	if err := h.Subscribe(ctx, bob, intel.Subscription{ID: "prices"}); !errors.Is(err, intel.ErrConflict) {
		t.Errorf("duplicate subscription ID = %v, want ErrConflict", err)
	}
	hidden := item("hidden", "price secret", "")
	hidden.Visibility = intel.Visibility{Scope: intel.ScopeTeams, Teams: []intel.TeamID{"finance"}}
	for _, it := range []*intel.Item{item("a", "new price list", ""), item("b", "unrelated", ""), hidden} {
		if err := h.Collect(ctx, alice, it); err != nil {
			t.Fatal(err)
		}
	}
	// Updating a delivered item does not deliver it again; an item that
	// starts matching on update is delivered once.
	a, _ := h.Get(ctx, alice, "a")
	a.Body = "price list, revised"
	if err := h.Update(ctx, alice, a); err != nil {
		t.Fatal(err)
	}
	b, _ := h.Get(ctx, alice, "b")
	b.Title = "price of b"
	if err := h.Update(ctx, alice, b); err != nil {
		t.Fatal(err)
	}
	b.Body = "more"
	if err := h.Update(ctx, alice, b); err != nil {
		t.Fatal(err)
	}
	// A grant that makes the hidden item visible to bob delivers it then.
	if err := h.Grant(ctx, alice, "hidden", intel.Person("bob")); err != nil {
		t.Fatal(err)
	}
	want := []string{"prices/a", "prices/b", "prices/hidden"}
	if d := cmp.Diff(want, rec.pairs()); d != "" {
		t.Errorf("deliveries (-want +got):\n%s\n(items stored before Subscribe are not delivered; each matching item exactly once)", d)
	}
	if err := h.Unsubscribe(ctx, alice, "prices"); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("Unsubscribe by a non-owner = %v, want ErrNotFound", err)
	}
	if err := h.Unsubscribe(ctx, bob, "prices"); err != nil {
		t.Fatal(err)
	}
	if err := h.Collect(ctx, alice, item("c", "price", "")); err != nil {
		t.Fatal(err)
	}
	if got := len(rec.pairs()); got != 3 {
		t.Errorf("delivery after Unsubscribe: %d deliveries, want 3", got)
	}
}

func TestSubscriptionsConcurrentWriters(t *testing.T) {
	ctx := t.Context()
	rec := &recorder{}
	h := newHub(t, intel.Config{Deliver: rec.deliver})
	for i := range 3 {
		if err := h.Subscribe(ctx, alice, intel.Subscription{ID: intel.SubscriptionID(fmt.Sprint("s", i)), Query: intel.Query{Text: "shoe"}}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				id := intel.ID(fmt.Sprintf("w%d-%d", w, i))
				if err := h.Collect(ctx, alice, item(id, "shoe", "")); err != nil {
					t.Error(err)
					return
				}
				// Concurrent re-writes of the same item must not deliver twice.
				for range 2 {
					it, err := h.Get(ctx, alice, id)
					if err != nil {
						t.Error(err)
						return
					}
					it.Body = "again"
					_ = h.Update(ctx, alice, it)
				}
			}
		})
	}
	wg.Wait()
	got := rec.pairs()
	if len(got) != 3*40 {
		t.Errorf("got %d deliveries, want 120 (3 subscriptions × 40 items)", len(got))
	}
	seen := map[string]bool{}
	for _, p := range got {
		if seen[p] {
			t.Errorf("delivered twice: %s", p)
		}
		seen[p] = true
	}
}

func TestSubscriptionsRetry(t *testing.T) {
	ctx := t.Context()
	rec := &recorder{fail: true}
	h := newHub(t, intel.Config{Deliver: rec.deliver})
	if err := h.Subscribe(ctx, alice, intel.Subscription{ID: "s"}); err != nil {
		t.Fatal(err)
	}
	if err := h.Collect(ctx, alice, item("a", "x", "")); err != nil {
		t.Fatalf("Collect must succeed even when delivery fails: %v", err)
	}
	if n := pending(t, h); n != 1 {
		t.Fatalf("Pending = %d, want 1", n)
	}
	if err := h.Flush(ctx); !errors.Is(err, errFail) {
		t.Errorf("Flush while the host still fails = %v, want its error", err)
	}
	rec.mu.Lock()
	rec.fail = false
	rec.mu.Unlock()
	if err := h.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"s/a"}, rec.pairs()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if n := pending(t, h); n != 0 {
		t.Errorf("Pending = %d after a successful Flush", n)
	}
}

func TestDigest(t *testing.T) {
	week := intel.WeekStart(time.Date(2026, 3, 5, 15, 0, 0, 0, time.UTC))
	if want := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC); !week.Equal(want) {
		t.Fatalf("WeekStart = %v, want %v", week, want)
	}
	mk := func(id intel.ID, cat intel.Category, day int, vis intel.Visibility) *intel.Item {
		it := item(id, "t", "")
		it.Category = cat
		if k, _ := intel.NewTaxonomy().CategoryKind(cat); k == intel.KindCustomer {
			it.Kind, it.Source = intel.KindCustomer, intel.SourceSalesServiceLog
		}
		it.CapturedAt = week.AddDate(0, 0, day)
		it.Visibility = vis
		return it
	}
	org := intel.Visibility{Scope: intel.ScopeOrg}
	sales := intel.Visibility{Scope: intel.ScopeTeams, Teams: []intel.TeamID{"sales"}}
	private := intel.Visibility{}
	h := newHub(t, intel.Config{},
		mk("c1", intel.CategoryCompetitorActivity, 0, org),
		mk("c2", intel.CategoryCompetitorActivity, 3, sales),
		mk("s1", intel.CategoryServiceActivity, 6, org),
		mk("old", intel.CategoryServiceActivity, -1, org),
		mk("next", intel.CategoryServiceActivity, 7, org),
		mk("priv", intel.CategoryServiceActivity, 2, private),
	)
	d, err := h.Digest(t.Context(), alice, "sales", week)
	if err != nil {
		t.Fatal(err)
	}
	type sec struct {
		Category intel.Category
		IDs      []intel.ID
	}
	var got []sec
	for _, s := range d.Sections {
		got = append(got, sec{s.Category, ids(s.Items)})
	}
	want := []sec{
		{intel.CategoryCompetitorActivity, []intel.ID{"c2", "c1"}},
		{intel.CategoryServiceActivity, []intel.ID{"s1"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("digest (-want +got):\n%s\n(private items of the reader stay out of a team digest)", d)
	}
	if _, err := h.Digest(t.Context(), alice, "", week); !errors.Is(err, intel.ErrInvalid) {
		t.Errorf("Digest for no team = %v, want ErrInvalid", err)
	}
	d, err = h.Digest(t.Context(), alice, "service", week)
	if err != nil {
		t.Fatal(err)
	}
	if d.Total != 2 {
		t.Errorf("service team digest has %d items, want 2 (c1, s1)", d.Total)
	}
}

func pending(t *testing.T, h *intel.Hub) int {
	t.Helper()
	n, err := h.Pending(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestHubsShareSubscriptionState: two Hubs over one repository and one
// SubscriptionStore — a restarted process, or a second replica — see the
// same subscriptions and pending deliveries and never deliver a pair twice,
// whichever of them writes the item.
func TestHubsShareSubscriptionState(t *testing.T) {
	ctx := t.Context()
	repo, subs := new(intel.MemoryRepository), new(intel.MemorySubscriptions)
	rec := &recorder{fail: true}
	first := intel.New(repo, intel.Config{Deliver: rec.deliver, Subscriptions: subs})
	if err := first.Subscribe(ctx, alice, intel.Subscription{ID: "s", Query: intel.Query{Text: "price"}}); err != nil {
		t.Fatal(err)
	}
	if err := first.Collect(ctx, alice, item("a", "price list", "")); err != nil {
		t.Fatal(err)
	}
	second := intel.New(repo, intel.Config{Deliver: rec.deliver, Subscriptions: subs})
	got, err := second.Subscriptions(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "s" || got[0].Owner.ID != alice.ID {
		t.Errorf("the second Hub's Subscriptions = %+v, want s owned by alice", got)
	}
	if n := pending(t, second); n != 1 {
		t.Errorf("the second Hub's Pending = %d, want the first Hub's failed delivery", n)
	}
	rec.mu.Lock()
	rec.fail = false
	rec.mu.Unlock()
	// Writing a again through the second Hub does not deliver it again:
	// the pair was claimed by the first.
	if err := second.Load(ctx, nil); err != nil {
		t.Fatal(err)
	}
	a, err := second.Get(ctx, alice, "a")
	if err != nil {
		t.Fatal(err)
	}
	a.Body = "revised"
	if err := second.Update(ctx, alice, a); err != nil {
		t.Fatal(err)
	}
	if err := second.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := first.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := first.Collect(ctx, alice, item("b", "price cut", "")); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"s/a", "s/b"}, rec.pairs()); d != "" {
		t.Errorf("deliveries (-want +got):\n%s", d)
	}
	if d := rec.got[0].Item.Body; d != "revised" {
		t.Errorf("the retried delivery carries body %q, want the item as it is when retried", d)
	}
	if err := second.Unsubscribe(ctx, alice, "s"); err != nil {
		t.Fatal(err)
	}
	if err := first.Collect(ctx, alice, item("c", "price again", "")); err != nil {
		t.Fatal(err)
	}
	if len(rec.pairs()) != 2 {
		t.Errorf("a subscription removed through one Hub still delivers through the other: %v", rec.pairs())
	}
}
