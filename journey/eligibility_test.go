package journey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fakeClock is a settable clock for the gate.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func granted() ConsentChecker {
	return ConsentFunc(func(context.Context, customer.ID, customer.Channel, customer.Purpose, time.Time) (customer.ConsentStatus, error) {
		return customer.ConsentOptIn, nil
	})
}

func codes(d Decision) []ReasonCode {
	var out []ReasonCode
	for _, r := range d.Reasons {
		out = append(out, r.Code)
	}
	return out
}

func mustDecide(t *testing.T, g *Gate, r Request) Decision {
	t.Helper()
	d, err := g.Decide(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// noon in Tokyo on 1 April 2026, as UTC.
var tokyoNoon = time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC)

func TestGateConsent(t *testing.T) {
	statuses := map[customer.ID]customer.ConsentStatus{"yes": customer.ConsentOptIn, "no": customer.ConsentOptOut, "unknown": customer.ConsentUnknown}
	cc := ConsentFunc(func(_ context.Context, id customer.ID, ch customer.Channel, p customer.Purpose, _ time.Time) (customer.ConsentStatus, error) {
		if id == "broken" {
			return 0, errors.New("ledger unavailable")
		}
		return statuses[id], nil
	})
	clk := &fakeClock{t: tokyoNoon}
	tests := []struct {
		name         string
		id           customer.ID
		allowUnknown bool
		want         []ReasonCode
	}{
		{"granted", "yes", false, nil},
		{"denied", "no", false, []ReasonCode{ReasonConsentDenied}},
		{"denied even when unknown is allowed", "no", true, []ReasonCode{ReasonConsentDenied}},
		{"unknown refused by default", "unknown", false, []ReasonCode{ReasonConsentUnknown}},
		{"unknown allowed", "unknown", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &Gate{Consent: cc, AllowUnknownConsent: tt.allowUnknown, Now: clk.Now}
			d := mustDecide(t, g, Request{Customer: tt.id, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing})
			if diff := cmp.Diff(tt.want, codes(d)); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			if d.Allowed != (len(tt.want) == 0) {
				t.Errorf("Allowed = %v with reasons %v", d.Allowed, d.Reasons)
			}
			if !d.RetryAt.IsZero() {
				t.Errorf("RetryAt = %v, want zero for a consent refusal", d.RetryAt)
			}
		})
	}
	g := &Gate{Consent: cc}
	if _, err := g.Decide(t.Context(), Request{Customer: "broken", Channel: customer.ChannelEmail}); err == nil {
		t.Error("a consent error was not returned")
	}
	var zero Gate
	if d := mustDecide(t, &zero, Request{Customer: "x", Channel: customer.ChannelEmail}); d.Allowed {
		t.Error("the zero Gate (no consent source) allowed a send")
	}
	if d := mustDecide(t, g, Request{Channel: customer.ChannelEmail}); d.Allowed || d.Reasons[0].Code != ReasonInvalidRequest {
		t.Errorf("request without customer: %+v, want invalid_request", d)
	}
}

// TestGateRequestConsent: a request that carries the customer's profile is
// answered from its ledger and restriction, before (and instead of) the
// Gate's ConsentChecker.
func TestGateRequestConsent(t *testing.T) {
	asked := 0
	g := &Gate{Consent: ConsentFunc(func(context.Context, customer.ID, customer.Channel, customer.Purpose, time.Time) (customer.ConsentStatus, error) {
		asked++
		return customer.ConsentOptIn, nil
	}), Now: func() time.Time { return tokyoNoon }}
	in := &customer.Profile{ID: "in"}
	in.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: tokyoNoon.Add(-time.Hour)})
	out := &customer.Profile{ID: "out"}
	out.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptOut, CapturedAt: tokyoNoon.Add(-time.Hour)})
	restricted := &customer.Profile{ID: "r", Restriction: &customer.Restriction{Since: tokyoNoon.Add(-time.Hour)}}
	restricted.Consent = in.Consent
	later := &customer.Profile{ID: "later"}
	later.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: tokyoNoon.Add(time.Hour)})
	tests := []struct {
		name    string
		consent Consenter
		want    []ReasonCode
	}{
		{"opted in", in, nil},
		{"opted out", out, []ReasonCode{ReasonConsentDenied}},
		{"restricted", restricted, []ReasonCode{ReasonConsentDenied}},
		{"consent captured after now does not count", later, []ReasonCode{ReasonConsentUnknown}},
		{"a nil profile is unknown", (*customer.Profile)(nil), []ReasonCode{ReasonConsentUnknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustDecide(t, g, Request{Customer: "c", Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Consent: tt.consent})
			if diff := cmp.Diff(tt.want, codes(d)); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
		})
	}
	if asked != 0 {
		t.Errorf("the Gate asked its ConsentChecker %d times for requests that carried consent", asked)
	}
	if d := mustDecide(t, g, Request{Customer: "c", Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing}); !d.Allowed || asked != 1 {
		t.Errorf("a request without consent: allowed %v, checker asked %d times; want true, 1", d.Allowed, asked)
	}
}

