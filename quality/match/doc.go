// Package match resolves identities: it decides which records, from one
// table or from two, describe the same customer.
//
// # Fields and kinds
//
// A record is a list of raw values, one per Field. Each field has a Kind
// (KindFamilyName, KindEmail, KindPostalCode, …; InferKinds guesses them
// from header names in English and Japanese and from values). The kind
// decides how a value is normalised through quality/normalize (width, case,
// kana, phone numbers to E.164, postal codes, Japanese era dates, company
// legal forms), which blocking keys it yields and which comparison levels
// two values are graded into (Kind.Levels): exact on the normalised key,
// Jaro–Winkler bands, one edit, day/month swap, numeric closeness, missing.
// Kind is the SDK's one field-kind vocabulary: package quality derives its
// default rules from the same kinds.
//
// # The pipeline
//
// New builds a Matcher from a Config: the fields and, where the defaults do
// not suit, thresholds, rules, blocking, guards… — every setting's zero
// value is its default, and the same Config is the match.json that
// "c360 dedupe --config" reads (LoadConfig). Matcher.Dedupe and
// Matcher.Link run:
//
//   - prepare: normalise every value (all cores);
//   - block: OR-ed blocking rules built from the kinds present — same e-mail,
//     same E.164 phone, same identifier, postal code / date / address with a
//     name initial, family name with given initial, kana reading and whole
//     names qualified by region or birth year, MinHash LSH over name bigrams
//     for Latin-script names. A rule whose keys are too coarse for the data
//     — more than 3 candidate pairs per record on average, from 200,000
//     pairs on — is replaced by a finer version of itself: a postcode with
//     the whole name instead of an initial, a name with the birth year,
//     then the postcode too, then the birth year, postcode and name
//     initials (Stats.RulePairs names the version used); and in such a
//     rule, a block still holding more than 8 records is split by the same
//     finer keys (e-mail, phone and identifier rules are only split this
//     way, never replaced). Candidate pairs then grow about linearly with
//     the records even when a few postcodes or names are shared by
//     thousands. Labelled pairs (Config.Labels) are always compared. Blocks over the cap
//     (Config.BlockCap) are paired by sorted neighbourhood only and listed
//     in Stats.Capped;
//   - estimate: Fellegi–Sunter parameters without labels — u from random
//     pairs, or every pair of a small input (the exact level from value
//     frequencies), then EM over the comparison patterns of the candidate
//     pairs for m, u and the prior. Typical u values per kind and a prior of
//     0.1 weigh like 1,000 and 10 pairs: nothing against a large input, but
//     they keep a file of a few records sane (two identical records match);
//     From 50,000 records on, m is learnt from the pairs of rules other than
//     name-only ones (at scale those are mostly namesakes), then u and the
//     prior are re-estimated over all candidates with m fixed. Pairs are
//     then scored with u from random pairs (the exact level less the
//     expected matching pairs) and the prior of any two records, since u
//     among candidates undercounts a pair agreeing on several of the fields
//     that blocking chose them by; the candidates' u and prior stay in the
//     Model for the chaining guards;
//   - compare: values longer than 64 runes are graded on their first 64 at
//     the similarity levels (exact agreement compares them whole), so long
//     free text costs no more than a name;
//   - score: match weights in bits with a term-frequency adjustment (agreeing
//     on a rare surname counts for more than on "佐藤" or "Smith", by at most
//     3 bits; agreeing on a common value is weak evidence, never evidence
//     against; regions, postal codes and addresses are not adjusted, see
//     tfKind), turned into probabilities. When every place field below the
//     region disagrees outright (a move), the place fields' disagreements
//     count once, the strongest of them. A pair that disagrees on both given
//     name and birth date, with no identifier agreeing, is never a match (a
//     household member sharing an address and landline), nor is a pair whose
//     Japanese given names and their readings differ, unless the birth dates
//     or the Japanese mobile numbers agree (IME variants: 隆子 / 孝子); a pair that shares nothing
//     but a common name (a built-in list, or a family name held by 0.5% of
//     the records) is held for review (LimitCommonName). The Model keeps
//     the most frequent names (FieldParams.Frequent), so that a Scorer,
//     which sees one record at a time, makes the same adjustment for them;
//   - cluster: connected components over pairs at or above the threshold,
//     most probable first, with chaining guards: two records whose valid
//     corporate numbers differ, or whose identifiers or dates conflict while
//     they look nothing alike, never end up in one cluster through a third
//     record (Config.Guards). Clusters above Config.MaxClusterSize are reported.
//
// Result holds the clusters, the pairs at or above the review threshold (the
// band between Config.ReviewThreshold and Config.Threshold is for clerical
// review), Stats (candidate pairs, capped blocks, pair recall when labels are
// given to DedupeLabelled, guard refusals, throughput) and the Model.
// Result.Explain gives each field's contribution to any pair's score, and
// why a pair was limited or kept apart (Explanation.Limit). Result.WriteHTML
// writes a self-contained report of the run for a data steward (the charts
// of "c360 dedupe --report").
//
// Config.Labels are pairs a person decided: confirmed pairs are merged and
// re-estimate m, rejected pairs are never put in one cluster.
//
// Config.Rules switch to deterministic matching instead: rules of criteria
// (exact, normalised or fuzzy with a threshold, with a match-on-blank flag),
// AND-ed within a rule and OR-ed across rules, like a CRM's duplicate rules.
//
// # Real time
//
// An Index (Matcher.NewIndex, or Result.Index to continue from a batch)
// resolves one record at a time against everything already added and
// returns its cluster and the explanations of its matches. With the same
// model it agrees with Dedupe on the same data (see Index).
//
// # Accuracy
//
// Evaluate computes pairwise precision, recall and F1. With the default
// configuration and no labels, the package's accuracy tests measure F1 of
// 1.000 / 0.999 / 0.999 on FEBRL datasets 1–3, 0.993 on dataset 3 without
// soc_sec_id, 0.919 on Splink's fake_1000 and 0.99 on 20,000 synthetic
// Japanese records from package synth (go test -run Accuracy -v).
//
// # Concurrency
//
// Records come from any table (one Record per row, one value per Field) or
// from customer source records: SourceRecords maps them onto SourceFields()
// (names, reading, e-mail, phone, birth date, address, company, corporate
// number), so New(Config{Fields: SourceFields()}) resolves the records of
// package customer.
//
// A Matcher holds only configuration and is safe for concurrent use; Dedupe
// and Link use Config.Workers goroutines (default GOMAXPROCS) and honour
// context cancellation, reporting progress through Config.Progress. An Index is
// safe for concurrent use. Results are not safe for concurrent mutation.
package match
