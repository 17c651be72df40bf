package customer

import (
	"encoding/json"
	"slices"
	"time"
)

// ConsentEntry is one statement of consent: the customer said yes or no to
// being contacted on Channel for Purpose, through Contact (or every contact
// point of the channel when Contact is ""), at CapturedAt, until ExpiresAt.
type ConsentEntry struct {
	Channel    Channel       `json:"channel"`
	Purpose    Purpose       `json:"purpose"`
	Contact    string        `json:"contact,omitempty"` // contact point value; "" = whole channel
	Status     ConsentStatus `json:"status"`
	CapturedAt time.Time     `json:"captured_at"`
	ExpiresAt  time.Time     `json:"expires_at,omitzero"` // zero: does not expire
	Source     string        `json:"source,omitempty"`    // system that captured it, e.g. "webshop"
	Method     string        `json:"method,omitempty"`    // how: "web_form", "double_opt_in", "paper", "call", …
	Evidence   string        `json:"evidence,omitempty"`  // reference to proof: form ID, recording, …
	Record     *RecordKey    `json:"record,omitempty"`    // the source record it came from, if any
}

// UnmarshalJSON decodes an entry; a channel that is not a contact channel
// (Channel.Contact) is a *ValueError, as an unknown purpose or status is.
func (e *ConsentEntry) UnmarshalJSON(b []byte) error {
	type plain ConsentEntry
	var d plain
	if err := json.Unmarshal(b, &d); err != nil {
		return err
	}
	if !d.Channel.Contact() {
		return &ValueError{Field: "channel", Value: string(d.Channel), Reason: "not a contact channel (" + joinChannels(channels) + ")"}
	}
	*e = ConsentEntry(d)
	return nil
}

// ConsentPolicy decides between sources that disagree about consent.
type ConsentPolicy int

// Consent policies. The zero value is ConsentMostRestrictive.
const (
	// ConsentMostRestrictive: if any source's current statement is opt-out,
	// the answer is opt-out.
	ConsentMostRestrictive ConsentPolicy = iota // "most_restrictive"
	// ConsentMostRecent: the most recent statement of any source wins.
	ConsentMostRecent // "most_recent"
)

var consentPolicyNames = []string{"most_restrictive", "most_recent"}

// String returns the JSON name of p.
func (p ConsentPolicy) String() string { return enumText(consentPolicyNames, int(p)) }

// MarshalText encodes p as its name.
func (p ConsentPolicy) MarshalText() ([]byte, error) {
	return marshalEnum("policy", consentPolicyNames, int(p))
}

// UnmarshalText decodes a name; an unknown name is a *ValueError.
func (p *ConsentPolicy) UnmarshalText(b []byte) error {
	n, err := parseEnum("policy", consentPolicyNames, b)
	*p = ConsentPolicy(n)
	return err
}

// ConsentLedger is the history of consent statements of one customer. Entries
// are never overwritten: a change of mind is a new entry. The zero ledger is
// empty and answers ConsentUnknown.
type ConsentLedger struct {
	Entries []ConsentEntry `json:"entries,omitempty"`
	// Policy decides between sources that disagree; the zero value is
	// ConsentMostRestrictive.
	Policy ConsentPolicy `json:"policy,omitempty"`
}

// IsZero reports whether the ledger is empty with the default policy.
func (l ConsentLedger) IsZero() bool { return len(l.Entries) == 0 && l.Policy == 0 }

// Add appends an entry.
func (l *ConsentLedger) Add(e ConsentEntry) { l.Entries = append(l.Entries, e) }

func (l ConsentLedger) clone() ConsentLedger {
	out := l
	if l.Entries != nil {
		out.Entries = make([]ConsentEntry, len(l.Entries))
		for i, e := range l.Entries {
			if e.Record != nil {
				k := *e.Record
				e.Record = &k
			}
			out.Entries[i] = e
		}
	}
	return out
}

// Status answers "may we send on channel ch for purpose p through contact at
// time at?". A nil ledger answers ConsentUnknown.
//
// Entries count when they are for ch and p, cover the contact (their Contact
// is contact or ""), and were captured at or before at. Within one source
// (ConsentEntry.Source) the latest entry stands, an opt-out winning a tie; an
// entry that has expired by at makes that source's answer ConsentUnknown.
// The sources' answers are then combined by the ledger's Policy: with
// ConsentMostRestrictive any opt-out gives ConsentOptOut, else any opt-in
// gives ConsentOptIn; with ConsentMostRecent the latest statement of any
// source stands.
//
// Contacts are compared exactly, so callers record and ask with the same
// normalised form (e.g. a lower-cased e-mail address, a phone in E.164).
//
// With contact "" the question is "through any contact point of the
// channel": the answer is ConsentOptIn if some contact point (or the channel
// as a whole) is opted in, else ConsentOptOut if some statement opted out,
// else ConsentUnknown.
func (l *ConsentLedger) Status(ch Channel, p Purpose, contact string, at time.Time) ConsentStatus {
	if l == nil || len(l.Entries) == 0 {
		return ConsentUnknown
	}
	if contact != "" {
		return l.statusFor(ch, p, contact, at)
	}
	contacts := []string{""}
	for _, e := range l.Entries {
		if e.Channel == ch && e.Purpose == p && e.Contact != "" && !slices.Contains(contacts, e.Contact) {
			contacts = append(contacts, e.Contact)
		}
	}
	out := ConsentUnknown
	for _, c := range contacts {
		switch l.statusFor(ch, p, c, at) {
		case ConsentOptIn:
			return ConsentOptIn
		case ConsentOptOut:
			out = ConsentOptOut
		}
	}
	return out
}

// statusFor answers for one contact ("" = entries for the whole channel only).
// It keeps, per source in the order sources first appear, the index of
// that source's standing entry: a short list searched in place (a ledger
// has few sources), so that an answer allocates nothing.
func (l *ConsentLedger) statusFor(ch Channel, p Purpose, contact string, at time.Time) ConsentStatus {
	type standing struct {
		source string
		i      int // index of the source's latest entry
	}
	var buf [8]standing
	bySource := buf[:0]
	for i := range l.Entries {
		e := &l.Entries[i]
		if e.Channel != ch || e.Purpose != p || (e.Contact != "" && e.Contact != contact) || e.CapturedAt.After(at) {
			continue
		}
		k := slices.IndexFunc(bySource, func(s standing) bool { return s.source == e.Source })
		if k < 0 {
			bySource = append(bySource, standing{e.Source, i})
			continue
		}
		cur := &l.Entries[bySource[k].i]
		if e.CapturedAt.After(cur.CapturedAt) || (e.CapturedAt.Equal(cur.CapturedAt) && e.Status == ConsentOptOut) {
			bySource[k].i = i
		}
	}
	answer := func(e *ConsentEntry) ConsentStatus {
		if !e.ExpiresAt.IsZero() && !at.Before(e.ExpiresAt) {
			return ConsentUnknown
		}
		return e.Status
	}
	if l.Policy == ConsentMostRecent {
		var best *ConsentEntry
		for _, s := range bySource {
			e := &l.Entries[s.i]
			if best == nil || e.CapturedAt.After(best.CapturedAt) ||
				(e.CapturedAt.Equal(best.CapturedAt) && e.Status == ConsentOptOut) {
				best = e
			}
		}
		if best == nil {
			return ConsentUnknown
		}
		return answer(best)
	}
	out := ConsentUnknown
	for _, s := range bySource {
		switch answer(&l.Entries[s.i]) {
		case ConsentOptOut:
			return ConsentOptOut
		case ConsentOptIn:
			out = ConsentOptIn
		}
	}
	return out
}
