package recommend

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"

	"github.com/c360/c360/customer"
)

// The model file format, version 1. All integers are unsigned LEB128
// varints (uvarint) unless said otherwise; a string is a uvarint length
// and that many bytes of UTF-8; a float is an IEEE 754 float32, 4 bytes
// little-endian.
//
//	magic      8 bytes "C360RECM"
//	version    uint32 little-endian, 1
//	params     string: the Params as JSON
//	items      uvarint n, then n strings (distinct)
//	popularity n uvarints: customers who chose each item
//	segments   uvarint s, then per segment: name string, customers
//	           uvarint, n uvarints of per-item customers
//	neighbours byte 0 (none) or 1, then per item i in order: uvarint m,
//	           then m times: item uvarint (< n, not i), weight float
//	           (finite, > 0), customers uvarint
//	bought     byte: 1 when every learned pair was a purchase
//	latest     varint (signed): Unix seconds of the latest interaction
//	customers  uvarint c, then per customer: ID string, segment uvarint
//	           (0 none, else index+1), uvarint h, then h times: item
//	           uvarint, weight float, bought byte
//	checksum   uint32 little-endian: CRC-32 (IEEE) of every byte before
//
// Readers refuse another magic, a newer version, a bad checksum and any
// value out of range, with an error wrapping ErrBadModelFile. Interactions
// added with Observe are not written: the file holds the trained model.

const (
	modelMagic   = "C360RECM"
	modelVersion = 1
)

// ErrBadModelFile is wrapped by every error of ReadModel about the file's
// content.
var ErrBadModelFile = errors.New("recommend: bad model file")

// WriteTo writes the model in the format above.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<16)
	crc := crc32.NewIEEE()
	e := &enc{w: io.MultiWriter(bw, crc)}
	e.raw([]byte(modelMagic))
	var v [4]byte
	binary.LittleEndian.PutUint32(v[:], modelVersion)
	e.raw(v[:])
	pj, err := json.Marshal(m.params)
	if err != nil {
		return 0, err
	}
	e.bytes(pj)
	e.uint(uint64(len(m.items)))
	for _, it := range m.items {
		e.str(it)
	}
	for _, c := range m.popCnt {
		e.uint(uint64(c))
	}
	e.uint(uint64(len(m.segNames)))
	for i, s := range m.segNames {
		e.str(s)
		e.uint(uint64(m.segCusts[i]))
		for _, c := range m.segCnt[i] {
			e.uint(uint64(c))
		}
	}
	if m.nb == nil {
		e.raw([]byte{0})
	} else {
		e.raw([]byte{1})
		for i := range m.items {
			lo, hi := m.nb.off[i], m.nb.off[i+1]
			e.uint(uint64(hi - lo))
			for k := lo; k < hi; k++ {
				e.uint(uint64(m.nb.nbr[k]))
				e.f32(m.nb.w[k])
				e.uint(uint64(m.nb.cnt[k]))
			}
		}
	}
	e.bool(m.bought)
	e.int(m.maxT)
	e.uint(uint64(len(m.custs)))
	for c, id := range m.custs {
		e.str(string(id))
		e.uint(uint64(m.custSeg[c] + 1))
		lo, hi := m.hOff[c], m.hOff[c+1]
		e.uint(uint64(hi - lo))
		for k := lo; k < hi; k++ {
			e.uint(uint64(m.hItem[k]))
			e.f32(m.hW[k])
			e.bool(m.hBought[k])
		}
	}
	if e.err != nil {
		return cw.n, e.err
	}
	binary.LittleEndian.PutUint32(v[:], crc.Sum32())
	if _, err := bw.Write(v[:]); err != nil {
		return cw.n, err
	}
	err = bw.Flush()
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type enc struct {
	w   io.Writer
	buf [binary.MaxVarintLen64]byte
	err error
}

