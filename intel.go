package c360

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
)

// Intelligence is kept as items (ItemStore) in these buckets, every value
// encoded with encoding/json (intel's enums by name), so that it is durable
// on store/bolt and store/postgres and shared by every Engine on one store:
const (
	// bIntelItems: group: item ID; key: ""; value: the intel.Item, its
	// Version included.
	bIntelItems = "intel.items"
	// bIntelLinks indexes the items by the profiles they link to: group: a
	// customer or account ID of an item's Links; key: item ID; value:
	// empty.
	bIntelLinks = "intel.links"
	// bIntelSubs: group ""; key: subscription ID; value: the
	// intel.Subscription (query and owner).
	bIntelSubs = "intel.subs"
	// bIntelClaims: group: subscription ID; key: item ID of a claimed
	// delivery; value: empty.
	bIntelClaims = "intel.claims"
	// bIntelPending: group ""; key: sequence number (16 hex digits, in the
	// order of failure); value: the intel.PendingDelivery.
	bIntelPending = "intel.pending"
	// bIntelPendingOf: group: subscription ID; key: item ID; value: the
	// pair's key in bIntelPending.
	bIntelPendingOf = "intel.pendingof"
	// bIntelDecisions: group: decision ID; key "" for the intel.Decision,
	// "a" + action ID for each of its intel.Action values.
	bIntelDecisions = "intel.decisions"
	// bIntelActionOf: group ""; key: action ID; value: its decision ID.
	bIntelActionOf = "intel.actionof"

	metaPendingSeq = "intel.pending.seq"
)

// IntelStore keeps intelligence in an engine's Store: it implements
// intel.Repository (items), intel.SubscriptionStore (subscriptions, claims
// and pending deliveries) and intel.DecisionStore (decisions and actions)
// over the Store's items (see the intel.* buckets of ItemBuckets), each
// call one transaction. It is what Engine.Intel and Engine.Tracker use; a
// host needs it only to build a Hub or Tracker of its own over an engine's
// store, or to run the inteltest suites on a Store implementation. It is
// safe for concurrent use, and every IntelStore over one Store (in any
// process) sees the same state.
type IntelStore struct {
	s Store
	// open, if set, refuses calls once the engine is closed.
	open func() error
}

var (
	_ intel.Repository        = (*IntelStore)(nil)
	_ intel.SubscriptionStore = (*IntelStore)(nil)
	_ intel.DecisionStore     = (*IntelStore)(nil)
)

// NewIntelStore returns the IntelStore over s.
func NewIntelStore(s Store) *IntelStore { return &IntelStore{s: s} }

func (x *IntelStore) view(ctx context.Context, fn func(ReadTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if x.open != nil {
		if err := x.open(); err != nil {
			return err
		}
	}
	return x.s.View(ctx, fn)
}

func (x *IntelStore) update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if x.open != nil {
		if err := x.open(); err != nil {
			return err
		}
	}
	return x.s.Update(ctx, fn)
}

// getJSON decodes the value of an item into v; found is false for an
// absent item.
func getJSON(tx ReadTx, bucket, group, key string, v any) (found bool, err error) {
	b, err := tx.Get(bucket, group, key)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("c360: stored %s %q/%q does not decode: %w", bucket, group, key, err)
	}
	return true, nil
}

func putJSON(tx Tx, bucket, group, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("c360: encoding %s %q: %w", bucket, key, err)
	}
	return tx.Put(bucket, group, key, b)
}

func readIntelItem(tx ReadTx, id intel.ID) (*intel.Item, error) {
	var it intel.Item
	ok, err := getJSON(tx, bIntelItems, string(id), "", &it)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: item %q", intel.ErrNotFound, id)
	}
	return &it, nil
}

