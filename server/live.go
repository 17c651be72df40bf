package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

// The engine's live state over HTTP: a profile's timeline, lifecycle stage
// and live segments, and the send gate (Decide, Claim).

// Event is a touchpoint of a timeline (journey.Event, in the API's
// snake_case JSON).
type Event struct {
	ID          string            `json:"id"`
	Type        journey.Type      `json:"type"`
	Channel     customer.Channel  `json:"channel"`
	Time        time.Time         `json:"time"`
	CustomerID  customer.ID       `json:"customer_id,omitempty"`
	AnonymousID string            `json:"anonymous_id,omitempty"`
	Value       *Money            `json:"value,omitempty"`
	Campaign    string            `json:"campaign,omitempty"`
	Source      string            `json:"source,omitempty"`
	Attributes  map[string]string `json:"attributes,omitempty"`
}

// Money is an amount in the currency's smallest unit (journey.Money).
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

func newEvent(e journey.Event) Event {
	out := Event{ID: e.ID, Type: e.Type, Channel: e.Channel, Time: e.Time, CustomerID: e.CustomerID,
		AnonymousID: e.AnonymousID, Campaign: e.Campaign, Source: e.Source, Attributes: e.Attributes}
	if !e.Value.IsZero() {
		out.Value = &Money{Amount: e.Value.Amount, Currency: e.Value.Currency}
	}
	return out
}

// Timeline is the body of GET /v1/profiles/{id}/timeline: the profile's
// touchpoints in time order (redirects followed: Profile is the current
// ID).
type Timeline struct {
	Profile customer.ID `json:"profile"`
	Events  []Event     `json:"events"`
}

// StageResponse is the body of GET /v1/profiles/{id}/stage.
type StageResponse struct {
	Profile customer.ID    `json:"profile"`
	Stage   journey.Stage  `json:"stage"`
	Since   time.Time      `json:"since,omitzero"`
	History []StageTransit `json:"history"`
}

// StageTransit is one change of stage (journey.Transition).
type StageTransit struct {
	From    journey.Stage `json:"from"`
	To      journey.Stage `json:"to"`
	At      time.Time     `json:"at"`
	EventID string        `json:"event_id,omitempty"`
	Rule    string        `json:"rule,omitempty"`
}

// SegmentsResponse is the body of GET /v1/profiles/{id}/segments: the live
// segments the profile is in, by name.
type SegmentsResponse struct {
	Profile  customer.ID `json:"profile"`
	Segments []string    `json:"segments"`
}

// SendRequest is the body of POST /v1/decide and POST /v1/claim
// (journey.Request).
type SendRequest struct {
	Customer customer.ID      `json:"customer"`
	Channel  customer.Channel `json:"channel"`
	Purpose  customer.Purpose `json:"purpose"`
	Campaign string           `json:"campaign,omitempty"`
	Tags     []string         `json:"tags,omitempty"`
	Priority int              `json:"priority,omitempty"`
	Contact  string           `json:"contact,omitempty"`
	// Location is the person's IANA time zone ("Asia/Tokyo") for quiet
	// hours; empty means the gate's.
	Location string `json:"location,omitempty"`
}

// DecisionResponse is the gate's answer (journey.Decision).
type DecisionResponse struct {
	Allowed bool             `json:"allowed"`
	Contact string           `json:"contact,omitempty"`
	Reasons []DecisionReason `json:"reasons"`
	RetryAt time.Time        `json:"retry_at,omitzero"`
}

// DecisionReason is one reason of a decision (journey.Reason).
type DecisionReason struct {
	Code   string `json:"code"`
	Rule   string `json:"rule,omitempty"`
	Detail string `json:"detail,omitempty"`
}

func newDecision(d journey.Decision) DecisionResponse {
	out := DecisionResponse{Allowed: d.Allowed, Contact: d.Contact, Reasons: []DecisionReason{}, RetryAt: d.RetryAt}
	for _, r := range d.Reasons {
		out.Reasons = append(out.Reasons, DecisionReason{Code: r.Code.String(), Rule: r.Rule, Detail: r.Detail})
	}
	return out
}

