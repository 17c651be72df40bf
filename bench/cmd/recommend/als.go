package main

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/c360/c360/recommend"
)

// ALS is implicit-feedback matrix factorisation by alternating least
// squares, after Hu, Koren and Volinsky, "Collaborative Filtering for
// Implicit Feedback Datasets" (ICDM 2008): preference p_ui = 1 when r_ui
// > 0 else 0, confidence c_ui = 1 + Alpha·r_ui, and the loss
//
//	Σ_ui c_ui (p_ui − x_uᵀ y_i)² + Lambda (Σ_u |x_u|² + Σ_i |y_i|²)
//
// minimised by solving, for each user, (YᵀY + Yᵀ(C_u − I)Y + λI) x_u =
// YᵀC_u p(u), using the paper's trick that YᵀY is shared and only the
// user's own items add to it; then the same for items. r_ui is the
// interaction strength of the Dataset (1 for a purchase).
type ALS struct {
	Factors    int
	Lambda     float64
	Alpha      float64
	Iterations int
	Seed       uint64
}

type alsModel struct {
	f    int
	x, y []float64 // users × f, items × f
	d    *recommend.Dataset
	pop  []int // items by popularity, for customers without history
}

// Train fits the factors on d.
func (a ALS) Train(ctx context.Context, d *recommend.Dataset) (recommend.Ranker, error) {
	nu, ni, f := d.Customers(), d.Items(), a.Factors
	// Transpose: for each item, its users and strengths.
	type entry struct {
		other int32
		r     float32
	}
	byItem := make([][]entry, ni)
	cnt := make([]int, ni)
	for u := range nu {
		items, str := d.Row(u)
		for k, it := range items {
			byItem[it] = append(byItem[it], entry{int32(u), str[k]})
			cnt[it]++
		}
	}
	byUser := make([][]entry, nu)
	for u := range nu {
		items, str := d.Row(u)
		for k, it := range items {
			byUser[u] = append(byUser[u], entry{it, str[k]})
		}
	}
	rng := rand.New(rand.NewPCG(a.Seed, 11))
	m := &alsModel{f: f, x: make([]float64, nu*f), y: make([]float64, ni*f), d: d}
	for i := range m.y {
		m.y[i] = rng.NormFloat64() * 0.01
	}
	for i := range m.x {
		m.x[i] = rng.NormFloat64() * 0.01
	}
	// solve updates the rows of dst (one per entity) from the fixed side
	// src.
	solve := func(dst, src []float64, rows [][]entry) error {
		// G = srcᵀ src
		g := make([]float64, f*f)
		n := len(src) / f
		for r := range n {
			v := src[r*f : r*f+f]
			for i := range f {
				vi := v[i]
				for j := range f {
					g[i*f+j] += vi * v[j]
				}
			}
		}
		var next int64
		var mu sync.Mutex
		var wg sync.WaitGroup
		workers := runtime.GOMAXPROCS(0)
		var ferr error
		for range workers {
			wg.Go(func() {
				A := make([]float64, f*f)
				b := make([]float64, f)
				for {
					mu.Lock()
					r := int(next)
					next++
					mu.Unlock()
					if r >= len(rows) {
						return
					}
					if r&1023 == 0 && ctx.Err() != nil {
						mu.Lock()
						ferr = ctx.Err()
						mu.Unlock()
						return
					}
					copy(A, g)
					clear(b)
					for _, e := range rows[r] {
						c := 1 + a.Alpha*float64(e.r)
						v := src[int(e.other)*f : int(e.other)*f+f]
						for i := range f {
							vi := v[i] * (c - 1)
							for j := range f {
								A[i*f+j] += vi * v[j]
							}
							b[i] += c * v[i]
						}
					}
					for i := range f {
						A[i*f+i] += a.Lambda
					}
					cholSolve(A, b, f)
					copy(dst[r*f:r*f+f], b)
				}
			})
		}
		wg.Wait()
		return ferr
	}
	for range a.Iterations {
		if err := solve(m.x, m.y, byUser); err != nil {
			return nil, err
		}
		if err := solve(m.y, m.x, byItem); err != nil {
			return nil, err
		}
	}
	m.pop = make([]int, ni)
	for i := range m.pop {
		m.pop[i] = i
	}
	slices.SortStableFunc(m.pop, func(a, b int) int { return cnt[b] - cnt[a] })
	return m, nil
}

// cholSolve solves A x = b for a symmetric positive definite A in place
// (b becomes x).
func cholSolve(A, b []float64, n int) {
	for j := range n {
		s := A[j*n+j]
		for k := range j {
			s -= A[j*n+k] * A[j*n+k]
		}
		s = math.Sqrt(math.Max(s, 1e-12))
		A[j*n+j] = s
		for i := j + 1; i < n; i++ {
			t := A[i*n+j]
			for k := range j {
				t -= A[i*n+k] * A[j*n+k]
			}
			A[i*n+j] = t / s
		}
	}
	for i := range n {
		t := b[i]
		for k := range i {
			t -= A[i*n+k] * b[k]
		}
		b[i] = t / A[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		t := b[i]
		for k := i + 1; k < n; k++ {
			t -= A[k*n+i] * b[k]
		}
		b[i] = t / A[i*n+i]
	}
}

// Rank returns the top k items by x_uᵀ y_i; a customer without history
// gets the most popular items.
func (m *alsModel) Rank(c, k int, excludeSeen bool) []int {
	items, _ := m.d.Row(c)
	if len(items) == 0 {
		return m.pop[:min(k, len(m.pop))]
	}
	f := m.f
	xu := m.x[c*f : c*f+f]
	type sc struct {
		i int
		s float64
	}
	ni := m.d.Items()
	all := make([]sc, 0, ni)
	for i := range ni {
		if excludeSeen {
			if _, ok := slices.BinarySearch(items, int32(i)); ok {
				continue
			}
		}
		var s float64
		yi := m.y[i*f : i*f+f]
		for j := range f {
			s += xu[j] * yi[j]
		}
		all = append(all, sc{i, s})
	}
	slices.SortFunc(all, func(a, b sc) int {
		switch {
		case a.s > b.s:
			return -1
		case a.s < b.s:
			return 1
		}
		return a.i - b.i
	})
	out := make([]int, 0, k)
	for _, x := range all[:min(k, len(all))] {
		out = append(out, x.i)
	}
	return out
}