func (e *enc) raw(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}
func (e *enc) uint(x uint64) { e.raw(e.buf[:binary.PutUvarint(e.buf[:], x)]) }
func (e *enc) int(x int64)   { e.raw(e.buf[:binary.PutVarint(e.buf[:], x)]) }
func (e *enc) bytes(b []byte) {
	e.uint(uint64(len(b)))
	e.raw(b)
}
func (e *enc) str(s string) { e.bytes([]byte(s)) }
func (e *enc) f32(f float32) {
	binary.LittleEndian.PutUint32(e.buf[:4], math.Float32bits(f))
	e.raw(e.buf[:4])
}
func (e *enc) bool(b bool) {
	if b {
		e.raw([]byte{1})
	} else {
		e.raw([]byte{0})
	}
}

// dec reads the model format from a byte slice, recording the first
// error; every read after an error returns zero values.
type dec struct {
	b   []byte
	off int
	err error
}

func (d *dec) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: at byte %d: %s", ErrBadModelFile, d.off, fmt.Sprintf(format, args...))
	}
}

func (d *dec) uint() uint64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad or truncated varint")
		return 0
	}
	d.off += n
	return x
}

func (d *dec) int() int64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad or truncated varint")
		return 0
	}
	d.off += n
	return x
}

// count reads a count of elements each at least min bytes long, refusing
// one the rest of the file cannot hold.
func (d *dec) count(what string, min int) int {
	x := d.uint()
	if d.err == nil && x > uint64(len(d.b)-d.off)/uint64(min) {
		d.fail("%s count %d exceeds the file", what, x)
		return 0
	}
	return int(x)
}

func (d *dec) bytes() []byte {
	n := d.count("string byte", 1)
	if d.err != nil {
		return nil
	}
	b := d.b[d.off : d.off+n]
	d.off += n
	return b
}

func (d *dec) byte() byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.b) {
		d.fail("truncated")
		return 0
	}
	d.off++
	return d.b[d.off-1]
}

func (d *dec) bool() bool {
	switch b := d.byte(); b {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail("flag byte %d is neither 0 nor 1", b)
		return false
	}
}

func (d *dec) f32() float32 {
	if d.err != nil {
		return 0
	}
	if len(d.b)-d.off < 4 {
		d.fail("truncated")
		return 0
	}
	f := math.Float32frombits(binary.LittleEndian.Uint32(d.b[d.off:]))
	d.off += 4
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) || f < 0 {
		d.fail("weight %v is not a finite non-negative number", f)
	}
	return f
}

func (d *dec) u32(what string) int32 {
	x := d.uint()
	if x > math.MaxInt32 {
		d.fail("%s %d out of range", what, x)
		return 0
	}
	return int32(x)
}

func (d *dec) index(n int, what string) int32 {
	x := d.uint()
	if d.err == nil && x >= uint64(n) {
		d.fail("%s %d out of range (%d)", what, x, n)
		return 0
	}
	return int32(x)
}

// ReadModel reads a model written by WriteTo. Any problem of the content
// is an error wrapping ErrBadModelFile that says at which byte.
func ReadModel(r io.Reader) (*Model, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return decodeModel(b)
}