// linkIDs returns the profile IDs an item links to, without repeats.
func linkIDs(it *intel.Item) []customer.ID {
	if it == nil {
		return nil
	}
	ids := slices.Concat(it.Links.Customers, it.Links.Accounts)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// Get implements intel.Repository.
func (x *IntelStore) Get(ctx context.Context, id intel.ID) (*intel.Item, error) {
	var it *intel.Item
	err := x.view(ctx, func(tx ReadTx) (err error) {
		it, err = readIntelItem(tx, id)
		return err
	})
	return it, err
}

// Put implements intel.Repository; the item and its entries in the link
// index change in one transaction.
func (x *IntelStore) Put(ctx context.Context, it *intel.Item) (int64, error) {
	if it == nil || it.ID == "" {
		return 0, fmt.Errorf("%w: an item without an ID", intel.ErrInvalid)
	}
	var v int64
	err := x.update(ctx, func(tx Tx) error {
		old, err := readIntelItem(tx, it.ID)
		if err != nil && !errors.Is(err, intel.ErrNotFound) {
			return err
		}
		var cur int64
		if old != nil {
			cur = old.Version
		}
		if it.Version != cur {
			return fmt.Errorf("%w: item %q: stored version %d, given %d", intel.ErrConflict, it.ID, cur, it.Version)
		}
		c := *it
		c.Version = cur + 1
		if err := putJSON(tx, bIntelItems, string(it.ID), "", &c); err != nil {
			return err
		}
		if err := relink(tx, it.ID, linkIDs(old), linkIDs(it)); err != nil {
			return err
		}
		v = c.Version
		return nil
	})
	if err != nil {
		return 0, err
	}
	return v, nil
}

// relink moves an item's entries in the link index from the old IDs to the
// new.
func relink(tx Tx, id intel.ID, old, cur []customer.ID) error {
	for _, l := range old {
		if !slices.Contains(cur, l) {
			if err := tx.Delete(bIntelLinks, string(l), string(id)); err != nil {
				return err
			}
		}
	}
	for _, l := range cur {
		if !slices.Contains(old, l) {
			if err := tx.Put(bIntelLinks, string(l), string(id), nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// Delete implements intel.Repository.
func (x *IntelStore) Delete(ctx context.Context, id intel.ID) error {
	return x.update(ctx, func(tx Tx) error {
		old, err := readIntelItem(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Delete(bIntelItems, string(id), ""); err != nil {
			return err
		}
		return relink(tx, id, linkIDs(old), nil)
	})
}

// intelPage is how many items or decisions a stream reads per transaction.
const intelPage = 256

// All implements intel.Repository: it reads intelPage items per
// transaction, and yields outside it.
func (x *IntelStore) All(ctx context.Context) iter.Seq2[*intel.Item, error] {
	return pages(ctx, x, bIntelItems, func(tx ReadTx, g string) (*intel.Item, error) {
		return readIntelItem(tx, intel.ID(g))
	})
}

// pages streams the groups of a bucket (one value each) in group order,
// intelPage groups per transaction.
func pages[T any](ctx context.Context, x *IntelStore, bucket string, read func(ReadTx, string) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		after := ""
		for {
			var page []T
			var last string
			err := x.view(ctx, func(tx ReadTx) error {
				for g, err := range tx.Groups(bucket, after) {
					if err != nil {
						return err
					}
					v, err := read(tx, g)
					if err != nil {
						return err
					}
					page, last = append(page, v), g
					if len(page) == intelPage {
						break
					}
				}
				return nil
			})
			if err != nil {
				yield(zero, err)
				return
			}
			for _, v := range page {
				if !yield(v, nil) {
					return
				}
			}
			if len(page) < intelPage {
				return
			}
			after = last
		}
	}
}

// AddSubscription implements intel.SubscriptionStore.
func (x *IntelStore) AddSubscription(ctx context.Context, s intel.Subscription) error {
	return x.update(ctx, func(tx Tx) error {
		if _, err := tx.Get(bIntelSubs, "", string(s.ID)); err == nil {
			return fmt.Errorf("%w: subscription %q exists", intel.ErrConflict, s.ID)
		} else if !isNotFound(err) {
			return err
		}
		return putJSON(tx, bIntelSubs, "", string(s.ID), &s)
	})
}

func readSubscription(tx ReadTx, id intel.SubscriptionID) (intel.Subscription, error) {
	var s intel.Subscription
	ok, err := getJSON(tx, bIntelSubs, "", string(id), &s)
	if err == nil && !ok {
		err = fmt.Errorf("%w: subscription %q", intel.ErrNotFound, id)
	}
	return s, err
}

// Subscription implements intel.SubscriptionStore.
func (x *IntelStore) Subscription(ctx context.Context, id intel.SubscriptionID) (intel.Subscription, error) {
	var s intel.Subscription
	err := x.view(ctx, func(tx ReadTx) (err error) {
		s, err = readSubscription(tx, id)
		return err
	})
	return s, err
}

// DeleteSubscription implements intel.SubscriptionStore.
func (x *IntelStore) DeleteSubscription(ctx context.Context, id intel.SubscriptionID) error {
	return x.update(ctx, func(tx Tx) error {
		if _, err := readSubscription(tx, id); err != nil {
			return err
		}
		for it, err := range tx.Scan(bIntelPendingOf, string(id)) {
			if err != nil {
				return err
			}
			if err := tx.Delete(bIntelPending, "", string(it.Value)); err != nil {
				return err
			}
		}
		for _, b := range []string{bIntelPendingOf, bIntelClaims} {
			if err := tx.DeleteGroup(b, string(id)); err != nil {
				return err
			}
		}
		return tx.Delete(bIntelSubs, "", string(id))
	})
}

// Subscriptions implements intel.SubscriptionStore (one transaction; the
// subscriptions are few).
func (x *IntelStore) Subscriptions(ctx context.Context) iter.Seq2[intel.Subscription, error] {
	return scanJSON[intel.Subscription](ctx, x, bIntelSubs, "", "subscription", nil)
}

// Claim implements intel.SubscriptionStore: the store's serialised Updates
// make the claim atomic across every Engine sharing the store.
func (x *IntelStore) Claim(ctx context.Context, sub intel.SubscriptionID, item intel.ID) (bool, error) {
	claimed := false
	err := x.update(ctx, func(tx Tx) error {
		if _, err := tx.Get(bIntelSubs, "", string(sub)); isNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := tx.Get(bIntelClaims, string(sub), string(item)); err == nil {
			return nil
		} else if !isNotFound(err) {
			return err
		}
		claimed = true
		return tx.Put(bIntelClaims, string(sub), string(item), nil)
	})
	return claimed && err == nil, err
}

// AddPending implements intel.SubscriptionStore.
func (x *IntelStore) AddPending(ctx context.Context, p intel.PendingDelivery) error {
	return x.update(ctx, func(tx Tx) error {
		if _, err := tx.Get(bIntelSubs, "", string(p.Subscription)); isNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := tx.Get(bIntelPendingOf, string(p.Subscription), string(p.Item)); err == nil {
			return nil
		} else if !isNotFound(err) {
			return err
		}
		var n uint64
		if b, err := tx.Meta(metaPendingSeq); err == nil && len(b) == 8 {
			n = binary.BigEndian.Uint64(b)
		} else if err != nil && !isNotFound(err) {
			return err
		}
		n++
		if err := tx.PutMeta(metaPendingSeq, binary.BigEndian.AppendUint64(nil, n)); err != nil {
			return err
		}
		key := hex.EncodeToString(binary.BigEndian.AppendUint64(nil, n))
		if err := putJSON(tx, bIntelPending, "", key, &p); err != nil {
			return err
		}
		return tx.Put(bIntelPendingOf, string(p.Subscription), string(p.Item), []byte(key))
	})
}

// TakePending implements intel.SubscriptionStore.
func (x *IntelStore) TakePending(ctx context.Context, p intel.PendingDelivery) (bool, error) {
	took := false
	err := x.update(ctx, func(tx Tx) error {
		key, err := tx.Get(bIntelPendingOf, string(p.Subscription), string(p.Item))
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.Delete(bIntelPending, "", string(key)); err != nil {
			return err
		}
		took = true
		return tx.Delete(bIntelPendingOf, string(p.Subscription), string(p.Item))
	})
	return took && err == nil, err
}

// Pending implements intel.SubscriptionStore (one transaction; pending
// deliveries are few).
func (x *IntelStore) Pending(ctx context.Context) iter.Seq2[intel.PendingDelivery, error] {
	return scanJSON[intel.PendingDelivery](ctx, x, bIntelPending, "", "pending delivery", nil)
}

// PutDecision implements intel.DecisionStore.
func (x *IntelStore) PutDecision(ctx context.Context, d intel.Decision) error {
	if d.ID == "" {
		return fmt.Errorf("%w: a decision without an ID", intel.ErrInvalid)
	}
	return x.update(ctx, func(tx Tx) error { return putJSON(tx, bIntelDecisions, string(d.ID), "", &d) })
}

func readDecision(tx ReadTx, id intel.DecisionID) (intel.Decision, error) {
	var d intel.Decision
	ok, err := getJSON(tx, bIntelDecisions, string(id), "", &d)
	if err == nil && !ok {
		err = fmt.Errorf("%w: decision %q", intel.ErrNotFound, id)
	}
	return d, err
}

// Decision implements intel.DecisionStore.
func (x *IntelStore) Decision(ctx context.Context, id intel.DecisionID) (intel.Decision, error) {
	var d intel.Decision
	err := x.view(ctx, func(tx ReadTx) (err error) {
		d, err = readDecision(tx, id)
		return err
	})
	return d, err
}

// Decisions implements intel.DecisionStore.
func (x *IntelStore) Decisions(ctx context.Context) iter.Seq2[intel.Decision, error] {
	return pages(ctx, x, bIntelDecisions, func(tx ReadTx, g string) (intel.Decision, error) {
		return readDecision(tx, intel.DecisionID(g))
	})
}

// PutAction implements intel.DecisionStore.
func (x *IntelStore) PutAction(ctx context.Context, a intel.Action) error {
	return x.update(ctx, func(tx Tx) error {
		if _, err := readDecision(tx, a.Decision); err != nil {
			return err
		}
		old, err := tx.Get(bIntelActionOf, "", string(a.ID))
		switch {
		case err == nil && string(old) != string(a.Decision):
			if err := tx.Delete(bIntelDecisions, string(old), "a"+string(a.ID)); err != nil {
				return err
			}
		case err != nil && !isNotFound(err):
			return err
		}
		if err := tx.Put(bIntelActionOf, "", string(a.ID), []byte(a.Decision)); err != nil {
			return err
		}
		return putJSON(tx, bIntelDecisions, string(a.Decision), "a"+string(a.ID), &a)
	})
}

// Actions implements intel.DecisionStore.
func (x *IntelStore) Actions(ctx context.Context, d intel.DecisionID) iter.Seq2[intel.Action, error] {
	// The decision's group holds the decision (key "") and its actions
	// (keys "a" + action ID).
	return scanJSON[intel.Action](ctx, x, bIntelDecisions, string(d), "action", func(key string) bool { return key != "" })
}

// scanJSON reads every item of a bucket's group in one transaction and
// streams them decoded (what names them in an error; keep says which keys
// to decode, nil for all), then the error, if any, as the final pair.
func scanJSON[T any](ctx context.Context, x *IntelStore, bucket, group, what string, keep func(key string) bool) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var all []T
		err := x.view(ctx, func(tx ReadTx) error {
			for it, err := range tx.Scan(bucket, group) {
				if err != nil {
					return err
				}
				if keep != nil && !keep(it.Key) {
					continue
				}
				var v T
				if err := json.Unmarshal(it.Value, &v); err != nil {
					return fmt.Errorf("c360: stored %s %q does not decode: %w", what, it.Key, err)
				}
				all = append(all, v)
			}
			return nil
		})
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, v := range all {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// intelLinkedTo returns the items linked (Links.Customers or
// Links.Accounts) to any of ids, by ID.
func intelLinkedTo(tx ReadTx, ids []customer.ID) ([]*intel.Item, error) {
	var itemIDs []string
	for _, id := range ids {
		for it, err := range tx.Scan(bIntelLinks, string(id)) {
			if err != nil {
				return nil, err
			}
			itemIDs = append(itemIDs, it.Key)
		}
	}
	slices.Sort(itemIDs)
	itemIDs = slices.Compact(itemIDs)
	out := make([]*intel.Item, 0, len(itemIDs))
	for _, id := range itemIDs {
		it, err := readIntelItem(tx, intel.ID(id))
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// Intelligence returns the intelligence items principal p may see (see
// intel.Item.VisibleTo) that are linked — in Links.Customers or
// Links.Accounts — to the profile id or to any ID merged into it (see
// Aliases), newest CapturedAt first, then by item ID. The items keep the
// profile IDs they were linked with: after a merge the survivor's answer
// includes the absorbed profile's items, and after an unmerge they go back,
// without any item being rewritten. It reads the engine's intelligence
// (Engine.Intel) in one consistent snapshot with the profile's aliases, so
// items collected on another Engine sharing the store are included at once.
// id may be an absorbed ID (it is followed to its profile). Errors:
// intel.ErrNoPrincipal for a principal without an ID; an unknown id wraps
// ErrNotFound; ErrClosed.
func (e *Engine) Intelligence(ctx context.Context, p intel.Principal, id customer.ID) ([]*intel.Item, error) {
	if p.ID == "" {
		return nil, intel.ErrNoPrincipal
	}
	var out []*intel.Item
	err := e.view(ctx, func(tx ReadTx) error {
		ids, err := aliasesIn(tx, id)
		if err != nil {
			return err
		}
		items, err := intelLinkedTo(tx, ids)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.VisibleTo(p) {
				out = append(out, it)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *intel.Item) int {
		if c := b.CapturedAt.Compare(a.CapturedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Intel returns the engine's intelligence Hub: items, subscriptions with
// their claims and pending deliveries kept in the engine's store (see
// IntelStore), configured by Config.Intel. The first call builds the Hub's
// search index from the store (honouring ctx; a failed build is tried
// again at the next call); later calls return the same Hub. The index
// covers what this Engine writes; items another Engine sharing the store
// collects are found by Intelligence and List at once, and by Search after
// the Hub's Load. Subscriptions are read from the store at every write, so
// every Engine on one store delivers to the same subscriptions, each pair
// once.
func (e *Engine) Intel(ctx context.Context) (*intel.Hub, error) {
	if _, err := e.current(); err != nil {
		return nil, err
	}
	e.intelMu.Lock()
	defer e.intelMu.Unlock()
	if e.hub != nil {
		return e.hub, nil
	}
	h := intel.New(e.intel, e.intelCfg)
	if err := h.Load(ctx, nil); err != nil {
		return nil, err
	}
	e.hub = h
	return h, nil
}

// loadedHub returns the engine's Hub if Intel built it, else nil.
func (e *Engine) loadedHub() *intel.Hub {
	e.intelMu.Lock()
	defer e.intelMu.Unlock()
	return e.hub
}

// Tracker returns the engine's decision tracker: decisions and actions
// kept in the engine's store (see IntelStore), with the engine's clock.
// Every call returns the same Tracker.
func (e *Engine) Tracker() *intel.Tracker { return e.tracker }

// openIntel sets up the engine's intelligence from cfg.
func (e *Engine) openIntel(cfg intel.Config) error {
	if cfg.Subscriptions != nil {
		return fmt.Errorf("%w: intel: the engine keeps subscriptions in its store; leave Config.Intel.Subscriptions nil", ErrInvalid)
	}
	e.intel = &IntelStore{s: e.store, open: func() error {
		_, err := e.current()
		return err
	}}
	cfg.Subscriptions = e.intel
	if cfg.Now == nil {
		cfg.Now = e.now
	}
	e.intelCfg = cfg
	e.tracker = &intel.Tracker{Now: e.now, Store: e.intel}
	return nil
}

// eraseIntel takes an erased person out of the engine's own intelligence:
// items (as IntelEraser does; the Hub's index is rebuilt when Intel built
// it) and the queries of subscriptions that name the person's IDs or texts
// (the IDs become "(erased)", which matches no item, so that a
// subscription to one person never widens to everyone). It returns how many
// items and subscriptions it changed.
func (e *Engine) eraseIntel(ctx context.Context, who ErasedPerson) (items, subs int, err error) {
	items, err = IntelEraser{Repo: e.intel, Hub: e.loadedHub()}.Erase(ctx, who)
	if err != nil {
		return items, 0, err
	}
	err = e.intel.update(ctx, func(tx Tx) error {
		subs = 0
		for it, err := range tx.Scan(bIntelSubs, "") {
			if err != nil {
				return err
			}
			var s intel.Subscription
			if err := json.Unmarshal(it.Value, &s); err != nil {
				return fmt.Errorf("c360: stored subscription %q does not decode: %w", it.Key, err)
			}
			if scrubQuery(&s.Query, who) {
				subs++
				if err := putJSON(tx, bIntelSubs, "", it.Key, &s); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return items, subs, err
}

// scrubQuery takes a person out of a query and reports whether it changed.
func scrubQuery(q *intel.Query, p ErasedPerson) bool {
	hit := false
	for _, ids := range []*[]customer.ID{&q.Customers, &q.Accounts} {
		for i, id := range *ids {
			if slices.Contains(p.IDs, id) {
				(*ids)[i] = customer.ID(redacted)
				hit = true
			}
		}
	}
	for _, t := range p.Texts {
		if strings.Contains(q.Text, t) {
			q.Text = strings.ReplaceAll(q.Text, t, redacted)
			hit = true
		}
	}
	return hit
}
