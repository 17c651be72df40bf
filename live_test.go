package c360_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/c360test"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/segment"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// day0 is two days before the test clock starts (newClock), so that events
// are in the past of the engine's clock and inside 30-day windows.
var day0 = time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC)

func liveConfig() c360.Config {
	return c360.Config{
		Segments: []c360.SegmentDef{
			{Name: "buyers", Expr: `count(online_purchase, 30d) >= 1`},
			{Name: "email_ok", Expr: `consent.email.marketing = "opt_in"`},
			{Name: "engaged_buyers", Expr: `segment(buyers) and count(web_visit, 30d) >= 2`},
		},
		Sending: c360.SendConfig{Caps: []journey.Cap{{Name: "one a day", Max: 1, Window: 24 * time.Hour}}},
	}
}

func ev(id string, typ journey.Type, at time.Time) journey.Event {
	return journey.Event{ID: id, Type: typ, Channel: customer.ChannelWeb, Time: at}
}

func track(t testing.TB, e *c360.Engine, x journey.Event) c360.Tracked {
	t.Helper()
	tr, err := e.Track(context.Background(), x)
	if err != nil {
		t.Fatalf("Track %s: %v", x.ID, err)
	}
	return tr
}

func timelineIDs(t testing.TB, e *c360.Engine, id customer.ID) []string {
	t.Helper()
	evs, err := e.Timeline(context.Background(), id, time.Time{}, time.Time{})
	if err != nil {
		t.Fatalf("Timeline %s: %v", id, err)
	}
	var out []string
	for _, x := range evs {
		out = append(out, x.ID)
	}
	return out
}

func TestTrackResolvesIdentifiersAsSourcesSendThem(t *testing.T) {
	e := open(t, liveConfig())
	p := upsert(t, e, person("sales", "S-1", "山田", "太郎", "Taro.Yamada@Example.jp", "090-1234-5678")).Profile
	tests := []struct {
		name string
		ev   journey.Event
	}{
		{"profile ID", journey.Event{CustomerID: p}},
		{"e-mail in another case and width", journey.Event{Identifiers: []customer.Identifier{{Scheme: "email", Value: "ｔａｒｏ.yamada@EXAMPLE.JP"}}}},
		{"phone in E.164", journey.Event{Identifiers: []customer.Identifier{{Scheme: "phone", Value: "+81 90 1234 5678"}}}},
		{"phone in full-width national notation", journey.Event{Identifiers: []customer.Identifier{{Scheme: "phone", Value: "０９０（１２３４）５６７８"}}}},
		{"source record", journey.Event{Identifiers: []customer.Identifier{{Scheme: "source:sales", Value: "S-1"}}}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := tt.ev
			x.ID, x.Type, x.Channel, x.Time = fmt.Sprintf("e%d", i), journey.TypeWebVisit, customer.ChannelWeb, day0.Add(time.Duration(i)*time.Hour)
			tr := track(t, e, x)
			if tr.Profile != p {
				t.Errorf("landed on %q, want %s", tr.Profile, p)
			}
		})
	}
	if got := timelineIDs(t, e, p); len(got) != len(tests) {
		t.Errorf("timeline holds %v, want %d events", got, len(tests))
	}
}

