package normalize

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Address is a parsed Japanese address.
type Address struct {
	// Prefecture is the full name (東京都, 大阪府, 北海道); "" when the input has
	// none and it cannot be told from the municipality.
	Prefecture string
	// Municipality is the official name as written after the prefecture,
	// with its 郡 or designated city: 千代田区, 横浜市西区, 西多摩郡奥多摩町,
	// or 横浜市 when no ward was given. When the prefecture was not given and
	// the name exists in several prefectures (府中市), it is the name as
	// written and Prefecture is "".
	Municipality string
	// MunicipalityCode is the 6-digit local government code (全国地方公共団体
	// コード, with check digit) of Municipality, e.g. "131016" for 千代田区;
	// its first five digits are the code used in Japan Post's data. "" when
	// Municipality is "" or ambiguous.
	MunicipalityCode string
	// PrefectureGuessed is set when the input did not name the prefecture
	// and it was inferred from a municipality name found in one prefecture only.
	PrefectureGuessed bool
	// Town is the 町域 as written, Text-normalised, without its 丁目 (丸の内
	// for 丸の内一丁目) and without a leading 大字. Numbers that are part of the
	// name are written in kanji as in official names: 北1条西 → 北一条西,
	// 4番町 → 四番町, 南花田口町2丁 → 南花田口町二丁.
	Town string
	// Block is the 丁目-番(地)-号 part in digits joined by hyphens, at most
	// four numbers (a fourth is often a branch or room number, 1-2-3-101):
	// 1丁目2番3号, 1-2-3, 一丁目二番三号 and 1丁目2-3 all give "1-2-3";
	// 2番地3 gives "2-3".
	Block string
	// Building is what follows the block (building, floor, room), Text-
	// normalised but otherwise kept as written: no numeral or dash folding.
	Building string
	// Key is a comparison key: prefecture, municipality, town (ヶ/ヵ folded
	// to ケ/カ) and block concatenated (with a space between town and block
	// when the town ends in a number), then 、 (a space after a town ending
	// in a number) and the building if there is one:
	// 東京都中央区八重洲1-2-3、ニュー八重洲ビル5F. Parsing a Key gives the same Key.
	Key string
}

// ParseAddress splits a Japanese address into prefecture, municipality,
// town, block and building, using the embedded lists of prefectures and
// municipalities (Address Base Registry, see NOTICE).
//
// The input is first normalised with Text (full-width digits and letters,
// dashes, spaces). A leading 住所: label, 日本 and postal code (〒100-0005)
// are skipped. The
// prefecture may be left out: "横浜市西区…" gives 神奈川県 with
// PrefectureGuessed set, as the name exists in one prefecture only; it may
// also be written without 都/府/県 when a municipality follows (東京千代田区).
// The 郡 of a town or village may be left out (北海道倶知安町 gives
// 虻田郡倶知安町), and ヶ/ケ and ヵ/カ are matched either way (霞ヶ浦, 龍ヶ崎市).
// Abolished wards (浜松市中区, abolished 2024) are still recognised.
//
// Kanji numerals in the block (一丁目, 二十三番地) become digits; the notations
// 1丁目2番3号, 1-2-3, 1丁目2-3, 2番地3 and 2番地の3 give one canonical Block.
// Numbers that are part of a town name (三番町, 八丁堀, 北1条西) are left in Town.
//
// Addresses written in Latin script in Western order ("1-2-3 Marunouchi,
// Chiyoda-ku, Tokyo 100-0005, Japan") are recognised too: the prefecture and
// municipality by their romaji names (Tokyo, Tokyo-to, Kanagawa Prefecture;
// Chiyoda-ku, Yokohama City, Nishi Ward; macrons ignored) and returned in
// kanji, the block ("1-2-3", "1-chome 2-3") canonicalised, and the town kept
// in Latin script (its Key part is lower-case letters only), so that the Key
// of a Latin address agrees with a Japanese one up to the town.
//
// The error, wrapping ErrInvalid, is for empty input and for input in which
// neither a prefecture nor a municipality can be found.
func ParseAddress(s string) (Address, error) {
	t := Text(s)
	rest := skipPostalCode(t)
	if rest == "" {
		return Address{}, &Error{Kind: KindAddress, Input: s, Reason: "empty"}
	}
	if IsLatinScript(rest) {
		return parseLatinAddress(s, rest)
	}
	return parseJapaneseAddress(s, rest)
}

