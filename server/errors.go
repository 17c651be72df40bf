package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
)

const problemType = "application/problem+json"

// Problem is an RFC 9457 problem detail, the body of every error response.
// Type is "about:blank" (the status says what went wrong; Title is its
// text); Errors, an extension member, names each field of the body or
// parameter of the query that is wrong, every problem at once.
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail,omitempty"`
	Errors []FieldProblem `json:"errors,omitempty"`
}

// FieldProblem is one problem of a request: in the body's record Record at
// Field (a JSON path such as "contact_points[1].value", or "(document)" when
// the body is not a JSON object), or in the query's Parameter.
type FieldProblem struct {
	Record    string `json:"record,omitempty"`
	Field     string `json:"field,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Detail    string `json:"detail"`
}

func problemBody(p Problem) []byte {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	b, err := json.Marshal(p)
	if err != nil { // cannot happen: strings and ints only
		return []byte(`{"type":"about:blank","status":500}`)
	}
	return append(b, '\n')
}

func writeProblem(w http.ResponseWriter, p Problem) {
	body := problemBody(p)
	w.Header().Set("Content-Type", problemType)
	w.WriteHeader(p.Status)
	w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeProblem(w, Problem{Status: http.StatusInternalServerError, Detail: "the response could not be encoded"})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// fail answers an error of the engine or of decoding with its status.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, c360.ErrInvalid), errors.Is(err, customer.ErrInvalid):
		p := Problem{Status: http.StatusBadRequest, Detail: "the record is not valid"}
		for _, fe := range fieldErrors(err, nil) {
			p.Errors = append(p.Errors, FieldProblem{Record: fe.Record, Field: fe.Field, Detail: errText(fe.Err)})
		}
		if len(p.Errors) == 0 {
			p.Detail = err.Error()
		}
		writeProblem(w, p)
	case errors.Is(err, c360.ErrNotFound), errors.Is(err, customer.ErrNotFound):
		writeProblem(w, Problem{Status: http.StatusNotFound, Detail: err.Error()})
	case errors.Is(err, c360.ErrConflict):
		writeProblem(w, Problem{Status: http.StatusConflict, Detail: err.Error()})
	case errors.Is(err, c360.ErrClosed):
		writeProblem(w, Problem{Status: http.StatusServiceUnavailable, Detail: "the engine is closed"})
	case errors.Is(err, context.DeadlineExceeded):
		writeProblem(w, Problem{Status: http.StatusServiceUnavailable, Detail: "the request ran out of time"})
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer.
		writeProblem(w, Problem{Status: http.StatusServiceUnavailable, Detail: "the request was cancelled"})
	default:
		// The error may come from the store; log it for the operator, but
		// do not show a client the inside of the server.
		h.log.LogAttrs(r.Context(), slog.LevelError, "internal error", slog.String("route", r.Pattern), slog.String("error", err.Error()))
		writeProblem(w, Problem{Status: http.StatusInternalServerError, Detail: "internal error; the server's log has the cause"})
	}
}

// fieldErrors collects the *customer.FieldError values in an error tree:
// the problems of a validation (a go-multierror) or of a decoding.
func fieldErrors(err error, out []*customer.FieldError) []*customer.FieldError {
	switch x := err.(type) {
	case nil:
	case *customer.FieldError:
		out = append(out, x)
	case interface{ WrappedErrors() []error }: // go-multierror
		for _, e := range x.WrappedErrors() {
			out = fieldErrors(e, out)
		}
	case interface{ Unwrap() []error }:
		for _, e := range x.Unwrap() {
			out = fieldErrors(e, out)
		}
	case interface{ Unwrap() error }:
		out = fieldErrors(x.Unwrap(), out)
	}
	return out
}

// errText is a field problem's message without the sentinel prefix that
// the problem's status already says.
func errText(err error) string {
	if err == nil {
		return "invalid"
	}
	return err.Error()
}

// publicError is the text of an error safe to show a client.
func publicError(err error) string {
	switch {
	case errors.Is(err, c360.ErrClosed):
		return "the engine is closed"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "the store did not answer in time"
	}
	return "the store failed"
}
