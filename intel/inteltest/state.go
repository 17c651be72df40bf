package inteltest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
)

// RunSubscriptions checks an [intel.SubscriptionStore] implementation
// against its documented rules, a fresh, empty store from newStore per
// subtest. cfg declares what the back end cannot do (TimePrecision for the
// times of a query, NoConcurrency); UnorderedAll does not apply (order is
// part of the contract).
//
//	func TestSubscriptions(t *testing.T) {
//		inteltest.RunSubscriptions(t, func(t *testing.T) intel.SubscriptionStore { return newStore(t) }, inteltest.Config{})
//	}
func RunSubscriptions(t *testing.T, newStore func(t *testing.T) intel.SubscriptionStore, cfg Config) {
	t.Helper()
	s := suite{o: cfg}
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, st intel.SubscriptionStore)
	}{
		{"RoundTrip", s.subRoundTrip},
		{"ZeroQuery", s.subZero},
		{"AddConflict", s.subConflict},
		{"Missing", s.subMissing},
		{"OrderAndCopies", s.subOrder},
		{"ClaimOnce", s.claimOnce},
		{"DeleteDropsClaimsAndPending", s.subDelete},
		{"PendingOrder", s.pendingOrder},
		{"EarlyBreak", s.subBreak},
		{"CancelledContext", s.subCancelled},
		{"ConcurrentClaimsAndTakes", s.subConcurrent},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

// Subscription returns a subscription with every field of its query and
// owner filled in, built deterministically from id and n.
func Subscription(id intel.SubscriptionID, n int) intel.Subscription {
	return intel.Subscription{
		ID:   id,
		Name: fmt.Sprintf("競合の値下げ %d", n),
		Query: intel.Query{
			Text:        `値上げ "price war" ｶﾀｶﾅ`,
			Kinds:       []intel.Kind{intel.KindMarket, intel.KindCustomer},
			Categories:  []intel.Category{intel.CategoryCompetitorActivity},
			Sources:     []intel.Source{intel.SourceIndustryReport, intel.SourceSurvey},
			Tags:        []string{"pricing", "ランニング"},
			Customers:   []customer.ID{"C-1", customer.ID(fmt.Sprintf("C-%d", n))},
			Accounts:    []customer.ID{"A-9"},
			Competitors: []string{"Acme", "株式会社ベータ"},
			From:        base.Add(time.Duration(n) * time.Hour).In(time.FixedZone("JST", 9*3600)),
			To:          base.AddDate(0, 1, 0),
			Limit:       n + 3,
		},
		Owner: intel.Principal{ID: "alice", Teams: []intel.TeamID{"sales", "marketing"}, Roles: []intel.Role{"executive"}},
	}
}

// normSub makes a subscription comparable: times as instants at the
// suite's precision, empty slices as nil.
func (s suite) normSub(x intel.Subscription) intel.Subscription {
	q := &x.Query
	q.From, q.To = s.normTime(q.From), s.normTime(q.To)
	q.Kinds, q.Categories, q.Sources = nilEmpty(q.Kinds), nilEmpty(q.Categories), nilEmpty(q.Sources)
	q.Tags, q.Competitors = nilEmpty(q.Tags), nilEmpty(q.Competitors)
	q.Customers, q.Accounts = nilEmpty(q.Customers), nilEmpty(q.Accounts)
	x.Owner.Teams, x.Owner.Roles = nilEmpty(x.Owner.Teams), nilEmpty(x.Owner.Roles)
	return x
}

func (s suite) normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	if p := s.o.TimePrecision; p > 0 {
		t = t.Round(p)
	}
	return t.UTC()
}

func nilEmpty[S ~[]E, E any](v S) S {
	if len(v) == 0 {
		return nil
	}
	return v
}

// same reports a difference between want and got ("" when equal).
func same(want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return fmt.Sprintf("want %+v\ngot  %+v", want, got)
}

