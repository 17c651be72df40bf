package customer

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
)

// MemoryStore is the embedded Store: profiles in memory, copied in and out.
// The zero value is an empty store ready to use. It is safe for concurrent
// use; All never holds the lock while the caller's loop body runs, so the
// loop may call the store.
type MemoryStore struct {
	mu       sync.RWMutex
	profiles map[ID]*Profile
	index    map[Identifier]map[ID]struct{}
}

var _ Store = (*MemoryStore)(nil)

// Get returns a copy of the profile with the given ID, or ErrNotFound.
func (s *MemoryStore) Get(ctx context.Context, id ID) (*Profile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.profiles[id]
	if !ok {
		return nil, fmt.Errorf("get %q: %w", id, ErrNotFound)
	}
	return p.Clone(), nil
}

// Put stores a copy of p if p.Version equals the stored version (0 for a new
// profile), and returns the new version; a stale version is ErrConflict.
func (s *MemoryStore) Put(ctx context.Context, p *Profile) (Version, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if p == nil || p.ID == "" {
		return 0, fmt.Errorf("put: %w: empty profile ID", ErrInvalid)
	}
	c := p.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	var cur Version
	old, ok := s.profiles[p.ID]
	if ok {
		cur = old.Version
	}
	if p.Version != cur {
		return 0, fmt.Errorf("put %q: have version %d, stored %d: %w", p.ID, p.Version, cur, ErrConflict)
	}
	if s.profiles == nil {
		s.profiles = map[ID]*Profile{}
		s.index = map[Identifier]map[ID]struct{}{}
	}
	if ok {
		s.unindex(old)
	}
	c.Version = cur + 1
	s.profiles[c.ID] = c
	for _, ident := range c.Identifiers {
		ids := s.index[ident]
		if ids == nil {
			ids = map[ID]struct{}{}
			s.index[ident] = ids
		}
		ids[c.ID] = struct{}{}
	}
	return c.Version, nil
}

func (s *MemoryStore) unindex(p *Profile) {
	for _, ident := range p.Identifiers {
		if ids := s.index[ident]; ids != nil {
			delete(ids, p.ID)
			if len(ids) == 0 {
				delete(s.index, ident)
			}
		}
	}
}

// Delete removes the profile with the given ID, or returns ErrNotFound.
func (s *MemoryStore) Delete(ctx context.Context, id ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.profiles[id]
	if !ok {
		return fmt.Errorf("delete %q: %w", id, ErrNotFound)
	}
	s.unindex(p)
	delete(s.profiles, id)
	return nil
}

// DeleteVersion removes the profile with the given ID if it is at version
// v; see VersionedDeleter.
func (s *MemoryStore) DeleteVersion(ctx context.Context, id ID, v Version) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("delete: empty profile ID: %w", ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.profiles[id]
	if !ok {
		return fmt.Errorf("delete %q: %w", id, ErrNotFound)
	}
	if p.Version != v {
		return fmt.Errorf("delete %q at version %d: stored version is %d: %w", id, v, p.Version, ErrConflict)
	}
	s.unindex(p)
	delete(s.profiles, id)
	return nil
}

// Lookup returns the sorted IDs of the profiles holding ident; none is not an
// error.
func (s *MemoryStore) Lookup(ctx context.Context, ident Identifier) ([]ID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	ids := make([]ID, 0, len(s.index[ident]))
	for id := range s.index[ident] {
		ids = append(ids, id)
	}
	s.mu.RUnlock()
	slices.Sort(ids)
	return ids, nil
}

// All streams copies of every profile in ascending ID order. It takes a
// snapshot of the IDs when iteration starts; a profile deleted meanwhile is
// skipped. The sequence may be iterated more than once.
func (s *MemoryStore) All(ctx context.Context) iter.Seq2[*Profile, error] {
	return func(yield func(*Profile, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		s.mu.RLock()
		ids := make([]ID, 0, len(s.profiles))
		for id := range s.profiles {
			ids = append(ids, id)
		}
		s.mu.RUnlock()
		slices.Sort(ids)
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			s.mu.RLock()
			p, ok := s.profiles[id]
			var c *Profile
			if ok {
				c = p.Clone()
			}
			s.mu.RUnlock()
			if ok && !yield(c, nil) {
				return
			}
		}
	}
}

// Len returns the number of profiles held.
func (s *MemoryStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.profiles)
}
