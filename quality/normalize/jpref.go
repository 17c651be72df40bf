package normalize

import "sort"

//go:generate go run ../../internal/gen/jpref -data ../../../shared/data/jp-reference -out . -postal jppostal

// Types of the generated reference tables in zz_generated_jpref.go.

type prefectureRow struct {
	name, kana, romaji string
	lgCode             uint32
}

type muniKind uint8

const (
	muniCity muniKind = iota
	muniTown
	muniVillage
	muniSpecialWard
	muniDesignatedCity
	muniDesignatedCityWard
)

type municipalityRow struct {
	name       string // full name after the prefecture: 横浜市西区, 西多摩郡奥多摩町
	romaji     string // city, town, village or special ward in romaji: Yokohama-shi, Okutama-machi, Chiyoda-ku
	wardRomaji string // ward of a designated city: Nishi-ku; "" otherwise
	lgCode     uint32 // 6-digit local government code with check digit
	pref       uint8  // index into prefectureTable
	kind       muniKind
	abolished  bool
}

type municipalityKey struct {
	key  string // name with ヶ/ヵ folded to ケ/カ
	muni uint16 // index into municipalityTable
}

type landlinePrefix struct {
	key     uint32 // 1 followed by the prefix digits
	areaLen uint8  // digits of the area code, with its 0
	name    string // numbering-area name
}

// Prefectures returns the names of the 47 prefectures in JIS X 0401 order
// (北海道 … 沖縄県). The caller owns the returned slice.
func Prefectures() []string {
	out := make([]string, len(prefectureTable))
	for i, p := range prefectureTable {
		out[i] = p.name
	}
	return out
}

// landlineArea returns the area-code length and numbering-area name of a
// 10-digit fixed-line national number (with its 0), by longest prefix.
func landlineArea(national string) (int, string, bool) {
	key := uint32(1)
	var keys [landlinePrefixMax + 1]uint32
	for i := 0; i < landlinePrefixMax && i < len(national); i++ {
		key = key*10 + uint32(national[i]-'0')
		keys[i+1] = key
	}
	t := landlineTable[:]
	for n := min(landlinePrefixMax, len(national)); n >= landlinePrefixMin; n-- {
		k := keys[n]
		i := sort.Search(len(t), func(i int) bool { return t[i].key >= k })
		if i < len(t) && t[i].key == k {
			return int(t[i].areaLen), t[i].name, true
		}
	}
	return 0, "", false
}