func TestGateCapsAtTheirEdges(t *testing.T) {
	clk := &fakeClock{t: tokyoNoon}
	g := &Gate{Consent: granted(), Now: clk.Now, Caps: []Cap{{Name: "email 2/day", Channel: customer.ChannelEmail, Max: 2, Window: day}}}
	now := tokyoNoon
	// exactly one window ago: no longer counts
	for _, ago := range []time.Duration{day, day - time.Minute, time.Hour} {
		if err := g.Record(Send{Customer: "c", Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Time: now.Add(-ago)}); err != nil {
			t.Fatal(err)
		}
	}
	req := Request{Customer: "c", Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing}
	d := mustDecide(t, g, req)
	if d.Allowed || cmp.Diff([]ReasonCode{ReasonCapReached}, codes(d)) != "" {
		t.Fatalf("two sends in the window: %+v, want cap_reached", d)
	}
	if want := now.Add(time.Minute); !d.RetryAt.Equal(want) {
		t.Errorf("RetryAt = %v, want %v (when the older counted send leaves the window)", d.RetryAt, want)
	}
	clk.Set(now.Add(time.Minute - time.Nanosecond))
	if d := mustDecide(t, g, req); d.Allowed {
		t.Error("allowed one nanosecond before the send leaves the window")
	}
	clk.Set(now.Add(time.Minute))
	if d := mustDecide(t, g, req); !d.Allowed {
		t.Errorf("refused at RetryAt: %v", d.Reasons)
	}
	// other channels are not capped
	if d := mustDecide(t, g, Request{Customer: "c", Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing}); !d.Allowed {
		t.Errorf("SMS refused by an e-mail cap: %v", d.Reasons)
	}
}

