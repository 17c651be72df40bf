package match

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c360/c360/customer"
)

// Two records that share nothing but a common full name (the quick start's
// sales/S-1005 and webshop/W300123, 田中 健太: one has a phone, the other an
// e-mail and an address) are not a match: missing fields are no agreement,
// and a name shared by thousands is weak evidence on its own. A rare name
// with the same evidence still links; a common name with a phone agreeing
// too is a match.
func TestCommonNameOnly(t *testing.T) {
	person := func(sys, id, fam, giv, famKana, givKana, email, phone, addr string) customer.SourceRecord {
		r := customer.SourceRecord{System: sys, RecordID: id}
		r.Kind = customer.KindPerson
		r.Name.Family, r.Name.Given, r.Name.FamilyKana, r.Name.GivenKana = fam, giv, famKana, givKana
		if email != "" {
			r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactEmail, Value: email})
		}
		if phone != "" {
			r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactPhone, Value: phone})
		}
		if addr != "" {
			r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactPostal, Value: addr})
		}
		return r
	}
	src := []customer.SourceRecord{
		person("sales", "S-1005", "田中", "健太", "タナカ", "ケンタ", "", "090-1185-5565", ""),
		person("webshop", "W300123", "田中", "健太", "", "", "KENTA.TANAKA@EXAMPLE.JP", "", "〒135-0655 北海道札幌市中央区北一条西2-1"),
		person("sales", "S-1020", "山崎", "彩", "ヤマザキ", "アヤ", "", "090-1740-7260", ""),
		person("webshop", "W300451", "山崎", "彩", "", "", "aya.yamazaki@example.jp", "", "〒240-2620 福岡県福岡市中央区天神2-8-9"),
		person("sales", "S-1030", "佐藤", "花子", "サトウ", "ハナコ", "", "090-2222-3333", ""),
		person("service", "T-1", "佐藤", "花子", "", "", "", "09022223333", ""),
		person("sales", "S-1040", "鈴木", "一郎", "スズキ", "イチロウ", "ichiro@example.jp", "03-1111-2222", ""),
		person("webshop", "W300900", "高橋", "美咲", "", "", "misaki@example.jp", "", "東京都港区芝公園4-2-8"),
	}
	m, err := New(Config{Fields: SourceFields(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	recs := SourceRecords(src)
	res, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		a, b  int
		match bool
		limit string
	}{
		{"common name alone: review, not merged", 0, 1, false, LimitCommonName},
		{"rare name alone: merged", 2, 3, true, ""},
		{"common name and the same phone: merged", 4, 5, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, _ := res.Explain(tt.a, tt.b)
			t.Logf("%s + %s: weight %.1f bits, probability %.4f, limit %q", ex.A, ex.B, ex.Weight, ex.Probability, ex.Limit)
			joined := res.ClusterOf[tt.a] == res.ClusterOf[tt.b]
			if joined != tt.match || ex.Limit != tt.limit || (ex.Probability >= m.o.threshold) != tt.match {
				t.Errorf("joined %v, probability %.4f, limit %q; want joined %v, limit %q", joined, ex.Probability, ex.Limit, tt.match, tt.limit)
			}
		})
	}
	// The pair is listed for review, below the threshold.
	found := false
	for _, p := range res.Pairs {
		if p.A == 0 && p.B == 1 {
			found = true
			if res.IsMatch(p) {
				t.Errorf("pair listed as a match: %+v", p)
			}
		}
	}
	if !found {
		t.Error("the common-name pair is not in the review band of Result.Pairs")
	}
	// An Index built from the result agrees.
	ix, err := res.Index()
	if err != nil {
		t.Fatal(err)
	}
	again := recs[1]
	again.ID = "webshop/W300124"
	r, err := ix.Add(t.Context(), again)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range r.Matches {
		if ex.A == "sales/S-1005" {
			t.Errorf("Index matched the common-name pair: %+v", ex)
		}
	}
}

