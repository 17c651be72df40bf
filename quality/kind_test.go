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

// TestInferKinds: quality refines what the matcher infers — dates by their
// header, regions as prefectures, equality-only columns as categories — and
// keeps the header's kind for a column empty in the whole sample.
func TestInferKinds(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		sample [][]string
		want   []match.Kind
	}{
		{
			name:   "refined kinds",
			header: []string{"birth_date", "生年月日", "updated_at", "order_date", "prefecture", "フリガナ", "gender", "address_1", "city"},
			sample: [][]string{{"1980-01-02", "1980-01-02", "2024-05-06", "2024-05-06", "東京都", "ヤマダ", "F", "1-2-3 Marunouchi", "Chiyoda"}},
			want: []match.Kind{match.KindBirthDate, match.KindBirthDate, match.KindTimestamp, match.KindDate, match.KindPrefecture,
				match.KindNameKana, match.KindCategory, match.KindAddress, match.KindText},
		},
		{
			name:   "an empty column keeps its header's kind",
			header: []string{"email", "phone", "notes"},
			sample: [][]string{{"", "", ""}},
			want:   []match.Kind{match.KindEmail, match.KindPhone, match.KindIgnore},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, quality.InferKinds(tt.header, tt.sample)); diff != "" {
				t.Errorf("InferKinds (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDefaultRules pins the rules derived from a set of field kinds.
func TestDefaultRules(t *testing.T) {
	fields := []quality.Field{
		{Name: "id", Kind: match.KindID},
		{Name: "family", Kind: match.KindFamilyName},
		{Name: "given", Kind: match.KindGivenName, Optional: true},
		{Name: "family_kana", Kind: match.KindNameKana},
		{Name: "given_kana", Kind: match.KindNameKana},
		{Name: "email", Kind: match.KindEmail},
		{Name: "zip", Kind: match.KindPostalCode},
		{Name: "pref", Kind: match.KindPrefecture},
		{Name: "addr", Kind: match.KindAddress},
		{Name: "born", Kind: match.KindBirthDate},
		{Name: "created", Kind: match.KindTimestamp, MaxAge: time.Hour},
		{Name: "note", Kind: match.KindIgnore},
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
