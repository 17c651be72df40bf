package cputime

import (
	"runtime"
	"testing"
	"time"
)

func TestProcessAdvancesWithWork(t *testing.T) {
	before, ok := Process()
	if !ok {
		t.Skipf("no process CPU time on %s", runtime.GOOS)
	}
	// Spin until the clock says 50 ms of CPU have been consumed, or give up
	// after 5 s of wall time (a starved machine).
	deadline := time.Now().Add(5 * time.Second)
	x := 0
	for time.Now().Before(deadline) {
		for i := range 1_000_000 {
			x += i
		}
		if now, _ := Process(); now-before >= 50*time.Millisecond {
			return
		}
	}
	after, _ := Process()
	t.Fatalf("CPU time advanced only %v in 5 s of spinning (x=%d)", after-before, x)
}