func TestGateCapScopes(t *testing.T) {
	clk := &fakeClock{t: tokyoNoon}
	g := &Gate{
		Consent: granted(), Now: clk.Now,
		Caps: []Cap{
			{Name: "global 3/week", Max: 3, Window: 7 * day},
			{Name: "campaign 1/week", Max: 1, Window: 7 * day, PerCampaign: true, BypassPriority: 5},
			{Name: "promo tag 1/day", Tag: "promo", Max: 1, Window: day},
			{Name: "marketing sms 1/day", Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing, Max: 1, Window: day},
		},
	}
	rec := func(ch customer.Channel, p customer.Purpose, campaign string, tags ...string) {
		t.Helper()
		if err := g.Record(Send{Customer: "c", Channel: ch, Purpose: p, Campaign: campaign, Tags: tags, Time: clk.Now().Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	rec(customer.ChannelEmail, customer.PurposeMarketing, "spring", "promo")
	tests := []struct {
		name string
		req  Request
		want []ReasonCode
	}{
		{"same campaign", Request{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Campaign: "spring"}, []ReasonCode{ReasonCapReached}},
		{"same campaign with priority", Request{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Campaign: "spring", Priority: 5}, []ReasonCode{ReasonPriorityOverride}},
		{"other campaign", Request{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Campaign: "summer"}, nil},
		{"same tag", Request{Channel: customer.ChannelLINE, Purpose: customer.PurposeMarketing, Campaign: "summer", Tags: []string{"promo"}}, []ReasonCode{ReasonCapReached}},
		{"transactional passes caps", Request{Channel: customer.ChannelEmail, Purpose: customer.PurposeTransactional, Campaign: "spring", Tags: []string{"promo"}},
			[]ReasonCode{ReasonTransactionalOverride, ReasonTransactionalOverride}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Customer = "c"
			d := mustDecide(t, g, tt.req)
			if diff := cmp.Diff(tt.want, codes(d)); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			refused := false
			for _, c := range codes(d) {
				refused = refused || c == ReasonCapReached
			}
			if d.Allowed == refused {
				t.Errorf("Allowed = %v with reasons %v", d.Allowed, d.Reasons)
			}
		})
	}
	rec(customer.ChannelSMS, customer.PurposeService, "")
	rec(customer.ChannelSMS, customer.PurposeMarketing, "")
	d := mustDecide(t, g, Request{Customer: "c", Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing, Campaign: "x"})
	if diff := cmp.Diff([]ReasonCode{ReasonCapReached, ReasonCapReached}, codes(d)); diff != "" {
		t.Errorf("after 3 sends: global and SMS caps (-want +got):\n%s\n%v", diff, d.Reasons)
	}
	g2 := &Gate{Consent: granted(), Now: clk.Now, CapTransactional: true, Caps: []Cap{{Name: "none", Max: 0, Window: day}}}
	if d := mustDecide(t, g2, Request{Customer: "c", Channel: customer.ChannelEmail, Purpose: customer.PurposeTransactional}); d.Allowed || !d.RetryAt.IsZero() {
		t.Errorf("cap of 0 with CapTransactional: %+v, want refused without RetryAt", d)
	}
	if err := g.Record(Send{Channel: customer.ChannelEmail}); !errors.Is(err, ErrInvalidSend) {
		t.Errorf("Record without customer: %v, want ErrInvalidSend", err)
	}
}

func TestGateQuietHoursAtTheirEdges(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	clk := &fakeClock{}
	g := &Gate{Consent: granted(), Now: clk.Now, QuietHours: []QuietHours{
		{Channel: customer.ChannelSMS, Start: 21 * time.Hour, End: 8 * time.Hour},                        // wraps midnight, Tokyo
		{Channel: customer.ChannelEmail, Start: 12 * time.Hour, End: 13 * time.Hour, Location: time.UTC}, // lunch in UTC
		{Channel: customer.ChannelPhone, Start: 20 * time.Hour, End: 9 * time.Hour, BypassPriority: 9},
	}}
	sms := Request{Customer: "c", Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing}
	tests := []struct {
		name  string
		req   Request
		now   time.Time
		quiet bool
		retry time.Time
	}{
		{"sms just before 21:00 JST", sms, time.Date(2026, 4, 1, 20, 59, 59, 0, jst), false, time.Time{}},
		{"sms at 21:00 JST", sms, time.Date(2026, 4, 1, 21, 0, 0, 0, jst), true, time.Date(2026, 4, 2, 8, 0, 0, 0, jst)},
		{"sms after midnight", sms, time.Date(2026, 4, 2, 7, 59, 59, 0, jst), true, time.Date(2026, 4, 2, 8, 0, 0, 0, jst)},
		{"sms at 08:00 JST", sms, time.Date(2026, 4, 2, 8, 0, 0, 0, jst), false, time.Time{}},
		{"email at 12:00 UTC (21:00 JST)", Request{Customer: "c", Channel: customer.ChannelEmail}, time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC), true, time.Date(2026, 4, 1, 13, 0, 0, 0, time.UTC)},
		{"email at 13:00 UTC", Request{Customer: "c", Channel: customer.ChannelEmail}, time.Date(2026, 4, 1, 13, 0, 0, 0, time.UTC), false, time.Time{}},
		{"transactional sms at night", Request{Customer: "c", Channel: customer.ChannelSMS, Purpose: customer.PurposeTransactional}, time.Date(2026, 4, 1, 23, 0, 0, 0, jst), false, time.Time{}},
		{"urgent phone call at night", Request{Customer: "c", Channel: customer.ChannelPhone, Priority: 9}, time.Date(2026, 4, 1, 23, 0, 0, 0, jst), false, time.Time{}},
		{"normal phone call at night", Request{Customer: "c", Channel: customer.ChannelPhone, Priority: 8}, time.Date(2026, 4, 1, 23, 0, 0, 0, jst), true, time.Date(2026, 4, 2, 9, 0, 0, 0, jst)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.Set(tt.now.UTC())
			d := mustDecide(t, g, tt.req)
			if d.Allowed == tt.quiet {
				t.Errorf("Allowed = %v, want %v; reasons %v", d.Allowed, !tt.quiet, d.Reasons)
			}
			if !d.RetryAt.Equal(tt.retry) {
				t.Errorf("RetryAt = %v, want %v", d.RetryAt, tt.retry)
			}
		})
	}
}

