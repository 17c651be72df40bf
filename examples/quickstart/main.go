// Command quickstart runs the whole c360 pipeline on bundled sample data: the
// customers of a fictional sporting-goods chain, as records exported from its
// sales, service, web-shop and marketing systems. It resolves who is who,
// builds 360 profiles, and shows journeys, data quality, segments and
// intelligence. It uses the in-memory stores, so it needs no set-up:
//
//	go run ./examples/quickstart
//
// The pipeline itself is in the pipeline package; store/bolt/cmd/quickstart
// and store/postgres/cmd/quickstart run it on the durable stores.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/c360/c360/examples/quickstart/pipeline"
)

func main() {
	if err := pipeline.Run(context.Background(), os.Stdout, pipeline.Stores{}); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}
