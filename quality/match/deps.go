package match

// Placeholders until quality/normalize and quality/similarity land.

import (
	"strings"
	"unicode"
)

func textKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func nameKey(s string) string    { return textKey(s) }
func companyKey(s string) string { return textKey(s) }
func addressKey(s string) string { return textKey(s) }

func personValue(s string) value { return value{key: textKey(s)} }
func kanaValue(s string) value   { return value{key: textKey(s)} }

func emailValue(s string) value {
	k := textKey(s)
	v := value{key: k}
	if i := strings.LastIndexByte(k, '@'); i > 0 {
		v.alt = k[:i]
	}
	return v
}

func phoneValue(s string) value {
	d := digitsOnly(s)
	v := value{key: d}
	if len(d) > 8 {
		v.alt = d[len(d)-8:]
	}
	return v
}

func postalValue(s string) value { return value{key: digitsOnly(s)} }

func jaroWinkler(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 && len(rb) == 0 {
		return 1
	}
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	w := max(len(ra), len(rb))/2 - 1
	if w < 0 {
		w = 0
	}
	ma := make([]bool, len(ra))
	mb := make([]bool, len(rb))
	m := 0
	for i, r := range ra {
		lo, hi := max(0, i-w), min(len(rb), i+w+1)
		for j := lo; j < hi; j++ {
			if !mb[j] && rb[j] == r {
				ma[i], mb[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, j := 0, 0
	for i := range ra {
		if !ma[i] {
			continue
		}
		for !mb[j] {
			j++
		}
		if ra[i] != rb[j] {
			t++
		}
		j++
	}
	fm := float64(m)
	jaro := (fm/float64(len(ra)) + fm/float64(len(rb)) + (fm-float64(t)/2)/fm) / 3
	l := 0
	for l < 4 && l < len(ra) && l < len(rb) && ra[l] == rb[l] {
		l++
	}
	return jaro + float64(l)*0.1*(1-jaro)
}

func osa(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n, m := len(ra), len(rb)
	d := make([][]int, n+1)
	for i := range d {
		d[i] = make([]int, m+1)
		d[i][0] = i
	}
	for j := 0; j <= m; j++ {
		d[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+c)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[n][m]
}
