package server

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/normalize"
)

// Name search. The engine has no name index (Lookup finds e-mail, phone and
// corporate-number identifiers only), so GET /v1/profiles?name=… scans the
// profiles (Engine.Profiles) — a linear scan, bounded by
// Config.NameScanLimit profiles per request — and matches names here, with
// quality/normalize's keys:
//
//   - each word of the query must be the start of one of the profile's name
//     forms (so "山田", "山田 太郎", "山田太郎", "やまだ", "ヤマダ タロウ",
//     "Yamada", "taro yamada", "Satou" all find 山田太郎/ヤマダ タロウ or
//     佐藤, …), or the whole query, without spaces, the start of the full
//     name in either order;
//   - kanji and other text compare by normalize.TextKey after
//     normalize.FoldNameVariants (髙 ≡ 高, width and case folded);
//   - kana compare by normalize.KanaKey with every fold (hiragana ≡
//     katakana, small kana, ヴ, ヂ/ジ, long marks);
//   - romaji compare by the romaji key of normalize.ParsePersonName (ō, ou,
//     oh → o; Kunrei → Hepburn), against the profile's Latin name and the
//     romaji of its kana readings.
//
// Exact matches rank before prefix matches, then profiles by ID. A kanji
// name without a reading cannot be found by its reading or romaji: there is
// no kanji → reading dictionary here.

// nameForms are one profile's name keys, by script.
type nameForms struct {
	text, kana, romaji []string
}

func addForm(list *[]string, k string) {
	if k != "" && !slices.Contains(*list, k) {
		*list = append(*list, k)
	}
}

func textKey(s string) string { return normalize.TextKey(normalize.FoldNameVariants(s)) }

func kanaKey(s string) string {
	k, err := normalize.KanaKey(s, normalize.FoldAll)
	if err != nil {
		return ""
	}
	return k
}

// plainKana is a kana reading in katakana without the looser folds, or
// "" when s is not kana.
func plainKana(s string) string {
	k, err := normalize.KanaKey(s, 0)
	if err != nil {
		return ""
	}
	return k
}

// romajiKey is the folded romaji of a Latin word (or words, joined).
func romajiKey(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	p, err := normalize.ParsePersonName(strings.ReplaceAll(s, " ", ""))
	if err != nil || !p.Latin {
		return ""
	}
	return p.Key
}

func formsOf(p *customer.Profile) nameForms {
	var f nameForms
	n := p.Name
	fam, giv := textKey(n.Family), textKey(n.Given)
	addForm(&f.text, fam)
	addForm(&f.text, giv)
	addForm(&f.text, fam+giv)
	addForm(&f.text, giv+fam)
	if p.LegalName != "" {
		addForm(&f.text, textKey(p.LegalName))
		// The name without its legal form (株式会社, (株), Co., Ltd. …).
		if c, err := normalize.ParseCompany(p.LegalName); err == nil {
			addForm(&f.text, textKey(c.Core))
		}
		for _, w := range strings.Fields(p.LegalName) {
			addForm(&f.text, textKey(w))
		}
	}
	// A name written in kana or Latin letters in the name fields is also
	// its reading or romaji.
	for _, part := range [][2]string{{n.FamilyKana, n.GivenKana}, {n.Family, n.Given}} {
		fk, gk := kanaKey(part[0]), kanaKey(part[1])
		addForm(&f.kana, fk)
		addForm(&f.kana, gk)
		if fk != "" && gk != "" {
			addForm(&f.kana, fk+gk)
		}
		// The romaji come from the readings unfolded: small kana (ャ, ッ)
		// change the sound.
		fo, gi := plainKana(part[0]), plainKana(part[1])
		addForm(&f.romaji, romajiKey(normalize.KanaToRomaji(fo)))
		addForm(&f.romaji, romajiKey(normalize.KanaToRomaji(gi)))
		if fo != "" && gi != "" {
			addForm(&f.romaji, romajiKey(normalize.KanaToRomaji(fo+gi)))
			addForm(&f.romaji, romajiKey(normalize.KanaToRomaji(gi+fo)))
		}
	}
	latin := strings.Fields(n.Latin)
	for _, part := range []string{n.Family, n.Given} {
		if isLatin(part) {
			latin = append(latin, strings.Fields(part)...)
		}
	}
	for _, w := range latin {
		addForm(&f.romaji, romajiKey(w))
	}
	if len(latin) > 1 {
		addForm(&f.romaji, romajiKey(strings.Join(latin, "")))
		rev := slices.Clone(latin)
		slices.Reverse(rev)
		addForm(&f.romaji, romajiKey(strings.Join(rev, "")))
	}
	return f
}

