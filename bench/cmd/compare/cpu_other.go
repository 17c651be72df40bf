//go:build !linux

package main

import "time"

// threadCPU is not available here: the figures fall back to wall-clock time.
func threadCPU() time.Duration { return 0 }
