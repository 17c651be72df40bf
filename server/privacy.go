package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/c360/c360/customer"
)

// The privacy operations of the engine over HTTP (scope privacy): erase,
// export (JSON, or the readable HTML a support desk hands over), restrict
// and lift. Each names who asked: the body's actor, else the credential.

// PrivacyRequest is the body of POST /v1/profiles/{id}/erase, /restrict and
// /lift: who asks (default: the credential's name or ID), why, and for a
// restriction the purposes it covers (none: every purpose).
type PrivacyRequest struct {
	Actor    string             `json:"actor,omitempty"`
	Reason   string             `json:"reason"`
	Purposes []customer.Purpose `json:"purposes,omitempty"`
}

func (h *handler) registerPrivacy() {
	h.handle(route{pattern: "POST /v1/profiles/{id}/erase", scope: ScopePrivacy}, h.erase)
	h.handle(route{pattern: "GET /v1/profiles/{id}/export", scope: ScopePrivacy}, h.export)
	h.handle(route{pattern: "POST /v1/profiles/{id}/restrict", scope: ScopePrivacy}, h.restrict)
	h.handle(route{pattern: "POST /v1/profiles/{id}/lift", scope: ScopePrivacy}, h.lift)
}

// privacyRequest reads and checks the body; it answers the problem itself.
func (h *handler) privacyRequest(w http.ResponseWriter, r *http.Request) (PrivacyRequest, customer.Decision, bool) {
	var pr PrivacyRequest
	body, ok := h.readJSON(w, r)
	if !ok {
		return pr, customer.Decision{}, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pr); err != nil {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "the body is not a privacy request",
			Errors: []FieldProblem{{Field: "(document)", Detail: err.Error()}}})
		return pr, customer.Decision{}, false
	}
	if strings.TrimSpace(pr.Reason) == "" {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "a privacy operation needs a reason",
			Errors: []FieldProblem{{Field: "reason", Detail: "empty: say why (the request's reference, the legal basis)"}}})
		return pr, customer.Decision{}, false
	}
	actor := pr.Actor
	if actor == "" {
		if c, ok := CredentialOf(r.Context()); ok {
			actor = "credential " + c.ID
			if c.Name != "" {
				actor = c.Name + " (" + actor + ")"
			}
		}
	}
	return pr, customer.Decision{Actor: actor, Reason: pr.Reason, At: time.Now()}, true
}

func (h *handler) erase(w http.ResponseWriter, r *http.Request) {
	_, d, ok := h.privacyRequest(w, r)
	if !ok {
		return
	}
	er, err := h.e.Erase(r.Context(), customer.ID(r.PathValue("id")), d)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, er)
}

func (h *handler) export(w http.ResponseWriter, r *http.Request) {
	x, err := h.e.Export(r.Context(), customer.ID(r.PathValue("id")))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
		err = x.WriteJSON(&buf)
		w.Header().Set("Content-Type", "application/json")
	case "html":
		err = x.WriteHTML(&buf)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	default:
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "unknown export format",
			Errors: []FieldProblem{{Field: "format", Detail: "\"" + f + "\": give json or html"}}})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

func (h *handler) restrict(w http.ResponseWriter, r *http.Request) {
	pr, d, ok := h.privacyRequest(w, r)
	if !ok {
		return
	}
	p, err := h.e.Restrict(r.Context(), customer.ID(r.PathValue("id")), d, pr.Purposes...)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ProfileResponse{Profile: p})
}

func (h *handler) lift(w http.ResponseWriter, r *http.Request) {
	_, d, ok := h.privacyRequest(w, r)
	if !ok {
		return
	}
	p, err := h.e.Lift(r.Context(), customer.ID(r.PathValue("id")), d)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ProfileResponse{Profile: p})
}