func TestGateSuppression(t *testing.T) {
	bounces := &SuppressionList{Name: "bounces"}
	bounces.Add("c", customer.ChannelEmail, "hard bounce")
	legal := &SuppressionList{Name: "legal hold"}
	legal.Add("d", "", "litigation")
	g := &Gate{Consent: granted(), Suppressions: []*SuppressionList{bounces, legal}}
	tests := []struct {
		id      customer.ID
		ch      customer.Channel
		p       customer.Purpose
		allowed bool
	}{
		{"c", customer.ChannelEmail, customer.PurposeMarketing, false},
		{"c", customer.ChannelEmail, customer.PurposeTransactional, false},
		{"c", customer.ChannelSMS, customer.PurposeMarketing, true},
		{"d", customer.ChannelLINE, customer.PurposeMarketing, false},
		{"e", customer.ChannelEmail, customer.PurposeMarketing, true},
	}
	for _, tt := range tests {
		d := mustDecide(t, g, Request{Customer: tt.id, Channel: tt.ch, Purpose: tt.p})
		if d.Allowed != tt.allowed {
			t.Errorf("%s on %s for %s: Allowed = %v, want %v (%v)", tt.id, tt.ch, tt.p, d.Allowed, tt.allowed, d.Reasons)
		}
	}
	bounces.Remove("c", customer.ChannelEmail)
	if d := mustDecide(t, g, Request{Customer: "c", Channel: customer.ChannelEmail}); !d.Allowed {
		t.Errorf("after Remove: %v", d.Reasons)
	}
}

func TestGateConcurrent(t *testing.T) {
	g := &Gate{Consent: granted(), Caps: []Cap{{Max: 1000, Window: time.Hour}}}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				id := customer.ID(fmt.Sprint(i % 7))
				if _, err := g.Decide(t.Context(), Request{Customer: id, Channel: customer.ChannelEmail}); err != nil {
					t.Error(err)
				}
				if err := g.Record(Send{Customer: id, Channel: customer.ChannelEmail}); err != nil {
					t.Errorf("worker %d: %v", w, err)
				}
			}
		}()
	}
	wg.Wait()
	total := 0
	for i := range g.shards {
		for _, h := range g.shards[i].sends {
			total += len(h)
		}
	}
	if total != 800 {
		t.Errorf("%d sends recorded, want 800", total)
	}
}

