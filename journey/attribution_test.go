package journey

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const day = 24 * time.Hour

func onDay(id string, typ Type, ch customer.Channel, d int) Event {
	return Event{ID: id, CustomerID: "c", Type: typ, Channel: ch, Time: t0.Add(time.Duration(d) * day)}
}

func paid(id string, typ Type, ch customer.Channel, d int, amount int64, currency string) Event {
	e := onDay(id, typ, ch, d)
	e.Value = Money{Amount: amount, Currency: currency}
	return e
}

// The worked example: an ad on day 0, an e-mail on day 1, a web visit on
// day 2, a purchase of ¥7,000 on day 3; a second purchase on day 4 has no
// new touchpoint.
func workedExample() []Event {
	return []Event{
		paid("p2", TypeStorePurchase, customer.ChannelStore, 4, 1000, "JPY"), // order of input does not matter
		onDay("t1", TypeAdClick, customer.ChannelAdvertising, 0),
		onDay("t2", TypeEmailClick, customer.ChannelEmail, 1),
		onDay("t3", TypeWebVisit, customer.ChannelWeb, 2),
		paid("p1", TypeOnlinePurchase, customer.ChannelWeb, 3, 7000, "JPY"),
	}
}

// The worked example in two currencies: a customer buys in the Japanese
// shop in yen and in the US shop in dollars.
//
//	day 0 ad click (advertising)
//	day 1 e-mail click (email)
//	day 2 web visit (web)
//	day 3 online purchase ¥7,000      ← conversion 1: ad, email, web
//	day 4 ad click (advertising)
//	day 5 e-mail click (email)
//	day 6 online purchase $50.00      ← conversion 2: ad, email
//	day 7 store purchase ¥1,000       ← conversion 3: no touchpoint since 2
func twoCurrencies() []Event {
	return []Event{
		paid("p3", TypeStorePurchase, customer.ChannelStore, 7, 1000, "JPY"),
		onDay("t1", TypeAdClick, customer.ChannelAdvertising, 0),
		onDay("t2", TypeEmailClick, customer.ChannelEmail, 1),
		onDay("t3", TypeWebVisit, customer.ChannelWeb, 2),
		paid("p1", TypeOnlinePurchase, customer.ChannelWeb, 3, 7000, "JPY"),
		onDay("t4", TypeAdClick, customer.ChannelAdvertising, 4),
		onDay("t5", TypeEmailClick, customer.ChannelEmail, 5),
		paid("p2", TypeOnlinePurchase, customer.ChannelWeb, 6, 5000, "USD"),
	}
}

var approx = cmp.Options{cmpopts.EquateApprox(0, 1e-9), cmpopts.EquateEmpty()}

