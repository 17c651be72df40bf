// Command quickstart runs the whole c360 pipeline on bundled sample data: the
// customers of a fictional sporting-goods chain, as records exported from its
// sales, service, web-shop and marketing systems (data/*.csv). It uses only
// the in-memory stores, so it needs no set-up:
//
//	go run ./examples/quickstart
//
// Each step of the pipeline is one section, run in order by run; each prints
// what it did and may use what earlier sections left in the quickstart value.
package main

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/c360/c360/customer"
)

//go:embed data
var bundled embed.FS

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run runs the sections of the quick start in order.
func run(ctx context.Context, w io.Writer) error {
	q, err := newQuickstart(w)
	if err != nil {
		return err
	}
	sections := []func(context.Context, *quickstart) error{
		customer360,  // customer.go: 360 profiles from four source systems
		dataQuality,  // quality.go: a quality score with reasons per profile, a report per rule
		journeys,     // journey.go: one customer's timeline and stage, a funnel, the send gate
		intelligence, // intel.go: intelligence linked to one customer, seen by two colleagues
		segments,     // segment.go: segments, RFM, 80:20, scenario priorities, activation
	}
	for _, section := range sections {
		if err := section(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// quickstart is what the sections share.
type quickstart struct {
	out  io.Writer
	data fs.FS     // the bundled sample data: the files of data/
	now  time.Time // "today" in the sample data; fixed, so that output is reproducible

	// Set by customer360: the 360 profiles, findable by identifier
	// ("email", "phone" in E.164, "source:<system>" + record ID).
	profiles *customer.MemoryStore
}

func newQuickstart(w io.Writer) (*quickstart, error) {
	data, err := fs.Sub(bundled, "data")
	if err != nil {
		return nil, err
	}
	return &quickstart{
		out:      w,
		data:     data,
		now:      time.Date(2025, 4, 1, 9, 0, 0, 0, jst),
		profiles: new(customer.MemoryStore),
	}, nil
}

var jst = time.FixedZone("JST", 9*60*60)

// heading prints the title of a section.
func (q *quickstart) heading(title string) {
	fmt.Fprintf(q.out, "\n=== %s ===\n", title)
}

// printf prints to the quick start's output.
func (q *quickstart) printf(format string, args ...any) {
	fmt.Fprintf(q.out, format, args...)
}
