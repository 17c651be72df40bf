package normalize

import "strings"

// foldSmallKe folds ヶ and ヵ, which users mix with ケ and カ in place names,
// for table look-ups. Byte offsets are unchanged (all four are three bytes).
func foldSmallKe(s string) string {
	// ヶ U+30F6 = E3 83 B6, ケ U+30B1 = E3 82 B1; ヵ U+30F5 = E3 83 B5, カ U+30AB = E3 82 AB.
	i := 0
	for {
		j := strings.Index(s[i:], "\xe3\x83")
		if j < 0 {
			return s
		}
		i += j
		if i+2 < len(s) && (s[i+2] == 0xB6 || s[i+2] == 0xB5) {
			break
		}
		i += 2
	}
	b := []byte(s)
	for ; i+2 < len(b); i++ {
		if b[i] == 0xE3 && b[i+1] == 0x83 {
			switch b[i+2] {
			case 0xB6:
				b[i+1], b[i+2] = 0x82, 0xB1
			case 0xB5:
				b[i+1], b[i+2] = 0x82, 0xAB
			}
		}
	}
	return string(b)
}

// matchPrefecture returns the index of the prefecture whose full name starts
// s, and its length in bytes, or -1.
func matchPrefecture(s string) (int, int) {
	for i := range prefectureTable {
		if n := prefectureTable[i].name; strings.HasPrefix(s, n) {
			return i, len(n)
		}
	}
	return -1, 0
}

// matchMunicipality finds the longest municipality key that starts s (already
// folded with foldSmallKe). pref restricts the search to one prefecture; -1
// searches all. It returns the matched length in bytes and the candidate
// municipalities of that length (current ones before abolished ones), at most
// len(buf) of them, stored in buf.
func matchMunicipality(s string, pref int, buf []uint16) (int, []uint16) {
	if s == "" {
		return 0, nil
	}
	// Keys sharing the first rune of s are contiguous.
	first := s
	for i := range s {
		if i > 0 {
			first = s[:i]
			break
		}
	}
	keys := municipalityKeys[:]
	lo, hi := 0, len(keys)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if keys[h].key < first {
			lo = h + 1
		} else {
			hi = h
		}
	}
	best := 0
	out := buf[:0]
	for i := lo; i < len(keys) && strings.HasPrefix(keys[i].key, first); i++ {
		k := keys[i]
		if len(k.key) < best || !strings.HasPrefix(s, k.key) {
			continue
		}
		m := &municipalityTable[k.muni]
		if pref >= 0 && int(m.pref) != pref {
			continue
		}
		if len(k.key) > best {
			best = len(k.key)
			out = out[:0]
		}
		if len(out) < cap(out) {
			out = append(out, k.muni)
		}
	}
	// Current municipalities first: 浜松市天竜区 is both a current and an abolished ward.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && !municipalityTable[out[j]].abolished && municipalityTable[out[j-1]].abolished; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return best, out
}
