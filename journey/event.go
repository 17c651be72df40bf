package journey

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/c360/c360/customer"
	"github.com/hashicorp/go-multierror"
)

// Type names a kind of touchpoint, such as "online_purchase". The standard
// types are the Type constants; a host adds its own through a Catalog.
type Type string

// Standard touchpoint types.
const (
	TypeAdClick            Type = "ad_click"
	TypeAdImpression       Type = "ad_impression"
	TypeEmailOpen          Type = "email_open"
	TypeEmailClick         Type = "email_click"
	TypeWebVisit           Type = "web_visit"
	TypeSignUp             Type = "sign_up"
	TypeLogin              Type = "login"
	TypeAppInstall         Type = "app_install"
	TypeOnlinePurchase     Type = "online_purchase"
	TypeStorePurchase      Type = "store_purchase"
	TypeStoreReturn        Type = "store_return"
	TypeServiceCall        Type = "service_call"
	TypeChat               Type = "chat"
	TypeWhitePaperDownload Type = "white_paper_download"
	TypeEventAttended      Type = "event_attended"
	TypeCouponRedeemed     Type = "coupon_redeemed"
	TypeSurveyAnswered     Type = "survey_answered"
	TypeSocialEngagement   Type = "social_engagement"
	TypeMessageSent        Type = "message_sent"
	TypeUnsubscribe        Type = "unsubscribe"
)

// Money is the money attached to a touchpoint, such as the amount of a
// purchase. The zero Money means "no value".
type Money struct {
	// Amount in the currency's smallest unit: yen for JPY, cents for USD.
	// Returns are negative.
	Amount int64
	// Currency is an ISO 4217 code such as "JPY"; required when Amount is
	// not zero.
	Currency string
}

// IsZero reports whether v carries no value.
func (v Money) IsZero() bool { return v.Amount == 0 && v.Currency == "" }

// Event is one touchpoint: something a customer (or a not yet identified
// visitor) did, or the company did to them, on one channel at one time.
//
// An event belongs to a known customer (CustomerID) or to an anonymous
// visitor (AnonymousID, such as a cookie or device ID), or to both. Once an
// anonymous ID is linked to a customer (EventStore.Link), the visitor's
// events join the customer's timeline.
type Event struct {
	// ID identifies the event in its source; ingestion is idempotent on it.
	ID string
	// CustomerID is the known customer, or "" for an anonymous event.
	CustomerID customer.ID
	// AnonymousID is the visitor's anonymous ID, or "".
	AnonymousID string
	// Identifiers name the person as the source knows them, when it does
	// not know the customer ID: an e-mail address ("email"), a phone number
	// in any notation ("phone"), a source record ("source:<system>", the
	// record ID as Value), a corporate number. c360.Engine.Track resolves
	// them to a profile; the journey Engine and EventStore ignore them.
	Identifiers []customer.Identifier
	Type        Type
	Channel     customer.Channel
	Time        time.Time
	// Value is the money of the event, if any.
	Value Money
	// Campaign names the campaign the event belongs to, if any.
	Campaign string
	// Source names the system the event came from, such as "pos" or "web".
	Source string
	// Attributes holds any further facts ("segment": "gold", "sku": …).
	Attributes map[string]string
}

// Clone returns a deep copy of e: its attributes are copied.
func (e Event) Clone() Event {
	if e.Attributes != nil {
		e.Attributes = maps.Clone(e.Attributes)
	}
	e.Identifiers = slices.Clone(e.Identifiers)
	return e
}

// Attr returns the value of the named field for grouping and conditions:
// "type", "channel", "campaign", "source", "currency", or an attribute.
func (e *Event) Attr(name string) string {
	switch name {
	case "type":
		return string(e.Type)
	case "channel":
		return string(e.Channel)
	case "campaign":
		return e.Campaign
	case "source":
		return e.Source
	case "currency":
		return e.Value.Currency
	}
	return e.Attributes[name]
}

// subjectKey identifies whom events are tracked under: a customer, or an
// anonymous ID not linked to one.
type subjectKey struct {
	anonymous bool
	id        string
}

// subject returns the key e is tracked under: its customer, or its
// anonymous ID when it has no customer.
func (e *Event) subject() subjectKey {
	if e.CustomerID != "" {
		return subjectKey{id: string(e.CustomerID)}
	}
	return subjectKey{anonymous: true, id: e.AnonymousID}
}

// ErrInvalidEvent is wrapped by every validation error of an event.
var ErrInvalidEvent = errors.New("journey: invalid event")

// invalidEvent is the problem of a *customer.FieldError about an event: its
// text is the reason, and it wraps ErrInvalidEvent.
type invalidEvent string

func (e invalidEvent) Error() string { return string(e) }
func (e invalidEvent) Unwrap() error { return ErrInvalidEvent }

// eventError returns the *customer.FieldError of a problem with one field of
// the event with the given ID ("" when it has none).
func eventError(id, field, reason string) *customer.FieldError {
	rec := ""
	if id != "" {
		rec = "event " + strconv.Quote(id)
	}
	return &customer.FieldError{Record: rec, Field: field, Err: invalidEvent(reason)}
}

// TypeInfo describes a touchpoint type in a Catalog.
type TypeInfo struct {
	Description string
	// Conversion marks types that are usually conversions (purchases),
	// used as the default goal of attribution.
	Conversion bool
}

// Catalog lists the touchpoint types and channels a host accepts. The
// standard entries are always present; a host adds its own with AddType and
// AddChannel. A nil *Catalog holds the standard entries only.
//
// A Catalog is not safe for concurrent modification; build it first, then
// share it read-only.
type Catalog struct {
	types    map[Type]TypeInfo
	channels map[customer.Channel]string
}

