package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/normalize"
)

// The tracking API takes the payloads of the Segment HTTP Tracking API at
// its paths — POST /v1/identify, /v1/track, /v1/page, /v1/screen,
// /v1/group, /v1/alias and /v1/batch (and /v1/import, its older name for
// batch) — so that the tracking libraries sites and apps already use can
// send here by changing only their host. They need the track scope: a write
// key, given as the user name of Basic authentication (the password empty),
// as a Bearer token, or as "writeKey" in the body.
//
// Limits, as that API documents them: a call's body at most 32 KB; a
// batch's at most 500 KB with each message at most 32 KB. Over them, 400
// naming the limit (and the message). A body that is not JSON is a 400 too.
//
// Each message maps onto the engine:
//
//   - track, page, screen → Engine.Track of a journey.Event: ID = messageId
//     (Track is idempotent on it: a message sent again is a duplicate and
//     changes nothing); the person named by userId (the identifier
//     "source:<system>" with the user ID: the source record identify
//     writes), anonymousId, and context.traits.email / phone; the type from
//     the event name (Config.EventTypes, then the names of Segment's
//     semantic events such as "Order Completed", then the name itself when
//     it is a catalogue type such as "online_purchase"; else the message is
//     refused); page is a web_visit on the web channel, screen a web_visit
//     on the app channel; properties.revenue (or total, or value) with
//     currency (USD when absent, as Segment's specification says) is the
//     event's Money; context (ip, userAgent, locale, timezone, campaign/UTM,
//     page, library) and properties are kept in the event's Attributes as
//     "context.…" and "properties.…".
//   - identify → Engine.UpsertWith of the source record {System: <system>,
//     RecordID: userId}: the traits are merged into the record as stored
//     (name, firstName/lastName, firstNameKana/lastNameKana or nameKana for
//     the reading, email, phone, address, birthday; other traits become
//     custom attributes "traits.…"), so a call that sends some traits keeps
//     the others, as Segment's identify does; the record is read and
//     written in one step, so two calls at once keep each other's traits
//     (on replicas too). Without userId, the record is
//     {System: <system>-anonymous, RecordID: anonymousId}, so that an e-mail
//     left by a visitor can still match a known customer. With an
//     anonymousId, a "login" event (Config.IdentifyEventType) links the
//     visitor's history to the person.
//   - alias → a link event: previousId, as an anonymous ID, joins userId's
//     person (an alias of two known user IDs cannot merge two source
//     records: the engine's matcher decides merges).
//   - group → Engine.UpsertWith of an account record {System: <system>-group,
//     RecordID: groupId} with traits.name as its legal name, and the
//     person's record (userId) gains a Link to the account's profile.
//
// Times are reconciled as Segment does: receivedAt is the server's clock
// when the request arrived; a message's timestamp (when it happened, on the
// client's clock) is corrected by the client's clock skew when sentAt (the
// client's clock when it sent; a batch's sentAt applies to each message
// without one) is given: timestamp = receivedAt − (sentAt − timestamp).
// Without timestamp the event time is receivedAt. originalTimestamp,
// sentAt and receivedAt are kept in the Attributes.
//
// A call answers 200 {"success": true, …}; a single call whose message is
// refused answers 400 naming the field; a batch answers 200 listing the
// refused messages by index ("rejected") and counts the accepted and
// duplicate ones — a refused message is not worth sending again. A store
// failure answers 5xx and the client sends the batch again: the messages
// already tracked are duplicates then, so nothing is counted twice.

const (
	maxTrackCall  = 32 << 10
	maxTrackBatch = 500 << 10
)

