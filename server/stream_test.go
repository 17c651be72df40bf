package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/server"
	"github.com/google/go-cmp/cmp"
)

// sseEvent is one event of a Server-Sent Events stream, or (Comment set) a
// comment line.
type sseEvent struct {
	ID, Event, Data string
	Comment         string
}

// sseStream is an open event stream read by a goroutine.
type sseStream struct {
	res    *http.Response
	events chan sseEvent // closed when the stream ends
}

// openStream asks for the change feed as Server-Sent Events, resuming
// after lastID when it is not empty.
func openStream(t *testing.T, ctx context.Context, url, auth, lastID string) (*sseStream, *http.Response) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", auth)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, res
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q, want text/event-stream", ct)
	}
	s := &sseStream{res: res, events: make(chan sseEvent, 1000)}
	go func() {
		defer close(s.events)
		br := bufio.NewReader(res.Body)
		var ev sseEvent
		var data []string
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSuffix(line, "\n")
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch {
			case line == "":
				if data != nil || ev.Comment != "" {
					ev.Data = strings.Join(data, "\n")
					s.events <- ev
				}
				ev, data = sseEvent{}, nil
			case field == "":
				ev.Comment = value
			case field == "id":
				ev.ID = value
			case field == "event":
				ev.Event = value
			case field == "data":
				data = append(data, value)
			}
		}
	}()
	return s, res
}

// next returns the next event that is not a comment, counting the
// comments skipped; ok is false when the stream ended first.
func (s *sseStream) next(t *testing.T) (ev sseEvent, comments int, ok bool) {
	t.Helper()
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return ev, comments, false
			}
			if ev.Comment != "" {
				comments++
				continue
			}
			return ev, comments, true
		case <-time.After(20 * time.Second):
			t.Fatal("no event within 20 s")
		}
	}
}

// change decodes an event of the change feed and checks that its id is
// its cursor.
func change(t *testing.T, ev sseEvent) c360.Change {
	t.Helper()
	var c c360.Change
	if ev.Event != "" {
		t.Fatalf("event %q (%s), want a change", ev.Event, ev.Data)
	}
	if err := json.Unmarshal([]byte(ev.Data), &c); err != nil {
		t.Fatalf("event data %q: %v", ev.Data, err)
	}
	if ev.ID != fmt.Sprint(c.Cursor) {
		t.Errorf("event id %q, want the change's cursor %d", ev.ID, c.Cursor)
	}
	return c
}