// TestGateCapsAfterThe64th checks that caps past the 64th, which a recorded
// send's cap bits do not cover, decide exactly as the same caps placed
// first: the Gate matches them through interned channel, purpose, campaign
// and tag-set numbers instead.
func TestGateCapsAfterThe64th(t *testing.T) {
	caps := []Cap{
		{Name: "all 4/day", Max: 4, Window: day},
		{Name: "email 2/day", Channel: customer.ChannelEmail, Max: 2, Window: day},
		{Name: "marketing sms 1/week", Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing, Max: 1, Window: 7 * day},
		{Name: "promo 1/day", Tag: "promo", Max: 1, Window: day},
		{Name: "vip email 1/week", Channel: customer.ChannelEmail, Tag: "vip", Max: 1, Window: 7 * day},
		{Name: "campaign 2/week", PerCampaign: true, Max: 2, Window: 7 * day},
		{Name: "campaign promo 1/week", PerCampaign: true, Tag: "promo", Max: 1, Window: 7 * day},
	}
	var padded []Cap
	for i := range 64 {
		padded = append(padded, Cap{Name: fmt.Sprint("fax ", i), Channel: "fax", Max: 1, Window: day})
	}
	padded = append(padded, caps...)
	clk := &fakeClock{t: tokyoNoon}
	first := &Gate{Consent: granted(), Now: clk.Now, Caps: caps}
	last := &Gate{Consent: granted(), Now: clk.Now, Caps: padded}
	channels := []customer.Channel{customer.ChannelEmail, customer.ChannelSMS, customer.ChannelLINE}
	purposes := []customer.Purpose{customer.PurposeMarketing, customer.PurposeService}
	campaigns := []string{"", "spring", "summer"}
	tagSets := [][]string{nil, {"promo"}, {"vip"}, {"vip", "promo"}, {"promo", "promo", "new"}}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 400 {
		s := Send{Customer: customer.ID(fmt.Sprint("c", rng.IntN(5))), Channel: channels[rng.IntN(3)], Purpose: purposes[rng.IntN(2)],
			Campaign: campaigns[rng.IntN(3)], Tags: tagSets[rng.IntN(len(tagSets))], Time: tokyoNoon.Add(-time.Duration(rng.IntN(8*24)) * time.Hour)}
		for _, g := range []*Gate{first, last} {
			if err := g.Record(s); err != nil {
				t.Fatal(err)
			}
		}
		r := Request{Customer: customer.ID(fmt.Sprint("c", rng.IntN(6))), Channel: channels[rng.IntN(3)], Purpose: purposes[rng.IntN(2)],
			Campaign: []string{"", "spring", "summer", "autumn"}[rng.IntN(4)], Tags: tagSets[rng.IntN(len(tagSets))]}
		want, got := mustDecide(t, first, r), mustDecide(t, last, r)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("step %d, %+v: caps after the 64th decide differently (-first +after 64):\n%s", i, r, diff)
		}
	}
}

func TestSuppressionListChannelFirst(t *testing.T) {
	var l SuppressionList
	l.Add("c", "", "complaint")
	l.Add("c", customer.ChannelEmail, "soft bounce")
	l.Add("c", customer.ChannelEmail, "hard bounce") // replaces the reason
	tests := []struct {
		ch     customer.Channel
		reason string
		ok     bool
	}{
		{customer.ChannelEmail, "hard bounce", true},
		{customer.ChannelSMS, "complaint", true},
	}
	for _, tt := range tests {
		reason, ok := l.Suppressed("c", tt.ch)
		if reason != tt.reason || ok != tt.ok {
			t.Errorf("Suppressed(c, %s) = %q, %v; want %q, %v", tt.ch, reason, ok, tt.reason, tt.ok)
		}
	}
	l.Remove("c", "")
	if reason, ok := l.Suppressed("c", customer.ChannelSMS); ok {
		t.Errorf("after removing the all-channel entry, SMS still suppressed: %q", reason)
	}
	l.Remove("c", customer.ChannelEmail)
	if _, ok := l.Suppressed("c", customer.ChannelEmail); ok || len(l.entries) != 0 {
		t.Errorf("after removing both entries: still suppressed or %d entries kept", len(l.entries))
	}
}

