package server

import (
	"math"
	"net/url"
	"strconv"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
)

// The response bodies, exported so that a Go client can decode them.

// ProfileResponse is the body of GET /v1/profiles/{id}. RedirectedFrom is
// the ID asked for when it was absorbed by a merge and Profile is the
// survivor; it is empty when the ID is current.
type ProfileResponse struct {
	Profile        *customer.Profile `json:"profile"`
	RedirectedFrom customer.ID       `json:"redirected_from,omitempty"`
}

// Profiles is the body of a search (GET /v1/profiles?email=…): the current
// profiles holding the identifier, in ID order; empty when none does.
type Profiles struct {
	Profiles []*customer.Profile `json:"profiles"`
}

// Update is the body of an upsert, a confirm and an unmerge: what the
// engine did (c360.Update).
type Update struct {
	// Outcome is unchanged, created, joined, merged, held or updated.
	Outcome  string             `json:"outcome"`
	Profile  customer.ID        `json:"profile"`
	Absorbed []customer.ID      `json:"absorbed,omitempty"`
	Left     customer.ID        `json:"left,omitempty"`
	Match    *Explanation       `json:"match,omitempty"`
	Reviews  []Review           `json:"reviews,omitempty"`
	Rebuilt  []customer.ID      `json:"rebuilt,omitempty"`
	Fields   []c360.FieldChange `json:"fields,omitempty"`
	// Cursor is the change feed position of the last change written (0
	// when nothing changed).
	Cursor c360.Cursor `json:"cursor"`
}

func newUpdate(u c360.Update) Update {
	out := Update{
		Outcome: u.Outcome.String(), Profile: u.Profile, Absorbed: u.Absorbed, Left: u.Left,
		Rebuilt: u.Rebuilt, Fields: u.Fields, Cursor: u.Cursor,
	}
	if u.Match != nil {
		x := newExplanation(*u.Match)
		out.Match = &x
	}
	for _, r := range u.Reviews {
		out.Reviews = append(out.Reviews, newReview(r))
	}
	return out
}

// Review is an open review item (c360.Review).
type Review struct {
	ID        string             `json:"id"`
	Record    customer.RecordKey `json:"record"`
	Candidate customer.RecordKey `json:"candidate"`
	Match     Explanation        `json:"match"`
	CreatedAt time.Time          `json:"created_at"`
}

func newReview(r c360.Review) Review {
	return Review{ID: r.ID, Record: r.Record, Candidate: r.Candidate, Match: newExplanation(r.Match), CreatedAt: r.CreatedAt}
}

// ReviewItem is a review item with both sides as they are now
// (c360.ReviewItem): the profile and source record of each.
type ReviewItem struct {
	Review
	RecordProfile    customer.ID            `json:"record_profile"`
	CandidateProfile customer.ID            `json:"candidate_profile"`
	RecordSource     *customer.SourceRecord `json:"record_source,omitempty"`
	CandidateSource  *customer.SourceRecord `json:"candidate_source,omitempty"`
}

func newReviewItem(it c360.ReviewItem) ReviewItem {
	return ReviewItem{
		Review:        newReview(it.Review),
		RecordProfile: it.RecordProfile, CandidateProfile: it.CandidateProfile,
		RecordSource: it.RecordSource, CandidateSource: it.CandidateSource,
	}
}

// Reviews is the body of GET /v1/reviews, in review ID order.
type Reviews struct {
	Reviews []ReviewItem `json:"reviews"`
}

// Explanation says why two records scored what they did
// (match.Explanation). Weights are in bits; a deterministic rule's match
// has weight "+Inf" (a non-match "-Inf"), written as a string because JSON
// has no infinite number.
type Explanation struct {
	A           string         `json:"a"`
	B           string         `json:"b"`
	Prior       Float          `json:"prior"`
	Weight      Float          `json:"weight"`
	Probability Float          `json:"probability"`
	Fields      []Contribution `json:"fields,omitempty"`
	Rule        string         `json:"rule,omitempty"`
	Limit       string         `json:"limit,omitempty"`
}

// Contribution is one field's part of a match weight (match.Contribution):
// the comparison level and the normalised values compared.
type Contribution struct {
	Field  string `json:"field"`
	Level  string `json:"level"`
	Weight Float  `json:"weight"`
	A      string `json:"a"`
	B      string `json:"b"`
}

func newExplanation(x match.Explanation) Explanation {
	out := Explanation{A: x.A, B: x.B, Prior: Float(x.Prior), Weight: Float(x.Weight), Probability: Float(x.Probability), Rule: x.Rule, Limit: x.Limit}
	for _, c := range x.Fields {
		out.Fields = append(out.Fields, Contribution{Field: c.Field, Level: c.Level, Weight: Float(c.Weight), A: c.A, B: c.B})
	}
	return out
}

// Float is a number that may be infinite: a JSON number when finite, the
// string "+Inf" or "-Inf" when not (and "NaN").
type Float float64

// MarshalJSON writes f as a number, or as a string when it is not finite.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsInf(v, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Inf"`), nil
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (f *Float) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*f = Float(v)
	return nil
}

// ChangesPage is the body of GET /v1/changes: the changes after the cursor
// asked for, in order; Next, the cursor to ask from next time (the last
// change's, or the one asked for when there is none); More, whether more
// changes were already committed after this page.
type ChangesPage struct {
	Changes []c360.Change `json:"changes"`
	Next    c360.Cursor   `json:"next"`
	More    bool          `json:"more"`
}

func pathEscape(s string) string { return url.PathEscape(s) }
