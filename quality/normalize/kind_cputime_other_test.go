//go:build !linux

package normalize

// threadCPU is not available here; benchmarks then report wall time only.
func threadCPU() int64 { return 0 }
