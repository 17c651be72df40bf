package postgres

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

// sendConfig caps marketing e-mail at one per day.
func sendConfig() c360.SendConfig {
	return c360.SendConfig{Caps: []journey.Cap{{Name: "one a day", Channel: customer.ChannelEmail, Max: 1, Window: 24 * time.Hour}}}
}

// consenting returns a person who opted in to marketing e-mail.
func consenting(id string, at time.Time) customer.SourceRecord {
	const email = "hanako.yamada@example.jp"
	return customer.SourceRecord{System: "crm", RecordID: id, Facts: customer.Facts{
		Kind:          customer.KindPerson,
		Name:          customer.PersonName{Family: "山田", Given: "花子"},
		ContactPoints: []customer.ContactPoint{{Type: customer.ContactEmail, Value: email, Primary: true}},
		Consent: customer.ConsentLedger{Entries: []customer.ConsentEntry{{Channel: customer.ChannelEmail,
			Purpose: customer.PurposeMarketing, Contact: email, Status: customer.ConsentOptIn, CapturedAt: at}}},
	}}
}

// TestClaimCapAcrossEngines has two Engines on one database (two pools, as
// two processes would have) claim the same person's one e-mail a day from
// many goroutines at once: exactly one claim is allowed, and both engines
// then see the one send.
func TestClaimCapAcrossEngines(t *testing.T) {
	db := freshDB(t, testPool(t))
	ctx := context.Background()
	now := time.Now()
	cfg := c360.Config{Sending: sendConfig()}
	cfgA, cfgB := cfg, cfg
	cfgA.Store, cfgB.Store = db.Engine(), reopen(t, db).Engine()
	a, b := openEngine(t, cfgA), openEngine(t, cfgB)
	up, err := a.Upsert(ctx, consenting("1", now.Add(-time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	id := up.Profile
	req := journey.Request{Customer: id, Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Campaign: "spring"}
	if d, err := b.Decide(ctx, req); err != nil || !d.Allowed {
		t.Fatalf("before any send, Decide = %+v, %v; want allowed", d, err)
	}
	const perEngine, each = 6, 3
	var allowed, refused atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 2*perEngine*each)
	start := make(chan struct{})
	for _, e := range []*c360.Engine{a, b} {
		for range perEngine {
			wg.Go(func() {
				<-start
				for range each {
					d, err := e.Claim(ctx, req)
					if err != nil {
						errs <- err
						return
					}
					if d.Allowed {
						allowed.Add(1)
					} else {
						refused.Add(1)
					}
				}
			})
		}
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if allowed.Load() != 1 || refused.Load() != 2*perEngine*each-1 {
		t.Errorf("%d claims allowed and %d refused under a cap of 1; want 1 and %d", allowed.Load(), refused.Load(), 2*perEngine*each-1)
	}
	for name, e := range map[string]*c360.Engine{"a": a, "b": b} {
		h, err := e.SendHistory(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 1 || h[0].Campaign != "spring" || h[0].Channel != customer.ChannelEmail {
			t.Errorf("engine %s: send history = %+v, want the one claimed send", name, h)
		}
		if d, err := e.Decide(ctx, req); err != nil || d.Allowed {
			t.Errorf("engine %s: Decide after the claimed send = %+v, %v; want refused by the cap", name, d, err)
		}
	}
}
