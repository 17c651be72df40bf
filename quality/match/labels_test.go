package match

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A confirmed pair is merged though blocking would not pair it; a rejected
// pair stays apart though it matches, even through a third record; the
// explanations say why.
func TestLabels(t *testing.T) {
	fields := []Field{{"name", KindPersonName}, {"email", KindEmail}, {"phone", KindPhone}}
	recs := []Record{
		{ID: "a", Values: []string{"Jane Roe", "jane@example.com", "+44 20 7946 0001"}},
		{ID: "b", Values: []string{"Jane Roe", "jane@example.com", "+44 20 7946 0001"}},
		{ID: "c", Values: []string{"Jane Roe", "jane@example.com", "+44 20 7946 0001"}},
		{ID: "d", Values: []string{"Mary Major", "mary@example.org", "+44 20 7946 0002"}},
		{ID: "e", Values: []string{"M. Major-Smith", "", ""}},
		{ID: "f", Values: []string{"Richard Miles", "rm@example.net", "+44 20 7946 0003"}},
	}
	run := func(labels []Label) *Result {
		t.Helper()
		m, err := New(Config{Fields: fields, Labels: labels})
		if err != nil {
			t.Fatal(err)
		}
		res, err := m.Dedupe(t.Context(), recs)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	before := run(nil)
	if diff := cmp.Diff([]int{0, 0, 0, 1, 2, 3}, before.ClusterOf); diff != "" {
		t.Fatalf("clusters without labels (-want +got):\n%s", diff)
	}
	res := run([]Label{{A: "a", B: "c", Match: false}, {A: "e", B: "d", Match: true}})
	// a and c apart, b with one of them; d and e together.
	if res.ClusterOf[0] == res.ClusterOf[2] {
		t.Error("the rejected pair a, c is in one cluster")
	}
	if res.ClusterOf[1] != res.ClusterOf[0] && res.ClusterOf[1] != res.ClusterOf[2] {
		t.Error("b joined neither a nor c")
	}
	if res.ClusterOf[3] != res.ClusterOf[4] {
		t.Error("the confirmed pair d, e is not in one cluster")
	}
	for _, tt := range []struct {
		a, b  int
		limit string
		p     float64
	}{{0, 2, LimitRejected, 0}, {3, 4, LimitConfirmed, 1}} {
		ex, _ := res.Explain(tt.a, tt.b)
		if ex.Limit != tt.limit || ex.Probability != tt.p {
			t.Errorf("Explain(%s, %s): limit %q, probability %v; want %q, %v", ex.A, ex.B, ex.Limit, ex.Probability, tt.limit, tt.p)
		}
	}
	// The match refused because of the rejection says so too.
	other := 0
	if res.ClusterOf[1] == res.ClusterOf[0] {
		other = 2
	}
	if ex, _ := res.Explain(1, other); ex.Limit != LimitRejected {
		t.Errorf("Explain(b, %s): limit %q, want %q (joining it would join a rejected pair)", ex.B, ex.Limit, LimitRejected)
	}
}

// Labels naming unknown records, a record with itself, or one pair both
// ways are refused, every problem named; Link refuses labels.
func TestLabelsInvalid(t *testing.T) {
	fields := []Field{{"name", KindPersonName}}
	recs := []Record{{ID: "a", Values: []string{"Jane Roe"}}, {ID: "b", Values: []string{"Jane Roe"}}}
	m, err := New(Config{Fields: fields, Labels: []Label{{A: "a", B: "x"}, {A: "b", B: "b"}, {A: "a", B: "b", Match: true}, {A: "b", B: "a"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Dedupe(t.Context(), recs)
	if !errors.Is(err, ErrConfig) {
		t.Fatalf("err = %v, want ErrConfig", err)
	}
	for _, want := range []string{`labels[0] (a, x): no record "x"`, "labels[1]: a record paired with itself (b)", "labels[3] (b, a): labelled both a match and not"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, err := m.Link(t.Context(), recs[:1], recs[1:]); !errors.Is(err, ErrConfig) {
		t.Errorf("Link with labels: err = %v, want ErrConfig", err)
	}
}

// The gain of 50 labelled pairs on FEBRL3 without soc_sec_id. The pairs
// are those a review queue shows first: matches a chaining guard kept
// apart, then the pairs nearest the threshold, labelled from the truth.
func TestLabelsGainFEBRL3(t *testing.T) {
	if testing.Short() {
		t.Skip("accuracy runs are long: skipped in -short mode")
	}
	fields, recs, truth := loadLabelled(t, filepath.Join(sharedData(t), "febrl/dataset3.csv"), "rec_id", []string{"soc_sec_id"}, febrlTruth)
	m, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	f1 := func(res *Result) Scores {
		pred := make([]string, len(recs))
		for i, c := range res.ClusterOf {
			pred[i] = fmt.Sprint(c)
		}
		return Evaluate(truth, pred)
	}
	before, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	thr, _ := m.Thresholds()
	type cand struct {
		a, b int
		held bool
		d    float64
	}
	var cands []cand
	for _, p := range before.Pairs {
		ex, _ := before.Explain(p.A, p.B)
		cands = append(cands, cand{p.A, p.B, ex.Limit == LimitGuard, abs(p.Probability - thr)})
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].held != cands[j].held {
			return cands[i].held
		}
		return cands[i].d < cands[j].d
	})
	var labels []Label
	for _, c := range cands[:min(50, len(cands))] {
		labels = append(labels, Label{A: recs[c.a].ID, B: recs[c.b].ID, Match: truth[c.a] == truth[c.b]})
	}
	ml, err := New(Config{Fields: fields, Labels: labels})
	if err != nil {
		t.Fatal(err)
	}
	after, err := ml.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	sb, sa := f1(before), f1(after)
	confirmed := 0
	for _, l := range labels {
		if l.Match {
			confirmed++
		}
	}
	t.Logf("FEBRL3 without soc_sec_id, %d labelled pairs (%d matches): precision %.4f -> %.4f, recall %.4f -> %.4f, F1 %.4f -> %.4f",
		len(labels), confirmed, sb.Precision, sa.Precision, sb.Recall, sa.Recall, sb.F1, sa.F1)
	if sa.F1 < sb.F1 {
		t.Errorf("F1 fell with labels: %.4f -> %.4f", sb.F1, sa.F1)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