// segmentIDs are the fields of a message that name the person.
type segmentMessage struct {
	Type              string          `json:"type"`
	MessageID         flexString      `json:"messageId"`
	UserID            flexString      `json:"userId"`
	AnonymousID       flexString      `json:"anonymousId"`
	PreviousID        flexString      `json:"previousId"`
	GroupID           flexString      `json:"groupId"`
	Event             string          `json:"event"`
	Name              string          `json:"name"`
	Category          string          `json:"category"`
	Properties        map[string]any  `json:"properties"`
	Traits            map[string]any  `json:"traits"`
	Context           map[string]any  `json:"context"`
	Timestamp         string          `json:"timestamp"`
	OriginalTimestamp string          `json:"originalTimestamp"`
	SentAt            string          `json:"sentAt"`
	Integrations      json.RawMessage `json:"integrations"`
	WriteKey          string          `json:"writeKey"`
}

// flexString is an ID that clients send as a string or a number.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*s = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("must be a string or a number")
	}
	*s = flexString(n.String())
	return nil
}

type segmentBatch struct {
	Batch    []json.RawMessage `json:"batch"`
	SentAt   string            `json:"sentAt"`
	Context  map[string]any    `json:"context"`
	WriteKey string            `json:"writeKey"`
}

// TrackResult is the body of a tracking call's answer.
type TrackResult struct {
	Success bool `json:"success"`
	// Accepted counts the messages tracked now, Duplicates those whose
	// messageId was tracked before (nothing changed).
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
	// Rejected lists the messages of a batch that were refused.
	Rejected []RejectedMessage `json:"rejected,omitempty"`
}

// RejectedMessage is a message of a batch that was refused: its index in
// the batch, its messageId and why.
type RejectedMessage struct {
	Index     int    `json:"index"`
	MessageID string `json:"messageId,omitempty"`
	Field     string `json:"field,omitempty"`
	Detail    string `json:"detail"`
}

var segmentCalls = []string{"identify", "track", "page", "screen", "group", "alias"}

func (h *handler) registerTracking() {
	for _, call := range segmentCalls {
		h.trackingRoute("POST /v1/"+call, call)
	}
	h.trackingRoute("POST /v1/batch", "batch")
	h.trackingRoute("POST /v1/import", "batch")
}

// trackingRoute registers a tracking path and its CORS preflight: browsers
// post to it from the sites' own origins. The write key is public (it
// only writes events), no cookie is involved, so any origin may post.
func (h *handler) trackingRoute(pattern, call string) {
	h.routes = append(h.routes, route{pattern: pattern, scope: ScopeTrack})
	path := strings.TrimPrefix(pattern, "POST ")
	h.routes = append(h.routes, route{pattern: "OPTIONS " + path, public: true})
	h.mux.HandleFunc("OPTIONS "+path, func(w http.ResponseWriter, r *http.Request) {
		cors(w)
		w.Header().Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		w.Header().Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
	})
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		cors(w)
		h.track(w, r, call)
	})
}

func cors(w http.ResponseWriter) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
}

