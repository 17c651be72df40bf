package pipeline

import (
	"context"
	"strings"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/textwidth"
	"github.com/c360/c360/segment"
	"github.com/c360/c360/segment/analysis"
)

// segments aims the chain's messages where they pay: the engine's live
// segments (defined in pipeline.go and kept current as records and
// touchpoints arrived), RFM cells, whether 80:20 holds for spending, which
// campaign scenarios to do first, and an activation list that passes every
// member through the engine's send gate — the same gate and send history as
// the journeys section.
func segments(ctx context.Context, q *quickstart) error {
	q.heading("Segments: who to talk to, 80:20, scenarios and activation")
	profiles := map[customer.ID]*customer.Profile{}
	for p, err := range q.engine.Profiles(ctx) {
		if err != nil {
			return err
		}
		profiles[p.ID] = p
	}
	by := map[string][]segment.Touchpoint{}
	for tl, err := range q.engine.Timelines(ctx) {
		if err != nil {
			return err
		}
		for i := range tl {
			by[string(tl[i].CustomerID)] = append(by[string(tl[i].CustomerID)], segment.FromEvent(&tl[i]))
		}
	}

	q.printf("Live segments on %s:\n", q.now.Format("2006-01-02"))
	for _, d := range segmentDefs {
		ids, err := q.engine.Members(ctx, d.Name)
		if err != nil {
			return err
		}
		var members []string
		for _, id := range ids {
			members = append(members, string(id)+" "+profiles[id].DisplayName())
		}
		q.printf("  %-16s %s\n                   → %d: %s\n", d.Name, d.Expr, len(members), strings.Join(members, ", "))
	}

	// RFM over the sample's purchases.
	var buyers []analysis.RFMInput
	for _, in := range segment.RFMFromTouchpoints(by, nil, q.now, 0) {
		if in.Frequency > 0 {
			buyers = append(buyers, in)
		}
	}
	scores, err := analysis.RFM(buyers, q.now, analysis.RFMConfig{})
	if err != nil {
		return err
	}
	q.printf("\nRFM of the %d customers who bought (5 = best):\n", len(scores))
	for _, s := range scores {
		q.printf("  %-5s %s last %3.0f days ago, %d purchase(s), ¥%-6.0f  R%d F%d M%d  %s\n", s.CustomerID,
			textwidth.Pad(profiles[customer.ID(s.CustomerID)].DisplayName(), 24), s.RecencyDays, s.Frequency, s.Monetary, s.R, s.F, s.M, s.Cell)
	}

	// Is it really 80:20? Spending per customer, from the touchpoints.
	var items []analysis.Item
	for id, tps := range by {
		if v, _ := (segment.Trait{Agg: segment.AggSum, Field: "value"}).Compute(tps, q.now).Float(); v > 0 {
			items = append(items, analysis.Item{ID: id, Value: v})
		}
	}
	par, err := analysis.Pareto(items, 0.8, analysis.ABCCuts{})
	if err != nil {
		return err
	}
	q.printf("\nPareto: %d of %d paying customers (%.0f%%) make 80%% of ¥%.0f spent; Gini %.2f; ABC A=%d B=%d C=%d\n",
		par.ItemsNeeded, par.Items, par.ShareOfItems*100, par.Total, par.Gini, par.ABC.A, par.ABC.B, par.ABC.C)

	// Which campaign scenarios first: business value against difficulty.
	backlog, err := analysis.Prioritize([]analysis.Scenario{
		{Name: "spring restock coupon to recent buyers", Value: 4, Difficulty: 2, KPIs: []string{"coupon redemptions", "repeat purchase rate"},
			Contributes: []analysis.Contribution{analysis.ContributesRevenue, analysis.ContributesChurnPrevention}, CustomerValue: true},
		{Name: "trail-running app with personal plans", Value: 5, Difficulty: 5, KPIs: []string{"monthly active users"},
			Contributes: []analysis.Contribution{analysis.ContributesRevenue}, CustomerValue: true},
		{Name: "SMS blast to every customer", Value: 2, Difficulty: 1, Contributes: []analysis.Contribution{analysis.ContributesRevenue}},
		{Name: "call-centre up-sell script", Value: 3, Difficulty: 2, KPIs: []string{"up-sell rate"},
			Contributes: []analysis.Contribution{analysis.ContributesRevenue}, CustomerValue: true},
	}, analysis.PriorityConfig{})
	if err != nil {
		return err
	}
	q.printf("\nScenario backlog (value × difficulty):\n")
	for _, p := range backlog {
		concerns := ""
		if len(p.Concerns) > 0 {
			concerns = "  ⚠ " + strings.Join(p.Concerns, "; ")
		}
		q.printf("  %d. %-40s %-14s value %.0f, difficulty %.0f%s\n", p.Rank, p.Name, p.Quadrant, p.Value, p.Difficulty, concerns)
	}

	// Activation: the big spenders for the spring fair, each on the channel
	// they permit and prefer, through the engine's gate: the caps count the
	// sends of the journeys section too, and each send the audience makes is
	// recorded for the next decision.
	aud, err := q.engine.Activate(ctx, "big_spenders", segment.Activation{
		Channels: []customer.Channel{customer.ChannelEmail, customer.ChannelLINE, customer.ChannelSMS},
		Purpose:  customer.PurposeMarketing, Campaign: "2025春 ランニングフェア",
	})
	if err != nil {
		return err
	}
	q.printf("\nActivation of big_spenders for the spring fair: %d considered, %d reachable, %d excluded\n",
		aud.Considered, len(aud.Members), len(aud.Excluded))
	for _, m := range aud.Members {
		q.printf("  send  %-5s via %-5s  email_sha256=%.16s…\n", m.CustomerID, m.Channel, m.EmailSHA256)
	}
	for _, x := range aud.Excluded {
		q.printf("  skip  %-5s %s\n", x.CustomerID, strings.Join(x.Reasons, "; "))
	}
	return nil
}
