package match

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/c360/c360/quality/normalize"
	"github.com/google/go-cmp/cmp"
)

func TestCompareLevels(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		a, b string
		want string
	}{
		{"missing left", KindFamilyName, "", "smith", LevelMissing},
		{"missing right", KindEmail, "a@b.jp", " ", LevelMissing},
		{"name exact after case and width folding", KindFamilyName, "Smith", "ＳＭＩＴＨ", LevelExact},
		{"name one typo", KindFamilyName, "harrington", "harringtom", "jaro_winkler>=0.92"},
		{"name nickname", KindGivenName, "rob", "robert", "jaro_winkler>=0.80"},
		{"name different", KindGivenName, "alice", "mohammed", LevelDisagree},
		{"kana exact across scripts", KindNameKana, "やまだ", "ヤマダ", LevelExact},
		{"kana one edit", KindNameKana, "ヤマダタロウ", "ヤマダタロ", "one_edit"},
		{"email case", KindEmail, "Taro@Example.JP", "taro@example.jp", LevelExact},
		{"email same local part", KindEmail, "taro@example.jp", "taro@gmail.com", "same_local_part_or_one_edit"},
		{"email different", KindEmail, "taro@example.jp", "hanako@example.jp", LevelDisagree},
		{"phone notations", KindPhone, "03-1234-5678", "+81 3 1234 5678", LevelExact},
		{"phone one digit", KindPhone, "03-1234-5678", "03-1234-5679", "same_last_8_digits_or_one_edit"},
		{"postal notations", KindPostalCode, "〒100-0005", "1000005", LevelExact},
		{"postal transposed", KindPostalCode, "1000005", "1000050", "one_edit"},
		{"postal different", KindPostalCode, "1000005", "5300001", LevelDisagree},
		{"date notations", KindDate, "1980-01-02", "1980/1/2", LevelExact},
		{"date japanese era", KindDate, "昭和55年1月2日", "19800102", LevelExact},
		{"date one digit", KindDate, "19800102", "19800103", "one_edit_or_day_month_swap"},
		{"date day month swap", KindDate, "1980-03-12", "1980-12-03", "one_edit_or_day_month_swap"},
		{"date within a year", KindDate, "1980-01-02", "1980-11-20", "within_365_days"},
		{"date far apart", KindDate, "1980-01-02", "1991-07-30", LevelDisagree},
		{"id one edit", KindID, "7364009", "7364008", "one_edit"},
		{"id different", KindID, "7364009", "1234567", LevelDisagree},
		{"number close", KindNumber, "100", "105", "one_edit_or_within_10pct"},
		{"number far", KindNumber, "100", "457", LevelDisagree},
		{"region", KindRegion, "NSW", "nsw", LevelExact},
		{"exact category differs", KindExact, "m", "f", LevelDisagree},
		{"placeholder name is missing", KindFamilyName, "不明", "不明", LevelMissing},
		{"placeholder date is missing", KindDate, "1900-01-01", "1900-01-01", LevelMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := prepare(tt.kind, tt.a), prepare(tt.kind, tt.b)
			got := levelNames[tt.kind][compare(tt.kind, &a, &b)]
			if got != tt.want {
				t.Errorf("compare(%v, %q, %q) = %s, want %s (keys %q, %q)", tt.kind, tt.a, tt.b, got, tt.want, a.key, b.key)
			}
			if rev := levelNames[tt.kind][compare(tt.kind, &b, &a)]; rev != got {
				t.Errorf("compare is not symmetric: %s one way, %s the other", got, rev)
			}
		})
	}
}

func TestKindLevels(t *testing.T) {
	for _, k := range Kinds() {
		ls := k.Levels()
		if !k.compared() {
			if !slices.Equal(ls, []string{LevelMissing}) {
				t.Errorf("%v.Levels() = %v, want only missing: the matcher does not compare it", k, ls)
			}
			continue
		}
		if len(ls) < 3 || ls[0] != LevelMissing || ls[1] != LevelExact || ls[len(ls)-1] != LevelDisagree {
			t.Errorf("%v.Levels() = %v, want missing, exact, …, disagree", k, ls)
		}
		if len(ls) > 16 {
			t.Errorf("%v has %d levels; 4 bits hold 16", k, len(ls))
		}
	}
}

