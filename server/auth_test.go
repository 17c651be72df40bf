package server_test

import (
	"encoding/base64"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/server"
	"github.com/google/go-cmp/cmp"
)

// TestAuthRefusals: every route but the health checks refuses a request
// without a credential (401), with an unknown one (401), or with one that
// lacks the route's scope (403) — a write key on a read route included —
// each as a problem detail; a credential with the scope passes.
func TestAuthRefusals(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{})
	rec := []byte(`{"system":"sales","record_id":"S-1","kind":"person","name":{"family":"山田","given":"太郎"}}`)
	read := f.token(server.ScopeRead)
	write := f.token(server.ScopeWrite)
	writeKey := f.token(server.ScopeTrack)
	basic := func(user string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"))
	}
	for _, tc := range []struct {
		name         string
		auth         string
		method, path string
		body         []byte
		want         int
	}{
		{"no credential", "", "GET", "/v1/profiles/P1", nil, http.StatusUnauthorized},
		{"no credential, write", "", "POST", "/v1/records", rec, http.StatusUnauthorized},
		{"no credential, metrics", "", "GET", "/metrics", nil, http.StatusUnauthorized},
		{"no credential, openapi", "", "GET", "/v1/openapi.json", nil, http.StatusUnauthorized},
		{"unknown token", "Bearer c360_nope", "GET", "/v1/reviews", nil, http.StatusUnauthorized},
		{"empty bearer", "Bearer ", "GET", "/v1/reviews", nil, http.StatusUnauthorized},
		{"unknown scheme", "Digest x", "GET", "/v1/reviews", nil, http.StatusUnauthorized},
		{"read token writes", "Bearer " + read, "POST", "/v1/records", rec, http.StatusForbidden},
		{"read token confirms", "Bearer " + read, "POST", "/v1/reviews/R1/confirm", nil, http.StatusForbidden},
		{"write token reads", "Bearer " + write, "GET", "/v1/profiles?email=a%40b.jp", nil, http.StatusForbidden},
		{"read token scrapes metrics", "Bearer " + read, "GET", "/metrics", nil, http.StatusForbidden},
		{"write key reads (Basic)", basic(writeKey), "GET", "/v1/profiles/P1", nil, http.StatusForbidden},
		{"write key reads (Bearer)", "Bearer " + writeKey, "GET", "/v1/changes", nil, http.StatusForbidden},
		{"write key upserts", basic(writeKey), "POST", "/v1/records", rec, http.StatusForbidden},
		{"read token reads", "Bearer " + read, "GET", "/v1/reviews", nil, http.StatusOK},
		{"read token over Basic", basic(read), "GET", "/v1/reviews", nil, http.StatusOK},
		{"write token writes", "Bearer " + write, "POST", "/v1/records", rec, http.StatusOK},
		{"any token reads the API document", "Bearer " + writeKey, "GET", "/v1/openapi.json", nil, http.StatusOK},
		{"health needs none", "", "GET", "/healthz", nil, http.StatusOK},
		{"readiness needs none", "", "GET", "/readyz", nil, http.StatusOK},
	} {
		f.auth = tc.auth
		r := f.do(tc.method, tc.path, "application/json", tc.body)
		if tc.want >= 400 {
			p := f.problem(r, tc.want)
			if tc.want == http.StatusUnauthorized && !strings.Contains(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s: 401 without a Bearer challenge: %q", tc.name, r.header.Get("WWW-Authenticate"))
			}
			if tc.want == http.StatusForbidden && !strings.Contains(p.Detail, "scope") {
				t.Errorf("%s: 403 detail %q does not name the scope", tc.name, p.Detail)
			}
		} else if r.status != tc.want {
			t.Errorf("%s: status %d, want %d: %s", tc.name, r.status, tc.want, r.body)
		}
	}
	// The secret is never logged; the credential's ID is.
	logs := f.log.String()
	for _, s := range []string{read, write, writeKey} {
		if strings.Contains(logs, s) {
			t.Errorf("a secret is in the log")
		}
	}
	if !strings.Contains(logs, `"credential":"`) {
		t.Errorf("the credential ID is not logged:\n%s", logs)
	}
}

