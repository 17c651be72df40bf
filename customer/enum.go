package customer

import (
	"slices"
	"strconv"
)

// This file holds the closed vocabularies of the data model. Each enum has a
// String method and text (un)marshalling; decoding an unknown name fails with
// a *ValueError naming the field.

func enumText(names []string, v int) string {
	if v < 0 || v >= len(names) {
		return "invalid"
	}
	return names[v]
}

func marshalEnum(field string, names []string, v int) ([]byte, error) {
	if v < 0 || v >= len(names) {
		return nil, &ValueError{Field: field, Value: strconv.Itoa(v), Reason: "unknown value"}
	}
	return []byte(names[v]), nil
}

func parseEnum(field string, names []string, text []byte) (int, error) {
	if i := slices.Index(names, string(text)); i >= 0 {
		return i, nil
	}
	return 0, &ValueError{Field: field, Value: string(text), Reason: "unknown value"}
}

// Kind tells a person from an account (a business customer).
type Kind int

// Kinds of profile. The zero value, KindUnknown, fails validation.
const (
	KindUnknown Kind = iota // "unknown"
	KindPerson              // "person"
	KindAccount             // "account"
)

var kindNames = []string{"unknown", "person", "account"}

// String returns the JSON name of k.
func (k Kind) String() string { return enumText(kindNames, int(k)) }

// MarshalText encodes k as its name.
func (k Kind) MarshalText() ([]byte, error) { return marshalEnum("kind", kindNames, int(k)) }

// UnmarshalText decodes a name; an unknown name is a *ValueError.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := parseEnum("kind", kindNames, b)
	*k = Kind(v)
	return err
}

// ContactType is the kind of a contact point.
type ContactType int

// Contact point types. The zero value, ContactUnknown, fails validation.
const (
	ContactUnknown   ContactType = iota // "unknown"
	ContactEmail                        // "email": an e-mail address
	ContactPhone                        // "phone": a telephone number (fixed or mobile)
	ContactPostal                       // "postal": a postal address
	ContactLINE                         // "line": a LINE user ID
	ContactMessaging                    // "messaging": another messaging ID; Service names it
	ContactSocial                       // "social": a social-media handle; Service names the network
)

var contactTypeNames = []string{"unknown", "email", "phone", "postal", "line", "messaging", "social"}

// String returns the JSON name of t.
func (t ContactType) String() string { return enumText(contactTypeNames, int(t)) }

// MarshalText encodes t as its name.
func (t ContactType) MarshalText() ([]byte, error) {
	return marshalEnum("type", contactTypeNames, int(t))
}

// UnmarshalText decodes a name; an unknown name is a *ValueError.
func (t *ContactType) UnmarshalText(b []byte) error {
	v, err := parseEnum("type", contactTypeNames, b)
	*t = ContactType(v)
	return err
}

// Channel returns the consent channel that governs messages sent to a contact
// point of type t, or "" when there is none (postal addresses map to
// ChannelDirectMail, phones to ChannelPhone; SMS consent is asked for
// explicitly with ChannelSMS).
func (t ContactType) Channel() Channel {
	switch t {
	case ContactEmail:
		return ChannelEmail
	case ContactPhone:
		return ChannelPhone
	case ContactPostal:
		return ChannelDirectMail
	case ContactLINE:
		return ChannelLINE
	}
	return ""
}

// Validity is what is known about whether a contact point works.
type Validity int

// Validity states. The zero value, ValidityUnknown, means never checked.
const (
	ValidityUnknown       Validity = iota // "unknown": never verified
	ValidityValid                         // "valid": verified to work (see VerifiedAt)
	ValidityInvalid                       // "invalid": malformed or known not to exist
	ValidityUndeliverable                 // "undeliverable": bounced, returned or disconnected
)

var validityNames = []string{"unknown", "valid", "invalid", "undeliverable"}

// String returns the JSON name of v.
func (v Validity) String() string { return enumText(validityNames, int(v)) }

// MarshalText encodes v as its name.
func (v Validity) MarshalText() ([]byte, error) {
	return marshalEnum("validity", validityNames, int(v))
}

// UnmarshalText decodes a name; an unknown name is a *ValueError.
func (v *Validity) UnmarshalText(b []byte) error {
	n, err := parseEnum("validity", validityNames, b)
	*v = Validity(n)
	return err
}

