package quality_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c360/c360/quality"
)

// TestReportNoData pins what a report says when there is nothing to check:
// a rule that checked no record is no_data (not pass, ratio 0), and a
// report of no record scores 0 with the overall status no_data — never a
// perfect 100.
func TestReportNoData(t *testing.T) {
	rules := []quality.Rule{quality.Required("email"), quality.Validate("email", quality.ValidEmail())}
	type ruleLine struct {
		Name           string
		Passed, Failed int64
		Ratio          float64
		Status         string
	}
	tests := []struct {
		name    string
		reason  string
		recs    []quality.Record
		score   float64
		rules   []ruleLine
		overall quality.CheckCounts
	}{
		{
			name:   "no record",
			reason: "nothing was checked: every rule and the overall pool are no_data; the score is 0, not 100",
			score:  0,
			rules: []ruleLine{
				{"completeness:email", 0, 0, 0, "no_data"},
				{"validity:email", 0, 0, 0, "no_data"},
			},
			overall: quality.CheckCounts{Status: quality.StatusNoData},
		},
		{
			name:   "every e-mail missing",
			reason: "completeness fails 0/2; validity is skipped on both records, so it has no data rather than passing",
			recs:   records(rec("A"), rec("B", "email", " ")),
			score:  0,
			rules: []ruleLine{
				{"completeness:email", 0, 2, 0, "fail"},
				{"validity:email", 0, 0, 0, "no_data"},
			},
			overall: quality.CheckCounts{Failed: 2, Status: quality.StatusFail},
		},
		{
			name:   "one good record",
			reason: "both rules pass 1/1; record score 100",
			recs:   records(rec("A", "email", "a@example.jp")),
			score:  100,
			rules: []ruleLine{
				{"completeness:email", 1, 0, 1, "pass"},
				{"validity:email", 1, 0, 1, "pass"},
			},
			overall: quality.CheckCounts{Passed: 2, Ratio: 1, Status: quality.StatusPass},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := assess(t, quality.Config{Rules: rules}, tt.recs).Report
			var got []ruleLine
			for _, rr := range r.Rules {
				got = append(got, ruleLine{rr.Name, rr.Passed, rr.Failed, rr.Ratio, rr.Status.String()})
			}
			if diff := cmp.Diff(tt.rules, got); diff != "" {
				t.Errorf("rules (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
			if r.Score != tt.score {
				t.Errorf("score = %v, want %v (%s)", r.Score, tt.score, tt.reason)
			}
			if diff := cmp.Diff(tt.overall, r.Checks["overall"]); diff != "" {
				t.Errorf("overall checks (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReportNoDataJSON checks the JSON of an empty report and that it
// reads back.
func TestReportNoDataJSON(t *testing.T) {
	r := assess(t, quality.Config{Rules: []quality.Rule{quality.Required("email")}}, nil).Report
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	js := buf.String()
	for _, want := range []string{`"records": 0,`, `"score": 0,`, `"status": "no_data"`} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	if strings.Contains(js, `"pass"`+"\n") || strings.Contains(js, `"status": "pass"`) {
		t.Errorf("an empty report passes something:\n%s", js)
	}
	back, err := quality.ReadReport(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, back); diff != "" {
		t.Errorf("report read back (-want +got):\n%s", diff)
	}
	var html bytes.Buffer
	if err := r.WriteHTML(&html, "empty"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"no data", "no_data"} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("HTML report does not say %q", want)
		}
	}
}

func TestStatusNoDataText(t *testing.T) {
	b, err := quality.StatusNoData.MarshalText()
	if err != nil || string(b) != "no_data" {
		t.Fatalf("MarshalText = %q, %v; want no_data", b, err)
	}
	var s quality.Status
	if err := s.UnmarshalText([]byte("no_data")); err != nil || s != quality.StatusNoData {
		t.Errorf("UnmarshalText(no_data) = %v, %v", s, err)
	}
}
