package synth

import (
	"context"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// sample generates n records of cfg once per test.
func sample(t testing.TB, cfg Config) []Record {
	t.Helper()
	var out []Record
	if err := Generate(context.Background(), cfg, func(r Record) error { out = append(out, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// shared10k is the 10,000-record Japanese sample most tests measure, with
// placeholders for some missing values.
var shared10k = sync.OnceValue(func() []Record {
	var out []Record
	_ = Generate(context.Background(), Config{N: 10000, Seed: 11, PlaceholderRate: SuggestedPlaceholderRate}, func(r Record) error { out = append(out, r); return nil })
	return out
})

// col returns the index of a Japanese column.
func col(name string) int {
	for i, h := range jaHeader {
		if h == name {
			return i
		}
	}
	panic("no column " + name)
}

// blank reports whether v is empty or one of the placeholders for a
// missing value.
func blank(v string) bool {
	if strings.Trim(v, "0") == "" { // also the canonical digits of 000-0000
		return true
	}
	for _, vs := range sentinelValues {
		for _, s := range vs {
			if v == s {
				return true
			}
		}
	}
	return false
}

// band checks that got is within 4 binomial standard deviations (at least
// 0.01) of want.
func band(t *testing.T, name string, hits, n int, want float64) {
	t.Helper()
	if n == 0 {
		t.Errorf("%s: no records to measure", name)
		return
	}
	got := float64(hits) / float64(n)
	tol := max(0.01, 4*math.Sqrt(want*(1-want)/float64(n)))
	if math.Abs(got-want) > tol {
		t.Errorf("%s: rate %.4f over %d records, want %.4f ± %.4f", name, got, n, want, tol)
	}
}

func hasVariantChar(s string) bool {
	for _, r := range s {
		if kanjiVariants(r) != nil {
			return true
		}
	}
	for _, r := range "髙﨑邊邉齋齊澤濱廣櫻嶋國德惠瀨冨𠮷關\U000E0100" {
		if strings.ContainsRune(s, r) {
			return true
		}
	}
	return false
}

func TestJapaneseNoiseRates(t *testing.T) {
	recs := shared10k()
	all := func(Record) bool { return true }
	dup := func(r Record) bool { return r.Dup }
	name := func(r Record) string { return r.Values[col("family_name")] + r.Values[col("given_name")] }
	type rateTest struct {
		label string // what the denominator is, when not every record
		kind  Noise
		of    func(Record) bool
		want  float64
	}
	system := func(name string) func(Record) bool {
		return func(r Record) bool { return r.Values[col("source_system")] == name }
	}
	tests := []rateTest{
		{"", NoiseFullNameOneField, all, rateFullNameOneField},
		{"", NoiseKanaHiragana, all, 0.26},
		{"", NoiseKanaHalfWidth, all, 0.12},
		{"pos", NoiseKanaHalfWidth, system("pos"), rateKanaHalfWidthPOS},
		{"ec", NoiseKanaHiragana, system("ec"), rateKanaHiraganaWeb},
		{"crm", NoiseKanaHiragana, system("crm"), rateKanaHiraganaDesk},
		{"names with a variant character", NoiseVariantKanji, func(r Record) bool { return hasVariantChar(name(r)) }, rateVariantKanji},
		{"", NoisePrefectureOmitted, all, ratePrefOmitted},
		{"addresses present", NoisePrefectureInAddress, func(r Record) bool { return !r.Noise.Has(NoiseMissingAddress) }, ratePrefInAddress},
		{"", NoiseStraySpace, all, rateStraySpace},
		{"", NoiseLatinName, all, rateLatinName},
		{"duplicates", NoiseKanaTypo, dup, rateKanaTypo},
		{"duplicates", NoiseEmailChanged, dup, rateEmailChanged},
		{"duplicates", NoiseEmailTypo, dup, rateEmailTypo},
		{"duplicates", NoisePhoneChanged, dup, ratePhoneChanged},
		{"duplicates", NoisePhoneTypo, dup, ratePhoneTypo},
		{"duplicates", NoiseMoved, dup, rateMoved},
		{"duplicates", NoiseBirthDateTypo, dup, rateBirthDateTypo},
		{"duplicates", NoisePostalTypo, dup, ratePostalTypo},
	}
	for sys, name := range sourceSystemNamesJa {
		of := system(name)
		for f, k := range []Noise{NoiseMissingBirthDate, NoiseMissingEmail, NoiseMissingPhone, NoiseMissingKana,
			NoiseMissingPostal, NoiseMissingAddress} {
			tests = append(tests, rateTest{name, k, of, missingRates[sys][f]})
		}
		tests = append(tests, rateTest{name + " with a company", NoiseMissingCompany, func(r Record) bool {
			return of(r) && (r.Values[col("company")] != "" || r.Noise.Has(NoiseMissingCompany))
		}, missingRates[sys][fCompany]})
	}
	for _, tt := range tests {
		hits, n := 0, 0
		for _, r := range recs {
			if !tt.of(r) {
				continue
			}
			n++
			if r.Noise.Has(tt.kind) {
				hits++
			}
		}
		label := tt.kind.String()
		if tt.label != "" {
			label += " in " + tt.label
		}
		band(t, label, hits, n, tt.want)
	}
	for _, r := range recs {
		if blank(r.Values[col("birth_date")]) && blank(r.Values[col("email")]) && blank(r.Values[col("phone")]) {
			t.Errorf("record %s has neither birth date, e-mail nor phone", r.ID)
		}
	}
	// Kinds whose denominator the output does not show: present, and never
	// on an entity's first record.
	for _, k := range []Noise{NoiseNameIME, NoiseNameChange, NoisePhoneOther, NoiseIterationMark, NoiseKanjiNumerals,
		NoiseBuildingOmitted, NoiseEmailCase, NoiseFullWidth, NoiseTownVariant, NoiseDashVariant, NoiseSentinel} {
		c := 0
		for _, r := range recs {
			if r.Noise.Has(k) {
				c++
			}
		}
		if c == 0 {
			t.Errorf("%s: never applied in %d records", k, len(recs))
		}
	}
	errs := NoiseKanaTypo | NoiseNameIME | NoiseNameChange | NoiseEmailTypo | NoiseEmailChanged | NoisePhoneTypo |
		NoisePhoneChanged | NoisePhoneOther | NoiseMoved | NoiseBirthDateTypo | NoisePostalTypo
	for _, r := range recs {
		if !r.Dup && r.Noise&errs != 0 {
			t.Errorf("record %s is an entity's first record but has errors %s", r.ID, r.Noise&errs)
		}
	}
}

var (
	hiraganaRE  = regexp.MustCompile(`\p{Hiragana}`)
	halfKanaRE  = regexp.MustCompile(`[\x{FF66}-\x{FF9F}]`)
	fullASCIIRE = regexp.MustCompile(`[\x{FF01}-\x{FF5E}]`)
	kanjiNumRE  = regexp.MustCompile(`[一二三四五六七八九十百千](丁目|番地)`)
	latinRE     = regexp.MustCompile(`^[A-Za-z]+( [A-Za-z]+)?$`)
)

// TestJapaneseNoiseVisible checks that each notation flag shows in the values
// and, for the missing-value flags, that a value is empty exactly when the
// flag says so.
func TestJapaneseNoiseVisible(t *testing.T) {
	for _, r := range shared10k() {
		v := func(c string) string { return r.Values[col(c)] }
		kana := v("family_kana") + v("given_kana")
		check := func(kind Noise, ok bool) {
			t.Helper()
			if r.Noise.Has(kind) && !ok {
				t.Errorf("record %s has %s but it does not show: %q", r.ID, kind, r.Values)
			}
		}
		check(NoiseKanaHiragana, blank(kana) || hiraganaRE.MatchString(kana))
		check(NoiseKanaHalfWidth, blank(kana) || halfKanaRE.MatchString(kana))
		check(NoiseFullNameOneField, v("given_name") == "" && v("given_kana") == "")
		check(NoiseVariantKanji, hasVariantChar(v("family_name")+v("given_name")))
		check(NoiseKanjiNumerals, kanjiNumRE.MatchString(v("address")))
		check(NoiseLatinName, latinRE.MatchString(strings.TrimSpace(v("family_name"))))
		check(NoiseDashVariant, strings.ContainsAny(v("phone")+v("postal_code")+v("address"), "ー−‐―"))
		check(NoisePrefectureInAddress, strings.Contains(v("address"), prefectureOf(r)) || prefectureOf(r) == "")
		check(NoiseFullWidth, fullASCIIRE.MatchString(v("email")+v("phone")+v("postal_code")+v("address")))
		if got := fullASCIIRE.MatchString(v("email") + v("phone") + v("postal_code") + v("address")); got && !r.Noise.Has(NoiseFullWidth) {
			t.Errorf("record %s has full-width ASCII without %s", r.ID, NoiseFullWidth)
		}
		for _, m := range []struct {
			kind  Noise
			value string
		}{
			{NoisePrefectureOmitted, v("prefecture")},
			{NoiseMissingEmail, v("email")},
			{NoiseMissingBirthDate, v("birth_date")},
			{NoiseMissingKana, kana},
			{NoiseMissingPostal, v("postal_code")},
			{NoiseMissingAddress, v("address")},
		} {
			if blank(m.value) != r.Noise.Has(m.kind) || (m.value != "" && blank(m.value) && !r.Noise.Has(NoiseSentinel)) {
				t.Errorf("record %s: value %q but noise %s", r.ID, m.value, r.Noise)
			}
		}
		if blank(v("phone")) && !r.Noise.Has(NoiseMissingPhone) {
			t.Errorf("record %s: empty phone without %s", r.ID, NoiseMissingPhone)
		}
	}
}

// prefectureOf returns the prefecture of a record from its postal code.
func prefectureOf(r Record) string {
	if p := r.Values[col("prefecture")]; p != "" {
		return p
	}
	return prefByCode()[canonDigits(r.Values[col("postal_code")])]
}

var prefByCode = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, pl := range places {
		m[pl.code] = prefectures[pl.pref]
	}
	return m
})

func canonKana(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case r >= 'ぁ' && r <= 'ゖ':
			return r + 0x60
		}
		return r
	}, s)
}

