package recommend

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

// StageLookup returns a customer's lifecycle stage ("" when not on the
// map). Package c360's Engine implements it over its stage engine (a
// journey.Engine's State); a host without one may adapt its CRM.
type StageLookup interface {
	Stage(ctx context.Context, id customer.ID) (journey.Stage, error)
}

// IssueLookup returns how many service issues (complaints, tickets) of a
// customer are open. The Engine, or the host's service desk, implements
// it.
type IssueLookup interface {
	OpenIssues(ctx context.Context, id customer.ID) (int, error)
}

// SendGate decides whether a message may go out; *journey.Gate implements
// it (consent, suppression, caps, quiet hours).
type SendGate interface {
	Decide(ctx context.Context, r journey.Request) (journey.Decision, error)
}

// StageFunc adapts a function to StageLookup.
type StageFunc func(ctx context.Context, id customer.ID) (journey.Stage, error)

// Stage calls f.
func (f StageFunc) Stage(ctx context.Context, id customer.ID) (journey.Stage, error) {
	return f(ctx, id)
}

// IssuesFunc adapts a function to IssueLookup.
type IssuesFunc func(ctx context.Context, id customer.ID) (int, error)

// OpenIssues calls f.
func (f IssuesFunc) OpenIssues(ctx context.Context, id customer.ID) (int, error) { return f(ctx, id) }

// OfferConfig configures NextBestOffer. The zero value withholds offers
// from customers with an open issue, makes offers at every stage and
// sends them on e-mail for marketing.
type OfferConfig struct {
	// UpsellWithOpenIssues allows offers while a service issue is open; by
	// default (false) a customer with an unresolved complaint gets none.
	UpsellWithOpenIssues bool `json:"upsell_with_open_issues,omitempty"`
	// Stages, if not empty, are the only lifecycle stages that get offers.
	Stages []journey.Stage `json:"stages,omitempty"`
	// Channel the offer goes out on; "" means e-mail. A request may name
	// another.
	Channel customer.Channel `json:"channel,omitempty"`
	// Purpose of the message; "" means marketing.
	Purpose customer.Purpose `json:"purpose,omitempty"`
	// Campaign and Tags are passed to the send gate (caps per campaign).
	Campaign string   `json:"campaign,omitempty"`
	Tags     []string `json:"tags,omitempty"`
	// Items is how many items an offer carries; 0 means 3.
	Items int `json:"items,omitempty"`
}

// NextBestOffer combines recommendations with what the engine knows of a
// customer: lifecycle stage, open service issues, and the send gate
// (consent, suppression, caps, quiet hours) for the channel the offer
// would go out on. Set the fields before the first call; it is safe for
// concurrent use when they are.
//
// Package c360's Engine wires it: Recommender from its trained model,
// Stages from its stage engine, Issues from its service records, Gate from
// its journey.Gate. Stages and Issues may be nil (not consulted, said in
// the reasons); Gate nil means the offer is for an agent to say in person
// (no message is sent, so no gate applies).
type NextBestOffer struct {
	Recommender *Recommender
	Stages      StageLookup
	Issues      IssueLookup
	Gate        SendGate
	Config      OfferConfig
	// Now is the clock of Offer.At; nil means time.Now.
	Now func() time.Time
}

// OfferRequest asks for the next-best offer for one customer.
type OfferRequest struct {
	Customer customer.ID
	// Channel overrides Config.Channel for this offer (for example
	// journey.ChannelPhone when an agent speaks to the customer).
	Channel customer.Channel
	// Items in the basket or under discussion.
	Items   []string
	Segment string
	// Exclude lists items not to offer now (out of stock).
	Exclude []string
}

// OfferReasonKind classifies a reason of an offer.
type OfferReasonKind uint8

// Offer reason kinds.
const (
	OfferStage      OfferReasonKind = iota + 1 // the lifecycle stage, and whether it gets offers
	OfferOpenIssues                            // open service issues
	OfferGate                                  // the send gate's decision
	OfferItem                                  // why the items were chosen
	OfferNoItems                               // nothing to recommend
)

var offerReasonNames = [...]string{"", "stage", "open_issues", "gate", "item", "no_items"}

// String returns the kind's name, such as "open_issues".
func (k OfferReasonKind) String() string {
	if k > 0 && int(k) < len(offerReasonNames) {
		return offerReasonNames[k]
	}
	return fmt.Sprintf("OfferReasonKind(%d)", int(k))
}

