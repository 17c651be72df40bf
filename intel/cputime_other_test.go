//go:build !linux

package intel_test

import "time"

// threadCPU is not available here; benchmarks report wall time only.
func threadCPU() (time.Duration, bool) { return 0, false }

// processCPU is not available here.
func processCPU() (time.Duration, bool) { return 0, false }
