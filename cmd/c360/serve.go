package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/server"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "serve the engine over HTTP (JSON API under /v1; in-memory store; no authentication yet)",
		run:     runServe,
	})
}

const serveUsage = `[--addr 127.0.0.1:8360] [--config c360.json] [flags]

Serves a c360 engine over HTTP: POST /v1/records, GET /v1/profiles/{id},
GET /v1/profiles?email=|phone=|corporate_number=, GET /v1/reviews,
POST /v1/reviews/{id}/confirm|reject, POST /v1/profiles/{id}/unmerge,
GET /v1/changes?after=N&limit=M, GET /healthz, GET /readyz (see the
documentation of package github.com/c360/c360/server). Logs are JSON lines on
standard error; the address it listens on is printed on standard output.

The engine is in memory: its state is gone when the process ends. The durable
stores (store/bolt, store/postgres) are nested modules this command does not
link; a host keeps state by mounting server.New over its own engine.

THERE IS NO AUTHENTICATION YET: anyone who can reach the address can read and
change every profile. The default address is loopback only; do not expose it.

--config is a JSON file of c360.Config: {"match": {...}, "survivorship": {...},
"cache_size": N}, with "match" as in "c360 dedupe --config" and "survivorship"
in the JSON names of customer.Survivorship (rules, default, source_priority,
consent_policy), e.g. {"survivorship": {"default": "most_complete",
"source_priority": ["sales", "webshop"]}}. Unknown keys are refused.

SIGINT or SIGTERM stops it gracefully: no new connections, in-flight requests
finish (up to --shutdown-timeout), then the engine is closed.`

func runServe(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "serve", serveUsage)
	addr := fs.String("addr", "127.0.0.1:8360", "address to listen on (host:port; port 0 picks a free one)")
	config := fs.String("config", "", "engine configuration, JSON of c360.Config (match, survivorship)")
	maxBody := fs.Int64("max-body", 1<<20, "largest request body in bytes (413 above)")
	timeout := fs.Duration("request-timeout", 30*time.Second, "longest time one request may work (503 after)")
	grace := fs.Duration("shutdown-timeout", 10*time.Second, "how long in-flight requests may finish after SIGINT/SIGTERM")
	if err := parseFlags(fs, e.args); err != nil {
		return err
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
	srv := &http.Server{
		Handler:           server.New(eng, server.Config{MaxBodyBytes: *maxBody, RequestTimeout: *timeout, Logger: logger}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       *timeout,
		WriteTimeout:      *timeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(e.stdout, "c360 serve: listening on http://%s (in-memory store, no authentication)\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served: // Serve failed before any shutdown
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", slog.String("grace", grace.String()))
	sctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: in-flight requests did not finish within %v: %w", *grace, err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if err := eng.Close(); err != nil {
		return fmt.Errorf("closing the engine: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// readEngineConfig reads a c360.Config from JSON, strictly (unknown keys
// are errors); an empty path means the defaults. The engine checks the
// settings when it opens.
func readEngineConfig(path string) (c360.Config, error) {
	var cfg c360.Config
	if path == "" {
		return cfg, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	if dec.More() {
		return cfg, fmt.Errorf("config %s: unexpected data after the JSON object", path)
	}
	return cfg, nil
}
