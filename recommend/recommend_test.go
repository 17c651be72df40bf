package recommend

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/journey"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-multierror"
)

var day0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(d int) time.Time { return day0.Add(time.Duration(d) * 24 * time.Hour) }

func buy(c, item string, d int) Interaction {
	return Interaction{Customer: customer.ID(c), Item: item, Time: at(d)}
}

func synthetic(tb testing.TB, cfg SynthConfig) ([]Interaction, *SynthTruth) {
	tb.Helper()
	seq, truth := Synthetic(cfg)
	var ins []Interaction
	for in := range seq {
		ins = append(ins, in)
	}
	return ins, truth
}

func builder(tb testing.TB, cfg DataConfig, ins []Interaction) *Builder {
	tb.Helper()
	b := &Builder{Config: cfg}
	for _, in := range ins {
		if err := b.Add(in); err != nil {
			tb.Fatal(err)
		}
	}
	return b
}

func train(tb testing.TB, ins []Interaction, cfg Config) *Model {
	tb.Helper()
	m, err := Train(tb.(interface{ Context() context.Context }).Context(), builder(tb, DataConfig{}, ins), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func itemsOf(recs []Recommendation) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Item
	}
	return out
}

// On data with planted taste groups, pairs and drift, every learned model
// must beat popularity at least twice on recall@10.
func TestSyntheticBeatsPopularity(t *testing.T) {
	ins, _ := synthetic(t, SynthConfig{Customers: 3000, Seed: 7})
	res, err := Evaluate(t.Context(), ins, EvalConfig{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Model != "popularity" || len(res) != 3 {
		t.Fatalf("models = %v, want popularity, cooccurrence, ease", res)
	}
	pop := res[0].Recall
	for _, m := range res[1:] {
		t.Logf("%s recall@10 %.3f vs popularity %.3f (%+v)", m.Model, m.Recall, pop, m.Params)
		if m.Recall < 2*pop {
			t.Errorf("%s: recall@10 %.3f < 2 × popularity %.3f", m.Model, m.Recall, pop)
		}
		if m.DiffLow <= 0 {
			t.Errorf("%s: bootstrap interval of the gain over popularity [%.3f, %.3f] reaches 0", m.Model, m.DiffLow, m.DiffHigh)
		}
		if m.Coverage < 5*res[0].Coverage {
			t.Errorf("%s: coverage %.3f, popularity %.3f", m.Model, m.Coverage, res[0].Coverage)
		}
	}
}

// The trained model recovers what was planted: pair partners and group
// mates are neighbours, and a drifted customer is served from the new
// group.
func TestRecoversPlantedStructure(t *testing.T) {
	ins, truth := synthetic(t, SynthConfig{Customers: 3000, Seed: 3})
	m := train(t, ins, Config{})
	t.Logf("chosen: %+v", m.Params())
	pairs, found := 0, 0
	sameGroup, total := 0, 0
	for it, g := range truth.ItemGroup {
		nb := m.neighbours(it)
		if p, ok := truth.Partner[it]; ok {
			pairs++
			for _, x := range nb[:min(3, len(nb))] {
				if m.items[x.j] == p {
					found++
				}
			}
		}
		for _, x := range nb[:min(10, len(nb))] {
			total++
			if truth.ItemGroup[m.items[x.j]] == g {
				sameGroup++
			}
		}
	}
	if pairs == 0 || float64(found) < 0.9*float64(pairs) {
		t.Errorf("partner among the top 3 neighbours for %d of %d paired items, want >= 90%%", found, pairs)
	}
	if float64(sameGroup) < 0.7*float64(total) {
		t.Errorf("%d of %d top-10 neighbours share the item's group, want >= 70%%", sameGroup, total)
	}
	// Drift: the drifted customers' recommendations lean to the new group.
	newer, older := 0, 0
	for id := range truth.Drifted {
		g := truth.Group[id]
		recs, err := m.Recommend(t.Context(), Request{Customer: id})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			switch truth.ItemGroup[r.Item] {
			case g[1]:
				newer++
			case g[0]:
				older++
			}
		}
	}
	if newer <= older {
		t.Errorf("drifted customers got %d items of their new group and %d of the old one", newer, older)
	}
}

func TestBuilderReturnsAndNonProduct(t *testing.T) {
	b := &Builder{Config: DataConfig{NonProduct: []string{"Postage "}}}
	for _, in := range []Interaction{
		buy("a", "tea", 1),
		buy("a", "cup", 1),
		{Customer: "a", Item: "cup", Time: at(2), Quantity: -1}, // the cup went back
		buy("a", "postage", 1),
		buy("b", "tea", 3),
		{Customer: "b", Item: "pot", Time: at(3), Quantity: 2},
		{Customer: "b", Item: "pot", Time: at(4), Kind: KindReturn}, // one of two pots back
		{Customer: "c", Item: "cup", Time: at(5), Kind: KindView},
	} {
		if err := b.Add(in); err != nil {
			t.Fatal(err)
		}
	}
	d := b.Build()
	want := Stats{Rows: 8, NonProduct: 1, Returns: 2, Cancelled: 1, Pairs: 4}
	if diff := cmp.Diff(want, d.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	m, err := Train(t.Context(), b, Config{Algorithm: Popularity})
	if err != nil {
		t.Fatal(err)
	}
	// The returned cup is not "bought" by a; the viewed cup is not
	// bought by c: only tea and pot count as purchases.
	got := map[string]int32{}
	for i, it := range m.items {
		got[it] = m.popCnt[i]
	}
	if diff := cmp.Diff(map[string]int32{"tea": 2, "pot": 1, "cup": 1}, got); diff != "" {
		t.Errorf("popularity counts (-want +got):\n%s", diff)
	}
	recs, err := m.Recommend(t.Context(), Request{Customer: "a"})
	if err != nil {
		t.Fatal(err)
	}
	// Ties go to the item seen first.
	if diff := cmp.Diff([]string{"cup", "pot"}, itemsOf(recs)); diff != "" {
		t.Errorf("a may be offered the returned cup again, not the tea (-want +got):\n%s", diff)
	}
}

// A tiny log where the counts behind the reasons can be checked by hand.
func tinyLog() []Interaction {
	var ins []Interaction
	// 5 customers bought tea and cups, 2 tea and biscuits; 3 bought only
	// rice (the most popular item), 1 rice and tea.
	for _, c := range []string{"c1", "c2", "c3", "c4", "c5"} {
		ins = append(ins, buy(c, "tea", 1), buy(c, "cup", 2))
	}
	for _, c := range []string{"c6", "c7"} {
		ins = append(ins, buy(c, "tea", 1), buy(c, "biscuit", 3))
	}
	for _, c := range []string{"c8", "c9", "c10", "c11", "c12", "c13", "c14", "c15"} {
		ins = append(ins, Interaction{Customer: customer.ID(c), Item: "rice", Time: at(4), Segment: "family"})
	}
	ins = append(ins, buy("c16", "rice", 4), buy("c16", "tea", 5))
	return ins
}

func TestRecommendReasons(t *testing.T) {
	m := train(t, tinyLog(), Config{Algorithm: CoOccurrence, HalfLife: -1, Shrinkage: -1, Blend: 0.01})
	recs, err := m.Recommend(t.Context(), Request{Items: []string{"tea"}, N: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := []Reason{{Kind: ReasonBoughtTogether, Item: "tea", Customers: 5, Text: "bought together with tea by 5 customers"}}
	if len(recs) == 0 || recs[0].Item != "cup" {
		t.Fatalf("recommendations for a basket of tea = %v, want cup first", itemsOf(recs))
	}
	if diff := cmp.Diff(want, recs[0].Reasons); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	// An unknown customer gets popularity, with that reason.
	recs, err = m.Recommend(t.Context(), Request{Customer: "nobody", N: 1})
	if err != nil {
		t.Fatal(err)
	}
	wantPop := []Recommendation{{Item: "rice", Score: 1, Reasons: []Reason{{Kind: ReasonPopular, Customers: 9, Text: "popular with all customers (9 customers)"}}}}
	if diff := cmp.Diff(wantPop, recs); diff != "" {
		t.Errorf("unknown customer (-want +got):\n%s", diff)
	}
	// Asking for more items than there are returns them all.
	recs, err = m.Recommend(t.Context(), Request{N: 1 << 40})
	if err != nil || len(recs) != 4 {
		t.Errorf("N beyond the catalogue: %d items, %v", len(recs), err)
	}
	// A segment too small for its own popularity falls back to everyone's;
	// one large enough gets its own (see TestSegmentPopularity).
	recs, err = m.Recommend(t.Context(), Request{Segment: "family", N: 1})
	if err != nil {
		t.Fatal(err)
	}
	if recs[0].Reasons[0].Kind != ReasonPopular {
		t.Errorf("a segment of 8 customers got %v, want the overall popularity", recs[0].Reasons)
	}
}

func TestSegmentPopularity(t *testing.T) {
	var ins []Interaction
	for i := range 30 {
		ins = append(ins, Interaction{Customer: customer.ID("s" + string(rune('A'+i))), Item: "sake", Time: at(1), Segment: "gold"})
	}
	for i := range 40 {
		ins = append(ins, buy("p"+string(rune('A'+i)), "milk", 1))
	}
	m := train(t, ins, Config{Algorithm: Popularity})
	recs, err := m.Recommend(t.Context(), Request{Segment: "gold", N: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []Reason{{Kind: ReasonPopularInSegment, Segment: "gold", Customers: 30, Text: "popular in your segment gold (30 customers)"}}
	if len(recs) != 1 || recs[0].Item != "sake" {
		t.Fatalf("gold segment got %v, want sake", itemsOf(recs))
	}
	if diff := cmp.Diff(want, recs[0].Reasons); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// A known gold customer without other history gets the same.
	recs, _ = m.Recommend(t.Context(), Request{Customer: "sB", N: 1})
	if len(recs) != 1 || recs[0].Item != "milk" {
		t.Errorf("gold customer who has sake got %v, want milk (sake is bought)", itemsOf(recs))
	}
}

func TestRules(t *testing.T) {
	m := train(t, tinyLog(), Config{Algorithm: CoOccurrence, HalfLife: -1, Shrinkage: -1, Blend: 0.01})
	cats := map[string]string{"cup": "ware", "biscuit": "food", "rice": "food", "tea": "drink"}
	tests := []struct {
		name  string
		rules Rules
		req   Request
		want  []string
	}{
		{"bought items are excluded", Rules{}, Request{Customer: "c1"}, []string{"biscuit", "rice"}},
		{"consumables come back", Rules{Consumables: []string{"tea"}}, Request{Customer: "c1"}, []string{"tea", "biscuit", "rice"}},
		{"consumable categories come back", Rules{Categories: cats, Consumables: []string{"drink"}}, Request{Customer: "c1"}, []string{"tea", "biscuit", "rice"}},
		{"repurchase allows all", Rules{Repurchase: true}, Request{Customer: "c1", N: 2}, []string{"tea", "cup"}},
		{"unavailable item", Rules{Unavailable: []string{"biscuit"}}, Request{Customer: "c1"}, []string{"rice"}},
		{"request exclusion", Rules{}, Request{Customer: "c1", Exclude: []string{"rice"}}, []string{"biscuit"}},
		{"category cap", Rules{Categories: cats, MaxPerCategory: 1}, Request{Items: []string{"tea"}}, []string{"cup", "biscuit"}},
		{"boost", Rules{Boosts: []Boost{{Items: []string{"rice"}, Factor: 100}}}, Request{Items: []string{"tea"}, N: 1}, []string{"rice"}},
		{"segment boost applies to the segment", Rules{Boosts: []Boost{{Segment: "family", Items: []string{"food"}, Factor: 100}}, Categories: cats},
			Request{Items: []string{"tea"}, Segment: "family", N: 1}, []string{"biscuit"}},
		{"segment boost leaves others", Rules{Boosts: []Boost{{Segment: "family", Items: []string{"food"}, Factor: 100}}, Categories: cats},
			Request{Items: []string{"tea"}, N: 1}, []string{"cup"}},
		{"segment restriction", Rules{Restrictions: []Restriction{{Segment: "minor", Items: []string{"cup"}}}},
			Request{Items: []string{"tea"}, Segment: "minor", N: 1}, []string{"biscuit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.rules.Validate(); err != nil {
				t.Fatal(err)
			}
			r := &Recommender{Model: m, Rules: tt.rules}
			recs, err := r.Recommend(t.Context(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, itemsOf(recs)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	r := &Recommender{Model: m, Rules: Rules{Boosts: []Boost{{Items: []string{"rice"}, Factor: 100, Reason: "harvest campaign"}}}}
	recs, _ := r.Recommend(t.Context(), Request{Items: []string{"tea"}, N: 1})
	if got := recs[0].Reasons; len(got) != 2 || got[1] != (Reason{Kind: ReasonBoosted, Text: "harvest campaign"}) {
		t.Errorf("boost reasons = %v", got)
	}
	bad := Rules{Boosts: []Boost{{Factor: -1}}, Restrictions: []Restriction{{}}, MaxPerCategory: -2}
	err := bad.Validate()
	if got := unwrapAll(err); len(got) != 4 || !errors.Is(err, ErrInvalidRules) {
		t.Errorf("Validate = %v, want all four problems", err)
	}
}

func TestObserve(t *testing.T) {
	m := train(t, tinyLog(), Config{Algorithm: CoOccurrence, HalfLife: -1, Shrinkage: -1, Blend: 0.01})
	m.Observe(buy("new", "tea", 9))
	recs, err := m.Recommend(t.Context(), Request{Customer: "new", N: 1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"cup"}, itemsOf(recs)); diff != "" {
		t.Errorf("after observing tea (-want +got):\n%s", diff)
	}
	m.Observe(Interaction{Customer: "new", Item: "tea", Time: at(10), Kind: KindReturn})
	recs, _ = m.Recommend(t.Context(), Request{Customer: "new", N: 1})
	if diff := cmp.Diff([]string{"rice"}, itemsOf(recs)); diff != "" {
		t.Errorf("after the return (-want +got):\n%s", diff)
	}
	// A return after training takes the item out of the trained history:
	// c6 bought tea and biscuits; once the biscuits go back, tea (with
	// its cups) drives the answer and biscuits may be offered again.
	before, _ := m.Recommend(t.Context(), Request{Customer: "c6", N: 3})
	m.Observe(Interaction{Customer: "c6", Item: "biscuit", Time: at(10), Quantity: -1})
	after, _ := m.Recommend(t.Context(), Request{Customer: "c6", N: 3})
	if slices.Contains(itemsOf(before), "biscuit") || !slices.Contains(itemsOf(after), "biscuit") {
		t.Errorf("before the return %v, after %v: want biscuit back only after", itemsOf(before), itemsOf(after))
	}
}

func TestModelFileRoundTrip(t *testing.T) {
	ins, _ := synthetic(t, SynthConfig{Customers: 300, Items: 80, Seed: 5})
	for i := range ins {
		if i%7 == 0 {
			ins[i].Segment = "s" + string(rune('a'+i%3))
		}
	}
	m := train(t, ins, Config{})
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := ReadModel(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m.Params(), m2.Params()); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
	for _, c := range []customer.ID{"c0000001", "c0000042", "unknown"} {
		for _, seg := range []string{"", "sa"} {
			r1, _ := m.Recommend(t.Context(), Request{Customer: c, Segment: seg})
			r2, _ := m2.Recommend(t.Context(), Request{Customer: c, Segment: seg})
			if diff := cmp.Diff(r1, r2); diff != "" {
				t.Errorf("%s: recommendations differ after the round trip (-want +got):\n%s", c, diff)
			}
		}
	}
	var again bytes.Buffer
	m2.WriteTo(&again)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("write(read(file)) is not the file")
	}
	// Every single-byte change is refused (the checksum or a check).
	b := buf.Bytes()
	for _, i := range []int{0, 9, 20, len(b) / 2, len(b) - 1} {
		bad := slices.Clone(b)
		bad[i] ^= 0x40
		if _, err := ReadModel(bytes.NewReader(bad)); !errors.Is(err, ErrBadModelFile) {
			t.Errorf("byte %d changed: err = %v, want ErrBadModelFile", i, err)
		}
	}
	if _, err := ReadModel(bytes.NewReader(b[:len(b)/2])); !errors.Is(err, ErrBadModelFile) {
		t.Errorf("truncated: err = %v", err)
	}
}

func TestReadCSV(t *testing.T) {
	in := "Member_number,Date,itemDescription,qty\r\n" +
		"1808,21-07-2015,tropical fruit,1\r\n" +
		"1808,2015-07-22,whole milk,\r\n" +
		",21-07-2015,soda,1\r\n" +
		"2552,31-02-2015,soda,1\r\n" +
		"2552,05-01-2015,,1\r\n" +
		"2552,05-01-2015,beer,two\r\n" +
		"2552,05-01-2015,beer\r\n" +
		"2552,05-01-2015,beer,-1\r\n"
	ins, err := ReadCSV(t.Context(), strings.NewReader(in), Columns{Customer: "Member_number", Item: "itemDescription", Time: "Date", Quantity: "qty"})
	want := []Interaction{
		{Customer: "1808", Item: "tropical fruit", Time: time.Date(2015, 7, 21, 0, 0, 0, 0, time.UTC), Quantity: 1},
		{Customer: "1808", Item: "whole milk", Time: time.Date(2015, 7, 22, 0, 0, 0, 0, time.UTC)},
		{Customer: "2552", Item: "beer", Time: time.Date(2015, 1, 5, 0, 0, 0, 0, time.UTC), Quantity: -1},
	}
	if diff := cmp.Diff(want, ins); diff != "" {
		t.Errorf("good rows (-want +got):\n%s", diff)
	}
	var lines []int
	for _, e := range unwrapAll(err) {
		var le *table.LineError
		if !errors.As(e, &le) {
			t.Fatalf("error %v is not a LineError", e)
		}
		lines = append(lines, le.Line)
	}
	if diff := cmp.Diff([]int{4, 5, 6, 7, 8}, lines); diff != "" {
		t.Errorf("lines of the errors (-want +got):\n%s\n%v", diff, err)
	}
	if !errors.Is(err, ErrInvalidInput) {
		t.Errorf("err = %v, want ErrInvalidInput", err)
	}
	if _, err := ReadCSV(t.Context(), strings.NewReader("a,b\n1,2\n"), Columns{Customer: "user", Item: "b"}); err == nil ||
		!strings.Contains(err.Error(), `"user"`) || !strings.Contains(err.Error(), "time column") {
		t.Errorf("missing columns: err = %v, want both problems", err)
	}
}

func unwrapAll(err error) []error {
	var me *multierror.Error
	if errors.As(err, &me) {
		return me.Errors
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

func TestFromEvents(t *testing.T) {
	var s journey.MemoryEventStore
	ev := func(id, c string, typ journey.Type, sku string, d int) journey.Event {
		return journey.Event{ID: id, CustomerID: customer.ID(c), Type: typ, Channel: customer.ChannelWeb, Time: at(d),
			Attributes: map[string]string{"sku": sku, "segment": "gold"}}
	}
	if _, err := s.Append(t.Context(),
		ev("1", "a", journey.TypeOnlinePurchase, "tea", 1),
		ev("2", "a", journey.TypeStoreReturn, "tea", 2),
		ev("3", "a", journey.TypeWebVisit, "cup", 3),
		ev("4", "b", journey.TypeStorePurchase, "", 3)); err != nil {
		t.Fatal(err)
	}
	var got []Interaction
	for in, err := range FromEvents(t.Context(), &s, time.Time{}, time.Time{}, EventMapping{}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, in)
	}
	want := []Interaction{
		{Customer: "a", Item: "tea", Time: at(1), Segment: "gold"},
		{Customer: "a", Item: "tea", Time: at(2), Kind: KindReturn, Segment: "gold"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// gateConsent is a consent source for the offer test.
func TestNextBestOffer(t *testing.T) {
	m := train(t, tinyLog(), Config{Algorithm: CoOccurrence, HalfLife: -1, Shrinkage: -1, Blend: 0.01})
	denied := customer.ID("c2")
	gate := &journey.Gate{Consent: journey.ConsentFunc(func(_ context.Context, id customer.ID, _ customer.Channel, _ customer.Purpose, _ time.Time) (customer.ConsentStatus, error) {
		if id == denied {
			return customer.ConsentOptOut, nil
		}
		return customer.ConsentOptIn, nil
	})}
	nbo := &NextBestOffer{
		Recommender: &Recommender{Model: m},
		Stages:      StageFunc(func(context.Context, customer.ID) (journey.Stage, error) { return journey.StageEngage, nil }),
		Issues: IssuesFunc(func(_ context.Context, id customer.ID) (int, error) {
			if id == "c3" {
				return 1, nil
			}
			return 0, nil
		}),
		Gate:   gate,
		Config: OfferConfig{Items: 1},
		Now:    func() time.Time { return day0 },
	}
	tests := []struct {
		id      customer.ID
		allowed bool
		block   OfferReasonKind
	}{
		{"c1", true, 0},
		{"c2", false, OfferGate},
		{"c3", false, OfferOpenIssues},
	}
	for _, tt := range tests {
		o, err := nbo.Offer(t.Context(), OfferRequest{Customer: tt.id})
		if err != nil {
			t.Fatal(err)
		}
		var blocking []OfferReasonKind
		for _, r := range o.Reasons {
			if r.Blocking {
				blocking = append(blocking, r.Kind)
			}
		}
		var want []OfferReasonKind
		if tt.block != 0 {
			want = []OfferReasonKind{tt.block}
		}
		if o.Allowed != tt.allowed || !cmp.Equal(want, blocking) || len(o.Items) != 1 || o.Items[0].Item != "biscuit" {
			t.Errorf("%s: allowed %v, blocking %v, items %v; want %v, %v, [biscuit]\n%+v", tt.id, o.Allowed, blocking, itemsOf(o.Items), tt.allowed, want, o.Reasons)
		}
	}
	nbo.Config.UpsellWithOpenIssues = true
	nbo.Config.Stages = []journey.Stage{journey.StageRetain}
	o, _ := nbo.Offer(t.Context(), OfferRequest{Customer: "c3", Channel: customer.ChannelPhone})
	if o.Allowed || o.Reasons[0].Kind != OfferStage || !o.Reasons[0].Blocking || o.Reasons[1].Blocking || o.Channel != customer.ChannelPhone {
		t.Errorf("stage rule: %+v", o)
	}
}

func TestTrainErrors(t *testing.T) {
	if _, err := Train(t.Context(), &Builder{}, Config{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("empty: %v", err)
	}
	ins, _ := synthetic(t, SynthConfig{Customers: 50, Items: 40})
	if _, err := Train(t.Context(), builder(t, DataConfig{}, ins), Config{Algorithm: EASE, EASEMaxItems: 10}); !errors.Is(err, ErrTooManyItems) {
		t.Errorf("EASE beyond its size: %v", err)
	}
	m, err := Train(t.Context(), builder(t, DataConfig{}, ins), Config{EASEMaxItems: 10})
	if err != nil || m.Params().Algorithm != CoOccurrence {
		t.Errorf("Auto beyond EASE's size: %v, %v; want co-occurrence", m.Params(), err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Train(ctx, builder(t, DataConfig{}, ins), Config{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	var steps []string
	_, err = Train(t.Context(), builder(t, DataConfig{}, ins), Config{Algorithm: CoOccurrence, Progress: func(p Progress) {
		if len(steps) == 0 || steps[len(steps)-1] != p.Step {
			steps = append(steps, p.Step)
		}
	}})
	if err != nil || !slices.Contains(steps, "similarity") || steps[0] != "aggregate" {
		t.Errorf("progress steps %v, err %v", steps, err)
	}
}

// Recommend, Observe and SetModel may run at the same time (run with
// -race).
func TestConcurrentServing(t *testing.T) {
	m := train(t, tinyLog(), Config{Algorithm: CoOccurrence, HalfLife: -1, Shrinkage: -1, Blend: 0.01})
	m2 := train(t, tinyLog(), Config{Algorithm: Popularity})
	r := &Recommender{Model: m, Rules: Rules{MaxPerCategory: 1, Categories: map[string]string{"cup": "ware"}}}
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				if g == 0 && i == 100 {
					r.SetModel(m2)
				}
				if g == 1 {
					m.Observe(buy("c1", "biscuit", 9))
				}
				recs, err := r.Recommend(context.Background(), Request{Customer: "c1", Items: []string{"tea"}, N: 3})
				if err != nil || len(recs) == 0 {
					t.Errorf("recommend: %v, %v", recs, err)
					return
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}

// Recommend scores only the touched and boosted items and merges the rest
// in popularity order; it must agree with scoring every item.
func TestServingMatchesBruteForce(t *testing.T) {
	ins, _ := synthetic(t, SynthConfig{Customers: 400, Items: 300, Seed: 9})
	m := train(t, ins, Config{Algorithm: CoOccurrence, HalfLife: -1, Shrinkage: 5, Blend: 0.3, Neighbours: 20})
	cats := map[string]string{}
	for i := range 300 {
		cats[ItemName(i)] = "k" + string(rune('a'+i%7))
	}
	rules := Rules{Categories: cats, MaxPerCategory: 2, Unavailable: []string{ItemName(3), "kb"},
		Boosts: []Boost{{Items: []string{ItemName(250), ItemName(7)}, Factor: 5}, {Items: []string{ItemName(11)}, Factor: 0.1}}}
	r := &Recommender{Model: m, Rules: rules}
	c := r.compile(m)
	for ci := 0; ci < 400; ci += 13 {
		req := Request{Customer: custName(ci), N: 12, Exclude: []string{ItemName(ci % 300)}}
		got, err := r.Recommend(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		// Brute force over every item.
		s := newScratch(len(m.items))
		m.profile(&req, s)
		mx := m.accumulate(s)
		blend := float32(m.params.Blend)
		if mx <= 0 {
			blend = 1
		}
		excluded := map[int32]bool{}
		for _, h := range s.hist {
			excluded[h.item] = true
		}
		excluded[m.itemIdx[ItemName(ci%300)]] = true
		var all []scored
		for j := range int32(len(m.items)) {
			if excluded[j] || c.blocked[j] {
				continue
			}
			x := blend * m.pop[j]
			if mx > 0 && s.anchor[j] >= 0 {
				x += s.acc[j] * s.inv
			}
			all = append(all, scored{j, x * c.boost[j], 0})
		}
		slices.SortFunc(all, byRank)
		var want []string
		per := map[int32]int{}
		for _, x := range all {
			if per[c.cat[x.j]] < 2 && len(want) < 12 {
				per[c.cat[x.j]]++
				want = append(want, m.items[x.j])
			}
		}
		if diff := cmp.Diff(want, itemsOf(got)); diff != "" {
			t.Errorf("customer %d (-brute force +Recommend):\n%s", ci, diff)
		}
	}
}

func TestReadCSVSlashedDates(t *testing.T) {
	cols := Columns{Customer: "c", Item: "i", Time: "t"}
	tests := []struct {
		name, in string
		want     []time.Time
		err      string
	}{
		{"month-first, told by the second row", "c,i,t\na,x,12/1/2010 8:26\na,y,12/13/2010 08:26\n",
			[]time.Time{time.Date(2010, 12, 1, 8, 26, 0, 0, time.UTC), time.Date(2010, 12, 13, 8, 26, 0, 0, time.UTC)}, ""},
		{"day-first", "c,i,t\na,x,13/01/2010\na,y,02/01/2010\n",
			[]time.Time{time.Date(2010, 1, 13, 0, 0, 0, 0, time.UTC), time.Date(2010, 1, 2, 0, 0, 0, 0, time.UTC)}, ""},
		{"never told", "c,i,t\na,x,01/02/2010\na,y,03/04/2010\n", nil, "line 2"},
		{"contradiction", "c,i,t\na,x,13/01/2010\na,y,01/13/2010\n", []time.Time{time.Date(2010, 1, 13, 0, 0, 0, 0, time.UTC)}, "line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ins, err := ReadCSV(t.Context(), strings.NewReader(tt.in), cols)
			var got []time.Time
			for _, in := range ins {
				got = append(got, in.Time)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

// Where customers never buy an item twice, validation learns to leave
// their own items out of the ranking, and Evaluate ranks so.
func TestValidationLearnsToExcludeOwnItems(t *testing.T) {
	ins, _ := synthetic(t, SynthConfig{Customers: 1000, Items: 300, Seed: 4})
	seen := map[[2]string]bool{}
	var once []Interaction
	for _, in := range ins {
		k := [2]string{string(in.Customer), in.Item}
		if !seen[k] {
			seen[k] = true
			once = append(once, in)
		}
	}
	for _, data := range []struct {
		name string
		ins  []Interaction
		want bool
	}{{"no repeats", once, true}, {"repeats", ins, false}} {
		res, err := Evaluate(t.Context(), data.ins, EvalConfig{Bootstrap: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range res {
			if m.Params.ExcludeSeen != data.want {
				t.Errorf("%s: %s chose ExcludeSeen %v, want %v", data.name, m.Model, m.Params.ExcludeSeen, data.want)
			}
		}
	}
}

func TestEventMappingJSON(t *testing.T) {
	var m EventMapping
	if err := json.Unmarshal([]byte(`{"kinds":{"order_completed":"purchase","product_viewed":"view","refund":"return"}}`), &m); err != nil {
		t.Fatal(err)
	}
	want := map[journey.Type]Kind{"order_completed": KindPurchase, "product_viewed": KindView, "refund": KindReturn}
	if diff := cmp.Diff(want, m.Kinds); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	b, _ := json.Marshal(m)
	if !strings.Contains(string(b), `"product_viewed":"view"`) {
		t.Errorf("marshalled %s", b)
	}
	if err := json.Unmarshal([]byte(`{"kinds":{"x":"gift"}}`), &m); err == nil {
		t.Error("unknown kind accepted")
	}
}
