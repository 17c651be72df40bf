package c360

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/match"
)

// Config configures an Engine. The zero Config is ready: in-memory state,
// the default matcher over customer source records, most-recent-wins
// survivorship and the system clock.
type Config struct {
	// Store keeps the engine's state. Nil means a new MemoryStore, whose
	// state is gone when the process ends; use store/bolt or store/postgres
	// to keep it, and to share it between replicas (PostgreSQL).
	Store Store `json:"-"`
	// Match configures identity resolution: the same match.Config (the same
	// match.json) as `c360 dedupe`. Its Fields must be match.SourceFields()
	// (the engine matches customer source records); nil Fields means those.
	// Match.Model fixes the model; nil means the model kept in the store
	// (estimated by Load), or else the matcher's prior model
	// (match.Matcher.PriorModel), which is only a starting point: Load
	// representative records first, or give a model estimated by
	// `c360 dedupe`. The term-frequency adjustment is off (frequencies are a
	// property of a whole data set; the engine scores one record at a
	// time): TermFrequency set to true is refused.
	Match match.Config `json:"match,omitzero"`
	// Survivorship builds each profile from its source records. The zero
	// value is most-recent-wins with the most restrictive consent.
	Survivorship customer.Survivorship `json:"survivorship,omitzero"`
	// Now is the clock. Nil means time.Now.
	Now func() time.Time `json:"-"`
	// CacheSize bounds the in-process cache of stored records normalised
	// for matching (about 1 KiB each, in many small objects the garbage
	// collector marks), which spares normalising candidates again on every
	// Upsert. Zero means 100,000 records (about 100 MiB); negative turns the
	// cache off. A larger cache speeds Upserts against many stored records
	// (a candidate is more often found normalised) at that cost in memory.
	// The cache is derived state: losing it changes no answer.
	CacheSize int `json:"cache_size,omitempty"`

	// Journey is the journey map the lifecycle stages of Track follow; nil
	// means journey.DefaultMap().
	Journey *journey.Map `json:"journey,omitempty"`
	// Catalog lists the touchpoint types and channels Track accepts; nil
	// means the standard catalogue.
	Catalog *journey.Catalog `json:"-"`
	// Segments are the live segments: their membership is kept current on
	// every Upsert and Track (and on Tick, for conditions relative to the
	// clock), and entries and exits go to the change feed. A segment may
	// refer to those defined before it. Nil: none.
	Segments []SegmentDef `json:"segments,omitempty"`
	// Sending configures the send gate of Decide, Claim and Activate.
	Sending SendConfig `json:"sending,omitzero"`
	// FutureSkew is how far after the engine's clock an event may be dated
	// before Track refuses it. Zero means 24 hours.
	FutureSkew time.Duration `json:"future_skew,omitempty"`
	// Privacy configures erasure, suppression and the provision log.
	Privacy PrivacyConfig `json:"privacy,omitzero"`
	// Intel configures the engine's intelligence Hub (Engine.Intel): its
	// taxonomy, Deliver callback, snippet length and insight group size.
	// Its Subscriptions must be nil (the engine keeps them in its Store);
	// a nil Now means the engine's clock. The zero value is intel's
	// defaults, with deliveries pending until a Deliver is set.
	Intel intel.Config `json:"intel,omitzero"`
}

// Engine keeps one current profile per person as source records arrive:
// it matches each record against the identity state in real time, creates,
// joins or merges profiles (or opens a review item for a person to decide),
// rebuilds each profile with survivorship and provenance, redirects absorbed
// IDs, and writes every change to a durable, resumable change feed. All its
// state lives in its Store, so a restarted Engine, or a second one on the
// same PostgreSQL database, sees the same state.
//
// An Engine is safe for concurrent use. Open one with Open and Close it when
// done.
type Engine struct {
	store Store
	owns  bool
	mcfg  match.Config // with the defaults the engine sets
	// fixedModel: Config.Match.Model set the model (Relearn refuses).
	fixedModel bool
	matcher    *match.Matcher
	scorer     *match.Scorer
	surv       customer.Survivorship
	now        func() time.Time
	cache      *prepCache
	live       *live
	privacy    PrivacyConfig
	priv       privState // privacy.go

	intel    *IntelStore // intel.go
	intelCfg intel.Config
	tracker  *intel.Tracker
	intelMu  sync.Mutex // guards hub
	hub      *intel.Hub // built by the first Intel call

	mu     sync.RWMutex // guards scorer, matcher and mcfg (set by Load and Relearn) and closed
	closed bool
}

