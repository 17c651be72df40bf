package pipeline

import (
	"context"
	"github.com/c360/c360/internal/textwidth"
	"slices"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/segment"
	"github.com/c360/c360/segment/analysis"
)

// segments aims the chain's messages where they pay: segments over the 360
// profiles and their touchpoints, RFM cells, whether 80:20 holds for
// spending, which campaign scenarios to do first, and an activation list
// that passes every member through the send-eligibility gate.
func segments(ctx context.Context, q *quickstart) error {
	q.heading("Segments: who to talk to, 80:20, scenarios and activation")
	events, err := loadTouchpoints(ctx, q)
	if err != nil {
		return err
	}
	byCustomer := map[customer.ID][]journey.Event{}
	for _, e := range events {
		if e.CustomerID != "" {
			byCustomer[e.CustomerID] = append(byCustomer[e.CustomerID], e)
		}
	}
	var subjects []*segment.Subject
	profiles := map[customer.ID]*customer.Profile{}
	for p, err := range q.engine.Profiles(ctx) {
		if err != nil {
			return err
		}
		profiles[p.ID] = p
		evs := byCustomer[p.ID]
		slices.SortStableFunc(evs, func(a, b journey.Event) int { return a.Time.Compare(b.Time) })
		evs = journey.Dedup(evs)
		attrs := segment.ProfileAttrs{P: p, Now: q.now}
		tps := make([]segment.Touchpoint, len(evs))
		for i := range evs {
			tps[i] = segment.FromEvent(&evs[i])
		}
		if len(evs) > 0 {
			attrs.Stage = string(journey.Infer(nil, evs).Stage)
		}
		subjects = append(subjects, &segment.Subject{ID: string(p.ID), Attrs: attrs, Touchpoints: tps})
	}

	// Segments as marketers write them, one referring to another.
	var set segment.Set
	defs := []struct{ name, src string }{
		{"recent_buyers", `count(online_purchase, 60d) >= 1 or count(store_purchase, 60d) >= 1`},
		{"big_spenders", `sum(value, 365d) >= 15000`},
		{"spring_campaign", `segment(recent_buyers) and not segment(big_spenders) and exists(email)`},
	}
	for _, d := range defs {
		if _, err := set.DefineText(d.name, d.src); err != nil {
			return err
		}
	}
	q.printf("Segments on %s:\n", q.now.Format("2006-01-02"))
	for _, d := range defs {
		var members []string
		for _, s := range subjects {
			in, err := set.Evaluate(d.name, s, q.now)
			if err != nil {
				return err
			}
			if in {
				members = append(members, s.ID+" "+profiles[customer.ID(s.ID)].DisplayName())
			}
		}
		q.printf("  %-16s %s\n                   → %d: %s\n", d.name, d.src, len(members), strings.Join(members, ", "))
	}

	// RFM over the sample's purchases.
	by := map[string][]segment.Touchpoint{}
	for _, s := range subjects {
		by[s.ID] = s.Touchpoints
	}
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
	for _, s := range subjects {
		if v, _ := (segment.Trait{Agg: segment.AggSum, Field: "value"}).Compute(s.Touchpoints, q.now).Float(); v > 0 {
			items = append(items, analysis.Item{ID: s.ID, Value: v})
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

	// Activation: the spring campaign's members through the gate, each on
	// the channel they permit and prefer; at most one marketing message a
	// week per channel, no SMS at night.
	gate := &journey.Gate{
		Caps:       []journey.Cap{{Name: "weekly marketing", Purpose: customer.PurposeMarketing, Max: 1, Window: 7 * 24 * time.Hour}},
		QuietHours: []journey.QuietHours{{Channel: customer.ChannelSMS, Start: 21 * time.Hour, End: 8 * time.Hour}},
		Now:        func() time.Time { return q.now },
	}
	members := func(yield func(*customer.Profile, error) bool) {
		for _, s := range subjects {
			in, err := set.Evaluate("big_spenders", s, q.now)
			if err != nil {
				yield(nil, err)
				return
			}
			if in && !yield(profiles[customer.ID(s.ID)], nil) {
				return
			}
		}
	}
	aud, err := segment.Activate(ctx, gate, members, segment.Activation{
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
