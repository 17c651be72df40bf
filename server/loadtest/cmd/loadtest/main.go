// Command loadtest measures the server on loopback: the tracking batch
// endpoint (events/s, p50/p99 per batch), then GET /v1/profiles/{id} and the
// name search (requests/s, p50/p99), over the in-memory store or a bolt
// file. The server runs in this process, so the CPU time printed is the
// client's and the server's together. After the tracking phase it checks,
// through the engine, that every acknowledged messageId is stored exactly
// once.
//
//	go run ./cmd/loadtest -store memory
//	go run ./cmd/loadtest -store bolt:/tmp/c360-load.db
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/server"
	"github.com/c360/c360/server/loadtest"
	"github.com/c360/c360/store/bolt"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	store := flag.String("store", "memory", "memory or bolt:PATH (the file is made anew)")
	users := flag.Int("users", 1000, "identified users the events are spread over")
	batches := flag.Int("batches", 200, "tracking batches to send")
	size := flag.Int("batch", 100, "messages per batch")
	clients := flag.Int("clients", 4, "concurrent clients")
	reads := flag.Int("reads", 4000, "GET requests per read phase")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the tracking phase to this file")
	flag.Parse()
	ctx := context.Background()

	cfg := c360.Config{}
	if path, ok := strings.CutPrefix(*store, "bolt:"); ok {
		os.Remove(path)
		db, err := bolt.Open(path, nil)
		if err != nil {
			log.Fatal(err)
		}
		defer db.Close()
		cfg.Store = db.Engine()
	} else if *store != "memory" {
		log.Fatalf("-store %q: want memory or bolt:PATH", *store)
	}
	e, err := c360.Open(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	tokens, admin, key, err := loadtest.Tokens()
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(server.New(e, server.Config{Credentials: tokens, RateLimit: -1, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()

	if err := loadtest.Identify(ctx, srv.URL, key, *users); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("store %s, %d users, %d clients, loopback, server in this process (CPU = client + server)\n", *store, *users, *clients)
	fmt.Printf("%-22s %8s %8s %9s %10s %10s %9s %9s %9s\n", "phase", "requests", "events", "wall", "req/s", "events/s", "p50", "p99", "CPU")
	line := func(name string, r loadtest.Result, c time.Duration) {
		fmt.Printf("%-22s %8d %8d %9s %10.0f %10.0f %9s %9s %9s\n", name, r.Requests, r.Events, r.Wall.Round(time.Millisecond),
			float64(r.Requests)/r.Wall.Seconds(), float64(r.Events)/r.Wall.Seconds(),
			r.Percentile(50).Round(10*time.Microsecond), r.Percentile(99).Round(10*time.Microsecond), c.Round(time.Millisecond))
		if r.Failed > 0 {
			fmt.Printf("  %d requests failed; first: %v\n", r.Failed, r.Err)
		}
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
	}
	c0 := cpu()
	tr := loadtest.Track(ctx, loadtest.Config{URL: srv.URL, Key: key, Users: *users, Batches: *batches, BatchSize: *size, Clients: *clients, Prefix: "load"})
	line(fmt.Sprintf("POST /v1/batch (×%d)", *size), tr, cpu()-c0)
	if *profile != "" {
		pprof.StopCPUProfile()
	}

	seen, err := loadtest.Count(ctx, e, *users)
	if err != nil {
		log.Fatal(err)
	}
	lost, twice := 0, 0
	for _, id := range tr.Acked {
		switch seen[id] {
		case 0:
			lost++
		case 1:
		default:
			twice++
		}
	}
	fmt.Printf("  acknowledged %d events: %d missing, %d stored more than once\n", len(tr.Acked), lost, twice)

	ids, err := loadtest.ProfileIDs(ctx, e, *users)
	if err != nil {
		log.Fatal(err)
	}
	var paths []string
	for _, id := range ids {
		paths = append(paths, "/v1/profiles/"+url.PathEscape(string(id)))
	}
	c0 = cpu()
	line("GET /v1/profiles/{id}", loadtest.Reads(ctx, srv.URL, admin, paths, *reads, *clients), cpu()-c0)
	paths = paths[:0]
	for _, q := range []string{"佐藤 太郎", "すずき はなこ", "takahashi", "タナカ", "Ito Ken", "渡辺"} {
		paths = append(paths, "/v1/profiles?name="+url.QueryEscape(q))
	}
	c0 = cpu()
	line(fmt.Sprintf("GET ?name= (%d scan)", *users), loadtest.Reads(ctx, srv.URL, admin, paths, *reads/10, *clients), cpu()-c0)
	paths = paths[:0]
	for i := range *users {
		paths = append(paths, fmt.Sprintf("/v1/profiles?email=USER%d%%40Example.jp", i))
	}
	c0 = cpu()
	line("GET ?email=", loadtest.Reads(ctx, srv.URL, admin, paths, *reads, *clients), cpu()-c0)
}
