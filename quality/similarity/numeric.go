package similarity

import (
	"math"
	"time"
)

// NumericCloseness returns how close a and b are on a linear scale: 1 when
// they are equal, falling linearly to 0 at |a-b| >= scale. With scale <= 0
// (or NaN) it is 1 for equal values and 0 otherwise. Any NaN input scores 0;
// equal infinities score 1.
//
// For example NumericCloseness(1000, 1100, 500) is 0.8.
func NumericCloseness(a, b, scale float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		return 0
	}
	if a == b {
		return 1
	}
	if !(scale > 0) {
		return 0
	}
	c := 1 - math.Abs(a-b)/scale
	if !(c > 0) { // also catches Inf/Inf
		return 0
	}
	return c
}

// DateCloseness returns how close two instants are: 1 when they are the
// same instant (time zones do not matter), falling linearly to 0 when they
// are scale or more apart. With scale <= 0 it is 1 for the same instant and
// 0 otherwise.
//
// For example two birth dates 30 days apart with a scale of 365 days score
// about 0.918.
func DateCloseness(a, b time.Time, scale time.Duration) float64 {
	if a.Equal(b) {
		return 1
	}
	if scale <= 0 {
		return 0
	}
	d := a.Sub(b) // saturates at the extremes of time.Duration
	if d < 0 {
		d = -d
		if d < 0 { // -MinInt64: as far apart as can be said
			d = math.MaxInt64
		}
	}
	if d >= scale {
		return 0
	}
	return 1 - float64(d)/float64(scale)
}
