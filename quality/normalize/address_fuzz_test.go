package normalize

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseAddress: ParseAddress never panics, the parts of a result are
// valid UTF-8, and the key is idempotent: parsing a Key gives the same Key.
func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{
		"東京都千代田区丸の内1-2-3", "〒100-0005 東京都千代田区丸の内一丁目二番三号 ニュー八重洲ビル5F",
		"横浜市西区みなとみらい2-3-1", "府中市宮西町2丁目24番地", "北海道倶知安町北1条西2丁目",
		"東京都港区麻布十番2丁目16-6", "大阪府堺市堺区南花田口町２丁３－１０", "東京千代田区",
		"和歌山県和歌山市7番丁19", "東京都台東区根岸3丁目6-23-2", "\xff東京都", "",
		"Shin-Marunouchi Bldg 5F, 1-5-1 Marunouchi, Chiyoda-ku, Tokyo 100-6590, Japan",
		"Minato Mirai 2-3-1, Nishi Ward, Yokohama City, Kanagawa Prefecture", "1-chome 2-3, Sapporo",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			return
		}
		for _, p := range []string{a.Prefecture, a.Municipality, a.Town, a.Block, a.Building, a.Key} {
			if !utf8.ValidString(p) {
				t.Fatalf("ParseAddress(%q) gave invalid UTF-8 in %+v", s, a)
			}
		}
		if strings.Trim(a.Block, "0123456789-") != "" {
			t.Fatalf("ParseAddress(%q).Block = %q, want digits and hyphens", s, a.Block)
		}
		b, err := ParseAddress(a.Key)
		if err != nil {
			t.Fatalf("ParseAddress(Key %q) of %q: %v", a.Key, s, err)
		}
		if b.Key != a.Key {
			t.Fatalf("key not idempotent for %q: %q -> %q", s, a.Key, b.Key)
		}
	})
}

// FuzzKanjiNumber: KanjiNumber never panics, values are in range, and the
// digits of a value written positionally in kanji read back as the value.
func FuzzKanjiNumber(f *testing.F) {
	for _, s := range []string{"二十三", "一万二千", "二〇二", "十十", "百千", "", "\xff", "九千九百九十九億"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := KanjiNumber(s)
		if err != nil {
			return
		}
		if n < 0 || n > 999999999999 {
			t.Fatalf("KanjiNumber(%q) = %d out of range", s, n)
		}
		const digits = "〇一二三四五六七八九"
		var b strings.Builder
		for _, c := range strconv.Itoa(n) {
			b.WriteString(digits[(c-'0')*3 : (c-'0')*3+3])
		}
		if m, err := KanjiNumber(b.String()); err != nil || m != n {
			t.Fatalf("KanjiNumber(%q) = %d, %v; want %d (from %q)", b.String(), m, err, n, s)
		}
		if n >= 1 && n < 100 {
			if m, err := KanjiNumber(kanjiSmall(n)); err != nil || m != n {
				t.Fatalf("KanjiNumber(kanjiSmall(%d)) = %d, %v", n, m, err)
			}
		}
	})
}
