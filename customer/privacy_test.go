package customer_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
)

// privacyFixture stores person P (linked to account ACME) and account ACME
// (linking back to P, and naming P's records in a merge log).
func privacyFixture(t *testing.T) (*customer.MemoryStore, *customer.Profile) {
	st := &customer.MemoryStore{}
	var s customer.Survivorship
	person := nameRecords()
	person[0].ContactPoints = []customer.ContactPoint{{Type: customer.ContactEmail, Value: "taro@example.jp"}}
	person[0].Identifiers = []customer.Identifier{{Scheme: "email", Value: "taro@example.jp"}}
	person[0].Links = []customer.Link{{Profile: "ACME", Role: customer.RoleBuyer}}
	person[0].Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing,
		Status: customer.ConsentOptIn, CapturedAt: day(1)})
	person[0].Attributes = map[string]customer.Value{"tier": customer.StringValue("gold")}
	p := stored(t, st, &s, "P", 1, person)
	acct := rec("thirdparty", "T1", 1, customer.Facts{Kind: customer.KindAccount, LegalName: "株式会社ACME",
		Links: []customer.Link{{Profile: "P", Role: customer.RoleBuyer}, {Profile: "Q", Role: customer.RoleUser}}})
	a := stored(t, st, &s, "ACME", 1, []customer.SourceRecord{acct})
	a.Audit = []customer.AuditEvent{{Action: customer.ActionUnmerge, At: day(2), Other: "P",
		Records: []customer.RecordKey{{System: "sales", RecordID: "S1"}}}}
	if _, err := st.Put(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	return st, p
}

func TestErase(t *testing.T) {
	ctx := t.Context()
	st, p := privacyFixture(t)
	pv := &customer.Privacy{Store: st}
	rep, err := pv.Erase(ctx, "P", decision)
	if err != nil {
		t.Fatal(err)
	}
	want := &customer.ErasureReport{
		Profile: "P", At: decision.At, Actor: decision.Actor, Reason: decision.Reason,
		Records:       []customer.RecordKey{{System: "sales", RecordID: "S1"}, {System: "service", RecordID: "V1"}, {System: "webshop", RecordID: "W1"}},
		ContactPoints: 1, Identifiers: len(p.Identifiers), ConsentEntries: 1, Attributes: 1,
		References: []customer.ID{"ACME"},
	}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if _, err := st.Get(ctx, "P"); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("profile still stored: %v", err)
	}
	if ids, _ := st.Lookup(ctx, customer.Identifier{Scheme: "email", Value: "taro@example.jp"}); len(ids) != 0 {
		t.Errorf("identifier still indexed: %v", ids)
	}
	// No copy of P's ID or record keys may remain anywhere.
	for q, err := range st.All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(q)
		for _, s := range []string{`"P"`, `"S1"`, "taro"} {
			if strings.Contains(string(b), s) {
				t.Errorf("profile %s still holds %s: %s", q.ID, s, b)
			}
		}
		if len(q.Links) != 1 || q.Links[0].Profile != "Q" {
			t.Errorf("links of %s = %+v, want only Q", q.ID, q.Links)
		}
	}
	// Erasing again finishes quietly.
	rep, err = pv.Erase(ctx, "P", decision)
	if err != nil || len(rep.Records) != 0 {
		t.Errorf("second Erase = %+v, %v", rep, err)
	}
}

func TestExport(t *testing.T) {
	ctx := t.Context()
	st, _ := privacyFixture(t)
	pv := &customer.Privacy{Store: st}
	b, err := pv.Export(ctx, "P", decision)
	if err != nil {
		t.Fatal(err)
	}
	var got customer.Export
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	want, _ := st.Get(ctx, "P")
	if diff := cmp.Diff(want, got.Profile); diff != "" {
		t.Errorf("exported profile (-stored +exported):\n%s", diff)
	}
	if diff := cmp.Diff([]customer.ID{"ACME"}, got.ReferencedBy); diff != "" {
		t.Errorf("referenced by (-want +got):\n%s", diff)
	}
	if n := len(want.Audit); n != 1 || want.Audit[0].Action != customer.ActionExport {
		t.Errorf("export not logged: %+v", want.Audit)
	}
	if _, err := pv.Export(ctx, "nobody", decision); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("export of absent: %v, want ErrNotFound", err)
	}
}

func TestRestrictAndLift(t *testing.T) {
	ctx := t.Context()
	st, _ := privacyFixture(t)
	pv := &customer.Privacy{Store: st}
	p, _ := st.Get(ctx, "P")
	if !p.MayContact(customer.ChannelEmail, customer.PurposeMarketing, "", day(10)) {
		t.Fatal("fixture: may not contact before restriction")
	}
	p, err := pv.Restrict(ctx, "P", decision)
	if err != nil {
		t.Fatal(err)
	}
	if p.MayContact(customer.ChannelEmail, customer.PurposeMarketing, "", day(10)) {
		t.Error("MayContact after Restrict = true")
	}
	m := &customer.Merger{Store: st}
	if _, err := m.Merge(ctx, "ACME", "P", decision); !errors.Is(err, customer.ErrRestricted) {
		t.Errorf("Merge of restricted profile: %v, want ErrRestricted", err)
	}
	if _, err := pv.Restrict(ctx, "P", decision, "gossip"); !errors.Is(err, customer.ErrInvalid) {
		t.Errorf("Restrict with unknown purpose: %v, want ErrInvalid", err)
	}
	p, err = pv.Lift(ctx, "P", decision)
	if err != nil {
		t.Fatal(err)
	}
	if !p.MayContact(customer.ChannelEmail, customer.PurposeMarketing, "", day(10)) || p.Restriction != nil {
		t.Error("restriction not lifted")
	}
	var actions []customer.AuditAction
	for _, e := range p.Audit {
		actions = append(actions, e.Action)
	}
	if diff := cmp.Diff([]customer.AuditAction{customer.ActionRestrict, customer.ActionLift}, actions); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
}
