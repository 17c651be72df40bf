package customer_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/c360/c360/customer"
)

// Build a person's profile from what two systems say about them.
func ExampleSurvivorship_Build() {
	at := func(d int) time.Time { return time.Date(2025, 4, d, 9, 0, 0, 0, time.UTC) }
	records := []customer.SourceRecord{
		{System: "sales", RecordID: "S-17", UpdatedAt: at(1), Facts: customer.Facts{
			Kind: customer.KindPerson,
			Name: customer.PersonName{Family: "山田", Given: "太郎", FamilyKana: "ヤマダ", GivenKana: "タロウ"},
			ContactPoints: []customer.ContactPoint{{Type: customer.ContactPhone, Value: "+81312345678",
				Validity: customer.ValidityValid, VerifiedAt: at(1)}},
		}},
		{System: "webshop", RecordID: "W-9", UpdatedAt: at(3), Facts: customer.Facts{
			Kind:          customer.KindPerson,
			Name:          customer.PersonName{Latin: "Taro Yamada"},
			ContactPoints: []customer.ContactPoint{{Type: customer.ContactEmail, Value: "taro@example.jp"}},
			Consent: customer.ConsentLedger{Entries: []customer.ConsentEntry{{
				Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing,
				Status: customer.ConsentOptIn, CapturedAt: at(3), Method: "double_opt_in"}}},
		}},
	}
	s := customer.Survivorship{
		// The most complete name wins; everything else: the most recent value.
		Rules: map[string]customer.SurvivorshipRule{customer.AttrName: customer.RuleMostComplete},
	}
	p, err := s.Build("cust-1", records)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.DisplayName(), p.Kind)
	for _, c := range p.ContactPoints {
		fmt.Printf("%s %s (%s)\n", c.Type, c.Value, c.Validity)
	}
	pv, _ := p.ProvenanceOf(customer.AttrName)
	fmt.Println("name from", pv.From[0], "by", pv.Rule)
	fmt.Println("email marketing:", p.Consent.Status(customer.ChannelEmail, customer.PurposeMarketing, "taro@example.jp", at(4)))
	// Output:
	// 山田 太郎 person
	// email taro@example.jp (unknown)
	// phone +81312345678 (valid)
	// name from sales/S-17 by most_complete
	// email marketing: opt_in
}

// Merge two profiles of the same customer, then undo it.
func ExampleMerger() {
	ctx := context.Background()
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	var store customer.MemoryStore
	m := &customer.Merger{Store: &store}
	for _, r := range []customer.SourceRecord{
		{System: "sales", RecordID: "S-1", UpdatedAt: at, Facts: customer.Facts{Kind: customer.KindPerson,
			Name: customer.PersonName{Family: "佐藤", Given: "花子"}}},
		{System: "service", RecordID: "V-1", UpdatedAt: at, Facts: customer.Facts{Kind: customer.KindPerson,
			Name: customer.PersonName{Family: "佐藤", Given: "花子"}, BirthDate: customer.Date{Year: 1985, Month: 7, Day: 14}}},
	} {
		p, _ := m.Survivorship.Build(customer.ID("p-"+r.RecordID), []customer.SourceRecord{r})
		p.CreatedAt = at
		store.Put(ctx, p)
	}
	merged, err := m.Merge(ctx, "p-S-1", "p-V-1", customer.Decision{
		Actor: "data steward", Rule: "name+phone", Reason: "same person", At: at.Add(time.Hour)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(merged.DisplayName(), merged.BirthDate, len(merged.Sources), "records")
	e := merged.Audit[0]
	fmt.Println(e.Action, e.Other, "by", e.Actor, "because", e.Reason)

	kept, restored, _ := m.Unmerge(ctx, "p-S-1", "p-V-1", customer.Decision{Actor: "data steward", At: at.Add(2 * time.Hour)})
	fmt.Println(kept.ID, len(kept.Sources), kept.BirthDate.IsZero())
	fmt.Println(restored.ID, len(restored.Sources), restored.BirthDate)
	// Output:
	// 佐藤 花子 1985-07-14 2 records
	// merge p-V-1 by data steward because same person
	// p-S-1 1 true
	// p-V-1 1 1985-07-14
}

// Store profiles with optimistic concurrency, and find them by identifier.
func ExampleMemoryStore() {
	ctx := context.Background()
	var store customer.MemoryStore // the zero value is ready
	p := &customer.Profile{ID: "cust-1", Facts: customer.Facts{
		Kind:        customer.KindPerson,
		Name:        customer.PersonName{Family: "Smith", Given: "John"},
		Identifiers: []customer.Identifier{{Scheme: "email", Value: "john@example.com"}},
	}}
	v, _ := store.Put(ctx, p) // p.Version 0: create
	fmt.Println("version", v)

	stale := p.Clone() // still at version 0
	got, _ := store.Get(ctx, "cust-1")
	got.Name.Given = "Jonathan"
	v, _ = store.Put(ctx, got) // got.Version 1: update
	fmt.Println("version", v)

	_, err := store.Put(ctx, stale)
	fmt.Println(errors.Is(err, customer.ErrConflict))

	ids, _ := store.Lookup(ctx, customer.Identifier{Scheme: "email", Value: "john@example.com"})
	fmt.Println(ids)
	_, err = store.Get(ctx, "cust-2")
	fmt.Println(errors.Is(err, customer.ErrNotFound))
	// Output:
	// version 1
	// version 2
	// true
	// [cust-1]
	// true
}

// Ask whether a message may be sent.
func ExampleConsentLedger_Status() {
	at := func(m time.Month) time.Time { return time.Date(2025, m, 1, 0, 0, 0, 0, time.UTC) }
	var l customer.ConsentLedger
	l.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing,
		Status: customer.ConsentOptIn, CapturedAt: at(1), Source: "webshop"})
	l.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing,
		Status: customer.ConsentOptOut, CapturedAt: at(3), Source: "service", Method: "call"})
	fmt.Println(l.Status(customer.ChannelEmail, customer.PurposeMarketing, "", at(2)))
	fmt.Println(l.Status(customer.ChannelEmail, customer.PurposeMarketing, "", at(4)))
	l.Policy = customer.ConsentMostRecent
	l.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing,
		Status: customer.ConsentOptIn, CapturedAt: at(5), Source: "webshop"})
	fmt.Println(l.Status(customer.ChannelEmail, customer.PurposeMarketing, "", at(6)))
	fmt.Println(l.Status(customer.ChannelSMS, customer.PurposeMarketing, "", at(6)))
	// Output:
	// opt_in
	// opt_out
	// opt_in
	// unknown
}

// Erase a customer and see what was removed.
func ExamplePrivacy_Erase() {
	ctx := context.Background()
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	var store customer.MemoryStore
	var s customer.Survivorship
	p, _ := s.Build("cust-1", []customer.SourceRecord{{System: "webshop", RecordID: "W-1", Facts: customer.Facts{
		Kind:          customer.KindPerson,
		Name:          customer.PersonName{Family: "鈴木", Given: "一郎"},
		ContactPoints: []customer.ContactPoint{{Type: customer.ContactEmail, Value: "ichiro@example.jp"}},
	}}})
	store.Put(ctx, p)
	pv := &customer.Privacy{Store: &store}
	rep, err := pv.Erase(ctx, "cust-1", customer.Decision{Actor: "dpo", Reason: "erasure request #12", At: at})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Profile, rep.Records, rep.ContactPoints, "contact point(s)")
	fmt.Println(store.Len(), "profiles left")
	// Output:
	// cust-1 [webshop/W-1] 1 contact point(s)
	// 0 profiles left
}
