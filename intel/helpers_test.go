package intel_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360/intel"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday

// item returns a valid org-wide market item with the given text.
func item(id intel.ID, title, body string) *intel.Item {
	return &intel.Item{
		ID: id, Kind: intel.KindMarket, Category: intel.CategoryCompetitorActivity,
		Source: intel.SourceIndustryReport, Title: title, Body: body, Author: "alice",
		CapturedAt: t0, Confidence: 0.5,
		Visibility: intel.Visibility{Scope: intel.ScopeOrg},
	}
}

var alice = intel.Principal{ID: "alice", Teams: []intel.TeamID{"sales"}}

// recorder collects deliveries.
type recorder struct {
	mu   sync.Mutex
	got  []intel.Delivery
	fail bool
}

func (r *recorder) deliver(_ context.Context, d intel.Delivery) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errFail
	}
	r.got = append(r.got, d)
	return nil
}

func (r *recorder) pairs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, d := range r.got {
		out = append(out, string(d.Subscription.ID)+"/"+string(d.Item.ID))
	}
	slices.Sort(out)
	return out
}

type failErr struct{}

func (failErr) Error() string { return "delivery failed" }

var errFail = failErr{}

// newHub returns a Hub over a fresh MemoryRepository holding items, all
// collected by their authors.
func newHub(t testing.TB, cfg intel.Config, items ...*intel.Item) *intel.Hub {
	t.Helper()
	h := intel.New(new(intel.MemoryRepository), cfg)
	for _, it := range items {
		if err := h.Collect(context.Background(), intel.Principal{ID: it.Author}, it); err != nil {
			t.Fatalf("Collect(%q): %v", it.ID, err)
		}
	}
	return h
}

func ids(items []*intel.Item) []intel.ID {
	out := make([]intel.ID, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func hitIDs(r *intel.Results) []intel.ID {
	var out []intel.ID
	for _, h := range r.Hits {
		out = append(out, h.Item.ID)
	}
	return out
}
