package journey

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const day = 24 * time.Hour

func onDay(id string, typ Type, ch Channel, d int) Event {
	return Event{ID: id, CustomerID: "c", Type: typ, Channel: ch, Time: t0.Add(time.Duration(d) * day)}
}

// The worked example: an ad on day 0, an e-mail on day 1, a web visit on
// day 2, a purchase of ¥7,000 on day 3; a second purchase on day 4 has no
// new touchpoint.
func workedExample() []Event {
	buy := onDay("p1", TypeOnlinePurchase, ChannelWeb, 3)
	buy.Value = Value{Amount: 7000, Currency: "JPY"}
	again := onDay("p2", TypeStorePurchase, ChannelStore, 4)
	again.Value = Value{Amount: 1000, Currency: "JPY"}
	return []Event{
		again, // order of input does not matter
		onDay("t1", TypeAdClick, ChannelAdvertising, 0),
		onDay("t2", TypeEmailClick, ChannelEmail, 1),
		onDay("t3", TypeWebVisit, ChannelWeb, 2),
		buy,
	}
}

func TestAttributionModels(t *testing.T) {
	tests := []struct {
		model Model
		// shares of advertising, email, web
		ad, email, web float64
	}{
		{FirstTouch, 1, 0, 0},
		{LastTouch, 0, 0, 1},
		{Linear, 1.0 / 3, 1.0 / 3, 1.0 / 3},
		// half-life 1 day, ages 3, 2 and 1 days: weights 1/8, 1/4, 1/2 of 7/8
		{TimeDecay, 1.0 / 7, 2.0 / 7, 4.0 / 7},
		{PositionBased, 0.4, 0.2, 0.4},
	}
	for _, tt := range tests {
		t.Run(tt.model.String(), func(t *testing.T) {
			a := Attribution{Model: tt.model, HalfLife: day}
			got := a.Attribute(workedExample())
			var want []Credit
			for _, c := range []Credit{
				{Key: "advertising", Conversions: tt.ad, Value: 7000 * tt.ad},
				{Key: "email", Conversions: tt.email, Value: 7000 * tt.email},
				{Key: "web", Conversions: tt.web, Value: 7000 * tt.web},
			} {
				if c.Conversions > 0 {
					want = append(want, c)
				}
			}
			opts := []cmp.Option{cmpopts.EquateApprox(0, 1e-9), cmpopts.SortSlices(func(a, b Credit) bool { return a.Key < b.Key })}
			if diff := cmp.Diff(want, got.Credits, opts...); diff != "" {
				t.Errorf("credits (-want +got):\n%s", diff)
			}
			if got.Conversions != 2 || got.Unattributed != 1 {
				t.Errorf("conversions %d, unattributed %d; want 2 and 1", got.Conversions, got.Unattributed)
			}
			sum := 0.0
			for _, c := range got.Credits {
				sum += c.Conversions
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("credits sum to %v, want 1 (one attributed conversion)", sum)
			}
		})
	}
}

func TestAttributionEdges(t *testing.T) {
	// Two touchpoints under position-based share by FirstWeight:LastWeight.
	evs := workedExample()[1:]
	evs = append(evs[:1], evs[2:]...) // ad, web, buy
	got := (&Attribution{Model: PositionBased, FirstWeight: 0.3, LastWeight: 0.1}).Attribute(evs)
	want := []Credit{{Key: "advertising", Conversions: 0.75, Value: 5250}, {Key: "web", Conversions: 0.25, Value: 1750}}
	if diff := cmp.Diff(want, got.Credits, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("two touchpoints (-want +got):\n%s", diff)
	}
	// Lookback of 1.5 days leaves only the web visit; keys by type.
	got = (&Attribution{Model: Linear, Lookback: 36 * time.Hour, Key: func(e *Event) string { return string(e.Type) }}).Attribute(workedExample())
	want = []Credit{{Key: "web_visit", Conversions: 1, Value: 7000}}
	if diff := cmp.Diff(want, got.Credits); diff != "" {
		t.Errorf("lookback (-want +got):\n%s", diff)
	}
	// A touchpoint at the same instant as the conversion is not before it.
	same := []Event{onDay("t", TypeAdClick, ChannelAdvertising, 1), onDay("p", TypeOnlinePurchase, ChannelWeb, 1)}
	if got := (&Attribution{}).Attribute(same); got.Unattributed != 1 || len(got.Credits) != 0 {
		t.Errorf("same-instant touchpoint: %+v, want the conversion unattributed", got)
	}
	if m, err := ParseModel("time_decay"); err != nil || m != TimeDecay {
		t.Errorf("ParseModel(time_decay) = %v, %v", m, err)
	}
	if _, err := ParseModel("nope"); err == nil {
		t.Error("ParseModel(nope) succeeded")
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
	got, err := TopPaths(t.Context(), seq, A, P, PathOptions{N: 3, CollapseRepeats: true})
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
	got, err = TopPaths(t.Context(), seq, A, P, PathOptions{MaxLen: 3})
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
		Status ConsentStatus
	}
	b, err := json.Marshal(doc{TimeDecay, ReasonQuietHours, ConsentDenied})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Model":"time_decay","Code":"quiet_hours","Status":"denied"}`; string(b) != want {
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
