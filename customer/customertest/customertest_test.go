package customertest_test

import (
	"context"
	"iter"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/customer/customertest"
)

// Broken stores, each breaking one rule of the contract.

// aliasing hands out the profile it stores instead of a copy.
type aliasing struct {
	customer.MemoryStore
	mu sync.Mutex
	m  map[customer.ID]*customer.Profile
}

func (s *aliasing) Get(ctx context.Context, id customer.ID) (*customer.Profile, error) {
	s.mu.Lock()
	p, ok := s.m[id]
	s.mu.Unlock()
	if ok {
		return p, nil
	}
	return s.MemoryStore.Get(ctx, id)
}

func (s *aliasing) Put(ctx context.Context, p *customer.Profile) (customer.Version, error) {
	v, err := s.MemoryStore.Put(ctx, p)
	if err == nil {
		s.mu.Lock()
		p.Version = v
		s.m[p.ID] = p
		s.mu.Unlock()
	}
	return v, err
}

// lastWriteWins ignores the version: no optimistic concurrency.
type lastWriteWins struct{ customer.MemoryStore }

func (s *lastWriteWins) Put(ctx context.Context, p *customer.Profile) (customer.Version, error) {
	c := p.Clone()
	if cur, err := s.MemoryStore.Get(ctx, p.ID); err == nil {
		c.Version = cur.Version
	} else {
		c.Version = 0
	}
	return s.MemoryStore.Put(ctx, c)
}

// staleIndex never forgets an identifier.
type staleIndex struct {
	customer.MemoryStore
	mu  sync.Mutex
	idx map[customer.Identifier][]customer.ID
}

func (s *staleIndex) Put(ctx context.Context, p *customer.Profile) (customer.Version, error) {
	v, err := s.MemoryStore.Put(ctx, p)
	if err == nil {
		s.mu.Lock()
		for _, id := range p.Identifiers {
			if !slices.Contains(s.idx[id], p.ID) {
				s.idx[id] = append(s.idx[id], p.ID)
			}
		}
		s.mu.Unlock()
	}
	return v, err
}

func (s *staleIndex) Lookup(ctx context.Context, ident customer.Identifier) ([]customer.ID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := slices.Clone(s.idx[ident])
	slices.Sort(ids)
	return ids, nil
}

// deaf ignores cancellation, and yields in reverse ID order.
type deaf struct{ customer.MemoryStore }

func (s *deaf) Get(_ context.Context, id customer.ID) (*customer.Profile, error) {
	return s.MemoryStore.Get(context.Background(), id)
}

func (s *deaf) All(context.Context) iter.Seq2[*customer.Profile, error] {
	return func(yield func(*customer.Profile, error) bool) {
		var all []*customer.Profile
		for p, err := range s.MemoryStore.All(context.Background()) {
			if err != nil {
				yield(nil, err)
				return
			}
			all = append(all, p)
		}
		slices.Reverse(all)
		for _, p := range all {
			if !yield(p, nil) {
				return
			}
		}
	}
}

// unconditional deletes whatever the version.
type unconditional struct{ customer.MemoryStore }

func (s *unconditional) DeleteVersion(ctx context.Context, id customer.ID, _ customer.Version) error {
	return s.MemoryStore.Delete(ctx, id)
}

var broken = map[string]func() customer.Store{
	"unconditional": func() customer.Store { return &unconditional{} },
	"aliasing":      func() customer.Store { return &aliasing{m: map[customer.ID]*customer.Profile{}} },
	"lastWriteWins": func() customer.Store { return &lastWriteWins{} },
	"staleIndex":    func() customer.Store { return &staleIndex{idx: map[customer.Identifier][]customer.ID{}} },
	"deaf":          func() customer.Store { return &deaf{} },
}

// TestSuiteFailsBrokenStores runs the suite on stores that each break a rule
// (in a child process, since the suite reports through *testing.T) and
// checks that the rules they break are the ones reported.
func TestSuiteFailsBrokenStores(t *testing.T) {
	if name := os.Getenv("CUSTOMERTEST_BROKEN"); name != "" {
		customertest.RunConfig(t, func(*testing.T) customer.Store { return broken[name]() },
			customertest.Config{NotConcurrent: name == "aliasing"})
		return
	}
	if testing.Short() {
		t.Skip("runs child processes")
	}
	tests := []struct {
		store    string
		wantFail []string
	}{
		{"aliasing", []string{"Copy/changing_the_argument_after_Put", "Copy/changing_what_Get_returned"}},
		{"lastWriteWins", []string{"Put/create_over_existing_is_ErrConflict", "Put/stale_version_is_ErrConflict_and_writes_nothing",
			// Concurrent/read_modify_write_loses_no_update too, but only when
			// the scheduler interleaves the writers, so it is not asserted.
			"Put/version_for_absent_profile_is_ErrConflict", "Concurrent/writers_of_one_version_exactly_one_wins"}},
		{"staleIndex", []string{"Lookup/follows_updates", "Lookup/follows_deletes", "DeleteVersion/current_version_deletes"}},
		{"unconditional", []string{"DeleteVersion/stale_version_is_ErrConflict_and_deletes_nothing"}},
		{"deaf", []string{"Cancel/every_method_returns_ctx_err", "All/yields_every_profile_in_ID_order",
			"Cancel/All_stops_with_the_error_when_cancelled_midway"}},
	}
	for _, tt := range tests {
		t.Run(tt.store, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSuiteFailsBrokenStores$", "-test.v")
			cmd.Env = append(os.Environ(), "CUSTOMERTEST_BROKEN="+tt.store)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed store %s, which breaks the contract", tt.store)
			}
			for _, rule := range tt.wantFail {
				if !strings.Contains(string(out), "--- FAIL: TestSuiteFailsBrokenStores/"+rule) {
					t.Errorf("rule %s not reported as broken; output:\n%s", rule, out)
				}
			}
		})
	}
}
