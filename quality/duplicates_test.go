package quality_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c360/c360/quality"
	"github.com/c360/c360/quality/match"
)

// TestMatchFinder runs the real matcher on records of which two describe
// one person in different notations.
func TestMatchFinder(t *testing.T) {
	recs := records(
		rec("1", "family", "山田", "given", "太郎", "email", "taro.yamada@example.jp", "phone", "090-1234-5678", "birth", "1985-04-03"),
		rec("2", "family", "佐藤", "given", "花子", "email", "hanako@example.jp", "phone", "03-1111-2222", "birth", "1990-01-01"),
		rec("3", "family", "山田", "given", "太郎", "email", "TARO.YAMADA@example.jp", "phone", "09012345678", "birth", "1985/4/3"),
		rec("4", "family", "鈴木", "given", "一郎", "email", "ichiro@example.jp", "phone", "045-222-3333", "birth", "1978-11-23"),
	)
	f := quality.MatchFinder{Config: match.Config{
		Fields: []match.Field{
			{Name: "family", Kind: match.KindFamilyName}, {Name: "given", Kind: match.KindGivenName},
			{Name: "email", Kind: match.KindEmail}, {Name: "phone", Kind: match.KindPhone}, {Name: "birth", Kind: match.KindDate},
		},
	}}
	got, err := f.Clusters(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([][]int{{0, 2}}, got); d != "" {
		t.Errorf("clusters (-want +got):\n%s", d)
	}
	if _, err := (quality.MatchFinder{}).Clusters(t.Context(), recs); err == nil {
		t.Error("a MatchFinder without fields must fail")
	}
}
