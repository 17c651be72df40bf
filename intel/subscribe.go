package intel

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/go-multierror"
)

// SubscriptionID identifies a subscription; the host chooses it.
type SubscriptionID string

// Subscription is a saved query whose new matches are pushed to its owner.
type Subscription struct {
	ID    SubscriptionID
	Name  string
	Query Query
	// Owner is whose access rights filter the deliveries; Subscribe sets it
	// to the subscribing principal (a snapshot: re-subscribe after the
	// owner's teams or roles change).
	Owner Principal
}

// Delivery is one item pushed to one subscription.
type Delivery struct {
	Subscription Subscription
	Item         *Item
}

// Subscribe saves query s.Query for principal p. From then on, each item
// written through a Hub over the same SubscriptionStore is delivered to the
// subscription exactly once: at the first write (Collect or Update) after
// which the item matches the query and p may see it. Items stored before
// Subscribe are not delivered unless they are written again and match.
// Errors: ErrNoPrincipal; ErrInvalid for an empty ID; ErrConflict when the
// ID is taken; the store's.
func (h *Hub) Subscribe(ctx context.Context, p Principal, s Subscription) error {
	h.once.Do(h.setup)
	if err := checkPrincipal(p); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.ID == "" {
		return fieldError("subscription", "", "Subscription.ID", "missing")
	}
	s.Owner = Principal{ID: p.ID, Teams: slices.Clone(p.Teams), Roles: slices.Clone(p.Roles)}
	return h.subs.AddSubscription(ctx, s)
}

// Unsubscribe removes a subscription of p's (ErrNotFound if p has none with
// that ID) with its claims and pending deliveries.
func (h *Hub) Unsubscribe(ctx context.Context, p Principal, id SubscriptionID) error {
	h.once.Do(h.setup)
	if err := checkPrincipal(p); err != nil {
		return err
	}
	s, err := h.subs.Subscription(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && s.Owner.ID != p.ID) {
		return fmt.Errorf("%w: subscription %q", ErrNotFound, id)
	}
	if err != nil {
		return err
	}
	return h.subs.DeleteSubscription(ctx, id)
}

// Subscriptions returns p's subscriptions sorted by ID.
func (h *Hub) Subscriptions(ctx context.Context, p Principal) ([]Subscription, error) {
	h.once.Do(h.setup)
	if err := checkPrincipal(p); err != nil {
		return nil, err
	}
	var out []Subscription
	for s, err := range h.subs.Subscriptions(ctx) {
		if err != nil {
			return nil, err
		}
		if s.Owner.ID == p.ID {
			out = append(out, s)
		}
	}
	return out, nil
}

// compiledOf returns the compiled query of a subscription, from the cache
// when its query was compiled before; keep lists the cache keys in use.
func (h *Hub) compiledOf(q Query, keep map[string]bool) *compiled {
	k := q.String()
	keep[k] = true
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.compiled[k]
	if c == nil {
		c = compile(q)
		if h.compiled == nil {
			h.compiled = map[string]*compiled{}
		}
		h.compiled[k] = c
	}
	return c
}