func (h *handler) track(w http.ResponseWriter, r *http.Request, call string) {
	received := time.Now().UTC()
	limit := int64(maxTrackCall)
	if call == "batch" {
		limit = maxTrackBatch
	}
	// Segment's libraries send application/json; analytics.js's beacon
	// transport sends text/plain.
	mt := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]))
	if mt != "application/json" && mt != "text/plain" {
		writeProblem(w, Problem{Status: http.StatusUnsupportedMediaType, Detail: "the body must be JSON, sent with Content-Type: application/json"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if int64(len(body)) > limit {
		what := "a call's body"
		if call == "batch" {
			what = "a batch's body"
		}
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: fmt.Sprintf("%s is larger than the limit of %d KB", what, limit>>10)})
		return
	}
	secret, presented := secretOf(r)
	if !presented {
		var k struct {
			WriteKey string `json:"writeKey"`
		}
		if json.Unmarshal(body, &k) == nil && k.WriteKey != "" {
			secret, presented = k.WriteKey, true
		}
	}
	r, ok := h.authorize(w, r, ScopeTrack, secret, presented)
	if !ok {
		return
	}
	res := TrackResult{Success: true}
	if call != "batch" {
		var m segmentMessage
		if err := strictJSON(body, &m); err != nil {
			writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "the body is not a " + call + " message", Errors: []FieldProblem{{Field: "(document)", Detail: err.Error()}}})
			return
		}
		m.Type = call
		dup, field, err := h.trackMessage(r.Context(), &m, body, "", received)
		if err != nil {
			if rej, ok := asRejection(err); ok {
				h.metrics.tracked("rejected", 1)
				writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "the message was refused", Errors: []FieldProblem{{Record: string(m.MessageID), Field: field, Detail: rej}}})
				return
			}
			h.fail(w, r, err)
			return
		}
		if dup {
			res.Duplicates++
		} else {
			res.Accepted++
		}
		h.countTracked(res)
		writeJSON(w, http.StatusOK, res)
		return
	}
	var b segmentBatch
	if err := strictJSON(body, &b); err != nil {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "the body is not a batch", Errors: []FieldProblem{{Field: "(document)", Detail: err.Error()}}})
		return
	}
	var big []FieldProblem
	for i, raw := range b.Batch {
		if len(raw) > maxTrackCall {
			big = append(big, FieldProblem{Field: fmt.Sprintf("batch[%d]", i), Detail: fmt.Sprintf("the message is %d bytes, over the limit of 32 KB", len(raw))})
		}
	}
	if len(big) > 0 {
		writeProblem(w, Problem{Status: http.StatusBadRequest, Detail: "messages over the size limit: nothing was tracked", Errors: big})
		return
	}
	for i, raw := range b.Batch {
		var m segmentMessage
		field := ""
		err := strictJSON(raw, &m)
		if err == nil {
			if !slices.Contains(segmentCalls, m.Type) {
				field, err = "type", rejection(fmt.Sprintf("%q is not a message type: want one of %s", m.Type, strings.Join(segmentCalls, ", ")))
			} else {
				if m.Context == nil && b.Context != nil {
					m.Context = b.Context
				}
				var dup bool
				dup, field, err = h.trackMessage(r.Context(), &m, raw, b.SentAt, received)
				if err == nil {
					if dup {
						res.Duplicates++
					} else {
						res.Accepted++
					}
					continue
				}
			}
		} else {
			err = rejection(err.Error())
		}
		rej, ok := asRejection(err)
		if !ok {
			// The store failed: answer 5xx so that the client sends the
			// batch again (what was tracked is a duplicate then).
			h.countTracked(res)
			h.fail(w, r, err)
			return
		}
		res.Rejected = append(res.Rejected, RejectedMessage{Index: i, MessageID: string(m.MessageID), Field: field, Detail: rej})
	}
	h.countTracked(res)
	writeJSON(w, http.StatusOK, res)
}

func (h *handler) countTracked(res TrackResult) {
	h.metrics.tracked("accepted", res.Accepted)
	h.metrics.tracked("duplicate", res.Duplicates)
	h.metrics.tracked("rejected", len(res.Rejected))
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}

// rejection is an error that refuses a message (the client's fault, not
// worth sending again), as opposed to a failure of the store.
type rejection string

func (r rejection) Error() string { return string(r) }

func asRejection(err error) (string, bool) {
	var rj rejection
	switch {
	case errors.As(err, &rj):
		return string(rj), true
	case errors.Is(err, c360.ErrInvalid), errors.Is(err, customer.ErrInvalid), errors.Is(err, c360.ErrConflict):
		return err.Error(), true
	}
	return "", false
}

// trackMessage applies one message. It reports whether the message was a
// duplicate, and for a refusal the field at fault.
func (h *handler) trackMessage(ctx context.Context, m *segmentMessage, raw []byte, batchSentAt string, received time.Time) (dup bool, field string, err error) {
	if m.MessageID == "" {
		// Segment's libraries always send one; without it, the message's
		// own bytes name it, so that an exact retry is still a duplicate.
		sum := sha256.Sum256(raw)
		m.MessageID = flexString("sha256:" + hex.EncodeToString(sum[:16]))
	}
	if m.UserID == "" && m.AnonymousID == "" {
		return false, "userId", rejection("a message needs a userId or an anonymousId")
	}
	when, attrs, field, err := reconcileTime(m, batchSentAt, received)
	if err != nil {
		return false, field, err
	}
	switch m.Type {
	case "track", "page", "screen":
		ev, field, err := h.eventOf(m, when, attrs)
		if err != nil {
			return false, field, err
		}
		t, err := h.e.Track(ctx, ev)
		return t.Duplicate, "", err
	case "identify":
		return h.identify(ctx, m, when, attrs)
	case "alias":
		if m.PreviousID == "" || m.UserID == "" {
			return false, "previousId", rejection("an alias needs previousId and userId")
		}
		ev := h.linkEvent(m, string(m.PreviousID), when, attrs)
		t, err := h.e.Track(ctx, ev)
		return t.Duplicate, "", err
	case "group":
		return h.group(ctx, m, when, attrs)
	}
	return false, "type", rejection(fmt.Sprintf("unknown message type %q", m.Type))
}

