package journey

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-multierror"
)

func TestValidateCollectsEveryProblem(t *testing.T) {
	e := Event{Type: "teleport", Channel: "", Value: Money{Amount: 100, Currency: "yen"}}
	err := (*Catalog)(nil).Validate(&e)
	if !errors.Is(err, ErrInvalidEvent) {
		t.Fatalf("err = %v, want ErrInvalidEvent", err)
	}
	var me *multierror.Error
	if !errors.As(err, &me) {
		t.Fatalf("err is %T, want *multierror.Error", err)
	}
	var fields []string
	for _, e := range me.Errors {
		var fe *customer.FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("problem %v is not a *FieldError", e)
		}
		fields = append(fields, fe.Field)
	}
	want := []string{"ID", "CustomerID", "Type", "Channel", "Time", "Value.Currency"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields reported (-want +got):\n%s", diff)
	}
}

func TestCatalogExtensible(t *testing.T) {
	var c Catalog
	e := Event{ID: "1", CustomerID: "c", Type: "test_drive", Channel: "dealer", Time: t0}
	if err := c.Validate(&e); err == nil {
		t.Fatal("unknown type and channel accepted")
	}
	if err := c.AddType("test_drive", TypeInfo{Description: "took a test drive"}); err != nil {
		t.Fatal(err)
	}
	if err := c.AddChannel("dealer", "car dealer"); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(&e); err != nil {
		t.Errorf("after adding them: %v", err)
	}
	if err := c.AddType("", TypeInfo{}); !errors.Is(err, ErrInvalidEvent) {
		t.Errorf("AddType(\"\") err = %v, want ErrInvalidEvent", err)
	}
	if n, std := len(c.Types()), len((*Catalog)(nil).Types()); n != std+1 {
		t.Errorf("Types() has %d entries, want %d", n, std+1)
	}
}

func purchase(id string, c customer.ID, m int) Event {
	e := evAt(id, c, TypeOnlinePurchase, m)
	e.Value = Money{Amount: 5000, Currency: "JPY"}
	return e
}

