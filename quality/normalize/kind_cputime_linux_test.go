package normalize

import (
	"syscall"
	"unsafe"
)

// threadCPU returns the CPU time consumed by the calling OS thread, in
// nanoseconds (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), or 0 if it cannot be
// read. Benchmarks report it next to wall time because the machine they run
// on is shared: wall time then measures the neighbours as much as the code.
func threadCPU() int64 {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return ts.Nano()
}
