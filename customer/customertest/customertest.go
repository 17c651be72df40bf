// Package customertest checks that an implementation of customer.Store keeps
// every rule of the contract documented on that interface, in the way
// testing/fstest checks an fs.FS. A host that keeps profiles in its own
// database runs
//
//	func TestStore(t *testing.T) {
//		customertest.Run(t, func(t *testing.T) customer.Store { return newMyStore(t) })
//	}
//
// Run starts a fresh store for every subtest; each subtest is named after the
// rule it checks, so a failure says which rule is broken. A store that
// also implements customer.VersionedDeleter has that checked too (the
// DeleteVersion rules are skipped for one that does not). RunConfig takes
// Config for what a back end legitimately cannot do. The suite uses
// only the Store interface, so it runs unchanged on in-memory, embedded and
// client–server stores. Bench measures the same operations.
//
// Profile builds a valid profile with every field of the data model filled
// in, for tests of stores and of code that handles profiles.
package customertest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Config says what a store legitimately cannot do. The zero value
// claims everything, and is what MemoryStore passes.
type Config struct {
	// NotConcurrent: the store is not safe for concurrent use; the
	// concurrency tests are skipped.
	NotConcurrent bool
	// NoCallsDuringAll: the store cannot serve other calls while an All
	// iteration is in progress (e.g. a single-connection back end), so the
	// test that calls Get from inside an All loop is skipped.
	NoCallsDuringAll bool
}

// Run checks the store contract with every capability claimed.
func Run(t *testing.T, newStore func(t *testing.T) customer.Store) {
	RunConfig(t, newStore, Config{})
}

// RunConfig checks the store contract on stores made by newStore, a fresh one
// per subtest, skipping what caps says the store cannot do.
func RunConfig(t *testing.T, newStore func(t *testing.T) customer.Store, caps Config) {
	s := &suite{newStore: newStore, caps: caps}
	tests := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"Get/absent_is_ErrNotFound", s.getAbsent},
		{"Delete/absent_is_ErrNotFound", s.deleteAbsent},
		{"Put/round_trip_keeps_every_field", s.roundTrip},
		{"Put/versions_count_up_from_one", s.versions},
		{"Put/does_not_modify_its_argument", s.putKeepsArg},
		{"Put/create_over_existing_is_ErrConflict", s.createConflict},
		{"Put/stale_version_is_ErrConflict_and_writes_nothing", s.staleConflict},
		{"Put/version_for_absent_profile_is_ErrConflict", s.absentVersionConflict},
		{"Put/empty_ID_is_ErrInvalid", s.emptyID},
		{"Delete/removes_and_allows_recreation", s.deleteRecreate},
		{"DeleteVersion/current_version_deletes", s.deleteVersionCurrent},
		{"DeleteVersion/stale_version_is_ErrConflict_and_deletes_nothing", s.deleteVersionStale},
		{"DeleteVersion/absent_is_ErrNotFound", s.deleteVersionAbsent},
		{"Copy/changing_the_argument_after_Put", s.copyIn},
		{"Copy/changing_what_Get_returned", s.copyOutGet},
		{"Copy/changing_what_All_yielded", s.copyOutAll},
		{"Lookup/finds_every_holder_sorted", s.lookup},
		{"Lookup/unknown_identifier_is_empty_not_an_error", s.lookupNone},
		{"Lookup/follows_updates", s.lookupAfterUpdate},
		{"Lookup/follows_deletes", s.lookupAfterDelete},
		{"Lookup/unchanged_by_a_failed_Put", s.lookupAfterConflict},
		{"All/empty_store_yields_nothing", s.allEmpty},
		{"All/yields_every_profile_in_ID_order", s.allOrder},
		{"All/agrees_with_Get", s.allAgreesWithGet},
		{"All/early_break_releases_the_store", s.allBreak},
		{"All/store_usable_inside_the_loop", s.allReentrant},
		{"Cancel/every_method_returns_ctx_err", s.cancelled},
		{"Cancel/cancelled_Put_writes_nothing", s.cancelledPut},
		{"Cancel/All_stops_with_the_error_when_cancelled_midway", s.cancelMidway},
		{"Concurrent/read_modify_write_loses_no_update", s.concurrentCounter},
		{"Concurrent/writers_of_one_version_exactly_one_wins", s.concurrentSameVersion},
		{"Concurrent/mixed_operations_on_distinct_profiles", s.concurrentMixed},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.fn)
	}
}

