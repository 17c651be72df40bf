package c360_test

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/google/go-cmp/cmp"
)

// TestDecideQuietHoursInThePersonsZone checks that quiet hours are those of
// the person's time zone (the profile attribute "timezone"), asked twice so
// that the engine's cache of zones answers the second time; a profile
// without a zone, with an empty one or with a name that is no zone has
// the engine's (Asia/Tokyo).
func TestDecideQuietHoursInThePersonsZone(t *testing.T) {
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC) // 18:00 in Tokyo, 05:00 in New York
	e := open(t, c360.Config{Now: func() time.Time { return now },
		Sending: c360.SendConfig{QuietHours: []journey.QuietHours{{Start: 21 * time.Hour, End: 8 * time.Hour}}}})
	tests := []struct {
		name, zone string
		quiet      bool
	}{
		{"New York", "America/New_York", true},
		{"no zone", "", false},
		{"not a zone", "Not/AZone", false},
		{"Tokyo", "Asia/Tokyo", false},
		{"Honolulu", "Pacific/Honolulu", true}, // 23:00 the day before
	}
	for i, tc := range tests {
		r := person("crm", strconv.Itoa(i), "山田"+strconv.Itoa(i), "太郎", "u"+strconv.Itoa(i)+"@example.jp", "")
		r.Consent.Entries = []customer.ConsentEntry{{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day0}}
		if tc.zone != "" {
			r.Attributes = map[string]customer.Value{"timezone": customer.StringValue(tc.zone)}
		}
		p := upsert(t, e, r).Profile
		for range 2 {
			d, err := e.Decide(t.Context(), journey.Request{Customer: p, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing})
			if err != nil {
				t.Fatal(err)
			}
			if gotQuiet := !d.Allowed && len(d.Reasons) == 1 && d.Reasons[0].Code == journey.ReasonQuietHours; gotQuiet != tc.quiet || d.Allowed == tc.quiet {
				t.Errorf("%s (%q): Decide = %+v; want quiet hours: %v", tc.name, tc.zone, d, tc.quiet)
			}
		}
	}
}

// TestDecideConcurrentAgreesWithSerial asks the gate about many profiles
// from several goroutines at once and checks every answer against a
// serial run: decisions share pooled scratch memory, which must never
// leak from one to another. Profiles differ in history (none, under and
// over the caps, sends of two records merged into one profile), contact
// points and requests.
func TestDecideConcurrentAgreesWithSerial(t *testing.T) {
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	e := open(t, c360.Config{Now: func() time.Time { return now },
		Sending: c360.SendConfig{Caps: []journey.Cap{
			{Name: "weekly", Max: 4, Window: 7 * 24 * time.Hour},
			{Name: "per campaign", PerCampaign: true, Max: 1, Window: 24 * time.Hour},
			{Name: "promo", Tag: "promo", Max: 2, Window: 48 * time.Hour},
		}}})
	ctx := t.Context()
	var ids []customer.ID
	for i := range 30 {
		n := strconv.Itoa(i)
		r := person("crm", n, "佐藤"+n, "花子", "p"+n+"@example.jp", "")
		r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactEmail, Value: "alt" + n + "@example.jp"})
		r.Consent.Entries = []customer.ConsentEntry{{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: day0}}
		if i%4 == 1 {
			r.Consent.Entries = append(r.Consent.Entries, customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing,
				Contact: "p" + n + "@example.jp", Status: customer.ConsentOptOut, CapturedAt: day0})
		}
		p := upsert(t, e, r).Profile
		ids = append(ids, p)
		for j := range i % 7 {
			s := journey.Send{Customer: p, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing,
				Time: now.Add(-time.Duration(j*13+1) * time.Hour)}
			if j%2 == 0 {
				s.Campaign = "spring"
			}
			if j%3 == 0 {
				s.Tags = []string{"promo"}
			}
			if err := e.Sent(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	// a second record of person 3, with its own sends, merged into the
	// profile: its history is read under both records
	r := person("shop", "3", "佐藤3", "花子", "p3@example.jp", "")
	up := upsert(t, e, r)
	for j := range 3 {
		if err := e.Sent(ctx, journey.Send{Customer: up.Profile, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing,
			Time: now.Add(-time.Duration(j*5+2) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	requests := []journey.Request{
		{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing},
		{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Campaign: "spring", Tags: []string{"promo"}},
		{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Contact: "ALT7@example.jp"},
		{Channel: customer.ChannelSMS, Purpose: customer.PurposeMarketing},
	}
	type answer struct {
		D   journey.Decision
		Err string
	}
	ask := func(id customer.ID, r journey.Request) answer {
		r.Customer = id
		d, err := e.Decide(ctx, r)
		a := answer{D: d}
		if err != nil {
			a.Err = err.Error()
		}
		return a
	}
	serial := map[string]answer{}
	allowed := 0
	for _, id := range ids {
		for k, r := range requests {
			a := ask(id, r)
			serial[string(id)+"/"+strconv.Itoa(k)] = a
			if a.D.Allowed {
				allowed++
			}
		}
	}
	if allowed == 0 || allowed == len(serial) {
		t.Fatalf("%d of %d decisions allowed: the cases do not tell answers apart", allowed, len(serial))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for n := range 3 * len(ids) {
				id := ids[(n*7+g)%len(ids)]
				k := (n + g) % len(requests)
				if diff := cmp.Diff(serial[string(id)+"/"+strconv.Itoa(k)], ask(id, requests[k])); diff != "" {
					t.Errorf("%s, request %d: concurrent answer differs from the serial one (-serial +concurrent):\n%s", id, k, diff)
					return
				}
			}
		})
	}
	wg.Wait()
	h, err := e.SendHistory(ctx, ids[3])
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 3+3 {
		t.Errorf("person 3 has %d sends after the merge of its records, want 6", len(h))
	}
}
