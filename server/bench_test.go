package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/server"
)

// benchServer serves an in-memory engine holding n people over loopback
// and returns its URL and their profile IDs.
func benchServer(b *testing.B, n int) (*httptest.Server, []string) {
	b.Helper()
	e, err := c360.Open(b.Context(), c360.Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	secret, tok, err := server.NewToken("bench", []server.Scope{server.ScopeAdmin}, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	tokens, err := server.NewTokenSet(tok)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(server.New(e, server.Config{Credentials: tokens, RateLimit: -1, TrackingSystem: "sales", Logger: slog.New(slog.DiscardHandler)}))
	b.Cleanup(srv.Close)
	srv.Config.Handler = bearer(secret, srv.Config.Handler)
	// The tracking API's userId names a source record of "sales" (TrackingSystem).
	ids := make([]string, n)
	for i := range n {
		up, err := e.Upsert(b.Context(), benchPerson("sales", i, "taro"))
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = string(up.Profile)
	}
	return srv, ids
}

// bearer adds the Authorization header to every request, as a client
// holding the token would.
func bearer(secret string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+secret)
		h.ServeHTTP(w, r)
	})
}

func benchGet(b *testing.B, c *http.Client, url string) {
	res, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d", url, res.StatusCode)
	}
}

var (
	benchFamilies = []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水"}
	benchGivens   = []string{"太郎", "花子", "一郎", "陽子", "健", "美咲", "翔太", "さくら", "大輔", "由美", "拓也", "恵", "直樹", "彩", "亮", "舞", "誠", "愛", "悠斗", "結衣", "蓮", "陽菜", "大翔", "葵", "湊"}
)

// benchPerson is the i-th of distinct people: a name of its own (20
// family × 25 given names, then the given name repeats with another
// family's), its own e-mail address and phone number.
func benchPerson(sys string, i int, local string) customer.SourceRecord {
	fam := benchFamilies[i%len(benchFamilies)]
	giv := benchGivens[(i/len(benchFamilies))%len(benchGivens)]
	return person(sys, fmt.Sprintf("%s-%d", sys, i), fam, giv, fmt.Sprintf("%s%d@example.jp", local, i), fmt.Sprintf("090-%04d-%04d", i/10000, i%10000))
}

// BenchmarkGetProfile is one client's GET /v1/profiles/{id} on loopback,
// one request at a time (the time per request is its latency).
func BenchmarkGetProfile(b *testing.B) {
	srv, ids := benchServer(b, 1000)
	c := srv.Client()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		benchGet(b, c, srv.URL+"/v1/profiles/"+ids[i%len(ids)])
		i++
	}
}

// BenchmarkSearchEmail is GET /v1/profiles?email=… in another notation
// than the one stored.
func BenchmarkSearchEmail(b *testing.B) {
	srv, ids := benchServer(b, 1000)
	c := srv.Client()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		benchGet(b, c, fmt.Sprintf("%s/v1/profiles?email=TARO%d%%40Example.jp", srv.URL, i%len(ids)))
		i++
	}
}

// BenchmarkUpsert is POST /v1/records of new people, one at a time.
func BenchmarkUpsert(b *testing.B) {
	const n = 1000
	srv, _ := benchServer(b, n)
	c := srv.Client()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		body, _ := json.Marshal(benchPerson("webshop", n+i, "hanako"))
		res, err := c.Post(srv.URL+"/v1/records", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("POST: %d", res.StatusCode)
		}
		i++
	}
}

// BenchmarkTrackBatch is POST /v1/batch of 100 page views of the 1,000
// people (userId = their source record), one batch at a time; events/s is
// reported beside ns/op (one op = one batch).
func BenchmarkTrackBatch(b *testing.B) {
	srv, _ := benchServer(b, 1000)
	c := srv.Client()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		var sb strings.Builder
		sb.WriteString(`{"batch":[`)
		for i := range 100 {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"type":"page","messageId":"b%d","userId":"sales-%d","name":"Product","properties":{"path":"/p/%d"}}`, n, n%1000, n%50)
			n++
		}
		sb.WriteString(`]}`)
		res, err := c.Post(srv.URL+"/v1/batch", "application/json", strings.NewReader(sb.String()))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("POST /v1/batch: %d", res.StatusCode)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkSearchName is GET /v1/profiles?name=… in kana: a scan of the
// 1,000 profiles.
func BenchmarkSearchName(b *testing.B) {
	srv, _ := benchServer(b, 1000)
	c := srv.Client()
	b.ReportAllocs()
	for b.Loop() {
		benchGet(b, c, srv.URL+"/v1/profiles?name=%E3%82%84%E3%81%BE%E3%81%A0") // やまだ
	}
}
