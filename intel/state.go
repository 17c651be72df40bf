package intel

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
)

// SubscriptionStore keeps the state of a [Hub]'s subscriptions: the
// subscriptions themselves, the (subscription, item) pairs already claimed
// for delivery, and the deliveries pending a retry. It is the implementor
// surface, storage only, in the way [Repository] is for items: the Hub
// (its Subscribe, Unsubscribe, Collect, Update, Delete, Pending and Flush)
// is its only caller, and adds access control and matching. A Hub whose
// Config.Subscriptions is durable and shared (package c360 keeps one in the
// engine's store) delivers exactly as before after a restart, and two Hubs
// on one store never deliver the same pair twice.
//
// [MemorySubscriptions] is the in-memory default;
// github.com/c360/c360/intel/inteltest.RunSubscriptions checks any
// implementation. Implementations must be safe for concurrent use, must
// copy in and out (a Subscription's Query and Owner slices included), and
// must return ctx.Err() when ctx is done before they change anything.
type SubscriptionStore interface {
	// AddSubscription stores a new subscription (Owner and Query as
	// given). An ID already stored is an error wrapping ErrConflict and
	// changes nothing.
	AddSubscription(ctx context.Context, s Subscription) error
	// Subscription returns the subscription with that ID, or an error
	// wrapping ErrNotFound.
	Subscription(ctx context.Context, id SubscriptionID) (Subscription, error)
	// DeleteSubscription removes a subscription together with its claims
	// and its pending deliveries, atomically; an absent ID is an error
	// wrapping ErrNotFound. A subscription added again later under the
	// same ID starts with no claims.
	DeleteSubscription(ctx context.Context, id SubscriptionID) error
	// Subscriptions streams every subscription in ascending ID order
	// (byte-wise), then one error (if any) as the final pair. Each call
	// returns a fresh iterator; no lock is held while yielding.
	Subscriptions(ctx context.Context) iter.Seq2[Subscription, error]
	// Claim atomically claims the delivery of item to subscription sub: it
	// returns true the first time a pair is claimed, and false when the
	// pair was claimed before (by any caller sharing the store) or the
	// subscription does not exist.
	Claim(ctx context.Context, sub SubscriptionID, item ID) (bool, error)
	// AddPending appends a delivery to the pending list (last in failure
	// order). It does nothing when the subscription does not exist (it was
	// removed meanwhile) or the pair is already pending (it keeps its
	// place).
	AddPending(ctx context.Context, p PendingDelivery) error
	// TakePending removes a pending delivery and reports whether it was
	// pending: of two callers taking the same pair, exactly one gets true.
	TakePending(ctx context.Context, p PendingDelivery) (bool, error)
	// Pending streams the pending deliveries in the order they were added,
	// then one error (if any) as the final pair. Each call returns a fresh
	// iterator; no lock is held while yielding.
	Pending(ctx context.Context) iter.Seq2[PendingDelivery, error]
}

// PendingDelivery is a delivery waiting for a retry, kept as references:
// the Hub reads the subscription and the item again when it retries.
type PendingDelivery struct {
	Subscription SubscriptionID
	Item         ID
}

// MemorySubscriptions is the in-memory [SubscriptionStore], the default of
// a Hub without Config.Subscriptions. The zero value is ready to use; it is
// safe for concurrent use and copies in and out.
type MemorySubscriptions struct {
	mu      sync.Mutex
	subs    map[SubscriptionID]Subscription
	claimed map[PendingDelivery]bool
	pending []PendingDelivery
}

var _ SubscriptionStore = (*MemorySubscriptions)(nil)

// cloneSubscription returns s with its own slices.
func cloneSubscription(s Subscription) Subscription {
	q := &s.Query
	q.Kinds = slices.Clone(q.Kinds)
	q.Categories = slices.Clone(q.Categories)
	q.Sources = slices.Clone(q.Sources)
	q.Tags = slices.Clone(q.Tags)
	q.Customers = slices.Clone(q.Customers)
	q.Accounts = slices.Clone(q.Accounts)
	q.Competitors = slices.Clone(q.Competitors)
	s.Owner.Teams = slices.Clone(s.Owner.Teams)
	s.Owner.Roles = slices.Clone(s.Owner.Roles)
	return s
}

