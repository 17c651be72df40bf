package recommend

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/c360/c360/customer"
)

// KindWeights gives the strength of each kind of interest, in (0, 1]. The
// zero value means purchase 1, cart 0.5, view 0.2.
type KindWeights struct {
	Cart float64 `json:"cart,omitempty"`
	View float64 `json:"view,omitempty"`
}

// DataConfig says which interactions are learned and how. The zero value
// learns purchases (carts at 0.5, views at 0.2) of every item.
type DataConfig struct {
	// NonProduct lists items that are not products (postage, fees, manual
	// adjustments): their rows are counted and skipped. Matched exactly,
	// after trimming spaces and ignoring case.
	NonProduct []string `json:"non_product,omitempty"`
	// Weights of carts and views; zero fields take the defaults.
	Weights KindWeights `json:"weights"`
}

// Dataset is interactions aggregated per customer and item, ready for
// training: each customer's items with the strength of interest (1 for a
// purchase not fully returned, else the weight of the strongest cart or
// view) and the time of the latest interaction. Build one with a Builder.
// A Dataset is read-only once built and safe for concurrent reads.
type Dataset struct {
	items   []string
	itemIdx map[string]int32
	custs   []customer.ID
	custIdx map[customer.ID]int32
	custSeg []string // latest non-empty segment per customer
	off     []int64  // customer c's pairs are [off[c], off[c+1])
	item    []int32  // ascending within a customer
	str     []float32
	last    []int64 // Unix seconds of the latest positive interaction
	bought  []bool  // the pair is a purchase (not only cart or view)
	minT    int64
	maxT    int64
	stats   Stats
}

// Stats counts what a Builder read and left out.
type Stats struct {
	Rows       int // interactions added
	NonProduct int // rows of non-product items, skipped
	Returns    int // return and cancellation rows (and negative quantities)
	// Cancelled counts customer–item pairs whose returns took back every
	// purchase (and no cart or view keeps them): not learned.
	Cancelled int
	Pairs     int // customer–item pairs learned
}

// Customers returns how many customers the dataset holds.
func (d *Dataset) Customers() int { return len(d.custs) }

// Items returns how many items the dataset holds.
func (d *Dataset) Items() int { return len(d.items) }

// Stats returns what was read and left out.
func (d *Dataset) Stats() Stats { return d.stats }

// Builder collects interactions into a Dataset. The zero Builder is ready
// with the zero DataConfig; it is not safe for concurrent use.
type Builder struct {
	Config DataConfig

	nonProduct map[string]bool
	items      []string
	itemIdx    map[string]int32
	custs      []customer.ID
	custIdx    map[customer.ID]int32
	custSeg    []string
	segTime    []int64
	cust       []int32
	item       []int32
	t          []int64
	qty        []float32
	kind       []Kind
	stats      Stats
}

// Items returns how many distinct items were added so far.
func (b *Builder) Items() int { return len(b.items) }

// Len returns how many interactions were added so far (non-product rows
// not included).
func (b *Builder) Len() int { return len(b.cust) }

// Grow reserves room for n more interactions.
func (b *Builder) Grow(n int) {
	b.cust = slices.Grow(b.cust, n)
	b.item = slices.Grow(b.item, n)
	b.t = slices.Grow(b.t, n)
	b.qty = slices.Grow(b.qty, n)
	b.kind = slices.Grow(b.kind, n)
}

// Add adds one interaction. Rows without a customer or an item, or with a
// kind Builder does not know, are refused with an error wrapping
// ErrInvalidInput.
func (b *Builder) Add(in Interaction) error {
	if in.Customer == "" || in.Item == "" {
		return fmt.Errorf("%w: interaction without customer or item", ErrInvalidInput)
	}
	if in.Kind > KindReturn {
		return fmt.Errorf("%w: %v", ErrInvalidInput, in.Kind)
	}
	if b.itemIdx == nil {
		b.itemIdx = map[string]int32{}
		b.custIdx = map[customer.ID]int32{}
		b.nonProduct = map[string]bool{}
		for _, s := range b.Config.NonProduct {
			b.nonProduct[strings.ToLower(strings.TrimSpace(s))] = true
		}
	}
	b.stats.Rows++
	if len(b.nonProduct) > 0 && b.nonProduct[strings.ToLower(strings.TrimSpace(in.Item))] {
		b.stats.NonProduct++
		return nil
	}
	it, ok := b.itemIdx[in.Item]
	if !ok {
		it = int32(len(b.items))
		b.items = append(b.items, in.Item)
		b.itemIdx[in.Item] = it
	}
	c, ok := b.custIdx[in.Customer]
	if !ok {
		c = int32(len(b.custs))
		b.custs = append(b.custs, in.Customer)
		b.custIdx[in.Customer] = c
		b.custSeg = append(b.custSeg, "")
		b.segTime = append(b.segTime, 0)
	}
	t := in.Time.Unix()
	if in.Segment != "" && t >= b.segTime[c] {
		b.custSeg[c], b.segTime[c] = in.Segment, t
	}
	q := in.Quantity
	if q == 0 {
		q = 1
	}
	k := in.Kind
	if k == KindReturn || (k == KindPurchase && q < 0) {
		k = KindReturn
		b.stats.Returns++
		if q < 0 {
			q = -q
		}
	}
	b.cust = append(b.cust, c)
	b.item = append(b.item, it)
	b.t = append(b.t, t)
	b.qty = append(b.qty, float32(q))
	b.kind = append(b.kind, k)
	return nil
}

