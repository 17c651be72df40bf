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
		{"NPO法人ひまわり", Company{"特定非営利活動法人", FormPrefix, "ひまわり", "ひまわり"}},
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

func TestParseCompanyInvalid(t *testing.T) {
	for _, in := range []string{"", "  ", "株式会社", "(株)", "㈱", "Co., Ltd.", "・"} {
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
	for _, s := range []string{"株式会社ABC", "ｴｰﾋﾞｰｼｰ(ｶ", "ABC Co., Ltd.", "ABC(株)東京支店", "(株)(有)", "ｶ)", "a.-b"} {
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
	} {
		b.Run(bc.name, func(b *testing.B) {
			loopCPU(b, func() { _, _ = ParseCompany(bc.in) })
		})
	}
}
