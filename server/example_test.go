package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/c360/c360"
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
