// Package server maps HTTP to a c360.Engine: a thin JSON layer, built on the
// standard library's net/http only, where every behaviour lives in the
// engine. New returns an http.Handler that a host mounts over its own
// engine (any store: the in-memory default, store/bolt, store/postgres) and
// runs with Serve (graceful shutdown); `c360 serve` runs it over an
// in-memory engine, and c360-serve in the nested module server/host over
// store/bolt or store/postgres.
//
// # Credentials and scopes
//
// Every route but /healthz and /readyz needs a credential, presented as
// "Authorization: Bearer <token>" or — the convention of Segment's tracking
// libraries — HTTP Basic authentication with the token as the user name and
// an empty password. Config.Credentials verifies it: a TokenFile (a file of
// hashes that `c360 token create` writes, reread when it changes), or
// StoreTokens (the tokens in the engine's own store, shared by every server
// on one database); see Token for why SHA-256 suffices. Each route needs one Scope: track (the tracking API:
// a "write key" holding only this scope can be shipped in a web page, as
// it reads nothing), read, write, privacy, or admin (every scope, and
// /metrics). No credential, or an unknown one, is a 401 with a
// WWW-Authenticate challenge; a credential without the route's scope is a
// 403 naming the scope. Each credential has a token bucket
// (Config.RateLimit, Config.RateBurst): over it, 429 with Retry-After.
//
// # Routes
//
//	route                              scope   answer
//	GET  /healthz                      —       200 {"status":"ok"} while the process serves
//	GET  /readyz                       —       200 when the engine's store answers, else 503
//	GET  /metrics                      admin   Prometheus text format (see below)
//	GET  /v1/openapi.json              any     the OpenAPI 3.1 document of these routes
//	POST /v1/records                   write   upsert a source record (customer.SourceRecord JSON) → Update
//	GET  /v1/profiles/{id}             read    a profile, redirects of merged IDs followed → ProfileResponse
//	GET  /v1/profiles?email=…          read    profiles holding an e-mail address (any notation) → Profiles
//	GET  /v1/profiles?phone=…          read    … a phone number (national or E.164 notation)
//	GET  /v1/profiles?corporate_number=…
//	GET  /v1/profiles?name=…&limit=N   read    profiles by name: kanji, kana or romaji → NameResult
//	POST /v1/profiles/{id}/unmerge     write   reverse the merge that absorbed {id} → Update
//	GET  /v1/reviews                   read    open review items with both records → Reviews
//	POST /v1/reviews/{id}/confirm      write   decide a review item as a match → Update
//	POST /v1/reviews/{id}/reject       write   decide it as no match → 204
//	GET  /v1/profiles/{id}/timeline    read    touchpoints in time order (?from=&to=, RFC 3339) → Timeline
//	GET  /v1/profiles/{id}/stage       read    lifecycle stage and its history → StageResponse
//	GET  /v1/profiles/{id}/segments    read    the live segments the profile is in → SegmentsResponse
//	POST /v1/decide                    read    the send gate: may this message go now? → DecisionResponse
//	POST /v1/claim                     write   decide and, if allowed, record the send atomically
//	GET  /v1/changes?after=N&limit=M   read    the change feed after cursor N (&wait=25s: long poll) → ChangesPage;
//	                                           with Accept: text/event-stream, Server-Sent Events (Last-Event-ID)
//	POST /v1/intel/items               write   collect an intelligence item (IntelItem JSON) → 201 IntelItem
//	GET  /v1/intel/items/{id}          read    one item the credential may see → IntelItem
//	GET  /v1/intel/search?q=…&limit=N  read    ranked search, intel.ParseQuery's language → IntelResults
//	GET  /v1/profiles/{id}/intelligence
//	                                   read    items linked to the profile or a merged ID, newest first
//	                                           (&limit=N, default 20) → IntelligenceResponse
//	POST /v1/identify, /v1/track,      track   the Segment-compatible tracking API → TrackResult
//	     /v1/page, /v1/screen,                 (see tracking.go for how each message maps onto
//	     /v1/group, /v1/alias,                 Engine.Track and Engine.Upsert; OPTIONS answers
//	     /v1/batch, /v1/import                 the browsers' CORS preflight)
//
// # Intelligence and who reads it
//
// The intelligence routes and the console's "linked intelligence" act as
// the credential's intel.Principal (Credential.IntelPrincipal): the token's
// principal, teams and roles (optional fields of the token record, set with
// `c360 token create --principal --teams --roles`), or, for a token without
// a principal, "token:" and the token's ID with no team and no role. Items
// are collected with that principal as author, and every read shows only
// the items intel.Item.VisibleTo allows it; an item it may not see is a
// 404, like one that does not exist. Scopes choose the routes a credential
// may call and never widen what it sees: an admin token sees the items its
// own principal may see, no more. A host's own Credentials sets Principal,
// Teams and Roles from its directory.
//
// # Name search
//
// The engine has no name index, so a name search is a linear scan of the
// profiles, at most Config.NameScanLimit (100,000 by default) per request;
// the answer says how many it read and whether it stopped short
// ("truncated"). It costs about what reading that many profiles from the
// store costs: fine for a console over a store of tens of thousands of
// profiles, not for a hot path. Matching (see namesearch.go):
// every word of the query is the start of a name, compared as text
// (kanji, variant kanji folded), as kana (hiragana ≡ katakana, width folded)
// or as romaji (Hepburn, Kunrei and long-vowel spellings folded).
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
// it: it sees every change exactly once, across restarts. With wait (a
// duration such as 25s, below the request timeout) the request is a long
// poll: when no change follows the cursor it waits for one — read again
// every 200 ms — and answers an empty page only when wait has passed.
//
// Asked with "Accept: text/event-stream", the same route answers a stream
// of Server-Sent Events, which a browser's EventSource reads: each change is
// an event whose id is its cursor, so that a client that reconnects with
// Last-Event-ID resumes after the last change it read, exactly once; idle,
// the stream sends a heartbeat comment every Config.StreamHeartbeat. It ends
// when the client goes away or the server shuts down (Serve ends open
// streams as its shutdown begins; a host with its own http.Server uses
// WithShutdown). See stream.go.
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
// # The console
//
// Under /console the handler serves a console for service and sales staff:
// server-rendered HTML (html/template, embedded, no script, no external
// asset) in Japanese and English — search a customer by name, e-mail,
// phone or corporate number; the 360 view (names and readings, contact
// points with consent and staleness, where each value came from, the data
// quality score with its reasons, lifecycle stage, live segments, the next
// send decision per channel with its reasons, the latest touchpoints,
// source records, audit log, and the intelligence linked to the customer
// that the console user may see: newest 20, title, category and kind,
// source, capture date, sentiment, the start of the body and tags); the review
// queue with both records side by side, the per-field explanation and
// confirm / reject buttons. A token entered once on /console/login is kept
// in an HttpOnly, SameSite=Strict cookie that the API routes do not accept;
// every POST form carries a CSRF token. See console.go for the routes.
//
// # Metrics
//
// GET /metrics is written by hand in the Prometheus text format (no client
// library: the core module takes the standard library only):
// c360_http_requests_total{route,status},
// c360_http_request_duration_seconds{route} (a histogram),
// c360_engine_updates_total{outcome}, c360_tracked_events_total{result}
// and two Go runtime gauges. Labels hold route patterns, never paths.
//
// # Logs
//
// Each request is logged once with log/slog (JSON by default): method,
// route pattern (not the path, which holds IDs), status, bytes, duration
// and the ID of the credential (never the secret). No body, query value,
// path or ID is logged unless Config.LogPersonalData asks for the path and
// query.
package server
