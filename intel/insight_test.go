package intel_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var approx = cmpopts.EquateApprox(0, 0.005)

func TestNPSWorkedExamples(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answers []int
		want    intel.NPSResult
	}{
		{
			// 4 promoters, 2 passives, 4 detractors of 10: NPS = 40 − 40 = 0.
			// Var = p + d − (p−d)² = 0.8; SE = 100·√(0.8/10) = 28.284;
			// 95 %: ±1.95996·28.284 = ±55.44.
			name: "balanced", answers: []int{10, 10, 9, 9, 8, 7, 6, 5, 3, 0},
			want: intel.NPSResult{N: 10, Promoters: 4, Passives: 2, Detractors: 4, Score: 0,
				StdErr: 28.284, Low: -55.436, High: 55.436, Level: 0.95},
		},
		{
			// 12 promoters, 5 passives, 3 detractors of 20: NPS = 60 − 15 = 45.
			// Var = 0.75 − 0.45² = 0.5475; SE = 100·√(0.5475/20) = 16.546;
			// 95 %: ±32.429.
			name: "positive", answers: append(append(rep(10, 6, 9, 6), rep(8, 3, 7, 2)...), 6, 4, 0),
			want: intel.NPSResult{N: 20, Promoters: 12, Passives: 5, Detractors: 3, Score: 45,
				StdErr: 16.546, Low: 12.571, High: 77.429, Level: 0.95},
		},
		{
			// All promoters: NPS 100, no spread, interval collapses.
			name: "all promoters", answers: []int{9, 10, 9},
			want: intel.NPSResult{N: 3, Promoters: 3, Score: 100, Low: 100, High: 100, Level: 0.95},
		},
		{name: "none", answers: nil, want: intel.NPSResult{Level: 0.95}},
	} {
		got, err := intel.NPS(tc.answers, 0)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tc.want, got, approx); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
	// 90 % interval is narrower: z = 1.6449.
	got, _ := intel.NPS([]int{10, 10, 9, 9, 8, 7, 6, 5, 3, 0}, 0.90)
	if math.Abs(got.High-1.6449*28.284) > 0.01 {
		t.Errorf("90%% High = %.3f, want %.3f", got.High, 1.6449*28.284)
	}
	if _, err := intel.NPS([]int{11}, 0); !errors.Is(err, intel.ErrInvalid) {
		t.Errorf("answer 11: %v, want ErrInvalid", err)
	}
	if _, err := intel.NPS([]int{5}, 1); !errors.Is(err, intel.ErrInvalid) {
		t.Errorf("level 1: %v, want ErrInvalid", err)
	}
}

func rep(pairs ...int) []int {
	var out []int
	for i := 0; i+1 < len(pairs); i += 2 {
		for range pairs[i+1] {
			out = append(out, pairs[i])
		}
	}
	return out
}

