package journey

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/c360/c360/customer"
	"github.com/hashicorp/go-multierror"
)

// Stage is a lifecycle stage of a journey map, such as "engage". The
// standard stages are the Stage constants; a host's map may use its own.
// The empty Stage means "not yet on the map".
type Stage string

// The five standard lifecycle stages, in order.
const (
	StageAwareness Stage = "awareness"
	StageAcquire   Stage = "acquire"
	StageOnboard   Stage = "onboard"
	StageEngage    Stage = "engage"
	StageRetain    Stage = "retain_expand" // retain & expand
)

// StageRule says that a matching touchpoint moves a customer into a stage.
// Every non-zero condition must hold.
type StageRule struct {
	// Name identifies the rule in transitions; "" is shown as "rule N".
	Name string `json:"name,omitempty"`
	// To is the stage the customer moves into.
	To Stage `json:"to"`
	// Types: the event's type is one of these (empty: any type).
	Types []Type `json:"types,omitempty"`
	// Channels: the event's channel is one of these (empty: any channel).
	Channels []customer.Channel `json:"channels,omitempty"`
	// From: the customer's current stage is one of these; "" stands for a
	// customer not yet on the map. Empty: any stage before To.
	From []Stage `json:"from,omitempty"`
	// Backward allows the rule to move a customer to an earlier stage of
	// the map (for example back to engage after a long silence). Without
	// it a rule only moves customers forward.
	Backward bool `json:"backward,omitempty"`
	// MinCount: the event is at least the MinCount-th event of one of Types
	// for this customer (2 = a repeat purchase). 0 and 1 mean any.
	MinCount int `json:"min_count,omitempty"`
	// MinAmount: the event's amount is at least this, in Currency's
	// smallest unit (yen for JPY, cents for USD); 0 means no condition on
	// the amount. A non-zero MinAmount is met only by an event whose value
	// is in Currency, or that Map.Convert converts into Currency: $100.00
	// never meets a ¥10,000 rule without a conversion, and an event
	// without a value never meets it.
	MinAmount int64 `json:"min_amount,omitempty"`
	// Currency is the ISO 4217 code of MinAmount; "" means Map.Currency.
	Currency string `json:"currency,omitempty"`
	// Attributes: each named attribute (see Event.Attr) has this value.
	Attributes map[string]string `json:"attributes,omitempty"`
	// When, if set, is a further condition; it must not block or keep e.
	When func(e *Event) bool `json:"-"`
}

// Map is a journey map: its stages in order and the rules that move
// customers between them. Rules are tried in order; the first one that
// matches and allows the move wins, so a touchpoint causes at most one
// transition. Build it, check it with Validate, then share it read-only.
//
// Amount thresholds (Rule.MinAmount) are in Map.Currency unless a rule
// names its own; events in another currency meet them only through Convert.
// When every amount is in one currency, set Currency to it (or leave it
// empty for JPY) and leave Convert nil.
type Map struct {
	Stages []Stage     `json:"stages"`
	Rules  []StageRule `json:"rules"`
	// Currency is the ISO 4217 code of the amount thresholds of the rules
	// that do not name one; "" means DefaultCurrency ("JPY").
	Currency string `json:"currency,omitempty"`
	// Convert, if set, converts the value of an event whose currency
	// differs from a rule's before the rule's MinAmount is checked,
	// typically into Currency at the rate of the event's time at, from
	// rates the caller holds (the shape of Attribution.Convert). A value it
	// cannot convert it returns unchanged; a result in another currency
	// than the rule's never meets the rule. It is called at most once each
	// time an event is applied (by Engine.Ingest, Infer or a rebuild), only
	// for an event with a value that a rule with a threshold in another
	// currency examines; it must not block or keep v, and must be
	// safe for concurrent use (an Engine calls it from concurrent Ingest
	// calls). nil converts nothing: amounts in another currency never meet
	// a threshold.
	Convert func(v Money, at time.Time) Money `json:"-"`
}

// ErrInvalidMap is wrapped by the errors of Map.Validate.
var ErrInvalidMap = errors.New("journey: invalid journey map")

