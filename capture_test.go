package c360_test

import (
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/capture"
	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
)

func TestDirectoryResolvesCaptureParticipants(t *testing.T) {
	e := open(t, c360.Config{})
	acct := customer.SourceRecord{System: "sales", RecordID: "A-1"}
	acct.Kind = customer.KindAccount
	acct.LegalName = "株式会社エムアイ食品"
	acct.ContactPoints = []customer.ContactPoint{{Type: customer.ContactEmail, Value: "info@mi-foods.example.jp"}}
	a := upsert(t, e, acct).Profile
	taro := person("sales", "S-1", "山田", "太郎", "taro@mi-foods.example.jp", "")
	taro.Links = []customer.Link{{Profile: customer.ID(customer.SourceScheme + "sales/A-1"), Role: customer.RoleDecisionMaker}}
	p := upsert(t, e, taro).Profile
	d := e.Directory()

	got, ok, err := d.LookupEmail(t.Context(), "taro@mi-foods.example.jp")
	if err != nil || !ok {
		t.Fatalf("LookupEmail: %v %v", ok, err)
	}
	if diff := cmp.Diff(capture.Party{Profile: p, Kind: customer.KindPerson, Accounts: []customer.ID{a}}, got); diff != "" {
		t.Errorf("person (-want +got):\n%s", diff)
	}
	if _, ok, _ := d.LookupEmail(t.Context(), "nobody@example.jp"); ok {
		t.Error("an unknown address was found")
	}
	if s, err := d.Suppressed(t.Context(), "taro@mi-foods.example.jp"); err != nil || s {
		t.Errorf("Suppressed = %v, %v", s, err)
	}
	lead, err := d.CreateLead(t.Context(), "hanako@example.com", "Hanako Sato")
	if err != nil {
		t.Fatal(err)
	}
	again, ok, err := d.LookupEmail(t.Context(), "HANAKO@example.com")
	if err != nil || !ok || again.Profile != lead.Profile {
		t.Errorf("the lead is not found by its address: %+v %v %v", again, ok, err)
	}
}
