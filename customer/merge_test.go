package customer_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// stored builds a profile from records, stamps it and puts it in st.
func stored(t *testing.T, st customer.Store, s *customer.Survivorship, id customer.ID, created int, records []customer.SourceRecord) *customer.Profile {
	t.Helper()
	p, err := s.Build(id, records)
	if err != nil {
		t.Fatal(err)
	}
	p.CreatedAt, p.UpdatedAt = day(created), day(created)
	v, err := st.Put(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	p.Version = v
	return p
}

var decision = customer.Decision{Actor: "steward", Rule: "email exact", Reason: "same e-mail", At: day(29)}

func TestMergeUnmerge(t *testing.T) {
	ctx := t.Context()
	var st customer.MemoryStore
	m := &customer.Merger{Store: &st}
	a := stored(t, &st, &m.Survivorship, "A", 1, nameRecords()[:2])
	b := stored(t, &st, &m.Survivorship, "B", 2, nameRecords()[2:])

	merged, err := m.Merge(ctx, "A", "B", decision)
	if err != nil {
		t.Fatal(err)
	}
	if len(merged.Sources) != 3 {
		t.Errorf("merged profile has %d source records, want 3", len(merged.Sources))
	}
	if _, err := st.Get(ctx, "B"); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("absorbed profile still stored: %v", err)
	}
	if ids, _ := st.Lookup(ctx, customer.Identifier{Scheme: "source:webshop", Value: "W1"}); !cmp.Equal(ids, []customer.ID{"A"}) {
		t.Errorf("Lookup(source:webshop/W1) = %v, want [A]", ids)
	}
	ev := merged.Audit[len(merged.Audit)-1]
	if ev.Action != customer.ActionMerge || ev.Actor != "steward" || ev.Rule != "email exact" || ev.Reason != "same e-mail" || !ev.At.Equal(day(29)) || ev.Other != "B" {
		t.Errorf("merge not logged with who/rule/why/when: %+v", ev)
	}

	kept, restored, err := m.Unmerge(ctx, "A", "B", customer.Decision{Actor: "steward", Reason: "different people", At: day(30)})
	if err != nil {
		t.Fatal(err)
	}
	ignore := cmpopts.IgnoreFields(customer.Profile{}, "Version", "UpdatedAt", "Audit")
	if diff := cmp.Diff(a, kept, ignore); diff != "" {
		t.Errorf("kept profile differs from before the merge (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(b, restored, cmpopts.IgnoreFields(customer.Profile{}, "Version")); diff != "" {
		t.Errorf("restored profile differs from before the merge (-before +after):\n%s", diff)
	}
	if n := len(kept.Audit); n != 2 || kept.Audit[1].Action != customer.ActionUnmerge {
		t.Errorf("kept audit = %+v, want merge then unmerge", kept.Audit)
	}
	if _, _, err := m.Unmerge(ctx, "A", "B", decision); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("second Unmerge: err = %v, want ErrNotFound", err)
	}
}

// TestMergeUnmergeProperty: for random profiles, merging and then unmerging
// loses nothing: both profiles come back with the same facts, sources,
// provenance, consent and creation time, and the merged profile held every
// source record and consent entry of both.
func TestMergeUnmergeProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		ctx := t.Context()
		var st customer.MemoryStore
		m := &customer.Merger{Store: &st, Survivorship: customer.Survivorship{
			Default: customer.SurvivorshipRule(r.IntN(4)), SourcePriority: []string{"service", "sales"},
			ConsentPolicy: customer.ConsentPolicy(r.IntN(2)),
		}}
		a := stored(t, &st, &m.Survivorship, "A", 1, randomRecords(r, "a", 1+r.IntN(4)))
		b := stored(t, &st, &m.Survivorship, "B", 2, randomRecords(r, "b", 1+r.IntN(4)))
		if r.IntN(3) == 0 {
			b.Restriction = &customer.Restriction{Since: day(3), Purposes: []customer.Purpose{customer.PurposeProfiling}}
			b.Audit = []customer.AuditEvent{{Action: customer.ActionRestrict, At: day(3)}}
			v, err := st.Put(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			b.Version = v
		}
		merged, err := m.Merge(ctx, "A", "B", decision)
		if err != nil {
			t.Fatalf("case %d: Merge: %v", i, err)
		}
		if got, want := len(merged.Sources), len(a.Sources)+len(b.Sources); got != want {
			t.Fatalf("case %d: merged has %d source records, want %d", i, got, want)
		}
		if got, want := len(merged.Consent.Entries), len(a.Consent.Entries)+len(b.Consent.Entries); got != want {
			t.Fatalf("case %d: merged has %d consent entries, want %d", i, got, want)
		}
		kept, restored, err := m.Unmerge(ctx, "A", "B", decision)
		if err != nil {
			t.Fatalf("case %d: Unmerge: %v", i, err)
		}
		if diff := cmp.Diff(a, kept, cmpopts.IgnoreFields(customer.Profile{}, "Version", "UpdatedAt", "Audit")); diff != "" {
			t.Fatalf("case %d: A after merge∘unmerge (-before +after):\n%s", i, diff)
		}
		if diff := cmp.Diff(b, restored, cmpopts.IgnoreFields(customer.Profile{}, "Version")); diff != "" {
			t.Fatalf("case %d: B after merge∘unmerge (-before +after):\n%s", i, diff)
		}
		for _, id := range []customer.ID{"A", "B"} {
			got, err := st.Get(ctx, id)
			if err != nil {
				t.Fatalf("case %d: %s not stored after unmerge: %v", i, id, err)
			}
			want := kept
			if id == "B" {
				want = restored
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("case %d: stored %s differs from returned (-returned +stored):\n%s", i, id, diff)
			}
		}
	}
}

