package normalize

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseEmail(t *testing.T) {
	tests := []struct {
		name, in string
		want     Email
	}{
		{"plain", "taro@example.jp", Email{"taro@example.jp", "taro", "example.jp", "taro@example.jp"}},
		{"domain lower-cased, local kept", " Taro.Yamada@Example.CO.JP ", Email{"Taro.Yamada@example.co.jp", "Taro.Yamada", "example.co.jp", "taro.yamada@example.co.jp"}},
		{"full-width at and dot", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", Email{"taro@example.jp", "taro", "example.jp", "taro@example.jp"}},
		{"ideographic full stop", "taro@example。jp", Email{"taro@example.jp", "taro", "example.jp", "taro@example.jp"}},
		{"mailto and brackets", "mailto:<a+tag@x.example>", Email{"a+tag@x.example", "a+tag", "x.example", "a+tag@x.example"}},
		{"legacy docomo dots", "taro..yamada.@docomo.ne.jp", Email{"taro..yamada.@docomo.ne.jp", "taro..yamada.", "docomo.ne.jp", "taro..yamada.@docomo.ne.jp"}},
		{"utf-8 domain", "info@例え.jp", Email{"info@例え.jp", "info", "例え.jp", "info@例え.jp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEmail(tt.in)
			if err != nil {
				t.Fatalf("ParseEmail(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseEmail(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseEmailInvalid(t *testing.T) {
	for _, in := range []string{
		"", "taro", "taro@", "@example.jp", "taro@example", "ta ro@example.jp", "taro..yamada@example.jp",
		".taro@example.jp", "taro@-example.jp", "taro@example..jp", "taro@example.jp.", "taro@1.2", "ta(ro@example.jp",
		"taro@exa_mple.jp", "\xff@example.jp",
	} {
		_, err := ParseEmail(in)
		var e *Error
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &e) || e.Kind != KindEmail {
			t.Errorf("ParseEmail(%q) error = %v, want *Error of kind email", in, err)
		}
	}
}

func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{"taro@example.jp", "Ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "a..b.@docomo.ne.jp", "x@例え.jp"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEmail(s)
		if err != nil {
			return
		}
		for _, again := range []string{e.Address, e.Key} {
			e2, err := ParseEmail(again)
			if err != nil || e2.Key != e.Key {
				t.Fatalf("ParseEmail(%q).Key = %q, %v; want %q (from %q)", again, e2.Key, err, e.Key, s)
			}
		}
	})
}

func BenchmarkParseEmail(b *testing.B) {
	loopCPU(b, func() { _, _ = ParseEmail("Taro.Yamada@Example.co.jp") })
}