// reconcileTime is the event's time, by Segment's rule, and the raw times
// to keep.
func reconcileTime(m *segmentMessage, batchSentAt string, received time.Time) (time.Time, map[string]string, string, error) {
	attrs := map[string]string{"receivedAt": received.Format(time.RFC3339Nano)}
	parse := func(name, s string) (time.Time, error) {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return t, rejection(fmt.Sprintf("%s %q is not an ISO 8601 time with a zone (2006-01-02T15:04:05.000Z)", name, s))
		}
		return t, nil
	}
	ts := m.Timestamp
	if ts == "" {
		ts = m.OriginalTimestamp
	}
	sent := m.SentAt
	if sent == "" {
		sent = batchSentAt
	}
	if ts == "" {
		return received, attrs, "", nil
	}
	t, err := parse("timestamp", ts)
	if err != nil {
		return t, nil, "timestamp", err
	}
	attrs["originalTimestamp"] = ts
	if sent == "" {
		return t, attrs, "", nil
	}
	s, err := parse("sentAt", sent)
	if err != nil {
		return t, nil, "sentAt", err
	}
	attrs["sentAt"] = sent
	return received.Add(-s.Sub(t)), attrs, "", nil
}

// segmentEventTypes maps the names of Segment's semantic events to the
// touchpoint types of the standard catalogue.
var segmentEventTypes = map[string]journey.Type{
	"Order Completed":        journey.TypeOnlinePurchase,
	"Order Refunded":         journey.TypeStoreReturn,
	"Signed Up":              journey.TypeSignUp,
	"Signed In":              journey.TypeLogin,
	"Application Installed":  journey.TypeAppInstall,
	"Coupon Applied":         journey.TypeCouponRedeemed,
	"Email Opened":           journey.TypeEmailOpen,
	"Email Link Clicked":     journey.TypeEmailClick,
	"Unsubscribed":           journey.TypeUnsubscribe,
	"Survey Submitted":       journey.TypeSurveyAnswered,
	"Live Chat Message Sent": journey.TypeChat,
	"Ad Clicked":             journey.TypeAdClick,
}

func (h *handler) eventType(name string) journey.Type {
	if t, ok := h.eventTypes[name]; ok {
		return t
	}
	if t, ok := segmentEventTypes[name]; ok {
		return t
	}
	return journey.Type(snake(name))
}

// snake writes an event name in the catalogue's spelling: "Online
// Purchase" → "online_purchase".
func snake(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(unicode.ToLower(r))
		default:
			sep = true
		}
	}
	return b.String()
}

// identifiers names the message's person for Track.
func (h *handler) identifiers(m *segmentMessage) []customer.Identifier {
	var ids []customer.Identifier
	if m.UserID != "" {
		ids = append(ids, customer.Identifier{Scheme: customer.SourceScheme + h.system, Value: string(m.UserID)})
	}
	if tr, ok := m.Context["traits"].(map[string]any); ok {
		if s := str(tr["email"]); s != "" {
			ids = append(ids, customer.Identifier{Scheme: "email", Value: s})
		}
		if s := str(tr["phone"]); s != "" {
			ids = append(ids, customer.Identifier{Scheme: "phone", Value: s})
		}
	}
	return ids
}