type suite struct {
	newStore func(t *testing.T) customer.Store
	caps     Config
}

// profileOpts compares profiles as stores may return them: an empty slice or
// map equals a missing one, times compare as instants.
var profileOpts = cmp.Options{cmpopts.EquateEmpty()}

func diffProfile(want, got *customer.Profile) string { return cmp.Diff(want, got, profileOpts) }

func mustPut(t *testing.T, s customer.Store, p *customer.Profile) customer.Version {
	t.Helper()
	v, err := s.Put(t.Context(), p)
	if err != nil {
		t.Fatalf("Put(%q, version %d): %v", p.ID, p.Version, err)
	}
	return v
}

func mustGet(t *testing.T, s customer.Store, id customer.ID) *customer.Profile {
	t.Helper()
	p, err := s.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("Get(%q): %v", id, err)
	}
	if p == nil {
		t.Fatalf("Get(%q) returned nil profile and nil error", id)
	}
	return p
}

// collect drains an All sequence, checking that an error comes at most once
// and last.
func collect(t *testing.T, seq func(yield func(*customer.Profile, error) bool)) ([]*customer.Profile, error) {
	t.Helper()
	var out []*customer.Profile
	var firstErr error
	for p, err := range seq {
		if firstErr != nil {
			t.Fatalf("All yielded (%v, %v) after error %v: the error must be last", p, err, firstErr)
		}
		if err != nil {
			firstErr = err
			continue
		}
		if p == nil {
			t.Fatal("All yielded a nil profile without an error")
		}
		out = append(out, p)
	}
	return out, firstErr
}

func stored(p *customer.Profile, v customer.Version) *customer.Profile {
	c := p.Clone()
	c.Version = v
	return c
}

func (s *suite) getAbsent(t *testing.T) {
	st := s.newStore(t)
	mustPut(t, st, Profile("p1", 1))
	_, err := st.Get(t.Context(), "nope")
	if !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("Get(absent) error = %v, want ErrNotFound", err)
	}
}

func (s *suite) deleteAbsent(t *testing.T) {
	st := s.newStore(t)
	if err := st.Delete(t.Context(), "nope"); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("Delete(absent) error = %v, want ErrNotFound", err)
	}
}

// versioned returns the store as a customer.VersionedDeleter, skipping
// the test when it is not one (the interface is optional).
func (s *suite) versioned(t *testing.T) (customer.Store, customer.VersionedDeleter) {
	st := s.newStore(t)
	vd, ok := st.(customer.VersionedDeleter)
	if !ok {
		t.Skip("the store does not implement customer.VersionedDeleter")
	}
	return st, vd
}

func (s *suite) deleteVersionCurrent(t *testing.T) {
	st, vd := s.versioned(t)
	p := Profile("p1", 1)
	mustPut(t, st, p)
	p.Version = 1
	v := mustPut(t, st, p)
	if err := vd.DeleteVersion(t.Context(), "p1", v); err != nil {
		t.Fatalf("DeleteVersion at the stored version %d: %v", v, err)
	}
	if _, err := st.Get(t.Context(), "p1"); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("Get after DeleteVersion: error = %v, want ErrNotFound", err)
	}
	for _, ident := range p.Identifiers {
		if ids, err := st.Lookup(t.Context(), ident); err != nil || len(ids) != 0 {
			t.Errorf("Lookup(%v) after DeleteVersion = %v, %v; want none", ident, ids, err)
		}
	}
}

func (s *suite) deleteVersionStale(t *testing.T) {
	st, vd := s.versioned(t)
	p := Profile("p1", 1)
	mustPut(t, st, p)
	p.Version = 1
	mustPut(t, st, p) // now at version 2
	for _, v := range []customer.Version{0, 1, 3} {
		if err := vd.DeleteVersion(t.Context(), "p1", v); !errors.Is(err, customer.ErrConflict) {
			t.Errorf("DeleteVersion at version %d of a profile at version 2: error = %v, want ErrConflict", v, err)
		}
	}
	if diff := diffProfile(stored(p, 2), mustGet(t, st, "p1")); diff != "" {
		t.Errorf("profile after refused DeleteVersions (-want +got):\n%s", diff)
	}
}