// Open returns an Engine over cfg. It reads the matching model kept in the
// store, if any.
func Open(ctx context.Context, cfg Config) (*Engine, error) {
	return open(ctx, cfg, true)
}

// open is Open; Reindex opens without checking the index fingerprint.
func open(ctx context.Context, cfg Config, checkIndex bool) (*Engine, error) {
	e := &Engine{store: cfg.Store, surv: cfg.Survivorship, now: cfg.Now, privacy: cfg.Privacy}
	if e.store == nil {
		e.store = NewMemoryStore()
		e.owns = true
	}
	if e.now == nil {
		e.now = time.Now
	}
	if err := e.openIntel(cfg.Intel); err != nil {
		return nil, err
	}
	lv, err := newLive(cfg, e.now)
	if err != nil {
		return nil, err
	}
	e.live = lv
	switch {
	case cfg.CacheSize == 0:
		e.cache = newPrepCache(defaultCacheSize)
	case cfg.CacheSize > 0:
		e.cache = newPrepCache(cfg.CacheSize)
	}
	mc := cfg.Match
	if mc.Fields == nil {
		mc.Fields = match.SourceFields()
	}
	if err := checkFields(mc.Fields); err != nil {
		return nil, err
	}
	if mc.TermFrequency != nil && *mc.TermFrequency {
		return nil, fmt.Errorf("%w: match.term_frequency: the engine scores one record at a time, without the frequencies of a whole data set; leave it unset", ErrInvalid)
	}
	mc.TermFrequency = new(false)
	model := mc.Model
	e.fixedModel = model != nil
	if model == nil {
		err := e.store.View(ctx, func(tx ReadTx) error {
			b, err := tx.Meta(metaModel)
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			model = new(match.Model)
			if err := json.Unmarshal(b, model); err != nil {
				return fmt.Errorf("c360: the store's matching model: %w", err)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	mc.Model = model
	m, err := match.New(mc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	e.mcfg, e.matcher = mc, m
	s, err := e.matcher.NewScorer(model)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	e.scorer = s
	if checkIndex {
		if err := e.checkFingerprint(ctx); err != nil {
			return nil, err
		}
	}
	if err := e.openPrivacy(ctx); err != nil { // privacy.go: the salt of suppression entries
		return nil, err
	}
	return e, nil
}

// defaultCacheSize is Config.CacheSize's zero value: at 1,000,000 records
// the cache alone held about 1 GiB.
const defaultCacheSize = 100_000

const (
	metaModel       = "model"
	metaFingerprint = "fingerprint"
)

// checkFingerprint refuses a store whose index keys were computed under
// another matching configuration (other fields or blocking rules): its
// candidates would silently be wrong. The first Update stamps it.
func (e *Engine) checkFingerprint(ctx context.Context) error {
	want := e.keysFingerprint()
	return e.store.Update(ctx, func(tx Tx) error {
		b, err := tx.Meta(metaFingerprint)
		if errors.Is(err, ErrNotFound) {
			return tx.PutMeta(metaFingerprint, []byte(want))
		}
		if err != nil {
			return err
		}
		if string(b) != want {
			return fmt.Errorf("%w: %w: the store was indexed with another matcher configuration (fields or blocking rules) or an earlier version of c360's index keys; open it with that configuration, or re-index it for this one (Reindex)", ErrInvalid, ErrIndexed)
		}
		return nil
	})
}

func (e *Engine) keysFingerprint() string {
	h := sha256.New()
	for _, f := range e.matcher.Fields() {
		fmt.Fprintf(h, "%s\x00%s\x00", f.Name, f.Kind)
	}
	// The blocking rules decide the keys; the model does not change them.
	for _, r := range e.scorer.BlockingRules() {
		fmt.Fprintf(h, "rule\x00%s\x00", r)
	}
	// Identity keys (every e-mail, phone and corporate number, for Lookup),
	// first written in this version of the index.
	fmt.Fprintf(h, "identity\x00v1\x00")
	return base32.StdEncoding.EncodeToString(h.Sum(nil)[:10])
}

func checkFields(fs []match.Field) error {
	want := match.SourceFields()
	if len(fs) != len(want) {
		return fmt.Errorf("%w: the engine's matcher must have the fields of match.SourceFields (%d), not %d", ErrInvalid, len(want), len(fs))
	}
	for i := range fs {
		if fs[i].Name != want[i].Name {
			return fmt.Errorf("%w: matcher field %d is %q, want %q (match.SourceFields)", ErrInvalid, i, fs[i].Name, want[i].Name)
		}
	}
	return nil
}

// Close closes the Engine, and its store when Open created it. Calls after
// Close fail with ErrClosed.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	if e.owns {
		return e.store.Close()
	}
	return nil
}

func (e *Engine) current() (*match.Scorer, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return nil, ErrClosed
	}
	return e.scorer, nil
}

// Model returns the model the engine scores with.
func (e *Engine) Model() *match.Model {
	s, err := e.current()
	if err != nil {
		return nil
	}
	return s.Model()
}

// Profile returns the current profile with the given ID. When id was
// absorbed by a merge, it follows the redirect (through later merges too)
// and returns the survivor with redirected true. An unknown ID is an error
// wrapping ErrNotFound.
func (e *Engine) Profile(ctx context.Context, id customer.ID) (p *customer.Profile, redirected bool, err error) {
	if _, err := e.current(); err != nil {
		return nil, false, err
	}
	err = e.store.View(ctx, func(tx ReadTx) error {
		var target customer.ID
		target, redirected, err = resolve(tx, id)
		if err != nil {
			return err
		}
		p, err = tx.Profile(target)
		return err
	})
	return p, redirected, err
}

// resolve follows redirects from id to a stored profile.
func resolve(tx ReadTx, id customer.ID) (customer.ID, bool, error) {
	redirected := false
	for range 1000 {
		_, err := readProfile(tx, id)
		if err == nil {
			return id, redirected, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return "", false, err
		}
		m, err := tx.Merge(id)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return "", false, fmt.Errorf("%w: profile %s", ErrNotFound, id)
			}
			return "", false, err
		}
		id, redirected = m.Survivor, true
	}
	return "", false, fmt.Errorf("c360: redirect chain from %s too long", id)
}

