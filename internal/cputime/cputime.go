// Package cputime reads the CPU time consumed by the process or by the
// calling thread, for benchmarks that report it beside wall time: on a
// shared machine, CPU time per operation measures the code, while wall
// time also measures the neighbours.
package cputime

import "time"

// Process returns the CPU time (user + system, garbage collector
// included) consumed by the whole process, and false where the system
// does not tell.
func Process() (time.Duration, bool) { return process() }

// Thread returns the CPU time consumed by the calling OS thread, and
// false where the system does not tell (it is read on Linux only). The
// caller locks its goroutine to its thread (runtime.LockOSThread) for the
// figure to mean anything.
func Thread() (time.Duration, bool) { return thread() }
