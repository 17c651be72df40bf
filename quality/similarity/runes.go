package similarity

import "unicode/utf8"

// stackRunes is the number of runes the measures handle without allocating.
const stackRunes = 64

// decode returns the runes of s, stored in buf when they fit and in a new
// slice otherwise. Invalid UTF-8 bytes decode to one utf8.RuneError each.
func decode(s string, buf *[stackRunes]rune) []rune {
	n := 0
	for _, r := range s {
		if n == stackRunes {
			return []rune(s)
		}
		buf[n] = r
		n++
	}
	return buf[:n]
}

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// runeCount is utf8.RuneCountInString with a shortcut for ASCII strings,
// which the caller tells it about.
func runeCount(s string, ascii bool) int {
	if ascii {
		return len(s)
	}
	return utf8.RuneCountInString(s)
}

// trimCommon removes the longest common prefix and suffix of a and b, cutting
// only where both strings decode at a rune boundary, so that the runes of the
// remainders are exactly the runes between the shared parts.
func trimCommon(a, b string) (string, string) {
	n := min(len(a), len(b))
	p := 0
	for p < n && a[p] == b[p] {
		p++
	}
	for p > 0 && !(boundary(a, p) && boundary(b, p)) {
		p--
	}
	a, b = a[p:], b[p:]
	n = min(len(a), len(b))
	s := 0
	for s < n && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	for s > 0 && !(boundary(a, len(a)-s) && boundary(b, len(b)-s)) {
		s--
	}
	return a[:len(a)-s], b[:len(b)-s]
}

// boundary reports whether decoding s can be split before byte i without
// changing the runes on either side: i is at an end, or s[i] is not a UTF-8
// continuation byte (a valid rune never spans such a byte, and invalid bytes
// decode one at a time).
func boundary(s string, i int) bool {
	return i == 0 || i == len(s) || utf8.RuneStart(s[i])
}

// runeMasks maps each rune of a pattern of at most 64 runes to the bit mask
// of its positions (the "Peq" table of bit-parallel string algorithms).
// ASCII runes are looked up directly; other runes go through a small
// open-addressing hash table, passed alongside, which is only used (and so
// only zeroed) for patterns that are not pure ASCII. (The table is not a
// field: storing its address would move it to the heap.)
type runeMasks struct {
	ascii [128]uint64
}

// runeTable is an open-addressing hash table from rune to mask, sized for at
// most 64 distinct keys at load factor 1/2.
type runeTable struct {
	keys  [128]int32 // rune+1; 0 marks an empty slot
	masks [128]uint64
}

func slot(r rune) uint32 { return (uint32(r) * 2654435761) >> 25 }

func (t *runeTable) add(r rune, bit uint64) {
	k := int32(r) + 1
	for i := slot(r); ; i = (i + 1) & 127 {
		switch t.keys[i] {
		case k:
			t.masks[i] |= bit
			return
		case 0:
			t.keys[i] = k
			t.masks[i] = bit
			return
		}
	}
}

func (t *runeTable) get(r rune) uint64 {
	k := int32(r) + 1
	for i := slot(r); ; i = (i + 1) & 127 {
		switch t.keys[i] {
		case k:
			return t.masks[i]
		case 0:
			return 0
		}
	}
}

// get returns the mask of r; wide is the table that fill used.
func (m *runeMasks) get(r rune, wide *runeTable) uint64 {
	if uint32(r) < 128 {
		return m.ascii[r]
	}
	if wide == nil {
		return 0
	}
	return wide.get(r)
}

// fill sets m to the masks of the runes of p, which has at most 64 runes. It
// uses wide for runes outside ASCII; wide must be zero and may be nil when p
// is ASCII.
func (m *runeMasks) fill(p string, wide *runeTable) {
	var bit uint64 = 1
	for _, r := range p {
		if uint32(r) < 128 {
			m.ascii[r] |= bit
		} else {
			wide.add(r, bit)
		}
		bit <<= 1
	}
}

// fillRunes is fill for a decoded pattern of at most 64 runes; wide must be
// zero, and may be nil when p is ASCII.
func (m *runeMasks) fillRunes(p []rune, wide *runeTable) {
	var bit uint64 = 1
	for _, r := range p {
		if uint32(r) < 128 {
			m.ascii[r] |= bit
		} else {
			wide.add(r, bit)
		}
		bit <<= 1
	}
}
