package match

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
)

// parallelSortBuckets is the number of bits of the first (most significant)
// digit of the parallel sorts: the slice is scattered into 2^16 buckets by
// its top bits on all workers, then the buckets are sorted by comparison,
// shared out among the workers.
const parallelSortBits = 16

// sortEntries sorts the entries of parts (taken together) by key, then
// record, on workers goroutines, and returns them in one slice.
func sortEntries(parts [][]blockEntry, workers int) []blockEntry {
	byKeyRec := func(x, y blockEntry) int {
		if c := cmp.Compare(x.key, y.key); c != 0 {
			return c
		}
		return cmp.Compare(x.rec, y.rec)
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if workers < 2 || n < 1<<16 {
		a := slices.Concat(parts...)
		slices.SortFunc(a, byKeyRec)
		return a
	}
	return bucketSort(parts, workers, func(e blockEntry) uint64 { return e.key }, func(b []blockEntry) { slices.SortFunc(b, byKeyRec) })
}

// sortPairs sorts packed pairs ascending on workers goroutines, drops
// duplicates and returns the result (a or a buffer of the same capacity).
func sortPairs(a []uint64, workers int) []uint64 {
	if workers < 2 || len(a) < 1<<16 {
		slices.Sort(a)
		return slices.Compact(a)
	}
	parts := make([][]uint64, workers)
	for w := range parts {
		parts[w] = a[len(a)*w/workers : len(a)*(w+1)/workers]
	}
	return slices.Compact(bucketSort(parts, workers, func(x uint64) uint64 { return x }, slices.Sort[[]uint64]))
}

// bucketSort is one most-significant-digit radix pass on parallelSortBits
// bits of key (the top bits actually used by the keys), one goroutine per
// part, followed by sortBucket on each bucket on workers goroutines. It
// returns the sorted elements of all parts in a new slice.
func bucketSort[T any](parts [][]T, workers int, key func(T) uint64, sortBucket func([]T)) []T {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	// The shift that keeps the top parallelSortBits of the largest key.
	maxes := make([]uint64, len(parts))
	var wg sync.WaitGroup
	for w := range parts {
		wg.Go(func() {
			var m uint64
			for _, x := range parts[w] {
				m = max(m, key(x))
			}
			maxes[w] = m
		})
	}
	wg.Wait()
	shift := max(bits.Len64(slices.Max(maxes))-parallelSortBits, 0)
	const nb = 1 << parallelSortBits
	counts := make([][]int, len(parts))
	for w := range parts {
		wg.Go(func() {
			c := make([]int, nb)
			for _, x := range parts[w] {
				c[key(x)>>shift]++
			}
			counts[w] = c
		})
	}
	wg.Wait()
	// starts[b] is where bucket b begins; each worker writes its share of
	// a bucket after the shares of the workers before it.
	starts := make([]int, nb+1)
	offs := make([][]int, len(parts))
	for w := range offs {
		offs[w] = make([]int, nb)
	}
	sum := 0
	for b := range nb {
		starts[b] = sum
		for w := range parts {
			offs[w][b] = sum
			sum += counts[w][b]
		}
	}
	starts[nb] = sum
	out := make([]T, n)
	for w := range parts {
		wg.Go(func() {
			o := offs[w]
			for _, x := range parts[w] {
				b := key(x) >> shift
				out[o[b]] = x
				o[b]++
			}
		})
	}
	wg.Wait()
	// Buckets are shared out in runs of 256.
	var next atomic.Int64
	for range workers {
		wg.Go(func() {
			for {
				first := int(next.Add(256)) - 256
				if first >= nb {
					return
				}
				for b := first; b < min(first+256, nb); b++ {
					if starts[b+1]-starts[b] > 1 {
						sortBucket(out[starts[b]:starts[b+1]])
					}
				}
			}
		})
	}
	wg.Wait()
	return out
}