func (h *handler) eventOf(m *segmentMessage, when time.Time, attrs map[string]string) (journey.Event, string, error) {
	ev := journey.Event{
		ID: string(m.MessageID), AnonymousID: string(m.AnonymousID), Identifiers: h.identifiers(m),
		Channel: customer.ChannelWeb, Time: when, Source: h.system, Attributes: attrs,
	}
	switch m.Type {
	case "track":
		if strings.TrimSpace(m.Event) == "" {
			return ev, "event", rejection("a track message needs an event name")
		}
		// A name that maps to no type of the engine's catalogue is
		// refused by Track (ErrInvalid naming Type): map it in
		// Config.EventTypes or add the type to the catalogue.
		ev.Type = h.eventType(m.Event)
		attrs["event"] = m.Event
		if isApp(m.Context) {
			ev.Channel = customer.ChannelApp
		}
	case "page", "screen":
		ev.Type = journey.TypeWebVisit
		if m.Type == "screen" {
			ev.Channel = customer.ChannelApp
		}
		if m.Name != "" {
			attrs["name"] = m.Name
		}
		if m.Category != "" {
			attrs["category"] = m.Category
		}
	}
	attrs["segment.type"] = m.Type
	flatten(attrs, "properties", m.Properties)
	flatten(attrs, "context", m.Context)
	if c, ok := m.Context["campaign"].(map[string]any); ok {
		ev.Campaign = str(c["name"])
	}
	money, err := moneyOf(m.Properties)
	if err != nil {
		return ev, "properties.revenue", err
	}
	ev.Value = money
	return ev, "", nil
}

func isApp(ctx map[string]any) bool {
	if _, ok := ctx["app"]; ok {
		return true
	}
	if d, ok := ctx["device"].(map[string]any); ok {
		switch strings.ToLower(str(d["type"])) {
		case "ios", "android":
			return true
		}
	}
	return false
}

// linkEvent is the event that joins an anonymous ID to userId's person.
func (h *handler) linkEvent(m *segmentMessage, anon string, when time.Time, attrs map[string]string) journey.Event {
	attrs["segment.type"] = m.Type
	flatten(attrs, "context", m.Context)
	return journey.Event{
		ID: string(m.MessageID), AnonymousID: anon, Identifiers: h.identifiers(m),
		Type: h.identifyType, Channel: customer.ChannelWeb, Time: when, Source: h.system, Attributes: attrs,
	}
}

// moneyOf reads properties.revenue (else total, else value) and currency
// (USD when absent, as Segment's specification says) as Money in the
// currency's minor unit.
func moneyOf(p map[string]any) (journey.Money, error) {
	var amount any
	for _, k := range []string{"revenue", "total", "value"} {
		if v, ok := p[k]; ok && v != nil {
			amount = v
			break
		}
	}
	if amount == nil {
		return journey.Money{}, nil
	}
	f, err := strconv.ParseFloat(str(amount), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return journey.Money{}, rejection(fmt.Sprintf("revenue %v is not a number", amount))
	}
	cur := strings.ToUpper(str(p["currency"]))
	if cur == "" {
		cur = "USD"
	}
	minor := math.Round(f * math.Pow10(minorDigits(cur)))
	if math.Abs(minor) > 1<<53 {
		return journey.Money{}, rejection(fmt.Sprintf("revenue %v is out of range", amount))
	}
	return journey.Money{Amount: int64(minor), Currency: cur}, nil
}

// minorDigits is the number of digits of a currency's minor unit (ISO
// 4217): 0 for the yen and a few others, 3 for some dinars, else 2.
func minorDigits(cur string) int {
	switch cur {
	case "JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF", "XPF", "KMF", "GNF", "RWF", "VUV", "DJF", "BIF":
		return 0
	case "BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD":
		return 3
	}
	return 2
}

// flatten writes a JSON object into attrs as prefix.key = text.
func flatten(attrs map[string]string, prefix string, v any) {
	switch x := v.(type) {
	case nil:
	case map[string]any:
		for k, c := range x {
			flatten(attrs, prefix+"."+k, c)
		}
	case []any:
		b, _ := json.Marshal(x)
		attrs[prefix] = string(b)
	default:
		attrs[prefix] = str(x)
	}
}

