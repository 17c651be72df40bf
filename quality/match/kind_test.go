package match

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseKindRoundTrip(t *testing.T) {
	if got := len(Kinds()); got != 22 {
		t.Fatalf("len(Kinds()) = %d, want 22", got)
	}
	for _, k := range Kinds() {
		got, err := ParseKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v; want %v", k.String(), got, err, k)
		}
		b, err := k.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var u Kind
		if err := u.UnmarshalText(b); err != nil || u != k {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", b, u, err, k)
		}
	}
	if k, err := ParseKind(" Postal-Code "); err != nil || k != KindPostalCode {
		t.Errorf("ParseKind(\" Postal-Code \") = %v, %v; want postal_code", k, err)
	}
	if _, err := ParseKind("nickname"); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("ParseKind(nickname) err = %v, want ErrUnknownKind", err)
	}
	if s := Kind(99).String(); s != "Kind(99)" {
		t.Errorf("Kind(99).String() = %q", s)
	}
}

func TestInferKinds(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		sample [][]string
		want   []Kind
	}{
		{
			name:   "febrl",
			header: []string{"given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state", "date_of_birth", "soc_sec_id"},
			sample: [][]string{{"lachlan", "berry", "69", "giblin street", "killarney", "bittern", "4814", "qld", "19990219", "7364009"}},
			want:   []Kind{KindGivenName, KindFamilyName, KindNumber, KindStreet, KindStreet, KindLocality, KindPostalCode, KindRegion, KindDate, KindID},
		},
		{
			name:   "japanese headers",
			header: []string{"氏名", "姓", "名", "フリガナ", "会社名", "電話", "郵便番号", "住所", "生年月日", "メールアドレス", "法人番号"},
			sample: [][]string{{"山田 太郎", "山田", "太郎", "ヤマダ タロウ", "株式会社ABC", "03-1234-5678", "100-0005", "東京都千代田区丸の内1-1-1", "1980-01-02", "taro@example.jp", "1234567890123"}},
			want:   []Kind{KindPersonName, KindFamilyName, KindGivenName, KindNameKana, KindCompany, KindPhone, KindPostalCode, KindAddress, KindDate, KindEmail, KindID},
		},
		{
			name:   "values decide unknown names",
			header: []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"},
			sample: [][]string{
				{"a@b.jp", "150-0001", "1999/01/02", "090-1234-5678", "42", "ヤマダ タロウ", "株式会社ABC", ""},
				{"c@d.com", "〒530-0001", "2001-12-31", "0312345678", "7", "すずき はなこ", "XYZ(株)", ""},
			},
			want: []Kind{KindEmail, KindPostalCode, KindDate, KindPhone, KindNumber, KindNameKana, KindCompany, KindIgnore},
		},
		{
			name:   "spelling variants and truth columns",
			header: []string{" First Name ", "E-Mail", "home_phone", "cluster", "notes"},
			sample: [][]string{{"Robert", "r@x.net", "020 7946 0018", "3", "called twice"}},
			want:   []Kind{KindGivenName, KindEmail, KindPhone, KindIgnore, KindText},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := InferKinds(tt.header, tt.sample)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("InferKinds (-want +got):\n%s", diff)
			}
		})
	}
}
