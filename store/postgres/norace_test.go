//go:build !race

package postgres

// raceEnabled: the race detector slows the client some tenfold.
const raceEnabled = false
