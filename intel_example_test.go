package c360_test

import (
	"context"
	"fmt"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
)

// Intelligence is collected through the engine's hub and linked to profile
// IDs; Engine.Intelligence reads it through the profile's aliases, so an
// item linked to a profile that a merge absorbed is found through the
// survivor, and goes back after the unmerge.
func ExampleEngine_Intelligence() {
	ctx := context.Background()
	clock := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	e, err := c360.Open(ctx, c360.Config{Now: func() time.Time { clock = clock.Add(time.Second); return clock }})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	var ups []c360.Update
	for _, r := range []customer.SourceRecord{
		record("sales", "S-1", "山田", "太郎", "taro@example.jp", ""),
		record("service", "T-9", "", "", "", "090-1111-2222"),
	} {
		up, err := e.Upsert(ctx, r)
		if err != nil {
			fmt.Println(err)
			return
		}
		ups = append(ups, up)
	}
	taro, caller := ups[0].Profile, ups[1].Profile
	hub, err := e.Intel(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	rep := intel.Principal{ID: "sato", Teams: []intel.TeamID{"sales"}}
	for i, link := range []customer.ID{taro, caller} {
		err := hub.Collect(ctx, rep, &intel.Item{ID: intel.ID(fmt.Sprint("I-", i+1)), Kind: intel.KindCustomer,
			Category: intel.CategoryServiceActivity, Source: intel.SourceSalesServiceLog, Title: fmt.Sprint("note ", i+1),
			Links: intel.Links{Customers: []customer.ID{link}}, Confidence: 1, CapturedAt: clock.Add(time.Duration(i) * time.Hour),
			Visibility: intel.Visibility{Scope: intel.ScopeOrg}})
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	show := func(when string) {
		items, err := e.Intelligence(ctx, rep, taro)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Print(when, ":")
		for _, it := range items {
			fmt.Print(" ", it.ID)
		}
		fmt.Println()
	}
	show("before the merge")
	m, err := e.Upsert(ctx, record("webshop", "W-3", "山田", "太郎", "TARO@example.jp", "09011112222"))
	if err != nil {
		fmt.Println(err)
		return
	}
	show("after the merge")
	if _, err := e.Unmerge(ctx, m.Absorbed[0]); err != nil {
		fmt.Println(err)
		return
	}
	show("after the unmerge")
	// Output:
	// before the merge: I-1
	// after the merge: I-2 I-1
	// after the unmerge: I-1
}
