package c360_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/intel"
	"github.com/google/go-cmp/cmp"
)

func TestLoadConfig(t *testing.T) {
	cfg, err := c360.LoadConfig(strings.NewReader(`{
  "segments": [{"name": "buyers", "expr": "count(online_purchase, 30d) >= 1"}],
  "sending": {"time_zone": "Asia/Tokyo", "caps": [{"name": "daily", "max": 1, "window": 86400000000000}]},
  "future_skew": 3600000000000,
  "intel": {"snippet_runes": 80, "min_group_size": 3}
}`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]c360.SegmentDef{{Name: "buyers", Expr: "count(online_purchase, 30d) >= 1"}}, cfg.Segments); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}
	if cfg.Intel.SnippetRunes != 80 || cfg.Intel.MinGroupSize != 3 {
		t.Errorf("intel settings read as %+v", cfg.Intel)
	}
	if cfg.FutureSkew != time.Hour || cfg.Sending.Caps[0].Window != 24*time.Hour || cfg.Sending.TimeZone != "Asia/Tokyo" {
		t.Errorf("config read as %+v", cfg)
	}
	for _, tc := range []struct{ name, doc, want string }{
		{"unknown key", `{"segmets": []}`, `unknown field "segmets"`},
		{"wrong type", "{\n  \"future_skew\": \"1h\"\n}", "line 2, column"},
		{"syntax", "{\n\n  \"segments\": [,]\n}", "line 3, column"},
		{"trailing data", `{} {}`, "unexpected data"},
		{"unknown intel key", `{"intel": {"deliver": "x"}}`, `unknown field "deliver"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c360.LoadConfig(strings.NewReader(tc.doc))
			if !errors.Is(err, c360.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadConfig = %v, want ErrInvalid naming %q", err, tc.want)
			}
		})
	}
}

// TestOpenRefusesIntelSubscriptions: the engine keeps subscriptions in its
// store; a SubscriptionStore given in Config.Intel would be ignored, so it
// is refused.
func TestOpenRefusesIntelSubscriptions(t *testing.T) {
	_, err := c360.Open(t.Context(), c360.Config{Intel: intel.Config{Subscriptions: new(intel.MemorySubscriptions)}})
	if !errors.Is(err, c360.ErrInvalid) || !strings.Contains(err.Error(), "Subscriptions") {
		t.Errorf("Open = %v, want ErrInvalid naming Subscriptions", err)
	}
}