// ProfileOf returns the ID of the profile holding a source record.
func (e *Engine) ProfileOf(ctx context.Context, key customer.RecordKey) (customer.ID, error) {
	if _, err := e.current(); err != nil {
		return "", err
	}
	var id customer.ID
	err := e.store.View(ctx, func(tx ReadTx) error {
		l, err := tx.Link(key)
		if err != nil {
			return err
		}
		id = l.Profile
		return nil
	})
	return id, err
}

// LinkOf returns why a source record belongs to its profile.
func (e *Engine) LinkOf(ctx context.Context, key customer.RecordKey) (*Link, error) {
	if _, err := e.current(); err != nil {
		return nil, err
	}
	var l *Link
	err := e.store.View(ctx, func(tx ReadTx) (err error) {
		l, err = tx.Link(key)
		return err
	})
	return l, err
}

// pageSize is how many items a streaming read takes per read transaction.
const pageSize = 512

// Profiles streams every current profile in ascending ID order. The
// sequence reads in pages, each a consistent snapshot; it may be used once.
func (e *Engine) Profiles(ctx context.Context) iter.Seq2[*customer.Profile, error] {
	return func(yield func(*customer.Profile, error) bool) {
		if _, err := e.current(); err != nil {
			yield(nil, err)
			return
		}
		var after customer.ID
		for {
			var page []*customer.Profile
			err := e.store.View(ctx, func(tx ReadTx) error {
				for p, err := range tx.Profiles(after) {
					if err != nil {
						return err
					}
					page = append(page, p)
					if len(page) == pageSize {
						break
					}
				}
				return nil
			})
			if err != nil {
				yield(nil, err)
				return
			}
			for _, p := range page {
				if !yield(p, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = page[len(page)-1].ID
		}
	}
}

// Changes streams the change feed after a cursor, in order, until it has
// caught up with what is committed; call it again with the last Change's
// Cursor to resume (after a crash too: a host that stores the cursor with
// its own write sees every change exactly once). The sequence may be used
// once.
func (e *Engine) Changes(ctx context.Context, after Cursor) iter.Seq2[Change, error] {
	return func(yield func(Change, error) bool) {
		if _, err := e.current(); err != nil {
			yield(Change{}, err)
			return
		}
		for {
			var page []Change
			err := e.store.View(ctx, func(tx ReadTx) (err error) {
				page, err = tx.Changes(after, pageSize)
				return err
			})
			if err != nil {
				yield(Change{}, err)
				return
			}
			for _, c := range page {
				if !yield(c, nil) {
					return
				}
				after = c.Cursor
			}
			if len(page) < pageSize {
				return
			}
		}
	}
}

// Reviews lists the open review items with both records and the
// explanation, in ID order. An item whose two records have since come into
// one profile (through other matches) is settled and not listed.
func (e *Engine) Reviews(ctx context.Context) ([]ReviewItem, error) {
	if _, err := e.current(); err != nil {
		return nil, err
	}
	var out []ReviewItem
	err := e.store.View(ctx, func(tx ReadTx) error {
		for r, err := range tx.Reviews() {
			if err != nil {
				return err
			}
			it := ReviewItem{Review: *r}
			for _, side := range []struct {
				key customer.RecordKey
				id  *customer.ID
				rec **customer.SourceRecord
			}{{r.Record, &it.RecordProfile, &it.RecordSource}, {r.Candidate, &it.CandidateProfile, &it.CandidateSource}} {
				l, err := tx.Link(side.key)
				if err != nil {
					return err
				}
				*side.id = l.Profile
				p, err := tx.Profile(l.Profile)
				if err != nil {
					return err
				}
				if s, ok := p.Source(side.key); ok {
					*side.rec = s
				}
			}
			if it.RecordProfile == it.CandidateProfile {
				continue // settled since: the two records were joined by later matches
			}
			out = append(out, it)
		}
		return nil
	})
	return out, err
}

// ReviewItem is an open review item with both sides as they are now.
type ReviewItem struct {
	Review
	RecordProfile, CandidateProfile customer.ID
	RecordSource, CandidateSource   *customer.SourceRecord
}

// fingerprintRecord digests what a record says (not when the SDK received
// it), so the same record sent again is recognised.
func fingerprintRecord(r *customer.SourceRecord) string {
	c := *r
	c.ObservedAt = time.Time{}
	b, _ := json.Marshal(&c)
	h := sha256.Sum256(b)
	return base32.StdEncoding.EncodeToString(h[:15])
}

// newProfileID derives a profile ID from the record that founds it, so that
// the same history gives the same IDs on every replica; n disambiguates a
// record that founds a second profile.
func newProfileID(key customer.RecordKey, n int) customer.ID {
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d", key.System, key.RecordID, n))
	return customer.ID("P" + strings.ToLower(base32.StdEncoding.EncodeToString(h[:10]))[:10])
}
