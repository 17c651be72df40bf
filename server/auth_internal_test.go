package server

import (
	"net/http/httptest"
	"testing"
	"time"
)

// TestLimitKey: a write key's bucket is per client address (every browser
// of a site shares the key); any other credential has one bucket.
func TestLimitKey(t *testing.T) {
	a := httptest.NewRequest("POST", "/v1/batch", nil)
	a.RemoteAddr = "203.0.113.1:5000"
	b := httptest.NewRequest("POST", "/v1/batch", nil)
	b.RemoteAddr = "203.0.113.2:5001"
	key := Credential{ID: "k", Scopes: []Scope{ScopeTrack}}
	tok := Credential{ID: "t", Scopes: []Scope{ScopeRead, ScopeTrack}}
	if limitKey(key, a) == limitKey(key, b) {
		t.Errorf("a write key from two addresses shares a bucket")
	}
	if limitKey(tok, a) != limitKey(tok, b) {
		t.Errorf("a token's bucket depends on the address")
	}
	l := newLimiter(1, 2)
	now := time.Unix(0, 0)
	for i := range 2 {
		if _, ok := l.take(limitKey(key, a), now); !ok {
			t.Fatalf("take %d within the burst refused", i)
		}
	}
	if wait, ok := l.take(limitKey(key, a), now); ok || wait != time.Second {
		t.Errorf("over the burst: ok %v, wait %v; want refused, 1s", ok, wait)
	}
	if _, ok := l.take(limitKey(key, b), now); !ok {
		t.Errorf("another address was held back")
	}
	if _, ok := l.take(limitKey(key, a), now.Add(time.Second)); !ok {
		t.Errorf("a second later a token is back")
	}
}
