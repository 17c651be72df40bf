package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
)

// The engine's intelligence over HTTP (Engine.Intel, Engine.Intelligence):
//
//	POST /v1/intel/items                  write  collect an item → 201 IntelItem
//	GET  /v1/intel/items/{id}             read   one item → IntelItem
//	GET  /v1/intel/search?q=…&limit=N     read   ranked search (intel.ParseQuery) → IntelResults
//	GET  /v1/profiles/{id}/intelligence   read   items linked to the profile → IntelligenceResponse
//
// Every call acts as the credential's intel.Principal
// (Credential.IntelPrincipal): an item is collected with it as author, and
// every read returns only the items intel.Item.VisibleTo allows it — an
// item it may not see answers 404, as one that does not exist. Scopes
// decide the routes, never the items.

// IntelItem is an intelligence item (intel.Item) in the API's JSON. The
// enums are names: visibility.scope private (the default), org, teams or
// people; grants[].kind person, team or role; survey.metric nps or csat.
// On POST, author may be left out (it is the credential's principal; any
// other is refused) and version must be (it is the stored version).
type IntelItem struct {
	ID         intel.ID          `json:"id"`
	Kind       intel.Kind        `json:"kind"`
	Category   intel.Category    `json:"category"`
	Source     intel.Source      `json:"source"`
	Title      string            `json:"title"`
	Body       string            `json:"body,omitempty"`
	Tags       []string          `json:"tags,omitempty"`
	Links      IntelLinks        `json:"links,omitzero"`
	Sentiment  float64           `json:"sentiment"`
	Confidence float64           `json:"confidence"`
	Author     intel.PrincipalID `json:"author,omitempty"`
	CapturedAt time.Time         `json:"captured_at"`
	References []IntelReference  `json:"references,omitempty"`
	Survey     *IntelSurvey      `json:"survey,omitempty"`
	Visibility IntelVisibility   `json:"visibility,omitzero"`
	Grants     []IntelGrantee    `json:"grants,omitempty"`
	Version    int64             `json:"version,omitempty"`
}

// IntelLinks ties an item to customers, accounts and competitors
// (intel.Links).
type IntelLinks struct {
	Customers   []customer.ID `json:"customers,omitempty"`
	Accounts    []customer.ID `json:"accounts,omitempty"`
	Competitors []string      `json:"competitors,omitempty"`
}

// IntelReference is a URL or document an item cites (intel.Reference).
type IntelReference struct {
	Title    string `json:"title,omitempty"`
	URL      string `json:"url,omitempty"`
	Document string `json:"document,omitempty"`
}

// IntelSurvey is a survey answer (intel.SurveyAnswer); Metric is nps or
// csat.
type IntelSurvey struct {
	Metric     string      `json:"metric"`
	Score      int         `json:"score"`
	Segment    string      `json:"segment,omitempty"`
	Respondent customer.ID `json:"respondent,omitempty"`
}

// IntelVisibility is an item's base audience (intel.Visibility); Scope is
// private (also when empty), org, teams or people.
type IntelVisibility struct {
	Scope  string              `json:"scope,omitempty"`
	Teams  []intel.TeamID      `json:"teams,omitempty"`
	People []intel.PrincipalID `json:"people,omitempty"`
}

// IntelGrantee is an extra reader of an item (intel.Grantee); Kind is
// person, team or role.
type IntelGrantee struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// IntelResults is the body of GET /v1/intel/search: the best hits the
// credential may see, best first, and how many visible items match.
type IntelResults struct {
	Total int        `json:"total"`
	Hits  []IntelHit `json:"hits"`
}

// IntelHit is one ranked item (intel.Hit) with snippets of its title and
// body.
type IntelHit struct {
	Item    IntelItem    `json:"item"`
	Score   Float        `json:"score"`
	Title   IntelSnippet `json:"title"`
	Snippet IntelSnippet `json:"snippet"`
}

// IntelSnippet is a piece of normalised text with the spans that matched
// (intel.Snippet). Highlights are [start, end) byte offsets into the
// UTF-8 of Text; Before and After say whether the text was cut there.
type IntelSnippet struct {
	Text       string   `json:"text"`
	Highlights [][2]int `json:"highlights,omitempty"`
	Before     bool     `json:"before,omitempty"`
	After      bool     `json:"after,omitempty"`
}

