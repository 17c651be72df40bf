package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const testProfiles = `{"id":"c1","kind":"person","name":{"family":"山田","given":"太郎"},"attributes":{"rank":{"type":"string","value":"gold"}},"consent":{"entries":[{"channel":"email","purpose":"marketing","status":"opt_in","captured_at":"2026-01-01T00:00:00Z"}]}}
{"id":"c2","kind":"person","name":{"family":"Smith","given":"Anna"},"attributes":{"rank":{"type":"string","value":"silver"}}}

{"id":"c3","kind":"person","name":{"family":"佐藤","given":"花子"}}
`

const testEvents = `event_id,customer_id,type,channel,time,value,store
e1,c1,online_purchase,web,2026-11-01T10:00:00+09:00,12000,
e2,c1,online_purchase,app,2026-11-20T10:00:00+09:00,8000,
e3,c2,store_purchase,store,2026-06-01T10:00:00+09:00,50000,渋谷
e4,c3,web_visit,web,2026-11-21T10:00:00+09:00,,
e2,c1,online_purchase,app,2026-11-20T10:00:00+09:00,8000,
`

func TestSegmentCommand(t *testing.T) {
	profiles := writeFile(t, "p.jsonl", testProfiles)
	events := writeFile(t, "e.csv", testEvents)
	now := "--now=2026-11-22T00:00:00Z"
	tests := []struct {
		name, expr string
		withEvents bool
		want       string
	}{
		{"attribute", `rank = "gold" or rank = "silver"`, false, "c1\nc2\n"},
		{"consent", `consent.email.marketing = "opt_in"`, false, "c1\n"},
		{"behaviour (duplicate event counted once)", `count(online_purchase, 90d) >= 2 and sum(value, 365d) > 15000`, true, "c1\n"},
		{"touchpoint attribute", `last(store, store_purchase) = "渋谷"`, true, "c2\n"},
		{"no events: behaviour is empty", `count() > 0`, false, ""},
		{"stage inferred from events", `exists(stage)`, true, "c1\nc2\nc3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"segment", "--profiles", profiles, "--expr", tt.expr, now}
			if tt.withEvents {
				args = append(args, "--events", events)
			}
			code, out, stderr := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if diff := cmp.Diff(tt.want, out); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSegmentCommandErrors(t *testing.T) {
	profiles := writeFile(t, "p.jsonl", testProfiles)
	badProfiles := writeFile(t, "bad.jsonl", testProfiles+`{"id":"c4","kind":"robot"}`+"\n")
	badEvents := writeFile(t, "bad.csv", "event_id,customer_id,type,channel,time\ne1,c1,web_visit,web,yesterday\n")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"bad expression", []string{"--profiles", profiles, "--expr", "rank = \n  and x"}, 1, "line 2, column 3: expected an operand"},
		{"bad profile line", []string{"--profiles", badProfiles, "--expr", "x = 1"}, 1, "line 5"},
		{"bad event time", []string{"--profiles", profiles, "--expr", "x = 1", "--events", badEvents}, 1, `line 2, column "time"`},
		{"missing flag", []string{"--expr", "x = 1"}, 2, "--profiles and --expr are required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", append([]string{"segment"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.wantCode, tt.want)
			}
		})
	}
}

