// Package c360 is an embeddable SDK for the whole picture of each customer:
// one profile built from every system that touches the customer, journeys
// made of touchpoints, customer and market intelligence that is shared and
// acted on, data quality that is measured, and segments aimed where they pay.
// Japanese data — names, kana, full-width text, company legal forms,
// addresses and phone numbers — is first-class, and Latin-script data works
// just as well.
//
// # The engine
//
// This package is the front door, the way database/sql is the front of its
// drivers: an Engine (Open) keeps one current profile per person as source
// records arrive. Upsert matches a record against the identity state in real
// time and creates, joins or merges profiles, or holds a record for a person
// to review; Load imports in bulk with the batch matcher and gives the same
// profiles; absorbed IDs redirect; Unmerge, Confirm and Reject take human
// decisions; Changes is a durable, resumable change feed. All the engine's
// state lives behind Store (NewMemoryStore by default; store/bolt and
// store/postgres keep it), so a restarted engine, or replicas on one
// PostgreSQL database, answer the same. c360test checks any Store.
//
// The identity index holds each record's blocking keys (its candidates for
// matching) and a hashed key for every e-mail address, phone number and
// corporate number it holds (Lookup, and Track by identifiers). Open
// refuses a store indexed under another matcher configuration or by an
// earlier version of these keys (ErrIndexed); Reindex rewrites its index
// for the configuration at hand, keeping its profiles.
//
// # The engine, live
//
// The same Engine keeps the live side of the 360 in the same state. Track
// takes a touchpoint as a source sends it — naming its person by profile ID,
// e-mail, phone, source record or anonymous cookie — resolves it in the
// identity state and keeps it anchored to the source record (or cookie) it
// came with, so merges and unmerges carry every event, anonymous link and
// send along and no history stays on an absorbed ID. The lifecycle stage
// (Stage, inferred in time order from Config.Journey) and the live segments
// (Config.Segments; Segments, Members, Tick) are kept in the store and their
// changes go to the change feed. Decide is the one send gate — the
// profile's consent ledger contact point by contact point, validity,
// suppressions (Suppress), frequency caps over the durable send history,
// quiet hours in the person's zone — and Claim, Sent and Activate record what
// is sent, so every caller, and every replica, counts the same history.
// Timeline and Timelines feed journey's pure analytics (funnels,
// attribution, paths); ExampleEngine_Track shows a cookie's history joining
// a profile.
//
// # The engine's intelligence
//
// Intel returns the engine's intel.Hub (configured by Config.Intel) and
// Tracker its decision tracker; both keep their state — items, a link index
// by profile ID, subscriptions, the (subscription, item) pairs delivered,
// pending deliveries, decisions and actions — in the engine's store through
// IntelStore, so a restarted engine delivers exactly as before and replicas
// share one picture. Intelligence(ctx, principal, id) lists the items a
// principal may see that are linked to a profile or to any ID merged into
// it (Aliases), so links follow merges and unmerges without rewriting
// items; Erase takes an erased person out of the items and subscription
// queries, and Export includes the items linked to them.
//
// # The packages
//
// The engine is built on a set of packages that depend on each other in one
// direction, each usable on its own:
//
//   - customer: the 360-degree profile (persons and accounts, contact points,
//     consent, firmographics), the source records it is built from,
//     survivorship with provenance, non-destructive merge and unmerge, privacy
//     requests, and the Store interface with MemoryStore as the embedded
//     default. customer/customertest checks any Store implementation.
//   - quality/normalize: canonical forms of text, kana, person and company
//     names, phone numbers, e-mail addresses, postal codes and Japanese
//     addresses, each with a comparison key.
//   - quality/similarity: rune-correct string and value similarity measures.
//   - quality/match: identity resolution — blocking, comparisons,
//     Fellegi–Sunter scoring with EM-estimated parameters, deterministic
//     rules, clustering with guards against chaining, explanations, and an
//     incremental index for real-time matching.
//   - quality: data-quality rules by dimension, record scores with reasons,
//     dataset reports, and enrichment with provenance.
//   - journey: touchpoints, timelines, lifecycle stages, funnels, paths,
//     attribution, and the send-eligibility gate (consent, frequency caps,
//     quiet hours); EventStore with MemoryEventStore as the default.
//   - segment: a segment language, computed traits, live membership, RFM,
//     Pareto/ABC, scenario priorities and activation.
//   - intel: customer and market intelligence — items, search that works for
//     Japanese, access control, subscriptions, NPS and survey insight,
//     decisions and actions.
//   - recommend: product recommendations and next-best offers learnt from
//     touchpoints (popularity, item-to-item co-occurrence, EASE), with
//     reasons and business rules.
//   - capture: e-mail (mbox, Maildir, .eml; Japanese encodings) and
//     calendars (iCalendar) become touchpoints on the right profiles;
//     Engine.Directory resolves their participants.
//
// Every storage interface (customer.Store, journey.EventStore,
// intel.Repository, intel.SubscriptionStore, intel.DecisionStore) has an
// in-memory default and a conformance suite (customertest, journeytest,
// inteltest). Durable adapters live in nested
// modules so that their drivers never enter this one: store/bolt (an
// embedded, crash-safe file through bbolt) and store/postgres (PostgreSQL
// through pgx).
//
// # One vocabulary: who owns which concept
//
// Each concept is declared once, in the package that owns it, and every other
// package imports it rather than re-declaring it:
//
//   - customer: profile and record IDs and keys, versions, Channel (contact
//     channels, for which consent is recorded, and the touchpoint channels
//     store, web, app, social and advertising), Purpose, ConsentStatus and
//     the consent ledger, contact points, Value (the one typed value: custom
//     attributes, segment attributes, computed traits) and FieldError (the
//     one shape of a validation problem: customer, journey, intel and quality
//     report Record, Field and the problem, with their own sentinel wrapped
//     inside). journey.Request{Channel: customer.ChannelSMS, Purpose:
//     customer.PurposeMarketing} reads as it should.
//   - journey: touchpoint types (Type) and events, Money (a touchpoint's
//     amount and currency), stages and StageRule, the send gate; the gate
//     asks a Consenter, which *customer.Profile is.
//   - segment: the expression language, computed traits, memberships, RFM,
//     Pareto/ABC and scenario priorities.
//   - quality/match: field kinds for matching and for quality rules, match
//     rules and the matcher's configuration.
//   - intel: intelligence items and their taxonomy (intel.Kind is customer or
//     market intelligence), decisions and actions.
//
// A short name may mean different things in different packages when the
// package says which: customer.Kind (person or account), intel.Kind,
// normalize.Kind (which normaliser); journey.Decision (the gate's answer),
// intel.Decision (a business decision), customer.Decision (who decided a
// merge, for the audit log); customer.SurvivorshipRule, journey.StageRule,
// quality.Rule (a data-quality rule), match.Rule (a deterministic match
// rule).
//
// # One way to configure
//
// Configuration is a plain struct named Config (or XConfig when a package
// configures several things: segment.LiveConfig, journey.PathConfig,
// quality.ProfileConfig, similarity.WinklerConfig, analysis.RFMConfig) with
// JSON tags, whose zero value is the default: each field's comment says what
// its zero value means. A host can therefore keep configuration in files,
// and the files the command-line tool reads are the library's own Config
// types. Types whose exported fields are their configuration (journey.Gate,
// journey.Map, journey.Funnel, journey.Cap) carry the same JSON tags, so
// they load from a file too. Functions, clocks, time zones and stores are
// tagged json:"-" and set in Go. The
// conformance suites take theirs the same way: customertest, journeytest and
// inteltest each have Run(t, newStore) and RunConfig(t, newStore, Config).
// Validation collects every problem with go-multierror and returns it as a
// plain error; no third-party type appears in a signature.
//
// Data flows from source records through normalisation and matching into
// profiles (customer), which journeys, segments and intelligence then use.
// The command-line tool cmd/c360 runs the same pipeline over CSV and JSON
// Lines exports, and examples/quickstart shows the whole of it on bundled
// sample data. Start with Engine (ExampleEngine_Upsert), then
// examples/quickstart.
package c360
