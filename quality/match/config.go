package match

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/go-multierror"
)

// Config configures a Matcher. The zero value of every field is its
// default, so most callers set Fields alone; the defaults are the
// configuration the accuracy figures of the package documentation were
// measured with. Config is also the match.json that "c360 dedupe --config"
// and "c360 link --config" read: LoadConfig reads it strictly, and a host
// can load the same file.
type Config struct {
	// Fields are the fields of the records, in Record.Values order. Fields
	// of a kind the matcher does not compare (KindIgnore, KindTimestamp,
	// KindCategory) are carried but never compared. At most 16.
	Fields []Field `json:"fields,omitempty"`
	// Threshold is the match probability at or above which a pair is a
	// match. 0 means 0.7; otherwise it must be in (0, 1].
	Threshold float64 `json:"threshold,omitempty"`
	// ReviewThreshold is the lower end of the review band: pairs with a
	// probability in [ReviewThreshold, Threshold) are reported for clerical
	// review but not merged. 0 means 0.5; above Threshold it is lowered to
	// Threshold (no review band).
	ReviewThreshold float64 `json:"review_threshold,omitempty"`
	// Rules, when set, switch to deterministic matching: a pair matches
	// (probability 1) when every criterion of at least one rule holds, and
	// does not (probability 0) otherwise. No model is estimated. Each rule
	// brings its own blocking (its exact and normalised fields together, or
	// the first characters of its fuzzy ones) beside the default rules.
	Rules []Rule `json:"rules,omitempty"`
	// Blocking replaces the default blocking rules. Each rule lists field
	// names whose normalised keys, together, form the block key; rules are
	// OR-ed. nil means the default rules, built from the kinds present.
	// With Rules, each matching rule needs a blocking rule keyed only on
	// fields it compares exactly or normalised, or New refuses it.
	Blocking [][]string `json:"blocking,omitempty"`
	// BlockCap is the largest block whose records are all paired; a larger
	// block is paired by sorted neighbourhood only and reported in
	// Stats.Capped. 0 means 100; values below 2 are raised to 2.
	BlockCap int `json:"block_cap,omitempty"`
	// Window is the sorted-neighbourhood window used inside capped blocks.
	// 0 means 8.
	Window int `json:"window,omitempty"`
	// Guards names the fields whose conflicting values (a pair graded
	// "disagree") keep two records out of one cluster, even through a
	// third record. nil means every field the matcher compares as KindID or
	// KindDate; an empty, non-nil list (JSON []) turns the guards off.
	Guards []string `json:"guards"`
	// MaxClusterSize is the size above which a cluster is reported in
	// Stats.Oversized (oversized clusters are kept). 0 means 1000.
	MaxClusterSize int `json:"max_cluster_size,omitempty"`
	// OneToOne restricts Link to one-to-one links: each record of either
	// side is linked to at most one record of the other, the most probable
	// links first. Default off.
	OneToOne bool `json:"one_to_one,omitempty"`
	// TermFrequency turns the term-frequency adjustment on or off: agreeing
	// on a common value ("Smith", "佐藤") then counts for less than agreeing
	// on a rare one. nil means on.
	TermFrequency *bool `json:"term_frequency,omitempty"`
	// Seed seeds the random pairs that estimate u; equal seeds give equal
	// results. 0 means 1.
	Seed uint64 `json:"seed,omitempty"`
	// Workers is how many goroutines prepare and score records. 0 means
	// GOMAXPROCS.
	Workers int `json:"workers,omitempty"`
	// RandomPairs is how many random pairs estimate the u probabilities.
	// 0 means 300,000; values below 1,000 are raised to 1,000.
	RandomPairs int `json:"random_pairs,omitempty"`

	// Labels are pairs a person has decided (Dedupe only; Link refuses
	// them). A confirmed pair is compared whatever the blocking, merged
	// whatever the guards, and with the other confirmed pairs re-estimates
	// m (labelled matches count as known matches beside the EM estimate);
	// a rejected pair is never put in one cluster, even through other
	// records. Records are named by ID; an unknown ID is an error. nil
	// means none.
	Labels []Label `json:"labels,omitempty"`

	// Model fixes the model parameters instead of estimating them, e.g. the
	// Model of an earlier Result. nil means estimated from the data.
	Model *Model `json:"-"`
	// Progress, when set, is told about the progress of long work. It is
	// called from the goroutine that called Dedupe or Link.
	Progress func(Progress) `json:"-"`
}

// Progress reports how far a long call has come.
type Progress struct {
	Stage string // "prepare", "block", "estimate", "score", "cluster"
	Done  int    // items done in this stage
	Total int    // items in this stage
}

// options are a Config's settings with the defaults filled in.
type options struct {
	threshold   float64
	review      float64
	blockCap    int
	window      int
	maxCluster  int
	workers     int
	uSample     int
	emIter      int
	seed        uint64
	noTF        bool
	guards      []string
	guardsSet   bool
	rules       []Rule
	oneToOne    bool
	progress    func(Progress)
	model       *Model
	rulesBlocks [][]string
	labels      []Label
}

