package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/server"
)

func TestPrivacyRoutes(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{})
	rec := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "090-1111-2222")
	id := f.upsert(rec).Profile
	other := f.upsert(person("sales", "S-2", "佐藤", "花子", "hanako@example.jp", "")).Profile
	body := `{"reason":"APPI 開示・消去請求 #42"}`

	// Refusals: no credential, a write or read token, a bad body.
	admin := f.auth
	f.auth = ""
	f.problem(f.do("POST", "/v1/profiles/"+string(id)+"/erase", "application/json", []byte(body)), http.StatusUnauthorized)
	for _, s := range []server.Scope{server.ScopeRead, server.ScopeWrite, server.ScopeTrack} {
		f.auth = "Bearer " + f.token(s)
		p := f.problem(f.do("GET", "/v1/profiles/"+string(id)+"/export", "", nil), http.StatusForbidden)
		if !strings.Contains(p.Detail, "privacy") {
			t.Errorf("a %s token's refusal does not name the privacy scope: %q", s, p.Detail)
		}
	}
	f.auth = "Bearer " + f.token(server.ScopePrivacy)
	p := f.problem(f.do("POST", "/v1/profiles/"+string(id)+"/erase", "application/json", []byte(`{}`)), http.StatusBadRequest)
	if len(p.Errors) != 1 || p.Errors[0].Field != "reason" {
		t.Errorf("an erase without a reason: %+v, want the field reason named", p)
	}
	f.problem(f.do("POST", "/v1/profiles/"+string(id)+"/erase", "application/json", []byte(`{"reason":"x","surplus":1}`)), http.StatusBadRequest)
	f.problem(f.do("GET", "/v1/profiles/"+string(id)+"/export?format=pdf", "", nil), http.StatusBadRequest)
	f.problem(f.do("POST", "/v1/profiles/P-NOPE/erase", "application/json", []byte(body)), http.StatusNotFound)

	// Export, as JSON and as a readable page.
	r := f.do("GET", "/v1/profiles/"+string(id)+"/export", "", nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "taro@example.jp") {
		t.Fatalf("export: %d %.200s", r.status, r.body)
	}
	r = f.do("GET", "/v1/profiles/"+string(id)+"/export?format=html", "", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "山田") {
		t.Fatalf("export as HTML: %d %q %.200s", r.status, r.header.Get("Content-Type"), r.body)
	}

	// Restrict, then lift.
	var pr server.ProfileResponse
	f.decode(f.do("POST", "/v1/profiles/"+string(id)+"/restrict", "application/json", []byte(`{"reason":"dispute","purposes":["marketing"]}`)), http.StatusOK, &pr)
	if pr.Profile.Restriction == nil {
		t.Errorf("restrict answered a profile without a restriction")
	}
	var lifted server.ProfileResponse
	f.decode(f.do("POST", "/v1/profiles/"+string(id)+"/lift", "application/json", []byte(`{"reason":"resolved"}`)), http.StatusOK, &lifted)
	if lifted.Profile.Restriction != nil {
		t.Errorf("lift answered a profile still restricted: %+v", lifted.Profile.Restriction)
	}

	// Erase: the audit entry names who asked and why, the profile is gone,
	// the other person is untouched, and the same record again is refused.
	var er c360.Erasure
	f.decode(f.do("POST", "/v1/profiles/"+string(id)+"/erase", "application/json", []byte(body)), http.StatusOK, &er)
	if er.Profile != id || er.Reason != "APPI 開示・消去請求 #42" || !strings.Contains(er.Actor, "credential") || er.Removed["records"] != 1 {
		t.Errorf("erasure entry %+v", er)
	}
	f.auth = admin
	f.problem(f.do("GET", "/v1/profiles/"+string(id), "", nil), http.StatusNotFound)
	f.decode(f.do("GET", "/v1/profiles/"+string(other), "", nil), http.StatusOK, nil)
	if r := f.do("POST", "/v1/records", "application/json", mustJSON(t, rec)); r.status < 400 {
		t.Errorf("re-importing the erased person's record answered %d: %s", r.status, r.body)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
