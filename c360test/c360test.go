// Package c360test checks implementations of c360.Store, the storage
// interface under the Engine, in the way testing/fstest checks an fs.FS.
// An implementation's tests call Run with a function that returns a fresh,
// empty store; each rule of c360.Store's contract is a subtest named for
// it, and a failure says which rule broke. Run also drives an Engine over
// the store (records, merges, reviews, unmerge, the change feed, the
// engine's intelligence), runs package inteltest's suites on
// c360.IntelStore over the store, and, when Config.Reopen is set, checks
// that a reopened store answers exactly as before.
package c360test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Config tells RunConfig what a store can do beyond the contract.
type Config struct {
	// Reopen, if set, closes s and opens the same storage again (the same
	// file, the same database), returning the new handle; RunConfig then
	// checks restarts. nil skips the restart test (a store that forgets on
	// Close, as the in-memory one does).
	Reopen func(t *testing.T, s c360.Store) c360.Store `json:"-"`
}

// Run checks the Store contract on stores made by newStore, which returns
// a fresh, empty store for each test (Run closes it).
func Run(t *testing.T, newStore func(t *testing.T) c360.Store) {
	RunConfig(t, newStore, Config{})
}

// RunConfig is Run with what the store can do beyond the contract.
func RunConfig(t *testing.T, newStore func(t *testing.T) c360.Store, cfg Config) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s c360.Store)
	}{
		{"AbsentIsNotFound", absentIsNotFound},
		{"UpdateIsAtomic", updateIsAtomic},
		{"CancelledUpdateChangesNothing", cancelledUpdate},
		{"ReadsSeeOwnWrites", readsSeeOwnWrites},
		{"ValuesAreCopied", valuesAreCopied},
		{"Candidates", candidates},
		{"NeverMergeIsSymmetric", neverMerge},
		{"ChangeLog", changeLog},
		{"ListsAreOrdered", listsAreOrdered},
		{"UpdatesAreSerialised", updatesAreSerialised},
		{"Items", items},
		{"ItemUpdatesAreSerialised", itemCountersAreSerialised},
		{"ErasureWrites", erasureWrites},
		{"Engine", engineOn},
		{"LiveEngine", liveOn},
		{"IntelLinksFollowMerges", intelLinks},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			defer s.Close()
			tt.fn(t, s)
		})
	}
	if cfg.Reopen != nil {
		t.Run("Restart", func(t *testing.T) { restart(t, newStore, cfg.Reopen) })
		t.Run("LiveRestart", func(t *testing.T) { liveRestart(t, newStore, cfg.Reopen) })
		t.Run("IntelRestart", func(t *testing.T) { intelRestart(t, newStore, cfg.Reopen) })
	}
	t.Run("Intel", func(t *testing.T) { intelSuites(t, newStore) })
	t.Run("Erase", func(t *testing.T) { eraseProperty(t, newStore) })
	t.Run("Closed", func(t *testing.T) {
		s := newStore(t)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		err := s.View(t.Context(), func(c360.ReadTx) error { return nil })
		if !errors.Is(err, c360.ErrClosed) {
			t.Errorf("View after Close = %v, want ErrClosed", err)
		}
	})
}

var (
	keyA = customer.RecordKey{System: "sales", RecordID: "S-1"}
	keyB = customer.RecordKey{System: "webshop", RecordID: "W-1"}
	keyC = customer.RecordKey{System: "service", RecordID: "V-1"}
	at   = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
)

func link(k customer.RecordKey, p customer.ID) *c360.Link {
	return &c360.Link{Record: k, Profile: p, Reason: "match", At: at, Keys: []string{"email:x", "phone:y"},
		Values: []string{"山田", "太郎", "", "", "taro@example.jp"}, Fingerprint: "F" + k.RecordID,
		Match: &match.Explanation{A: k.String(), B: "other", Weight: 12.5, Probability: 0.9998,
			Fields: []match.Contribution{{Field: "email", Level: "exact", Weight: 14, A: "taro@example.jp", B: "taro@example.jp"}}}}
}