func canonDigits(s string) string {
	s = norm.NFKC.String(s)
	if rest, ok := strings.CutPrefix(s, "+81"); ok {
		s = "0" + rest
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// canonDate parses every birth-date notation the generator writes into
// YYYYMMDD.
func canonDate(t testing.TB, s string) string {
	t.Helper()
	offset := 0
	for _, e := range []struct {
		name string
		base int
	}{{"大正", 1911}, {"昭和", 1925}, {"平成", 1988}, {"令和", 2018}} {
		if rest, ok := strings.CutPrefix(s, e.name); ok {
			s, offset = strings.Replace(rest, "元年", "1年", 1), e.base
		}
	}
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		return s
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '年' || r == '月' || r == '日' })
	if len(parts) != 3 {
		t.Errorf("unparsable birth date %q", s)
		return ""
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			t.Errorf("unparsable birth date %q", s)
			return ""
		}
		n[i] = v
	}
	return pad4(n[0]+offset) + pad2(n[1]) + pad2(n[2])
}

// TestJapaneseDuplicatesAgreeUnlessNoised: a duplicate differs from its
// entity's first record in kana, birth date, e-mail, phone and postal code
// only where its noise flags say so.
func TestJapaneseDuplicatesAgreeUnlessNoised(t *testing.T) {
	recs := shared10k()
	first := map[string]Record{}
	for _, r := range recs {
		if !r.Dup {
			first[r.EntityID] = r
		}
	}
	compared := 0
	for _, r := range recs {
		o, ok := first[r.EntityID]
		if !r.Dup || !ok {
			continue
		}
		compared++
		v := func(rec Record, c string) string { return rec.Values[col(c)] }
		same := func(field string, a, b string, excuse Noise) {
			t.Helper()
			if !blank(a) && !blank(b) && a != b && r.Noise&excuse == 0 {
				t.Errorf("record %s (%s) differs from %s in %s: %q vs %q, noise %s", r.ID, r.EntityID, o.ID, field, a, b, r.Noise)
			}
		}
		same("kana", canonKana(v(o, "family_kana")+v(o, "given_kana")), canonKana(v(r, "family_kana")+v(r, "given_kana")),
			NoiseKanaTypo|NoiseNameChange)
		if bo, br := v(o, "birth_date"), v(r, "birth_date"); !blank(bo) && !blank(br) {
			same("birth_date", canonDate(t, bo), canonDate(t, br), NoiseBirthDateTypo)
		}
		same("email", strings.ToLower(norm.NFKC.String(strings.TrimSpace(v(o, "email")))),
			strings.ToLower(norm.NFKC.String(strings.TrimSpace(v(r, "email")))), NoiseEmailChanged|NoiseEmailTypo)
		same("phone", canonDigits(v(o, "phone")), canonDigits(v(r, "phone")),
			NoisePhoneChanged|NoisePhoneTypo|NoisePhoneOther|NoiseMoved)
		same("postal_code", canonDigits(v(o, "postal_code")), canonDigits(v(r, "postal_code")), NoiseMoved|NoisePostalTypo)
	}
	if compared < 1000 {
		t.Errorf("only %d duplicates compared", compared)
	}
}

