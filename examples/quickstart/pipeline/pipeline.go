// Package pipeline is the quick start's pipeline: the whole of c360 on
// bundled sample data — the customers of a fictional sporting-goods chain,
// as records exported from its sales, service, web-shop and marketing
// systems (data/*.csv). examples/quickstart runs it on the in-memory stores;
// store/bolt/cmd/quickstart and store/postgres/cmd/quickstart run it on the
// durable ones. It is example code, importable for that reason, not an API
// with compatibility promises.
//
// Each step of the pipeline is one section, run in order by Run; each prints
// what it did and may use what earlier sections left in the quickstart value.
package pipeline

import (
	"context"
	"embed"
	"fmt"
	"github.com/c360/c360"
	"io"
	"io/fs"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

//go:embed data
var bundled embed.FS

// Stores are where the pipeline keeps what it builds. A nil field means the
// SDK's in-memory default. The stores must start empty.
type Stores struct {
	// Engine keeps the engine's state: records, profiles, touchpoints,
	// stages, sends, memberships, intelligence and its subscriptions.
	Engine c360.Store
}

// Run runs the sections of the quick start in order, printing to w.
func Run(ctx context.Context, w io.Writer, stores Stores) error {
	q, err := newQuickstart(ctx, w, stores)
	if err != nil {
		return err
	}
	defer q.engine.Close()
	sections := []func(context.Context, *quickstart) error{
		customer360,  // customer.go: 360 profiles from four source systems
		dataQuality,  // quality.go: a quality score with reasons per profile, a report per rule
		journeys,     // journey.go: one customer's timeline and stage, a funnel, the send gate
		intelligence, // intel.go: intelligence linked to one customer, seen by two colleagues
		segments,     // segment.go: segments, RFM, 80:20, scenario priorities, activation
		privacy,      // privacy.go: a customer's export and erasure, the audit entry, the refused re-import
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

	// The engine: fed by customer360; the 360 profiles, findable by
	// identifier ("email", "phone" in any notation, "source:<system>" +
	// record ID).
	engine *c360.Engine
}

func newQuickstart(ctx context.Context, w io.Writer, stores Stores) (*quickstart, error) {
	data, err := fs.Sub(bundled, "data")
	if err != nil {
		return nil, err
	}
	now := time.Date(2025, 4, 1, 9, 0, 0, 0, jst)
	eng, err := c360.Open(ctx, c360.Config{
		Store: stores.Engine, // nil: in memory
		Survivorship: customer.Survivorship{
			Rules: map[string]customer.SurvivorshipRule{
				customer.AttrName:      customer.RuleMostComplete,
				customer.AttrBirthDate: customer.RuleSourcePriority,
				"attributes.campaigns": customer.RuleCombineAll,
			},
			SourcePriority: systems,
			// ConsentPolicy: zero value, so conflicting consent resolves to opt-out.
		},
		// Live segments, kept current as records and touchpoints arrive.
		Segments: segmentDefs,
		// The one send gate of the journeys and segments sections.
		Sending: c360.SendConfig{
			Caps:       []journey.Cap{{Name: "marketing 2 per week", Purpose: customer.PurposeMarketing, Max: 2, Window: 7 * 24 * time.Hour}},
			QuietHours: []journey.QuietHours{{Channel: customer.ChannelSMS, Start: 21 * time.Hour, End: 8 * time.Hour}},
		},
		Now: func() time.Time { return now },
	})
	if err != nil {
		return nil, err
	}
	return &quickstart{out: w, data: data, now: now, engine: eng}, nil
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

// profileOf returns the one profile holding an identifier.
func (q *quickstart) profileOf(ctx context.Context, ident customer.Identifier) (customer.ID, error) {
	ids, err := q.engine.Lookup(ctx, ident)
	if err != nil {
		return "", err
	}
	if len(ids) != 1 {
		return "", fmt.Errorf("%s %s: %d profiles, want 1", ident.Scheme, ident.Value, len(ids))
	}
	return ids[0], nil
}

// segmentDefs are the live segments, as marketers write them, one referring
// to others.
var segmentDefs = []c360.SegmentDef{
	{Name: "recent_buyers", Expr: `count(online_purchase, 60d) >= 1 or count(store_purchase, 60d) >= 1`},
	{Name: "big_spenders", Expr: `sum(value, 365d) >= 15000`},
	{Name: "spring_campaign", Expr: `segment(recent_buyers) and not segment(big_spenders) and exists(email)`},
}