// TestAttributionModels credits the two-currency worked example with every
// model. Each credit is derived by hand from the shares of the two
// attributed conversions (¥7,000 over ad, email, web; $50.00 over ad, email).
func TestAttributionModels(t *testing.T) {
	tests := []struct {
		model  Model
		want   []Credit // by decreasing Conversions, then Key
		reason string
	}{
		{FirstTouch, []Credit{
			{Key: "advertising", Conversions: 2, Value: Amounts{"JPY": 7000, "USD": 5000}},
		}, "the first ad click of each conversion takes all"},
		{LastTouch, []Credit{
			{Key: "email", Conversions: 1, Value: Amounts{"USD": 5000}},
			{Key: "web", Conversions: 1, Value: Amounts{"JPY": 7000}},
		}, "the web visit closes the yen purchase, the e-mail the dollar one"},
		{Linear, []Credit{
			{Key: "advertising", Conversions: 1.0/3 + 1.0/2, Value: Amounts{"JPY": 7000.0 / 3, "USD": 2500}},
			{Key: "email", Conversions: 1.0/3 + 1.0/2, Value: Amounts{"JPY": 7000.0 / 3, "USD": 2500}},
			{Key: "web", Conversions: 1.0 / 3, Value: Amounts{"JPY": 7000.0 / 3}},
		}, "thirds of the yen purchase, halves of the dollar one"},
		{TimeDecay, []Credit{
			{Key: "email", Conversions: 2.0/7 + 2.0/3, Value: Amounts{"JPY": 2000, "USD": 10000.0 / 3}},
			{Key: "web", Conversions: 4.0 / 7, Value: Amounts{"JPY": 4000}},
			{Key: "advertising", Conversions: 1.0/7 + 1.0/3, Value: Amounts{"JPY": 1000, "USD": 5000.0 / 3}},
		}, "half-life 1 day: ages 3, 2, 1 days weigh 1/8, 1/4, 1/2 (→ 1/7, 2/7, 4/7); ages 2, 1 weigh 1/4, 1/2 (→ 1/3, 2/3)"},
		{PositionBased, []Credit{
			{Key: "advertising", Conversions: 0.4 + 0.5, Value: Amounts{"JPY": 2800, "USD": 2500}},
			{Key: "email", Conversions: 0.2 + 0.5, Value: Amounts{"JPY": 1400, "USD": 2500}},
			{Key: "web", Conversions: 0.4, Value: Amounts{"JPY": 2800}},
		}, "40/20/40 over three touchpoints; two share 0.4:0.4, half each"},
	}
	for _, tt := range tests {
		t.Run(tt.model.String(), func(t *testing.T) {
			a := Attribution{Model: tt.model, HalfLife: day}
			got := a.Attribute(twoCurrencies())
			want := &AttributionResult{Credits: tt.want, Conversions: 3, Unattributed: 1}
			if diff := cmp.Diff(want, got, approx); diff != "" {
				t.Errorf("%s (%s) (-want +got):\n%s", tt.model, tt.reason, diff)
			}
			// Whatever the model, the credits of each currency sum to the
			// attributed conversions of that currency, and never mix.
			sum := Amounts{}
			conv := 0.0
			for _, c := range got.Credits {
				conv += c.Conversions
				for cur, v := range c.Value {
					sum[cur] += v
				}
			}
			if diff := cmp.Diff(Amounts{"JPY": 7000, "USD": 5000}, sum, approx); diff != "" {
				t.Errorf("credited value per currency (-want +got):\n%s", diff)
			}
			if math.Abs(conv-2) > 1e-9 {
				t.Errorf("credited conversions sum to %v, want 2", conv)
			}
		})
	}
}

