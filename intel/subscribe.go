package intel

import (
	"cmp"
	"context"
	"errors"
	"fmt"
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

type subscription struct {
	s Subscription
	c *compiled
}

type deliveryKey struct {
	sub  SubscriptionID
	item ID
}

// Subscribe saves query s.Query for principal p. From then on, each item
// written through the Hub is delivered to the subscription exactly once:
// at the first write (Collect or Update) after which the item matches the
// query and p may see it. Items stored before Subscribe are not delivered
// unless they are written again and match. Errors: ErrNoPrincipal;
// ErrInvalid for an empty ID; ErrConflict when the ID is taken.
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
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s.ID]; ok {
		return fmt.Errorf("%w: subscription %q exists", ErrConflict, s.ID)
	}
	if h.subs == nil {
		h.subs = map[SubscriptionID]*subscription{}
		h.delivered = map[deliveryKey]bool{}
	}
	h.subs[s.ID] = &subscription{s: s, c: compile(s.Query)}
	return nil
}

// Unsubscribe removes a subscription of p's (ErrNotFound if p has none with
// that ID) and drops its pending deliveries.
func (h *Hub) Unsubscribe(ctx context.Context, p Principal, id SubscriptionID) error {
	h.once.Do(h.setup)
	if err := checkPrincipal(p); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.subs[id]
	if !ok || s.s.Owner.ID != p.ID {
		return fmt.Errorf("%w: subscription %q", ErrNotFound, id)
	}
	delete(h.subs, id)
	for k := range h.delivered {
		if k.sub == id {
			delete(h.delivered, k)
		}
	}
	h.pending = slices.DeleteFunc(h.pending, func(d Delivery) bool { return d.Subscription.ID == id })
	return nil
}

// Subscriptions returns p's subscriptions sorted by ID.
func (h *Hub) Subscriptions(p Principal) []Subscription {
	h.once.Do(h.setup)
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Subscription
	for _, s := range h.subs {
		if s.s.Owner.ID == p.ID && p.ID != "" {
			out = append(out, s.s)
		}
	}
	slices.SortFunc(out, func(a, b Subscription) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// notify delivers a freshly written item to every subscription it newly
// matches. A (subscription, item) pair is claimed under the lock before the
// callback runs, so concurrent writes of the same item never deliver twice.
func (h *Hub) notify(ctx context.Context, it *Item) {
	var terms map[string]bool // analysed once, on first need
	h.mu.Lock()
	var todo []Delivery
	for _, s := range h.subs {
		k := deliveryKey{s.s.ID, it.ID}
		if h.delivered[k] || !it.VisibleTo(s.s.Owner) || !s.c.matchMeta(it) {
			continue
		}
		if len(s.c.terms) > 0 {
			if terms == nil {
				terms = termSet(it)
			}
			if !s.c.matchTerms(terms) {
				continue
			}
		}
		h.delivered[k] = true
		todo = append(todo, Delivery{Subscription: s.s, Item: it})
	}
	h.mu.Unlock()
	slices.SortFunc(todo, func(a, b Delivery) int { return cmp.Compare(a.Subscription.ID, b.Subscription.ID) })
	for _, d := range todo {
		h.deliver(ctx, d)
	}
}

func (h *Hub) deliver(ctx context.Context, d Delivery) error {
	var err error
	if h.cfg.Deliver == nil {
		err = errors.New("intel: no Deliver callback configured")
	} else {
		d.Item = d.Item.Clone()
		err = h.cfg.Deliver(ctx, d)
	}
	if err != nil {
		h.mu.Lock()
		if _, live := h.subs[d.Subscription.ID]; live {
			h.pending = append(h.pending, d)
		}
		h.mu.Unlock()
	}
	return err
}

// Pending returns the number of deliveries waiting for a retry.
func (h *Hub) Pending() int {
	h.once.Do(h.setup)
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.pending)
}

// Flush retries pending deliveries in the order they failed and returns
// the errors of those that failed again (they stay pending), joined.
func (h *Hub) Flush(ctx context.Context) error {
	h.once.Do(h.setup)
	h.mu.Lock()
	todo := h.pending
	h.pending = nil
	h.mu.Unlock()
	var errs []error
	for i, d := range todo {
		if err := ctx.Err(); err != nil {
			h.mu.Lock()
			h.pending = append(h.pending, todo[i:]...)
			h.mu.Unlock()
			return err
		}
		if err := h.deliver(ctx, d); err != nil {
			errs = append(errs, fmt.Errorf("intel: deliver item %q to subscription %q: %w", d.Item.ID, d.Subscription.ID, err))
		}
	}
	return multierror.Append(nil, errs...).ErrorOrNil()
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
