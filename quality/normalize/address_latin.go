package normalize

import (
	"strings"
	"sync"
)

// IsLatinScript reports whether Text-normalised s is written in Latin
// script: it has ASCII letters and no kana, kanji or other CJK characters.
// ParseAddress reads such an address in Western order.
func IsLatinScript(s string) bool {
	letter := false
	for _, r := range s {
		switch {
		case r >= 0x2E80:
			return false
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letter = true
		}
	}
	return letter
}

// latinWord is one word of a Latin-script address.
type latinWord struct {
	text string // as written (Text-normalised)
	low  string // lower case, macrons dropped, trailing '.' removed
	seg  int    // index of its comma-separated segment
	used bool   // taken as prefecture, municipality, block or noise
}

// latinFold lower-cases s and drops macrons and circumflexes (Tōkyō →
// tokyo), and a trailing full stop.
func latinFold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case 'ā', 'â', 'Ā', 'Â':
			r = 'a'
		case 'ē', 'ê', 'Ē', 'Ê':
			r = 'e'
		case 'ī', 'î', 'Ī', 'Î':
			r = 'i'
		case 'ō', 'ô', 'Ō', 'Ô':
			r = 'o'
		case 'ū', 'û', 'Ū', 'Û':
			r = 'u'
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return strings.TrimSuffix(b.String(), ".")
}

// latinSuffixClass returns the class of a place-name suffix written after a
// hyphen or as a separate word ("ku", "ward" → "ku"), or "".
func latinSuffixClass(s string) string {
	switch s {
	case "shi", "city":
		return "shi"
	case "ku", "ward":
		return "ku"
	case "machi", "cho", "town":
		return "town"
	case "mura", "son", "village":
		return "village"
	case "gun", "county", "district":
		return "gun"
	case "to", "fu", "ken", "prefecture", "pref", "metropolis":
		return "pref"
	}
	return ""
}

// latinSplit splits a folded romaji name into its base and suffix class:
// "chiyoda-ku" → "chiyoda", "ku".
func latinSplit(s string) (string, string) {
	if i := strings.LastIndexAny(s, "- "); i > 0 {
		if c := latinSuffixClass(s[i+1:]); c != "" {
			return s[:i], c
		}
	}
	return s, ""
}

// parseLatinAddress parses an address written in Latin script in Western
// order, e.g. "1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan": the
// prefecture and municipality are recognised by their romaji names (with
// or without -to/-fu/-ken, -shi/-ku/-machi/-cho/-mura/-son or the English
// words city, ward, town, village, prefecture) and returned in kanji; the
// block is canonicalised; the town is kept in Latin script as written.
func parseLatinAddress(s, rest string) (Address, error) {
	var words []latinWord
	for seg, part := range strings.Split(rest, ",") {
		for _, w := range strings.Fields(part) {
			words = append(words, latinWord{text: w, low: latinFold(w), seg: seg})
		}
	}
	// Noise: the country, postal codes.
	for i := range words {
		w := &words[i]
		if w.low == "japan" || w.low == "〒" || latinPostal(w.low) {
			w.used = true
		}
	}
	// Join a separate suffix word to its name: "Chiyoda Ku", "Tokyo Prefecture".
	for i := 0; i+1 < len(words); i++ {
		if words[i].used || words[i+1].used || words[i].seg != words[i+1].seg {
			continue
		}
		if latinSuffixClass(words[i+1].low) != "" {
			if _, has := latinHasSuffix(words[i].low); !has {
				words[i].low += "-" + words[i+1].low
				words[i].text += " " + words[i+1].text
				words[i+1].used = true
			}
		}
	}

	var a Address
	pref := -1
	// The prefecture: the last word naming one.
	for i := len(words) - 1; i >= 0 && pref < 0; i-- {
		w := &words[i]
		if w.used {
			continue
		}
		base, class := latinSplit(w.low)
		if class != "" && class != "pref" {
			continue
		}
		for p := range prefectureTable {
			if strings.EqualFold(prefectureTable[p].romaji, base) {
				pref, w.used = p, true
				break
			}
		}
	}
	if pref >= 0 {
		a.Prefecture = prefectureTable[pref].name
	}
	// Counties are not needed to find a town or village.
	for i := range words {
		if _, class := latinSplit(words[i].low); class == "gun" {
			words[i].used = true
		}
	}
	// The municipality: the last word naming a city, town, village or
	// special ward (in that prefecture, if known); then a ward of a
	// designated city.
	muni, muniSeg := -1, -1
	for i := len(words) - 1; i >= 0 && muni < 0; i-- {
		w := &words[i]
		if w.used {
			continue
		}
		base, class := latinSplit(w.low)
		if class == "pref" || class == "gun" || !latinPlain(base) {
			continue
		}
		found, ambiguous := -1, false
		for _, m := range latinMunicipalities()[base] {
			row := &municipalityTable[m]
			if pref >= 0 && int(row.pref) != pref {
				continue
			}
			_, rc := latinSplit(row.romaji)
			if class != "" && class != rc && !(class == "shi" && row.kind == muniDesignatedCity) {
				continue
			}
			if class == "" && rc != "shi" && rc != "ku" {
				continue // a bare name is taken for a city or special ward only
			}
			if found >= 0 && municipalityTable[found].pref != row.pref {
				ambiguous = true
			}
			if found < 0 {
				found = int(m)
			}
		}
		if found >= 0 && !ambiguous {
			muni, muniSeg, w.used = found, w.seg, true
		}
	}
	if muni >= 0 && municipalityTable[muni].kind == muniDesignatedCity {
		city := municipalityTable[muni].romaji
		for i := range words {
			w := &words[i]
			if w.used {
				continue
			}
			base, class := latinSplit(w.low)
			if class != "" && class != "ku" {
				continue
			}
			if m, ok := latinWards()[city+"|"+base]; ok {
				muni, w.used = int(m), true
			}
			if w.used {
				break
			}
		}
	}
	if muni >= 0 {
		m := &municipalityTable[muni]
		a.Municipality = m.name
		a.MunicipalityCode = lgCode(m.lgCode)
		if pref < 0 {
			a.Prefecture = prefectureTable[m.pref].name
			a.PrefectureGuessed = true
		}
	}
	if a.Prefecture == "" {
		return Address{}, &Error{Kind: KindAddress, Input: s, Reason: "no prefecture or municipality found"}
	}

	// The block: words of digits and hyphens, with 丁目 written "chome".
	blockSeg := -1
	var nums []string
	for i := range words {
		w := &words[i]
		if w.used {
			continue
		}
		parts, ok := latinBlock(w.low)
		if !ok || (blockSeg >= 0 && w.seg != blockSeg) || len(nums)+len(parts) > 4 {
			continue
		}
		nums = append(nums, parts...)
		blockSeg, w.used = w.seg, true
	}
	a.Block = strings.Join(nums, "-")

	// The town: the other words of the block's segment, else of the
	// segment just before the municipality's; the building: the rest.
	townSeg := blockSeg
	if townSeg < 0 && muniSeg > 0 {
		townSeg = muniSeg - 1
	}
	var town, building []string
	lastSeg := -1
	for i := range words {
		w := &words[i]
		if w.used {
			continue
		}
		if townSeg >= 0 && w.seg == townSeg && latinPlain(w.low) {
			town = append(town, w.text)
			continue
		}
		if len(building) > 0 && w.seg != lastSeg {
			building[len(building)-1] += ","
		}
		building = append(building, w.text)
		lastSeg = w.seg
	}
	a.Town = strings.Join(town, " ")
	a.Building = strings.Join(building, " ")
	key := a.Prefecture + a.Municipality + latinKey(a.Town) + a.Block
	if a.Building != "" {
		key += "、" + a.Building
	}
	// The key is what the Japanese-script parser makes of it, so that
	// parsing a key always gives the key back.
	k, err := parseJapaneseAddress(key, key)
	if err != nil {
		return Address{}, err
	}
	a.Key = k.Key
	return a, nil
}