func isLatin(s string) bool {
	has := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.Is(unicode.Latin, r) {
				return false
			}
			has = true
		}
	}
	return has
}

// nameQuery is a parsed query: each word's keys in the scripts it can be
// read in, and the same for the whole query without spaces.
type nameQuery struct {
	words []wordKeys
	whole wordKeys
}

type wordKeys struct{ text, kana, romaji string }

func keysOf(w string) wordKeys {
	k := wordKeys{text: textKey(w), kana: kanaKey(w)}
	if isLatin(w) {
		k.romaji = romajiKey(w)
	}
	return k
}

func parseNameQuery(q string) nameQuery {
	var nq nameQuery
	// Bytes that are not UTF-8 (a query string may hold any) must not
	// join into a character when the words are put together.
	q = strings.ToValidUTF8(q, "\uFFFD")
	// Full-width spaces (U+3000) are white space to strings.Fields.
	words := strings.Fields(q)
	for _, w := range words {
		nq.words = append(nq.words, keysOf(w))
	}
	nq.whole = keysOf(strings.Join(words, ""))
	return nq
}

// matchRank is 2 for an exact match of every word (or of the whole query),
// 1 for a prefix match, 0 for none.
func (q nameQuery) match(f nameForms) int {
	best := 0
	if r := wordMatch(q.whole, f); r > best {
		best = r
	}
	if len(q.words) > 1 {
		all := 2
		for _, w := range q.words {
			all = min(all, wordMatch(w, f))
		}
		best = max(best, all)
	}
	return best
}

func wordMatch(w wordKeys, f nameForms) int {
	best := 0
	try := func(key string, forms []string) {
		if key == "" {
			return
		}
		for _, form := range forms {
			switch {
			case form == key:
				best = 2
			case strings.HasPrefix(form, key) && best < 1:
				best = 1
			}
		}
	}
	try(w.text, f.text)
	try(w.kana, f.kana)
	try(w.romaji, f.romaji)
	return best
}

// NameResult is the body of a name search: Profiles as in Profiles, with
// how many profiles the scan read and whether it stopped at its bound
// before reading them all (then a profile may be missing: narrow the
// query or search by e-mail or phone).
type NameResult struct {
	Profiles  []*customer.Profile `json:"profiles"`
	Scanned   int                 `json:"scanned"`
	Truncated bool                `json:"truncated"`
}

// searchNames scans at most scanLimit profiles for the query and returns
// the best limit matches.
func (h *handler) searchNames(ctx context.Context, query string, limit int) (NameResult, error) {
	q := parseNameQuery(query)
	type hit struct {
		p    *customer.Profile
		rank int
	}
	var hits []hit
	res := NameResult{Profiles: []*customer.Profile{}}
	for p, err := range h.e.Profiles(ctx) {
		if err != nil {
			return res, err
		}
		if res.Scanned == h.scanLimit {
			res.Truncated = true
			break
		}
		res.Scanned++
		if r := q.match(formsOf(p)); r > 0 {
			hits = append(hits, hit{p, r})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.rank != b.rank {
			return b.rank - a.rank
		}
		return strings.Compare(string(a.p.ID), string(b.p.ID))
	})
	for i := 0; i < len(hits) && i < limit; i++ {
		res.Profiles = append(res.Profiles, hits[i].p)
	}
	return res, nil
}
