package customertest

import (
	"fmt"
	"testing"

	"github.com/c360/c360/customer"
)

// Bench measures Put, Get, Lookup and All on stores made by newStore, each
// sub-benchmark on a fresh store preloaded with n profiles built by Profile.
func Bench(b *testing.B, newStore func(b *testing.B) customer.Store, n int) {
	load := func(b *testing.B) customer.Store {
		st := newStore(b)
		for i := range n {
			if _, err := st.Put(b.Context(), Profile(customer.ID(fmt.Sprintf("p%06d", i)), i)); err != nil {
				b.Fatal(err)
			}
		}
		return st
	}
	b.Run("Put", func(b *testing.B) {
		st := load(b)
		p := Profile("bench", 1)
		b.ReportAllocs()
		for b.Loop() {
			v, err := st.Put(b.Context(), p)
			if err != nil {
				b.Fatal(err)
			}
			p.Version = v
		}
	})
	b.Run("Get", func(b *testing.B) {
		st := load(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := st.Get(b.Context(), customer.ID(fmt.Sprintf("p%06d", i%n))); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Lookup", func(b *testing.B) {
		st := load(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := st.Lookup(b.Context(), customer.Identifier{Scheme: "test", Value: "p000001"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("All", func(b *testing.B) {
		st := load(b)
		b.ReportAllocs()
		for b.Loop() {
			for _, err := range st.All(b.Context()) {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
