package strictjson

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

type inner struct {
	Channel string `json:"channel"`
	Skip    string `json:"-"`
}

type embedded struct {
	Note string `json:"note"`
}

type opaqueVal struct{ _ string }

func (o *opaqueVal) UnmarshalJSON([]byte) error { return nil }

type doc struct {
	embedded
	ID      string               `json:"id"`
	When    time.Time            `json:"when"`
	Entries []inner              `json:"entries"`
	Attrs   map[string]opaqueVal `json:"attrs"`
	Free    map[string]any       `json:"free"`
	Plain   string
}

func TestCheck(t *testing.T) {
	typ := reflect.TypeFor[doc]()
	opaque := Opaque{reflect.TypeFor[opaqueVal](): {"type", "value"}}
	tests := []struct {
		name, in, wantErr string
	}{
		{"valid", `{"id":"a","note":"n","when":"2026-01-01T00:00:00Z","entries":[{"channel":"email"}],"attrs":{"x":{"type":"int","value":1}},"free":{"any":{"thing":1}},"Plain":"p"}`, ""},
		{"field names fold case as encoding/json does", `{"ID":"a","plain":"p"}`, ""},
		{"unknown top-level field", `{"id":"a","nmae":"x"}`, "nmae: unknown field"},
		{"unknown field in a slice element", `{"entries":[{"channel":"email"},{"chanel":"sms"}]}`, "entries[1].chanel: unknown field"},
		{"a field tagged - is unknown", `{"entries":[{"Skip":"x"}]}`, "entries[0].Skip: unknown field"},
		{"unknown key of an opaque value", `{"attrs":{"x":{"type":"int","valeu":1}}}`, "attrs.x.valeu: unknown field"},
		{"repeated key", `{"id":"a","id":"b"}`, "id: key repeated"},
		{"repeated key deep down", `{"free":{"a":{"b":1,"b":2}}}`, "free.a.b: key repeated"},
		{"repeated map key", `{"attrs":{"x":{"type":"int","value":1},"x":{"type":"int","value":2}}}`, "attrs.x: key repeated"},
		{"trailing data", `{"id":"a"} {}`, "data after the JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check([]byte(tt.in), typ, opaque)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Check = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Check = %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}

// FuzzCheck: Check never panics on any input.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{"id":"a"}`, `{"entries":[{"channel":1}]}`, `[`, `{"a":{"a":{"a":[1,{"b":2,"b":3}]}}}`, `"x"`, ``} {
		f.Add(s)
	}
	typ := reflect.TypeFor[doc]()
	f.Fuzz(func(t *testing.T, s string) {
		Check([]byte(s), typ, nil)
	})
}
