package cputime

import (
	"runtime"
	"testing"
	"time"
)

// TestAdvancesWithWork spins until each clock says 50 ms of CPU have been
// consumed, or fails after 5 s of wall time.
func TestAdvancesWithWork(t *testing.T) {
	for _, tc := range []struct {
		name string
		read func() (time.Duration, bool)
	}{
		{"Process", Process},
		{"Thread", Thread},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			before, ok := tc.read()
			if !ok {
				t.Skipf("%s CPU time is not read on %s", tc.name, runtime.GOOS)
			}
			deadline := time.Now().Add(5 * time.Second)
			x := 0
			for time.Now().Before(deadline) {
				for i := range 1_000_000 {
					x += i
				}
				if now, _ := tc.read(); now-before >= 50*time.Millisecond {
					return
				}
			}
			after, _ := tc.read()
			t.Fatalf("%s CPU time advanced only %v in 5 s of spinning (x=%d)", tc.name, after-before, x)
		})
	}
}
