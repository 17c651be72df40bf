package journey_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-multierror"
)

var t0 = time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)

// usdToJPY converts US cents into yen at 150 yen to the dollar (integer
// division, so 6666 cents is ¥9,999 and 6667 cents ¥10,000); any other
// value it returns unchanged, as Map.Convert must.
func usdToJPY(v journey.Money, _ time.Time) journey.Money {
	if v.Currency != "USD" {
		return v
	}
	return journey.Money{Amount: v.Amount * 150 / 100, Currency: "JPY"}
}

// toUSD converts everything into USD (at 1:1, it only matters that the
// result is not in the rule's currency).
func toUSD(v journey.Money, _ time.Time) journey.Money {
	return journey.Money{Amount: v.Amount, Currency: "USD"}
}

func purchase(id string, v journey.Money) journey.Event {
	return journey.Event{ID: id, CustomerID: "c", Type: journey.TypeStorePurchase, Channel: customer.ChannelStore, Time: t0, Value: v}
}

func yen(n int64) journey.Money   { return journey.Money{Amount: n, Currency: "JPY"} }
func cents(n int64) journey.Money { return journey.Money{Amount: n, Currency: "USD"} }

// vipMap moves a store purchase of at least min into "vip"; any other
// purchase makes a "customer".
func vipMap(min int64, ruleCurrency, mapCurrency string, convert func(journey.Money, time.Time) journey.Money) *journey.Map {
	return &journey.Map{
		Stages:   []journey.Stage{"customer", "vip"},
		Currency: mapCurrency,
		Convert:  convert,
		Rules: []journey.StageRule{
			{Name: "big spender", To: "vip", Types: []journey.Type{journey.TypeStorePurchase}, MinAmount: min, Currency: ruleCurrency},
			{Name: "buyer", To: "customer", Types: []journey.Type{journey.TypeStorePurchase, journey.TypeStoreReturn}},
		},
	}
}

func TestRuleMinAmountCurrency(t *testing.T) {
	tests := []struct {
		name         string
		min          int64
		ruleCurrency string
		mapCurrency  string
		convert      func(journey.Money, time.Time) journey.Money
		value        journey.Money
		want         journey.Stage
		reason       string
	}{
		{name: "yen below", min: 10000, value: yen(9999), want: "customer",
			reason: "no currency anywhere: the threshold is in JPY"},
		{name: "yen at threshold", min: 10000, value: yen(10000), want: "vip"},
		{name: "dollars never meet a yen rule", min: 10000, value: cents(10000), want: "customer",
			reason: "$100.00 is 10000 cents but not ¥10,000"},
		{name: "many dollars never meet a yen rule", min: 10000, value: cents(1_000_000), want: "customer"},
		{name: "no value", min: 10000, value: journey.Money{}, want: "customer"},
		{name: "amount without currency", min: 10000, value: journey.Money{Amount: 50000}, want: "customer",
			reason: "an amount of unknown currency is not in JPY"},
		{name: "map currency USD", min: 10000, mapCurrency: "USD", value: cents(10000), want: "vip",
			reason: "a map whose amounts are all in dollars says so once"},
		{name: "map currency USD, yen event", min: 10000, mapCurrency: "USD", value: yen(10000), want: "customer"},
		{name: "rule currency overrides map", min: 10000, ruleCurrency: "USD", mapCurrency: "JPY", value: cents(10000), want: "vip"},
		{name: "rule currency overrides map, yen event", min: 10000, ruleCurrency: "USD", value: yen(1_000_000), want: "customer"},
		{name: "converted just below", min: 10000, convert: usdToJPY, value: cents(6666), want: "customer",
			reason: "6666 cents convert to ¥9,999"},
		{name: "converted at threshold", min: 10000, convert: usdToJPY, value: cents(6667), want: "vip",
			reason: "6667 cents convert to ¥10,000"},
		{name: "conversion leaves euros unchanged", min: 10000, convert: usdToJPY, value: journey.Money{Amount: 1_000_000, Currency: "EUR"}, want: "customer"},
		{name: "conversion into another currency", min: 10000, convert: toUSD, value: cents(1_000_000), want: "customer",
			reason: "a converted value in USD does not meet a JPY rule"},
		{name: "conversion not needed", min: 10000, convert: toUSD, value: yen(10000), want: "vip",
			reason: "an event already in the rule's currency is not converted"},
		{name: "negative threshold, return in yen", min: -5000, value: yen(-3000), want: "vip"},
		{name: "negative threshold, larger return", min: -5000, value: yen(-5001), want: "customer"},
		{name: "negative threshold, no value", min: -5000, value: journey.Money{}, want: "customer",
			reason: "an event without a value never meets a non-zero threshold"},
		{name: "zero threshold, dollars", min: 0, value: cents(1), want: "vip",
			reason: "MinAmount 0 sets no condition on the amount or its currency"},
		{name: "zero threshold, no value", min: 0, value: journey.Money{}, want: "vip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := vipMap(tt.min, tt.ruleCurrency, tt.mapCurrency, tt.convert)
			if err := m.Validate(); err != nil {
				t.Fatal(err)
			}
			got := journey.Infer(m, []journey.Event{purchase("e1", tt.value)}).Stage
			if got != tt.want {
				t.Errorf("stage after a purchase of %+v = %q, want %q (%s)", tt.value, got, tt.want, tt.reason)
			}
		})
	}
}

