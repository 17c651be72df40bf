package intel_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/c360/c360/intel"
)

// TestHubConcurrentUse runs writers, searchers, listers and Load at the
// same time (meaningful under -race) and then checks that the index agrees
// with the repository: every item written is found exactly once.
func TestHubConcurrentUse(t *testing.T) {
	ctx := t.Context()
	h := newHub(t, intel.Config{})
	var wg sync.WaitGroup
	const writers, perWriter = 3, 30
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				it := item(intel.ID(fmt.Sprintf("w%d-%02d", w, i)), "running shoe", fmt.Sprintf("writer %d", w))
				if err := h.Collect(ctx, alice, it); err != nil {
					t.Error(err)
					return
				}
				if i%5 == 0 {
					it.Body = "updated"
					if err := h.Update(ctx, alice, it); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			if _, err := h.Search(ctx, alice, intel.Query{Text: "shoe"}); err != nil {
				t.Error(err)
			}
			for _, err := range h.List(ctx, alice, intel.Query{Text: "running"}) {
				if err != nil {
					t.Error(err)
				}
			}
		}
	})
	wg.Go(func() {
		for range 3 {
			if err := h.Load(ctx, nil); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	res, err := h.Search(ctx, alice, intel.Query{Text: "running shoe", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != writers*perWriter || len(res.Hits) != writers*perWriter {
		t.Errorf("after concurrent writes and loads: Total %d, hits %d; want %d", res.Total, len(res.Hits), writers*perWriter)
	}
	res, _ = h.Search(ctx, alice, intel.Query{Text: "updated", Limit: 1000})
	if want := writers * perWriter / 5; res.Total != want {
		t.Errorf("updated items: %d, want %d (a stale version must not win in the index)", res.Total, want)
	}
}

func TestZeroHub(t *testing.T) {
	var h intel.Hub
	if err := h.Collect(t.Context(), alice, item("z", "zero value", "")); err != nil {
		t.Fatal(err)
	}
	res, err := h.Search(t.Context(), alice, intel.Query{Text: "zero"})
	if err != nil || len(res.Hits) != 1 {
		t.Errorf("zero Hub: %v hits, err %v", len(res.Hits), err)
	}
}
