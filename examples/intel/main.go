// Command intel walks through the three activities of a customer- and
// market-driven company with package intel, for a fictional sporting-goods
// chain:
//
//  1. Collect: sales, service, marketing and the competitive-analysis team
//     record customer and market intelligence, each item with its audience.
//  2. Analyse and share: a subscription pushes new competitor news to the
//     head of marketing; colleagues search (Japanese and Latin text, with
//     filters); each team gets a weekly digest; NPS by segment, competitor
//     activity and market-change alerts are computed over what each reader
//     may see, with small groups suppressed.
//  3. Decide and act: a decision cites its evidence, actions carry owners,
//     due dates and KPIs, and the execution report lists what is overdue
//     and what was decided but never acted on.
//
// Run it with
//
//	go run ./examples/intel
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "intel:", err)
		os.Exit(1)
	}
}

var jst = time.FixedZone("JST", 9*3600)

// People of the chain.
var (
	sato   = intel.Principal{ID: "sato", Teams: []intel.TeamID{"sales"}}
	suzuki = intel.Principal{ID: "suzuki", Teams: []intel.TeamID{"service"}}
	tanaka = intel.Principal{ID: "tanaka", Teams: []intel.TeamID{"marketing"}, Roles: []intel.Role{"executive"}}
	kato   = intel.Principal{ID: "kato", Teams: []intel.TeamID{"strategy"}}
)