// TestRuleMinAmountConvertCalls checks that Convert is called once per event
// however many rules examine it, and not at all for an event in the rules'
// currency or without a value.
func TestRuleMinAmountConvertCalls(t *testing.T) {
	var calls []journey.Money
	m := &journey.Map{
		Stages: []journey.Stage{"a", "b", "c"},
		Convert: func(v journey.Money, at time.Time) journey.Money {
			calls = append(calls, v)
			return usdToJPY(v, at)
		},
		Rules: []journey.StageRule{
			{Name: "huge", To: "c", MinAmount: 1_000_000},
			{Name: "big", To: "b", MinAmount: 100_000},
			{Name: "any", To: "a", MinAmount: 1},
		},
	}
	evs := []journey.Event{
		purchase("1", cents(1000)), // ¥1,500: tried by three rules, meets "any"
		purchase("2", yen(500_000)),
		purchase("3", journey.Money{}),
		purchase("4", cents(1_000_000)), // ¥1,500,000: meets "huge" first
	}
	for i := range evs {
		evs[i].Time = t0.Add(time.Duration(i) * time.Minute)
	}
	st := journey.Infer(m, evs)
	if diff := cmp.Diff([]journey.Money{cents(1000), cents(1_000_000)}, calls); diff != "" {
		t.Errorf("Convert calls (-want +got):\n%s", diff)
	}
	var got []string
	for _, tr := range st.History {
		got = append(got, tr.Rule)
	}
	if diff := cmp.Diff([]string{"any", "big", "huge"}, got); diff != "" {
		t.Errorf("rules of the transitions (-want +got):\n%s", diff)
	}
}

func TestMapValidateCurrency(t *testing.T) {
	tests := []struct {
		name     string
		m        journey.Map
		problems int
	}{
		{"defaults", journey.Map{Stages: []journey.Stage{"a"}, Rules: []journey.StageRule{{To: "a", MinAmount: 1}}}, 0},
		{"codes", journey.Map{Stages: []journey.Stage{"a"}, Currency: "USD", Rules: []journey.StageRule{{To: "a", MinAmount: 1, Currency: "EUR"}}}, 0},
		{"lower-case map currency", journey.Map{Stages: []journey.Stage{"a"}, Currency: "jpy"}, 1},
		{"bad rule currencies", journey.Map{Stages: []journey.Stage{"a"}, Rules: []journey.StageRule{
			{To: "a", Currency: "¥"}, {To: "a", Currency: "YEN!"}, {To: "a", Currency: "JP"}}}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate()
			n := 0
			var me *multierror.Error
			if errors.As(err, &me) {
				n = len(me.Errors)
			}
			if n != tt.problems || (n > 0) != errors.Is(err, journey.ErrInvalidMap) {
				t.Errorf("Validate = %v, want %d problems wrapping ErrInvalidMap", err, tt.problems)
			}
		})
	}
}

// TestEngineConvertConcurrent ingests purchases in two currencies from
// several goroutines through an Engine whose map converts (run it with
// -race).
func TestEngineConvertConcurrent(t *testing.T) {
	var calls atomic.Int64
	m := vipMap(10000, "", "", func(v journey.Money, at time.Time) journey.Money {
		calls.Add(1)
		return usdToJPY(v, at)
	})
	g := &journey.Engine{Map: m}
	ctx := context.Background()
	const workers, each = 4, 50
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				v := yen(10000)
				if i%2 == 1 {
					v = cents(6666) // ¥9,999: not a VIP
				}
				e := purchase(id, v)
				e.CustomerID = customer.ID("c" + id)
				if _, err := g.Ingest(ctx, e); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	vip, customers := 0, 0
	for w := range workers {
		for i := range each {
			st, _ := g.State(customer.ID(fmt.Sprintf("cw%d-%d", w, i)))
			switch st.Stage {
			case "vip":
				vip++
			case "customer":
				customers++
			}
		}
	}
	if vip != workers*each/2 || customers != workers*each/2 || calls.Load() != workers*each/2 {
		t.Errorf("vip %d, customers %d, Convert calls %d; want %d each", vip, customers, calls.Load(), workers*each/2)
	}
}

// A Japanese shop's VIP rule is in yen; a purchase in dollars counts only
// through the caller's conversion.
func ExampleMap_currency() {
	m := &journey.Map{
		Stages: []journey.Stage{"customer", "vip"},
		Rules: []journey.StageRule{
			{Name: "big spender", To: "vip", Types: []journey.Type{journey.TypeOnlinePurchase}, MinAmount: 10000}, // ¥10,000
			{Name: "buyer", To: "customer", Types: []journey.Type{journey.TypeOnlinePurchase}},
		},
	}
	at := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)
	buy := []journey.Event{{ID: "o1", CustomerID: "mike", Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb, Time: at,
		Value: journey.Money{Amount: 10000, Currency: "USD"}}} // $100.00
	fmt.Println("without conversion:", journey.Infer(m, buy).Stage)

	m.Convert = func(v journey.Money, _ time.Time) journey.Money {
		if v.Currency == "USD" { // 150 yen to the dollar
			return journey.Money{Amount: v.Amount * 150 / 100, Currency: "JPY"}
		}
		return v
	}
	fmt.Println("at ¥150/$:", journey.Infer(m, buy).Stage)
	// Output:
	// without conversion: customer
	// at ¥150/$: vip
}
