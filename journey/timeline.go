package journey

import (
	"context"
	"maps"
	"time"

	"github.com/c360/c360/customer"
)

// Timeline returns one customer's touchpoints with from <= Time < to (zero:
// open) from every source, in time order and de-duplicated: besides the
// store's idempotency on event ID, an event that repeats an earlier one at
// the same instant (same type, channel, value, campaign and attributes,
// reported by another source under another ID) is dropped, keeping the one
// with the smallest ID.
func Timeline(ctx context.Context, s EventStore, id customer.ID, from, to time.Time) ([]Event, error) {
	var out []Event
	for e, err := range s.Events(ctx, id, from, to) {
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return Dedup(out), nil
}

// Dedup removes repeated events from a time-ordered slice in place and
// returns it: events with an ID seen before, and events equal to an earlier
// one at the same instant in type, channel, value, campaign and attributes.
func Dedup(evs []Event) []Event {
	if len(evs) < 2 {
		return evs
	}
	seen := make(map[string]struct{}, len(evs))
	out := evs[:0]
	groupStart := 0 // index in out of the first event at the current instant
	for _, e := range evs {
		if _, dup := seen[e.ID]; dup {
			continue
		}
		if len(out) > 0 && !out[len(out)-1].Time.Equal(e.Time) {
			groupStart = len(out)
		}
		same := false
		for i := groupStart; i < len(out); i++ {
			if sameTouch(&out[i], &e) {
				same = true
				break
			}
		}
		if same {
			continue
		}
		seen[e.ID] = struct{}{}
		out = append(out, e)
	}
	clear(evs[len(out):])
	return out
}

func sameTouch(a, b *Event) bool {
	return a.Time.Equal(b.Time) && a.Type == b.Type && a.Channel == b.Channel &&
		a.Value == b.Value && a.Campaign == b.Campaign && maps.Equal(a.Attributes, b.Attributes)
}

var zeroTime time.Time
