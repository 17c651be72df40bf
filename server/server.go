package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

// Config configures the handler. The zero Config is ready, and refuses
// every route but /healthz and /readyz until Credentials is set.
type Config struct {
	// Credentials verifies the credential of each request (a *TokenSet,
	// or a host's own). Nil means no credential is known: every route
	// but the health checks answers 401.
	Credentials Credentials `json:"-"`
	// RateLimit is the sustained number of requests per second one
	// credential may make (a token bucket per credential; over it, 429
	// with Retry-After). A write key (a credential with the track scope
	// only) is shared by every browser of a site, so its buckets are per
	// client address (the connection's, not X-Forwarded-For). Zero means
	// 100; negative means no limit.
	RateLimit float64 `json:"rate_limit,omitempty"`
	// RateBurst is how many requests a credential may make at once above
	// the sustained rate. Zero means twice RateLimit (at least 1).
	RateBurst int `json:"rate_burst,omitempty"`
	// MaxBodyBytes bounds a request body; a larger one is refused with 413.
	// Zero means 1 MiB (a source record is a few KiB).
	MaxBodyBytes int64 `json:"max_body_bytes,omitempty"`
	// RequestTimeout bounds the work of one request: the engine call runs
	// under a context with this deadline and a request that runs out of
	// time is answered 503. Zero means 30 seconds.
	RequestTimeout time.Duration `json:"request_timeout,omitempty"`
	// Logger receives one record per request. Nil means JSON lines on
	// standard error (slog.NewJSONHandler).
	Logger *slog.Logger `json:"-"`
	// LogPersonalData adds the request's path and query (which hold
	// profile IDs, e-mail addresses, phone numbers and names) to each
	// log record. False, the default, logs the route pattern only.
	LogPersonalData bool `json:"log_personal_data,omitempty"`
	// NameScanLimit bounds the profiles one name search reads (the
	// engine has no name index: GET /v1/profiles?name=… scans). A search
	// that reaches it answers what it found with "truncated": true. Zero
	// means 100,000.
	NameScanLimit int `json:"name_scan_limit,omitempty"`
	// TrackingSystem is the source system of the tracking API: userId is
	// the record ID of a person's source record in it (the identifier
	// "source:<system>"), anonymous identifies go to <system>-anonymous
	// and groups to <system>-group. Empty means "web".
	TrackingSystem string `json:"tracking_system,omitempty"`
	// EventTypes maps the event names of track messages to touchpoint
	// types, before the built-in names of Segment's semantic events
	// ("Order Completed" → online_purchase, …) and the name itself in
	// snake case. Nil: the built-in names only.
	EventTypes map[string]journey.Type `json:"event_types,omitempty"`
	// StreamHeartbeat is how often an idle stream of the change feed
	// (Server-Sent Events, see stream.go) sends a comment line to keep the
	// connection open, and how often it checks its credential again. Zero
	// means 15 seconds.
	StreamHeartbeat time.Duration `json:"stream_heartbeat,omitempty"`
	// IdentifyEventType is the type of the event that links an anonymous
	// ID to a person on identify and alias. Empty means journey.TypeLogin.
	IdentifyEventType journey.Type `json:"identify_event_type,omitempty"`
}

const (
	defaultMaxBody      = 1 << 20
	defaultTimeout      = 30 * time.Second
	defaultRate         = 100
	defaultScanLimit    = 100_000
	defaultNameLimit    = 20
	maxNameLimit        = 100
	defaultHeartbeat    = 15 * time.Second
	defaultChangesLimit = 100
	maxChangesLimit     = 1000
)

type handler struct {
	e         *c360.Engine
	creds     Credentials
	limits    *limiter
	maxBody   int64
	timeout   time.Duration
	heartbeat time.Duration
	log       *slog.Logger
	logPII    bool
	scanLimit int
	mux       *http.ServeMux
	routes    []route
	metrics   *metrics
	csrfKey   []byte

	system       string
	eventTypes   map[string]journey.Type
	identifyType journey.Type
}

// route is a registered pattern with the scope it needs. Public routes
// need no credential; cookie routes (the console) also accept the session
// cookie; stream routes also answer Accept: text/event-stream with
// Server-Sent Events (stream.go).
type route struct {
	pattern string
	scope   Scope
	public  bool
	cookie  bool
	stream  bool
}

