package match_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/c360/c360/quality/match"
)

func ExampleInferKinds() {
	header := []string{"氏名", "フリガナ", "電話", "郵便番号", "生年月日", "email"}
	sample := [][]string{{"山田 太郎", "ヤマダ タロウ", "03-1234-5678", "100-0005", "1980-01-02", "taro@example.jp"}}
	fmt.Println(match.InferKinds(header, sample))
	// Output: [person_name name_kana phone postal_code date email]
}

func ExampleMatcher_Dedupe() {
	fields := []match.Field{
		{Name: "name", Kind: match.KindPersonName},
		{Name: "email", Kind: match.KindEmail},
		{Name: "phone", Kind: match.KindPhone},
	}
	recs := []match.Record{
		{ID: "crm-1", Values: []string{"山田 太郎", "taro@example.jp", "03-1234-5678"}},
		{ID: "shop-7", Values: []string{"山田　太郎", "TARO@example.jp", "０３（１２３４）５６７８"}},
		{ID: "crm-2", Values: []string{"佐藤 花子", "hanako@example.jp", "06-1111-2222"}},
	}
	m, err := match.New(match.Config{Fields: fields})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := m.Dedupe(context.Background(), recs)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range res.Clusters() {
		var ids []string
		for _, i := range c {
			ids = append(ids, recs[i].ID)
		}
		fmt.Println(strings.Join(ids, " "))
	}
	// Output:
	// crm-1 shop-7
	// crm-2
}

// Rules switch to deterministic matching, like a CRM's duplicate rules.
func ExampleConfig_rules() {
	m, err := match.New(match.Config{
		Fields: []match.Field{{Name: "company", Kind: match.KindCompany}, {Name: "phone", Kind: match.KindPhone}},
		Rules: []match.Rule{{
			Name: "same company and phone",
			Criteria: []match.Criterion{
				{Field: "company", Method: match.Normalized},
				{Field: "phone", Method: match.Normalized},
			},
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := m.Dedupe(context.Background(), []match.Record{
		{ID: "a", Values: []string{"株式会社ABC", "03-1234-5678"}},
		{ID: "b", Values: []string{"ＡＢＣ㈱", "0312345678"}},
		{ID: "c", Values: []string{"ABC商事", "0312345678"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.ClusterOf)
	ex, _ := res.Explain(0, 1)
	fmt.Println(ex.Rule)
	// Output:
	// [0 0 1]
	// same company and phone
}

func ExampleResult_Explain() {
	fields := []match.Field{{Name: "family", Kind: match.KindFamilyName}, {Name: "dob", Kind: match.KindDate}}
	m, err := match.New(match.Config{Fields: fields, Rules: []match.Rule{{Name: "family+dob", Criteria: []match.Criterion{
		{Field: "family", Method: match.Normalized}, {Field: "dob", Method: match.Normalized}}}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := m.Dedupe(context.Background(), []match.Record{
		{ID: "1", Values: []string{"Smith", "1980-03-12"}},
		{ID: "2", Values: []string{"smith", "12/03/1980"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ex, _ := res.Explain(0, 1)
	for _, c := range ex.Fields {
		fmt.Printf("%s: %s (%s = %s)\n", c.Field, c.Level, c.A, c.B)
	}
	// Output:
	// family: exact (smith = smith)
	// dob: exact (19800312 = 19800312)
}

func ExampleIndex() {
	fields := []match.Field{{Name: "name", Kind: match.KindPersonName}, {Name: "email", Kind: match.KindEmail}}
	m, err := match.New(match.Config{Fields: fields, Rules: []match.Rule{{Name: "email", Criteria: []match.Criterion{{Field: "email", Method: match.Normalized}}}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ix, err := m.NewIndex(nil) // rules need no model
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for _, r := range []match.Record{
		{ID: "a", Values: []string{"Taro Yamada", "taro@example.jp"}},
		{ID: "b", Values: []string{"Hanako Sato", "hanako@example.jp"}},
		{ID: "c", Values: []string{"T. Yamada", "Taro@Example.jp"}},
	} {
		res, err := ix.Add(ctx, r)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s → cluster %s (size %d)\n", res.ID, res.Cluster, res.Size)
	}
	// Output:
	// a → cluster a (size 1)
	// b → cluster b (size 1)
	// c → cluster a (size 2)
}

// A match.json, as "c360 dedupe --config" reads it, loads into a Config.
func ExampleLoadConfig() {
	cfg, err := match.LoadConfig(strings.NewReader(`{
  "fields": [{"column": "氏名", "kind": "person_name"}, {"column": "電話", "kind": "phone"}],
  "threshold": 0.8,
  "guards": []
}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Fields, cfg.Threshold, cfg.Guards != nil)
	_, err = match.LoadConfig(strings.NewReader("{\n  \"threshold\": 0.8,\n  \"treshold\": 0.9\n}"))
	fmt.Println(err)
	// Output:
	// [{氏名 person_name} {電話 phone}] 0.8 true
	// line 3, column 3: json: unknown field "treshold"
}

func ExampleEvaluate() {
	truth := []string{"e1", "e1", "e2", "e2"}
	clusters := []string{"c1", "c1", "c1", "c2"}
	s := match.Evaluate(truth, clusters)
	fmt.Printf("precision %.2f recall %.2f F1 %.2f\n", s.Precision, s.Recall, s.F1)
	// Output: precision 0.33 recall 0.50 F1 0.40
}
