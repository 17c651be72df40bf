package main

// Acceptance tests of c360 quality, funnel, segment, pareto and rfm against
// the command-line sections of issues 5, 6 and 7: the flags, input formats
// and output shapes exactly as the issues state them, worked examples
// checked by hand, and what users' files really look like (BOM, CRLF,
// spaces around header names, quoted fields, Japanese text, extra columns,
// rows out of order, repeated event IDs, empty and header-only files).

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const evHeader = "event_id,customer_id,type,channel,time\n"

// funnelWorked is a funnel of 3 customers, worked by hand:
// a: visit 01:00Z (written +09:00), cart 01:30Z (written before the
// visit), buy 02:00:00.5Z: reaches buy; 1800 s and 1800.5 s between steps.
// b: cart before visit does not count; visit 01:00, cart 02:00: reaches
// cart in 3600 s. c: visit and cart at the same instant: a step must be
// later than the one before, so c stops at visit.
// visit 3; cart 2 (2/3), median (1800+3600)/2 = 2700; buy 1 (1/2 of cart,
// 1/3 of start), median 1800.5.
const funnelWorked = evHeader +
	"1,a,visit,web,2026-04-01T10:00:00+09:00\n" +
	"2,a,cart,web,2026-04-01T01:30:00Z\n" +
	"3,a,buy,web,2026-04-01T11:00:00.5+09:00\n" +
	"4,b,cart,web,2026-04-01T00:00:00Z\n" +
	"5,b,visit,web,2026-04-01T01:00:00Z\n" +
	"6,b,cart,web,2026-04-01T02:00:00Z\n" +
	"7,c,visit,web,2026-04-01T00:00:00Z\n" +
	"8,c,cart,web,2026-04-01T00:00:00Z\n" +
	"9,c,buy,web,2026-04-02T00:00:00Z\n"

