package normalize

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestKatakana(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"hiragana", "やまだ たろう", "ヤマダ タロウ"},
		{"half-width", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"},
		{"iteration marks", "いすゞ", "イスヾ"},
		{"mixed kept", "山田 たろう ABC", "山田 タロウ ABC"},
		{"vu", "ゔぁ", "ヴァ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Katakana(tt.in)); diff != "" {
				t.Errorf("Katakana(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestKanaKey(t *testing.T) {
	tests := []struct {
		name string
		in   string
		fold KanaFold
		want string
	}{
		{"hiragana to katakana, space removed", "やまだ たろう", 0, "ヤマダタロウ"},
		{"half-width voiced", "ﾔﾏﾀﾞ ﾀﾛｳ", 0, "ヤマダタロウ"},
		{"middle dot removed", "ジョン・スミス", 0, "ジョンスミス"},
		{"no fold keeps small kana", "キャノン", 0, "キャノン"},
		{"small kana folded", "キャノン", FoldSmallKana, "キヤノン"},
		{"small ke folded", "ヶ", FoldSmallKana, "ケ"},
		{"vu row", "ヴァイオリン", FoldVu, "バイオリン"},
		{"vu alone", "ヴ", FoldVu, "ブ"},
		{"vu with hiragana small vowel", "ゔぇ", FoldVu, "ベ"},
		{"vu not folded without flag", "ヴァ", 0, "ヴァ"},
		{"di du", "ちぢみ つづき", FoldDiDu, "チジミツズキ"},
		{"trailing long mark", "コンピューター", FoldLongMark, "コンピュータ"},
		{"trailing long mark per word", "ター ミー", FoldLongMark, "タミ"},
		{"inner long mark kept", "ラーメン", FoldLongMark, "ラーメン"},
		{"all folds", "ヴァイオリニスト ヂャン", FoldAll, "バイオリニストジヤン"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := KanaKey(tt.in, tt.fold)
			if err != nil {
				t.Fatalf("KanaKey(%q, %v): %v", tt.in, tt.fold, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("KanaKey(%q, %v) (-want +got):\n%s", tt.in, tt.fold, diff)
			}
		})
	}
}

func TestKanaKeyInvalid(t *testing.T) {
	for _, in := range []string{"", "   ", "山田", "Yamada", "ヤマダ1", "ー"} {
		_, err := KanaKey(in, FoldAll)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("KanaKey(%q) error = %v, want ErrInvalid", in, err)
		}
		var e *Error
		if errors.As(err, &e) && e.Kind != KindKana {
			t.Errorf("KanaKey(%q) error kind = %v, want kana", in, e.Kind)
		}
	}
}

// FuzzKanaKey: no panic, and a key is its own key for every fold.
func FuzzKanaKey(f *testing.F) {
	for _, s := range []string{"やまだ", "ｷｬﾉﾝ", "ヴァー", "ゔぇ", "ーア", "ア\xff"} {
		f.Add(s, uint(FoldAll))
	}
	f.Fuzz(func(t *testing.T, s string, fold uint) {
		fl := KanaFold(fold) & FoldAll
		k, err := KanaKey(s, fl)
		if err != nil {
			return
		}
		k2, err := KanaKey(k, fl)
		if err != nil || k2 != k {
			t.Fatalf("KanaKey not idempotent: %q -> %q -> %q, %v", s, k, k2, err)
		}
	})
}

func BenchmarkKanaKey(b *testing.B) {
	loopCPU(b, func() { _, _ = KanaKey("ﾔﾏﾀﾞ ﾀﾛｳ", FoldAll) })
}

func BenchmarkKatakana(b *testing.B) {
	loopCPU(b, func() { _ = Katakana("やまだ たろう") })
}
