package c360

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
)

// sharedAt runs a shared update whose fn reads what read names and then
// writes key "out" of bucket "b", group "g": the value it read plus "+".
// In its first run, fn starts a plain Update with write (and a change) and
// returns once that Update's fn ran: the Update holds the writer lock and
// commits before the shared update can. It returns how often fn ran.
func sharedAt(t *testing.T, s *MemoryStore, read func(Tx) ([]byte, error), write func(Tx) error) (runs int, shift Cursor) {
	t.Helper()
	var other error
	otherDone := make(chan struct{})
	shift, err := s.updateShared(t.Context(), func(tx Tx) error {
		runs++
		v, err := read(tx)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if runs == 1 {
			ran := make(chan struct{})
			go func() {
				defer close(otherDone)
				other = s.Update(context.Background(), func(tx Tx) error {
					defer close(ran)
					if _, err := tx.AppendChange(&Change{Kind: ChangeUpdated, Profile: "P-other"}); err != nil {
						return err
					}
					return write(tx)
				})
			}()
			<-ran
		}
		if _, err := tx.AppendChange(&Change{Kind: ChangeUpdated, Profile: "P-shared"}); err != nil {
			return err
		}
		return tx.Put("b", "g", "out", append(v, '+'))
	})
	if err != nil {
		t.Fatal(err)
	}
	<-otherDone
	if other != nil {
		t.Fatal(other)
	}
	return runs, shift
}

// TestUpdateSharedRetriesOnConflict: a shared update whose reads another
// commit wrote meanwhile runs again on the new state; one whose reads were
// not written commits at once; and the cursors of its changes move past
// the ones committed meanwhile.
func TestUpdateSharedRetriesOnConflict(t *testing.T) {
	tests := []struct {
		name     string
		read     func(Tx) ([]byte, error)
		write    func(Tx) error // the commit that runs while the shared update waits
		wantRuns int
		wantOut  string
	}{
		{
			name:     "item read, then written",
			read:     func(tx Tx) ([]byte, error) { return tx.Get("b", "g", "in") },
			write:    func(tx Tx) error { return tx.Put("b", "g", "in", []byte("x")) },
			wantRuns: 2, wantOut: "x+",
		},
		{
			name: "group scanned, then an item added",
			read: func(tx Tx) ([]byte, error) {
				var out []byte
				for it, err := range tx.Scan("b", "h") {
					if err != nil {
						return nil, err
					}
					out = append(out, it.Key...)
				}
				return out, nil
			},
			write:    func(tx Tx) error { return tx.Put("b", "h", "k", nil) },
			wantRuns: 2, wantOut: "k+",
		},
		{
			name:     "item read, then its group dropped",
			read:     func(tx Tx) ([]byte, error) { return tx.Get("b", "d", "in") },
			write:    func(tx Tx) error { return tx.DeleteGroup("b", "d") },
			wantRuns: 2, wantOut: "+",
		},
		{
			name: "profile read, then written",
			read: func(tx Tx) ([]byte, error) {
				p, err := tx.Profile("P1")
				if err != nil {
					return nil, err
				}
				return []byte(p.Sources[0].RecordID), nil
			},
			write:    func(tx Tx) error { return tx.PutProfile(newTestProfile("P1", "new")) },
			wantRuns: 2, wantOut: "new+",
		},
		{
			name:     "another item of the group written",
			read:     func(tx Tx) ([]byte, error) { return tx.Get("b", "g", "in") },
			write:    func(tx Tx) error { return tx.Put("b", "g", "other", []byte("y")) },
			wantRuns: 1, wantOut: "seed+",
		},
		{
			name:     "another profile written",
			read:     func(tx Tx) ([]byte, error) { return tx.Get("b", "g", "in") },
			write:    func(tx Tx) error { return tx.PutProfile(newTestProfile("P2", "x")) },
			wantRuns: 1, wantOut: "seed+",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewMemoryStore()
			err := s.Update(t.Context(), func(tx Tx) error {
				if err := tx.PutProfile(newTestProfile("P1", "old")); err != nil {
					return err
				}
				if err := tx.Put("b", "d", "in", []byte("d")); err != nil {
					return err
				}
				if _, err := tx.AppendChange(&Change{Kind: ChangeCreated, Profile: "P1"}); err != nil {
					return err
				}
				return tx.Put("b", "g", "in", []byte("seed"))
			})
			if err != nil {
				t.Fatal(err)
			}
			if tc.name == "profile read, then written" {
				if err := s.Update(t.Context(), func(tx Tx) error { return tx.Delete("b", "g", "in") }); err != nil {
					t.Fatal(err)
				}
			}
			runs, shift := sharedAt(t, s, tc.read, tc.write)
			if runs != tc.wantRuns {
				t.Errorf("fn ran %d times, want %d", runs, tc.wantRuns)
			}
			if tc.wantRuns == 1 && shift != 1 {
				t.Errorf("shift = %d, want 1 (one change committed meanwhile)", shift)
			}
			var out []byte
			var feed []string
			err = s.View(t.Context(), func(tx ReadTx) error {
				var err error
				if out, err = tx.Get("b", "g", "out"); err != nil {
					return err
				}
				cs, err := tx.Changes(0, 0)
				for _, c := range cs {
					feed = append(feed, strconv.Itoa(int(c.Cursor))+":"+string(c.Profile))
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.wantOut {
				t.Errorf("out = %q, want %q", out, tc.wantOut)
			}
			if diff := cmp.Diff([]string{"1:P1", "2:P-other", "3:P-shared"}, feed); diff != "" {
				t.Errorf("change feed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUpdateSharedCountsLikeSerialUpdates: read-modify-writes of a few
// counters from many goroutines through updateShared end where the same
// increments made serially end (every conflict was caught).
func TestUpdateSharedCountsLikeSerialUpdates(t *testing.T) {
	const workers, each, counters = 8, 200, 3
	s := NewMemoryStore()
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := range each {
				key := strconv.Itoa((g + i) % counters)
				_, err := s.updateShared(context.Background(), func(tx Tx) error {
					v, err := tx.Get("count", "", key)
					if err != nil && !errors.Is(err, ErrNotFound) {
						return err
					}
					n, _ := strconv.Atoi(string(v))
					return tx.Put("count", "", key, []byte(strconv.Itoa(n+1)))
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	want := map[string]int{}
	for g := range workers {
		for i := range each {
			want[strconv.Itoa((g+i)%counters)]++
		}
	}
	got := map[string]int{}
	err := s.View(t.Context(), func(tx ReadTx) error {
		for it, err := range tx.Scan("count", "") {
			if err != nil {
				return err
			}
			got[it.Key], _ = strconv.Atoi(string(it.Value))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counters (-serial +shared):\n%s", diff)
	}
}

// newTestProfile is a profile whose one source record's ID is v.
func newTestProfile(id customer.ID, v string) *customer.Profile {
	return &customer.Profile{ID: id, Sources: []customer.SourceRecord{{System: "t", RecordID: v}}}
}
