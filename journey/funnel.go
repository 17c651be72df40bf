package journey

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/c360/c360/customer"
)

// Funnel is an ordered conversion funnel.
//
// A customer reaches step k when it has events of the types of steps 1..k
// in this order, each strictly later than the one before, with the step k
// event at most Window after the step 1 event. Every step 1 event is tried
// as a start and the best chain counts, so a late start may reach further
// than an early one. Events of other types in between do not matter;
// repeated and out-of-order input is handled (events are ordered by time).
//
// The zero Window means no limit. A Funnel holds no state; Run may be called
// concurrently.
type Funnel struct {
	// Steps are the touchpoint types in order; 1 to 64 steps, a type may
	// appear more than once.
	Steps []Type `json:"steps"`
	// Window bounds the time from the first to the last step of a chain,
	// inclusive; 0 means unlimited. In JSON, nanoseconds.
	Window time.Duration `json:"window,omitempty"`
	// By, if set, breaks the result down by this field of the chain's
	// starting event (see Event.Attr): "channel", "campaign", an attribute.
	// Run uses it; RunColumns uses the groups given to Columns.Append.
	By string `json:"by,omitempty"`
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int `json:"workers,omitempty"`
	// Progress, if set, is called after each block of customers with the
	// number of customers done and the total; calls do not overlap.
	Progress func(done, total int) `json:"-"`
}

// StepResult is one step of a funnel result.
type StepResult struct {
	Type Type
	// Customers is how many customers reached this step.
	Customers int
	// DropOff is how many customers reached the previous step but not
	// this one (0 for the first step).
	DropOff int
	// ConversionFromPrevious is Customers over the previous step's
	// Customers (1 for the first step when it has customers; 0 when the
	// previous step has none).
	ConversionFromPrevious float64
	// ConversionFromStart is Customers over the first step's Customers.
	ConversionFromStart float64
	// MedianFromPrevious is the median time from the previous step to this
	// one over the customers that reached it, measured on each customer's
	// best chain (latest start reaching its deepest step, each later step
	// the earliest possible). Valid only when HasMedian.
	MedianFromPrevious time.Duration
	HasMedian          bool
}

// FunnelResult is the outcome of a funnel.
type FunnelResult struct {
	Steps []StepResult
	// Groups holds the breakdown when one was asked for: one funnel per
	// value of the starting event's field, sorted by value. A customer
	// counts in the group of the start of its best chain.
	Groups []GroupResult
}

// GroupResult is the funnel of one group of a breakdown.
type GroupResult struct {
	Value string
	Steps []StepResult
}

// ErrFunnel is wrapped by errors about a funnel's definition.
var ErrFunnel = errors.New("journey: invalid funnel")

// Columns holds events column by column with interned, integer-coded
// customers, types and groups: the compact input of Funnel.RunColumns for
// millions of events. The zero value is empty and ready. Not safe for
// concurrent use.
type Columns struct {
	custs  interned[customer.ID]
	types  interned[Type]
	groups interned[string]

	// Events are kept by blocks of 4096 customers (code >> blockBits), so
	// that a funnel finds each customer's events in a cache-sized block.
	blocks []colBlock
	n      int
	bad    int // 1 + index of the first event with foreign codes; 0: none
}

// colBlock holds the events of one block of customers.
type colBlock struct {
	ev  []bev
	grp []int32 // parallel to ev; nil while every group is ""
}

// minTime and maxTime bound the times Columns can hold (nanoseconds since
// 1970 fit in an int64).
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// Append adds one event. group is its breakdown value ("" when none). It
// fails only for a time outside the years 1678–2262.
func (c *Columns) Append(id customer.ID, t Type, at time.Time, group string) error {
	if at.Before(minTime) || at.After(maxTime) {
		return eventError("", "Time", fmt.Sprintf("%v is outside the years 1678-2262", at))
	}
	c.AppendNanos(c.Customer(id), c.TypeCode(t), at.UnixNano(), c.GroupCode(group))
	return nil
}

// interned holds values as dense int32 codes in order of first appearance.
// The zero value is empty and ready.
type interned[K comparable] struct {
	index map[K]int32
	names []K
}

// code returns the code of v, adding it when new.
func (c *interned[K]) code(v K) int32 {
	if c.index == nil {
		c.index = map[K]int32{}
	}
	n, ok := c.index[v]
	if !ok {
		n = int32(len(c.names))
		c.index[v] = n
		c.names = append(c.names, v)
	}
	return n
}

// Customer returns the code of a customer ID, adding it when new.
func (c *Columns) Customer(id customer.ID) int32 { return c.custs.code(id) }

// TypeCode returns the code of a type, adding it when new.
func (c *Columns) TypeCode(t Type) int32 { return c.types.code(t) }