// AddSubscription implements [SubscriptionStore].
func (m *MemorySubscriptions) AddSubscription(ctx context.Context, s Subscription) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s = cloneSubscription(s)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.subs[s.ID]; ok {
		return fmt.Errorf("%w: subscription %q exists", ErrConflict, s.ID)
	}
	if m.subs == nil {
		m.subs = map[SubscriptionID]Subscription{}
		m.claimed = map[PendingDelivery]bool{}
	}
	m.subs[s.ID] = s
	return nil
}

// Subscription implements [SubscriptionStore].
func (m *MemorySubscriptions) Subscription(ctx context.Context, id SubscriptionID) (Subscription, error) {
	if err := ctx.Err(); err != nil {
		return Subscription{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.subs[id]
	if !ok {
		return Subscription{}, fmt.Errorf("%w: subscription %q", ErrNotFound, id)
	}
	return cloneSubscription(s), nil
}

// DeleteSubscription implements [SubscriptionStore].
func (m *MemorySubscriptions) DeleteSubscription(ctx context.Context, id SubscriptionID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.subs[id]; !ok {
		return fmt.Errorf("%w: subscription %q", ErrNotFound, id)
	}
	delete(m.subs, id)
	for k := range m.claimed {
		if k.Subscription == id {
			delete(m.claimed, k)
		}
	}
	m.pending = slices.DeleteFunc(m.pending, func(p PendingDelivery) bool { return p.Subscription == id })
	return nil
}

// Subscriptions implements [SubscriptionStore].
func (m *MemorySubscriptions) Subscriptions(ctx context.Context) iter.Seq2[Subscription, error] {
	return func(yield func(Subscription, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Subscription{}, err)
			return
		}
		m.mu.Lock()
		snap := make([]Subscription, 0, len(m.subs))
		for _, s := range m.subs {
			snap = append(snap, cloneSubscription(s))
		}
		m.mu.Unlock()
		slices.SortFunc(snap, func(a, b Subscription) int { return cmp.Compare(a.ID, b.ID) })
		for _, s := range snap {
			if !yield(s, nil) {
				return
			}
		}
	}
}

// Claim implements [SubscriptionStore].
func (m *MemorySubscriptions) Claim(ctx context.Context, sub SubscriptionID, item ID) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := PendingDelivery{sub, item}
	if _, ok := m.subs[sub]; !ok || m.claimed[k] {
		return false, nil
	}
	m.claimed[k] = true
	return true, nil
}

// AddPending implements [SubscriptionStore].
func (m *MemorySubscriptions) AddPending(ctx context.Context, p PendingDelivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.subs[p.Subscription]; ok && !slices.Contains(m.pending, p) {
		m.pending = append(m.pending, p)
	}
	return nil
}

// TakePending implements [SubscriptionStore].
func (m *MemorySubscriptions) TakePending(ctx context.Context, p PendingDelivery) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	i := slices.Index(m.pending, p)
	if i < 0 {
		return false, nil
	}
	m.pending = slices.Delete(m.pending, i, i+1)
	return true, nil
}

// Pending implements [SubscriptionStore].
func (m *MemorySubscriptions) Pending(ctx context.Context) iter.Seq2[PendingDelivery, error] {
	return func(yield func(PendingDelivery, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(PendingDelivery{}, err)
			return
		}
		m.mu.Lock()
		snap := slices.Clone(m.pending)
		m.mu.Unlock()
		for _, p := range snap {
			if !yield(p, nil) {
				return
			}
		}
	}
}