// parseJapaneseAddress parses rest, the Text-normalised input s without
// any leading label or postal code.
func parseJapaneseAddress(s, rest string) (Address, error) {
	var a Address
	var buf [8]uint16
	pref, n := matchPrefecture(rest)
	if pref >= 0 {
		a.Prefecture = prefectureTable[pref].name
		rest = addrTrim(rest[n:])
	}
	folded := foldSmallKe(rest)
	n, cands := matchMunicipality(folded, pref, buf[:])
	if pref < 0 && n == 0 {
		// 東京千代田区: the prefecture without its 都/府/県.
		for i := range prefectureTable {
			base := prefectureTable[i].name
			if i == 0 || !strings.HasPrefix(rest, base[:len(base)-3]) {
				continue // 北海道 has no suffix to drop
			}
			r := addrTrim(rest[len(base)-3:])
			if m, c := matchMunicipality(foldSmallKe(r), i, buf[:]); m > 0 {
				pref, a.Prefecture = i, prefectureTable[i].name
				rest, n, cands = r, m, c
				break
			}
		}
	}
	if n > 0 {
		m := &municipalityTable[cands[0]]
		a.Municipality = m.name
		a.MunicipalityCode = lgCode(m.lgCode)
		if pref < 0 {
			same := true
			for _, c := range cands[1:] {
				same = same && municipalityTable[c].pref == m.pref
			}
			if same {
				a.Prefecture = prefectureTable[m.pref].name
				a.PrefectureGuessed = true
			} else {
				a.Municipality, a.MunicipalityCode = rest[:n], ""
			}
		}
		rest = addrTrim(rest[n:])
	}
	if a.Prefecture == "" && a.Municipality == "" {
		return Address{}, &Error{Kind: KindAddress, Input: s, Reason: "no prefecture or municipality found"}
	}
	town, block, building := splitTown(rest)
	a.Town, a.Block, a.Building = canonicalTown(town), block, building
	// A town that ends in a lot or house number (丸の内1番 before 2丁目: the
	// parts out of order) gives that number to the block, so that the Key
	// reads back the same: 丸の内 1-2.
	if t, n, ok := cutTrailingLot(a.Town); ok && a.Block != "" {
		a.Town, a.Block = t, n+"-"+a.Block
	}
	sep1, sep2 := "", ""
	r, _ := utf8.DecodeLastRuneInString(a.Town)
	townNumber := r >= '0' && r <= '9' || isKanjiNumeral(r)
	if a.Block != "" && townNumber {
		sep1 = " " // keep a number that ends the town apart from the block
	}
	if a.Building != "" {
		sep2 = "、"
		if a.Block == "" && townNumber {
			// The town kept its last number because what followed the space
			// was a number: keep that space, as "、" would make it a block.
			sep2 = " "
		}
	}
	a.Key = a.Prefecture + a.Municipality + foldSmallKe(a.Town) + sep1 + a.Block + sep2 + a.Building
	return a, nil
}

// cutTrailingLot splits a town ending in ASCII digits followed by 番地, 番
// or 号 into the town before the digits and the number, written as the
// block writes numbers (no leading zeros).
func cutTrailingLot(town string) (rest, num string, ok bool) {
	for _, marker := range []string{"番地", "番", "号"} {
		t, found := strings.CutSuffix(town, marker)
		if !found {
			continue
		}
		i := len(t)
		for i > 0 && t[i-1] >= '0' && t[i-1] <= '9' {
			i--
		}
		if i == len(t) {
			return town, "", false
		}
		// The block writes numbers without leading zeros (00番 → 0).
		num := strings.TrimLeft(t[i:], "0")
		if num == "" {
			num = "0"
		}
		return t[:i], num, true
	}
	return town, "", false
}

// skipPostalCode drops what may precede the address proper in
// Text-normalised s: a 住所: label, 日本 (or 日本国), a postal code
// ("〒100-0005 ", "100-0005 "), and spaces.
func skipPostalCode(s string) string {
	for {
		t := skipPrefixOnce(addrTrim(s))
		if t == s {
			return s
		}
		s = t
	}
}

func skipPrefixOnce(s string) string {
	for _, p := range [...]string{"住所:", "住所", "日本国", "日本"} {
		if strings.HasPrefix(s, p) {
			return addrTrim(strings.TrimPrefix(s[len(p):], ":"))
		}
	}
	r := strings.TrimPrefix(s, "〒")
	r = addrTrim(r)
	if len(r) >= 8 && addrDigitsOnly(r[:3]) && r[3] == '-' && addrDigitsOnly(r[4:8]) && (len(r) == 8 || !addrIsDigit(r[8])) {
		return addrTrim(r[8:])
	}
	if len(r) >= 7 && addrDigitsOnly(r[:7]) && (len(r) == 7 || !addrIsDigit(r[7])) && len(r) != len(s) {
		return addrTrim(r[7:]) // "〒1000005"
	}
	return s
}

