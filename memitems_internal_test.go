package c360

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
)

// TestMemoryItemsAgainstAMap runs random writes on the MemoryStore's items
// — groups growing past packedGroupMax (a packed group becomes a map) and
// shrinking below it again (packed anew), deletions, dropped groups,
// failed Updates — and checks after every Update that Get, Scan and Groups
// give what a plain map of the committed writes gives, and inside the
// Update what it gives with the Update's own writes.
func TestMemoryItemsAgainstAMap(t *testing.T) {
	ctx := t.Context()
	s := NewMemoryStore()
	model := map[string]map[string]string{} // group → key → value, in bucket "b"
	rng := rand.New(rand.NewPCG(1, 2))
	groups := []string{"", "a", "b\x00c", "big"}
	sawMap := false
	check := func(tx ReadTx, want map[string]map[string]string, when string) {
		t.Helper()
		var got []string
		for g, err := range tx.Groups("b", "") {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, g)
		}
		var wantGroups []string
		for g, items := range want {
			if g != "" && len(items) > 0 {
				wantGroups = append(wantGroups, g)
			}
		}
		slices.Sort(wantGroups)
		if diff := cmp.Diff(wantGroups, got); diff != "" {
			t.Fatalf("%s: Groups (-want +got):\n%s", when, diff)
		}
		for _, g := range groups {
			var scanned []string
			for it, err := range tx.Scan("b", g) {
				if err != nil {
					t.Fatal(err)
				}
				scanned = append(scanned, it.Key+"="+string(it.Value))
			}
			var wantItems []string
			for _, k := range slices.Sorted(maps.Keys(want[g])) {
				wantItems = append(wantItems, k+"="+want[g][k])
			}
			if diff := cmp.Diff(wantItems, scanned); diff != "" {
				t.Fatalf("%s: Scan(%q) (-want +got):\n%s", when, g, diff)
			}
			for k := range 700 {
				key := fmt.Sprintf("k%04d", k)
				v, err := tx.Get("b", g, key)
				w, ok := want[g][key]
				switch {
				case ok && (err != nil || string(v) != w):
					t.Fatalf("%s: Get(%q, %q) = %q, %v; want %q", when, g, key, v, err, w)
				case !ok && !errors.Is(err, ErrNotFound):
					t.Fatalf("%s: Get(%q, %q) = %q, %v; want ErrNotFound", when, g, key, v, err)
				}
			}
		}
	}
	clone := func(m map[string]map[string]string) map[string]map[string]string {
		out := map[string]map[string]string{}
		for g, items := range m {
			out[g] = maps.Clone(items)
		}
		return out
	}
	for round := range 60 {
		next := clone(model)
		fail := round%7 == 3
		err := s.Update(ctx, func(tx Tx) error {
			n := 1 + rng.IntN(40)
			if round < 20 {
				n = 60 // grow "big" past the packed limit first
			}
			for range n {
				g := groups[rng.IntN(len(groups))]
				if round < 20 {
					g = "big"
				}
				key := fmt.Sprintf("k%04d", rng.IntN(700))
				if next[g] == nil {
					next[g] = map[string]string{}
				}
				switch r := rng.IntN(10); {
				case r < 6 || round < 20:
					v := fmt.Sprintf("v%d.%d", round, rng.IntN(1000))
					if r == 0 {
						v = "" // empty values are values
					}
					if err := tx.Put("b", g, key, []byte(v)); err != nil {
						return err
					}
					next[g][key] = v
				case r < 9 || round > 40: // shrink "big" below the limit at the end
					if err := tx.Delete("b", g, key); err != nil {
						return err
					}
					delete(next[g], key)
				default:
					if err := tx.DeleteGroup("b", g); err != nil {
						return err
					}
					next[g] = map[string]string{}
				}
			}
			if round > 40 {
				for k := range 700 { // shrink "big" below the limit at the end
					if k%3 != 0 {
						key := fmt.Sprintf("k%04d", k)
						if err := tx.Delete("b", "big", key); err != nil {
							return err
						}
						delete(next["big"], key)
					}
				}
			}
			check(tx, next, fmt.Sprintf("round %d, inside", round))
			if fail {
				return errors.New("fail on purpose")
			}
			return nil
		})
		if fail != (err != nil) {
			t.Fatalf("round %d: Update: %v", round, err)
		}
		if !fail {
			model = next
		}
		if err := s.View(ctx, func(tx ReadTx) error { check(tx, model, fmt.Sprintf("round %d, after", round)); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(model["big"]) > packedGroupMax {
			sawMap = true
			if s.items["b"]["big"].vals == nil {
				t.Errorf("round %d: group big has %d items, packed", round, len(model["big"]))
			}
		}
	}
	if !sawMap {
		t.Errorf("group big never grew past %d items: the test misses the map form", packedGroupMax)
	}
	big := s.items["b"]["big"]
	if big == nil || big.vals != nil {
		t.Errorf("group big ends with %d items as a map; it should be packed again", len(model["big"]))
	}
}

// TestMemoryProfilesAfterWrites checks Profiles (whose committed IDs the
// MemoryStore caches in order) against a plain set of IDs as Updates
// create, replace and delete profiles, inside the Updates and after, from
// every starting point.
func TestMemoryProfilesAfterWrites(t *testing.T) {
	ctx := t.Context()
	s := NewMemoryStore()
	model := map[customer.ID]bool{}
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(tx ReadTx, want map[customer.ID]bool, when string) {
		t.Helper()
		ids := slices.Sorted(maps.Keys(want))
		for _, after := range append([]customer.ID{"", "P05x", "P99"}, ids...) {
			var got, wantAfter []customer.ID
			for p, err := range tx.Profiles(after) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, p.ID)
			}
			for _, id := range ids {
				if id > after {
					wantAfter = append(wantAfter, id)
				}
			}
			if diff := cmp.Diff(wantAfter, got); diff != "" {
				t.Fatalf("%s: Profiles(%q) (-want +got):\n%s", when, after, diff)
			}
		}
	}
	for round := range 30 {
		next := maps.Clone(model)
		fail := round%5 == 2
		err := s.Update(ctx, func(tx Tx) error {
			for range 1 + rng.IntN(4) {
				id := customer.ID(fmt.Sprintf("P%02d", rng.IntN(12)))
				if next[id] && rng.IntN(2) == 0 {
					if err := tx.DeleteProfile(id); err != nil {
						return err
					}
					delete(next, id)
					continue
				}
				if err := tx.PutProfile(&customer.Profile{ID: id}); err != nil {
					return err
				}
				next[id] = true
			}
			check(tx, next, fmt.Sprintf("round %d, inside", round))
			if fail {
				return errors.New("fail on purpose")
			}
			return nil
		})
		if fail != (err != nil) {
			t.Fatalf("round %d: Update: %v", round, err)
		}
		if !fail {
			model = next
		}
		if err := s.View(ctx, func(tx ReadTx) error { check(tx, model, fmt.Sprintf("round %d, after", round)); return nil }); err != nil {
			t.Fatal(err)
		}
	}
}