// Role is what a person is to an account.
type Role int

// Roles of a person at an account. RoleDecisionMaker and RoleBuyer hold
// buying authority (see Role.BuyingAuthority).
const (
	RoleContact       Role = iota // "contact": a contact without a more specific role
	RoleDecisionMaker             // "decision_maker": decides purchases
	RoleBuyer                     // "buyer": places and signs off orders
	RoleInfluencer                // "influencer": shapes decisions without making them
	RoleUser                      // "user": uses the products
	RoleBilling                   // "billing": receives invoices
	RoleTechnical                 // "technical": technical contact
)

var roleNames = []string{"contact", "decision_maker", "buyer", "influencer", "user", "billing", "technical"}

// String returns the JSON name of r.
func (r Role) String() string { return enumText(roleNames, int(r)) }

// BuyingAuthority reports whether a person in role r may buy for the account.
func (r Role) BuyingAuthority() bool { return r == RoleDecisionMaker || r == RoleBuyer }

// MarshalText encodes r as its name.
func (r Role) MarshalText() ([]byte, error) { return marshalEnum("role", roleNames, int(r)) }

// UnmarshalText decodes a name; an unknown name is a *ValueError.
func (r *Role) UnmarshalText(b []byte) error {
	n, err := parseEnum("role", roleNames, b)
	*r = Role(n)
	return err
}

// Channel is the place or medium through which a customer is reached or
// acts. It is the one channel vocabulary of the SDK: consent is recorded per
// channel here, journey's touchpoints and send gate use it, and segment's
// activation picks one.
//
// The contact channels (e-mail, SMS, phone, direct mail, push, LINE) carry
// messages; consent is recorded for them only (Contact reports which). The
// other standard channels (store, web, app, social, advertising) are where
// touchpoints happen. A host may use further channel names for touchpoints
// (journey.Catalog.AddChannel); any name encodes as text, and validation
// says where a name is not acceptable.
type Channel string

// Contact channels: consent is recorded per contact channel.
const (
	ChannelEmail      Channel = "email"
	ChannelSMS        Channel = "sms"
	ChannelPhone      Channel = "phone"
	ChannelDirectMail Channel = "direct_mail"
	ChannelPush       Channel = "push"
	ChannelLINE       Channel = "line"
)

// Touchpoint channels: where a customer acts; no consent is recorded for them.
const (
	ChannelStore       Channel = "store"
	ChannelWeb         Channel = "web"
	ChannelApp         Channel = "app"
	ChannelSocial      Channel = "social"
	ChannelAdvertising Channel = "advertising"
)

var channels = []Channel{ChannelEmail, ChannelSMS, ChannelPhone, ChannelDirectMail, ChannelPush, ChannelLINE}

var touchpointChannels = []Channel{ChannelStore, ChannelWeb, ChannelApp, ChannelSocial, ChannelAdvertising}

// Channels returns every standard channel: the contact channels, then the
// touchpoint channels.
func Channels() []Channel { return slices.Concat(channels, touchpointChannels) }

// Contact reports whether c is a contact channel, one that carries messages
// and for which consent is recorded.
func (c Channel) Contact() bool { return slices.Contains(channels, c) }

// Valid reports whether c is a standard channel (a contact or a touchpoint
// channel).
func (c Channel) Valid() bool { return c.Contact() || slices.Contains(touchpointChannels, c) }

// String returns c as text.
func (c Channel) String() string { return string(c) }

// Purpose is why the company processes data or contacts the customer.
type Purpose string

// Processing purposes.
const (
	PurposeMarketing     Purpose = "marketing"     // promotions, newsletters, offers
	PurposeTransactional Purpose = "transactional" // order and delivery messages
	PurposeService       Purpose = "service"       // support and service follow-up
	PurposeAnalytics     Purpose = "analytics"     // measurement and reporting
	PurposeProfiling     Purpose = "profiling"     // personalisation and segmentation
	PurposeThirdParty    Purpose = "third_party"   // sharing with third parties
)

var purposes = []Purpose{PurposeMarketing, PurposeTransactional, PurposeService, PurposeAnalytics, PurposeProfiling, PurposeThirdParty}

// Purposes returns every known purpose.
func Purposes() []Purpose { return slices.Clone(purposes) }

// Valid reports whether p is a known purpose.
func (p Purpose) Valid() bool { return slices.Contains(purposes, p) }

