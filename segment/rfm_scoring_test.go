package segment_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360/journey"
	"github.com/c360/c360/segment"
	"github.com/c360/c360/segment/analysis"
	"github.com/google/go-cmp/cmp"
)

var rfmNow = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func daysAgo(d float64) time.Time { return rfmNow.Add(-time.Duration(d * 24 * float64(time.Hour))) }

// rfmCells scores in with the default configuration and returns
// "ID:RFM:cell" per customer, in input order.
func rfmCells(t testing.TB, in []analysis.RFMInput) []string {
	t.Helper()
	got, err := analysis.RFM(in, rfmNow, analysis.RFMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(got))
	for i, s := range got {
		out[i] = fmt.Sprintf("%s:%d%d%d:%s", s.CustomerID, s.R, s.F, s.M, s.Cell)
	}
	return out
}

func TestRFMMidRank(t *testing.T) {
	buyer := func(id string, days float64, f int, m float64) analysis.RFMInput {
		return analysis.RFMInput{CustomerID: id, Last: daysAgo(days), Frequency: f, Monetary: m}
	}
	none := func(id string) analysis.RFMInput { return analysis.RFMInput{CustomerID: id} }
	tests := []struct {
		name   string
		reason string
		in     []analysis.RFMInput
		want   []string
	}{
		{
			name:   "a customer alone who bought today",
			reason: "k = 0, t = 1, n = 1: 1 + floor(5·1/2) = 3 on each measure; FM 3 → loyal, not lost",
			in:     []analysis.RFMInput{buyer("a", 0, 1, 500)},
			want:   []string{"a:333:loyal"},
		},
		{
			name:   "customers all tied",
			reason: "k = 0, t = n = 3: 1 + floor(5·3/6) = 3 for everyone",
			in:     []analysis.RFMInput{buyer("a", 2, 2, 900), buyer("b", 2, 2, 900), buyer("c", 2, 2, 900)},
			want:   []string{"a:333:loyal", "b:333:loyal", "c:333:loyal"},
		},
		{
			name:   "five distinct customers fill the five bins",
			reason: "k = 0..4, t = 1, n = 5: 1 + floor((2k+1)/2) = k+1",
			in: []analysis.RFMInput{buyer("a", 1, 5, 500), buyer("b", 2, 4, 400), buyer("c", 3, 3, 300),
				buyer("d", 4, 2, 200), buyer("e", 5, 1, 100)},
			want: []string{"a:555:champions", "b:444:champions", "c:333:loyal", "d:222:hibernating", "e:111:lost"},
		},
		{
			name:   "ten distinct customers: two per bin",
			reason: "1 + floor(5·(2k+1)/20): k 0,1 → 1; 2,3 → 2; 4,5 → 3; 6,7 → 4; 8,9 → 5",
			in: func() []analysis.RFMInput {
				var in []analysis.RFMInput
				for k := range 10 {
					in = append(in, buyer(fmt.Sprint(k), float64(10-k), k+1, float64(100*(k+1))))
				}
				return in
			}(),
			want: []string{"0:111:lost", "1:111:lost", "2:222:hibernating", "3:222:hibernating", "4:333:loyal",
				"5:333:loyal", "6:444:champions", "7:444:champions", "8:555:champions", "9:555:champions"},
		},
		{
			name: "a tie at the top does not score lowest",
			reason: "four customers tie on every measure above one (k = 1, t = 4, n = 5): " +
				"1 + floor(5·6/10) = 4; the one below: 1 + floor(5/10) = 1",
			in: []analysis.RFMInput{buyer("low", 30, 1, 100), buyer("t1", 1, 3, 900), buyer("t2", 1, 3, 900),
				buyer("t3", 1, 3, 900), buyer("t4", 1, 3, 900)},
			want: []string{"low:111:lost", "t1:444:champions", "t2:444:champions", "t3:444:champions", "t4:444:champions"},
		},
		{
			name:   "two customers score 2 and 4, mirror images",
			reason: "n = 2: 1 + floor(5·1/4) = 2 and 1 + floor(5·3/4) = 4",
			in:     []analysis.RFMInput{buyer("old", 100, 1, 100), buyer("new", 1, 2, 200)},
			want:   []string{"old:222:hibernating", "new:444:champions"},
		},
		{
			name:   "customers without a purchase are reported apart and rank nobody",
			reason: "the buyer alone scores as in the first case; the others are no_purchase with 0 scores",
			in:     []analysis.RFMInput{none("x"), buyer("a", 0, 1, 500), none("y"), none("z")},
			want:   []string{"x:000:no_purchase", "a:333:loyal", "y:000:no_purchase", "z:000:no_purchase"},
		},
		{
			name: "recency: more recent is better; frequency and monetary: more is better",
			reason: "a is most recent but buys least; b is oldest but buys most: " +
				"R a 4, b 2; F and M a 2, b 4",
			in:   []analysis.RFMInput{buyer("a", 1, 1, 100), buyer("b", 300, 9, 90000)},
			want: []string{"a:422:potential_loyalist", "b:244:at_risk"},
		},
		{
			name: "only no purchases",
			in:   []analysis.RFMInput{none("x")},
			want: []string{"x:000:no_purchase"},
		},
		{
			name: "no customers",
			want: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, rfmCells(t, tt.in)); diff != "" {
				t.Errorf("RFM (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

// TestRFMOrderIndependent checks that a customer's scores do not depend on
// the order of the input, with many ties, and that customers without a
// purchase change no buyer's score.
func TestRFMOrderIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var buyers []analysis.RFMInput
	for i := range 300 {
		buyers = append(buyers, analysis.RFMInput{CustomerID: fmt.Sprintf("c%03d", i),
			Last: daysAgo(float64(rng.IntN(20))), Frequency: 1 + rng.IntN(4), Monetary: float64(100 * rng.IntN(6))})
	}
	byID := func(in []analysis.RFMInput) map[string]string {
		m := map[string]string{}
		for _, s := range rfmCells(t, in) {
			m[s[:4]] = s
		}
		return m
	}
	want := byID(buyers)
	for round := range 5 {
		in := slices.Clone(buyers)
		rng.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
		for k := range 50 * round {
			in = append(in, analysis.RFMInput{CustomerID: fmt.Sprintf("n%03d", k)})
		}
		got := byID(in)
		for id := range got {
			if id[0] == 'n' {
				delete(got, id)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round %d: scores changed with the input order or non-buyers (-want +got):\n%s", round, diff)
		}
	}
}

func TestRFMRejectsNaNMonetary(t *testing.T) {
	_, err := analysis.RFM([]analysis.RFMInput{{CustomerID: "a", Last: rfmNow, Frequency: 1, Monetary: math.NaN()}}, rfmNow, analysis.RFMConfig{})
	if err == nil {
		t.Fatal("RFM accepted a NaN monetary value")
	}
}

func TestRFMInputsCurrency(t *testing.T) {
	purchase := func(days float64, value float64, currency string, has bool) segment.Touchpoint {
		return segment.Touchpoint{Type: "online_purchase", Time: daysAgo(days), Value: value, Currency: currency, HasValue: has}
	}
	customers := map[string][]segment.Touchpoint{
		"jp": {purchase(3, 1000, "JPY", true), purchase(2, 500, "", true)}, // hand-built, no currency: the set's
		"mixed": {
			purchase(5, 2000, "JPY", true),
			purchase(4, 1999, "USD", true),  // $19.99 marked as a value: never added to yen
			purchase(1, 4500, "USD", false), // left in USD by Set.FromEvent
			{Type: "store_purchase", Time: daysAgo(6)},
		},
		"usonly": {purchase(1, 1200, "USD", false)},
	}
	tests := []struct {
		name string
		set  *segment.Set
		want []analysis.RFMInput
	}{
		{
			name: "package function: yen",
			want: []analysis.RFMInput{
				{CustomerID: "jp", Last: daysAgo(2), Frequency: 2, Monetary: 1500},
				{CustomerID: "mixed", Last: daysAgo(1), Frequency: 4, Monetary: 2000, OtherCurrency: 2},
				{CustomerID: "usonly", Last: daysAgo(1), Frequency: 1, OtherCurrency: 1},
			},
		},
		{
			name: "zero Set: yen",
			set:  &segment.Set{},
			want: []analysis.RFMInput{
				{CustomerID: "jp", Last: daysAgo(2), Frequency: 2, Monetary: 1500},
				{CustomerID: "mixed", Last: daysAgo(1), Frequency: 4, Monetary: 2000, OtherCurrency: 2},
				{CustomerID: "usonly", Last: daysAgo(1), Frequency: 1, OtherCurrency: 1},
			},
		},
		{
			name: "a dollar set sums cents and leaves yen out",
			set:  &segment.Set{Currency: "USD"},
			want: []analysis.RFMInput{
				// the hand-built value without a currency is taken to be the set's
				{CustomerID: "jp", Last: daysAgo(2), Frequency: 2, Monetary: 500, OtherCurrency: 1},
				{CustomerID: "mixed", Last: daysAgo(1), Frequency: 4, Monetary: 1999 + 4500, OtherCurrency: 1},
				{CustomerID: "usonly", Last: daysAgo(1), Frequency: 1, Monetary: 1200},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []analysis.RFMInput
			if tt.set == nil {
				got = segment.RFMFromTouchpoints(customers, nil, rfmNow, 0)
			} else {
				got = tt.set.RFMFromTouchpoints(customers, nil, rfmNow, 0)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("RFMFromTouchpoints (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRFMInputsConverted checks RFM over touchpoints a set built: values in
// another currency converted by Set.Convert count; those it cannot convert
// do not.
func TestRFMInputsConverted(t *testing.T) {
	set := &segment.Set{Convert: func(v journey.Money, _ time.Time) journey.Money {
		if v.Currency == "USD" {
			return journey.Money{Amount: v.Amount * 150 / 100, Currency: "JPY"}
		}
		return v
	}}
	ev := func(id string, days float64, v journey.Money) journey.Event {
		return journey.Event{ID: id, CustomerID: "hanako", Type: journey.TypeOnlinePurchase, Time: daysAgo(days), Value: v}
	}
	events := []journey.Event{
		ev("1", 10, journey.Money{Amount: 3000, Currency: "JPY"}),
		ev("2", 5, journey.Money{Amount: 2000, Currency: "USD"}), // $20.00 → ¥3000
		ev("3", 1, journey.Money{Amount: 1000, Currency: "EUR"}), // no rate: left out
	}
	var tps []segment.Touchpoint
	for i := range events {
		tps = append(tps, set.FromEvent(&events[i]))
	}
	got := set.RFMInputs(func(yield func(string, []segment.Touchpoint) bool) { yield("hanako", tps) }, nil, rfmNow, 0)
	want := []analysis.RFMInput{{CustomerID: "hanako", Last: daysAgo(1), Frequency: 3, Monetary: 6000, OtherCurrency: 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Set.RFMInputs (-want +got):\n%s", diff)
	}
}

func ExampleRFM() {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	in := []analysis.RFMInput{
		{CustomerID: "hanako", Last: now.AddDate(0, 0, -1), Frequency: 6, Monetary: 48000},
		{CustomerID: "taro", Last: now.AddDate(0, 0, -40), Frequency: 2, Monetary: 9000},
		{CustomerID: "ken", Last: now.AddDate(0, -11, 0), Frequency: 1, Monetary: 3000},
		{CustomerID: "mai"}, // no purchase: reported apart, not ranked
	}
	scores, err := analysis.RFM(in, now, analysis.RFMConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range scores {
		fmt.Printf("%-6s R%d F%d M%d %s\n", s.CustomerID, s.R, s.F, s.M, s.Cell)
	}
	// Output:
	// hanako R5 F5 M5 champions
	// taro   R3 F3 M3 loyal
	// ken    R1 F1 M1 lost
	// mai    R0 F0 M0 no_purchase
}

// BenchmarkRFM scores 1,000,000 customers, a tenth of them without a
// purchase, by quantiles.
func BenchmarkRFM(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	in := make([]analysis.RFMInput, 1_000_000)
	for i := range in {
		in[i] = analysis.RFMInput{CustomerID: fmt.Sprint(i)}
		if rng.IntN(10) > 0 {
			in[i].Last = rfmNow.Add(-time.Duration(rng.IntN(365*24)) * time.Hour)
			in[i].Frequency = 1 + rng.IntN(20)
			in[i].Monetary = float64(rng.IntN(200_000))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := analysis.RFM(in, rfmNow, analysis.RFMConfig{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRFMScoreJSON: a customer without purchase (RecencyDays +Inf) encodes
// with recency_days null and reads back the same; others round-trip as is.
func TestRFMScoreJSON(t *testing.T) {
	for _, s := range []analysis.RFMScore{
		{CustomerID: "c1", RecencyDays: 12.5, Frequency: 3, Monetary: 9800, R: 4, F: 3, M: 5, Cell: "loyal"},
		{CustomerID: "c2", RecencyDays: math.Inf(1), Cell: analysis.NoPurchase},
	} {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("Marshal(%+v): %v", s, err)
		}
		if math.IsInf(s.RecencyDays, 1) && !strings.Contains(string(b), `"recency_days":null`) {
			t.Errorf("Marshal(%+v) = %s, want recency_days null", s, b)
		}
		var got analysis.RFMScore
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if diff := cmp.Diff(s, got); diff != "" {
			t.Errorf("round trip of %s (-want +got):\n%s", b, diff)
		}
	}
}