// str is a JSON scalar as text.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// upsertEdited changes the source record k where it is stored
// (Engine.UpsertWith: read, edit and write in one step, so that two calls
// for one person at the same time, on this server or a replica, keep each
// other's traits). A record edit leaves as it was is not written: the
// message was sent again. The record is dated when it changes. It
// returns the profile holding the record and whether it was written.
func (h *handler) upsertEdited(ctx context.Context, k customer.RecordKey, kind customer.Kind, when time.Time, edit func(rec *customer.SourceRecord)) (customer.ID, bool, error) {
	up, err := h.e.UpsertWith(ctx, k, kind, func(rec *customer.SourceRecord, existed bool) error {
		before, _ := json.Marshal(rec.Facts)
		edit(rec)
		if after, _ := json.Marshal(rec.Facts); !existed || !bytes.Equal(before, after) {
			rec.UpdatedAt = when
		}
		return nil
	})
	if err != nil {
		return "", false, err
	}
	h.metrics.outcome(up.Outcome.String()) // "unchanged" too, as POST /v1/records counts it
	return up.Profile, up.Outcome != c360.Unchanged, nil
}

func (h *handler) identify(ctx context.Context, m *segmentMessage, when time.Time, attrs map[string]string) (bool, string, error) {
	k := customer.RecordKey{System: h.system, RecordID: string(m.UserID)}
	if m.UserID == "" {
		k = customer.RecordKey{System: h.system + "-anonymous", RecordID: string(m.AnonymousID)}
	}
	changed := false
	if len(m.Traits) > 0 || m.UserID != "" {
		var err error
		_, changed, err = h.upsertEdited(ctx, k, customer.KindPerson, when, func(rec *customer.SourceRecord) { applyTraits(rec, m.Traits) })
		if err != nil {
			return false, "traits", err
		}
	}
	if m.AnonymousID == "" {
		return !changed, "", nil
	}
	ev := h.linkEvent(m, string(m.AnonymousID), when, attrs)
	if m.UserID == "" {
		ev.Identifiers = []customer.Identifier{{Scheme: customer.SourceScheme + k.System, Value: k.RecordID}}
	}
	t, err := h.e.Track(ctx, ev)
	return t.Duplicate && !changed, "", err
}

func (h *handler) group(ctx context.Context, m *segmentMessage, when time.Time, attrs map[string]string) (bool, string, error) {
	if m.GroupID == "" {
		return false, "groupId", rejection("a group message needs a groupId")
	}
	ak := customer.RecordKey{System: h.system + "-group", RecordID: string(m.GroupID)}
	acctID, changed, err := h.upsertEdited(ctx, ak, customer.KindAccount, when, func(acct *customer.SourceRecord) {
		if n := str(m.Traits["name"]); n != "" {
			acct.LegalName = n
		}
		for k, v := range m.Traits {
			switch k {
			case "name":
			case "email", "phone", "address", "website":
				addContact(acct, k, v)
			default:
				setAttr(acct, "traits."+k, v)
			}
		}
		if acct.LegalName == "" {
			acct.LegalName = string(m.GroupID)
		}
	})
	if err != nil {
		return false, "traits", err
	}
	if m.UserID == "" {
		return !changed, "", nil
	}
	pk := customer.RecordKey{System: h.system, RecordID: string(m.UserID)}
	_, pchanged, err := h.upsertEdited(ctx, pk, customer.KindPerson, when, func(person *customer.SourceRecord) {
		if !slices.ContainsFunc(person.Links, func(l customer.Link) bool { return l.Profile == acctID }) {
			person.Links = append(person.Links, customer.Link{Profile: acctID})
		}
	})
	if err != nil {
		return false, "userId", err
	}
	return !changed && !pchanged, "", nil
}

