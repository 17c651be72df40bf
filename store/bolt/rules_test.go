package bolt

import (
	"context"
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
)

// TestEngineRulesModeOnBolt upserts records matched by a deterministic
// rule (whose weights are infinite) into an engine kept in the file.
func TestEngineRulesModeOnBolt(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	e, err := c360.Open(ctx, c360.Config{Store: db.Engine(), Match: match.Config{Rules: []match.Rule{{
		Name: "same e-mail", Criteria: []match.Criterion{{Field: "email", Method: match.Normalized}},
	}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var ids []customer.ID
	for _, id := range []string{"S-1", "S-2"} {
		r := customer.SourceRecord{System: "sales", RecordID: id}
		r.Kind = customer.KindPerson
		r.Name = customer.PersonName{Family: "山田", Given: "太郎"}
		r.ContactPoints = []customer.ContactPoint{{Type: customer.ContactEmail, Value: "taro@example.jp"}}
		up, err := e.Upsert(ctx, r)
		if err != nil {
			t.Fatalf("Upsert %s: %v", id, err)
		}
		ids = append(ids, up.Profile)
	}
	if ids[0] != ids[1] {
		t.Errorf("the rule's match did not join the records: %v", ids)
	}
	l, err := e.LinkOf(ctx, customer.RecordKey{System: "sales", RecordID: "S-2"})
	if err != nil || l.Match == nil || l.Match.Rule != "same e-mail" {
		t.Errorf("link of S-2: %+v, %v", l, err)
	}
}