// addrTrim trims spaces and commas (, 、) from both ends of s.
func addrTrim(s string) string {
	for {
		switch {
		case strings.HasPrefix(s, " "), strings.HasPrefix(s, ","):
			s = s[1:]
		case strings.HasPrefix(s, "、"):
			s = s[len("、"):]
		default:
			goto right
		}
	}
right:
	for {
		switch {
		case strings.HasSuffix(s, " "), strings.HasSuffix(s, ","):
			s = s[:len(s)-1]
		case strings.HasSuffix(s, "、"):
			s = s[:len(s)-len("、")]
		default:
			return s
		}
	}
}

func addrIsDigit(c byte) bool { return c >= '0' && c <= '9' }

func addrDigitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if !addrIsDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// splitTown splits the part after the municipality into town, canonical
// block and building.
func splitTown(s string) (town, block, building string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if sep := townSep(s[i:]); sep > 0 {
			// A space or comma ends the town; a block may follow it.
			if j := i + sep; j < len(s) {
				if _, _, ok := numberAt(s[j:]); ok && blockStarts(s[j:]) {
					b, rest := parseBlock(s[j:])
					return strings.TrimSpace(s[:i]), b, trimBuilding(rest)
				}
			}
			return s[:i], "", trimBuilding(s[i:])
		}
		if r < utf8.RuneSelf && addrIsDigit(byte(r)) || isKanjiNumeral(r) {
			if blockStarts(s[i:]) {
				b, rest := parseBlock(s[i:])
				return strings.TrimSpace(s[:i]), b, trimBuilding(rest)
			}
			// A number inside the town name: skip it.
			_, n, _ := numberAt(s[i:])
			if n == 0 {
				n = size
			}
			i += n
			continue
		}
		i += size
	}
	return s, "", ""
}

func trimBuilding(s string) string { return addrTrim(s) }

// numberAt reads a number at the start of s: ASCII digits or a kanji
// numeral. n is its length in bytes.
func numberAt(s string) (v, n int, ok bool) {
	if s == "" {
		return 0, 0, false
	}
	if addrIsDigit(s[0]) {
		for n < len(s) && addrIsDigit(s[n]) {
			n++
		}
		if n > 9 {
			return 0, n, false
		}
		v, _ = strconv.Atoi(s[:n])
		return v, n, true
	}
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !isKanjiNumeral(r) {
			break
		}
		n += size
	}
	if n == 0 {
		return 0, 0, false
	}
	v, reason := kanjiNumber(s[:n])
	return v, n, reason == ""
}

// blockStarts reports whether s starts with the 丁目/番地/号 part rather
// than with a number that belongs to the town name (三番町, 八丁堀, 北1条西,
// 第1地割).
func blockStarts(s string) bool {
	v, n, ok := numberAt(s)
	if !ok || v > 99999 {
		return false
	}
	after := s[n:]
	switch {
	case buildingUnit(after):
		return false
	case strings.HasPrefix(after, "丁目"), strings.HasPrefix(after, "番地"), strings.HasPrefix(after, "号"):
		return true
	case strings.HasPrefix(after, "番"):
		// 三番町, and 麻布十番 when a 丁目 follows: part of the town name.
		rest := after[len("番"):]
		if strings.HasPrefix(rest, "町") || strings.HasPrefix(rest, "丁") {
			return false // 三番町, 七番丁
		}
		if _, m, ok := numberAt(rest); ok && strings.HasPrefix(rest[m:], "丁") {
			return false // 麻布十番2丁目
		}
		if !addrIsDigit(s[0]) && rest != "" && addrIsDigit(rest[0]) {
			return false // 麻布十番2-16-6: kanji before 番, digits after
		}
		if !addrIsDigit(s[0]) && !strings.HasPrefix(rest, "地") && !strings.HasPrefix(rest, "号") &&
			!startsNumber(rest) && startsWithLetterOrKana(rest) {
			return false // 二番堰: a kanji numeral, 番 and a name
		}
		return true
	case strings.HasPrefix(after, "条"), strings.HasPrefix(after, "線"), strings.HasPrefix(after, "地割"),
		strings.HasPrefix(after, "丁"):
		return false
	}
	// ASCII digits also start a block when followed by a dash, の, a
	// space or nothing; kanji numerals only with a unit word.
	if !addrIsDigit(s[0]) {
		return false
	}
	if strings.HasPrefix(after, "、") {
		return true // 、 ends the block (it separates the building in a Key)
	}
	if sep := townSep(after); sep > 0 {
		// "12 3-4": the 12 belongs to the town and the block follows the space.
		_, _, ok := numberAt(after[sep:])
		return !ok
	}
	return after == "" || after[0] == '-' || strings.HasPrefix(after, "の") ||
		strings.HasPrefix(after, "ー") || !startsWithLetterOrKana(after)
}