// latinMunicipalities indexes the municipality table for Latin-script
// addresses: the lower-case romaji name without its suffix (chiyoda,
// yokohama) to the rows of current cities, towns, villages and special
// wards of that name, in table order. Wards of designated cities are in
// latinWards. Built on first use, so that a Latin word is looked up instead
// of compared with every row.
var latinMunicipalities = sync.OnceValue(func() map[string][]uint16 {
	idx := make(map[string][]uint16)
	for m := range municipalityTable {
		row := &municipalityTable[m]
		if row.kind == muniDesignatedCityWard || row.abolished {
			continue
		}
		rb, _ := latinSplit(row.romaji)
		k := strings.ToLower(rb)
		idx[k] = append(idx[k], uint16(m))
	}
	return idx
})

// latinWards indexes the current wards of designated cities by the city's
// table romaji and the ward's lower-case name without suffix
// ("Yokohama-shi|nishi"); the first row in table order wins.
var latinWards = sync.OnceValue(func() map[string]uint16 {
	idx := make(map[string]uint16)
	for m := range municipalityTable {
		row := &municipalityTable[m]
		if row.kind != muniDesignatedCityWard || row.abolished {
			continue
		}
		rb, _ := latinSplit(row.wardRomaji)
		k := row.romaji + "|" + strings.ToLower(rb)
		if _, dup := idx[k]; !dup {
			idx[k] = uint16(m)
		}
	}
	return idx
})

// romajiSuffix reports whether s ends in a place-name suffix after a hyphen.
func latinHasSuffix(s string) (string, bool) {
	_, c := latinSplit(s)
	return c, c != ""
}

// latinPlain reports whether s is letters, hyphens and apostrophes only.
func latinPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '-' || c == '\'') {
			return false
		}
	}
	return s != ""
}

// latinKey lower-cases a Latin town name and keeps its letters only.
func latinKey(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c >= 'a' && c <= 'z' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// latinPostal reports whether s is a postal code: NNN-NNNN or NNNNNNN.
func latinPostal(s string) bool {
	switch len(s) {
	case 7:
		return addrDigitsOnly(s)
	case 8:
		return addrDigitsOnly(s[:3]) && s[3] == '-' && addrDigitsOnly(s[4:])
	}
	return false
}

// latinBlock reads a block word: "1-2-3", "12", "2-chome", "1-chome-2-3",
// "no.5". ok is false for anything else.
func latinBlock(s string) ([]string, bool) {
	s = strings.TrimPrefix(s, "no.")
	s = strings.ReplaceAll(s, "-chome", "")
	s = strings.TrimSuffix(s, "chome")
	if s == "" {
		return nil, false
	}
	parts := strings.Split(strings.Trim(s, "-"), "-")
	for i, p := range parts {
		if !addrDigitsOnly(p) || len(p) > 5 {
			return nil, false
		}
		parts[i] = strings.TrimLeft(p, "0")
		if parts[i] == "" {
			parts[i] = "0"
		}
	}
	return parts, true
}