func (s suite) addSub(t *testing.T, st intel.SubscriptionStore, x intel.Subscription) {
	t.Helper()
	if err := st.AddSubscription(t.Context(), x); err != nil {
		t.Fatalf("AddSubscription(%q): %v", x.ID, err)
	}
}

func (s suite) subRoundTrip(t *testing.T, st intel.SubscriptionStore) {
	want := Subscription("s-日本", 4)
	s.addSub(t, st, want)
	got, err := st.Subscription(t.Context(), want.ID)
	if err != nil {
		t.Fatalf("Subscription after AddSubscription: %v", err)
	}
	if d := same(s.normSub(want), s.normSub(got)); d != "" {
		t.Errorf("rule: Subscription returns what AddSubscription stored, query and owner included:\n%s", d)
	}
	if got.Query.String() != want.Query.String() {
		t.Errorf("rule: the stored query means the same: %q, want %q", got.Query.String(), want.Query.String())
	}
}

func (s suite) subZero(t *testing.T, st intel.SubscriptionStore) {
	want := intel.Subscription{ID: "z", Owner: intel.Principal{ID: "bob"}}
	s.addSub(t, st, want)
	got, err := st.Subscription(t.Context(), "z")
	if err != nil {
		t.Fatal(err)
	}
	if d := same(s.normSub(want), s.normSub(got)); d != "" {
		t.Errorf("rule: a subscription with a zero query round-trips (zero times stay zero):\n%s", d)
	}
}

func (s suite) subConflict(t *testing.T, st intel.SubscriptionStore) {
	want := Subscription("s", 1)
	s.addSub(t, st, want)
	if err := st.AddSubscription(t.Context(), Subscription("s", 2)); !errors.Is(err, intel.ErrConflict) {
		t.Errorf("rule: AddSubscription of a stored ID returns ErrConflict; got %v", err)
	}
	got, err := st.Subscription(t.Context(), "s")
	if err != nil {
		t.Fatal(err)
	}
	if d := same(s.normSub(want), s.normSub(got)); d != "" {
		t.Errorf("rule: a refused AddSubscription changes nothing:\n%s", d)
	}
}

func (s suite) subMissing(t *testing.T, st intel.SubscriptionStore) {
	ctx := t.Context()
	if _, err := st.Subscription(ctx, "nope"); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("rule: Subscription of a missing ID returns ErrNotFound; got %v", err)
	}
	if err := st.DeleteSubscription(ctx, "nope"); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("rule: DeleteSubscription of a missing ID returns ErrNotFound; got %v", err)
	}
	if ok, err := st.Claim(ctx, "nope", "i"); ok || err != nil {
		t.Errorf("rule: Claim for a missing subscription returns false, nil; got %v, %v", ok, err)
	}
	if err := st.AddPending(ctx, intel.PendingDelivery{Subscription: "nope", Item: "i"}); err != nil {
		t.Errorf("AddPending for a missing subscription: %v", err)
	}
	if got := s.pending(t, st); len(got) != 0 {
		t.Errorf("rule: AddPending for a missing subscription adds nothing; Pending = %v", got)
	}
}

func (s suite) subs(t *testing.T, st intel.SubscriptionStore) []intel.Subscription {
	t.Helper()
	var out []intel.Subscription
	for x, err := range st.Subscriptions(t.Context()) {
		if err != nil {
			t.Fatalf("Subscriptions: %v", err)
		}
		out = append(out, x)
	}
	return out
}

func (s suite) pending(t *testing.T, st intel.SubscriptionStore) []intel.PendingDelivery {
	t.Helper()
	var out []intel.PendingDelivery
	for p, err := range st.Pending(t.Context()) {
		if err != nil {
			t.Fatalf("Pending: %v", err)
		}
		out = append(out, p)
	}
	return out
}

