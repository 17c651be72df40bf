package c360

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
)

// binValue is one field of an encoding binReader reads: its kind (the
// reader's method) and value.
type binValue struct {
	Kind  byte // 'b' byte, 'u' uvarint, 'v' varint, 's' bytes
	U     uint64
	V     int64
	Bytes string
}

// appendBin writes the fields as encodeSend and encodeEvent do.
func appendBin(b []byte, vs []binValue) []byte {
	for _, v := range vs {
		switch v.Kind {
		case 'b':
			b = append(b, byte(v.U))
		case 'u':
			b = binary.AppendUvarint(b, v.U)
		case 'v':
			b = binary.AppendVarint(b, v.V)
		case 's':
			b = binary.AppendUvarint(b, uint64(len(v.Bytes)))
			b = append(b, v.Bytes...)
		}
	}
	return b
}

// readBin reads the fields of the kinds vs names.
func readBin(r *binReader, vs []binValue) []binValue {
	var out []binValue
	for _, v := range vs {
		got := binValue{Kind: v.Kind}
		switch v.Kind {
		case 'b':
			got.U = uint64(r.byte())
		case 'u':
			got.U = r.uvarint()
		case 'v':
			got.V = r.varint()
		case 's':
			got.Bytes = string(r.bytes())
		}
		out = append(out, got)
	}
	return out
}

func TestBinReaderRoundTrips(t *testing.T) {
	tests := []struct {
		name string
		vs   []binValue
	}{
		{"empty", nil},
		{"extremes", []binValue{{Kind: 'u', U: math.MaxUint64}, {Kind: 'v', V: math.MinInt64}, {Kind: 'v', V: math.MaxInt64}, {Kind: 'u'}, {Kind: 'b', U: 0xff}}},
		{"strings", []binValue{{Kind: 's'}, {Kind: 's', Bytes: "メール\x00\xff"}, {Kind: 'b', U: 1}, {Kind: 's', Bytes: string(make([]byte, 300))}}},
	}
	for _, tc := range tests {
		b := appendBin(nil, tc.vs)
		r := binReader{b: b}
		got := readBin(&r, tc.vs)
		if diff := cmp.Diff(tc.vs, got); diff != "" {
			t.Errorf("%s: read back (-want +got):\n%s", tc.name, diff)
		}
		if !r.end() || r.err(errCorruptSend) != nil {
			t.Errorf("%s: after reading every field: end %v, err %v; want true, nil", tc.name, r.end(), r.err(errCorruptSend))
		}
		// every truncation is an error, never a panic
		for n := range len(b) {
			r := binReader{b: b[:n]}
			readBin(&r, tc.vs)
			if r.ok() {
				t.Errorf("%s: truncated to %d of %d bytes, read as well formed", tc.name, n, len(b))
			}
		}
	}
}