// Validate checks that the stages are distinct and non-empty, that every
// rule names stages of the map and that every currency is a three-letter
// upper-case ISO 4217 code; it reports every problem at once.
func (m *Map) Validate() error {
	var errs *multierror.Error
	seen := map[Stage]bool{}
	for i, s := range m.Stages {
		if s == "" {
			errs = multierror.Append(errs, fmt.Errorf("%w: stage %d is empty", ErrInvalidMap, i))
		} else if seen[s] {
			errs = multierror.Append(errs, fmt.Errorf("%w: stage %q twice", ErrInvalidMap, s))
		}
		seen[s] = true
	}
	if m.Currency != "" && !validCurrency(m.Currency) {
		errs = multierror.Append(errs, fmt.Errorf("%w: Currency %q is not a three-letter ISO 4217 code", ErrInvalidMap, m.Currency))
	}
	for i, r := range m.Rules {
		name := r.label(i)
		if r.Currency != "" && !validCurrency(r.Currency) {
			errs = multierror.Append(errs, fmt.Errorf("%w: %s: Currency %q is not a three-letter ISO 4217 code", ErrInvalidMap, name, r.Currency))
		}
		if !seen[r.To] {
			errs = multierror.Append(errs, fmt.Errorf("%w: %s: To %q is not a stage of the map", ErrInvalidMap, name, r.To))
		}
		for _, f := range r.From {
			if f != "" && !seen[f] {
				errs = multierror.Append(errs, fmt.Errorf("%w: %s: From %q is not a stage of the map", ErrInvalidMap, name, f))
			}
		}
		if r.MinCount > 1 && len(r.Types) == 0 {
			errs = multierror.Append(errs, fmt.Errorf("%w: %s: MinCount needs Types", ErrInvalidMap, name))
		}
	}
	return errs.ErrorOrNil()
}

func (r *StageRule) label(i int) string {
	if r.Name != "" {
		return r.Name
	}
	return fmt.Sprintf("rule %d", i+1)
}

// DefaultMap returns the standard map of the five stages awareness →
// acquire → onboard → engage → retain & expand:
//
//   - awareness: an ad, e-mail, web visit, social engagement or white paper
//     download by someone not yet on the map;
//   - acquire: a sign-up or a first purchase;
//   - onboard: after acquiring, a login, app install, e-mail click, chat or
//     service call;
//   - engage: once onboarded, any further interaction (web visit, e-mail
//     click, chat, service call, event, coupon, survey, login);
//   - retain & expand: a second (or later) purchase, online or in store.
//
// Each call returns a new Map the caller may change.
func DefaultMap() *Map {
	purchase := []Type{TypeOnlinePurchase, TypeStorePurchase}
	return &Map{
		Stages: []Stage{StageAwareness, StageAcquire, StageOnboard, StageEngage, StageRetain},
		Rules: []StageRule{
			{Name: "repeat purchase", To: StageRetain, Types: purchase, MinCount: 2},
			{Name: "first purchase", To: StageAcquire, Types: purchase},
			{Name: "sign-up", To: StageAcquire, Types: []Type{TypeSignUp}},
			{Name: "first use", To: StageOnboard, From: []Stage{StageAcquire},
				Types: []Type{TypeLogin, TypeAppInstall, TypeEmailClick, TypeChat, TypeServiceCall}},
			{Name: "engagement", To: StageEngage, From: []Stage{StageOnboard},
				Types: []Type{TypeWebVisit, TypeEmailClick, TypeChat, TypeServiceCall, TypeEventAttended,
					TypeCouponRedeemed, TypeSurveyAnswered, TypeLogin, TypeWhitePaperDownload, TypeSocialEngagement}},
			{Name: "first contact", To: StageAwareness, From: []Stage{""},
				Types: []Type{TypeAdClick, TypeAdImpression, TypeEmailOpen, TypeEmailClick, TypeWebVisit,
					TypeSocialEngagement, TypeWhitePaperDownload, TypeEventAttended}},
		},
	}
}