func TestAnonymousHistoryJoinsWhenIdentified(t *testing.T) {
	e := open(t, liveConfig())
	p := upsert(t, e, person("webshop", "W-1", "佐藤", "花子", "hanako@example.jp", "")).Profile
	anon := journey.Event{AnonymousID: "cookie-1"}
	for i := range 3 {
		x := anon
		x.ID, x.Type, x.Channel, x.Time = fmt.Sprintf("v%d", i), journey.TypeWebVisit, customer.ChannelWeb, day0.Add(time.Duration(i)*time.Hour)
		tr := track(t, e, x)
		if tr.Profile != "" || tr.Linked {
			t.Fatalf("an anonymous visit landed on %q (linked %v)", tr.Profile, tr.Linked)
		}
	}
	if got := timelineIDs(t, e, p); len(got) != 0 {
		t.Fatalf("anonymous visits on the profile before identification: %v", got)
	}
	login := journey.Event{ID: "login", AnonymousID: "cookie-1", Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb,
		Time: day0.Add(4 * time.Hour), Identifiers: []customer.Identifier{{Scheme: "email", Value: "HANAKO@example.jp"}}}
	tr := track(t, e, login)
	want := c360.Tracked{Profile: p, AnonymousID: "cookie-1", Linked: true,
		Transition: &journey.Transition{Customer: p, From: journey.StageAwareness, To: journey.StageAcquire, At: login.Time, EventID: "login", Rule: "first purchase"},
		Entered:    []string{"buyers", "engaged_buyers"}}
	if diff := cmp.Diff(want, tr, cmpopts.IgnoreFields(c360.Tracked{}, "Cursor")); diff != "" {
		t.Errorf("identifying event (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"v0", "v1", "v2", "login"}, timelineIDs(t, e, p)); diff != "" {
		t.Errorf("timeline after identification (-want +got):\n%s", diff)
	}
	// Later anonymous events of the same cookie go to the person.
	x := ev("v9", journey.TypeWebVisit, day0.Add(5*time.Hour))
	x.AnonymousID = "cookie-1"
	if tr := track(t, e, x); tr.Profile != p {
		t.Errorf("a later event of the linked cookie landed on %q, want %s", tr.Profile, p)
	}
	st, err := e.Stage(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Stage != journey.StageAcquire || len(st.History) != 2 {
		t.Errorf("stage = %s with %d transitions, want acquire with 2", st.Stage, len(st.History))
	}
}

func TestEventsWaitForTheirSourceRecord(t *testing.T) {
	e := open(t, liveConfig())
	x := ev("early", journey.TypeOnlinePurchase, day0)
	x.Identifiers = []customer.Identifier{{Scheme: "source:pos", Value: "C-77"}}
	if tr := track(t, e, x); tr.Profile != "" {
		t.Fatalf("an event of a record not yet known landed on %q", tr.Profile)
	}
	up := upsert(t, e, person("pos", "C-77", "鈴木", "一郎", "ichiro@example.jp", ""))
	if diff := cmp.Diff([]string{"early"}, timelineIDs(t, e, up.Profile)); diff != "" {
		t.Errorf("the waiting event did not join the record's profile (-want +got):\n%s", diff)
	}
	segs, err := e.Segments(t.Context(), up.Profile)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(segs, "buyers") {
		t.Errorf("segments = %v; the waiting purchase should make a buyer", segs)
	}
}

func TestTrackRefusesBadEventsAndChangesNothing(t *testing.T) {
	clk := newClock()
	cfg := liveConfig()
	cfg.Now = clk.Now
	e := open(t, cfg)
	a := upsert(t, e, person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")).Profile
	b := upsert(t, e, person("sales", "S-2", "佐藤", "花子", "hanako@example.jp", "")).Profile
	track(t, e, journey.Event{ID: "dup", CustomerID: a, Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day0})
	before := c360test.LiveSummary(t, e)
	tests := []struct {
		name string
		ev   journey.Event
		want error
		in   string // a field the error must name
	}{
		{"no identifier", journey.Event{ID: "x1", Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day0}, c360.ErrInvalid, "CustomerID"},
		{"identifier nobody holds, no anonymous ID", journey.Event{ID: "x2", Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day0,
			Identifiers: []customer.Identifier{{Scheme: "email", Value: "nobody@example.jp"}}}, c360.ErrInvalid, "no usable identifier"},
		{"unknown type", journey.Event{ID: "x3", CustomerID: a, Type: "teleport", Channel: customer.ChannelWeb, Time: day0}, c360.ErrInvalid, "Type"},
		{"unknown channel", journey.Event{ID: "x4", CustomerID: a, Type: journey.TypeWebVisit, Channel: "pigeon", Time: day0}, c360.ErrInvalid, "Channel"},
		{"far future", journey.Event{ID: "x5", CustomerID: a, Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day0.AddDate(1, 0, 0)}, c360.ErrInvalid, "Time"},
		{"before 1900", journey.Event{ID: "x9", CustomerID: a, Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)}, c360.ErrInvalid, "Time"},
		{"zero time", journey.Event{ID: "x10", CustomerID: a, Type: journey.TypeWebVisit, Channel: customer.ChannelWeb}, c360.ErrInvalid, "Time"},
		{"unknown identifier scheme", journey.Event{ID: "x6", Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day0,
			Identifiers: []customer.Identifier{{Scheme: "shoe_size", Value: "27"}}}, c360.ErrInvalid, "Identifiers[0]"},
		{"identifiers of two people", journey.Event{ID: "x7", Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day0,
			Identifiers: []customer.Identifier{{Scheme: "email", Value: "taro@example.jp"}, {Scheme: "email", Value: "hanako@example.jp"}}}, c360.ErrConflict, string(b)},
		{"unknown profile ID", journey.Event{ID: "x8", CustomerID: "P-NOPE", Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day0}, c360.ErrNotFound, "P-NOPE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Track(t.Context(), tt.ev)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Track = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.in) {
				t.Errorf("error %q does not name %q", err, tt.in)
			}
		})
	}
	tr := track(t, e, journey.Event{ID: "dup", CustomerID: b, Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb, Time: day0})
	if !tr.Duplicate || tr.Profile != "" {
		t.Errorf("an event ID tracked before = %+v, want Duplicate and nothing else", tr)
	}
	if diff := cmp.Diff(before, c360test.LiveSummary(t, e)); diff != "" {
		t.Errorf("refused events changed the state (-before +after):\n%s", diff)
	}
}

