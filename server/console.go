package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality"
)

// The console: server-rendered HTML (html/template, embedded; no script,
// no external asset, no build step) for service and sales staff, in
// Japanese and English.
//
//	GET  /console/login                 a form for the token (public)
//	POST /console/login                 keeps a valid token in the session cookie
//	POST /console/logout                forgets it
//	GET  /console/                      search a customer by name, e-mail, phone or corporate number (read)
//	GET  /console/profiles/{id}         the 360 view, with the linked intelligence the user may see (read)
//	GET  /console/reviews               the review queue, both records side by side (read)
//	POST /console/reviews/{id}/confirm  decide as a match (write)
//	POST /console/reviews/{id}/reject   decide as no match (write)
//
// The token entered once is kept in the cookie c360_session (HttpOnly,
// SameSite=Strict, Path=/console, Secure under TLS): the browser sends it
// to the console only and no script can read it. Each POST form carries a
// CSRF token, an HMAC of the session token under a key made when the
// handler is made, and a POST whose Origin header names another site is
// refused; SameSite=Strict already keeps the cookie off cross-site
// requests, the CSRF token covers browsers that ignore it.
//
// The language is the lang query parameter (ja or en, then remembered in
// the cookie c360_lang), else that cookie, else the first of ja and en in
// Accept-Language, else Japanese.

// sessionCookie holds the console's token.
const sessionCookie = "c360_session"

const langCookie = "c360_lang"

//go:embed console.tmpl
var consoleFS embed.FS

var consoleTmpl = template.Must(template.New("console.tmpl").Funcs(template.FuncMap{
	"time": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"money": formatMoney,
	"pct":   func(f Float) string { return strconv.FormatFloat(float64(f)*100, 'f', 1, 64) + "%" },
	"float": func(f Float) string { return strconv.FormatFloat(float64(f), 'f', 2, 64) },
	"path":  url.PathEscape,
	"side": func(t map[string]string, r *customer.SourceRecord, profile customer.ID) map[string]any {
		return map[string]any{"T": t, "R": r, "Profile": profile}
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02")
	},
	// label is the text of key prefix+v, or v itself when there is none
	// (a host's own category or source).
	"label": func(t map[string]string, prefix string, v any) string {
		s := fmt.Sprint(v)
		if l, ok := t[prefix+s]; ok {
			return l
		}
		return s
	},
	"snippet":   func(s string) string { return shortText(s, intelSnippetRunes) },
	"sentiment": func(f float64) string { return fmt.Sprintf("%+.2f", f) },
	"mood": func(f float64) string {
		switch {
		case f >= 0.25:
			return "positive"
		case f <= -0.25:
			return "negative"
		}
		return "neutral"
	},
	"keys": func(ks []customer.RecordKey) string {
		s := make([]string, len(ks))
		for i, k := range ks {
			s[i] = k.System + "/" + k.RecordID
		}
		return strings.Join(s, ", ")
	},
}).ParseFS(consoleFS, "console.tmpl"))

// formatMoney writes an amount in its currency's major unit with
// thousands separators: "12,800 JPY", "-12.50 USD".
func formatMoney(m journey.Money) string {
	if m.IsZero() {
		return ""
	}
	d := minorDigits(m.Currency)
	a := m.Amount
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	digits := strconv.FormatInt(a, 10)
	for len(digits) <= d {
		digits = "0" + digits
	}
	whole, frac := digits[:len(digits)-d], digits[len(digits)-d:]
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if d > 0 {
		b.WriteString("." + frac)
	}
	return sign + b.String() + " " + m.Currency
}

// page is what every console template gets.
type page struct {
	Lang  string
	T     map[string]string
	Path  string // the path, for the language toggle
	CSRF  string
	Cred  Credential
	Flash string
	Error string
	Data  any
}

