package customer

import (
	"math/rand/v2"
	"testing"
	"time"
)

// statusByMap is the ledger's answer for one contact as it was computed
// before statusFor kept its sources in a short list: a map per call. It
// is the reference TestStatusForAsByMap compares with.
func (l *ConsentLedger) statusByMap(ch Channel, p Purpose, contact string, at time.Time) ConsentStatus {
	type latest struct {
		e  ConsentEntry
		ok bool
	}
	bySource := map[string]*latest{}
	var order []string
	for _, e := range l.Entries {
		if e.Channel != ch || e.Purpose != p || (e.Contact != "" && e.Contact != contact) || e.CapturedAt.After(at) {
			continue
		}
		cur := bySource[e.Source]
		if cur == nil {
			cur = &latest{}
			bySource[e.Source] = cur
			order = append(order, e.Source)
		}
		if !cur.ok || e.CapturedAt.After(cur.e.CapturedAt) ||
			(e.CapturedAt.Equal(cur.e.CapturedAt) && e.Status == ConsentOptOut) {
			cur.e, cur.ok = e, true
		}
	}
	answer := func(e ConsentEntry) ConsentStatus {
		if !e.ExpiresAt.IsZero() && !at.Before(e.ExpiresAt) {
			return ConsentUnknown
		}
		return e.Status
	}
	if l.Policy == ConsentMostRecent {
		var best *ConsentEntry
		for _, s := range order {
			e := &bySource[s].e
			if best == nil || e.CapturedAt.After(best.CapturedAt) ||
				(e.CapturedAt.Equal(best.CapturedAt) && e.Status == ConsentOptOut) {
				best = e
			}
		}
		if best == nil {
			return ConsentUnknown
		}
		return answer(*best)
	}
	out := ConsentUnknown
	for _, s := range order {
		switch answer(bySource[s].e) {
		case ConsentOptOut:
			return ConsentOptOut
		case ConsentOptIn:
			out = ConsentOptIn
		}
	}
	return out
}

// TestStatusForAsByMap checks statusFor against the map-based reference on
// random ledgers: few and many sources (more than its in-place list holds),
// ties of capture time, expiries, contact-level entries, both policies.
func TestStatusForAsByMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	channels := []Channel{ChannelEmail, ChannelSMS}
	purposes := []Purpose{PurposeMarketing, PurposeService}
	contacts := []string{"", "a@example.jp", "b@example.jp"}
	statuses := []ConsentStatus{ConsentOptIn, ConsentOptOut, ConsentUnknown}
	for n := range 3000 {
		sources := 1 + rng.IntN(12)
		var l ConsentLedger
		if rng.IntN(2) == 0 {
			l.Policy = ConsentMostRecent
		}
		for range rng.IntN(24) {
			e := ConsentEntry{Channel: channels[rng.IntN(2)], Purpose: purposes[rng.IntN(2)], Contact: contacts[rng.IntN(3)],
				Status: statuses[rng.IntN(3)], CapturedAt: base.Add(time.Duration(rng.IntN(6)) * 24 * time.Hour),
				Source: string(rune('a' + rng.IntN(sources)))}
			if rng.IntN(4) == 0 {
				e.ExpiresAt = base.Add(time.Duration(rng.IntN(8)) * 24 * time.Hour)
			}
			// distinguishes entries that tie on time and status
			e.Evidence = string(rune('0' + rng.IntN(10)))
			l.Add(e)
		}
		for _, contact := range contacts {
			at := base.Add(time.Duration(rng.IntN(8)) * 24 * time.Hour)
			ch, p := channels[rng.IntN(2)], purposes[rng.IntN(2)]
			if got, want := l.statusFor(ch, p, contact, at), l.statusByMap(ch, p, contact, at); got != want {
				t.Fatalf("ledger %d %+v: statusFor(%s, %s, %q, %v) = %v; the map-based reference says %v", n, l, ch, p, contact, at, got, want)
			}
		}
	}
}