func (s *suite) deleteVersionAbsent(t *testing.T) {
	_, vd := s.versioned(t)
	if err := vd.DeleteVersion(t.Context(), "nope", 1); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("DeleteVersion(absent) error = %v, want ErrNotFound", err)
	}
}

func (s *suite) roundTrip(t *testing.T) {
	st := s.newStore(t)
	p := Profile("p1", 1)
	v := mustPut(t, st, p)
	if v != 1 {
		t.Errorf("Put of a new profile returned version %d, want 1", v)
	}
	if diff := diffProfile(stored(p, 1), mustGet(t, st, "p1")); diff != "" {
		t.Errorf("Get after Put (-want +got):\n%s", diff)
	}
}

func (s *suite) versions(t *testing.T) {
	st := s.newStore(t)
	p := Profile("p1", 1)
	for want := customer.Version(1); want <= 3; want++ {
		v := mustPut(t, st, p)
		if v != want {
			t.Fatalf("Put #%d returned version %d, want %d", want, v, want)
		}
		got := mustGet(t, st, "p1")
		if got.Version != want {
			t.Fatalf("Get after Put #%d: Version = %d, want %d", want, got.Version, want)
		}
		p = got
		p.Name.Given = fmt.Sprintf("次郎%d", want)
	}
}

func (s *suite) putKeepsArg(t *testing.T) {
	st := s.newStore(t)
	p := Profile("p1", 1)
	mustPut(t, st, p)
	if diff := diffProfile(Profile("p1", 1), p); diff != "" {
		t.Errorf("Put changed its argument (-before +after):\n%s", diff)
	}
}

func (s *suite) createConflict(t *testing.T) {
	st := s.newStore(t)
	mustPut(t, st, Profile("p1", 1))
	other := Profile("p1", 2)
	if _, err := st.Put(t.Context(), other); !errors.Is(err, customer.ErrConflict) {
		t.Fatalf("Put(version 0) over an existing profile: error = %v, want ErrConflict", err)
	}
	if diff := diffProfile(stored(Profile("p1", 1), 1), mustGet(t, st, "p1")); diff != "" {
		t.Errorf("the conflicting Put changed the profile (-want +got):\n%s", diff)
	}
}

func (s *suite) staleConflict(t *testing.T) {
	st := s.newStore(t)
	mustPut(t, st, Profile("p1", 1))
	a := mustGet(t, st, "p1")
	b := mustGet(t, st, "p1")
	a.Name.Given = "一郎"
	mustPut(t, st, a)
	b.Name.Given = "二郎"
	if _, err := st.Put(t.Context(), b); !errors.Is(err, customer.ErrConflict) {
		t.Fatalf("Put with stale version: error = %v, want ErrConflict", err)
	}
	if diff := diffProfile(stored(a, 2), mustGet(t, st, "p1")); diff != "" {
		t.Errorf("after the stale Put (-want +got):\n%s", diff)
	}
}

func (s *suite) absentVersionConflict(t *testing.T) {
	st := s.newStore(t)
	p := Profile("p1", 1)
	p.Version = 4
	if _, err := st.Put(t.Context(), p); !errors.Is(err, customer.ErrConflict) {
		t.Errorf("Put(version 4) of an absent profile: error = %v, want ErrConflict", err)
	}
	if _, err := st.Get(t.Context(), "p1"); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("Get after the failed Put: error = %v, want ErrNotFound", err)
	}
}

func (s *suite) emptyID(t *testing.T) {
	st := s.newStore(t)
	if _, err := st.Put(t.Context(), Profile("", 1)); !errors.Is(err, customer.ErrInvalid) {
		t.Errorf("Put with empty ID: error = %v, want ErrInvalid", err)
	}
}

