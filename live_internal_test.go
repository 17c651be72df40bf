package c360

import (
	"encoding/json"
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

func TestEventDecodingWithWordsAgrees(t *testing.T) {
	w := newWords(nil)
	ev := storedEvent{ID: "e1", Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb, Time: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC),
		Value: journey.Money{Amount: 4800, Currency: "JPY"}, Campaign: "web_visit", Attributes: map[string]string{"channel": "web"}}
	got, err := w.decodeEvent(encodeEvent(&ev))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ev, got); diff != "" {
		t.Errorf("decoded with words (-want +got):\n%s", diff)
	}
}

func TestStateEncodingRoundTrips(t *testing.T) {
	jst := time.FixedZone("", 9*60*60)
	at := time.Date(2026, 4, 1, 9, 0, 0, 5, time.UTC)
	tests := []struct {
		name string
		st   liveState
	}{
		{name: "empty"},
		{name: "segments only", st: liveState{Segments: []string{"a", "", "東京"}}},
		{name: "stage with history", st: liveState{
			Segments: []string{"buyers_30d"},
			Stage: journey.StageState{Stage: journey.StageEngage, Since: at.In(jst), History: []journey.Transition{
				{Customer: "P1", From: "", To: journey.StageAwareness, At: at.Add(-time.Hour), EventID: "e\x001", Rule: "awareness#0"},
				{Customer: "", AnonymousID: "ck", From: journey.StageAwareness, To: journey.StageEngage, At: at.In(jst), EventID: "e2", Rule: "r"},
			}}}},
	}
	for _, tc := range tests {
		b := encodeState(&tc.st)
		got, err := decodeState(b, false)
		if err != nil {
			t.Fatalf("%s: decode: %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.st, got); diff != "" {
			t.Errorf("%s: round trip (-want +got):\n%s", tc.name, diff)
		}
		head, err := decodeState(b, true)
		if err != nil {
			t.Fatalf("%s: decode head: %v", tc.name, err)
		}
		want := tc.st
		want.Stage.History = nil
		if diff := cmp.Diff(want, head); diff != "" {
			t.Errorf("%s: head (-want +got):\n%s", tc.name, diff)
		}
		// the JSON of earlier versions is still read, to the same instants
		js, err := json.Marshal(&tc.st)
		if err != nil {
			t.Fatal(err)
		}
		old, err := decodeState(js, false)
		if err != nil {
			t.Fatalf("%s: decode JSON: %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.st, old, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("%s: JSON state (-want +got):\n%s", tc.name, diff)
		}
	}
	for _, bad := range [][]byte{nil, {0}, {stateFormat}, {stateFormat, 5}, append(encodeState(&tests[2].st), 0)} {
		if _, err := decodeState(bad, false); err == nil {
			t.Errorf("decodeState(%q) accepted a corrupt state", bad)
		}
	}
}

// FuzzDecodeState: a corrupt stored state is an error, never a panic.
func FuzzDecodeState(f *testing.F) {
	f.Add(encodeState(&liveState{Segments: []string{"a"}, Stage: journey.StageState{Stage: "engage", History: []journey.Transition{{To: "engage", EventID: "e"}}}}))
	f.Add([]byte(`{"stage":{"Stage":"engage"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeState(b, false)
		if err == nil {
			if _, err := decodeState(encodeState(&s), false); err != nil {
				t.Errorf("re-encoding a decoded state fails: %v", err)
			}
		}
		decodeState(b, true)
	})
}
