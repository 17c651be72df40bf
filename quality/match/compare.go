package match

import (
	"math"
	"unicode/utf8"
)

// Level names. Every kind's levels start with LevelMissing and LevelExact and
// end with LevelDisagree; in between come the kind's partial levels.
const (
	LevelMissing  = "missing"  // either value blank: no evidence either way
	LevelExact    = "exact"    // normalised keys equal
	LevelDisagree = "disagree" // none of the levels above
)

// levelNames lists each kind's comparison levels, index = level number.
var levelNames = func() [numKinds][]string {
	var t [numKinds][]string
	fuzzy := []string{LevelMissing, LevelExact, "jaro_winkler>=0.92", "jaro_winkler>=0.80", LevelDisagree}
	for _, k := range []Kind{KindGivenName, KindFamilyName, KindPersonName, KindCompany, KindAddress, KindStreet, KindLocality, KindText} {
		t[k] = fuzzy
	}
	t[KindNameKana] = []string{LevelMissing, LevelExact, "one_edit", "jaro_winkler>=0.85", LevelDisagree}
	t[KindEmail] = []string{LevelMissing, LevelExact, "same_local_part_or_one_edit", LevelDisagree}
	t[KindPhone] = []string{LevelMissing, LevelExact, "same_last_8_digits_or_one_edit", LevelDisagree}
	t[KindPostalCode] = []string{LevelMissing, LevelExact, "one_edit", LevelDisagree}
	t[KindDate] = []string{LevelMissing, LevelExact, "one_edit_or_day_month_swap", "within_365_days", LevelDisagree}
	t[KindID] = []string{LevelMissing, LevelExact, "one_edit", LevelDisagree}
	t[KindNumber] = []string{LevelMissing, LevelExact, "one_edit_or_within_10pct", LevelDisagree}
	t[KindRegion] = []string{LevelMissing, LevelExact, LevelDisagree}
	t[KindExact] = []string{LevelMissing, LevelExact, LevelDisagree}
	t[KindIgnore] = []string{LevelMissing}
	return t
}()

// Levels returns the names of the comparison levels of kind k, from
// "missing" and "exact" to "disagree" (the levels of the kind it is
// compared as; only "missing" for a kind the matcher does not compare).
func (k Kind) Levels() []string {
	if k < 0 || k >= numKinds {
		return nil
	}
	return append([]string(nil), levelNames[k.matchAs()]...)
}

// compare grades two prepared values of kind k into a level index.
func compare(k Kind, a, b *value) uint8 {
	if a.key == "" || b.key == "" || k == KindIgnore {
		return 0
	}
	if a.key == b.key {
		return 1
	}
	last := uint8(len(levelNames[k]) - 1)
	if k == KindCompany {
		switch companyRelation(a.key, b.key) {
		case sameCompany:
			return 1 // a branch of the company: the same legal entity
		case otherCompany:
			return last
		}
	}
	switch k {
	case KindGivenName, KindFamilyName, KindPersonName:
		if hasNonLatin(a.key) != hasNonLatin(b.key) {
			// 小林 and Kobayashi: a name in Japanese script and one in
			// Latin script cannot be compared as strings; that is no
			// evidence either way (the kana reading, when present, is
			// compared on its own).
			return 0
		}
	}
	switch k {
	case KindGivenName, KindFamilyName, KindPersonName, KindCompany, KindAddress, KindStreet, KindLocality, KindText:
		s := jaroWinkler(runePrefix(a.key, fuzzyRunes), runePrefix(b.key, fuzzyRunes))
		switch {
		case s >= 0.92:
			return 2
		case s >= 0.80:
			return 3
		}
		return last
	case KindNameKana:
		if withinOneEdit(a.key, b.key) {
			return 2
		}
		if jaroWinkler(runePrefix(a.key, fuzzyRunes), runePrefix(b.key, fuzzyRunes)) >= 0.85 {
			return 3
		}
		return last
	case KindEmail:
		if a.alt != "" && a.alt == b.alt || withinOneEdit(a.key, b.key) {
			return 2
		}
		return last
	case KindPhone:
		if a.alt != "" && a.alt == b.alt || withinOneEdit(a.key, b.key) {
			return 2
		}
		return last
	case KindPostalCode, KindID:
		if withinOneEdit(a.key, b.key) {
			return 2
		}
		return last
	case KindDate:
		if withinOneEdit(a.key, b.key) || daySwap(a.key, b.key) {
			return 2
		}
		if a.ok && b.ok && math.Abs(a.num-b.num) <= 365 {
			return 3
		}
		return last
	case KindNumber:
		if withinOneEdit(a.key, b.key) {
			return 2
		}
		if a.ok && b.ok {
			d := math.Abs(a.num - b.num)
			if d <= 0.1*math.Max(math.Abs(a.num), math.Abs(b.num)) {
				return 2
			}
		}
		return last
	}
	return last
}

// daySwap reports whether two YYYYMMDD keys differ by swapping day and month.
func daySwap(a, b string) bool {
	if len(a) != 8 || len(b) != 8 {
		return false
	}
	return a[:4] == b[:4] && a[4:6] == b[6:8] && a[6:8] == b[4:6]
}

// fuzzyRunes is how much of a value the similarity levels read: values
// longer than this are graded on their first fuzzyRunes runes (exact
// agreement still compares them whole). Up to 64 runes Jaro–Winkler runs
// on bit masks without allocating; beyond, its cost grows with the square
// of the length, which free-text columns of thousands of characters would
// turn into hours.
const fuzzyRunes = 64

// runePrefix returns the first n runes of s.
func runePrefix(s string, n int) string {
	if len(s) <= n {
		return s // n bytes hold at most n runes
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// withinOneEdit reports whether the optimal-string-alignment distance of a
// and b, in runes, is at most 1 (one insertion, deletion, substitution or
// transposition of adjacent runes), in time linear in their length.
func withinOneEdit(a, b string) bool {
	if a == b {
		return true
	}
	if d := len(a) - len(b); d > 4 || d < -4 { // a rune is 1 to 4 bytes
		return false
	}
	// Strip the common prefix and suffix, at rune boundaries.
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	for i > 0 && (i < len(a) && !utf8.RuneStart(a[i]) || i < len(b) && !utf8.RuneStart(b[i])) {
		i--
	}
	j := 0
	for j < len(a)-i && j < len(b)-i && a[len(a)-1-j] == b[len(b)-1-j] {
		j++
	}
	for j > 0 && (!utf8.RuneStart(a[len(a)-j]) || !utf8.RuneStart(b[len(b)-j])) {
		j--
	}
	ma, mb := a[i:len(a)-j], b[i:len(b)-j]
	na, nb := utf8.RuneCountInString(ma), utf8.RuneCountInString(mb)
	switch {
	case na+nb <= 1, na == 1 && nb == 1:
		return true // one insertion, deletion or substitution
	case na == 2 && nb == 2:
		a0, s0 := utf8.DecodeRuneInString(ma)
		a1, _ := utf8.DecodeRuneInString(ma[s0:])
		b0, t0 := utf8.DecodeRuneInString(mb)
		b1, _ := utf8.DecodeRuneInString(mb[t0:])
		return a0 == b1 && a1 == b0 // one transposition
	}
	return false
}
