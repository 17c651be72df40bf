package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/c360/c360"
	gocmp "github.com/google/go-cmp/cmp"
)

// itemRead is one read's answer, for comparing two stores.
type itemRead struct {
	Op    string
	Value []byte
	Items []c360.Item
	Names []string
	Err   string // "not found", or the error
}

func readItems(tx c360.ReadTx, op string, bucket, group, key string) itemRead {
	r := itemRead{Op: fmt.Sprintf("%s %q %q %q", op, bucket, group, key)}
	fail := func(err error) itemRead {
		if errors.Is(err, c360.ErrNotFound) {
			r.Err = "not found"
		} else {
			r.Err = err.Error()
		}
		return r
	}
	switch op {
	case "get":
		v, err := tx.Get(bucket, group, key)
		if err != nil {
			return fail(err)
		}
		r.Value = v
	case "scan":
		for it, err := range tx.Scan(bucket, group) {
			if err != nil {
				return fail(err)
			}
			r.Items = append(r.Items, it)
		}
	case "groups":
		for g, err := range tx.Groups(bucket, group) {
			if err != nil {
				return fail(err)
			}
			r.Names = append(r.Names, g)
		}
	}
	return r
}

// TestItemsAgreeWithMemory runs the same random reads and writes, in the
// same Updates, on MemoryStore and on PostgreSQL, and compares every
// answer: inside the Update (what the transaction remembers of its own
// writes and reads against what the server holds), after failed Updates,
// and in Views.
func TestItemsAgreeWithMemory(t *testing.T) {
	pg := freshDB(t, testPool(t)).Engine()
	mem := c360.NewMemoryStore()
	rng := rand.New(rand.NewPCG(14, 360))
	names := []string{"", "\x00", "a", "a\x00", "ab", "\xff", "é"}
	pick := func(r *rand.Rand) string { return names[r.IntN(len(names))] }
	ctx := context.Background()
	boom := errors.New("boom")
	reads := 0
	for round := range 150 {
		fail := rng.IntN(5) == 0
		var memReads, pgReads []itemRead
		run := func(tx c360.Tx, out *[]itemRead, r *rand.Rand) error {
			for range 25 {
				b, g, k := pick(r), pick(r), pick(r)
				// A prefetch hint (PostgreSQL only) changes no answer.
				if r.IntN(3) == 0 {
					keys := []string{pick(r), pick(r)}[:r.IntN(3)]
					if p, ok := tx.(interface {
						Prefetch(string, string, ...string)
					}); ok {
						p.Prefetch(b, g, keys...)
					}
				}
				switch op := r.IntN(10); {
				case op < 3:
					if err := tx.Put(b, g, k, []byte(strconv.Itoa(r.IntN(1000)))); err != nil {
						return err
					}
				case op < 4:
					if err := tx.Delete(b, g, k); err != nil {
						return err
					}
				case op < 5 && r.IntN(3) == 0:
					if err := tx.DeleteGroup(b, g); err != nil {
						return err
					}
				case op < 7:
					*out = append(*out, readItems(tx, "get", b, g, k))
				case op < 9:
					*out = append(*out, readItems(tx, "scan", b, g, ""))
				default:
					*out = append(*out, readItems(tx, "groups", b, g, ""))
				}
			}
			if fail {
				return boom
			}
			return nil
		}
		// The same random choices on both stores: two generators from one
		// seed per round.
		seed := rng.Uint64()
		errMem := mem.Update(ctx, func(tx c360.Tx) error { return run(tx, &memReads, rand.New(rand.NewPCG(seed, 1))) })
		errPG := pg.Update(ctx, func(tx c360.Tx) error { return run(tx, &pgReads, rand.New(rand.NewPCG(seed, 1))) })
		if (errMem != nil) != fail || (errPG != nil) != fail {
			t.Fatalf("round %d: Update = %v (memory), %v (postgres); want failure %t", round, errMem, errPG, fail)
		}
		if diff := gocmp.Diff(memReads, pgReads); diff != "" {
			t.Fatalf("round %d: reads inside the Update differ (-memory +postgres):\n%s", round, diff)
		}
		reads += len(memReads)
	}
	// Everything, in Views.
	var all [2][]itemRead
	for i, s := range []c360.Store{mem, pg} {
		err := s.View(ctx, func(tx c360.ReadTx) error {
			for _, b := range names {
				all[i] = append(all[i], readItems(tx, "groups", b, "", ""))
				for _, g := range names {
					all[i] = append(all[i], readItems(tx, "scan", b, g, ""), readItems(tx, "groups", b, g, ""))
					for _, k := range names {
						all[i] = append(all[i], readItems(tx, "get", b, g, k))
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if diff := gocmp.Diff(all[0], all[1]); diff != "" {
		t.Errorf("the stores differ after the Updates (-memory +postgres):\n%s", diff)
	}
	t.Logf("%d reads compared inside Updates, %d in Views", reads, len(all[0]))
}

// TestItemPages reads a group and a bucket larger than one page, in the
// Update that wrote them (own writes) and in a View.
func TestItemPages(t *testing.T) {
	s := freshDB(t, testPool(t)).Engine()
	const n = 2*pageSize + 17
	var wantItems []c360.Item
	var wantGroups []string
	for i := range n {
		wantItems = append(wantItems, c360.Item{Key: fmt.Sprintf("k%05d\x00", i), Value: []byte{byte(i)}})
		wantGroups = append(wantGroups, fmt.Sprintf("g%05d\x00", i))
	}
	check := func(tx c360.ReadTx) {
		t.Helper()
		if diff := gocmp.Diff(itemRead{Op: readItems(tx, "scan", "b", "big", "").Op, Items: wantItems}, readItems(tx, "scan", "b", "big", "")); diff != "" {
			t.Errorf("Scan of a group of %d items (-want +got):\n%s", n, diff)
		}
		r := readItems(tx, "groups", "groups", "", "")
		if diff := gocmp.Diff(wantGroups, r.Names); diff != "" || r.Err != "" {
			t.Errorf("Groups of a bucket of %d groups (%s) (-want +got):\n%s", n, r.Err, diff)
		}
		r = readItems(tx, "groups", "groups", wantGroups[pageSize-1], "")
		if diff := gocmp.Diff(wantGroups[pageSize:], r.Names); diff != "" || r.Err != "" {
			t.Errorf("Groups after the %dth (%s) (-want +got):\n%s", pageSize, r.Err, diff)
		}
	}
	err := s.Update(t.Context(), func(tx c360.Tx) error {
		for i, it := range wantItems {
			if err := tx.Put("b", "big", it.Key, it.Value); err != nil {
				return err
			}
			if err := tx.Put("groups", wantGroups[i], "k", nil); err != nil {
				return err
			}
		}
		check(tx)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.View(t.Context(), func(tx c360.ReadTx) error { check(tx); return nil }); err != nil {
		t.Fatal(err)
	}
}

// TestItemUpdatesSerialisedAcrossPools increments one item from two pools
// (as two processes would) at once: no increment is lost.
func TestItemUpdatesSerialisedAcrossPools(t *testing.T) {
	db := freshDB(t, testPool(t))
	stores := []*EngineStore{db.Engine(), reopen(t, db).Engine()}
	const perStore = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*perStore)
	for _, s := range stores {
		for range perStore {
			wg.Go(func() {
				errs <- s.Update(context.Background(), func(tx c360.Tx) error {
					v, err := tx.Get("sends", "person\x00", "count")
					if err != nil && !errors.Is(err, c360.ErrNotFound) {
						return err
					}
					n, _ := strconv.Atoi(string(v))
					return tx.Put("sends", "person\x00", "count", []byte(strconv.Itoa(n+1)))
				})
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	err := stores[1].View(t.Context(), func(tx c360.ReadTx) error {
		v, err := tx.Get("sends", "person\x00", "count")
		if err != nil {
			return err
		}
		if got, want := string(v), strconv.Itoa(2*perStore); got != want {
			t.Errorf("count = %s after %s increments from two pools: lost updates", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPrefetchSavesRoundTrips: reads announced with Prefetch go to the
// server together, in the round trip of the first of them; reads of what
// was prefetched then cost none.
func TestPrefetchSavesRoundTrips(t *testing.T) {
	s := freshDB(t, testPool(t)).Engine()
	ctx := context.Background()
	err := s.Update(ctx, func(tx c360.Tx) error {
		for _, g := range []string{"a", "b", "c"} {
			for _, k := range []string{"1", "2"} {
				if err := tx.Put("events", g, k, []byte(g+k)); err != nil {
					return err
				}
			}
		}
		return tx.Put("state", "a", "", []byte("state of a"))
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	before := s.roundTrips.Load()
	err = s.View(ctx, func(rtx c360.ReadTx) error {
		tx := rtx.(*engineTx)
		tx.Prefetch("state", "a", "")
		tx.Prefetch("state", "z", "") // absent
		for _, g := range []string{"a", "b", "c", "absent"} {
			tx.Prefetch("events", g)
		}
		for _, g := range []string{"a", "b", "c", "absent"} {
			for it, err := range tx.Scan("events", g) {
				if err != nil {
					return err
				}
				got = append(got, string(it.Value))
			}
		}
		v, err := tx.Get("state", "a", "")
		if err != nil {
			return err
		}
		got = append(got, string(v))
		if _, err := tx.Get("state", "z", ""); !errors.Is(err, c360.ErrNotFound) {
			t.Errorf("Get of a prefetched absent item = %v, want ErrNotFound", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff([]string{"a1", "a2", "b1", "b2", "c1", "c2", "state of a"}, got); diff != "" {
		t.Errorf("reads after Prefetch (-want +got):\n%s", diff)
	}
	// One round trip for BEGIN and every prefetched read, one for the
	// View's ROLLBACK.
	if n := s.roundTrips.Load() - before; n != 2 {
		t.Errorf("a View of 4 prefetched groups and 2 prefetched items took %d round trips, want 2", n)
	}
}
