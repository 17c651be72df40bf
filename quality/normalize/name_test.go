package normalize

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFoldNameVariants(t *testing.T) {
	tests := []struct{ in, want string }{
		{"髙橋", "高橋"}, {"山﨑", "山崎"}, {"山嵜", "山崎"}, {"渡邊", "渡辺"}, {"渡邉", "渡辺"},
		{"齋藤", "斎藤"}, {"齊藤", "斎藤"}, {"斉藤", "斎藤"}, {"澤田", "沢田"}, {"濱田", "浜田"},
		{"廣瀬", "広瀬"}, {"櫻井", "桜井"}, {"小嶋", "小島"}, {"國男", "国男"}, {"德永", "徳永"},
		{"惠子", "恵子"}, {"瀨戸", "瀬戸"}, {"彌生", "弥生"}, {"𠮷田", "吉田"}, {"冨田", "富田"},
		{"佐々木", "佐佐木"}, {"野々村", "野野村"}, {"々木", "々木"}, {"いすゞ", "いすず"}, {"みすゞ", "みすず"},
		{"ＡＢＣ", "ABC"}, {"葛\U000E0100西", "葛西"}, {"山田", "山田"},
	}
	for _, tt := range tests {
		if got := FoldNameVariants(tt.in); got != tt.want {
			t.Errorf("FoldNameVariants(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParsePersonName(t *testing.T) {
	tests := []struct {
		in   string
		want PersonName
	}{
		{"山田 太郎", PersonName{Family: "山田", Given: "太郎", Key: "山田太郎"}},
		{"山田　太郎", PersonName{Family: "山田", Given: "太郎", Key: "山田太郎"}},
		{"山田太郎", PersonName{Family: "山田", Given: "太郎", Key: "山田太郎", Guessed: true}},
		{"髙橋一郎", PersonName{Family: "高橋", Given: "一郎", Key: "高橋一郎", Guessed: true}},
		{"佐々木 健", PersonName{Family: "佐佐木", Given: "健", Key: "佐佐木健"}},
		{"佐々木みなみ", PersonName{Family: "佐佐木", Given: "みなみ", Key: "佐佐木みなみ", Guessed: true}},
		{"林太郎", PersonName{Family: "林", Given: "太郎", Key: "林太郎", Guessed: true}},
		{"齋藤 惠", PersonName{Family: "斎藤", Given: "恵", Key: "斎藤恵"}},
		{"山田太郎様", PersonName{Family: "山田", Given: "太郎", Key: "山田太郎", Guessed: true}},
		{"山田 太郎 様", PersonName{Family: "山田", Given: "太郎", Key: "山田太郎"}},
		{"轟木乃香", PersonName{Family: "轟木", Given: "乃香", Key: "轟木乃香", Guessed: true}},
		{"やまだ たろう", PersonName{Family: "やまだ", Given: "たろう", FamilyKana: "ヤマダ", GivenKana: "タロウ", Key: "ヤマダタロウ"}},
		{"ﾔﾏﾀﾞ ﾀﾛｳ", PersonName{Family: "ヤマダ", Given: "タロウ", FamilyKana: "ヤマダ", GivenKana: "タロウ", Key: "ヤマダタロウ"}},
		{"やまだたろう", PersonName{Family: "やまだ", Given: "たろう", FamilyKana: "ヤマダ", GivenKana: "タロウ", Key: "ヤマダタロウ", Guessed: true}},
		{"ｻｲﾄｳ ｼﾖｳｼﾞ", PersonName{Family: "サイトウ", Given: "シヨウジ", FamilyKana: "サイトウ", GivenKana: "シヨウジ", Key: "サイトウシヨウジ"}},
		{"さいとう しょうじ", PersonName{Family: "さいとう", Given: "しょうじ", FamilyKana: "サイトウ", GivenKana: "ショウジ", Key: "サイトウシヨウジ"}},
		{"Taro Yamada", PersonName{Family: "Yamada", Given: "Taro", Latin: true, Key: "taroyamada", Guessed: true}},
		{"YAMADA Taro", PersonName{Family: "YAMADA", Given: "Taro", Latin: true, Key: "taroyamada"}},
		{"Taro YAMADA", PersonName{Family: "YAMADA", Given: "Taro", Latin: true, Key: "taroyamada"}},
		{"Yamada Taro", PersonName{Family: "Yamada", Given: "Taro", Latin: true, Key: "taroyamada", Guessed: true}},
		{"Yamada, Tarō", PersonName{Family: "Yamada", Given: "Tarō", Latin: true, Key: "taroyamada"}},
		{"Ｓａｔｏｈ Ｙｕｕｋｉ", PersonName{Family: "Satoh", Given: "Yuuki", Latin: true, Key: "satoyuki", Guessed: true}},
		{"Mr. John Smith", PersonName{Family: "Smith", Given: "John", Latin: true, Key: "jonsmith", Guessed: true}},
		{"Madonna", PersonName{Family: "Madonna", Latin: true, Key: "madona"}}, // nn → n as in Junnichi,
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePersonName(tt.in)
			if err != nil {
				t.Fatalf("ParsePersonName(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePersonName(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestPersonNameKeysAgree lists groups of spellings of one name; each group
// must share one key.
func TestPersonNameKeysAgree(t *testing.T) {
	groups := [][]string{
		{"高橋 一郎", "髙橋一郎", "髙橋　一郎"},
		{"佐々木 健", "佐佐木健"},
		{"渡辺 恵", "渡邊 惠", "渡邉恵"},
		{"斎藤 隆", "齋藤 隆", "齊藤隆", "斉藤 隆"},
		{"やまだ たろう", "ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "やまだたろう"},
		{"Taro Yamada", "YAMADA Taro", "yamada taro", "Yamada, Tarō", "Taroh Yamada", "TAROU YAMADA"},
		{"Shinichi Ohno", "Shin'ichi Ōno", "Shinnichi Oono", "OHNO Shinichi"},
		{"Shuuhei Tsuchiya", "Syuhei Tutiya", "Shūhei Tsuchiya"},
		{"Honma Kenji", "Homma Kenji"},
	}
	for _, g := range groups {
		want, err := ParsePersonName(g[0])
		if err != nil {
			t.Fatalf("ParsePersonName(%q): %v", g[0], err)
		}
		for _, s := range g[1:] {
			got, err := ParsePersonName(s)
			if err != nil {
				t.Errorf("ParsePersonName(%q): %v", s, err)
				continue
			}
			if got.Key != want.Key {
				t.Errorf("key of %q = %q, key of %q = %q; want equal", s, got.Key, g[0], want.Key)
			}
		}
	}
}

func TestParsePersonNameInvalid(t *testing.T) {
	for _, in := range []string{"", "   ", "1234", "山田1", "taro@example.jp", "・・", "様"} {
		_, err := ParsePersonName(in)
		var e *Error
		if in == "様" {
			// A lone honorific is kept as a name rather than emptied.
			if err != nil {
				t.Errorf("ParsePersonName(%q): %v", in, err)
			}
			continue
		}
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &e) || e.Kind != KindPersonName {
			t.Errorf("ParsePersonName(%q) error = %v, want *Error of kind person_name", in, err)
		}
	}
}

func TestFoldRomaji(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Satō", "sato"}, {"Satou", "sato"}, {"Satoh", "sato"}, {"SATO", "sato"},
		{"Ohashi", "ohashi"}, {"Ōno", "ono"}, {"Oono", "ono"}, {"Ohno", "ono"},
		{"Tutiya", "tsuchiya"}, {"Simizu", "shimizu"}, {"Hukuda", "fukuda"}, {"Zyunko", "junko"},
		{"Jun'ichi", "junichi"}, {"Homma", "honma"}, {"Yuuki", "yuki"}, {"Syouta", "shota"},
	}
	for _, tt := range tests {
		if got := foldRomaji(tt.in); got != tt.want {
			t.Errorf("foldRomaji(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParsePersonName: no panic; the key of a key is the key itself.
func FuzzParsePersonName(f *testing.F) {
	for _, s := range []string{"山田太郎", "佐々木 みなみ", "ﾔﾏﾀﾞ ﾀﾛｳ", "Yamada, Tarō", "Mr. J. Smith", "様様様", "ゞ々"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePersonName(s)
		if err != nil {
			return
		}
		p2, err := ParsePersonName(p.Key)
		if err != nil || p2.Key != p.Key {
			t.Fatalf("ParsePersonName(%q).Key = %q, %v; want %q (from %q)", p.Key, p2.Key, err, p.Key, s)
		}
		if f := FoldNameVariants(s); FoldNameVariants(f) != f {
			t.Fatalf("FoldNameVariants not idempotent on %q", s)
		}
	})
}

func BenchmarkParsePersonName(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"kanji-spaced", "髙橋 一郎"},
		{"kanji-unspaced", "佐々木健太"},
		{"kana", "ﾔﾏﾀﾞ ﾀﾛｳ"},
		{"romaji", "Taro YAMADA"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			loopCPU(b, func() { _, _ = ParsePersonName(bc.in) })
		})
	}
}

func BenchmarkFoldNameVariants(b *testing.B) {
	loopCPU(b, func() { _ = FoldNameVariants("佐々木髙志") })
}
