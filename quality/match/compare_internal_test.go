package match

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/c360/c360/quality/similarity"
)

// TestWithinOneEditAgreesWithOSA checks the linear one-edit test against
// the optimal-string-alignment distance on random strings over a small
// alphabet of 1- to 4-byte runes, where edits collide often.
func TestWithinOneEditAgreesWithOSA(t *testing.T) {
	alphabet := []rune{'a', 'b', 'é', 'ア', 'イ', '𠮷'}
	rng := rand.New(rand.NewPCG(3, 4))
	word := func() string {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	edit := func(s string) string { // zero to two random edits
		r := []rune(s)
		for range rng.IntN(3) {
			switch k := rng.IntN(4); {
			case k == 0 && len(r) > 0:
				i := rng.IntN(len(r))
				r = append(r[:i], r[i+1:]...)
			case k == 1:
				i := rng.IntN(len(r) + 1)
				r = append(r[:i], append([]rune{alphabet[rng.IntN(len(alphabet))]}, r[i:]...)...)
			case k == 2 && len(r) > 0:
				r[rng.IntN(len(r))] = alphabet[rng.IntN(len(alphabet))]
			case k == 3 && len(r) > 1:
				i := rng.IntN(len(r) - 1)
				r[i], r[i+1] = r[i+1], r[i]
			}
		}
		return string(r)
	}
	for range 50000 {
		a := word()
		b := edit(a)
		if rng.IntN(4) == 0 {
			b = word()
		}
		if got, want := withinOneEdit(a, b), similarity.OSA(a, b) <= 1; got != want {
			t.Fatalf("withinOneEdit(%q, %q) = %v, OSA distance %d", a, b, got, similarity.OSA(a, b))
		}
	}
}

func TestRunePrefix(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"山田太郎です", 4, "山田太郎"},
		{"山田", 2, "山田"},
		{"", 3, ""},
	}
	for _, tt := range tests {
		if got := runePrefix(tt.s, tt.n); got != tt.want {
			t.Errorf("runePrefix(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

// TestLongValuesCompareInLinearTime: values of thousands of runes are
// graded on their first fuzzyRunes runes, so a comparison stays cheap; the
// one-edit test is linear.
func TestLongValuesCompareInLinearTime(t *testing.T) {
	head := strings.Repeat("顧客の声を集める。", 8) // 72 runes
	a := value{key: head + strings.Repeat("あいうえお", 1000)}
	b := value{key: head + strings.Repeat("カキクケコ", 1000)}
	// Whole, the texts share 72 of 5,072 runes (Jaro–Winkler well below
	// 0.80: "disagree"); their first 64 runes are the same.
	if got := compare(KindText, &a, &b); got != 2 {
		t.Errorf("long texts with the same first %d runes: level %d, want 2", fuzzyRunes, got)
	}
	if s := jaroWinkler(a.key, b.key); s >= 0.80 {
		t.Fatalf("test texts too alike when compared whole (%.3f): the case tests nothing", s)
	}
	id1, id2 := value{key: strings.Repeat("7", 5000)}, value{key: strings.Repeat("7", 4999) + "8"}
	if got := compare(KindID, &id1, &id2); got != 2 {
		t.Errorf("long identifiers one substitution apart: level %d, want 2", got)
	}
}

// Company keys drop the legal form and fold variant kanji, as person names do.
func TestCompanyKeyVariants(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"株式会社髙島屋", "(株)高島屋"},
		{"㈱渡邊商事", "渡辺商事株式会社"},
		{"ＡＢＣ㈱", "株式会社ABC"},
	} {
		if ka, kb := companyKey(tt.a), companyKey(tt.b); ka != kb || ka == "" {
			t.Errorf("companyKey(%q) = %q, companyKey(%q) = %q; want equal", tt.a, ka, tt.b, kb)
		}
	}
	if companyKey("株式会社エムアイ食品") == companyKey("エムアイ食品物流株式会社") {
		t.Error("sister companies got one key")
	}
}

// Family and given names written the other way round in one record grade
// both name fields as crossed; anything short of a full cross is graded
// field by field as before.
func TestGammaCrossedNames(t *testing.T) {
	kinds := []Kind{KindGivenName, KindFamilyName, KindDate}
	tests := []struct {
		name         string
		a, b         []string
		wantG, wantF int // levels of the given and family name fields
	}{
		{"crossed", []string{"john", "smith", "1970-01-02"}, []string{"smith", "john", "1970-01-02"}, crossedLevel, crossedLevel},
		{"in place", []string{"john", "smith", ""}, []string{"john", "smith", ""}, 1, 1},
		{"one part moved, other missing", []string{"john", "smith", ""}, []string{"smith", "", ""}, len(levelNames[KindGivenName]) - 1, 0},
		{"different names", []string{"john", "smith", ""}, []string{"mary", "jones", ""}, len(levelNames[KindGivenName]) - 1, len(levelNames[KindFamilyName]) - 1},
		{"half crossed", []string{"john", "smith", ""}, []string{"smith", "brown", ""}, len(levelNames[KindGivenName]) - 1, len(levelNames[KindFamilyName]) - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &dataset{nf: len(kinds), kinds: kinds}
			for _, r := range [][]string{tt.a, tt.b} {
				for f, k := range kinds {
					d.vals = append(d.vals, prepare(k, r[f]))
				}
			}
			g := d.gamma(0, 1)
			if got := []int{level(g, 0), level(g, 1)}; got[0] != tt.wantG || got[1] != tt.wantF {
				t.Errorf("levels (given, family) = %v, want [%d %d]", got, tt.wantG, tt.wantF)
			}
			if tt.name == "crossed" && level(g, 2) != 1 {
				t.Errorf("date level %d, want 1", level(g, 2))
			}
		})
	}
}
