//go:build unix

package journey

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user + system) of the test process. On
// a shared machine, CPU per operation is steadier than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
