package loadtest

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/server"
	"github.com/c360/c360/store/bolt"
)

const (
	serverEnv = "C360_LOADTEST_SERVER" // bolt file path: run as the server
	tokensEnv = "C360_LOADTEST_TOKENS" // its token file
)

// TestMain runs the test binary as a server when serverEnv is set: the
// crash test starts it as another process, to kill it with SIGKILL.
func TestMain(m *testing.M) {
	if path := os.Getenv(serverEnv); path != "" {
		serveBolt(path, os.Getenv(tokensEnv))
		return
	}
	os.Exit(m.Run())
}

// serveBolt serves the API over an engine on the bolt file until killed,
// printing its address once it listens.
func serveBolt(path, tokenFile string) {
	db, err := bolt.Open(path, nil)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	e, err := c360.Open(context.Background(), c360.Config{Store: db.Engine()})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	tokens, err := server.OpenTokenFile(tokenFile)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Printf("listening http://%s\n", ln.Addr())
	http.Serve(ln, server.New(e, server.Config{Credentials: tokens, RateLimit: -1, Logger: slog.New(slog.DiscardHandler)}))
}

// TestTrackExactlyOnce: on the in-memory store and on a bolt file, every
// acknowledged messageId is stored exactly once — also when the whole run
// is sent a second time (every message a duplicate then).
func TestTrackExactlyOnce(t *testing.T) {
	for _, store := range []string{"memory", "bolt"} {
		t.Run(store, func(t *testing.T) {
			cfg := c360.Config{}
			if store == "bolt" {
				db, err := bolt.Open(filepath.Join(t.TempDir(), "c360.db"), nil)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				cfg.Store = db.Engine()
			}
			e, err := c360.Open(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			tokens, _, key, err := Tokens()
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(server.New(e, server.Config{Credentials: tokens, RateLimit: -1, Logger: slog.New(slog.DiscardHandler)}))
			defer srv.Close()
			const users = 50
			if err := Identify(t.Context(), srv.URL, key, users); err != nil {
				t.Fatal(err)
			}
			run := Config{URL: srv.URL, Key: key, Users: users, Batches: 12, BatchSize: 25, Clients: 3, Prefix: "m"}
			first := Track(t.Context(), run)
			again := Track(t.Context(), run)
			for _, r := range []Result{first, again} {
				if r.Err != nil || r.Failed != 0 || len(r.Acked) != 300 {
					t.Fatalf("run: %d acked, %d failed, %v", len(r.Acked), r.Failed, r.Err)
				}
			}
			seen, err := Count(t.Context(), e, users)
			if err != nil {
				t.Fatal(err)
			}
			checkOnce(t, first.Acked, seen)
			if len(seen) != 300 {
				t.Errorf("%d events stored, want the 300 sent", len(seen))
			}
		})
	}
}

func checkOnce(t *testing.T, acked []string, seen map[string]int) {
	t.Helper()
	lost, twice := 0, 0
	for _, id := range acked {
		if seen[id] == 0 {
			lost++
		}
	}
	for _, n := range seen {
		if n > 1 {
			twice++
		}
	}
	if lost > 0 || twice > 0 {
		t.Errorf("of %d acknowledged events, %d are missing; %d events are stored more than once", len(acked), lost, twice)
	}
}

// TestTrackSurvivesSIGKILL runs the server on a bolt file in another
// process, sends batches from several clients, kills the server with
// SIGKILL after some have been acknowledged, and reads the file: every
// acknowledged messageId is there exactly once, and no event is stored
// twice. (As store/bolt's own crash tests say, a SIGKILL proves atomicity
// and ordering; the page cache survives it, so it does not prove that the
// data reached the disk — store/bolt fsyncs every commit for that.)
func TestTrackSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	for _, killAfter := range []int{1, 15} {
		t.Run(fmt.Sprintf("kill after %d batches", killAfter), func(t *testing.T) {
			dir := t.TempDir()
			path, tokenFile := filepath.Join(dir, "c360.db"), filepath.Join(dir, "tokens.json")
			tokens, _, key, err := Tokens()
			if err != nil {
				t.Fatal(err)
			}
			if err := tokens.WriteFile(tokenFile); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), serverEnv+"="+path, tokensEnv+"="+tokenFile)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			line, err := bufio.NewReader(out).ReadString('\n')
			base, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
			if err != nil || !ok {
				t.Fatalf("server said %q (%v)", line, err)
			}
			const users = 40
			if err := Identify(t.Context(), base, key, users); err != nil {
				t.Fatal(err)
			}
			var (
				mu     sync.Mutex
				acked  []string
				killed bool
			)
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			batches := 0
			res := Track(ctx, Config{URL: base, Key: key, Users: users, Batches: 1000, BatchSize: 20, Clients: 4, Prefix: "k",
				OnAck: func(ids []string) {
					mu.Lock()
					defer mu.Unlock()
					acked = append(acked, ids...)
					batches++
					if batches == killAfter && !killed {
						killed = true
						cmd.Process.Signal(syscall.SIGKILL)
					}
				}})
			cmd.Wait()
			if !killed {
				t.Fatalf("the run ended before the kill: %d batches acknowledged", batches)
			}
			if res.Failed == 0 {
				t.Errorf("no request failed after the kill: the server was not killed mid-run")
			}
			mu.Lock()
			defer mu.Unlock()
			db, err := bolt.Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			e, err := c360.Open(t.Context(), c360.Config{Store: db.Engine()})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			seen, err := Count(t.Context(), e, users)
			if err != nil {
				t.Fatal(err)
			}
			checkOnce(t, acked, seen)
			t.Logf("killed after %d acknowledged batches (%d events); %d events on file (the rest in flight)", batches, len(acked), len(seen))
		})
	}
}
