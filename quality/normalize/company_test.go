package normalize

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCompany(t *testing.T) {
	tests := []struct {
		in   string
		want Company
	}{
		{"株式会社ABC", Company{"株式会社", FormPrefix, "ABC", "abc"}},
		{"ABC株式会社", Company{"株式会社", FormSuffix, "ABC", "abc"}},
		{"ABC(株)", Company{"株式会社", FormSuffix, "ABC", "abc"}},
		{"（株）ABC", Company{"株式会社", FormPrefix, "ABC", "abc"}},
		{"ＡＢＣ㈱", Company{"株式会社", FormSuffix, "ABC", "abc"}},
		{"ABC㊑", Company{"株式会社", FormSuffix, "ABC", "abc"}},
		{"㍿ABC", Company{"株式会社", FormPrefix, "ABC", "abc"}},
		{"株式會社ABC", Company{"株式会社", FormPrefix, "ABC", "abc"}},
		{"ABC 株式会社", Company{"株式会社", FormSuffix, "ABC", "abc"}},
		{"カブシキガイシャエービーシー", Company{"株式会社", FormPrefix, "エービーシー", "エービーシー"}},
		{"有限会社山田商店", Company{"有限会社", FormPrefix, "山田商店", "山田商店"}},
		{"山田商店(有)", Company{"有限会社", FormSuffix, "山田商店", "山田商店"}},
		{"㈲山田商店", Company{"有限会社", FormPrefix, "山田商店", "山田商店"}},
		{"合同会社ABC", Company{"合同会社", FormPrefix, "ABC", "abc"}},
		{"ABC(同)", Company{"合同会社", FormSuffix, "ABC", "abc"}},
		{"合資会社鈴木屋", Company{"合資会社", FormPrefix, "鈴木屋", "鈴木屋"}},
		{"合名会社鈴木屋", Company{"合名会社", FormPrefix, "鈴木屋", "鈴木屋"}},
		{"一般社団法人 日本ABC協会", Company{"一般社団法人", FormPrefix, "日本ABC協会", "日本abc協会"}},
		{"(一社)日本ABC協会", Company{"一般社団法人", FormPrefix, "日本ABC協会", "日本abc協会"}},
		{"公益財団法人ABC記念財団", Company{"公益財団法人", FormPrefix, "ABC記念財団", "abc記念財団"}},
		// A core wholly in kana is keyed in katakana (see TestCompanyKanaKeys).
		{"NPO法人ひまわり", Company{"特定非営利活動法人", FormPrefix, "ひまわり", "ヒマワリ"}},
		{"医療法人社団 健康会", Company{"医療法人社団", FormPrefix, "健康会", "健康会"}},
		{"学校法人山田学園", Company{"学校法人", FormPrefix, "山田学園", "山田学園"}},
		{"社会福祉法人 さくら会", Company{"社会福祉法人", FormPrefix, "さくら会", "さくら会"}},
		{"ABC(株)東京支店", Company{"株式会社", FormSuffix, "ABC 東京支店", "abc東京支店"}},
		// Bank-transfer (全銀) kana.
		{"ｶ)ｴｰﾋﾞｰｼｰ", Company{"株式会社", FormPrefix, "エービーシー", "エービーシー"}},
		{"ｴｰﾋﾞｰｼｰ(ｶ", Company{"株式会社", FormSuffix, "エービーシー", "エービーシー"}},
		{"ｴｰﾋﾞｰｼｰ(ｶ)ﾄｳｷﾖｳｼﾃﾝ", Company{"株式会社", FormSuffix, "エービーシー トウキヨウシテン", "エービーシートウキヨウシテン"}},
		{"ﾔﾏﾀﾞｼﾖｳﾃﾝ(ﾕ", Company{"有限会社", FormSuffix, "ヤマダシヨウテン", "ヤマダシヨウテン"}},
		{"ﾕ)ﾔﾏﾀﾞｼﾖｳﾃﾝ", Company{"有限会社", FormPrefix, "ヤマダシヨウテン", "ヤマダシヨウテン"}},
		{"ｼﾔ)ﾆﾎﾝｴｰﾋﾞｰｼｰｷﾖｳｶｲ", Company{"社団法人", FormPrefix, "ニホンエービーシーキヨウカイ", "ニホンエービーシーキヨウカイ"}},
		{"ｷﾔﾉﾝ(ｶ", Company{"株式会社", FormSuffix, "キヤノン", "キヤノン"}},
		{"キャノン株式会社", Company{"株式会社", FormSuffix, "キャノン", "キヤノン"}},
		// Kana readings of the form: hiragana, katakana, half-width, small
		// kana written large, as prefix, suffix and in the middle.
		{"かぶしきがいしゃさくら", Company{"株式会社", FormPrefix, "さくら", "サクラ"}},
		{"さくらかぶしきがいしゃ", Company{"株式会社", FormSuffix, "さくら", "サクラ"}},
		{"かぶしきがいしゃ さくら", Company{"株式会社", FormPrefix, "さくら", "サクラ"}},
		{"さくら　かぶしきがいしゃ", Company{"株式会社", FormSuffix, "さくら", "サクラ"}},
		{"かぶしきかいしゃ山田商事", Company{"株式会社", FormPrefix, "山田商事", "山田商事"}},
		{"山田商事かぶしきがいしや", Company{"株式会社", FormSuffix, "山田商事", "山田商事"}},
		{"ABCかぶしきがいしゃ東京支店", Company{"株式会社", FormSuffix, "ABC 東京支店", "abc東京支店"}},
		{"カブシキガイシャサクラ", Company{"株式会社", FormPrefix, "サクラ", "サクラ"}},
		{"サクラカブシキガイシャ", Company{"株式会社", FormSuffix, "サクラ", "サクラ"}},
		{"ｶﾌﾞｼｷｶﾞｲｼｬｻｸﾗ", Company{"株式会社", FormPrefix, "サクラ", "サクラ"}},
		{"ｻｸﾗｶﾌﾞｼｷｶﾞｲｼﾔ", Company{"株式会社", FormSuffix, "サクラ", "サクラ"}},
		{"ｻｸﾗ ｶﾌﾞｼｷｶｲｼｬ", Company{"株式会社", FormSuffix, "サクラ", "サクラ"}},
		{"ゆうげんがいしゃやまだしょうてん", Company{"有限会社", FormPrefix, "やまだしょうてん", "ヤマダシヨウテン"}},
		{"山田商店ゆうげんかいしゃ", Company{"有限会社", FormSuffix, "山田商店", "山田商店"}},
		{"ﾕｳｹﾞﾝｶﾞｲｼｬﾔﾏﾀﾞｼｮｳﾃﾝ", Company{"有限会社", FormPrefix, "ヤマダショウテン", "ヤマダシヨウテン"}},
		{"ごうどうがいしゃABC", Company{"合同会社", FormPrefix, "ABC", "abc"}},
		{"ABC ごうどうがいしゃ", Company{"合同会社", FormSuffix, "ABC", "abc"}},
		{"ゴウドウカイシャABC", Company{"合同会社", FormPrefix, "ABC", "abc"}},
		{"ごうしがいしゃすずきや", Company{"合資会社", FormPrefix, "すずきや", "スズキヤ"}},
		{"鈴木屋ごうしがいしゃ", Company{"合資会社", FormSuffix, "鈴木屋", "鈴木屋"}},
		{"ｺﾞｳｼｶﾞｲｼｬｽｽﾞｷﾔ", Company{"合資会社", FormPrefix, "スズキヤ", "スズキヤ"}},
		{"ごうめいがいしゃ鈴木屋", Company{"合名会社", FormPrefix, "鈴木屋", "鈴木屋"}},
		{"鈴木屋ゴウメイガイシャ", Company{"合名会社", FormSuffix, "鈴木屋", "鈴木屋"}},
		{"ABCそうごがいしゃ", Company{"相互会社", FormSuffix, "ABC", "abc"}},
		{"いっぱんしゃだんほうじんにほんABCきょうかい", Company{"一般社団法人", FormPrefix, "にほんABCきょうかい", "にほんabcきょうかい"}},
		{"イツパンシヤダンホウジンサクラ", Company{"一般社団法人", FormPrefix, "サクラ", "サクラ"}},
		{"日本ABC協会 いっぱんしゃだんほうじん", Company{"一般社団法人", FormSuffix, "日本ABC協会", "日本abc協会"}},
		{"いっぱんざいだんほうじん ABC記念財団", Company{"一般財団法人", FormPrefix, "ABC記念財団", "abc記念財団"}},
		{"こうえきしゃだんほうじん日本ABC協会", Company{"公益社団法人", FormPrefix, "日本ABC協会", "日本abc協会"}},
		{"ABC記念財団こうえきざいだんほうじん", Company{"公益財団法人", FormSuffix, "ABC記念財団", "abc記念財団"}},
		{"しゃだんほうじん日本ABC協会", Company{"社団法人", FormPrefix, "日本ABC協会", "日本abc協会"}},
		{"ざいだんほうじん日本ABC財団", Company{"財団法人", FormPrefix, "日本ABC財団", "日本abc財団"}},
		{"とくていひえいりかつどうほうじんひまわり", Company{"特定非営利活動法人", FormPrefix, "ひまわり", "ヒマワリ"}},
		{"NPOほうじんひまわり", Company{"特定非営利活動法人", FormPrefix, "ひまわり", "ヒマワリ"}},
		{"しゃかいふくしほうじんさくら会", Company{"社会福祉法人", FormPrefix, "さくら会", "さくら会"}},
		{"いりょうほうじん健康会", Company{"医療法人", FormPrefix, "健康会", "健康会"}},
		{"がっこうほうじん山田学園", Company{"学校法人", FormPrefix, "山田学園", "山田学園"}},
		{"しゅうきょうほうじん山田寺", Company{"宗教法人", FormPrefix, "山田寺", "山田寺"}},
		// Kana that are not a legal form stay in the core.
		{"かぶしき", Company{"", FormNone, "かぶしき", "カブシキ"}},
		{"がいしゃ商事", Company{"", FormNone, "がいしゃ商事", "がいしゃ商事"}},
		// Latin forms.
		{"ABC Co., Ltd.", Company{"Co., Ltd.", FormSuffix, "ABC", "abc"}},
		{"ABC CO.,LTD", Company{"Co., Ltd.", FormSuffix, "ABC", "abc"}},
		{"ABC Company Limited", Company{"Co., Ltd.", FormSuffix, "ABC", "abc"}},
		{"ABC K.K.", Company{"K.K.", FormSuffix, "ABC", "abc"}},
		{"ABC Kabushiki Kaisha", Company{"K.K.", FormSuffix, "ABC", "abc"}},
		{"ABC G.K.", Company{"G.K.", FormSuffix, "ABC", "abc"}},
		{"ABC, Inc.", Company{"Inc.", FormSuffix, "ABC", "abc"}},
		{"ABC LLC", Company{"LLC", FormSuffix, "ABC", "abc"}},
		{"Sony Group Corp.", Company{"Corp.", FormSuffix, "Sony Group", "sonygroup"}},
		{"Toyota Motor Corporation", Company{"Corp.", FormSuffix, "Toyota Motor", "toyotamotor"}},
		{"Acme Ltd", Company{"Ltd.", FormSuffix, "Acme", "acme"}},
		{"株式会社ABC Co., Ltd.", Company{"株式会社", FormPrefix, "ABC", "abc"}},
		// No form.
		{"Acme", Company{"", FormNone, "Acme", "acme"}},
		{"Lincoln", Company{"", FormNone, "Lincoln", "lincoln"}},
		{"山田商店", Company{"", FormNone, "山田商店", "山田商店"}},
		{"A.B.C. Trading", Company{"", FormNone, "A.B.C. Trading", "abctrading"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCompany(tt.in)
			if err != nil {
				t.Fatalf("ParseCompany(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseCompany(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestCompanyKeysAgree lists groups of names of one company written in
// different ways; each group must share one key.
func TestCompanyKeysAgree(t *testing.T) {
	groups := [][]string{
		{"株式会社ABC", "ABC株式会社", "ABC(株)", "ＡＢＣ㈱", "(株)ABC", "ABC㍿", "ABC Co., Ltd.", "ABC K.K.", "ABC Inc.", "abc"},
		{"ｴｰﾋﾞｰｼｰ(ｶ", "ｶ)ｴｰﾋﾞｰｼｰ", "エービーシー株式会社", "株式会社エービーシー", "(株)エービーシー"},
		{"ｷﾔﾉﾝ(ｶ", "キヤノン株式会社", "キャノン㈱"},
		{"有限会社山田商店", "山田商店(有)", "㈲山田商店", "株式会社山田商店"},
		{"株式会社さくら", "かぶしきがいしゃさくら", "さくらカブシキガイシャ", "ｻｸﾗ(ｶ", "ｶ)ｻｸﾗ", "サクラ㈱", "ごうどうがいしゃサクラ"},
		{"ABC株式会社", "ABCかぶしきがいしゃ", "かぶしきがいしゃABC", "ゆうげんがいしゃABC", "ABC ごうどうがいしゃ"},
		{"一般社団法人日本ABC協会", "(一社)日本ABC協会", "いっぱんしゃだんほうじん日本ABC協会", "日本ABC協会イッパンシャダンホウジン"},
	}
	for _, g := range groups {
		want, err := ParseCompany(g[0])
		if err != nil {
			t.Fatalf("ParseCompany(%q): %v", g[0], err)
		}
		for _, s := range g[1:] {
			got, err := ParseCompany(s)
			if err != nil {
				t.Errorf("ParseCompany(%q): %v", s, err)
				continue
			}
			if got.Key != want.Key {
				t.Errorf("key of %q = %q, key of %q = %q; want equal", s, got.Key, g[0], want.Key)
			}
		}
	}
}

// TestCompanyKanaKeys: a core written wholly in kana gets one key however
// its kana are written; a core mixing kana with kanji or Latin letters keeps
// its kana as written.
func TestCompanyKanaKeys(t *testing.T) {
	tests := []struct {
		a, b   string
		same   bool
		reason string
	}{
		{"ひまわり", "ヒマワリ", true, "hiragana and katakana"},
		{"ひまわり", "ﾋﾏﾜﾘ", true, "hiragana and half-width katakana"},
		{"ひまわり株式会社", "(株)ヒマワリ", true, "forms around kana cores"},
		{"きゃのん", "キヤノン", true, "small kana fold as in katakana"},
		{"らーめんや", "ラーメンヤ", true, "ー counts as kana"},
		{"ひまわり・さくら", "ヒマワリサクラ", true, "the dot is punctuation"},
		{"さくらサクラ", "サクラさくら", true, "mixed hiragana and katakana is still wholly kana"},
		{"さくら商事", "サクラ商事", false, "the core is not wholly kana"},
		{"さくらABC", "サクラABC", false, "the core is not wholly kana"},
		{"ひまわり", "ひよこ", false, "different names"},
	}
	for _, tt := range tests {
		a, err := ParseCompany(tt.a)
		if err != nil {
			t.Fatalf("ParseCompany(%q): %v", tt.a, err)
		}
		b, err := ParseCompany(tt.b)
		if err != nil {
			t.Fatalf("ParseCompany(%q): %v", tt.b, err)
		}
		if got := a.Key == b.Key; got != tt.same {
			t.Errorf("keys %q (%q) and %q (%q): equal = %v, want %v (%s)", a.Key, tt.a, b.Key, tt.b, got, tt.same, tt.reason)
		}
	}
}

func TestParseCompanyInvalid(t *testing.T) {
	for _, in := range []string{"", "  ", "株式会社", "(株)", "㈱", "Co., Ltd.", "・",
		"かぶしきがいしゃ", "ｶﾌﾞｼｷｶﾞｲｼｬ", "いっぱんしゃだんほうじん", "かぶしきがいしゃ ゆうげんがいしゃ"} {
		_, err := ParseCompany(in)
		var e *Error
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &e) || e.Kind != KindCompany {
			t.Errorf("ParseCompany(%q) error = %v, want *Error of kind company", in, err)
		}
	}
}

func TestFormPositionString(t *testing.T) {
	for p, want := range map[FormPosition]string{FormNone: "none", FormPrefix: "prefix", FormSuffix: "suffix", 7: "FormPosition(7)"} {
		if got := p.String(); got != want {
			t.Errorf("FormPosition(%d).String() = %q, want %q", int(p), got, want)
		}
	}
}

// FuzzParseCompany: no panic; the key of a key is the key itself; the core
// parses to the same key.
func FuzzParseCompany(f *testing.F) {
	for _, s := range []string{"株式会社ABC", "ｴｰﾋﾞｰｼｰ(ｶ", "ABC Co., Ltd.", "ABC(株)東京支店", "(株)(有)", "ｶ)", "a.-b",
		"かぶしきがいしゃさくら", "きゃのん(ｶ", "いっぱんしゃだんほうじんひまわり", "さくら・ごうどうがいしや"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCompany(s)
		if err != nil {
			return
		}
		c2, err := ParseCompany(c.Key)
		if err != nil || c2.Key != c.Key {
			t.Fatalf("ParseCompany(%q).Key = %q, %v; want %q (from %q)", c.Key, c2.Key, err, c.Key, s)
		}
	})
}

func BenchmarkParseCompany(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"kanji-prefix", "株式会社エービーシー商事"},
		{"bank-kana", "ｴｰﾋﾞｰｼｰｼﾖｳｼﾞ(ｶ"},
		{"latin", "ABC Trading Co., Ltd."},
		{"hiragana", "ひまわりしょうじかぶしきがいしゃ"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			loopCPU(b, func() { _, _ = ParseCompany(bc.in) })
		})
	}
}