func TestBinReaderStopsAtTheFirstBadField(t *testing.T) {
	b := appendBin(nil, []binValue{{Kind: 'u', U: 7}, {Kind: 'u', U: 1000}, {Kind: 's', Bytes: "abc"}})
	r := binReader{b: b}
	if v := r.uvarint(); v != 7 {
		t.Fatalf("uvarint = %d, want 7", v)
	}
	if n := r.count(1); n != 0 || r.ok() {
		t.Errorf("count of 1000 items with %d bytes left = %d, ok %v; want 0, false", len(b)-1, n, r.ok())
	}
	if v := r.bytes(); v != nil {
		t.Errorf("bytes after a bad field = %q, want nil", v)
	}
	err := r.err(errCorruptEvent)
	if !errors.Is(err, errCorruptEvent) {
		t.Errorf("err = %v, want it to wrap errCorruptEvent", err)
	}
	if want := "c360: corrupt stored event: malformed or truncated at byte 1"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

// FuzzBinReader: whatever the input and whatever is read from it, the
// reader never panics nor reads past the end; once a field is bad every
// later read is zero and the reader stays stopped; a field read well
// formed re-encodes to the bytes it was read from.
func FuzzBinReader(f *testing.F) {
	f.Add([]byte("busvbc"), appendBin(nil, []binValue{{Kind: 'b', U: 1}, {Kind: 'u', U: 300}, {Kind: 's', Bytes: "email"}, {Kind: 'v', V: -5}}))
	f.Add([]byte("ccccsss"), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, ops, data []byte) {
		r := binReader{b: data}
		for _, op := range ops {
			before, wasOK := r.n, r.ok()
			var enc []byte
			switch op % 6 {
			case 0:
				v := r.byte()
				enc = []byte{v}
			case 1:
				enc = binary.AppendUvarint(nil, r.uvarint())
			case 2:
				enc = binary.AppendVarint(nil, r.varint())
			case 3:
				v := r.bytes()
				if len(v) > len(data) {
					t.Fatalf("bytes returned %d bytes of a %d-byte input", len(v), len(data))
				}
				enc = v
			case 4:
				r.skip()
			case 5:
				size := int(op/6) + 1
				if n := r.count(size); n*size > len(r.b) {
					t.Fatalf("count(%d) = %d with %d bytes left", size, n, len(r.b))
				}
				enc = nil
			}
			switch {
			case !wasOK:
				if r.ok() || r.n != before || len(r.b) != 0 {
					t.Fatalf("a stopped reader read on: ok %v, at %d (was %d), %d bytes left", r.ok(), r.n, before, len(r.b))
				}
			case r.ok():
				if r.n+len(r.b) != len(data) {
					t.Fatalf("at %d with %d left of %d bytes", r.n, len(r.b), len(data))
				}
				// a varint (a length too) may come in a longer form than
				// AppendUvarint's: compare the byte, and a string's bytes
				switch op % 6 {
				case 0:
					if got := data[before:r.n]; string(got) != string(enc) {
						t.Fatalf("byte read from %q is %q", got, enc)
					}
				case 3:
					if got := data[r.n-len(enc) : r.n]; string(got) != string(enc) {
						t.Fatalf("string read is %q, not the %q it ends with", enc, got)
					}
				}
			}
		}
		if err := r.err(errCorruptSend); (err == nil) != r.ok() {
			t.Fatalf("err %v with ok %v", err, r.ok())
		}
	})
}

// FuzzDecodeSend: a corrupt stored send is an error, never a panic; one
// that decodes encodes again to a send that decodes to the same.
func FuzzDecodeSend(f *testing.F) {
	f.Add(encodeSend(&storedSend{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Campaign: "spring", Contact: "a@example.jp", Tags: []string{"promo", ""}}))
	f.Add([]byte{1, 5, 'e', 'm', 'a', 'i', 'l', 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	w := newWords(nil)
	f.Fuzz(func(t *testing.T, b []byte) {
		var s storedSend
		if err := w.decodeSend(b, &s); err != nil {
			if !errors.Is(err, errCorruptSend) {
				t.Fatalf("error %v does not wrap errCorruptSend", err)
			}
			return
		}
		var again storedSend
		if err := w.decodeSend(encodeSend(&s), &again); err != nil {
			t.Fatalf("re-encoding a decoded send fails: %v", err)
		}
		if diff := cmp.Diff(s, again); diff != "" {
			t.Errorf("decode(encode(decode(b))) differs (-first +again):\n%s", diff)
		}
	})
}

// TestDecodeSendOverThePrevious checks that a send decoded over another
// (as a history is read) is the send encoded, whatever the previous held.
func TestDecodeSendOverThePrevious(t *testing.T) {
	sends := []storedSend{
		{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Campaign: "spring", Tags: []string{"promo"}},
		{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Campaign: "spring"},
		{Channel: customer.ChannelSMS, Purpose: customer.PurposeService},
		{Channel: "custom", Purpose: customer.PurposeService, Campaign: "autumn", Tags: []string{"a", "b"}},
	}
	w := newWords(nil)
	var s storedSend
	for i, want := range sends {
		if err := w.decodeSend(encodeSend(&want), &s); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, s); diff != "" {
			t.Errorf("send %d decoded over send %d (-want +got):\n%s", i, i-1, diff)
		}
	}
}

func TestKeyAfter(t *testing.T) {
	since := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	var k [16]byte
	copy(k[:], timeKey(since))
	sinceKey := timeKey(since) + "\xff"
	for _, key := range []string{"", "0", timeKey(since), timeKey(since) + "1-x", timeKey(since.Add(1)), timeKey(since.Add(-1)) + "zz",
		timeKey(since) + "\xff", timeKey(since) + "\xff\x00", timeKey(since)[:10], "\xff"} {
		if got, want := keyAfter(key, &k), key > sinceKey; got != want {
			t.Errorf("keyAfter(%q) = %v, want %v", key, got, want)
		}
	}
}