func (s suite) subOrder(t *testing.T, st intel.SubscriptionStore) {
	ids := []intel.SubscriptionID{"b", "a", "日本", "Z", "a-2", "ｶﾅ", "10", "9"}
	for i, id := range ids {
		x := Subscription(id, i)
		s.addSub(t, st, x)
		// The caller's subscription changes after the call.
		x.Query.Tags[0], x.Owner.Teams[0], x.Query.Customers[0] = "changed", "changed", "changed"
	}
	var got []intel.SubscriptionID
	for _, x := range s.subs(t, st) {
		want := Subscription(x.ID, slices.Index(ids, x.ID))
		if d := same(s.normSub(want), s.normSub(x)); d != "" {
			t.Errorf("rule: Subscriptions yields copies of what was stored (changing the caller's value after AddSubscription changes nothing):\n%s", d)
		}
		x.Query.Kinds[0], x.Owner.Roles[0] = "changed", "changed"
		got = append(got, x.ID)
	}
	want := slices.Clone(ids)
	slices.Sort(want)
	if !slices.Equal(want, got) {
		t.Errorf("rule: Subscriptions yields every subscription once, in ascending byte-wise ID order\nwant %q\ngot  %q", want, got)
	}
	x, err := st.Subscription(t.Context(), "a")
	if err != nil {
		t.Fatal(err)
	}
	x.Query.Sources[0] = "changed"
	again, err := st.Subscription(t.Context(), "a")
	if err != nil {
		t.Fatal(err)
	}
	if d := same(s.normSub(Subscription("a", 1)), s.normSub(again)); d != "" {
		t.Errorf("rule: Subscription and Subscriptions return copies:\n%s", d)
	}
}

func (s suite) claimOnce(t *testing.T, st intel.SubscriptionStore) {
	ctx := t.Context()
	s.addSub(t, st, Subscription("s1", 1))
	s.addSub(t, st, Subscription("s2", 2))
	for _, tc := range []struct {
		sub  intel.SubscriptionID
		item intel.ID
		want bool
	}{
		{"s1", "i1", true},
		{"s1", "i1", false},
		{"s1", "i2", true},
		{"s2", "i1", true},
		{"s2", "i1", false},
		{"s1", "i2", false},
	} {
		ok, err := st.Claim(ctx, tc.sub, tc.item)
		if err != nil {
			t.Fatalf("Claim(%s, %s): %v", tc.sub, tc.item, err)
		}
		if ok != tc.want {
			t.Errorf("rule: Claim is true only the first time a pair is claimed: Claim(%s, %s) = %v, want %v", tc.sub, tc.item, ok, tc.want)
		}
	}
}

