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
// Registry and Japan Post (README of the reference data) are mapped.
func TestParseAddressAgreesWithPostalData(t *testing.T) {
	if testing.Short() {
		t.Skip("parsing 124,511 addresses; skipped in -short mode")
	}
	renamed := map[string]string{
		"三宅島三宅村": "三宅村",
		"八丈島八丈町": "八丈町",
		"糟屋郡須惠町": "糟屋郡須恵町",
	}
	bad := 0
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
		if err != nil || a.Prefecture != m[0] || a.Municipality != want {
			t.Errorf("ParseAddress(%q) = %q %q, %v; want %q %q", in, a.Prefecture, a.Municipality, err, m[0], want)
			if bad++; bad == 20 {
				t.Fatal("too many differences")
			}
		}
	}
}