// Transition is one change of a customer's stage.
type Transition struct {
	Customer customer.ID
	// AnonymousID is set when the subject is an anonymous visitor.
	AnonymousID string
	From, To    Stage
	At          time.Time // the time of the event that caused it
	EventID     string
	Rule        string // the rule's name
}

// compiled is a Map prepared for fast matching.
type compiled struct {
	m       *Map
	index   map[Stage]int // position in Stages, from 1; "" is 0
	byType  map[Type][]int
	anyType []int // rules without Types
	counted map[Type]bool
	// currency[i] is the currency of rule i's MinAmount, defaults applied.
	currency []string
}

func compile(m *Map) *compiled {
	c := &compiled{m: m, index: map[Stage]int{"": 0}, byType: map[Type][]int{}, counted: map[Type]bool{}}
	for i, s := range m.Stages {
		c.index[s] = i + 1
	}
	mapCurrency := m.Currency
	if mapCurrency == "" {
		mapCurrency = DefaultCurrency
	}
	c.currency = make([]string, len(m.Rules))
	for i, r := range m.Rules {
		c.currency[i] = r.Currency
		if r.Currency == "" {
			c.currency[i] = mapCurrency
		}
		if len(r.Types) == 0 {
			c.anyType = append(c.anyType, i)
		}
		for _, t := range r.Types {
			c.byType[t] = append(c.byType[t], i)
			if r.MinCount > 1 {
				c.counted[t] = true
			}
		}
	}
	for t, rs := range c.byType {
		if len(c.anyType) > 0 {
			rs = append(rs, c.anyType...)
			slices.Sort(rs)
			c.byType[t] = slices.Compact(rs)
		}
	}
	return c
}

// state is one subject's place on the map.
type state struct {
	stage   Stage
	since   time.Time
	counts  map[Type]int
	history []Transition
}

// step applies e to st and returns the transition it caused, if any.
// countsFor tells how many events of each counted type came before e.
func (c *compiled) step(st *state, e *Event) (Transition, bool) {
	if c.counted[e.Type] {
		if st.counts == nil {
			st.counts = map[Type]int{}
		}
		st.counts[e.Type]++
	}
	rules, ok := c.byType[e.Type]
	if !ok {
		rules = c.anyType
	}
	cur := c.index[st.stage]
	var conv amountIn
	for _, ri := range rules {
		r := &c.m.Rules[ri]
		if r.To == st.stage {
			continue
		}
		to := c.index[r.To]
		if to < cur && !r.Backward {
			continue
		}
		if len(r.From) > 0 && !slices.Contains(r.From, st.stage) {
			continue
		}
		if len(r.Channels) > 0 && !slices.Contains(r.Channels, e.Channel) {
			continue
		}
		if r.MinCount > 1 {
			n := 0
			for _, t := range r.Types {
				n += st.counts[t]
			}
			if n < r.MinCount {
				continue
			}
		}
		if r.MinAmount != 0 && !c.meets(&conv, e, r.MinAmount, c.currency[ri]) {
			continue
		}
		if !attrsMatch(r.Attributes, e) {
			continue
		}
		if r.When != nil && !r.When(e) {
			continue
		}
		tr := Transition{Customer: e.CustomerID, From: st.stage, To: r.To, At: e.Time, EventID: e.ID, Rule: r.label(ri)}
		if e.CustomerID == "" {
			tr.AnonymousID = e.AnonymousID
		}
		st.stage, st.since = r.To, e.Time
		st.history = append(st.history, tr)
		return tr, true
	}
	return Transition{}, false
}

// DefaultCurrency is the currency of amount thresholds when neither the
// rule nor the map names one: the yen, the currency of the SDK's first
// market.
const DefaultCurrency = "JPY"

// amountIn holds an event's value converted by Map.Convert, computed on
// first need within one step.
type amountIn struct {
	done bool
	v    Money
}

// meets reports whether e's value, in currency or converted into it, is at
// least min.
func (c *compiled) meets(conv *amountIn, e *Event, min int64, currency string) bool {
	v := e.Value
	if v.Currency != currency {
		if c.m.Convert == nil || v.IsZero() {
			return false
		}
		if !conv.done {
			conv.v, conv.done = c.m.Convert(v, e.Time), true
		}
		v = conv.v
		if v.Currency != currency {
			return false
		}
	}
	return v.Amount >= min
}

