// Command quickstart runs the c360 quick start (examples/quickstart) with
// its profiles, touchpoints and intelligence kept in the embedded durable
// store instead of memory:
//
//	cd store/bolt && go run ./cmd/quickstart -db /tmp/c360.db
//
// The quick start starts from an empty store, so the file is replaced. Open
// the file afterwards with bolt.Open to see what it holds.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/c360/c360/examples/quickstart/pipeline"
	"github.com/c360/c360/store/bolt"
)

func main() {
	path := flag.String("db", "c360-quickstart.db", "the store file (replaced)")
	flag.Parse()
	if err := run(*path); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	db, err := bolt.Open(path, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Printf("Stores: embedded bbolt file %s\n", path)
	return pipeline.Run(context.Background(), os.Stdout, pipeline.Stores{
		Engine: db.Engine(),
	})
}
