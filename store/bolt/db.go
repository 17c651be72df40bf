// Package bolt is c360's embedded durable store: customer profiles
// (customer.Store), touchpoints (journey.EventStore) and intelligence items
// (intel.Repository) in one file, with no server, through bbolt
// (go.etcd.io/bbolt), a pure-Go B+tree with copy-on-write pages.
//
// Every write is one bbolt transaction, committed with fsync before the call
// returns (unless Options.NoSync), and a write in progress when the process
// dies leaves no trace (bbolt's meta-page switch is atomic). The crash tests
// in this package kill a writer process with SIGKILL mid-stream — one of
// profile and event writes, one of Engine upserts — and check that every
// acknowledged write is there, whole, in order, with nothing half-written.
// That proves atomicity and ordering, not durability: the page cache
// survives a SIGKILL, so a file opened with NoSync passes the same tests
// (the engine crash test runs both ways to show it). Surviving a power loss
// rests on fsync, which is on by default and not tested here.
//
// DB.Engine is the state of a c360.Engine (package c360 at the module root)
// in the same file: c360.Open(ctx, c360.Config{Store: db.Engine()}).
//
// Open the file once per process (bbolt takes an exclusive file lock); the
// stores are safe for concurrent use by many goroutines. Readers never block
// writers for long: streams (All, Events, Customers) read in batches, each
// in its own short read transaction, and never hold one while the caller's
// loop body runs, so the loop may write to the store.
//
//	db, err := bolt.Open("c360.db", nil)
//	...
//	defer db.Close()
//	engine, err := c360.Open(ctx, c360.Config{Store: db.Engine()})
//	profiles := db.Profiles() // customer.Store
//	events := db.Events()     // journey.EventStore
//	items := db.Intel()       // intel.Repository
//
// Records are stored as JSON documents keyed by ID, with ordered secondary
// keys for identifier lookups and per-customer time ranges.
package bolt

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Options configures Open. A nil *Options, or the zero value, uses the
// defaults.
type Options struct {
	// Timeout is how long Open waits for the file lock held by another
	// process; 0 means 1 second.
	Timeout time.Duration
	// NoSync skips fsync at commit: faster bulk loads, but a crash may lose
	// the latest writes (never corrupt the file). The default, false, is
	// durable.
	NoSync bool
}

// DB is an open store file.
type DB struct {
	db *bbolt.DB
}

// Bucket names.
var (
	bProfiles    = []byte("profiles")
	bIdentifiers = []byte("identifiers") // scheme, value, profile ID -> nil
	bEvents      = []byte("events")      // event ID -> event JSON
	bByCustomer  = []byte("events_by_customer")
	bByAnonymous = []byte("events_by_anonymous") // unlinked anonymous events
	bLinks       = []byte("links")               // anonymous ID -> customer ID
	bIntel       = []byte("intel")
)

// Open opens (creating if needed) the store file at path.
func Open(path string, opts *Options) (*DB, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout == 0 {
		o.Timeout = time.Second
	}
	// The freelist is written at every commit (NoFreelistSync false, bbolt's
	// default): without it, Open rebuilds the freelist by reading every page
	// of the file, which made a cold restart of a 176 MB file take 5 s
	// instead of 47 ms (BenchmarkEngineRestart), and grows with the file.
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: o.Timeout, NoSync: o.NoSync})
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bProfiles, bIdentifiers, bEvents, bByCustomer, bByAnonymous, bLinks, bIntel} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	return &DB{db: db}, nil
}

// Close closes the file. Calls on the stores after Close fail.
func (d *DB) Close() error { return d.db.Close() }

// Path returns the file's path.
func (d *DB) Path() string { return d.db.Path() }

// batchSize is how many records a stream reads per read transaction.
const batchSize = 256

// Key encoding. Parts are concatenated with an order-preserving escape:
// 0x00 in a part becomes 0x00 0xFF and every part ends with 0x00 0x01, so
// comparing encoded keys byte-wise compares the parts in order, each
// byte-wise, and no part can run into the next.
func appendPart(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			dst = append(dst, 0, 0xFF)
		} else {
			dst = append(dst, s[i])
		}
	}
	return append(dst, 0, 1)
}

// readPart decodes one part from the front of key and returns the rest.
func readPart(key []byte) (string, []byte, error) {
	var out []byte
	for i := 0; i < len(key); i++ {
		if key[i] != 0 {
			out = append(out, key[i])
			continue
		}
		if i+1 >= len(key) {
			break
		}
		switch key[i+1] {
		case 0xFF:
			out = append(out, 0)
			i++
		case 1:
			return string(out), key[i+2:], nil
		default:
			return "", nil, errCorrupt
		}
	}
	return "", nil, errCorrupt
}

var errCorrupt = errors.New("bolt: corrupt index key")

// appendTime encodes an instant so that byte order is time order: seconds
// since the Unix epoch with the sign bit flipped, then nanoseconds.
func appendTime(dst []byte, t time.Time) []byte {
	s := uint64(t.Unix()) ^ (1 << 63)
	n := uint32(t.Nanosecond())
	return append(dst, byte(s>>56), byte(s>>48), byte(s>>40), byte(s>>32), byte(s>>24), byte(s>>16), byte(s>>8), byte(s),
		byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// hasPrefix is bytes.HasPrefix.
func hasPrefix(b, prefix []byte) bool { return bytes.HasPrefix(b, prefix) }
