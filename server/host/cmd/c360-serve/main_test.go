package main

import (
	"bufio"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/c360/c360/server"
)

const argsEnv = "C360_SERVE_TEST_ARGS"

// TestMain runs the test binary as c360-serve when argsEnv holds its
// arguments (one per line), so that the test can signal a real process.
func TestMain(m *testing.M) {
	if a := os.Getenv(argsEnv); a != "" {
		os.Args = append([]string{"c360-serve"}, strings.Split(a, "\n")...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func start(t *testing.T, args ...string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), argsEnv+"="+strings.Join(args, "\n"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	_, rest, ok := strings.Cut(line, "listening on ")
	if err != nil || !ok {
		t.Fatalf("c360-serve said %q (%v)", line, err)
	}
	base, _, _ := strings.Cut(rest, " ")
	return base, cmd
}

// TestServeOnBolt: the server on a bolt file keeps what it acknowledged
// across a SIGTERM and a restart; --store refuses what it does not know.
func TestServeOnBolt(t *testing.T) {
	dir := t.TempDir()
	db, tokenFile := filepath.Join(dir, "c360.db"), filepath.Join(dir, "tokens.json")
	secret, tok, _ := server.NewToken("t", []server.Scope{server.ScopeAdmin}, time.Now())
	set, _ := server.NewTokenSet(tok)
	if err := set.WriteFile(tokenFile); err != nil {
		t.Fatal(err)
	}
	do := func(method, url, body string) int {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(secret+":")))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	base, cmd := start(t, "--addr", "127.0.0.1:0", "--store", "bolt:"+db, "--tokens", tokenFile)
	if c := do("POST", base+"/v1/identify", `{"messageId":"m1","userId":"u1","traits":{"name":"山田 太郎","email":"taro@example.jp"}}`); c != http.StatusOK {
		t.Fatalf("identify: %d", c)
	}
	if c := do("POST", base+"/v1/track", `{"messageId":"m2","userId":"u1","event":"Signed In"}`); c != http.StatusOK {
		t.Fatalf("track: %d", c)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
	base, _ = start(t, "--addr", "127.0.0.1:0", "--store", "bolt:"+db, "--tokens", tokenFile)
	if c := do("GET", base+"/v1/profiles?email=TARO%40example.jp", ""); c != http.StatusOK {
		t.Errorf("search after restart: %d", c)
	}
	// The same message again is a duplicate: the file remembers it.
	req, _ := http.NewRequest("POST", base+"/v1/track", strings.NewReader(`{"messageId":"m2","userId":"u1","event":"Signed In"}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(secret, "")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), `"duplicates":1`) {
		t.Errorf("the message sent again after a restart: %s, want a duplicate", b)
	}

	bad := exec.Command(os.Args[0], "-test.run=^$")
	bad.Env = append(os.Environ(), argsEnv+"=--store\nredis:x\n--tokens\n"+tokenFile)
	if out, err := bad.CombinedOutput(); err == nil || !strings.Contains(string(out), "want memory, bolt:PATH or postgres:URL") {
		t.Errorf("--store redis:x: %v %s", err, out)
	}
}

// TestTokensInStore: a token made with `c360-serve token create` into the
// bolt file authenticates a server started with --tokens store, with its
// scope only.
func TestTokensInStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c360.db")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), argsEnv+"="+strings.Join(args, "\n"))
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err
	}
	secret, err := run("token", "create", "--store", "bolt:"+db, "--scope", "read", "--name", "desk")
	if err != nil || !strings.HasPrefix(secret, server.TokenPrefix) {
		t.Fatalf("token create: %q %v", secret, err)
	}
	list, err := run("token", "list", "--store", "bolt:"+db)
	if err != nil || !strings.Contains(list, "desk") || strings.Contains(list, secret) {
		t.Fatalf("token list: %q %v", list, err)
	}
	base, _ := start(t, "--addr", "127.0.0.1:0", "--store", "bolt:"+db, "--tokens", "store")
	for path, want := range map[string]int{"/v1/reviews": http.StatusOK, "/metrics": http.StatusForbidden} {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	if _, err := run("--store", "memory", "--tokens", "store"); err == nil {
		t.Errorf("--tokens store on the memory store was accepted")
	}
}

// TestReindexFlag: a bolt file indexed under other blocking rules is
// refused at start with a hint to --reindex; started with --reindex, the
// server re-indexes it and serves what it held.
func TestReindexFlag(t *testing.T) {
	dir := t.TempDir()
	db, tokenFile, config := filepath.Join(dir, "c360.db"), filepath.Join(dir, "tokens.json"), filepath.Join(dir, "c360.json")
	secret, tok, _ := server.NewToken("t", []server.Scope{server.ScopeAdmin}, time.Now())
	set, _ := server.NewTokenSet(tok)
	if err := set.WriteFile(tokenFile); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte(`{"match": {"blocking": [["email"], ["phone"]]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base, cmd := start(t, "--addr", "127.0.0.1:0", "--store", "bolt:"+db, "--tokens", tokenFile, "--config", config)
	req, _ := http.NewRequest("POST", base+"/v1/identify", strings.NewReader(`{"messageId":"m1","userId":"u1","traits":{"name":"山田 太郎","email":"taro@example.jp"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(secret, "")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("identify: %d", res.StatusCode)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}

	refused := exec.Command(os.Args[0], "-test.run=^$")
	refused.Env = append(os.Environ(), argsEnv+"="+strings.Join([]string{"--addr", "127.0.0.1:0", "--store", "bolt:" + db, "--tokens", tokenFile}, "\n"))
	if out, err := refused.CombinedOutput(); err == nil || !strings.Contains(string(out), "--reindex") {
		t.Fatalf("start under the default rules on a store indexed otherwise: %v %s; want a refusal naming --reindex", err, out)
	}
	base, _ = start(t, "--addr", "127.0.0.1:0", "--store", "bolt:"+db, "--tokens", tokenFile, "--reindex")
	req, _ = http.NewRequest("GET", base+"/v1/profiles?email=TARO%40example.jp", nil)
	req.SetBasicAuth(secret, "")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "taro@example.jp") {
		t.Errorf("search after --reindex: %d %s", res.StatusCode, b)
	}
}
