package c360_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/c360test"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/synthsource"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/quality/match/synth"
	"github.com/google/go-cmp/cmp"
)

// clock is a test clock that advances a second per reading.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func open(t testing.TB, cfg c360.Config) *c360.Engine {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = newClock().Now
	}
	e, err := c360.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func person(sys, id, family, given, email, phone string) customer.SourceRecord {
	r := customer.SourceRecord{System: sys, RecordID: id}
	r.Kind = customer.KindPerson
	r.Name = customer.PersonName{Family: family, Given: given}
	if email != "" {
		r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactEmail, Value: email, Primary: true})
	}
	if phone != "" {
		r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactPhone, Value: phone, Primary: true})
	}
	return r
}

func upsert(t testing.TB, e *c360.Engine, r customer.SourceRecord) c360.Update {
	t.Helper()
	up, err := e.Upsert(context.Background(), r)
	if err != nil {
		t.Fatalf("Upsert %s: %v", r.Key(), err)
	}
	return up
}

func sources(t testing.TB, e *c360.Engine, id customer.ID) []string {
	t.Helper()
	p, _, err := e.Profile(context.Background(), id)
	if err != nil {
		t.Fatalf("Profile %s: %v", id, err)
	}
	var out []string
	for _, s := range p.Sources {
		out = append(out, s.Key().String())
	}
	return out
}

func TestUpsertCreatesJoinsAndIsIdempotent(t *testing.T) {
	e := open(t, c360.Config{})
	a := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "03-1234-5678")
	up := upsert(t, e, a)
	if up.Outcome != c360.Created || up.Profile == "" {
		t.Fatalf("first record: %+v", up)
	}
	b := person("webshop", "W-9", "山田", "太郎", "TARO@example.jp", "")
	up2 := upsert(t, e, b)
	if up2.Outcome != c360.Joined || up2.Profile != up.Profile || up2.Match == nil {
		t.Fatalf("second record: %+v", up2)
	}
	if diff := cmp.Diff([]string{"sales/S-1", "webshop/W-9"}, sources(t, e, up.Profile)); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	again := upsert(t, e, b)
	if again.Outcome != c360.Unchanged || again.Profile != up.Profile || again.Cursor != 0 {
		t.Errorf("same record again: %+v", again)
	}
	l, err := e.LinkOf(t.Context(), b.Key())
	if err != nil {
		t.Fatal(err)
	}
	if l.Reason != "match" || l.Match == nil || l.Match.Probability < 0.7 {
		t.Errorf("link of the joining record: %+v", l)
	}
}

func TestChangedRecordLeavesItsProfile(t *testing.T) {
	e := open(t, c360.Config{})
	a := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "03-1234-5678")
	b := person("webshop", "W-9", "山田", "太郎", "taro@example.jp", "")
	p := upsert(t, e, a).Profile
	upsert(t, e, b)
	// W-9 now belongs to somebody else entirely.
	b2 := person("webshop", "W-9", "佐藤", "花子", "hanako@example.com", "06-9999-0000")
	up := upsert(t, e, b2)
	if up.Outcome != c360.Created || up.Left != p || up.Profile == p {
		t.Fatalf("changed record: %+v", up)
	}
	if diff := cmp.Diff([]string{"sales/S-1"}, sources(t, e, p)); diff != "" {
		t.Errorf("profile left behind (-want +got):\n%s", diff)
	}
	got, _, err := e.Profile(t.Context(), up.Profile)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name.Family != "佐藤" {
		t.Errorf("new profile's name = %+v", got.Name)
	}
	// A changed record that still matches stays, and the profile's fields
	// change.
	a2 := a
	a2.ContactPoints = append(slices.Clone(a.ContactPoints), customer.ContactPoint{Type: customer.ContactEmail, Value: "yamada@work.example.jp"})
	up = upsert(t, e, a2)
	if up.Outcome != c360.Updated || up.Profile != p {
		t.Fatalf("changed but same person: %+v", up)
	}
	if !slices.ContainsFunc(up.Fields, func(f c360.FieldChange) bool {
		return f.Field == "contact_points.email" && strings.Contains(f.New, "yamada@work")
	}) {
		t.Errorf("fields changed: %+v", up.Fields)
	}
}