func TestAcceptanceFunnel(t *testing.T) {
	steps := "visit,cart,buy"
	worked := []funnelStepJSON{
		{Type: "visit", Customers: 3, ConversionFromPrevious: 1, ConversionFromStart: 1},
		{Type: "cart", Customers: 2, ConversionFromPrevious: 2.0 / 3, ConversionFromStart: 2.0 / 3, MedianSecondsFromPrevious: fptr(2700)},
		{Type: "buy", Customers: 1, ConversionFromPrevious: 0.5, ConversionFromStart: 1.0 / 3, MedianSecondsFromPrevious: fptr(1800.5)},
	}
	// One customer through all three steps in 10 s and 20 s.
	one := func() []funnelStepJSON {
		return []funnelStepJSON{
			{Type: "visit", Customers: 1, ConversionFromPrevious: 1, ConversionFromStart: 1},
			{Type: "cart", Customers: 1, ConversionFromPrevious: 1, ConversionFromStart: 1, MedianSecondsFromPrevious: fptr(10)},
			{Type: "buy", Customers: 1, ConversionFromPrevious: 1, ConversionFromStart: 1, MedianSecondsFromPrevious: fptr(20)},
		}
	}
	zero := []funnelStepJSON{
		{Type: "visit"}, {Type: "cart"}, {Type: "buy"},
	}
	tests := []struct {
		name   string
		csv    string
		args   []string // after --events FILE
		want   *funnelJSON
		code   int
		errHas []string
	}{
		{name: "worked example: out of order, offsets, fractional seconds, ties", csv: funnelWorked,
			args: []string{"--steps", steps}, want: &funnelJSON{Steps: worked}},
		{name: "--flag=value form", csv: funnelWorked,
			args: []string{"--steps=" + steps, "--window=30d"}, want: &funnelJSON{Steps: worked}},
		{name: "repeated event IDs count once", csv: funnelWorked + "3,a,buy,web,2026-04-01T11:00:00.5+09:00\n2,a,cart,web,2026-04-01T01:30:00Z\n",
			args: []string{"--steps", steps}, want: &funnelJSON{Steps: worked}},
		{name: "BOM, CRLF, spaces around names, other columns in any order, quoted fields, Japanese",
			csv: "\ufeff time , type,customer_id , channel,event_id,メモ\r\n" +
				"2026-04-01T10:00:00+09:00,visit,顧客1,web,e1,\"東京, 渋谷\"\r\n" +
				"2026-04-01T01:00:10Z,cart,顧客1,web,e2,\"two\nlines\"\r\n" +
				"2026-04-01T01:00:30Z,buy,顧客1,web,e3,\r\n",
			args: []string{"--steps", steps, "--by", "メモ"},
			want: &funnelJSON{Steps: one(), Groups: &map[string]funnelGroupJSON{"東京, 渋谷": {Steps: one()}}}},
		{name: "RFC 3339 §5.6: lower-case t and z, space separator, any fraction",
			csv:  evHeader + "1,a,visit,web,2026-04-01t01:00:00z\n2,a,cart,web,2026-04-01 01:00:10.000000000Z\n3,a,buy,web,2026-03-31T20:00:30-05:00\n",
			args: []string{"--steps", steps}, want: &funnelJSON{Steps: one()}},
		{name: "leap second 23:59:60 is the next minute's first second",
			csv:  evHeader + "1,a,visit,web,2016-12-31T23:59:50Z\n2,a,cart,web,2016-12-31T23:59:60Z\n3,a,buy,web,2017-01-01T00:00:20Z\n",
			args: []string{"--steps", steps}, want: &funnelJSON{Steps: one()}},
		{name: "window edge: exactly 30d counts, 30d+1ns does not; a later start may convert",
			csv: evHeader + "1,a,visit,web,2026-04-01T00:00:00Z\n2,a,cart,web,2026-05-01T00:00:00Z\n" +
				"3,b,visit,web,2026-04-01T00:00:00Z\n4,b,cart,web,2026-05-01T00:00:00.000000001Z\n" +
				"5,c,visit,web,2026-04-01T00:00:00Z\n6,c,visit,web,2026-04-20T00:00:00Z\n7,c,cart,web,2026-05-10T00:00:00Z\n",
			args: []string{"--steps", "visit,cart", "--window", "30d"},
			want: &funnelJSON{Steps: []funnelStepJSON{
				{Type: "visit", Customers: 3, ConversionFromPrevious: 1, ConversionFromStart: 1},
				// a after 30 days, c after 20 days from its second visit
				{Type: "cart", Customers: 2, ConversionFromPrevious: 2.0 / 3, ConversionFromStart: 2.0 / 3, MedianSecondsFromPrevious: fptr(25 * 86400)},
			}}},
		{name: "header-only file: zero customers", csv: evHeader,
			args: []string{"--steps", steps}, want: &funnelJSON{Steps: zero}},
		{name: "header-only file with --by: empty groups", csv: evHeader,
			args: []string{"--steps", steps, "--by", "channel"}, want: &funnelJSON{Steps: zero, Groups: &map[string]funnelGroupJSON{}}},
		{name: "empty file", csv: "", args: []string{"--steps", steps}, code: 1, errHas: []string{"line 1", "no header"}},
		{name: "time without offset", csv: evHeader + "1,a,visit,web,2026-04-01T00:00:00Z\n2,a,visit,web,2026-04-01T10:00:00\n",
			args: []string{"--steps", steps}, code: 1, errHas: []string{`line 3, column "time"`, "RFC 3339"}},
		{name: "date that does not exist", csv: evHeader + "1,a,visit,web,2026-02-30T00:00:00Z\n",
			args: []string{"--steps", steps}, code: 1, errHas: []string{`line 2, column "time"`}},
		{name: "ragged row", csv: evHeader + "1,a,visit,web,2026-04-01T00:00:00Z\n2,a,visit\n",
			args: []string{"--steps", steps}, code: 1, errHas: []string{"line 3", "wrong number of fields"}},
		{name: "invalid UTF-8", csv: evHeader + "1,a,vis\xffit,web,2026-04-01T00:00:00Z\n",
			args: []string{"--steps", steps}, code: 1, errHas: []string{`line 2, column "type"`, "invalid UTF-8"}},
		{name: "unterminated quote", csv: evHeader + "1,a,visit,web,2026-04-01T00:00:00Z\n2,\"a,visit,web,2026-04-01T00:00:00Z\n",
			args: []string{"--steps", steps}, code: 1, errHas: []string{"line 3"}},
		{name: "missing required column", csv: "event_id,customer_id,type,time\n",
			args: []string{"--steps", steps}, code: 1, errHas: []string{`no such column "channel"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"funnel", "--events", writeFile(t, "events.csv", tt.csv)}, tt.args...)
			code, stdout, stderr := runCLI(t, "", args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, w := range tt.errHas {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if tt.want == nil {
				if stdout != "" {
					t.Errorf("failed run wrote to standard output:\n%s", stdout)
				}
				return
			}
			var got funnelJSON
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, stdout)
			}
			if diff := cmp.Diff(*tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAcceptanceFunnelCommandLine(t *testing.T) {
	events := writeFile(t, "events.csv", funnelWorked)
	tests := []struct {
		name   string
		args   []string
		code   int
		errHas string
	}{
		{"--help", []string{"funnel", "--help"}, 0, "usage: c360 funnel --events FILE.csv --steps TYPE1,TYPE2,... [--window 30d] [--by COLUMN]"},
		{"missing input file", []string{"funnel", "--events", filepath.Join(t.TempDir(), "none.csv"), "--steps", "a"}, 1, "no such file"},
		{"no --steps", []string{"funnel", "--events", events}, 2, "required"},
		{"unknown flag", []string{"funnel", "--events", events, "--steps", "a", "--fast"}, 2, "-fast"},
		{"stray argument", []string{"funnel", "--events", events, "--steps", "a", "extra"}, 2, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if tt.name == "--help" { // asked-for usage goes to standard output
				stdout, stderr = stderr, stdout
			}
			if code != tt.code || !strings.Contains(stderr, tt.errHas) {
				t.Errorf("exit %d, message %q; want exit %d and %q", code, stderr, tt.code, tt.errHas)
			}
			if stdout != "" {
				t.Errorf("wrote to the other stream: %q", stdout)
			}
		})
	}
}

func TestParseRFC3339(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-04-01T10:00:00+09:00", utc("2026-04-01T01:00:00Z"), true},
		{"2026-04-01T10:00:00.123456789-05:30", utc("2026-04-01T15:30:00.123456789Z"), true},
		{"2026-04-01t01:00:00z", utc("2026-04-01T01:00:00Z"), true},
		{"2026-04-01 01:00:00Z", utc("2026-04-01T01:00:00Z"), true},
		{"2016-12-31T23:59:60Z", utc("2017-01-01T00:00:00Z"), true},
		{"2017-01-01T08:59:60+09:00", utc("2017-01-01T00:00:00Z"), true},
		{"2026-04-01T01:00:00", time.Time{}, false},
		{"2026-04-01", time.Time{}, false},
		{"2026-02-30T00:00:00Z", time.Time{}, false},
		{"2026-04-01T24:00:00Z", time.Time{}, false},
		{"2026-04-01T01:00:61Z", time.Time{}, false},
		{"2026-04-01T01:00:00+0900", time.Time{}, false},
		{"2026/04/01 01:00:00Z", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := parseRFC3339(tt.in)
		if (err == nil) != tt.ok || tt.ok && !got.Equal(tt.want) {
			t.Errorf("parseRFC3339(%q) = %v, %v; want %v (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// FuzzParseRFC3339: parseRFC3339 never panics, and a time it accepts,
// printed in RFC 3339, reads back as the same instant.
func FuzzParseRFC3339(f *testing.F) {
	for _, s := range []string{"2026-04-01T10:00:00+09:00", "2026-04-01t01:00:00.5z", "2026-04-01 01:00:00Z",
		"2016-12-31T23:59:60Z", "2016-12-31T23:59:60.999-01:00", "0000-01-01T00:00:60Z", "9999-12-31T23:59:60+14:00", "2026-04-01T"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseRFC3339(s)
		if err != nil {
			return
		}
		text := v.Format(time.RFC3339Nano)
		back, err := parseRFC3339(text)
		if err != nil || !back.Equal(v) {
			t.Fatalf("parseRFC3339(%q) = %v; reading %q again gives %v, %v", s, v, text, back, err)
		}
	})
}

// paretoKeys are the keys of c360 pareto's JSON, as issue 7 lists them.
var paretoKeys = []string{"abc", "gini", "items", "items_needed", "share_of_items", "share_of_value", "total"}

func TestAcceptancePareto(t *testing.T) {
	// Five items worked by hand: 50, 20, 15, 10, 5 of 100. 80% needs the
	// first three (50+20+15 = 85). Gini over ascending values 5,10,15,20,50:
	// 2·(1·5+2·10+3·15+4·20+5·50)/(5·100) − 6/5 = 1.6 − 1.2 = 0.4.
	// ABC (80%, 95%): A holds the items starting below 80% (0, 50, 70) →
	// 3, B those starting below 95% (85) → 1, C the rest → 1.
	five := "item,sales\nA,50\nB,20\nC,15\nD,10\nE,5\n"
	type result struct {
		Items        int                `json:"items"`
		Total        float64            `json:"total"`
		Share        float64            `json:"share_of_value"`
		ItemsNeeded  int                `json:"items_needed"`
		ShareOfItems float64            `json:"share_of_items"`
		Gini         float64            `json:"gini"`
		ABC          map[string]float64 `json:"abc"`
	}
	abc := func(a, b, c float64) map[string]float64 { return map[string]float64{"A": a, "B": b, "C": c} }
	tests := []struct {
		name   string
		csv    string
		stdin  bool
		args   []string
		want   *result
		code   int
		errHas []string
	}{
		{name: "worked example of 5 items", csv: five, args: []string{"--id", "item", "--value", "sales"},
			want: &result{5, 100, 0.8, 3, 0.6, 0.4, abc(3, 1, 1)}},
		{name: "--share as a percentage", csv: five, args: []string{"--id", "item", "--value", "sales", "--share", "50%"},
			want: &result{5, 100, 0.5, 1, 0.2, 0.4, abc(3, 1, 1)}},
		{name: "--share=1 needs every item with value", csv: five, args: []string{"--id=item", "--value=sales", "--share=1"},
			want: &result{5, 100, 1, 5, 1, 0.4, abc(3, 1, 1)}},
		{name: "standard input", csv: five, stdin: true, args: []string{"--id", "item", "--value", "sales"},
			want: &result{5, 100, 0.8, 3, 0.6, 0.4, abc(3, 1, 1)}},
		{name: "rows of one ID add up; BOM, CRLF, spaces, quoted Japanese IDs, decimals",
			csv:  "\ufeff 顧客 ,金額, note\r\n\"山田, 太郎\",30.5,x\r\n佐藤,49.5,\r\n\"山田, 太郎\", 20 ,\r\n",
			args: []string{"--id", "顧客", "--value", "金額"},
			// 50.5 and 49.5: 80% needs both; Gini 2·(49.5+2·50.5)/(2·100) − 1.5 = 0.005
			want: &result{2, 100, 0.8, 2, 1, 0.005, abc(2, 0, 0)}},
		{name: "header-only file", csv: "item,sales\n", args: []string{"--id", "item", "--value", "sales"},
			want: &result{0, 0, 0.8, 0, 0, 0, abc(0, 0, 0)}},
		{name: "empty file", csv: "", args: []string{"--id", "item", "--value", "sales"}, code: 1, errHas: []string{"line 1"}},
		{name: "a value that is not a number", csv: "item,sales\nA,1\nB,1_000\n", args: []string{"--id", "item", "--value", "sales"},
			code: 1, errHas: []string{`line 3, column "sales"`, `"1_000"`}},
		{name: "hexadecimal is not a value", csv: "item,sales\nA,0x1p4\n", args: []string{"--id", "item", "--value", "sales"},
			code: 1, errHas: []string{`line 2, column "sales"`}},
		{name: "empty value", csv: "item,sales\nA,\n", args: []string{"--id", "item", "--value", "sales"},
			code: 1, errHas: []string{`line 2, column "sales"`}},
		{name: "empty ID", csv: "item,sales\nA,1\n,2\n", args: []string{"--id", "item", "--value", "sales"},
			code: 1, errHas: []string{`line 3, column "item"`}},
		{name: "no such column", csv: five, args: []string{"--id", "sku", "--value", "sales"},
			code: 1, errHas: []string{`no such column "sku"`}},
		{name: "ABC cuts out of order are a usage error", csv: five, args: []string{"--id", "item", "--value", "sales", "--abc-a", "0.9", "--abc-b", "0.5"},
			code: 2, errHas: []string{"--abc-a"}},
		{name: "--share above 1", csv: five, args: []string{"--id", "item", "--value", "sales", "--share", "80"},
			code: 2, errHas: []string{"--share"}},
		{name: "missing --value", csv: five, args: []string{"--id", "item"}, code: 2, errHas: []string{"required"}},
		{name: "SVG into a directory that does not exist", csv: five,
			args: []string{"--id", "item", "--value", "sales", "--svg", filepath.Join(os.TempDir(), "c360-no-such-dir", "c.svg")},
			code: 1, errHas: []string{"--svg", "c360-no-such-dir"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"pareto", "--input", "-"}
			stdin := tt.csv
			if !tt.stdin {
				args[2], stdin = writeFile(t, "in.csv", tt.csv), ""
			}
			code, stdout, stderr := runCLI(t, stdin, append(args, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, w := range tt.errHas {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if tt.want == nil {
				if stdout != "" {
					t.Errorf("failed run wrote to standard output:\n%s", stdout)
				}
				return
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, stdout)
			}
			var keys []string
			for k := range raw {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if diff := cmp.Diff(paretoKeys, keys); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			var got result
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(*tt.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAcceptanceParetoSVG(t *testing.T) {
	in := writeFile(t, "in.csv", "item,sales\nA,50\nB,20\nC,15\nD,10\nE,5\n")
	svg := filepath.Join(t.TempDir(), "chart.svg")
	code, stdout, stderr := runCLI(t, "", "pareto", "--input", in, "--id", "item", "--value", "sales", "--svg", svg)
	if code != 0 || !strings.Contains(stdout, `"items_needed":3`) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.HasPrefix(s, "<svg") || !strings.HasSuffix(strings.TrimSpace(s), "</svg>") ||
		strings.Contains(s, "<script") || strings.Contains(s, "href=") {
		t.Errorf("chart is not one self-contained SVG document:\n%.300s", s)
	}
}

// rfmWorked is RFM of five customers worked by hand at now 2026-11-22T00:00Z.
// Recency days a 1, b 31, c 174, e 0.375 (d never bought); frequency a 3,
// b 1, c 2 (two purchases at one instant with distinct IDs are two), e 1;
// monetary a 3000, b 500, c 18000.50, e 200. Only the 4 buyers are ranked
// (d: 0,0,0 no_purchase); mid-rank score 1 + floor(5·(2k+t)/8), k strictly
// worse, t tied: a lone value at k = 0, 1, 2, 3 scores 1, 2, 4, 5, and b=e
// tied at the bottom of F (k 0, t 2) score 2:
// R: c 1, b 2, a 4, e 5; F: b=e 2, c 4, a 5; M: e 1, b 2, a 4, c 5.
// Cells (R, mean of F and M): a (4, 4.5) champions; b (2, 2) hibernating;
// c (1, 4.5) cant_lose; e (5, 1.5) new.
const rfmWorked = "event_id,customer_id,type,channel,time,value\n" +
	"1,a,online_purchase,web,2026-11-20T00:00:00Z,1000\n" +
	"2,a,online_purchase,web,2026-11-21T00:00:00Z,1000\n" +
	"3,a,store_purchase,store,2026-11-21T00:00:00Z,1000\n" +
	"4,b,online_purchase,web,2026-10-22T00:00:00Z,500\n" +
	"5,c,online_purchase,web,2026-06-01T00:00:00Z,9000.25\n" +
	"6,c,online_purchase,web,2026-06-01T00:00:00Z,9000.25\n" +
	"7,d,web_visit,web,2026-11-21T00:00:00Z,\n" +
	"8,e,store_purchase,store,2026-11-22T00:00:00+09:00,200\n" +
	"2,a,online_purchase,web,2026-11-21T00:00:00Z,1000\n"

func TestAcceptanceRFM(t *testing.T) {
	const head = "customer_id,recency_days,frequency,monetary,r,f,m,cell\n"
	worked := head +
		"a,1.00,3,3000,4,5,4,champions\n" +
		"b,31.00,1,500,2,2,2,hibernating\n" +
		"c,174.00,2,18000.5,1,4,5,cant_lose\n" +
		"d,,0,0,0,0,0,no_purchase\n" +
		"e,0.38,1,200,5,2,1,new\n"
	tests := []struct {
		name   string
		csv    string
		args   []string
		want   string
		code   int
		errHas []string
	}{
		{name: "worked example", csv: rfmWorked, args: []string{"--now", "2026-11-22T00:00:00Z"}, want: worked},
		{name: "--now with an offset and --flag=value", csv: rfmWorked, args: []string{"--now=2026-11-22T09:00:00+09:00"}, want: worked},
		{name: "an amount column, lower-case RFC 3339, a chosen value column",
			csv:  "\ufeffevent_id , customer_id,type,channel,time,amount,net\r\n1,顧客A,purchase,web,2026-01-01t00:00:00z,12.5,10\r\n",
			args: []string{"--now", "2026-01-02T00:00:00Z", "--value", "net"},
			want: head + "顧客A,1.00,1,10,3,3,3,loyal\n"},
		{name: "no purchase type in the file: warned on standard error",
			csv: "event_id,customer_id,type,channel,time,value\n1,a,order,web,2026-01-01T00:00:00Z,5\n", args: nil,
			want: head + "a,,0,0,0,0,0,no_purchase\n", errHas: []string{"no event of the purchase types", "--types"}},
		{name: "--types chooses the purchases",
			csv: "event_id,customer_id,type,channel,time,value\n1,a,order,web,2026-01-01T00:00:00Z,5\n", args: []string{"--types", "order"},
			want: head + "a,0.00,1,5,3,3,3,loyal\n"},
		{name: "header-only file", csv: "event_id,customer_id,type,channel,time,value\n", want: head},
		{name: "empty file", csv: "", code: 1, errHas: []string{"line 1"}},
		{name: "bad value", csv: "event_id,customer_id,type,channel,time,value\n1,a,purchase,web,2026-01-01T00:00:00Z,¥500\n",
			code: 1, errHas: []string{`line 2, column "value"`, `"¥500"`}},
		{name: "bad time", csv: "event_id,customer_id,type,channel,time,value\n1,a,purchase,web,2026-01-01,5\n",
			code: 1, errHas: []string{`line 2, column "time"`}},
		{name: "--now as a date: its midnight UTC", csv: rfmWorked, args: []string{"--now", "2026-11-22"}, want: worked},
		{name: "bad --now", csv: rfmWorked, args: []string{"--now", "22/11/2026"}, code: 2, errHas: []string{"--now", "RFC 3339"}},
		{name: "--bins out of range is a usage error", csv: rfmWorked, args: []string{"--bins", "1"}, code: 2, errHas: []string{"--bins"}},
		{name: "no such --value column", csv: rfmWorked, args: []string{"--value", "net"}, code: 1, errHas: []string{`no such column "net"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"rfm", "--events", writeFile(t, "events.csv", tt.csv)}, tt.args...)
			code, stdout, stderr := runCLI(t, "", args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, w := range tt.errHas {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if diff := cmp.Diff(tt.want, stdout); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAcceptanceSegment(t *testing.T) {
	profiles := writeFile(t, "p.jsonl", "\ufeff"+
		`{"id":"c1","kind":"person","name":{"family":"山田","given":"太郎"},"attributes":{"rank":{"type":"string","value":"ゴールド"}}}`+"\r\n"+
		`{"id":"c2","kind":"person","name":{"family":"Smith","given":"Anna"}}`+"\r\n\r\n"+
		`{"id":"c3","kind":"person","name":{"family":"佐藤","given":"花子"},"attributes":{"last_purchase_at":{"type":"time","value":"2026-01-01T00:00:00Z"}}}`+"\n")
	// c1 buys twice (one row repeated), 30000.5 each; c2 once for 60000,
	// 200 days ago; c3 buys yesterday but its profile says otherwise.
	events := writeFile(t, "e.csv", "event_id,customer_id,type,channel,time,value\r\n"+
		"1,c1,online_purchase,web,2026-11-01T00:00:00Z,30000.5\r\n"+
		"2,c1,store_purchase,store,2026-11-02t09:00:00+09:00,30000.5\r\n"+
		"2,c1,store_purchase,store,2026-11-02t09:00:00+09:00,30000.5\r\n"+
		"3,c2,online_purchase,web,2026-05-06T00:00:00Z,60000\r\n"+
		"4,c3,online_purchase,web,2026-11-21T00:00:00Z,100\r\n")
	now := "--now=2026-11-22T00:00:00Z"
	tests := []struct {
		name     string
		expr     string
		noEvents bool
		want     string
	}{
		{"issue's example: date arithmetic on last_purchase_at from the events", `last_purchase_at > now - 90d`, false, "c1\n"},
		{"issue's example: behaviour", `count(online_purchase, 90d) >= 2`, false, ""},
		{"repeated event ID counts once", `count(store_purchase, 90d) = 1 and count(online_purchase, 90d) = 1`, false, "c1\n"},
		{"issue's example: sum of decimal values", `sum(value, 365d) > 50000`, false, "c1\nc2\n"},
		{"Japanese attribute value", `rank = "ゴールド"`, false, "c1\n"},
		{"without events nothing is bought", `exists(last_purchase_at)`, true, "c3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"segment", "--profiles", profiles, "--expr", tt.expr, now}
			if !tt.noEvents {
				args = append(args, "--events", events)
			}
			code, stdout, stderr := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if diff := cmp.Diff(tt.want, stdout); diff != "" {
				t.Errorf("IDs (-want +got):\n%s", diff)
			}
		})
	}
	errs := []struct {
		name   string
		args   []string
		code   int
		errHas []string
	}{
		{"bad expression: line, column, message", []string{"--expr", "rank = \"a\"\n  and (x = "}, 1, []string{"line 2, column 12", "expected an operand"}},
		{"bad events row", []string{"--expr", "x = 1", "--events", writeFile(t, "bad.csv", "event_id,customer_id,type,channel,time,value\n1,c1,buy,web,2026-01-01T00:00:00Z,lots\n")},
			1, []string{`line 2, column "value"`}},
		{"bad profile: one line naming the line", []string{"--expr", "x = 1", "--profiles", writeFile(t, "bad.jsonl", `{"id":"c1","kind":"person"}`+"\n"+`{"id":"","kind":"person"}`+"\n")},
			1, []string{"bad.jsonl: line 2: record without ID"}},
		{"missing profiles file", []string{"--expr", "x = 1", "--profiles", filepath.Join(t.TempDir(), "none.jsonl")}, 1, []string{"no such file"}},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"segment", "--profiles", profiles}, tt.args...)
			code, stdout, stderr := runCLI(t, "", args...)
			if code != tt.code || stdout != "" {
				t.Errorf("exit %d, stdout %q; want exit %d and nothing", code, stdout, tt.code)
			}
			for _, w := range tt.errHas {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

func TestAcceptanceQuality(t *testing.T) {
	type rule struct {
		Name      string  `json:"name"`
		Dimension string  `json:"dimension"`
		Passed    int     `json:"passed"`
		Failed    int     `json:"failed"`
		Ratio     float64 `json:"ratio"`
		Status    string  `json:"status"`
	}
	type counts struct {
		Missing *int `json:"missing"`
		Invalid *int `json:"invalid"`
	}
	type report struct {
		Records    *int               `json:"records"`
		Score      *float64           `json:"score"`
		Dimensions map[string]float64 `json:"dimensions"`
		Fields     map[string]counts  `json:"fields"`
		Rules      []rule             `json:"rules"`
	}
	n := func(v int) *int { return &v }
	tests := []struct {
		name       string
		csv        string
		args       []string
		records    int
		fields     map[string]counts
		rules      []rule // rules that must be in the report, exactly
		rows       string // rows.csv, when not ""
		stderrHas  []string
		wantScore0 bool
	}{
		{name: "BOM, CRLF, spaces in headers, quoted Japanese values, inferred kinds printed",
			csv: "\ufeff id , 氏名 ,email , phone\r\n" +
				"C1,\"山田, 太郎\",taro@example.jp,03-1234-5678\r\n" +
				"C2,佐藤 花子,不明,090-1234-5678\r\n" +
				"C3,,bad@,12345\r\n",
			records: 3,
			fields: map[string]counts{
				"氏名": {n(1), n(0)}, "email": {n(1), n(1)}, "phone": {n(0), n(1)},
			},
			rules: []rule{
				{"completeness:email", "completeness", 2, 1, 0.6667, "fail"},
				{"validity:email", "validity", 1, 1, 0.5, "fail"},
				{"validity:phone", "validity", 2, 1, 0.6667, "fail"},
			},
			rows: "record_id,score,reasons\nC1,100.00,\nC2,",
			stderrHas: []string{"inferred kinds", "email                email", "phone                phone",
				"\n  氏名" + strings.Repeat(" ", 17) + "person_name\n"}, // aligned: 氏名 takes 4 columns
		},
		{name: "columns empty in every row are assessed by their header names",
			csv:     "id,email,phone,notes\n1,,,\n2,,,\n",
			records: 2,
			fields:  map[string]counts{"email": {n(2), n(0)}, "phone": {n(2), n(0)}},
			rules: []rule{
				{"completeness:email", "completeness", 0, 2, 0, "fail"},
				{"completeness:phone", "completeness", 0, 2, 0, "fail"},
			},
			rows:       "record_id,score,reasons\n1,0.00,missing:email;missing:phone\n2,0.00,missing:email;missing:phone\n",
			wantScore0: true,
		},
		{name: "column names given with spaces around them",
			csv:     "id,email,updated_at\nA,a@example.jp,2025-01-01T00:00:00.5+09:00\n",
			args:    []string{"--id", " id ", "--field", " email =email", "--updated", " updated_at", "--max-age", "1d", "--now", "2025-04-01T00:00:00Z"},
			records: 1,
			fields:  map[string]counts{"email": {n(0), n(0)}, "updated_at": {n(0), n(0)}},
			rules:   []rule{{"timeliness:updated_at", "timeliness", 0, 1, 0, "fail"}},
			rows:    "record_id,score,reasons\nA,",
		},
		{name: "header-only file: a report of 0 records",
			csv:     "id,email\n",
			records: 0,
			fields:  map[string]counts{"email": {n(0), n(0)}},
			rows:    "record_id,score,reasons\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			jsonPath, rowsPath, htmlPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "rows.csv"), filepath.Join(dir, "r.html")
			code, stdout, stderr := runCLI(t, "", append([]string{"quality", "--input", writeFile(t, "in.csv", tt.csv), "--id", "id",
				"--json", jsonPath, "--rows", rowsPath, "--html", htmlPath}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.HasPrefix(stdout, "records ") {
				t.Errorf("standard output does not start with the summary:\n%s", stdout)
			}
			for _, w := range tt.stderrHas {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			b, err := os.ReadFile(jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			var rep report
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatalf("report is not JSON: %v", err)
			}
			if rep.Records == nil || *rep.Records != tt.records || rep.Score == nil || *rep.Score < 0 || *rep.Score > 100 ||
				rep.Dimensions == nil || rep.Fields == nil || rep.Rules == nil {
				t.Fatalf("report lacks records/score/dimensions/fields/rules or has them out of range:\n%s", b)
			}
			if tt.wantScore0 && *rep.Score != 0 {
				t.Errorf("score = %v, want 0", *rep.Score)
			}
			for d, s := range rep.Dimensions {
				if s < 0 || s > 100 {
					t.Errorf("dimension %s = %v, outside 0–100", d, s)
				}
			}
			if diff := cmp.Diff(tt.fields, rep.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			for _, want := range tt.rules {
				i := slices.IndexFunc(rep.Rules, func(r rule) bool { return r.Name == want.Name })
				if i < 0 {
					t.Errorf("no rule %s in %+v", want.Name, rep.Rules)
					continue
				}
				if diff := cmp.Diff(want, rep.Rules[i]); diff != "" {
					t.Errorf("rule (-want +got):\n%s", diff)
				}
			}
			rows, err := os.ReadFile(rowsPath)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(rows), tt.rows) || tt.rows == "record_id,score,reasons\n" && string(rows) != tt.rows {
				t.Errorf("rows.csv = %q, want it to start with %q", rows, tt.rows)
			}
			page, err := os.ReadFile(htmlPath)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(page), "<svg") || strings.Contains(string(page), "<script") || strings.Contains(string(page), "<link") {
				t.Error("HTML report is not a self-contained page with inline SVG")
			}
		})
	}
}

func TestAcceptanceQualityCommandLine(t *testing.T) {
	in := writeFile(t, "in.csv", "id,email\nA,a@example.jp\nB,b@example.jp\n")
	missingDir := filepath.Join(t.TempDir(), "no-such-dir")
	tests := []struct {
		name   string
		args   []string
		code   int
		errHas string
	}{
		{"--json into a directory that does not exist fails before any work", []string{"--json", filepath.Join(missingDir, "r.json")}, 1, "--json"},
		{"--rows into a directory that does not exist", []string{"--rows", filepath.Join(missingDir, "rows.csv")}, 1, "--rows"},
		{"--html into a directory that does not exist", []string{"--html", filepath.Join(missingDir, "r.html")}, 1, "--html"},
		{"missing input file", []string{"--input", filepath.Join(missingDir, "in.csv")}, 1, "no such file"},
		{"--help", []string{"--help"}, 0, "usage: c360 quality --input FILE.csv --id COLUMN"},
		{"nothing to assess: a clear error, not an invalid configuration", []string{"--field", "email=ignore"}, 1, "no column to assess"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", append([]string{"quality", "--input", in, "--id", "id"}, tt.args...)...)
			if tt.name == "--help" { // asked-for usage goes to standard output
				stdout, stderr = stderr, stdout
			}
			if code != tt.code || !strings.Contains(stderr, tt.errHas) {
				t.Errorf("exit %d, message %q; want exit %d and %q", code, stderr, tt.code, tt.errHas)
			}
			if stdout != "" {
				t.Errorf("wrote to the other stream:\n%s", stdout)
			}
		})
	}
}

func TestAcceptanceStandardInput(t *testing.T) {
	profiles := `{"id":"c1","kind":"person"}` + "\n" + `{"id":"c2","kind":"person"}` + "\n"
	events := "event_id,customer_id,type,channel,time,value\n1,c2,purchase,web,2026-01-01T00:00:00Z,5\n"
	pFile, eFile := writeFile(t, "p.jsonl", profiles), writeFile(t, "e.csv", events)
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		want   string
		errHas string
	}{
		{"rfm --events -", events, []string{"rfm", "--events", "-"}, 0,
			"customer_id,recency_days,frequency,monetary,r,f,m,cell\nc2,0.00,1,5,3,3,3,loyal\n", ""},
		{"segment --profiles -", profiles, []string{"segment", "--profiles", "-", "--events", eFile, "--expr", "count(purchase) = 1"}, 0, "c2\n", ""},
		{"segment --events -", events, []string{"segment", "--profiles", pFile, "--events", "-", "--expr", "count(purchase) = 0"}, 0, "c1\n", ""},
		{"segment: both from standard input", events, []string{"segment", "--profiles", "-", "--events", "-", "--expr", "x = 1"}, 2, "", "only one of"},
		{"funnel --events -", events, []string{"funnel", "--events", "-", "--steps", "purchase"}, 0, "", ""},
		{"quality --input -", "id,email\nA,a@example.jp\n", []string{"quality", "--input", "-", "--id", "id"}, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.errHas) {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.errHas)
			}
			if tt.want != "" {
				if diff := cmp.Diff(tt.want, stdout); diff != "" {
					t.Errorf("output (-want +got):\n%s", diff)
				}
			} else if code == 0 && stdout == "" {
				t.Error("nothing on standard output")
			}
		})
	}
}