// A deterministic rule brings its own blocking: a rule on the company name
// alone finds its pairs although no default blocking rule keys on company
// names when there are person names; with a blocking that cannot find them,
// the configuration is refused, saying why.
func TestRulesBringTheirBlocking(t *testing.T) {
	fields := []Field{{"family", KindFamilyName}, {"given", KindGivenName}, {"company", KindCompany}, {"phone", KindPhone}}
	rules := []Rule{{Name: "same company", Criteria: []Criterion{{Field: "company", Method: Normalized}}}}
	m, err := New(Config{Fields: fields, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	recs := []Record{
		{ID: "1", Values: []string{"山田", "太郎", "株式会社髙島屋", "03-1111-2222"}},
		{ID: "2", Values: []string{"佐藤", "花子", "(株)高島屋", "06-3333-4444"}},
		{ID: "3", Values: []string{"鈴木", "一郎", "高島屋不動産株式会社", "03-1111-2222"}},
	}
	res, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{0, 0, 1}, res.ClusterOf); diff != "" {
		t.Errorf("clusters (-want +got):\n%s", diff)
	}
	if res.Stats.RulePairs["rule:same company"] != 1 {
		t.Errorf("RulePairs = %v, want 1 pair from rule:same company", res.Stats.RulePairs)
	}
	_, err = New(Config{Fields: fields, Rules: rules, Blocking: [][]string{{"phone"}}})
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), `rule "same company" finds no pairs`) {
		t.Errorf("blocking on phone only for a company rule: err = %v, want a refusal naming the rule", err)
	}
}

