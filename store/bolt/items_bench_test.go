package bolt

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/c360/c360"
)

// benchGroups groups of benchGroupSize items are stored before the
// benchmarks run, so that reads walk a tree of realistic depth.
const benchGroups, benchGroupSize = 5000, 20

func benchItemsDB(b *testing.B, noSync bool) *EngineStore {
	b.Helper()
	db, err := Open(filepath.Join(b.TempDir(), "c360.db"), &Options{NoSync: noSync})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	s := db.Engine()
	val := make([]byte, 64)
	err = s.Update(b.Context(), func(tx c360.Tx) error {
		for g := range benchGroups {
			for k := range benchGroupSize {
				if err := tx.Put("events", fmt.Sprintf("person-%06d", g), fmt.Sprintf("%020d", k), val); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkItemPutGet is one Update that reads an item and writes it back
// (the read-modify-write of a counter), on a file holding 100,000 items.
func BenchmarkItemPutGet(b *testing.B) {
	for _, sync := range []bool{false, true} {
		b.Run(fmt.Sprintf("fsync=%t", sync), func(b *testing.B) {
			s := benchItemsDB(b, !sync)
			val := make([]byte, 64)
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				group := fmt.Sprintf("person-%06d", i%benchGroups)
				i++
				err := s.Update(b.Context(), func(tx c360.Tx) error {
					if _, err := tx.Get("events", group, "counter"); err != nil && !isNotFound(err) {
						return err
					}
					return tx.Put("events", group, "counter", val)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkItemScan reads one 20-item group in a View.
func BenchmarkItemScan(b *testing.B) {
	s := benchItemsDB(b, true)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		group := fmt.Sprintf("person-%06d", i%benchGroups)
		i++
		n := 0
		err := s.View(b.Context(), func(tx c360.ReadTx) error {
			for _, err := range tx.Scan("events", group) {
				if err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != benchGroupSize {
			b.Fatalf("scanned %d items, want %d", n, benchGroupSize)
		}
	}
}

func isNotFound(err error) bool { return errors.Is(err, c360.ErrNotFound) }