// IntelligenceResponse is the body of GET /v1/profiles/{id}/intelligence:
// the items the credential may see linked to the profile or to an ID
// merged into it, newest first, at most limit of them; Total counts them
// all (redirects followed: Profile is the current ID).
type IntelligenceResponse struct {
	Profile customer.ID `json:"profile"`
	Items   []IntelItem `json:"items"`
	Total   int         `json:"total"`
}

const (
	defaultIntelSearch = 10
	maxIntelSearch     = 100
	defaultIntelLinked = 20
	maxIntelLinked     = 1000
)

func (h *handler) registerIntel() {
	h.handle(route{pattern: "POST /v1/intel/items", scope: ScopeWrite}, h.collectIntel)
	h.handle(route{pattern: "GET /v1/intel/items/{id}", scope: ScopeRead}, h.getIntel)
	h.handle(route{pattern: "GET /v1/intel/search", scope: ScopeRead}, h.searchIntel)
	h.handle(route{pattern: "GET /v1/profiles/{id}/intelligence", scope: ScopeRead}, h.profileIntel)
}

// principalOf is the intel.Principal of an authenticated request.
func principalOf(r *http.Request) intel.Principal {
	c, _ := CredentialOf(r.Context())
	return c.IntelPrincipal()
}

func (h *handler) collectIntel(w http.ResponseWriter, r *http.Request) {
	body, ok := h.readJSON(w, r)
	if !ok {
		return
	}
	var in IntelItem
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "the body is not an intelligence item", Errors: []FieldProblem{decodeProblem(err)}})
		return
	}
	p := principalOf(r)
	it, probs := in.item()
	if in.Author != "" && in.Author != p.ID {
		probs = append(probs, FieldProblem{Field: "author", Detail: fmt.Sprintf("%q is not the credential's principal %q: leave it out", in.Author, p.ID)})
	}
	if in.Version != 0 {
		probs = append(probs, FieldProblem{Field: "version", Detail: "set by the server: leave it out"})
	}
	hub, err := h.e.Intel(r.Context())
	if err != nil {
		h.intelFail(w, r, err)
		return
	}
	if len(probs) > 0 {
		// Every problem at once: the library's checks of what did convert.
		if it.Author == "" {
			it.Author = p.ID
		}
		for _, vp := range intelFieldProblems(it.Validate(hub.Taxonomy())) {
			if !slices.ContainsFunc(probs, func(p FieldProblem) bool { return p.Field == vp.Field }) {
				probs = append(probs, vp)
			}
		}
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "the item is not valid", Errors: probs})
		return
	}
	err = hub.Collect(r.Context(), p, it)
	var ne *intel.NotifyError
	if errors.As(err, &ne) {
		// Stored and searchable; only offering it to subscriptions failed,
		// which the hub retries at the item's next write.
		h.log.LogAttrs(r.Context(), slog.LevelWarn, "intel item stored, subscriptions not all offered", slog.String("route", r.Pattern), slog.String("error", ne.Err.Error()))
		err = nil
	}
	if err != nil {
		h.intelFail(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/intel/items/"+pathEscape(string(it.ID)))
	writeJSON(w, http.StatusCreated, newIntelItem(it))
}

func (h *handler) getIntel(w http.ResponseWriter, r *http.Request) {
	hub, err := h.e.Intel(r.Context())
	if err != nil {
		h.intelFail(w, r, err)
		return
	}
	it, err := hub.Get(r.Context(), principalOf(r), intel.ID(r.PathValue("id")))
	if err != nil {
		h.intelFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newIntelItem(it))
}

func (h *handler) searchIntel(w http.ResponseWriter, r *http.Request) {
	qs := r.URL.Query()
	var errs []FieldProblem
	var q intel.Query
	if vs := qs["q"]; len(vs) > 1 {
		errs = append(errs, FieldProblem{Parameter: "q", Detail: "give one query (repeat field:value pairs inside it for alternatives)"})
	} else if len(vs) == 1 {
		var err error
		if q, err = intel.ParseQuery(vs[0]); err != nil {
			errs = append(errs, FieldProblem{Parameter: "q", Detail: err.Error()})
		}
	}
	limit, p := limitParam(qs, defaultIntelSearch, maxIntelSearch)
	if p != nil {
		errs = append(errs, *p)
	}
	if len(errs) > 0 {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "bad search parameters", Errors: errs})
		return
	}
	q.Limit = limit
	hub, err := h.e.Intel(r.Context())
	if err != nil {
		h.intelFail(w, r, err)
		return
	}
	res, err := hub.Search(r.Context(), principalOf(r), q)
	if err != nil {
		h.intelFail(w, r, err)
		return
	}
	out := IntelResults{Total: res.Total, Hits: make([]IntelHit, len(res.Hits))}
	for i, x := range res.Hits {
		out.Hits[i] = IntelHit{Item: newIntelItem(x.Item), Score: Float(x.Score), Title: newSnippet(x.Title), Snippet: newSnippet(x.Snippet)}
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *handler) profileIntel(w http.ResponseWriter, r *http.Request) {
	limit, p := limitParam(r.URL.Query(), defaultIntelLinked, maxIntelLinked)
	if p != nil {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "bad parameters", Errors: []FieldProblem{*p}})
		return
	}
	id, ok := h.current(w, r)
	if !ok {
		return
	}
	items, err := h.e.Intelligence(r.Context(), principalOf(r), id)
	if err != nil {
		h.intelFail(w, r, err)
		return
	}
	out := IntelligenceResponse{Profile: id, Total: len(items), Items: []IntelItem{}}
	for _, it := range items[:min(limit, len(items))] {
		out.Items = append(out.Items, newIntelItem(it))
	}
	writeJSON(w, http.StatusOK, out)
}

