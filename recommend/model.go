package recommend

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/c360/c360/customer"
)

// minSegmentCustomers is the fewest customers a segment needs for its own
// popularity to be used; smaller segments get the overall popularity.
const minSegmentCustomers = 20

// Model is a trained recommender: item popularity overall and per segment,
// each item's neighbours (from co-occurrence or EASE), and the customers'
// histories as they were at training (plus what Observe added since). It is
// safe for concurrent use; Observe may run beside Recommend.
type Model struct {
	params   Params
	items    []string
	itemIdx  map[string]int32
	popCnt   []int32   // customers who chose each item
	pop      []float32 // popCnt / max(popCnt)
	segNames []string
	segIdx   map[string]int32
	segCusts []int32
	segCnt   [][]int32 // per segment, customers who chose each item
	segPop   [][]float32
	popOrder []int32   // items by popularity, best first (ties: lower index)
	segOrder [][]int32 // the same per segment
	nb       *neighbourhood
	bought   bool // every learned pair is a purchase: reasons say "bought"
	maxT     int64

	custs   []customer.ID
	custIdx map[customer.ID]int32
	custSeg []int32 // -1 when none
	hOff    []int64
	hItem   []int32
	hW      []float32
	hBought []bool

	mu      sync.RWMutex
	overlay map[customer.ID]*observed // Observe'd since training

	scratch sync.Pool
}

type observed struct {
	seg      string
	items    map[int32]float32 // item → weight (1 bought, else cart/view weight)
	buys     map[int32]bool
	returned map[int32]bool // returned since training: out of the trained history
}

func newModel(d *Dataset, nb *neighbourhood, p Params) *Model {
	m := &Model{params: p, items: d.items, itemIdx: d.itemIdx, nb: nb, maxT: d.maxT,
		custs: d.custs, custIdx: d.custIdx, hOff: d.off, hItem: d.item, hBought: d.bought}
	m.hW = d.weights(p.HalfLifeDays)
	n := len(d.items)
	m.popCnt = make([]int32, n)
	m.bought = true
	for k, it := range d.item {
		m.popCnt[it]++
		if !d.bought[k] {
			m.bought = false
		}
	}
	m.segIdx = map[string]int32{}
	m.custSeg = make([]int32, len(d.custs))
	for c, s := range d.custSeg {
		if s == "" {
			m.custSeg[c] = -1
			continue
		}
		si, ok := m.segIdx[s]
		if !ok {
			si = int32(len(m.segNames))
			m.segNames = append(m.segNames, s)
			m.segIdx[s] = si
			m.segCusts = append(m.segCusts, 0)
			m.segCnt = append(m.segCnt, make([]int32, n))
		}
		m.custSeg[c] = si
		m.segCusts[si]++
		for k := d.off[c]; k < d.off[c+1]; k++ {
			m.segCnt[si][d.item[k]]++
		}
	}
	m.finish()
	return m
}

// finish derives the normalised popularity vectors from the counts.
func (m *Model) finish() {
	m.pop = normalise(m.popCnt)
	m.popOrder = order(m.popCnt)
	m.segPop = make([][]float32, len(m.segCnt))
	m.segOrder = make([][]int32, len(m.segCnt))
	for i, c := range m.segCnt {
		m.segPop[i] = normalise(c)
		m.segOrder[i] = order(c)
	}
	m.scratch.New = func() any { return newScratch(len(m.items)) }
}

// order returns the items by count, highest first, ties by index.
func order(cnt []int32) []int32 {
	out := make([]int32, len(cnt))
	for i := range out {
		out[i] = int32(i)
	}
	slices.SortStableFunc(out, func(a, b int32) int { return int(cnt[b]) - int(cnt[a]) })
	return out
}

func normalise(cnt []int32) []float32 {
	out := make([]float32, len(cnt))
	mx := slices.Max(append([]int32{1}, cnt...))
	for i, c := range cnt {
		out[i] = float32(c) / float32(mx)
	}
	return out
}

// Params returns the hyper-parameters the model was trained with.
func (m *Model) Params() Params { return m.params }

// Items returns the number of items the model knows.
func (m *Model) Items() int { return len(m.items) }

// Customers returns the number of customers whose history the model holds.
func (m *Model) Customers() int { return len(m.custs) }

// Request asks for recommendations.
type Request struct {
	// Customer whose history (as of training, plus Observe) is the profile;
	// "" or a customer the model does not know gets the popularity answer.
	Customer customer.ID
	// Items in the basket or just viewed; they add to the profile and are
	// not recommended.
	Items []string
	// Segment of the customer; "" means the segment the model learned for
	// the customer, if any.
	Segment string
	// N is how many items to return; 0 means 10.
	N int
	// Exclude lists items not to recommend in this request (out of stock
	// now, say), beside those of the rules.
	Exclude []string
}

