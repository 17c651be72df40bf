package match

import "strings"

// Limits on a pair's probability that the weights alone do not express.

// Reasons a pair's probability was limited, as Explanation.Limit gives them.
const (
	// LimitHousehold: the given names and the birth dates (or readings)
	// disagree while no identifier agrees — a household member or a
	// namesake, however much else (an address, a landline) they share. The
	// probability is 0.
	LimitHousehold = "household"
	// LimitOtherCompany: the company names are one name and that name with
	// a business word added (エムアイ食品 / エムアイ食品物流, サクラ商事 /
	// サクラ商事不動産): sister companies or a parent and its subsidiary,
	// which share offices and main numbers but are different legal
	// entities. Unless an identifier (a 法人番号) agrees, the probability
	// is 0, and the two are never put in one cluster, even through a third
	// record that matches both; a match refused for that reason says so
	// too.
	LimitOtherCompany = "other company of the group"
	// LimitCommonName: nothing but a common name agrees — every other field
	// is missing on one side or disagrees, and the family name is one of the
	// most common (佐藤, 鈴木, 田中 …, Smith, Nguyen …), shared by hundreds
	// to thousands of people whatever the given name. The probability is
	// held below the threshold, in the review band: such a pair is for a
	// person to decide, never merged automatically.
	LimitCommonName = "common name only"
	// LimitGuard: the pair is a match by its own evidence, but joining it
	// would put into one cluster two records whose guarded values conflict
	// (Config.Guards), so its records stay in different clusters. Only
	// Result.Explain reports it; the probability is unchanged.
	LimitGuard = "refused by a chaining guard"
)

// limit returns why the probability of a pair with values a, b and pattern
// g must be limited, and to what ("" and p unchanged when it need not).
func (m *Matcher) limit(model *Model, a, b []value, g uint64, p float64) (string, float64) {
	if m.vetoPair(a, b, g) {
		return LimitHousehold, 0
	}
	if m.otherCompany(a, b, g) {
		return LimitOtherCompany, 0
	}
	if p >= m.o.review && m.nameOnly(g) && (m.commonName(model, a) || m.commonName(model, b)) {
		return LimitCommonName, min(p, m.o.review)
	}
	return "", p
}

// nameOnly reports whether no field but the names agrees in pattern g: every
// other compared field is missing on one side or disagrees.
func (m *Matcher) nameOnly(g uint64) bool {
	names := false
	for f, k := range m.kinds {
		l := level(g, f)
		switch k {
		case KindIgnore:
		case KindGivenName, KindFamilyName, KindPersonName, KindNameKana:
			names = names || l > 0 && l < len(levelNames[k])-1
		default:
			if l > 0 && l < len(levelNames[k])-1 {
				return false
			}
		}
	}
	return names
}

// commonName reports whether a record's family name (or the family part
// of a whole name) is one of the most common: in commonFamilyNames, or, by
// the model's counts (FieldParams.Frequent), held by commonShare of the
// records or more.
func (m *Matcher) commonName(model *Model, v []value) bool {
	for f, k := range m.kinds {
		key := v[f].key
		if key == "" {
			continue
		}
		switch k {
		case KindFamilyName:
			if commonFamilyNames[key] {
				return true
			}
			if model != nil && f < len(model.Fields) && model.Fields[f].Frequent[key] >= commonShare {
				return true
			}
		case KindPersonName:
			for _, t := range strings.Fields(key) {
				if commonFamilyNames[t] {
					return true
				}
			}
			for n := range commonFamilyNames {
				if hasNonLatin(n) && strings.HasPrefix(key, n) {
					return true
				}
			}
		}
	}
	return false
}

// commonFamilyNames are, as name keys, the 20 most common family names of
// Japan (about a tenth of its people, 佐藤 alone some 1.8 million), with
// their usual romanisations, and the most common of the English-speaking
// countries (Smith, Nguyen in Australia …).
var commonFamilyNames = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{
		"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
		"吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水",
		"サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ", "ヤマモト", "ナカムラ", "コバヤシ", "カトウ",
		"ヨシダ", "ヤマダ", "ササキ", "ヤマグチ", "マツモト", "イノウエ", "キムラ", "ハヤシ", "サイトウ", "シミズ",
		"sato", "satou", "satoh", "suzuki", "takahashi", "tanaka", "ito", "itou", "itoh", "watanabe",
		"yamamoto", "nakamura", "kobayashi", "kato", "katou", "katoh", "yoshida", "yamada", "sasaki",
		"yamaguchi", "matsumoto", "inoue", "kimura", "hayashi", "saito", "saitou", "shimizu",
		"smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "wilson", "taylor",
		"anderson", "thomas", "jackson", "white", "harris", "martin", "thompson", "lee", "walker", "nguyen",
	} {
		m[nameKey(n)] = true
	}
	return m
}()

// otherCompany reports whether a company field names another company of
// the group (companyRelation) while no identifier agrees exactly.
func (m *Matcher) otherCompany(a, b []value, g uint64) bool {
	for _, f := range m.strongIDs {
		if level(g, f) == 1 {
			return false
		}
	}
	for f, k := range m.kinds {
		if k == KindCompany && a[f].key != "" && b[f].key != "" && companyRelation(a[f].key, b[f].key) == otherCompany {
			return true
		}
	}
	return false
}