func (h *handler) registerConsole() {
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		panic("server: no randomness for the console's CSRF key: " + err.Error())
	}
	h.csrfKey = key[:]
	h.consoleRoute("GET /console", "", func(w http.ResponseWriter, r *http.Request, _ *page) {
		http.Redirect(w, r, "/console/", http.StatusSeeOther)
	})
	h.consoleRoute("GET /console/login", "", h.consoleLoginForm)
	h.consoleRoute("POST /console/login", "", h.consoleLogin)
	h.consoleRoute("POST /console/logout", ScopeRead, h.consoleLogout)
	h.consoleRoute("GET /console/{$}", ScopeRead, h.consoleSearch)
	h.consoleRoute("GET /console/profiles/{id}", ScopeRead, h.consoleProfile)
	h.consoleRoute("GET /console/reviews", ScopeRead, h.consoleReviews)
	h.consoleRoute("POST /console/reviews/{id}/confirm", ScopeWrite, h.consoleDecide)
	h.consoleRoute("POST /console/reviews/{id}/reject", ScopeWrite, h.consoleDecide)
}

type consoleFunc func(w http.ResponseWriter, r *http.Request, pg *page)

// consoleRoute registers a console page. With a scope, the page needs the
// session cookie of a credential holding it: without one the browser is
// sent to the login form; a POST needs the CSRF token too.
func (h *handler) consoleRoute(pattern string, need Scope, fn consoleFunc) {
	h.routes = append(h.routes, route{pattern: pattern, scope: need, public: need == "", cookie: true})
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		w.Header().Set("Referrer-Policy", "no-referrer")
		pg := &page{Lang: h.consoleLang(w, r), Path: r.URL.Path}
		if r.Method != http.MethodGet {
			pg.Path = "/console/" // the language toggle is a GET
		}
		pg.T = messages[pg.Lang]
		if need == "" {
			fn(w, r, pg)
			return
		}
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			h.toLogin(w, r)
			return
		}
		cred, err := h.verify(r.Context(), c.Value)
		if errors.Is(err, ErrUnknownCredential) {
			h.toLogin(w, r)
			return
		}
		if err != nil {
			h.consoleError(w, r, pg, http.StatusServiceUnavailable, pg.T["err_unavailable"])
			return
		}
		if rec, ok := w.(*recorder); ok {
			rec.credential = cred.ID
		}
		pg.Cred = cred
		pg.CSRF = h.csrf(c.Value)
		if !cred.Has(need) {
			h.consoleError(w, r, pg, http.StatusForbidden, fmt.Sprintf(pg.T["err_scope"], need))
			return
		}
		if wait, ok := h.limits.take(cred.ID, time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
			h.consoleError(w, r, pg, http.StatusTooManyRequests, pg.T["err_rate"])
			return
		}
		if r.Method == http.MethodPost && !h.csrfOK(r, pg.CSRF) {
			h.consoleError(w, r, pg, http.StatusForbidden, pg.T["err_csrf"])
			return
		}
		fn(w, r, pg)
	})
}

func (h *handler) verify(ctx context.Context, secret string) (Credential, error) {
	if h.creds == nil || secret == "" {
		return Credential{}, ErrUnknownCredential
	}
	return h.creds.Verify(ctx, secret)
}

func (h *handler) toLogin(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Path
	if r.Method != http.MethodGet {
		next = "/console/"
	}
	http.Redirect(w, r, "/console/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// csrf is the CSRF token of a session: an HMAC of the session's secret.
func (h *handler) csrf(secret string) string {
	m := hmac.New(sha256.New, h.csrfKey)
	m.Write([]byte("c360 console csrf\x00"))
	m.Write([]byte(secret))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfOK checks a POST form's CSRF token, and its Origin when the browser
// sent one.
func (h *handler) csrfOK(r *http.Request, want string) bool {
	if !sameOrigin(r) {
		return false
	}
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	got := r.PostFormValue("csrf")
	return hmac.Equal([]byte(got), []byte(want))
}

// consoleLang picks the language and remembers an explicit choice.
func (h *handler) consoleLang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "ja" || l == "en" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/console", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteStrictMode, HttpOnly: true, Secure: secureRequest(r)})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "ja" || c.Value == "en") {
		return c.Value
	}
	return acceptLanguage(r.Header.Get("Accept-Language"))
}

// acceptLanguage returns "ja" or "en", whichever Accept-Language prefers
// (by q value, then order); "ja" when it names neither.
func acceptLanguage(header string) string {
	best, bestQ := "ja", -1.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if (base == "ja" || base == "en") && q > bestQ && q > 0 {
			best, bestQ = base, q
		}
	}
	return best
}

