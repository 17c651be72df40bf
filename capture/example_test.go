package capture_test

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/c360/c360/capture"
	"github.com/c360/c360/customer"
)

func Example() {
	ctx := context.Background()
	profiles := []*customer.Profile{
		{ID: "acct-abc", Facts: customer.Facts{Kind: customer.KindAccount, LegalName: "ABC商事株式会社"}},
		{ID: "p-sato", Facts: customer.Facts{Kind: customer.KindPerson,
			ContactPoints: []customer.ContactPoint{{Type: customer.ContactEmail, Value: "hanako.sato@abc-shoji.co.jp"}},
			Links:         []customer.Link{{Profile: "acct-abc", Role: customer.RoleContact}}}},
	}
	dir, err := capture.NewProfileDirectory(slices.Values(profiles), nil)
	if err != nil {
		panic(err)
	}
	c, err := capture.New(dir, capture.Config{InternalDomains: []string{"example.co.jp"}})
	if err != nil {
		panic(err)
	}
	mbox := `From tanaka Mon Nov  2 10:00:00 2026
From: =?ISO-2022-JP?B?GyRCRURDZhsoQiAbJEIwbE86GyhC?= <tanaka@example.co.jp>
To: Hanako.Sato@ABC-Shoji.co.jp
Subject: =?ISO-2022-JP?B?GyRCJCo4K0BRJGokTjdvGyhC?=
Date: Mon, 02 Nov 2026 10:00:00 +0900
Message-ID: <m1@example.co.jp>

Quote attached.

From friend Mon Nov  2 20:00:00 2026
From: friend@gmail.com
To: tanaka@example.co.jp
Subject: dinner?
Date: Mon, 02 Nov 2026 20:00:00 +0900

7pm?
`
	for ev, err := range c.Mail(ctx, capture.ReadMbox(ctx, strings.NewReader(mbox), "sent.mbox", capture.MboxRD, 0)) {
		if err != nil {
			panic(err)
		}
		fmt.Println(ev.CustomerID, ev.Type, ev.Attributes[capture.AttrSubject], ev.Attributes[capture.AttrRole])
	}
	s := c.Summary()
	fmt.Printf("messages %d, touchpoints %d, personal %d\n", s.Messages, s.Touchpoints, s.Personal)
	// Output:
	// p-sato email_sent お見積りの件 to
	// acct-abc email_sent お見積りの件 account
	// messages 2, touchpoints 2, personal 1
}

func ExampleParseCalendar() {
	ics := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:weekly-1\r\nDTSTART;TZID=Tokyo Standard Time:20261005T100000\r\n" +
		"DTEND;TZID=Tokyo Standard Time:20261005T110000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:定例\r\n" +
		"ATTENDEE;PARTSTAT=ACCEPTED:mailto:hanako.sato@abc-shoji.co.jp\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	cal, err := capture.ParseCalendar(strings.NewReader(ics), "outlook.ics", nil)
	if err != nil {
		panic(err)
	}
	ev := cal.Events[0]
	fmt.Println(ev.UID, ev.Summary, ev.Start.UTC(), ev.Rule.Freq, ev.Rule.Count, ev.Attendees[0].PartStat)
	// Output:
	// weekly-1 定例 2026-10-05 01:00:00 +0000 UTC WEEKLY 3 ACCEPTED
}
