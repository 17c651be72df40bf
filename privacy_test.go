package c360_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/segment"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var dpo = customer.Decision{Actor: "佐藤 (DPO)", Reason: "erasure request #12"}

// storeFacts is every link, profile, change and review the engine answers,
// to show that a refused call changed nothing.
func storeFacts(t *testing.T, e *c360.Engine) string {
	t.Helper()
	var b strings.Builder
	for p, err := range e.Profiles(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(p)
		b.Write(j)
		b.WriteByte('\n')
		tl, err := e.Timeline(t.Context(), p.ID, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		j, _ = json.Marshal(tl)
		b.Write(j)
	}
	for c, err := range e.Changes(t.Context(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(c)
		b.Write(j)
	}
	return b.String()
}

func TestEraseBadInput(t *testing.T) {
	e := open(t, c360.Config{})
	a := upsert(t, e, person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")).Profile
	b := person("service", "V-2", "", "", "", "090-1111-2222")
	b.Name.Latin = "Taro Yamada"
	pb := upsert(t, e, b).Profile
	upsert(t, e, person("webshop", "W-3", "山田", "太郎", "taro@example.jp", "09011112222")) // merges pb into a
	before := storeFacts(t, e)

	tests := []struct {
		name string
		id   customer.ID
		d    customer.Decision
		want error
	}{
		{"unknown ID", "Pnosuchid", dpo, c360.ErrNotFound},
		{"absorbed ID names its survivor", pb, dpo, c360.ErrConflict},
		{"no actor", a, customer.Decision{Reason: "no one asked"}, c360.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Erase(t.Context(), tt.id, tt.d)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Erase(%s) = %v, want %v", tt.id, err, tt.want)
			}
			if tt.id == pb {
				var ae *c360.AbsorbedError
				if !errors.As(err, &ae) || ae.Survivor != a || !strings.Contains(err.Error(), string(a)) {
					t.Errorf("Erase(absorbed) = %v, want an *AbsorbedError naming %s", err, a)
				}
			}
			if got := storeFacts(t, e); got != before {
				t.Error("a refused Erase changed the store")
			}
		})
	}
}

func TestEraseAuditSuppressionAndLift(t *testing.T) {
	e := open(t, liveConfig())
	ctx := t.Context()
	taro := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "090-1234-5678")
	taro.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day0})
	hanako := person("sales", "S-2", "佐藤", "花子", "hanako@example.jp", "")
	id := upsert(t, e, taro).Profile
	other := upsert(t, e, hanako).Profile
	x := ev("e1", journey.Type("online_purchase"), day0)
	x.AnonymousID = "cookie-1"
	x.Identifiers = []customer.Identifier{{Scheme: "email", Value: "TARO@example.jp"}}
	track(t, e, x)
	x2 := ev("e2", journey.Type("web_visit"), day0.Add(time.Hour))
	x2.CustomerID = id
	track(t, e, x2)
	if err := e.Suppress(ctx, customer.ChannelEmail, "taro@example.jp", "hard bounce"); err != nil {
		t.Fatal(err)
	}
	if err := e.Sent(ctx, journey.Send{Customer: id, Channel: customer.ChannelSMS}); err != nil {
		t.Fatal(err)
	}
	otherBefore, _, _ := e.Profile(ctx, other)

	er, err := e.Erase(ctx, id, dpo)
	if err != nil {
		t.Fatal(err)
	}
	// The audit entry: who, why, what kinds, counts; no personal value.
	got, err := e.Erasures(ctx)
	if err != nil || len(got) != 1 {
		t.Fatalf("Erasures = %v, %v", got, err)
	}
	if diff := cmp.Diff(*er, got[0]); diff != "" {
		t.Errorf("the stored audit entry differs from Erase's (-want +got):\n%s", diff)
	}
	wantRemoved := map[string]int{"records": 1, "links": 1, "profiles": 1, "events": 2, "anonymous_ids": 1, "sends": 1,
		"stage": 1, "memberships": 2, "contact_suppressions": 1}
	for k, n := range wantRemoved {
		if er.Removed[k] != n {
			t.Errorf("Removed[%s] = %d, want %d (all: %v)", k, er.Removed[k], n, er.Removed)
		}
	}
	if er.Actor != dpo.Actor || er.Reason != dpo.Reason || er.Profile != id || er.At.IsZero() {
		t.Errorf("audit entry = %+v", er)
	}
	j, _ := json.Marshal(got)
	for _, personal := range []string{"taro", "山田", "太郎", "1234", "cookie-1", "S-1"} {
		if strings.Contains(string(j), personal) {
			t.Errorf("the audit entry holds %q: %s", personal, j)
		}
	}
	var last c360.Change
	for c, err := range e.Changes(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		last = c
	}
	if last.Kind != c360.ChangeErased || last.Profile != id {
		t.Errorf("last change = %+v, want the erasure notice of %s", last, id)
	}
	if p, _, err := e.Profile(ctx, other); err != nil || !cmp.Equal(p, otherBefore) {
		t.Errorf("the other person changed: %v", err)
	}
	for _, ident := range []customer.Identifier{{Scheme: "email", Value: "taro@example.jp"}, {Scheme: "phone", Value: "09012345678"}} {
		if ids, err := e.Lookup(ctx, ident); err != nil || len(ids) != 0 {
			t.Errorf("Lookup(%v) after Erase = %v, %v", ident, ids, err)
		}
	}

	// Re-ingestion is refused while suppressed: the same record, another
	// record with the e-mail in another notation, an event, a Load.
	before := storeFacts(t, e)
	again := taro
	again.ObservedAt = time.Time{}
	other2 := person("crm", "C-9", "山田", "太郎", "ＴＡＲＯ@EXAMPLE.JP", "")
	for _, r := range []customer.SourceRecord{again, other2} {
		_, err := e.Upsert(ctx, r)
		var se *c360.SuppressedError
		if !errors.As(err, &se) || se.Erasure != er.ID || !errors.Is(err, c360.ErrSuppressed) {
			t.Errorf("Upsert(%s) after Erase = %v, want a *SuppressedError of %s", r.Key(), err, er.ID)
		}
		if strings.Contains(err.Error(), "taro@") {
			t.Errorf("the refusal repeats the identifier: %v", err)
		}
	}
	y := ev("e3", journey.Type("web_visit"), day0.Add(2*time.Hour))
	y.Identifiers = []customer.Identifier{{Scheme: "phone", Value: "+81 90 1234 5678"}}
	if _, err := e.Track(ctx, y); !errors.Is(err, c360.ErrSuppressed) {
		t.Errorf("Track by the erased phone = %v, want ErrSuppressed", err)
	}
	z := ev("e4", journey.Type("web_visit"), day0.Add(2*time.Hour))
	z.AnonymousID = "cookie-1"
	if _, err := e.Track(ctx, z); !errors.Is(err, c360.ErrSuppressed) {
		t.Errorf("Track by the erased anonymous ID = %v, want ErrSuppressed", err)
	}
	if got := storeFacts(t, e); got != before {
		t.Error("refused records and events changed the store")
	}
	st, err := e.Load(ctx, c360.Records([]customer.SourceRecord{again, person("crm", "C-10", "鈴木", "一郎", "ichiro@example.jp", "")}))
	if err != nil || st.Suppressed != 1 {
		t.Errorf("Load = %+v, %v; want 1 suppressed", st, err)
	}
	if ids, err := e.Lookup(ctx, customer.Identifier{Scheme: "email", Value: "ichiro@example.jp"}); err != nil || len(ids) != 1 {
		t.Errorf("the rest of the Load: Lookup = %v, %v", ids, err)
	}

	// Lifting is explicit, recorded, and lets the person back.
	if _, err := e.LiftSuppression(ctx, "Enosuch", dpo); !errors.Is(err, c360.ErrNotFound) {
		t.Errorf("LiftSuppression(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := e.LiftSuppression(ctx, er.ID, customer.Decision{Actor: "support", Reason: "signed up again"}); err != nil {
		t.Fatal(err)
	}
	got, _ = e.Erasures(ctx)
	if got[0].LiftedAt == nil || got[0].LiftedBy != "support" {
		t.Errorf("audit entry after lifting = %+v", got[0])
	}
	if up, err := e.Upsert(ctx, again); err != nil || up.Outcome != c360.Created {
		t.Errorf("Upsert after lifting = %+v, %v; want Created", up, err)
	}
}