// Types returns the touchpoint types the columns hold, in order of first
// appearance.
func (c *Columns) Types() []Type { return slices.Clone(c.types.names) }

// GroupCode returns the code of a group value, adding it when new.
func (c *Columns) GroupCode(g string) int32 { return c.groups.code(g) }

// AppendNanos adds one event by codes from Customer, TypeCode and
// GroupCode, with its time in Unix nanoseconds: the fast path for bulk
// loads. An event with codes not obtained from c is not stored, and makes
// RunColumns return an error wrapping ErrFunnel.
func (c *Columns) AppendNanos(cust, typ int32, unixNano int64, group int32) {
	c.n++
	if uint32(cust) >= uint32(len(c.custs.names)) || uint32(typ) >= uint32(len(c.types.names)) ||
		(group != 0 && uint32(group) >= uint32(len(c.groups.names))) {
		if c.bad == 0 {
			c.bad = c.n
		}
		return
	}
	b := int(cust >> blockBits)
	for len(c.blocks) <= b {
		c.blocks = append(c.blocks, colBlock{})
	}
	blk := &c.blocks[b]
	if group != 0 && blk.grp == nil {
		blk.grp = make([]int32, len(blk.ev), cap(blk.ev))
	}
	blk.ev = append(blk.ev, bev{t: unixNano, cu: cust, typ: typ})
	if blk.grp != nil {
		blk.grp = append(blk.grp, group)
	}
}

// Grow is a hint that about n more events will be appended.
func (c *Columns) Grow(n int) {
	if n <= 0 || len(c.blocks) > 0 {
		return
	}
	// Before the first event the number of blocks is unknown; size the
	// first one for a share of the events.
	c.blocks = append(c.blocks, colBlock{ev: make([]bev, 0, min(n, 1<<16))})
}

// Len returns the number of events appended.
func (c *Columns) Len() int { return c.n }

// Customers returns the number of distinct customers.
func (c *Columns) Customers() int { return len(c.custs.names) }

// Run computes the funnel over a stream of events (any order), breaking it
// down by f.By when set. Events without a customer ID are skipped: link
// anonymous IDs first (EventStore.Link) to count them.
func (f *Funnel) Run(ctx context.Context, events iter.Seq2[Event, error]) (*FunnelResult, error) {
	var c Columns
	n := 0
	for e, err := range events {
		if err != nil {
			return nil, err
		}
		if n++; n%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if e.CustomerID == "" {
			continue
		}
		g := ""
		if f.By != "" {
			g = e.Attr(f.By)
		}
		if err := c.Append(e.CustomerID, e.Type, e.Time, g); err != nil {
			var fe *customer.FieldError
			if errors.As(err, &fe) {
				fe.Record = "event " + strconv.Quote(e.ID)
			}
			return nil, err
		}
	}
	return f.run(ctx, &c, f.By != "")
}

// RunStore computes the funnel over every customer's events in s.
func (f *Funnel) RunStore(ctx context.Context, s EventStore) (*FunnelResult, error) {
	return f.Run(ctx, func(yield func(Event, error) bool) {
		for id, err := range s.Customers(ctx) {
			if err != nil {
				yield(Event{}, err)
				return
			}
			for e, err := range s.Events(ctx, id, zeroTime, zeroTime) {
				if !yield(e, err) || err != nil {
					return
				}
			}
		}
	})
}

// RunColumns computes the funnel over c, breaking it down by the groups of
// c when any event has a non-empty group.
func (f *Funnel) RunColumns(ctx context.Context, c *Columns) (*FunnelResult, error) {
	grouped := false
	for _, g := range c.groups.names {
		if g != "" {
			grouped = true
		}
	}
	return f.run(ctx, c, grouped)
}

// blockBits sets the block of customers sorted at once: 4096.
const blockBits = 12

// bev is a relevant event on its way to its block; its group, when there
// are groups, travels in a parallel slice.
type bev struct {
	t       int64
	cu, typ int32
}

// fev is a relevant event in its block, in customer order.
type fev struct {
	t   int64
	typ int32
	grp int32
}

// acc accumulates one worker's results.
type acc struct {
	reached [][]int     // [group][level-1] customers whose deepest level is level
	durs    [][][]int64 // [group][step] durations from the previous step
}

