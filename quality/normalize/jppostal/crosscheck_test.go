package jppostal

import (
	"strings"
	"testing"

	"github.com/c360/c360/quality/normalize"
)

// TestParseAddressAgreesWithPostalData parses "prefecture + municipality +
// town" for every row of the postal table with normalize.ParseAddress and
// checks that the prefecture and municipality come back as Japan Post writes
// them. The three municipalities whose names differ between the Address Base
// Registry and Japan Post (README of the reference data) are mapped. It also
// reports how often the town comes back whole (Text-normalised, without its
// parenthesised qualifier and 大字) with no block or building, and fails
// below the share measured when it was written: the rest are towns that end
// in a 丁目 (昭和八丁目 gives Town 昭和, Block 8), 地割 numbers written in
// kanji, and ranges (第8地割〜第14地割).
func TestParseAddressAgreesWithPostalData(t *testing.T) {
	if testing.Short() {
		t.Skip("parsing 124,511 addresses; skipped in -short mode")
	}
	renamed := map[string]string{
		"三宅島三宅村": "三宅村",
		"八丈島八丈町": "八丈町",
		"糟屋郡須惠町": "糟屋郡須恵町",
	}
	bad, towns, whole := 0, 0, 0
	for i := 0; i < numRows; i++ {
		ref := u32(offRef + i*4)
		m := municipalities[ref>>21]
		town, _ := decodeTown(int(ref & (1<<21 - 1)))
		if j := strings.Index(town, "（"); j >= 0 {
			town = town[:j]
		}
		in := m[0] + m[1] + town
		a, err := normalize.ParseAddress(in)
		want := m[1]
		if r, ok := renamed[want]; ok {
			want = r
		}
		if town != "" {
			towns++
			if a.Town == strings.TrimPrefix(normalize.Text(town), "大字") && a.Block == "" && a.Building == "" {
				whole++
			}
		}
		if err != nil || a.Prefecture != m[0] || a.Municipality != want {
			t.Errorf("ParseAddress(%q) = %q %q, %v; want %q %q", in, a.Prefecture, a.Municipality, err, m[0], want)
			if bad++; bad == 20 {
				t.Fatal("too many differences")
			}
		}
	}
	share := float64(whole) / float64(towns)
	t.Logf("%d rows; town returned whole for %d of %d towns (%.4f)", numRows, whole, towns, share)
	if share < 0.99 {
		t.Errorf("town agreement %.4f below the floor 0.99", share)
	}
}
