package journey_test

import (
	"context"
	"fmt"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

var day0 = time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)

func touch(id string, c customer.ID, typ journey.Type, ch customer.Channel, hours int) journey.Event {
	return journey.Event{ID: id, CustomerID: c, Type: typ, Channel: ch, Time: day0.Add(time.Duration(hours) * time.Hour)}
}

// An Engine moves customers along the default journey map as touchpoints
// arrive, and keeps their history.
func ExampleEngine() {
	ctx := context.Background()
	g := &journey.Engine{OnTransition: func(tr journey.Transition) {
		fmt.Printf("%s: %q -> %s (%s)\n", tr.Customer, tr.From, tr.To, tr.Rule)
	}}
	for _, e := range []journey.Event{
		touch("1", "c-1", journey.TypeAdClick, customer.ChannelAdvertising, 0),
		touch("2", "c-1", journey.TypeOnlinePurchase, customer.ChannelWeb, 1),
		touch("2", "c-1", journey.TypeOnlinePurchase, customer.ChannelWeb, 1), // delivered twice
		touch("3", "c-1", journey.TypeAppInstall, customer.ChannelApp, 2),
	} {
		if _, err := g.Ingest(ctx, e); err != nil {
			fmt.Println(err)
		}
	}
	st, _ := g.State("c-1")
	fmt.Println("now:", st.Stage, "after", len(st.History), "transitions")
	// Output:
	// c-1: "" -> awareness (first contact)
	// c-1: "awareness" -> acquire (first purchase)
	// c-1: "acquire" -> onboard (first use)
	// now: onboard after 3 transitions
}

// Linking an anonymous visitor to a customer joins the visitor's earlier
// touchpoints to the customer's timeline.
func ExampleMemoryEventStore_Link() {
	ctx := context.Background()
	var s journey.MemoryEventStore
	visit := touch("w1", "", journey.TypeWebVisit, customer.ChannelWeb, 0)
	visit.AnonymousID = "cookie-42"
	s.Append(ctx, visit, touch("s1", "c-7", journey.TypeSignUp, customer.ChannelWeb, 1))
	s.Link(ctx, "cookie-42", "c-7")
	tl, _ := journey.Timeline(ctx, &s, "c-7", time.Time{}, time.Time{})
	for _, e := range tl {
		fmt.Println(e.Time.Format(time.Kitchen), e.CustomerID, e.Type)
	}
	// Output:
	// 10:00AM c-7 web_visit
	// 11:00AM c-7 sign_up
}

// A funnel counts the customers that reach each step in order within the
// window, trying every starting event.
func ExampleFunnel() {
	evs := []journey.Event{
		touch("1", "a", journey.TypeAdClick, customer.ChannelAdvertising, 0),
		touch("2", "a", journey.TypeWebVisit, customer.ChannelWeb, 1),
		touch("3", "a", journey.TypeOnlinePurchase, customer.ChannelWeb, 3),
		touch("4", "b", journey.TypeAdClick, customer.ChannelAdvertising, 0),
		touch("5", "b", journey.TypeWebVisit, customer.ChannelWeb, 2),
		touch("6", "b", journey.TypeOnlinePurchase, customer.ChannelWeb, 200), // outside 7 days
		touch("7", "c", journey.TypeWebVisit, customer.ChannelWeb, 0),         // no ad click first
	}
	f := journey.Funnel{
		Steps:  []journey.Type{journey.TypeAdClick, journey.TypeWebVisit, journey.TypeOnlinePurchase},
		Window: 7 * 24 * time.Hour,
	}
	r, _ := f.Run(context.Background(), func(yield func(journey.Event, error) bool) {
		for _, e := range evs {
			if !yield(e, nil) {
				return
			}
		}
	})
	for _, s := range r.Steps {
		fmt.Printf("%-16s %d  %.2f  median %v\n", s.Type, s.Customers, s.ConversionFromStart, s.MedianFromPrevious)
	}
	// Output:
	// ad_click         2  1.00  median 0s
	// web_visit        2  1.00  median 1h30m0s
	// online_purchase  1  0.50  median 2h0m0s
}

// Attribution shares each purchase among the touchpoints before it.
func ExampleAttribution() {
	buy := touch("p", "a", journey.TypeOnlinePurchase, customer.ChannelWeb, 72)
	buy.Value = journey.Money{Amount: 10000, Currency: "JPY"}
	tl := []journey.Event{
		touch("1", "a", journey.TypeAdClick, customer.ChannelAdvertising, 0),
		touch("2", "a", journey.TypeEmailClick, customer.ChannelEmail, 24),
		touch("3", "a", journey.TypeSocialEngagement, customer.ChannelSocial, 48),
		buy,
	}
	for _, m := range []journey.Model{journey.FirstTouch, journey.Linear, journey.PositionBased} {
		a := journey.Attribution{Model: m}
		fmt.Print(m, ":")
		for _, c := range a.Attribute(tl).Credits {
			fmt.Printf(" %s=%.2f (%v)", c.Key, c.Conversions, c.Value)
		}
		fmt.Println()
	}
	// Output:
	// first_touch: advertising=1.00 (JPY 10000)
	// linear: advertising=0.33 (JPY 3333) email=0.33 (JPY 3333) social=0.33 (JPY 3333)
	// position_based: advertising=0.40 (JPY 4000) social=0.40 (JPY 4000) email=0.20 (JPY 2000)
}

// The gate combines consent, caps and quiet hours and says why.
func ExampleGate() {
	now := time.Date(2026, 4, 1, 22, 30, 0, 0, time.FixedZone("JST", 9*3600))
	g := &journey.Gate{
		Consent: journey.ConsentFunc(func(_ context.Context, id customer.ID, ch customer.Channel, p customer.Purpose, _ time.Time) (customer.ConsentStatus, error) {
			return customer.ConsentOptIn, nil
		}),
		Caps:       []journey.Cap{{Name: "sms weekly", Channel: customer.ChannelSMS, Max: 1, Window: 7 * 24 * time.Hour}},
		QuietHours: []journey.QuietHours{{Channel: customer.ChannelSMS, Start: 21 * time.Hour, End: 8 * time.Hour}},
		Now:        func() time.Time { return now },
	}
	g.Record(journey.Send{Customer: "c-1", Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing, Time: now.Add(-48 * time.Hour)})
	d, _ := g.Decide(context.Background(), journey.Request{Customer: "c-1", Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing})
	fmt.Println("allowed:", d.Allowed)
	for _, r := range d.Reasons {
		fmt.Println(" ", r)
	}
	fmt.Println("retry at:", d.RetryAt.In(now.Location()).Format(time.RFC3339))
	// Output:
	// allowed: false
	//   cap_reached [sms weekly]: 1 of 1 sends in 168h0m0s
	//   quiet_hours [sms 21:00-08:00 Asia/Tokyo]: until 2026-04-02T08:00:00+09:00
	// retry at: 2026-04-06T22:30:00+09:00
}
