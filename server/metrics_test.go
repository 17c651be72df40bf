package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/server"
)

// TestMetrics: /metrics counts requests by route pattern (not path) and
// status, with a latency histogram per route and the upsert outcomes.
func TestMetrics(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{})
	up := f.upsert(person("sales", "S-1", "山田", "太郎", "taro@example.jp", ""))
	f.upsert(person("webshop", "W-1", "山田", "太郎", "taro@example.jp", ""))
	f.decode(f.do("GET", "/v1/profiles/"+string(up.Profile), "", nil), http.StatusOK, nil)
	f.do("GET", "/v1/profiles/nobody", "", nil)
	f.do("GET", "/nowhere", "", nil)
	r := f.do("GET", "/metrics", "", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("metrics: %d %q", r.status, r.header.Get("Content-Type"))
	}
	body := string(r.body)
	for _, want := range []string{
		"# TYPE c360_http_requests_total counter\n",
		`c360_http_requests_total{route="POST /v1/records",status="200"} 2` + "\n",
		`c360_http_requests_total{route="GET /v1/profiles/{id}",status="200"} 1` + "\n",
		`c360_http_requests_total{route="GET /v1/profiles/{id}",status="404"} 1` + "\n",
		`c360_http_requests_total{route="unmatched",status="404"} 1` + "\n",
		"# TYPE c360_http_request_duration_seconds histogram\n",
		`c360_http_request_duration_seconds_bucket{route="GET /v1/profiles/{id}",le="+Inf"} 2` + "\n",
		`c360_http_request_duration_seconds_count{route="POST /v1/records"} 2` + "\n",
		`c360_engine_updates_total{outcome="created"} 1` + "\n",
		`c360_engine_updates_total{outcome="joined"} 1` + "\n",
		"c360_go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, string(up.Profile)) || strings.Contains(body, "nobody") {
		t.Errorf("a path (an ID) became a label:\n%s", body)
	}
	// Every line is a comment or "name{labels} value", and the buckets of
	// a histogram never decrease.
	var last int64 = -1
	for line := range strings.SplitSeq(strings.TrimSpace(body), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Errorf("line %q has no value", line)
			continue
		}
		if strings.Contains(line, `_bucket{route="POST /v1/records"`) {
			var n int64
			for _, c := range line[i+1:] {
				n = n*10 + int64(c-'0')
			}
			if n < last {
				t.Errorf("bucket %q below the one before (%d)", line, last)
			}
			last = n
		}
	}
}
