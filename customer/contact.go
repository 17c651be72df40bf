package customer

import "time"

// ContactPoint is one way to reach a customer: an e-mail address, a phone
// number, a postal address, a LINE ID, another messaging ID or a social
// handle. Validity and VerifiedAt make stale contact data visible: see Stale.
type ContactPoint struct {
	Type       ContactType `json:"type"`
	Value      string      `json:"value"`             // as given; normalise before matching
	Label      string      `json:"label,omitempty"`   // free text: "home", "work", "mobile", …
	Service    string      `json:"service,omitempty"` // messaging/social: the network, e.g. "instagram"
	Primary    bool        `json:"primary,omitempty"` // the preferred point of its type
	Validity   Validity    `json:"validity"`
	VerifiedAt time.Time   `json:"verified_at,omitzero"` // when Validity was last established
}

// Stale reports whether the contact point can no longer be trusted at time
// at: it is invalid or undeliverable, was never verified, or was last
// verified more than maxAge before at. A maxAge of 0 means only the validity
// state counts.
func (c ContactPoint) Stale(at time.Time, maxAge time.Duration) bool {
	switch c.Validity {
	case ValidityInvalid, ValidityUndeliverable:
		return true
	case ValidityUnknown:
		return maxAge > 0 || c.VerifiedAt.IsZero()
	}
	if maxAge <= 0 {
		return false
	}
	return c.VerifiedAt.IsZero() || at.Sub(c.VerifiedAt) > maxAge
}

// key identifies a contact point for de-duplication: type, service and value.
func (c ContactPoint) key() string {
	return c.Type.String() + ":" + c.Service + ":" + c.Value
}