func profile(id customer.ID, recs ...customer.RecordKey) *customer.Profile {
	p := &customer.Profile{ID: id, CreatedAt: at, UpdatedAt: at, Version: 1}
	p.Kind = customer.KindPerson
	p.Name = customer.PersonName{Family: "山田", Given: "太郎"}
	for _, k := range recs {
		r := customer.SourceRecord{System: k.System, RecordID: k.RecordID, ObservedAt: at}
		r.Kind = customer.KindPerson
		r.Name = p.Name
		p.Sources = append(p.Sources, r)
	}
	return p
}

func update(t *testing.T, s c360.Store, fn func(tx c360.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t *testing.T, s c360.Store, fn func(tx c360.ReadTx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func absentIsNotFound(t *testing.T, s c360.Store) {
	view(t, s, func(tx c360.ReadTx) error {
		for name, err := range map[string]error{
			"Link":    second(tx.Link(keyA)),
			"Profile": second(tx.Profile("nope")),
			"Merge":   second(tx.Merge("nope")),
			"Review":  second(tx.Review("nope")),
			"Meta":    second(tx.Meta("nope")),
		} {
			if !errors.Is(err, c360.ErrNotFound) {
				t.Errorf("%s of an absent key = %v, want ErrNotFound", name, err)
			}
		}
		if c, err := tx.Candidates("nope", 10); err != nil || len(c) != 0 {
			t.Errorf("Candidates of an absent key = %v, %v; want none", c, err)
		}
		if c, err := tx.NeverMerge(keyA); err != nil || len(c) != 0 {
			t.Errorf("NeverMerge of an unconstrained record = %v, %v; want none", c, err)
		}
		return nil
	})
	err := s.Update(t.Context(), func(tx c360.Tx) error {
		for name, err := range map[string]error{
			"DeleteLink":    tx.DeleteLink(keyA),
			"DeleteProfile": tx.DeleteProfile("nope"),
			"DeleteMerge":   tx.DeleteMerge("nope"),
			"DeleteReview":  tx.DeleteReview("nope"),
		} {
			if !errors.Is(err, c360.ErrNotFound) {
				t.Errorf("%s of an absent key = %v, want ErrNotFound", name, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func second[T any](_ T, err error) error { return err }

// writeAll writes one of everything.
func writeAll(tx c360.Tx) error {
	if err := tx.PutLink(link(keyA, "P1")); err != nil {
		return err
	}
	if err := tx.AddKeys(keyA, []string{"k1", "k2"}); err != nil {
		return err
	}
	if err := tx.PutProfile(profile("P1", keyA)); err != nil {
		return err
	}
	if err := tx.PutMerge(&c360.Merge{Survivor: "P1", Absorbed: "P0", Records: []customer.RecordKey{keyC}, At: at}); err != nil {
		return err
	}
	if err := tx.PutReview(&c360.Review{ID: "R1", Record: keyA, Candidate: keyB, CreatedAt: at}); err != nil {
		return err
	}
	if err := tx.AddNeverMerge(keyA, keyC); err != nil {
		return err
	}
	if _, err := tx.AppendChange(&c360.Change{Kind: c360.ChangeCreated, Profile: "P1", At: at}); err != nil {
		return err
	}
	return tx.PutMeta("m", []byte("v"))
}

// state reads everything the tests write, as one comparable value.
type state struct {
	Link     *c360.Link
	Keys     []customer.RecordKey
	Profile  *customer.Profile
	Merge    *c360.Merge
	Review   *c360.Review
	Never    []customer.RecordKey
	Changes  []c360.Change
	Meta     string
	Profiles []customer.ID
	Reviews  []string
}

func readState(t *testing.T, s c360.Store) state {
	t.Helper()
	var st state
	view(t, s, func(tx c360.ReadTx) error {
		st.Link, _ = tx.Link(keyA)
		st.Keys, _ = tx.Candidates("k1", 0)
		st.Profile, _ = tx.Profile("P1")
		st.Merge, _ = tx.Merge("P0")
		st.Review, _ = tx.Review("R1")
		st.Never, _ = tx.NeverMerge(keyA)
		st.Changes, _ = tx.Changes(0, 0)
		m, _ := tx.Meta("m")
		st.Meta = string(m)
		for p, err := range tx.Profiles("") {
			if err != nil {
				return err
			}
			st.Profiles = append(st.Profiles, p.ID)
		}
		for r, err := range tx.Reviews() {
			if err != nil {
				return err
			}
			st.Reviews = append(st.Reviews, r.ID)
		}
		return nil
	})
	return st
}

var timeEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func updateIsAtomic(t *testing.T, s c360.Store) {
	empty := readState(t, s)
	boom := errors.New("boom")
	err := s.Update(t.Context(), func(tx c360.Tx) error {
		if err := writeAll(tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want fn's error", err)
	}
	if diff := cmp.Diff(empty, readState(t, s), timeEqual); diff != "" {
		t.Errorf("a failed Update left writes behind (-before +after):\n%s", diff)
	}
	update(t, s, writeAll)
	got := readState(t, s)
	if got.Link == nil || got.Profile == nil || got.Merge == nil || got.Review == nil || len(got.Keys) != 1 ||
		len(got.Never) != 1 || len(got.Changes) != 1 || got.Meta != "v" {
		t.Errorf("a committed Update is not all visible: %+v", got)
	}
}

func cancelledUpdate(t *testing.T, s c360.Store) {
	empty := readState(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	err := s.Update(ctx, func(tx c360.Tx) error {
		if err := writeAll(tx); err != nil {
			return err
		}
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update with ctx cancelled inside fn = %v, want context.Canceled", err)
	}
	if diff := cmp.Diff(empty, readState(t, s), timeEqual); diff != "" {
		t.Errorf("a cancelled Update left writes behind (-before +after):\n%s", diff)
	}
}

func readsSeeOwnWrites(t *testing.T, s c360.Store) {
	update(t, s, func(tx c360.Tx) error {
		if err := writeAll(tx); err != nil {
			return err
		}
		if _, err := tx.Link(keyA); err != nil {
			t.Errorf("Link after PutLink in the same Update: %v", err)
		}
		if c, _ := tx.Candidates("k2", 0); !slices.Equal(c, []customer.RecordKey{keyA}) {
			t.Errorf("Candidates after AddKeys in the same Update = %v", c)
		}
		if err := tx.DeleteProfile("P1"); err != nil {
			t.Errorf("DeleteProfile after PutProfile in the same Update: %v", err)
		}
		if _, err := tx.Profile("P1"); !errors.Is(err, c360.ErrNotFound) {
			t.Errorf("Profile after DeleteProfile in the same Update = %v, want ErrNotFound", err)
		}
		n := 0
		for _, err := range tx.Profiles("") {
			if err != nil {
				return err
			}
			n++
		}
		if n != 0 {
			t.Errorf("Profiles lists %d profiles after the only one was deleted in the same Update", n)
		}
		if err := tx.RemoveKeys(keyA, []string{"k1"}); err != nil {
			return err
		}
		if c, _ := tx.Candidates("k1", 0); len(c) != 0 {
			t.Errorf("Candidates after RemoveKeys in the same Update = %v", c)
		}
		return nil
	})
}

func valuesAreCopied(t *testing.T, s c360.Store) {
	l := link(keyA, "P1")
	p := profile("P1", keyA)
	update(t, s, func(tx c360.Tx) error {
		if err := tx.PutLink(l); err != nil {
			return err
		}
		return tx.PutProfile(p)
	})
	l.Keys[0], l.Values[0], l.Match.Fields[0].Weight = "changed", "changed", -1
	p.Sources[0].RecordID, p.Name.Family = "changed", "changed"
	view(t, s, func(tx c360.ReadTx) error {
		gl, err := tx.Link(keyA)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(link(keyA, "P1"), gl, timeEqual); diff != "" {
			t.Errorf("changing a Link after PutLink changed the store (-want +got):\n%s", diff)
		}
		gl.Keys[0], gl.Match.Fields[0].Field = "mutated", "mutated"
		gp, err := tx.Profile("P1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(profile("P1", keyA), gp, timeEqual, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("changing a Profile after PutProfile changed the store (-want +got):\n%s", diff)
		}
		gp.Sources[0].RecordID = "mutated"
		return nil
	})
	view(t, s, func(tx c360.ReadTx) error {
		gl, _ := tx.Link(keyA)
		gp, _ := tx.Profile("P1")
		if gl.Keys[0] == "mutated" || gl.Match.Fields[0].Field == "mutated" || gp.Sources[0].RecordID == "mutated" {
			t.Error("changing a value a read returned changed the store")
		}
		return nil
	})
}

func candidates(t *testing.T, s c360.Store) {
	var keys []customer.RecordKey
	for i := range 5 {
		keys = append(keys, customer.RecordKey{System: "s", RecordID: fmt.Sprintf("r%d", i)})
	}
	update(t, s, func(tx c360.Tx) error {
		for _, k := range keys {
			if err := tx.AddKeys(k, []string{"block"}); err != nil {
				return err
			}
		}
		// Adding again keeps the record in place.
		return tx.AddKeys(keys[0], []string{"block"})
	})
	view(t, s, func(tx c360.ReadTx) error {
		all, err := tx.Candidates("block", 0)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(keys, all); diff != "" {
			t.Errorf("Candidates (-want +got), in the order added:\n%s", diff)
		}
		last, err := tx.Candidates("block", 2)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(keys[3:], last); diff != "" {
			t.Errorf("Candidates with a limit must be the newest (-want +got):\n%s", diff)
		}
		return nil
	})
	update(t, s, func(tx c360.Tx) error { return tx.AddKeys(keys[0], []string{"second"}) })
	view(t, s, func(tx c360.ReadTx) error {
		cr, ok := tx.(c360.CandidatesReader)
		if !ok {
			return nil
		}
		for _, limit := range []int{0, 2} {
			ks := []string{"block", "absent", "second", "block"}
			got, err := cr.CandidatesOf(ks, limit)
			if err != nil {
				return err
			}
			var want [][]customer.RecordKey
			for _, k := range ks {
				c, err := tx.Candidates(k, limit)
				if err != nil {
					return err
				}
				want = append(want, c)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("CandidatesOf(limit %d) disagrees with Candidates key by key (-Candidates +CandidatesOf):\n%s", limit, diff)
			}
		}
		return nil
	})
	update(t, s, func(tx c360.Tx) error { return tx.RemoveKeys(keys[1], []string{"block", "other"}) })
	view(t, s, func(tx c360.ReadTx) error {
		all, _ := tx.Candidates("block", 0)
		want := slices.Delete(slices.Clone(keys), 1, 2)
		if diff := cmp.Diff(want, all); diff != "" {
			t.Errorf("Candidates after RemoveKeys (-want +got):\n%s", diff)
		}
		return nil
	})
}

func neverMerge(t *testing.T, s c360.Store) {
	update(t, s, func(tx c360.Tx) error {
		if err := tx.AddNeverMerge(keyA, keyC); err != nil {
			return err
		}
		if err := tx.AddNeverMerge(keyA, keyB); err != nil {
			return err
		}
		return tx.AddNeverMerge(keyC, keyA) // again, the other way
	})
	view(t, s, func(tx c360.ReadTx) error {
		a, _ := tx.NeverMerge(keyA)
		want := []customer.RecordKey{keyC, keyB} // "service" sorts before "webshop"
		if diff := cmp.Diff(want, a); diff != "" {
			t.Errorf("NeverMerge(a) (-want +got), sorted by system then ID:\n%s", diff)
		}
		c, _ := tx.NeverMerge(keyC)
		if diff := cmp.Diff([]customer.RecordKey{keyA}, c); diff != "" {
			t.Errorf("NeverMerge must hold both ways (-want +got):\n%s", diff)
		}
		return nil
	})
}

func changeLog(t *testing.T, s c360.Store) {
	var got []c360.Cursor
	for i := range 5 {
		update(t, s, func(tx c360.Tx) error {
			for j := range i % 2 * 2 {
				c, err := tx.AppendChange(&c360.Change{Kind: c360.ChangeUpdated, Profile: customer.ID(fmt.Sprintf("P%d-%d", i, j)), At: at,
					Fields: []c360.FieldChange{{Field: "name", Old: "a", New: "b"}}})
				if err != nil {
					return err
				}
				got = append(got, c)
			}
			c, err := tx.AppendChange(&c360.Change{Kind: c360.ChangeCreated, Profile: customer.ID(fmt.Sprintf("P%d", i)), At: at})
			got = append(got, c)
			return err
		})
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("cursors do not grow: %v", got)
		}
	}
	view(t, s, func(tx c360.ReadTx) error {
		all, err := tx.Changes(0, 0)
		if err != nil {
			return err
		}
		var cs []c360.Cursor
		for _, c := range all {
			cs = append(cs, c.Cursor)
		}
		if diff := cmp.Diff(got, cs); diff != "" {
			t.Errorf("Changes(0) cursors (-appended +read):\n%s", diff)
		}
		if all[1].Fields[0].New != "b" {
			t.Errorf("change fields not kept: %+v", all[1])
		}
		page, _ := tx.Changes(got[2], 3)
		if len(page) != 3 || page[0].Cursor != got[3] {
			t.Errorf("Changes(after %d, 3) = %+v, want 3 from %d", got[2], page, got[3])
		}
		end, _ := tx.Changes(got[len(got)-1], 10)
		if len(end) != 0 {
			t.Errorf("Changes after the last = %+v", end)
		}
		return nil
	})
}

func listsAreOrdered(t *testing.T, s c360.Store) {
	ids := []customer.ID{"P3", "P1", "P10", "P2"}
	update(t, s, func(tx c360.Tx) error {
		for _, id := range ids {
			if err := tx.PutProfile(profile(id)); err != nil {
				return err
			}
			if err := tx.PutReview(&c360.Review{ID: "R" + string(id), Record: keyA, Candidate: keyB, CreatedAt: at}); err != nil {
				return err
			}
		}
		return nil
	})
	st := readState(t, s)
	if diff := cmp.Diff([]customer.ID{"P1", "P10", "P2", "P3"}, st.Profiles); diff != "" {
		t.Errorf("Profiles order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"RP1", "RP10", "RP2", "RP3"}, st.Reviews); diff != "" {
		t.Errorf("Reviews order (-want +got):\n%s", diff)
	}
	view(t, s, func(tx c360.ReadTx) error {
		for _, tc := range []struct {
			after customer.ID
			want  []customer.ID
		}{{"P10", []customer.ID{"P2", "P3"}}, {"P0", []customer.ID{"P1", "P10", "P2", "P3"}}, {"P3", nil}, {"P25", []customer.ID{"P3"}}} {
			var got []customer.ID
			for p, err := range tx.Profiles(tc.after) {
				if err != nil {
					return err
				}
				got = append(got, p.ID)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Profiles(after %q) (-want +got):\n%s", tc.after, diff)
			}
		}
		return nil
	})
}

// updatesAreSerialised increments a counter from many goroutines: lost
// updates mean two Updates ran at once.
func updatesAreSerialised(t *testing.T, s c360.Store) {
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			errs <- s.Update(context.Background(), func(tx c360.Tx) error {
				v, err := tx.Meta("counter")
				if err != nil && !errors.Is(err, c360.ErrNotFound) {
					return err
				}
				var c int
				fmt.Sscan(string(v), &c)
				if _, err := tx.AppendChange(&c360.Change{Kind: c360.ChangeUpdated, Profile: "P", At: at}); err != nil {
					return err
				}
				return tx.PutMeta("counter", fmt.Append(nil, c+1))
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st := readState(t, s)
	view(t, s, func(tx c360.ReadTx) error {
		v, _ := tx.Meta("counter")
		if string(v) != fmt.Sprint(n) {
			t.Errorf("counter = %s after %d concurrent increments: updates were not serialised", v, n)
		}
		return nil
	})
	if len(st.Changes) != n {
		t.Errorf("%d changes after %d concurrent Updates", len(st.Changes), n)
	}
}

func person(sys, id, family, given, email, phone string) customer.SourceRecord {
	r := customer.SourceRecord{System: sys, RecordID: id, ObservedAt: at}
	r.Kind = customer.KindPerson
	r.Name = customer.PersonName{Family: family, Given: given}
	if email != "" {
		r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactEmail, Value: email, Primary: true})
	}
	if phone != "" {
		r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactPhone, Value: phone, Primary: true})
	}
	return r
}

// scenario drives an engine through creates, a join, a merge, an unmerge
// and the change feed, and returns a summary of its answers.
func scenario(t *testing.T, e *c360.Engine) string {
	t.Helper()
	ctx := t.Context()
	var b strings.Builder
	do := func(r customer.SourceRecord) c360.Update {
		up, err := e.Upsert(ctx, r)
		if err != nil {
			t.Fatalf("Upsert %s: %v", r.Key(), err)
		}
		fmt.Fprintf(&b, "%s → %s %s %v\n", r.Key(), up.Outcome, up.Profile, up.Absorbed)
		return up
	}
	a := do(person("sales", "S-1", "山田", "太郎", "taro@example.jp", ""))
	bb := person("service", "V-2", "", "", "", "090-1111-2222")
	bb.Name.Latin = "Taro Yamada"
	pb := do(bb)
	do(person("webshop", "W-1", "山田", "太郎", "TARO@example.jp", ""))
	m := do(person("webshop", "W-3", "山田", "太郎", "taro@example.jp", "09011112222"))
	if m.Outcome != c360.Merged || m.Profile != a.Profile {
		t.Errorf("bridge record: %+v", m)
	}
	if _, err := e.Unmerge(ctx, pb.Profile); err != nil {
		t.Errorf("Unmerge: %v", err)
	}
	do(person("sales", "S-2", "佐藤", "花子", "hanako@example.jp", "06-1234-5678"))
	return b.String()
}

// summary reads an engine's whole visible state.
func summary(t *testing.T, e *c360.Engine) string {
	t.Helper()
	var b strings.Builder
	for p, err := range e.Profiles(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		var ks []string
		for _, s := range p.Sources {
			ks = append(ks, s.Key().String())
		}
		fmt.Fprintf(&b, "profile %s v%d %s %s\n", p.ID, p.Version, p.DisplayName(), strings.Join(ks, ","))
	}
	for c, err := range e.Changes(t.Context(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "change %d %s %s %v %d fields\n", c.Cursor, c.Kind, c.Profile, c.Absorbed, len(c.Fields))
	}
	rv, err := e.Reviews(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rv {
		fmt.Fprintf(&b, "review %s %s %s\n", r.ID, r.Record, r.Candidate)
	}
	return b.String()
}

func clock() func() time.Time {
	var mu sync.Mutex
	now := at
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
}

func engineOn(t *testing.T, s c360.Store) {
	e, err := c360.Open(t.Context(), c360.Config{Store: s, Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	got := scenario(t, e)
	mem, err := c360.Open(t.Context(), c360.Config{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	want := scenario(t, mem)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the engine answers differently on this store than in memory (-memory +store):\n%s", diff)
	}
	if diff := cmp.Diff(summary(t, mem), summary(t, e)); diff != "" {
		t.Errorf("the engine's state differs on this store from memory (-memory +store):\n%s", diff)
	}
}

func restart(t *testing.T, newStore func(t *testing.T) c360.Store, reopen func(t *testing.T, s c360.Store) c360.Store) {
	s := newStore(t)
	e, err := c360.Open(t.Context(), c360.Config{Store: s, Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	scenario(t, e)
	before := summary(t, e)
	e.Close()
	s = reopen(t, s)
	defer s.Close()
	e, err = c360.Open(t.Context(), c360.Config{Store: s, Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if diff := cmp.Diff(before, summary(t, e)); diff != "" {
		t.Errorf("a reopened store answers differently (-before +after):\n%s", diff)
	}
	// The same records again change nothing after the restart.
	up, err := e.Upsert(t.Context(), person("sales", "S-1", "山田", "太郎", "taro@example.jp", ""))
	if err != nil || up.Outcome != c360.Unchanged {
		t.Errorf("re-sent record after restart: %+v, %v; want unchanged", up, err)
	}
}

// Clusters returns an engine's profiles as sorted lists of their record
// keys ("system/id system/id …"), sorted: two engines hold the same
// clusters when their Clusters are equal, whatever the profile IDs. For
// tests that compare engines (replicas, restarts, Load against Upserts).
func Clusters(tb testing.TB, e *c360.Engine) []string {
	tb.Helper()
	var out []string
	for p, err := range e.Profiles(context.Background()) {
		if err != nil {
			tb.Fatal(err)
		}
		ks := make([]string, 0, len(p.Sources))
		for _, s := range p.Sources {
			ks = append(ks, s.Key().String())
		}
		slices.Sort(ks)
		out = append(out, strings.Join(ks, " "))
	}
	slices.Sort(out)
	return out
}