func TestEraseHoldsWhenConfigured(t *testing.T) {
	cfg := c360.Config{Privacy: c360.PrivacyConfig{OnSuppressed: c360.SuppressHold}}
	e := open(t, cfg)
	ctx := t.Context()
	r := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")
	id := upsert(t, e, r).Profile
	er, err := e.Erase(ctx, id, dpo)
	if err != nil {
		t.Fatal(err)
	}
	r2 := person("crm", "C-1", "山田", "太郎", "taro@example.jp", "")
	_, err = e.Upsert(ctx, r2)
	var se *c360.SuppressedError
	if !errors.As(err, &se) || !se.Held {
		t.Fatalf("Upsert = %v, want a held *SuppressedError", err)
	}
	x := ev("h1", journey.Type("web_visit"), day0)
	x.Identifiers = []customer.Identifier{{Scheme: "email", Value: "taro@example.jp"}}
	if _, err := e.Track(ctx, x); !errors.As(err, &se) || !se.Held {
		t.Fatalf("Track = %v, want a held *SuppressedError", err)
	}
	held, err := e.Held(ctx)
	if err != nil || len(held) != 2 || held[0].Erasure != er.ID {
		t.Fatalf("Held = %+v, %v; want the record and the event", held, err)
	}
	if ids, _ := e.Lookup(ctx, customer.Identifier{Scheme: "email", Value: "taro@example.jp"}); len(ids) != 0 {
		t.Errorf("a held record is visible: %v", ids)
	}
	ups, err := e.LiftSuppression(ctx, er.ID, dpo)
	if err != nil || len(ups) != 1 || ups[0].Outcome != c360.Created {
		t.Fatalf("LiftSuppression = %+v, %v; want the held record replayed", ups, err)
	}
	tl, err := e.Timeline(ctx, ups[0].Profile, time.Time{}, time.Time{})
	if err != nil || len(tl) != 1 || tl[0].ID != "h1" {
		t.Errorf("Timeline after replay = %v, %v; want the held event", tl, err)
	}
	if held, _ := e.Held(ctx); len(held) != 0 {
		t.Errorf("still held after lifting: %v", held)
	}
}

