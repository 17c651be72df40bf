package customer_test

import "math"

func mathNaN() float64 { return math.NaN() }
