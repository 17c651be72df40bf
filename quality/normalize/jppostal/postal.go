package jppostal

import (
	_ "embed"
	"encoding/binary"
	"strings"
	"unicode/utf8"

	"github.com/c360/c360/quality/normalize"
)

// Place is one entry of the postal-code table: a town (町域) served by a code.
// One code may serve several towns, and a few serve several municipalities or
// even two prefectures, so Lookup returns a list.
type Place struct {
	Prefecture   string // e.g. 東京都
	Municipality string // as written after the prefecture, with its 郡 or designated city: 千代田区, 札幌市中央区, 双葉郡富岡町
	// Town is the 町域 as Japan Post writes it (full-width digits, qualifiers
	// in parentheses such as （１〜１９丁目） or （地階・階層不明） kept). It is
	// empty for the placeholder rows that are not place names: the
	// municipality-level code (以下に掲載がない場合), "the lot number follows the
	// municipality" (…の次に番地がくる場合) and "the whole municipality" (…一円).
	Town     string
	TownKana string // reading of Town in full-width katakana; empty when Town is
}

//go:embed zz_generated_postal.bin
var table string

// Layout of table (see internal/gen/jpref): bucket [1001]uint32, low
// [numRows]uint16, ref [numRows]uint32 (municipality << 21 | town offset in
// text), then text.
const (
	offBucket = 0
	offLow    = offBucket + 1001*4
	offRef    = offLow + numRows*2
	offText   = offRef + numRows*4
)

func u16(off int) uint16 { return binary.LittleEndian.Uint16([]byte(table[off : off+2])) }
func u32(off int) uint32 { return binary.LittleEndian.Uint32([]byte(table[off : off+4])) }

// Lookup returns the places served by a postal code, in Japan Post's order,
// or nil if the code is not in the table or is not a postal code. The code
// may be written in any notation normalize.ParsePostalCode accepts:
// "1000005", "100-0005", "〒100-0005", full-width digits, any dash. Each call
// returns a new slice.
func Lookup(code string) []Place {
	pc, err := normalize.ParsePostalCode(code)
	if err != nil {
		return nil
	}
	d := pc.Key
	hi := int(d[0]-'0')*100 + int(d[1]-'0')*10 + int(d[2]-'0')
	lo := uint16(d[3]-'0')*1000 + uint16(d[4]-'0')*100 + uint16(d[5]-'0')*10 + uint16(d[6]-'0')
	start, end := int(u32(offBucket+hi*4)), int(u32(offBucket+(hi+1)*4))
	// Binary search for the first row with low digits >= lo.
	i, j := start, end
	for i < j {
		h := int(uint(i+j) >> 1)
		if u16(offLow+h*2) < lo {
			i = h + 1
		} else {
			j = h
		}
	}
	var out []Place
	for ; i < end && u16(offLow+i*2) == lo; i++ {
		ref := u32(offRef + i*4)
		m := municipalities[ref>>21]
		town, kana := decodeTown(int(ref & (1<<21 - 1)))
		out = append(out, Place{Prefecture: m[0], Municipality: m[1], Town: town, TownKana: kana})
	}
	return out
}

// decodeTown decodes the name and reading of the town at offset off of the
// text: name, 0xBF, reading, 0xBE.
func decodeTown(off int) (string, string) {
	text := table[offText+off:]
	var name, kana strings.Builder
	name.Grow(32)
	w := &name
	for i := 0; i < len(text); i++ {
		c := int(text[i])
		switch {
		case c == 0xBE: // end of the town; a second byte of 0xBE is read below
			return name.String(), kana.String()
		case c == 0xBF:
			kana.Grow(48)
			w = &kana
			continue
		case c >= 0xC0 && i+1 < len(text):
			i++
			c = 0xBE + (c-0xC0)<<8 + int(text[i])
		}
		r := utf8.RuneError
		if c < len(dict) {
			r = dict[c]
		}
		w.WriteRune(r)
	}
	return name.String(), kana.String()
}