// AddAll adds a stream of interactions, stopping at the first error of the
// stream; invalid interactions are skipped and counted in the returned
// number.
func (b *Builder) AddAll(ctx context.Context, s iter.Seq2[Interaction, error]) (skipped int, err error) {
	n := 0
	for in, err := range s {
		if err != nil {
			return skipped, err
		}
		if n++; n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return skipped, err
			}
		}
		if b.Add(in) != nil {
			skipped++
		}
	}
	return skipped, nil
}

// Build aggregates what was added into a Dataset. The Builder may go on
// collecting; a later Build includes everything.
func (b *Builder) Build() *Dataset {
	return b.build(nil)
}

// build aggregates the rows for which keep is nil or true.
func (b *Builder) build(keep []bool) *Dataset {
	w := b.Config.Weights
	if w.Cart <= 0 || w.Cart > 1 {
		w.Cart = 0.5
	}
	if w.View <= 0 || w.View > 1 {
		w.View = 0.2
	}
	d := &Dataset{items: b.items, itemIdx: b.itemIdx, custs: b.custs, custIdx: b.custIdx, custSeg: b.custSeg}
	d.stats = b.stats
	nc := len(b.custs)
	// Counting sort of the rows by customer.
	cnt := make([]int64, nc+1)
	for i, c := range b.cust {
		if keep == nil || keep[i] {
			cnt[c+1]++
		}
	}
	for c := 1; c <= nc; c++ {
		cnt[c] += cnt[c-1]
	}
	rows := make([]int32, cnt[nc])
	pos := slices.Clone(cnt[:nc])
	for i, c := range b.cust {
		if keep == nil || keep[i] {
			rows[pos[c]] = int32(i)
			pos[c]++
		}
	}
	d.off = make([]int64, nc+1)
	d.minT, d.maxT = 1<<62, -1<<62
	for c := range nc {
		rs := rows[cnt[c]:cnt[c+1]]
		slices.SortFunc(rs, func(x, y int32) int {
			if b.item[x] != b.item[y] {
				return int(b.item[x]) - int(b.item[y])
			}
			if b.t[x] != b.t[y] {
				if b.t[x] < b.t[y] {
					return -1
				}
				return 1
			}
			return int(x) - int(y)
		})
		for i := 0; i < len(rs); {
			j := i
			it := b.item[rs[i]]
			var net float64
			var interest float32
			var last int64 = -1 << 62
			var lastBuy int64 = -1 << 62
			for ; j < len(rs) && b.item[rs[j]] == it; j++ {
				r := rs[j]
				t := b.t[r]
				if t < d.minT {
					d.minT = t
				}
				if t > d.maxT {
					d.maxT = t
				}
				switch b.kind[r] {
				case KindPurchase:
					net += float64(b.qty[r])
					lastBuy = t
				case KindReturn:
					net -= float64(b.qty[r])
				case KindCart:
					interest = max(interest, float32(w.Cart))
					last = max(last, t)
				case KindView:
					interest = max(interest, float32(w.View))
					last = max(last, t)
				}
			}
			i = j
			bought := net > 0
			if bought {
				interest, last = 1, max(last, lastBuy)
			} else if lastBuy > -1<<62 && interest == 0 {
				d.stats.Cancelled++
			}
			if interest == 0 {
				continue
			}
			d.item = append(d.item, it)
			d.str = append(d.str, interest)
			d.last = append(d.last, last)
			d.bought = append(d.bought, bought)
		}
		d.off[c+1] = int64(len(d.item))
	}
	if d.minT > d.maxT {
		d.minT, d.maxT = 0, 0
	}
	d.stats.Pairs = len(d.item)
	return d
}
