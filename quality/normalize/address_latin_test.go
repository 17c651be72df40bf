package normalize

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAddressLatin(t *testing.T) {
	tests := []struct {
		name, in string
		want     Address
	}{
		{"Western order with postal code and country", "1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "Marunouchi", Block: "1-2-3", Key: "東京都千代田区marunouchi1-2-3"}},
		{"building first", "Shin-Marunouchi Bldg 5F, 1-5-1 Marunouchi, Chiyoda-ku, Tokyo-to 100-6590",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "Marunouchi", Block: "1-5-1", Building: "Shin-Marunouchi Bldg 5F", Key: "東京都千代田区marunouchi1-5-1、Shin-Marunouchi Bldg 5F"}},
		{"designated-city ward", "2-3-1 Minatomirai, Nishi-ku, Yokohama-shi, Kanagawa",
			Address{Prefecture: "神奈川県", Municipality: "横浜市西区", MunicipalityCode: "141038", Town: "Minatomirai", Block: "2-3-1", Key: "神奈川県横浜市西区minatomirai2-3-1"}},
		{"English words for the suffixes", "Minato Mirai 2-3-1, Nishi Ward, Yokohama City, Kanagawa Prefecture",
			Address{Prefecture: "神奈川県", Municipality: "横浜市西区", MunicipalityCode: "141038", Town: "Minato Mirai", Block: "2-3-1", Key: "神奈川県横浜市西区minatomirai2-3-1"}},
		{"city and prefecture of the same name", "3-1-3 Umeda, Kita-ku, Osaka-shi, Osaka",
			Address{Prefecture: "大阪府", Municipality: "大阪市北区", MunicipalityCode: "271276", Town: "Umeda", Block: "3-1-3", Key: "大阪府大阪市北区umeda3-1-3"}},
		{"chome written out", "1-chome 2-3 Marunouchi, Chiyoda Ku, Tokyo",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "Marunouchi", Block: "1-2-3", Key: "東京都千代田区marunouchi1-2-3"}},
		{"town with its county", "Okutama-machi, Nishitama-gun, Tokyo",
			Address{Prefecture: "東京都", Municipality: "西多摩郡奥多摩町", MunicipalityCode: "133086", Key: "東京都西多摩郡奥多摩町"}},
		{"macrons", "Tōkyō",
			Address{Prefecture: "東京都", Key: "東京都"}},
		{"prefecture guessed from a unique city", "Sapporo",
			Address{Prefecture: "北海道", Municipality: "札幌市", MunicipalityCode: "011002", PrefectureGuessed: true, Key: "北海道札幌市"}},
		{"full-width Latin", "１－２－３　Ｍａｒｕｎｏｕｃｈｉ，　Ｃｈｉｙｏｄａ－ｋｕ，　Ｔｏｋｙｏ",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "Marunouchi", Block: "1-2-3", Key: "東京都千代田区marunouchi1-2-3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAddress(tt.in)
			if err != nil {
				t.Fatalf("ParseAddress(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseAddress(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if again, err := ParseAddress(got.Key); err != nil || again.Key != got.Key {
				t.Errorf("ParseAddress(Key %q) = %q, %v", got.Key, again.Key, err)
			}
		})
	}
	for _, in := range []string{"123 Main Street, Springfield", "Fuchu-shi", "Nishi-ku"} {
		if got, err := ParseAddress(in); err == nil {
			t.Errorf("ParseAddress(%q) = %+v, want error (no prefecture or unique municipality)", in, got)
		}
	}
}

func BenchmarkParseAddressLatin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAddress("Shin-Marunouchi Bldg 5F, 1-5-1 Marunouchi, Chiyoda-ku, Tokyo 100-6590, Japan"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAddressNotJapanese is an address abroad in Latin script,
// which the parser must refuse quickly: every word is looked up as a
// prefecture and a municipality name.
func BenchmarkParseAddressNotJapanese(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAddress("Flat 3, 221B Baker Street, Marylebone, London NW1 6XE, United Kingdom"); err == nil {
			b.Fatal("an address in London parsed as Japanese")
		}
	}
}
