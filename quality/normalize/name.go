package normalize

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// PersonName is a parsed person's name.
type PersonName struct {
	Family, Given         string // canonical (Text + variant-kanji folded), Japanese order
	FamilyKana, GivenKana string // katakana readings when the input was kana
	Latin                 bool   // input was in Latin script
	Key                   string // compact comparison key (family+given, folded; romaji folded)
	// Guessed is set when the boundary between family and given name was
	// inferred (a Japanese name written without a space, a romaji name
	// without capitals or comma to mark the family name) rather than given.
	Guessed bool
}

// nameKanaFold is the fold used for the keys of names written in kana: small
// kana, the ヴ row and ヂヅ are notation variants of one pronunciation in
// names (ショウジ as a bank writes シヨウジ).
const nameKanaFold = FoldSmallKana | FoldVu | FoldDiDu

// ParsePersonName splits a person's name into family and given name and
// returns them with a comparison key.
//
// Japanese names (kanji, kana or both) are taken in Japanese order, family
// name first. A space (also U+3000), ・ or = separates the parts; when there
// is none the family name is found with an embedded list of about 300 common
// Japanese surnames with their readings (commonSurnames in name_surnames.go;
// 佐藤, 鈴木, 高橋, …), the longest listed surname that leaves a given name;
// failing that, at a change from kanji to kana (佐々木みなみ); failing that by
// length (two characters for the family name, one if the name has only two)
// — Guessed is then set. Honorifics at the end (様, さま, 殿, さん, 氏, 御中, 先生 …)
// are removed. Family and Given are FoldNameVariants of the parts (髙橋 → 高橋,
// 佐々木 → 佐佐木). When the name is in kana, FamilyKana and GivenKana hold
// the parts in katakana and the key is their KanaKey with small kana, the ヴ
// row and ヂヅ folded.
//
// Latin names are taken as "Given Family" unless the family name is marked:
// "Family, Given", or one part in capitals ("YAMADA Taro", "Taro YAMADA"), or
// a first part that is a common Japanese surname in romaji ("Yamada Taro").
// Titles (Mr., Ms., Mrs., Dr., Prof.) are removed. The key is the folded parts
// (see foldRomaji: lower case, Hepburn variants ō/ou/oh → o, si → shi,
// tu → tsu, …) sorted and joined, so that "Taro Yamada", "YAMADA Tarou" and
// "Yamada, Tarō" share one key whatever their order.
//
// The key is the family and given name joined without a space; the key of a
// key is itself. An empty name or one with digits or symbols gives an error
// wrapping ErrInvalid.
func ParsePersonName(s string) (PersonName, error) {
	return parsePersonName(s, KindPersonName)
}

func parsePersonName(s string, kind Kind) (PersonName, error) {
	t := trimHonorifics(Text(s))
	hasJa, hasLetter := false, false
	for _, r := range t {
		switch {
		case isKanji(r) || (isKana(r) && r != 'ー' && !isIterationMark(r)):
			hasJa, hasLetter = true, true
		case r == 'ー' || isIterationMark(r):
			// Japanese only next to kanji or kana.
		case unicode.IsLetter(r):
			hasLetter = true
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || strings.ContainsRune(" -'’.,・=", r):
		default:
			return PersonName{}, invalid(kind, s, "not a name: contains "+quoteRune(r))
		}
	}
	if !hasLetter {
		return PersonName{}, invalid(kind, s, "no letters")
	}
	if hasJa {
		return parseJapaneseName(s, t, kind)
	}
	return parseLatinName(s, t, kind)
}

var honorifics = []string{"様", "さま", "サマ", "殿", "御中", "さん", "サン", "氏", "先生", "くん", "君", "ちゃん"}

func trimHonorifics(t string) string {
	for {
		if u := strings.TrimRight(t, " -'’.,・="); strings.IndexFunc(u, unicode.IsLetter) >= 0 {
			t = u
		}
		found := false
		for _, h := range honorifics {
			if rest, ok := strings.CutSuffix(t, h); ok {
				rest = strings.TrimRight(rest, " -'’.,・=")
				if strings.IndexFunc(rest, unicode.IsLetter) >= 0 {
					t, found = rest, true
					break
				}
			}
		}
		if !found {
			return t
		}
	}
}

