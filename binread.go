package c360

import (
	"encoding/binary"
	"fmt"
)

// binReader reads the compact binary encodings of stored items (sends,
// events, live states): varints and length-prefixed strings, written with
// encoding/binary's Append functions. Every read is bounds-checked. The
// first malformed or truncated field stops the reader: it records where,
// and every later read returns a zero value, so that a decoder reads all
// its fields straight through and checks err once at the end. A binReader
// never panics and never allocates more than the input can describe.
type binReader struct {
	b   []byte // what is left to read
	n   int    // bytes read so far
	bad int    // 1 + the offset of the first bad field; 0 while all is well
}

// fail stops the reader, the bad field starting at the current offset.
func (r *binReader) fail() { r.failAt(r.n) }

// failAt stops the reader, the bad field starting at offset at.
func (r *binReader) failAt(at int) {
	if r.bad == 0 {
		r.bad = at + 1
	}
	r.b = nil
}

func (r *binReader) advance(k int) {
	r.b = r.b[k:]
	r.n += k
}

// byte reads one byte.
func (r *binReader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	v := r.b[0]
	r.advance(1)
	return v
}

// uvarint reads an unsigned varint.
func (r *binReader) uvarint() uint64 {
	v, k := binary.Uvarint(r.b)
	if k <= 0 {
		r.fail()
		return 0
	}
	r.advance(k)
	return v
}

// varint reads a signed varint.
func (r *binReader) varint() int64 {
	v, k := binary.Varint(r.b)
	if k <= 0 {
		r.fail()
		return 0
	}
	r.advance(k)
	return v
}

// bytes reads a length-prefixed byte string, not copied: it shares the
// input's memory.
func (r *binReader) bytes() []byte {
	at := r.n
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.failAt(at)
		return nil
	}
	v := r.b[:n:n]
	r.advance(int(n))
	return v
}

// str reads a length-prefixed string, the one w holds when it has it (so
// that repeated names allocate nothing); w may be nil.
func (r *binReader) str(w words) string { return w.str(r.bytes()) }

// skip passes over a length-prefixed string.
func (r *binReader) skip() { r.bytes() }

// count reads the number of the items that follow, each of which takes at
// least size bytes (size >= 1): a count the rest of the input cannot hold
// stops the reader, so that a decoder can make room for count items
// without trusting a corrupt number.
func (r *binReader) count(size int) int {
	at := r.n
	n := r.uvarint()
	if n > uint64(len(r.b)/max(size, 1)) {
		r.failAt(at)
		return 0
	}
	return int(n)
}

// ok reports whether every read so far was well formed.
func (r *binReader) ok() bool { return r.bad == 0 }

// end reports whether the input was read whole and well formed.
func (r *binReader) end() bool { return r.bad == 0 && len(r.b) == 0 }

// err returns nil when every read was well formed, else what is wrong
// with the input, and where, wrapping base (errCorruptEvent, …).
func (r *binReader) err(base error) error {
	if r.bad == 0 {
		return nil
	}
	return fmt.Errorf("%w: malformed or truncated at byte %d", base, r.bad-1)
}