func TestRestrict(t *testing.T) {
	cfg := liveConfig()
	cfg.Sending.Caps = nil
	e := open(t, cfg)
	ctx := t.Context()
	r := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")
	r.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day0})
	id := upsert(t, e, r).Profile
	if _, err := e.Restrict(ctx, id, customer.Decision{Actor: "dpo", Reason: "disputed accuracy"}); err != nil {
		t.Fatal(err)
	}
	// Never matched into others: the same person from another system stays
	// apart, and a new version of the record updates it unmatched.
	up := upsert(t, e, person("webshop", "W-1", "山田", "太郎", "taro@example.jp", ""))
	if up.Profile == id || up.Outcome != c360.Created {
		t.Errorf("a record matching a restricted profile: %+v, want a new profile", up)
	}
	r.Name.Given = "太朗"
	if up := upsert(t, e, r); up.Profile != id || up.Outcome != c360.Updated {
		t.Errorf("a restricted profile's record again: %+v, want Updated in %s", up, id)
	}
	if got := sources(t, e, id); !slices.Equal(got, []string{"sales/S-1"}) {
		t.Errorf("restricted profile's records = %v", got)
	}
	// Never sent to.
	d, err := e.Decide(ctx, journey.Request{Customer: id, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing})
	if err != nil || d.Allowed || len(d.Reasons) == 0 || d.Reasons[0].Rule != "restriction" {
		t.Errorf("Decide for a restricted person = %+v, %v; want a refusal by the restriction", d, err)
	}
	if _, err := e.Restrict(ctx, "Pnosuch", dpo); !errors.Is(err, c360.ErrNotFound) {
		t.Errorf("Restrict(unknown) = %v", err)
	}
	// Lifted: sent to, and matched again.
	if _, err := e.Lift(ctx, id, customer.Decision{Actor: "dpo"}); err != nil {
		t.Fatal(err)
	}
	d, err = e.Decide(ctx, journey.Request{Customer: id, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing})
	if err != nil || !d.Allowed {
		t.Errorf("Decide after Lift = %+v, %v", d, err)
	}
	up = upsert(t, e, person("crm", "C-1", "山田", "太朗", "taro@example.jp", ""))
	if up.Outcome == c360.Created {
		t.Errorf("after Lift a matching record still founds its own profile: %+v", up)
	}
	p, _, _ := e.Profile(ctx, id)
	if p.Restriction != nil || len(p.Audit) < 2 {
		t.Errorf("profile after Lift: restriction %v, audit %v", p.Restriction, p.Audit)
	}
}