// A family name that the data itself shows to be common — not on the
// built-in list — makes a pair that shares nothing but names a review item
// too, and the model keeps its frequency, so that a Scorer (one record at a
// time, as the engine scores) weakens the agreement on it and holds the
// pair for review as well; missing fields read as no evidence.
func TestCommonNameByFrequency(t *testing.T) {
	fields := []Field{{"family", KindFamilyName}, {"given", KindGivenName}, {"email", KindEmail}, {"phone", KindPhone}, {"dob", KindDate}}
	m, err := New(Config{Fields: fields, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// 3,000 people, one in ten an Okafor (not on the built-in list); given
	// names from a pool of 200; every fifth person has a second record
	// with the same e-mail, phone and birth date. Then two Okafor Chidi:
	// one with an e-mail, phone and birth date, one with the names alone.
	var recs []Record
	person := func(i int) []string {
		fam := fmt.Sprintf("fam%dx", i)
		if i%10 == 0 {
			fam = "okafor"
		}
		return []string{fam, fmt.Sprintf("given%dy", i%200), fmt.Sprintf("p%d@example.com", i), fmt.Sprintf("+44 20 7%03d %04d", i%1000, i), fmt.Sprintf("19%02d-%02d-%02d", 40+i%60, 1+i%12, 1+i%28)}
	}
	for i := range 3000 {
		recs = append(recs, Record{ID: fmt.Sprint("r", i), Values: person(i)})
		if i%5 == 0 {
			recs = append(recs, Record{ID: fmt.Sprint("d", i), Values: person(i)})
		}
	}
	a := Record{ID: "chidi-1", Values: []string{"Okafor", "Chidi", "chidi@example.org", "+44 20 7946 0000", "1985-05-05"}}
	b := Record{ID: "chidi-2", Values: []string{"OKAFOR", "Chidi", "", "", ""}}
	recs = append(recs, a, b)
	res, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	ia, ib := len(recs)-2, len(recs)-1
	ex, _ := res.Explain(ia, ib)
	t.Logf("batch: %s + %s: weight %.1f bits, probability %.4f, limit %q", ex.A, ex.B, ex.Weight, ex.Probability, ex.Limit)
	thr, _ := m.Thresholds()
	if ex.Limit != LimitCommonName || ex.Probability >= thr || res.ClusterOf[ia] == res.ClusterOf[ib] {
		t.Errorf("batch: limit %q, probability %.4f, joined %v; want %q below %.2f and not joined",
			ex.Limit, ex.Probability, res.ClusterOf[ia] == res.ClusterOf[ib], LimitCommonName, thr)
	}
	for _, c := range ex.Fields {
		if c.Level == LevelMissing && c.Weight != 0 {
			t.Errorf("missing field %s weighs %.2f bits, want 0", c.Field, c.Weight)
		}
	}
	share := res.Model.Fields[0].Frequent["okafor"]
	if want := 602.0 / 3602; share < want-1e-9 || share > want+1e-9 { // 300 people, 300 second records and the two Chidi
		t.Fatalf("Model.Frequent[okafor] = %.4f, want %.4f", share, want)
	}
	s, err := m.NewScorer(res.Model)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Score(a, []Record{b})
	if err != nil {
		t.Fatal(err)
	}
	sc := got[0]
	t.Logf("scorer: weight %.1f bits, probability %.4f, limit %q; family %.2f bits (untouched %.2f)", sc.Weight, sc.Probability, sc.Limit, sc.Fields[0].Weight, res.Model.Weight(0, 1))
	if sc.Limit != LimitCommonName || sc.Probability >= thr {
		t.Errorf("scorer: limit %q, probability %.4f; want %q below %.2f", sc.Limit, sc.Probability, LimitCommonName, thr)
	}
	if sc.Fields[0].Weight >= res.Model.Weight(0, 1)-1 {
		t.Errorf("scorer: agreeing on okafor weighs %.2f bits, want at least a bit below the field's %.2f", sc.Fields[0].Weight, res.Model.Weight(0, 1))
	}
}

// Two given names in Japanese script that differ, with no reading to
// agree, are a household member's — unless the birth dates or the mobile
// numbers agree exactly, where a variant kanji of one name (昌平 / 翔平) is
// the likelier story. A shared landline is the household's. Readings that
// disagree too settle it whatever else agrees: a variant kanji keeps its
// reading, and household members (twins) can share a birth date.
func TestHouseholdVeto(t *testing.T) {
	fields := []Field{{"family", KindFamilyName}, {"given", KindGivenName}, {"given_kana", KindNameKana}, {"dob", KindDate}, {"phone", KindPhone}}
	m, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewScorer(nil)
	if err != nil {
		t.Fatal(err)
	}
	mobile := []string{"佐佐木", "昌平", "ショウヘイ", "2002-07-24", "080-8680-3683"}
	landline := []string{"佐佐木", "昌平", "ショウヘイ", "2002-07-24", "03-3261-4411"}
	tests := []struct {
		name        string
		base, other []string
		vetoed      bool
	}{
		{"same birth date, reading missing", landline, []string{"佐佐木", "翔平", "", "2002-07-24", "03-3261-4411"}, false},
		{"birth date missing, reading missing, same landline", landline, []string{"佐佐木", "翔平", "", "", "03-3261-4411"}, true},
		{"birth date missing, reading missing, no phone", mobile, []string{"佐佐木", "翔平", "", "", ""}, true},
		{"birth date missing, reading missing, same mobile", mobile, []string{"佐佐木", "翔平", "", "", "080-8680-3683"}, false},
		{"birth date missing, reading missing, other mobile", mobile, []string{"佐佐木", "翔平", "", "", "090-1111-2222"}, true},
		{"other birth date, other reading, same mobile", mobile, []string{"佐佐木", "和子", "カズコ", "1975-03-02", "080-8680-3683"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Score(Record{ID: "a", Values: tt.base}, []Record{{ID: "b", Values: tt.other}})
			if err != nil {
				t.Fatal(err)
			}
			if got[0].Vetoed != tt.vetoed || (got[0].Limit == LimitHousehold) != tt.vetoed {
				t.Errorf("vetoed %v, limit %q; want vetoed %v", got[0].Vetoed, got[0].Limit, tt.vetoed)
			}
		})
	}
	// With both readings (the second kana field reads the given name).
	fields = []Field{{"family", KindFamilyName}, {"given", KindGivenName}, {"family_kana", KindNameKana}, {"given_kana", KindNameKana}, {"dob", KindDate}, {"phone", KindPhone}}
	m, err = New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	if s, err = m.NewScorer(nil); err != nil {
		t.Fatal(err)
	}
	base := []string{"佐佐木", "昌平", "ササキ", "ショウヘイ", "2002-07-24", "080-8680-3683"}
	for _, tt := range []struct {
		name   string
		other  []string
		vetoed bool
	}{
		{"same birth date, same reading (variant kanji)", []string{"佐佐木", "翔平", "ササキ", "ショウヘイ", "2002-07-24", ""}, false},
		{"same birth date, other reading (twins)", []string{"佐佐木", "和子", "ササキ", "カズコ", "2002-07-24", ""}, true},
		{"same mobile, other reading", []string{"佐佐木", "和子", "ササキ", "カズコ", "", "080-8680-3683"}, true},
		{"same birth date, reading missing", []string{"佐佐木", "翔平", "ササキ", "", "2002-07-24", ""}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Score(Record{ID: "a", Values: base}, []Record{{ID: "b", Values: tt.other}})
			if err != nil {
				t.Fatal(err)
			}
			if got[0].Vetoed != tt.vetoed || (got[0].Limit == LimitHousehold) != tt.vetoed {
				t.Errorf("vetoed %v, limit %q; want vetoed %v", got[0].Vetoed, got[0].Limit, tt.vetoed)
			}
		})
	}
}

// A person who moved disagrees on the postal code, the prefecture and the
// address at once: one piece of evidence, so only the strongest of those
// disagreements counts, and the contributions still add up to the weight.
// A typo in one place field while another agrees is independent evidence
// and counts as usual.
func TestPlaceDisagreementsCountOnce(t *testing.T) {
	fields := []Field{{"family", KindFamilyName}, {"given", KindGivenName}, {"dob", KindDate},
		{"postal", KindPostalCode}, {"prefecture", KindPrefecture}, {"address", KindAddress}, {"email", KindEmail}}
	m, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	model := m.PriorModel()
	s, err := m.NewScorer(model)
	if err != nil {
		t.Fatal(err)
	}
	a := Record{ID: "a", Values: []string{"川上", "早苗", "1975-04-22", "433-8123", "静岡県", "静岡県浜松市中央区幸4-21-9", ""}}
	tests := []struct {
		name string
		b    []string
		// disagreeing place fields (indexes in fields)
		places []int
		moved  bool
	}{
		{"moved", []string{"川上", "早苗", "1975-04-22", "503-0827", "岐阜県", "岐阜県大垣市恵比寿町南2-23-23", ""}, []int{3, 4, 5}, true},
		{"moved within the prefecture", []string{"川上", "早苗", "1975-04-22", "410-0801", "静岡県", "静岡県沼津市大手町1-1-3", ""}, []int{3, 5}, true},
		{"postal code only", []string{"川上", "早苗", "1975-04-22", "503-0827", "", "", ""}, []int{3}, false},
		{"same place", []string{"川上", "早苗", "1975-04-22", "433-8123", "静岡県", "静岡県浜松市中央区幸4-21-9", ""}, nil, false},
		{"postal code disagrees, address agrees", []string{"川上", "早苗", "1975-04-22", "434-0021", "静岡県", "静岡県浜松市中央区幸4-21-9", ""}, []int{3}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Score(a, []Record{{ID: "b", Values: tt.b}})
			if err != nil {
				t.Fatal(err)
			}
			ex := got[0].Explanation
			sum := ex.Prior
			strongest, negatives := 0.0, 0
			for _, c := range ex.Fields {
				sum += c.Weight
			}
			for _, f := range tt.places {
				w := model.Weight(f, len(model.Fields[f].M)-1) // the disagree level
				strongest = min(strongest, w)
				if ex.Fields[f].Level != LevelDisagree {
					t.Errorf("%s: level %q, want %q", fields[f].Name, ex.Fields[f].Level, LevelDisagree)
				}
				if ex.Fields[f].Weight < 0 {
					negatives++
				}
			}
			if d := sum - ex.Weight; d > 1e-9 || d < -1e-9 {
				t.Errorf("contributions add up to %.4f, weight %.4f", sum, ex.Weight)
			}
			placeSum, all := 0.0, 0.0
			for _, f := range tt.places {
				placeSum += ex.Fields[f].Weight
				all += model.Weight(f, len(model.Fields[f].M)-1)
			}
			want, wantNeg := all, len(tt.places)
			if tt.moved {
				want, wantNeg = strongest, 1
			}
			if d := placeSum - want; d > 1e-9 || d < -1e-9 {
				t.Errorf("disagreeing place fields weigh %.4f in all, want %.4f", placeSum, want)
			}
			if negatives != wantNeg {
				t.Errorf("%d place fields weigh against, want %d", negatives, wantNeg)
			}
		})
	}
}

// The term-frequency adjustment makes agreeing on a common value weak
// evidence, never evidence against; a rare value gains at most maxTFBoost.
func TestTermFrequencyFloor(t *testing.T) {
	tests := []struct {
		name       string
		exact, tf  float64 // the exact level's weight; the value's frequency
		wantWeight float64
	}{
		{"common value", 0.5, 0.2, 0},          // 0.5 + log2(0.01/0.2) = -3.8: floored at 0
		{"average value", 0.5, 0.01, 0.5},      // no adjustment
		{"rare value", 0.5, 0.0001, 0.5 + 3.0}, // log2(100) = 6.6, capped at maxTFBoost
		{"weak field, common value", -1, 0.2, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &scorer{w: [][]float64{{0, tt.exact}}, tf: true, uEx: []float64{0.01}, minTF: []float64{0}, reads: []int{-1}, place: []bool{false}, region: []bool{false}, noTF: []bool{false}}
			v := value{key: "田中", tf: float32(tt.tf)}
			if got := s.fieldWeight(0, 1, &v, 0); got < tt.wantWeight-1e-6 || got > tt.wantWeight+1e-6 {
				t.Errorf("weight %.4f, want %.4f", got, tt.wantWeight)
			}
		})
	}
}
