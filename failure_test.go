package c360_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
)

var errInjected = errors.New("injected store failure")

// failingStore fails the failAt-th write of any Update (counting from 1);
// 0 fails nothing.
type failingStore struct {
	c360.Store
	failAt, writes int
}

func (s *failingStore) Update(ctx context.Context, fn func(c360.Tx) error) error {
	return s.Store.Update(ctx, func(tx c360.Tx) error { return fn(&failingTx{Tx: tx, s: s}) })
}

type failingTx struct {
	c360.Tx
	s *failingStore
}

func (t *failingTx) fail() error {
	t.s.writes++
	if t.s.failAt > 0 && t.s.writes == t.s.failAt {
		return errInjected
	}
	return nil
}

func (t *failingTx) PutLink(l *c360.Link) error {
	if err := t.fail(); err != nil {
		return err
	}
	return t.Tx.PutLink(l)
}
func (t *failingTx) AddKeys(r customer.RecordKey, k []string) error {
	if err := t.fail(); err != nil {
		return err
	}
	return t.Tx.AddKeys(r, k)
}
func (t *failingTx) RemoveKeys(r customer.RecordKey, k []string) error {
	if err := t.fail(); err != nil {
		return err
	}
	return t.Tx.RemoveKeys(r, k)
}
func (t *failingTx) PutProfile(p *customer.Profile) error {
	if err := t.fail(); err != nil {
		return err
	}
	return t.Tx.PutProfile(p)
}
func (t *failingTx) DeleteProfile(id customer.ID) error {
	if err := t.fail(); err != nil {
		return err
	}
	return t.Tx.DeleteProfile(id)
}
func (t *failingTx) PutMerge(m *c360.Merge) error {
	if err := t.fail(); err != nil {
		return err
	}
	return t.Tx.PutMerge(m)
}
func (t *failingTx) PutReview(r *c360.Review) error {
	if err := t.fail(); err != nil {
		return err
	}
	return t.Tx.PutReview(r)
}
func (t *failingTx) AppendChange(c *c360.Change) (c360.Cursor, error) {
	if err := t.fail(); err != nil {
		return 0, err
	}
	return t.Tx.AppendChange(c)
}

// dump reads everything the engine shows about the given records.
func dump(t *testing.T, e *c360.Engine, keys []customer.RecordKey) string {
	t.Helper()
	var b strings.Builder
	for p, err := range e.Profiles(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "profile %s v%d %d sources %s\n", p.ID, p.Version, len(p.Sources), p.DisplayName())
	}
	for c, err := range e.Changes(t.Context(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "change %d %s %s %v\n", c.Cursor, c.Kind, c.Profile, c.Absorbed)
	}
	for _, k := range keys {
		l, err := e.LinkOf(t.Context(), k)
		if err != nil {
			fmt.Fprintf(&b, "link %s: %v\n", k, errors.Is(err, c360.ErrNotFound))
			continue
		}
		fmt.Fprintf(&b, "link %s → %s %s keys %d\n", k, l.Profile, l.Reason, len(l.Keys))
	}
	return b.String()
}

// TestStoreFailureLeavesNothingHalfWritten fails every write of a merging
// Upsert in turn and checks that the state is exactly as before, and that
// the Upsert then succeeds as if nothing had happened.
func TestStoreFailureLeavesNothingHalfWritten(t *testing.T) {
	recs := []customer.SourceRecord{
		person("sales", "S-1", "山田", "太郎", "taro@example.jp", ""),
		person("service", "V-2", "", "", "", "090-1111-2222"),
		person("webshop", "W-3", "山田", "太郎", "taro@example.jp", "09011112222"),
	}
	recs[1].Name.Latin = "Taro Yamada"
	var keys []customer.RecordKey
	for _, r := range recs {
		keys = append(keys, r.Key())
	}
	// The reference: everything without failures.
	ref := open(t, c360.Config{Now: newClock().Now})
	var want c360.Update
	for _, r := range recs {
		want = upsert(t, ref, r)
	}
	if want.Outcome != c360.Merged {
		t.Fatalf("the last record should merge: %+v", want)
	}
	for failAt := 1; ; failAt++ {
		fs := &failingStore{Store: c360.NewMemoryStore()}
		e := open(t, c360.Config{Store: fs, Now: newClock().Now})
		for _, r := range recs[:2] {
			upsert(t, e, r)
		}
		before := dump(t, e, keys)
		fs.failAt, fs.writes = failAt, 0
		_, err := e.Upsert(t.Context(), recs[2])
		if err == nil {
			if failAt == 1 {
				t.Fatal("no write was failed")
			}
			t.Logf("the merging Upsert makes %d writes; each failed in turn", failAt-1)
			break
		}
		if !errors.Is(err, errInjected) {
			t.Fatalf("write %d: Upsert = %v, want the injected error", failAt, err)
		}
		if diff := cmp.Diff(before, dump(t, e, keys)); diff != "" {
			t.Fatalf("write %d failed: state changed (-before +after):\n%s", failAt, diff)
		}
		fs.failAt = 0
		got, err := e.Upsert(t.Context(), recs[2])
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome != want.Outcome || got.Profile != want.Profile || len(got.Absorbed) != len(want.Absorbed) {
			t.Fatalf("after a failure at write %d, the retry gave %+v, want %+v", failAt, got, want)
		}
		if diff := cmp.Diff(dump(t, ref, keys), dump(t, e, keys)); diff != "" {
			t.Fatalf("after a failure at write %d and a retry (-reference +got):\n%s", failAt, diff)
		}
	}
}