// TestEMConverges draws comparison patterns from a known two-class model and
// checks that EM recovers λ and m.
func TestEMConverges(t *testing.T) {
	fields := []Field{{"a", KindRegion}, {"b", KindRegion}, {"c", KindRegion}, {"d", KindRegion}}
	trueM := []float64{0.9, 0.85, 0.95, 0.8} // P(agree | match)
	trueU := []float64{0.05, 0.1, 0.02, 0.2} // P(agree | non-match)
	const lambda = 0.2
	patterns := map[uint64]float64{}
	// Exact expected counts over all 16 patterns (no sampling noise).
	for g := range uint64(16) {
		pm, pu := lambda, 1-lambda
		var packed uint64
		for f := range 4 {
			agree := g>>f&1 == 1
			if agree {
				pm *= trueM[f]
				pu *= trueU[f]
				packed |= 1 << (4 * f)
			} else {
				pm *= 1 - trueM[f]
				pu *= 1 - trueU[f]
				packed |= 2 << (4 * f)
			}
		}
		patterns[packed] = 100000 * (pm + pu)
	}
	m := initialModel(fields)
	for f := range m.Fields {
		m.Fields[f].M = []float64{0, 0.6, 0.4}
		m.Fields[f].U = []float64{0, 0.3, 0.7}
	}
	if err := em(t.Context(), m, patterns, 500, true, nil); err != nil {
		t.Fatal(err)
	}
	if !m.Converged {
		t.Errorf("EM did not converge in %d iterations", m.Iterations)
	}
	if math.Abs(m.Lambda-lambda) > 0.01 {
		t.Errorf("λ = %.4f, want %.2f", m.Lambda, lambda)
	}
	for f := range 4 {
		if got := m.Fields[f].M[1]; math.Abs(got-trueM[f]) > 0.01 {
			t.Errorf("field %d: m(agree) = %.4f, want %.2f", f, got, trueM[f])
		}
		if got := m.Fields[f].U[1]; math.Abs(got-trueU[f]) > 0.01 {
			t.Errorf("field %d: u(agree) = %.4f, want %.2f", f, got, trueU[f])
		}
	}
}

// people builds records over (family, given, dob, postal).
func people(rows ...string) []Record {
	var out []Record
	for i, r := range rows {
		out = append(out, Record{ID: fmt.Sprintf("r%d", i+1), Values: strings.Split(r, "|")})
	}
	return out
}

var personFields = []Field{{"family", KindFamilyName}, {"given", KindGivenName}, {"dob", KindDate}, {"postal", KindPostalCode}}

