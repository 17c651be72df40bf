package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360"
)

// FuzzTrackingBatch posts arbitrary bodies to /v1/batch and /v1/track: the
// answer is a TrackResult (200) or a problem detail (400), never a panic or
// a 500.
func FuzzTrackingBatch(f *testing.F) {
	for _, s := range []string{
		`{"batch":[{"type":"identify","messageId":"1","userId":"u","traits":{"name":"山田 太郎","email":"t@example.jp","address":{"city":"渋谷区"}}}]}`,
		`{"batch":[{"type":"track","messageId":"2","userId":7,"event":"Order Completed","properties":{"revenue":"12.5","currency":"usd"}}],"sentAt":"2026-01-01T00:00:00Z"}`,
		`{"batch":[{"type":"page","anonymousId":"a","timestamp":"2026-01-01T00:00:00.123+09:00","context":{"campaign":{"name":"x"},"app":{}}}]}`,
		`{"batch":[{"type":"group","userId":"u","groupId":"g","traits":{"name":"株式会社X","employees":12}}]}`,
		`{"batch":[{"type":"alias","previousId":"a","userId":"u"}]}`,
		`{"batch":[{"type":"screen","userId":null,"anonymousId":1e400}]}`,
		`{"messageId":"3","userId":"u","event":"Signed In","properties":{"revenue":1e308,"currency":"JPY"}}`,
		`{"batch":[{}]}`, `{"batch":null}`, `[]`, `{"batch":`, ``,
	} {
		f.Add([]byte(s))
	}
	e, err := c360.Open(context.Background(), c360.Config{})
	if err != nil {
		f.Fatal(err)
	}
	defer e.Close()
	secret, tok, err := NewToken("fuzz", []Scope{ScopeTrack}, time.Now())
	if err != nil {
		f.Fatal(err)
	}
	tokens, err := NewTokenSet(tok)
	if err != nil {
		f.Fatal(err)
	}
	h := New(e, Config{Credentials: tokens, RateLimit: -1, RequestTimeout: 5 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, path := range []string{"/v1/batch", "/v1/track"} {
			req := httptest.NewRequest("POST", path, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.SetBasicAuth(secret, "")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			switch w.Code {
			case http.StatusOK:
				var r TrackResult
				if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil || !r.Success {
					t.Fatalf("%s: 200 with body %s (%v)", path, w.Body, err)
				}
			case http.StatusBadRequest:
				var p Problem
				if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != 400 {
					t.Fatalf("%s: 400 with body %s (%v)", path, w.Body, err)
				}
			default:
				t.Fatalf("%s: status %d for body %q: %s", path, w.Code, body, w.Body)
			}
		}
	})
}

// FuzzNameQuery: any query and any name parse and match without a panic,
// and a name always finds itself.
func FuzzNameQuery(f *testing.F) {
	for _, s := range []string{"山田 太郎", "やまだ", "ﾔﾏﾀﾞ", "Satō", "jun'ichi", "株式会社ABC", "　", "\xff", "ッッ", "キャ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := parseNameQuery(s)
		var fm nameForms
		addForm(&fm.text, textKey(strings.ToValidUTF8(s, "\uFFFD")))
		if r := q.match(fm); fm.text != nil && q.whole.text != "" && r == 0 {
			t.Errorf("%q does not find itself (query key %q, name key %q)", s, q.whole.text, fm.text[0])
		}
	})
}
