package recommend

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/c360/c360/customer"
)

// SynthConfig describes synthetic interaction data with planted structure,
// for tests and benchmarks: customers belong to taste groups, each group
// prefers its own items; some items are bought in pairs; and some
// customers drift to another group half way through. The zero value of
// each field is its default.
type SynthConfig struct {
	Customers int `json:"customers,omitempty"` // 0 means 1000
	Items     int `json:"items,omitempty"`     // 0 means 500
	// PerCustomer is the mean number of interactions per customer; 0
	// means 20. Counts vary from 2 to about three times the mean.
	PerCustomer int `json:"per_customer,omitempty"`
	// Groups of taste; 0 means 20. Each group owns Items/Groups items.
	Groups int `json:"groups,omitempty"`
	// Noise is the share of interactions drawn from the overall
	// (Zipf-shaped) popularity instead of the group; 0 means 0.25.
	Noise float64 `json:"noise,omitempty"`
	// PairShare is the chance that buying an item of a planted pair also
	// buys its partner; 0 means 0.6. Every fifth item has a partner.
	PairShare float64 `json:"pair_share,omitempty"`
	// Drift is the share of customers who switch to another group at a
	// random time; 0 means 0.3, negative none.
	Drift float64 `json:"drift,omitempty"`
	// Start and Span of the interactions' times; zero: 2025-01-01 and one
	// year.
	Start time.Time     `json:"start,omitzero"`
	Span  time.Duration `json:"span,omitempty"`
	Seed  uint64        `json:"seed,omitempty"`
}

// SynthTruth is what was planted.
type SynthTruth struct {
	// ItemGroup is the group of each item ("i00042" → 3).
	ItemGroup map[string]int
	// Partner is each paired item's partner (both directions).
	Partner map[string]string
	// Drifted lists the customers who switched group, with the time.
	Drifted map[customer.ID]time.Time
	// Group is each customer's group before and after the drift (the
	// same twice for a customer who did not drift).
	Group map[customer.ID][2]int
}

func (c SynthConfig) withDefaults() SynthConfig {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Customers, 1000)
	def(&c.Items, 500)
	def(&c.PerCustomer, 20)
	def(&c.Groups, 20)
	c.Groups = min(c.Groups, c.Items)
	if c.Noise <= 0 {
		c.Noise = 0.25
	}
	if c.PairShare <= 0 {
		c.PairShare = 0.6
	}
	if c.Drift == 0 {
		c.Drift = 0.3
	}
	if c.Start.IsZero() {
		c.Start = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if c.Span <= 0 {
		c.Span = 365 * 24 * time.Hour
	}
	return c
}

// ItemName returns the name of synthetic item i.
func ItemName(i int) string { return fmt.Sprintf("i%05d", i) }

// Synthetic returns a stream of synthetic interactions (customer by
// customer, each in time order) and what was planted. The same config
// gives the same data.
func Synthetic(cfg SynthConfig) (iter.Seq[Interaction], *SynthTruth) {
	cfg = cfg.withDefaults()
	n, G := cfg.Items, cfg.Groups
	names := make([]string, n)
	truth := &SynthTruth{ItemGroup: map[string]int{}, Partner: map[string]string{}, Drifted: map[customer.ID]time.Time{}, Group: map[customer.ID][2]int{}}
	// Items are dealt to groups round robin after a fixed shuffle, so that
	// a group's items are not neighbours by name.
	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	perm := rng.Perm(n)
	groupItems := make([][]int, G)
	for i := range n {
		names[i] = ItemName(i)
		g := perm[i] % G
		groupItems[g] = append(groupItems[g], i)
		truth.ItemGroup[names[i]] = g
	}
	partner := make([]int, n)
	for i := range partner {
		partner[i] = -1
	}
	// Pairs join two items of the same group.
	for _, its := range groupItems {
		for k := 0; k+1 < len(its); k += 10 {
			a, b := its[k], its[k+1]
			partner[a], partner[b] = b, a
			truth.Partner[names[a]], truth.Partner[names[b]] = names[b], names[a]
		}
	}
	// Overall popularity: Zipf(1) over a random order of the items.
	popOrder := rng.Perm(n)
	cum := make([]float64, n)
	var s float64
	for r := range n {
		s += 1 / float64(r+1)
		cum[r] = s
	}
	// Within a group, items are chosen Zipf(0.8)-shaped.
	gcum := make([][]float64, G)
	for g, its := range groupItems {
		gcum[g] = make([]float64, len(its))
		var s float64
		for r := range its {
			s += 1 / math.Pow(float64(r+1), 0.8)
			gcum[g][r] = s
		}
	}
	draw := func(r *rand.Rand, c []float64) int {
		x := r.Float64() * c[len(c)-1]
		lo, hi := 0, len(c)-1
		for lo < hi {
			m := (lo + hi) / 2
			if c[m] < x {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return lo
	}
	// The drifted customers are known before the stream runs.
	type plan struct {
		g1, g2 int
		at     int64
		drift  bool
	}
	plans := make([]plan, cfg.Customers)
	for c := range plans {
		p := plan{g1: rng.IntN(G)}
		p.g2 = p.g1
		if cfg.Drift > 0 && rng.Float64() < cfg.Drift && G > 1 {
			p.drift = true
			p.g2 = (p.g1 + 1 + rng.IntN(G-1)) % G
			p.at = int64(0.3*float64(cfg.Span) + rng.Float64()*0.4*float64(cfg.Span))
			truth.Drifted[custName(c)] = cfg.Start.Add(time.Duration(p.at))
		}
		plans[c] = p
		truth.Group[custName(c)] = [2]int{p.g1, p.g2}
	}
	seq := func(yield func(Interaction) bool) {
		r := rand.New(rand.NewPCG(cfg.Seed, 2))
		times := make([]int64, 0, 8*cfg.PerCustomer)
		for c := range cfg.Customers {
			id := custName(c)
			p := plans[c]
			// 2 + a geometric count with the right mean.
			k := 2
			if cfg.PerCustomer > 2 {
				k += int(r.ExpFloat64() * float64(cfg.PerCustomer-2))
			}
			times = times[:0]
			for range k {
				times = append(times, r.Int64N(int64(cfg.Span)))
			}
			slices.Sort(times)
			for i := 0; i < len(times); i++ {
				t := times[i]
				g := p.g1
				if p.drift && t >= p.at {
					g = p.g2
				}
				var it int
				if r.Float64() < cfg.Noise {
					it = popOrder[draw(r, cum)]
				} else {
					it = groupItems[g][draw(r, gcum[g])]
				}
				at := cfg.Start.Add(time.Duration(t))
				if !yield(Interaction{Customer: id, Item: names[it], Time: at}) {
					return
				}
				if q := partner[it]; q >= 0 && r.Float64() < cfg.PairShare {
					if !yield(Interaction{Customer: id, Item: names[q], Time: at}) {
						return
					}
				}
			}
		}
	}
	return seq, truth
}

func custName(c int) customer.ID { return customer.ID(fmt.Sprintf("c%07d", c)) }