func (s suite) subDelete(t *testing.T, st intel.SubscriptionStore) {
	ctx := t.Context()
	s.addSub(t, st, Subscription("gone", 1))
	s.addSub(t, st, Subscription("kept", 2))
	for _, sub := range []intel.SubscriptionID{"gone", "kept"} {
		for _, it := range []intel.ID{"i1", "i2"} {
			if ok, err := st.Claim(ctx, sub, it); !ok || err != nil {
				t.Fatalf("Claim(%s, %s) = %v, %v", sub, it, ok, err)
			}
			if err := st.AddPending(ctx, intel.PendingDelivery{Subscription: sub, Item: it}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := st.DeleteSubscription(ctx, "gone"); err != nil {
		t.Fatalf("DeleteSubscription: %v", err)
	}
	if _, err := st.Subscription(ctx, "gone"); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("rule: Subscription after DeleteSubscription returns ErrNotFound; got %v", err)
	}
	if ok, _ := st.Claim(ctx, "gone", "i1"); ok {
		t.Errorf("rule: Claim for a deleted subscription returns false")
	}
	want := []intel.PendingDelivery{{Subscription: "kept", Item: "i1"}, {Subscription: "kept", Item: "i2"}}
	if d := same(want, s.pending(t, st)); d != "" {
		t.Errorf("rule: DeleteSubscription drops its pending deliveries and no other:\n%s", d)
	}
	if ok, _ := st.Claim(ctx, "kept", "i1"); ok {
		t.Errorf("rule: DeleteSubscription keeps the claims of other subscriptions")
	}
	s.addSub(t, st, Subscription("gone", 3))
	if ok, err := st.Claim(ctx, "gone", "i1"); !ok || err != nil {
		t.Errorf("rule: a subscription added again under a deleted ID starts without claims: Claim = %v, %v", ok, err)
	}
	if got := len(s.subs(t, st)); got != 2 {
		t.Errorf("Subscriptions lists %d, want 2", got)
	}
}

func (s suite) pendingOrder(t *testing.T, st intel.SubscriptionStore) {
	ctx := t.Context()
	s.addSub(t, st, Subscription("s", 1))
	s.addSub(t, st, Subscription("r", 2))
	p := func(sub intel.SubscriptionID, it intel.ID) intel.PendingDelivery {
		return intel.PendingDelivery{Subscription: sub, Item: it}
	}
	for _, x := range []intel.PendingDelivery{p("s", "z"), p("r", "a"), p("s", "b"), p("s", "z")} {
		if err := st.AddPending(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	want := []intel.PendingDelivery{p("s", "z"), p("r", "a"), p("s", "b")}
	if d := same(want, s.pending(t, st)); d != "" {
		t.Errorf("rule: Pending lists deliveries in the order added, a pair already pending once, in its place:\n%s", d)
	}
	if ok, err := st.TakePending(ctx, p("s", "z")); !ok || err != nil {
		t.Errorf("rule: TakePending of a pending pair returns true; got %v, %v", ok, err)
	}
	if ok, err := st.TakePending(ctx, p("s", "z")); ok || err != nil {
		t.Errorf("rule: TakePending of a pair no longer pending returns false, nil; got %v, %v", ok, err)
	}
	if ok, err := st.TakePending(ctx, p("s", "nope")); ok || err != nil {
		t.Errorf("rule: TakePending of a pair never pending returns false, nil; got %v, %v", ok, err)
	}
	if err := st.AddPending(ctx, p("s", "z")); err != nil {
		t.Fatal(err)
	}
	want = []intel.PendingDelivery{p("r", "a"), p("s", "b"), p("s", "z")}
	if d := same(want, s.pending(t, st)); d != "" {
		t.Errorf("rule: a pair taken and added again goes last:\n%s", d)
	}
}

func (s suite) subBreak(t *testing.T, st intel.SubscriptionStore) {
	ctx := t.Context()
	for i := range 5 {
		id := intel.SubscriptionID(fmt.Sprintf("s%d", i))
		s.addSub(t, st, Subscription(id, i))
		if err := st.AddPending(ctx, intel.PendingDelivery{Subscription: id, Item: "i"}); err != nil {
			t.Fatal(err)
		}
	}
	for range st.Subscriptions(ctx) {
		break
	}
	for range st.Pending(ctx) {
		break
	}
	done := make(chan error, 1)
	go func() {
		err := st.AddSubscription(ctx, Subscription("after-break", 1))
		if err == nil {
			_, err = st.TakePending(ctx, intel.PendingDelivery{Subscription: "s1", Item: "i"})
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("writes after an early break: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("rule: breaking out of Subscriptions or Pending releases every lock (a write blocked)")
	}
}

func (s suite) subCancelled(t *testing.T, st intel.SubscriptionStore) {
	s.addSub(t, st, Subscription("s", 1))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	pd := intel.PendingDelivery{Subscription: "s", Item: "i"}
	for name, err := range map[string]error{
		"AddSubscription":    st.AddSubscription(ctx, Subscription("t", 1)),
		"DeleteSubscription": st.DeleteSubscription(ctx, "s"),
		"AddPending":         st.AddPending(ctx, pd),
	} {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("rule: %s with a cancelled context returns its error; got %v", name, err)
		}
	}
	if _, err := st.Subscription(ctx, "s"); !errors.Is(err, context.Canceled) {
		t.Errorf("rule: Subscription with a cancelled context returns its error; got %v", err)
	}
	if _, err := st.Claim(ctx, "s", "i"); !errors.Is(err, context.Canceled) {
		t.Errorf("rule: Claim with a cancelled context returns its error; got %v", err)
	}
	if _, err := st.TakePending(ctx, pd); !errors.Is(err, context.Canceled) {
		t.Errorf("rule: TakePending with a cancelled context returns its error; got %v", err)
	}
	var last error
	for _, err := range st.Subscriptions(ctx) {
		last = err
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("rule: Subscriptions with a cancelled context ends with its error; got %v", last)
	}
	last = nil
	for _, err := range st.Pending(ctx) {
		last = err
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("rule: Pending with a cancelled context ends with its error; got %v", last)
	}
	if got := s.subs(t, st); len(got) != 1 || got[0].ID != "s" {
		t.Errorf("rule: cancelled calls change nothing; Subscriptions = %v", got)
	}
	if ok, err := st.Claim(t.Context(), "s", "i"); !ok || err != nil {
		t.Errorf("rule: a cancelled Claim claims nothing; Claim = %v, %v", ok, err)
	}
	if got := s.pending(t, st); len(got) != 0 {
		t.Errorf("rule: a cancelled AddPending adds nothing; Pending = %v", got)
	}
}

func (s suite) subConcurrent(t *testing.T, st intel.SubscriptionStore) {
	if s.o.NoConcurrency {
		t.Skip("back end declared Config.NoConcurrency")
	}
	ctx := t.Context()
	const workers, items = 8, 20
	s.addSub(t, st, Subscription("s", 1))
	for i := range items {
		if err := st.AddPending(ctx, intel.PendingDelivery{Subscription: "s", Item: intel.ID(fmt.Sprint("p", i))}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	claims, takes := map[intel.ID]int{}, map[intel.ID]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range items {
				it := intel.ID(fmt.Sprint("c", i))
				ok, err := st.Claim(ctx, "s", it)
				if err != nil {
					t.Errorf("Claim: %v", err)
					return
				}
				p := intel.ID(fmt.Sprint("p", i))
				took, err := st.TakePending(ctx, intel.PendingDelivery{Subscription: "s", Item: p})
				if err != nil {
					t.Errorf("TakePending: %v", err)
					return
				}
				mu.Lock()
				if ok {
					claims[it]++
				}
				if took {
					takes[p]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for i := range items {
		c, p := intel.ID(fmt.Sprint("c", i)), intel.ID(fmt.Sprint("p", i))
		if claims[c] != 1 {
			t.Errorf("rule: of %d concurrent claims of one pair exactly one succeeds; %s: %d", workers, c, claims[c])
		}
		if takes[p] != 1 {
			t.Errorf("rule: of %d concurrent takes of one pending pair exactly one succeeds; %s: %d", workers, p, takes[p])
		}
	}
}

// RunDecisions checks an [intel.DecisionStore] implementation against its
// documented rules, a fresh, empty store from newStore per subtest. cfg
// declares what the back end cannot do (TimePrecision for the dates of
// decisions and actions).
func RunDecisions(t *testing.T, newStore func(t *testing.T) intel.DecisionStore, cfg Config) {
	t.Helper()
	s := suite{o: cfg}
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, st intel.DecisionStore)
	}{
		{"DecisionRoundTrip", s.decRoundTrip},
		{"DecisionsOrderAndCopies", s.decOrder},
		{"Actions", s.actions},
		{"ActionOfUnknownDecision", s.actionUnknown},
		{"CancelledContext", s.decCancelled},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

// Decision returns a decision with every field filled in, built from id and
// n.
func Decision(id intel.DecisionID, n int) intel.Decision {
	return intel.Decision{ID: id, Question: fmt.Sprintf("値下げに追随するか %d", n), Options: []string{"match", "hold", "bundle"},
		Choice: "bundle", Rationale: "ｶﾀｶﾅ rationale", Evidence: []intel.ID{"I-1", intel.ID(fmt.Sprint("I-", n))},
		Owner: "tanaka", Date: base.Add(time.Duration(n) * time.Hour).In(time.FixedZone("JST", 9*3600))}
}

// Action returns an action of decision d with every field filled in.
func Action(id intel.ActionID, d intel.DecisionID, n int) intel.Action {
	return intel.Action{ID: id, Decision: d, Title: fmt.Sprintf("試着キャンペーン %d", n), Owner: "ops",
		Due: base.AddDate(0, 0, n), Status: intel.ActionDone, Outcome: "returns down 12%", KPI: "return rate",
		CompletedAt: base.AddDate(0, 0, n).Add(-time.Hour)}
}

func (s suite) normDec(d intel.Decision) intel.Decision {
	d.Date = s.normTime(d.Date)
	d.Options, d.Evidence = nilEmpty(d.Options), nilEmpty(d.Evidence)
	return d
}

func (s suite) normAction(a intel.Action) intel.Action {
	a.Due, a.CompletedAt = s.normTime(a.Due), s.normTime(a.CompletedAt)
	return a
}

func (s suite) actionsOf(t *testing.T, st intel.DecisionStore, d intel.DecisionID) []intel.Action {
	t.Helper()
	var out []intel.Action
	for a, err := range st.Actions(t.Context(), d) {
		if err != nil {
			t.Fatalf("Actions(%s): %v", d, err)
		}
		out = append(out, s.normAction(a))
	}
	return out
}

func (s suite) decRoundTrip(t *testing.T, st intel.DecisionStore) {
	ctx := t.Context()
	if _, err := st.Decision(ctx, "nope"); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("rule: Decision of a missing ID returns ErrNotFound; got %v", err)
	}
	want := Decision("D-1", 1)
	if err := st.PutDecision(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := st.Decision(ctx, "D-1")
	if err != nil {
		t.Fatal(err)
	}
	if d := same(s.normDec(want), s.normDec(got)); d != "" {
		t.Errorf("rule: Decision returns what PutDecision stored:\n%s", d)
	}
	want = Decision("D-1", 2)
	want.Options, want.Rationale = nil, ""
	if err := st.PutDecision(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got, _ = st.Decision(ctx, "D-1"); same(s.normDec(want), s.normDec(got)) != "" {
		t.Errorf("rule: PutDecision replaces a stored decision:\n%s", same(s.normDec(want), s.normDec(got)))
	}
}

func (s suite) decOrder(t *testing.T, st intel.DecisionStore) {
	ctx := t.Context()
	ids := []intel.DecisionID{"b", "a", "日本", "Z", "10", "9"}
	for i, id := range ids {
		d := Decision(id, i)
		if err := st.PutDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
		d.Options[0], d.Evidence[0] = "changed", "changed"
	}
	var got []intel.DecisionID
	for d, err := range st.Decisions(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if x := same(s.normDec(Decision(d.ID, slices.Index(ids, d.ID))), s.normDec(d)); x != "" {
			t.Errorf("rule: Decisions yields what was stored (PutDecision copies its input):\n%s", x)
		}
		d.Options[1] = "changed"
		got = append(got, d.ID)
	}
	want := slices.Clone(ids)
	slices.Sort(want)
	if !slices.Equal(want, got) {
		t.Errorf("rule: Decisions yields every decision once, in ascending byte-wise ID order\nwant %q\ngot  %q", want, got)
	}
	d, err := st.Decision(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	d.Evidence[1] = "changed"
	if again, _ := st.Decision(ctx, "a"); same(s.normDec(Decision("a", 1)), s.normDec(again)) != "" {
		t.Errorf("rule: Decision and Decisions return copies")
	}
}

func (s suite) actions(t *testing.T, st intel.DecisionStore) {
	ctx := t.Context()
	for i, id := range []intel.DecisionID{"D-1", "D-2"} {
		if err := st.PutDecision(ctx, Decision(id, i)); err != nil {
			t.Fatal(err)
		}
	}
	put := func(a intel.Action) {
		t.Helper()
		if err := st.PutAction(ctx, a); err != nil {
			t.Fatalf("PutAction(%s): %v", a.ID, err)
		}
	}
	put(Action("b", "D-1", 1))
	put(Action("a", "D-1", 2))
	put(Action("c", "D-2", 3))
	open := Action("open", "D-2", 4)
	open.Status, open.CompletedAt, open.Outcome = intel.ActionOpen, time.Time{}, ""
	put(open)
	want1 := []intel.Action{s.normAction(Action("a", "D-1", 2)), s.normAction(Action("b", "D-1", 1))}
	if d := same(want1, s.actionsOf(t, st, "D-1")); d != "" {
		t.Errorf("rule: Actions yields a decision's actions in ascending ID order:\n%s", d)
	}
	if got := s.actionsOf(t, st, "nope"); len(got) != 0 {
		t.Errorf("rule: Actions of an unknown decision yields none; got %v", got)
	}
	// Action a moves to D-2 and changes.
	moved := Action("a", "D-2", 5)
	put(moved)
	if d := same([]intel.Action{s.normAction(Action("b", "D-1", 1))}, s.actionsOf(t, st, "D-1")); d != "" {
		t.Errorf("rule: an action put under another decision leaves its old one:\n%s", d)
	}
	want2 := []intel.Action{s.normAction(moved), s.normAction(Action("c", "D-2", 3)), s.normAction(open)}
	if d := same(want2, s.actionsOf(t, st, "D-2")); d != "" {
		t.Errorf("rule: one action per ID: put again, it is replaced (and moved to its new decision):\n%s", d)
	}
}

func (s suite) actionUnknown(t *testing.T, st intel.DecisionStore) {
	ctx := t.Context()
	if err := st.PutAction(ctx, Action("a", "nope", 1)); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("rule: PutAction of an unknown decision returns ErrNotFound; got %v", err)
	}
	if err := st.PutDecision(ctx, Decision("nope", 1)); err != nil {
		t.Fatal(err)
	}
	if got := s.actionsOf(t, st, "nope"); len(got) != 0 {
		t.Errorf("rule: a refused PutAction stores nothing; Actions = %v", got)
	}
}

func (s suite) decCancelled(t *testing.T, st intel.DecisionStore) {
	if err := st.PutDecision(t.Context(), Decision("D", 1)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := st.PutDecision(ctx, Decision("E", 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("rule: PutDecision with a cancelled context returns its error; got %v", err)
	}
	if err := st.PutAction(ctx, Action("a", "D", 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("rule: PutAction with a cancelled context returns its error; got %v", err)
	}
	if _, err := st.Decision(ctx, "D"); !errors.Is(err, context.Canceled) {
		t.Errorf("rule: Decision with a cancelled context returns its error; got %v", err)
	}
	var last error
	for _, err := range st.Decisions(ctx) {
		last = err
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("rule: Decisions with a cancelled context ends with its error; got %v", last)
	}
	last = nil
	for _, err := range st.Actions(ctx, "D") {
		last = err
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("rule: Actions with a cancelled context ends with its error; got %v", last)
	}
	if _, err := st.Decision(t.Context(), "E"); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("rule: a cancelled PutDecision stores nothing; Decision(E) = %v", err)
	}
	if got := s.actionsOf(t, st, "D"); len(got) != 0 {
		t.Errorf("rule: a cancelled PutAction stores nothing; Actions = %v", got)
	}
}