func TestCSATWorkedExample(t *testing.T) {
	// 7 of 10 answers are 4 or 5: CSAT 70 %. Wilson 95 % interval for 7/10
	// is [39.68 %, 89.22 %]; the mean answer is 37/10 = 3.7.
	got, err := intel.CSAT([]int{5, 5, 4, 4, 4, 3, 2, 1, 5, 4}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := intel.CSATResult{N: 10, Satisfied: 7, Score: 70, Mean: 3.7, Low: 39.68, High: 89.22, Level: 0.95}
	if d := cmp.Diff(want, got, approx); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// All satisfied: Wilson keeps the upper bound at 100 and the lower
	// bound below it (5/5: [56.55 %, 100 %]).
	got, _ = intel.CSAT([]int{5, 5, 5, 4, 4}, 0)
	if math.Abs(got.Low-56.55) > 0.01 || got.High != 100 {
		t.Errorf("5/5: [%v, %v], want [56.55, 100]", got.Low, got.High)
	}
	if _, err := intel.CSAT([]int{0}, 0); !errors.Is(err, intel.ErrInvalid) {
		t.Errorf("answer 0: %v, want ErrInvalid", err)
	}
}

func survey(id string, metric intel.Metric, score int, segment string, at time.Time) *intel.Item {
	it := item(intel.ID(id), "survey answer", "")
	it.Kind, it.Category, it.Source = intel.KindCustomer, intel.CategorySatisfaction, intel.SourceSurvey
	it.Survey = &intel.SurveyAnswer{Metric: metric, Score: score, Segment: segment, Respondent: customer.ID("C-" + id)}
	it.CapturedAt = at
	return it
}

func TestSurveyBySegmentAndSuppression(t *testing.T) {
	var items []*intel.Item
	add := func(seg string, at time.Time, scores ...int) {
		for _, s := range scores {
			items = append(items, survey(fmt.Sprintf("%s-%d", seg, len(items)), intel.MetricNPS, s, seg, at))
		}
	}
	march, april := t0, t0.AddDate(0, 1, 0)
	add("gold", march, 10, 10, 9, 8, 3)     // 3P 1N 1D: NPS 40
	add("silver", march, 9, 7, 6, 6, 5, 0)  // 1P 1N 4D: NPS −50
	add("bronze", march, 10, 2)             // 2 answers: suppressed
	add("gold", april, 10, 9, 9, 9, 9)      // NPS 100
	add("silver", april, 0, 1, 2, 3, 4, 10) // 1P 5D: NPS −66.7
	h := newHub(t, intel.Config{MinGroupSize: 5}, items...)
	groups, err := h.Survey(t.Context(), alice, intel.SurveyQuery{Metric: intel.MetricNPS, BySegment: true, Period: intel.PeriodMonth})
	if err != nil {
		t.Fatal(err)
	}
	type g struct {
		Segment    string
		Period     time.Time
		Suppressed bool
		N          int
		Score      float64
	}
	var got []g
	for _, x := range groups {
		got = append(got, g{x.Segment, x.Period, x.Suppressed, x.N, x.NPS.Score})
	}
	m, a := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	want := []g{
		{"bronze", m, true, 0, 0}, // 2 < 5: suppressed
		{"gold", m, true, 0, 0},   // complementary: the smallest other March group
		{"silver", m, false, 6, -50},
		{"gold", a, false, 5, 100},
		{"silver", a, false, 6, -66.667},
	}
	if d := cmp.Diff(want, got, approx); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// Ungrouped: all 24 answers, one group.
	groups, err = h.Survey(t.Context(), alice, intel.SurveyQuery{Metric: intel.MetricNPS})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].N != 24 {
		t.Errorf("ungrouped: %+v, want one group of 24", groups)
	}
	// CSAT over the same hub: no CSAT answers, no groups.
	groups, _ = h.Survey(t.Context(), alice, intel.SurveyQuery{Metric: intel.MetricCSAT})
	if len(groups) != 0 {
		t.Errorf("CSAT groups = %d, want 0", len(groups))
	}
}

func TestCSATOverTime(t *testing.T) {
	var items []*intel.Item
	for w := range 2 {
		for i, s := range []int{5, 4, 4, 3, 1, 5} {
			if w == 1 && i >= 3 {
				s = 5
			}
			items = append(items, survey(fmt.Sprintf("w%d-%d", w, i), intel.MetricCSAT, s, "", t0.AddDate(0, 0, 7*w)))
		}
	}
	h := newHub(t, intel.Config{}, items...)
	groups, err := h.Survey(t.Context(), alice, intel.SurveyQuery{Metric: intel.MetricCSAT, Period: intel.PeriodWeek})
	if err != nil {
		t.Fatal(err)
	}
	var got []float64
	for _, g := range groups {
		got = append(got, g.CSAT.Score)
	}
	// Week 1: 4 of 6 satisfied; week 2: all 6.
	if d := cmp.Diff([]float64{66.667, 100}, got, approx); d != "" {
		t.Errorf("CSAT by week (-want +got):\n%s", d)
	}
}