// MarshalText returns the name of k.
func (k OfferReasonKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// OfferReason is one reason of an offer. Blocking reasons are those that
// withheld it.
type OfferReason struct {
	Kind     OfferReasonKind `json:"kind"`
	Blocking bool            `json:"blocking,omitempty"`
	Text     string          `json:"text"`
}

// Offer is the answer for one customer.
type Offer struct {
	Customer customer.ID `json:"customer"`
	// Allowed is true when the offer may be made: items were found, the
	// stage takes offers, no open issue stands in the way and the gate
	// allowed the channel.
	Allowed bool `json:"allowed"`
	// Items recommended, with their own reasons; filled even when the
	// offer is withheld, so an agent sees what would have been offered.
	Items   []Recommendation `json:"items"`
	Channel customer.Channel `json:"channel"`
	Stage   journey.Stage    `json:"stage,omitempty"`
	// OpenIssues is the count found (-1 when not consulted).
	OpenIssues int `json:"open_issues"`
	// Decision of the send gate, when consulted.
	Decision *journey.Decision `json:"decision,omitempty"`
	// Reasons lists every consideration, in the order checked.
	Reasons []OfferReason `json:"reasons"`
	At      time.Time     `json:"at"`
}

// Offer returns the next-best offer for a customer with every reason.
// Errors of the lookups and of the gate are returned (wrapped); a withheld
// offer is not an error.
func (o *NextBestOffer) Offer(ctx context.Context, req OfferRequest) (Offer, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	out := Offer{Customer: req.Customer, Allowed: true, OpenIssues: -1, At: now()}
	cfg := o.Config
	out.Channel = req.Channel
	if out.Channel == "" {
		out.Channel = cfg.Channel
	}
	if out.Channel == "" {
		out.Channel = customer.ChannelEmail
	}
	purpose := cfg.Purpose
	if purpose == "" {
		purpose = customer.PurposeMarketing
	}
	block := func(k OfferReasonKind, format string, args ...any) {
		out.Allowed = false
		out.Reasons = append(out.Reasons, OfferReason{Kind: k, Blocking: true, Text: fmt.Sprintf(format, args...)})
	}
	note := func(k OfferReasonKind, format string, args ...any) {
		out.Reasons = append(out.Reasons, OfferReason{Kind: k, Text: fmt.Sprintf(format, args...)})
	}
	if o.Stages != nil {
		st, err := o.Stages.Stage(ctx, req.Customer)
		if err != nil {
			return out, fmt.Errorf("recommend: stage of %s: %w", req.Customer, err)
		}
		out.Stage = st
		name := string(st)
		if name == "" {
			name = "not yet on the journey map"
		}
		if len(cfg.Stages) > 0 && !slices.Contains(cfg.Stages, st) {
			block(OfferStage, "stage %s does not get offers", name)
		} else {
			note(OfferStage, "stage %s", name)
		}
	} else {
		note(OfferStage, "stage not consulted")
	}
	if o.Issues != nil {
		n, err := o.Issues.OpenIssues(ctx, req.Customer)
		if err != nil {
			return out, fmt.Errorf("recommend: open issues of %s: %w", req.Customer, err)
		}
		out.OpenIssues = n
		switch {
		case n > 0 && !cfg.UpsellWithOpenIssues:
			block(OfferOpenIssues, "%d open service issue(s): no upsell until resolved", n)
		case n > 0:
			note(OfferOpenIssues, "%d open service issue(s); upsell allowed by configuration", n)
		default:
			note(OfferOpenIssues, "no open service issue")
		}
	}
	if o.Gate != nil {
		d, err := o.Gate.Decide(ctx, journey.Request{Customer: req.Customer, Channel: out.Channel, Purpose: purpose,
			Campaign: cfg.Campaign, Tags: cfg.Tags})
		if err != nil {
			return out, fmt.Errorf("recommend: send gate for %s: %w", req.Customer, err)
		}
		out.Decision = &d
		if !d.Allowed {
			texts := make([]string, len(d.Reasons))
			for i, r := range d.Reasons {
				texts[i] = r.String()
			}
			block(OfferGate, "%s %s refused: %v", out.Channel, purpose, texts)
		} else {
			note(OfferGate, "%s %s allowed", out.Channel, purpose)
		}
	} else {
		note(OfferGate, "no send gate: the offer is for an agent to make in person")
	}
	if o.Recommender == nil {
		return out, fmt.Errorf("recommend: NextBestOffer has no Recommender")
	}
	n := cfg.Items
	if n <= 0 {
		n = 3
	}
	recs, err := o.Recommender.Recommend(ctx, Request{Customer: req.Customer, Items: req.Items, Segment: req.Segment, N: n, Exclude: req.Exclude})
	if err != nil {
		return out, err
	}
	out.Items = recs
	if len(recs) == 0 {
		block(OfferNoItems, "nothing left to recommend under the rules")
	} else {
		note(OfferItem, "%s: %s", recs[0].Item, recs[0].Reasons[0].Text)
	}
	return out, nil
}