func attrsMatch(want map[string]string, e *Event) bool {
	for k, v := range want {
		if e.Attr(k) != v {
			return false
		}
	}
	return true
}

// StageState is a customer's current stage with the transitions that led
// there, oldest first.
type StageState struct {
	Stage   Stage
	Since   time.Time // when the current stage was entered
	History []Transition
}

// Infer rebuilds a customer's stage from its events, which it sorts by time
// (ties by ID) on a copy. m nil means DefaultMap.
// Stager infers stages from events with a Map compiled once, for callers
// that infer the stages of many customers (Infer compiles the map on each
// call). It is safe for concurrent use.
type Stager struct{ c *compiled }

// NewStager returns a Stager for m; nil means DefaultMap().
func NewStager(m *Map) *Stager {
	if m == nil {
		m = DefaultMap()
	}
	return &Stager{c: compile(m)}
}

// Infer is Infer(m, events) for the Stager's map.
func (s *Stager) Infer(events []Event) StageState { return infer(s.c, events) }

func Infer(m *Map, events []Event) StageState {
	if m == nil {
		m = DefaultMap()
	}
	c := compile(m)
	return infer(c, events)
}

func infer(c *compiled, events []Event) StageState {
	// Callers usually pass events in time order already (the engine reads
	// them sorted): then they are read in place, neither copied nor sorted.
	// Sorting sorted events stably would leave them as they are.
	evs := events
	if !inOrder(events) {
		evs = slices.Clone(events)
		slices.SortStableFunc(evs, compareEvents)
	}
	var st state
	for i := range evs {
		c.step(&st, &evs[i])
	}
	return StageState{Stage: st.stage, Since: st.since, History: st.history}
}

// inOrder reports whether events are in (Time, ID) order.
func inOrder(events []Event) bool {
	for i := 1; i < len(events); i++ {
		if eventLess(&events[i], &events[i-1]) {
			return false
		}
	}
	return true
}

// compareEvents orders events by time, then ID (eventLess).
func compareEvents(a, b Event) int {
	if eventLess(&a, &b) {
		return -1
	}
	if eventLess(&b, &a) {
		return 1
	}
	return 0
}

// StageDuration summarises how long customers stayed in one stage.
type StageDuration struct {
	Stage Stage
	// Visits counts the stays in the stage (ended or not).
	Visits int
	// Ended counts the stays that ended with a transition.
	Ended int
	// Median is the median length of the ended stays (0 when none).
	Median time.Duration
	// MedianOpen is the median length of every stay, counting stays that
	// have not ended up to now.
	MedianOpen time.Duration
}

// TimeInStage measures the time customers spent in each stage of m from
// their transition histories, with now closing the stays still open. The
// result follows the order of m.Stages (nil: DefaultMap).
func TimeInStage(m *Map, histories [][]Transition, now time.Time) []StageDuration {
	if m == nil {
		m = DefaultMap()
	}
	ended := map[Stage][]time.Duration{}
	all := map[Stage][]time.Duration{}
	for _, h := range histories {
		for i, tr := range h {
			if i+1 < len(h) {
				d := h[i+1].At.Sub(tr.At)
				ended[tr.To] = append(ended[tr.To], d)
				all[tr.To] = append(all[tr.To], d)
			} else if now.After(tr.At) {
				all[tr.To] = append(all[tr.To], now.Sub(tr.At))
			} else {
				all[tr.To] = append(all[tr.To], 0)
			}
		}
	}
	out := make([]StageDuration, 0, len(m.Stages))
	for _, s := range m.Stages {
		out = append(out, StageDuration{Stage: s, Visits: len(all[s]), Ended: len(ended[s]),
			Median: medianDuration(ended[s]), MedianOpen: medianDuration(all[s])})
	}
	return out
}

func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return ds[n/2-1] + (ds[n/2]-ds[n/2-1])/2
}