// TestAttributionConvert converts the dollar purchase into yen through a
// caller's rate table, at the rate of the conversion's day.
func TestAttributionConvert(t *testing.T) {
	date := func(d int) string { return t0.AddDate(0, 0, d).Format(time.DateOnly) }
	rates := map[string]map[string]float64{ // date → currency → yen per smallest unit
		date(6): {"USD": 1.5}, // $1 = ¥150 on day 6
	}
	var calls []string
	toYen := func(v Money, at time.Time) Money {
		calls = append(calls, fmt.Sprintf("%d %s %s", v.Amount, v.Currency, at.Format(time.DateOnly)))
		if v.Currency == "JPY" {
			return v
		}
		r, ok := rates[at.Format(time.DateOnly)][v.Currency]
		if !ok {
			return v // no rate: kept in its own currency
		}
		return Money{Amount: int64(math.Round(float64(v.Amount) * r)), Currency: "JPY"}
	}
	evs := twoCurrencies()
	euro := paid("p4", TypeOnlinePurchase, customer.ChannelWeb, 9, 2000, "EUR")
	evs = append(evs, onDay("t6", TypeEmailClick, customer.ChannelEmail, 8), euro)

	tests := []struct {
		name   string
		model  Model
		want   []Credit
		reason string
	}{
		{"first touch", FirstTouch, []Credit{
			{Key: "advertising", Conversions: 2, Value: Amounts{"JPY": 7000 + 7500}},
			{Key: "email", Conversions: 1, Value: Amounts{"EUR": 2000}},
		}, "$50.00 is ¥7,500 on day 6; no euro rate, so €20.00 stays in euros"},
		{"linear", Linear, []Credit{
			{Key: "email", Conversions: 1.0/3 + 1.0/2 + 1, Value: Amounts{"JPY": 7000.0/3 + 3750, "EUR": 2000}},
			{Key: "advertising", Conversions: 1.0/3 + 1.0/2, Value: Amounts{"JPY": 7000.0/3 + 3750}},
			{Key: "web", Conversions: 1.0 / 3, Value: Amounts{"JPY": 7000.0 / 3}},
		}, "shares as without Convert, of converted values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls = nil
			got := (&Attribution{Model: tt.model, Convert: toYen}).Attribute(evs)
			want := &AttributionResult{Credits: tt.want, Conversions: 4, Unattributed: 1}
			if diff := cmp.Diff(want, got, approx); diff != "" {
				t.Errorf("%s (%s) (-want +got):\n%s", tt.name, tt.reason, diff)
			}
			// Convert sees each attributed conversion's value once, at its time.
			wantCalls := []string{"7000 JPY " + date(3), "5000 USD " + date(6), "2000 EUR " + date(9)}
			if diff := cmp.Diff(wantCalls, calls); diff != "" {
				t.Errorf("Convert calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAttributionEdges(t *testing.T) {
	// Two touchpoints under position-based share by FirstWeight:LastWeight.
	evs := workedExample()[1:]
	evs = append(evs[:1], evs[2:]...) // ad, web, buy
	got := (&Attribution{Model: PositionBased, FirstWeight: 0.3, LastWeight: 0.1}).Attribute(evs)
	want := []Credit{{Key: "advertising", Conversions: 0.75, Value: Amounts{"JPY": 5250}}, {Key: "web", Conversions: 0.25, Value: Amounts{"JPY": 1750}}}
	if diff := cmp.Diff(want, got.Credits, approx); diff != "" {
		t.Errorf("two touchpoints (-want +got):\n%s", diff)
	}
	// Lookback of 1.5 days leaves only the web visit; keys by type.
	got = (&Attribution{Model: Linear, Lookback: 36 * time.Hour, Key: func(e *Event) string { return string(e.Type) }}).Attribute(workedExample())
	want = []Credit{{Key: "web_visit", Conversions: 1, Value: Amounts{"JPY": 7000}}}
	if diff := cmp.Diff(want, got.Credits); diff != "" {
		t.Errorf("lookback (-want +got):\n%s", diff)
	}
	// A touchpoint at the same instant as the conversion is not before it.
	same := []Event{onDay("t", TypeAdClick, customer.ChannelAdvertising, 1), onDay("p", TypeOnlinePurchase, customer.ChannelWeb, 1)}
	if got := (&Attribution{}).Attribute(same); got.Unattributed != 1 || len(got.Credits) != 0 {
		t.Errorf("same-instant touchpoint: %+v, want the conversion unattributed", got)
	}
	// A conversion without a value counts, with no value; an amount without
	// a currency is kept apart under "".
	evs = []Event{
		onDay("t", TypeAdClick, customer.ChannelAdvertising, 0),
		onDay("p1", TypeOnlinePurchase, customer.ChannelWeb, 1),
		onDay("u", TypeAdClick, customer.ChannelAdvertising, 2),
		paid("p2", TypeOnlinePurchase, customer.ChannelWeb, 3, 300, ""),
		onDay("v", TypeWebVisit, customer.ChannelWeb, 4),
		paid("p3", TypeOnlinePurchase, customer.ChannelWeb, 5, 400, "JPY"),
	}
	got = (&Attribution{Model: LastTouch}).Attribute(evs)
	want = []Credit{{Key: "advertising", Conversions: 2, Value: Amounts{"": 300}}, {Key: "web", Conversions: 1, Value: Amounts{"JPY": 400}}}
	if diff := cmp.Diff(want, got.Credits); diff != "" {
		t.Errorf("missing value and currency (-want +got):\n%s", diff)
	}
	if m, err := ParseModel("time_decay"); err != nil || m != TimeDecay {
		t.Errorf("ParseModel(time_decay) = %v, %v", m, err)
	}
	if _, err := ParseModel("nope"); err == nil {
		t.Error("ParseModel(nope) succeeded")
	}
}

func TestAmountsString(t *testing.T) {
	tests := []struct {
		in   Amounts
		want string
	}{
		{nil, "0"},
		{Amounts{"JPY": 7000}, "JPY 7000"},
		{Amounts{"USD": 2500, "JPY": 7000.0 / 3}, "JPY 2333 + USD 2500"},
		{Amounts{"": 300, "JPY": -120}, "300 + JPY -120"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.in, got, tt.want)
		}
	}
	if diff := cmp.Diff([]string{"JPY", "USD"}, Amounts{"USD": 1, "JPY": 2}.Currencies()); diff != "" {
		t.Errorf("Currencies (-want +got):\n%s", diff)
	}
}

func TestTopPaths(t *testing.T) {
	mk := func(c string, types ...Type) []Event {
		var out []Event
		for i, ty := range types {
			out = append(out, Event{ID: c + string(rune('a'+i)), CustomerID: "c", Type: ty, Time: at(i)})
		}
		return out
	}
	A, W, E, P := TypeAdClick, TypeWebVisit, TypeEmailClick, TypeOnlinePurchase
	tls := [][]Event{
		mk("1", A, W, P),
		mk("2", A, W, W, P),
		mk("3", A, E, W, P),
		mk("4", W, A, W, P, A, W, P), // two paths
		mk("5", A, W),                // never converts
		mk("6", A, A, E, P),          // restarts at the last A
	}
	seq := func(yield func([]Event, error) bool) {
		for _, tl := range tls {
			if !yield(tl, nil) {
				return
			}
		}
	}
	got, err := TopPaths(t.Context(), seq, A, P, PathConfig{N: 3, CollapseRepeats: true})
	if err != nil {
		t.Fatal(err)
	}
	want := &PathResult{
		Paths: []Path{
			{Types: []Type{A, W, P}, Count: 4},
			{Types: []Type{A, E, P}, Count: 1},
			{Types: []Type{A, E, W, P}, Count: 1},
		},
		Total: 6,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TopPaths (-want +got):\n%s", diff)
	}
	got, err = TopPaths(t.Context(), seq, A, P, PathConfig{MaxLen: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != 6 || got.TooLong != 2 {
		t.Errorf("MaxLen 3 without collapsing: total %d, too long %d; want 6 and 2", got.Total, got.TooLong)
	}
}

func TestEnumsAsText(t *testing.T) {
	type doc struct {
		Model  Model
		Code   ReasonCode
		Status customer.ConsentStatus
	}
	b, err := json.Marshal(doc{TimeDecay, ReasonQuietHours, customer.ConsentOptOut})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Model":"time_decay","Code":"quiet_hours","Status":"opt_out"}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	var m Model
	if err := m.UnmarshalText([]byte("position_based")); err != nil || m != PositionBased {
		t.Errorf("UnmarshalText = %v, %v", m, err)
	}
	if err := m.UnmarshalText([]byte("nope")); err == nil {
		t.Error("UnmarshalText(nope) succeeded")
	}
}

// Values in different currencies are credited apart; Convert reports them in
// one currency, from rates the caller holds.
func ExampleAttribution_currencies() {
	day := func(d int) time.Time { return time.Date(2026, 4, d, 12, 0, 0, 0, time.UTC) }
	tl := []Event{
		{ID: "1", CustomerID: "c", Type: TypeAdClick, Channel: customer.ChannelAdvertising, Time: day(1)},
		{ID: "2", CustomerID: "c", Type: TypeOnlinePurchase, Channel: customer.ChannelWeb, Time: day(2), Value: Money{Amount: 7000, Currency: "JPY"}},
		{ID: "3", CustomerID: "c", Type: TypeAdClick, Channel: customer.ChannelAdvertising, Time: day(3)},
		{ID: "4", CustomerID: "c", Type: TypeOnlinePurchase, Channel: customer.ChannelWeb, Time: day(4), Value: Money{Amount: 5000, Currency: "USD"}},
	}
	a := Attribution{Model: LastTouch}
	for _, c := range a.Attribute(tl).Credits {
		fmt.Printf("%s: %v\n", c.Key, c.Value)
	}
	a.Convert = func(v Money, at time.Time) Money {
		if v.Currency == "USD" { // ¥150 to the dollar: 1.5 yen per cent
			return Money{Amount: v.Amount * 3 / 2, Currency: "JPY"}
		}
		return v
	}
	for _, c := range a.Attribute(tl).Credits {
		fmt.Printf("%s in yen: %.0f\n", c.Key, c.Value["JPY"])
	}
	// Output:
	// advertising: JPY 7000 + USD 5000
	// advertising in yen: 14500
}