// TestGateRulesJSON: caps and quiet hours are plain configuration a host can
// keep in a file.
func TestGateRulesJSON(t *testing.T) {
	in := `{"caps":[{"name":"email 2/day","channel":"email","purpose":"marketing","max":2,"window":86400000000000}],
		"quiet":[{"channel":"sms","start":75600000000000,"end":28800000000000}]}`
	var got struct {
		Caps  []Cap        `json:"caps"`
		Quiet []QuietHours `json:"quiet"`
	}
	if err := json.Unmarshal([]byte(in), &got); err != nil {
		t.Fatal(err)
	}
	want := []Cap{{Name: "email 2/day", Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Max: 2, Window: 24 * time.Hour}}
	if diff := cmp.Diff(want, got.Caps); diff != "" {
		t.Errorf("caps (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]QuietHours{{Channel: customer.ChannelSMS, Start: 21 * time.Hour, End: 8 * time.Hour}}, got.Quiet); diff != "" {
		t.Errorf("quiet hours (-want +got):\n%s", diff)
	}
	b, err := json.Marshal(got.Caps[0])
	if err != nil || string(b) != `{"name":"email 2/day","channel":"email","purpose":"marketing","max":2,"window":86400000000000}` {
		t.Errorf("Marshal(cap) = %s, %v", b, err)
	}
}

// TestConfigFromJSON: a gate, a journey map and a funnel are configured by
// plain data a host can keep in a file; functions and clocks stay in Go.
func TestConfigFromJSON(t *testing.T) {
	var g Gate
	if err := json.Unmarshal([]byte(`{"allow_unknown_consent":true,"caps":[{"name":"1/day","max":1,"window":86400000000000}]}`), &g); err != nil {
		t.Fatal(err)
	}
	g.Now = func() time.Time { return tokyoNoon }
	req := Request{Customer: "c", Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing}
	if d := mustDecide(t, &g, req); !d.Allowed {
		t.Fatalf("first send refused: %v", d.Reasons)
	}
	g.Record(Send{Customer: "c", Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing})
	if d := mustDecide(t, &g, req); d.Allowed || codes(d)[0] != ReasonCapReached {
		t.Errorf("second send: %+v, want cap_reached", d)
	}

	var m Map
	if err := json.Unmarshal([]byte(`{"stages":["awareness","acquire"],"rules":[
		{"name":"first contact","to":"awareness"},
		{"name":"big first purchase","to":"acquire","types":["online_purchase"],"channels":["web"],"min_amount":10000}]}`), &m); err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	want := StageRule{Name: "big first purchase", To: "acquire", Types: []Type{TypeOnlinePurchase}, Channels: []customer.Channel{customer.ChannelWeb}, MinAmount: 10000}
	if diff := cmp.Diff(want, m.Rules[1], cmpopts.IgnoreFields(StageRule{}, "When")); diff != "" {
		t.Errorf("rule (-want +got):\n%s", diff)
	}

	var f Funnel
	if err := json.Unmarshal([]byte(`{"steps":["web_visit","online_purchase"],"window":604800000000000,"by":"channel"}`), &f); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Funnel{Steps: []Type{TypeWebVisit, TypeOnlinePurchase}, Window: 7 * 24 * time.Hour, By: "channel"}, f, cmpopts.IgnoreFields(Funnel{}, "Progress")); diff != "" {
		t.Errorf("funnel (-want +got):\n%s", diff)
	}
}

