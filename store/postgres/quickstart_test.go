package postgres

import (
	"bytes"
	"context"
	"testing"

	"github.com/c360/c360/examples/quickstart/pipeline"
	"github.com/google/go-cmp/cmp"
)

// TestQuickstartPipeline runs the quick start on PostgreSQL and checks that
// it prints exactly what it prints on the in-memory stores.
func TestQuickstartPipeline(t *testing.T) {
	pool := testPool(t)
	if testing.Short() {
		t.Skip("quick start skipped in -short mode")
	}
	ctx := context.Background()
	var mem, durable bytes.Buffer
	if err := pipeline.Run(ctx, &mem, pipeline.Stores{}); err != nil {
		t.Fatal(err)
	}
	db := freshDB(t, pool)
	if err := pipeline.Run(ctx, &durable, pipeline.Stores{Engine: db.Engine()}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(mem.String(), durable.String()); diff != "" {
		t.Errorf("quick start on PostgreSQL differs from the in-memory run (-memory +postgres):\n%s", diff)
	}
}
