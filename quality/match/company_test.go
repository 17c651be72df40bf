package match

import (
	"testing"

	"github.com/c360/c360/customer"
)

// Account matching a B2B data steward would trust: group companies sharing
// an office and a main number stay apart, while a renamed company (same
// 法人番号) and a branch join their company.
func TestAccounts(t *testing.T) {
	account := func(sys, id, name, corp, phone, addr string) customer.SourceRecord {
		r := customer.SourceRecord{System: sys, RecordID: id}
		r.Kind = customer.KindAccount
		r.LegalName, r.CorporateNumber = name, corp
		if phone != "" {
			r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactPhone, Value: phone})
		}
		if addr != "" {
			r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactPostal, Value: addr})
		}
		return r
	}
	const (
		miOffice = "東京都港区芝公園1-2-3"
		miPhone  = "03-5555-0001"
	)
	src := []customer.SourceRecord{
		// 0-3: a group at one office with one main number.
		account("sales", "A-1", "株式会社エムアイ食品", "", miPhone, miOffice),
		account("crm", "A-2", "エムアイ食品物流株式会社", "", miPhone, miOffice),
		account("crm", "A-3", "エムアイ食品ホールディングス株式会社", "", miPhone, miOffice),
		account("billing", "A-4", "(株)エムアイ食品", "", "0355550001", miOffice),
		// 4-5: sister companies, no address.
		account("sales", "A-5", "サクラ商事株式会社", "", "06-6666-0002", ""),
		account("crm", "A-6", "サクラ商事不動産株式会社", "", "06-6666-0002", ""),
		// 6-7: renamed from 有限会社 to 株式会社, same 法人番号.
		account("sales", "A-7", "有限会社ミドリ製作所", "3020001077090", "045-777-0003", "神奈川県横浜市西区みなとみらい2-2-1"),
		account("crm", "A-8", "株式会社ミドリ製作所", "3020001077090", "", ""),
		// 8-9: a branch and its company.
		account("sales", "A-9", "株式会社アオバ電機", "", "022-888-0004", "宮城県仙台市青葉区一番町1-1-1"),
		account("crm", "A-10", "アオバ電機 大阪支店", "", "022-888-0004", ""),
		// 10-11: unrelated companies.
		account("sales", "A-11", "株式会社ヒノデ精工", "", "052-999-0005", "愛知県名古屋市中区栄3-3-3"),
		account("crm", "A-12", "株式会社ツキミ商会", "", "092-111-0006", "福岡県福岡市中央区天神2-2-2"),
	}
	m, err := New(Config{Fields: SourceFields(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Dedupe(t.Context(), SourceRecords(src))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		a, b  int
		same  bool
		limit string
	}{
		{"the company and its logistics sister", 0, 1, false, LimitOtherCompany},
		{"the company and its holding company", 0, 2, false, LimitOtherCompany},
		{"the sisters between them", 1, 2, false, LimitOtherCompany},
		{"one company in two notations", 0, 3, true, ""},
		{"サクラ商事 and サクラ商事不動産", 4, 5, false, LimitOtherCompany},
		{"renamed 有限会社 → 株式会社, same 法人番号", 6, 7, true, ""},
		{"a branch and its company", 8, 9, true, ""},
		{"unrelated companies", 10, 11, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, _ := res.Explain(tt.a, tt.b)
			t.Logf("%s + %s: weight %.1f, probability %.4f, limit %q", ex.A, ex.B, ex.Weight, ex.Probability, ex.Limit)
			if same := res.ClusterOf[tt.a] == res.ClusterOf[tt.b]; same != tt.same {
				t.Errorf("same cluster = %v, want %v", same, tt.same)
			}
			if tt.limit != "" && ex.Limit != tt.limit {
				t.Errorf("limit %q, want %q", ex.Limit, tt.limit)
			}
		})
	}
}

func TestCompanyRelation(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"エムアイ食品", "エムアイ食品物流", otherCompany},
		{"サクラ商事", "サクラ商事不動産", otherCompany},
		{"サクラ", "第一サクラ", otherCompany},
		{"acme", "acme holdings", otherCompany},
		{"acme", "acme japan", otherCompany},
		{"アオバ電機", "アオバ電機大阪支店", sameCompany},
		{"アオバ電機", "アオバ電機 仙台営業所", sameCompany},
		{"アオバ電機", "アオバ電気", unrelatedCompany},
		{"アオバ", "アオバ電機", unrelatedCompany},
		{"エムアイ食品物流", "エムアイ食品ホールディングス", otherCompany},
		{"アオバ電機大阪支店", "アオバ電機仙台営業所", sameCompany},
		{"ヒノデ精工", "ツキミ商会", unrelatedCompany},
	} {
		if got := companyRelation(tt.a, tt.b); got != tt.want {
			t.Errorf("companyRelation(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := companyRelation(tt.b, tt.a); got != tt.want {
			t.Errorf("companyRelation(%q, %q) = %d, want %d (symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
}

// Sister companies are kept apart even through a third record that matches
// both (an account with the group's office and main number but no name):
// it joins one of them, and the match it could not make says why.
func TestSisterCompaniesNotChained(t *testing.T) {
	fields := []Field{{"company", KindCompany}, {"phone", KindPhone}, {"address", KindAddress}}
	recs := []Record{
		{ID: "a", Values: []string{"株式会社エムアイ食品", "03-5555-0001", "東京都港区芝公園1-2-3"}},
		{ID: "b", Values: []string{"エムアイ食品物流株式会社", "03-5555-0001", "東京都港区芝公園1-2-3"}},
		{ID: "c", Values: []string{"", "0355550001", "東京都港区芝公園1丁目2-3"}},
		{ID: "d", Values: []string{"", "03-5555-0001", "東京都港区芝公園1-2-3"}},
	}
	m, err := New(Config{Fields: fields, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if res.ClusterOf[0] == res.ClusterOf[1] {
		t.Fatalf("the sister companies are in one cluster: %v", res.ClusterOf)
	}
	for _, x := range []int{2, 3} {
		ex0, _ := res.Explain(0, x)
		ex1, _ := res.Explain(1, x)
		t.Logf("%s: with a p=%.3f %q, with b p=%.3f %q", recs[x].ID, ex0.Probability, ex0.Limit, ex1.Probability, ex1.Limit)
		joinedA, joinedB := res.ClusterOf[x] == res.ClusterOf[0], res.ClusterOf[x] == res.ClusterOf[1]
		if ex0.Probability >= 0.7 && ex1.Probability >= 0.7 {
			if joinedA == joinedB {
				t.Errorf("%s: joined a %v, b %v; want exactly one", recs[x].ID, joinedA, joinedB)
			}
			other := ex1
			if joinedB {
				other = ex0
			}
			if other.Limit != LimitOtherCompany {
				t.Errorf("%s: the match not made says %q, want %q", recs[x].ID, other.Limit, LimitOtherCompany)
			}
		}
	}
}
