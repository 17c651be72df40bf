package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/c360/c360"
)

// The change feed as Server-Sent Events (the "text/event-stream" format of
// the HTML standard, which a browser's EventSource reads): GET /v1/changes
// with "Accept: text/event-stream" answers a stream instead of a page.
// Each change is one event whose id is its cursor and whose data is the
// change as JSON (c360.Change, as in a page), so that an EventSource that
// reconnects sends the last cursor it saw as Last-Event-ID and the stream
// resumes after it: every change exactly once. The stream starts after
// Last-Event-ID when given, else after the "after" parameter (limit and
// wait apply to pages and are ignored). It sends the changes already
// committed, then each new one as it is committed (the feed is read again
// every 200 ms), and a comment line every Config.StreamHeartbeat while
// idle, so that proxies keep the connection open and a client notices a
// dead one.
//
// A stream is not bounded by Config.RequestTimeout (each read of the
// store is). It ends when the client goes away; when the server shuts down
// (Serve ends open streams as its shutdown begins, so that in-flight
// requests are not kept waiting for them; a host running its own
// http.Server uses WithShutdown); when the engine is closed; when the
// credential, checked again at each heartbeat, is no longer known or lacks
// the read scope (an event "problem" with the 401 or 403 problem detail
// first); or when the store fails (an event "problem" with a 500 or 503
// problem detail; the client reconnects and resumes).

// wantsStream reports whether the request's Accept header asks for
// text/event-stream.
func wantsStream(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err == nil && mt == "text/event-stream" && params["q"] != "0" {
				return true
			}
		}
	}
	return false
}

// untimedKey holds, in a request's context, the context the request had
// before ServeHTTP bounded it by the request timeout: a stream lives on it.
type untimedKey struct{}

// untimed returns the request's context without the request timeout.
func untimed(r *http.Request) context.Context {
	if ctx, ok := r.Context().Value(untimedKey{}).(context.Context); ok {
		return ctx
	}
	return r.Context()
}

type shutdownKey struct{}

// WithShutdown returns a copy of parent that tells the handler's open
// streams (the change feed's Server-Sent Events) to end when shutdown is
// closed. A stream lasts until its client goes away, so http.Server's
// Shutdown, which waits for in-flight requests, would wait for it: a host
// that runs the handler in its own http.Server returns this context from
// the server's BaseContext and closes shutdown from RegisterOnShutdown.
// Serve does it itself.
func WithShutdown(parent context.Context, shutdown <-chan struct{}) context.Context {
	return context.WithValue(parent, shutdownKey{}, shutdown)
}

// shuttingDown returns the shutdown channel of ctx, or nil (never ready)
// when it has none.
func shuttingDown(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(shutdownKey{}).(<-chan struct{})
	return ch
}

// streamChanges answers the change feed after after as Server-Sent Events.
func (h *handler) streamChanges(w http.ResponseWriter, r *http.Request, after c360.Cursor) {
	ctx := untimed(r)
	rc := http.NewResponseController(w)
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	var buf bytes.Buffer
	// The stream outlives the server's write timeout (http.Server's
	// WriteTimeout, a deadline for the whole answer): each write has a
	// deadline of its own instead, so that a client that stops reading is
	// still dropped.
	flush := func() error {
		rc.SetWriteDeadline(time.Now().Add(h.timeout))
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
		buf.Reset()
		return rc.Flush()
	}
	fmt.Fprintf(&buf, ": the change feed after %d\n\n", after)
	if err := flush(); err != nil {
		if errors.Is(err, http.ErrNotSupported) {
			h.log.LogAttrs(r.Context(), slog.LevelError, "the response writer cannot flush: no event stream", slog.String("route", r.Pattern))
		}
		return
	}
	problem := func(p Problem) {
		buf.WriteString("event: problem\ndata: ")
		buf.Write(bytes.TrimSuffix(problemBody(p), []byte("\n")))
		buf.WriteString("\n\n")
		flush()
	}
	shutdown := shuttingDown(ctx)
	poll := time.NewTicker(changesPoll)
	defer poll.Stop()
	lastWrite, lastCheck := time.Now(), time.Now()
	secret, _ := secretOf(r)
	for {
		n, err := h.appendChanges(ctx, &buf, &after)
		if n > 0 {
			if ferr := flush(); ferr != nil {
				return // the client went away
			}
			lastWrite = time.Now()
		}
		if err != nil {
			switch {
			case ctx.Err() != nil:
			case errors.Is(err, c360.ErrClosed):
				problem(Problem{Status: http.StatusServiceUnavailable, Detail: "the engine is closed"})
			case errors.Is(err, context.DeadlineExceeded):
				problem(Problem{Status: http.StatusServiceUnavailable, Detail: "a read of the change feed ran out of time"})
			default:
				h.log.LogAttrs(r.Context(), slog.LevelError, "internal error", slog.String("route", r.Pattern), slog.String("error", err.Error()))
				problem(Problem{Status: http.StatusInternalServerError, Detail: "internal error; the server's log has the cause"})
			}
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-shutdown:
			return
		case <-poll.C:
		}
		if time.Since(lastCheck) >= h.heartbeat {
			if p, ok := h.recheck(ctx, secret); !ok {
				problem(p)
				return
			}
			lastCheck = time.Now()
		}
		if time.Since(lastWrite) >= h.heartbeat {
			buf.WriteString(": heartbeat\n\n")
			if flush() != nil {
				return
			}
			lastWrite = time.Now()
		}
	}
}

// appendChanges appends the changes after *after as events to buf and
// moves *after past them; it returns how many it appended.
func (h *handler) appendChanges(ctx context.Context, buf *bytes.Buffer, after *c360.Cursor) (int, error) {
	rctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	n := 0
	for c, err := range h.e.Changes(rctx, *after) {
		if err != nil {
			return n, err
		}
		b, err := json.Marshal(c)
		if err != nil {
			return n, err
		}
		// JSON has no line break outside its strings (json.Marshal escapes
		// those), so the data is one line.
		fmt.Fprintf(buf, "id: %d\ndata: %s\n\n", c.Cursor, b)
		*after = c.Cursor
		n++
	}
	return n, nil
}

// recheck verifies the stream's credential again: a token revoked, or
// whose read scope was taken away, ends the stream.
func (h *handler) recheck(ctx context.Context, secret string) (Problem, bool) {
	rctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	cred, err := h.creds.Verify(rctx, secret)
	switch {
	case errors.Is(err, ErrUnknownCredential):
		return Problem{Status: http.StatusUnauthorized, Detail: "the credential is no longer known (revoked)"}, false
	case err != nil:
		// The credential store failed for a moment: keep the stream; the
		// next heartbeat checks again.
		return Problem{}, true
	case !cred.Has(ScopeRead):
		return Problem{Status: http.StatusForbidden, Detail: fmt.Sprintf("the credential %s no longer has the %q scope", cred.ID, ScopeRead)}, false
	}
	return Problem{}, true
}

// lastEventID reads the Last-Event-ID header of a reconnecting EventSource.
func lastEventID(r *http.Request) (c360.Cursor, bool, *FieldProblem) {
	s := r.Header.Get("Last-Event-ID")
	if s == "" {
		return 0, false, nil
	}
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, false, &FieldProblem{Parameter: "Last-Event-ID", Detail: "must be a cursor: the id of an event of this stream"}
	}
	return c360.Cursor(v), true, nil
}
