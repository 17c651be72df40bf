package bolt

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/google/go-cmp/cmp"
)

// liveAnswers is everything the live engine answers about some profiles.
type liveAnswers struct {
	Timelines map[customer.ID][]journey.Event
	Stages    map[customer.ID]journey.StageState
	Segments  map[customer.ID][]string
	Sends     map[customer.ID][]journey.Send
	Decisions map[customer.ID]journey.Decision
	Members   map[string][]customer.ID
}

func answersOf(t *testing.T, e *c360.Engine, ids []customer.ID, segments []string) liveAnswers {
	t.Helper()
	ctx := context.Background()
	a := liveAnswers{Timelines: map[customer.ID][]journey.Event{}, Stages: map[customer.ID]journey.StageState{},
		Segments: map[customer.ID][]string{}, Sends: map[customer.ID][]journey.Send{},
		Decisions: map[customer.ID]journey.Decision{}, Members: map[string][]customer.ID{}}
	for _, id := range ids {
		var err error
		if a.Timelines[id], err = e.Timeline(ctx, id, time.Time{}, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if a.Stages[id], err = e.Stage(ctx, id); err != nil {
			t.Fatal(err)
		}
		if a.Segments[id], err = e.Segments(ctx, id); err != nil {
			t.Fatal(err)
		}
		if a.Sends[id], err = e.SendHistory(ctx, id); err != nil {
			t.Fatal(err)
		}
		req := journey.Request{Customer: id, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing}
		if a.Decisions[id], err = e.Decide(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range segments {
		var err error
		if a.Members[s], err = e.Members(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// TestLiveStateSurvivesRestart tracks touchpoints (by e-mail, by a phone
// number in another notation, anonymous visits identified later), records
// sends and lets live segments and stages follow, then closes the file and
// opens a new engine on it: every answer — timelines, stages, segment
// memberships, send histories, send decisions — is the same.
func TestLiveStateSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	jst := time.FixedZone("JST", 9*3600)
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, jst)
	segments := []c360.SegmentDef{
		{Name: "buyers", Expr: "count(online_purchase, 90d) >= 2"},
		{Name: "visitors", Expr: "count(web_visit, 30d) >= 1"},
	}
	cfg := c360.Config{
		Now:      func() time.Time { return now },
		Segments: segments,
		Sending:  c360.SendConfig{Caps: []journey.Cap{{Name: "one a day", Channel: customer.ChannelEmail, Max: 1, Window: 24 * time.Hour}}},
	}
	path := filepath.Join(t.TempDir(), "c360.db")
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store = db.Engine()
	e, err := c360.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	const email = "hanako.yamada@example.jp"
	consent := customer.ConsentLedger{Entries: []customer.ConsentEntry{{Channel: customer.ChannelEmail,
		Purpose: customer.PurposeMarketing, Contact: email, Status: customer.ConsentOptIn, CapturedAt: now.AddDate(0, -1, 0)}}}
	hanako, err := e.Upsert(ctx, customer.SourceRecord{System: "crm", RecordID: "1", Facts: customer.Facts{
		Kind: customer.KindPerson, Name: customer.PersonName{Family: "山田", Given: "花子"},
		ContactPoints: []customer.ContactPoint{{Type: customer.ContactEmail, Value: email, Primary: true}},
		Consent:       consent}})
	if err != nil {
		t.Fatal(err)
	}
	taro, err := e.Upsert(ctx, customer.SourceRecord{System: "pos", RecordID: "T-9", Facts: customer.Facts{
		Kind: customer.KindPerson, Name: customer.PersonName{Family: "鈴木", Given: "太郎"},
		ContactPoints: []customer.ContactPoint{{Type: customer.ContactPhone, Value: "+81 90-1234-5678"}}}})
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return now.AddDate(0, 0, -d) }
	events := []journey.Event{
		{ID: "w1", AnonymousID: "cookie-1", Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day(20)},
		{ID: "w2", AnonymousID: "cookie-1", Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day(19)},
		{ID: "l1", AnonymousID: "cookie-1", Identifiers: []customer.Identifier{{Scheme: "email", Value: "Hanako.Yamada@Example.jp"}},
			Type: journey.TypeLogin, Channel: customer.ChannelWeb, Time: day(18)},
		{ID: "p1", Identifiers: []customer.Identifier{{Scheme: "email", Value: email}}, Type: journey.TypeOnlinePurchase,
			Channel: customer.ChannelWeb, Time: day(10), Value: journey.Money{Amount: 5800, Currency: "JPY"}},
		{ID: "p2", CustomerID: hanako.Profile, Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb, Time: day(3),
			Value: journey.Money{Amount: 12000, Currency: "JPY"}},
		{ID: "s1", Identifiers: []customer.Identifier{{Scheme: "phone", Value: "090(1234)5678"}}, Type: journey.TypeStorePurchase,
			Channel: customer.ChannelStore, Time: day(2), Value: journey.Money{Amount: 3300, Currency: "JPY"}},
		{ID: "w9", AnonymousID: "cookie-never-identified", Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: day(1)},
	}
	for _, ev := range events {
		if _, err := e.Track(ctx, ev); err != nil {
			t.Fatalf("Track %s: %v", ev.ID, err)
		}
	}
	if d, err := e.Claim(ctx, journey.Request{Customer: hanako.Profile, Channel: customer.ChannelEmail,
		Purpose: customer.PurposeMarketing, Campaign: "summer"}); err != nil || !d.Allowed {
		t.Fatalf("Claim = %+v, %v; want allowed", d, err)
	}
	if err := e.Sent(ctx, journey.Send{Customer: taro.Profile, Channel: customer.ChannelSMS, Purpose: customer.PurposeService, Time: day(1)}); err != nil {
		t.Fatal(err)
	}
	ids := []customer.ID{hanako.Profile, taro.Profile}
	names := []string{"buyers", "visitors"}
	before := answersOf(t, e, ids, names)

	// The state is not trivial: the test would pass on nothing otherwise.
	if got := len(before.Timelines[hanako.Profile]); got != 5 {
		t.Errorf("Hanako's timeline has %d events before the restart, want 5 (two anonymous visits joined)", got)
	}
	if diff := cmp.Diff([]string{"buyers", "visitors"}, before.Segments[hanako.Profile]); diff != "" {
		t.Errorf("Hanako's segments before the restart (-want +got):\n%s", diff)
	}
	if len(before.Sends[hanako.Profile]) != 1 || len(before.Sends[taro.Profile]) != 1 {
		t.Errorf("send histories before the restart: %v", before.Sends)
	}
	if before.Decisions[hanako.Profile].Allowed {
		t.Errorf("Decide allowed a second e-mail the same day before the restart")
	}
	if before.Stages[hanako.Profile].Stage == before.Stages[taro.Profile].Stage && len(before.Stages[hanako.Profile].History) == 0 {
		t.Errorf("no stage was inferred: %+v", before.Stages)
	}

	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg.Store = db.Engine()
	e, err = c360.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	after := answersOf(t, e, ids, names)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("the engine answers differently after a restart (-before +after):\n%s", diff)
	}
}