func (h *handler) render(w http.ResponseWriter, status int, name string, pg *page) {
	var buf bytes.Buffer
	if err := consoleTmpl.ExecuteTemplate(&buf, name, pg); err != nil {
		h.log.Error("console template", "template", name, "error", err.Error())
		http.Error(w, "internal error; the server's log has the cause", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *handler) consoleError(w http.ResponseWriter, r *http.Request, pg *page, status int, msg string) {
	pg.Error = msg
	h.render(w, status, "error", pg)
}

// consoleFail shows an engine error on a page, as fail does for the API.
func (h *handler) consoleFail(w http.ResponseWriter, r *http.Request, pg *page, err error) {
	switch {
	case errors.Is(err, c360.ErrInvalid), errors.Is(err, customer.ErrInvalid):
		h.consoleError(w, r, pg, http.StatusBadRequest, pg.T["err_invalid"]+" "+err.Error())
	case errors.Is(err, c360.ErrNotFound), errors.Is(err, customer.ErrNotFound):
		h.consoleError(w, r, pg, http.StatusNotFound, pg.T["err_notfound"])
	case errors.Is(err, c360.ErrConflict):
		h.consoleError(w, r, pg, http.StatusConflict, pg.T["err_conflict"])
	case errors.Is(err, c360.ErrClosed), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		h.consoleError(w, r, pg, http.StatusServiceUnavailable, pg.T["err_unavailable"])
	default:
		h.log.Error("internal error", "route", r.Pattern, "error", err.Error())
		h.consoleError(w, r, pg, http.StatusInternalServerError, pg.T["err_internal"])
	}
}

func (h *handler) consoleLoginForm(w http.ResponseWriter, r *http.Request, pg *page) {
	pg.Data = safeNext(r.URL.Query().Get("next"))
	h.render(w, http.StatusOK, "login", pg)
}

// safeNext keeps a redirect target inside the console.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/console/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/console/"
	}
	return next
}

// secureRequest reports whether the browser reached the console over
// HTTPS: directly, or through a proxy that says so. It decides the cookies'
// Secure attribute only; a lying header costs nothing but that.
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// sameOrigin reports whether a POST's Origin, when the browser sent one,
// is the console's own.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func (h *handler) consoleLogin(w http.ResponseWriter, r *http.Request, pg *page) {
	if !sameOrigin(r) {
		h.consoleError(w, r, pg, http.StatusForbidden, pg.T["err_csrf"])
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	secret := strings.TrimSpace(r.PostFormValue("token"))
	next := safeNext(r.PostFormValue("next"))
	pg.Data = next
	cred, err := h.verify(r.Context(), secret)
	if err != nil {
		pg.Error = pg.T["err_login"]
		h.render(w, http.StatusUnauthorized, "login", pg)
		return
	}
	if rec, ok := w.(*recorder); ok {
		rec.credential = cred.ID
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/console", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: secureRequest(r), MaxAge: 12 * 3600,
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *handler) consoleLogout(w http.ResponseWriter, r *http.Request, pg *page) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/console", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secureRequest(r), MaxAge: -1})
	http.Redirect(w, r, "/console/login", http.StatusSeeOther)
}

// searchView is the search page's data.
type searchView struct {
	Query     string
	By        string // the identifier scheme or "name"
	Results   []*customer.Profile
	Searched  bool
	Truncated bool
	Scanned   int
}

// identOf reads a console query as an identifier: an e-mail address when
// it holds @, a corporate number when it is 13 digits, a phone number when
// it is mostly digits, else a name.
func identOf(q string) string {
	digits, other := 0, 0
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９':
			digits++
		case strings.ContainsRune("+-‐－ー()（） 　", r):
		default:
			other++
		}
	}
	switch {
	case strings.ContainsAny(q, "@＠"):
		return "email"
	case digits == 13 && other == 0 && !strings.ContainsAny(q, "+-‐－ー()（）"):
		return "corporate_number"
	case digits >= 6 && other == 0:
		return "phone"
	}
	return "name"
}

