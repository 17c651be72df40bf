package c360_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
)

// addTrait is an edit that sets one custom attribute.
func addTrait(name string, v int64) func(*customer.SourceRecord, bool) error {
	return func(r *customer.SourceRecord, existed bool) error {
		if !existed {
			r.Name = customer.PersonName{Family: "山田", Given: "太郎"}
		}
		if r.Attributes == nil {
			r.Attributes = map[string]customer.Value{}
		}
		r.Attributes[name] = customer.IntValue(v)
		return nil
	}
}

// storedSource returns the record key as the engine stores it.
func storedSource(t testing.TB, e *c360.Engine, key customer.RecordKey) customer.SourceRecord {
	t.Helper()
	id, err := e.ProfileOf(t.Context(), key)
	if err != nil {
		t.Fatalf("ProfileOf %s: %v", key, err)
	}
	p, err := e.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := p.Source(key)
	if !ok {
		t.Fatalf("profile %s does not hold %s", id, key)
	}
	return *s
}

// TestUpsertWithConcurrent: goroutines that each add their own trait to one
// record lose none of them — the record ends as a serial run leaves it.
func TestUpsertWithConcurrent(t *testing.T) {
	const n = 24
	key := customer.RecordKey{System: "web", RecordID: "u-1"}
	run := func(concurrent bool) (customer.SourceRecord, []string) {
		e := open(t, c360.Config{})
		outcomes := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			do := func() {
				up, err := e.UpsertWith(t.Context(), key, customer.KindPerson, addTrait(fmt.Sprintf("traits.t%02d", i), int64(i)))
				if err != nil {
					t.Errorf("UpsertWith %d: %v", i, err)
				}
				outcomes[i] = up.Outcome.String()
			}
			if concurrent {
				wg.Go(do)
			} else {
				do()
			}
		}
		wg.Wait()
		slices.Sort(outcomes)
		return storedSource(t, e, key), outcomes
	}
	want, wantOutcomes := run(false)
	if len(want.Attributes) != n {
		t.Fatalf("the serial run kept %d traits, want %d", len(want.Attributes), n)
	}
	got, gotOutcomes := run(true)
	// The clock differs between runs; what the record says must not.
	want.ObservedAt = got.ObservedAt
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("concurrent UpsertWith lost writes (-serial +concurrent):\n%s", diff)
	}
	if diff := cmp.Diff(wantOutcomes, gotOutcomes); diff != "" {
		t.Errorf("outcomes (-serial +concurrent):\n%s", diff)
	}
}

// interposer is a store that runs an Update of its own once, right after
// a View: a writer that changes the record between UpsertWith's read and
// its write transaction.
type interposer struct {
	c360.Store
	mu   sync.Mutex
	then func()
}

func (s *interposer) View(ctx context.Context, fn func(c360.ReadTx) error) error {
	err := s.Store.View(ctx, fn)
	s.mu.Lock()
	then := s.then
	s.then = nil
	s.mu.Unlock()
	if then != nil {
		then()
	}
	return err
}

// TestUpsertWithEditsAgain: when another writer changed the record after
// UpsertWith read it, the edit runs again on the record as that writer
// left it, inside the write transaction.
func TestUpsertWithEditsAgain(t *testing.T) {
	st := &interposer{Store: c360.NewMemoryStore()}
	e := open(t, c360.Config{Store: st})
	ctx := t.Context()
	key := customer.RecordKey{System: "web", RecordID: "u-1"}
	if _, err := e.UpsertWith(ctx, key, customer.KindPerson, addTrait("traits.a", 1)); err != nil {
		t.Fatal(err)
	}
	st.then = func() {
		if _, err := e.UpsertWith(ctx, key, customer.KindPerson, addTrait("traits.b", 2)); err != nil {
			t.Errorf("the interposed write: %v", err)
		}
	}
	var seen [][]string // the traits each call of the edit saw
	up, err := e.UpsertWith(ctx, key, customer.KindPerson, func(r *customer.SourceRecord, existed bool) error {
		seen = append(seen, slices.Sorted(func(yield func(string) bool) {
			for k := range r.Attributes {
				if !yield(k) {
					return
				}
			}
		}))
		return addTrait("traits.c", 3)(r, existed)
	})
	if err != nil || up.Outcome != c360.Updated {
		t.Fatalf("UpsertWith = %v, %v; want updated", up.Outcome, err)
	}
	if diff := cmp.Diff([][]string{{"traits.a"}, {"traits.a", "traits.b"}}, seen); diff != "" {
		t.Errorf("the edit's calls saw (-want +got):\n%s", diff)
	}
	want := map[string]customer.Value{"traits.a": customer.IntValue(1), "traits.b": customer.IntValue(2), "traits.c": customer.IntValue(3)}
	if diff := cmp.Diff(want, storedSource(t, e, key).Attributes); diff != "" {
		t.Errorf("stored traits (-want +got):\n%s", diff)
	}
}