// TestJapaneseHardNegatives: household members (different entities with the
// same family name reading and postal code, some also with the same landline)
// and twins (same family name, postal code and birth date) are present.
func TestJapaneseHardNegatives(t *testing.T) {
	recs := shared10k()
	type key struct{ kana, postal, phone, birth string }
	groups := map[key]map[string]bool{}
	add := func(k key, entity string) {
		if groups[k] == nil {
			groups[k] = map[string]bool{}
		}
		groups[k][entity] = true
	}
	for _, r := range recs {
		kana := canonKana(r.Values[col("family_kana")])
		postal := canonDigits(r.Values[col("postal_code")])
		if r.Noise.Has(NoiseFullNameOneField) || blank(r.Values[col("family_kana")]) || blank(r.Values[col("postal_code")]) {
			continue
		}
		add(key{kana: kana, postal: postal}, r.EntityID)
		if b := r.Values[col("birth_date")]; !blank(b) {
			add(key{kana: kana, postal: postal, birth: canonDate(t, b)}, r.EntityID)
		}
		phone := canonDigits(r.Values[col("phone")])
		if blank(r.Values[col("phone")]) || strings.HasPrefix(phone, "090") || strings.HasPrefix(phone, "080") || strings.HasPrefix(phone, "070") || strings.HasPrefix(phone, "050") {
			continue
		}
		add(key{kana: kana, postal: postal, phone: phone}, r.EntityID)
	}
	var address, landline, twins int
	for k, e := range groups {
		if len(e) < 2 {
			continue
		}
		switch {
		case k.birth != "":
			twins++
		case k.phone != "":
			landline++
		default:
			address++
		}
	}
	// About 5,500 entities, 8% with a household member, half the
	// households with a landline; twins 0.3%.
	if address < 250 {
		t.Errorf("%d groups of different entities with the same family name and postal code; want at least 250", address)
	}
	if landline < 20 {
		t.Errorf("%d groups of different entities with the same family name, postal code and landline; want at least 20", landline)
	}
	if twins < 3 {
		t.Errorf("%d twins sharing family name, postal code and birth date; want at least 3", twins)
	}
	t.Logf("same family name and postal code: %d groups; also landline: %d; twins: %d", address, landline, twins)
}

