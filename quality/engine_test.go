package quality_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality"
	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/quality/normalize"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func records(ms ...*quality.MapRecord) []quality.Record {
	out := make([]quality.Record, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}

func assess(t *testing.T, cfg quality.Config, recs []quality.Record) *quality.Assessment {
	t.Helper()
	e, err := quality.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.Assess(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestScoreFormula works the documented formula by hand.
func TestScoreFormula(t *testing.T) {
	cfg := quality.Config{
		Rules: []quality.Rule{
			quality.Required("name"),                                        // completeness, weight 2
			quality.Required("phone"),                                       // completeness, weight 1
			quality.Validate("phone", quality.ValidPhone()),                 // validity, weight 1
			quality.Validate("postal_code", quality.ValidPostalCode(false)), // validity, weight 3
			quality.ReadingPresent("name", "kana"),                          // consistency, weight 1 (field kana)
		},
		FieldWeights:     map[string]float64{"name": 2, "postal_code": 3},
		DimensionWeights: map[quality.Dimension]float64{quality.Completeness: 3, quality.Validity: 1, quality.Consistency: 2},
	}
	recs := records(
		// all pass: 100
		rec("A", "name", "山田", "kana", "ヤマダ", "phone", "03-1234-5678", "postal_code", "100-0001"),
		// completeness: name ok (2), phone missing (1) → 2/3; validity: phone skipped,
		// postal bad (3) → 0/3; consistency: kana missing → 0/1.
		// score = (3×66.67 + 1×0 + 2×0) / 6 = 33.33
		rec("B", "name", "山田", "postal_code", "12"),
		// completeness: name missing → 0/2, phone ok → 1/3 → 33.33; validity: phone ok (1),
		// postal missing → 1/1 = 100; consistency skipped.
		// score = (3×33.33 + 1×100) / 4 = 50
		rec("C", "phone", "090-1234-5678"),
	)
	a := assess(t, cfg, recs)
	want := []quality.RecordResult{
		{RecordID: "A", Score: 100},
		{RecordID: "B", Score: 100.0 / 3, Reasons: []string{"missing:phone", "invalid:postal_code", "inconsistent:kana"}},
		{RecordID: "C", Score: 50, Reasons: []string{"missing:name"}},
	}
	var got []quality.RecordResult
	for i := range a.Len() {
		got = append(got, a.Record(i))
	}
	approx := cmp.Comparer(func(x, y float64) bool { return x-y < 1e-9 && y-x < 1e-9 })
	if d := cmp.Diff(want, got, approx); d != "" {
		t.Errorf("record results (-want +got):\n%s", d)
	}
	r := a.Report
	if r.Score != 61.11 { // (100 + 33.333 + 50) / 3
		t.Errorf("dataset score = %v, want 61.11", r.Score)
	}
	// Completeness: A 100, B 66.67, C 33.33 → 66.67; validity: A 100, B 0, C 100 → 66.67;
	// consistency: A 100, B 0 → 50.
	wantDims := map[string]float64{"completeness": 66.67, "validity": 66.67, "consistency": 50}
	if d := cmp.Diff(wantDims, r.Dimensions); d != "" {
		t.Errorf("dimensions (-want +got):\n%s", d)
	}
	wantFields := map[string]quality.FieldCounts{
		"name": {Missing: 1}, "phone": {Missing: 1}, "postal_code": {Invalid: 1}, "kana": {Inconsistent: 1},
	}
	if d := cmp.Diff(wantFields, r.Fields); d != "" {
		t.Errorf("fields (-want +got):\n%s", d)
	}
}

func TestNoApplicableRuleScores100(t *testing.T) {
	a := assess(t, quality.Config{Rules: []quality.Rule{quality.Validate("x", quality.ValidEmail())}}, records(rec("A")))
	if got := a.Record(0).Score; got != 100 {
		t.Errorf("score = %v, want 100", got)
	}
}

// TestThresholdStatus checks statuses on exact counts at the boundaries.
func TestThresholdStatus(t *testing.T) {
	th := quality.Threshold{Pass: quality.Percent(95), Warn: quality.Fraction{Num: 2, Den: 3}}
	tests := []struct {
		passed, total int64
		want          quality.Status
	}{
		{19, 20, quality.StatusPass},             // exactly 95%
		{949, 1000, quality.StatusWarn},          // 94.9%
		{18999999, 20000000, quality.StatusWarn}, // 94.999995%: rounds to 95.00% but is below
		{2, 3, quality.StatusWarn},               // exactly 2/3, which no float or decimal holds
		{666666, 1000000, quality.StatusFail},
		{0, 0, quality.StatusNoData}, // nothing applicable: nothing to pass
		{0, 5, quality.StatusFail},
	}
	for _, tt := range tests {
		if got := th.Status(tt.passed, tt.total); got != tt.want {
			t.Errorf("Status(%d/%d) = %v, want %v", tt.passed, tt.total, got, tt.want)
		}
	}
	if got := (quality.Threshold{}).Status(94, 100); got != quality.StatusWarn {
		t.Errorf("zero Threshold Status(94/100) = %v, want warn (default 95%%/80%%)", got)
	}
}

func TestParseFraction(t *testing.T) {
	tests := []struct {
		in   string
		want quality.Fraction
	}{
		{"95%", quality.Fraction{Num: 19, Den: 20}},
		{"99.5%", quality.Fraction{Num: 199, Den: 200}},
		{"0.95", quality.Fraction{Num: 19, Den: 20}},
		{"2/3", quality.Fraction{Num: 2, Den: 3}},
		{"100%", quality.Fraction{Num: 1, Den: 1}},
	}
	for _, tt := range tests {
		got, err := quality.ParseFraction(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseFraction(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "abc", "101%", "-1%", "3/2", "1/0", "1.5"} {
		if _, err := quality.ParseFraction(bad); !errors.Is(err, quality.ErrConfig) {
			t.Errorf("ParseFraction(%q) error = %v, want ErrConfig", bad, err)
		}
	}
}

func TestRuleStatusInReport(t *testing.T) {
	var recs []quality.Record
	for i := range 20 {
		v := "a@example.jp"
		if i == 0 {
			v = ""
		}
		recs = append(recs, rec(string(rune('A'+i)), "email", v))
	}
	cfg := quality.Config{Rules: []quality.Rule{quality.Required("email")}}
	if got := assess(t, cfg, recs).Report.Rules[0]; got.Status != quality.StatusPass || got.Passed != 19 || got.Failed != 1 || got.Ratio != 0.95 {
		t.Errorf("19/20 with default threshold: %+v, want pass", got)
	}
	if got := assess(t, cfg, recs).Report.Checks; !cmp.Equal(got, map[string]quality.CheckCounts{
		"completeness": {Passed: 19, Failed: 1, Ratio: 0.95, Status: quality.StatusPass},
		"overall":      {Passed: 19, Failed: 1, Ratio: 0.95, Status: quality.StatusPass},
	}) {
		t.Errorf("checks = %+v", got)
	}
	cfg.Thresholds = map[string]quality.Threshold{"completeness:email": {Pass: quality.Fraction{Num: 96, Den: 100}, Warn: quality.Percent(95)}}
	if got := assess(t, cfg, recs).Report.Rules[0]; got.Status != quality.StatusWarn {
		t.Errorf("19/20 against pass 96%%: status %v, want warn", got.Status)
	}
}

func TestUniqueness(t *testing.T) {
	cfg := quality.Config{Rules: []quality.Rule{quality.Unique("email", quality.NormalizeKey(normalize.KindEmail))}}
	a := assess(t, cfg, records(
		rec("1", "email", "taro@example.jp"),
		rec("2", "email", "Taro@Example.jp"),  // duplicate after normalisation only
		rec("3", "email", "taro@example.jp "), // exact duplicate (trimmed)
		rec("4", "email", "hanako@example.jp"),
		rec("5", "email", ""),                // skipped
		rec("6", "email", "ｔａｒｏ＠example.jp"), // full width: normalised duplicate
	))
	var verdicts []string
	for i := range a.Len() {
		verdicts = append(verdicts, verdictName(a.Verdict(i, 0)))
	}
	if d := cmp.Diff([]string{"pass", "fail", "fail", "pass", "skip", "fail"}, verdicts); d != "" {
		t.Errorf("verdicts (-want +got):\n%s", d)
	}
	r := a.Report.Rules[0]
	if r.Failed != 3 || r.Passed != 2 || r.Skipped != 1 || r.ExactDuplicates != 1 {
		t.Errorf("rule report %+v: want failed 3 (normalised), exact duplicates 1, passed 2, skipped 1", r)
	}
	if got := a.Record(1).Reasons; !cmp.Equal(got, []string{"duplicate:email"}) {
		t.Errorf("reasons = %v", got)
	}
	wantSamples := []quality.Sample{{RecordID: "2", Value: "Taro@Example.jp"}, {RecordID: "3", Value: "taro@example.jp"}, {RecordID: "6", Value: "ｔａｒｏ＠example.jp"}}
	if d := cmp.Diff(wantSamples, r.Samples); d != "" {
		t.Errorf("samples (-want +got):\n%s", d)
	}
}

type fakeFinder [][]int

func (f fakeFinder) Clusters(context.Context, []quality.Record) ([][]int, error) { return f, nil }

func TestLikelyDuplicatesAndIdentityHealth(t *testing.T) {
	var recs []quality.Record
	for i := range 20 {
		recs = append(recs, rec(string(rune('a'+i)), "x", "1"))
	}
	big := []int{5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	cfg := quality.Config{Rules: []quality.Rule{quality.Required("x")}, Duplicates: fakeFinder{{3, 1}, big}}
	a := assess(t, cfg, recs)
	want := &quality.IdentityHealth{Records: 20, Entities: 20 - 1 - 11, ConsolidationRate: 0.6, Clusters: 2, Largest: 12, MaxSize: 10, Oversized: 1}
	if d := cmp.Diff(want, a.Report.Identity); d != "" {
		t.Errorf("identity health (-want +got):\n%s", d)
	}
	rr := a.Report.Rules[1]
	if rr.Name != "uniqueness:likely_duplicate" || rr.Failed != 12 || rr.Passed != 8 {
		t.Errorf("likely duplicate rule %+v: want 12 failed (all but the first of each cluster), 8 passed", rr)
	}
	if a.Verdict(1, 1) != quality.Pass || a.Verdict(3, 1) != quality.Fail {
		t.Error("the first record of a cluster by input order must pass, the later ones fail")
	}
	_, err := quality.New(quality.Config{Rules: []quality.Rule{quality.Required("x")}, Duplicates: fakeFinder{{1, 1}}})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := quality.New(quality.Config{Rules: []quality.Rule{quality.Required("x")}, Duplicates: fakeFinder{{1, 1}}})
	if _, err := e.Assess(t.Context(), recs); !errors.Is(err, quality.ErrConfig) {
		t.Errorf("a finder returning a record twice: error %v, want ErrConfig", err)
	}
}

func TestConfigErrors(t *testing.T) {
	_, err := quality.New(quality.Config{
		Rules:        []quality.Rule{quality.Required("a"), quality.Required("a"), nil},
		FieldWeights: map[string]float64{"a": -1},
		Thresholds:   map[string]quality.Threshold{"nope": {}},
	})
	if !errors.Is(err, quality.ErrConfig) {
		t.Fatalf("error = %v, want ErrConfig", err)
	}
	for _, want := range []string{`"completeness:a" used twice`, "rule 2 is nil", "weight -1", `unknown rule "nope"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not report %q", err, want)
		}
	}
	nan := quality.Config{Rules: []quality.Rule{quality.Required("a")}, FieldWeights: map[string]float64{"a": math.NaN()},
		DimensionWeights: map[quality.Dimension]float64{quality.Validity: math.Inf(1)}}
	if _, err := quality.New(nan); !errors.Is(err, quality.ErrConfig) || !strings.Contains(err.Error(), "NaN") || !strings.Contains(err.Error(), "+Inf") {
		t.Errorf("NaN and infinite weights: error %v, want ErrConfig naming both", err)
	}
	if _, err := quality.New(quality.Config{}); !errors.Is(err, quality.ErrConfig) {
		t.Errorf("empty config: error %v, want ErrConfig", err)
	}
}

func TestRecordErrors(t *testing.T) {
	e, err := quality.New(quality.Config{Rules: []quality.Rule{quality.Required("a")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Assess(t.Context(), records(rec("1"), rec(""), rec("1")))
	if !errors.Is(err, quality.ErrRecord) {
		t.Fatalf("error = %v, want ErrRecord", err)
	}
	var re *customer.FieldError
	if !errors.As(err, &re) {
		t.Fatalf("error %v holds no *customer.FieldError", err)
	}
	for _, want := range []string{"record 1: quality: invalid record: empty record ID", `record "1": quality: invalid record: record ID also used by record 0`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestSlices(t *testing.T) {
	cfg := quality.Config{Rules: []quality.Rule{quality.Required("email")}, SliceBy: []string{"system"}}
	a := assess(t, cfg, records(
		rec("1", "system", "crm", "email", "a@b.jp"),
		rec("2", "system", "crm", "email", ""),
		rec("3", "system", "pos", "email", "c@d.jp"),
		rec("4", "email", "e@f.jp"),
	))
	want := map[string]map[string]quality.SliceReport{"system": {
		"crm":       {Records: 2, Score: 50, Dimensions: map[string]float64{"completeness": 50}},
		"pos":       {Records: 1, Score: 100, Dimensions: map[string]float64{"completeness": 100}},
		"(missing)": {Records: 1, Score: 100, Dimensions: map[string]float64{"completeness": 100}},
	}}
	if d := cmp.Diff(want, a.Report.Slices); d != "" {
		t.Errorf("slices (-want +got):\n%s", d)
	}
}

func TestSamplesFirstInInputOrder(t *testing.T) {
	var recs []quality.Record
	for i := range 10000 {
		v := ""
		if i%3 == 0 {
			v = "x"
		}
		recs = append(recs, rec("R"+strings.Repeat("0", 5-len(itoa(i)))+itoa(i), "a", v))
	}
	a := assess(t, quality.Config{Rules: []quality.Rule{quality.Required("a")}, Samples: 3, Workers: 4}, recs)
	want := []quality.Sample{{RecordID: "R00001"}, {RecordID: "R00002"}, {RecordID: "R00004"}}
	if d := cmp.Diff(want, a.Report.Rules[0].Samples); d != "" {
		t.Errorf("samples (-want +got):\n%s", d)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// TestParallelMatchesSequential: the report does not depend on the number
// of workers (run under -race, it also checks the engine for data races).
func TestParallelMatchesSequential(t *testing.T) {
	tab := synthTable(t, 6000)
	cfg := quality.Config{Fields: synthFields(), Now: testNow, SliceBy: []string{"source_system"}}
	var reports [][]byte
	for _, w := range []int{1, 3} {
		cfg.Workers = w
		a := assess(t, cfg, tab.Records())
		var buf bytes.Buffer
		if err := a.Report.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		reports = append(reports, buf.Bytes())
	}
	if d := cmp.Diff(string(reports[0]), string(reports[1])); d != "" {
		t.Errorf("1 worker vs 3 workers (-1 +3):\n%s", d)
	}
}

func TestEngineConcurrentUse(t *testing.T) {
	e, err := quality.New(quality.Config{Fields: synthFields(), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	recs := synthTable(t, 3000).Records()
	var wg sync.WaitGroup
	scores := make([]float64, 3)
	for i := range scores {
		wg.Go(func() {
			a, err := e.Assess(context.Background(), recs)
			if err != nil {
				t.Error(err)
				return
			}
			scores[i] = a.Report.Score
		})
	}
	wg.Wait()
	if scores[0] != scores[1] || scores[1] != scores[2] {
		t.Errorf("concurrent assessments differ: %v", scores)
	}
}

func TestCancellationAndProgress(t *testing.T) {
	recs := synthTable(t, 9000).Records()
	ctx, cancel := context.WithCancel(t.Context())
	var calls, last int
	cfg := quality.Config{Fields: synthFields(), Workers: 1, Progress: func(done, total int) {
		calls++
		last = done
		if total != len(recs) {
			t.Errorf("progress total = %d, want %d", total, len(recs))
		}
		cancel()
	}}
	e, err := quality.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Assess(ctx, recs); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if calls != 1 || last == 0 || last == len(recs) {
		t.Errorf("progress called %d times, last %d: want one call part-way", calls, last)
	}
}

// goldenRecords is a small dataset touching every dimension.
func goldenRecords() []quality.Record {
	return records(
		rec("C1", "name", "山田", "kana", "ヤマダ", "email", "taro@example.jp", "phone", "03-1234-5678", "postal_code", "100-0005", "prefecture", "東京都", "birth", "昭和60年4月3日", "updated", "2025-03-01T10:00:00+09:00", "system", "crm"),
		rec("C2", "name", "佐藤", "kana", "さとう", "email", "TARO@example.jp", "phone", "不明", "postal_code", "100-0005", "prefecture", "大阪府", "birth", "2030-01-01", "updated", "2020-01-01", "system", "crm"),
		rec("C3", "name", "Smith", "email", "smith@", "phone", "090-1234-5678", "postal_code", "999-9999", "birth", "平成32年1月1日", "updated", "2024-12-24", "system", "ec"),
		rec("C4", "name", "鈴木", "email", "suzuki@example.jp", "phone", "＋８１ ３ １２３４ ５６７９", "postal_code", "〒060-0001", "prefecture", "北海道", "birth", "1990/1/2", "system", "ec"),
	)
}

func goldenConfig() quality.Config {
	signals := quality.SignalMap{}
	signals.Set("email", "suzuki@example.jp", quality.SignalRefuted)
	signals.Set("email", "taro@example.jp", quality.SignalConfirmed)
	fields := []quality.Field{
		{Name: "name", Kind: match.KindFamilyName, Weight: 2},
		{Name: "kana", Kind: match.KindNameKana},
		{Name: "email", Kind: match.KindEmail, Weight: 2},
		{Name: "phone", Kind: match.KindPhone},
		{Name: "postal_code", Kind: match.KindPostalCode},
		{Name: "prefecture", Kind: match.KindPrefecture},
		{Name: "birth", Kind: match.KindBirthDate},
		{Name: "updated", Kind: match.KindTimestamp, MaxAge: 365 * 24 * 3600e9},
		{Name: "system", Kind: match.KindCategory, Optional: true},
	}
	return quality.Config{
		Fields:  fields,
		Rules:   append(quality.DefaultRules(fields), quality.Accurate("email", signals)),
		Now:     testNow,
		SliceBy: []string{"system"},
	}
}

// TestGoldenReport pins the whole JSON report; run with -update to rewrite
// testdata/report.golden.json after an intended change.
func TestGoldenReport(t *testing.T) {
	a := assess(t, goldenConfig(), goldenRecords())
	var buf bytes.Buffer
	if err := a.Report.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "report.golden.json")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), buf.String()); d != "" {
		t.Errorf("report differs from %s (-want +got):\n%s", golden, d)
	}
	// Deterministic: a second run gives the same bytes.
	var again bytes.Buffer
	if err := assess(t, goldenConfig(), goldenRecords()).Report.WriteJSON(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Error("two runs gave different JSON")
	}
}

func TestGoldenReasons(t *testing.T) {
	a := assess(t, goldenConfig(), goldenRecords())
	got := map[string]string{}
	for i := range a.Len() {
		r := a.Record(i)
		got[r.RecordID] = strings.Join(r.Reasons, ";")
	}
	want := map[string]string{
		"C1": "",
		"C2": "invalid:kana;duplicate:email;missing:phone;invalid:birth;stale:updated;inconsistent:prefecture;inconsistent:birth",
		"C3": "missing:kana;invalid:email;invalid:postal_code;missing:prefecture;invalid:birth",
		"C4": "missing:kana;missing:updated;inconsistent:kana;inaccurate:email",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("reasons (-want +got):\n%s", d)
	}
}

func TestDiff(t *testing.T) {
	before := assess(t, goldenConfig(), goldenRecords()).Report
	fixed := goldenRecords()
	fixed[1].(*quality.MapRecord).Fields["phone"] = []string{"03-9876-5432"}
	fixed[2].(*quality.MapRecord).Fields["email"] = []string{"smith@example.com"}
	after := assess(t, goldenConfig(), fixed).Report
	d := quality.Diff(before, after)
	if d.Score.Change <= 0 {
		t.Errorf("score change %v, want an improvement", d.Score.Change)
	}
	trends := map[string]quality.Trend{}
	for _, r := range d.Rules {
		trends[r.Name] = r.Trend
	}
	for name, want := range map[string]quality.Trend{
		"completeness:phone": quality.Improved, "validity:email": quality.Improved, "completeness:name": quality.Same,
	} {
		if trends[name] != want {
			t.Errorf("trend of %s = %q, want %q", name, trends[name], want)
		}
	}
	var buf bytes.Buffer
	if err := d.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"improved completeness:phone: failed 1 → 0, status fail → pass", "improved validity:email: failed 1 → 0"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("diff text lacks %q:\n%s", want, buf.String())
		}
	}
	// A removed and an added rule.
	cfg := goldenConfig()
	cfg.Rules = append(cfg.Rules[1:], quality.Required("extra"))
	d = quality.Diff(before, assess(t, cfg, goldenRecords()).Report)
	trends = map[string]quality.Trend{}
	for _, r := range d.Rules {
		trends[r.Name] = r.Trend
	}
	if trends["completeness:extra"] != quality.Added || trends["completeness:name"] != quality.Removed {
		t.Errorf("trends %v: want completeness:extra added and completeness:name removed", trends)
	}
}

func TestHTMLSelfContained(t *testing.T) {
	a := assess(t, goldenConfig(), goldenRecords())
	var buf bytes.Buffer
	if err := a.Report.WriteHTML(&buf, "golden <test>"); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"<svg", "golden &lt;test&gt;", "Dimensions", "Worst fields", "Score distribution", "Failing samples", "validity:email", "smith@"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "src=", "href=", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page is not self-contained: has %q", bad)
		}
	}
}

func TestNilRecord(t *testing.T) {
	e, err := quality.New(quality.Config{Fields: synthFields()})
	if err != nil {
		t.Fatal(err)
	}
	recs := append(synthTable(t, 10).Records(), nil)
	if _, err := e.Assess(t.Context(), recs); !errors.Is(err, quality.ErrRecord) || !strings.Contains(err.Error(), "record 10: quality: invalid record: nil record") {
		t.Errorf("error = %v, want a nil record reported", err)
	}
}

func TestWhenKeepsKeyedAndAll(t *testing.T) {
	isCRM := func(r quality.Record) bool { vs := r.Values("system"); return len(vs) > 0 && vs[0] == "crm" }
	cfg := quality.Config{Rules: []quality.Rule{quality.When(isCRM, quality.Unique("email", nil))}}
	a := assess(t, cfg, records(
		rec("1", "system", "crm", "email", "a@b.jp"),
		rec("2", "system", "pos", "email", "a@b.jp"), // not a CRM record: no key
		rec("3", "system", "crm", "email", "a@b.jp"),
	))
	var got []string
	for i, r := range a.All() {
		got = append(got, r.RecordID+":"+verdictName(a.Verdict(i, 0)))
	}
	if d := cmp.Diff([]string{"1:pass", "2:skip", "3:fail"}, got); d != "" {
		t.Errorf("verdicts (-want +got):\n%s", d)
	}
}

func TestEmptyInput(t *testing.T) {
	a := assess(t, quality.Config{Fields: synthFields()}, nil)
	if a.Len() != 0 || a.Report.Records != 0 || a.Report.Score != 0 || len(a.Report.Histogram) != 10 {
		t.Errorf("empty input: %+v", a.Report)
	}
	var buf bytes.Buffer
	if err := a.Report.WriteHTML(&buf, "empty"); err != nil {
		t.Error(err)
	}
}

func TestThresholdValidate(t *testing.T) {
	tests := []struct {
		name string
		th   quality.Threshold
		ok   bool
	}{
		{"zero (the default)", quality.Threshold{}, true},
		{"pass above warn", quality.Threshold{Pass: quality.Percent(95), Warn: quality.Percent(80)}, true},
		{"pass equal to warn, written differently", quality.Threshold{Pass: quality.Fraction{Num: 4, Den: 5}, Warn: quality.Percent(80)}, true},
		{"pass below warn", quality.Threshold{Pass: quality.Percent(70), Warn: quality.Percent(80)}, false},
		{"pass a hair below warn", quality.Threshold{Pass: quality.Fraction{Num: 2, Den: 3}, Warn: quality.Fraction{Num: 666667, Den: 1000000}}, false},
	}
	for _, tt := range tests {
		if err := tt.th.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}