func (s *suite) deleteRecreate(t *testing.T) {
	st := s.newStore(t)
	mustPut(t, st, Profile("p1", 1))
	mustPut(t, st, Profile("p2", 2))
	if err := st.Delete(t.Context(), "p1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := st.Get(t.Context(), "p1"); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("Get after Delete: error = %v, want ErrNotFound", err)
	}
	if err := st.Delete(t.Context(), "p1"); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("second Delete: error = %v, want ErrNotFound", err)
	}
	mustGet(t, st, "p2")
	if v := mustPut(t, st, Profile("p1", 3)); v != 1 {
		t.Errorf("re-creating a deleted profile returned version %d, want 1", v)
	}
}

// scribble changes every part of p that a shallow copy would share.
func scribble(p *customer.Profile) {
	p.Name.Family = "changed"
	p.ContactPoints[0].Value = "changed@example.jp"
	p.ContactPoints = append(p.ContactPoints[:1], customer.ContactPoint{Type: customer.ContactEmail, Value: "x@y.jp"})
	p.Links[0].Title = "changed"
	p.Identifiers[0].Value = "changed"
	p.Consent.Entries[0].Status = customer.ConsentOptOut
	p.Consent.Entries[0].Record.RecordID = "changed"
	p.Attributes["tier"] = customer.StringValue("changed")
	delete(p.Attributes, "vip")
	p.Sources[0].Name.Given = "changed"
	p.Sources[0].ContactPoints[0].Value = "changed"
	p.Sources[1].Firmographics.Technologies[0] = "changed"
	p.Sources[1].Firmographics.Related[0].Name = "changed"
	p.Provenance[0].From[0].RecordID = "changed"
	p.Audit[0].Records[0].RecordID = "changed"
	p.Audit[0].OtherAudit[0].Actor = "changed"
	p.Audit[0].OtherRestriction.Purposes[0] = customer.PurposeService
	p.Audit[0].PriorRestriction.Purposes[0] = customer.PurposeService
	p.Restriction.Purposes[0] = customer.PurposeService
	p.Restriction.Reason = "changed"
}

func (s *suite) copyIn(t *testing.T) {
	st := s.newStore(t)
	p := Profile("p1", 1)
	mustPut(t, st, p)
	scribble(p)
	if diff := diffProfile(stored(Profile("p1", 1), 1), mustGet(t, st, "p1")); diff != "" {
		t.Errorf("changing the profile after Put changed the store (-want +got):\n%s", diff)
	}
}

func (s *suite) copyOutGet(t *testing.T) {
	st := s.newStore(t)
	mustPut(t, st, Profile("p1", 1))
	scribble(mustGet(t, st, "p1"))
	if diff := diffProfile(stored(Profile("p1", 1), 1), mustGet(t, st, "p1")); diff != "" {
		t.Errorf("changing what Get returned changed the store (-want +got):\n%s", diff)
	}
}

func (s *suite) copyOutAll(t *testing.T) {
	st := s.newStore(t)
	mustPut(t, st, Profile("p1", 1))
	got, err := collect(t, st.All(t.Context()))
	if err != nil || len(got) != 1 {
		t.Fatalf("All: %d profiles, error %v; want 1, nil", len(got), err)
	}
	scribble(got[0])
	if diff := diffProfile(stored(Profile("p1", 1), 1), mustGet(t, st, "p1")); diff != "" {
		t.Errorf("changing what All yielded changed the store (-want +got):\n%s", diff)
	}
}

func lookup(t *testing.T, st customer.Store, scheme, value string) []customer.ID {
	t.Helper()
	ids, err := st.Lookup(t.Context(), customer.Identifier{Scheme: scheme, Value: value})
	if err != nil {
		t.Fatalf("Lookup(%s:%s): %v", scheme, value, err)
	}
	return ids
}

func (s *suite) lookup(t *testing.T) {
	st := s.newStore(t)
	for _, n := range []int{4, 1, 3, 0, 7} { // g1: p4, p1, p7; g0: p3, p0
		mustPut(t, st, Profile(customer.ID(fmt.Sprintf("p%d", n)), n))
	}
	if diff := cmp.Diff([]customer.ID{"p1", "p4", "p7"}, lookup(t, st, "group", "g1"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Lookup(group:g1) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]customer.ID{"p3"}, lookup(t, st, "test", "p3")); diff != "" {
		t.Errorf("Lookup(test:p3) (-want +got):\n%s", diff)
	}
}