func parseJapaneseName(s, t string, kind Kind) (PersonName, error) {
	parts := strings.FieldsFunc(t, func(r rune) bool { return r == ' ' || r == '・' || r == '=' || r == ',' })
	if len(parts) == 0 {
		return PersonName{}, invalid(kind, s, "no letters")
	}
	allKana := true
	for _, r := range t {
		if (unicode.IsLetter(r) || isIterationMark(r)) && !isKana(r) {
			allKana = false
			break
		}
	}
	var p PersonName
	var family, given string
	if len(parts) == 1 {
		family, given = splitUnspaced(parts[0], allKana)
		p.Guessed = given != ""
	} else {
		family, given = parts[0], strings.Join(parts[1:], " ")
	}
	if allKana {
		p.Family, p.Given = family, given
		p.FamilyKana, p.GivenKana = toKatakana(family), toKatakana(given)
		joined := p.FamilyKana + p.GivenKana
		if hasNamePunct(joined) || (p.GivenKana != "" && !plainStart(p.GivenKana, true)) {
			// Removing spaces or joining may change how Text reads it (ー ー → ー).
			joined = Text(dropNamePunct(joined))
		}
		key, err := kanaKeyText(joined, s, nameKanaFold, kind)
		if err != nil {
			return PersonName{}, err
		}
		p.Key = key
		return p, nil
	}
	p.Family, p.Given = foldVariants(family), foldVariants(given)
	// Joining can change how Text reads the key (a 々 or ー right after the
	// boundary), so the key is folded until it is stable.
	k := dropNamePunct(p.Family + p.Given)
	if strings.IndexFunc(k, isIterationMark) >= 0 {
		k = foldVariants(k) // a 々 after a removed space now follows a kanji
	}
	k = lowerIfUpper(k)
	if g := dropNamePunct(p.Given); g == "" || plainStart(g, true) && isASCIIOrNoMarks(k) && !hasNonASCIIUpper(p.Family+p.Given) {
		p.Key = k // nothing at the boundary that Text would read differently
		return p, nil
	}
	for range 4 {
		k2 := lowerIfUpper(foldVariants(dropNamePunct(Text(k))))
		if k2 == k {
			break
		}
		k = k2
	}
	p.Key = k
	return p, nil
}

func lowerIfUpper(s string) string {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return strings.Map(unicode.ToLower, s)
		}
	}
	return s
}

// splitUnspaced splits a Japanese name written without a space.
func splitUnspaced(w string, kana bool) (family, given string) {
	n := utf8.RuneCountInString(w)
	if n < 2 {
		return w, ""
	}
	set := surnameSets()
	if kana {
		k := toKatakana(w) // same rune count and byte length as w
		for l := min(n-1, 6); l >= 2; l-- {
			if b := runeOffset(k, l); set.kana[k[:b]] {
				return w[:b], w[b:]
			}
		}
		return w, ""
	}
	if folded := foldVariants(w); utf8.RuneCountInString(folded) == n {
		for l := min(n-1, 3); l >= 1; l-- {
			if l == 1 && n-l > 2 {
				break // a one-kanji surname only before a given name of one or two
			}
			if set.kanji[folded[:runeOffset(folded, l)]] {
				b := runeOffset(w, l)
				return w[:b], w[b:]
			}
		}
	}
	// A change from kanji to kana, with only kana after it.
	prevKana := true
	for i, r := range w {
		if i > 0 && isKana(r) && !prevKana && r != 'ノ' && r != 'ヶ' && r != 'ケ' && r != 'の' {
			if strings.IndexFunc(w[i:], func(r rune) bool { return !isKana(r) }) < 0 {
				return w[:i], w[i:]
			}
			break
		}
		prevKana = isKana(r)
	}
	l := 2
	if n == 2 {
		l = 1
	}
	b := runeOffset(w, l)
	return w[:b], w[b:]
}

// runeOffset returns the byte offset of the n-th rune of s.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

var titles = []string{"mr", "mrs", "ms", "miss", "dr", "prof", "mr.", "mrs.", "ms.", "dr.", "prof."}

