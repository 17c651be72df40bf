package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/intel"
	gocmp "github.com/google/go-cmp/cmp"
)

// TestIntelDeliversOnceAcrossEngines has two Engines on one database (two
// pools, as two processes would have) collect and update the same matching
// items from many goroutines at once: the subscription, made through one
// engine, is seen by both, and each item is delivered exactly once in
// all.
func TestIntelDeliversOnceAcrossEngines(t *testing.T) {
	db := freshDB(t, testPool(t))
	ctx := context.Background()
	var mu sync.Mutex
	var got []string
	deliver := func(_ context.Context, d intel.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, string(d.Subscription.ID)+"/"+string(d.Item.ID))
		return nil
	}
	cfg := c360.Config{Intel: intel.Config{Deliver: deliver}}
	cfgA, cfgB := cfg, cfg
	cfgA.Store, cfgB.Store = db.Engine(), reopen(t, db).Engine()
	var hubs []*intel.Hub
	for _, c := range []c360.Config{cfgA, cfgB} {
		h, err := openEngine(t, c).Intel(ctx)
		if err != nil {
			t.Fatal(err)
		}
		hubs = append(hubs, h)
	}
	p := intel.Principal{ID: "sato", Teams: []intel.TeamID{"sales"}}
	if err := hubs[0].Subscribe(ctx, p, intel.Subscription{ID: "quotes", Query: intel.Query{Text: "quote"}}); err != nil {
		t.Fatal(err)
	}
	const items, perHub = 5, 4
	item := func(i int) *intel.Item {
		return &intel.Item{ID: intel.ID(fmt.Sprint("I-", i)), Kind: intel.KindCustomer, Category: intel.CategoryAccountActivity,
			Source: intel.SourceSalesServiceLog, Title: fmt.Sprintf("asks for a quote %d", i), Confidence: 1, Author: p.ID,
			CapturedAt: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC), Visibility: intel.Visibility{Scope: intel.ScopeOrg}}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*perHub*items*2)
	start := make(chan struct{})
	for _, h := range hubs {
		for w := range perHub {
			wg.Go(func() {
				<-start
				for i := range items {
					// Every goroutine collects the same item; one wins.
					if err := h.Collect(ctx, p, item(i)); err != nil && !errors.Is(err, intel.ErrConflict) {
						errs <- err
						return
					}
					it, err := h.Get(ctx, p, item(i).ID)
					if err != nil {
						errs <- err
						return
					}
					it.Body = fmt.Sprintf("updated by worker %d, another quote", w)
					if err := h.Update(ctx, p, it); err != nil && !errors.Is(err, intel.ErrConflict) {
						errs <- err
						return
					}
				}
			})
		}
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var want []string
	for i := range items {
		want = append(want, fmt.Sprint("quotes/I-", i))
	}
	slices.Sort(got)
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("deliveries across two engines (-want +got):\n%s\n(each item exactly once)", d)
	}
	for i, h := range hubs {
		if n, err := h.Pending(ctx); n != 0 || err != nil {
			t.Errorf("engine %d: Pending = %d, %v", i, n, err)
		}
	}
}
