package journey

import (
	"context"
	"iter"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/c360/c360/customer"
)

// MemoryEventStore is the in-memory EventStore. The zero value is an empty
// store ready to use. It is safe for concurrent use; events are copied in
// and out, so callers may modify what they pass or receive.
type MemoryEventStore struct {
	mu        sync.RWMutex
	ids       map[string]subjectKey    // event ID -> subject
	customers map[customer.ID]*[]Event // sorted by (Time, ID)
	anonymous map[string][]Event       // unlinked anonymous IDs
	links     map[string]customer.ID
}

var _ EventStore = (*MemoryEventStore)(nil)

func eventLess(a, b *Event) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	return a.ID < b.ID
}

// insertSorted adds e to s keeping the (Time, ID) order; events usually
// arrive in time order, so the common case appends.
func insertSorted(s []Event, e Event) []Event {
	n := len(s)
	if n == 0 || !eventLess(&e, &s[n-1]) {
		return append(s, e)
	}
	i := sort.Search(n, func(i int) bool { return eventLess(&e, &s[i]) })
	return slices.Insert(s, i, e)
}

// Append implements EventStore. Events are not validated here; Engine and
// Ingest validate before appending.
func (m *MemoryEventStore) Append(ctx context.Context, events ...Event) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	added := 0
	for i := range events {
		if m.add(&events[i]) {
			added++
		}
	}
	return added, nil
}

// appendOne is Append of one event without copying it into a slice: the
// Engine's fast path.
func (m *MemoryEventStore) appendOne(e *Event) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.add(e)
}

// add stores a copy of e unless its ID is known; m.mu must be held.
func (m *MemoryEventStore) add(e *Event) bool {
	if m.ids == nil {
		m.ids = map[string]subjectKey{}
		m.customers = map[customer.ID]*[]Event{}
		m.anonymous = map[string][]Event{}
		m.links = map[string]customer.ID{}
	}
	if _, dup := m.ids[e.ID]; dup {
		return false
	}
	c := e.Clone()
	if c.CustomerID == "" {
		if id, ok := m.links[c.AnonymousID]; ok {
			c.CustomerID = id
		}
	}
	if c.CustomerID != "" {
		p := m.customers[c.CustomerID]
		if p == nil {
			p = new([]Event)
			m.customers[c.CustomerID] = p
		}
		*p = insertSorted(*p, c)
	} else {
		m.anonymous[c.AnonymousID] = insertSorted(m.anonymous[c.AnonymousID], c)
	}
	m.ids[c.ID] = c.subject()
	return true
}

// Get implements EventStore.
func (m *MemoryEventStore) Get(ctx context.Context, id string) (Event, error) {
	if err := ctx.Err(); err != nil {
		return Event{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	key, ok := m.ids[id]
	if !ok {
		return Event{}, ErrNotFound
	}
	var s []Event
	if key.anonymous {
		s = m.anonymous[key.id]
	} else {
		if p := m.customers[customer.ID(key.id)]; p != nil {
			s = *p
		}
	}
	for i := range s {
		if s[i].ID == id {
			return s[i].Clone(), nil
		}
	}
	return Event{}, ErrNotFound
}

// Link implements EventStore.
func (m *MemoryEventStore) Link(ctx context.Context, anonymousID string, id customer.ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if anonymousID == "" || id == "" {
		return ErrInvalidEvent
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.links == nil {
		m.ids = map[string]subjectKey{}
		m.customers = map[customer.ID]*[]Event{}
		m.anonymous = map[string][]Event{}
		m.links = map[string]customer.ID{}
	}
	if prev, ok := m.links[anonymousID]; ok {
		if prev != id {
			return ErrConflict
		}
		return nil
	}
	m.links[anonymousID] = id
	moved := m.anonymous[anonymousID]
	delete(m.anonymous, anonymousID)
	if len(moved) == 0 {
		return nil
	}
	key := subjectKey{id: string(id)}
	var s []Event
	if p := m.customers[id]; p != nil {
		s = *p
	}
	for _, e := range moved {
		e.CustomerID = id
		s = append(s, e)
		m.ids[e.ID] = key
	}
	sort.SliceStable(s, func(i, j int) bool { return eventLess(&s[i], &s[j]) })
	m.customers[id] = &s
	return nil
}

// Resolve implements EventStore.
func (m *MemoryEventStore) Resolve(ctx context.Context, anonymousID string) (customer.ID, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if id, ok := m.links[anonymousID]; ok {
		return id, nil
	}
	return "", ErrNotFound
}

// window returns copies of the events of s with from <= Time < to.
func window(s []Event, from, to time.Time) []Event {
	lo := 0
	if !from.IsZero() {
		lo = sort.Search(len(s), func(i int) bool { return !s[i].Time.Before(from) })
	}
	hi := len(s)
	if !to.IsZero() {
		hi = sort.Search(len(s), func(i int) bool { return !s[i].Time.Before(to) })
	}
	if hi <= lo {
		return nil
	}
	out := make([]Event, hi-lo)
	for i := range out {
		out[i] = s[lo+i].Clone()
	}
	return out
}

func yieldAll(ctx context.Context, evs []Event) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		for i := range evs {
			if err := ctx.Err(); err != nil {
				yield(Event{}, err)
				return
			}
			if !yield(evs[i], nil) {
				return
			}
		}
	}
}

// Events implements EventStore. The range is copied when iteration starts;
// the lock is not held while yielding.
func (m *MemoryEventStore) Events(ctx context.Context, id customer.ID, from, to time.Time) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Event{}, err)
			return
		}
		m.mu.RLock()
		var evs []Event
		if p := m.customers[id]; p != nil {
			evs = window(*p, from, to)
		}
		m.mu.RUnlock()
		yieldAll(ctx, evs)(yield)
	}
}

// AnonymousEvents implements EventStore.
func (m *MemoryEventStore) AnonymousEvents(ctx context.Context, anonymousID string, from, to time.Time) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Event{}, err)
			return
		}
		m.mu.RLock()
		evs := window(m.anonymous[anonymousID], from, to)
		m.mu.RUnlock()
		yieldAll(ctx, evs)(yield)
	}
}

// Customers implements EventStore.
func (m *MemoryEventStore) Customers(ctx context.Context) iter.Seq2[customer.ID, error] {
	return func(yield func(customer.ID, error) bool) {
		m.mu.RLock()
		ids := make([]customer.ID, 0, len(m.customers))
		for id := range m.customers {
			ids = append(ids, id)
		}
		m.mu.RUnlock()
		slices.Sort(ids)
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				yield("", err)
				return
			}
			if !yield(id, nil) {
				return
			}
		}
	}
}

// Len returns the number of events stored.
func (m *MemoryEventStore) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.ids)
}
