// Package customer holds the 360-degree customer profile: one Profile per
// customer — a person or an account (a business customer) — built from the
// SourceRecords that sales, service, marketing, commerce, finance and
// third-party systems hold about it, and never losing any of them.
//
// # The data model
//
// A Profile embeds Facts: the structured name of a person (family and given
// name, kana readings, a Latin form) and birth Date, or the legal name,
// corporate number (法人番号) and Firmographics of an account; ContactPoints
// with a Validity and a verification time (ContactPoint.Stale surfaces stale
// data); Links between persons and accounts with a Role (Role.BuyingAuthority
// tells who may buy); Identifiers; a ConsentLedger; and typed custom
// Attributes (Value). A Profile also keeps its Sources, the Provenance of
// every surviving value, an Audit log and an optional Restriction.
//
// Consent is one call: ConsentLedger.Status(channel, purpose, contact, at)
// answers opt-in, opt-out or unknown; Profile.ConsentStatus and
// Profile.MayContact add the restriction of processing. A *Profile is what
// journey's send gate asks (journey.Consenter).
//
// # The shared vocabulary
//
// This package owns the concepts every other package of the SDK uses
// directly rather than re-declaring them: IDs and record keys; Channel (the
// contact channels consent is recorded for, Channel.Contact, and the
// touchpoint channels store, web, app, social and advertising); Purpose;
// ConsentStatus; Value, the one typed value of custom attributes, segment
// attributes and computed traits; and FieldError, the one shape of a
// validation problem (journey, intel, quality and segment report theirs as
// *FieldError too, with their own sentinel inside).
//
// Facts.StaleContactPoints lists the contact points not to rely on: invalid,
// undeliverable, never verified, or verified too long ago.
//
// Enums (Kind, ContactType, Validity, Role, Purpose, ConsentStatus,
// SurvivorshipRule, ValueType) are encoded in JSON by name, and decoding an
// unknown name fails with a *ValueError naming the field; a Channel encodes
// any name (hosts add touchpoint channels), and a consent entry's channel
// that is not a contact channel is a *ValueError. Validate, ValidateRecord,
// DecodeProfile and DecodeRecord report every problem at once, each as a
// *FieldError naming record and field; all wrap ErrInvalid.
//
// # Storage
//
// Store is the small interface a host application implements to keep
// profiles in its own database; customer/customertest checks an
// implementation against every rule of the contract (and its Profile
// builds a fully populated fixture). MemoryStore is the
// embedded default: its zero value is ready and it is safe for concurrent
// use. A store that can delete a profile only at a given version
// implements VersionedDeleter too (MemoryStore and the durable stores do),
// which lets Merger refuse a merge that would lose a concurrent change.
//
// # Building, merging and privacy
//
// These are concrete SDK types, not part of Store: Survivorship builds a
// profile from source records with a rule per attribute and records
// provenance; Merger and Privacy call a Store. Merger merges and unmerges
// (or splits) profiles non-destructively, logging who, which rule, why and
// when in the profile's Audit; Privacy erases (with an ErasureReport),
// exports (JSON) and restricts a customer's data. Clocks are explicit:
// every call that stamps a time takes it.
//
// Erasure removes the profile and every reference to it in the Store; it
// keeps no suppression entry. An application on c360.Engine erases with
// Engine.Erase, which reaches everything the SDK keeps about the person
// (events, sends, the change feed …), keeps an audit entry and a hashed
// suppression entry, and calls c360.Erasers for holders outside the engine.
// Interactions — touchpoints over time — live in package journey, keyed by
// ID.
//
// Start with Profile and MemoryStore, then Survivorship.Build and Merger.
package customer