func TestMergeErrors(t *testing.T) {
	ctx := t.Context()
	var st customer.MemoryStore
	m := &customer.Merger{Store: &st}
	stored(t, &st, &m.Survivorship, "A", 1, nameRecords()[:1])
	b := stored(t, &st, &m.Survivorship, "B", 1, nameRecords()[1:2])
	if _, err := m.Merge(ctx, "A", "A", decision); !errors.Is(err, customer.ErrInvalid) {
		t.Errorf("merge into itself: %v, want ErrInvalid", err)
	}
	if _, err := m.Merge(ctx, "A", "Z", decision); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("merge of absent: %v, want ErrNotFound", err)
	}
	if _, err := m.Merge(ctx, "A", "B", customer.Decision{}); !errors.Is(err, customer.ErrInvalid) {
		t.Errorf("merge without a time: %v, want ErrInvalid", err)
	}
	b.Restriction = &customer.Restriction{Since: day(1)}
	if _, err := st.Put(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Merge(ctx, "A", "B", decision); !errors.Is(err, customer.ErrRestricted) {
		t.Errorf("merge of a restricted profile: %v, want ErrRestricted", err)
	}
	if _, err := st.Get(ctx, "B"); err != nil {
		t.Errorf("refused merge changed the store: %v", err)
	}
}

// conflictStore fails the n-th Put with ErrConflict.
type conflictStore struct {
	customer.MemoryStore
	n, puts int
}

func (s *conflictStore) Put(ctx context.Context, p *customer.Profile) (customer.Version, error) {
	s.puts++
	if s.puts == s.n {
		return 0, fmt.Errorf("injected: %w", customer.ErrConflict)
	}
	return s.MemoryStore.Put(ctx, p)
}

func TestSplitRollsBack(t *testing.T) {
	ctx := t.Context()
	st := &conflictStore{}
	m := &customer.Merger{Store: st}
	before := stored(t, st, &m.Survivorship, "A", 1, nameRecords())
	st.n = st.puts + 2 // the second Put of the split: updating A
	_, _, err := m.Split(ctx, "A", []customer.RecordKey{{System: "webshop", RecordID: "W1"}}, "C", decision)
	if !errors.Is(err, customer.ErrConflict) {
		t.Fatalf("Split with a conflict: %v, want ErrConflict", err)
	}
	if _, err := st.Get(ctx, "C"); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("the new profile was not rolled back: %v", err)
	}
	got, _ := st.Get(ctx, "A")
	if diff := cmp.Diff(before, got); diff != "" {
		t.Errorf("A changed by a failed split (-want +got):\n%s", diff)
	}
	st.n = 0
	kept, split, err := m.Split(ctx, "A", []customer.RecordKey{{System: "webshop", RecordID: "W1"}}, "C", decision)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept.Sources) != 2 || len(split.Sources) != 1 || split.Name.Latin != "Taro Yamada" {
		t.Errorf("split: kept %d records, split %d (%+v)", len(kept.Sources), len(split.Sources), split.Name)
	}
}