// startsWithLetterOrKana reports whether s starts with a character that
// would continue a name (kanji, kana, Latin letter).
func startsWithLetterOrKana(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	switch {
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		return true
	case r >= 0x3040 && r <= 0x30FF, r >= 0x3400 && r <= 0x9FFF, r >= 0xF900 && r <= 0xFAFF:
		return true
	}
	return false
}

// parseBlock reads up to three numbers with their separators (丁目, 番地,
// 番, 号, -, の) and returns them joined by "-" and the rest of s.
func parseBlock(s string) (string, string) {
	var b [32]byte
	out := b[:0]
	count := 0
	for count < 4 {
		v, n, ok := numberAt(s)
		if !ok || v > 99999 || buildingUnit(s[n:]) {
			break // 303号室, 5F, 10階: the building part
		}
		if count > 0 {
			out = append(out, '-')
		}
		out = strconv.AppendInt(out, int64(v), 10)
		count++
		s = s[n:]
		more := true
		switch {
		case strings.HasPrefix(s, "丁目"):
			s = s[len("丁目"):]
		case strings.HasPrefix(s, "番地"):
			s = s[len("番地"):]
		case strings.HasPrefix(s, "番") && !strings.HasPrefix(s, "番町") && !strings.HasPrefix(s, "番丁"):
			s = s[len("番"):]
		case strings.HasPrefix(s, "号"):
			s = s[len("号"):]
			more = false
		case strings.HasPrefix(s, "-"):
			s = s[1:]
		case strings.HasPrefix(s, "ー"):
			s = s[len("ー"):]
		case strings.HasPrefix(s, "の"):
			// 12の3; the の is consumed below.
		case strings.HasPrefix(s, "ノ") && startsNumber(s[len("ノ"):]):
			s = s[len("ノ"):] // 1丁目12ノ3
		default:
			more = false
		}
		if !more {
			break
		}
		// 2番地の3, 1丁目 2番
		s = strings.TrimPrefix(s, "の")
		if t := strings.TrimPrefix(s, " "); t != s {
			if _, _, ok := numberAt(t); ok && blockStarts(t) {
				s = t
			}
		}
		if _, _, ok := numberAt(s); !ok {
			break
		}
	}
	return string(out), s
}

// canonicalTown drops a leading 大字 and writes numbers that belong to the
// name (before 丁 without 目, 条, 線, 番町, 番丁; not 地割, which Japan Post
// writes in digits) in kanji.
func canonicalTown(s string) string {
	s = strings.TrimPrefix(s, "大字")
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if !addrIsDigit(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && addrIsDigit(s[j]) {
			j++
		}
		after := s[j:]
		v, err := strconv.Atoi(s[i:j])
		name := err == nil && v > 0 && v < 100 && (strings.HasPrefix(after, "条") || strings.HasPrefix(after, "線") ||
			strings.HasPrefix(after, "番町") || strings.HasPrefix(after, "番丁") ||
			(strings.HasPrefix(after, "丁") && !strings.HasPrefix(after, "丁目")))
		if name {
			b.WriteString(kanjiSmall(v))
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

// kanjiSmall writes 1 ≤ v ≤ 99 in kanji with units: 4 → 四, 10 → 十, 23 → 二十三.
func kanjiSmall(v int) string {
	const digits = "〇一二三四五六七八九"
	d := func(n int) string { return digits[n*3 : n*3+3] }
	switch {
	case v < 10:
		return d(v)
	case v == 10:
		return "十"
	case v < 20:
		return "十" + d(v-10)
	case v%10 == 0:
		return d(v/10) + "十"
	}
	return d(v/10) + "十" + d(v%10)
}

// townSep returns the length of the run of spaces and commas that s starts
// with, or 0.
func townSep(s string) int {
	n := 0
	for n < len(s) {
		switch {
		case s[n] == ' ', s[n] == ',':
			n++
		case strings.HasPrefix(s[n:], "、"):
			n += len("、")
		default:
			return n
		}
	}
	return n
}

// lgCode formats a local government code with its leading zero.
func lgCode(c uint32) string {
	s := strconv.Itoa(int(c))
	if len(s) < 6 {
		s = strings.Repeat("0", 6-len(s)) + s
	}
	return s
}

// buildingUnit reports whether s, following a number, makes that number a
// floor, room or building number (5F, 10階, 303号室, 2号棟, 1号館, 3棟) rather
// than part of the block.
func buildingUnit(s string) bool {
	if s == "" {
		return false
	}
	switch c := s[0]; {
	case c == 'F' || c == 'f':
		return true
	case c < 0x80:
		return false
	}
	for _, u := range [...]string{"号室", "号棟", "号館", "階", "棟", "F", "f", "室"} {
		if strings.HasPrefix(s, u) {
			return true
		}
	}
	return false
}

func startsNumber(s string) bool {
	_, _, ok := numberAt(s)
	return ok
}
