package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-multierror"
)

// TestFailStatus checks the status each kind of engine error is answered
// with, including those the HTTP tests cannot easily provoke (a conflict,
// a store failure).
func TestFailStatus(t *testing.T) {
	var logs bytes.Buffer
	h := &handler{log: slog.New(slog.NewJSONHandler(&logs, nil))}
	var multi *multierror.Error
	multi = multierror.Append(multi,
		&customer.FieldError{Record: "source s/1", Field: "system", Err: errors.New("required")},
		&customer.FieldError{Record: "source s/1", Field: "contact_points[0].value", Err: errors.New("not an e-mail address")})
	for _, tc := range []struct {
		name   string
		err    error
		status int
		fields []string
		detail string // a part of the detail; "" for any
	}{
		{"invalid, every field", fmt.Errorf("%w: %w", c360.ErrInvalid, multi.ErrorOrNil()), 400, []string{"system", "contact_points[0].value"}, ""},
		{"invalid without a field", fmt.Errorf("%w: match.threshold", c360.ErrInvalid), 400, nil, "match.threshold"},
		{"not found", fmt.Errorf("%w: profile P1", c360.ErrNotFound), 404, nil, "P1"},
		{"conflict", fmt.Errorf("%w: the records of P1 have all left P2", c360.ErrConflict), 409, nil, "left P2"},
		{"closed", c360.ErrClosed, 503, nil, "closed"},
		{"timeout", fmt.Errorf("store: %w", context.DeadlineExceeded), 503, nil, "out of time"},
		{"store failure", errors.New("pq: connection refused to 10.0.0.5"), 500, nil, "internal error"},
	} {
		w := httptest.NewRecorder()
		h.fail(w, httptest.NewRequest("GET", "/", nil), tc.err)
		if w.Code != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, w.Code, tc.status)
		}
		var p Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || w.Header().Get("Content-Type") != problemType {
			t.Fatalf("%s: body %s (%v), Content-Type %q", tc.name, w.Body, err, w.Header().Get("Content-Type"))
		}
		var fields []string
		for _, e := range p.Errors {
			fields = append(fields, e.Field)
		}
		if diff := cmp.Diff(tc.fields, fields); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s", tc.name, diff)
		}
		if !strings.Contains(p.Detail, tc.detail) {
			t.Errorf("%s: detail %q, want it to contain %q", tc.name, p.Detail, tc.detail)
		}
	}
	// A store failure's text goes to the log, not to the client.
	if !strings.Contains(logs.String(), "connection refused") {
		t.Errorf("store failure not logged: %s", logs.String())
	}
}

// TestRequestTimeout runs a request whose time is up before the engine
// reads: the answer is 503, not a hang or a 500.
func TestRequestTimeout(t *testing.T) {
	e, err := c360.Open(t.Context(), c360.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	secret, tok, _ := NewToken("t", []Scope{ScopeRead}, time.Now())
	tokens, _ := NewTokenSet(tok)
	srv := httptest.NewServer(New(e, Config{Credentials: tokens, RequestTimeout: 1, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/v1/profiles/P1", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", res.StatusCode)
	}
}

// FuzzUpsertBody posts arbitrary bodies: the answer is a profile update or
// a problem detail, never a panic or a 500.
func FuzzUpsertBody(f *testing.F) {
	for _, s := range []string{
		`{"system":"sales","record_id":"S-1","kind":"person","name":{"family":"山田","given":"太郎"}}`,
		`{"system":"sales","record_id":"S-1","contact_points":[{"type":"phone","value":"０３-1234-5678"}]}`,
		`{"system":"sales","record_id":"S-1","birth_date":"2026-02-30"}`,
		`{"system":"sales","record_id":"S-1","kind":7}`,
		`{"system":`, `[]`, `null`, ``, `"x"`,
	} {
		f.Add([]byte(s))
	}
	e, err := c360.Open(context.Background(), c360.Config{})
	if err != nil {
		f.Fatal(err)
	}
	defer e.Close()
	secret, tok, err := NewToken("fuzz", []Scope{ScopeWrite}, time.Now())
	if err != nil {
		f.Fatal(err)
	}
	tokens, err := NewTokenSet(tok)
	if err != nil {
		f.Fatal(err)
	}
	h := New(e, Config{Credentials: tokens, RateLimit: -1, MaxBodyBytes: 1 << 16, RequestTimeout: 2 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/v1/records", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK:
			var up Update
			if err := json.Unmarshal(w.Body.Bytes(), &up); err != nil || up.Profile == "" {
				t.Fatalf("200 with body %s (%v)", w.Body, err)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			var p Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != w.Code {
				t.Fatalf("%d with body %s (%v)", w.Code, w.Body, err)
			}
		default:
			t.Fatalf("status %d for body %q: %s", w.Code, body, w.Body)
		}
	})
}