// limitParam reads the limit query parameter: def when absent, else a
// whole number from 1 to most.
func limitParam(qs map[string][]string, def, most int) (int, *FieldProblem) {
	vs, ok := qs["limit"]
	if !ok {
		return def, nil
	}
	v, err := strconv.Atoi(vs[0])
	if len(vs) != 1 || err != nil || v < 1 || v > most {
		return def, &FieldProblem{Parameter: "limit", Detail: "must be one whole number from 1 to " + strconv.Itoa(most)}
	}
	return v, nil
}

// intelFail answers an error of the intelligence hub; others go to fail.
func (h *handler) intelFail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, intel.ErrInvalid):
		p := Problem{Status: http.StatusBadRequest, Detail: "the item is not valid", Errors: intelFieldProblems(err)}
		if len(p.Errors) == 0 {
			p.Detail = err.Error()
		}
		writeProblem(w, p)
	case errors.Is(err, intel.ErrNotFound):
		writeProblem(w, Problem{Status: http.StatusNotFound, Detail: err.Error()})
	case errors.Is(err, intel.ErrConflict):
		writeProblem(w, Problem{Status: http.StatusConflict, Detail: err.Error()})
	case errors.Is(err, intel.ErrForbidden):
		writeProblem(w, Problem{Status: http.StatusForbidden, Detail: err.Error()})
	case errors.Is(err, intel.ErrNoPrincipal):
		writeProblem(w, Problem{Status: http.StatusForbidden, Detail: "the credential names no principal to read intelligence as"})
	default:
		h.fail(w, r, err)
	}
}

// intelFieldProblems turns the *customer.FieldError values of an intel
// validation into field problems named by the body's JSON paths.
func intelFieldProblems(err error) []FieldProblem {
	var out []FieldProblem
	for _, fe := range fieldErrors(err, nil) {
		out = append(out, FieldProblem{Record: fe.Record, Field: jsonPath(fe.Field), Detail: errText(fe.Err)})
	}
	return out
}

// jsonPath turns the Go path of a field of intel.Item ("Links.Customers[0]",
// "References[1].URL", "CapturedAt") into the JSON path of IntelItem
// ("links.customers[0]", "references[1].url", "captured_at"): IntelItem's
// names are the snake case of intel.Item's.
func jsonPath(goPath string) string {
	var b strings.Builder
	rs := []rune(goPath)
	for i, c := range rs {
		if unicode.IsUpper(c) {
			prevLower := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
			nextLower := i > 0 && unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || nextLower {
				b.WriteByte('_')
			}
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// decodeProblem names where a JSON body failed to decode.
func decodeProblem(err error) FieldProblem {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return FieldProblem{Field: te.Field, Detail: "a " + te.Value + " where a " + jsonKind(te.Type.Kind().String()) + " belongs"}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if s, err := strconv.Unquote(name); err == nil {
			return FieldProblem{Field: s, Detail: "unknown field"}
		}
	}
	return FieldProblem{Field: "(document)", Detail: err.Error()}
}

// jsonKind names a Go kind as JSON does.
func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	case "bool":
		return "boolean"
	}
	return "number"
}

