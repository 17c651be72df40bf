package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
	"github.com/c360/c360/server"
)

// A host mounts the handler over its own engine (here the in-memory one;
// store/bolt or store/postgres keep the state) and posts source records.
func ExampleNew() {
	ctx := context.Background()
	e, err := c360.Open(ctx, c360.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	// A token with the write scope; the set keeps only its hash.
	secret, tok, err := server.NewToken("crm-sync", []server.Scope{server.ScopeWrite}, time.Now())
	if err != nil {
		log.Fatal(err)
	}
	tokens, err := server.NewTokenSet(tok)
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(server.New(e, server.Config{Credentials: tokens, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()

	for _, rec := range []string{
		`{"system":"sales","record_id":"S-1","kind":"person","name":{"family":"山田","given":"太郎"},
		  "contact_points":[{"type":"email","value":"taro@example.jp"}]}`,
		`{"system":"webshop","record_id":"W-1","kind":"person","name":{"family":"山田","given":"太郎"},
		  "contact_points":[{"type":"email","value":"TARO@example.jp"}]}`,
		`{"system":"webshop","record_id":"W-2","kind":"robot"}`,
	} {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/records", strings.NewReader(rec))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			var p server.Problem
			json.NewDecoder(res.Body).Decode(&p)
			fmt.Println(p.Status, p.Errors[0].Record, p.Errors[0].Field)
		} else {
			var up server.Update
			json.NewDecoder(res.Body).Decode(&up)
			fmt.Println(res.StatusCode, up.Outcome)
		}
		res.Body.Close()
	}
	// Output:
	// 200 created
	// 200 joined
	// 400 source webshop/W-2 kind
}

// A site's Segment library sends to the tracking API with a write key (a
// token with the track scope only): identify names the visitor, a batch of
// page and track messages follows, and a message delivered twice counts
// once.
func ExampleNew_tracking() {
	ctx := context.Background()
	e, err := c360.Open(ctx, c360.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	writeKey, tok, err := server.NewToken("shop.example.jp", []server.Scope{server.ScopeTrack}, time.Now())
	if err != nil {
		log.Fatal(err)
	}
	tokens, err := server.NewTokenSet(tok)
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(server.New(e, server.Config{Credentials: tokens, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()

	send := func(path, body string) {
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(writeKey, "") // as Segment's libraries send it
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		defer res.Body.Close()
		var r server.TrackResult
		json.NewDecoder(res.Body).Decode(&r)
		fmt.Printf("%s: %d accepted %d duplicates %d rejected %d\n", path, res.StatusCode, r.Accepted, r.Duplicates, len(r.Rejected))
	}
	send("/v1/page", `{"messageId":"m1","anonymousId":"a-77","name":"Pricing"}`)
	send("/v1/identify", `{"messageId":"m2","anonymousId":"a-77","userId":"u-1","traits":{"name":"山田 太郎","email":"taro@example.jp"}}`)
	send("/v1/batch", `{"batch":[
		{"type":"track","messageId":"m3","userId":"u-1","event":"Order Completed","properties":{"revenue":4800,"currency":"JPY"}},
		{"type":"track","messageId":"m3","userId":"u-1","event":"Order Completed","properties":{"revenue":4800,"currency":"JPY"}},
		{"type":"track","messageId":"m4","event":"Order Completed"}]}`)

	id, _ := e.ProfileOf(ctx, customer.RecordKey{System: "web", RecordID: "u-1"})
	evs, _ := e.Timeline(ctx, id, time.Time{}, time.Time{})
	for _, ev := range evs {
		fmt.Println(strings.TrimSpace(fmt.Sprint(ev.ID, " ", ev.Type, " ", ev.Value.Amount, " ", ev.Value.Currency)))
	}
	// Output:
	// /v1/page: 200 accepted 1 duplicates 0 rejected 0
	// /v1/identify: 200 accepted 1 duplicates 0 rejected 0
	// /v1/batch: 200 accepted 1 duplicates 1 rejected 1
	// m1 web_visit 0
	// m2 login 0
	// m3 online_purchase 4800 JPY
}

// A host that runs the handler in its own http.Server ends the open streams
// of the change feed (Server-Sent Events) when it shuts down: otherwise
// Shutdown would wait for clients that never hang up. Serve does this
// itself.
func ExampleWithShutdown() {
	e, err := c360.Open(context.Background(), c360.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	stop := make(chan struct{})
	srv := &http.Server{
		Addr:        "127.0.0.1:8360",
		Handler:     server.New(e, server.Config{}),
		BaseContext: func(net.Listener) context.Context { return server.WithShutdown(context.Background(), stop) },
	}
	srv.RegisterOnShutdown(func() { close(stop) })
	go srv.ListenAndServe()
	// … and when the host stops:
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Print(err)
	}
}

// A credential reads intelligence as a principal: the token's own, with
// its teams and roles, or — for a token that names none — the token
// itself. Which items it sees is intel.Item.VisibleTo's answer for that
// principal; the scopes only choose the routes.
func ExampleCredential_IntelPrincipal() {
	rep := server.Credential{ID: "3f9a0c1d2e4b", Scopes: []server.Scope{server.ScopeRead},
		Principal: "tanaka", Teams: []intel.TeamID{"sales"}}
	admin := server.Credential{ID: "7be21f00aa31", Scopes: []server.Scope{server.ScopeAdmin}}
	note := intel.Item{Author: "suzuki", Visibility: intel.Visibility{Scope: intel.ScopeTeams, Teams: []intel.TeamID{"sales"}}}
	for _, c := range []server.Credential{rep, admin} {
		p := c.IntelPrincipal()
		fmt.Printf("%s %v sees the sales note: %v\n", p.ID, p.Teams, note.VisibleTo(p))
	}
	// Output:
	// tanaka [sales] sees the sales note: true
	// token:7be21f00aa31 [] sees the sales note: false
}
