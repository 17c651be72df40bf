package server_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
	"github.com/c360/c360/server"
	"github.com/google/go-cmp/cmp"
)

// tokenAs makes a token for a principal with teams, holding scopes, and
// returns its secret.
func (f *fixture) tokenAs(principal intel.PrincipalID, teams []intel.TeamID, scopes ...server.Scope) string {
	f.t.Helper()
	secret, tok, err := server.NewToken(string(principal), scopes, time.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	tok.Principal, tok.Teams = principal, teams
	if err := f.tokens.Add(tok); err != nil {
		f.t.Fatal(err)
	}
	return secret
}

// as sends the next requests with secret's credential.
func (f *fixture) as(secret string) { f.auth = "Bearer " + secret }

func (f *fixture) collect(it server.IntelItem) server.IntelItem {
	f.t.Helper()
	b, err := json.Marshal(it)
	if err != nil {
		f.t.Fatal(err)
	}
	r := f.do("POST", "/v1/intel/items", "application/json", b)
	var got server.IntelItem
	f.decode(r, http.StatusCreated, &got)
	if loc := r.header.Get("Location"); loc != "/v1/intel/items/"+url.PathEscape(string(it.ID)) {
		f.t.Errorf("Location %q for item %s", loc, it.ID)
	}
	return got
}

func itemIDs(items []server.IntelItem) []intel.ID {
	out := []intel.ID{}
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

var day0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// intelItem is a valid customer-intelligence item linked to id.
func intelItem(id intel.ID, title string, days int, id2 customer.ID, vis server.IntelVisibility) server.IntelItem {
	return server.IntelItem{
		ID: id, Kind: intel.KindCustomer, Category: intel.CategoryServiceActivity, Source: intel.SourceSalesServiceLog,
		Title: title, Body: "店舗での問い合わせ: " + title, Tags: []string{"値上げ"}, Sentiment: -0.5, Confidence: 0.8,
		CapturedAt: day0.AddDate(0, 0, days), Links: server.IntelLinks{Customers: []customer.ID{id2}}, Visibility: vis,
	}
}

// TestIntelRoutes: items collected over HTTP are read back, searched and
// listed for a profile — each reader seeing exactly the items
// intel.Item.VisibleTo allows its principal, an admin token no more than
// its own principal — and the author is the writer's principal.
func TestIntelRoutes(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{})
	pa := f.upsert(person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")).Profile
	pb := f.upsert(person("sales", "S-2", "佐藤", "花子", "hanako@example.jp", "")).Profile
	admin := f.auth
	tanaka := f.tokenAs("tanaka", []intel.TeamID{"sales"}, server.ScopeRead, server.ScopeWrite)
	sato := f.tokenAs("sato", []intel.TeamID{"sales"}, server.ScopeRead)
	suzuki := f.tokenAs("suzuki", []intel.TeamID{"service"}, server.ScopeRead)
	anon := f.token(server.ScopeRead) // no principal: reads as "token:<id>"

	f.as(tanaka)
	org := f.collect(intelItem("I-org", "値上げへの不満", 1, pa, server.IntelVisibility{Scope: "org"}))
	team := f.collect(intelItem("I-team", "競合店の値上げ情報", 2, pa, server.IntelVisibility{Scope: "teams", Teams: []intel.TeamID{"sales"}}))
	priv := f.collect(intelItem("I-priv", "個人的なメモ 値上げ", 3, pa, server.IntelVisibility{}))
	f.collect(intelItem("I-other", "別の顧客の値上げ", 4, pb, server.IntelVisibility{Scope: "org"}))
	if org.Author != "tanaka" || org.Version != 1 || priv.Visibility.Scope != "private" {
		t.Errorf("stored item: author %q, version %d, scope %q; want tanaka, 1, private", org.Author, org.Version, priv.Visibility.Scope)
	}

	for _, tc := range []struct {
		name   string
		secret string
		linked []intel.ID // GET /v1/profiles/{pa}/intelligence, newest first
	}{
		{"author", tanaka, []intel.ID{"I-priv", "I-team", "I-org"}},
		{"same team", sato, []intel.ID{"I-team", "I-org"}},
		{"other team", suzuki, []intel.ID{"I-org"}},
		{"no principal", anon, []intel.ID{"I-org"}},
		{"admin widens nothing", strings.TrimPrefix(admin, "Bearer "), []intel.ID{"I-org"}},
	} {
		f.as(tc.secret)
		var got server.IntelligenceResponse
		f.decode(f.do("GET", "/v1/profiles/"+string(pa)+"/intelligence", "", nil), http.StatusOK, &got)
		if diff := cmp.Diff(tc.linked, itemIDs(got.Items)); diff != "" || got.Total != len(tc.linked) || got.Profile != pa {
			t.Errorf("%s: linked items (-want +got):\n%s total %d, profile %s", tc.name, diff, got.Total, got.Profile)
		}
		var res server.IntelResults
		f.decode(f.do("GET", "/v1/intel/search?q="+url.QueryEscape("値上げ customer:"+string(pa)), "", nil), http.StatusOK, &res)
		var hits []intel.ID
		for _, h := range res.Hits {
			hits = append(hits, h.Item.ID)
		}
		slices.Sort(hits)
		want := slices.Sorted(slices.Values(tc.linked))
		if diff := cmp.Diff(want, hits); diff != "" || res.Total != len(want) {
			t.Errorf("%s: search hits (-want +got):\n%s total %d", tc.name, diff, res.Total)
		}
		for _, id := range []intel.ID{"I-org", "I-team", "I-priv"} {
			r := f.do("GET", "/v1/intel/items/"+string(id), "", nil)
			if slices.Contains(tc.linked, id) {
				var it server.IntelItem
				f.decode(r, http.StatusOK, &it)
				if it.ID != id {
					t.Errorf("%s: GET %s answered %s", tc.name, id, it.ID)
				}
			} else {
				f.problem(r, http.StatusNotFound)
			}
		}
	}

	// The item read back is the item collected.
	f.as(tanaka)
	var got server.IntelItem
	f.decode(f.do("GET", "/v1/intel/items/I-team", "", nil), http.StatusOK, &got)
	if diff := cmp.Diff(team, got); diff != "" {
		t.Errorf("GET I-team (-collected +read):\n%s", diff)
	}
	// limit keeps the newest; total counts all; a snippet highlights the term.
	var page server.IntelligenceResponse
	f.decode(f.do("GET", "/v1/profiles/"+string(pa)+"/intelligence?limit=1", "", nil), http.StatusOK, &page)
	if diff := cmp.Diff([]intel.ID{"I-priv"}, itemIDs(page.Items)); diff != "" || page.Total != 3 {
		t.Errorf("limit=1 (-want +got):\n%s total %d, want 3", diff, page.Total)
	}
	var res server.IntelResults
	f.decode(f.do("GET", "/v1/intel/search?q=%E7%AB%B6%E5%90%88%E5%BA%97&limit=5", "", nil), http.StatusOK, &res)
	if len(res.Hits) != 1 || res.Hits[0].Item.ID != "I-team" || len(res.Hits[0].Title.Highlights) == 0 {
		t.Fatalf("search 競合店: %+v", res)
	}
	h := res.Hits[0].Title
	if s := h.Text[h.Highlights[0][0]:h.Highlights[0][1]]; !strings.Contains("競合店", s) {
		t.Errorf("highlight %q is not part of the query", s)
	}
	// An empty query lists the visible items, newest first.
	f.decode(f.do("GET", "/v1/intel/search", "", nil), http.StatusOK, &res)
	var all []intel.ID
	for _, h := range res.Hits {
		all = append(all, h.Item.ID)
	}
	if diff := cmp.Diff([]intel.ID{"I-other", "I-priv", "I-team", "I-org"}, all); diff != "" {
		t.Errorf("empty query (-want +got):\n%s", diff)
	}
	// Unknown profile and item.
	f.problem(f.do("GET", "/v1/profiles/Pnone/intelligence", "", nil), http.StatusNotFound)
	f.problem(f.do("GET", "/v1/intel/items/none", "", nil), http.StatusNotFound)
}

// TestIntelRefusals: the intelligence routes need a credential (401), read
// or write as the route says (403), each a problem detail.
func TestIntelRefusals(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{})
	pa := f.upsert(person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")).Profile
	body, _ := json.Marshal(intelItem("I-1", "値上げへの不満", 1, pa, server.IntelVisibility{Scope: "org"}))
	read := f.token(server.ScopeRead)
	write := f.token(server.ScopeWrite)
	writeKey := f.token(server.ScopeTrack)
	for _, tc := range []struct {
		name, auth, method, path string
		want                     int
	}{
		{"no credential collects", "", "POST", "/v1/intel/items", http.StatusUnauthorized},
		{"no credential reads", "", "GET", "/v1/intel/items/I-1", http.StatusUnauthorized},
		{"no credential searches", "", "GET", "/v1/intel/search?q=x", http.StatusUnauthorized},
		{"no credential lists", "", "GET", "/v1/profiles/" + string(pa) + "/intelligence", http.StatusUnauthorized},
		{"unknown token", "Bearer c360_nope", "GET", "/v1/intel/search", http.StatusUnauthorized},
		{"read token collects", "Bearer " + read, "POST", "/v1/intel/items", http.StatusForbidden},
		{"write token reads", "Bearer " + write, "GET", "/v1/intel/items/I-1", http.StatusForbidden},
		{"write token searches", "Bearer " + write, "GET", "/v1/intel/search", http.StatusForbidden},
		{"write token lists", "Bearer " + write, "GET", "/v1/profiles/" + string(pa) + "/intelligence", http.StatusForbidden},
		{"write key collects", "Bearer " + writeKey, "POST", "/v1/intel/items", http.StatusForbidden},
		{"write key searches", "Bearer " + writeKey, "GET", "/v1/intel/search", http.StatusForbidden},
	} {
		f.auth = tc.auth
		p := f.problem(f.do(tc.method, tc.path, "application/json", body), tc.want)
		if tc.want == http.StatusForbidden && !strings.Contains(p.Detail, "scope") {
			t.Errorf("%s: 403 detail %q does not name the scope", tc.name, p.Detail)
		}
	}
	// Nothing was collected.
	f.auth = "Bearer " + read
	var res server.IntelResults
	f.decode(f.do("GET", "/v1/intel/search", "", nil), http.StatusOK, &res)
	if res.Total != 0 {
		t.Errorf("refused requests stored items: %+v", res)
	}
	f.auth = "Bearer " + write
	f.decode(f.do("POST", "/v1/intel/items", "application/json", body), http.StatusCreated, nil)
}

// TestIntelBadRequests: malformed bodies and invalid items are 400 problems
// naming every field by its JSON path, a taken ID 409, a bad query the
// parameter; nothing refused is stored.
func TestIntelBadRequests(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{MaxBodyBytes: 4096})
	pa := f.upsert(person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")).Profile
	valid := intelItem("I-1", "値上げへの不満", 1, pa, server.IntelVisibility{Scope: "org"})
	vb, _ := json.Marshal(valid)
	for _, ct := range []string{"", "text/plain"} {
		f.problem(f.do("POST", "/v1/intel/items", ct, vb), http.StatusUnsupportedMediaType)
	}
	f.problem(f.do("POST", "/v1/intel/items", "application/json", []byte(`{"title":"`+strings.Repeat("x", 5000)+`"}`)), http.StatusRequestEntityTooLarge)

	edit := func(fn func(*server.IntelItem)) string {
		it := valid
		it.Links.Customers = slices.Clone(valid.Links.Customers)
		fn(&it)
		b, _ := json.Marshal(it)
		return string(b)
	}
	for _, tc := range []struct {
		name string
		body string
		want []server.FieldProblem // Detail not compared
	}{
		{"not JSON", `{"id":`, []server.FieldProblem{{Field: "(document)"}}},
		{"an array", `[1]`, []server.FieldProblem{{Field: "(document)"}}},
		{"wrong type", `{"id":"I-2","sentiment":"good"}`, []server.FieldProblem{{Field: "sentiment"}}},
		{"wrong type inside", `{"id":"I-2","links":{"customers":[7]}}`, []server.FieldProblem{{Field: "links.customers"}}},
		{"unknown field", `{"id":"I-2","titel":"x"}`, []server.FieldProblem{{Field: "titel"}}},
		{"missing fields", `{"id":"I-2"}`, []server.FieldProblem{
			{Record: "item I-2", Field: "kind"}, {Record: "item I-2", Field: "category"}, {Record: "item I-2", Field: "source"},
			{Record: "item I-2", Field: "title"}, {Record: "item I-2", Field: "captured_at"}}},
		{"no ID", edit(func(it *server.IntelItem) { it.ID = "" }), []server.FieldProblem{{Field: "id"}}},
		{"values out of range", edit(func(it *server.IntelItem) {
			it.Sentiment, it.Tags, it.Category = 2, []string{"a", "A"}, intel.CategoryCompetitorActivity
			it.References = []server.IntelReference{{URL: "ftp://x"}}
		}), []server.FieldProblem{
			{Record: "item I-1", Field: "category"}, {Record: "item I-1", Field: "tags[1]"},
			{Record: "item I-1", Field: "sentiment"}, {Record: "item I-1", Field: "references[0].url"}}},
		{"unknown enums", edit(func(it *server.IntelItem) {
			it.Visibility.Scope = "everyone"
			it.Grants = []server.IntelGrantee{{Kind: "robot", ID: "x"}}
			it.Survey = &server.IntelSurvey{Metric: "ces", Score: 3}
			it.Links.Customers = append(it.Links.Customers, "")
		}), []server.FieldProblem{
			{Field: "survey.metric"}, {Field: "visibility.scope"}, {Field: "grants[0].kind"},
			{Record: "item I-1", Field: "links.customers[1]"}}},
		{"another author", edit(func(it *server.IntelItem) { it.Author = "someone" }), []server.FieldProblem{{Field: "author"}}},
		{"a version", edit(func(it *server.IntelItem) { it.Version = 3 }), []server.FieldProblem{{Field: "version"}}},
		{"teams without a team", edit(func(it *server.IntelItem) { it.Visibility = server.IntelVisibility{Scope: "teams"} }),
			[]server.FieldProblem{{Record: "item I-1", Field: "visibility.teams"}}},
	} {
		p := f.problem(f.do("POST", "/v1/intel/items", "application/json", []byte(tc.body)), http.StatusBadRequest)
		if diff := cmp.Diff(tc.want, p.Errors, cmpIgnoreDetail); diff != "" {
			t.Errorf("%s: errors (-want +got):\n%s", tc.name, diff)
		}
		for _, e := range p.Errors {
			if e.Detail == "" {
				t.Errorf("%s: error without detail: %+v", tc.name, e)
			}
		}
	}
	var res server.IntelResults
	f.decode(f.do("GET", "/v1/intel/search", "", nil), http.StatusOK, &res)
	if res.Total != 0 {
		t.Errorf("refused items were stored: %+v", res)
	}
	// A taken ID is a conflict, and the first item stays.
	f.decode(f.do("POST", "/v1/intel/items", "application/json", vb), http.StatusCreated, nil)
	other := edit(func(it *server.IntelItem) { it.Title = "上書き" })
	f.problem(f.do("POST", "/v1/intel/items", "application/json", []byte(other)), http.StatusConflict)
	var back server.IntelItem
	f.decode(f.do("GET", "/v1/intel/items/I-1", "", nil), http.StatusOK, &back)
	if back.Title != valid.Title || back.Version != 1 {
		t.Errorf("after a refused overwrite: %q version %d", back.Title, back.Version)
	}

	for _, tc := range []struct{ path, param string }{
		{"/v1/intel/search?q=" + url.QueryEscape("kind:"), "q"},
		{"/v1/intel/search?q=" + url.QueryEscape("colour:red"), "q"},
		{"/v1/intel/search?q=a&q=b", "q"},
		{"/v1/intel/search?limit=0", "limit"},
		{"/v1/intel/search?limit=101", "limit"},
		{"/v1/profiles/" + string(pa) + "/intelligence?limit=x", "limit"},
		{"/v1/profiles/" + string(pa) + "/intelligence?limit=1001", "limit"},
	} {
		p := f.problem(f.do("GET", tc.path, "", nil), http.StatusBadRequest)
		if len(p.Errors) != 1 || p.Errors[0].Parameter != tc.param {
			t.Errorf("%s: errors %+v, want one naming %s", tc.path, p.Errors, tc.param)
		}
	}
}

// TestCredentialPrincipal: a token's principal, teams and roles reach the
// credential (token file and engine store alike); a token without them —
// an old token file — reads as "token:<id>" with no team or role.
func TestCredentialPrincipal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	set, _ := server.NewTokenSet()
	secret, tok, _ := server.NewToken("rep", []server.Scope{server.ScopeRead}, time.Now())
	tok.Principal, tok.Teams, tok.Roles = "tanaka", []intel.TeamID{"sales", "kanto"}, []intel.Role{"executive"}
	plain, old, _ := server.NewToken("old", []server.Scope{server.ScopeRead}, time.Now())
	for _, tk := range []server.Token{tok, old} {
		if err := set.Add(tk); err != nil {
			t.Fatal(err)
		}
	}
	if err := set.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := server.ReadTokenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st := c360.NewMemoryStore()
	stored := server.StoreTokens{Store: st}
	for _, tk := range []server.Token{tok, old} {
		if err := stored.Add(t.Context(), tk); err != nil {
			t.Fatal(err)
		}
	}
	for name, creds := range map[string]server.Credentials{"file": back, "store": stored} {
		for _, tc := range []struct {
			secret string
			want   intel.Principal
		}{
			{secret, intel.Principal{ID: "tanaka", Teams: []intel.TeamID{"sales", "kanto"}, Roles: []intel.Role{"executive"}}},
			{plain, intel.Principal{ID: intel.PrincipalID("token:" + old.ID)}},
		} {
			c, err := creds.Verify(t.Context(), tc.secret)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if diff := cmp.Diff(tc.want, c.IntelPrincipal()); diff != "" {
				t.Errorf("%s: principal (-want +got):\n%s", name, diff)
			}
		}
	}
	// An empty team or role is refused, naming the token.
	bad := tok
	bad.ID, bad.SHA256, bad.Teams = "bad", strings.Repeat("ab", 32), []intel.TeamID{"sales", ""}
	if _, err := server.NewTokenSet(bad); err == nil || !strings.Contains(err.Error(), "empty team") {
		t.Errorf("a token with an empty team: %v", err)
	}
	if p := (server.Credential{}).IntelPrincipal(); p.ID != "" {
		t.Errorf("the zero credential reads as %q, want no principal", p.ID)
	}
}

// TestConsoleIntelligence: the 360 view lists the newest 20 linked items
// the console user may see, with category, source, date, sentiment,
// snippet and tags, counts the rest, never shows an item the user may not
// see, and says so when there is none — in English and Japanese.
func TestConsoleIntelligence(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{})
	pa := f.upsert(person("sales", "S-1", "山田", "太郎", "taro@example.jp", "")).Profile
	pb := f.upsert(person("sales", "S-2", "佐藤", "花子", "hanako@example.jp", "")).Profile
	writer := f.tokenAs("tanaka", nil, server.ScopeWrite)
	reader := f.tokenAs("sato", []intel.TeamID{"service"}, server.ScopeRead)
	f.as(writer)
	for i := range 22 {
		it := intelItem(intel.ID(fmt.Sprintf("I-%02d", i)), fmt.Sprintf("問い合わせ %02d", i), i, pa, server.IntelVisibility{Scope: "org"})
		f.collect(it)
	}
	secret := intelItem("I-secret", "営業だけのメモ", 30, pa, server.IntelVisibility{Scope: "teams", Teams: []intel.TeamID{"sales"}})
	secret.Kind, secret.Category, secret.Source = intel.KindMarket, intel.CategoryCompetitorActivity, intel.SourceCompetitiveAnalysis
	f.collect(secret)
	long := intelItem("I-long", "長い報告", 25, pa, server.IntelVisibility{Scope: "teams", Teams: []intel.TeamID{"service"}})
	long.Body = strings.Repeat("あ", 100) + "\n\n" + strings.Repeat("い", 100)
	long.Sentiment, long.Tags = 0.75, []string{"返品", "VIP"}
	f.collect(long)

	b := newBrowser(f)
	b.do("POST", "/console/login", url.Values{"token": {reader}})
	code, _, body := b.do("GET", "/console/profiles/"+string(pa)+"?lang=en", nil)
	if code != http.StatusOK {
		t.Fatalf("360 view: %d\n%s", code, body)
	}
	body = html.UnescapeString(body)
	if n := strings.Count(body, `class="intel-item"`); n != 20 {
		t.Errorf("%d items shown, want 20", n)
	}
	for _, want := range []string{"Linked intelligence", "Only the items sato may see", "長い報告", "Service activity", "customer intelligence",
		"Sales and service log", "2026-03-26", "+0.75", `class="tag positive"`, "-0.50", `class="tag negative"`, "返品", "VIP",
		strings.Repeat("あ", 100) + " " + strings.Repeat("い", 19) + "…", "問い合わせ 21", "問い合わせ 03",
		"3 older items are not shown"} {
		if !strings.Contains(body, want) {
			t.Errorf("English 360 view lacks %q", want)
		}
	}
	for _, absent := range []string{"営業だけのメモ", "問い合わせ 02", strings.Repeat("い", 21)} {
		if strings.Contains(body, absent) {
			t.Errorf("English 360 view shows %q", absent)
		}
	}
	_, _, body = b.do("GET", "/console/profiles/"+string(pa)+"?lang=ja", nil)
	for _, want := range []string{"関連インテリジェンス", "サービス対応", "営業・サービス記録", "さらに古い項目が 3 件"} {
		if !strings.Contains(body, want) {
			t.Errorf("Japanese 360 view lacks %q", want)
		}
	}
	// A profile without items says so.
	_, _, body = b.do("GET", "/console/profiles/"+string(pb), nil)
	if !strings.Contains(body, `id="no-intel"`) || !strings.Contains(body, "閲覧できる関連インテリジェンスはありません") {
		t.Errorf("empty state (ja) missing")
	}
	_, _, body = b.do("GET", "/console/profiles/"+string(pb)+"?lang=en", nil)
	if !strings.Contains(body, "No linked intelligence you may see.") || strings.Contains(body, `class="intel-item"`) {
		t.Errorf("empty state (en) missing")
	}
}
