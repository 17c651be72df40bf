package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/server"
	"github.com/google/go-cmp/cmp"
)

// TestNameSearch finds people by kanji, kana (either script, either
// width), romaji (Hepburn variants, either order) and parts of names, and
// accounts by their legal name.
func TestNameSearch(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{})
	yamada := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")
	yamada.Name.FamilyKana, yamada.Name.GivenKana = "ヤマダ", "タロウ"
	sato := person("sales", "S-2", "佐藤", "翔太", "shota@example.jp", "")
	sato.Name.FamilyKana, sato.Name.GivenKana = "さとう", "しょうた"
	takahashi := person("sales", "S-3", "髙橋", "一郎", "ichiro@example.jp", "")
	smith := person("sales", "S-4", "Smith", "John", "john@example.com", "")
	latin := person("sales", "S-5", "伊藤", "ジュン", "jun@example.jp", "")
	latin.Name.Latin = "Jun'ichi Itō"
	acct := customer.SourceRecord{System: "sales", RecordID: "A-1"}
	acct.Kind = customer.KindAccount
	acct.LegalName = "株式会社山田商事"
	ids := map[string]customer.ID{}
	for name, r := range map[string]customer.SourceRecord{"yamada": yamada, "sato": sato, "takahashi": takahashi, "smith": smith, "ito": latin, "acct": acct} {
		ids[name] = f.upsert(r).Profile
	}
	search := func(q string) []string {
		t.Helper()
		var res server.NameResult
		f.decode(f.do("GET", "/v1/profiles?name="+url.QueryEscape(q), "", nil), http.StatusOK, &res)
		if res.Truncated || res.Scanned != len(ids) {
			t.Errorf("%q: scanned %d, truncated %v; want all %d", q, res.Scanned, res.Truncated, len(ids))
		}
		var got []string
		for _, p := range res.Profiles {
			for name, id := range ids {
				if id == p.ID {
					got = append(got, name)
				}
			}
		}
		return got
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"山田 太郎", []string{"yamada"}},
		{"山田太郎", []string{"yamada"}},
		{"山田　太郎", []string{"yamada"}}, // ideographic space
		{"太郎", []string{"yamada"}},
		{"やまだ", []string{"yamada"}},
		{"ﾔﾏﾀﾞ ﾀﾛｳ", []string{"yamada"}},
		{"Yamada Taro", []string{"yamada"}},
		{"taro yamada", []string{"yamada"}},
		{"TAROU", []string{"yamada"}},
		{"yamadatarou", []string{"yamada"}},
		{"Satō", []string{"sato"}},
		{"satoh shota", []string{"sato"}},
		{"syouta", []string{"sato"}}, // Kunrei-shiki spelling of the reading しょうた
		{"高橋", []string{"takahashi"}},
		{"john", []string{"smith"}},
		{"smith john", []string{"smith"}},
		{"junichi", []string{"ito"}},
		{"ito", []string{"ito"}},
		{"山田商事", []string{"acct"}},
		{"山田", []string{"yamada", "acct"}}, // the family name exactly ranks before a legal name's prefix
		{"鈴木", nil},
		{"yamada hanako", nil},
	} {
		got := search(tc.q)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.q, diff)
		}
	}
}

// TestNameSearchBounded: the scan stops at Config.NameScanLimit and says
// so.
func TestNameSearchBounded(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{NameScanLimit: 2})
	for i := range 3 {
		f.upsert(benchPersonT(i))
	}
	var res server.NameResult
	f.decode(f.do("GET", "/v1/profiles?name=xyz", "", nil), http.StatusOK, &res)
	if res.Scanned != 2 || !res.Truncated {
		t.Errorf("scanned %d, truncated %v; want 2, true", res.Scanned, res.Truncated)
	}
}

func benchPersonT(i int) customer.SourceRecord { return benchPerson("sales", i, "p") }
