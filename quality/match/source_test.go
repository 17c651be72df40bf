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
		{Type: customer.ContactPostal, Value: "東京都千代田区丸の内1-2-3"},
	}
	a := customer.SourceRecord{System: "sales", RecordID: "A-1"}
	a.Kind = customer.KindAccount
	a.LegalName, a.CorporateNumber = "株式会社横浜ランナーズ", "3020001077090"

	got := SourceRecords([]customer.SourceRecord{r, a})
	want := []Record{
		{ID: "webshop/W-1", Values: []string{"山田", "太郎", "ヤマダタロウ", "Taro Yamada", "taro@example.jp", "090-1234-5678", "1985-04-12", "東京都千代田区丸の内1-2-3", "", ""}},
		{ID: "sales/A-1", Values: []string{"", "", "", "", "", "", "", "", "株式会社横浜ランナーズ", "3020001077090"}},
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