func run(ctx context.Context, w io.Writer) error {
	now := time.Date(2026, 3, 13, 18, 0, 0, 0, jst) // Friday evening
	week := intel.WeekStart(now)
	hub := intel.New(new(intel.MemoryRepository), intel.Config{
		Now: func() time.Time { return now },
		Deliver: func(_ context.Context, d intel.Delivery) error {
			fmt.Fprintf(w, "  → push to %s (%s): %s\n", d.Subscription.Owner.ID, d.Subscription.Name, d.Item.Title)
			return nil
		},
		MinGroupSize: 5,
	})

	// --- 2a. Subscriptions are set up before the news arrives.
	q, err := intel.ParseQuery("kind:market competitor:acme")
	if err != nil {
		return err
	}
	if err := hub.Subscribe(ctx, tanaka, intel.Subscription{ID: "acme-watch", Name: "Acme watch", Query: q}); err != nil {
		return err
	}

	// --- 1. Collect.
	fmt.Fprintln(w, "== 1. Collect ==")
	org := intel.Visibility{Scope: intel.ScopeOrg}
	at := func(day, hour int) time.Time { return week.AddDate(0, 0, day).Add(time.Duration(hour) * time.Hour) }
	items := []*intel.Item{
		{ID: "M-0", Kind: intel.KindMarket, Category: intel.CategoryCompetitorActivity, Source: intel.SourceCompetitiveAnalysis,
			Title: "Acme loyalty programme relaunched", Links: intel.Links{Competitors: []string{"Acme"}},
			Sentiment: -0.1, Confidence: 0.8, Author: kato.ID, CapturedAt: at(-20, 10), Visibility: org},
		{ID: "M-4", Kind: intel.KindMarket, Category: intel.CategoryCompetitorActivity, Source: intel.SourceCompetitiveAnalysis,
			Title: "Acme opens a flagship store in 大阪・梅田", Body: "Press release: 3 floors, running lab with gait analysis.",
			Links: intel.Links{Competitors: []string{"Acme"}}, Sentiment: -0.4, Confidence: 1, Author: kato.ID, CapturedAt: at(3, 9),
			Visibility: org, References: []intel.Reference{{Title: "press release", URL: "https://acme.example/press/umeda"}}},
		{ID: "M-1", Kind: intel.KindMarket, Category: intel.CategoryCompetitorActivity, Source: intel.SourceCompetitiveAnalysis,
			Title: "ｱｸﾒが ランニングシューズを20%値下げ", Body: "首都圏の全店舗で、主力モデルを来週から値下げ。Acme also cut prices online.",
			Tags: []string{"pricing", "running"}, Links: intel.Links{Competitors: []string{"Acme"}},
			Sentiment: -0.6, Confidence: 0.9, Author: kato.ID, CapturedAt: at(0, 10), Visibility: org,
			References: []intel.Reference{{Title: "店頭チラシ", Document: "DOC-2026-031"}}},
		{ID: "M-2", Kind: intel.KindMarket, Category: intel.CategoryNewCompetitor, Source: intel.SourceIndustryReport,
			Title: "New D2C brand Swiftfoot enters the Japanese running market", Body: "Online only, subscription model for running shoes.",
			Tags: []string{"running"}, Links: intel.Links{Competitors: []string{"Swiftfoot"}},
			Sentiment: -0.3, Confidence: 0.7, Author: kato.ID, CapturedAt: at(1, 9), Visibility: org},
		{ID: "M-3", Kind: intel.KindMarket, Category: intel.CategoryCompetitorActivity, Source: intel.SourcePartnerMeeting,
			Title: "Acme negotiates exclusive supply with our main shoe supplier", Body: "Heard at the supplier meeting; not confirmed.",
			Links: intel.Links{Competitors: []string{"ACME"}}, Sentiment: -0.8, Confidence: 0.4, Author: kato.ID, CapturedAt: at(2, 15),
			Visibility: intel.Visibility{Scope: intel.ScopeTeams, Teams: []intel.TeamID{"strategy"}},
			Grants:     []intel.Grantee{intel.RoleGrant("executive")}},
		{ID: "C-1", Kind: intel.KindCustomer, Category: intel.CategoryServiceActivity, Source: intel.SourceSalesServiceLog,
			Title: "返品理由: サイズが合わない（ランニングシューズ）", Body: "今週の返品の3割がサイズ違い。フィッティング案内の改善が必要。",
			Tags: []string{"returns", "running"}, Sentiment: -0.4, Confidence: 0.8, Author: suzuki.ID, CapturedAt: at(2, 11), Visibility: org},
		{ID: "C-2", Kind: intel.KindCustomer, Category: intel.CategoryAccountActivity, Source: intel.SourceSalesServiceLog,
			Title: "Yokohama Runners club asks for a team discount", Body: "They compare our quote with Acme's new prices.",
			Links:     intel.Links{Accounts: []customer.ID{"C001"}, Competitors: []string{"Acme"}},
			Sentiment: -0.2, Confidence: 0.9, Author: sato.ID, CapturedAt: at(3, 14),
			Visibility: intel.Visibility{Scope: intel.ScopeTeams, Teams: []intel.TeamID{"sales"}}},
	}
	// Survey answers from the web shop's post-purchase survey.
	scores := map[string][]int{"gold": {10, 9, 9, 8, 10, 6}, "regular": {7, 6, 9, 3, 8, 5, 10}, "new": {9, 4}}
	for _, seg := range []string{"gold", "regular", "new"} {
		for i, s := range scores[seg] {
			items = append(items, &intel.Item{
				ID: intel.ID(fmt.Sprintf("S-%s-%d", seg, i)), Kind: intel.KindCustomer, Category: intel.CategorySatisfaction,
				Source: intel.SourceSurvey, Title: "Post-purchase survey", Author: "webshop", CapturedAt: at(i%5, 12),
				Confidence: 1, Visibility: org,
				Survey: &intel.SurveyAnswer{Metric: intel.MetricNPS, Score: s, Segment: seg, Respondent: customer.ID(fmt.Sprintf("W%d", i))},
			})
		}
	}
	for _, it := range items {
		if err := hub.Collect(ctx, intel.Principal{ID: it.Author}, it); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "collected %d items\n", len(items))
	bad := &intel.Item{ID: "X-1", Kind: intel.KindCustomer, Category: intel.CategoryTechnology, Title: "", Sentiment: 3}
	if err := hub.Collect(ctx, sato, bad); err != nil {
		fmt.Fprintf(w, "rejected X-1 with %d problems, e.g. %v\n", strings.Count(err.Error(), "\n\t* "), firstLine(err))
	}

	// --- 2. Analyse and share.
	fmt.Fprintln(w, "\n== 2. Share: search ==")
	for _, s := range []struct {
		who   intel.Principal
		query string
	}{
		{sato, "アクメ 値下げ"},
		{sato, "acme"},
		{tanaka, "acme supplier"},
		{suzuki, "ランニング category:service_activity"},
	} {
		q, err := intel.ParseQuery(s.query)
		if err != nil {
			return err
		}
		res, err := hub.Search(ctx, s.who, q)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s searches %q: %d hit(s)\n", s.who.ID, s.query, res.Total)
		for _, h := range res.Hits {
			fmt.Fprintf(w, "  %-4s %.2f  %s\n", h.Item.ID, h.Score, h.Title.Mark("【", "】"))
		}
	}

	fmt.Fprintln(w, "\n== 2. Share: weekly digest for sales ==")
	d, err := hub.Digest(ctx, sato, "sales", week)
	if err != nil {
		return err
	}
	for _, s := range d.Sections {
		if s.Category == intel.CategorySatisfaction {
			fmt.Fprintf(w, "%s: %d survey answers\n", s.Label, len(s.Items))
			continue
		}
		fmt.Fprintf(w, "%s:\n", s.Label)
		for _, it := range s.Items {
			fmt.Fprintf(w, "  %s %s\n", it.CapturedAt.Format("01-02"), it.Title)
		}
	}

	fmt.Fprintln(w, "\n== 2. Analyse: NPS by segment ==")
	fmt.Fprintln(w, "(groups under 5 answers are suppressed, and so is the smallest other group, so the")
	fmt.Fprintln(w, " hidden one cannot be recovered by subtracting from the overall figure)")
	groups, err := hub.Survey(ctx, tanaka, intel.SurveyQuery{Metric: intel.MetricNPS, BySegment: true})
	if err != nil {
		return err
	}
	for _, g := range groups {
		if g.Suppressed {
			fmt.Fprintf(w, "  %-8s suppressed\n", g.Segment)
			continue
		}
		fmt.Fprintf(w, "  %-8s n=%d NPS %+.0f (95%% CI %+.0f … %+.0f)\n", g.Segment, g.N, g.NPS.Score, g.NPS.Low, g.NPS.High)
	}

	fmt.Fprintln(w, "\n== 2. Analyse: competitors and alerts this week ==")
	for _, who := range []intel.Principal{sato, tanaka} {
		comps, err := hub.Competitors(ctx, who, week, week.AddDate(0, 0, 7))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "as seen by %s:\n", who.ID)
		for _, c := range comps {
			fmt.Fprintf(w, "  %-10s %d item(s), mean sentiment %+.2f\n", c.Name, c.Items, c.MeanSentiment)
		}
	}
	alerts, err := hub.Alerts(ctx, tanaka, week, week.AddDate(0, 0, 7))
	if err != nil {
		return err
	}
	for _, a := range alerts {
		fmt.Fprintf(w, "  ALERT %s: %s\n", a.Kind, a.Message)
	}

	// --- 3. Decide and act.
	fmt.Fprintln(w, "\n== 3. Decide and act ==")
	tr := &intel.Tracker{Now: func() time.Time { return now.AddDate(0, 0, 14) }}
	dec := intel.Decision{ID: "D-1", Question: "How do we answer Acme's running-shoe price cut?",
		Options: []string{"match the price", "bundle free fitting", "do nothing"}, Choice: "bundle free fitting",
		Rationale: "Returns for wrong size are high; fitting adds value without a price war.",
		Evidence:  []intel.ID{"M-1", "C-1", "M-3"}, Owner: tanaka.ID, Date: now}
	if err := tr.PutDecision(ctx, dec); err != nil {
		return err
	}
	if err := tr.PutDecision(ctx, intel.Decision{ID: "D-2", Question: "Watch Swiftfoot?", Choice: "yes", Owner: kato.ID, Date: now}); err != nil {
		return err
	}
	for _, a := range []intel.Action{
		{ID: "A-1", Decision: "D-1", Title: "Free fitting at 20 stores", Owner: "store-ops", Due: now.AddDate(0, 0, 10), KPI: "return rate (size)"},
		{ID: "A-2", Decision: "D-1", Title: "Fitting campaign e-mail", Owner: "crm", Due: now.AddDate(0, 0, 21), KPI: "running-shoe revenue"},
	} {
		if err := tr.PutAction(ctx, a); err != nil {
			return err
		}
	}
	for _, who := range []intel.Principal{tanaka, suzuki} {
		ev, err := hub.Evidence(ctx, who, &dec)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "evidence for D-1 as seen by %s: %s\n", who.ID, strings.Join(idsOf(ev), ", "))
	}
	overdue, err := tr.Overdue(ctx)
	if err != nil {
		return err
	}
	for _, o := range overdue {
		fmt.Fprintf(w, "OVERDUE %s %q (owner %s, KPI %s) by %v\n", o.Action.ID, o.Action.Title, o.Action.Owner, o.Action.KPI, o.Late)
	}
	without, err := tr.WithoutActions(ctx)
	if err != nil {
		return err
	}
	for _, d := range without {
		fmt.Fprintf(w, "NO ACTION for decision %s %q (owner %s)\n", d.ID, d.Question, d.Owner)
	}
	return nil
}

func idsOf(items []*intel.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = string(it.ID)
	}
	return out
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.Index(s, "\n\t* "); i >= 0 {
		s = s[i+4:]
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