// applyTraits merges Segment's reserved traits into a person's record;
// other traits become custom attributes "traits.<name>".
func applyTraits(rec *customer.SourceRecord, traits map[string]any) {
	first, last := str(traits["firstName"]), str(traits["lastName"])
	if first != "" || last != "" {
		rec.Name.Given, rec.Name.Family = first, last
	} else if n := strings.TrimSpace(str(traits["name"])); n != "" {
		rec.Name.Family, rec.Name.Given = splitName(n)
	}
	if rec.Name.Family != "" && isLatin(rec.Name.Family+rec.Name.Given) {
		rec.Name.Latin = strings.TrimSpace(rec.Name.Given + " " + rec.Name.Family)
	}
	fk, gk := str(traits["lastNameKana"]), str(traits["firstNameKana"])
	if fk != "" || gk != "" {
		rec.Name.FamilyKana, rec.Name.GivenKana = fk, gk
	} else if nk := strings.TrimSpace(str(traits["nameKana"])); nk != "" {
		rec.Name.FamilyKana, rec.Name.GivenKana = splitName(nk)
	}
	if b := str(traits["birthday"]); len(b) >= 10 {
		if d, err := customer.ParseDate(b[:10]); err == nil {
			rec.BirthDate = d
		}
	}
	for k, v := range traits {
		switch k {
		case "name", "firstName", "lastName", "nameKana", "firstNameKana", "lastNameKana", "birthday":
		case "email", "phone", "address":
			addContact(rec, k, v)
		default:
			setAttr(rec, "traits."+k, v)
		}
	}
}

// splitName splits a full name written with a space: Japanese order for
// Japanese script (山田 太郎), Western order for Latin (Taro Yamada). A
// Japanese name without a space is split where normalize finds the
// boundary when that keeps the text as written, else kept whole as the
// family name.
func splitName(n string) (family, given string) {
	parts := strings.Fields(n)
	switch {
	case len(parts) > 1 && isLatin(n):
		return parts[len(parts)-1], strings.Join(parts[:len(parts)-1], " ")
	case len(parts) > 1:
		return parts[0], strings.Join(parts[1:], " ")
	}
	if p, err := normalize.ParsePersonName(n); err == nil && !p.Latin && p.Family+p.Given == n {
		return p.Family, p.Given
	}
	return n, ""
}

func addContact(rec *customer.SourceRecord, kind string, v any) {
	var t customer.ContactType
	val := str(v)
	switch kind {
	case "email":
		t = customer.ContactEmail
	case "phone":
		t = customer.ContactPhone
	case "address":
		t = customer.ContactPostal
		if a, ok := v.(map[string]any); ok {
			var parts []string
			for _, k := range []string{"postalCode", "country", "state", "city", "street"} {
				if s := str(a[k]); s != "" {
					parts = append(parts, s)
				}
			}
			val = strings.Join(parts, " ")
		}
	case "website":
		setAttr(rec, "traits.website", v)
		return
	}
	if val == "" {
		return
	}
	for i, cp := range rec.ContactPoints {
		if cp.Type == t {
			if cp.Value != val {
				rec.ContactPoints[i].Value = val
				rec.ContactPoints[i].Validity = customer.ValidityUnknown
				rec.ContactPoints[i].VerifiedAt = time.Time{}
			}
			return
		}
	}
	rec.ContactPoints = append(rec.ContactPoints, customer.ContactPoint{Type: t, Value: val, Primary: true})
}

func setAttr(rec *customer.SourceRecord, key string, v any) {
	var val customer.Value
	switch x := v.(type) {
	case nil:
		delete(rec.Attributes, key)
		return
	case bool:
		val = customer.BoolValue(x)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			val = customer.IntValue(i)
		} else if f, err := x.Float64(); err == nil {
			val = customer.FloatValue(f)
		} else {
			val = customer.StringValue(x.String())
		}
	case string:
		val = customer.StringValue(x)
	default:
		b, _ := json.Marshal(x)
		val = customer.StringValue(string(b))
	}
	if rec.Attributes == nil {
		rec.Attributes = map[string]customer.Value{}
	}
	rec.Attributes[key] = val
}
