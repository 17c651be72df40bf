package match

import "math"

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
// "missing" and "exact" to "disagree".
func (k Kind) Levels() []string {
	if k < 0 || k >= numKinds {
		return nil
	}
	return append([]string(nil), levelNames[k]...)
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
	switch k {
	case KindGivenName, KindFamilyName, KindPersonName, KindCompany, KindAddress, KindStreet, KindLocality, KindText:
		s := jaroWinkler(a.key, b.key)
		switch {
		case s >= 0.92:
			return 2
		case s >= 0.80:
			return 3
		}
		return last
	case KindNameKana:
		if osa(a.key, b.key) <= 1 {
			return 2
		}
		if jaroWinkler(a.key, b.key) >= 0.85 {
			return 3
		}
		return last
	case KindEmail:
		if a.alt != "" && a.alt == b.alt || osa(a.key, b.key) <= 1 {
			return 2
		}
		return last
	case KindPhone:
		if a.alt != "" && a.alt == b.alt || osa(a.key, b.key) <= 1 {
			return 2
		}
		return last
	case KindPostalCode, KindID:
		if osa(a.key, b.key) <= 1 {
			return 2
		}
		return last
	case KindDate:
		if osa(a.key, b.key) <= 1 || daySwap(a.key, b.key) {
			return 2
		}
		if a.ok && b.ok && math.Abs(a.num-b.num) <= 365 {
			return 3
		}
		return last
	case KindNumber:
		if osa(a.key, b.key) <= 1 {
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
