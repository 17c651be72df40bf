package intel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"
)

// Config configures a [Hub]. The zero Config consists entirely of defaults.
// The JSON tags name the settings a configuration file may hold; the
// others are set in Go.
type Config struct {
	// Taxonomy validates items. Nil means NewTaxonomy().
	Taxonomy *Taxonomy `json:"-"`
	// Now is the clock (the current week of Digest). Nil means time.Now.
	Now func() time.Time `json:"-"`
	// Deliver is called once per (subscription, item) when a newly written
	// item matches a subscription; the host wires it to e-mail, chat or a
	// queue. It is called without any Hub lock held, from the goroutine
	// that wrote the item. A non-nil error keeps the delivery pending until
	// Flush succeeds. Nil means deliveries stay pending (see Pending).
	Deliver func(ctx context.Context, d Delivery) error `json:"-"`
	// Subscriptions keeps the subscriptions, the pairs claimed for
	// delivery and the pending deliveries. Nil means a new
	// MemorySubscriptions (gone with the process); package c360's
	// Engine.Intel keeps them in the engine's store.
	Subscriptions SubscriptionStore `json:"-"`
	// SnippetRunes is the maximum snippet length in runes. 0 means 120.
	SnippetRunes int `json:"snippet_runes,omitempty"`
	// MinGroupSize is the smallest group an insight aggregate is shown for;
	// smaller groups are suppressed. 0 means 5; 1 disables suppression.
	MinGroupSize int `json:"min_group_size,omitempty"`
}

// Hub is the SDK's entry point for intelligence: it validates items, stores
// them in a [Repository], keeps the search index, enforces access control
// on every read, runs subscriptions and digests and computes insight.
//
// Every read takes the reading [Principal] and returns only what
// [Item.VisibleTo] allows: Get, List, Search, deliveries to subscriptions,
// Digest, Evidence and every insight aggregate.
//
// The index covers the items written through this Hub and those loaded by
// Load; items written to the repository behind the Hub's back are not
// searchable until the next Load. A Hub is safe for concurrent use. Create
// one with New; the zero Hub is also ready, over its own MemoryRepository
// with a zero Config.
type Hub struct {
	once sync.Once
	repo Repository
	cfg  Config
	ix   index
	// load is held for writing by Load and for reading by every write, so
	// that no write is lost between Load's scan and its swap of the index.
	load sync.RWMutex

	subs SubscriptionStore
	// compiled caches the compiled queries of subscriptions, by query
	// text (see notify).
	mu       sync.Mutex
	compiled map[string]*compiled
}

// New returns a Hub over repo (nil means a new MemoryRepository). Call
// Load when repo already holds items.
func New(repo Repository, cfg Config) *Hub {
	h := &Hub{repo: repo, cfg: cfg}
	h.once.Do(h.setup)
	return h
}

// setup applies the defaults; every exported method runs it once, so that
// the zero Hub works (over a MemoryRepository, with a zero Config).
func (h *Hub) setup() {
	if h.repo == nil {
		h.repo = new(MemoryRepository)
	}
	h.subs = h.cfg.Subscriptions
	if h.subs == nil {
		h.subs = new(MemorySubscriptions)
	}
	if h.cfg.Taxonomy == nil {
		h.cfg.Taxonomy = NewTaxonomy()
	}
	if h.cfg.Now == nil {
		h.cfg.Now = time.Now
	}
	if h.cfg.SnippetRunes <= 0 {
		h.cfg.SnippetRunes = 120
	}
	if h.cfg.MinGroupSize <= 0 {
		h.cfg.MinGroupSize = 5
	}
}

// Taxonomy returns the taxonomy the Hub validates with.
func (h *Hub) Taxonomy() *Taxonomy {
	h.once.Do(h.setup)
	return h.cfg.Taxonomy
}