// TestNoCredentialsConfigured: the zero Config refuses every route but
// the health checks.
func TestNoCredentialsConfigured(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{})
	f.srv.Config.Handler = server.New(f.e, server.Config{Logger: slog.New(slog.DiscardHandler)})
	f.problem(f.do("GET", "/v1/reviews", "", nil), http.StatusUnauthorized)
	f.decode(f.do("GET", "/healthz", "", nil), http.StatusOK, nil)
}

// TestRateLimit: a credential over its burst gets 429 with Retry-After,
// and another credential is not held back by it.
func TestRateLimit(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{RateLimit: 0.001, RateBurst: 3})
	a, b := f.token(server.ScopeRead), f.token(server.ScopeRead)
	f.auth = "Bearer " + a
	for i := range 3 {
		if r := f.do("GET", "/v1/reviews", "", nil); r.status != http.StatusOK {
			t.Fatalf("request %d within the burst: %d %s", i+1, r.status, r.body)
		}
	}
	r := f.do("GET", "/v1/reviews", "", nil)
	f.problem(r, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
	f.auth = "Bearer " + b
	f.decode(f.do("GET", "/v1/reviews", "", nil), http.StatusOK, nil)
}

func TestParseScopes(t *testing.T) {
	got, err := server.ParseScopes("write, read,write")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]server.Scope{"read", "write"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := server.ParseScopes("read,owner,"); err == nil || !strings.Contains(err.Error(), `"owner"`) || !strings.Contains(err.Error(), `""`) {
		t.Errorf("unknown scopes: error %v, want both named", err)
	}
}

// TestTokenFile: a token file keeps hashes only, and a set read back
// verifies the same secrets; a revoked token stops working.
func TestTokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	set, err := server.ReadTokenFile(path)
	if err != nil {
		t.Fatalf("a missing file is an empty set: %v", err)
	}
	secret, tok, err := server.NewToken("crm", []server.Scope{server.ScopeWrite, server.ScopeRead}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, server.TokenPrefix) || len(secret) != len(server.TokenPrefix)+43 {
		t.Errorf("secret %q: want the prefix and 43 base64url characters", secret)
	}
	if err := set.Add(tok); err != nil {
		t.Fatal(err)
	}
	if err := set.Add(tok); err == nil {
		t.Errorf("the same token added twice")
	}
	if err := set.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), secret) || strings.Contains(string(b), secret[len(server.TokenPrefix):]) {
		t.Errorf("the token file holds the secret:\n%s", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", st.Mode().Perm())
	}
	back, err := server.ReadTokenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := back.Verify(t.Context(), secret)
	if err != nil {
		t.Fatal(err)
	}
	want := server.Credential{ID: tok.ID, Name: "crm", Scopes: []server.Scope{"read", "write"}}
	if diff := cmp.Diff(want, cred); diff != "" {
		t.Errorf("credential (-want +got):\n%s", diff)
	}
	if !back.Revoke(tok.ID) || back.Revoke(tok.ID) {
		t.Errorf("Revoke: want true once, then false")
	}
	if _, err := back.Verify(t.Context(), secret); err != server.ErrUnknownCredential {
		t.Errorf("revoked token: %v, want ErrUnknownCredential", err)
	}
	// A damaged file is refused with the token named.
	os.WriteFile(path, []byte(`{"tokens":[{"id":"x","scopes":["root"],"sha256":"00"}]}`), 0o600)
	if _, err := server.ReadTokenFile(path); err == nil || !strings.Contains(err.Error(), "token 1 (x)") {
		t.Errorf("damaged file: %v", err)
	}
}
