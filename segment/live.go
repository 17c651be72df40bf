package segment

import (
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"sync"
	"time"
)

// Change is a customer entering or leaving a segment.
type Change struct {
	CustomerID string
	Segment    string
	Entered    bool // false: exited
	At         time.Time
}

// Live keeps the membership of every segment of a Set current as profiles
// change and touchpoints arrive, and reports who entered and who left.
// Conditions relative to the clock (now - 90d, windows) change with time
// alone: the host calls Tick on its own schedule to re-evaluate them.
//
// Live keeps each customer's attributes and touchpoints in memory. It is safe
// for concurrent use. The Set must not change after NewLive.
type Live struct {
	set      *Set
	names    []string
	segs     []*Segment // segs[i] is the segment named names[i]
	index    map[string]int
	onEvents []int // segments that read touchpoints (directly or by reference)
	onClock  []int // segments that read the clock
	// seriesTypes are the touchpoint types ("" for all) whose windowed
	// counts and sums the segments read: Live keeps their series per
	// customer instead of building them at every evaluation.
	seriesTypes []string

	mu        sync.Mutex
	customers map[string]*liveCustomer
	counts    []int
	ctx       evalCtx  // scratch of evaluations (memo, trait cache, series), reused under mu
	changes   []Change // scratch of an evaluation's changes, reused under mu
	retention time.Duration
	onChange  func(Change)
}

type liveCustomer struct {
	subj    Subject
	members []uint64 // bit i: member of segment i
	// series holds, for each type of Live.seriesTypes, the times and
	// values of the customer's touchpoints, kept current as touchpoints
	// arrive in order and leave by retention; stale rebuilds them at the
	// next evaluation (after an out-of-order arrival).
	series []series
	stale  bool
}

// LiveConfig configures Live. The zero value keeps every touchpoint and
// reports changes only as return values.
type LiveConfig struct {
	// OnChange, if not nil, is called for every change, in order, while Live
	// holds its lock: it must not call Live. nil: changes are only returned.
	OnChange func(Change) `json:"-"`
	// Retention drops touchpoints older than now−Retention when a new one
	// arrives, bounding memory. Set it to at least the longest window the
	// segments use, or results will differ; 0 keeps everything. In JSON,
	// nanoseconds.
	Retention time.Duration `json:"retention,omitempty"`
}

// NewLive starts live membership for every segment defined in set.
func NewLive(set *Set, cfg LiveConfig) *Live {
	l := &Live{set: set, names: set.Names(), index: map[string]int{}, customers: map[string]*liveCustomer{}, onChange: cfg.OnChange, retention: cfg.Retention}
	l.counts = make([]int, len(l.names))
	l.ctx.memo = make([]uint8, len(l.names))
	for i, n := range l.names {
		l.index[n] = i
		l.segs = append(l.segs, set.segments[n])
		d := set.transitive(n)
		if d.events {
			l.onEvents = append(l.onEvents, i)
		}
		if d.clock {
			l.onClock = append(l.onClock, i)
		}
	}
	for t := range set.slots {
		if t.indexed() && !slices.Contains(l.seriesTypes, t.Type) {
			l.seriesTypes = append(l.seriesTypes, t.Type)
		}
	}
	slices.Sort(l.seriesTypes)
	return l
}

func (l *Live) customer(id string) *liveCustomer {
	c, ok := l.customers[id]
	if !ok {
		c = &liveCustomer{subj: Subject{ID: id}, members: make([]uint64, (len(l.names)+63)/64)}
		l.customers[id] = c
	}
	return c
}

// UpsertProfile sets a customer's attributes (creating the customer if
// needed) and re-evaluates every segment for it at time now.
func (l *Live) UpsertProfile(id string, attrs Attributes, now time.Time) ([]Change, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.customer(id)
	c.subj.Attrs = attrs
	return l.reevaluate(c, nil, now)
}

// AddTouchpoint records a touchpoint of a customer (creating the customer if
// needed) and re-evaluates the segments that read touchpoints at time now.
// Value aggregates add tp.Value as it is: build touchpoints with
// Set.FromEvent, which keeps values in the Set's currency only.
func (l *Live) AddTouchpoint(id string, tp Touchpoint, now time.Time) ([]Change, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.customer(id)
	tps := c.subj.Touchpoints
	i := len(tps)
	if i > 0 && tp.Time.Before(tps[i-1].Time) { // out of order: keep time order
		i = sort.Search(len(tps), func(k int) bool { return tps[k].Time.After(tp.Time) })
	}
	tps = append(tps, Touchpoint{})
	copy(tps[i+1:], tps[i:])
	tps[i] = tp
	if i == len(tps)-1 && !c.stale {
		for k := range c.series {
			c.series[k].add(&tps[i])
		}
	} else {
		c.stale = true
	}
	if l.retention > 0 && len(tps) > 0 {
		cut := now.Add(-l.retention)
		drop := 0
		for drop < len(tps) && tps[drop].Time.Before(cut) {
			drop++
		}
		if drop > 0 {
			tps = append(tps[:0], tps[drop:]...)
			c.dropSeries(cut)
		}
	}
	c.subj.Touchpoints = tps
	return l.reevaluate(c, l.onEvents, now)
}