func decodeModel(b []byte) (*Model, error) {
	if len(b) < len(modelMagic)+8 || string(b[:len(modelMagic)]) != modelMagic {
		return nil, fmt.Errorf("%w: not a c360 recommend model (no %q magic)", ErrBadModelFile, modelMagic)
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != modelVersion {
		return nil, fmt.Errorf("%w: version %d, this reader knows version %d", ErrBadModelFile, v, modelVersion)
	}
	body := b[:len(b)-4]
	var h hash.Hash32 = crc32.NewIEEE()
	h.Write(body)
	if got, want := h.Sum32(), binary.LittleEndian.Uint32(b[len(b)-4:]); got != want {
		return nil, fmt.Errorf("%w: checksum %08x, the file says %08x (damaged or truncated)", ErrBadModelFile, got, want)
	}
	d := &dec{b: body, off: 12}
	m := &Model{}
	pj := d.bytes()
	if d.err == nil {
		if err := json.Unmarshal(pj, &m.params); err != nil {
			d.fail("params: %v", err)
		}
	}
	n := d.count("item", 1)
	m.items = make([]string, 0, n)
	m.itemIdx = make(map[string]int32, n)
	for i := 0; i < n && d.err == nil; i++ {
		s := string(d.bytes())
		if _, dup := m.itemIdx[s]; dup && d.err == nil {
			d.fail("item %q twice", s)
		}
		m.items = append(m.items, s)
		m.itemIdx[s] = int32(i)
	}
	m.popCnt = make([]int32, n)
	for i := 0; i < n && d.err == nil; i++ {
		m.popCnt[i] = d.u32("popularity")
	}
	ns := d.count("segment", 1+n)
	m.segIdx = map[string]int32{}
	for i := 0; i < ns && d.err == nil; i++ {
		s := string(d.bytes())
		if _, dup := m.segIdx[s]; dup && d.err == nil {
			d.fail("segment %q twice", s)
		}
		m.segIdx[s] = int32(i)
		m.segNames = append(m.segNames, s)
		m.segCusts = append(m.segCusts, d.u32("segment customers"))
		cnt := make([]int32, n)
		for j := range cnt {
			cnt[j] = d.u32("segment popularity")
		}
		m.segCnt = append(m.segCnt, cnt)
	}
	if d.bool() {
		nb := &neighbourhood{off: make([]int64, n+1)}
		for i := 0; i < n && d.err == nil; i++ {
			k := d.count("neighbour", 6)
			for range k {
				j := d.index(n, "neighbour item")
				w := d.f32()
				c := d.u32("neighbour customers")
				if d.err != nil {
					break
				}
				if int(j) == i {
					d.fail("item %d is its own neighbour", i)
				}
				nb.nbr = append(nb.nbr, j)
				nb.w = append(nb.w, w)
				nb.cnt = append(nb.cnt, c)
			}
			nb.off[i+1] = int64(len(nb.nbr))
		}
		m.nb = nb
	}
	m.bought = d.bool()
	m.maxT = d.int()
	nc := d.count("customer", 3)
	m.custs = make([]customer.ID, 0, nc)
	m.custIdx = make(map[customer.ID]int32, nc)
	m.custSeg = make([]int32, 0, nc)
	m.hOff = make([]int64, 1, nc+1)
	for c := 0; c < nc && d.err == nil; c++ {
		id := customer.ID(d.bytes())
		if _, dup := m.custIdx[id]; dup && d.err == nil {
			d.fail("customer %q twice", id)
		}
		m.custs = append(m.custs, id)
		m.custIdx[id] = int32(c)
		m.custSeg = append(m.custSeg, d.index(ns+1, "segment")-1)
		h := d.count("history", 6)
		for range h {
			it := d.index(n, "history item")
			w := d.f32()
			bt := d.bool()
			if d.err != nil {
				break
			}
			m.hItem = append(m.hItem, it)
			m.hW = append(m.hW, w)
			m.hBought = append(m.hBought, bt)
		}
		m.hOff = append(m.hOff, int64(len(m.hItem)))
	}
	if d.err == nil && d.off != len(body) {
		d.fail("%d bytes left over", len(body)-d.off)
	}
	if d.err != nil {
		return nil, d.err
	}
	switch m.params.Algorithm {
	case Popularity, CoOccurrence, EASE:
	default:
		return nil, fmt.Errorf("%w: unknown algorithm %q", ErrBadModelFile, m.params.Algorithm)
	}
	if math.IsNaN(m.params.Blend) || math.IsInf(m.params.Blend, 0) || m.params.Blend < 0 {
		return nil, fmt.Errorf("%w: blend %v", ErrBadModelFile, m.params.Blend)
	}
	m.finish()
	return m, nil
}