func (s *suite) lookupNone(t *testing.T) {
	st := s.newStore(t)
	mustPut(t, st, Profile("p1", 1))
	if got := lookup(t, st, "test", "p2"); len(got) != 0 {
		t.Errorf("Lookup(unknown) = %v, want none", got)
	}
	if got := lookup(t, st, "group", "p1"); len(got) != 0 {
		t.Errorf("Lookup with the value under another scheme = %v, want none (schemes must not mix)", got)
	}
}

func (s *suite) lookupAfterUpdate(t *testing.T) {
	st := s.newStore(t)
	mustPut(t, st, Profile("p1", 1))
	mustPut(t, st, Profile("p4", 4))
	p := mustGet(t, st, "p1")
	p.Identifiers = []customer.Identifier{{Scheme: "test", Value: "p1"}, {Scheme: "email", Value: "new@example.jp"}}
	mustPut(t, st, p)
	if got := lookup(t, st, "group", "g1"); !slices.Equal(got, []customer.ID{"p4"}) {
		t.Errorf("Lookup of an identifier p1 no longer holds = %v, want [p4]", got)
	}
	if got := lookup(t, st, "email", "new@example.jp"); !slices.Equal(got, []customer.ID{"p1"}) {
		t.Errorf("Lookup of an identifier added by update = %v, want [p1]", got)
	}
}

func (s *suite) lookupAfterDelete(t *testing.T) {
	st := s.newStore(t)
	mustPut(t, st, Profile("p1", 1))
	mustPut(t, st, Profile("p4", 4))
	if err := st.Delete(t.Context(), "p4"); err != nil {
		t.Fatal(err)
	}
	if got := lookup(t, st, "group", "g1"); !slices.Equal(got, []customer.ID{"p1"}) {
		t.Errorf("Lookup after deleting p4 = %v, want [p1]", got)
	}
	if got := lookup(t, st, "test", "p4"); len(got) != 0 {
		t.Errorf("Lookup of the deleted profile's own identifier = %v, want none", got)
	}
}

func (s *suite) lookupAfterConflict(t *testing.T) {
	st := s.newStore(t)
	mustPut(t, st, Profile("p1", 1))
	p := Profile("p1", 1) // version 0: conflicts
	p.Identifiers = []customer.Identifier{{Scheme: "email", Value: "sneaky@example.jp"}}
	if _, err := st.Put(t.Context(), p); !errors.Is(err, customer.ErrConflict) {
		t.Fatalf("Put: error = %v, want ErrConflict", err)
	}
	if got := lookup(t, st, "email", "sneaky@example.jp"); len(got) != 0 {
		t.Errorf("a failed Put indexed its identifier: Lookup = %v", got)
	}
	if got := lookup(t, st, "test", "p1"); !slices.Equal(got, []customer.ID{"p1"}) {
		t.Errorf("a failed Put removed an identifier: Lookup = %v, want [p1]", got)
	}
}

func (s *suite) allEmpty(t *testing.T) {
	st := s.newStore(t)
	got, err := collect(t, st.All(t.Context()))
	if err != nil || len(got) != 0 {
		t.Errorf("All on an empty store: %d profiles, error %v; want none", len(got), err)
	}
}

func putMany(t *testing.T, st customer.Store, n int) []customer.ID {
	t.Helper()
	ids := make([]customer.ID, n)
	for i := range n {
		ids[i] = customer.ID(fmt.Sprintf("p%03d", i))
	}
	r := rand.New(rand.NewPCG(1, 2))
	order := slices.Clone(ids)
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for i, id := range order {
		mustPut(t, st, Profile(id, i))
	}
	return ids
}

func (s *suite) allOrder(t *testing.T) {
	st := s.newStore(t)
	ids := putMany(t, st, 25)
	got, err := collect(t, st.All(t.Context()))
	if err != nil {
		t.Fatalf("All: %v", err)
	}
	var gotIDs []customer.ID
	for _, p := range got {
		gotIDs = append(gotIDs, p.ID)
	}
	if diff := cmp.Diff(ids, gotIDs); diff != "" {
		t.Errorf("All IDs (-want +got):\n%s", diff)
	}
}

