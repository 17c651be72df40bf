package synth

import (
	"math/bits"
	"strings"
)

// Noise is a set of perturbations applied to a record. Generate sets it so
// that users and tests can see what was done to each record; the package
// documentation lists each kind's rate.
type Noise uint64

// Kinds of noise. Notation choices (phone, postal code, date and block
// formats) are always varied and are not listed; see the package doc.
const (
	// Japanese formatting, on any record.
	NoiseFullNameOneField    Noise = 1 << iota // family_name holds the full name (space, U+3000 or none), given_name empty
	NoiseKanaHiragana                          // readings in hiragana
	NoiseKanaHalfWidth                         // readings in half-width katakana
	NoiseVariantKanji                          // a character of the name in a variant form (髙, 﨑, 邊, …)
	NoiseIterationMark                         // 々 written out (佐佐木)
	NoiseFullWidth                             // ASCII digits/letters of e-mail, phone, postal code or address in full width
	NoisePrefectureOmitted                     // prefecture column empty
	NoisePrefectureInAddress                   // address repeats the prefecture
	NoiseKanjiNumerals                         // block number in kanji numerals (一丁目二番三号)
	NoiseBuildingOmitted                       // building and room left out of the address
	NoiseStraySpace                            // a value with a leading or trailing space
	NoiseEmailCase                             // e-mail with upper-case letters

	// Errors, on duplicates only (not an entity's first record).
	NoiseKanaTypo      // a kana reading with a changed, dropped or (de)voiced character or long vowel
	NoiseNameIME       // given name written with another kanji of the same reading (裕子 for 優子)
	NoiseNameChange    // family name changed (marriage)
	NoiseEmailTypo     // e-mail with a typo or another romanisation (satou/sato, shi/si)
	NoiseEmailChanged  // a different e-mail address
	NoisePhoneTypo     // a digit of the phone number changed or two swapped
	NoisePhoneChanged  // a new mobile number
	NoisePhoneOther    // the other of the entity's numbers (landline vs mobile)
	NoiseMoved         // a new address (postal code, prefecture, address; landline too)
	NoiseBirthDateTypo // birth date with a digit changed, day and month swapped or the year off by one
	NoisePostalTypo    // a digit of the postal code changed

	// Missing values, on any record.
	NoiseMissingBirthDate
	NoiseMissingEmail
	NoiseMissingPhone
	NoiseMissingKana
	NoiseMissingPostal
	NoiseMissingAddress
	NoiseMissingCompany

	// English (FEBRL-like) errors, on duplicates only.
	NoiseTypo         // a keyboard typo: insertion, deletion, substitution or transposition
	NoiseOCR          // an OCR-like confusion (0/o, 1/l, 5/s, m/rn, …)
	NoisePhonetic     // a phonetic respelling (ph/f, ck/k, ie/y, …)
	NoiseSwapNames    // given name and surname swapped
	NoiseSwapDayMonth // day and month of the birth date swapped
	NoiseNickname     // a nickname for the given name (william -> bill)
	NoiseMissingName  // given name or surname missing

	// Japanese formatting added later, on any record.
	NoiseLatinName   // name written in romaji (Yamada / Taro, or "Taro Yamada" in one field)
	NoiseTownVariant // town written with ヶ/ケ/が or の/ノ swapped (旭ケ丘 / 旭ヶ丘 / 旭が丘)
	NoiseDashVariant // a hyphen in phone, postal code or address typed as ー, −, ‐ or ―
	NoiseSentinel    // a missing value written as a placeholder (不明, なし, -, 1900-01-01, 000-0000, ダミー, …)
	noiseEnd
)

var noiseNames = [...]string{
	"full_name_one_field", "kana_hiragana", "kana_half_width", "variant_kanji", "iteration_mark",
	"full_width", "prefecture_omitted", "prefecture_in_address", "kanji_numerals", "building_omitted",
	"stray_space", "email_case",
	"kana_typo", "name_ime", "name_change", "email_typo", "email_changed", "phone_typo", "phone_changed",
	"phone_other", "moved", "birth_date_typo", "postal_typo",
	"missing_birth_date", "missing_email", "missing_phone", "missing_kana", "missing_postal",
	"missing_address", "missing_company",
	"typo", "ocr", "phonetic", "swap_names", "swap_day_month", "nickname", "missing_name",
	"latin_name", "town_variant", "dash_variant", "sentinel",
}

// Has reports whether every kind in k is in n.
func (n Noise) Has(k Noise) bool { return n&k == k }

// Kinds returns the single kinds in n, in declaration order.
func (n Noise) Kinds() []Noise {
	var out []Noise
	for m := n & (noiseEnd - 1); m != 0; m &= m - 1 {
		out = append(out, Noise(1)<<bits.TrailingZeros64(uint64(m)))
	}
	return out
}

// String returns the names of the kinds in n joined by "|" (e.g.
// "kana_hiragana|missing_email"), or "" for none.
func (n Noise) String() string {
	var b strings.Builder
	for _, k := range n.Kinds() {
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		b.WriteString(noiseNames[bits.TrailingZeros64(uint64(k))])
	}
	return b.String()
}

// AllNoise returns every kind of noise in declaration order.
func AllNoise() []Noise { return (noiseEnd - 1).Kinds() }
