package analysis

import "math"

// keyed is a sort record: an order-preserving key and the index of the
// value it came from.
type keyed struct {
	k uint64
	i int32
}

// floatKey maps a float64 to a uint64 with the same order (NaN excluded).
func floatKey(f float64) uint64 {
	if f == 0 {
		f = 0 // -0 sorts with +0
	}
	b := math.Float64bits(f)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// radixSort sorts recs by key, ascending and stably, with a least-significant-
// digit radix sort of 11-bit digits; passes whose digit is the same for every
// record are skipped. It uses a scratch buffer of the same length.
func radixSort(recs []keyed) []keyed {
	const bits, buckets = 11, 1 << 11
	if len(recs) < 256 {
		insertionSort(recs)
		return recs
	}
	tmp := make([]keyed, len(recs))
	src, dst := recs, tmp
	var count [buckets]int
	for shift := uint(0); shift < 64; shift += bits {
		clear(count[:])
		for _, r := range src {
			count[(r.k>>shift)&(buckets-1)]++
		}
		if count[(src[0].k>>shift)&(buckets-1)] == len(src) {
			continue // every record has this digit
		}
		sum := 0
		for b := range count {
			c := count[b]
			count[b] = sum
			sum += c
		}
		for _, r := range src {
			d := (r.k >> shift) & (buckets - 1)
			dst[count[d]] = r
			count[d]++
		}
		src, dst = dst, src
	}
	return src
}

func insertionSort(recs []keyed) {
	for i := 1; i < len(recs); i++ {
		for j := i; j > 0 && recs[j].k < recs[j-1].k; j-- {
			recs[j], recs[j-1] = recs[j-1], recs[j]
		}
	}
}
