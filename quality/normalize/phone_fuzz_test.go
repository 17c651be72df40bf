package normalize

import (
	"testing"
)

// FuzzParsePhone: ParsePhone never panics; a result is E.164 (a "+" and at
// most 15 digits) with Key = E164; parsing the E164 or the formatted form
// again gives the same number (parse ∘ format ∘ parse = parse).
func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{
		"03-1234-5678", "+81 (0)3-1234-5678", "０９０ー１２３４ー５６７８", "TEL:0120-123-456 内線12",
		"+44 (0)20 7946 0958", "010-1-212-555-0100", "0800-123-4567", "\xff", "", "+", "内線",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, cc := range []string{"81", "1", "44"} {
			p, err := ParsePhoneRegion(s, cc)
			if err != nil {
				continue
			}
			if len(p.E164) < 2 || len(p.E164) > 16 || p.E164[0] != '+' || !phoneDigitsOnly(p.E164[1:]) {
				t.Fatalf("ParsePhoneRegion(%q, %s).E164 = %q", s, cc, p.E164)
			}
			if p.Key != p.E164 || p.E164 != "+"+p.Country+trimTrunk(p) {
				t.Fatalf("ParsePhoneRegion(%q, %s) inconsistent: %+v", s, cc, p)
			}
			q, err := ParsePhoneRegion(p.Key, cc)
			if err != nil || q.Key != p.Key || q.Type != p.Type || q.AreaName != p.AreaName {
				t.Fatalf("ParsePhoneRegion(Key %q) = %+v, %v; want %+v", p.Key, q, err, p)
			}
			r, err := ParsePhoneRegion(p.Format(), p.Country) // the national form needs its own country
			if err != nil || r != p {
				t.Fatalf("ParsePhoneRegion(Format %q) = %+v, %v; want %+v", p.Format(), r, err, p)
			}
			r, err = ParsePhoneRegion(p.FormatInternational(), cc)
			if err != nil || r != p {
				t.Fatalf("ParsePhoneRegion(FormatInternational %q) = %+v, %v; want %+v", p.FormatInternational(), r, err, p)
			}
		}
	})
}

func trimTrunk(p Phone) string {
	if p.Country == "81" {
		return p.National[1:]
	}
	return p.National
}