func TestMergeConflictChangesNothing(t *testing.T) {
	ctx := t.Context()
	st := &conflictStore{}
	m := &customer.Merger{Store: st}
	a := stored(t, st, &m.Survivorship, "A", 1, nameRecords()[:1])
	b := stored(t, st, &m.Survivorship, "B", 1, nameRecords()[1:])
	st.n = st.puts + 1
	if _, err := m.Merge(ctx, "A", "B", decision); !errors.Is(err, customer.ErrConflict) {
		t.Fatalf("Merge with a concurrent change: %v, want ErrConflict", err)
	}
	for _, want := range []*customer.Profile{a, b} {
		got, err := st.Get(ctx, want.ID)
		if err != nil {
			t.Fatalf("%s lost after a failed merge: %v", want.ID, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s changed by a failed merge (-want +got):\n%s", want.ID, diff)
		}
	}
}

func TestFieldErrorMessage(t *testing.T) {
	err := &customer.FieldError{Record: "profile C1", Field: "contact_points[0].value", Err: errors.New("empty")}
	if got, want := err.Error(), "profile C1: contact_points[0].value: empty"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, customer.ErrInvalid) {
		t.Error("FieldError does not match ErrInvalid")
	}
}

func TestUnmergeKeepsLaterRestriction(t *testing.T) {
	ctx := t.Context()
	var st customer.MemoryStore
	m := &customer.Merger{Store: &st}
	stored(t, &st, &m.Survivorship, "A", 1, nameRecords()[:1])
	stored(t, &st, &m.Survivorship, "B", 1, nameRecords()[1:])
	if _, err := m.Merge(ctx, "A", "B", decision); err != nil {
		t.Fatal(err)
	}
	pv := &customer.Privacy{Store: &st}
	if _, err := pv.Restrict(ctx, "A", customer.Decision{Actor: "dpo", Reason: "objection", At: day(29)}, customer.PurposeMarketing); err != nil {
		t.Fatal(err)
	}
	kept, restored, err := m.Unmerge(ctx, "A", "B", customer.Decision{Actor: "steward", At: day(30)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*customer.Profile{kept, restored} {
		if !p.Restriction.Applies(customer.PurposeMarketing) {
			t.Errorf("%s lost the restriction imposed while merged: %+v", p.ID, p.Restriction)
		}
	}
}

// racingStore changes a profile just before the first DeleteVersion, as a
// concurrent writer would between a merge's read and its delete.
type racingStore struct {
	*customer.MemoryStore
	race func()
}

func (r *racingStore) DeleteVersion(ctx context.Context, id customer.ID, v customer.Version) error {
	if f := r.race; f != nil {
		r.race = nil
		f()
	}
	return r.MemoryStore.DeleteVersion(ctx, id, v)
}

// storeOnly hides every method but Store's.
type storeOnly struct{ customer.Store }

// TestMergeKeepsAConcurrentChangeOfTheAbsorbedProfile: when the absorbed
// profile changes while a merge is under way, a VersionedDeleter store
// makes the merge fail with ErrConflict, the change is kept and the
// surviving profile gets its previous content back; a plain Store merges
// and loses the change, as documented.
func TestMergeKeepsAConcurrentChangeOfTheAbsorbedProfile(t *testing.T) {
	ctx := t.Context()
	mem := &customer.MemoryStore{}
	rs := &racingStore{MemoryStore: mem}
	m := &customer.Merger{Store: rs}
	a := stored(t, mem, &m.Survivorship, "A", 1, nameRecords()[:2])
	stored(t, mem, &m.Survivorship, "B", 2, nameRecords()[2:])
	var changed *customer.Profile
	rs.race = func() {
		b, err := mem.Get(ctx, "B")
		if err != nil {
			t.Fatal(err)
		}
		b.Attributes = map[string]customer.Value{"note": customer.StringValue("changed meanwhile")}
		v, err := mem.Put(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		b.Version = v
		changed = b
	}
	if _, err := m.Merge(ctx, "A", "B", decision); !errors.Is(err, customer.ErrConflict) {
		t.Fatalf("Merge racing a change of B: error %v, want ErrConflict", err)
	}
	gotB, err := mem.Get(ctx, "B")
	if err != nil {
		t.Fatalf("B lost: %v", err)
	}
	if diff := cmp.Diff(changed, gotB); diff != "" {
		t.Errorf("B's concurrent change not kept (-want +got):\n%s", diff)
	}
	gotA, err := mem.Get(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, gotA, cmpopts.IgnoreFields(customer.Profile{}, "Version")); diff != "" {
		t.Errorf("A not restored after the failed merge (-want +got):\n%s", diff)
	}
	if ids, _ := mem.Lookup(ctx, customer.Identifier{Scheme: "source:webshop", Value: "W1"}); !cmp.Equal(ids, []customer.ID{"B"}) {
		t.Errorf("Lookup(source:webshop/W1) = %v, want [B] only", ids)
	}

	// Without DeleteVersion the merge goes through.
	m.Store = storeOnly{mem}
	if _, err := m.Merge(ctx, "A", "B", decision); err != nil {
		t.Fatalf("Merge on a plain Store: %v", err)
	}
	if _, err := mem.Get(ctx, "B"); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("B still stored after a merge on a plain Store: %v", err)
	}
}