func TestSentimentTrend(t *testing.T) {
	var items []*intel.Item
	for w, sents := range [][]float64{{0.5, 0.5, 0.2, 0.2, 0.1}, {-0.5, -0.4, -0.3, -0.2, -0.1}, {0.9}} {
		for i, s := range sents {
			it := item(intel.ID(fmt.Sprintf("w%d-%d", w, i)), "x", "")
			it.Tags = []string{[]string{"Delivery", "ｄｅｌｉｖｅｒｙ"}[i%2]}
			it.Sentiment = s
			it.CapturedAt = t0.AddDate(0, 0, 7*w)
			items = append(items, it)
		}
	}
	h := newHub(t, intel.Config{}, items...)
	trend, err := h.SentimentTrend(t.Context(), alice, intel.Query{}, intel.PeriodWeek)
	if err != nil {
		t.Fatal(err)
	}
	want := []intel.TopicTrend{{Topic: "Delivery", Points: []intel.TrendPoint{
		{Period: t0.Truncate(24 * time.Hour), N: 5, Mean: 0.3},
		{Period: t0.AddDate(0, 0, 7).Truncate(24 * time.Hour), N: 5, Mean: -0.3},
		{Period: t0.AddDate(0, 0, 14).Truncate(24 * time.Hour), Suppressed: true},
	}}}
	if d := cmp.Diff(want, trend, approx); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestCompetitorsAndAlerts(t *testing.T) {
	mk := func(id string, comp string, cat intel.Category, at time.Time) *intel.Item {
		it := item(intel.ID(id), "x", "")
		if comp != "" {
			it.Links.Competitors = []string{comp}
		}
		it.Category = cat
		it.CapturedAt = at
		it.Sentiment = -0.5
		return it
	}
	from, to := t0, t0.AddDate(0, 0, 7)
	h := newHub(t, intel.Config{},
		mk("a0", "Acme", intel.CategoryCompetitorActivity, from.AddDate(0, 0, -20)),
		mk("a1", "Acme", intel.CategoryCompetitorActivity, from.Add(time.Hour)),
		mk("a2", "ACME", intel.CategoryCompetitorActivity, from.Add(2*time.Hour)),
		mk("n1", "Newco", intel.CategoryNewCompetitor, from.Add(3*time.Hour)),
		mk("n2", "", intel.CategoryNewCompetitor, from.Add(4*time.Hour)),
		mk("t1", "", intel.CategoryTechnology, from.Add(5*time.Hour)),
		mk("t2", "", intel.CategoryTechnology, from.Add(6*time.Hour)),
		mk("t3", "", intel.CategoryTechnology, from.Add(7*time.Hour)),
		mk("t0", "", intel.CategoryTechnology, from.AddDate(0, 0, -3)),
	)
	sums, err := h.Competitors(t.Context(), alice, from, to)
	if err != nil {
		t.Fatal(err)
	}
	type s struct {
		Name  string
		Items int
		First time.Time
	}
	var got []s
	for _, x := range sums {
		got = append(got, s{x.Name, x.Items, x.FirstSeen})
	}
	if d := cmp.Diff([]s{{"Acme", 2, from.AddDate(0, 0, -20)}, {"Newco", 1, from.Add(3 * time.Hour)}}, got); d != "" {
		t.Errorf("competitors (-want +got):\n%s", d)
	}
	alerts, err := h.Alerts(t.Context(), alice, from, to)
	if err != nil {
		t.Fatal(err)
	}
	type a struct {
		Kind       intel.AlertKind
		Competitor string
		Category   intel.Category
		Items      []intel.ID
	}
	var gotA []a
	for _, x := range alerts {
		gotA = append(gotA, a{x.Kind, x.Competitor, x.Category, x.Items})
	}
	wantA := []a{
		{intel.AlertNewCompetitor, "Newco", "", []intel.ID{"n1"}},
		{intel.AlertNewCompetitor, "", "", []intel.ID{"n2"}},
		// competitor_activity has 2 items in the window (< MinAlertCount): no alert.
		{intel.AlertMarketChange, "", intel.CategoryTechnology, []intel.ID{"t1", "t2", "t3"}},
	}
	if d := cmp.Diff(wantA, gotA); d != "" {
		t.Errorf("alerts (-want +got):\n%s\n(Acme is not new: first seen before the window; technology: 3 items vs baseline 0.25)", d)
	}
}
