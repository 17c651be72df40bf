package match

import "runtime"

// Option configures a Matcher. Most callers set none: the defaults are the
// configuration the accuracy figures in the package documentation were
// measured with.
type Option func(*options)

type options struct {
	threshold   float64 // default 0.7
	review      float64 // default 0.5
	blockCap    int     // default 100
	window      int     // default 8
	maxCluster  int     // default 1000
	workers     int     // default GOMAXPROCS
	uSample     int     // default 300000
	emIter      int     // default 60
	seed        uint64  // default 1
	noTF        bool
	guards      []string
	guardsSet   bool
	rules       []Rule
	oneToOne    bool
	progress    func(Progress)
	model       *Model
	rulesBlocks [][]string
}

func defaults() options {
	return options{
		threshold:  0.7,
		review:     0.5,
		blockCap:   100,
		window:     8,
		maxCluster: 1000,
		workers:    runtime.GOMAXPROCS(0),
		uSample:    300000,
		emIter:     60,
		seed:       1,
	}
}

// WithThreshold sets the match probability at or above which a pair is a
// match (default 0.7). Values outside (0, 1] are rejected by New.
func WithThreshold(p float64) Option { return func(o *options) { o.threshold = p } }

// WithReviewThreshold sets the lower end of the review band: pairs with a
// probability in [review, threshold) are reported for clerical review but not
// merged (default 0.5; it is lowered to the threshold when above it).
func WithReviewThreshold(p float64) Option { return func(o *options) { o.review = p } }

// WithBlockCap sets the largest block whose records are all paired (default
// 100). A larger block is paired by sorted neighbourhood only and reported in
// Stats.Capped.
func WithBlockCap(n int) Option { return func(o *options) { o.blockCap = n } }

// WithWindow sets the sorted-neighbourhood window used inside capped blocks
// (default 8).
func WithWindow(n int) Option { return func(o *options) { o.window = n } }

// WithMaxClusterSize sets the size above which a cluster is reported as
// oversized in Stats.Oversized (default 1000). Oversized clusters are kept.
func WithMaxClusterSize(n int) Option { return func(o *options) { o.maxCluster = n } }

// WithWorkers sets how many goroutines score pairs (default GOMAXPROCS).
func WithWorkers(n int) Option { return func(o *options) { o.workers = n } }

// WithSeed sets the seed of the random pairs that estimate u (default 1).
// Equal seeds give equal results.
func WithSeed(s uint64) Option { return func(o *options) { o.seed = s } }

// WithRandomPairs sets how many random pairs estimate the u probabilities
// (default 300,000).
func WithRandomPairs(n int) Option { return func(o *options) { o.uSample = n } }

// WithTermFrequency turns the term-frequency adjustment on or off (default
// on): agreeing on a common value ("Smith", "佐藤") then counts for less than
// agreeing on a rare one.
func WithTermFrequency(on bool) Option { return func(o *options) { o.noTF = !on } }

// WithGuards names the fields whose conflicting values keep two records out
// of one cluster, even through a third record (default: every field of kind
// KindID or KindDate). A conflict is a pair graded "disagree". An empty call
// turns the guards off.
func WithGuards(fields ...string) Option {
	return func(o *options) { o.guards, o.guardsSet = fields, true }
}

// WithRules switches to deterministic matching: a pair matches when every
// criterion of at least one rule holds (probability 1), otherwise it does not
// (probability 0). No model is estimated.
func WithRules(rules ...Rule) Option { return func(o *options) { o.rules = rules } }

// WithOneToOne restricts Link to one-to-one links: each record of either side
// is linked to at most one record of the other, taking the most probable
// links first (default off).
func WithOneToOne(on bool) Option { return func(o *options) { o.oneToOne = on } }

// WithProgress sets a callback told about progress of long work (default
// none). It is called from the goroutine that called Dedupe or Link.
func WithProgress(f func(Progress)) Option { return func(o *options) { o.progress = f } }

// WithModel fixes the model parameters instead of estimating them, e.g. a
// Model returned in an earlier Result (default: estimated from the data).
func WithModel(m *Model) Option { return func(o *options) { o.model = m } }

// WithBlocking replaces the default blocking rules. Each rule is a list of
// field names whose normalised keys, together, form the block key; rules are
// OR-ed.
func WithBlocking(rules ...[]string) Option { return func(o *options) { o.rulesBlocks = rules } }

// Progress reports how far a long call has come.
type Progress struct {
	Stage string // "prepare", "block", "estimate", "score", "cluster"
	Done  int    // items done in this stage
	Total int    // items in this stage
}