var standardTypes = map[Type]TypeInfo{
	TypeAdClick:            {Description: "clicked an online ad"},
	TypeAdImpression:       {Description: "was shown an online ad"},
	TypeEmailOpen:          {Description: "opened a targeted e-mail"},
	TypeEmailClick:         {Description: "clicked a link in an e-mail"},
	TypeWebVisit:           {Description: "visited the web site"},
	TypeSignUp:             {Description: "signed up or registered"},
	TypeLogin:              {Description: "logged in"},
	TypeAppInstall:         {Description: "installed the app"},
	TypeOnlinePurchase:     {Description: "bought on the web shop", Conversion: true},
	TypeStorePurchase:      {Description: "bought in a store", Conversion: true},
	TypeStoreReturn:        {Description: "returned an item to a store"},
	TypeServiceCall:        {Description: "called a service agent"},
	TypeChat:               {Description: "chatted with an agent or bot"},
	TypeWhitePaperDownload: {Description: "downloaded a white paper or e-book"},
	TypeEventAttended:      {Description: "attended an event"},
	TypeCouponRedeemed:     {Description: "redeemed a coupon"},
	TypeSurveyAnswered:     {Description: "answered a survey"},
	TypeSocialEngagement:   {Description: "engaged on social media"},
	TypeMessageSent:        {Description: "was sent a message by the company"},
	TypeUnsubscribe:        {Description: "unsubscribed"},
}

var standardChannels = map[customer.Channel]string{
	customer.ChannelStore:       "physical store",
	customer.ChannelWeb:         "web site",
	customer.ChannelApp:         "mobile app",
	customer.ChannelEmail:       "e-mail",
	customer.ChannelSMS:         "SMS",
	customer.ChannelLINE:        "LINE",
	customer.ChannelPhone:       "phone / call centre",
	customer.ChannelSocial:      "social media",
	customer.ChannelDirectMail:  "direct mail",
	customer.ChannelAdvertising: "advertising",
	customer.ChannelPush:        "push notification",
}

// AddType adds or replaces a touchpoint type. The name must not be empty.
func (c *Catalog) AddType(t Type, info TypeInfo) error {
	if t == "" {
		return fmt.Errorf("%w: empty type name", ErrInvalidEvent)
	}
	if c.types == nil {
		c.types = map[Type]TypeInfo{}
	}
	c.types[t] = info
	return nil
}

// AddChannel adds or replaces a channel. The name must not be empty.
func (c *Catalog) AddChannel(ch customer.Channel, description string) error {
	if ch == "" {
		return fmt.Errorf("%w: empty channel name", ErrInvalidEvent)
	}
	if c.channels == nil {
		c.channels = map[customer.Channel]string{}
	}
	c.channels[ch] = description
	return nil
}

// LookupType returns the description of t and whether the catalogue has it.
func (c *Catalog) LookupType(t Type) (TypeInfo, bool) {
	if c != nil {
		if i, ok := c.types[t]; ok {
			return i, true
		}
	}
	i, ok := standardTypes[t]
	return i, ok
}

// HasChannel reports whether the catalogue has ch.
func (c *Catalog) HasChannel(ch customer.Channel) bool {
	if c != nil {
		if _, ok := c.channels[ch]; ok {
			return true
		}
	}
	_, ok := standardChannels[ch]
	return ok
}

// Types returns every type of the catalogue, sorted.
func (c *Catalog) Types() []Type {
	set := maps.Clone(standardTypes)
	if c != nil {
		maps.Copy(set, c.types)
	}
	out := make([]Type, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Channels returns every channel of the catalogue, sorted.
func (c *Catalog) Channels() []customer.Channel {
	set := maps.Clone(standardChannels)
	if c != nil {
		maps.Copy(set, c.channels)
	}
	out := make([]customer.Channel, 0, len(set))
	for ch := range set {
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Validate checks e against the catalogue c (nil: the standard catalogue)
// and returns every problem found, each a *customer.FieldError (Record
// "event ID", Field the Go field name) wrapping ErrInvalidEvent, combined with go-multierror; nil when e is valid.
//
// An event needs an ID, a customer or anonymous ID, a type and channel of
// the catalogue and a time; a non-zero amount needs a three-letter
// upper-case currency code.
func (c *Catalog) Validate(e *Event) error {
	var errs *multierror.Error
	bad := func(field, reason string) {
		errs = multierror.Append(errs, eventError(e.ID, field, reason))
	}
	if e.ID == "" {
		bad("ID", "empty")
	}
	if e.CustomerID == "" && e.AnonymousID == "" {
		bad("CustomerID", "neither a customer ID nor an anonymous ID")
	}
	switch {
	case e.Type == "":
		bad("Type", "empty")
	default:
		if _, ok := c.LookupType(e.Type); !ok {
			bad("Type", fmt.Sprintf("unknown type %q", e.Type))
		}
	}
	switch {
	case e.Channel == "":
		bad("Channel", "empty")
	case !c.HasChannel(e.Channel):
		bad("Channel", fmt.Sprintf("unknown channel %q", e.Channel))
	}
	if e.Time.IsZero() {
		bad("Time", "zero time")
	}
	if e.Value.Amount != 0 || e.Value.Currency != "" {
		if !validCurrency(e.Value.Currency) {
			bad("Value.Currency", fmt.Sprintf("%q is not a three-letter ISO 4217 code", e.Value.Currency))
		}
	}
	return errs.ErrorOrNil()
}

func validCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
