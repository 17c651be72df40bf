// Package cputime reads the CPU time the process has consumed, for
// benchmarks that report it beside wall time: on a shared machine, CPU
// time per operation measures the code, while wall time also measures the
// neighbours.
package cputime

import "time"

// Process returns the CPU time (user + system) consumed by the whole
// process, and false where the system does not tell.
func Process() (time.Duration, bool) { return process() }
