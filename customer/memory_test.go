package customer_test

import (
	"testing"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/customer/customertest"
)

func TestMemoryStore(t *testing.T) {
	customertest.Run(t, func(*testing.T) customer.Store { return new(customer.MemoryStore) })
}

func TestMemoryStoreZeroValue(t *testing.T) {
	var s customer.MemoryStore
	if s.Len() != 0 {
		t.Errorf("zero MemoryStore Len = %d", s.Len())
	}
	if ids, err := s.Lookup(t.Context(), customer.Identifier{Scheme: "x", Value: "y"}); err != nil || len(ids) != 0 {
		t.Errorf("zero MemoryStore Lookup = %v, %v", ids, err)
	}
	for range s.All(t.Context()) {
		t.Error("zero MemoryStore All yielded something")
	}
}

func BenchmarkMemoryStore(b *testing.B) {
	customertest.Bench(b, func(*testing.B) customer.Store { return new(customer.MemoryStore) }, 1000)
}