func TestRestrictedNeverActivated(t *testing.T) {
	cfg := c360.Config{Segments: []c360.SegmentDef{{Name: "all", Expr: `kind = "person"`}}}
	e := open(t, cfg)
	ctx := t.Context()
	var ids []customer.ID
	for i, n := range []string{"a", "b"} {
		r := person("sales", "S-"+n, "山田", []string{"太郎", "花子"}[i], n+"@example.jp", "")
		r.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day0})
		ids = append(ids, upsert(t, e, r).Profile)
	}
	if _, err := e.Restrict(ctx, ids[0], dpo); err != nil {
		t.Fatal(err)
	}
	aud, err := e.Provide(ctx, "all", segment.Activation{Channels: []customer.Channel{customer.ChannelEmail}, Purpose: customer.PurposeMarketing},
		c360.Recipient{Party: c360.Party{Name: "Ad Platform KK", Address: "東京都港区"}, Basis: "consent"})
	if err != nil {
		t.Fatal(err)
	}
	if len(aud.Members) != 1 || aud.Members[0].CustomerID != string(ids[1]) {
		t.Errorf("members = %+v, want only %s", aud.Members, ids[1])
	}
	ps, err := e.Provisions(ctx, ids[1])
	if err != nil || len(ps) != 1 {
		t.Fatalf("Provisions = %+v, %v", ps, err)
	}
	p := ps[0]
	if p.Party.Name != "Ad Platform KK" || p.Direction != c360.Provided || p.Basis != "consent" || p.Consent == nil ||
		!slices.Contains(p.Items, "email_sha256") || p.Expires.Sub(p.At) < 3*364*24*time.Hour {
		t.Errorf("provision record = %+v", p)
	}
	if ps, _ := e.Provisions(ctx, ids[0]); len(ps) != 0 {
		t.Errorf("a restricted person was provided: %+v", ps)
	}
}

