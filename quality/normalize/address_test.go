package normalize

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		name, in string
		want     Address
	}{
		{"full, canonical", "東京都千代田区丸の内1-2-3",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "丸の内", Block: "1-2-3", Key: "東京都千代田区丸の内1-2-3"}},
		{"丁目番号", "東京都千代田区丸の内1丁目2番3号",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "丸の内", Block: "1-2-3", Key: "東京都千代田区丸の内1-2-3"}},
		{"kanji numerals", "東京都千代田区丸の内一丁目二番三号",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "丸の内", Block: "1-2-3", Key: "東京都千代田区丸の内1-2-3"}},
		{"full-width digits and dashes", "東京都千代田区丸の内１－２－３",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "丸の内", Block: "1-2-3", Key: "東京都千代田区丸の内1-2-3"}},
		{"丁目 then dashes", "東京都千代田区丸の内1丁目2-3",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "丸の内", Block: "1-2-3", Key: "東京都千代田区丸の内1-2-3"}},
		{"二十三番地", "東京都千代田区丸の内一丁目二十三番地",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "丸の内", Block: "1-23", Key: "東京都千代田区丸の内1-23"}},
		{"番地 and number", "北海道虻田郡倶知安町北1条西2丁目3番地4",
			Address{Prefecture: "北海道", Municipality: "虻田郡倶知安町", MunicipalityCode: "014001", Town: "北一条西", Block: "2-3-4", Key: "北海道虻田郡倶知安町北一条西2-3-4"}},
		{"2番地3", "長野県北佐久郡軽井沢町大字軽井沢2番地3",
			Address{Prefecture: "長野県", Municipality: "北佐久郡軽井沢町", MunicipalityCode: "203211", Town: "軽井沢", Block: "2-3", Key: "長野県北佐久郡軽井沢町軽井沢2-3"}},
		{"番地の", "長野県北佐久郡軽井沢町軽井沢2番地の3",
			Address{Prefecture: "長野県", Municipality: "北佐久郡軽井沢町", MunicipalityCode: "203211", Town: "軽井沢", Block: "2-3", Key: "長野県北佐久郡軽井沢町軽井沢2-3"}},
		{"county left out", "北海道倶知安町北1条西2丁目",
			Address{Prefecture: "北海道", Municipality: "虻田郡倶知安町", MunicipalityCode: "014001", Town: "北一条西", Block: "2", Key: "北海道虻田郡倶知安町北一条西2"}},
		{"building kept intact", "東京都中央区八重洲1-2-3 ニュー八重洲ビル5F",
			Address{Prefecture: "東京都", Municipality: "中央区", MunicipalityCode: "131024", Town: "八重洲", Block: "1-2-3", Building: "ニュー八重洲ビル5F", Key: "東京都中央区八重洲1-2-3、ニュー八重洲ビル5F"}},
		{"building without space", "東京都中央区八重洲一丁目二番三号ニュー八重洲ビル十階",
			Address{Prefecture: "東京都", Municipality: "中央区", MunicipalityCode: "131024", Town: "八重洲", Block: "1-2-3", Building: "ニュー八重洲ビル十階", Key: "東京都中央区八重洲1-2-3、ニュー八重洲ビル十階"}},
		{"room number after space", "東京都中央区八重洲1-2-3 101号室",
			Address{Prefecture: "東京都", Municipality: "中央区", MunicipalityCode: "131024", Town: "八重洲", Block: "1-2-3", Building: "101号室", Key: "東京都中央区八重洲1-2-3、101号室"}},
		{"room number with 号室 after a dash", "東京都中央区八重洲1-2-3-303号室",
			Address{Prefecture: "東京都", Municipality: "中央区", MunicipalityCode: "131024", Town: "八重洲", Block: "1-2-3", Building: "303号室", Key: "東京都中央区八重洲1-2-3、303号室"}},
		{"floor after a dash", "東京都中央区八重洲1丁目2-3-5F",
			Address{Prefecture: "東京都", Municipality: "中央区", MunicipalityCode: "131024", Town: "八重洲", Block: "1-2-3", Building: "5F", Key: "東京都中央区八重洲1-2-3、5F"}},
		{"ノ between numbers", "東京都台東区三ノ輪1丁目12ノ3",
			Address{Prefecture: "東京都", Municipality: "台東区", MunicipalityCode: "131067", Town: "三ノ輪", Block: "1-12-3", Key: "東京都台東区三ノ輪1-12-3"}},
		{"fourth number", "東京都台東区根岸3丁目6-23-2",
			Address{Prefecture: "東京都", Municipality: "台東区", MunicipalityCode: "131067", Town: "根岸", Block: "3-6-23-2", Key: "東京都台東区根岸3-6-23-2"}},
		{"designated-city ward", "神奈川県横浜市西区みなとみらい2-3-1",
			Address{Prefecture: "神奈川県", Municipality: "横浜市西区", MunicipalityCode: "141038", Town: "みなとみらい", Block: "2-3-1", Key: "神奈川県横浜市西区みなとみらい2-3-1"}},
		{"prefecture guessed from a designated-city ward", "横浜市西区みなとみらい2-3-1",
			Address{Prefecture: "神奈川県", Municipality: "横浜市西区", MunicipalityCode: "141038", PrefectureGuessed: true, Town: "みなとみらい", Block: "2-3-1", Key: "神奈川県横浜市西区みなとみらい2-3-1"}},
		{"prefecture guessed from a city", "札幌市中央区北1条西2丁目",
			Address{Prefecture: "北海道", Municipality: "札幌市中央区", MunicipalityCode: "011011", PrefectureGuessed: true, Town: "北一条西", Block: "2", Key: "北海道札幌市中央区北一条西2"}},
		{"prefecture guessed from a special ward", "千代田区丸の内1-2-3",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", PrefectureGuessed: true, Town: "丸の内", Block: "1-2-3", Key: "東京都千代田区丸の内1-2-3"}},
		{"town without county, unique in its prefecture", "北海道森町字御幸町144-1",
			Address{Prefecture: "北海道", Municipality: "茅部郡森町", MunicipalityCode: "013455", Town: "字御幸町", Block: "144-1", Key: "北海道茅部郡森町字御幸町144-1"}},
		{"town without county in two prefectures", "森町字御幸町144-1",
			Address{Municipality: "森町", Town: "字御幸町", Block: "144-1", Key: "森町字御幸町144-1"}},
		{"ambiguous city keeps prefecture empty", "府中市宮西町2丁目24番地",
			Address{Municipality: "府中市", Town: "宮西町", Block: "2-24", Key: "府中市宮西町2-24"}},
		{"prefecture without suffix", "東京千代田区丸の内1-2-3",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "丸の内", Block: "1-2-3", Key: "東京都千代田区丸の内1-2-3"}},
		{"ケ for ヶ in the municipality", "茨城県龍ヶ崎市米町1-1",
			Address{Prefecture: "茨城県", Municipality: "龍ケ崎市", MunicipalityCode: "082082", Town: "米町", Block: "1-1", Key: "茨城県龍ケ崎市米町1-1"}},
		{"ヶ for ケ in the municipality", "埼玉県鶴ケ島市大字三ツ木16-1",
			Address{Prefecture: "埼玉県", Municipality: "鶴ヶ島市", MunicipalityCode: "112411", Town: "三ツ木", Block: "16-1", Key: "埼玉県鶴ヶ島市三ツ木16-1"}},
		{"ヶ in the town folded in the key", "東京都国分寺市東恋ヶ窪2丁目1-1",
			Address{Prefecture: "東京都", Municipality: "国分寺市", MunicipalityCode: "132144", Town: "東恋ヶ窪", Block: "2-1-1", Key: "東京都国分寺市東恋ケ窪2-1-1"}},
		{"town with a numeral name", "東京都千代田区三番町6-25",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "三番町", Block: "6-25", Key: "東京都千代田区三番町6-25"}},
		{"town name with 番 before 丁目", "東京都港区麻布十番2丁目16-6",
			Address{Prefecture: "東京都", Municipality: "港区", MunicipalityCode: "131032", Town: "麻布十番", Block: "2-16-6", Key: "東京都港区麻布十番2-16-6"}},
		{"lot before 丁目, leading zeros dropped", "東京都千代田区丸の内02番1丁目",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "丸の内", Block: "2-1", Key: "東京都千代田区丸の内2-1"}},
		{"二番堰 is a name", "秋田県由利本荘市二番堰10",
			Address{Prefecture: "秋田県", Municipality: "由利本荘市", MunicipalityCode: "052108", Town: "二番堰", Block: "10", Key: "秋田県由利本荘市二番堰10"}},
		{"八丁堀 is a name", "東京都中央区八丁堀3-4-5",
			Address{Prefecture: "東京都", Municipality: "中央区", MunicipalityCode: "131024", Town: "八丁堀", Block: "3-4-5", Key: "東京都中央区八丁堀3-4-5"}},
		{"Sakai 丁 in kanji", "大阪府堺市堺区南花田口町２丁３－１０",
			Address{Prefecture: "大阪府", Municipality: "堺市堺区", MunicipalityCode: "271411", Town: "南花田口町二丁", Block: "3-10", Key: "大阪府堺市堺区南花田口町二丁3-10"}},
		{"postal code and spaces", "〒100-0005 東京都 千代田区 丸の内 1丁目 2番 3号",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "丸の内", Block: "1-2-3", Key: "東京都千代田区丸の内1-2-3"}},
		{"label, country and postal code", "住所：日本 〒100-0005 東京都千代田区丸の内1-2-3",
			Address{Prefecture: "東京都", Municipality: "千代田区", MunicipalityCode: "131016", Town: "丸の内", Block: "1-2-3", Key: "東京都千代田区丸の内1-2-3"}},
		{"Japan Post's name for the municipality", "東京都三宅島三宅村阿古",
			Address{Prefecture: "東京都", Municipality: "三宅村", MunicipalityCode: "133817", Town: "阿古", Key: "東京都三宅村阿古"}},
		{"abolished ward still recognised", "静岡県浜松市中区元城町103-2",
			Address{Prefecture: "静岡県", Municipality: "浜松市中区", MunicipalityCode: "221317", Town: "元城町", Block: "103-2", Key: "静岡県浜松市中区元城町103-2"}},
		{"current ward of the same name first", "静岡県浜松市天竜区二俣町二俣481",
			Address{Prefecture: "静岡県", Municipality: "浜松市天竜区", MunicipalityCode: "221406", Town: "二俣町二俣", Block: "481", Key: "静岡県浜松市天竜区二俣町二俣481"}},
		{"designated city without ward", "神奈川県横浜市",
			Address{Prefecture: "神奈川県", Municipality: "横浜市", MunicipalityCode: "141003", Key: "神奈川県横浜市"}},
		{"prefecture only", "沖縄県",
			Address{Prefecture: "沖縄県", Key: "沖縄県"}},
		{"unknown municipality in a prefecture", "東京都どこか1-2",
			Address{Prefecture: "東京都", Town: "どこか", Block: "1-2", Key: "東京都どこか1-2"}},
		{"Latin building name", "大阪府大阪市北区梅田3-1-3 Grand Front Osaka Tower A 20F",
			Address{Prefecture: "大阪府", Municipality: "大阪市北区", MunicipalityCode: "271276", Town: "梅田", Block: "3-1-3", Building: "Grand Front Osaka Tower A 20F", Key: "大阪府大阪市北区梅田3-1-3、Grand Front Osaka Tower A 20F"}},
		{"full-width Latin building", "大阪府大阪市北区梅田３－１－３　ＡＢＣビル",
			Address{Prefecture: "大阪府", Municipality: "大阪市北区", MunicipalityCode: "271276", Town: "梅田", Block: "3-1-3", Building: "ABCビル", Key: "大阪府大阪市北区梅田3-1-3、ABCビル"}},
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
			// The key parses to itself.
			again, err := ParseAddress(got.Key)
			if err != nil || again.Key != got.Key {
				t.Errorf("ParseAddress(Key %q) = %q, %v", got.Key, again.Key, err)
			}
		})
	}
}

