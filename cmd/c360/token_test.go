package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360/intel"
	"github.com/c360/c360/server"
	"github.com/google/go-cmp/cmp"
)

// TestTokenCommand: create prints a token once and keeps its hash; list
// shows it without the secret; serve --tokens accepts it with its scope
// only, and drops it within a second of revoke.
func TestTokenCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	code, stdout, stderr := runCLI(t, "", "token", "create", "--tokens", path, "--scope", "read", "--name", "support desk")
	if code != 0 {
		t.Fatalf("create: exit %d: %s", code, stderr)
	}
	secret := strings.TrimSpace(stdout)
	if !strings.HasPrefix(secret, "c360_") || strings.Contains(secret, "\n") {
		t.Fatalf("create printed %q, want one token", stdout)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), secret) {
		t.Errorf("the file holds the secret")
	}
	code, stdout, _ = runCLI(t, "", "token", "list", "--tokens", path)
	if code != 0 || !strings.Contains(stdout, "support desk") || !strings.Contains(stdout, "read") || strings.Contains(stdout, secret) {
		t.Errorf("list: exit %d:\n%s", code, stdout)
	}
	id := strings.Fields(strings.Split(stdout, "\n")[1])[0]

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"token"}, 2, "subcommand"},
		{[]string{"token", "mint", "--tokens", path}, 2, `"mint"`},
		{[]string{"token", "create", "--scope", "read"}, 2, "--tokens"},
		{[]string{"token", "create", "--tokens", path}, 2, "--scope"},
		{[]string{"token", "create", "--tokens", path, "--scope", "read,root"}, 2, `"root"`},
		{[]string{"token", "revoke", "--tokens", path, "--id", "nope"}, 1, "nope"},
	} {
		code, _, stderr := runCLI(t, "", tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}

	base, stop, done, _ := startServe(t, "--addr", "127.0.0.1:0", "--tokens", path)
	defer func() { stop(); <-done }()
	get := func(path string) int {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if c := get("/v1/reviews"); c != http.StatusOK {
		t.Errorf("read token on a read route: %d", c)
	}
	if c := get("/metrics"); c != http.StatusForbidden {
		t.Errorf("read token on /metrics: %d, want 403", c)
	}
	if code, _, stderr := runCLI(t, "", "token", "revoke", "--tokens", path, "--id", id); code != 0 {
		t.Fatalf("revoke: %d %s", code, stderr)
	}
	deadline := time.Now().Add(3 * time.Second)
	for get("/v1/reviews") != http.StatusUnauthorized {
		if time.Now().After(deadline) {
			t.Fatal("the revoked token still works after 3 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestTokenCreatePrincipal: --principal, --teams and --roles are kept in
// the token file and reach the credential the server verifies.
func TestTokenCreatePrincipal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	code, stdout, stderr := runCLI(t, "", "token", "create", "--tokens", path, "--scope", "read",
		"--principal", "tanaka", "--teams", "sales, kanto,", "--roles", "executive")
	if code != 0 {
		t.Fatalf("create: exit %d: %s", code, stderr)
	}
	set, err := server.ReadTokenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := set.Verify(t.Context(), strings.TrimSpace(stdout))
	if err != nil {
		t.Fatal(err)
	}
	want := intel.Principal{ID: "tanaka", Teams: []intel.TeamID{"sales", "kanto"}, Roles: []intel.Role{"executive"}}
	if diff := cmp.Diff(want, c.IntelPrincipal()); diff != "" {
		t.Errorf("principal (-want +got):\n%s", diff)
	}
	// list shows whom each token reads intelligence as ("-" when unset).
	if code, _, stderr := runCLI(t, "", "token", "create", "--tokens", path, "--scope", "track", "--name", "writekey"); code != 0 {
		t.Fatalf("create: exit %d: %s", code, stderr)
	}
	code, stdout, _ = runCLI(t, "", "token", "list", "--tokens", path)
	rows := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n")[1:] {
		f := strings.Fields(line)
		rows[f[2]] = f[3:6] // scopes → principal, teams, roles
	}
	wantRows := map[string][]string{"read": {"tanaka", "sales,kanto", "executive"}, "track": {"-", "-", "-"}}
	if diff := cmp.Diff(wantRows, rows); code != 0 || diff != "" {
		t.Errorf("list: exit %d, rows (-want +got):\n%s\n%s", code, diff, stdout)
	}
}

// TestServeStoreFlag: memory is served; an unknown store is refused (a
// durable one: TestServeDurableStore).
func TestServeStoreFlag(t *testing.T) {
	code, _, stderr := runCLI(t, "", "serve", "--store", "redis:x")
	if code != 2 || !strings.Contains(stderr, "want memory, bolt:PATH or postgres:URL") {
		t.Errorf("--store redis: exit %d, stderr %q", code, stderr)
	}
	_, stop, done, _ := startServe(t, "--addr", "127.0.0.1:0", "--store", "memory")
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