// New returns the HTTP handler over e (see the package documentation for
// the routes). The handler does not close e.
func New(e *c360.Engine, cfg Config) http.Handler {
	h := &handler{
		e: e, creds: cfg.Credentials, maxBody: cfg.MaxBodyBytes, timeout: cfg.RequestTimeout,
		log: cfg.Logger, logPII: cfg.LogPersonalData, mux: http.NewServeMux(), metrics: newMetrics(),
		scanLimit: cfg.NameScanLimit, heartbeat: cfg.StreamHeartbeat,
	}
	if h.heartbeat <= 0 {
		h.heartbeat = defaultHeartbeat
	}
	if h.scanLimit <= 0 {
		h.scanLimit = defaultScanLimit
	}
	h.system, h.eventTypes, h.identifyType = cfg.TrackingSystem, cfg.EventTypes, cfg.IdentifyEventType
	if h.system == "" {
		h.system = "web"
	}
	if h.identifyType == "" {
		h.identifyType = journey.TypeLogin
	}
	if h.maxBody <= 0 {
		h.maxBody = defaultMaxBody
	}
	if h.timeout <= 0 {
		h.timeout = defaultTimeout
	}
	if h.log == nil {
		h.log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	rate, burst := cfg.RateLimit, cfg.RateBurst
	if rate == 0 {
		rate = defaultRate
	}
	if burst <= 0 {
		burst = int(2 * rate)
	}
	h.limits = newLimiter(rate, burst)

	h.handle(route{pattern: "GET /healthz", public: true}, h.healthz)
	h.handle(route{pattern: "GET /readyz", public: true}, h.readyz)
	h.handle(route{pattern: "GET /metrics", scope: ScopeAdmin}, h.serveMetrics)
	h.handle(route{pattern: "GET /v1/openapi.json"}, h.openapi)
	h.handle(route{pattern: "POST /v1/records", scope: ScopeWrite}, h.upsert)
	h.handle(route{pattern: "GET /v1/profiles/{id}", scope: ScopeRead}, h.profile)
	h.handle(route{pattern: "GET /v1/profiles", scope: ScopeRead}, h.lookup)
	h.handle(route{pattern: "POST /v1/profiles/{id}/unmerge", scope: ScopeWrite}, h.unmerge)
	h.handle(route{pattern: "GET /v1/reviews", scope: ScopeRead}, h.reviews)
	h.handle(route{pattern: "POST /v1/reviews/{id}/confirm", scope: ScopeWrite}, h.confirm)
	h.handle(route{pattern: "POST /v1/reviews/{id}/reject", scope: ScopeWrite}, h.reject)
	h.handle(route{pattern: "GET /v1/changes", scope: ScopeRead, stream: true}, h.changes)
	h.registerLive()
	h.registerPrivacy()
	h.registerIntel()
	h.registerTracking()
	h.registerConsole()
	return h
}

// handle registers a route behind authentication.
func (h *handler) handle(rt route, fn http.HandlerFunc) {
	h.routes = append(h.routes, rt)
	if rt.public {
		h.mux.HandleFunc(rt.pattern, fn)
		return
	}
	h.mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
		r, ok := h.authenticate(w, r, rt.scope)
		if !ok {
			return
		}
		fn(w, r)
	})
}

// ServeHTTP runs a request under the timeout, answers the mux's own 404 and
// 405 as problem details, counts and logs the request.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// A stream of the change feed outlives the timeout: it finds the
	// request's own context under untimedKey (stream.go).
	ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), untimedKey{}, r.Context()), h.timeout)
	defer cancel()
	r = r.WithContext(ctx)
	rw := &recorder{ResponseWriter: w, req: r}
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	h.mux.ServeHTTP(rw, r)
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	elapsed := time.Since(start)
	route := r.Pattern
	if route == "" {
		route = "unmatched"
	}
	if strings.HasPrefix(rw.Header().Get("Content-Type"), "text/event-stream") {
		// A stream lives as long as its client: counted apart, so that its
		// duration does not swamp the route's answers.
		route += " (stream)"
	}
	h.metrics.observe(route, rw.status, elapsed)
	level := slog.LevelInfo
	if rw.status >= 500 {
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("route", route),
		slog.Int("status", rw.status),
		slog.Int64("bytes", rw.bytes),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
	}
	if rw.credential != "" {
		attrs = append(attrs, slog.String("credential", rw.credential))
	}
	if h.logPII {
		attrs = append(attrs, slog.String("path", r.URL.Path), slog.String("query", r.URL.RawQuery))
	}
	h.log.LogAttrs(context.Background(), level, "request", attrs...)
}