func TestMergeRedirectAndUnmerge(t *testing.T) {
	e := open(t, c360.Config{})
	a := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")
	// The service desk wrote the name in Latin script only: nothing in
	// common with S-1.
	b := person("service", "V-2", "", "", "", "090-1111-2222")
	b.Name.Latin = "Taro Yamada"
	pa := upsert(t, e, a).Profile
	pb := upsert(t, e, b).Profile
	if pa == pb {
		t.Fatal("records with nothing in common were joined")
	}
	bridge := person("webshop", "W-3", "山田", "太郎", "taro@example.jp", "09011112222")
	up := upsert(t, e, bridge)
	if up.Outcome != c360.Merged || up.Profile != pa || !slices.Equal(up.Absorbed, []customer.ID{pb}) {
		t.Fatalf("bridge: %+v", up)
	}
	p, redirected, err := e.Profile(t.Context(), pb)
	if err != nil || !redirected || p.ID != pa {
		t.Fatalf("Profile(absorbed) = %v, %v, %v; want %s redirected", p.ID, redirected, err, pa)
	}
	if _, redirected, _ := e.Profile(t.Context(), pa); redirected {
		t.Error("the survivor says it was redirected")
	}
	un, err := e.Unmerge(t.Context(), pb)
	if err != nil {
		t.Fatal(err)
	}
	if un.Profile != pa || !slices.Equal(un.Absorbed, []customer.ID{pb}) {
		t.Errorf("Unmerge: %+v", un)
	}
	if diff := cmp.Diff([]string{"service/V-2"}, sources(t, e, pb)); diff != "" {
		t.Errorf("restored profile (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"sales/S-1", "webshop/W-3"}, sources(t, e, pa)); diff != "" {
		t.Errorf("survivor after unmerge (-want +got):\n%s", diff)
	}
	if _, redirected, _ := e.Profile(t.Context(), pb); redirected {
		t.Error("the restored ID still redirects")
	}
	if _, err := e.Unmerge(t.Context(), pb); !errors.Is(err, c360.ErrNotFound) {
		t.Errorf("second Unmerge: %v, want ErrNotFound", err)
	}
	// The unmerge is respected: the bridge sent again with a change does
	// not merge them back.
	bridge.UpdatedAt = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	up = upsert(t, e, bridge)
	if up.Outcome == c360.Merged {
		t.Errorf("re-sent bridge merged again: %+v", up)
	}
}

func TestInvalidRecordStoresNothing(t *testing.T) {
	e := open(t, c360.Config{})
	bad := customer.SourceRecord{System: "sales"} // no record ID, no kind
	bad.ContactPoints = []customer.ContactPoint{{Type: customer.ContactEmail, Value: "x@example.jp"}, {Value: "?"}}
	_, err := e.Upsert(t.Context(), bad)
	if !errors.Is(err, c360.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	for _, want := range []string{"record_id", "contact_points[1]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	for c, err := range e.Changes(t.Context(), 0) {
		t.Errorf("change after a refused record: %+v %v", c, err)
	}
}

func TestChangeFeedResumes(t *testing.T) {
	e := open(t, c360.Config{})
	upsert(t, e, person("sales", "S-1", "山田", "太郎", "taro@example.jp", ""))
	upsert(t, e, person("sales", "S-2", "佐藤", "花子", "hanako@example.jp", ""))
	var first []c360.Change
	for c, err := range e.Changes(t.Context(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		first = append(first, c)
	}
	if len(first) != 2 || first[0].Kind != c360.ChangeCreated || first[0].Cursor >= first[1].Cursor {
		t.Fatalf("changes: %+v", first)
	}
	upsert(t, e, person("webshop", "W-1", "山田", "太郎", "taro@example.jp", ""))
	var rest []c360.Change
	for c, err := range e.Changes(t.Context(), first[1].Cursor) {
		if err != nil {
			t.Fatal(err)
		}
		rest = append(rest, c)
	}
	if len(rest) != 1 || rest[0].Kind != c360.ChangeUpdated || rest[0].Record.RecordID != "W-1" {
		t.Fatalf("resumed changes: %+v", rest)
	}
	if !slices.ContainsFunc(rest[0].Fields, func(f c360.FieldChange) bool { return f.Field == "sources" }) {
		t.Errorf("update lists no field change: %+v", rest[0].Fields)
	}
}

// clusters returns the engine's profiles as sorted record-key lists.
func clusters(t testing.TB, e *c360.Engine) []string { return c360test.Clusters(t, e) }

func synthRecords(t testing.TB, n int) []customer.SourceRecord {
	t.Helper()
	recs, _, err := synthsource.Generate(context.Background(), n, 3, synth.Japanese)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestLoadEqualsUpserts checks that Load's batch clustering and upserting
// the same records one by one (with the model Load estimated) give the same
// profiles.
func TestLoadEqualsUpserts(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 3000
	}
	recs := synthRecords(t, n)
	batch := open(t, c360.Config{})
	st, err := batch.Load(t.Context(), c360.Records(recs))
	if err != nil {
		t.Fatal(err)
	}
	if !st.Batch || st.Records != n {
		t.Fatalf("Load: %+v", st)
	}
	serial := open(t, c360.Config{Match: match.Config{Model: batch.Model()}})
	for _, r := range recs {
		upsert(t, serial, r)
	}
	want, got := clusters(t, batch), clusters(t, serial)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load (-) and one-by-one Upserts (+) differ:\n%s", diff)
	}
	t.Logf("%d records, %d profiles", n, len(want))
}

// TestConcurrentUpsertsEqualSerial feeds the same records from several
// goroutines and compares with a serial run.
func TestConcurrentUpsertsEqualSerial(t *testing.T) {
	recs := synthRecords(t, 4000)
	batch := open(t, c360.Config{})
	if _, err := batch.Load(t.Context(), c360.Records(recs[:500])); err != nil {
		t.Fatal(err)
	}
	model := batch.Model()
	serial := open(t, c360.Config{Match: match.Config{Model: model}})
	for _, r := range recs {
		upsert(t, serial, r)
	}
	conc := open(t, c360.Config{Match: match.Config{Model: model}})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(recs); i += 4 {
				if _, err := conc.Upsert(context.Background(), recs[i]); err != nil {
					errs <- fmt.Errorf("%s: %w", recs[i].Key(), err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if diff := cmp.Diff(clusters(t, serial), clusters(t, conc)); diff != "" {
		t.Errorf("serial (-) and concurrent (+) upserts differ:\n%s", diff)
	}
}

func TestReviewConfirmAndReject(t *testing.T) {
	// A matcher that asks a person about a shared name with different
	// e-mail addresses (p ≈ 0.965 under the prior model).
	e := open(t, c360.Config{Match: match.Config{Threshold: 0.99, ReviewThreshold: 0.9}})
	a := upsert(t, e, person("sales", "S-1", "山田", "太郎", "taro@example.jp", "03-1234-5678"))
	c := upsert(t, e, person("webshop", "W-1", "山田", "太郎", "other@example.jp", ""))
	if c.Outcome != c360.Held || c.Profile == a.Profile || len(c.Reviews) != 1 {
		t.Fatalf("review-band record: %+v", c)
	}
	items, err := e.Reviews(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].RecordSource == nil || items[0].CandidateSource == nil ||
		items[0].RecordProfile != c.Profile || items[0].CandidateProfile != a.Profile || len(items[0].Match.Fields) == 0 {
		t.Fatalf("Reviews: %+v", items)
	}
	if err := e.Reject(t.Context(), items[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.Reject(t.Context(), items[0].ID); !errors.Is(err, c360.ErrNotFound) {
		t.Errorf("second Reject = %v, want ErrNotFound", err)
	}
	// The rejected pair never merges, even when W-1 comes back changed with
	// the phone of S-1.
	w1 := person("webshop", "W-1", "山田", "太郎", "other@example.jp", "03-1234-5678")
	up := upsert(t, e, w1)
	if up.Profile == a.Profile {
		t.Errorf("rejected pair joined after a change: %+v", up)
	}

	d := upsert(t, e, person("service", "V-1", "山田", "太郎", "yamada@example.jp", ""))
	if d.Outcome != c360.Held {
		t.Fatalf("second review-band record: %+v", d)
	}
	var toA string
	items, _ = e.Reviews(t.Context())
	for _, it := range items {
		if it.Record.RecordID == "V-1" && it.Candidate.RecordID == "S-1" {
			toA = it.ID
		}
	}
	if toA == "" {
		t.Fatalf("no review of V-1 against S-1 in %+v", items)
	}
	cf, err := e.Confirm(t.Context(), toA)
	if err != nil {
		t.Fatal(err)
	}
	if cf.Outcome != c360.Merged || cf.Profile != a.Profile || !slices.Equal(cf.Absorbed, []customer.ID{d.Profile}) {
		t.Errorf("Confirm: %+v", cf)
	}
	if diff := cmp.Diff([]string{"sales/S-1", "service/V-1"}, sources(t, e, a.Profile)); diff != "" {
		t.Errorf("after Confirm (-want +got):\n%s", diff)
	}
}

// TestArrivalOrderDoesNotMatter upserts the same records in input order
// and in a shuffled order: profiles are resolved canonically, so the
// clusters must be the same (the property replicas rely on).
func TestArrivalOrderDoesNotMatter(t *testing.T) {
	recs := synthRecords(t, 4000)
	batch := open(t, c360.Config{})
	if _, err := batch.Load(t.Context(), c360.Records(recs[:500])); err != nil {
		t.Fatal(err)
	}
	inOrder := open(t, c360.Config{Match: match.Config{Model: batch.Model()}})
	for _, r := range recs {
		upsert(t, inOrder, r)
	}
	shuffled := slices.Clone(recs)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	other := open(t, c360.Config{Match: match.Config{Model: batch.Model()}})
	for _, r := range shuffled {
		upsert(t, other, r)
	}
	if diff := cmp.Diff(clusters(t, inOrder), clusters(t, other)); diff != "" {
		t.Errorf("input order (-) and shuffled order (+) differ:\n%s", diff)
	}
}

func TestLookupByIdentifiersInAnyNotation(t *testing.T) {
	e := open(t, c360.Config{})
	p := upsert(t, e, person("sales", "S-1", "山田", "太郎", "Taro.Yamada@example.jp", "03-1234-5678")).Profile
	upsert(t, e, person("sales", "S-2", "佐藤", "花子", "hanako@example.jp", "06-1111-2222"))
	tests := []struct {
		name  string
		ident customer.Identifier
		want  []customer.ID
	}{
		{"email in upper case and full width", customer.Identifier{Scheme: "email", Value: "ＴＡＲＯ.YAMADA@EXAMPLE.JP"}, []customer.ID{p}},
		{"phone in E.164", customer.Identifier{Scheme: "phone", Value: "+81312345678"}, []customer.ID{p}},
		{"phone with parentheses", customer.Identifier{Scheme: "phone", Value: "(03)1234-5678"}, []customer.ID{p}},
		{"source record key", customer.Identifier{Scheme: customer.SourceScheme + "sales", Value: "S-1"}, []customer.ID{p}},
		{"unknown e-mail", customer.Identifier{Scheme: "email", Value: "nobody@example.jp"}, nil},
		{"unknown record", customer.Identifier{Scheme: customer.SourceScheme + "sales", Value: "S-9"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.Lookup(t.Context(), tt.ident)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup(%v) (-want +got):\n%s", tt.ident, diff)
			}
		})
	}
}

// TestLookupFindsEveryContactPoint: a record is found by each of its
// e-mail addresses and phone numbers and by its corporate number, not only
// by the one the matcher compares, whether it came by Load or by Upsert;
// an address the record no longer holds finds it no more, and Track by a
// secondary address lands on its profile.
func TestLookupFindsEveryContactPoint(t *testing.T) {
	rec := person("crm", "C-1", "山田", "太郎", "taro@example.jp", "090-1234-5678")
	rec.ContactPoints = append(rec.ContactPoints,
		customer.ContactPoint{Type: customer.ContactEmail, Value: "t.yamada@work.example.com"},
		customer.ContactPoint{Type: customer.ContactPhone, Value: "03-5555-0101"})
	rec.CorporateNumber = "9234567890123" // a valid check digit
	other := person("crm", "C-2", "佐藤", "花子", "hanako@example.jp", "080-2222-3333")
	secondEmail := customer.Identifier{Scheme: "email", Value: "T.Yamada@Work.Example.COM"}
	secondPhone := customer.Identifier{Scheme: "phone", Value: "+81 3 5555 0101"}
	corporate := customer.Identifier{Scheme: "corporate_number", Value: "９２３４-５６７８-９０１２３"}
	for _, how := range []string{"Load", "Upsert"} {
		t.Run(how, func(t *testing.T) {
			ctx := t.Context()
			clk := newClock()
			e := open(t, c360.Config{Now: clk.Now})
			if how == "Load" {
				if _, err := e.Load(ctx, c360.Records([]customer.SourceRecord{rec, other})); err != nil {
					t.Fatal(err)
				}
			} else {
				upsert(t, e, rec)
				upsert(t, e, other)
			}
			ids, err := e.Lookup(ctx, customer.Identifier{Scheme: customer.SourceScheme + "crm", Value: "C-1"})
			if err != nil || len(ids) != 1 {
				t.Fatalf("Lookup of the record = %v, %v", ids, err)
			}
			want := ids
			for _, ident := range []customer.Identifier{secondEmail, secondPhone, corporate} {
				got, err := e.Lookup(ctx, ident)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Lookup(%v) (-want +got):\n%s", ident, diff)
				}
			}
			tr, err := e.Track(ctx, journey.Event{ID: "ev1", Type: journey.TypeWebVisit, Channel: customer.ChannelWeb,
				Time: clk.Now().Add(-time.Hour), Identifiers: []customer.Identifier{secondEmail}})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Profile != want[0] {
				t.Errorf("Track by the second e-mail landed on %q, want %q", tr.Profile, want[0])
			}
			// The record drops its second e-mail: it is found by it no more.
			changed := rec
			changed.ContactPoints = slices.DeleteFunc(slices.Clone(rec.ContactPoints), func(c customer.ContactPoint) bool {
				return c.Value == "t.yamada@work.example.com"
			})
			upsert(t, e, changed)
			if got, err := e.Lookup(ctx, secondEmail); err != nil || len(got) != 0 {
				t.Errorf("Lookup of a dropped e-mail = %v, %v; want none", got, err)
			}
			if got, err := e.Lookup(ctx, secondPhone); err != nil || !slices.Equal(got, want) {
				t.Errorf("Lookup of the kept second phone = %v, %v; want %v", got, err, want)
			}
		})
	}
}

// TestOpenRefusesAnotherIndexConfiguration: index keys made under one
// matcher configuration would be silently wrong under another.
func TestOpenRefusesAnotherIndexConfiguration(t *testing.T) {
	s := c360.NewMemoryStore()
	e := open(t, c360.Config{Store: s})
	upsert(t, e, person("sales", "S-1", "山田", "太郎", "taro@example.jp", ""))
	rules := match.Config{Rules: []match.Rule{{Name: "same e-mail", Criteria: []match.Criterion{{Field: "email", Method: match.Normalized}}}}}
	if _, err := c360.Open(t.Context(), c360.Config{Store: s, Match: rules}); !errors.Is(err, c360.ErrInvalid) {
		t.Errorf("Open with other blocking rules on the same store = %v, want ErrInvalid", err)
	}
	again, err := c360.Open(t.Context(), c360.Config{Store: s})
	if err != nil {
		t.Fatalf("Open with the same configuration: %v", err)
	}
	again.Close()
}
