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
	srv := httptest.NewServer(server.New(e, server.Config{Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()

	for _, rec := range []string{
		`{"system":"sales","record_id":"S-1","kind":"person","name":{"family":"山田","given":"太郎"},
		  "contact_points":[{"type":"email","value":"taro@example.jp"}]}`,
		`{"system":"webshop","record_id":"W-1","kind":"person","name":{"family":"山田","given":"太郎"},
		  "contact_points":[{"type":"email","value":"TARO@example.jp"}]}`,
		`{"system":"webshop","record_id":"W-2","kind":"robot"}`,
	} {
		res, err := http.Post(srv.URL+"/v1/records", "application/json", strings.NewReader(rec))
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