// TestUpsertWithRules: what an edit may not do, and what UpsertWith keeps
// of Upsert's rules.
func TestUpsertWithRules(t *testing.T) {
	ctx := context.Background()
	key := customer.RecordKey{System: "web", RecordID: "u-1"}
	errEdit := errors.New("the edit refuses")
	for _, tc := range []struct {
		name    string
		edit    func(*customer.SourceRecord, bool) error
		wantErr error
	}{
		{"the edit's error", func(r *customer.SourceRecord, _ bool) error { r.Name.Family = "x"; return errEdit }, errEdit},
		{"a changed key", func(r *customer.SourceRecord, _ bool) error { r.RecordID = "u-2"; return nil }, c360.ErrInvalid},
		{"an invalid record", func(r *customer.SourceRecord, _ bool) error {
			r.Name.Family = "山田"
			r.CorporateNumber = "12-34"
			return nil
		}, c360.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, existed := range []bool{false, true} {
				e := open(t, c360.Config{})
				if existed {
					if _, err := e.UpsertWith(ctx, key, customer.KindPerson, addTrait("traits.a", 1)); err != nil {
						t.Fatal(err)
					}
				}
				before := changes(t, e)
				_, err := e.UpsertWith(ctx, key, customer.KindPerson, tc.edit)
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("existed %v: error %v, want %v", existed, err, tc.wantErr)
				}
				if diff := cmp.Diff(before, changes(t, e)); diff != "" {
					t.Errorf("existed %v: a refused edit wrote changes (-before +after):\n%s", existed, diff)
				}
				_, err = e.ProfileOf(ctx, key)
				if existed == errors.Is(err, c360.ErrNotFound) {
					t.Errorf("existed %v: ProfileOf after a refused edit: %v", existed, err)
				}
			}
		})
	}

	t.Run("an edit that changes nothing", func(t *testing.T) {
		e := open(t, c360.Config{})
		first, err := e.UpsertWith(ctx, key, customer.KindPerson, addTrait("traits.a", 1))
		if err != nil || first.Outcome != c360.Created {
			t.Fatalf("first UpsertWith = %v, %v", first.Outcome, err)
		}
		before := changes(t, e)
		up, err := e.UpsertWith(ctx, key, customer.KindPerson, addTrait("traits.a", 1))
		if err != nil || up.Outcome != c360.Unchanged || up.Profile != first.Profile {
			t.Errorf("again: %v %s, %v; want unchanged %s", up.Outcome, up.Profile, err, first.Profile)
		}
		if diff := cmp.Diff(before, changes(t, e)); diff != "" {
			t.Errorf("an unchanged record wrote changes:\n%s", diff)
		}
	})

	t.Run("an erased person", func(t *testing.T) {
		e := open(t, c360.Config{})
		edit := func(r *customer.SourceRecord, _ bool) error {
			r.Name = customer.PersonName{Family: "山田", Given: "太郎"}
			r.ContactPoints = []customer.ContactPoint{{Type: customer.ContactEmail, Value: "taro@example.jp"}}
			return nil
		}
		up, err := e.UpsertWith(ctx, key, customer.KindPerson, edit)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Erase(ctx, up.Profile, dpo); err != nil {
			t.Fatal(err)
		}
		if _, err := e.UpsertWith(ctx, key, customer.KindPerson, edit); !errors.Is(err, c360.ErrSuppressed) {
			t.Errorf("UpsertWith of an erased person's record: %v, want ErrSuppressed", err)
		}
	})
}

// changes reads the whole change feed.
func changes(t testing.TB, e *c360.Engine) []c360.Change {
	t.Helper()
	var out []c360.Change
	for c, err := range e.Changes(context.Background(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}