// DecisionStore keeps a [Tracker]'s decisions and actions. It is the
// implementor surface, storage only: the Tracker validates and reports, and
// is its only caller. [MemoryDecisions] is the in-memory default;
// github.com/c360/c360/intel/inteltest.RunDecisions checks any
// implementation. Implementations must be safe for concurrent use, must
// copy in and out (Options and Evidence included), and must return
// ctx.Err() when ctx is done before they change anything.
type DecisionStore interface {
	// PutDecision creates or replaces the decision with d.ID.
	PutDecision(ctx context.Context, d Decision) error
	// Decision returns a decision, or an error wrapping ErrNotFound.
	Decision(ctx context.Context, id DecisionID) (Decision, error)
	// Decisions streams every decision in ascending ID order (byte-wise),
	// then one error (if any) as the final pair; no lock is held while
	// yielding.
	Decisions(ctx context.Context) iter.Seq2[Decision, error]
	// PutAction creates or replaces the action with a.ID — one action per
	// ID across decisions: an action put again under another decision
	// moves there. When a.Decision is not stored it returns an error
	// wrapping ErrNotFound and stores nothing (checked atomically with the
	// write).
	PutAction(ctx context.Context, a Action) error
	// Actions streams the actions of one decision in ascending ID order,
	// then one error (if any) as the final pair; none for an unknown
	// decision.
	Actions(ctx context.Context, d DecisionID) iter.Seq2[Action, error]
}

// MemoryDecisions is the in-memory [DecisionStore], the default of a
// Tracker without a Store. The zero value is ready to use; it is safe for
// concurrent use and copies in and out.
type MemoryDecisions struct {
	mu        sync.RWMutex
	decisions map[DecisionID]Decision
	actions   map[ActionID]Action
}

var _ DecisionStore = (*MemoryDecisions)(nil)

func cloneDecision(d Decision) Decision {
	d.Options = slices.Clone(d.Options)
	d.Evidence = slices.Clone(d.Evidence)
	return d
}

// PutDecision implements [DecisionStore].
func (m *MemoryDecisions) PutDecision(ctx context.Context, d Decision) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d = cloneDecision(d)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.decisions == nil {
		m.decisions = map[DecisionID]Decision{}
	}
	m.decisions[d.ID] = d
	return nil
}

// Decision implements [DecisionStore].
func (m *MemoryDecisions) Decision(ctx context.Context, id DecisionID) (Decision, error) {
	if err := ctx.Err(); err != nil {
		return Decision{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	d, ok := m.decisions[id]
	if !ok {
		return Decision{}, fmt.Errorf("%w: decision %q", ErrNotFound, id)
	}
	return cloneDecision(d), nil
}

// Decisions implements [DecisionStore].
func (m *MemoryDecisions) Decisions(ctx context.Context) iter.Seq2[Decision, error] {
	return func(yield func(Decision, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Decision{}, err)
			return
		}
		m.mu.RLock()
		snap := make([]Decision, 0, len(m.decisions))
		for _, d := range m.decisions {
			snap = append(snap, cloneDecision(d))
		}
		m.mu.RUnlock()
		slices.SortFunc(snap, func(a, b Decision) int { return cmp.Compare(a.ID, b.ID) })
		for _, d := range snap {
			if !yield(d, nil) {
				return
			}
		}
	}
}

// PutAction implements [DecisionStore].
func (m *MemoryDecisions) PutAction(ctx context.Context, a Action) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.decisions[a.Decision]; !ok {
		return fmt.Errorf("%w: decision %q", ErrNotFound, a.Decision)
	}
	if m.actions == nil {
		m.actions = map[ActionID]Action{}
	}
	m.actions[a.ID] = a
	return nil
}

// Actions implements [DecisionStore].
func (m *MemoryDecisions) Actions(ctx context.Context, d DecisionID) iter.Seq2[Action, error] {
	return func(yield func(Action, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Action{}, err)
			return
		}
		m.mu.RLock()
		var snap []Action
		for _, a := range m.actions {
			if a.Decision == d {
				snap = append(snap, a)
			}
		}
		m.mu.RUnlock()
		slices.SortFunc(snap, func(a, b Action) int { return cmp.Compare(a.ID, b.ID) })
		for _, a := range snap {
			if !yield(a, nil) {
				return
			}
		}
	}
}
