package intel

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
)

// Repository stores intelligence items. It is the implementor surface:
// storage only, no validation, no access control, no search. A host that
// keeps items in its own database implements it and runs
// [github.com/c360/c360/intel/inteltest.Run] against it; [MemoryRepository]
// is the embedded default. The SDK calls it from [Hub], which adds
// validation, access control, the search index, subscriptions and insight.
//
// Implementations must be safe for concurrent use and must copy: the items
// passed to Put and returned by Get and All are owned by the caller.
type Repository interface {
	// Get returns the item with that ID, or an error wrapping ErrNotFound.
	Get(ctx context.Context, id ID) (*Item, error)
	// Put stores it if it.Version equals the stored version (0 when the
	// item is new) and returns the new version, stored version + 1; the
	// stored copy carries that version. A version mismatch returns an error
	// wrapping ErrConflict and changes nothing.
	Put(ctx context.Context, it *Item) (int64, error)
	// Delete removes the item, or returns an error wrapping ErrNotFound.
	Delete(ctx context.Context, id ID) error
	// All streams every item in ascending ID order (byte-wise), then one
	// error (if any) as the final pair. Each call returns a fresh iterator;
	// an implementation must not hold locks while yielding. Items added or
	// removed while the iteration runs may or may not be seen.
	All(ctx context.Context) iter.Seq2[*Item, error]
}

// MemoryRepository is the in-memory [Repository]. The zero value is ready
// to use; it is safe for concurrent use and copies items in and out.
type MemoryRepository struct {
	mu    sync.RWMutex
	items map[ID]*Item
}

var _ Repository = (*MemoryRepository)(nil)

// Get implements [Repository].
func (m *MemoryRepository) Get(ctx context.Context, id ID) (*Item, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	it, ok := m.items[id]
	if !ok {
		return nil, fmt.Errorf("%w: item %q", ErrNotFound, id)
	}
	return it.Clone(), nil
}

// Put implements [Repository].
func (m *MemoryRepository) Put(ctx context.Context, it *Item) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if it == nil {
		return 0, fieldError("item", "", "Item", "nil")
	}
	c := it.Clone()
	m.mu.Lock()
	defer m.mu.Unlock()
	var cur int64
	if old, ok := m.items[it.ID]; ok {
		cur = old.Version
	}
	if it.Version != cur {
		return 0, fmt.Errorf("%w: item %q: stored version %d, given %d", ErrConflict, it.ID, cur, it.Version)
	}
	if m.items == nil {
		m.items = map[ID]*Item{}
	}
	c.Version = cur + 1
	m.items[it.ID] = c
	return c.Version, nil
}

// Delete implements [Repository].
func (m *MemoryRepository) Delete(ctx context.Context, id ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.items[id]; !ok {
		return fmt.Errorf("%w: item %q", ErrNotFound, id)
	}
	delete(m.items, id)
	return nil
}

// All implements [Repository]. It snapshots the item pointers (stored items
// are never mutated in place) and yields copies without holding the lock.
func (m *MemoryRepository) All(ctx context.Context) iter.Seq2[*Item, error] {
	return func(yield func(*Item, error) bool) {
		m.mu.RLock()
		snap := make([]*Item, 0, len(m.items))
		for _, it := range m.items {
			snap = append(snap, it)
		}
		m.mu.RUnlock()
		slices.SortFunc(snap, func(a, b *Item) int { return cmp.Compare(a.ID, b.ID) })
		for i, it := range snap {
			if i%256 == 0 {
				if err := ctx.Err(); err != nil {
					yield(nil, err)
					return
				}
			}
			if !yield(it.Clone(), nil) {
				return
			}
		}
	}
}

// Len returns the number of stored items.
func (m *MemoryRepository) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.items)
}