// TestDecideHistoryCountsAsRecord checks that DecideHistory, which counts
// the sends it is given as they are, answers as Decide does over the same
// sends recorded with Record (which interns and compacts them), whatever
// the order of the history: caps scoped by channel, purpose, tag and
// campaign, caps after the 64th, sends at the window's edges and in the
// future, and the RetryAt of a reached cap.
func TestDecideHistoryCountsAsRecord(t *testing.T) {
	now := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	caps := []Cap{
		{Name: "weekly", Max: 3, Window: 7 * 24 * time.Hour},
		{Name: "sms daily", Channel: customer.ChannelSMS, Max: 1, Window: 24 * time.Hour},
		{Name: "promo", Tag: "promo", Max: 2, Window: 48 * time.Hour},
		{Name: "per campaign", PerCampaign: true, Max: 1, Window: 24 * time.Hour},
		{Name: "marketing", Purpose: customer.PurposeMarketing, Max: 2, Window: 24 * time.Hour, BypassPriority: 5},
	}
	many := slices.Clone(caps)
	for i := range 70 { // caps after the 64th are matched by name, not by bit
		many = append(many, Cap{Name: "filler" + strconv.Itoa(i), Channel: customer.ChannelLINE, Max: 9, Window: time.Hour})
	}
	many = append(many, Cap{Name: "late promo", Tag: "promo", Max: 1, Window: 24 * time.Hour})
	email, sms := customer.ChannelEmail, customer.ChannelSMS
	mkt, svc := customer.PurposeMarketing, customer.PurposeService
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	histories := map[string][]Send{
		"none": nil,
		"under every cap": {
			{Channel: email, Purpose: svc, Time: ago(3 * time.Hour)},
		},
		"weekly reached": {
			{Channel: email, Purpose: svc, Time: ago(6 * 24 * time.Hour)},
			{Channel: email, Purpose: svc, Time: ago(5 * 24 * time.Hour)},
			{Channel: email, Purpose: svc, Time: ago(4 * 24 * time.Hour)},
		},
		"window edges": {
			{Channel: email, Purpose: svc, Time: ago(7 * 24 * time.Hour)}, // out: the window is open there
			{Channel: sms, Purpose: svc, Time: ago(24 * time.Hour)},       // out
			{Channel: sms, Purpose: svc, Time: ago(24*time.Hour - 1)},     // in
			{Channel: email, Purpose: svc, Time: now},                     // in
			{Channel: email, Purpose: svc, Time: now.Add(time.Minute)},    // future: never counted
		},
		"tags and campaigns, unsorted": {
			{Channel: email, Purpose: mkt, Campaign: "spring", Tags: []string{"promo", "x"}, Time: ago(time.Hour)},
			{Channel: sms, Purpose: mkt, Campaign: "autumn", Tags: []string{"promo"}, Time: ago(30 * time.Hour)},
			{Channel: email, Purpose: mkt, Campaign: "spring", Time: ago(20 * time.Hour)},
			{Channel: email, Purpose: svc, Tags: []string{"x"}, Time: ago(2 * time.Hour)},
		},
		"same instant": {
			{Channel: email, Purpose: mkt, Campaign: "spring", Tags: []string{"promo"}, Time: ago(time.Hour)},
			{Channel: email, Purpose: mkt, Campaign: "spring", Tags: []string{"promo"}, Time: ago(time.Hour)},
			{Channel: sms, Purpose: mkt, Time: ago(time.Hour)},
		},
	}
	requests := []Request{
		{Channel: email, Purpose: mkt},
		{Channel: email, Purpose: mkt, Campaign: "spring"},
		{Channel: email, Purpose: mkt, Campaign: "summer", Tags: []string{"promo"}},
		{Channel: sms, Purpose: svc},
		{Channel: sms, Purpose: mkt, Tags: []string{"promo"}, Priority: 5},
		{Channel: email, Purpose: customer.PurposeTransactional},
	}
	for _, capSet := range []struct {
		name string
		caps []Cap
	}{{"five caps", caps}, {"76 caps", many}} {
		for hname, h := range histories {
			for i, r := range requests {
				t.Run(fmt.Sprintf("%s/%s/request %d", capSet.name, hname, i), func(t *testing.T) {
					clock := func() time.Time { return now }
					recorded := &Gate{Caps: capSet.caps, Now: clock, AllowUnknownConsent: true}
					given := &Gate{Caps: capSet.caps, Now: clock, AllowUnknownConsent: true}
					var sends []Send
					for _, s := range h {
						s.Customer = "c1"
						sends = append(sends, s)
						if err := recorded.Record(s); err != nil {
							t.Fatal(err)
						}
					}
					r.Customer = "c1"
					want, err := recorded.Decide(t.Context(), r)
					if err != nil {
						t.Fatal(err)
					}
					before := slices.Clone(sends)
					got, err := given.DecideHistory(t.Context(), r, sends)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("DecideHistory answers otherwise than Decide over recorded sends (-want +got):\n%s", diff)
					}
					if diff := cmp.Diff(before, sends); diff != "" {
						t.Errorf("DecideHistory changed the history it was given (-before +after):\n%s", diff)
					}
				})
			}
		}
	}
}

// TestDecideHistoryZeroTime checks that a given send without a time is
// never counted (Record, by contrast, dates it now).
func TestDecideHistoryZeroTime(t *testing.T) {
	now := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	g := &Gate{Caps: []Cap{{Name: "one", Max: 1, Window: time.Hour}}, Now: func() time.Time { return now }, AllowUnknownConsent: true}
	d, err := g.DecideHistory(t.Context(), Request{Customer: "c1", Channel: customer.ChannelEmail},
		[]Send{{Customer: "c1", Channel: customer.ChannelEmail}})
	if err != nil || !d.Allowed {
		t.Errorf("DecideHistory with an undated send = %+v, %v; want allowed", d, err)
	}
}