func TestEngineTransitionsAndHistory(t *testing.T) {
	var got []Transition
	g := &Engine{OnTransition: func(tr Transition) { got = append(got, tr) }}
	evs := []Event{
		evAt("1", "c", TypeAdClick, 0),         // -> awareness
		evAt("2", "c", TypeAdClick, 1),         // no change
		purchase("3", "c", 2),                  // -> acquire
		evAt("4", "c", TypeLogin, 3),           // -> onboard
		evAt("5", "c", TypeWebVisit, 4),        // -> engage
		evAt("6", "c", TypeStoreReturn, 5),     // no rule
		purchase("7", "c", 6),                  // second purchase -> retain
		evAt("8", "c", TypeCouponRedeemed, 10), // stays
	}
	var returned []Transition
	for _, e := range evs {
		trs, err := g.Ingest(t.Context(), e)
		if err != nil {
			t.Fatal(err)
		}
		returned = append(returned, trs...)
	}
	want := []Transition{
		{Customer: "c", From: "", To: StageAwareness, At: at(0), EventID: "1", Rule: "first contact"},
		{Customer: "c", From: StageAwareness, To: StageAcquire, At: at(2), EventID: "3", Rule: "first purchase"},
		{Customer: "c", From: StageAcquire, To: StageOnboard, At: at(3), EventID: "4", Rule: "first use"},
		{Customer: "c", From: StageOnboard, To: StageEngage, At: at(4), EventID: "5", Rule: "engagement"},
		{Customer: "c", From: StageEngage, To: StageRetain, At: at(6), EventID: "7", Rule: "repeat purchase"},
	}
	if diff := cmp.Diff(want, returned); diff != "" {
		t.Errorf("returned transitions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("called-back transitions (-want +got):\n%s", diff)
	}
	st, ok := g.State("c")
	if !ok || st.Stage != StageRetain || !st.Since.Equal(at(6)) {
		t.Errorf("State = %v since %v (%v), want retain_expand since %v", st.Stage, st.Since, ok, at(6))
	}
	if diff := cmp.Diff(want, st.History); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	// Inference from history agrees, whatever the order of the events.
	rev := make([]Event, len(evs))
	for i, e := range evs {
		rev[len(evs)-1-i] = e
	}
	revCopy := slices.Clone(rev)
	inf := Infer(nil, rev)
	if diff := cmp.Diff(want, inf.History); diff != "" {
		t.Errorf("Infer history (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(revCopy, rev); diff != "" {
		t.Errorf("Infer changed its input (-before +after):\n%s", diff)
	}
	// Events already in order are read in place: the same answer.
	if diff := cmp.Diff(want, Infer(nil, evs).History); diff != "" {
		t.Errorf("Infer history of sorted events (-want +got):\n%s", diff)
	}
}

func TestEngineIdempotentAndInvalid(t *testing.T) {
	var g Engine
	e := evAt("1", "c", TypeAdClick, 0)
	trs, err := g.Ingest(t.Context(), e)
	if err != nil || len(trs) != 1 {
		t.Fatalf("first Ingest = %v, %v; want one transition", trs, err)
	}
	trs, err = g.Ingest(t.Context(), e)
	if err != nil || len(trs) != 0 {
		t.Errorf("second Ingest of the same ID = %v, %v; want nothing", trs, err)
	}
	if _, err := g.Ingest(t.Context(), Event{ID: "bad"}); !errors.Is(err, ErrInvalidEvent) {
		t.Errorf("invalid event: err = %v, want ErrInvalidEvent", err)
	}
	if _, err := g.EventStore().Get(t.Context(), "bad"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an invalid event was stored (Get err = %v)", err)
	}
}

func TestEngineStitching(t *testing.T) {
	var g Engine
	ctx := t.Context()
	anon := func(id string, typ Type, m int) Event {
		return Event{ID: id, AnonymousID: "cookie-1", Type: typ, Channel: customer.ChannelWeb, Time: at(m)}
	}
	for _, e := range []Event{anon("a1", TypeAdClick, 0), anon("a2", TypeWebVisit, 1)} {
		if _, err := g.Ingest(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if st, ok := g.AnonymousState("cookie-1"); !ok || st.Stage != StageAwareness {
		t.Errorf("anonymous visitor's stage = %v, %v; want awareness", st.Stage, ok)
	}
	if _, err := g.Ingest(ctx, evAt("k1", "c1", TypeSignUp, 2)); err != nil {
		t.Fatal(err)
	}
	trs, err := g.Link(ctx, "cookie-1", "c1")
	if err != nil {
		t.Fatal(err)
	}
	// Before the link c1 went straight to acquire; joined with the ad click
	// it first became aware.
	want := []Transition{
		{Customer: "c1", To: StageAwareness, At: at(0), EventID: "a1", Rule: "first contact"},
		{Customer: "c1", From: StageAwareness, To: StageAcquire, At: at(2), EventID: "k1", Rule: "sign-up"},
	}
	if diff := cmp.Diff(want, trs); diff != "" {
		t.Errorf("Link transitions (-want +got):\n%s", diff)
	}
	if _, ok := g.AnonymousState("cookie-1"); ok {
		t.Error("the anonymous state survives the link")
	}
	// A later anonymous event counts for c1.
	trs, err = g.Ingest(ctx, anon("a3", TypeLogin, 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(trs) != 1 || trs[0].Customer != "c1" || trs[0].To != StageOnboard {
		t.Errorf("anonymous event after the link: transitions %+v, want c1 -> onboard", trs)
	}
	tl, err := Timeline(ctx, g.EventStore(), "c1", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range tl {
		ids = append(ids, e.ID)
	}
	if diff := cmp.Diff([]string{"a1", "a2", "k1", "a3"}, ids); diff != "" {
		t.Errorf("timeline after stitching (-want +got):\n%s", diff)
	}
	if _, err := g.Link(ctx, "cookie-1", "c2"); !errors.Is(err, ErrConflict) {
		t.Errorf("relinking to another customer: err = %v, want ErrConflict", err)
	}
}

func TestEngineRebuildAfterLateEvent(t *testing.T) {
	var g Engine
	ctx := t.Context()
	g.Ingest(ctx, purchase("p1", "c", 10))
	g.Ingest(ctx, evAt("late", "c", TypeAdClick, 0)) // arrives late: no change in real time
	st, _ := g.State("c")
	if st.Stage != StageAcquire || len(st.History) != 1 {
		t.Fatalf("real-time state = %v with %d transitions, want acquire with 1", st.Stage, len(st.History))
	}
	st, err := g.Rebuild(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if st.Stage != StageAcquire || len(st.History) != 2 || st.History[0].To != StageAwareness {
		t.Errorf("rebuilt history = %+v, want awareness then acquire", st.History)
	}
}

func TestMapRules(t *testing.T) {
	m := &Map{
		Stages: []Stage{"lead", "customer", "vip", "lapsed"},
		Rules: []StageRule{
			{Name: "big spender", To: "vip", Types: []Type{TypeStorePurchase}, MinAmount: 100000},
			{Name: "buyer", To: "customer", Types: []Type{TypeStorePurchase, TypeOnlinePurchase}},
			{Name: "store lead", To: "lead", Channels: []customer.Channel{customer.ChannelStore}, Attributes: map[string]string{"origin": "fair"}},
			{Name: "lapse", To: "lapsed", Types: []Type{TypeUnsubscribe}},
			{Name: "win back", To: "customer", Types: []Type{TypeCouponRedeemed}, From: []Stage{"lapsed"}, Backward: true},
			{Name: "gold", To: "vip", When: func(e *Event) bool { return e.Attributes["tier"] == "gold" }},
		},
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	e := func(id string, typ Type, ch customer.Channel, amount int64, attrs map[string]string) Event {
		return Event{ID: id, CustomerID: "c", Type: typ, Channel: ch, Time: at(len(id)), Value: Money{Amount: amount, Currency: "JPY"}, Attributes: attrs}
	}
	tests := []struct {
		name   string
		events []Event
		want   Stage
	}{
		{"attribute and channel", []Event{e("1", TypeWebVisit, customer.ChannelStore, 0, map[string]string{"origin": "fair"})}, "lead"},
		{"attribute mismatch", []Event{e("1", TypeWebVisit, customer.ChannelStore, 0, map[string]string{"origin": "web"})}, ""},
		{"amount below", []Event{e("1", TypeStorePurchase, customer.ChannelStore, 99999, nil)}, "customer"},
		{"amount reached", []Event{e("1", TypeStorePurchase, customer.ChannelStore, 100000, nil)}, "vip"},
		{"forward only", []Event{e("1", TypeStorePurchase, customer.ChannelStore, 100000, nil), e("12", TypeOnlinePurchase, customer.ChannelWeb, 1, nil)}, "vip"},
		{"backward allowed by rule", []Event{e("1", TypeUnsubscribe, customer.ChannelEmail, 0, nil), e("12", TypeCouponRedeemed, customer.ChannelStore, 0, nil)}, "customer"},
		{"custom condition", []Event{e("1", TypeChat, customer.ChannelWeb, 0, map[string]string{"tier": "gold"})}, "vip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Infer(m, tt.events).Stage; got != tt.want {
				t.Errorf("stage = %q, want %q", got, tt.want)
			}
		})
	}
	bad := &Map{Stages: []Stage{"a", "a", ""}, Rules: []StageRule{{To: "zz", From: []Stage{"yy"}, MinCount: 2}}}
	err := bad.Validate()
	var me *multierror.Error
	if !errors.Is(err, ErrInvalidMap) || !errors.As(err, &me) || len(me.Errors) != 5 {
		t.Errorf("Validate of a bad map = %v, want 5 problems wrapping ErrInvalidMap", err)
	}
}

func TestTimeInStage(t *testing.T) {
	h1 := []Transition{{To: StageAwareness, At: at(0)}, {To: StageAcquire, At: at(10)}, {To: StageOnboard, At: at(40)}}
	h2 := []Transition{{To: StageAwareness, At: at(0)}, {To: StageAcquire, At: at(20)}}
	got := TimeInStage(nil, [][]Transition{h1, h2}, at(100))
	want := []StageDuration{
		{Stage: StageAwareness, Visits: 2, Ended: 2, Median: 15 * time.Minute, MedianOpen: 15 * time.Minute},
		{Stage: StageAcquire, Visits: 2, Ended: 1, Median: 30 * time.Minute, MedianOpen: 55 * time.Minute},
		{Stage: StageOnboard, Visits: 1, Ended: 0, MedianOpen: 60 * time.Minute},
		{Stage: StageEngage},
		{Stage: StageRetain},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TimeInStage (-want +got):\n%s", diff)
	}
}

func TestEngineConcurrent(t *testing.T) {
	var g Engine
	var mu sync.Mutex
	n := 0
	g.OnTransition = func(Transition) { mu.Lock(); n++; mu.Unlock() }
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				c := customer.ID(fmt.Sprint("c", i%10))
				// all workers send the same events: each counts once
				if _, err := g.Ingest(t.Context(), evAt(fmt.Sprint(i), c, TypeAdClick, i)); err != nil {
					t.Errorf("worker %d: %v", w, err)
				}
			}
		}()
	}
	wg.Wait()
	if n != 10 {
		t.Errorf("%d transitions, want 10 (one awareness per customer)", n)
	}
}

func TestDedupAcrossSources(t *testing.T) {
	pos := purchase("pos-1", "c", 5)
	pos.Source = "pos"
	shop := purchase("shop-9", "c", 5)
	shop.Source = "shop"
	other := purchase("pos-2", "c", 5)
	other.Value.Amount = 700
	got := Dedup([]Event{pos, other, shop, pos})
	var ids []string
	for _, e := range got {
		ids = append(ids, e.ID)
	}
	if diff := cmp.Diff([]string{"pos-1", "pos-2"}, ids); diff != "" {
		t.Errorf("Dedup (-want +got):\n%s", diff)
	}
}