// String returns p as text.
func (p Purpose) String() string { return string(p) }

// MarshalText encodes p; an unknown purpose is a *ValueError.
func (p Purpose) MarshalText() ([]byte, error) {
	if !p.Valid() {
		return nil, &ValueError{Field: "purpose", Value: string(p), Reason: "unknown value"}
	}
	return []byte(p), nil
}

// UnmarshalText decodes a purpose name; an unknown name is a *ValueError.
func (p *Purpose) UnmarshalText(b []byte) error {
	if !Purpose(b).Valid() {
		return &ValueError{Field: "purpose", Value: string(b), Reason: "unknown value"}
	}
	*p = Purpose(b)
	return nil
}

// ConsentStatus is the answer to "may we?".
type ConsentStatus int

// Consent statuses. The zero value is ConsentUnknown: no usable statement.
const (
	ConsentUnknown ConsentStatus = iota // "unknown"
	ConsentOptIn                        // "opt_in"
	ConsentOptOut                       // "opt_out"
)

var consentNames = []string{"unknown", "opt_in", "opt_out"}

// String returns the JSON name of s.
func (s ConsentStatus) String() string { return enumText(consentNames, int(s)) }

// MarshalText encodes s as its name.
func (s ConsentStatus) MarshalText() ([]byte, error) {
	return marshalEnum("status", consentNames, int(s))
}

// UnmarshalText decodes a name; an unknown name is a *ValueError.
func (s *ConsentStatus) UnmarshalText(b []byte) error {
	n, err := parseEnum("status", consentNames, b)
	*s = ConsentStatus(n)
	return err
}

// ValueType is the type of a custom attribute value.
type ValueType int

// Custom attribute value types. The zero value, TypeNone, is an empty Value.
const (
	TypeNone   ValueType = iota // "none"
	TypeString                  // "string"
	TypeInt                     // "int": a signed 64-bit integer
	TypeFloat                   // "float": a finite float64
	TypeBool                    // "bool"
	TypeTime                    // "time": an instant, RFC 3339 in JSON
	TypeList                    // "list": a list of strings
)

var valueTypeNames = []string{"none", "string", "int", "float", "bool", "time", "list"}

// String returns the JSON name of t.
func (t ValueType) String() string { return enumText(valueTypeNames, int(t)) }

// MarshalText encodes t as its name.
func (t ValueType) MarshalText() ([]byte, error) {
	return marshalEnum("type", valueTypeNames, int(t))
}

// UnmarshalText decodes a name; an unknown name is a *ValueError.
func (t *ValueType) UnmarshalText(b []byte) error {
	n, err := parseEnum("type", valueTypeNames, b)
	*t = ValueType(n)
	return err
}

// SurvivorshipRule is how the value of one attribute is chosen when
// source records disagree.
type SurvivorshipRule int

// Survivorship rules. The zero value, RuleMostRecent, is the default for
// single-valued attributes.
const (
	// RuleMostRecent: the value of the most recently updated record.
	RuleMostRecent SurvivorshipRule = iota // "most_recent"
	// RuleSourcePriority: the value of the record whose system ranks
	// highest in Survivorship.SourcePriority; ties go to the most recent.
	RuleSourcePriority // "source_priority"
	// RuleMostFrequent: the value most records agree on; ties go to the most recent.
	RuleMostFrequent // "most_frequent"
	// RuleMostComplete: the value with the most information (most filled
	// parts, then the longest text); ties go to the most recent.
	RuleMostComplete // "most_complete"
	// RuleCombineAll: every distinct value of every record (multi-valued
	// attributes: contact points, identifiers, links, list attributes).
	RuleCombineAll // "combine_all"
)

var ruleNames = []string{"most_recent", "source_priority", "most_frequent", "most_complete", "combine_all"}

// String returns the JSON name of r.
func (r SurvivorshipRule) String() string { return enumText(ruleNames, int(r)) }

// MarshalText encodes r as its name.
func (r SurvivorshipRule) MarshalText() ([]byte, error) {
	return marshalEnum("rule", ruleNames, int(r))
}

// UnmarshalText decodes a name; an unknown name is a *ValueError.
func (r *SurvivorshipRule) UnmarshalText(b []byte) error {
	n, err := parseEnum("rule", ruleNames, b)
	*r = SurvivorshipRule(n)
	return err
}
