package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/server"
	"github.com/google/go-cmp/cmp"
)

// TestLiveRoutes: the timeline, stage and live segments of a profile, and
// the send gate: decide answers without recording, claim records, so the
// cap of one a day refuses a second claim.
func TestLiveRoutes(t *testing.T) {
	f := newFixture(t, c360.Config{
		Segments: []c360.SegmentDef{{Name: "buyers", Expr: `count(online_purchase, 30d) >= 1`}},
		Sending:  c360.SendConfig{Caps: []journey.Cap{{Name: "one a day", Max: 1, Window: 24 * time.Hour}}},
	}, server.Config{})
	rec := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")
	rec.Consent.Entries = []customer.ConsentEntry{{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: time.Now().Add(-time.Hour)}}
	id := f.upsert(rec).Profile
	at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	for _, e := range []journey.Event{
		{ID: "e-1", Identifiers: []customer.Identifier{{Scheme: "email", Value: "TARO@example.jp"}}, Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: at},
		{ID: "e-2", CustomerID: id, Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb, Time: at.Add(time.Minute), Value: journey.Money{Amount: 5000, Currency: "JPY"}},
	} {
		if _, err := f.e.Track(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	var tl server.Timeline
	f.decode(f.do("GET", "/v1/profiles/"+url.PathEscape(string(id))+"/timeline", "", nil), http.StatusOK, &tl)
	var got []string
	for _, e := range tl.Events {
		got = append(got, e.ID+" "+string(e.Type))
	}
	if diff := cmp.Diff([]string{"e-1 web_visit", "e-2 online_purchase"}, got); diff != "" || tl.Events[1].Value == nil || tl.Events[1].Value.Amount != 5000 {
		t.Errorf("timeline (-want +got):\n%s%+v", diff, tl)
	}
	f.decode(f.do("GET", "/v1/profiles/"+url.PathEscape(string(id))+"/timeline?from="+url.QueryEscape(at.Add(30*time.Second).Format(time.RFC3339)), "", nil), http.StatusOK, &tl)
	if len(tl.Events) != 1 || tl.Events[0].ID != "e-2" {
		t.Errorf("timeline from: %+v", tl)
	}
	f.problem(f.do("GET", "/v1/profiles/"+url.PathEscape(string(id))+"/timeline?to=tomorrow", "", nil), http.StatusBadRequest)
	f.problem(f.do("GET", "/v1/profiles/nobody/timeline", "", nil), http.StatusNotFound)

	var st server.StageResponse
	f.decode(f.do("GET", "/v1/profiles/"+url.PathEscape(string(id))+"/stage", "", nil), http.StatusOK, &st)
	want, _ := f.e.Stage(t.Context(), id)
	if st.Stage != want.Stage || st.Stage == "" || len(st.History) != len(want.History) {
		t.Errorf("stage %+v, engine says %+v", st, want)
	}
	var segs server.SegmentsResponse
	f.decode(f.do("GET", "/v1/profiles/"+url.PathEscape(string(id))+"/segments", "", nil), http.StatusOK, &segs)
	if diff := cmp.Diff([]string{"buyers"}, segs.Segments); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}

	req, _ := json.Marshal(server.SendRequest{Customer: id, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing})
	var d server.DecisionResponse
	for range 2 {
		f.decode(f.do("POST", "/v1/decide", "application/json", req), http.StatusOK, &d)
		if !d.Allowed || d.Contact != "taro@example.jp" {
			t.Errorf("decide: %+v", d)
		}
	}
	f.decode(f.do("POST", "/v1/claim", "application/json", req), http.StatusOK, &d)
	if !d.Allowed {
		t.Errorf("first claim: %+v", d)
	}
	f.decode(f.do("POST", "/v1/claim", "application/json", req), http.StatusOK, &d)
	if d.Allowed || len(d.Reasons) == 0 || d.Reasons[0].Rule != "one a day" || d.RetryAt.IsZero() {
		t.Errorf("second claim under a cap of one a day: %+v", d)
	}
	sms, _ := json.Marshal(server.SendRequest{Customer: id, Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing})
	f.decode(f.do("POST", "/v1/decide", "application/json", sms), http.StatusOK, &d)
	if d.Allowed || len(d.Reasons) == 0 {
		t.Errorf("SMS without a number or consent: %+v", d)
	}
	p := f.problem(f.do("POST", "/v1/decide", "application/json", []byte(`{"location":"Mars/Base"}`)), http.StatusBadRequest)
	var fields []string
	for _, e := range p.Errors {
		fields = append(fields, e.Field)
	}
	if diff := cmp.Diff([]string{"customer", "channel", "purpose", "location"}, fields); diff != "" {
		t.Errorf("bad send request fields (-want +got):\n%s", diff)
	}
	// decide needs read, claim needs write.
	f.auth = "Bearer " + f.token(server.ScopeRead)
	f.decode(f.do("POST", "/v1/decide", "application/json", req), http.StatusOK, nil)
	f.problem(f.do("POST", "/v1/claim", "application/json", req), http.StatusForbidden)
}

// TestChangesLongPoll: with wait, a request with no change after its
// cursor answers as soon as a change is committed; without one it answers
// an empty page after wait.
func TestChangesLongPoll(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{})
	var page server.ChangesPage
	f.decode(f.do("GET", "/v1/changes", "", nil), http.StatusOK, &page)
	start := time.Now()
	f.decode(f.do("GET", "/v1/changes?wait=300ms&after="+fmt.Sprint(page.Next), "", nil), http.StatusOK, &page)
	if len(page.Changes) != 0 || time.Since(start) < 300*time.Millisecond-changesSlack {
		t.Errorf("empty long poll answered after %v with %d changes; want about 300ms and none", time.Since(start), len(page.Changes))
	}
	done := make(chan server.ChangesPage, 1)
	go func() {
		var p server.ChangesPage
		f.decode(f.do("GET", "/v1/changes?wait=20s&after="+fmt.Sprint(page.Next), "", nil), http.StatusOK, &p)
		done <- p
	}()
	time.Sleep(100 * time.Millisecond)
	f.upsert(person("sales", "S-9", "山田", "太郎", "", ""))
	select {
	case p := <-done:
		if len(p.Changes) == 0 {
			t.Errorf("long poll answered without the change")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the long poll did not answer the change within 10 s")
	}
	f.problem(f.do("GET", "/v1/changes?wait=1h", "", nil), http.StatusBadRequest)
	f.problem(f.do("GET", "/v1/changes?wait=soon", "", nil), http.StatusBadRequest)
}

// changesSlack allows for the clock's granularity.
const changesSlack = 10 * time.Millisecond
