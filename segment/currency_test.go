package segment_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/segment"
	"github.com/google/go-cmp/cmp"
)

var evalAt = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func yen(n int64) journey.Money   { return journey.Money{Amount: n, Currency: "JPY"} }
func cents(n int64) journey.Money { return journey.Money{Amount: n, Currency: "USD"} }

// yenPerDollar150 converts US cents into yen at 150 yen to the dollar and
// returns any other value unchanged, as Set.Convert must.
func yenPerDollar150(v journey.Money, _ time.Time) journey.Money {
	if v.Currency != "USD" {
		return v
	}
	return journey.Money{Amount: v.Amount * 150 / 100, Currency: "JPY"}
}

func buy(id string, daysAgo int, v journey.Money) journey.Event {
	return journey.Event{ID: id, CustomerID: "hanako", Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb,
		Time: evalAt.AddDate(0, 0, -daysAgo), Value: v}
}

func TestSetFromEvent(t *testing.T) {
	attrs := map[string]string{"sku": "RUN-1"}
	e := func(v journey.Money) *journey.Event {
		ev := buy("o1", 1, v)
		ev.Attributes = attrs
		return &ev
	}
	tp := func(value float64, currency string, has bool) segment.Touchpoint {
		return segment.Touchpoint{Type: "online_purchase", Channel: "web", Time: evalAt.AddDate(0, 0, -1),
			Value: value, Currency: currency, HasValue: has, Attrs: attrs}
	}
	toEUR := func(v journey.Money, _ time.Time) journey.Money {
		return journey.Money{Amount: v.Amount, Currency: "EUR"}
	}
	tests := []struct {
		name   string
		set    *segment.Set
		event  *journey.Event
		want   segment.Touchpoint
		reason string
	}{
		{"nil set, yen", nil, e(yen(5000)), tp(5000, "JPY", true), "a nil set is the zero set: JPY"},
		{"zero set, yen", &segment.Set{}, e(yen(5000)), tp(5000, "JPY", true), ""},
		{"zero set, dollars", &segment.Set{}, e(cents(5000)), tp(5000, "USD", false),
			"kept for the record, left out of value aggregates"},
		{"zero set, no value", &segment.Set{}, e(journey.Money{}), tp(0, "", false), ""},
		{"zero set, free order", &segment.Set{}, e(yen(0)), tp(0, "JPY", true), "¥0 is a value"},
		{"zero set, amount without currency", &segment.Set{}, e(journey.Money{Amount: 700}), tp(700, "", false),
			"an amount of unknown currency is not in JPY"},
		{"dollar set, dollars", &segment.Set{Currency: "USD"}, e(cents(5000)), tp(5000, "USD", true), ""},
		{"dollar set, yen", &segment.Set{Currency: "USD"}, e(yen(5000)), tp(5000, "JPY", false), ""},
		{"converted", &segment.Set{Convert: yenPerDollar150}, e(cents(5000)), tp(7500, "JPY", true), "$50.00 at ¥150/$"},
		{"conversion leaves euros", &segment.Set{Convert: yenPerDollar150}, e(journey.Money{Amount: 900, Currency: "EUR"}),
			tp(900, "EUR", false), ""},
		{"conversion into a third currency", &segment.Set{Convert: toEUR}, e(cents(5000)), tp(5000, "USD", false),
			"a result not in the set's currency is ignored; the original stays"},
		{"no conversion needed", &segment.Set{Convert: toEUR}, e(yen(5000)), tp(5000, "JPY", true),
			"a value already in the set's currency is not converted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.set.FromEvent(tt.event)); diff != "" {
				t.Errorf("FromEvent(%+v) (-want +got): %s\n%s", tt.event.Value, tt.reason, diff)
			}
		})
	}
	if diff := cmp.Diff(tp(5000, "USD", false), segment.FromEvent(e(cents(5000)))); diff != "" {
		t.Errorf("package FromEvent of dollars (-want +got):\n%s", diff)
	}
}

// hanako bought for ¥30,000, $120.00, ¥8,000 and $50.00 in the last year.
var hanako = []journey.Event{
	buy("o1", 300, yen(30000)),
	buy("o2", 200, cents(12000)),
	buy("o3", 100, yen(8000)),
	buy("o4", 10, cents(5000)),
}