// dropSeries removes from the kept series the touchpoints before cut, as
// retention removed them from the touchpoints.
func (c *liveCustomer) dropSeries(cut time.Time) {
	if c.stale {
		return
	}
	if !fitsNanos(cut) {
		c.stale = true
		return
	}
	cutN := cut.UnixNano()
	for k := range c.series {
		s := &c.series[k]
		if !s.exact {
			c.stale = true
			return
		}
		n := 0
		for n < len(s.nanos) && s.nanos[n] < cutN {
			n++
		}
		s.nanos = slices.Delete(s.nanos, 0, n)
		s.values = slices.Delete(s.values, 0, n)
	}
}

// Remove forgets a customer; it leaves every segment it was in.
func (l *Live) Remove(id string, now time.Time) []Change {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.customers[id]
	if !ok {
		return nil
	}
	var changes []Change
	for i := range l.names {
		if c.members[i/64]&(1<<(i%64)) != 0 {
			l.counts[i]--
			changes = l.emit(changes, Change{CustomerID: id, Segment: l.names[i], At: now})
		}
	}
	delete(l.customers, id)
	return changes
}

// Tick re-evaluates, for every customer, the segments whose conditions
// depend on the clock, at time now. Customers are visited in ID order.
func (l *Live) Tick(now time.Time) ([]Change, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.onClock) == 0 {
		return nil, nil
	}
	ids := sortedKeys(l.customers)
	var all []Change
	for _, id := range ids {
		ch, err := l.reevaluate(l.customers[id], l.onClock, now)
		if err != nil {
			return all, err
		}
		all = append(all, ch...)
	}
	return all, nil
}

// reevaluate evaluates the given segments (all when nil) for c.
func (l *Live) reevaluate(c *liveCustomer, which []int, now time.Time) ([]Change, error) {
	if len(c.series) != len(l.seriesTypes) || c.stale {
		c.series = slices.Grow(c.series[:0], len(l.seriesTypes))[:len(l.seriesTypes)]
		for k, typ := range l.seriesTypes {
			c.series[k].build(typ, c.subj.Touchpoints)
		}
		c.stale = false
	}
	ctx := &l.ctx
	ctx.reset(l.set, &c.subj, now, c.series)
	for k := range c.series {
		c.series[k].setHi(ctx.nowN)
	}
	defer func() { ctx.s, ctx.kept = nil, nil }() // keep no customer alive
	changes := l.changes[:0]                      // scratch: the caller gets one copy of exactly the changes
	defer func() { l.changes = changes[:0] }()
	done := func(err error) ([]Change, error) {
		if len(changes) == 0 {
			return nil, err
		}
		return slices.Clone(changes), err
	}
	visit := func(i int) error {
		seg := l.segs[i]
		in := ctx.eval(seg)
		if ctx.err != nil {
			return fmt.Errorf("customer %q, segment %q: %w", c.subj.ID, seg.Name, ctx.err)
		}
		word, bit := i/64, uint64(1)<<(i%64)
		was := c.members[word]&bit != 0
		if in == was {
			return nil
		}
		c.members[word] ^= bit
		if in {
			l.counts[i]++
		} else {
			l.counts[i]--
		}
		changes = l.emit(changes, Change{CustomerID: c.subj.ID, Segment: seg.Name, Entered: in, At: now})
		return nil
	}
	if which == nil {
		for i := range l.names {
			if err := visit(i); err != nil {
				return done(err)
			}
		}
		return done(nil)
	}
	for _, i := range which {
		if err := visit(i); err != nil {
			return done(err)
		}
	}
	return done(nil)
}

func (l *Live) emit(changes []Change, ch Change) []Change {
	if l.onChange != nil {
		l.onChange(ch)
	}
	return append(changes, ch)
}

// IsMember reports whether the customer is currently in the segment.
func (l *Live) IsMember(id, segment string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.index[segment]
	c, found := l.customers[id]
	return ok && found && c.members[i/64]&(1<<(i%64)) != 0
}

// Count returns the number of members of the segment, kept at every change.
func (l *Live) Count(segment string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i, ok := l.index[segment]; ok {
		return l.counts[i]
	}
	return 0
}

// Members returns the sorted IDs of the segment's members.
func (l *Live) Members(segment string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.index[segment]
	if !ok {
		return nil
	}
	var out []string
	for id, c := range l.customers {
		if c.members[i/64]&(1<<(i%64)) != 0 {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// Segments returns the sorted names of the segments the customer is in.
func (l *Live) Segments(id string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.customers[id]
	if !ok {
		return nil
	}
	var out []string
	for w, word := range c.members {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			out = append(out, l.names[w*64+b])
			word &^= 1 << b
		}
	}
	sort.Strings(out)
	return out
}
