package server_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/server"
)

// browser is a client with a cookie jar that does not follow redirects,
// so that a test sees each answer.
type browser struct {
	t *testing.T
	c *http.Client
	f *fixture
}

func newBrowser(f *fixture) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: f.t, f: f, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values, header ...string) (int, http.Header, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequestWithContext(b.t.Context(), method, b.f.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	s, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(s)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestConsole walks the console as a person would: sent to the login form,
// logs in with a token, searches by name, opens the 360 view, confirms a
// review with the form's CSRF token; a form without it, or a session
// without the write scope, is refused.
func TestConsole(t *testing.T) {
	f := newFixture(t, c360.Config{Match: match.Config{Threshold: 0.99, ReviewThreshold: 0.9}}, server.Config{})
	acct := customer.SourceRecord{System: "sales", RecordID: "A-1"}
	acct.Kind = customer.KindAccount
	acct.LegalName = "株式会社山田商事"
	acctID := f.upsert(acct).Profile
	a := person("sales", "S-1", "山田", "太郎", "taro@example.jp", "03-1234-5678")
	a.Name.FamilyKana, a.Name.GivenKana = "ヤマダ", "タロウ"
	a.Links = []customer.Link{{Profile: acctID, Role: customer.RoleDecisionMaker, Title: "購買部長"}}
	aID := f.upsert(a).Profile
	if _, err := f.e.Track(t.Context(), journey.Event{ID: "e-1", CustomerID: aID, Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb,
		Time: time.Now().Add(-time.Hour), Value: journey.Money{Amount: 5000, Currency: "JPY"}, Campaign: "spring"}); err != nil {
		t.Fatal(err)
	}
	held := f.upsert(person("webshop", "W-1", "山田", "太郎", "other@example.jp", ""))
	if held.Outcome != "held" {
		t.Fatalf("want a review item: %+v", held)
	}
	b := newBrowser(f)

	code, hd, _ := b.do("GET", "/console/reviews", nil)
	if code != http.StatusSeeOther || hd.Get("Location") != "/console/login?next=%2Fconsole%2Freviews" {
		t.Fatalf("not logged in: %d %q, want 303 to the login form", code, hd.Get("Location"))
	}
	code, _, body := b.do("GET", "/console/login", nil, "Accept-Language", "en-US,en;q=0.9,ja;q=0.5")
	if code != http.StatusOK || !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Log in") {
		t.Fatalf("login form (English): %d\n%s", code, body)
	}
	code, _, body = b.do("POST", "/console/login", url.Values{"token": {"c360_wrong"}, "next": {"/console/"}})
	if code != http.StatusUnauthorized || !strings.Contains(body, "トークンが正しくありません") {
		t.Errorf("wrong token: %d", code)
	}
	// A login posted from another site is refused (login CSRF).
	if code, _, _ := b.do("POST", "/console/login", url.Values{"token": {strings.TrimPrefix(f.auth, "Bearer ")}}, "Origin", "https://evil.example"); code != http.StatusForbidden {
		t.Errorf("login from another origin: %d, want 403", code)
	}
	// An open redirect is not followed.
	code, hd, _ = b.do("POST", "/console/login", url.Values{"token": {strings.TrimPrefix(f.auth, "Bearer ")}, "next": {"//evil.example/"}})
	if code != http.StatusSeeOther || hd.Get("Location") != "/console/" {
		t.Fatalf("login: %d to %q, want 303 to /console/", code, hd.Get("Location"))
	}
	ck := hd.Get("Set-Cookie")
	for _, attr := range []string{"c360_session=", "HttpOnly", "SameSite=Strict", "Path=/console"} {
		if !strings.Contains(ck, attr) {
			t.Errorf("session cookie %q lacks %s", ck, attr)
		}
	}

	// Search by reading, in Japanese (the default without Accept-Language).
	code, hd, body = b.do("GET", "/console/?q="+url.QueryEscape("やまだ たろう"), nil)
	if code != http.StatusOK || !strings.Contains(body, `<html lang="ja">`) || !strings.Contains(body, "class=\"profile-link\"") {
		t.Fatalf("search: %d\n%s", code, body)
	}
	if csp := hd.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
	link := regexp.MustCompile(`href="(/console/profiles/[^"]+)"`).FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("no profile link:\n%s", body)
	}
	// Search by e-mail in another notation.
	_, _, body = b.do("GET", "/console/?q="+url.QueryEscape("TARO@Example.JP"), nil)
	if !strings.Contains(body, "メールアドレス") || !strings.Contains(body, link[1]) {
		t.Errorf("search by e-mail did not find the profile")
	}

	// The 360 view, switched to English.
	code, _, body = b.do("GET", html.UnescapeString(link[1])+"?lang=en", nil)
	if code != http.StatusOK {
		t.Fatalf("profile: %d\n%s", code, body)
	}
	for _, want := range []string{"山田 太郎", "ヤマダ", "taro@example.jp", "Consent (marketing)", "Data quality", "sales/S-1", "Where each value came from",
		"Lifecycle stage", "Timeline",
		"Accounts and buying roles", "decision_maker", "購買部長", string(acctID), "株式会社山田商事", "online_purchase", "spring", "5,000 JPY", "Next send decision", "may not send", "no_consent"} {
		if !strings.Contains(body, want) {
			t.Errorf("360 view lacks %q", want)
		}
	}
	// The choice is remembered.
	_, _, body = b.do("GET", "/console/reviews", nil)
	if !strings.Contains(body, "Match reviews") || !strings.Contains(body, "W-1") || !strings.Contains(body, "S-1") {
		t.Fatalf("review queue:\n%s", body)
	}
	m := csrfRE.FindStringSubmatch(body)
	action := regexp.MustCompile(`action="(/console/reviews/[^"]+/confirm)"`).FindStringSubmatch(body)
	if m == nil || action == nil {
		t.Fatalf("no confirm form:\n%s", body)
	}
	target := html.UnescapeString(action[1])
	// Without the CSRF token, or from another origin: refused.
	if code, _, _ := b.do("POST", target, url.Values{}); code != http.StatusForbidden {
		t.Errorf("confirm without CSRF: %d, want 403", code)
	}
	if code, _, _ := b.do("POST", target, url.Values{"csrf": {m[1]}}, "Origin", "https://evil.example"); code != http.StatusForbidden {
		t.Errorf("confirm from another origin: %d, want 403", code)
	}
	code, hd, _ = b.do("POST", target, url.Values{"csrf": {m[1]}})
	if code != http.StatusSeeOther || !strings.Contains(hd.Get("Location"), "done=confirmed") {
		t.Fatalf("confirm: %d %q", code, hd.Get("Location"))
	}
	_, _, body = b.do("GET", "/console/reviews?done=confirmed", nil)
	if !strings.Contains(body, "Merged.") || !strings.Contains(body, "No open reviews.") {
		t.Errorf("after confirm:\n%s", body)
	}
	var rs server.Reviews
	f.decode(f.do("GET", "/v1/reviews", "", nil), http.StatusOK, &rs)
	if len(rs.Reviews) != 0 {
		t.Errorf("the review is still open: %+v", rs)
	}

	// A read-only session cannot decide.
	f.upsert(person("service", "V-1", "山田", "太郎", "yamada@example.jp", ""))
	ro := newBrowser(f)
	ro.do("POST", "/console/login", url.Values{"token": {f.token(server.ScopeRead)}})
	_, _, body = ro.do("GET", "/console/reviews", nil)
	m = csrfRE.FindStringSubmatch(body)
	action = regexp.MustCompile(`action="(/console/reviews/[^"]+/reject)"`).FindStringSubmatch(body)
	if m == nil || action == nil {
		t.Fatalf("no reject form:\n%s", body)
	}
	if code, _, body := ro.do("POST", html.UnescapeString(action[1]), url.Values{"csrf": {m[1]}}); code != http.StatusForbidden || !strings.Contains(body, "&#34;write&#34;") {
		t.Errorf("read-only reject: %d\n%s", code, body)
	}
	// Log out forgets the session.
	ro.do("POST", "/console/logout", url.Values{"csrf": {m[1]}})
	if code, _, _ := ro.do("GET", "/console/", nil); code != http.StatusSeeOther {
		t.Errorf("after logout: %d, want 303 to login", code)
	}
	// The API does not take the console's cookie.
	req, _ := http.NewRequest("GET", f.srv.URL+"/v1/reviews", nil)
	req.AddCookie(&http.Cookie{Name: "c360_session", Value: strings.TrimPrefix(f.auth, "Bearer ")})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("API with the console cookie: %d, want 401", res.StatusCode)
	}
}

