package c360_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/match"
)

func record(sys, id, family, given, email, phone string) customer.SourceRecord {
	r := customer.SourceRecord{System: sys, RecordID: id}
	r.Kind = customer.KindPerson
	r.Name = customer.PersonName{Family: family, Given: given}
	if email != "" {
		r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactEmail, Value: email})
	}
	if phone != "" {
		r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactPhone, Value: phone})
	}
	return r
}

// Each source record goes to the engine as it arrives; the engine keeps one
// current profile per person. The third record bridges the first two, so
// their profiles merge and the absorbed ID redirects to the survivor.
func ExampleEngine_Upsert() {
	ctx := context.Background()
	clock := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	e, err := c360.Open(ctx, c360.Config{Now: func() time.Time { clock = clock.Add(time.Second); return clock }})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	var ids []customer.ID
	for _, r := range []customer.SourceRecord{
		record("sales", "S-1", "山田", "太郎", "taro@example.jp", ""),
		record("service", "T-9", "", "", "", "090-1111-2222"),
		record("webshop", "W-3", "山田", "太郎", "TARO@example.jp", "09011112222"),
	} {
		up, err := e.Upsert(ctx, r)
		if err != nil {
			fmt.Println(err)
			return
		}
		ids = append(ids, up.Profile)
		fmt.Printf("%s: %s, absorbed %d\n", r.Key(), up.Outcome, len(up.Absorbed))
	}
	p, redirected, err := e.Profile(ctx, ids[1])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("the service record's old ID redirects:", redirected, p.ID == ids[0], len(p.Sources), "records")
	// Output:
	// sales/S-1: created, absorbed 0
	// service/T-9: created, absorbed 0
	// webshop/W-3: merged, absorbed 1
	// the service record's old ID redirects: true true 3 records
}

// Touchpoints go to the engine as the sources send them: a web visit by an
// anonymous cookie, then a purchase by the same cookie after a login that
// names the customer's e-mail address. The cookie's history joins the
// profile, the stage moves and the live segment is entered; the engine's
// gate then chooses the permitted contact point and counts the send.
func ExampleEngine_Track() {
	ctx := context.Background()
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	e, err := c360.Open(ctx, c360.Config{
		Now:      func() time.Time { return now },
		Segments: []c360.SegmentDef{{Name: "buyers", Expr: `count(online_purchase, 30d) >= 1`}},
		Sending:  c360.SendConfig{Caps: []journey.Cap{{Name: "daily", Max: 1, Window: 24 * time.Hour}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	r := record("webshop", "W-1", "佐藤", "花子", "hanako@example.jp", "")
	r.Consent.Entries = []customer.ConsentEntry{{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing,
		Status: customer.ConsentOptIn, CapturedAt: now.Add(-time.Hour)}}
	up, err := e.Upsert(ctx, r)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ev := range []journey.Event{
		{ID: "v1", AnonymousID: "cookie-1", Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: now.Add(-2 * time.Hour)},
		{ID: "p1", AnonymousID: "cookie-1", Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb, Time: now.Add(-time.Hour),
			Identifiers: []customer.Identifier{{Scheme: "email", Value: "HANAKO@example.jp"}}},
	} {
		tr, err := e.Track(ctx, ev)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: on the profile %v, linked %v, entered %v\n", ev.ID, tr.Profile == up.Profile, tr.Linked, tr.Entered)
	}
	tl, _ := e.Timeline(ctx, up.Profile, time.Time{}, time.Time{})
	st, _ := e.Stage(ctx, up.Profile)
	fmt.Println("timeline:", len(tl), "events; stage:", st.Stage)
	req := journey.Request{Customer: up.Profile, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing}
	for range 2 {
		d, err := e.Claim(ctx, req)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("send:", d.Allowed, d.Contact, d.Reasons)
	}
	// Output:
	// v1: on the profile false, linked false, entered []
	// p1: on the profile true, linked true, entered [buyers]
	// timeline: 2 events; stage: acquire
	// send: true hanako@example.jp []
	// send: false hanako@example.jp [cap_reached [daily]: 1 of 1 sends in 24h0m0s]
}

// A record that arrives in parts — here the traits of two identify calls —
// is changed where it is stored: UpsertWith reads it, lets the function
// change it and upserts the result in one atomic step, so two calls at the
// same time cannot lose each other's part.
func ExampleEngine_UpsertWith() {
	ctx := context.Background()
	e, err := c360.Open(ctx, c360.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	key := customer.RecordKey{System: "web", RecordID: "user-42"}
	setTrait := func(name, value string) func(*customer.SourceRecord, bool) error {
		return func(r *customer.SourceRecord, existed bool) error {
			if r.Attributes == nil {
				r.Attributes = map[string]customer.Value{}
			}
			r.Attributes[name] = customer.StringValue(value)
			return nil
		}
	}
	for _, edit := range []func(*customer.SourceRecord, bool) error{
		setTrait("plan", "gold"),
		setTrait("store", "shibuya"),
		setTrait("plan", "gold"), // the same again: nothing changes
	} {
		up, err := e.UpsertWith(ctx, key, customer.KindPerson, edit)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(up.Outcome)
	}
	id, _ := e.ProfileOf(ctx, key)
	p, _ := e.Get(ctx, id)
	s, _ := p.Source(key)
	fmt.Println(s.Attributes["plan"], s.Attributes["store"])
	// Output:
	// created
	// updated
	// unchanged
	// gold shibuya
}

// A store indexed under other blocking rules (or by an earlier version of
// c360) is refused by Open; Reindex rewrites its index for the new
// configuration, keeping its profiles, and Open accepts it again.
func ExampleReindex() {
	ctx := context.Background()
	store := c360.NewMemoryStore()
	e, _ := c360.Open(ctx, c360.Config{Store: store})
	e.Upsert(ctx, record("sales", "S-1", "山田", "太郎", "taro@example.jp", "090-1234-5678"))
	e.Upsert(ctx, record("shop", "W-1", "佐藤", "花子", "hanako@example.jp", ""))
	e.Close()

	byEmail := c360.Config{Store: store, Match: match.Config{Rules: []match.Rule{
		{Name: "same e-mail", Criteria: []match.Criterion{{Field: "email", Method: match.Normalized}}},
	}}}
	if _, err := c360.Open(ctx, byEmail); err != nil {
		fmt.Println("Open refuses the store:", errors.Is(err, c360.ErrInvalid))
	}
	n, err := c360.Reindex(ctx, byEmail)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("re-indexed %d records of %d profiles\n", n.Records, n.Profiles)
	e, err = c360.Open(ctx, byEmail)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	ids, _ := e.Lookup(ctx, customer.Identifier{Scheme: "phone", Value: "+81 90 1234 5678"})
	fmt.Println("profiles with that phone:", len(ids))
	// Output:
	// Open refuses the store: true
	// re-indexed 2 records of 2 profiles
	// profiles with that phone: 1
}
