package bolt

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/c360/c360"
	"github.com/google/go-cmp/cmp"
)

func scanItems(t testing.TB, tx c360.ReadTx, bucket, group string) []c360.Item {
	t.Helper()
	var out []c360.Item
	for it, err := range tx.Scan(bucket, group) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, it)
	}
	return out
}

func listGroups(t testing.TB, tx c360.ReadTx, bucket, after string) []string {
	t.Helper()
	var out []string
	for g, err := range tx.Groups(bucket, after) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, g)
	}
	return out
}

// Items are kept in the file: a reopened DB reads them back, groups and
// odd bytes included.
func TestItemsSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c360.db")
	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []c360.Item{{Key: "", Value: []byte{}}, {Key: "\x00", Value: []byte("nul")}, {Key: "a", Value: []byte{0, 1, 2}}}
	err = db.Engine().Update(t.Context(), func(tx c360.Tx) error {
		for _, g := range []string{"", "\x00", "x"} {
			for _, it := range want {
				if err := tx.Put("", g, it.Key, it.Value); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Engine().View(t.Context(), func(tx c360.ReadTx) error {
		for _, g := range []string{"", "\x00", "x"} {
			if diff := cmp.Diff(want, scanItems(t, tx, "", g)); diff != "" {
				t.Errorf("group %q after reopen (-want +got):\n%s", g, diff)
			}
		}
		// Groups lists the groups strictly after after, as MemoryStore
		// does: the group "" is not after "".
		if diff := cmp.Diff([]string{"\x00", "x"}, listGroups(t, tx, "", "")); diff != "" {
			t.Errorf("Groups after reopen (-want +got):\n%s", diff)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A View of a file no Update has written reads no items, without error.
func TestItemsOfAFreshFile(t *testing.T) {
	db := openTemp(t)
	err := db.Engine().View(t.Context(), func(tx c360.ReadTx) error {
		if _, err := tx.Get("b", "g", "k"); !errors.Is(err, c360.ErrNotFound) {
			t.Errorf("Get = %v, want ErrNotFound", err)
		}
		if its := scanItems(t, tx, "b", "g"); len(its) != 0 {
			t.Errorf("Scan = %v, want nothing", its)
		}
		if gs := listGroups(t, tx, "b", ""); len(gs) != 0 {
			t.Errorf("Groups = %q, want nothing", gs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Groups that are prefixes of one another, or hold 0x00, 0x01 and 0x02
// bytes where the part encoding puts its own, stay apart and in byte order,
// and large groups are skipped over whole.
func TestItemGroupsThatLookAlike(t *testing.T) {
	db := openTemp(t)
	s := db.Engine()
	groups := []string{"a", "a\x00", "a\x00\x01", "a\x01", "a\x02", "a\xff", "ab", "b", "\x01"}
	err := s.Update(t.Context(), func(tx c360.Tx) error {
		for _, g := range groups {
			for i := range 300 {
				if err := tx.Put("b", g, fmt.Sprintf("%04d", i), []byte(g)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.View(t.Context(), func(tx c360.ReadTx) error {
		want := []string{"\x01", "a", "a\x00", "a\x00\x01", "a\x01", "a\x02", "ab", "a\xff", "b"}
		if diff := cmp.Diff(want, listGroups(t, tx, "b", "")); diff != "" {
			t.Errorf("Groups (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want[3:], listGroups(t, tx, "b", "a\x00")); diff != "" {
			t.Errorf("Groups after \"a\\x00\" (-want +got):\n%s", diff)
		}
		for _, g := range groups {
			its := scanItems(t, tx, "b", g)
			if len(its) != 300 {
				t.Errorf("group %q has %d items, want 300", g, len(its))
			}
			for _, it := range its {
				if string(it.Value) != g {
					t.Errorf("group %q holds an item of group %q", g, it.Value)
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Inside an Update the body of a Scan may write to the group it walks:
// the walk sees each key once, in order, including keys the body added
// ahead of it, and not the ones it deleted.
func TestScanWhileWriting(t *testing.T) {
	db := openTemp(t)
	s := db.Engine()
	err := s.Update(t.Context(), func(tx c360.Tx) error {
		for i := range 200 {
			if err := tx.Put("b", "g", fmt.Sprintf("%03d", 2*i), []byte("old")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	err = s.Update(t.Context(), func(tx c360.Tx) error {
		for it, err := range tx.Scan("b", "g") {
			if err != nil {
				return err
			}
			seen = append(seen, it.Key)
			n, err := strconv.Atoi(it.Key)
			if err != nil {
				return err
			}
			if n%4 == 0 && n < 398 {
				// add the odd key just ahead, delete the even one after it
				if err := tx.Put("b", "g", fmt.Sprintf("%03d", n+1), []byte("new")); err != nil {
					return err
				}
				if err := tx.Delete("b", "g", fmt.Sprintf("%03d", n+2)); err != nil {
					return err
				}
			}
			if err := tx.Put("b", "g", it.Key, []byte("rewritten")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for n := 0; n < 400; n++ {
		switch {
		case n%4 == 0, n%4 == 1 && n < 398:
			want = append(want, fmt.Sprintf("%03d", n))
		}
	}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("keys seen by a Scan whose body writes (-want +got):\n%s", diff)
	}
}
