// Command c360-serve is `c360 serve` with the durable stores linked:
// --store memory, bolt:PATH (an embedded file, store/bolt) or
// postgres:URL (store/postgres; its schema is migrated at start). Every
// other flag is as `c360 serve -h` describes. It lives in a nested module
// because the stores' drivers (bbolt, pgx) may not enter the core module,
// which is why the c360 binary itself serves the in-memory store only.
//
// --tokens is a token file (c360 token create) or "store": the tokens kept
// in the engine's store (server.StoreTokens), made with
// `c360-serve token create --store … --scope …` (and list, revoke --id), so
// that every server on one PostgreSQL database knows the same tokens. A
// bolt file is locked by the server that has it open: make its tokens
// before starting it.
//
//	go run ./cmd/c360-serve --store bolt:/var/lib/c360/c360.db --tokens tokens.json
//	go run ./cmd/c360-serve token create --store postgres:$URL --scope read,write --name crm
//	go run ./cmd/c360-serve --store postgres:$URL --tokens store
package main

import (
	"context"
	"errors"
	"flag"
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
	"github.com/c360/c360/store/bolt"
	"github.com/c360/c360/store/postgres"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "token" {
		if err := tokenCmd(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "c360-serve token:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "c360-serve:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:8360", "address to listen on (host:port; port 0 picks a free one)")
	store := flag.String("store", "memory", "the engine's store: memory, bolt:PATH or postgres:URL")
	config := flag.String("config", "", "engine configuration, JSON of c360.Config (match, survivorship, segments, sending)")
	maxBody := flag.Int64("max-body", 1<<20, "largest request body in bytes (413 above)")
	timeout := flag.Duration("request-timeout", 30*time.Second, "longest time one request may work (503 after)")
	grace := flag.Duration("shutdown-timeout", 10*time.Second, "how long in-flight requests may finish after SIGINT/SIGTERM")
	tokensPath := flag.String("tokens", "", `file of hashed tokens (c360 token create), or "store" for the tokens in the engine's store; required`)
	rate := flag.Float64("rate-limit", 100, "requests per second one credential may sustain (429 above; 0 or less: no limit)")
	burst := flag.Int("rate-burst", 0, "requests one credential may make at once above the rate (0: twice --rate-limit)")
	logPII := flag.Bool("log-personal-data", false, "log each request's path and query (IDs, e-mail addresses, names)")
	scanLimit := flag.Int("name-scan-limit", 100_000, "most profiles one name search reads (the engine has no name index)")
	system := flag.String("tracking-system", "web", "source system of the tracking API's userIds (records <system>/<userId>)")
	reindex := flag.Bool("reindex", false, "before serving, rewrite the store's identity index for this configuration and version (c360.Reindex)")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", flag.Arg(0))
	}
	if *tokensPath == "" {
		return fmt.Errorf("--tokens is required: make one with c360 token create --tokens FILE --scope admin")
	}
	if *rate <= 0 {
		*rate = -1
	}
	cfg, err := readConfig(*config)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, closeStore, err := openStore(ctx, *store)
	if err != nil {
		return err
	}
	defer closeStore()
	cfg.Store = st
	var creds server.Credentials
	if *tokensPath == "store" {
		if st == nil {
			return fmt.Errorf("--tokens store needs a durable store (bolt:PATH or postgres:URL): the memory store starts empty")
		}
		creds = server.StoreTokens{Store: st}
	} else {
		tf, err := server.OpenTokenFile(*tokensPath)
		if err != nil {
			return fmt.Errorf("--tokens: %w", err)
		}
		creds = tf
	}
	if *reindex {
		if st == nil {
			return fmt.Errorf("--reindex needs a durable store (bolt:PATH or postgres:URL): the memory store starts empty")
		}
		n, err := c360.Reindex(ctx, cfg)
		if err != nil {
			return fmt.Errorf("--reindex: %w", err)
		}
		fmt.Fprintf(os.Stderr, "c360-serve: re-indexed %d records of %d profiles (%d rewritten)\n", n.Records, n.Profiles, n.Changed)
	}
	eng, err := c360.Open(ctx, cfg)
	if errors.Is(err, c360.ErrIndexed) {
		return fmt.Errorf("engine: %w (start once with --reindex to bring the store forward)", err)
	}
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	defer eng.Close()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	h := server.New(eng, server.Config{
		Credentials: creds, RateLimit: *rate, RateBurst: *burst,
		MaxBodyBytes: *maxBody, RequestTimeout: *timeout, Logger: logger,
		LogPersonalData: *logPII, NameScanLimit: *scanLimit, TrackingSystem: *system,
	})
	kind, _, _ := strings.Cut(*store, ":")
	fmt.Printf("c360-serve: listening on http://%s (%s store)\n", ln.Addr(), kind)
	if err := server.Serve(ctx, ln, h, server.ServeOptions{RequestTimeout: *timeout, Grace: *grace, Logger: logger}); err != nil {
		return err
	}
	if err := eng.Close(); err != nil {
		return fmt.Errorf("closing the engine: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// openStore opens the store named by --store: nil for memory (the engine
// makes its own).
func openStore(ctx context.Context, spec string) (c360.Store, func(), error) {
	switch {
	case spec == "memory":
		return nil, func() {}, nil
	case strings.HasPrefix(spec, "bolt:"):
		db, err := bolt.Open(strings.TrimPrefix(spec, "bolt:"), nil)
		if err != nil {
			return nil, nil, err
		}
		return db.Engine(), func() { db.Close() }, nil
	case strings.HasPrefix(spec, "postgres:"):
		pool, err := pgxpool.New(ctx, strings.TrimPrefix(spec, "postgres:"))
		if err != nil {
			return nil, nil, err
		}
		db := postgres.New(pool, postgres.Config{})
		if err := db.Migrate(ctx); err != nil {
			pool.Close()
			return nil, nil, err
		}
		return db.Engine(), pool.Close, nil
	}
	return nil, nil, fmt.Errorf("--store %q: want memory, bolt:PATH or postgres:URL", spec)
}

// tokenCmd is `c360-serve token create|list|revoke --store …`: the tokens
// kept in the engine's store.
func tokenCmd(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("give a subcommand: create, list or revoke")
	}
	fs := flag.NewFlagSet("c360-serve token "+args[0], flag.ContinueOnError)
	store := fs.String("store", "", "bolt:PATH or postgres:URL")
	scope := fs.String("scope", "", "create: comma-separated scopes (track, read, write, privacy, admin)")
	name := fs.String("name", "", "create: a name to recognise the token by")
	id := fs.String("id", "", "revoke: the token's id")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *store == "" || *store == "memory" {
		return fmt.Errorf("--store bolt:PATH or postgres:URL is required")
	}
	ctx := context.Background()
	st, closeStore, err := openStore(ctx, *store)
	if err != nil {
		return err
	}
	defer closeStore()
	tokens := server.StoreTokens{Store: st}
	switch args[0] {
	case "create":
		scopes, err := server.ParseScopes(*scope)
		if err != nil || *scope == "" {
			return fmt.Errorf("--scope: give scopes such as read,write (%v)", err)
		}
		secret, tok, err := server.NewToken(*name, scopes, time.Now())
		if err != nil {
			return err
		}
		if err := tokens.Add(ctx, tok); err != nil {
			return err
		}
		fmt.Println(secret)
		fmt.Fprintf(os.Stderr, "c360-serve token: created %s in the store; the token above is shown once\n", tok.ID)
	case "list":
		list, err := tokens.Tokens(ctx)
		if err != nil {
			return err
		}
		for _, t := range list {
			sc := make([]string, len(t.Scopes))
			for i, s := range t.Scopes {
				sc[i] = string(s)
			}
			fmt.Printf("%s\t%s\t%s\t%s\n", t.ID, t.Name, strings.Join(sc, ","), t.CreatedAt.Format(time.RFC3339))
		}
	case "revoke":
		ok, err := tokens.Revoke(ctx, *id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no token with id %q", *id)
		}
	default:
		return fmt.Errorf("unknown subcommand %q: want create, list or revoke", args[0])
	}
	return nil
}

// readConfig reads the engine's configuration file (c360.LoadConfig); an empty
// path means the defaults.
func readConfig(path string) (c360.Config, error) {
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