// ReasonKind classifies a reason.
type ReasonKind uint8

// Reason kinds.
const (
	// ReasonBoughtTogether: customers who chose an item of the profile
	// also chose this one.
	ReasonBoughtTogether ReasonKind = iota + 1
	// ReasonPopularInSegment: popular with customers of the segment.
	ReasonPopularInSegment
	// ReasonPopular: popular with all customers.
	ReasonPopular
	// ReasonBoosted: a business rule boosted the item.
	ReasonBoosted
)

var reasonKindNames = [...]string{"", "bought_together", "popular_in_segment", "popular", "boosted"}

// String returns "bought_together", "popular_in_segment", "popular" or
// "boosted".
func (k ReasonKind) String() string {
	if int(k) < len(reasonKindNames) && k > 0 {
		return reasonKindNames[k]
	}
	return "ReasonKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText returns the name of k.
func (k ReasonKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Reason says why an item is recommended, for a person to read.
type Reason struct {
	Kind ReasonKind `json:"kind"`
	// Item of the profile the recommendation comes from
	// (ReasonBoughtTogether).
	Item string `json:"item,omitempty"`
	// Customers who chose both items (ReasonBoughtTogether) or the item
	// (the popularity reasons).
	Customers int    `json:"customers,omitempty"`
	Segment   string `json:"segment,omitempty"`
	// Text is the reason in English, such as "bought together with
	// green tea by 214 customers".
	Text string `json:"text"`
}

// Recommendation is one recommended item.
type Recommendation struct {
	Item  string  `json:"item"`
	Score float64 `json:"score"`
	// Reasons: the main reason first, then those of the rules that
	// boosted the item.
	Reasons []Reason `json:"reasons"`
}

// Recommend returns up to req.N items for the request under no business
// rule but "not already in the profile". See Recommender for rules.
func (m *Model) Recommend(ctx context.Context, req Request) ([]Recommendation, error) {
	var r Recommender
	r.Model = m
	return r.Recommend(ctx, req)
}

type scratch struct {
	acc     []float32
	best    []float32
	anchor  []int32
	mark    []uint8 // per item: markExcluded, markSpecial
	marked  []int32 // items with a mark, to clear
	touched []int32
	special []scored
	hist    []hentry
	top     topK
	inv     float32
}

type hentry struct {
	item   int32
	w      float32
	bought bool
}

func newScratch(n int) *scratch {
	s := &scratch{acc: make([]float32, n), best: make([]float32, n), anchor: make([]int32, n), mark: make([]uint8, n)}
	for i := range s.anchor {
		s.anchor[i] = -1
	}
	return s
}

// profile fills s.hist with the customer's history and the request's items
// and returns the customer's segment index (-1 when none).
func (m *Model) profile(req *Request, s *scratch) int32 {
	s.hist = s.hist[:0]
	seg := int32(-1)
	var o *observed
	if req.Customer != "" {
		m.mu.RLock()
		defer m.mu.RUnlock()
		o = m.overlay[req.Customer]
	}
	if c, ok := m.custIdx[req.Customer]; ok && req.Customer != "" {
		seg = m.custSeg[c]
		for k := m.hOff[c]; k < m.hOff[c+1]; k++ {
			if o != nil && o.returned[m.hItem[k]] {
				continue
			}
			s.hist = append(s.hist, hentry{m.hItem[k], m.hW[k], m.hBought[k]})
		}
	}
	if req.Customer != "" {
		if o != nil {
			if si, ok := m.segIdx[o.seg]; ok {
				seg = si
			}
			for it, w := range o.items {
				s.hist = append(s.hist, hentry{it, w, o.buys[it]})
			}
		}
	}
	for _, name := range req.Items {
		if it, ok := m.itemIdx[name]; ok {
			s.hist = append(s.hist, hentry{it, 1, false})
		}
	}
	if req.Segment != "" {
		seg = -1
		if si, ok := m.segIdx[req.Segment]; ok {
			seg = si
		}
	}
	return seg
}

// popularity returns the popularity vector used for a segment, its counts
// and whether it is the segment's own.
func (m *Model) popularity(seg int32) ([]float32, []int32, bool) {
	if seg >= 0 && m.segCusts[seg] >= minSegmentCustomers {
		return m.segPop[seg], m.segCnt[seg], true
	}
	return m.pop, m.popCnt, false
}

// popularOrder returns the items by the popularity popularity(seg) uses.
func (m *Model) popularOrder(seg int32) []int32 {
	if seg >= 0 && m.segCusts[seg] >= minSegmentCustomers {
		return m.segOrder[seg]
	}
	return m.popOrder
}

// accumulate adds the neighbour weights of the profile in s.hist into
// s.acc (recording the touched items and each one's strongest anchor) and
// returns the largest sum; s.inv is set to its inverse.
func (m *Model) accumulate(s *scratch) float32 {
	nb := m.nb
	var mx float32
	if nb == nil {
		return 0
	}
	for _, h := range s.hist {
		if !(h.w > 0) {
			continue
		}
		for k := nb.off[h.item]; k < nb.off[h.item+1]; k++ {
			j := nb.nbr[k]
			c := h.w * nb.w[k]
			if s.anchor[j] < 0 {
				s.touched = append(s.touched, j)
			}
			s.acc[j] += c
			if c > s.best[j] || s.anchor[j] < 0 {
				s.best[j], s.anchor[j] = c, int32(k)
			}
		}
	}
	for _, j := range s.touched {
		mx = max(mx, s.acc[j])
	}
	if mx > 0 {
		s.inv = 1 / mx
	}
	return mx
}

func (s *scratch) reset() {
	for _, j := range s.touched {
		s.acc[j], s.best[j], s.anchor[j] = 0, 0, -1
	}
	s.touched = s.touched[:0]
	for _, j := range s.marked {
		s.mark[j] = 0
	}
	s.marked = s.marked[:0]
}

// reason returns the main reason for recommending j, whose score before
// boosts is base: the profile item that contributed most when the model
// makes at least half the score, else popularity.
func (m *Model) reason(j int32, base float32, s *scratch, seg int32, segOwn bool, cnt []int32, usedModel bool) Reason {
	if usedModel && s.anchor[j] >= 0 && s.acc[j]*s.inv >= 0.5*base {
		k := s.anchor[j]
		// anchor holds the index into the neighbour arrays; the anchor
		// item is the row k falls in.
		from := m.rowOf(k)
		verb := "bought"
		if !m.bought {
			verb = "chosen"
		}
		c := int(m.nb.cnt[k])
		return Reason{Kind: ReasonBoughtTogether, Item: m.items[from], Customers: c,
			Text: fmt.Sprintf("%s together with %s by %s", verb, m.items[from], customers(c))}
	}
	if segOwn {
		name := m.segNames[seg]
		return Reason{Kind: ReasonPopularInSegment, Segment: name, Customers: int(cnt[j]),
			Text: fmt.Sprintf("popular in your segment %s (%s)", name, customers(int(cnt[j])))}
	}
	return Reason{Kind: ReasonPopular, Customers: int(cnt[j]),
		Text: fmt.Sprintf("popular with all customers (%s)", customers(int(cnt[j])))}
}

func customers(n int) string {
	if n == 1 {
		return "1 customer"
	}
	return strconv.Itoa(n) + " customers"
}

// rowOf returns the item whose neighbour list holds index k.
func (m *Model) rowOf(k int32) int32 {
	off := m.nb.off
	i, _ := slices.BinarySearch(off, int64(k)+1)
	return int32(i - 1)
}

// Observe adds interactions that happened after training to the profiles
// the model serves from, so that what a customer just bought is excluded
// and their new items drive the next recommendation at once; popularity
// and the item-item model change only when the host retrains (Train on
// the full history, on the schedule it chooses). Returns and views follow
// the rules of Builder: a return takes the item out of the profile, the
// trained history included; a later purchase brings it back.
func (m *Model) Observe(ins ...Interaction) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.overlay == nil {
		m.overlay = map[customer.ID]*observed{}
	}
	for _, in := range ins {
		it, ok := m.itemIdx[in.Item]
		if !ok || in.Customer == "" {
			continue
		}
		o := m.overlay[in.Customer]
		if o == nil {
			o = &observed{items: map[int32]float32{}, buys: map[int32]bool{}, returned: map[int32]bool{}}
			m.overlay[in.Customer] = o
		}
		if in.Segment != "" {
			o.seg = in.Segment
		}
		switch {
		case in.Kind == KindReturn || (in.Kind == KindPurchase && in.Quantity < 0):
			delete(o.items, it)
			delete(o.buys, it)
			o.returned[it] = true
		case in.Kind == KindPurchase:
			o.items[it], o.buys[it] = 1, true
			delete(o.returned, it)
		case in.Kind == KindCart:
			o.items[it] = max(o.items[it], 0.5)
		case in.Kind == KindView:
			o.items[it] = max(o.items[it], 0.2)
		}
	}
}

// neighbours returns item i's neighbours (for tests and tools).
func (m *Model) neighbours(item string) []scored {
	i, ok := m.itemIdx[item]
	if !ok || m.nb == nil {
		return nil
	}
	var out []scored
	for k := m.nb.off[i]; k < m.nb.off[i+1]; k++ {
		out = append(out, scored{m.nb.nbr[k], m.nb.w[k], m.nb.cnt[k]})
	}
	return out
}