// Load (re)builds the search index from every item in the repository. It
// honours ctx between items and calls progress (if non-nil) every 10,000
// items and at the end with the number indexed so far. Writes through the
// Hub wait while Load runs; searches keep using the old index until the new
// one is complete. Rebuilding also drops the space of replaced and deleted
// items, which the index otherwise keeps until the next Load.
func (h *Hub) Load(ctx context.Context, progress func(indexed int)) error {
	h.once.Do(h.setup)
	h.load.Lock()
	defer h.load.Unlock()
	var fresh index
	counts := map[string]int{}
	var buf analyzed
	n := 0
	for it, err := range h.repo.All(ctx) {
		if err != nil {
			return fmt.Errorf("intel: load: %w", err)
		}
		buf = analyzeItem(it, counts, buf)
		fresh.put(it, buf)
		n++
		if progress != nil && n%10000 == 0 {
			progress(n)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fresh.compact()
	if progress != nil {
		progress(n)
	}
	h.ix.mu.Lock()
	h.ix.indexData = fresh.indexData
	h.ix.mu.Unlock()
	return nil
}

func checkPrincipal(p Principal) error {
	if p.ID == "" {
		return ErrNoPrincipal
	}
	return nil
}

// Collect validates and stores a new item written by p. An empty Author is
// set to p.ID. The item is indexed and matching subscriptions are notified.
// Errors: ErrNoPrincipal; ErrInvalid (every problem, as *customer.FieldError values);
// ErrConflict when an item with that ID exists; a *NotifyError when the
// item was stored but the subscription store failed (it.Version is set
// then too). On success it.Version holds the stored version.
func (h *Hub) Collect(ctx context.Context, p Principal, it *Item) error {
	h.once.Do(h.setup)
	if err := checkPrincipal(p); err != nil {
		return err
	}
	if it == nil {
		return fieldError("item", "", "Item", "nil")
	}
	if it.Author == "" {
		it.Author = p.ID
	}
	if it.Version != 0 {
		return fieldError("item", string(it.ID), "Version", "must be 0 for a new item")
	}
	return h.write(ctx, it)
}

// Update replaces an item. Only its author may update it (ErrForbidden;
// ErrNotFound when p cannot see it). it.Version must be the version read
// (ErrConflict otherwise). Validation as in Collect.
func (h *Hub) Update(ctx context.Context, p Principal, it *Item) error {
	h.once.Do(h.setup)
	if err := checkPrincipal(p); err != nil {
		return err
	}
	if it == nil {
		return fieldError("item", "", "Item", "nil")
	}
	old, err := h.Get(ctx, p, it.ID)
	if err != nil {
		return err
	}
	if old.Author != p.ID || it.Author != old.Author {
		return fmt.Errorf("%w: item %q: only its author %q may change it", ErrForbidden, it.ID, old.Author)
	}
	return h.write(ctx, it)
}

func (h *Hub) write(ctx context.Context, it *Item) error {
	if err := it.Validate(h.cfg.Taxonomy); err != nil {
		return err
	}
	stored := it.Clone()
	a := analyzeItem(stored, map[string]int{}, analyzed{})
	h.load.RLock()
	v, err := h.repo.Put(ctx, stored)
	if err == nil {
		it.Version, stored.Version = v, v
		h.ix.put(stored, a)
	}
	h.load.RUnlock()
	if err != nil {
		return err
	}
	if err := h.notify(ctx, stored); err != nil {
		return &NotifyError{Item: stored.ID, Err: err}
	}
	return nil
}

// Grant adds grantees to an item. Only the author may grant.
func (h *Hub) Grant(ctx context.Context, p Principal, id ID, to ...Grantee) error {
	h.once.Do(h.setup)
	it, err := h.Get(ctx, p, id)
	if err != nil {
		return err
	}
	for _, g := range to {
		if !slices.Contains(it.Grants, g) {
			it.Grants = append(it.Grants, g)
		}
	}
	return h.Update(ctx, p, it)
}

// Delete removes an item; only its author may. Pending deliveries of the
// item are dropped.
func (h *Hub) Delete(ctx context.Context, p Principal, id ID) error {
	h.once.Do(h.setup)
	it, err := h.Get(ctx, p, id)
	if err != nil {
		return err
	}
	if it.Author != p.ID {
		return fmt.Errorf("%w: item %q: only its author %q may delete it", ErrForbidden, id, it.Author)
	}
	h.load.RLock()
	err = h.repo.Delete(ctx, id)
	if err == nil {
		h.ix.remove(id)
	}
	h.load.RUnlock()
	if err != nil {
		return err
	}
	return h.dropPending(ctx, func(p PendingDelivery) bool { return p.Item == id })
}

// Get returns the item if p may see it. An item that does not exist and an
// item p may not see both give an error wrapping ErrNotFound.
func (h *Hub) Get(ctx context.Context, p Principal, id ID) (*Item, error) {
	h.once.Do(h.setup)
	if err := checkPrincipal(p); err != nil {
		return nil, err
	}
	it, err := h.repo.Get(ctx, id)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("%w: item %q", ErrNotFound, id)
		}
		return nil, err
	}
	if !it.VisibleTo(p) {
		return nil, fmt.Errorf("%w: item %q", ErrNotFound, id)
	}
	return it, nil
}

// List streams the items p may see that match q, in ascending ID order,
// straight from the repository (unranked; q.Limit is ignored). An error
// ends the stream as the final pair. Each call returns a fresh iterator.
func (h *Hub) List(ctx context.Context, p Principal, q Query) iter.Seq2[*Item, error] {
	h.once.Do(h.setup)
	return func(yield func(*Item, error) bool) {
		if err := checkPrincipal(p); err != nil {
			yield(nil, err)
			return
		}
		c := compile(q)
		for it, err := range h.repo.All(ctx) {
			if err != nil {
				yield(nil, err)
				return
			}
			if it.VisibleTo(p) && c.match(it) {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}

// Results is one page of search results.
type Results struct {
	Hits  []Hit
	Total int // visible matches in the index (may count an item changed since)
}

// Hit is one ranked item with its BM25 score and highlighted snippets of
// its title and body.
type Hit struct {
	Item    *Item
	Score   float64
	Title   Snippet
	Snippet Snippet
}

// Search runs q over the index and returns the best q.Limit (default 10)
// items p may see, best first: by BM25 score, then newest CapturedAt, then
// ID. Without text, results are newest first. Each hit is re-read from the
// repository and re-checked, so an item changed behind the index is never
// shown to someone who may no longer see it.
func (h *Hub) Search(ctx context.Context, p Principal, q Query) (*Results, error) {
	h.once.Do(h.setup)
	if err := checkPrincipal(p); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	c := compile(q)
	hits, total := h.ix.search(p, c, limit)
	res := &Results{Total: total}
	for _, x := range hits {
		it, err := h.repo.Get(ctx, x.id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !it.VisibleTo(p) || !c.match(it) {
			continue
		}
		title, body := itemText(it)
		res.Hits = append(res.Hits, Hit{
			Item:    it,
			Score:   x.score,
			Title:   makeSnippet(title, c.terms, h.cfg.SnippetRunes),
			Snippet: makeSnippet(body, c.terms, h.cfg.SnippetRunes),
		})
	}
	return res, nil
}

// Evidence returns the evidence items of decision d that p may see, in the
// decision's order; the others are left out.
func (h *Hub) Evidence(ctx context.Context, p Principal, d *Decision) ([]*Item, error) {
	h.once.Do(h.setup)
	var out []*Item
	for _, id := range d.Evidence {
		it, err := h.Get(ctx, p, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}