// resolve fills in the defaults of c.
func (c *Config) resolve() options {
	o := options{
		threshold:   orDefault(c.Threshold, 0.7),
		review:      orDefault(c.ReviewThreshold, 0.5),
		blockCap:    orDefault(c.BlockCap, 100),
		window:      orDefault(c.Window, 8),
		maxCluster:  orDefault(c.MaxClusterSize, 1000),
		workers:     orDefault(c.Workers, runtime.GOMAXPROCS(0)),
		uSample:     orDefault(c.RandomPairs, 300000),
		emIter:      60,
		seed:        orDefault(c.Seed, 1),
		noTF:        c.TermFrequency != nil && !*c.TermFrequency,
		guards:      c.Guards,
		guardsSet:   c.Guards != nil,
		rules:       c.Rules,
		oneToOne:    c.OneToOne,
		progress:    c.Progress,
		model:       c.Model,
		rulesBlocks: c.Blocking,
		labels:      c.Labels,
	}
	o.review = min(o.review, o.threshold)
	o.blockCap = max(o.blockCap, 2)
	o.uSample = max(o.uSample, 1000)
	return o
}

func orDefault[T int | uint64 | float64](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// checkSettings collects the problems of the settings that do not depend on
// the fields.
func (c *Config) checkSettings() *multierror.Error {
	var errs *multierror.Error
	for _, t := range []struct {
		key string
		v   float64
	}{{"threshold", c.Threshold}, {"review_threshold", c.ReviewThreshold}} {
		if t.v < 0 || t.v > 1 {
			errs = multierror.Append(errs, configError(fmt.Sprintf("%q %v not in (0, 1]", t.key, t.v)))
		}
	}
	for _, n := range []struct {
		key string
		v   int
	}{{"block_cap", c.BlockCap}, {"window", c.Window}, {"max_cluster_size", c.MaxClusterSize}, {"workers", c.Workers}, {"random_pairs", c.RandomPairs}} {
		if n.v < 0 {
			errs = multierror.Append(errs, configError(fmt.Sprintf("%q %d is negative", n.key, n.v)))
		}
	}
	return errs
}

// Validate reports every problem of the configuration at once: no field to
// compare or more than 16 fields, a field declared twice or of an unknown
// kind, a threshold out of range, a negative count, a rule, guard or
// blocking rule naming a field that is not declared, a fixed Model for other
// fields. New validates too.
func (c Config) Validate() error {
	_, err := New(c)
	return err
}

// LoadConfig reads a Config from JSON, strictly: unknown keys, values of the
// wrong type and data after the object are errors, and syntax and type
// errors name their line and column. The settings are checked as Validate
// does; the fields too when the file declares them (a file may leave them
// to the caller, as "c360 dedupe --field" does).
func LoadConfig(r io.Reader) (Config, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Config{}, err
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("%s%w", jsonWhere(b, err), err)
	}
	if dec.More() {
		return Config{}, fmt.Errorf("%sunexpected data after the JSON object", lineCol(b, dec.InputOffset()))
	}
	if len(c.Fields) > 0 {
		return c, c.Validate()
	}
	return c, c.checkSettings().ErrorOrNil()
}

// jsonWhere returns "line L, column C: " for a JSON decoding error of b
// whose place is known or can be found, and "" otherwise. encoding/json
// gives the offset of syntax and type errors; an unknown key is found by
// its name, an unknown kind or method by scanning the values of that key.
func jsonWhere(b []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return lineCol(b, se.Offset-1) // the offending character is the last one read
	case errors.As(err, &te):
		return lineCol(b, te.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		key := strings.TrimPrefix(err.Error(), "json: unknown field ")
		if m := regexp.MustCompile(regexp.QuoteMeta(key) + `\s*:`).FindIndex(b); m != nil {
			return lineCol(b, int64(m[0]))
		}
	case errors.Is(err, ErrUnknownKind):
		return badValue(b, "kind", func(s string) bool { _, err := ParseKind(s); return err == nil })
	case errors.Is(err, ErrConfig):
		return badValue(b, "method", func(s string) bool { var m Method; return m.UnmarshalText([]byte(s)) == nil })
	}
	return ""
}

// badValue returns where the first string value of key in b that is not
// valid starts, as lineCol does, or "".
func badValue(b []byte, key string, valid func(string) bool) string {
	re := regexp.MustCompile(`"` + key + `"\s*:\s*("(?:[^"\\]|\\.)*")`)
	for _, m := range re.FindAllSubmatchIndex(b, -1) {
		var s string
		if json.Unmarshal(b[m[2]:m[3]], &s) == nil && !valid(s) {
			return lineCol(b, int64(m[2]))
		}
	}
	return ""
}

// lineCol returns "line L, column C: " for the byte offset off of b (both
// 1-based; the column counts characters).
func lineCol(b []byte, off int64) string {
	off = min(max(off, 0), int64(len(b)))
	before := b[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("line %d, column %d: ", line, col)
}