// notify delivers a freshly written item to every subscription it newly
// matches. The subscriptions are read from the store at each write (so a
// restarted Hub, and every Hub sharing the store, sees the same ones), and
// each (subscription, item) pair is claimed in the store before the
// callback runs, so concurrent writes of the same item — on this Hub or
// another over the same store — never deliver twice. It offers the item to
// every subscription it can and returns the store's errors, joined.
func (h *Hub) notify(ctx context.Context, it *Item) error {
	var terms map[string]bool // analysed once, on first need
	keep := map[string]bool{}
	var errs []error
	var todo []Delivery
	for s, err := range h.subs.Subscriptions(ctx) {
		if err != nil {
			errs = append(errs, err)
			break
		}
		if !it.VisibleTo(s.Owner) {
			continue
		}
		c := h.compiledOf(s.Query, keep)
		if !c.matchMeta(it) {
			continue
		}
		if len(c.terms) > 0 {
			if terms == nil {
				terms = termSet(it)
			}
			if !c.matchTerms(terms) {
				continue
			}
		}
		todo = append(todo, Delivery{Subscription: s, Item: it})
	}
	if len(errs) == 0 { // a complete listing: forget the queries no longer used
		h.mu.Lock()
		maps.DeleteFunc(h.compiled, func(k string, _ *compiled) bool { return !keep[k] })
		h.mu.Unlock()
	}
	for _, d := range todo {
		ok, err := h.subs.Claim(ctx, d.Subscription.ID, it.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		if err := h.deliver(ctx, d); err != nil {
			if err := h.subs.AddPending(ctx, PendingDelivery{d.Subscription.ID, it.ID}); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// deliver calls the Deliver callback with a copy of the item.
func (h *Hub) deliver(ctx context.Context, d Delivery) error {
	if h.cfg.Deliver == nil {
		return errors.New("intel: no Deliver callback configured")
	}
	d.Item = d.Item.Clone()
	return h.cfg.Deliver(ctx, d)
}

// dropPending removes the pending deliveries drop selects.
func (h *Hub) dropPending(ctx context.Context, drop func(PendingDelivery) bool) error {
	var sel []PendingDelivery
	for p, err := range h.subs.Pending(ctx) {
		if err != nil {
			return err
		}
		if drop(p) {
			sel = append(sel, p)
		}
	}
	for _, p := range sel {
		if _, err := h.subs.TakePending(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// Pending returns the number of deliveries waiting for a retry.
func (h *Hub) Pending(ctx context.Context) (int, error) {
	h.once.Do(h.setup)
	n := 0
	for _, err := range h.subs.Pending(ctx) {
		if err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// Flush retries pending deliveries in the order they failed and returns
// the errors of those that failed again (they stay pending, now last),
// joined. Each retry reads the subscription and the item as they are now:
// a delivery whose item was deleted or is no longer visible to the
// subscription's owner is dropped. Each pending delivery is taken from the
// store before it is retried, so that two Hubs flushing one store at once
// never deliver it twice; a process that stops between taking one and
// putting it back after a failure loses that one retry.
func (h *Hub) Flush(ctx context.Context) error {
	h.once.Do(h.setup)
	var todo []PendingDelivery
	for p, err := range h.subs.Pending(ctx) {
		if err != nil {
			return err
		}
		todo = append(todo, p)
	}
	var errs []error
	for _, p := range todo {
		if err := ctx.Err(); err != nil {
			return err
		}
		ok, err := h.subs.TakePending(ctx, p)
		if err != nil {
			return err
		}
		if !ok { // taken by another Flush, or dropped
			continue
		}
		if err := h.retry(ctx, p); err != nil {
			if aerr := h.subs.AddPending(ctx, p); aerr != nil {
				return errors.Join(aerr, err)
			}
			errs = append(errs, fmt.Errorf("intel: deliver item %q to subscription %q: %w", p.Item, p.Subscription, err))
		}
	}
	return multierror.Append(nil, errs...).ErrorOrNil()
}

// retry delivers one taken pending delivery; nil when it went out or was
// dropped.
func (h *Hub) retry(ctx context.Context, p PendingDelivery) error {
	s, err := h.subs.Subscription(ctx, p.Subscription)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	it, err := h.repo.Get(ctx, p.Item)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !it.VisibleTo(s.Owner) {
		return nil
	}
	return h.deliver(ctx, Delivery{Subscription: s, Item: it})
}

// Digest is what is new for a team in one week, by category.
type Digest struct {
	Team     TeamID
	From, To time.Time // [From, To): seven days
	Sections []DigestSection
	Total    int
}

// DigestSection holds one category's items, newest first.
type DigestSection struct {
	Category Category
	Label    string
	Items    []*Item
}

// Digest returns the items captured in the seven days from weekStart that
// are visible both to the team (as a whole: org-wide items, items shared
// with the team, items granted to it) and to p, grouped by category
// (sections sorted by category) — "what's new this week". Use
// [WeekStart] to find the Monday of a date; a zero weekStart means the
// current week by the Hub's clock (Config.Now). An empty team is an error
// wrapping ErrInvalid.
func (h *Hub) Digest(ctx context.Context, p Principal, team TeamID, weekStart time.Time) (*Digest, error) {
	h.once.Do(h.setup)
	if err := checkPrincipal(p); err != nil {
		return nil, err
	}
	if team == "" {
		return nil, fieldError("subscription", "", "team", "missing")
	}
	if weekStart.IsZero() {
		weekStart = WeekStart(h.cfg.Now())
	}
	d := &Digest{Team: team, From: weekStart, To: weekStart.AddDate(0, 0, 7)}
	teamP := Principal{Teams: []TeamID{team}}
	by := map[Category][]*Item{}
	for it, err := range h.List(ctx, p, Query{From: d.From, To: d.To}) {
		if err != nil {
			return nil, err
		}
		if !it.VisibleTo(teamP) {
			continue
		}
		by[it.Category] = append(by[it.Category], it)
		d.Total++
	}
	for c, items := range by {
		slices.SortFunc(items, func(a, b *Item) int {
			if x := b.CapturedAt.Compare(a.CapturedAt); x != 0 {
				return x
			}
			return cmp.Compare(a.ID, b.ID)
		})
		d.Sections = append(d.Sections, DigestSection{Category: c, Label: h.cfg.Taxonomy.Label(string(c)), Items: items})
	}
	slices.SortFunc(d.Sections, func(a, b DigestSection) int { return cmp.Compare(a.Category, b.Category) })
	return d, nil
}

// WeekStart returns midnight of the Monday on or before t, in t's location.
func WeekStart(t time.Time) time.Time {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	back := (int(day.Weekday()) + 6) % 7
	return day.AddDate(0, 0, -back)
}
