package c360

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
)

// Relearned is what Relearn did.
type Relearned struct {
	// Records is how many stored source records the model was estimated on.
	Records int
	// Confirmed and Rejected count the pairs people decided that it learnt
	// from: confirmed reviews (Confirm) and never-merge constraints
	// (Reject, Unmerge).
	Confirmed, Rejected int
	// Model is the new model; Previous the one it replaced.
	Model, Previous *match.Model
}

// Labels returns the pairs people decided in this engine's review queue, as
// match labels over the records' keys (customer.RecordKey.String, the IDs
// of match.SourceRecords): a confirmed review (Confirm) is a match; a
// never-merge constraint (Reject, Unmerge) is not. They are the same
// labels `c360 dedupe --labels` reads, so an export of the source records
// with them re-estimates the model outside the engine too. Pairs are listed
// once, in key order.
func (e *Engine) Labels(ctx context.Context) ([]match.Label, error) {
	var out []match.Label
	err := e.view(ctx, func(tx ReadTx) error {
		var err error
		_, out, err = labelsIn(ctx, tx)
		return err
	})
	return out, err
}

// labelsIn reads every stored source record and the decided pairs among
// them.
func labelsIn(ctx context.Context, tx ReadTx) ([]customer.SourceRecord, []match.Label, error) {
	var recs []customer.SourceRecord
	held := map[customer.RecordKey]bool{}
	for p, err := range tx.Profiles("") {
		if err != nil {
			return nil, nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		for _, r := range p.Sources {
			recs = append(recs, r)
			held[r.Key()] = true
		}
	}
	seen := map[[2]customer.RecordKey]bool{}
	var labels []match.Label
	add := func(a, b customer.RecordKey, same bool) {
		if !held[a] || !held[b] || a == b {
			return
		}
		if b.String() < a.String() {
			a, b = b, a
		}
		k := [2]customer.RecordKey{a, b}
		if seen[k] {
			return
		}
		seen[k] = true
		labels = append(labels, match.Label{A: a.String(), B: b.String(), Match: same})
	}
	for _, r := range recs {
		k := r.Key()
		l, err := tx.Link(k)
		if err != nil {
			return nil, nil, fmt.Errorf("record %s: %w", k, err)
		}
		for _, ed := range l.Edges {
			if ed.Confirmed {
				add(k, ed.Record, true)
			}
		}
		never, err := tx.NeverMerge(k)
		if err != nil {
			return nil, nil, fmt.Errorf("record %s: %w", k, err)
		}
		for _, o := range never {
			add(k, o, false)
		}
	}
	slices.SortFunc(labels, func(x, y match.Label) int {
		return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return recs, labels, nil
}

// Relearn estimates the matching model again from every stored source
// record and the pairs people decided in the review queue (Labels):
// confirmed pairs re-estimate m, as `c360 dedupe --labels` does, and
// rejected ones stay never-merge constraints. The new model is kept in the
// store and scores every later Upsert of this engine; it returns what it
// learnt from.
//
// Profiles already resolved stay as they are: a record is matched with the
// new model when it, or a record of its neighbourhood, next changes (the
// edges already stored keep the weights they were scored with). Another
// engine over the same store keeps the model it opened with until it is
// opened again, as after Load. An engine whose model is fixed by
// Config.Match.Model is refused (ErrInvalid): its configuration decides
// the model.
func (e *Engine) Relearn(ctx context.Context) (*Relearned, error) {
	sc, err := e.current()
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	mcfg, fixed := e.mcfg, e.fixedModel
	e.mu.RUnlock()
	if fixed {
		return nil, fmt.Errorf("%w: relearn: the model is fixed by the configuration (match.model)", ErrInvalid)
	}
	var recs []customer.SourceRecord
	var labels []match.Label
	if err := e.view(ctx, func(tx ReadTx) error {
		var err error
		recs, labels, err = labelsIn(ctx, tx)
		return err
	}); err != nil {
		return nil, err
	}
	out := &Relearned{Records: len(recs), Previous: sc.Model()}
	for _, l := range labels {
		if l.Match {
			out.Confirmed++
		} else {
			out.Rejected++
		}
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("%w: relearn: %d stored records; a model is estimated from many", ErrInvalid, len(recs))
	}
	cfg := mcfg
	cfg.Model = nil
	cfg.Labels = append(slices.Clone(cfg.Labels), labels...)
	m, err := match.New(cfg)
	if err != nil {
		return nil, err
	}
	res, err := m.Dedupe(ctx, match.SourceRecords(recs))
	if err != nil {
		return nil, fmt.Errorf("relearn: %w", err)
	}
	if res.Model == nil {
		return nil, fmt.Errorf("%w: relearn: the matcher estimated no model (deterministic rules)", ErrInvalid)
	}
	mc := mcfg
	mc.Model = res.Model
	nm, err := match.New(mc)
	if err != nil {
		return nil, err
	}
	ns, err := nm.NewScorer(res.Model)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(res.Model)
	if err != nil {
		return nil, err
	}
	if err := e.store.Update(ctx, func(tx Tx) error { return tx.PutMeta(metaModel, b) }); err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.scorer, e.matcher, e.mcfg = ns, nm, mc
	e.mu.Unlock()
	out.Model = res.Model
	return out, nil
}
