package c360

import (
	"math"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
)

// The MemoryStore keeps links and the change log packed: each one's slices
// and strings (a link's keys, values, edges and match explanation; a
// change's absorbed IDs and field changes) are encoded into one string. A
// million profiles' links and changes are then a few million objects for
// the garbage collector to mark instead of tens of millions, and a third of
// the bytes. Reads decode them into fresh slices whose strings share the
// packed string's bytes (strings are immutable, so the copy-out rule holds
// without copying them).

// packer appends the packed encoding: lengths as uvarints, floats as their
// 8 bytes.
type packer struct{ b []byte }

func (p *packer) uint(n uint64) {
	for n >= 0x80 {
		p.b = append(p.b, byte(n)|0x80)
		n >>= 7
	}
	p.b = append(p.b, byte(n))
}

func (p *packer) str(s string) {
	p.uint(uint64(len(s)))
	p.b = append(p.b, s...)
}

func (p *packer) float(f float64) {
	u := math.Float64bits(f)
	for range 8 {
		p.b = append(p.b, byte(u))
		u >>= 8
	}
}

func (p *packer) bool(b bool) {
	if b {
		p.b = append(p.b, 1)
	} else {
		p.b = append(p.b, 0)
	}
}

// count packs a slice's length, keeping nil apart from empty (0 is nil).
func (p *packer) count(n int, isNil bool) {
	if isNil {
		p.uint(0)
		return
	}
	p.uint(uint64(n) + 1)
}

// unpacker reads what a packer wrote. The MemoryStore reads only what it
// packed itself.
type unpacker struct {
	s string
	i int
}

func (u *unpacker) uint() uint64 {
	var n uint64
	for shift := 0; ; shift += 7 {
		c := u.s[u.i]
		u.i++
		n |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return n
		}
	}
}

func (u *unpacker) str() string {
	n := int(u.uint())
	s := u.s[u.i : u.i+n]
	u.i += n
	return s
}

func (u *unpacker) float() float64 {
	var b uint64
	for k := range 8 {
		b |= uint64(u.s[u.i+k]) << (8 * k)
	}
	u.i += 8
	return math.Float64frombits(b)
}

func (u *unpacker) bool() bool {
	b := u.s[u.i] != 0
	u.i++
	return b
}

// count reads a packed length: n < 0 for a nil slice.
func (u *unpacker) count() int {
	return int(u.uint()) - 1
}

func (p *packer) strs(ss []string) {
	p.count(len(ss), ss == nil)
	for _, s := range ss {
		p.str(s)
	}
}

func (u *unpacker) strs() []string {
	n := u.count()
	if n < 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = u.str()
	}
	return out
}

// memLink is a Link as the MemoryStore keeps it: what the engine's hot
// reads need (peekLink: the profile, fingerprint and restriction) in
// fields, the rest packed (values, keys, edges, match explanation, in that
// order). The record is the key it is stored under.
type memLink struct {
	profile    customer.ID
	finger     string
	reason     string
	at         time.Time
	restricted bool
	packed     string
}

func packLink(l *Link) *memLink {
	var p packer
	p.strs(l.Values)
	p.strs(l.Keys)
	p.count(len(l.Edges), l.Edges == nil)
	for _, e := range l.Edges {
		p.str(e.Record.System)
		p.str(e.Record.RecordID)
		p.float(e.Weight)
		p.bool(e.Confirmed)
	}
	p.bool(l.Match != nil)
	if m := l.Match; m != nil {
		p.str(m.A)
		p.str(m.B)
		p.float(m.Prior)
		p.float(m.Weight)
		p.float(m.Probability)
		p.str(m.Rule)
		p.str(m.Limit)
		p.count(len(m.Fields), m.Fields == nil)
		for _, f := range m.Fields {
			p.str(f.Field)
			p.str(f.Level)
			p.float(f.Weight)
			p.str(f.A)
			p.str(f.B)
		}
	}
	return &memLink{profile: l.Profile, finger: l.Fingerprint, reason: l.Reason, at: l.At, restricted: l.Restricted, packed: string(p.b)}
}

// values decodes the link's matching values only.
func (m *memLink) values() []string {
	u := unpacker{s: m.packed}
	return u.strs()
}

// link decodes the whole link of record key.
func (m *memLink) link(key customer.RecordKey) *Link {
	l := &Link{Record: key, Profile: m.profile, Fingerprint: m.finger, Reason: m.reason, At: m.at, Restricted: m.restricted}
	u := unpacker{s: m.packed}
	l.Values = u.strs()
	l.Keys = u.strs()
	if n := u.count(); n >= 0 {
		l.Edges = make([]Edge, n)
		for i := range l.Edges {
			e := &l.Edges[i]
			e.Record.System = u.str()
			e.Record.RecordID = u.str()
			e.Weight = u.float()
			e.Confirmed = u.bool()
		}
	}
	if u.bool() {
		m := &match.Explanation{}
		m.A = u.str()
		m.B = u.str()
		m.Prior = u.float()
		m.Weight = u.float()
		m.Probability = u.float()
		m.Rule = u.str()
		m.Limit = u.str()
		if n := u.count(); n >= 0 {
			m.Fields = make([]match.Contribution, n)
			for i := range m.Fields {
				f := &m.Fields[i]
				f.Field = u.str()
				f.Level = u.str()
				f.Weight = u.float()
				f.A = u.str()
				f.B = u.str()
			}
		}
		l.Match = m
	}
	return l
}

// memChange is a committed Change as the MemoryStore keeps it: the cursor,
// kind and time in fields (the kind marks a deleted change), the rest
// packed (profile, segment, record, absorbed IDs, field changes).
type memChange struct {
	cursor Cursor
	kind   ChangeKind
	at     time.Time
	packed string
}

func packChange(c *Change) memChange {
	var p packer
	p.str(string(c.Profile))
	p.str(c.Segment)
	p.str(c.Record.System)
	p.str(c.Record.RecordID)
	p.count(len(c.Absorbed), c.Absorbed == nil)
	for _, id := range c.Absorbed {
		p.str(string(id))
	}
	p.count(len(c.Fields), c.Fields == nil)
	for _, f := range c.Fields {
		p.str(f.Field)
		p.str(f.Old)
		p.str(f.New)
	}
	return memChange{cursor: c.Cursor, kind: c.Kind, at: c.At, packed: string(p.b)}
}

func (m *memChange) change() Change {
	c := Change{Cursor: m.cursor, Kind: m.kind, At: m.at}
	u := unpacker{s: m.packed}
	c.Profile = customer.ID(u.str())
	c.Segment = u.str()
	c.Record.System = u.str()
	c.Record.RecordID = u.str()
	if n := u.count(); n >= 0 {
		c.Absorbed = make([]customer.ID, n)
		for i := range c.Absorbed {
			c.Absorbed[i] = customer.ID(u.str())
		}
	}
	if n := u.count(); n >= 0 {
		c.Fields = make([]FieldChange, n)
		for i := range c.Fields {
			f := &c.Fields[i]
			f.Field = u.str()
			f.Old = u.str()
			f.New = u.str()
		}
	}
	return c
}