func (f *Funnel) run(ctx context.Context, c *Columns, grouped bool) (*FunnelResult, error) {
	k := len(f.Steps)
	if k == 0 || k > 64 {
		return nil, fmt.Errorf("%w: %d steps, want 1 to 64", ErrFunnel, k)
	}
	if f.Window < 0 {
		return nil, fmt.Errorf("%w: negative window %v", ErrFunnel, f.Window)
	}
	window := int64(f.Window)
	if window == 0 {
		window = math.MaxInt64
	}
	// Step mask per type code.
	masks := make([]uint64, len(c.types.names))
	for j, s := range f.Steps {
		if code, ok := c.types.index[s]; ok {
			masks[code] |= 1 << uint(j)
		}
	}
	ngroups := max(len(c.groups.names), 1)
	nc := len(c.custs.names)

	// Each block of customers, small enough for the CPU cache, is
	// counting-sorted by customer (its relevant events only) and run
	// through the funnel by one of the workers.
	if c.bad > 0 {
		return nil, fmt.Errorf("%w: event %d has a code not obtained from the Columns", ErrFunnel, c.bad-1)
	}
	nb := len(c.blocks)
	workers := f.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, nb))
	accs := make([]acc, workers)
	var wg sync.WaitGroup
	var next atomic.Int64
	var progressMu sync.Mutex
	done := 0
	errs := make([]error, workers)
	for w := range workers {
		a := &accs[w]
		a.reached = make([][]int, ngroups)
		a.durs = make([][][]int64, ngroups)
		for g := range ngroups {
			a.reached[g] = make([]int, k)
			a.durs[g] = make([][]int64, k)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var off [1<<blockBits + 1]int32
			var lpos [1 << blockBits]int32
			var buf []fev
			for {
				b := int(next.Add(1) - 1)
				if b >= nb {
					return
				}
				blk := &c.blocks[b]
				if len(blk.ev) == 0 {
					continue
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				base := int32(b << blockBits)
				ncb := min(1<<blockBits, nc-int(base))
				clear(off[:ncb+1])
				for i := range blk.ev {
					if masks[blk.ev[i].typ] != 0 {
						off[blk.ev[i].cu-base+1]++
					}
				}
				for i := 1; i <= ncb; i++ {
					off[i] += off[i-1]
				}
				copy(lpos[:ncb], off[:ncb])
				buf = slices.Grow(buf[:0], int(off[ncb]))[:off[ncb]]
				if blk.grp == nil {
					for i := range blk.ev {
						e := &blk.ev[i]
						if masks[e.typ] != 0 {
							l := e.cu - base
							buf[lpos[l]] = fev{t: e.t, typ: e.typ}
							lpos[l]++
						}
					}
				} else {
					for i := range blk.ev {
						e := &blk.ev[i]
						if masks[e.typ] != 0 {
							l := e.cu - base
							buf[lpos[l]] = fev{t: e.t, typ: e.typ, grp: blk.grp[i]}
							lpos[l]++
						}
					}
				}
				if err := funnelRange(ctx, buf, masks, off[:ncb+1], 0, ncb, window, a); err != nil {
					errs[w] = err
					return
				}
				if f.Progress != nil {
					progressMu.Lock()
					done += ncb
					f.Progress(done, nc)
					progressMu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	// Workers fail only when the context ends: they all report the same
	// error, so the first says it.
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	// Merge.
	total := acc{reached: make([][]int, ngroups), durs: make([][][]int64, ngroups)}
	for g := range ngroups {
		total.reached[g] = make([]int, k)
		total.durs[g] = make([][]int64, k)
		for w := range accs {
			for j := range k {
				total.reached[g][j] += accs[w].reached[g][j]
				total.durs[g][j] = append(total.durs[g][j], accs[w].durs[g][j]...)
			}
		}
	}
	res := &FunnelResult{}
	all := make([]int, k)
	allDurs := make([][]int64, k)
	for g := range ngroups {
		for j := range k {
			all[j] += total.reached[g][j]
			if grouped {
				allDurs[j] = append(allDurs[j], total.durs[g][j]...)
			}
		}
	}
	if !grouped {
		allDurs = total.durs[0]
	}
	res.Steps = f.steps(all, allDurs)
	if grouped {
		for g := range ngroups {
			n := 0
			for _, v := range total.reached[g] {
				n += v
			}
			if n == 0 {
				continue
			}
			res.Groups = append(res.Groups, GroupResult{Value: c.groups.names[g], Steps: f.steps(total.reached[g], total.durs[g])})
		}
		slices.SortFunc(res.Groups, func(a, b GroupResult) int { return cmp.Compare(a.Value, b.Value) })
	}
	return res, nil
}

// steps turns the deepest-level counts into step results.
func (f *Funnel) steps(deepest []int, durs [][]int64) []StepResult {
	k := len(f.Steps)
	out := make([]StepResult, k)
	n := 0
	for j := k - 1; j >= 0; j-- {
		n += deepest[j]
		out[j].Customers = n
	}
	for j := range out {
		out[j].Type = f.Steps[j]
		if j == 0 {
			if out[0].Customers > 0 {
				out[0].ConversionFromPrevious = 1
				out[0].ConversionFromStart = 1
			}
			continue
		}
		prev := out[j-1].Customers
		out[j].DropOff = prev - out[j].Customers
		if prev > 0 {
			out[j].ConversionFromPrevious = float64(out[j].Customers) / float64(prev)
		}
		if out[0].Customers > 0 {
			out[j].ConversionFromStart = float64(out[j].Customers) / float64(out[0].Customers)
		}
		if d := durs[j]; len(d) > 0 {
			out[j].MedianFromPrevious = time.Duration(median(d))
			out[j].HasMedian = true
		}
	}
	return out
}

// funnelRange processes customers lo..hi-1 of the customer-ordered events.
func funnelRange(ctx context.Context, evs []fev, masks []uint64, off []int32, lo, hi int, window int64, a *acc) error {
	var (
		best    [64]int64 // latest start of a chain reaching level j+1
		bestIdx [64]int32 // index (in the customer's events) of that start
		valid   uint64
		upd     [64]int64
		updIdx  [64]int32
		updMask uint64
	)
	for cu := lo; cu < hi; cu++ {
		if (cu-lo)&4095 == 4095 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		e := evs[off[cu]:off[cu+1]]
		if len(e) == 0 {
			continue
		}
		sortByTime(e)
		valid = 0
		for i := 0; i < len(e); {
			t := e[i].t
			updMask = 0
			jEnd := i
			for ; jEnd < len(e) && e[jEnd].t == t; jEnd++ {
				m := masks[e[jEnd].typ]
				for m != 0 {
					b := bits.TrailingZeros64(m)
					m &= m - 1
					if b == 0 {
						if updMask&1 == 0 || t > upd[0] {
							upd[0], updIdx[0] = t, int32(jEnd)
							updMask |= 1
						}
						continue
					}
					if valid&(1<<uint(b-1)) == 0 {
						continue
					}
					s := best[b-1]
					if t-s > window {
						continue
					}
					if updMask&(1<<uint(b)) == 0 || s > upd[b] {
						upd[b], updIdx[b] = s, bestIdx[b-1]
						updMask |= 1 << uint(b)
					}
				}
			}
			for m := updMask; m != 0; m &= m - 1 {
				b := bits.TrailingZeros64(m)
				if valid&(1<<uint(b)) == 0 || upd[b] > best[b] {
					best[b], bestIdx[b] = upd[b], updIdx[b]
					valid |= 1 << uint(b)
				}
			}
			i = jEnd
		}
		if valid == 0 {
			continue
		}
		L := 64 - bits.LeadingZeros64(valid) // deepest level reached, 1-based
		start := bestIdx[L-1]
		g := e[start].grp
		a.reached[g][L-1]++
		// Greedy walk from the start: earliest later event of each step.
		prev := e[start].t
		pos := int(start) + 1
		for j := 1; j < L; j++ {
			bit := uint64(1) << uint(j)
			for pos < len(e) && (e[pos].t <= prev || masks[e[pos].typ]&bit == 0) {
				pos++
			}
			if pos == len(e) {
				break // cannot happen: the chain exists
			}
			a.durs[g][j] = append(a.durs[g][j], e[pos].t-prev)
			prev = e[pos].t
			pos++
		}
	}
	return nil
}

func sortByTime(e []fev) {
	if len(e) <= 12 {
		for i := 1; i < len(e); i++ {
			for j := i; j > 0 && lessFev(&e[j], &e[j-1]); j-- {
				e[j], e[j-1] = e[j-1], e[j]
			}
		}
		return
	}
	slices.SortFunc(e, func(a, b fev) int {
		if c := cmp.Compare(a.t, b.t); c != 0 {
			return c
		}
		return cmp.Compare(a.grp, b.grp)
	})
}

func lessFev(a, b *fev) bool {
	if a.t != b.t {
		return a.t < b.t
	}
	return a.grp < b.grp
}

// median returns the median of d (the mean of the two middle values for an
// even count), reordering d.
func median(d []int64) int64 {
	n := len(d)
	hi := selectK(d, n/2)
	if n%2 == 1 {
		return hi
	}
	lo := slices.Max(d[:n/2])
	return lo + (hi-lo)/2
}

// selectK reorders d so that d[k] is the k-th smallest, smaller ones before
// it, larger ones after it, and returns d[k] (Hoare's quickselect).
func selectK(d []int64, k int) int64 {
	lo, hi := 0, len(d)-1
	for lo < hi {
		// median of three as pivot
		mid := lo + (hi-lo)/2
		if d[mid] < d[lo] {
			d[mid], d[lo] = d[lo], d[mid]
		}
		if d[hi] < d[lo] {
			d[hi], d[lo] = d[lo], d[hi]
		}
		if d[hi] < d[mid] {
			d[hi], d[mid] = d[mid], d[hi]
		}
		p := d[mid]
		i, j := lo, hi
		for i <= j {
			for d[i] < p {
				i++
			}
			for d[j] > p {
				j--
			}
			if i <= j {
				d[i], d[j] = d[j], d[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return d[k]
		}
	}
	return d[k]
}