func TestTermFrequencyAdjustment(t *testing.T) {
	// "smith" is common, "zabrowski" is rare: agreeing on the rare surname
	// must weigh more than agreeing on the common one.
	var rows []string
	for i := range 60 {
		rows = append(rows, fmt.Sprintf("smith|g%d|19%02d0101|%04d", i, i, 2000+i))
	}
	rows = append(rows, "zabrowski|anna|19700101|3000", "zabrowski|bea|19710101|3001")
	recs := people(rows...)
	m, err := New(Config{Fields: personFields, Guards: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	common, _ := res.Explain(0, 1)
	rare, _ := res.Explain(60, 61)
	if common.Fields[0].Level != LevelExact || rare.Fields[0].Level != LevelExact {
		t.Fatalf("surname levels %s, %s; want exact", common.Fields[0].Level, rare.Fields[0].Level)
	}
	if !(rare.Fields[0].Weight > common.Fields[0].Weight+3) {
		t.Errorf("rare surname weighs %.2f bits, common %.2f; want the rare one clearly higher", rare.Fields[0].Weight, common.Fields[0].Weight)
	}
	off, err := New(Config{Fields: personFields, Guards: []string{}, TermFrequency: new(false), Model: res.Model})
	if err != nil {
		t.Fatal(err)
	}
	res2, err := off.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := res2.Explain(0, 1)
	r2, _ := res2.Explain(60, 61)
	if c2.Fields[0].Weight != r2.Fields[0].Weight {
		t.Errorf("without TF, exact surname weights differ: %.3f vs %.3f", c2.Fields[0].Weight, r2.Fields[0].Weight)
	}
}

func TestDeterministicRules(t *testing.T) {
	fields := []Field{{"company", KindCompany}, {"phone", KindPhone}, {"city", KindLocality}, {"email", KindEmail}}
	recs := []Record{
		{ID: "a", Values: []string{"株式会社ABC", "03-1234-5678", "東京", ""}},
		{ID: "b", Values: []string{"ＡＢＣ㈱", "0312345678", "東京", ""}},               // normalised company + phone
		{ID: "c", Values: []string{"ABC", "06-1111-2222", "大阪", "x@abc.jp"}},      // company only: rule 1 fails on phone
		{ID: "d", Values: []string{"ABD", "06-1111-2222", "大阪", "x@abc.jp"}},      // fuzzy company + email → rule 2
		{ID: "e", Values: []string{"XYZ", "", "", ""}},                            // blank phone: never matches rule 1
		{ID: "f", Values: []string{"XYZ", "", "", ""}},                            // both blank: rule 3 matches on blank
		{ID: "g", Values: []string{"株式会社ABC", "03 1234 5678", "Tokyo", "q@q.jp"}}, // exact city and exact phone fail
	}
	rules := []Rule{
		{Name: "company+phone+city", Criteria: []Criterion{
			{Field: "company", Method: Normalized}, {Field: "phone", Method: Normalized}, {Field: "city", Method: Exact}}},
		{Name: "fuzzy company+email", Criteria: []Criterion{
			{Field: "company", Method: Fuzzy, Threshold: 0.8}, {Field: "email", Method: Normalized}}},
		{Name: "blank phones", Criteria: []Criterion{
			{Field: "company", Method: Exact}, {Field: "phone", Method: Exact, MatchBlank: true}}},
	}
	m, err := New(Config{Fields: fields, Rules: rules, Blocking: [][]string{{"company"}, {"email"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	got := clusterIDs(recs, res)
	want := [][]string{{"a", "b"}, {"c", "d"}, {"e", "f"}, {"g"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("clusters (-want +got):\n%s", diff)
	}
	ex, _ := res.Explain(2, 3)
	if ex.Rule != "fuzzy company+email" || ex.Probability != 1 {
		t.Errorf("Explain(c, d) rule %q probability %v; want the fuzzy rule and 1", ex.Rule, ex.Probability)
	}
	if _, err := New(Config{Fields: fields, Rules: []Rule{{Name: "bad", Criteria: []Criterion{{Field: "nope"}}}}}); !errors.Is(err, ErrConfig) {
		t.Errorf("rule naming no field: err = %v, want ErrConfig", err)
	}
}

func clusterIDs(recs []Record, res *Result) [][]string {
	var out [][]string
	for _, c := range res.Clusters() {
		var ids []string
		for _, i := range c {
			ids = append(ids, recs[i].ID)
		}
		sort.Strings(ids)
		out = append(out, ids)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// chainData: r1 and r3 have different corporate numbers and conflict; r2
// has none and resembles both. Without guards r2 chains them together.
func chainData() ([]Field, []Record) {
	fields := []Field{{"company", KindCompany}, {"corp", KindID}, {"phone", KindPhone}, {"postal", KindPostalCode}}
	var recs []Record
	// Background records so that the model has something to estimate from.
	for i := range 200 {
		recs = append(recs, Record{ID: fmt.Sprintf("bg%03d", i), Values: []string{fmt.Sprintf("company %c%c%d", 'a'+i%26, 'a'+i/26, i), fmt.Sprintf("%013d", 1000000+i*7919), fmt.Sprintf("03-%04d-%04d", i, i*3), fmt.Sprintf("%07d", 1000000+i*31)}})
		if i%3 == 0 {
			recs = append(recs, Record{ID: fmt.Sprintf("bg%03dd", i), Values: []string{fmt.Sprintf("company %c%c%d", 'a'+i%26, 'a'+i/26, i), fmt.Sprintf("%013d", 1000000+i*7919), fmt.Sprintf("03-%04d-%04d", i, i*3), ""}})
		}
	}
	recs = append(recs,
		Record{ID: "r1", Values: []string{"Acme Trading", validCorp("010001000001"), "03-9999-0001", "1500001"}},
		Record{ID: "r2", Values: []string{"Acme Trading", "", "03-9999-0001", "1500001"}},
		Record{ID: "r3", Values: []string{"Acme Trading", validCorp("020002000002"), "03-9999-0001", "1500001"}},
	)
	return fields, recs
}

func TestChainingGuards(t *testing.T) {
	fields, recs := chainData()
	find := func(res *Result, id string) int {
		for i, r := range recs {
			if r.ID == id {
				return res.ClusterOf[i]
			}
		}
		t.Fatalf("no record %s", id)
		return -1
	}
	guarded, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	res, err := guarded.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if find(res, "r1") == find(res, "r3") {
		t.Errorf("r1 and r3 (different corporate numbers) ended in one cluster")
	}
	if find(res, "r2") != find(res, "r1") && find(res, "r2") != find(res, "r3") {
		t.Errorf("r2 joined neither r1 nor r3")
	}
	if res.Stats.GuardRefusals == 0 {
		t.Errorf("Stats.GuardRefusals = 0, want the refused merge counted")
	}
	// Explain agrees with the clustering: each refused match says so.
	refused := 0
	for _, p := range res.Pairs {
		ex, _ := res.Explain(p.A, p.B)
		joined := res.ClusterOf[p.A] == res.ClusterOf[p.B]
		if res.IsMatch(p) && !joined {
			refused++
			if ex.Limit != LimitGuard {
				t.Errorf("%s + %s: a match left apart by the guards, yet Explain.Limit = %q", ex.A, ex.B, ex.Limit)
			}
		}
		if joined && ex.Limit == LimitGuard {
			t.Errorf("%s + %s joined, yet Explain says the guard refused them", ex.A, ex.B)
		}
	}
	if refused != res.Stats.GuardRefusals {
		t.Errorf("%d matches left apart, Stats.GuardRefusals = %d", refused, res.Stats.GuardRefusals)
	}
	open, err := New(Config{Fields: fields, Guards: []string{}, Model: res.Model})
	if err != nil {
		t.Fatal(err)
	}
	res2, err := open.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if find(res2, "r1") != find(res2, "r3") {
		t.Errorf("without guards r1 and r3 should chain through r2; the test data does not exercise the guard")
	}
}

func TestLink(t *testing.T) {
	fields := []Field{{"name", KindPersonName}, {"email", KindEmail}, {"dob", KindDate}}
	var left, right []Record
	given := []string{"anna", "bruno", "chiara", "dmitri", "elena", "farid", "greta", "hiro", "ines", "jonas"}
	family := []string{"abbott", "brennan", "castillo", "dubois", "eriksen", "fujita", "gallagher", "horvat", "ivanova", "jablonski", "kowalczyk", "lindqvist", "moreau", "nakamura", "okafor"}
	name := func(i int) string { return given[i%10] + " " + family[i/10] }
	mail := func(i int) string { return fmt.Sprintf("%08x@example.com", uint32(i+1)*2654435761) }
	for i := range 150 {
		left = append(left, Record{ID: fmt.Sprintf("L%d", i), Values: []string{name(i), mail(i), fmt.Sprintf("19%02d-%02d-%02d", 40+i%50, 1+i%12, 1+i%28)}})
		if i%2 == 0 {
			right = append(right, Record{ID: fmt.Sprintf("R%d", i), Values: []string{strings.ToUpper(name(i)), strings.ToUpper(mail(i)), ""}})
		}
	}
	// A second right record for L0 makes one-to-one matter.
	right = append(right, Record{ID: "R0b", Values: []string{name(0), mail(0), "1940-01-01"}})
	m, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Link(t.Context(), left, right)
	if err != nil {
		t.Fatal(err)
	}
	links := map[string][]string{}
	for _, p := range res.Pairs {
		if res.IsMatch(p) {
			links[left[p.A].ID] = append(links[left[p.A].ID], right[p.B].ID)
		}
	}
	for i := 0; i < 150; i += 2 {
		l := fmt.Sprintf("L%d", i)
		if !slices.Contains(links[l], fmt.Sprintf("R%d", i)) {
			t.Errorf("%s not linked to R%d (links %v)", l, i, links[l])
		}
	}
	if diff := cmp.Diff([]string{"R0", "R0b"}, slices.Sorted(slices.Values(links["L0"]))); diff != "" {
		t.Errorf("L0 links (-want +got):\n%s", diff)
	}
	one, err := New(Config{Fields: fields, OneToOne: true, Model: res.Model})
	if err != nil {
		t.Fatal(err)
	}
	res1, err := one.Link(t.Context(), left, right)
	if err != nil {
		t.Fatal(err)
	}
	seenA, seenB := map[int]bool{}, map[int]bool{}
	for _, p := range res1.Pairs {
		if seenA[p.A] || seenB[p.B] {
			t.Errorf("one-to-one: record used twice in %+v", p)
		}
		seenA[p.A], seenB[p.B] = true, true
		if left[p.A].ID == "L0" && right[p.B].ID != "R0b" {
			t.Errorf("one-to-one kept L0–%s, want the full agreement L0–R0b", right[p.B].ID)
		}
	}
	if len(res1.Pairs) != 75 {
		t.Errorf("one-to-one links = %d, want 75", len(res1.Pairs))
	}
}

func TestIndexAgreesWithBatch(t *testing.T) {
	fields, recs, _ := synthSet(t, 3000, 11, "ja")
	m, err := New(Config{Fields: fields, TermFrequency: new(false), Guards: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stats.Capped) > 0 || res.Stats.GuardRefusals > 0 {
		t.Fatalf("test data has capped blocks (%d) or guard refusals (%d): the agreement does not hold there", len(res.Stats.Capped), res.Stats.GuardRefusals)
	}
	ix, err := m.NewIndex(res.Model)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range recs {
		rs, err := ix.Add(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		if rs.ID != r.ID {
			t.Fatalf("Resolution.ID = %q, want %q", rs.ID, r.ID)
		}
	}
	for _, r := range recs {
		ids, err := ix.Cluster(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		got[r.ID] = ids[0]
	}
	batch := res.Clusters()
	want := map[string]string{}
	for i, c := range res.ClusterOf {
		want[recs[i].ID] = recs[batch[c][0]].ID
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("index clusters differ from batch (-batch +index):\n%s", diff)
	}
	if _, err := ix.Add(t.Context(), recs[0]); !errors.Is(err, errDuplicateID) {
		t.Errorf("Add of a known ID: err = %v, want errDuplicateID", err)
	}
	if _, err := ix.Cluster("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Cluster(nope): err = %v, want ErrNotFound", err)
	}
}

func TestIndexFromResult(t *testing.T) {
	fields, recs, _ := synthSet(t, 2000, 5, "ja")
	m, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Dedupe(t.Context(), recs[:1999])
	if err != nil {
		t.Fatal(err)
	}
	ix, err := res.Index()
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 1999 {
		t.Fatalf("Len = %d, want 1999", ix.Len())
	}
	// Re-adding a copy of a clustered record under a new ID joins its cluster.
	src := recs[0]
	rs, err := ix.Add(t.Context(), Record{ID: "copy", Values: src.Values})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ix.Cluster(src.ID)
	if !slices.Contains(want, "copy") || rs.Size != len(want) || len(rs.Matches) == 0 {
		t.Errorf("copy of %s: resolution %+v; cluster of the source %v", src.ID, rs, want)
	}
	checkSum(t, rs.Matches[0])
	if rs.Matches[0].Probability < 0.99 {
		t.Errorf("best match probability %.3f, want ≥ 0.99 for an identical record", rs.Matches[0].Probability)
	}
}

func TestIndexConcurrent(t *testing.T) {
	fields, recs, _ := synthSet(t, 400, 3, "ja")
	m, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Dedupe(t.Context(), recs[:200])
	if err != nil {
		t.Fatal(err)
	}
	ix, err := m.NewIndex(res.Model)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	for w := range 2 {
		go func() {
			for i := 200 + w; i < 400; i += 2 {
				if _, err := ix.Add(context.Background(), recs[i]); err != nil {
					done <- err
					return
				}
				if _, err := ix.Cluster(recs[i].ID); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if ix.Len() != 200 {
		t.Errorf("Len = %d, want 200", ix.Len())
	}
}

func TestInvalidRecords(t *testing.T) {
	m, err := New(Config{Fields: personFields})
	if err != nil {
		t.Fatal(err)
	}
	recs := []Record{
		{ID: "a", Values: []string{"x", "y", "", ""}},
		{ID: "a", Values: []string{"x", "y", "", ""}},
		{ID: "", Values: []string{"x", "y", "", ""}},
		{ID: "c", Values: []string{"x"}},
	}
	_, err = m.Dedupe(t.Context(), recs)
	for _, want := range []error{errDuplicateID, errEmptyID, errWidth, ErrInvalidRecord} {
		if !errors.Is(err, want) {
			t.Errorf("err = %v, want it to wrap %v", err, want)
		}
	}
	var re *RecordError
	if !errors.As(err, &re) || re.Index != 1 || re.ID != "a" {
		t.Errorf("first RecordError = %+v, want record 1 with ID a", re)
	}
	if _, err := New(Config{Fields: []Field{{"x", KindIgnore}}}); !errors.Is(err, ErrConfig) {
		t.Errorf("New with no comparable field: err = %v, want ErrConfig", err)
	}
	if _, err := New(Config{Fields: personFields, Threshold: 1.5}); !errors.Is(err, ErrConfig) {
		t.Errorf("New with threshold 1.5: err = %v, want ErrConfig", err)
	}
}

func TestCancel(t *testing.T) {
	fields, recs, _ := synthSet(t, 2000, 2, "ja")
	m, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := m.Dedupe(ctx, recs); !errors.Is(err, context.Canceled) {
		t.Errorf("Dedupe with a cancelled context: err = %v, want context.Canceled", err)
	}
	var stages []string
	m2, _ := New(Config{Fields: fields, Progress: func(p Progress) { stages = append(stages, p.Stage) }})
	if _, err := m2.Dedupe(t.Context(), recs); err != nil {
		t.Fatal(err)
	}
	want := []string{"prepare", "block", "score", "estimate", "cluster"}
	if diff := cmp.Diff(want, stages); diff != "" {
		t.Errorf("progress stages (-want +got):\n%s", diff)
	}
}

func TestEvaluate(t *testing.T) {
	truth := []string{"a", "a", "a", "b", "b", "c"}
	pred := []string{"1", "1", "2", "3", "3", "3"}
	got := Evaluate(truth, pred)
	// True pairs: 3 (a) + 1 (b) = 4. Predicted: 1 + 3 = 4. Correct: 1 + 1 = 2.
	want := Scores{TruePairs: 4, PredictedPairs: 4, Correct: 2, Precision: 0.5, Recall: 0.5, F1: 0.5}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Evaluate (-want +got):\n%s", diff)
	}
}

func FuzzPrepareCompare(f *testing.F) {
	for _, s := range []string{"", "山田 太郎", "1980-01-02", "昭和55年1月2日", "03-1234-5678", "a@b.jp", "〒100-0005", "\xff\xfe", "H元.1.8", "31/12/1999"} {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, declared := range Kinds() {
			k := declared.matchAs() // what the matcher prepares and compares
			if k == KindIgnore {
				continue
			}
			va, vb := prepare(k, a), prepare(k, b)
			// Properties: a value agrees exactly with itself unless blank;
			// comparison is symmetric; levels stay in range.
			self := compare(k, &va, &va)
			if va.key != "" && self != 1 || va.key == "" && self != 0 {
				t.Fatalf("%v: %q compared with itself gives level %d", k, a, self)
			}
			l1, l2 := compare(k, &va, &vb), compare(k, &vb, &va)
			if l1 != l2 {
				t.Fatalf("%v: compare(%q, %q) = %d but reversed %d", k, a, b, l1, l2)
			}
			if int(l1) >= len(levelNames[k]) {
				t.Fatalf("%v: level %d out of range", k, l1)
			}
		}
	})
}

// validCorp prefixes 12 digits with the check digit that makes a valid
// corporate number.
func validCorp(body string) string {
	for d := '1'; d <= '9'; d++ {
		if c, err := normalize.CorporateNumber(string(d) + body); err == nil {
			return c
		}
	}
	panic("no check digit for " + body)
}

// checkSum asserts that an explanation's prior and contributions add up to
// its weight.
func checkSum(t *testing.T, e Explanation) {
	t.Helper()
	sum := e.Prior
	for _, c := range e.Fields {
		sum += c.Weight
	}
	if math.Abs(sum-e.Weight) > 1e-9 {
		t.Errorf("explanation of %s–%s: prior + contributions = %.6f, weight %.6f", e.A, e.B, sum, e.Weight)
	}
}

func TestExplainMatchesScore(t *testing.T) {
	fields, recs, _ := synthSet(t, 2000, 4, "ja")
	m, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pairs) == 0 {
		t.Fatal("no pairs")
	}
	for _, p := range res.Pairs[:min(50, len(res.Pairs))] {
		e, ok := res.Explain(p.A, p.B)
		if !ok {
			t.Fatalf("Explain(%d, %d) not ok", p.A, p.B)
		}
		checkSum(t, e)
		if math.Abs(e.Weight-p.Weight) > 1e-9 {
			t.Errorf("Explain weight %.6f, pair weight %.6f", e.Weight, p.Weight)
		}
	}
	if _, ok := res.Explain(-1, 0); ok {
		t.Error("Explain(-1, 0) ok, want false")
	}
}

func TestSplitNames(t *testing.T) {
	kinds := []Kind{KindFamilyName, KindGivenName, KindNameKana, KindNameKana}
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"full name at a space", []string{"山中　尚樹", "", "やまなか　なおき", ""}, []string{"山中", "尚樹", "やまなか", "なおき"}},
		{"full name without a space", []string{"鈴木二郎", "", "", ""}, []string{"鈴木", "二郎", "", ""}},
		{"family name alone stays", []string{"佐々木", "", "", ""}, []string{"佐々木", "", "", ""}},
		{"given present: untouched", []string{"山中 尚樹", "尚樹", "", ""}, []string{"山中 尚樹", "尚樹", "", ""}},
		{"latin untouched", []string{"van der berg", "", "", ""}, []string{"van der berg", "", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			got := splitNames(in, kinds)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("splitNames(%q) (-want +got):\n%s", tt.in, diff)
			}
			if diff := cmp.Diff(tt.in, in); diff != "" {
				t.Errorf("splitNames modified its input (-before +after):\n%s", diff)
			}
		})
	}
}

// TestTinyInputs: with a handful of records, random pairs say nothing about
// how often non-matches agree, so the default configuration leans on its
// priors: identical records match, records agreeing on a name but on
// neither e-mail nor phone do not, and clearly different records stay apart.
func TestTinyInputs(t *testing.T) {
	person := []Field{{"name", KindPersonName}, {"email", KindEmail}, {"phone", KindPhone}}
	western := []Field{{"first", KindGivenName}, {"last", KindFamilyName}, {"city", KindLocality}}
	tests := []struct {
		name   string
		fields []Field
		rows   []string
		want   [][]string
	}{
		{"two identical records", person, []string{"山田太郎|taro@example.jp|090-1234-5678", "山田太郎|taro@example.jp|090-1234-5678"},
			[][]string{{"r1", "r2"}}},
		{"identical up to notation", person, []string{"山田 太郎|Taro@Example.JP|09012345678", "山田太郎|taro@example.jp|090-1234-5678"},
			[][]string{{"r1", "r2"}}},
		{"same name, different e-mail and phone", person, []string{"佐藤健|ken@a.jp|090-1111-2222", "佐藤健|sato@b.jp|080-3333-4444"},
			[][]string{{"r1"}, {"r2"}}},
		{"two duplicates among strangers", western, []string{"John|Smith|Boston", "Jon|Smith|Boston", "Mary|Jones|Denver", "Peter|Parker|New York"},
			[][]string{{"r1", "r2"}, {"r3"}, {"r4"}}},
		{"different people", person, []string{"山田太郎|taro@a.jp|090-1111-2222", "山田花子|hanako@b.jp|080-3333-4444"},
			[][]string{{"r1"}, {"r2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(Config{Fields: tt.fields})
			if err != nil {
				t.Fatal(err)
			}
			var recs []Record
			for i, r := range tt.rows {
				recs = append(recs, Record{ID: fmt.Sprintf("r%d", i+1), Values: strings.Split(r, "|")})
			}
			res, err := m.Dedupe(t.Context(), recs)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, clusterIDs(recs, res)); diff != "" {
				t.Errorf("clusters (-want +got):\n%s", diff)
			}
		})
	}
}
