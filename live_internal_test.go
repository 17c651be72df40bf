package c360

import (
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/google/go-cmp/cmp"
)

func TestEventEncodingRoundTrips(t *testing.T) {
	jst := time.FixedZone("", 9*60*60)
	tests := []storedEvent{
		{ID: "e1", Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: time.Date(2026, 4, 1, 9, 0, 0, 1, time.UTC)},
		{ID: "e\x002", AnonymousID: "ck-ü\xff", Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb,
			Time: time.Date(1969, 12, 31, 23, 59, 59, 0, jst), Value: journey.Money{Amount: -12800, Currency: "JPY"},
			Campaign: "2025春", Source: "pos", Attributes: map[string]string{"sku": "A-1", "": "empty key", "z": ""}},
	}
	for _, want := range tests {
		got, err := decodeEvent(encodeEvent(&want))
		if err != nil {
			t.Fatalf("decode %q: %v", want.ID, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("round trip of %q (-want +got):\n%s", want.ID, diff)
		}
		if !got.Time.Equal(want.Time) {
			t.Errorf("time %v, want %v", got.Time, want.Time)
		}
	}
}

// FuzzDecodeEvent: a corrupt stored value is an error, never a panic.
func FuzzDecodeEvent(f *testing.F) {
	f.Add(encodeEvent(&storedEvent{ID: "e1", Type: "web_visit", Channel: "web", Time: time.Unix(0, 0), Attributes: map[string]string{"a": "b"}}))
	f.Add([]byte{1, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeEvent(b)
		if err == nil {
			if _, err := decodeEvent(encodeEvent(&s)); err != nil {
				t.Errorf("re-encoding a decoded event fails: %v", err)
			}
		}
	})
}
