package c360test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/google/go-cmp/cmp"
)

// liveConfig is the live configuration of the conformance scenarios.
func liveConfig(s c360.Store) c360.Config {
	return c360.Config{
		Store: s,
		Now:   clock(),
		Segments: []c360.SegmentDef{
			{Name: "buyers", Expr: `count(online_purchase, 30d) >= 1`},
			{Name: "visitors", Expr: `count(web_visit, 30d) >= 2`},
		},
		Sending: c360.SendConfig{Caps: []journey.Cap{{Name: "daily", Max: 1, Window: 24 * time.Hour}}},
	}
}

// liveScenario tracks touchpoints (by profile ID, by identifiers, anonymous
// and later identified), merges and unmerges the people they belong to, and
// records sends; it returns what the engine answered.
func liveScenario(t *testing.T, e *c360.Engine) string {
	t.Helper()
	ctx := t.Context()
	var b strings.Builder
	up := func(r customer.SourceRecord) c360.Update {
		u, err := e.Upsert(ctx, r)
		if err != nil {
			t.Fatalf("Upsert %s: %v", r.Key(), err)
		}
		return u
	}
	tr := func(x journey.Event) {
		got, err := e.Track(ctx, x)
		if err != nil {
			t.Fatalf("Track %s: %v", x.ID, err)
		}
		tr := ""
		if got.Transition != nil {
			tr = string(got.Transition.From) + "→" + string(got.Transition.To)
		}
		fmt.Fprintf(&b, "track %s → %q linked=%v dup=%v %s +%v -%v\n", x.ID, got.Profile, got.Linked, got.Duplicate, tr, got.Entered, got.Left)
	}
	past := at.Add(-24 * time.Hour)
	ev := func(id string, typ journey.Type, h int) journey.Event {
		return journey.Event{ID: id, Type: typ, Channel: customer.ChannelWeb, Time: past.Add(time.Duration(h) * time.Minute)}
	}
	a := up(person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")).Profile
	bb := person("service", "V-2", "", "", "", "090-1111-2222")
	bb.Name.Latin = "Taro Yamada"
	pb := up(bb).Profile
	x := ev("a1", journey.TypeOnlinePurchase, 1)
	x.CustomerID = a
	tr(x)
	for i := range 2 {
		x = ev(fmt.Sprintf("anon%d", i), journey.TypeWebVisit, 2+i)
		x.AnonymousID = "cookie\x00ü" // odd bytes in an anonymous ID
		tr(x)
	}
	x = ev("id1", journey.TypeLogin, 5)
	x.AnonymousID = "cookie\x00ü"
	x.Identifiers = []customer.Identifier{{Scheme: "phone", Value: "+81 90-1111-2222"}}
	tr(x)
	tr(x) // a duplicate
	x = ev("wait1", journey.TypeOnlinePurchase, 6)
	x.Identifiers = []customer.Identifier{{Scheme: "source:pos", Value: "C-9"}}
	tr(x)
	if err := e.Sent(ctx, journey.Send{Customer: pb, Channel: customer.ChannelSMS, Time: at}); err != nil {
		t.Fatal(err)
	}
	m := up(person("webshop", "W-3", "山田", "太郎", "taro@example.jp", "09011112222"))
	fmt.Fprintf(&b, "merge %s %v\n", m.Outcome, m.Absorbed)
	if _, err := e.Unmerge(ctx, pb); err != nil {
		t.Fatalf("Unmerge: %v", err)
	}
	c := up(person("pos", "C-9", "鈴木", "一郎", "ichiro@example.jp", ""))
	fmt.Fprintf(&b, "waiting record %s\n", c.Outcome)
	r := person("shop", "H-1", "佐藤", "花子", "hanako@example.jp", "")
	r.Consent.Entries = []customer.ConsentEntry{{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: at}}
	h := up(r).Profile
	for i := range 2 {
		d, err := e.Claim(ctx, journey.Request{Customer: h, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "claim %d allowed=%v contact=%s %v\n", i, d.Allowed, d.Contact, d.Reasons)
	}
	res, err := e.Tick(ctx, at.Add(60*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "tick %+v\n", res)
	return b.String()
}

// LiveSummary reads an engine's whole live state — every profile's
// timeline, stage, segments and sends, each segment's members and the change
// feed — as text: two engines hold the same live state when their
// summaries are equal. For tests that compare engines (restarts, stores).
func LiveSummary(t testing.TB, e *c360.Engine) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for p, err := range e.Profiles(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		evs, err := e.Timeline(ctx, p.ID, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, x := range evs {
			ids = append(ids, x.ID)
		}
		st, err := e.Stage(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		segs, err := e.Segments(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		sends, err := e.SendHistory(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s events=%q stage=%s/%d segments=%v sends=%d\n", p.ID, ids, st.Stage, len(st.History), segs, len(sends))
	}
	for _, s := range e.SegmentNames() {
		ids, err := e.Members(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "members %s %v\n", s, ids)
	}
	for c, err := range e.Changes(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "change %d %s %s %s %v\n", c.Cursor, c.Kind, c.Profile, c.Segment, c.Fields)
	}
	return b.String()
}

func liveOn(t *testing.T, s c360.Store) {
	e, err := c360.Open(t.Context(), liveConfig(s))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	got := liveScenario(t, e)
	mem, err := c360.Open(t.Context(), liveConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	want := liveScenario(t, mem)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the live engine answers differently on this store than in memory (-memory +store):\n%s", diff)
	}
	if diff := cmp.Diff(LiveSummary(t, mem), LiveSummary(t, e)); diff != "" {
		t.Errorf("the live state differs on this store from memory (-memory +store):\n%s", diff)
	}
}

func liveRestart(t *testing.T, newStore func(t *testing.T) c360.Store, reopen func(t *testing.T, s c360.Store) c360.Store) {
	s := newStore(t)
	e, err := c360.Open(t.Context(), liveConfig(s))
	if err != nil {
		t.Fatal(err)
	}
	liveScenario(t, e)
	before := LiveSummary(t, e)
	e.Close()
	s = reopen(t, s)
	defer s.Close()
	e, err = c360.Open(t.Context(), liveConfig(s))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if diff := cmp.Diff(before, LiveSummary(t, e)); diff != "" {
		t.Errorf("a reopened store's live state answers differently (-before +after):\n%s", diff)
	}
}
