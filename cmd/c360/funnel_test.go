package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const funnelCSV = `event_id,customer_id,type,channel,time,segment
1,a,ad_click,advertising,2026-04-01T10:00:00+09:00,gold
2,a,web_visit,web,2026-04-01T10:10:00+09:00,gold
3,a,online_purchase,web,2026-04-01T10:40:00+09:00,gold
4,b,ad_click,advertising,2026-04-01T09:00:00Z,silver
5,b,web_visit,web,2026-04-01T09:20:00Z,silver
6,b,online_purchase,web,2026-05-20T09:00:00Z,silver
7,c,web_visit,web,2026-04-01T09:00:00Z,gold
8,c,ad_click,advertising,2026-04-01T09:05:00Z,gold
2,a,web_visit,web,2026-04-01T10:11:00+09:00,gold
`

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "events.csv")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func fptr(v float64) *float64 { return &v }

func TestFunnelCommand(t *testing.T) {
	p := writeTemp(t, funnelCSV)
	code, stdout, stderr := runCLI(t, "", "funnel", "--events", p, "--steps", "ad_click,web_visit,online_purchase", "--window", "30d", "--by", "segment")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var got funnelJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	// a: all three in 40 min; b: purchase after 49 days, outside 30d;
	// c: web visit before the ad click does not count. The duplicate
	// event 2 is skipped.
	want := funnelJSON{
		Steps: []funnelStepJSON{
			{Type: "ad_click", Customers: 3, ConversionFromPrevious: 1, ConversionFromStart: 1},
			{Type: "web_visit", Customers: 2, ConversionFromPrevious: 2.0 / 3, ConversionFromStart: 2.0 / 3, MedianSecondsFromPrevious: fptr(15 * 60)},
			{Type: "online_purchase", Customers: 1, ConversionFromPrevious: 0.5, ConversionFromStart: 1.0 / 3, MedianSecondsFromPrevious: fptr(30 * 60)},
		},
		Groups: &map[string]funnelGroupJSON{
			"gold": {Steps: []funnelStepJSON{
				{Type: "ad_click", Customers: 2, ConversionFromPrevious: 1, ConversionFromStart: 1},
				{Type: "web_visit", Customers: 1, ConversionFromPrevious: 0.5, ConversionFromStart: 0.5, MedianSecondsFromPrevious: fptr(10 * 60)},
				{Type: "online_purchase", Customers: 1, ConversionFromPrevious: 1, ConversionFromStart: 0.5, MedianSecondsFromPrevious: fptr(30 * 60)},
			}},
			"silver": {Steps: []funnelStepJSON{
				{Type: "ad_click", Customers: 1, ConversionFromPrevious: 1, ConversionFromStart: 1},
				{Type: "web_visit", Customers: 1, ConversionFromPrevious: 1, ConversionFromStart: 1, MedianSecondsFromPrevious: fptr(20 * 60)},
				{Type: "online_purchase", Customers: 0, ConversionFromPrevious: 0, ConversionFromStart: 0},
			}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	// The keys of each step are exactly the documented ones.
	var raw struct{ Steps []map[string]any }
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range raw.Steps[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	wantKeys := []string{"conversion_from_previous", "conversion_from_start", "customers", "median_seconds_from_previous", "type"}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("step keys (-want +got):\n%s", diff)
	}
	if !strings.Contains(stdout, `"median_seconds_from_previous": null`) {
		t.Errorf("the first step's median is not null:\n%s", stdout)
	}

	// Without --by there are no groups; with no window b converts too.
	code, stdout, stderr = runCLI(t, "", "funnel", "--events", p, "--steps", "ad_click,web_visit,online_purchase", "--window", "0")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	got = funnelJSON{}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Groups != nil || got.Steps[2].Customers != 2 {
		t.Errorf("no window, no --by: purchases %d (want 2), groups %v (want none)", got.Steps[2].Customers, got.Groups)
	}
	// --by a column whose values are all empty: one group "".
	code, stdout, _ = runCLI(t, "", "funnel", "--events", writeTemp(t, "event_id,customer_id,type,channel,time,seg\n1,a,web_visit,web,2026-04-01T10:00:00Z,\n"), "--steps", "web_visit", "--by", "seg")
	if code != 0 || !strings.Contains(stdout, `"groups": {
    "": {`) {
		t.Errorf("--by an empty column: exit %d, output %s", code, stdout)
	}
	// Standard input.
	code, stdout, _ = runCLI(t, funnelCSV, "funnel", "--events", "-", "--steps", "web_visit")
	if code != 0 || !strings.Contains(stdout, `"customers": 3`) {
		t.Errorf("from standard input: exit %d, output %s", code, stdout)
	}
}

func TestFunnelCommandErrors(t *testing.T) {
	header := "event_id,customer_id,type,channel,time\n"
	ok := "1,a,ad_click,web,2026-04-01T10:00:00Z\n"
	tests := []struct {
		name     string
		csv      string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"bad time", header + ok + "2,a,ad_click,web,2026-04-01 10:00\n", nil, 1, `line 3, column "time"`},
		{"empty customer", header + ok + ok + "3,,ad_click,web,2026-04-01T10:00:00Z\n", nil, 1, `line 4, column "customer_id": empty value`},
		{"ragged row", header + "1,a,ad_click\n", nil, 1, "line 2"},
		{"missing column", "event_id,customer_id,type,time\n", nil, 1, `no such column "channel"`},
		{"missing --by column", header + ok, []string{"--by", "segment"}, 1, `--by: no such column "segment"`},
		{"no steps", header, []string{"--steps", ""}, 2, "required"},
		{"empty step", header, []string{"--steps", "a,,b"}, 2, "empty step"},
		{"bad window", header, []string{"--window", "soon"}, 2, "--window"},
		{"negative window", header, []string{"--window", "-3d"}, 2, "--window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"funnel", "--events", writeTemp(t, tt.csv), "--steps", "ad_click,web_visit"}, tt.args...)
			code, _, stderr := runCLI(t, "", args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.wantCode, tt.wantErr)
			}
		})
	}
}

func TestParseWindow(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"30d", 30 * 24 * time.Hour}, {"2w", 14 * 24 * time.Hour}, {"1.5d", 36 * time.Hour},
		{"12h", 12 * time.Hour}, {"90m", 90 * time.Minute}, {"0", 0}, {"15000w", 15000 * 7 * 24 * time.Hour},
	}
	for _, tt := range tests {
		got, err := parseWindow(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("parseWindow(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "d", "x3d", "-1h", "1y", "17000w", "106752d"} {
		if _, err := parseWindow(bad); err == nil {
			t.Errorf("parseWindow(%q) succeeded", bad)
		}
	}
}

// FuzzParseWindow: parseWindow never panics, never returns a negative
// window, and accepts what it prints for whole hours.
func FuzzParseWindow(f *testing.F) {
	for _, s := range []string{"30d", "2w", "1.5d", "12h", "90m", "0", "-1d", "1e9d", "NaNd", "+Infd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseWindow(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("parseWindow(%q) = %v, negative", s, d)
		}
		if d%time.Hour == 0 && d > 0 {
			back, err := parseWindow(d.String())
			if err != nil || back != d {
				t.Fatalf("parseWindow(%q) = %v; parsing %q again gives %v, %v", s, d, d.String(), back, err)
			}
		}
	})
}