// recorder notes the status and size of a response. When the mux itself
// answers (no route matched: 404, or a wrong method: 405), it replaces the
// mux's plain-text body with a problem detail.
type recorder struct {
	http.ResponseWriter
	req        *http.Request
	status     int
	bytes      int64
	swallow    bool
	credential string // the ID of the credential, once authenticated
}

func (w *recorder) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	if code >= 400 && w.req.Pattern == "" {
		hd := w.ResponseWriter.Header()
		hd.Del("Content-Type")
		body := problemBody(Problem{Status: code, Detail: unmatchedDetail(code, w.req)})
		hd.Set("Content-Type", problemType)
		hd.Set("Content-Length", strconv.Itoa(len(body)))
		w.ResponseWriter.WriteHeader(code)
		n, _ := w.ResponseWriter.Write(body)
		w.bytes += int64(n)
		w.swallow = true
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.swallow {
		return len(b), nil
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func unmatchedDetail(code int, r *http.Request) string {
	switch code {
	case http.StatusNotFound:
		return "no route for this path"
	case http.StatusMethodNotAllowed:
		return "method " + r.Method + " is not allowed here; see the Allow header"
	}
	return http.StatusText(code)
}

func (h *handler) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz reads through the engine to its store: a lookup of an ID that
// cannot exist answers ErrNotFound when the store works.
func (h *handler) readyz(w http.ResponseWriter, r *http.Request) {
	_, _, err := h.e.Profile(r.Context(), "\x00readyz")
	if err != nil && !errors.Is(err, c360.ErrNotFound) {
		writeProblem(w, Problem{Status: http.StatusServiceUnavailable, Detail: "the engine is not ready: " + publicError(err)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (h *handler) upsert(w http.ResponseWriter, r *http.Request) {
	body, ok := h.readJSON(w, r)
	if !ok {
		return
	}
	rec, err := customer.DecodeRecord(body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	up, err := h.e.Upsert(r.Context(), *rec)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.metrics.outcome(up.Outcome.String())
	writeJSON(w, http.StatusOK, newUpdate(up))
}

// readJSON checks the content type and size of a JSON body and reads it.
func (h *handler) readJSON(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeProblem(w, Problem{Status: http.StatusUnsupportedMediaType, Detail: "the body must be JSON, sent with Content-Type: application/json"})
		return nil, false
	}
	if r.ContentLength > h.maxBody {
		writeProblem(w, tooLarge(h.maxBody))
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			writeProblem(w, tooLarge(h.maxBody))
			return nil, false
		}
		h.fail(w, r, err)
		return nil, false
	}
	return body, true
}

func tooLarge(limit int64) Problem {
	return Problem{Status: http.StatusRequestEntityTooLarge, Detail: "the body is larger than the limit of " + strconv.FormatInt(limit, 10) + " bytes"}
}

func (h *handler) profile(w http.ResponseWriter, r *http.Request) {
	id := customer.ID(r.PathValue("id"))
	p, redirected, err := h.e.Profile(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	resp := ProfileResponse{Profile: p}
	if redirected {
		resp.RedirectedFrom = id
		w.Header().Set("Content-Location", "/v1/profiles/"+pathEscape(string(p.ID)))
	}
	writeJSON(w, http.StatusOK, resp)
}

// lookupParams are the query parameters GET /v1/profiles searches by, as
// Engine.Lookup's identifier schemes.
var lookupParams = []string{"email", "phone", "corporate_number", "name"}

func (h *handler) lookup(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := defaultNameLimit
	var ident customer.Identifier
	var errs []FieldProblem
	for _, name := range lookupParams {
		vs, ok := q[name]
		if !ok {
			continue
		}
		switch {
		case len(vs) != 1 || vs[0] == "":
			errs = append(errs, FieldProblem{Parameter: name, Detail: "give one non-empty value"})
		case ident.Scheme != "":
			errs = append(errs, FieldProblem{Parameter: name, Detail: "search by one of email, phone, corporate_number or name at a time (also given: " + ident.Scheme + ")"})
		default:
			ident = customer.Identifier{Scheme: name, Value: vs[0]}
		}
	}
	if ident.Scheme == "" && len(errs) == 0 {
		errs = append(errs, FieldProblem{Parameter: "email", Detail: "give email, phone, corporate_number or name to search by"})
	}
	if s, ok := q["limit"]; ok {
		v, err := strconv.Atoi(s[0])
		switch {
		case ident.Scheme != "name":
			errs = append(errs, FieldProblem{Parameter: "limit", Detail: "limit applies to a name search only"})
		case err != nil || v < 1 || v > maxNameLimit:
			errs = append(errs, FieldProblem{Parameter: "limit", Detail: "must be a whole number from 1 to " + strconv.Itoa(maxNameLimit)})
		default:
			limit = v
		}
	}
	if len(errs) > 0 {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "bad search parameters", Errors: errs})
		return
	}
	if ident.Scheme == "name" {
		res, err := h.searchNames(r.Context(), ident.Value, limit)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, res)
		return
	}
	ps, err := h.findIdentifier(r.Context(), ident)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	resp := Profiles{Profiles: ps}
	writeJSON(w, http.StatusOK, resp)
}

func (h *handler) unmerge(w http.ResponseWriter, r *http.Request) {
	up, err := h.e.Unmerge(r.Context(), customer.ID(r.PathValue("id")))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.metrics.outcome(up.Outcome.String())
	writeJSON(w, http.StatusOK, newUpdate(up))
}

func (h *handler) reviews(w http.ResponseWriter, r *http.Request) {
	items, err := h.e.Reviews(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	resp := Reviews{Reviews: make([]ReviewItem, len(items))}
	for i, it := range items {
		resp.Reviews[i] = newReviewItem(it)
	}
	writeJSON(w, http.StatusOK, resp)
}

func (h *handler) confirm(w http.ResponseWriter, r *http.Request) {
	up, err := h.e.Confirm(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.metrics.outcome(up.Outcome.String())
	writeJSON(w, http.StatusOK, newUpdate(up))
}

func (h *handler) reject(w http.ResponseWriter, r *http.Request) {
	if err := h.e.Reject(r.Context(), r.PathValue("id")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *handler) changes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var errs []FieldProblem
	var after uint64
	if s := q.Get("after"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			errs = append(errs, FieldProblem{Parameter: "after", Detail: "must be a cursor: a whole number ≥ 0 (the \"next\" of the previous page)"})
		}
		after = v
	}
	limit := defaultChangesLimit
	if s := q.Get("limit"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > maxChangesLimit {
			errs = append(errs, FieldProblem{Parameter: "limit", Detail: "must be a whole number from 1 to " + strconv.Itoa(maxChangesLimit)})
		}
		limit = v
	}
	var wait time.Duration
	if s := q.Get("wait"); s != "" {
		v, err := time.ParseDuration(s)
		if err != nil || v < 0 || v > h.timeout-time.Second {
			errs = append(errs, FieldProblem{Parameter: "wait", Detail: "must be a duration such as 20s, at most the request timeout less a second (" + (h.timeout - time.Second).String() + ")"})
		}
		wait = v
	}
	stream := wantsStream(r)
	if stream {
		if c, ok, p := lastEventID(r); p != nil {
			errs = append(errs, *p)
		} else if ok {
			after = uint64(c)
		}
	}
	if len(errs) > 0 {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "bad change feed parameters", Errors: errs})
		return
	}
	if stream {
		h.streamChanges(w, r, c360.Cursor(after))
		return
	}
	// Long polling: with wait, an empty page is not answered until a
	// change is committed or wait has passed. The engine has no
	// notification of commits, so the feed is read again every
	// changesPoll; a client sees a change at most that much later.
	deadline := time.Now().Add(wait)
	for {
		page := ChangesPage{Changes: []c360.Change{}, Next: c360.Cursor(after)}
		for c, err := range h.e.Changes(r.Context(), c360.Cursor(after)) {
			if err != nil {
				h.fail(w, r, err)
				return
			}
			if len(page.Changes) == limit {
				page.More = true
				break
			}
			page.Changes = append(page.Changes, c)
			page.Next = c.Cursor
		}
		left := time.Until(deadline)
		if len(page.Changes) > 0 || left <= 0 {
			writeJSON(w, http.StatusOK, page)
			return
		}
		select {
		case <-r.Context().Done():
			h.fail(w, r, r.Context().Err())
			return
		case <-time.After(min(left, changesPoll)):
		}
	}
}

// changesPoll is how often a long poll of the change feed reads it again.
const changesPoll = 200 * time.Millisecond
