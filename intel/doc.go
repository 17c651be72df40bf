// Package intel collects customer and market intelligence, shares it with
// permissions, and tracks the decisions and actions taken on it — the three
// activities of a customer- and market-driven company: collect, analyse and
// share, decide and act.
//
// # Items and taxonomy
//
// An [Item] is one piece of intelligence: its [Kind] (customer or market
// intelligence), [Category] and [Source] from a [Taxonomy] (the one of
// DOMAIN.md from [NewTaxonomy], extensible by the host with AddKind,
// AddCategory and AddSource), title, body, tags, [Links] to customers,
// accounts and competitors, sentiment, confidence, author, capture time,
// [Reference] values and, for survey answers, a [SurveyAnswer].
// [Item.Validate] reports every problem at once as [*customer.FieldError] values.
//
// # Storage
//
// [Repository] is the storage interface a host implements for its own
// database (small, context first, streaming with iter.Seq2);
// [MemoryRepository] is the embedded default, and
// github.com/c360/c360/intel/inteltest.Run checks any implementation.
//
// # The Hub: collect, share, analyse
//
// [Hub] is where applications start: New(repo, Config{}) then Collect,
// Get, List, Search, Subscribe, Digest and the insight methods. Every read
// takes the reading [Principal] (a person with teams and roles) and returns
// only what [Item.VisibleTo] allows — visibility org-wide, to teams, to
// named people or private, widened by [Grantee] grants. Items a principal
// may not see are indistinguishable from items that do not exist.
//
// Search ([Hub.Search], queries from [ParseQuery] or built as [Query]) runs
// over an in-memory inverted index of text normalised by quality/normalize
// (so ＡＢＣ finds ABC and カタカナ finds ｶﾀｶﾅ): Japanese and other CJK text is
// indexed as overlapping character bigrams, Latin text as lower-cased
// words; hits are ranked by BM25, filtered by kind, category, source, tags,
// time and linked customers, accounts or competitors, and come with
// highlighted [Snippet] values.
//
// Subscriptions ([Hub.Subscribe]) push each newly written matching item
// exactly once to the host's Config.Deliver callback; [Hub.Digest] gives a
// team its week by category.
//
// # Insight
//
// [NPS] and [CSAT] compute scores with confidence intervals;
// [Hub.Survey] groups them by segment and period; [Hub.SentimentTrend]
// follows sentiment per topic; [Hub.Competitors] summarises competitor
// activity and [Hub.Alerts] surfaces new competitors and market changes.
// Aggregates over groups smaller than Config.MinGroupSize are suppressed.
//
// # Decide and act
//
// [Tracker] keeps [Decision] and [Action] records and reports decisions
// without actions ([Tracker.WithoutActions]) and overdue actions
// ([Tracker.Overdue], against an injectable clock). [Hub.Evidence] reads a
// decision's evidence with access control.
//
// # Concurrency
//
// Hub, MemoryRepository, Taxonomy and Tracker are safe for concurrent use.
//
// # Performance
//
// The index keeps sorted uint32 posting lists (with one byte of term
// frequency) and a 24-byte record per item. BenchmarkSearch1M indexes
// 1,000,000 synthetic items (half Japanese, half Latin text, Zipf-distributed
// words) and runs two-term queries with one filter each:
//
//	go test -run '^$' -bench Search1M -benchtime 1000x ./intel/
//
// It reports wall-clock and thread-CPU latency percentiles, Load time and
// index bytes per item; the figures measured for a release are in its notes.
package intel