func TestParseAddressErrors(t *testing.T) {
	for _, in := range []string{"", "   ", "〒100-0005", "1-2-3", "丸の内1-2-3", "123 Main Street, Springfield"} {
		got, err := ParseAddress(in)
		if err == nil {
			t.Errorf("ParseAddress(%q) = %+v, want error", in, got)
			continue
		}
		var e *Error
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &e) || e.Kind != KindAddress || e.Input != in {
			t.Errorf("ParseAddress(%q) error %#v: want *Error{Kind: KindAddress} wrapping ErrInvalid", in, err)
		}
	}
}

func TestPrefectures(t *testing.T) {
	p := Prefectures()
	if len(p) != 47 || p[0] != "北海道" || p[12] != "東京都" || p[26] != "大阪府" || p[46] != "沖縄県" {
		t.Errorf("Prefectures() = %v", p)
	}
	p[0] = "changed"
	if Prefectures()[0] != "北海道" {
		t.Error("Prefectures() returns shared storage")
	}
}

func BenchmarkParseAddress(b *testing.B) {
	for _, in := range []string{
		"東京都千代田区丸の内1-2-3",
		"〒100-0005 東京都千代田区丸の内一丁目２番３号　ニュー八重洲ビル５Ｆ",
		"横浜市西区みなとみらい2丁目3-1",
	} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseAddress(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkKanjiNumber(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if n, err := KanjiNumber("十二万三千四百五十六"); err != nil || n != 123456 {
			b.Fatal(n, err)
		}
	}
}
