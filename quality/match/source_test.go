package match

import (
	"testing"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
)

func TestSourceRecords(t *testing.T) {
	r := customer.SourceRecord{System: "webshop", RecordID: "W-1"}
	r.Kind = customer.KindPerson
	r.Name = customer.PersonName{Family: "山田", Given: "太郎", FamilyKana: "ヤマダ", GivenKana: "タロウ", Latin: "Taro Yamada"}
	r.BirthDate = customer.Date{Year: 1985, Month: 4, Day: 12}
	r.ContactPoints = []customer.ContactPoint{
		{Type: customer.ContactEmail, Value: "old@example.jp"},
		{Type: customer.ContactEmail, Value: "taro@example.jp", Primary: true},
		{Type: customer.ContactPhone, Value: "090-1234-5678"},
		{Type: customer.ContactPostal, Value: "〒100-0005 東京都千代田区丸の内1-2-3"},
	}
	a := customer.SourceRecord{System: "sales", RecordID: "A-1"}
	a.Kind = customer.KindAccount
	a.LegalName, a.CorporateNumber = "株式会社横浜ランナーズ", "3020001077090"

	got := SourceRecords([]customer.SourceRecord{r, a})
	want := []Record{
		{ID: "webshop/W-1", Values: []string{"山田", "太郎", "ヤマダ", "タロウ", "Taro Yamada", "taro@example.jp", "090-1234-5678", "1985-04-12", "100-0005", "〒100-0005 東京都千代田区丸の内1-2-3", "", ""}},
		{ID: "sales/A-1", Values: []string{"", "", "", "", "", "", "", "", "", "", "株式会社横浜ランナーズ", "3020001077090"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SourceRecords (-want +got):\n%s", diff)
	}
	if _, err := New(Config{Fields: SourceFields()}); err != nil {
		t.Errorf("New(Config{Fields: SourceFields()}): %v", err)
	}
	for _, rec := range got {
		if len(rec.Values) != len(SourceFields()) {
			t.Errorf("record %s has %d values for %d fields", rec.ID, len(rec.Values), len(SourceFields()))
		}
	}
}

func TestPostalCodeOf(t *testing.T) {
	tests := []struct{ name, addr, want string }{
		{"empty", "", ""},
		{"japanese with postal mark", "〒100-0005 東京都千代田区丸の内1-2-3", "100-0005"},
		{"japanese postal joined", "〒1000005東京都千代田区丸の内1-2-3", "100-0005"},
		{"japanese full-width", "１００－０００５　大阪府大阪市北区梅田３－１－３", "100-0005"},
		{"japanese postal at the end", "北海道札幌市中央区北1条西2丁目 〒060-0001", "060-0001"},
		{"japanese without postal", "京都府京都市左京区1-2", ""},
		{"block number is not a postal code", "神奈川県横浜市西区みなとみらい2-2-1", ""},
		{"australian", "12 smith street kaleen act 2617", "2617"},
		{"american with commas and country", "1600 Pennsylvania Ave NW, Washington, DC 20500, USA", "20500"},
		{"postcode with letters", "Keizersgracht 123, Amsterdam 1015CJ", "1015CJ"},
		{"two-word postcode not found", "221B Baker Street, London NW1 6XE", ""},
		{"latin without postcode", "12 smith street kaleen", ""},
		{"street number alone", "2617", ""},
		{"romaji japanese", "1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan", "100-0005"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PostalCodeOf(tt.addr); got != tt.want {
				t.Errorf("PostalCodeOf(%q) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}