func (s *suite) allAgreesWithGet(t *testing.T) {
	st := s.newStore(t)
	putMany(t, st, 10)
	got, err := collect(t, st.All(t.Context()))
	if err != nil {
		t.Fatalf("All: %v", err)
	}
	for _, p := range got {
		if diff := diffProfile(mustGet(t, st, p.ID), p); diff != "" {
			t.Errorf("All and Get disagree on %s (-Get +All):\n%s", p.ID, diff)
		}
	}
}

// within fails the test if fn does not return within a generous time: the
// sign of a store left locked.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not return within 30s: the store looks locked", what)
	}
}

func (s *suite) allBreak(t *testing.T) {
	st := s.newStore(t)
	putMany(t, st, 10)
	n := 0
	for _, err := range st.All(t.Context()) {
		if err != nil {
			t.Fatalf("All: %v", err)
		}
		n++
		if n == 2 {
			break
		}
	}
	within(t, "Put after breaking out of All", func() {
		p := Profile("zzz", 1)
		if _, err := st.Put(t.Context(), p); err != nil {
			t.Errorf("Put after early break: %v", err)
		}
		if err := st.Delete(t.Context(), "p000"); err != nil {
			t.Errorf("Delete after early break: %v", err)
		}
	})
}

func (s *suite) allReentrant(t *testing.T) {
	if s.caps.NoCallsDuringAll {
		t.Skip("store cannot serve calls during All (Config.NoCallsDuringAll)")
	}
	st := s.newStore(t)
	putMany(t, st, 5)
	within(t, "Get and Put inside an All loop", func() {
		for p, err := range st.All(t.Context()) {
			if err != nil {
				t.Errorf("All: %v", err)
				return
			}
			if _, err := st.Get(t.Context(), p.ID); err != nil {
				t.Errorf("Get inside All: %v", err)
			}
			p.Name.Given = "更新"
			if _, err := st.Put(t.Context(), p); err != nil {
				t.Errorf("Put inside All: %v", err)
			}
		}
	})
}

func (s *suite) cancelled(t *testing.T) {
	st := s.newStore(t)
	mustPut(t, st, Profile("p1", 1))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := st.Get(ctx, "p1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get: error = %v, want context.Canceled", err)
	}
	if err := st.Delete(ctx, "p1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Delete: error = %v, want context.Canceled", err)
	}
	if vd, ok := st.(customer.VersionedDeleter); ok {
		if err := vd.DeleteVersion(ctx, "p1", 1); !errors.Is(err, context.Canceled) {
			t.Errorf("DeleteVersion: error = %v, want context.Canceled", err)
		}
	}
	if _, err := st.Lookup(ctx, customer.Identifier{Scheme: "test", Value: "p1"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Lookup: error = %v, want context.Canceled", err)
	}
	got, err := collect(t, st.All(ctx))
	if !errors.Is(err, context.Canceled) || len(got) != 0 {
		t.Errorf("All: %d profiles, error %v; want none and context.Canceled", len(got), err)
	}
	mustGet(t, st, "p1") // the cancelled Delete (and DeleteVersion) did nothing
}

func (s *suite) cancelledPut(t *testing.T) {
	st := s.newStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := st.Put(ctx, Profile("p1", 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("Put: error = %v, want context.Canceled", err)
	}
	if _, err := st.Get(t.Context(), "p1"); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("Get after a cancelled Put: error = %v, want ErrNotFound", err)
	}
}

