// Package server maps HTTP to a c360.Engine: a thin JSON layer, built on the
// standard library's net/http only, where every behaviour lives in the
// engine. New returns an http.Handler that a host mounts over its own
// engine (any store: the in-memory default, store/bolt, store/postgres);
// `c360 serve` runs it over an in-memory engine.
//
// There is NO AUTHENTICATION yet: every route is open to whoever can reach
// the address. Listen on loopback only (`c360 serve` defaults to
// 127.0.0.1), or put the handler behind a proxy that authenticates. The
// token and scope part of issue 16 is not built.
//
// # Routes
//
//	GET  /healthz                      200 {"status":"ok"} while the process serves
//	GET  /readyz                       200 when the engine's store answers, else 503
//	POST /v1/records                   upsert a source record (customer.SourceRecord JSON) → Update
//	GET  /v1/profiles/{id}             a profile, redirects of merged IDs followed → ProfileResponse
//	GET  /v1/profiles?email=…          profiles holding an e-mail address (any notation) → Profiles
//	GET  /v1/profiles?phone=…          … a phone number (national or E.164 notation)
//	GET  /v1/profiles?corporate_number=…
//	POST /v1/profiles/{id}/unmerge     reverse the merge that absorbed {id} → Update
//	GET  /v1/reviews                   open review items with both records → Reviews
//	POST /v1/reviews/{id}/confirm      decide a review item as a match → Update
//	POST /v1/reviews/{id}/reject       decide it as no match → 204
//	GET  /v1/changes?after=N&limit=M   the change feed after cursor N → ChangesPage
//
// Request bodies are JSON (Content-Type application/json, else 415) of at
// most Config.MaxBodyBytes (else 413).
//
// # Redirects
//
// A profile absorbed by a merge keeps its ID as a redirect to the survivor.
// GET /v1/profiles/{absorbed} answers 200 with the survivor, says so in the
// body's "redirected_from" (the ID asked for) and sets Content-Location to
// the survivor's URL, so that a client can replace the ID it holds. It is
// not an HTTP redirect (301/308) because a merge can be undone
// (POST /v1/profiles/{id}/unmerge) and a client would cache a permanent
// redirect, and not a 307 because that costs every old ID a round trip.
//
// # The change feed
//
// GET /v1/changes returns up to limit changes (default 100, at most 1000)
// after the cursor given in after (0, the default, is the start), the cursor
// to resume from in "next", and "more": true when more changes were already
// committed. A client stores "next" with its own write and asks again from
// it: it sees every change exactly once, across restarts.
//
// # Errors
//
// Every error is an RFC 9457 problem detail (Content-Type
// application/problem+json, see Problem): 400 for a malformed body or query
// (with "errors" naming each field or parameter, every problem at once), 404
// for an unknown ID or route, 405 for a wrong method (with Allow), 409 for a
// conflict (c360.ErrConflict), 413 for a body over the limit, 415 for a body
// that is not JSON, 503 when the engine is closed or the request ran out of
// time (Config.RequestTimeout), 500 otherwise.
//
// # Logs
//
// Each request is logged once with log/slog (JSON by default): method,
// route pattern (not the path, which holds IDs), status, bytes and duration.
// No body, query value or ID is logged.
package server
