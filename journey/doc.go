// Package journey integrates each customer's touchpoints as a time series
// and acts on them: timelines, lifecycle stages, funnels, paths,
// attribution, and the gate that decides whether a message may be sent.
//
// # Touchpoints
//
// An Event is one touchpoint — an ad click, a store purchase, a service
// call — of a customer (customer.ID) or of an anonymous visitor, on a
// channel (customer.Channel: package customer owns the channel vocabulary), at
// a time, with an optional Value (Money: amount and currency) and attributes. The
// standard Type constants and customer's channels form the standard
// Catalog; a host adds its own types and channels to a Catalog, which also
// validates events (Catalog.Validate reports every problem at once as
// *customer.FieldError values wrapping ErrInvalidEvent).
//
// # Storage
//
// EventStore is the implementor surface: append (idempotent on the event
// ID), link an anonymous ID to a customer (which joins its earlier events
// to the customer's timeline), and stream a customer's events over a time
// range as an iter.Seq2. MemoryEventStore is the embedded default; package
// journeytest checks any implementation. Timeline returns one customer's
// events in time order, de-duplicated across sources.
//
// # Stages
//
// A Map lists the lifecycle stages and the Rules (touchpoint types,
// channels, counts, amounts, attributes, custom conditions) that move a
// customer into a stage; DefaultMap covers awareness → acquire → onboard →
// engage → retain & expand. Engine is the real-time state machine: Ingest
// validates, stores and applies one touchpoint and returns (and calls back
// with) the Transition it caused; each customer's history of transitions is
// kept. Infer rebuilds a stage from a customer's past events; TimeInStage
// measures how long customers stay in each stage. A rule's amount threshold
// is in one currency (StageRule.Currency, else Map.Currency, else JPY): an
// amount in another currency meets it only when Map.Convert converts it.
//
// # Analytics
//
// Funnel computes ordered funnels with a conversion window over all
// starting events, with conversion, drop-off and median time per step and
// an optional breakdown; Columns holds millions of events compactly for it.
// TopPaths finds the common paths between two touchpoints. Attribution
// shares conversions among touchpoints or channels with the FirstTouch,
// LastTouch, Linear, TimeDecay and PositionBased models; the credited value
// is kept per currency (Amounts) and never added across currencies, unless
// the caller supplies Attribution.Convert to bring it into one.
//
// # Sending
//
// Gate is the send-eligibility gate: Gate.Decide answers "may we contact
// this customer on this channel for this purpose now?" from consent (a
// ConsentChecker the host adapts from customer profiles), suppression
// lists, frequency caps (per channel, purpose, tag and campaign, over
// rolling windows, with priority and transactional overrides) and quiet
// hours (Asia/Tokyo by default), and gives its reasons. Its clock is
// injectable.
//
// Stores, engines and gates say in their doc whether they are safe for
// concurrent use; MemoryEventStore, Engine and Gate are.
package journey