// TestValueAggregatesOneCurrency is the worked example: value aggregates
// read one currency, whatever the mix of the touchpoints.
func TestValueAggregatesOneCurrency(t *testing.T) {
	tr := func(agg segment.Agg, field string, window time.Duration) segment.Trait {
		return segment.Trait{Agg: agg, Field: field, Window: window}
	}
	traits := []segment.Trait{tr(segment.AggCount, "", 0), tr(segment.AggSum, "value", 0), tr(segment.AggAvg, "value", 0),
		tr(segment.AggMin, "value", 0), tr(segment.AggMax, "value", 0), tr(segment.AggSum, "value", 365*24*time.Hour),
		tr(segment.AggFirst, "value", 0), tr(segment.AggLast, "value", 0), tr(segment.AggDistinct, "value", 0),
		tr(segment.AggDistinct, "currency", 0), tr(segment.AggMostFrequent, "currency", 0), tr(segment.AggLast, "currency", 0)}
	tests := []struct {
		name string
		set  *segment.Set
		want []string
	}{
		{"yen, no conversion", &segment.Set{},
			// the dollar purchases count as purchases but add no yen; the
			// latest purchase has no value in yen, so last(value) is missing
			[]string{"4", "38000", "19000", "8000", "30000", "38000", "30000", "", "2", "2", "JPY", "USD"}},
		{"dollars, no conversion", &segment.Set{Currency: "USD"},
			[]string{"4", "17000", "8500", "5000", "12000", "17000", "", "5000", "2", "2", "JPY", "USD"}},
		{"yen, at ¥150/$", &segment.Set{Convert: yenPerDollar150},
			// 12000 cents → ¥18,000, 5000 cents → ¥7,500
			[]string{"4", "63500", "15875", "7500", "30000", "63500", "30000", "7500", "4", "1", "JPY", "JPY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subj := &segment.Subject{ID: "hanako"}
			for i := range hanako {
				subj.Touchpoints = append(subj.Touchpoints, tt.set.FromEvent(&hanako[i]))
			}
			var got []string
			for _, tr := range traits {
				got = append(got, tr.Compute(subj.Touchpoints, evalAt).String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%v (-want +got):\n%s", traits, diff)
			}
		})
	}
}

// TestSegmentOneCurrency: ¥38,000 and $170.00 do not make more than
// ¥50,000 (they would if cents were added to yen); at ¥150/$ they do.
func TestSegmentOneCurrency(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  *segment.Set
		want bool
	}{
		{"no conversion", &segment.Set{}, false},
		{"at ¥150/$", &segment.Set{Convert: yenPerDollar150}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.set.DefineText("big", `sum(value, 365d) > 50000`); err != nil {
				t.Fatal(err)
			}
			subj := &segment.Subject{ID: "hanako"}
			for i := range hanako {
				subj.Touchpoints = append(subj.Touchpoints, tc.set.FromEvent(&hanako[i]))
			}
			full, err := tc.set.Evaluate("big", subj, evalAt)
			if err != nil {
				t.Fatal(err)
			}
			live := segment.NewLive(tc.set, segment.LiveConfig{})
			for _, tp := range subj.Touchpoints {
				if _, err := live.AddTouchpoint("hanako", tp, evalAt); err != nil {
					t.Fatal(err)
				}
			}
			if full != tc.want || live.IsMember("hanako", "big") != tc.want {
				t.Errorf("member of big: full evaluation %v, live %v; want %v", full, live.IsMember("hanako", "big"), tc.want)
			}
		})
	}
}

