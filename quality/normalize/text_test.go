package normalize

import (
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii unchanged", "Acme Corp.", "Acme Corp."},
		{"full-width ascii", "ＡＢＣ　１２３！", "ABC 123!"},
		{"half-width kana voiced", "ｶﾞｷﾞｸﾞ", "ガギグ"},
		{"half-width kana semi-voiced", "ﾊﾟﾋﾟﾌﾟ", "パピプ"},
		{"half-width vu small a", "ｳﾞｧｲｵﾘﾝ", "ヴァイオリン"},
		{"half-width punctuation", "｢ｱ｣､｡･", "「ア」、。・"},
		{"spacing voiced mark joins hiragana", "か゛", "が"},
		{"spacing semi-voiced mark joins katakana", "ハ゜", "パ"},
		{"combining voiced mark joins", "カ\u3099", "ガ"},
		{"mark without voiced form stays spacing", "ア゛", "ア゛"},
		{"mark at start stays spacing", "゛あ", "゛あ"},
		{"mark after space is not joined", "か ゛", "か ゛"},
		{"wa with voiced mark", "ﾜﾞ", "ヷ"},
		{"dash between digits", "1ー2‐3−4", "1-2-3-4"},
		{"full-width dash between digits", "０３－１２３４－５６７８", "03-1234-5678"},
		{"dash between latin letters", "A—B", "A-B"},
		{"dash after kana becomes prolonged mark", "カ-ド", "カード"},
		{"half-width prolonged mark", "ｾｰﾙ", "セール"},
		{"dash run collapses", "1--ー2", "1-2"},
		{"prolonged mark run collapses", "すごーーい", "すごーい"},
		{"dash after kanji", "東京－大阪", "東京-大阪"},
		{"prolonged mark after kanji kept", "東ー", "東ー"},
		{"wave dash and tilde unified", "10〜20～30", "10~20~30"},
		{"ideographic space collapsed and trimmed", "\u3000山田\u3000\u3000太郎\t\n", "山田 太郎"},
		{"other spaces", "a\u00a0b\u2003c", "a b c"},
		{"circled digit", "①②", "12"},
		{"roman numeral", "Ⅳ", "IV"},
		{"squared word", "㌔", "キロ"},
		{"squared company form", "㍿", "株式会社"},
		{"parenthesised company form", "㈱", "(株)"},
		{"variation selector stripped", "葛\U000E0100城\uFE0F", "葛城"},
		{"zero-width space stripped", "a\u200bb\ufeff", "ab"},
		{"control chars dropped", "a\x00b\x7f", "ab"},
		{"invalid utf-8", "a\xffb", "a\uFFFDb"},
		{"combining accent composed", "e\u0301", "é"},
		{"case kept", "Straße", "Straße"},
		{"kanji variants kept", "髙橋", "髙橋"},
		{"ligature", "ﬁ", "fi"},
		{"composition exclusion decomposed as NFKC does", "\u0958", "\u0915\u093c"},
		{"singleton decomposition", "\u2126", "\u03a9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Text(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestTextKey(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ascii lower", "Acme Corp.", "acmecorp."},
		{"full-width and space", "ＡＢＣ 商事", "abc商事"},
		{"kana dash judged without spaces", "カ -ド", "カード"},
		{"greek and latin case", "ΣΑΣ É", "σασé"},
		{"already a key", "abc", "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, TextKey(tt.in)); diff != "" {
				t.Errorf("TextKey(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestTextNoAllocWhenCanonical(t *testing.T) {
	for _, s := range []string{"Acme Corp.", "山田 太郎", "東京都千代田区丸の内1-2-3"} {
		if n := testing.AllocsPerRun(100, func() { _ = Text(s) }); n != 0 {
			t.Errorf("Text(%q) allocates %v times, want 0", s, n)
		}
	}
}

// FuzzText checks that Text and TextKey never panic, always return valid
// UTF-8, are idempotent and give what the slow path (no fast runs) gives.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "ｶﾞｷﾞ", "か゛", "1ー2", "カ -ド", "①㈱", "\xff", "e\u0301", "　a　", "ア゛゛", "ﾜﾞ", "山田 太郎", "a  b", " か ゛", "東京都1-2 ビル"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q: invalid UTF-8", s, got)
		}
		if again := Text(got); again != got {
			t.Fatalf("Text not idempotent: %q -> %q -> %q", s, got, again)
		}
		slow := folder{src: s, slow: true}
		if want := slow.run(); got != want {
			t.Fatalf("Text(%q) = %q, slow path gives %q", s, got, want)
		}
		slowKey := folder{src: s, slow: true, key: true}
		key := TextKey(s)
		if want := slowKey.run(); key != want {
			t.Fatalf("TextKey(%q) = %q, slow path gives %q", s, key, want)
		}
		if again := TextKey(key); again != key {
			t.Fatalf("TextKey not idempotent: %q -> %q -> %q", s, key, again)
		}
	})
}

func BenchmarkText(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"ascii-canonical", "Acme Corporation Ltd."},
		{"japanese-canonical", "東京都千代田区丸の内1-2-3 丸の内ビル"},
		{"half-width-kana", "ｶﾌﾞｼｷｶﾞｲｼｬ ｴｰﾋﾞｰｼｰ"},
		{"full-width", "ＡＢＣ商事　東京支店"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			loopCPU(b, func() { _ = Text(bc.in) })
		})
	}
}

func BenchmarkTextKey(b *testing.B) {
	loopCPU(b, func() { _ = TextKey("ＡＢＣ商事　東京支店") })
}
