package match

import (
	"strings"

	"github.com/c360/c360/quality/normalize"
	"github.com/c360/c360/quality/similarity"
)

// The per-kind normalisers. Each falls back to normalize.TextKey when the
// value does not parse as its kind, so that two equal malformed values still
// agree exactly.

func textKey(s string) string { return normalize.TextKey(s) }

// nameKey folds variant kanji (髙橋 → 高橋) besides width and case.
func nameKey(s string) string { return normalize.TextKey(normalize.FoldNameVariants(s)) }

// companyForms are legal-form markers removed from company keys, so that
// "株式会社ABC", "ABC(株)" and "ＡＢＣ㈱" agree. Keys are already
// width-folded and lower-cased by TextKey.
var companyForms = []string{
	"株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "(株)", "(有)", "(同)", "㈱", "㈲",
	"一般社団法人", "一般財団法人", "公益社団法人", "公益財団法人", "特定非営利活動法人", "npo法人",
	"co.,ltd.", "co.,ltd", "co.ltd.", "corporation", "corp.", "inc.", "inc", "ltd.", "ltd", "llc", "gmbh", "plc", "limited",
}

// companyKey is the company's name without its legal form, with variant
// kanji folded as in person names (株式会社髙島屋 ≡ (株)高島屋).
func companyKey(s string) string {
	s = normalize.FoldNameVariants(s)
	if c, err := normalize.ParseCompany(s); err == nil && c.Key != "" {
		return c.Key
	}
	k := normalize.TextKey(s)
	for _, f := range companyForms {
		if strings.HasPrefix(k, f) && len(k) > len(f) {
			k = k[len(f):]
		} else if strings.HasSuffix(k, f) && len(k) > len(f) {
			k = k[:len(k)-len(f)]
		}
	}
	return strings.Trim(k, ",.・")
}

func addressKey(s string) string {
	if a, err := normalize.ParseAddress(s); err == nil && a.Key != "" {
		return a.Key
	}
	return normalize.TextKey(s)
}

func personValue(s string) value {
	if p, err := normalize.ParsePersonName(s); err == nil && p.Key != "" {
		return value{key: p.Key}
	}
	return value{key: normalize.TextKey(s)}
}

func kanaValue(s string) value {
	if k, err := normalize.KanaKey(s, normalize.FoldAll); err == nil && k != "" {
		return value{key: strings.ReplaceAll(k, " ", "")}
	}
	return value{key: normalize.TextKey(normalize.Katakana(s))}
}

func emailValue(s string) value {
	if e, err := normalize.ParseEmail(s); err == nil {
		v := value{key: e.Key}
		if i := strings.LastIndexByte(e.Key, '@'); i > 0 {
			v.alt = e.Key[:i]
		}
		return v
	}
	k := normalize.TextKey(s)
	v := value{key: k}
	if i := strings.LastIndexByte(k, '@'); i > 0 {
		v.alt = k[:i]
	}
	return v
}

func phoneValue(s string) value {
	key := ""
	if p, err := normalize.ParsePhone(s); err == nil {
		key = p.E164
	} else {
		key = digitsOnly(s)
		if key == "" {
			return value{key: normalize.TextKey(s)}
		}
	}
	v := value{key: key}
	if d := digitsOnly(key); len(d) > 8 {
		v.alt = d[len(d)-8:]
	}
	return v
}

func postalValue(s string) value {
	if p, err := normalize.ParsePostalCode(s); err == nil {
		return value{key: p.Key}
	}
	if d := digitsOnly(s); d != "" {
		return value{key: d}
	}
	return value{key: normalize.TextKey(s)}
}

func jaroWinkler(a, b string) float64 { return similarity.JaroWinkler(a, b) }
