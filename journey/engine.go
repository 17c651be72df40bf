package journey

import (
	"context"
	"errors"
	"hash/maphash"
	"slices"
	"sync"

	"github.com/c360/c360/customer"
)

// Engine ingests touchpoints in real time: it validates each event, stores
// it (idempotently) and moves its customer along the journey map, returning
// the transitions it caused and passing them to OnTransition.
//
// The zero Engine is ready: it uses DefaultMap, the standard Catalog and an
// internal MemoryEventStore. Set the fields before the first call and do not
// change them afterwards. An Engine is safe for concurrent use; events of
// one customer are applied in the order Ingest is called for them (use
// Rebuild to re-derive a stage in time order after late events).
type Engine struct {
	// Map is the journey map; nil means DefaultMap().
	Map *Map
	// Catalog validates events; nil means the standard catalogue.
	Catalog *Catalog
	// Store keeps the events; nil means an internal MemoryEventStore.
	Store EventStore
	// OnTransition, if set, is called with every transition after Ingest
	// or Link made it, outside the engine's locks. It must be safe for
	// concurrent use when Ingest is called concurrently.
	OnTransition func(Transition)

	once   sync.Once
	c      *compiled
	store  EventStore
	seed   maphash.Seed
	shards [64]shard
}

type shard struct {
	mu     sync.Mutex
	states map[subjectKey]*state
}

func (g *Engine) init() {
	g.once.Do(func() {
		m := g.Map
		if m == nil {
			m = DefaultMap()
		}
		g.c = compile(m)
		g.store = g.Store
		if g.store == nil {
			g.store = &MemoryEventStore{}
		}
		g.seed = maphash.MakeSeed()
		for i := range g.shards {
			g.shards[i].states = map[subjectKey]*state{}
		}
	})
}

func (g *Engine) shard(key subjectKey) *shard {
	return &g.shards[maphash.String(g.seed, key.id)%uint64(len(g.shards))]
}

// EventStore returns the store the engine writes to.
func (g *Engine) EventStore() EventStore {
	g.init()
	return g.store
}

// Ingest validates e, stores it and applies it to its customer's stage. An
// invalid event returns the validation error (wrapping ErrInvalidEvent) and
// changes nothing; an event whose ID was ingested before changes nothing and
// returns no transition. An anonymous event whose ID is linked counts for
// the linked customer.
func (g *Engine) Ingest(ctx context.Context, e Event) ([]Transition, error) {
	g.init()
	if err := g.Catalog.Validate(&e); err != nil {
		return nil, err
	}
	if e.CustomerID == "" {
		id, err := g.store.Resolve(ctx, e.AnonymousID)
		switch {
		case err == nil:
			e.CustomerID = id
		case !errors.Is(err, ErrNotFound):
			return nil, err
		}
	}
	key := e.subject()
	sh := g.shard(key)
	sh.mu.Lock()
	var added int
	var err error
	if ms, ok := g.store.(*MemoryEventStore); ok {
		// fast path: no slice for the variadic call
		if err = ctx.Err(); err == nil && ms.appendOne(&e) {
			added = 1
		}
	} else {
		added, err = g.store.Append(ctx, e)
	}
	if err != nil || added == 0 {
		sh.mu.Unlock()
		return nil, err
	}
	st := sh.states[key]
	if st == nil {
		st = &state{}
		sh.states[key] = st
	}
	tr, moved := g.c.step(st, &e)
	sh.mu.Unlock()
	if !moved {
		return nil, nil
	}
	if g.OnTransition != nil {
		g.OnTransition(tr)
	}
	return []Transition{tr}, nil
}

// Link joins an anonymous ID to a customer in the store and re-derives the
// customer's stage from the joined timeline. It returns (and passes to
// OnTransition) the transitions of the new history that the customer's
// previous history did not have.
func (g *Engine) Link(ctx context.Context, anonymousID string, id customer.ID) ([]Transition, error) {
	g.init()
	if err := g.store.Link(ctx, anonymousID, id); err != nil {
		return nil, err
	}
	akey := subjectKey{anonymous: true, id: anonymousID}
	ash := g.shard(akey)
	ash.mu.Lock()
	delete(ash.states, akey)
	ash.mu.Unlock()

	key := subjectKey{id: string(id)}
	sh := g.shard(key)
	sh.mu.Lock()
	old := sh.states[key]
	st, err := g.rebuild(ctx, id)
	if err != nil {
		sh.mu.Unlock()
		return nil, err
	}
	sh.states[key] = st
	sh.mu.Unlock()
	var prev []Transition
	if old != nil {
		prev = old.history
	}
	common := 0
	for common < len(prev) && common < len(st.history) && prev[common] == st.history[common] {
		common++
	}
	fresh := slices.Clone(st.history[common:])
	if g.OnTransition != nil {
		for _, tr := range fresh {
			g.OnTransition(tr)
		}
	}
	return fresh, nil
}

func (g *Engine) rebuild(ctx context.Context, id customer.ID) (*state, error) {
	st := &state{}
	for e, err := range g.store.Events(ctx, id, zeroTime, zeroTime) {
		if err != nil {
			return nil, err
		}
		g.c.step(st, &e)
	}
	return st, nil
}

// Rebuild re-derives a customer's stage from its stored events in time
// order, replaces the engine's state with it and returns it.
func (g *Engine) Rebuild(ctx context.Context, id customer.ID) (StageState, error) {
	g.init()
	key := subjectKey{id: string(id)}
	sh := g.shard(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	st, err := g.rebuild(ctx, id)
	if err != nil {
		return StageState{}, err
	}
	sh.states[key] = st
	return st.public(), nil
}

// State returns a customer's current stage and history as the engine knows
// it; false when the customer has no stage yet.
func (g *Engine) State(id customer.ID) (StageState, bool) {
	return g.stateOf(subjectKey{id: string(id)})
}

// AnonymousState is State for an anonymous ID not linked to a customer.
func (g *Engine) AnonymousState(anonymousID string) (StageState, bool) {
	return g.stateOf(subjectKey{anonymous: true, id: anonymousID})
}

func (g *Engine) stateOf(key subjectKey) (StageState, bool) {
	g.init()
	sh := g.shard(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	st := sh.states[key]
	if st == nil || st.stage == "" {
		return StageState{}, false
	}
	return st.public(), true
}

func (st *state) public() StageState {
	return StageState{Stage: st.stage, Since: st.since, History: slices.Clone(st.history)}
}
