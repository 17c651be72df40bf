package intel_test

import (
	"context"
	"fmt"
	"time"

	"github.com/c360/c360/intel"
)

// Collect two items and search them: full-width ＡＣＭＥ in the query finds
// ASCII Acme, and the Japanese query finds the word inside a sentence
// without spaces.
func ExampleHub_Search() {
	ctx := context.Background()
	hub := intel.New(new(intel.MemoryRepository), intel.Config{})
	kato := intel.Principal{ID: "kato", Teams: []intel.TeamID{"strategy"}}
	for _, it := range []*intel.Item{
		{ID: "1", Kind: intel.KindMarket, Category: intel.CategoryCompetitorActivity, Source: intel.SourceCompetitiveAnalysis,
			Title: "Acme cuts running-shoe prices", Body: "競合のアクメが首都圏で値下げを発表した。",
			CapturedAt: time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC), Visibility: intel.Visibility{Scope: intel.ScopeOrg}},
		{ID: "2", Kind: intel.KindMarket, Category: intel.CategoryTechnology, Source: intel.SourceConference,
			Title: "Gait analysis goes mainstream", Body: "Several vendors showed phone-based gait analysis.",
			CapturedAt: time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC), Visibility: intel.Visibility{Scope: intel.ScopeOrg}},
	} {
		if err := hub.Collect(ctx, kato, it); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, text := range []string{"ＡＣＭＥ", "値下げ", "gait kind:market"} {
		q, _ := intel.ParseQuery(text)
		res, err := hub.Search(ctx, kato, q)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, h := range res.Hits {
			fmt.Printf("%s → %s | %s\n", text, h.Title.Mark("[", "]"), h.Snippet.Mark("[", "]"))
		}
	}
	// Output:
	// ＡＣＭＥ → [Acme] cuts running-shoe prices | 競合のアクメが首都圏で値下げを発表した。
	// 値下げ → Acme cuts running-shoe prices | 競合のアクメが首都圏で[値下げ]を発表した。
	// gait kind:market → [Gait] analysis goes mainstream | Several vendors showed phone-based [gait] analysis.
}

// Access control: a private item is invisible to everyone but its author
// and grantees, on every read path.
func ExampleItem_VisibleTo() {
	it := &intel.Item{Author: "kato", Visibility: intel.Visibility{Scope: intel.ScopeTeams, Teams: []intel.TeamID{"strategy"}},
		Grants: []intel.Grantee{intel.RoleGrant("executive")}}
	for _, p := range []intel.Principal{
		{ID: "kato"},
		{ID: "ito", Teams: []intel.TeamID{"strategy"}},
		{ID: "tanaka", Roles: []intel.Role{"executive"}},
		{ID: "sato", Teams: []intel.TeamID{"sales"}},
	} {
		fmt.Println(p.ID, it.VisibleTo(p))
	}
	// Output:
	// kato true
	// ito true
	// tanaka true
	// sato false
}

func ExampleNPS() {
	r, err := intel.NPS([]int{10, 9, 9, 9, 10, 8, 7, 6, 3, 10, 9, 8}, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("n=%d promoters=%d passives=%d detractors=%d\n", r.N, r.Promoters, r.Passives, r.Detractors)
	fmt.Printf("NPS %+.1f, 95%% CI [%+.1f, %+.1f]\n", r.Score, r.Low, r.High)
	// Output:
	// n=12 promoters=7 passives=3 detractors=2
	// NPS +41.7, 95% CI [-1.3, +84.6]
}

func ExampleParseQuery() {
	q, err := intel.ParseQuery(`値上げ "price war" category:competitor_activity tag:pricing from:2026-01-01`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("text=%q categories=%v tags=%v from=%s\n", q.Text, q.Categories, q.Tags, q.From.Format("2006-01-02"))
	fmt.Println(q.String())
	_, err = intel.ParseQuery("colour:red")
	fmt.Println(err)
	// Output:
	// text="値上げ price war" categories=[competitor_activity] tags=[pricing] from=2026-01-01
	// "値上げ price war" category:competitor_activity tag:pricing from:2026-01-01T00:00:00Z
	// intel: query "colour:red" at 0: unknown field "colour"
}

func ExampleTracker() {
	ctx := context.Background()
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	tr := &intel.Tracker{Now: func() time.Time { return now }}
	_ = tr.PutDecision(ctx, intel.Decision{ID: "D-1", Question: "Match the price cut?", Options: []string{"yes", "no"},
		Choice: "no", Owner: "tanaka", Date: now.AddDate(0, 0, -30), Evidence: []intel.ID{"1"}})
	_ = tr.PutDecision(ctx, intel.Decision{ID: "D-2", Question: "Open a store in Umeda?", Choice: "later", Owner: "kato", Date: now.AddDate(0, 0, -7)})
	_ = tr.PutAction(ctx, intel.Action{ID: "A-1", Decision: "D-1", Title: "Free fitting campaign", Owner: "ops",
		Due: now.AddDate(0, 0, -3), Status: intel.ActionInProgress, KPI: "return rate"})
	overdue, err := tr.Overdue(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range overdue {
		fmt.Printf("overdue: %s %q by %v (KPI %s)\n", o.Action.ID, o.Action.Title, o.Late, o.Action.KPI)
	}
	without, err := tr.WithoutActions(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range without {
		fmt.Printf("no action: %s %q\n", d.ID, d.Question)
	}
	// Output:
	// overdue: A-1 "Free fitting campaign" by 72h0m0s (KPI return rate)
	// no action: D-2 "Open a store in Umeda?"
}