func (h *handler) registerLive() {
	h.handle(route{pattern: "GET /v1/profiles/{id}/timeline", scope: ScopeRead}, h.timeline)
	h.handle(route{pattern: "GET /v1/profiles/{id}/stage", scope: ScopeRead}, h.stage)
	h.handle(route{pattern: "GET /v1/profiles/{id}/segments", scope: ScopeRead}, h.segments)
	h.handle(route{pattern: "POST /v1/decide", scope: ScopeRead}, h.decide)
	h.handle(route{pattern: "POST /v1/claim", scope: ScopeWrite}, h.decide)
}

// current follows a redirect to the profile's current ID.
func (h *handler) current(w http.ResponseWriter, r *http.Request) (customer.ID, bool) {
	p, _, err := h.e.Profile(r.Context(), customer.ID(r.PathValue("id")))
	if err != nil {
		h.fail(w, r, err)
		return "", false
	}
	return p.ID, true
}

func (h *handler) timeline(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var errs []FieldProblem
	var bounds [2]time.Time
	for i, name := range []string{"from", "to"} {
		if s := q.Get(name); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				errs = append(errs, FieldProblem{Parameter: name, Detail: "must be an RFC 3339 time such as 2026-04-01T00:00:00+09:00"})
			}
			bounds[i] = t
		}
	}
	if len(errs) > 0 {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "bad timeline parameters", Errors: errs})
		return
	}
	id, ok := h.current(w, r)
	if !ok {
		return
	}
	evs, err := h.e.Timeline(r.Context(), id, bounds[0], bounds[1])
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := Timeline{Profile: id, Events: make([]Event, len(evs))}
	for i, e := range evs {
		out.Events[i] = newEvent(e)
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *handler) stage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.current(w, r)
	if !ok {
		return
	}
	st, err := h.e.Stage(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := StageResponse{Profile: id, Stage: st.Stage, Since: st.Since, History: []StageTransit{}}
	for _, t := range st.History {
		out.History = append(out.History, StageTransit{From: t.From, To: t.To, At: t.At, EventID: t.EventID, Rule: t.Rule})
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *handler) segments(w http.ResponseWriter, r *http.Request) {
	id, ok := h.current(w, r)
	if !ok {
		return
	}
	segs, err := h.e.Segments(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if segs == nil {
		segs = []string{}
	}
	writeJSON(w, http.StatusOK, SegmentsResponse{Profile: id, Segments: segs})
}

// decide answers POST /v1/decide (Engine.Decide) and POST /v1/claim
// (Engine.Claim: the send is recorded when allowed).
func (h *handler) decide(w http.ResponseWriter, r *http.Request) {
	body, ok := h.readJSON(w, r)
	if !ok {
		return
	}
	var sr SendRequest
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sr); err != nil {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "the body is not a send request", Errors: []FieldProblem{{Field: "(document)", Detail: err.Error()}}})
		return
	}
	var errs []FieldProblem
	if sr.Customer == "" {
		errs = append(errs, FieldProblem{Field: "customer", Detail: "empty: give the profile ID"})
	}
	if sr.Channel == "" {
		errs = append(errs, FieldProblem{Field: "channel", Detail: "empty: give a contact channel (email, sms, phone, direct_mail, push, line)"})
	}
	if sr.Purpose == "" {
		errs = append(errs, FieldProblem{Field: "purpose", Detail: "empty: give a purpose (marketing, transactional, service, …)"})
	}
	req := journey.Request{Customer: sr.Customer, Channel: sr.Channel, Purpose: sr.Purpose, Campaign: sr.Campaign,
		Tags: sr.Tags, Priority: sr.Priority, Contact: sr.Contact}
	if sr.Location != "" {
		loc, err := time.LoadLocation(sr.Location)
		if err != nil {
			errs = append(errs, FieldProblem{Field: "location", Detail: "not an IANA time zone such as Asia/Tokyo"})
		}
		req.Location = loc
	}
	if len(errs) > 0 {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "bad send request", Errors: errs})
		return
	}
	var d journey.Decision
	var err error
	if strings.HasSuffix(r.Pattern, "/claim") {
		d, err = h.e.Claim(r.Context(), req)
	} else {
		d, err = h.e.Decide(r.Context(), req)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newDecision(d))
}