// TestChangeStreamResumesAndShutsDown serves the handler with Serve over
// loopback, with a request timeout shorter than the stream lives: a client
// reads part of the feed as Server-Sent Events, disconnects, resumes with
// Last-Event-ID, and gets exactly the rest, new changes included — the
// changes the long-poll pages list. An idle stream sends heartbeats.
// Shutting the server down ends the open stream and Serve returns cleanly.
func TestChangeStreamResumesAndShutsDown(t *testing.T) {
	e, err := c360.Open(t.Context(), c360.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	tokens, _ := server.NewTokenSet()
	secret, tok, _ := server.NewToken("feed", []server.Scope{server.ScopeRead}, time.Now())
	tokens.Add(tok)
	auth := "Bearer " + secret
	const timeout = time.Second
	h := server.New(e, server.Config{Credentials: tokens, RateLimit: -1, RequestTimeout: timeout,
		StreamHeartbeat: 100 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/v1/changes"
	srvCtx, shutdown := context.WithCancel(context.Background())
	defer shutdown()
	served := make(chan error, 1)
	go func() {
		served <- server.Serve(srvCtx, ln, h, server.ServeOptions{RequestTimeout: timeout, Grace: 5 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	}()
	upsert := func(i int) {
		t.Helper()
		r := person("sales", fmt.Sprintf("S-%d", i), "山田", fmt.Sprintf("太郎%d", i), fmt.Sprintf("t%d@example.jp", i), "")
		if _, err := e.Upsert(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 7 {
		upsert(i)
	}

	// The first connection reads three changes and goes away.
	var got []c360.Change
	s1, res := openStream(t, t.Context(), url, auth, "")
	if s1 == nil {
		t.Fatalf("status %d", res.StatusCode)
	}
	var last string
	for range 3 {
		ev, _, ok := s1.next(t)
		if !ok {
			t.Fatal("the stream ended early")
		}
		got = append(got, change(t, ev))
		last = ev.ID
	}
	s1.res.Body.Close()

	// Changes committed while it was away, then a second connection that
	// resumes after the last event it read; it outlives the request
	// timeout, sending heartbeats, and receives new changes as they come.
	for i := 7; i < 10; i++ {
		upsert(i)
	}
	s2, res := openStream(t, t.Context(), url+"?after=1&limit=1", auth, last) // Last-Event-ID wins over after; limit is for pages
	if s2 == nil {
		t.Fatalf("status %d", res.StatusCode)
	}
	for range 7 {
		ev, _, ok := s2.next(t)
		if !ok {
			t.Fatal("the stream ended early")
		}
		got = append(got, change(t, ev))
	}
	time.Sleep(timeout + 500*time.Millisecond) // idle for longer than a request may last
	upsert(10)
	ev, comments, ok := s2.next(t)
	if !ok {
		t.Fatal("the stream ended while idle")
	}
	got = append(got, change(t, ev))
	if comments == 0 {
		t.Error("no heartbeat while the stream was idle")
	}

	// The same feed read as long-poll pages.
	var pages []c360.Change
	var after c360.Cursor
	for {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", fmt.Sprintf("%s?after=%d&limit=4", url, after), nil)
		req.Header.Set("Authorization", auth)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var p server.ChangesPage
		err = json.NewDecoder(res.Body).Decode(&p)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p.Changes...)
		after = p.Next
		if !p.More {
			break
		}
	}
	if len(pages) != 11 {
		t.Errorf("%d changes in the pages, want 11", len(pages))
	}
	if diff := cmp.Diff(pages, got); diff != "" {
		t.Errorf("the streamed changes, resumed once, differ from the pages (-pages +stream):\n%s", diff)
	}

	// Shutdown ends the open stream, and Serve returns without waiting out
	// its grace.
	shutdown()
	for {
		_, _, ok := s2.next(t)
		if !ok {
			break
		}
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v, want a clean shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Serve did not return within 20 s of the shutdown")
	}
}

// TestChangeStreamAuth: a stream needs the read scope, like the pages; a
// credential revoked while its stream is open ends it with a problem
// event; a bad Last-Event-ID is a 400 naming it.
func TestChangeStreamAuth(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{StreamHeartbeat: 50 * time.Millisecond})
	track := "Bearer " + f.token(server.ScopeTrack)
	if s, res := openStream(t, t.Context(), f.srv.URL+"/v1/changes", track, ""); s != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("a track-only token: stream %v, want 403", s != nil)
	}
	if s, res := openStream(t, t.Context(), f.srv.URL+"/v1/changes", "", ""); s != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("no credential: stream %v, want 401", s != nil)
	}
	s, res := openStream(t, t.Context(), f.srv.URL+"/v1/changes", f.auth, "x")
	if s != nil {
		t.Fatal("Last-Event-ID x: a stream, want 400")
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	p := f.problem(response{status: res.StatusCode, header: res.Header, body: b}, http.StatusBadRequest)
	if len(p.Errors) != 1 || p.Errors[0].Parameter != "Last-Event-ID" {
		t.Errorf("Last-Event-ID x: errors %+v, want one naming Last-Event-ID", p.Errors)
	}

	secret, tok, _ := server.NewToken("feed", []server.Scope{server.ScopeRead}, time.Now())
	f.tokens.Add(tok)
	s, _ = openStream(t, t.Context(), f.srv.URL+"/v1/changes", "Bearer "+secret, "")
	if s == nil {
		t.Fatal("a read token: no stream")
	}
	defer s.res.Body.Close()
	f.upsert(person("sales", "S-1", "山田", "太郎", "", ""))
	if ev, _, ok := s.next(t); !ok || ev.Event != "" {
		t.Fatalf("first event %+v (open %v), want a change", ev, ok)
	}
	f.tokens.Revoke(tok.ID)
	ev, _, ok := s.next(t)
	if !ok || ev.Event != "problem" {
		t.Fatalf("after revocation: %+v (open %v), want a problem event", ev, ok)
	}
	var prob server.Problem
	if err := json.Unmarshal([]byte(ev.Data), &prob); err != nil || prob.Status != http.StatusUnauthorized {
		t.Errorf("problem %s (%v), want status 401", ev.Data, err)
	}
	if ev, _, ok := s.next(t); ok {
		t.Errorf("the stream went on after the problem: %+v", ev)
	}
	// The stream's duration is counted apart from the route's pages.
	m := string(f.do("GET", "/metrics", "", nil).body)
	if !strings.Contains(m, `c360_http_request_duration_seconds_count{route="GET /v1/changes (stream)"} 1`) {
		t.Errorf("metrics lack the stream, counted apart:\n%s", m)
	}
}

// TestChangeStreamOwnServer: a host that runs the handler in its own
// http.Server, with a write timeout shorter than the stream lives, keeps
// the stream open past it, and ends it on Shutdown through WithShutdown.
func TestChangeStreamOwnServer(t *testing.T) {
	e, err := c360.Open(t.Context(), c360.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	tokens, _ := server.NewTokenSet()
	secret, tok, _ := server.NewToken("feed", []server.Scope{server.ScopeRead}, time.Now())
	tokens.Add(tok)
	h := server.New(e, server.Config{Credentials: tokens, RateLimit: -1, StreamHeartbeat: 100 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	srv := &http.Server{Handler: h, WriteTimeout: 300 * time.Millisecond,
		BaseContext: func(net.Listener) context.Context { return server.WithShutdown(context.Background(), stop) }}
	srv.RegisterOnShutdown(func() { close(stop) })
	go srv.Serve(ln)

	s, res := openStream(t, t.Context(), "http://"+ln.Addr().String()+"/v1/changes", "Bearer "+secret, "")
	if s == nil {
		t.Fatalf("status %d", res.StatusCode)
	}
	defer s.res.Body.Close()
	time.Sleep(time.Second) // past the server's write timeout
	if _, err := e.Upsert(t.Context(), person("sales", "S-1", "山田", "太郎", "", "")); err != nil {
		t.Fatal(err)
	}
	ev, comments, ok := s.next(t)
	if !ok {
		t.Fatal("the stream ended at the server's write timeout")
	}
	if c := change(t, ev); c.Cursor != 1 || comments == 0 {
		t.Errorf("change %d after %d heartbeats, want change 1 after some", c.Cursor, comments)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Errorf("Shutdown with an open stream: %v", err)
	}
}