func TestProvisionLog(t *testing.T) {
	c := newClock()
	e := open(t, c360.Config{Now: c.Now})
	ctx := t.Context()
	id := upsert(t, e, person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")).Profile
	// Every missing field at once.
	_, err := e.RecordProvision(ctx, c360.Provision{Direction: c360.Received, Profile: id})
	if !errors.Is(err, c360.ErrInvalid) {
		t.Fatalf("RecordProvision(incomplete) = %v", err)
	}
	for _, f := range []string{"party.name", "items", "basis", "obtained"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("the error does not name %s: %v", f, err)
		}
	}
	now := c.Now()
	if _, err := e.RecordProvision(ctx, c360.Provision{Direction: c360.Received, At: now, Party: c360.Party{Name: "名簿業者 KK", Address: "大阪市"},
		Profile: id, Items: []string{"name", "email"}, Basis: "opt_out", Obtained: "public sign-up form, 2025", Retention: c360.Retain1Year}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.RecordProvision(ctx, c360.Provision{Direction: c360.Provided, At: now, Party: c360.Party{Name: "Partner KK"},
		Profile: id, Items: []string{"name"}, Basis: "consent"}); err != nil {
		t.Fatal(err)
	}
	x, err := e.Export(ctx, id)
	if err != nil || len(x.Provisions) != 2 {
		t.Fatalf("Export provisions = %+v, %v", x, err)
	}
	// Expiry: the 1-year record goes after a year, the 3-year one stays.
	if n, err := e.ExpireProvisions(ctx, now.AddDate(1, 0, 1)); err != nil || n != 1 {
		t.Errorf("ExpireProvisions(+1y) = %d, %v; want 1", n, err)
	}
	ps, _ := e.Provisions(ctx, id)
	if len(ps) != 1 || ps[0].Party.Name != "Partner KK" {
		t.Errorf("after a year: %+v", ps)
	}
	// After erasure the record stays for its retention, without the person
	// in clear.
	er, err := e.Erase(ctx, id, dpo)
	if err != nil {
		t.Fatal(err)
	}
	if er.Removed["provisions_pseudonymised"] != 1 {
		t.Errorf("Removed = %v", er.Removed)
	}
	if n, err := e.ExpireProvisions(ctx, now.AddDate(3, 0, 1)); err != nil || n != 1 {
		t.Errorf("ExpireProvisions(+3y) after erasure = %d, %v; want the pseudonymised record", n, err)
	}
}

func TestExport(t *testing.T) {
	e := open(t, liveConfig())
	ctx := t.Context()
	r := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")
	r.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day0, Source: "webshop", Method: "double_opt_in"})
	id := upsert(t, e, r).Profile
	b := person("service", "V-2", "", "", "", "090-1111-2222")
	b.Name.Latin = "Taro Yamada"
	pb := upsert(t, e, b).Profile
	upsert(t, e, person("webshop", "W-3", "山田", "太郎", "taro@example.jp", "09011112222"))
	x := ev("e1", journey.Type("online_purchase"), day0)
	x.CustomerID = id
	x.Value = journey.Money{Amount: 12800, Currency: "JPY"}
	track(t, e, x)
	if err := e.Sent(ctx, journey.Send{Customer: id, Channel: customer.ChannelEmail, Campaign: "spring"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Export(ctx, pb); !errors.Is(err, c360.ErrConflict) {
		t.Errorf("Export(absorbed) = %v, want an *AbsorbedError", err)
	}
	got, err := e.ExportTo(ctx, id, c360.Recipient{Party: c360.Party{Name: "New Provider KK"}, Basis: "consent", Purpose: "portability"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := got.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range doc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"absorbed", "events", "exported_at", "profile", "provisions", "records", "reviews", "schema", "segments", "sends", "stage"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("export sections (-want +got):\n%s", diff)
	}
	if got.Schema != c360.ExportSchema || !slices.Equal(got.Absorbed, []customer.ID{pb}) || len(got.Records) != 3 ||
		len(got.Events) != 1 || got.Events[0].Value.Amount != 12800 || len(got.Sends) != 1 || got.Stage.Stage == "" ||
		!slices.Contains(got.Segments, "buyers") || len(got.Profile.Consent.Entries) != 1 || len(got.Profile.Provenance) == 0 {
		t.Errorf("export = %s", buf.String())
	}
	if len(got.Provisions) != 1 || got.Provisions[0].Party.Name != "New Provider KK" || !slices.Contains(got.Provisions[0].Items, "events") {
		t.Errorf("ExportTo did not record its provision: %+v", got.Provisions)
	}
	var page bytes.Buffer
	if err := got.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"山田 太郎", "taro@example.jp", "double_opt_in", "online_purchase", "New Provider KK", "webshop/W-3", "第三者提供記録"} {
		if !strings.Contains(page.String(), s) {
			t.Errorf("the HTML export lacks %q", s)
		}
	}
}

func TestEraseReachesIntelligence(t *testing.T) {
	ctx := t.Context()
	repo := new(intel.MemoryRepository)
	hub := intel.New(repo, intel.Config{})
	e := open(t, c360.Config{Privacy: c360.PrivacyConfig{Erasers: map[string]c360.Eraser{"intel": c360.IntelEraser{Repo: repo, Hub: hub}}}})
	id := upsert(t, e, person("sales", "S-1", "山田", "太郎", "taro@example.jp", "090-1234-5678")).Profile
	other := upsert(t, e, person("sales", "S-2", "佐藤", "花子", "hanako@example.jp", "")).Profile
	author := intel.Principal{ID: "sato", Teams: []intel.TeamID{"sales"}}
	items := []*intel.Item{
		{ID: "I-1", Kind: intel.KindCustomer, Category: intel.CategoryAccountActivity, Source: intel.SourceSalesServiceLog,
			Title: "山田 太郎 asks for a quote", Body: "Call back on 090-1234-5678 or taro@example.jp; 山田太郎様 prefers mornings.",
			Links: intel.Links{Customers: []customer.ID{id, other}}, Confidence: 1, Author: author.ID, CapturedAt: day0, Visibility: intel.Visibility{Scope: intel.ScopeOrg}},
		{ID: "I-2", Kind: intel.KindCustomer, Category: intel.CategorySatisfaction, Source: intel.SourceSurvey,
			Title: "NPS answer", Links: intel.Links{Customers: []customer.ID{id}}, Confidence: 1, Author: author.ID, CapturedAt: day0,
			Survey: &intel.SurveyAnswer{Metric: intel.MetricNPS, Score: 9, Respondent: id}, Visibility: intel.Visibility{Scope: intel.ScopeOrg}},
		{ID: "I-3", Kind: intel.KindCustomer, Category: intel.CategoryAccountActivity, Source: intel.SourceSalesServiceLog,
			Title: "佐藤 花子 renews", Links: intel.Links{Customers: []customer.ID{other}}, Confidence: 1, Author: author.ID, CapturedAt: day0,
			Visibility: intel.Visibility{Scope: intel.ScopeOrg}},
	}
	for _, it := range items {
		if err := hub.Collect(ctx, author, it); err != nil {
			t.Fatal(err)
		}
	}
	untouched, _ := repo.Get(ctx, "I-3")
	if res, err := hub.Search(ctx, author, intel.Query{Text: "taro"}); err != nil || res.Total != 1 {
		t.Fatalf("Search(taro) before Erase = %+v, %v; want I-1", res, err)
	}
	er, err := e.Erase(ctx, id, dpo)
	if err != nil {
		t.Fatal(err)
	}
	if er.Removed["elsewhere:intel"] != 2 {
		t.Errorf("Removed = %v, want elsewhere:intel 2", er.Removed)
	}
	i1, _ := repo.Get(ctx, "I-1")
	if want := []customer.ID{other}; !slices.Equal(i1.Links.Customers, want) {
		t.Errorf("I-1 links = %v, want %v", i1.Links.Customers, want)
	}
	for _, s := range []string{"山田", "taro", "1234"} {
		if strings.Contains(i1.Title+i1.Body, s) {
			t.Errorf("I-1 still holds %q: %q %q", s, i1.Title, i1.Body)
		}
	}
	i2, _ := repo.Get(ctx, "I-2")
	if len(i2.Links.Customers) != 0 || i2.Survey.Respondent != "" || i2.Survey.Score != 9 {
		t.Errorf("I-2 = %+v %+v, want the answer kept without its respondent", i2.Links, i2.Survey)
	}
	if i3, _ := repo.Get(ctx, "I-3"); !cmp.Equal(i3, untouched) {
		t.Errorf("another person's item changed: %+v", i3)
	}
	res, err := hub.Search(ctx, author, intel.Query{Text: "taro"})
	if err != nil || res.Total != 0 {
		t.Errorf("Search(taro) after Erase = %+v, %v", res, err)
	}
}

func TestProvidersRecordReceipt(t *testing.T) {
	ctx := t.Context()
	broker := c360.Provider{Party: c360.Party{Name: "名簿センター株式会社", Address: "東京都千代田区", Representative: "代表取締役 田中 一郎"},
		Obtained: "questionnaire at a trade fair, 2024", Basis: "opt_out", Ref: "contract 2024-17", Retention: c360.Retain1Year}
	cfg := c360.Config{Privacy: c360.PrivacyConfig{Providers: map[string]c360.Provider{"broker": broker}}}
	for _, tt := range []struct {
		name string
		load bool
	}{{"Upsert", false}, {"Load", true}} {
		t.Run(tt.name, func(t *testing.T) {
			e := open(t, cfg)
			r := person("broker", "B-1", "山田", "太郎", "taro@example.jp", "090-1234-5678")
			recs := []customer.SourceRecord{r, person("sales", "S-9", "鈴木", "一郎", "ichiro@example.jp", "")}
			if tt.load {
				if _, err := e.Load(ctx, c360.Records(recs)); err != nil {
					t.Fatal(err)
				}
			} else {
				for _, r := range recs {
					upsert(t, e, r)
				}
				upsert(t, e, r) // unchanged: no second record
			}
			id, err := e.ProfileOf(ctx, r.Key())
			if err != nil {
				t.Fatal(err)
			}
			ps, err := e.Provisions(ctx, id)
			if err != nil || len(ps) != 1 {
				t.Fatalf("Provisions = %+v, %v; want one receipt", ps, err)
			}
			p := ps[0]
			want := []string{"name", "email", "phone"}
			if p.Direction != c360.Received || p.Party != broker.Party || p.Obtained != broker.Obtained || p.Basis != "opt_out" ||
				p.Record == nil || *p.Record != r.Key() || !cmp.Equal(p.Items, want) || p.Retention != c360.Retain1Year {
				t.Errorf("receipt = %+v, items %v", p, p.Items)
			}
			other, _ := e.ProfileOf(ctx, recs[1].Key())
			if ps, _ := e.Provisions(ctx, other); len(ps) != 0 {
				t.Errorf("a record of the company's own system recorded as received: %+v", ps)
			}
		})
	}
}

// TestActivateNeverExportsSuppressedContacts: the case — an address
// opted out at contact level and one marked undeliverable, and one on the
// engine's suppression list, are never exported hashed; the next permitted
// one is.
func TestActivateNeverExportsSuppressedContacts(t *testing.T) {
	e := open(t, c360.Config{Segments: []c360.SegmentDef{{Name: "all", Expr: `kind = "person"`}}})
	ctx := t.Context()
	r := person("sales", "S-1", "山田", "太郎", "", "")
	r.ContactPoints = []customer.ContactPoint{
		{Type: customer.ContactEmail, Value: "old@example.jp", Primary: true},
		{Type: customer.ContactEmail, Value: "dead@example.jp", Validity: customer.ValidityUndeliverable},
		{Type: customer.ContactEmail, Value: "bounced@example.jp"},
		{Type: customer.ContactEmail, Value: "ok@example.jp"},
		{Type: customer.ContactLINE, Value: "U1"},
	}
	r.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day0})
	r.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Contact: "old@example.jp", Status: customer.ConsentOptOut, CapturedAt: day0})
	r.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelLINE, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day0})
	upsert(t, e, r)
	if err := e.Suppress(ctx, customer.ChannelEmail, "BOUNCED@example.jp", "hard bounce"); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []customer.Channel{customer.ChannelEmail, customer.ChannelLINE} {
		aud, err := e.Preview(ctx, "all", segment.Activation{Channels: []customer.Channel{ch}, Purpose: customer.PurposeMarketing, Format: segment.HashGoogle})
		if err != nil || len(aud.Members) != 1 {
			t.Fatalf("Preview(%s) = %+v, %v", ch, aud, err)
		}
		if m := aud.Members[0]; m.EmailSHA256 != sha256Hex("ok@example.jp") {
			t.Errorf("on %s the hashed e-mail is not that of ok@example.jp: %+v", ch, m)
		}
	}
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestEraseReachesEngineIntelligence: the engine's own intelligence
// (Engine.Intel) needs no Eraser: Export lists the items linked to the
// person, and Erase takes them out of items (links, survey respondent,
// texts; the items stay), out of the search index and out of subscription
// queries, leaving other people's items as they were.
func TestEraseReachesEngineIntelligence(t *testing.T) {
	ctx := t.Context()
	e := open(t, c360.Config{})
	id := upsert(t, e, person("sales", "S-1", "山田", "太郎", "taro@example.jp", "090-1234-5678")).Profile
	other := upsert(t, e, person("sales", "S-2", "佐藤", "花子", "hanako@example.jp", "")).Profile
	hub, err := e.Intel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	author := intel.Principal{ID: "sato", Teams: []intel.TeamID{"sales"}}
	org := intel.Visibility{Scope: intel.ScopeOrg}
	items := []*intel.Item{
		{ID: "I-1", Kind: intel.KindCustomer, Category: intel.CategoryAccountActivity, Source: intel.SourceSalesServiceLog,
			Title: "山田 太郎 asks for a quote", Body: "Call back on 090-1234-5678 or taro@example.jp.",
			Links: intel.Links{Customers: []customer.ID{id, other}}, Confidence: 1, CapturedAt: day0, Visibility: org},
		{ID: "I-2", Kind: intel.KindCustomer, Category: intel.CategorySatisfaction, Source: intel.SourceSurvey,
			Title: "NPS answer", Links: intel.Links{Accounts: []customer.ID{id}}, Confidence: 1, CapturedAt: day0,
			Survey: &intel.SurveyAnswer{Metric: intel.MetricNPS, Score: 9, Respondent: id}, Visibility: org},
		{ID: "I-3", Kind: intel.KindCustomer, Category: intel.CategoryAccountActivity, Source: intel.SourceSalesServiceLog,
			Title: "佐藤 花子 renews", Links: intel.Links{Customers: []customer.ID{other}}, Confidence: 1, CapturedAt: day0, Visibility: org},
	}
	for _, it := range items {
		if err := hub.Collect(ctx, author, it); err != nil {
			t.Fatal(err)
		}
	}
	if err := hub.Subscribe(ctx, author, intel.Subscription{ID: "taro", Query: intel.Query{Text: "taro@example.jp", Customers: []customer.ID{id}}}); err != nil {
		t.Fatal(err)
	}
	if err := hub.Subscribe(ctx, author, intel.Subscription{ID: "hanako", Query: intel.Query{Customers: []customer.ID{other}}}); err != nil {
		t.Fatal(err)
	}
	x, err := e.Export(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var exported []intel.ID
	for _, it := range x.Intelligence {
		exported = append(exported, it.ID)
	}
	if d := cmp.Diff([]intel.ID{"I-1", "I-2"}, exported); d != "" {
		t.Errorf("Export.Intelligence (-want +got):\n%s", d)
	}
	untouched, err := hub.Get(ctx, author, "I-3")
	if err != nil {
		t.Fatal(err)
	}
	er, err := e.Erase(ctx, id, dpo)
	if err != nil {
		t.Fatal(err)
	}
	if er.Removed["intel_items"] != 2 || er.Removed["intel_subscriptions"] != 1 {
		t.Errorf("Removed = %v, want intel_items 2, intel_subscriptions 1", er.Removed)
	}
	i1, err := hub.Get(ctx, author, "I-1")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(i1.Links.Customers, []customer.ID{other}) {
		t.Errorf("I-1 links = %v, want only %s", i1.Links.Customers, other)
	}
	for _, s := range []string{"山田", "taro", "1234"} {
		if strings.Contains(i1.Title+i1.Body, s) {
			t.Errorf("I-1 still holds %q: %q %q", s, i1.Title, i1.Body)
		}
	}
	i2, err := hub.Get(ctx, author, "I-2")
	if err != nil {
		t.Fatal(err)
	}
	if len(i2.Links.Accounts) != 0 || i2.Survey.Respondent != "" || i2.Survey.Score != 9 {
		t.Errorf("I-2 = %+v %+v, want the answer kept without its respondent", i2.Links, i2.Survey)
	}
	if i3, _ := hub.Get(ctx, author, "I-3"); !cmp.Equal(i3, untouched) {
		t.Errorf("another person's item changed: %+v", i3)
	}
	if res, err := hub.Search(ctx, author, intel.Query{Text: "taro"}); err != nil || res.Total != 0 {
		t.Errorf("Search(taro) after Erase = %+v, %v", res, err)
	}
	subs, err := hub.Subscriptions(ctx, author)
	if err != nil {
		t.Fatal(err)
	}
	want := []intel.Query{{Customers: []customer.ID{other}}, {Text: "(erased)", Customers: []customer.ID{"(erased)"}}}
	var got []intel.Query
	for _, s := range subs {
		got = append(got, s.Query)
	}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("subscription queries after Erase (-want +got):\n%s", d)
	}
	if items, err := e.Intelligence(ctx, author, other); err != nil || len(items) != 2 {
		t.Errorf("Intelligence(other) after Erase = %d items, %v; want I-1 and I-3", len(items), err)
	}
}