func TestParetoCommand(t *testing.T) {
	in := writeFile(t, "sales.csv", "\ufeffcustomer , amount\r\na,30\r\nb,30\r\nc,10\r\nd,5\r\ne,5\r\na,20\r\n")
	svg := filepath.Join(t.TempDir(), "chart.svg")
	code, out, stderr := runCLI(t, "", "pareto", "--input", in, "--id", "customer", "--value", "amount", "--svg", svg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	want := map[string]any{
		"items": 5.0, "total": 100.0, "share_of_value": 0.8, "items_needed": 2.0, "share_of_items": 0.4,
		"gini": got["gini"], "abc": map[string]any{"A": 2.0, "B": 2.0, "C": 1.0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pareto JSON (-want +got):\n%s", diff)
	}
	if g := got["gini"].(float64); g < 0.4599 || g > 0.4601 {
		t.Errorf("gini = %v, want 0.46", g)
	}
	if b, err := os.ReadFile(svg); err != nil || !strings.HasPrefix(string(b), "<svg") {
		t.Errorf("SVG not written: %v", err)
	}

	bad := writeFile(t, "bad.csv", "id,v\na,1\nb,lots\n")
	code, _, stderr = runCLI(t, "", "pareto", "--input", bad, "--id", "id", "--value", "v")
	if code != 1 || !strings.Contains(stderr, `line 3, column "v"`) {
		t.Errorf("bad value: exit %d, stderr %q", code, stderr)
	}
	neg := writeFile(t, "neg.csv", "id,v\na,1\nb,-5\n")
	code, _, stderr = runCLI(t, "", "pareto", "--input", neg, "--id", "id", "--value", "v")
	if code != 1 || !strings.Contains(stderr, `item "b" (first on line 3)`) {
		t.Errorf("negative total: exit %d, stderr %q", code, stderr)
	}
}

func TestRFMCommand(t *testing.T) {
	events := writeFile(t, "e.csv", testEvents)
	code, out, stderr := runCLI(t, "", "rfm", "--events", events, "--now", "2026-11-22T01:00:00Z")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// c1: 2 purchases (the duplicate event counted once), last 2026-11-20T01:00Z: 2 days.
	// c2: 1 purchase, exactly 174 days. c3: none, not ranked. With 2 buyers
	// the mid-rank score 1 + floor(5·(2k+1)/4) is 2 for the worse, 4 for the better.
	want := `customer_id,recency_days,frequency,monetary,r,f,m,cell
c1,2.00,2,20000,4,4,2,loyal
c2,174.00,1,50000,2,2,4,at_risk
c3,,0,0,0,0,0,no_purchase
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("rfm output (-want +got):\n%s", diff)
	}
}

// TestSegmentCurrency: value aggregates read one currency (--currency,
// JPY by default); values in another are left out, with a warning.
func TestSegmentCurrency(t *testing.T) {
	profiles := writeFile(t, "p.jsonl", `{"id":"c1","kind":"person"}`+"\n")
	events := writeFile(t, "e.csv", "event_id,customer_id,type,channel,time,value,currency\n"+
		"1,c1,online_purchase,web,2026-11-01T00:00:00Z,30000,jpy\n"+
		"2,c1,online_purchase,web,2026-11-02T00:00:00Z,300,USD\n"+
		"3,c1,online_purchase,web,2026-11-03T00:00:00Z,5000,\n")
	tests := []struct {
		name     string
		args     []string
		out      string
		warnings bool
	}{
		{"yen by default: 30000 + 5000", []string{"--expr", "sum(value, 365d) = 35000"}, "c1\n", true},
		{"dollars never added to yen", []string{"--expr", "sum(value, 365d) > 35000"}, "", true},
		{"dollars on request", []string{"--expr", "sum(value, 365d) = 300", "--currency", "usd"}, "c1\n", true},
		{"every purchase still counts", []string{"--expr", "count(online_purchase, 365d) = 3"}, "c1\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"segment", "--profiles", profiles, "--events", events, "--now", "2026-11-22"}, tt.args...)
			code, stdout, stderr := runCLI(t, "", args...)
			if code != 0 || stdout != tt.out {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and %q", code, stdout, stderr, tt.out)
			}
			if got := strings.Contains(stderr, "other currencies"); got != tt.warnings {
				t.Errorf("warning about other currencies: %v, want %v (stderr %q)", got, tt.warnings, stderr)
			}
		})
	}
	if code, _, stderr := runCLI(t, "", "segment", "--profiles", profiles, "--expr", "x = 1", "--currency", "円"); code != 2 || !strings.Contains(stderr, "ISO 4217") {
		t.Errorf("--currency 円: exit %d, stderr %q; want 2 and an ISO 4217 message", code, stderr)
	}
}