// item converts the body to an intel.Item, with a problem for each enum
// it does not know.
func (in IntelItem) item() (*intel.Item, []FieldProblem) {
	var probs []FieldProblem
	it := &intel.Item{
		ID: in.ID, Kind: in.Kind, Category: in.Category, Source: in.Source, Title: in.Title, Body: in.Body,
		Tags: in.Tags, Sentiment: in.Sentiment, Confidence: in.Confidence, Author: in.Author, CapturedAt: in.CapturedAt,
		Links:      intel.Links{Customers: in.Links.Customers, Accounts: in.Links.Accounts, Competitors: in.Links.Competitors},
		Visibility: intel.Visibility{Teams: in.Visibility.Teams, People: in.Visibility.People},
	}
	for _, ref := range in.References {
		it.References = append(it.References, intel.Reference{Title: ref.Title, URL: ref.URL, Document: ref.Document})
	}
	if s := in.Survey; s != nil {
		it.Survey = &intel.SurveyAnswer{Score: s.Score, Segment: s.Segment, Respondent: s.Respondent}
		if err := it.Survey.Metric.UnmarshalText([]byte(s.Metric)); err != nil || it.Survey.Metric == intel.MetricNone {
			it.Survey.Metric = intel.MetricNone
			probs = append(probs, FieldProblem{Field: "survey.metric", Detail: fmt.Sprintf("%q: want nps or csat", s.Metric)})
		}
	}
	if in.Visibility.Scope != "" {
		if err := it.Visibility.Scope.UnmarshalText([]byte(in.Visibility.Scope)); err != nil {
			probs = append(probs, FieldProblem{Field: "visibility.scope", Detail: fmt.Sprintf("%q: want private, org, teams or people", in.Visibility.Scope)})
		}
	}
	for i, g := range in.Grants {
		var k intel.GranteeKind
		if err := k.UnmarshalText([]byte(g.Kind)); err != nil {
			probs = append(probs, FieldProblem{Field: fmt.Sprintf("grants[%d].kind", i), Detail: fmt.Sprintf("%q: want person, team or role", g.Kind)})
		}
		it.Grants = append(it.Grants, intel.Grantee{Kind: k, ID: g.ID})
	}
	return it, probs
}

func newIntelItem(it *intel.Item) IntelItem {
	out := IntelItem{
		ID: it.ID, Kind: it.Kind, Category: it.Category, Source: it.Source, Title: it.Title, Body: it.Body,
		Tags: it.Tags, Sentiment: it.Sentiment, Confidence: it.Confidence, Author: it.Author, CapturedAt: it.CapturedAt,
		Links:      IntelLinks{Customers: it.Links.Customers, Accounts: it.Links.Accounts, Competitors: it.Links.Competitors},
		Visibility: IntelVisibility{Scope: it.Visibility.Scope.String(), Teams: it.Visibility.Teams, People: it.Visibility.People},
		Version:    it.Version,
	}
	for _, ref := range it.References {
		out.References = append(out.References, IntelReference{Title: ref.Title, URL: ref.URL, Document: ref.Document})
	}
	if s := it.Survey; s != nil {
		out.Survey = &IntelSurvey{Metric: s.Metric.String(), Score: s.Score, Segment: s.Segment, Respondent: s.Respondent}
	}
	for _, g := range it.Grants {
		out.Grants = append(out.Grants, IntelGrantee{Kind: g.Kind.String(), ID: g.ID})
	}
	return out
}

func newSnippet(s intel.Snippet) IntelSnippet {
	out := IntelSnippet{Text: s.Text, Before: s.Before, After: s.After}
	for _, sp := range s.Highlights {
		out.Highlights = append(out.Highlights, [2]int{sp.Start, sp.End})
	}
	return out
}

// shortText is the start of s, its runs of white space made one space,
// cut at most runes runes with "…".
func shortText(s string, runes int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= runes {
		return s
	}
	n := 0
	for i := range s {
		if n == runes {
			return strings.TrimRight(s[:i], " ") + "…"
		}
		n++
	}
	return s
}