func TestJapaneseSurnameFrequency(t *testing.T) {
	count := map[string]int{}
	entities := 0
	for _, r := range sample(t, Config{N: 20000, Seed: 15, DupRate: -1, HouseholdRate: -1, TwinRate: -1, Noise: -1}) {
		if r.Noise.Has(NoiseFullNameOneField) || r.Noise.Has(NoiseVariantKanji) || r.Noise.Has(NoiseIterationMark) {
			continue
		}
		count[r.Values[col("family_name")]]++
		entities++
	}
	share := float64(count["佐藤"]) / float64(entities)
	if share < 0.02 || share > 0.04 {
		t.Errorf("佐藤 share %.4f, want 0.02–0.04", share)
	}
	for name, c := range count {
		if c > count["佐藤"] {
			t.Errorf("%s (%d) more common than 佐藤 (%d)", name, c, count["佐藤"])
		}
	}
	if len(count) < 250 {
		t.Errorf("only %d distinct family names in 20,000 people", len(count))
	}
}

// TestJapaneseNotations measures the documented notation shares.
func TestJapaneseNotations(t *testing.T) {
	recs := shared10k()
	digitsOnly := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	classes := []struct {
		name   string
		column string
		is     func(string) bool
		want   float64
	}{
		{"phone digits only", "phone", digitsOnly, 0.2},
		{"phone hyphens", "phone", func(s string) bool {
			return s[0] == '0' && strings.Count(s, "-") == 2 && digitsOnly(strings.ReplaceAll(s, "-", ""))
		}, 0.45 * (1 - rateDashVariant)},
		{"phone brackets", "phone", func(s string) bool { return strings.Contains(s, ")") }, 0.1},
		{"phone +81", "phone", func(s string) bool { return strings.HasPrefix(s, "+81 ") }, 0.08},
		{"phone full width", "phone", func(s string) bool { return strings.HasPrefix(s, "０") }, 0.1},
		{"phone spaces", "phone", func(s string) bool { return s[0] == '0' && strings.Count(s, " ") == 2 }, 0.07},
		{"postal dashed", "postal_code", func(s string) bool { return len(s) == 8 && s[3] == '-' && digitsOnly(s[:3]+s[4:]) }, 0.55 * (1 - rateDashVariant)},
		{"postal 7 digits", "postal_code", func(s string) bool { return len(s) == 7 && digitsOnly(s) }, 0.2},
		{"postal 〒 dashed", "postal_code", func(s string) bool { return strings.HasPrefix(s, "〒") && strings.Contains(s, "-") }, 0.12 * (1 - rateDashVariant)},
		{"postal full width", "postal_code", func(s string) bool { return strings.HasPrefix(s, "０") || strings.Contains(s, "－") }, 0.08},
		{"birth ISO", "birth_date", func(s string) bool { return len(s) == 10 && s[4] == '-' && s[7] == '-' }, 0.55},
		{"birth 8 digits", "birth_date", func(s string) bool { return len(s) == 8 && digitsOnly(s) }, 0.05},
		{"birth era", "birth_date", func(s string) bool {
			return strings.HasPrefix(s, "昭和") || strings.HasPrefix(s, "平成") || strings.HasPrefix(s, "令和") || strings.HasPrefix(s, "大正")
		}, 0.05},
	}
	for _, c := range classes {
		hits, n := 0, 0
		for _, r := range recs {
			v := r.Values[col(c.column)]
			if blank(v) {
				continue
			}
			n++
			if c.is(v) {
				hits++
			}
		}
		band(t, c.name, hits, n, c.want)
	}
}
