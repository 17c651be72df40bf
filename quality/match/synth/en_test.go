package synth

import (
	"math"
	"regexp"
	"testing"
)

func TestEnglishNoise(t *testing.T) {
	recs := sample(t, Config{N: 10000, Seed: 21, Locale: English})
	first := map[string]Record{}
	dups := 0
	for _, r := range recs {
		if !r.Dup {
			first[r.EntityID] = r
		} else {
			dups++
		}
	}
	// Every duplicate gets at least one modification attempt; a few
	// attempts change nothing (a nickname for a name without one), so the
	// share of duplicates differing from their first record is a little
	// below 1. Missing values on the original can hide a modification.
	changed, compared := 0, 0
	for _, r := range recs {
		o, ok := first[r.EntityID]
		if !r.Dup || !ok {
			continue
		}
		compared++
		for i := 1; i < len(r.Values); i++ {
			if r.Values[i] != o.Values[i] {
				changed++
				break
			}
		}
	}
	if share := float64(changed) / float64(compared); share < 0.95 {
		t.Errorf("only %.3f of %d duplicates differ from their first record, want ≥ 0.95", share, compared)
	}
	count := func(k Noise) (c int) {
		for _, r := range recs {
			if r.Noise.Has(k) {
				c++
			}
		}
		return c
	}
	// A duplicate gets k modifications with the probabilities enModChain
	// implies, each of a kind with probability weight/100.
	atLeastOne := func(q float64) float64 {
		total, reach := 0.0, 1.0
		for k := range enModChain {
			reach *= enModChain[k]
			stop := 1.0
			if k+1 < len(enModChain) {
				stop = 1 - enModChain[k+1]
			}
			total += reach * stop * (1 - math.Pow(1-q, float64(k+1)))
		}
		return total
	}
	for _, k := range []struct {
		kind   Noise
		weight float64
	}{
		{NoiseSwapNames, enModSwapNames},
		{NoiseTypo, enModTypo + enModDigits/3},
	} {
		band(t, k.kind.String(), count(k.kind), dups, atLeastOne(k.weight/100))
	}
	for _, k := range []Noise{NoiseOCR, NoisePhonetic, NoiseNickname, NoiseSwapDayMonth, NoiseMissingName,
		NoiseEmailChanged, NoisePostalTypo, NoisePhoneTypo} {
		if count(k) == 0 {
			t.Errorf("%s never applied", k)
		}
	}
	dob := regexp.MustCompile(`^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$`)
	phone := regexp.MustCompile(`^0[2-478] \d{4} \d{4}$`)
	for _, r := range recs {
		if d := r.Values[9]; d != "" && !dob.MatchString(d) {
			t.Errorf("record %s: date_of_birth %q", r.ID, d)
		}
		if p := r.Values[10]; p != "" && !phone.MatchString(p) {
			t.Errorf("record %s: phone %q", r.ID, p)
		}
	}
}

func TestNoiseString(t *testing.T) {
	if got, want := (NoiseKanaHiragana | NoiseMissingEmail).String(), "kana_hiragana|missing_email"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := Noise(0).String(); got != "" {
		t.Errorf("String() of no noise = %q", got)
	}
	if got, want := len(AllNoise()), len(noiseNames); got != want {
		t.Errorf("AllNoise has %d kinds, names %d", got, want)
	}
	for _, k := range AllNoise() {
		if k.String() == "" || !k.Has(k) {
			t.Errorf("kind %d has no name", uint64(k))
		}
	}
}

func TestHeader(t *testing.T) {
	if got := Header("fr"); got != nil {
		t.Errorf("Header(fr) = %v, want nil", got)
	}
	h := Header(Japanese)
	h[0] = "changed"
	if Header(Japanese)[0] != "record_id" {
		t.Error("Header returned the package's own slice")
	}
	if got, want := len(Header("")), len(jaHeader); got != want {
		t.Errorf("Header(\"\") has %d columns, want the Japanese %d", got, want)
	}
	r := Record{Values: []string{"R1", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "src"}}
	if got := r.Get("source_system"); got != "src" {
		t.Errorf("Get(source_system) = %q", got)
	}
	if got := r.Get("nope"); got != "" {
		t.Errorf("Get(nope) = %q", got)
	}
}
