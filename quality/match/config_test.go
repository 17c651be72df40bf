package match

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/go-multierror"
)

// The match.json documented in "c360 dedupe -h" loads as it always did.
func TestLoadConfigDocumented(t *testing.T) {
	in := `{"fields": [{"column": "氏名", "kind": "person_name"}, {"column": "法人番号", "kind": "id"},
   {"column": "email", "kind": "email"}, {"column": "postal", "kind": "postal_code"}, {"column": "family", "kind": "family_name"}],
   "threshold": 0.7, "review_threshold": 0.5, "block_cap": 100,
   "max_cluster_size": 1000, "guards": ["法人番号"], "term_frequency": true,
   "blocking": [["email"], ["postal", "family"]],
   "rules": [{"name": "same e-mail", "criteria": [{"field": "email",
              "method": "normalized"}]}],
   "one_to_one": false, "window": 8, "seed": 1, "workers": 0, "random_pairs": 300000}`
	got, err := LoadConfig(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Fields:    []Field{{"氏名", KindPersonName}, {"法人番号", KindID}, {"email", KindEmail}, {"postal", KindPostalCode}, {"family", KindFamilyName}},
		Threshold: 0.7, ReviewThreshold: 0.5, BlockCap: 100, MaxClusterSize: 1000, Guards: []string{"法人番号"},
		TermFrequency: new(true), Blocking: [][]string{{"email"}, {"postal", "family"}},
		Rules:  []Rule{{Name: "same e-mail", Criteria: []Criterion{{Field: "email", Method: Normalized}}}},
		Window: 8, Seed: 1, RandomPairs: 300000,
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Config{}, "Progress")); diff != "" {
		t.Errorf("LoadConfig (-want +got):\n%s", diff)
	}
	// What a Config marshals to loads back to the same Config.
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	back, err := LoadConfig(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("LoadConfig(%s): %v", b, err)
	}
	if diff := cmp.Diff(got, back, cmpopts.IgnoreFields(Config{}, "Progress")); diff != "" {
		t.Errorf("round trip through %s (-want +got):\n%s", b, diff)
	}
}

// Guards: absent means the default guards, [] none.
func TestConfigGuards(t *testing.T) {
	fields := []Field{{"name", KindPersonName}, {"dob", KindBirthDate}, {"corp", KindCorporateNumber}}
	for _, tt := range []struct {
		name, json string
		want       []int
	}{
		{"absent: every identifier and date", `{}`, []int{1, 2}},
		{"null: the default too", `{"guards": null}`, []int{1, 2}},
		{"empty: none", `{"guards": []}`, nil},
		{"named", `{"guards": ["corp"]}`, []int{2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(strings.NewReader(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			c.Fields = fields
			m, err := New(c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, m.guards); diff != "" {
				t.Errorf("guards (-want +got):\n%s", diff)
			}
		})
	}
}

// Every error of a file says where it is.
func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"syntax", "{\n \"threshold\": 0.8\n \"block_cap\": 10\n}", "line 3, column 2: "},
		{"unknown key", "{\n  \"thresold\": 0.8}", `line 2, column 3: json: unknown field "thresold"`},
		{"unknown key in a field", "{\"fields\": [\n {\"column\": \"a\", \"knd\": \"email\"}]}", `line 2, column 18: json: unknown field "knd"`},
		{"wrong type", "{\n\"threshold\": \"high\"\n}", "line 2, column "},
		{"unknown kind", "{\"fields\": [{\"column\": \"a\", \"kind\": \"email\"},\n  {\"column\": \"b\", \"kind\": \"nickname\"}]}", `line 2, column 27: match: unknown kind "nickname"`},
		{"unknown method", "{\"rules\": [{\"name\": \"r\", \"criteria\": [\n{\"field\": \"a\", \"method\": \"same\"}]}]}", `line 2, column 26: match: invalid configuration: unknown method`},
		{"trailing data", "{\"threshold\": 0.8}\n{}", "line 2, column 1: unexpected data after the JSON object"},
		{"threshold out of range", `{"threshold": 1.8}`, `"threshold" 1.8 not in (0, 1]`},
		{"negative cap", `{"block_cap": -1}`, `"block_cap" -1 is negative`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(strings.NewReader(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadConfig error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// Validate reports every problem at once.
func TestConfigValidateAll(t *testing.T) {
	c := Config{
		Fields:    []Field{{"a", KindEmail}, {"a", KindPhone}, {"b", Kind(99)}},
		Threshold: 2, BlockCap: -3,
		Guards:   []string{"nope"},
		Blocking: [][]string{{"missing"}},
		Rules:    []Rule{{Name: "r", Criteria: []Criterion{{Field: "gone"}}}},
	}
	err := c.Validate()
	if !errors.Is(err, ErrConfig) {
		t.Fatalf("Validate = %v, want ErrConfig", err)
	}
	var me *multierror.Error
	if !errors.As(err, &me) || len(me.Errors) != 7 {
		t.Errorf("Validate found %v, want 7 problems: threshold, block_cap, field twice, unknown kind, guard, blocking, rule", err)
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Errorf("Validate = %v, want a FieldError among the problems", err)
	}
	if err := (Config{Fields: []Field{{"a", KindEmail}}}).Validate(); err != nil {
		t.Errorf("a Config with fields alone: %v", err)
	}
}

// FuzzLoadConfig: no input panics, and what loads without error marshals
// and loads back to the same Config.
func FuzzLoadConfig(f *testing.F) {
	for _, s := range []string{`{}`, `{"fields":[{"column":"a","kind":"email"}],"guards":[]}`, `{"threshold":0.9,"rules":[{"name":"r","criteria":[{"field":"a","method":"fuzzy","threshold":0.8}]}]}`, `{"blocking":[["a","b"]]}`, "{\"fields\": [\n{\"kind\": \"nope\"}]}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := LoadConfig(strings.NewReader(s))
		if err != nil {
			return
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("Marshal of a loaded Config: %v", err)
		}
		back, err := LoadConfig(strings.NewReader(string(b)))
		if err != nil {
			t.Fatalf("LoadConfig(%s) after a round trip: %v", b, err)
		}
		if diff := cmp.Diff(c, back, cmpopts.IgnoreFields(Config{}, "Progress"), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	})
}
