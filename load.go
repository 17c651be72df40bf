package c360

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"runtime"
	"sync"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
	"github.com/hashicorp/go-multierror"
)

// LoadStats says what Load did.
type LoadStats struct {
	Records  int // records read
	Profiles int // profiles created
	Reviews  int // review items opened
	// Suppressed counts the records refused (or held) because they carry
	// an identifier of an erased person (see Engine.Erase); they are left
	// out and the rest is loaded.
	Suppressed int
	// Batch is true when the records were clustered by the batch matcher
	// (an empty engine without a model); false when they were upserted one
	// by one.
	Batch bool
}

// loadBatch is how many profiles one Load transaction writes.
const loadBatch = 2000

// Load imports records in bulk. Into an empty engine it runs the batch
// matcher (match.Matcher.Dedupe) over all of them; when the engine has no
// model yet, that also estimates the matching model from the records (EM,
// no labels needed), which is kept in the store and scores every later
// Upsert. The profiles are resolved as Upserts resolve them (see Upsert), so
// upserting the same records one by one, in any order, gives the same
// profiles. Into an engine that holds records already, each record is
// upserted in turn.
//
// Every record is validated first; if any fails, Load returns every problem
// (wrapping ErrInvalid, each naming the record and field) and stores
// nothing. A record key that appears twice keeps its last version. The batch
// path commits in transactions of a few thousand profiles: if it fails
// midway, the profiles written so far stay, each complete.
func (e *Engine) Load(ctx context.Context, records iter.Seq2[customer.SourceRecord, error]) (LoadStats, error) {
	sc, err := e.current()
	if err != nil {
		return LoadStats{}, err
	}
	var recs []customer.SourceRecord
	at := map[customer.RecordKey]int{}
	var errs *multierror.Error
	n := 0
	for r, err := range records {
		n++
		if err != nil {
			return LoadStats{}, err
		}
		if err := customer.ValidateRecord(&r); err != nil {
			errs = multierror.Append(errs, err)
			if len(errs.Errors) >= 1000 {
				break
			}
			continue
		}
		if r.ObservedAt.IsZero() {
			r.ObservedAt = e.now().UTC()
		}
		if i, ok := at[r.Key()]; ok {
			recs[i] = r
			continue
		}
		at[r.Key()] = len(recs)
		recs = append(recs, r)
	}
	if err := errs.ErrorOrNil(); err != nil {
		return LoadStats{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	st := LoadStats{Records: n}
	if recs, st.Suppressed, err = e.admitLoad(ctx, recs); err != nil { // privacy.go: erased persons' records
		return st, err
	}
	empty, err := e.empty(ctx)
	if err != nil {
		return st, err
	}
	if !empty || len(recs) < 2 {
		for _, r := range recs {
			up, err := e.Upsert(ctx, r)
			if err != nil {
				return st, fmt.Errorf("record %s: %w", r.Key(), err)
			}
			if up.Outcome == Created || up.Outcome == Held {
				st.Profiles++
			}
			st.Reviews += len(up.Reviews)
		}
		return st, nil
	}
	st.Batch = true
	mrecs := match.SourceRecords(recs)
	e.mu.RLock()
	m, mcfg := e.matcher, e.mcfg
	e.mu.RUnlock()
	res, err := m.Dedupe(ctx, mrecs)
	if err != nil {
		return st, err
	}
	if res.Model != nil && mcfg.Model == nil {
		// The model estimated from the records scores every later Upsert.
		mc := mcfg
		mc.Model = res.Model
		m, err := match.New(mc)
		if err != nil {
			return st, err
		}
		s, err := m.NewScorer(res.Model)
		if err != nil {
			return st, err
		}
		b, err := json.Marshal(res.Model)
		if err != nil {
			return st, err
		}
		if err := e.store.Update(ctx, func(tx Tx) error { return tx.PutMeta(metaModel, b) }); err != nil {
			return st, err
		}
		e.mu.Lock()
		e.scorer, e.matcher, e.mcfg = s, m, mc
		e.mu.Unlock()
		sc = s
	}
	preps, err := prepareAll(ctx, sc, mrecs)
	if err != nil {
		return st, err
	}
	plan, err := planLoad(ctx, sc, recs, preps, res)
	if err != nil {
		return st, err
	}
	now := e.now()
	keyIndex := make(map[customer.RecordKey]int, len(recs))
	for i := range recs {
		keyIndex[recs[i].Key()] = i
	}
	blockOf := plan.blockOf
	// Profile IDs first, so that links between records (a person's
	// account) resolve whatever the batch order.
	ids := make([]customer.ID, len(plan.clusters))
	planned := map[customer.RecordKey]customer.ID{}
	err = e.store.View(ctx, func(tx ReadTx) error {
		taken := map[customer.ID]bool{}
		for b, c := range plan.clusters {
			for n := 0; ; n++ {
				id := newProfileID(recs[c[0]].Key(), n)
				if taken[id] {
					continue
				}
				if _, err := tx.Profile(id); err == nil {
					continue
				}
				if _, err := tx.Merge(id); err == nil {
					continue
				}
				ids[b], taken[id] = id, true
				break
			}
			for _, i := range c {
				planned[recs[i].Key()] = ids[b]
			}
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	// Each batch's links and profiles are built on all cores before its
	// transaction, which then only writes them.
	type built struct {
		links   []*Link
		profile *customer.Profile
		change  Change
	}
	buildCluster := func(b int) (built, error) {
		c := plan.clusters[b]
		id := ids[b]
		out := built{links: make([]*Link, len(c))}
		group := make([]customer.SourceRecord, len(c))
		for j, i := range c {
			group[j] = recs[i]
			l := &Link{Record: recs[i].Key(), Profile: id, Reason: "new", At: now, Keys: indexKeys(sc.KeysOf(preps[i]), &recs[i]),
				Values: mrecs[i].Values, Fingerprint: fingerprintRecord(&recs[i]), Edges: plan.edges[i]}
			var best *Edge
			for k := range l.Edges {
				if e := &l.Edges[k]; blockOf[keyIndex[e.Record]] == blockOf[i] && (best == nil || e.Weight > best.Weight) {
					best = e
				}
			}
			if len(l.Edges) > 0 {
				l.Reason = "match"
			}
			if best != nil {
				l.Match = explain(sc, preps[i], preps[keyIndex[best.Record]])
			}
			out.links[j] = l
		}
		p, err := e.surv.Build(id, group)
		if err != nil {
			return out, fmt.Errorf("%w: building profile %s: %w", ErrInvalid, id, err)
		}
		p.CreatedAt, p.UpdatedAt, p.Version = now, now, 1
		resolveLinkRefs(p, func(k customer.RecordKey) (customer.ID, bool, error) {
			to, ok := planned[k]
			return to, ok, nil
		})
		out.profile = p
		out.change = Change{Kind: ChangeCreated, Profile: id, Fields: diffProfiles(nil, p), Record: recs[c[0]].Key(), At: now}
		return out, nil
	}
	for lo := 0; lo < len(plan.clusters); lo += loadBatch {
		hi := min(lo+loadBatch, len(plan.clusters))
		batch := make([]built, hi-lo)
		errs := make([]error, hi-lo)
		var wg sync.WaitGroup
		workers := runtime.GOMAXPROCS(0)
		for w := range workers {
			wg.Go(func() {
				for b := lo + w; b < hi; b += workers {
					batch[b-lo], errs[b-lo] = buildCluster(b)
				}
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return st, err
			}
		}
		if err := ctx.Err(); err != nil {
			return st, err
		}
		err := e.store.Update(ctx, func(tx Tx) error {
			for _, bt := range batch {
				for _, l := range bt.links {
					if err := tx.PutLink(l); err != nil {
						return err
					}
					e.cache.put(l.Record, l.Fingerprint, preps[keyIndex[l.Record]])
					if err := tx.AddKeys(l.Record, l.Keys); err != nil {
						return err
					}
				}
				if err := tx.PutProfile(bt.profile); err != nil {
					return err
				}
				if _, err := tx.AppendChange(&bt.change); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return st, err
		}
		st.Profiles += hi - lo
	}
	reviews := plan.reviews
	for i := range reviews {
		reviews[i].CreatedAt = now
	}
	for lo := 0; lo < len(reviews); lo += loadBatch {
		hi := min(lo+loadBatch, len(reviews))
		err := e.store.Update(ctx, func(tx Tx) error {
			for i := range reviews[lo:hi] {
				if err := tx.PutReview(&reviews[lo+i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return st, err
		}
	}
	st.Reviews = len(reviews)
	// Live state: segment memberships of the new profiles, and the history of
	// records whose events were tracked before they arrived.
	if err := e.afterLoad(ctx); err != nil {
		return st, err
	}
	return st, e.received(ctx, recs) // provision.go: records of third-party providers
}

// empty reports whether the engine holds no record.
func (e *Engine) empty(ctx context.Context) (bool, error) {
	empty := true
	err := e.store.View(ctx, func(tx ReadTx) error {
		cs, err := tx.Changes(0, 1)
		if err != nil {
			return err
		}
		empty = len(cs) == 0
		return nil
	})
	return empty, err
}

// Records returns an iterator over a slice of records, for Load.
func Records(recs []customer.SourceRecord) iter.Seq2[customer.SourceRecord, error] {
	return func(yield func(customer.SourceRecord, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// loadPlan is Load's clustering: the canonical resolution (see Upsert) of
// all the records along the batch's pairs, the edges of each record, and
// the review items.
type loadPlan struct {
	clusters [][]int
	blockOf  []int // record index → its cluster's index
	edges    [][]Edge
	reviews  []Review
}

// planLoad resolves the records canonically along the pairs the batch
// matcher found, which are the pairs Upsert's candidates would score (the
// same blocking rules and model), so that Load and Upserts agree.
func planLoad(ctx context.Context, sc *match.Scorer, recs []customer.SourceRecord, preps []*match.Prepared, res *match.Result) (*loadPlan, error) {
	thr, review := sc.Matcher().Thresholds()
	n := len(recs)
	nodes := make([]cnode, n)
	for i := range recs {
		nodes[i] = cnode{key: recs[i].Key(), prep: preps[i]}
	}
	plan := &loadPlan{edges: make([][]Edge, n)}
	var edges []cedge
	for k, p := range res.Pairs {
		if k&1023 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if p.Probability < thr {
			continue
		}
		a, b := min(p.A, p.B), max(p.A, p.B)
		edges = append(edges, cedge{a: a, b: b, w: p.Weight})
		plan.edges[a] = append(plan.edges[a], Edge{Record: nodes[b].key, Weight: finite(p.Weight)})
		plan.edges[b] = append(plan.edges[b], Edge{Record: nodes[a].key, Weight: finite(p.Weight)})
	}
	plan.clusters = canonical(nodes, edges, sc.ConflictOf)
	plan.blockOf = make([]int, n)
	for b, c := range plan.clusters {
		for _, i := range c {
			plan.blockOf[i] = b
		}
	}
	blockOf := plan.blockOf
	for _, p := range res.Pairs {
		if p.Probability >= thr || p.Probability < review || blockOf[p.A] == blockOf[p.B] {
			continue
		}
		later, earlier := max(p.A, p.B), min(p.A, p.B)
		ex, ok := res.Explain(later, earlier)
		if !ok {
			continue
		}
		a, b := nodes[later].key, nodes[earlier].key
		ex.A, ex.B = a.String(), b.String()
		plan.reviews = append(plan.reviews, Review{ID: reviewID(a, b), Record: a, Candidate: b, Match: storable(ex)})
	}
	return plan, nil
}

// prepareAll normalises every record for scoring, on all cores.
func prepareAll(ctx context.Context, sc *match.Scorer, mrecs []match.Record) ([]*match.Prepared, error) {
	out := make([]*match.Prepared, len(mrecs))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(mrecs); i += workers {
				if i&1023 == 0 && ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				p, err := sc.Prepare(mrecs[i])
				if err != nil {
					errs[w] = err
					return
				}
				out[i] = p
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
