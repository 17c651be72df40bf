// Command quickstart runs the c360 quick start (examples/quickstart) with
// its profiles, touchpoints and intelligence kept in PostgreSQL instead of
// memory:
//
//	cd store/postgres && go run ./cmd/quickstart -url postgres://user@host/db
//
// The URL defaults to $C360_POSTGRES_URL (.ci/postgres.sh starts a
// throwaway server and sets it). The quick start starts from an empty store:
// it drops and re-creates the schema given by -schema.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/c360/c360/examples/quickstart/pipeline"
	"github.com/c360/c360/store/postgres"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	url := flag.String("url", os.Getenv("C360_POSTGRES_URL"), "PostgreSQL connection URL")
	schema := flag.String("schema", "c360_quickstart", "schema to (re)create for the quick start")
	flag.Parse()
	if err := run(*url, *schema); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(url, schema string) error {
	if url == "" {
		return fmt.Errorf("no database: give -url or set C360_POSTGRES_URL")
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	db := postgres.New(pool, postgres.Config{Schema: schema})
	if err := db.DropSchema(ctx); err != nil {
		return err
	}
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	fmt.Printf("Stores: PostgreSQL, schema %s\n", schema)
	return pipeline.Run(ctx, os.Stdout, pipeline.Stores{
		Engine: db.Engine(),
	})
}
