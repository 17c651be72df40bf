// Package quality measures and improves the data quality of customer
// records: rules grouped by dimension, a score with reasons for every
// record, a dataset report with statuses against thresholds, and an
// enrichment interface for third-party data.
//
// # Records and rules
//
// One rule engine serves every kind of record through the small Record
// interface (an ID and the values of a named field): Table wraps a plain
// table (a CSV file), ProfileRecord a customer.Profile, Enriched a record
// with provenance, and a host may adapt its own types.
//
// A Rule judges one record — Pass, Fail, or Skip when it does not apply —
// and belongs to a Dimension:
//
//   - Completeness: Required. What counts as missing is configurable
//     (Missing): empty, white space including U+3000, and sentinels such as
//     不明, なし, -, 0000000, test, ダミー, 〓 (DefaultSentinels), compared after
//     width and case folding.
//   - Validity: Validate with a Validator — ValidPostalCode (optionally
//     that the code exists, via quality/normalize/jppostal), ValidPrefecture,
//     ValidPhone (and its type), ValidEmail, ValidKatakana, ValidCorporateNumber,
//     ValidDate and ValidBirthDate (Japanese eras: ParseDate), ValidTime,
//     ValidNumber (ranges), ValidPattern, ValidEnum, ValidAddress, ValidCompany.
//   - Uniqueness: Unique (exact and normalised keys; a Keyed rule) and,
//     through a DuplicateFinder such as MatchFinder (quality/match), likely
//     duplicates with the health of the identity graph (IdentityHealth).
//   - Consistency: PostalPrefecture and PostalAddress (postal code ↔
//     prefecture and municipality), ReadingPresent (a kanji name needs its
//     reading), DateOrder (birth date before creation), SourceAgreement
//     (the source records merged into a profile agree on an attribute).
//   - Timeliness: Fresh (age of an updated or verified time against a
//     limit per field) and, for profiles, ConsentKnown; ConsentCoverage
//     gives the coverage per channel.
//   - Accuracy: signals from outside the data — Accurate over Signals
//     (bounced e-mail, disconnected phone, verified address) and, for
//     profiles, ContactValidity over the contact points' validity.
//
// DefaultRules derives the rules from declared field kinds (Field, Kind);
// ProfileRules gives the rules for customer profiles. NewRule, When,
// Named and WithReason build rules of one's own.
//
// # The record score
//
// Each applicable rule r (verdict Pass or Fail) has weight w_r, the weight
// of its field (Field.Weight or Config.FieldWeights; 1 by default and for
// rules about the whole record). For record x and dimension d with at least
// one applicable rule,
//
//	S_d(x) = 100 × Σ{w_r : r in d passed} / Σ{w_r : r in d applicable}
//
// and the record score is the weighted mean over those dimensions,
//
//	score(x) = Σ_d W_d × S_d(x) / Σ_d W_d
//
// with dimension weights W_d (Config.DimensionWeights; by default
// completeness 3, validity 3, uniqueness 2, consistency 2, timeliness 1,
// accuracy 2). A record to which no rule applies scores 100. Skipped rules
// carry no weight: a missing e-mail costs its completeness rule once, not
// its validity rule too. Each failed rule gives a reason,
// "<word>:<field>" with the word missing, invalid, duplicate, inconsistent,
// stale or inaccurate by dimension ("missing:phone", "invalid:postal_code",
// "stale:email"); a uniqueness rule fails every record after the first of
// its key, so its failures count the surplus copies.
//
// # The dataset report
//
// Engine.Assess runs the rules over records (in parallel, honouring the
// context, reporting progress) and returns an Assessment: each record's
// RecordResult (Assessment.All streams them) and the Report. Per rule the Report gives the raw counts
// (passed, failed, skipped), the ratio and a Status — pass, warn or fail —
// decided on the exact counts against a Threshold of Fractions by integer
// cross-multiplication, never on a rounded figure; a rule that checked no
// record (there were none, or it was skipped on all) has nothing to pass:
// its status is no_data (StatusNoData) and its ratio 0. A report of no
// record is not a perfect one: its score is 0 and its overall status
// no_data, which c360 quality prints as "no data"; per dimension, the mean
// dimension score, and the pooled checks (passed ÷ run, with a status) per
// dimension and overall; overall, the mean record score; the score histogram;
// per field, the counts of missing and invalid values; samples of failing
// values with record IDs; and, with Config.SliceBy, the same per value of
// any field (source system, prefecture, owner). Report.WriteJSON writes
// deterministic JSON, Report.WriteHTML a self-contained page with inline
// SVG charts, and Diff compares two reports (what improved).
//
// # Enrichment
//
// An Enricher is a data provider (firmographics, geo data) that proposes
// values for a record; Enrichment applies them with provenance and a
// time-to-live (Sourced) and never overwrites a value from a more trusted
// source; a provider that lists its fields (FieldLister) is not called while
// they are fresh. PostalEnricher (postal code → prefecture, city, town),
// PhoneEnricher (phone → E.164, type, area) and CorporateNumberEnricher
// (check digit) work offline; examples/enrich shows a host plugging in its
// own provider.
//
// Start with DefaultRules, New and Engine.Assess; the c360 quality command
// is built on them. An Engine holds only configuration and is safe for
// concurrent use; rules must be safe for concurrent use too.
package quality
