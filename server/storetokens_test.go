package server_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/server"
	"github.com/google/go-cmp/cmp"
)

// TestStoreTokens: tokens kept in the engine's store authenticate, list
// without their secret, refuse a second token of the same ID and stop
// working once revoked.
func TestStoreTokens(t *testing.T) {
	st := c360.NewMemoryStore()
	e, err := c360.Open(t.Context(), c360.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	tokens := server.StoreTokens{Store: st}
	secret, tok, _ := server.NewToken("crm", []server.Scope{server.ScopeRead}, time.Now())
	if err := tokens.Add(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	if err := tokens.Add(t.Context(), tok); err == nil {
		t.Errorf("the same token added twice")
	}
	list, err := tokens.Tokens(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]server.Token{tok}, list); diff != "" {
		t.Errorf("tokens (-want +got):\n%s", diff)
	}
	srv := httptest.NewServer(server.New(e, server.Config{Credentials: tokens, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	get := func() int {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/reviews", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if c := get(); c != http.StatusOK {
		t.Errorf("with the stored token: %d", c)
	}
	if ok, err := tokens.Revoke(t.Context(), tok.ID); !ok || err != nil {
		t.Errorf("revoke: %v %v", ok, err)
	}
	if c := get(); c != http.StatusUnauthorized {
		t.Errorf("after revoke: %d, want 401", c)
	}
	if ok, _ := tokens.Revoke(t.Context(), tok.ID); ok {
		t.Errorf("revoked twice")
	}
}
