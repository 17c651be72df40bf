package server

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The metrics are written by hand in the Prometheus text exposition format
// (version 0.0.4): a handful of counters and one histogram family do not
// justify a dependency (the Prometheus client would pull about a dozen
// modules into the core module, which takes only the standard library).
//
//	c360_http_requests_total{route, status}            counter
//	c360_http_request_duration_seconds{route}          histogram
//	c360_engine_updates_total{outcome}                 counter: the outcomes of upserts, confirms and unmerges served
//	c360_tracked_events_total{result}                  counter: tracking API events (accepted, duplicate, rejected)
//	c360_go_goroutines, c360_go_heap_alloc_bytes       gauges
//
// route is the registered pattern ("GET /v1/profiles/{id}"), never the
// path, so that IDs do not make the label set grow without bound; a
// Server-Sent Events stream is counted as the pattern with " (stream)"
// appended, since its duration is how long the client stayed.

// durationBuckets are the histogram's upper bounds in seconds.
var durationBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type metrics struct {
	mu       sync.Mutex
	requests map[reqKey]uint64
	hist     map[string]*histogram
	outcomes map[string]uint64
	trackedN map[string]uint64
}

type reqKey struct {
	route  string
	status int
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[reqKey]uint64{}, hist: map[string]*histogram{}, outcomes: map[string]uint64{}, trackedN: map[string]uint64{}}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	s := d.Seconds()
	i, _ := slices.BinarySearch(durationBuckets, s)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[reqKey{route, status}]++
	h := m.hist[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(durationBuckets)+1)}
		m.hist[route] = h
	}
	h.counts[i]++
	h.sum += s
	h.count++
}

func (m *metrics) outcome(o string) {
	m.mu.Lock()
	m.outcomes[o]++
	m.mu.Unlock()
}

func (m *metrics) tracked(result string, n int) {
	if n == 0 {
		return
	}
	m.mu.Lock()
	m.trackedN[result] += uint64(n)
	m.mu.Unlock()
}

// write renders every metric, families and series in a stable order.
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	b.WriteString("# HELP c360_http_requests_total HTTP requests answered, by route pattern and status.\n")
	b.WriteString("# TYPE c360_http_requests_total counter\n")
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b reqKey) int {
		if c := strings.Compare(a.route, b.route); c != 0 {
			return c
		}
		return a.status - b.status
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "c360_http_requests_total{route=%s,status=\"%d\"} %d\n", labelValue(k.route), k.status, m.requests[k])
	}

	b.WriteString("# HELP c360_http_request_duration_seconds Time to answer a request, by route pattern.\n")
	b.WriteString("# TYPE c360_http_request_duration_seconds histogram\n")
	for _, route := range sortedKeys(m.hist) {
		h := m.hist[route]
		lv := labelValue(route)
		var cum uint64
		for i, le := range durationBuckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "c360_http_request_duration_seconds_bucket{route=%s,le=\"%s\"} %d\n", lv, strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		fmt.Fprintf(&b, "c360_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", lv, h.count)
		fmt.Fprintf(&b, "c360_http_request_duration_seconds_sum{route=%s} %s\n", lv, strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(&b, "c360_http_request_duration_seconds_count{route=%s} %d\n", lv, h.count)
	}

	b.WriteString("# HELP c360_engine_updates_total Engine updates served (upsert, confirm, unmerge), by outcome.\n")
	b.WriteString("# TYPE c360_engine_updates_total counter\n")
	for _, o := range sortedKeys(m.outcomes) {
		fmt.Fprintf(&b, "c360_engine_updates_total{outcome=%s} %d\n", labelValue(o), m.outcomes[o])
	}
	b.WriteString("# HELP c360_tracked_events_total Events received by the tracking API, by result.\n")
	b.WriteString("# TYPE c360_tracked_events_total counter\n")
	for _, o := range sortedKeys(m.trackedN) {
		fmt.Fprintf(&b, "c360_tracked_events_total{result=%s} %d\n", labelValue(o), m.trackedN[o])
	}

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.WriteString("# HELP c360_go_goroutines Goroutines that exist now.\n# TYPE c360_go_goroutines gauge\n")
	fmt.Fprintf(&b, "c360_go_goroutines %d\n", runtime.NumGoroutine())
	b.WriteString("# HELP c360_go_heap_alloc_bytes Bytes of allocated heap objects.\n# TYPE c360_go_heap_alloc_bytes gauge\n")
	fmt.Fprintf(&b, "c360_go_heap_alloc_bytes %d\n", ms.HeapAlloc)
	io.WriteString(w, b.String())
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// labelValue quotes a label value as the exposition format wants: within
// double quotes, backslash, double quote and line feed escaped.
func labelValue(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func (h *handler) serveMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	h.metrics.write(w)
}
