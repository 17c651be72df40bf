// Package segment aims a company's messages where they pay: segments of
// customers written in a small language, computed traits over touchpoints,
// live membership, the purchase summaries RFM scoring needs, and activation
// through the send-eligibility gate of package journey. The scoring itself —
// RFM, Pareto/ABC and scenario priorities, pure functions over numbers — is
// in package segment/analysis.
//
// # The segment language
//
// Marketers store segments as text; developers build the same trees in Go
// (AllOf, Cmp, Count, …) or exchange them as JSON (MarshalExpr,
// UnmarshalExpr). Parse reads the text form:
//
//	stage = "engage" and consent.email.marketing = "opt_in"
//	last_purchase_at > now - 90d
//	count(online_purchase, 90d) >= 2 and sum(value, 365d) > 50000
//	prefecture in ("東京都", "神奈川県") and not segment("churned")
//	age between 20 and 39 and tags contains "runner" and exists(email)
//
// Paths name profile fields and custom attributes (see ProfileAttrs) or
// named computed traits (Set.DefineTrait). Calls aggregate the customer's
// touchpoints over sliding windows (see Agg): count, sum, min, max, avg,
// distinct, first, last, first_time, last_time, most_frequent. A window such
// as 90d holds the touchpoints with now−90d < time <= now; touchpoints after
// now never count. Parse errors are *ParseError values with the line, the
// column (in characters) and what was expected.
//
// Evaluation uses two-valued logic: any comparison with a missing value is
// false (so both x = 1 and x != 1 are false when x is missing); test
// presence with exists(x). Numeric text compares as a number and RFC 3339
// text as a time, so attributes from CSV files work.
//
// # Money in one currency
//
// Amounts in a set's expressions are in the set's currency (Set.Currency,
// JPY by default): sum(value, 365d) > 50000 means ¥50,000. Value aggregates
// never add amounts of different currencies. Set.FromEvent brings each
// journey event's value into that currency as the touchpoint is built —
// converted by the caller's Set.Convert, or else left out of value
// aggregates (the touchpoint still counts for count, distinct, …) — so
// evaluation, full or live, stays a loop over numbers of one currency.
// The package function FromEvent does the same for JPY without conversion.
// The field currency names a touchpoint's currency (most_frequent(currency)).
//
// # Sets, references and live membership
//
// A Set holds named segments and traits; segment("name") refers to another
// segment, and a definition that would close a cycle is rejected. Live keeps
// every segment's membership current as profiles change (UpsertProfile) and
// touchpoints arrive (AddTouchpoint), re-evaluating only the segments a
// change can affect, and reports enter and exit events; the host calls Tick
// on its own schedule for conditions that change with time alone.
//
// # Purchase summaries and activation
//
// RFMInputs (and Set.RFMInputs, in the set's currency) summarise each
// customer's purchases among their touchpoints — the types that count as
// purchases (DefaultPurchaseTypes), within a window — into the
// analysis.RFMInput that analysis.RFM scores; monetary adds amounts of one
// currency only. Activate turns a segment's members into an audience for a
// channel: each member passes the journey.Gate (consent from the member's
// own profile, suppression, frequency caps, quiet hours) on the channel they
// permit and prefer, the export carries SHA-256 hashes of the normalised
// e-mail and E.164 phone, and every exclusion is reported with its reasons.
//
// Start with Parse and Set, then Live, RFMInputs and Activate. The
// command-line tool exposes them as c360 segment and c360 rfm.
package segment
