package pipeline

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/clispec"
	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/journey"
)

// journeys tracks the touchpoints of data/touchpoints.csv through the
// engine as the source systems wrote them — by source record, or by an
// anonymous cookie that a later login identifies — then shows a customer's
// timeline and lifecycle stage, runs a funnel and a last-touch attribution
// over everyone, and asks the engine's send gate (the one the activation of
// the segments section uses too) whether the customer may be contacted now.
func journeys(ctx context.Context, q *quickstart) error {
	q.heading("Journeys: timeline, lifecycle stage, funnel and send eligibility")
	events, err := loadTouchpoints(q)
	if err != nil {
		return err
	}
	tracked, dups := 0, 0
	linked := ""
	for _, ev := range events {
		tr, err := q.engine.Track(ctx, ev)
		if err != nil {
			return fmt.Errorf("touchpoints.csv: event %s: %w", ev.ID, err)
		}
		if tr.Duplicate {
			dups++
			continue
		}
		tracked++
		if tr.Linked {
			linked = fmt.Sprintf("cookie %s joined %s when event %s identified it", tr.AnonymousID, tr.Profile, ev.ID)
		}
	}
	q.printf("Tracked %d touchpoint rows as %d events (%d duplicate: SHOP-301 came twice); %s.\n", len(events), tracked, dups, linked)

	who, err := q.profileOf(ctx, customer.Identifier{Scheme: customer.SourceScheme + "webshop", Value: "W300000"})
	if err != nil {
		return err
	}
	name := string(who)
	if p, err := q.engine.Get(ctx, who); err == nil {
		name = string(who) + " " + p.DisplayName()
	}
	tl, err := q.engine.Timeline(ctx, who, time.Time{}, time.Time{})
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
	st, err := q.engine.Stage(ctx, who)
	if err != nil {
		return err
	}
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
	all := func(yield func(journey.Event, error) bool) {
		for tl, err := range q.engine.Timelines(ctx) {
			if err != nil {
				yield(journey.Event{}, err)
				return
			}
			for _, e := range tl {
				if !yield(e, nil) {
					return
				}
			}
		}
	}
	res, err := f.Run(ctx, all)
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
	ar, err := att.Run(ctx, q.engine.Timelines(ctx))
	if err != nil {
		return err
	}
	q.printf("Purchases by last touch (30-day lookback): %d purchases, %d without a prior touchpoint\n", ar.Conversions, ar.Unattributed)
	for _, c := range ar.Credits {
		q.printf("  %-12s %.0f  %v\n", c.Key, c.Conversions, c.Value)
	}

	// The engine's gate (configured in pipeline.go: marketing at most twice
	// a week, no SMS at night) reads the profile's own consent ledger,
	// contact point by contact point, and the durable send history: two
	// marketing SMS went out this week.
	for _, days := range []int{2, 5} {
		if err := q.engine.Sent(ctx, journey.Send{Customer: who, Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing, Time: q.now.AddDate(0, 0, -days)}); err != nil {
			return err
		}
	}
	q.printf("\nMay we contact %s now (%s)?\n", who, q.now.Format("2006-01-02 15:04 MST"))
	for _, r := range []journey.Request{
		{Customer: who, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing},
		{Customer: who, Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing},
		{Customer: who, Channel: customer.ChannelSMS, Purpose: customer.PurposeTransactional},
	} {
		d, err := q.engine.Decide(ctx, r)
		if err != nil {
			return err
		}
		verdict := "no"
		if d.Allowed {
			verdict = "yes, to " + d.Contact
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

// loadTouchpoints reads data/touchpoints.csv into events that name their
// person as the source systems did: a source record ("webshop/W300000"),
// an anonymous cookie, or both (a login). The engine resolves them.
func loadTouchpoints(q *quickstart) ([]journey.Event, error) {
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
		e := journey.Event{
			ID: row[col["event_id"]], AnonymousID: row[col["anonymous_id"]],
			Type: journey.Type(row[col["type"]]), Channel: customer.Channel(row[col["channel"]]), Time: at,
			Campaign: row[col["campaign"]], Source: "sample",
		}
		if ref := row[col["customer_record"]]; ref != "" {
			sys, rec, ok := strings.Cut(ref, "/")
			if !ok {
				return nil, fmt.Errorf("touchpoints.csv: line %d: customer_record %q is not system/record_id", line, ref)
			}
			e.Identifiers = []customer.Identifier{{Scheme: customer.SourceScheme + sys, Value: rec}}
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