func TestConsoleMessagesComplete(t *testing.T) {
	for _, pair := range [][2]string{{"ja", "en"}, {"en", "ja"}} {
		for k := range server.ConsoleMessages(pair[0]) {
			if _, ok := server.ConsoleMessages(pair[1])[k]; !ok {
				t.Errorf("message %q is in %s, not in %s", k, pair[0], pair[1])
			}
		}
	}
}

// TestConsoleSearchKinds: the console reads a query as an e-mail address,
// a phone number, a corporate number or a name; input the engine cannot
// read is a 400 page, not a 500.
func TestConsoleSearchKinds(t *testing.T) {
	f := newFixture(t, c360.Config{}, server.Config{})
	f.upsert(person("sales", "S-1", "山田", "太郎", "taro@example.jp", "03-1234-5678"))
	b := newBrowser(f)
	b.do("POST", "/console/login", url.Values{"token": {strings.TrimPrefix(f.auth, "Bearer ")}})
	for _, tc := range []struct {
		q, by string
		found bool
	}{
		{"taro@example.jp", "e-mail address", true},
		{"+81 3-1234-5678", "phone number", true},
		{"０３（１２３４）５６７８", "phone number", true},
		{"1234567890123", "corporate number", false},
		{"山田", "name", true},
		{"Yamada Hanako", "name", false},
	} {
		code, _, body := b.do("GET", "/console/?lang=en&q="+url.QueryEscape(tc.q), nil)
		if code != http.StatusOK || !strings.Contains(body, "Searched by: "+tc.by) || strings.Contains(body, "profile-link") != tc.found {
			t.Errorf("%q: %d, want searched by %s, found %v", tc.q, code, tc.by, tc.found)
		}
	}
	if code, _, body := b.do("GET", "/console/?q="+url.QueryEscape("12-34-56"), nil); code == http.StatusInternalServerError {
		t.Errorf("a short number: 500\n%s", body)
	}
}
