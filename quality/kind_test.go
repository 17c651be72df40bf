package quality_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/c360/c360/quality"
	"github.com/c360/c360/quality/match"
)

func TestParseKind(t *testing.T) {
	tests := []struct {
		in   string
		want quality.Kind
	}{
		{"email", quality.KindEmail},
		{" Postal-Code ", quality.KindPostalCode},
		{"birth_date", quality.KindBirthDate},
		{"region", quality.KindPrefecture}, // a quality/match name
		{"exact", quality.KindCategory},    // a quality/match name
		{"family_name", quality.KindFamilyName},
		{"corporate_number", quality.KindCorporateNumber},
	}
	for _, tt := range tests {
		got, err := quality.ParseKind(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseKind(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := quality.ParseKind("mail"); !errors.Is(err, quality.ErrConfig) {
		t.Errorf("ParseKind(mail) error = %v, want ErrConfig", err)
	}
	for k := quality.KindIgnore; k <= quality.KindCategory; k++ {
		back, err := quality.ParseKind(k.String())
		if err != nil || back != k {
			t.Errorf("ParseKind(%q) = %v, %v; want %v", k.String(), back, err, k)
		}
	}
}

func TestKindFromMatch(t *testing.T) {
	tests := []struct {
		mk     match.Kind
		header string
		want   quality.Kind
	}{
		{match.KindDate, "birth_date", quality.KindBirthDate},
		{match.KindDate, "生年月日", quality.KindBirthDate},
		{match.KindDate, "updated_at", quality.KindTimestamp},
		{match.KindDate, "order_date", quality.KindDate},
		{match.KindRegion, "prefecture", quality.KindPrefecture},
		{match.KindNameKana, "フリガナ", quality.KindNameKana},
		{match.KindIgnore, "x", quality.KindIgnore},
	}
	for _, tt := range tests {
		if got := quality.KindFromMatch(tt.mk, tt.header); got != tt.want {
			t.Errorf("KindFromMatch(%v, %q) = %v, want %v", tt.mk, tt.header, got, tt.want)
		}
	}
}

// TestDefaultRules pins the rules derived from a set of field kinds.
func TestDefaultRules(t *testing.T) {
	fields := []quality.Field{
		{Name: "id", Kind: quality.KindID},
		{Name: "family", Kind: quality.KindFamilyName},
		{Name: "given", Kind: quality.KindGivenName, Optional: true},
		{Name: "family_kana", Kind: quality.KindNameKana},
		{Name: "given_kana", Kind: quality.KindNameKana},
		{Name: "email", Kind: quality.KindEmail},
		{Name: "zip", Kind: quality.KindPostalCode},
		{Name: "pref", Kind: quality.KindPrefecture},
		{Name: "addr", Kind: quality.KindAddress},
		{Name: "born", Kind: quality.KindBirthDate},
		{Name: "created", Kind: quality.KindTimestamp, MaxAge: time.Hour},
		{Name: "note", Kind: quality.KindIgnore},
	}
	var got []string
	for _, r := range quality.DefaultRules(fields) {
		got = append(got, r.Name())
	}
	want := []string{
		"completeness:id", "uniqueness:id",
		"completeness:family",
		"completeness:family_kana", "validity:family_kana",
		"completeness:given_kana", "validity:given_kana",
		"completeness:email", "validity:email", "uniqueness:email",
		"completeness:zip", "validity:zip",
		"completeness:pref", "validity:pref",
		"completeness:addr", "validity:addr",
		"completeness:born", "validity:born",
		"completeness:created", "validity:created", "timeliness:created",
		"consistency:zip=pref", "consistency:zip=addr",
		"consistency:family⇒family_kana", "consistency:given⇒given_kana",
		"consistency:born<created",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rules (-want +got):\n%s", d)
	}
}

func TestTable(t *testing.T) {
	tab, err := quality.NewTable([]string{"id", "a"}, [][]string{{"1", "x"}, {"2", ""}}, "id")
	if err != nil {
		t.Fatal(err)
	}
	recs := tab.Records()
	if tab.Len() != 2 || recs[1].RecordID() != "2" || !cmp.Equal(recs[0].Values("a"), []string{"x"}) || recs[0].Values("b") != nil {
		t.Error("Table records do not expose their rows")
	}
	if _, err := quality.NewTable([]string{"id", "a"}, [][]string{{"1"}}, "id"); !errors.Is(err, quality.ErrRecord) {
		t.Errorf("ragged row: error %v, want ErrRecord", err)
	}
	if _, err := quality.NewTable([]string{"id", "a"}, nil, "key"); !errors.Is(err, quality.ErrConfig) {
		t.Errorf("unknown ID column: error %v, want ErrConfig", err)
	}
	if _, err := quality.NewTable([]string{"id", "id"}, nil, "id"); !errors.Is(err, quality.ErrConfig) {
		t.Errorf("duplicate column: error %v, want ErrConfig", err)
	}
}

// TestReportRoundTrip: a report read back with ReadReport writes the same
// bytes, so diffs can be taken against stored reports.
func TestReportRoundTrip(t *testing.T) {
	a := assess(t, goldenConfig(), goldenRecords())
	var first, second bytes.Buffer
	if err := a.Report.WriteJSON(&first); err != nil {
		t.Fatal(err)
	}
	r, err := quality.ReadReport(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&second); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(first.String(), second.String()); d != "" {
		t.Errorf("round trip (-first +second):\n%s", d)
	}
	if _, err := quality.ReadReport(bytes.NewReader([]byte(`{"rules":[{"status":"great"}]}`))); err == nil {
		t.Error("an unknown status must fail to decode")
	}
}