func parseLatinName(s, t string, kind Kind) (PersonName, error) {
	family, given, hasComma := "", "", false
	if f, g, ok := strings.Cut(t, ","); ok {
		family, given, hasComma = strings.TrimSpace(f), strings.TrimSpace(strings.ReplaceAll(g, ",", " ")), true
	}
	var tokens []string
	if hasComma {
		tokens = append(strings.Fields(given), strings.Fields(family)...)
	} else {
		tokens = strings.Fields(t)
	}
	for len(tokens) > 1 && slices.Contains(titles, strings.ToLower(tokens[0])) {
		tokens = tokens[1:]
	}
	p := PersonName{Latin: true}
	switch {
	case hasComma:
		tokens = trimTitles(tokens)
		p.Family, p.Given = family, given
		if p.Family == "" {
			p.Family, p.Given = p.Given, ""
		}
	case len(tokens) == 1:
		p.Family = tokens[0]
	default:
		caps := -1
		for i, tok := range tokens {
			if isAllCaps(tok) {
				if caps >= 0 {
					caps = -2 // more than one
					break
				}
				caps = i
			}
		}
		set := surnameSets()
		switch {
		case caps >= 0:
			p.Family = tokens[caps]
			p.Given = strings.Join(slices.Delete(slices.Clone(tokens), caps, caps+1), " ")
		case set.romaji[foldRomaji(tokens[0])] && !set.romaji[foldRomaji(tokens[len(tokens)-1])]:
			p.Family, p.Given = tokens[0], strings.Join(tokens[1:], " ")
			p.Guessed = true
		default:
			p.Family, p.Given = tokens[len(tokens)-1], strings.Join(tokens[:len(tokens)-1], " ")
			p.Guessed = true
		}
	}
	keys := make([]string, 0, len(tokens))
	for _, tok := range tokens {
		if k := foldRomaji(tok); k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return PersonName{}, invalid(kind, s, "no letters")
	}
	slices.Sort(keys)
	// Folded again: joining can make new patterns, and composable pairs
	// (Hangul jamo) that NFC joins or characters it decomposes.
	p.Key = foldRomaji(strings.Join(keys, ""))
	if !isASCII(p.Key) {
		p.Key = foldRomaji(norm.NFC.String(p.Key))
	}
	return p, nil
}

func trimTitles(tokens []string) []string {
	for len(tokens) > 1 && slices.Contains(titles, strings.ToLower(tokens[0])) {
		tokens = tokens[1:]
	}
	return tokens
}

// isAllCaps reports whether tok has at least two letters, all upper case.
func isAllCaps(tok string) bool {
	letters := 0
	for _, r := range tok {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		}
	}
	return letters >= 2
}

// dropNamePunct removes spaces, the punctuation allowed in names and
// combining marks (which removing a space could leave out of canonical order).
func dropNamePunct(s string) string {
	if !hasNamePunct(s) && isASCIIOrNoMarks(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(" -'’.,・=", r) || (r >= 0x300 && unicode.Is(unicode.Mn, r)) {
			return -1
		}
		return r
	}, s)
}

// hasNamePunct reports whether s holds a space or one of - ' ’ . , ・ =.
func hasNamePunct(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '-' || c == '\'' || c == '.' || c == ',' || c == '=':
			return true
		case c == 0xE3 && i+2 < len(s) && s[i+1] == 0x83 && s[i+2] == 0xBB: // ・
			return true
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x99: // ’
			return true
		}
	}
	return false
}

func isASCIIOrNoMarks(s string) bool {
	for _, r := range s {
		if r >= 0x300 && !isKanji(r) && !isKana(r) && unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return true
}

// ParseNameKana parses the reading of a person's name (フリガナ) like
// ParsePersonName, and gives an error of kind KindNameKana wrapping
// ErrInvalid unless it is written in kana (hiragana, katakana of either
// width).
func ParseNameKana(s string) (PersonName, error) {
	p, err := parsePersonName(s, KindNameKana)
	if err != nil {
		return PersonName{}, err
	}
	if p.Latin || (p.FamilyKana == "" && p.GivenKana == "") {
		return PersonName{}, invalid(KindNameKana, s, "not a kana reading")
	}
	return p, nil
}

func hasNonASCIIUpper(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && !isKanji(r) && !isKana(r) && unicode.IsUpper(r) {
			return true
		}
	}
	return false
}