// TestLiveAgreesOverCurrencies drives Live with touchpoints in yen,
// dollars, euros and without value, built by Set.FromEvent, and checks its
// membership against full evaluation of the same touchpoints after every
// 25 steps.
func TestLiveAgreesOverCurrencies(t *testing.T) {
	for _, tc := range []struct {
		name    string
		convert func(journey.Money, time.Time) journey.Money
	}{
		{"ignore other currencies", nil},
		{"convert dollars", yenPerDollar150},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := &segment.Set{Convert: tc.convert}
			for _, d := range []struct{ name, src string }{
				{"big", `sum(value, 365d) > 40000`},
				{"big_recent", `sum(value, online_purchase, 30d) >= 10000`},
				{"avg_high", `avg(value, 90d) > 9000`},
				{"max_high", `max(value) >= 15000`},
				{"min_low", `min(value, 60d) < 3000`},
				{"dollar_buyer", `most_frequent(currency) = "USD"`},
				{"repeat", `count(online_purchase, 90d) >= 2`},
			} {
				if _, err := set.DefineText(d.name, d.src); err != nil {
					t.Fatal(err)
				}
			}
			live := segment.NewLive(set, segment.LiveConfig{})
			rng := rand.New(rand.NewPCG(6, 7))
			subjects := map[string]*segment.Subject{}
			currencies := []string{"JPY", "JPY", "USD", "EUR", ""}
			types := []journey.Type{journey.TypeOnlinePurchase, journey.TypeStorePurchase}
			clock := evalAt
			changes := 0
			for step := range 1500 {
				id := fmt.Sprintf("c%d", rng.IntN(30))
				s := subjects[id]
				if s == nil {
					s = &segment.Subject{ID: id}
					subjects[id] = s
				}
				clock = clock.Add(time.Duration(rng.IntN(30)) * time.Hour)
				e := journey.Event{ID: fmt.Sprint(step), CustomerID: "x", Type: types[rng.IntN(2)], Channel: customer.ChannelWeb,
					Time: clock.Add(-time.Duration(rng.IntN(3)) * time.Hour)}
				if c := currencies[rng.IntN(len(currencies))]; c != "" {
					e.Value = journey.Money{Amount: int64(rng.IntN(20000)), Currency: c}
				}
				tp := set.FromEvent(&e)
				i, _ := slices.BinarySearchFunc(s.Touchpoints, tp.Time, func(a segment.Touchpoint, t time.Time) int {
					if a.Time.After(t) {
						return 1
					}
					return -1
				})
				s.Touchpoints = slices.Insert(s.Touchpoints, i, tp)
				ch, err := live.AddTouchpoint(id, tp, clock)
				if err != nil {
					t.Fatal(err)
				}
				changes += len(ch)
				if step%25 != 0 {
					continue
				}
				// windows move with the clock: Live re-evaluates them on Tick
				ch, err = live.Tick(clock)
				if err != nil {
					t.Fatal(err)
				}
				changes += len(ch)
				for _, name := range set.Names() {
					var want []string
					for sid, subj := range subjects {
						in, err := set.Evaluate(name, subj, clock)
						if err != nil {
							t.Fatal(err)
						}
						if in {
							want = append(want, sid)
						}
					}
					slices.Sort(want)
					if diff := cmp.Diff(want, live.Members(name)); diff != "" {
						t.Fatalf("step %d, segment %s: live differs from full evaluation (-full +live):\n%s", step, name, diff)
					}
				}
			}
			if changes == 0 {
				t.Error("the stream caused no membership change; the test needs some")
			}
		})
	}
}

// A Japanese shop's segment counts yen; the dollars of its overseas web
// shop are left out unless the set converts them.
func ExampleSet_FromEvent() {
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	events := []journey.Event{
		{ID: "o1", CustomerID: "hanako", Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb,
			Time: at.AddDate(0, -2, 0), Value: journey.Money{Amount: 30000, Currency: "JPY"}}, // ¥30,000
		{ID: "o2", CustomerID: "hanako", Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb,
			Time: at.AddDate(0, -1, 0), Value: journey.Money{Amount: 15000, Currency: "USD"}}, // $150.00
	}
	for _, set := range []*segment.Set{
		{}, // JPY, nothing converted
		{Convert: func(v journey.Money, _ time.Time) journey.Money {
			if v.Currency == "USD" { // 150 yen to the dollar
				return journey.Money{Amount: v.Amount * 150 / 100, Currency: "JPY"}
			}
			return v
		}},
	} {
		if _, err := set.DefineText("big", `sum(value, 365d) > 50000`); err != nil {
			fmt.Println(err)
			return
		}
		subj := &segment.Subject{ID: "hanako"}
		for i := range events {
			subj.Touchpoints = append(subj.Touchpoints, set.FromEvent(&events[i]))
		}
		sum := segment.Trait{Agg: segment.AggSum, Field: "value"}.Compute(subj.Touchpoints, at)
		in, _ := set.Evaluate("big", subj, at)
		fmt.Printf("sum(value) = ¥%s, big: %v\n", sum, in)
	}
	// Output:
	// sum(value) = ¥30000, big: false
	// sum(value) = ¥52500, big: true
}