func (h *handler) consoleSearch(w http.ResponseWriter, r *http.Request, pg *page) {
	v := searchView{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if v.Query != "" {
		v.Searched = true
		v.By = identOf(v.Query)
		if v.By == "name" {
			res, err := h.searchNames(r.Context(), v.Query, maxNameLimit)
			if err != nil {
				h.consoleFail(w, r, pg, err)
				return
			}
			v.Results, v.Truncated, v.Scanned = res.Profiles, res.Truncated, res.Scanned
		} else {
			ps, err := h.findIdentifier(r.Context(), customer.Identifier{Scheme: v.By, Value: v.Query})
			if err != nil {
				h.consoleFail(w, r, pg, err)
				return
			}
			v.Results = ps
		}
	}
	pg.Data = v
	h.render(w, http.StatusOK, "search", pg)
}

// profileView is the 360 view's data.
type profileView struct {
	P              *customer.Profile
	RedirectedFrom customer.ID
	Contacts       []contactView
	Quality        *quality.RecordResult
	QualityError   string
	Stage          journey.StageState
	Segments       []string
	Timeline       []journey.Event // the latest consoleTimeline, newest first
	MoreEvents     int             // how many older ones are not shown
	Decisions      []channelDecision
	LiveError      string
	// LinkNames are the display names of the linked profiles.
	LinkNames map[customer.ID]string
	// Intel is the newest consoleIntel of the intelligence items linked
	// to the profile that the console user may see (Engine.Intelligence as
	// the credential's IntelPrincipal); MoreIntel counts the older ones.
	Intel      []*intel.Item
	MoreIntel  int
	IntelAs    intel.PrincipalID
	IntelError string
}

// consoleIntel is how many intelligence items the 360 view shows.
const consoleIntel = 20

// intelSnippetRunes is how much of an item's body the 360 view shows.
const intelSnippetRunes = 120

// channelDecision is the send gate's answer for marketing on one channel.
type channelDecision struct {
	Channel customer.Channel
	journey.Decision
}

// consoleTimeline is how many touchpoints the 360 view shows.
const consoleTimeline = 50

type contactView struct {
	customer.ContactPoint
	Consent string // opt_in, opt_out or unknown, for marketing on the point's channel
	Stale   bool
	From    string // the source records it came from
}

// contactStaleAfter is how long a contact point's verification stays
// fresh in the 360 view: quality.ProfileConfig's default.
const contactStaleAfter = 2 * 365 * 24 * time.Hour

func (h *handler) consoleProfile(w http.ResponseWriter, r *http.Request, pg *page) {
	id := customer.ID(r.PathValue("id"))
	p, redirected, err := h.e.Profile(r.Context(), id)
	if err != nil {
		h.consoleFail(w, r, pg, err)
		return
	}
	now := time.Now()
	v := profileView{P: p}
	if redirected {
		v.RedirectedFrom = id
	}
	for _, cp := range p.ContactPoints {
		cv := contactView{ContactPoint: cp, Stale: cp.Stale(now, contactStaleAfter)}
		cv.Consent = p.ConsentStatus(cp.Type.Channel(), customer.PurposeMarketing, cp.Value, now).String()
		for _, pr := range p.Provenance {
			if strings.HasPrefix(pr.Field, "contact_points[") && pr.Value == cp.Value {
				ks := make([]string, len(pr.From))
				for i, k := range pr.From {
					ks[i] = k.System + "/" + k.RecordID
				}
				cv.From = strings.Join(ks, ", ")
			}
		}
		v.Contacts = append(v.Contacts, cv)
	}
	qe, err := quality.New(quality.Config{Rules: quality.ProfileRules(quality.ProfileConfig{}), Now: now})
	if err == nil {
		var as *quality.Assessment
		as, err = qe.Assess(r.Context(), []quality.Record{quality.ProfileRecord(p)})
		if err == nil {
			res := as.Record(0)
			v.Quality = &res
		}
	}
	if err != nil {
		v.QualityError = err.Error()
	}
	v.LinkNames = map[customer.ID]string{}
	for _, l := range p.Links {
		if lp, err := h.e.Get(r.Context(), l.Profile); err == nil {
			v.LinkNames[l.Profile] = lp.DisplayName()
		}
	}
	if err := h.liveView(r.Context(), &v); err != nil {
		if r.Context().Err() != nil {
			h.consoleFail(w, r, pg, err)
			return
		}
		h.log.Error("console live view", "error", err.Error())
		v.LiveError = pg.T["err_internal"]
	}
	if err := h.intelView(r.Context(), pg.Cred, &v); err != nil {
		if r.Context().Err() != nil {
			h.consoleFail(w, r, pg, err)
			return
		}
		h.log.Error("console intelligence", "error", err.Error())
		v.IntelError = pg.T["err_internal"]
	}
	pg.Data = v
	h.render(w, http.StatusOK, "profile", pg)
}

// liveView fills the live part of the 360 view: stage, segments, the
// latest touchpoints and the next send decision for marketing on each
// contact channel the profile has.
func (h *handler) liveView(ctx context.Context, v *profileView) error {
	id := v.P.ID
	var err error
	if v.Stage, err = h.e.Stage(ctx, id); err != nil {
		return err
	}
	if v.Segments, err = h.e.Segments(ctx, id); err != nil {
		return err
	}
	evs, err := h.e.Timeline(ctx, id, time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	slices.Reverse(evs)
	if len(evs) > consoleTimeline {
		v.MoreEvents = len(evs) - consoleTimeline
		evs = evs[:consoleTimeline]
	}
	v.Timeline = evs
	var seen []customer.Channel
	for _, cp := range v.P.ContactPoints {
		ch := cp.Type.Channel()
		if ch == "" || slices.Contains(seen, ch) {
			continue
		}
		seen = append(seen, ch)
		d, err := h.e.Decide(ctx, journey.Request{Customer: id, Channel: ch, Purpose: customer.PurposeMarketing})
		if err != nil {
			return err
		}
		v.Decisions = append(v.Decisions, channelDecision{Channel: ch, Decision: d})
	}
	return nil
}

// intelView fills the linked intelligence of the 360 view: the items
// linked to the profile (or an ID merged into it) that the credential's
// principal may see, newest first, at most consoleIntel of them.
func (h *handler) intelView(ctx context.Context, cred Credential, v *profileView) error {
	p := cred.IntelPrincipal()
	v.IntelAs = p.ID
	items, err := h.e.Intelligence(ctx, p, v.P.ID)
	if err != nil {
		return err
	}
	if len(items) > consoleIntel {
		v.MoreIntel = len(items) - consoleIntel
		items = items[:consoleIntel]
	}
	v.Intel = items
	return nil
}

func (h *handler) consoleReviews(w http.ResponseWriter, r *http.Request, pg *page) {
	items, err := h.e.Reviews(r.Context())
	if err != nil {
		h.consoleFail(w, r, pg, err)
		return
	}
	out := make([]ReviewItem, len(items))
	for i, it := range items {
		out[i] = newReviewItem(it)
	}
	switch r.URL.Query().Get("done") {
	case "confirmed":
		pg.Flash = pg.T["flash_confirmed"]
	case "rejected":
		pg.Flash = pg.T["flash_rejected"]
	}
	pg.Data = out
	h.render(w, http.StatusOK, "reviews", pg)
}

func (h *handler) consoleDecide(w http.ResponseWriter, r *http.Request, pg *page) {
	id := r.PathValue("id")
	done := "rejected"
	var err error
	if strings.HasSuffix(r.URL.Path, "/confirm") {
		done = "confirmed"
		var up c360.Update
		up, err = h.e.Confirm(r.Context(), id)
		if err == nil {
			h.metrics.outcome(up.Outcome.String())
		}
	} else {
		err = h.e.Reject(r.Context(), id)
	}
	if err != nil {
		h.consoleFail(w, r, pg, err)
		return
	}
	http.Redirect(w, r, "/console/reviews?done="+done, http.StatusSeeOther)
}

// findIdentifier returns the current profiles holding an identifier, in
// the order of Engine.Lookup, each once.
func (h *handler) findIdentifier(ctx context.Context, ident customer.Identifier) ([]*customer.Profile, error) {
	ids, err := h.e.Lookup(ctx, ident)
	if err != nil {
		return nil, err
	}
	out := []*customer.Profile{}
	for _, id := range ids {
		// A merge between Lookup and this read redirects id: Get follows it.
		p, err := h.e.Get(ctx, id)
		if errors.Is(err, c360.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(out, func(q *customer.Profile) bool { return q.ID == p.ID }) {
			out = append(out, p)
		}
	}
	return out, nil
}