func TestMergeAndUnmergeCarryHistory(t *testing.T) {
	e := open(t, liveConfig())
	ctx := t.Context()
	a := upsert(t, e, person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")).Profile
	bRec := person("service", "V-2", "", "", "", "090-1111-2222")
	bRec.Name.Latin = "Taro Yamada"
	b := upsert(t, e, bRec).Profile
	if a == b {
		t.Fatal("test setup: the two records matched at once")
	}
	track(t, e, journey.Event{ID: "a1", CustomerID: a, Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb, Time: day0})
	x := journey.Event{ID: "c1", AnonymousID: "cookie-b", Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day0.Add(time.Hour),
		Identifiers: []customer.Identifier{{Scheme: "phone", Value: "09011112222"}}}
	track(t, e, x)
	track(t, e, journey.Event{ID: "b1", CustomerID: b, Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day0.Add(2 * time.Hour)})
	if err := e.Sent(ctx, journey.Send{Customer: b, Channel: customer.ChannelSMS, Time: day0}); err != nil {
		t.Fatal(err)
	}
	m := upsert(t, e, person("webshop", "W-3", "山田", "太郎", "taro@example.jp", "09011112222"))
	if m.Outcome != c360.Merged {
		t.Fatalf("bridge record: %s, want merged", m.Outcome)
	}
	survivor := m.Profile
	absorbed := a
	if survivor == a {
		absorbed = b
	}
	if diff := cmp.Diff([]string{"a1", "c1", "b1"}, timelineIDs(t, e, survivor)); diff != "" {
		t.Errorf("survivor's timeline after the merge (-want +got):\n%s", diff)
	}
	// The absorbed ID is followed, and its live state is gone.
	if diff := cmp.Diff([]string{"a1", "c1", "b1"}, timelineIDs(t, e, absorbed)); diff != "" {
		t.Errorf("timeline through the absorbed ID (-want +got):\n%s", diff)
	}
	segs, _ := e.Segments(ctx, survivor)
	if diff := cmp.Diff([]string{"buyers", "engaged_buyers"}, segs); diff != "" {
		t.Errorf("survivor's segments after the merge (-want +got):\n%s", diff)
	}
	sends, _ := e.SendHistory(ctx, survivor)
	if len(sends) != 1 {
		t.Errorf("survivor's send history holds %d sends, want the absorbed one's 1", len(sends))
	}
	if _, err := e.Unmerge(ctx, absorbed); err != nil {
		t.Fatal(err)
	}
	wantA, wantB := []string{"a1"}, []string{"c1", "b1"}
	if diff := cmp.Diff(wantA, timelineIDs(t, e, a)); diff != "" {
		t.Errorf("a's timeline after the unmerge (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantB, timelineIDs(t, e, b)); diff != "" {
		t.Errorf("b's timeline after the unmerge (-want +got):\n%s", diff)
	}
	sa, _ := e.SendHistory(ctx, a)
	sb, _ := e.SendHistory(ctx, b)
	if len(sa) != 0 || len(sb) != 1 {
		t.Errorf("send history after the unmerge: a %d, b %d; want 0 and 1", len(sa), len(sb))
	}
	segsA, _ := e.Segments(ctx, a)
	segsB, _ := e.Segments(ctx, b)
	if diff := cmp.Diff([]string{"buyers"}, segsA); diff != "" {
		t.Errorf("a's segments after the unmerge (-want +got):\n%s", diff)
	}
	if len(segsB) != 0 {
		t.Errorf("b's segments after the unmerge = %v, want none", segsB)
	}
	// Every entry has its exit: membership derived from the feed equals
	// the engine's.
	members := map[string]map[customer.ID]bool{}
	for c, err := range e.Changes(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		switch c.Kind {
		case c360.ChangeEntered:
			if members[c.Segment] == nil {
				members[c.Segment] = map[customer.ID]bool{}
			}
			members[c.Segment][c.Profile] = true
		case c360.ChangeLeft:
			delete(members[c.Segment], c.Profile)
		}
	}
	for _, s := range []string{"buyers", "engaged_buyers"} {
		ids, err := e.Members(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		var fromFeed []customer.ID
		for id := range members[s] {
			fromFeed = append(fromFeed, id)
		}
		slices.Sort(fromFeed)
		if diff := cmp.Diff(ids, fromFeed, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("segment %s: members by the feed differ from Members (-Members +feed):\n%s", s, diff)
		}
	}
}

func TestSegmentsFollowUpsertsAndTick(t *testing.T) {
	clk := newClock()
	cfg := liveConfig()
	cfg.Now = clk.Now
	e := open(t, cfg)
	ctx := t.Context()
	r := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")
	p := upsert(t, e, r).Profile
	if segs, _ := e.Segments(ctx, p); len(segs) != 0 {
		t.Fatalf("segments before consent = %v", segs)
	}
	r.Consent.Entries = append(r.Consent.Entries, customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing,
		Status: customer.ConsentOptIn, CapturedAt: day0})
	r.ObservedAt = day0.Add(time.Hour)
	upsert(t, e, r)
	if segs, _ := e.Segments(ctx, p); !slices.Equal(segs, []string{"email_ok"}) {
		t.Errorf("segments after the consent arrived = %v, want [email_ok]", segs)
	}
	now := clk.Now()
	track(t, e, journey.Event{ID: "buy", CustomerID: p, Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb, Time: now})
	if ok, _ := e.Segments(ctx, p); !slices.Contains(ok, "buyers") {
		t.Fatalf("segments after a purchase = %v", ok)
	}
	res, err := e.Tick(ctx, now.Add(31*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if res.Left != 1 || res.Entered != 0 {
		t.Errorf("Tick a month later = %+v, want one exit (the purchase left the 30-day window)", res)
	}
	if segs, _ := e.Segments(ctx, p); !slices.Equal(segs, []string{"email_ok"}) {
		t.Errorf("segments after Tick = %v, want [email_ok]", segs)
	}
}

func TestDecideChoosesAPermittedContactPoint(t *testing.T) {
	clk := newClock()
	cfg := liveConfig()
	cfg.Now = clk.Now
	e := open(t, cfg)
	ctx := t.Context()
	r := person("sales", "S-1", "山田", "太郎", "old@example.jp", "")
	r.ContactPoints = append(r.ContactPoints,
		customer.ContactPoint{Type: customer.ContactEmail, Value: "bounced@example.jp", Validity: customer.ValidityUndeliverable},
		customer.ContactPoint{Type: customer.ContactEmail, Value: "new@example.jp"},
		customer.ContactPoint{Type: customer.ContactEmail, Value: "work@example.jp"})
	r.Consent.Entries = []customer.ConsentEntry{
		{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day0},
		{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Contact: "old@example.jp", Status: customer.ConsentOptOut, CapturedAt: day0},
	}
	p := upsert(t, e, r).Profile
	if err := e.Suppress(ctx, customer.ChannelEmail, "NEW@example.jp", "complaint"); err != nil {
		t.Fatal(err)
	}
	req := journey.Request{Customer: p, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing}
	d, err := e.Decide(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Allowed || d.Contact != "work@example.jp" {
		t.Fatalf("Decide = %+v; want allowed through work@example.jp (old: opted out, bounced: undeliverable, new: suppressed)", d)
	}
	// Claim records the send; the cap of one a day then refuses.
	if d, err := e.Claim(ctx, req); err != nil || !d.Allowed {
		t.Fatalf("Claim = %+v, %v", d, err)
	}
	d, err = e.Decide(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed || d.Reasons[0].Code != journey.ReasonCapReached {
		t.Errorf("Decide after a claimed send = %+v, want cap_reached", d)
	}
	// Only the opted-out address asked for: refused for consent.
	one := req
	one.Contact = "old@example.jp"
	d, err = e.Decide(ctx, one)
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed || d.Reasons[0].Code != journey.ReasonConsentDenied {
		t.Errorf("Decide for the opted-out address = %+v, want consent_denied", d)
	}
	if err := e.Unsuppress(ctx, customer.ChannelEmail, "new@example.jp"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Decide(ctx, journey.Request{Customer: "P-NOPE", Channel: customer.ChannelEmail}); !errors.Is(err, c360.ErrNotFound) {
		t.Errorf("Decide for an unknown profile = %v, want ErrNotFound", err)
	}
}

func TestClaimNeverExceedsACapUnderConcurrency(t *testing.T) {
	e := open(t, liveConfig())
	r := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")
	r.Consent.Entries = []customer.ConsentEntry{{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day0}}
	p := upsert(t, e, r).Profile
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 16 {
		wg.Go(func() {
			d, err := e.Claim(context.Background(), journey.Request{Customer: p, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing})
			if err != nil {
				t.Error(err)
				return
			}
			if d.Allowed {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	sends, err := e.SendHistory(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if allowed != 1 || len(sends) != 1 {
		t.Errorf("16 concurrent claims under a cap of 1: %d allowed, %d recorded; want 1 and 1", allowed, len(sends))
	}
}

func TestActivateGoesThroughTheSameGate(t *testing.T) {
	e := open(t, liveConfig())
	ctx := t.Context()
	var ids []customer.ID
	for i := range 3 {
		r := person("sales", fmt.Sprintf("S-%d", i), []string{"山田", "佐藤", "鈴木"}[i], []string{"太郎", "花子", "一郎"}[i], fmt.Sprintf("t%d@example.jp", i), "")
		r.Consent.Entries = []customer.ConsentEntry{{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day0}}
		ids = append(ids, upsert(t, e, r).Profile)
	}
	// One of them was sent to already today.
	if d, err := e.Claim(ctx, journey.Request{Customer: ids[0], Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing}); err != nil || !d.Allowed {
		t.Fatalf("Claim = %+v, %v", d, err)
	}
	a := segment.Activation{Channels: []customer.Channel{customer.ChannelEmail}, Purpose: customer.PurposeMarketing, Campaign: "spring"}
	prev, err := e.Preview(ctx, "email_ok", a)
	if err != nil {
		t.Fatal(err)
	}
	if len(prev.Members) != 2 || len(prev.Excluded) != 1 || prev.Excluded[0].CustomerID != string(ids[0]) {
		t.Fatalf("Preview: %d members, excluded %+v; want 2 and the one capped", len(prev.Members), prev.Excluded)
	}
	aud, err := e.Activate(ctx, "email_ok", a)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(prev, aud); diff != "" {
		t.Errorf("Activate differs from Preview (-preview +activate):\n%s", diff)
	}
	again, err := e.Activate(ctx, "email_ok", a)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Members) != 0 {
		t.Errorf("a second activation the same day sent to %d members; the cap allows none", len(again.Members))
	}
	if _, err := e.Activate(ctx, "nosuch", a); !errors.Is(err, c360.ErrNotFound) {
		t.Errorf("Activate of an undefined segment = %v, want ErrNotFound", err)
	}
}

func TestLiveStateSurvivesARestart(t *testing.T) {
	s := c360.NewMemoryStore()
	cfg := liveConfig()
	cfg.Store = s
	cfg.Now = newClock().Now
	e := open(t, cfg)
	p := upsert(t, e, person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")).Profile
	track(t, e, journey.Event{ID: "e1", CustomerID: p, Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb, Time: day0})
	if err := e.Sent(t.Context(), journey.Send{Customer: p, Channel: customer.ChannelEmail}); err != nil {
		t.Fatal(err)
	}
	before := c360test.LiveSummary(t, e)
	e.Close()
	e2 := open(t, cfg)
	if diff := cmp.Diff(before, c360test.LiveSummary(t, e2)); diff != "" {
		t.Errorf("a restarted engine answers differently (-before +after):\n%s", diff)
	}
}

func TestLiveConfigIsValidated(t *testing.T) {
	cfg := c360.Config{
		Segments: []c360.SegmentDef{{Name: "", Expr: "age > 1"}, {Name: "bad", Expr: "count(("}},
		Sending:  c360.SendConfig{TimeZone: "Mars/Olympus", Caps: []journey.Cap{{Name: "c", Max: 1}}},
	}
	_, err := c360.Open(t.Context(), cfg)
	if !errors.Is(err, c360.ErrInvalid) {
		t.Fatalf("Open = %v, want ErrInvalid", err)
	}
	for _, want := range []string{"segments[0]", "segments[1] (bad)", "sending.time_zone", "sending.caps[0]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestAliasesFollowMergesAndUnmerges(t *testing.T) {
	e := open(t, c360.Config{})
	ctx := t.Context()
	a := upsert(t, e, person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")).Profile
	bRec := person("service", "V-2", "", "", "", "090-1111-2222")
	bRec.Name.Latin = "Taro Yamada"
	b := upsert(t, e, bRec).Profile
	m := upsert(t, e, person("webshop", "W-3", "山田", "太郎", "taro@example.jp", "09011112222"))
	if m.Outcome != c360.Merged {
		t.Fatalf("bridge record: %s", m.Outcome)
	}
	absorbed := m.Absorbed[0]
	for _, id := range []customer.ID{a, b} {
		got, err := e.Aliases(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]customer.ID{m.Profile, absorbed}, got); diff != "" {
			t.Errorf("Aliases(%s) after the merge (-want +got):\n%s", id, diff)
		}
	}
	if _, err := e.Unmerge(ctx, absorbed); err != nil {
		t.Fatal(err)
	}
	got, err := e.Aliases(ctx, m.Profile)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]customer.ID{m.Profile}, got); diff != "" {
		t.Errorf("Aliases after the unmerge (-want +got):\n%s", diff)
	}
	if _, err := e.Aliases(ctx, "P-NOPE"); !errors.Is(err, c360.ErrNotFound) {
		t.Errorf("Aliases of an unknown ID = %v, want ErrNotFound", err)
	}
}