func (s *suite) cancelMidway(t *testing.T) {
	st := s.newStore(t)
	putMany(t, st, 20)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	n := 0
	var last error
	for p, err := range st.All(ctx) {
		if last != nil {
			t.Fatalf("All yielded (%v, %v) after its error %v", p, err, last)
		}
		if err != nil {
			last = err
			continue
		}
		n++
		if n == 1 {
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("All cancelled after the first profile ended with error %v (after %d profiles), want context.Canceled", last, n)
	}
	if n == 20 {
		t.Errorf("All yielded all %d profiles despite cancellation", n)
	}
}

func (s *suite) concurrentCounter(t *testing.T) {
	if s.caps.NotConcurrent {
		t.Skip("store is not safe for concurrent use (Config.NotConcurrent)")
	}
	st := s.newStore(t)
	p := Profile("p1", 1)
	p.Attributes["counter"] = customer.IntValue(0)
	mustPut(t, st, p)
	const workers, each = 4, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for range each {
				for {
					cur, err := st.Get(t.Context(), "p1")
					if err != nil {
						t.Errorf("worker %d: Get: %v", w, err)
						return
					}
					n, _ := cur.Attributes["counter"].Int()
					cur.Attributes["counter"] = customer.IntValue(n + 1)
					_, err = st.Put(t.Context(), cur)
					if err == nil {
						break
					}
					if !errors.Is(err, customer.ErrConflict) {
						t.Errorf("worker %d: Put: %v", w, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	got := mustGet(t, st, "p1")
	if n, _ := got.Attributes["counter"].Int(); n != workers*each {
		t.Errorf("counter = %d after %d increments: an update was lost", n, workers*each)
	}
	if want := customer.Version(1 + workers*each); got.Version != want {
		t.Errorf("version = %d, want %d", got.Version, want)
	}
}

func (s *suite) concurrentSameVersion(t *testing.T) {
	if s.caps.NotConcurrent {
		t.Skip("store is not safe for concurrent use (Config.NotConcurrent)")
	}
	st := s.newStore(t)
	mustPut(t, st, Profile("p1", 1))
	const rounds, writers = 20, 4
	for round := range rounds {
		base := mustGet(t, st, "p1")
		start := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for w := range writers {
			p := base.Clone()
			p.Name.Given = fmt.Sprintf("writer%d", w)
			wg.Go(func() {
				<-start
				_, err := st.Put(t.Context(), p)
				switch {
				case err == nil:
					mu.Lock()
					wins++
					mu.Unlock()
				case !errors.Is(err, customer.ErrConflict):
					t.Errorf("round %d, writer %d: Put: %v", round, w, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if wins != 1 {
			t.Fatalf("round %d: %d of %d writers of version %d succeeded, want exactly 1", round, wins, writers, base.Version)
		}
		if got := mustGet(t, st, "p1").Version; got != base.Version+1 {
			t.Fatalf("round %d: version %d, want %d", round, got, base.Version+1)
		}
	}
}

func (s *suite) concurrentMixed(t *testing.T) {
	if s.caps.NotConcurrent {
		t.Skip("store is not safe for concurrent use (Config.NotConcurrent)")
	}
	st := s.newStore(t)
	const workers, each = 4, 20
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := customer.ID(fmt.Sprintf("w%d-%02d", w, i))
				p := Profile(id, i)
				if _, err := st.Put(t.Context(), p); err != nil {
					t.Errorf("Put %s: %v", id, err)
					return
				}
				if _, err := st.Get(t.Context(), id); err != nil {
					t.Errorf("Get %s: %v", id, err)
				}
				if ids, err := st.Lookup(t.Context(), customer.Identifier{Scheme: "test", Value: string(id)}); err != nil || !slices.Equal(ids, []customer.ID{id}) {
					t.Errorf("Lookup %s = %v, %v", id, ids, err)
				}
				if i%5 == 0 {
					for _, err := range st.All(t.Context()) {
						if err != nil {
							t.Errorf("All: %v", err)
						}
					}
				}
				if i%2 == 1 {
					if err := st.Delete(t.Context(), id); err != nil {
						t.Errorf("Delete %s: %v", id, err)
					}
				}
			}
		})
	}
	wg.Wait()
	got, err := collect(t, st.All(t.Context()))
	if err != nil {
		t.Fatal(err)
	}
	if want := workers * each / 2; len(got) != want {
		t.Errorf("after the concurrent run the store holds %d profiles, want %d", len(got), want)
	}
	if n := len(lookup(t, st, "group", "g0")); n == 0 {
		t.Error("Lookup(group:g0) found nothing after the concurrent run")
	}
}
