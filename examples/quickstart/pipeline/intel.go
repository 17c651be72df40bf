package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
)

// intelligence attaches customer and market intelligence to one customer of
// the 360 view (山田 太郎 and his company, 株式会社横浜ランナーズ), then pulls it back the
// way two colleagues would: a sales rep sees what is shared with sales, a
// service agent only what is shared org-wide or with service.
func intelligence(ctx context.Context, q *quickstart) error {
	q.heading("Intelligence linked to a customer")
	pid, err := q.profileOf(ctx, customer.Identifier{Scheme: "email", Value: "taro.yamada@example.jp"})
	if err != nil {
		return fmt.Errorf("intelligence: %w", err)
	}
	person, err := q.engine.Get(ctx, pid)
	if err != nil {
		return fmt.Errorf("intelligence: %w", err)
	}
	account, err := q.profileOf(ctx, customer.Identifier{Scheme: "corporate_number", Value: "3020001077090"})
	if err != nil {
		return fmt.Errorf("intelligence: %w", err)
	}
	// The engine's hub keeps items and subscriptions in the engine's store,
	// next to the profiles (durable on store/bolt and store/postgres).
	hub, err := q.engine.Intel(ctx)
	if err != nil {
		return fmt.Errorf("intelligence: %w", err)
	}
	rep := intel.Principal{ID: "sato", Teams: []intel.TeamID{"sales"}}
	agent := intel.Principal{ID: "suzuki", Teams: []intel.TeamID{"service"}}
	day := func(n int) time.Time { return q.now.AddDate(0, 0, -n) }
	items := []*intel.Item{
		{ID: "I-1", Kind: intel.KindCustomer, Category: intel.CategoryAccountActivity, Source: intel.SourceSalesServiceLog,
			Title: "横浜ランナーズが来期のユニフォーム一括購入を検討", Body: "代表取締役の山田様より、ＡＢＣ社製との比較資料を求められた。",
			Tags: []string{"商談"}, Links: intel.Links{Customers: []customer.ID{person.ID}, Accounts: []customer.ID{account}, Competitors: []string{"ABC Sports"}},
			Sentiment: 0.4, Confidence: 0.8, Author: rep.ID, CapturedAt: day(3),
			Visibility: intel.Visibility{Scope: intel.ScopeTeams, Teams: []intel.TeamID{"sales"}}},
		{ID: "I-2", Kind: intel.KindCustomer, Category: intel.CategorySatisfaction, Source: intel.SourceSurvey,
			Title: "NPS survey answer", Body: "Likes the fitting service; delivery was late once.",
			Links: intel.Links{Customers: []customer.ID{person.ID}}, Sentiment: 0.6, Confidence: 1, Author: agent.ID, CapturedAt: day(10),
			Survey:     &intel.SurveyAnswer{Metric: intel.MetricNPS, Score: 9, Segment: "法人", Respondent: person.ID},
			Visibility: intel.Visibility{Scope: intel.ScopeOrg}},
		{ID: "I-3", Kind: intel.KindMarket, Category: intel.CategoryCompetitorActivity, Source: intel.SourceCompetitiveAnalysis,
			Title: "ＡＢＣ Sports undercuts team-uniform prices in 神奈川", Body: "Quotes 15% below ours for orders over 100 pieces.",
			Links:     intel.Links{Accounts: []customer.ID{account}, Competitors: []string{"ＡＢＣ Sports"}},
			Sentiment: -0.5, Confidence: 0.6, Author: rep.ID, CapturedAt: day(1),
			Visibility: intel.Visibility{Scope: intel.ScopeOrg}},
	}
	for _, it := range items {
		if err := hub.Collect(ctx, intel.Principal{ID: it.Author}, it); err != nil {
			return fmt.Errorf("intelligence: %w", err)
		}
	}
	q.printf("Collected %d items about %s %s and account %s.\n", len(items), person.ID, person.DisplayName(), account)
	// Items keep the profile ID they were linked to; Intelligence reads
	// them through every ID merged into the profile, so they follow later
	// merges (and go back after an unmerge) without being rewritten — and
	// shows each colleague only what they may see.
	for _, who := range []intel.Principal{rep, agent} {
		items, err := q.engine.Intelligence(ctx, who, person.ID)
		if err != nil {
			return err
		}
		q.printf("%s (%s) sees %d item(s) linked to %s:\n", who.ID, who.Teams[0], len(items), person.ID)
		for _, it := range items {
			q.printf("  %s  %s  %s\n", it.ID, it.CapturedAt.Format("2006-01-02"), it.Title)
		}
	}
	// Full-width and half-width agree: "abc sports" finds ＡＢＣ Sports.
	res, err := hub.Search(ctx, rep, intel.Query{Text: "abc sports", Accounts: []customer.ID{account}})
	if err != nil {
		return err
	}
	q.printf("Search \"abc sports\" account:%s → %d hit(s):\n", account, res.Total)
	for _, h := range res.Hits {
		q.printf("  %s  %s\n", h.Item.ID, h.Title.Mark("[", "]"))
	}
	return nil
}
