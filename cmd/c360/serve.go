package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/server"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "serve the engine over HTTP (JSON API under /v1, tokens with scopes, /metrics; memory, bolt or postgres store)",
		run:     runServe,
	})
}

const serveUsage = `[--addr 127.0.0.1:8360] [--store memory|bolt:PATH|postgres:URL] [--tokens tokens.json] [--config c360.json] [flags]

Serves a c360 engine over HTTP: POST /v1/records, GET /v1/profiles/{id},
GET /v1/profiles?email=|phone=|corporate_number=|name=, GET /v1/reviews,
POST /v1/reviews/{id}/confirm|reject, POST /v1/profiles/{id}/unmerge,
GET /v1/changes?after=N&limit=M (with Accept: text/event-stream, a stream
of Server-Sent Events), GET /v1/openapi.json, GET /metrics,
GET /healthz, GET /readyz, intelligence (POST /v1/intel/items, GET
/v1/intel/items/{id}, GET /v1/intel/search?q=…, GET
/v1/profiles/{id}/intelligence), the Segment-compatible tracking API (POST
/v1/identify, track, page, screen, group, alias, batch: point a Segment
library's host here and give it a write key, "c360 token create --scope
track"), and the console at /console/ (see the documentation of package
github.com/c360/c360/server). Logs are JSON lines on standard error, without
personal data unless --log-personal-data; the address it listens on is
printed on standard output.

Every route but /healthz and /readyz needs a token (Authorization: Bearer
TOKEN) with the route's scope. --tokens names a file of hashed tokens made by
"c360 token create --tokens FILE --scope read,write"; changes to it take
effect within a second. Without --tokens, a one-off admin token for this run
is made and printed on standard output (second line): fine on a laptop, not
for a shared server.

The engine is in memory by default (--store memory): its state is gone when
the process ends. --store bolt:PATH (a file) or postgres:URL keep it. Their
drivers live in nested modules this binary does not link, so c360 serve hands
over to c360-serve (server/host) with the same flags: the c360-serve on PATH
("cd server/host && go install ./cmd/c360-serve"), or else one it builds from
the source tree it runs in (the first time takes a while; the go command
caches the build). A host may also mount server.New over its own engine.

The server speaks plain HTTP: put it behind a TLS-terminating proxy before
exposing it beyond loopback (the default address).

--config is a JSON file of c360.Config: {"match": {...}, "survivorship": {...},
"cache_size": N}, with "match" as in "c360 dedupe --config" and "survivorship"
in the JSON names of customer.Survivorship (rules, default, source_priority,
consent_policy), e.g. {"survivorship": {"default": "most_complete",
"source_priority": ["sales", "webshop"]}}. Unknown keys are refused.

A durable store indexed under another match configuration, or by an
earlier version of c360's index keys, is refused at start; --reindex
rewrites its index for the configuration at hand first (profiles and all
other state are kept; no other server may write to the store meanwhile).

SIGINT or SIGTERM stops it gracefully: no new connections, in-flight requests
finish (up to --shutdown-timeout), then the engine is closed.`

func runServe(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "serve", serveUsage)
	addr := fs.String("addr", "127.0.0.1:8360", "address to listen on (host:port; port 0 picks a free one)")
	config := fs.String("config", "", "engine configuration, JSON of c360.Config (match, survivorship)")
	maxBody := fs.Int64("max-body", 1<<20, "largest request body in bytes (413 above)")
	timeout := fs.Duration("request-timeout", 30*time.Second, "longest time one request may work (503 after)")
	grace := fs.Duration("shutdown-timeout", 10*time.Second, "how long in-flight requests may finish after SIGINT/SIGTERM")
	store := fs.String("store", "memory", "the engine's store: memory, bolt:PATH or postgres:URL (served by c360-serve; see the usage)")
	tokensPath := fs.String("tokens", "", "file of hashed tokens (c360 token create); empty makes a one-off admin token for this run")
	rate := fs.Float64("rate-limit", 100, "requests per second one credential may sustain (429 above; 0 or less: no limit)")
	burst := fs.Int("rate-burst", 0, "requests one credential may make at once above the rate (0: twice --rate-limit)")
	logPII := fs.Bool("log-personal-data", false, "log each request's path and query (IDs, e-mail addresses, names)")
	scanLimit := fs.Int("name-scan-limit", 100_000, "most profiles one name search reads (the engine has no name index)")
	system := fs.String("tracking-system", "web", "source system of the tracking API's userIds (records <system>/<userId>)")
	reindex := fs.Bool("reindex", false, "before serving, rewrite a durable store's identity index for this configuration and version (c360.Reindex)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *reindex && *store == "memory" {
		return usageError("--reindex needs a durable store (bolt:PATH or postgres:URL): the memory store starts empty")
	}
	if *store != "memory" {
		if strings.HasPrefix(*store, "bolt:") || strings.HasPrefix(*store, "postgres:") {
			return serveDurable(ctx, e, e.args, *tokensPath != "")
		}
		return usageError("--store %q: want memory, bolt:PATH or postgres:URL", *store)
	}
	if *scanLimit <= 0 {
		return usageError("--name-scan-limit must be positive, not %d", *scanLimit)
	}
	if *rate <= 0 {
		*rate = -1
	}
	var creds server.Credentials
	oneOff := ""
	if *tokensPath != "" {
		tf, err := server.OpenTokenFile(*tokensPath)
		if err != nil {
			return fmt.Errorf("--tokens: %w", err)
		}
		creds = tf
	} else {
		secret, tok, err := server.NewToken("one-off admin token of c360 serve", []server.Scope{server.ScopeAdmin}, time.Now())
		if err != nil {
			return err
		}
		set, err := server.NewTokenSet(tok)
		if err != nil {
			return err
		}
		creds, oneOff = set, secret
	}
	if *maxBody <= 0 {
		return usageError("--max-body must be positive, not %d", *maxBody)
	}
	if *timeout <= 0 || *grace <= 0 {
		return usageError("--request-timeout and --shutdown-timeout must be positive")
	}
	cfg, err := readEngineConfig(*config)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	eng, err := c360.Open(ctx, cfg)
	if err != nil {
		return fmt.Errorf("engine: %w", oneLine{err})
	}
	defer eng.Close()
	logger := slog.New(slog.NewJSONHandler(e.stderr, nil))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	handler := server.New(eng, server.Config{
		Credentials: creds, RateLimit: *rate, RateBurst: *burst,
		MaxBodyBytes: *maxBody, RequestTimeout: *timeout, Logger: logger,
		LogPersonalData: *logPII, NameScanLimit: *scanLimit, TrackingSystem: *system,
	})
	fmt.Fprintf(e.stdout, "c360 serve: listening on http://%s (in-memory store)\n", ln.Addr())
	if oneOff != "" {
		fmt.Fprintf(e.stdout, "c360 serve: admin token for this run (no --tokens): %s\n", oneOff)
	}
	if err := server.Serve(ctx, ln, handler, server.ServeOptions{RequestTimeout: *timeout, Grace: *grace, Logger: logger}); err != nil {
		return err
	}
	if err := eng.Close(); err != nil {
		return fmt.Errorf("closing the engine: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// readEngineConfig reads the engine's configuration file (c360.LoadConfig); an empty
// path means the defaults.
func readEngineConfig(path string) (c360.Config, error) {
	if path == "" {
		return c360.Config{}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return c360.Config{}, err
	}
	defer f.Close()
	cfg, err := c360.LoadConfig(f)
	if err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}
