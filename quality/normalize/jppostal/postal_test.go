package jppostal

import (
	"encoding/csv"
	"github.com/c360/c360/internal/shareddata"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		name string
		code string
		want []Place
	}{
		{"plain", "1000005", []Place{{"東京都", "千代田区", "丸の内（次のビルを除く）", "マルノウチ（ツギノビルヲノゾク）"}}},
		{"hyphen and mark", "〒100-0005", []Place{{"東京都", "千代田区", "丸の内（次のビルを除く）", "マルノウチ（ツギノビルヲノゾク）"}}},
		{"full-width", "０６０－００４２", []Place{{"北海道", "札幌市中央区", "大通西（１〜１９丁目）", "オオドオリニシ（１−１９チョウメ）"}}},
		{"municipality-level placeholder", "0600000", []Place{{"北海道", "札幌市中央区", "", ""}}},
		{"two prefectures", "4980000", []Place{
			{"愛知県", "弥富市", "", ""},
			{"三重県", "桑名郡木曽岬町", "", ""},
		}},
		{"first code", "0010000", []Place{{"北海道", "札幌市北区", "", ""}}},
		{"unknown", "0000000", nil},
		{"six digits", "100-005", nil},
		{"eight digits", "100-00051", nil},
		{"letters", "ABC-DEFG", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Lookup(tt.code)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup(%q) mismatch (-want +got):\n%s", tt.code, diff)
			}
		})
	}
}

func TestLookupManyTowns(t *testing.T) {
	// 4520961 is shared by the most towns (66 rows) in the May 2026 data.
	got := Lookup("452-0961")
	if len(got) < 50 {
		t.Fatalf("Lookup(452-0961) = %d places, want the many towns sharing it", len(got))
	}
	for _, p := range got {
		if p.Prefecture != "愛知県" || p.Town == "" || p.TownKana == "" {
			t.Errorf("unexpected place %+v", p)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if len(Lookup("100-0005")) != 1 {
			b.Fatal("lookup failed")
		}
	}
}

// TestLookupAllRows checks every row of the source CSV against the table
// when ../shared/data is present.
func TestLookupAllRows(t *testing.T) {
	if testing.Short() {
		t.Skip("checking all 124,511 rows is slow; skipped in -short mode")
	}
	path := refData(t, "postal_codes.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Rows of one code, in file order.
	want := map[string][]Place{}
	var codes []string
	for _, r := range recs[1:] {
		town, kana := r[4], r[5]
		if town == "以下に掲載がない場合" || strings.HasSuffix(town, "の次に番地がくる場合") || town == r[3]+"一円" {
			town, kana = "", ""
		}
		if want[r[0]] == nil {
			codes = append(codes, r[0])
		}
		want[r[0]] = append(want[r[0]], Place{r[2], r[3], town, kana})
	}
	bad := 0
	for _, c := range codes {
		got := Lookup(c)
		if !slices.Equal(want[c], got) {
			t.Errorf("Lookup(%s) = %v, want %v", c, got, want[c])
			if bad++; bad == 10 {
				t.Fatal("too many differences")
			}
		}
	}
	if len(codes) < 100000 {
		t.Errorf("only %d codes in %s", len(codes), path)
	}
}

// refData returns the path of a file in ../shared/data/jp-reference next to
// the module root, or skips the test.
func refData(t *testing.T, name string) string {
	t.Helper()
	return shareddata.Path(t, "jp-reference/"+name)
}
