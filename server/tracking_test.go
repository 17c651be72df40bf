package server_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/server"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// trackingFixture is a fixture whose requests carry a write key in Basic
// authentication, as Segment's libraries send it.
func trackingFixture(t *testing.T) *fixture {
	f := newFixture(t, c360.Config{}, server.Config{})
	key := f.token(server.ScopeTrack)
	f.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
	return f
}

func (f *fixture) send(path string, msg any) server.TrackResult {
	f.t.Helper()
	b, err := json.Marshal(msg)
	if err != nil {
		f.t.Fatal(err)
	}
	var res server.TrackResult
	f.decode(f.do("POST", path, "application/json", b), http.StatusOK, &res)
	if !res.Success {
		f.t.Errorf("%s: success false: %+v", path, res)
	}
	return res
}

// profileOf finds the profile of the web user's source record.
func (f *fixture) timelineOf(user string) (*customer.Profile, []journey.Event) {
	f.t.Helper()
	id, err := f.e.ProfileOf(f.t.Context(), customer.RecordKey{System: "web", RecordID: user})
	if err != nil {
		f.t.Fatalf("profile of web/%s: %v", user, err)
	}
	p, err := f.e.Get(f.t.Context(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	evs, err := f.e.Timeline(f.t.Context(), id, time.Time{}, time.Time{})
	if err != nil {
		f.t.Fatal(err)
	}
	return p, evs
}

type msg = map[string]any

// TestTrackingJourney: an anonymous visitor's page views join the person
// once identify names them; traits become the source record (kept across
// calls that send only some); a track message is a touchpoint with its
// money and context; a message sent again is a duplicate.
func TestTrackingJourney(t *testing.T) {
	f := trackingFixture(t)
	ctx := msg{"ip": "203.0.113.7", "userAgent": "Mozilla/5.0", "locale": "ja-JP", "timezone": "Asia/Tokyo",
		"campaign": msg{"name": "spring", "source": "newsletter", "medium": "email"},
		"page":     msg{"path": "/pricing", "url": "https://shop.example.jp/pricing"}}
	r := f.send("/v1/page", msg{"messageId": "m-1", "anonymousId": "anon-1", "name": "Pricing", "context": ctx, "properties": msg{"title": "料金"}})
	if r.Accepted != 1 {
		t.Errorf("page: %+v", r)
	}
	f.send("/v1/identify", msg{"messageId": "m-2", "anonymousId": "anon-1", "userId": "u-1",
		"traits": msg{"name": "山田 太郎", "nameKana": "ヤマダ タロウ", "email": "taro@example.jp", "plan": "gold", "age": 42}})
	// A later identify with some traits keeps the others.
	f.send("/v1/identify", msg{"messageId": "m-3", "userId": "u-1", "traits": msg{"phone": "090-1234-5678"}})
	r = f.send("/v1/track", msg{"messageId": "m-4", "userId": 1e0 /* a number is an ID too */, "event": "Order Completed",
		"properties": msg{"revenue": 1200, "currency": "JPY", "order_id": "O-9"}, "context": ctx})
	if r.Accepted != 1 {
		t.Errorf("track for user 1: %+v", r)
	}
	f.send("/v1/track", msg{"messageId": "m-5", "userId": "u-1", "event": "Order Completed",
		"properties": msg{"revenue": 12.5, "currency": "usd"}})
	if r := f.send("/v1/track", msg{"messageId": "m-5", "userId": "u-1", "event": "Order Completed",
		"properties": msg{"revenue": 12.5, "currency": "usd"}}); r.Accepted != 0 || r.Duplicates != 1 {
		t.Errorf("the same messageId again: %+v, want a duplicate", r)
	}

	p, evs := f.timelineOf("u-1")
	if p.Name.Family != "山田" || p.Name.Given != "太郎" || p.Name.FamilyKana != "ヤマダ" || p.Name.GivenKana != "タロウ" {
		t.Errorf("name from traits: %+v", p.Name)
	}
	var contacts []string
	for _, cp := range p.ContactPoints {
		contacts = append(contacts, cp.Type.String()+":"+cp.Value)
	}
	if diff := cmp.Diff([]string{"email:taro@example.jp", "phone:090-1234-5678"}, contacts); diff != "" {
		t.Errorf("contact points (-want +got):\n%s", diff)
	}
	if v, ok := p.Attributes["traits.plan"]; !ok || v.String() != "gold" {
		t.Errorf("trait plan: %v", p.Attributes)
	}
	var ids []string
	for _, ev := range evs {
		ids = append(ids, ev.ID)
	}
	// m-2 is identify's link event; m-3 linked nothing (no anonymousId).
	if diff := cmp.Diff([]string{"m-1", "m-2", "m-5"}, ids); diff != "" {
		t.Errorf("timeline of u-1 (-want +got):\n%s", diff)
	}
	for _, ev := range evs {
		switch ev.ID {
		case "m-1":
			if ev.Type != journey.TypeWebVisit || ev.Channel != customer.ChannelWeb || ev.Campaign != "spring" ||
				ev.Attributes["context.ip"] != "203.0.113.7" || ev.Attributes["context.campaign.source"] != "newsletter" ||
				ev.Attributes["properties.title"] != "料金" || ev.Attributes["name"] != "Pricing" {
				t.Errorf("page event: %+v", ev)
			}
		case "m-5":
			if ev.Type != journey.TypeOnlinePurchase || ev.Value != (journey.Money{Amount: 1250, Currency: "USD"}) || ev.Attributes["event"] != "Order Completed" {
				t.Errorf("track event: %+v", ev)
			}
		}
	}
	// User 1 (sent as a number) is a source record that has not arrived:
	// its event waits for it, and joins it when identify writes it.
	f.send("/v1/identify", msg{"messageId": "m-6", "userId": "1", "traits": msg{"email": "one@example.jp"}})
	_, evs = f.timelineOf("1")
	if len(evs) != 1 || evs[0].ID != "m-4" || evs[0].Value != (journey.Money{Amount: 1200, Currency: "JPY"}) {
		t.Errorf("timeline of user 1: %+v", evs)
	}
}

// TestTrackingTimes: timestamp is corrected by the client's clock skew
// (receivedAt − (sentAt − timestamp)), taken as is without sentAt, and
// receivedAt without timestamp; a batch's sentAt applies to its messages.
func TestTrackingTimes(t *testing.T) {
	f := trackingFixture(t)
	skewed := time.Now().Add(3 * time.Hour) // the client's clock is 3 h fast
	happened := skewed.Add(-10 * time.Minute)
	old := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	before := time.Now()
	f.send("/v1/track", msg{"messageId": "t-1", "userId": "u", "event": "Signed Up", "timestamp": happened.Format(time.RFC3339Nano), "sentAt": skewed.Format(time.RFC3339Nano)})
	f.send("/v1/track", msg{"messageId": "t-2", "userId": "u", "event": "Signed In", "timestamp": old.Format(time.RFC3339)})
	f.send("/v1/batch", msg{"sentAt": skewed.Format(time.RFC3339Nano), "batch": []msg{
		{"type": "track", "messageId": "t-3", "userId": "u", "event": "Signed In", "timestamp": happened.Format(time.RFC3339Nano)},
	}})
	f.send("/v1/identify", msg{"messageId": "t-4", "userId": "u", "traits": msg{"email": "u@example.jp"}})
	after := time.Now()
	_, evs := f.timelineOf("u")
	got := map[string]time.Time{}
	for _, ev := range evs {
		got[ev.ID] = ev.Time
	}
	near := func(id string, want time.Time, slack time.Duration) {
		if d := got[id].Sub(want); d < -slack || d > slack {
			t.Errorf("%s at %v, want %v (±%v)", id, got[id], want, slack)
		}
	}
	wantSkewed := before.Add(-10 * time.Minute)
	near("t-1", wantSkewed, after.Sub(before)+time.Second)
	near("t-3", wantSkewed, after.Sub(before)+time.Second)
	if !got["t-2"].Equal(old) {
		t.Errorf("t-2 at %v, want %v as sent", got["t-2"], old)
	}
}

// TestTrackingBatch: a batch tracks its good messages and lists the bad
// ones by index, each with its reason.
func TestTrackingBatch(t *testing.T) {
	f := trackingFixture(t)
	r := f.send("/v1/batch", msg{"batch": []msg{
		{"type": "identify", "messageId": "b-0", "userId": "u", "traits": msg{"email": "u@example.jp"}},
		{"type": "track", "messageId": "b-1", "event": "Signed In"},                      // no person
		{"type": "track", "messageId": "b-2", "userId": "u"},                             // no event
		{"type": "track", "messageId": "b-3", "userId": "u", "event": "Rocket Launched"}, // no such type
		{"type": "launch", "messageId": "b-4", "userId": "u"},                            // no such call
		{"type": "track", "messageId": "b-5", "userId": "u", "event": "Signed In", "timestamp": "yesterday"},
		{"type": "page", "messageId": "b-6", "userId": "u", "name": "Home"},
		{"type": "track", "messageId": "b-7", "userId": "u", "event": "online_purchase", "properties": msg{"total": "3000", "currency": "JPY"}},
		{"type": "track", "messageId": "b-1x", "userId": "u", "event": "Signed In", "timestamp": "2099-01-01T00:00:00Z"}, // the future
	}})
	var rejected []string
	for _, rj := range r.Rejected {
		rejected = append(rejected, fmt.Sprintf("%d %s %s", rj.Index, rj.MessageID, rj.Field))
		if rj.Detail == "" {
			t.Errorf("rejection %d without a reason", rj.Index)
		}
	}
	want := []string{"1 b-1 userId", "2 b-2 event", "3 b-3 ", "4 b-4 type", "5 b-5 timestamp", "8 b-1x "}
	if diff := cmp.Diff(want, rejected); diff != "" {
		t.Errorf("rejected (-want +got):\n%s\n%+v", diff, r.Rejected)
	}
	if r.Accepted != 3 || r.Duplicates != 0 {
		t.Errorf("accepted %d, duplicates %d; want 3, 0", r.Accepted, r.Duplicates)
	}
	if !strings.Contains(r.Rejected[2].Detail, "rocket_launched") {
		t.Errorf("unknown event: %q does not name the type tried", r.Rejected[2].Detail)
	}
	_, evs := f.timelineOf("u")
	if len(evs) != 2 || evs[1].Value != (journey.Money{Amount: 3000, Currency: "JPY"}) {
		t.Errorf("timeline: %+v", evs)
	}
	// A single call's refused message is a 400 naming the field.
	p := f.problem(f.do("POST", "/v1/track", "application/json", []byte(`{"messageId":"x","userId":"u"}`)), http.StatusBadRequest)
	if len(p.Errors) != 1 || p.Errors[0].Field != "event" {
		t.Errorf("single refused message: %+v", p)
	}
}

// TestTrackingLimits: the documented size limits answer 400, and nothing
// of a batch with an oversized message is tracked.
func TestTrackingLimits(t *testing.T) {
	f := trackingFixture(t)
	big := strings.Repeat("x", 33<<10)
	p := f.problem(f.do("POST", "/v1/track", "application/json", []byte(`{"messageId":"x","userId":"u","event":"Signed In","properties":{"p":"`+big+`"}}`)), http.StatusBadRequest)
	if !strings.Contains(p.Detail, "32 KB") {
		t.Errorf("call over 32 KB: %q", p.Detail)
	}
	b, _ := json.Marshal(msg{"batch": []msg{
		{"type": "identify", "messageId": "ok", "userId": "u", "traits": msg{"email": "u@example.jp"}},
		{"type": "track", "messageId": "big", "userId": "u", "event": "Signed In", "properties": msg{"p": big}},
	}})
	p = f.problem(f.do("POST", "/v1/batch", "application/json", b), http.StatusBadRequest)
	if len(p.Errors) != 1 || p.Errors[0].Field != "batch[1]" {
		t.Errorf("batch with a big message: %+v", p)
	}
	if _, err := f.e.ProfileOf(t.Context(), customer.RecordKey{System: "web", RecordID: "u"}); err == nil {
		t.Errorf("a refused batch tracked its first message")
	}
	var many []msg
	for i := range 20 {
		many = append(many, msg{"type": "track", "messageId": fmt.Sprint(i), "userId": "u", "event": "Signed In", "properties": msg{"p": strings.Repeat("y", 30<<10)}})
	}
	b, _ = json.Marshal(msg{"batch": many})
	p = f.problem(f.do("POST", "/v1/batch", "application/json", b), http.StatusBadRequest)
	if !strings.Contains(p.Detail, "500 KB") {
		t.Errorf("batch over 500 KB: %q", p.Detail)
	}
	f.problem(f.do("POST", "/v1/batch", "application/json", []byte(`{"batch":`)), http.StatusBadRequest)
	f.problem(f.do("POST", "/v1/batch", "application/xml", []byte(`<batch/>`)), http.StatusUnsupportedMediaType)
}

// TestTrackingAuth: the write key is accepted as the Basic user name, a
// Bearer token or writeKey in the body; a read token may not track; the
// CORS preflight is open.
func TestTrackingAuth(t *testing.T) {
	f := trackingFixture(t)
	key := f.token(server.ScopeTrack)
	body := `{"messageId":"a-1","anonymousId":"x","writeKey":"` + key + `"}`
	f.auth = ""
	f.decode(f.do("POST", "/v1/page", "text/plain", []byte(body)), http.StatusOK, nil)
	f.problem(f.do("POST", "/v1/page", "application/json", []byte(`{"messageId":"a-2","anonymousId":"x"}`)), http.StatusUnauthorized)
	f.problem(f.do("POST", "/v1/page", "application/json", []byte(`{"messageId":"a-2","anonymousId":"x","writeKey":"c360_wrong"}`)), http.StatusUnauthorized)
	f.auth = "Bearer " + f.token(server.ScopeRead)
	f.problem(f.do("POST", "/v1/page", "application/json", []byte(`{"messageId":"a-3","anonymousId":"x"}`)), http.StatusForbidden)
	f.auth = "Bearer " + key
	f.decode(f.do("POST", "/v1/page", "application/json", []byte(`{"messageId":"a-4","anonymousId":"x"}`)), http.StatusOK, nil)
	f.auth = ""
	r := f.do("OPTIONS", "/v1/batch", "", nil)
	if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d %v", r.status, r.header)
	}
}

// TestTrackingGroupAndAlias: group upserts the account and links the
// person to it; alias joins an earlier anonymous history.
func TestTrackingGroupAndAlias(t *testing.T) {
	f := trackingFixture(t)
	f.send("/v1/identify", msg{"messageId": "g-0", "userId": "u", "traits": msg{"firstName": "Taro", "lastName": "Yamada", "email": "taro@example.jp"}})
	f.send("/v1/group", msg{"messageId": "g-1", "userId": "u", "groupId": "acme", "traits": msg{"name": "株式会社アクメ", "industry": "manufacturing"}})
	acctID, err := f.e.ProfileOf(t.Context(), customer.RecordKey{System: "web-group", RecordID: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	acct, _ := f.e.Get(t.Context(), acctID)
	if acct.Kind != customer.KindAccount || acct.LegalName != "株式会社アクメ" || acct.Attributes["traits.industry"].String() != "manufacturing" {
		t.Errorf("account: %+v", acct.Facts)
	}
	p, _ := f.timelineOf("u")
	if len(p.Links) != 1 || p.Links[0].Profile != acctID {
		t.Errorf("person's links %+v, want the account %s", p.Links, acctID)
	}
	if p.Name.Family != "Yamada" || p.Name.Given != "Taro" || p.Name.Latin != "Taro Yamada" {
		t.Errorf("name: %+v", p.Name)
	}
	if r := f.send("/v1/group", msg{"messageId": "g-1", "userId": "u", "groupId": "acme", "traits": msg{"name": "株式会社アクメ", "industry": "manufacturing"}}); r.Duplicates != 1 {
		t.Errorf("the same group again: %+v, want a duplicate", r)
	}

	f.send("/v1/screen", msg{"messageId": "s-1", "anonymousId": "device-9", "name": "Home"})
	f.send("/v1/alias", msg{"messageId": "al-1", "previousId": "device-9", "userId": "u"})
	_, evs := f.timelineOf("u")
	var ids []string
	for _, ev := range evs {
		ids = append(ids, ev.ID+"/"+string(ev.Channel))
	}
	if diff := cmp.Diff([]string{"s-1/app", "al-1/web"}, ids); diff != "" {
		t.Errorf("timeline after alias (-want +got):\n%s", diff)
	}
	f.problem(f.do("POST", "/v1/alias", "application/json", []byte(`{"messageId":"al-2","userId":"u"}`)), http.StatusBadRequest)
	f.problem(f.do("POST", "/v1/group", "application/json", []byte(`{"messageId":"g-2","userId":"u"}`)), http.StatusBadRequest)
}

// TestTrackingConcurrentIdentifyAndGroup: identify calls for one user with
// disjoint traits, and group calls putting the user in several groups, sent
// at the same time, keep every trait and every group, as the same calls
// sent one by one do.
func TestTrackingConcurrentIdentifyAndGroup(t *testing.T) {
	const n = 12
	var msgs []struct {
		path string
		m    msg
	}
	for i := range n {
		msgs = append(msgs,
			struct {
				path string
				m    msg
			}{"/v1/identify", msg{"messageId": fmt.Sprintf("i-%d", i), "userId": "u-1", "timestamp": "2026-04-01T09:00:00Z",
				"traits": msg{fmt.Sprintf("t%02d", i): i}}},
			struct {
				path string
				m    msg
			}{"/v1/group", msg{"messageId": fmt.Sprintf("g-%d", i), "userId": "u-1", "groupId": fmt.Sprintf("acme-%d", i), "timestamp": "2026-04-01T09:00:00Z",
				"traits": msg{"name": fmt.Sprintf("株式会社アクメ%d", i)}}})
	}
	run := func(concurrent bool) customer.Facts {
		f := trackingFixture(t)
		var wg sync.WaitGroup
		for _, x := range msgs {
			if concurrent {
				wg.Go(func() { f.send(x.path, x.m) })
			} else {
				f.send(x.path, x.m)
			}
		}
		wg.Wait()
		p, _ := f.timelineOf("u-1")
		s, ok := p.Source(customer.RecordKey{System: "web", RecordID: "u-1"})
		if !ok {
			t.Fatalf("the profile %s lacks web/u-1", p.ID)
		}
		return s.Facts
	}
	want := run(false)
	if len(want.Attributes) != n || len(want.Links) != n {
		t.Fatalf("the serial run kept %d traits and %d groups, want %d each", len(want.Attributes), len(want.Links), n)
	}
	got := run(true)
	byProfile := cmpopts.SortSlices(func(a, b customer.Link) bool { return a.Profile < b.Profile })
	if diff := cmp.Diff(want, got, byProfile); diff != "" {
		t.Errorf("concurrent identify and group calls lost writes (-serial +concurrent):\n%s", diff)
	}
}
