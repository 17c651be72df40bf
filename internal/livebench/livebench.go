// Package livebench holds what the live engine's benchmarks share (the
// benchmarks in package c360 and bench/cmd/engine): ten live segments of the
// kinds a marketing team defines, and a stream of touchpoints that name
// their people the ways sources do.
package livebench

import (
	"strconv"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

// Segments are ten live segments: event counts and sums over windows,
// attributes, consent, and segments of segments.
func Segments() []c360.SegmentDef {
	return []c360.SegmentDef{
		{Name: "buyers_30d", Expr: `count(online_purchase, 30d) >= 1`},
		{Name: "repeat_90d", Expr: `count(online_purchase, 90d) >= 2`},
		{Name: "big_spenders", Expr: `sum(value, 365d) > 50000`},
		{Name: "visitors_7d", Expr: `count(web_visit, 7d) >= 3`},
		{Name: "email_ok", Expr: `consent.email.marketing = "opt_in"`},
		{Name: "has_phone", Expr: `exists(phone)`},
		{Name: "tokyo", Expr: `attributes.prefecture = "東京都"`},
		{Name: "lapsed", Expr: `count(online_purchase, 365d) >= 1 and count(online_purchase, 90d) = 0`},
		{Name: "engaged_buyers", Expr: `segment(buyers_30d) and segment(visitors_7d)`},
		{Name: "support_heavy", Expr: `count(service_call, 30d) >= 2`},
	}
}

var types = []journey.Type{journey.TypeWebVisit, journey.TypeOnlinePurchase, journey.TypeEmailOpen, journey.TypeServiceCall}

// Event returns the i-th touchpoint of a stream at time at: half name the
// profile by ID (ids), a third by e-mail address (emails: addresses one
// profile holds each), the rest are anonymous visits of 50,000 cookies.
func Event(i int, at time.Time, ids []customer.ID, emails []string) journey.Event {
	x := journey.Event{ID: "e" + strconv.Itoa(i), Type: types[i%len(types)], Channel: customer.ChannelWeb, Time: at}
	if x.Type == journey.TypeOnlinePurchase {
		x.Value = journey.Money{Amount: 4800, Currency: "JPY"}
	}
	switch i % 6 {
	case 0, 1, 2:
		x.CustomerID = ids[(i*7919)%len(ids)]
	case 3, 4:
		if len(emails) > 0 {
			x.Identifiers = []customer.Identifier{{Scheme: "email", Value: emails[(i*104729)%len(emails)]}}
			break
		}
		x.CustomerID = ids[(i*104729)%len(ids)]
	default:
		x.AnonymousID = "cookie-" + strconv.Itoa(i%50000)
	}
	return x
}
