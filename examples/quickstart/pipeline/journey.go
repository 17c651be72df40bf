package pipeline

import (
	"context"
	"fmt"
	"github.com/c360/c360/internal/clispec"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/journey"
)

// journeys ingests the touchpoints of data/touchpoints.csv in real time,
// stitches an anonymous web visitor to the customer who logged in, shows
// that customer's timeline and lifecycle stage, runs a funnel and a
// last-touch attribution over everyone, and asks the send-eligibility gate
// whether the customer may be contacted now, with consent from the 360
// profile.
func journeys(ctx context.Context, q *quickstart) error {
	q.heading("Journeys: timeline, lifecycle stage, funnel and send eligibility")
	events, err := loadTouchpoints(ctx, q)
	if err != nil {
		return err
	}
	g := &journey.Engine{Store: q.events}
	for _, e := range events {
		if _, err := g.Ingest(ctx, e); err != nil {
			return err
		}
	}
	// The visitor with cookie ck-7f3a logged in as web-shop customer
	// W300000 when buying: the earlier anonymous ad click and visit join
	// his timeline.
	who, err := q.profileOf(ctx, customer.Identifier{Scheme: customer.SourceScheme + "webshop", Value: "W300000"})
	if err != nil {
		return err
	}
	if _, err := g.Link(ctx, "ck-7f3a", who); err != nil {
		return err
	}
	stored := 0
	for id, err := range g.EventStore().Customers(ctx) {
		if err != nil {
			return err
		}
		tl, err := journey.Timeline(ctx, g.EventStore(), id, time.Time{}, time.Time{})
		if err != nil {
			return err
		}
		stored += len(tl)
	}
	q.printf("Ingested %d touchpoint rows as %d events (SHOP-301 came twice); linked cookie ck-7f3a to %s after his login.\n", len(events), stored, who)

	name := string(who)
	if p, err := q.engine.Get(ctx, who); err == nil {
		name = string(who) + " " + p.DisplayName()
	}
	tl, err := journey.Timeline(ctx, g.EventStore(), who, time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	q.printf("\nTimeline of %s:\n", name)
	for _, e := range tl {
		line := fmt.Sprintf("  %s  %-16s %-12s", e.Time.In(jst).Format("2006-01-02 15:04"), e.Type, e.Channel)
		if e.Value.Amount != 0 {
			line += fmt.Sprintf("¥%d", e.Value.Amount)
		}
		q.printf("%s\n", strings.TrimRight(line, " "))
	}
	st, _ := g.State(who)
	q.printf("Stage: %s since %s\n", st.Stage, st.Since.In(jst).Format("2006-01-02"))
	for _, tr := range st.History {
		from := string(tr.From)
		if from == "" {
			from = "(new)"
		}
		q.printf("  %s  %s -> %s  (%s, event %s)\n", tr.At.In(jst).Format("2006-01-02"), from, tr.To, tr.Rule, tr.EventID)
	}

	f := journey.Funnel{
		Steps:  []journey.Type{journey.TypeAdClick, journey.TypeWebVisit, journey.TypeOnlinePurchase},
		Window: 30 * 24 * time.Hour,
	}
	res, err := f.RunStore(ctx, g.EventStore())
	if err != nil {
		return err
	}
	q.printf("\nFunnel ad click -> web visit -> online purchase within 30 days:\n")
	for _, s := range res.Steps {
		med := ""
		if s.HasMedian {
			med = "  median " + clispec.FormatDuration(s.MedianFromPrevious) + " after the previous step"
		}
		q.printf("  %-16s %d customers  %3.0f%% of the start%s\n", s.Type, s.Customers, 100*s.ConversionFromStart, med)
	}
	att := journey.Attribution{Model: journey.LastTouch, Lookback: 30 * 24 * time.Hour}
	ar, err := att.Run(ctx, journey.Timelines(ctx, g.EventStore(), time.Time{}, time.Time{}))
	if err != nil {
		return err
	}
	q.printf("Purchases by last touch (30-day lookback): %d purchases, %d without a prior touchpoint\n", ar.Conversions, ar.Unattributed)
	for _, c := range ar.Credits {
		q.printf("  %-12s %.0f  %v\n", c.Key, c.Conversions, c.Value)
	}

	// The gate asks consent from the 360 profile's consent ledger; a
	// transactional message (a delivery notice) needs no opt-in, only the
	// absence of an opt-out.
	gate := &journey.Gate{
		Consent: journey.ConsentFunc(func(ctx context.Context, id customer.ID, ch customer.Channel, p customer.Purpose, at time.Time) (customer.ConsentStatus, error) {
			prof, err := q.engine.Get(ctx, id)
			if err != nil {
				return customer.ConsentUnknown, nil
			}
			switch prof.Consent.Status(ch, p, "", at) {
			case customer.ConsentOptIn:
				return customer.ConsentOptIn, nil
			case customer.ConsentOptOut:
				return customer.ConsentOptOut, nil
			}
			if p == customer.PurposeTransactional {
				return customer.ConsentOptIn, nil
			}
			return customer.ConsentUnknown, nil
		}),
		Caps:       []journey.Cap{{Name: "marketing 2 per week", Purpose: customer.PurposeMarketing, Max: 2, Window: 7 * 24 * time.Hour}},
		QuietHours: []journey.QuietHours{{Channel: customer.ChannelSMS, Start: 21 * time.Hour, End: 8 * time.Hour}},
		Now:        func() time.Time { return q.now },
	}
	for _, days := range []int{2, 5} {
		gate.Record(journey.Send{Customer: who, Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing, Time: q.now.AddDate(0, 0, -days)})
	}
	q.printf("\nMay we contact %s now (%s)?\n", who, q.now.Format("2006-01-02 15:04 MST"))
	for _, r := range []journey.Request{
		{Customer: who, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing},
		{Customer: who, Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing},
		{Customer: who, Channel: customer.ChannelSMS, Purpose: customer.PurposeTransactional},
	} {
		d, err := gate.Decide(ctx, r)
		if err != nil {
			return err
		}
		verdict := "no"
		if d.Allowed {
			verdict = "yes"
		}
		q.printf("  %-5s for %-13s %s", r.Channel, r.Purpose, verdict)
		for _, rs := range d.Reasons {
			q.printf("; %s", rs)
		}
		if !d.RetryAt.IsZero() {
			q.printf("; retry at %s", d.RetryAt.In(jst).Format("2006-01-02 15:04"))
		}
		q.printf("\n")
	}
	return nil
}

// loadTouchpoints reads data/touchpoints.csv into events.
// The point-of-sale and web systems name the customer by a source record
// ("webshop/W300000"), which the engine resolves to the profile holding it.
func loadTouchpoints(ctx context.Context, q *quickstart) ([]journey.Event, error) {
	f, err := q.data.Open("touchpoints.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd, err := table.NewReader(f)
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for _, c := range []string{"event_id", "customer_record", "anonymous_id", "type", "channel", "time", "amount", "currency", "campaign"} {
		if col[c], err = rd.Column(c); err != nil {
			return nil, fmt.Errorf("touchpoints.csv: %w", err)
		}
	}
	var out []journey.Event
	ids := map[string]customer.ID{"": ""}
	for {
		row, line, err := rd.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("touchpoints.csv: %w", err)
		}
		at, err := time.Parse(time.RFC3339, row[col["time"]])
		if err != nil {
			return nil, fmt.Errorf("touchpoints.csv: line %d: %w", line, err)
		}
		ref := row[col["customer_record"]]
		id, ok := ids[ref]
		if !ok {
			sys, rec, _ := strings.Cut(ref, "/")
			if id, err = q.profileOf(ctx, customer.Identifier{Scheme: customer.SourceScheme + sys, Value: rec}); err != nil {
				return nil, fmt.Errorf("touchpoints.csv: line %d: customer_record: %w", line, err)
			}
			ids[ref] = id
		}
		e := journey.Event{
			ID: row[col["event_id"]], CustomerID: id, AnonymousID: row[col["anonymous_id"]],
			Type: journey.Type(row[col["type"]]), Channel: customer.Channel(row[col["channel"]]), Time: at,
			Campaign: row[col["campaign"]], Source: "sample",
		}
		if a := row[col["amount"]]; a != "" {
			if e.Value.Amount, err = strconv.ParseInt(a, 10, 64); err != nil {
				return nil, fmt.Errorf("touchpoints.csv: line %d: amount: %w", line, err)
			}
			e.Value.Currency = row[col["currency"]]
		}
		out = append(out, e)
	}
}
