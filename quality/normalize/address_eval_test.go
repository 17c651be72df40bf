package normalize

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestAddressGeolonia parses the raw addresses of the Geolonia sample
// (../shared/data/japanese-addresses/geolonia_addresses.csv: column 0 the
// raw address, 1–5 the gold prefecture, municipality, town, block and
// remainder) and reports how often each part agrees with the gold one. It
// fails when an agreement falls below the floor measured when it was written.
//
// Comparable forms: gold towns write the 丁目 in kanji (奈佐原二丁目), which
// ParseAddress splits into Town 奈佐原 and the first number of Block; the gold
// block is in column 4, or in column 5 when the geocoder stopped at the town.
func TestAddressGeolonia(t *testing.T) {
	f, err := os.Open(sharedDataPath(t, "japanese-addresses/geolonia_addresses.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	recs = recs[1:]
	var pref, muni, town, townExact, block, both, parsed int
	shown := 0
	for _, r := range recs {
		a, err := ParseAddress(r[0])
		if err != nil {
			continue
		}
		parsed++
		gTown, gChome := splitGoldChome(r[3])
		gBlock := r[4]
		if gBlock == "" {
			gBlock = r[5]
		}
		if gChome != "" {
			gBlock = strings.TrimSuffix(gChome+"-"+gBlock, "-")
		}
		okP := a.Prefecture == r[1]
		okM := a.Municipality == r[2]
		// ParseAddress drops 大字; gold has it only where its town list does,
		// not where the input does. ヶ/ケ are compared folded.
		okT := foldSmallKe(a.Town) == foldSmallKe(strings.TrimPrefix(gTown, "大字"))
		okB := a.Block == gBlock
		if okP {
			pref++
		}
		if okM {
			muni++
		}
		if okT {
			town++
		}
		if a.Town == gTown {
			townExact++
		}
		if okB {
			block++
		}
		if okP && okM && okT && okB {
			both++
		} else if testing.Verbose() && shown < 40 {
			shown++
			t.Logf("%s: got %q|%q|%q|%q|%q, gold %q|%q|%q|%q", r[0], a.Prefecture, a.Municipality, a.Town, a.Block, a.Building, r[1], r[2], gTown, gBlock)
		}
	}
	n := float64(len(recs))
	share := func(k int) float64 { return float64(k) / n }
	t.Logf("geolonia: %d rows, parsed %.4f, prefecture %.4f, municipality %.4f, town %.4f (exact, with 大字 and ヶ as written: %.4f), block %.4f, all four %.4f",
		len(recs), share(parsed), share(pref), share(muni), share(town), share(townExact), share(block), share(both))
	floors := []struct {
		name  string
		got   float64
		floor float64
	}{
		{"prefecture", share(pref), 0.999},
		{"municipality", share(muni), 0.999},
		{"town", share(town), 0.99},
		{"block", share(block), 0.99},
		{"all four", share(both), 0.985},
	}
	for _, f := range floors {
		if f.got < f.floor {
			t.Errorf("%s agreement %.4f below the floor %.2f", f.name, f.got, f.floor)
		}
	}
}

// splitGoldChome splits a gold town such as 奈佐原二丁目 into 奈佐原 and "2".
func splitGoldChome(s string) (string, string) {
	base, ok := strings.CutSuffix(s, "丁目")
	if !ok {
		return s, ""
	}
	i := len(base)
	for i > 0 {
		r, size := geoLastRune(base[:i])
		if !isKanjiNumeral(r) {
			break
		}
		i -= size
	}
	v, err := KanjiNumber(base[i:])
	if err != nil {
		return s, ""
	}
	return base[:i], strconv.Itoa(v)
}

func geoLastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i]&0xC0 != 0x80 {
			r := []rune(s[i:])
			return r[0], len(s) - i
		}
	}
	return 0, 0
}
