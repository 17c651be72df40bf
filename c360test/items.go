package c360test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/c360/c360"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// scanAll reads a group's items.
func scanAll(tx c360.ReadTx, bucket, group string) ([]c360.Item, error) {
	var out []c360.Item
	for it, err := range tx.Scan(bucket, group) {
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

func groupsAll(tx c360.ReadTx, bucket, after string) ([]string, error) {
	var out []string
	for g, err := range tx.Groups(bucket, after) {
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// odd byte strings every store must keep as they are: NUL, high bytes,
// invalid UTF-8, the empty key.
var (
	oddGroup = "g\x00\xff\xfe"
	oddKey   = "\x00k\x80"
)

// items checks the item contract: Get/Put/Delete/DeleteGroup, byte-wise
// order of keys and groups, odd bytes kept, own writes seen, atomicity.
func items(t *testing.T, s c360.Store) {
	if err := s.View(t.Context(), func(tx c360.ReadTx) error {
		_, err := tx.Get("b", "g", "k")
		if !errors.Is(err, c360.ErrNotFound) {
			t.Errorf("Get of an absent item = %v, want ErrNotFound", err)
		}
		its, err := scanAll(tx, "b", "g")
		if err != nil || len(its) != 0 {
			t.Errorf("Scan of an absent group = %v, %v; want nothing", its, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Keys in an order that byte-wise sorting and naive string or
	// collation sorting disagree on.
	keys := []string{"b", "a", "", "B", "\xff", "a\x00", "\x00", "é", "ab", "10", "9"}
	update(t, s, func(tx c360.Tx) error {
		for i, k := range keys {
			if err := tx.Put("b", "g", k, []byte(fmt.Sprint(i))); err != nil {
				return err
			}
		}
		for _, g := range []string{"g2", "g1", oddGroup, "G"} {
			if err := tx.Put("b", g, oddKey, []byte(g)); err != nil {
				return err
			}
		}
		// the same group and key in another bucket is another item
		if err := tx.Put("other", "g", "a", []byte("other")); err != nil {
			return err
		}
		// own writes
		v, err := tx.Get("b", "g", "a")
		if err != nil || string(v) != "1" {
			t.Errorf("Get after Put in the same Update = %q, %v; want \"1\"", v, err)
		}
		return nil
	})
	wantKeys := []string{"", "\x00", "10", "9", "B", "a", "a\x00", "ab", "b", "é", "\xff"}
	view(t, s, func(tx c360.ReadTx) error {
		its, err := scanAll(tx, "b", "g")
		if err != nil {
			return err
		}
		var got []string
		for _, it := range its {
			got = append(got, it.Key)
		}
		if diff := cmp.Diff(wantKeys, got); diff != "" {
			t.Errorf("Scan order is not byte-wise (-want +got):\n%s", diff)
		}
		for _, it := range its {
			i := -1
			for j, k := range keys {
				if k == it.Key {
					i = j
				}
			}
			if string(it.Value) != fmt.Sprint(i) {
				t.Errorf("item %q = %q, want %q", it.Key, it.Value, fmt.Sprint(i))
			}
		}
		gs, err := groupsAll(tx, "b", "")
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]string{"G", "g", oddGroup, "g1", "g2"}, gs); diff != "" {
			t.Errorf("Groups (-want +got):\n%s", diff)
		}
		gs, err = groupsAll(tx, "b", "g")
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]string{oddGroup, "g1", "g2"}, gs); diff != "" {
			t.Errorf("Groups after \"g\" (-want +got):\n%s", diff)
		}
		v, err := tx.Get("b", oddGroup, oddKey)
		if err != nil || string(v) != oddGroup {
			t.Errorf("Get of an item with odd bytes = %q, %v", v, err)
		}
		v, err = tx.Get("other", "g", "a")
		if err != nil || string(v) != "other" {
			t.Errorf("Get in another bucket = %q, %v; want \"other\"", v, err)
		}
		return nil
	})
	// Delete, DeleteGroup (absent ones too), and what the same Update sees.
	update(t, s, func(tx c360.Tx) error {
		for _, err := range []error{
			tx.Delete("b", "g", "a"),
			tx.Delete("b", "g", "absent"),
			tx.Delete("b", "absent", "absent"),
			tx.DeleteGroup("b", "g1"),
			tx.DeleteGroup("b", "absent"),
			tx.DeleteGroup("b", "g2"),
			tx.Put("b", "g2", "new", []byte("after the group was deleted")),
		} {
			if err != nil {
				return err
			}
		}
		if _, err := tx.Get("b", "g", "a"); !errors.Is(err, c360.ErrNotFound) {
			t.Errorf("Get after Delete in the same Update = %v, want ErrNotFound", err)
		}
		if _, err := tx.Get("b", "g2", oddKey); !errors.Is(err, c360.ErrNotFound) {
			t.Errorf("Get after DeleteGroup in the same Update = %v, want ErrNotFound", err)
		}
		its, err := scanAll(tx, "b", "g2")
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]c360.Item{{Key: "new", Value: []byte("after the group was deleted")}}, its); diff != "" {
			t.Errorf("Scan of a group deleted and written again in the same Update (-want +got):\n%s", diff)
		}
		gs, err := groupsAll(tx, "b", "")
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]string{"G", "g", oddGroup, "g2"}, gs); diff != "" {
			t.Errorf("Groups inside the Update that deleted g1 (-want +got):\n%s", diff)
		}
		return nil
	})
	view(t, s, func(tx c360.ReadTx) error {
		gs, err := groupsAll(tx, "b", "")
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]string{"G", "g", oddGroup, "g2"}, gs); diff != "" {
			t.Errorf("Groups after DeleteGroup (-want +got):\n%s", diff)
		}
		its, err := scanAll(tx, "b", "g")
		if err != nil {
			return err
		}
		if len(its) != len(keys)-1 {
			t.Errorf("group g has %d items after one Delete, want %d", len(its), len(keys)-1)
		}
		return nil
	})
	// A failed Update leaves no item behind.
	boom := errors.New("boom")
	err := s.Update(t.Context(), func(tx c360.Tx) error {
		if err := tx.Put("b", "failed", "k", []byte("v")); err != nil {
			return err
		}
		if err := tx.DeleteGroup("b", "g"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	view(t, s, func(tx c360.ReadTx) error {
		if _, err := tx.Get("b", "failed", "k"); !errors.Is(err, c360.ErrNotFound) {
			t.Errorf("a failed Update's Put is visible: %v", err)
		}
		its, err := scanAll(tx, "b", "g")
		if err != nil {
			return err
		}
		if len(its) != len(keys)-1 {
			t.Errorf("a failed Update's DeleteGroup is visible: %d items left of %d", len(its), len(keys)-1)
		}
		return nil
	})
	// Values are copied in and out; an empty value is kept as empty.
	val := []byte("value")
	update(t, s, func(tx c360.Tx) error {
		if err := tx.Put("c", "g", "k", val); err != nil {
			return err
		}
		return tx.Put("c", "g", "empty", nil)
	})
	val[0] = 'X'
	view(t, s, func(tx c360.ReadTx) error {
		v, err := tx.Get("c", "g", "k")
		if err != nil {
			return err
		}
		if string(v) != "value" {
			t.Errorf("changing a value after Put changed the store: %q", v)
		}
		v[0] = 'Y'
		v, err = tx.Get("c", "g", "empty")
		if err != nil || len(v) != 0 {
			t.Errorf("an empty value reads back as %q, %v", v, err)
		}
		return nil
	})
	view(t, s, func(tx c360.ReadTx) error {
		if v, _ := tx.Get("c", "g", "k"); string(v) != "value" {
			t.Errorf("changing a value Get returned changed the store: %q", v)
		}
		return nil
	})
}

// itemCountersAreSerialised checks that read-modify-write of one item in
// concurrent Updates loses no increment (what the engine's send caps rely
// on).
func itemCountersAreSerialised(t *testing.T, s c360.Store) {
	const workers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range each {
				err := s.Update(context.Background(), func(tx c360.Tx) error {
					v, err := tx.Get("counter", "", "n")
					if err != nil && !errors.Is(err, c360.ErrNotFound) {
						return err
					}
					n := 0
					if len(v) > 0 {
						fmt.Sscan(string(v), &n)
					}
					return tx.Put("counter", "", "n", []byte(fmt.Sprint(n+1)))
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	view(t, s, func(tx c360.ReadTx) error {
		v, err := tx.Get("counter", "", "n")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(fmt.Sprint(workers*each), string(v), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("concurrent increments lost (-want +got):\n%s", diff)
		}
		return nil
	})
}
