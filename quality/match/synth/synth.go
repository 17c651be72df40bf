package synth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/hashicorp/go-multierror"
)

// Locale selects the kind of records generated.
type Locale string

const (
	// Japanese generates Japanese customer records (the default).
	Japanese Locale = "ja"
	// English generates FEBRL-like Australian records in lower case.
	English Locale = "en"
)

// ErrInvalidConfig is wrapped by every error Generate returns for a Config it
// cannot honour.
var ErrInvalidConfig = errors.New("synth: invalid config")

// ConfigError names the Config field that is wrong. It wraps ErrInvalidConfig.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and the problem.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("synth: invalid config: %s: %s", e.Field, e.Reason)
}

// Unwrap returns ErrInvalidConfig.
func (e *ConfigError) Unwrap() error { return ErrInvalidConfig }

// Config controls Generate. A zero Config is valid: 1,000 Japanese records
// from seed 0 with the default duplicate distribution and noise.
type Config struct {
	// N is the number of records to generate. Zero means 1,000.
	N int
	// Seed selects the data set: the same Config gives the same records,
	// byte for byte, on every platform and Go release that keeps
	// math/rand/v2's PCG stable. Zero is a seed like any other.
	Seed uint64
	// Locale is Japanese or English. Empty means Japanese.
	Locale Locale
	// DupRate is the share of entities that have more than one record.
	// Zero means 0.5; a negative value means no duplicates at all.
	DupRate float64
	// MaxClusterSize is the largest number of records one entity gets.
	// Zero means 5. Sizes of duplicated entities start at 2 and fall
	// geometrically (each further record with probability 0.4), so the mean
	// size of a duplicated entity is about 2.6 and, with the default
	// DupRate, about 1.8 records per entity overall.
	MaxClusterSize int
	// Noise scales the rate of every error (typos, missing values, changed
	// e-mail, phone and address, …; not the choice of notation, which is
	// always varied). Zero means 1; a negative value means no errors, so
	// duplicates then differ only in notation.
	Noise float64
	// HouseholdRate is the share of entities that get a household member:
	// a separate entity with the same family name, address and landline
	// but another given name and birth date (a hard negative). Zero means
	// 0.08; negative means none. Japanese only.
	HouseholdRate float64
	// TwinRate is the share of entities that get a twin: same family name,
	// address, landline and birth date, another given name. Zero means
	// 0.003; negative means none. Japanese only.
	TwinRate float64
	// PlaceholderRate is the share of missing values written as a
	// placeholder (不明, なし, -, 1900-01-01, 000-0000, …) instead of left
	// empty, as many real exports do. Zero or negative means none (the
	// default, so that the default data set stays comparable with earlier
	// measurements); SuggestedPlaceholderRate is a realistic value.
	// Japanese only.
	PlaceholderRate float64
}

// Defaults of the Config fields.
const (
	DefaultN              = 1000
	DefaultDupRate        = 0.5
	DefaultMaxClusterSize = 5
	DefaultHouseholdRate  = 0.08
	DefaultTwinRate       = 0.003
)

// SuggestedPlaceholderRate is a realistic Config.PlaceholderRate: about one
// missing value in twelve written as a placeholder.
const SuggestedPlaceholderRate = 0.08

// shuffleWindow is the number of records held back to spread an entity's
// records over the output; memory stays flat whatever N is.
const shuffleWindow = 8192

// resolved returns the config with defaults filled in, or every problem.
func (c Config) resolved() (Config, error) {
	var errs *multierror.Error
	bad := func(field, reason string) { errs = multierror.Append(errs, &ConfigError{field, reason}) }
	if c.N < 0 {
		bad("N", "negative record count "+strconv.Itoa(c.N))
	}
	if c.N == 0 {
		c.N = DefaultN
	}
	switch c.Locale {
	case "":
		c.Locale = Japanese
	case Japanese, English:
	default:
		bad("Locale", fmt.Sprintf("unknown locale %q (want %q or %q)", string(c.Locale), Japanese, English))
	}
	checkRate := func(field string, v *float64, def float64, max float64) {
		switch {
		case math.IsNaN(*v) || math.IsInf(*v, 0):
			bad(field, "not a finite number")
		case *v == 0:
			*v = def
		case *v < 0:
			*v = 0
		case *v > max:
			bad(field, fmt.Sprintf("%g is above %g", *v, max))
		}
	}
	checkRate("DupRate", &c.DupRate, DefaultDupRate, 1)
	checkRate("Noise", &c.Noise, 1, 5)
	checkRate("HouseholdRate", &c.HouseholdRate, DefaultHouseholdRate, 1)
	checkRate("TwinRate", &c.TwinRate, DefaultTwinRate, 1)
	checkRate("PlaceholderRate", &c.PlaceholderRate, 0, 1)
	switch {
	case c.MaxClusterSize == 0:
		c.MaxClusterSize = DefaultMaxClusterSize
	case c.MaxClusterSize < 1:
		bad("MaxClusterSize", "below 1")
	case c.MaxClusterSize == 1:
		c.DupRate = 0
	}
	return c, errs.ErrorOrNil()
}

// Record is one generated record.
type Record struct {
	// ID is the record_id column: "R" and eight or more digits, numbered in
	// output order from R00000001.
	ID string
	// EntityID is the true identity ("E" and seven or more digits): records
	// with the same EntityID describe the same person.
	EntityID string
	// Values holds the columns of Header(locale), in that order; Values[0]
	// is ID.
	Values []string
	// Dup is false for the first record made for an entity and true for
	// its duplicates; only duplicates carry errors (see the package doc).
	Dup bool
	// Noise lists the perturbations applied to this record.
	Noise Noise
}

// Get returns the value of the named column, or "" if the record's locale
// has no such column.
func (r Record) Get(column string) string {
	for i, h := range headerFor(len(r.Values)) {
		if h == column {
			return r.Values[i]
		}
	}
	return ""
}

// Column layouts. They are part of the API: columns are only ever appended.
var (
	jaHeader = [...]string{"record_id", "family_name", "given_name", "family_kana", "given_kana", "birth_date",
		"email", "phone", "postal_code", "prefecture", "address", "company", "source_system"}
	enHeader = [...]string{"record_id", "given_name", "surname", "street_number", "address_1", "address_2",
		"suburb", "postcode", "state", "date_of_birth", "phone", "email"}
)

// Header returns the column names of a locale's records ("" means Japanese),
// or nil for an unknown locale. The caller may modify the returned slice.
func Header(l Locale) []string {
	switch l {
	case "", Japanese:
		return append([]string(nil), jaHeader[:]...)
	case English:
		return append([]string(nil), enHeader[:]...)
	}
	return nil
}

func headerFor(n int) []string {
	switch n {
	case len(jaHeader):
		return jaHeader[:]
	case len(enHeader):
		return enHeader[:]
	}
	return nil
}

// Generate produces cfg.N records and calls yield for each, in output order.
// It stops at the first error yield returns and returns it, and honours ctx
// between records (returning ctx.Err()). An invalid cfg gives an error
// wrapping ErrInvalidConfig before any record is yielded. Memory use does not
// grow with N: the records of one entity are spread over a window of a few
// thousand records.
//
// Generate is deterministic: the same cfg gives the same records. It keeps
// no state between calls, so calls may run concurrently.
func Generate(ctx context.Context, cfg Config, yield func(Record) error) error {
	cfg, err := cfg.resolved()
	if err != nil {
		return err
	}
	g := &generator{
		cfg: cfg,
		rng: rand.New(rand.NewPCG(cfg.Seed, 0x63333630_73796e74)), // "c360synt"
	}
	var mk entityMaker
	if cfg.Locale == English {
		mk = newEnMaker(g)
	} else {
		mk = newJaMaker(g)
	}
	// The window shuffle draws from its own stream so that the records of an
	// entity do not depend on how the window happens to be filled.
	shuf := rand.New(rand.NewPCG(cfg.Seed^0x9e3779b97f4a7c15, 0x73687566))
	window := make([]Record, 0, min(cfg.N, shuffleWindow))
	emitted := 0
	emit := func(r Record) error {
		emitted++
		r.ID = formatID('R', emitted, 8)
		r.Values[0] = r.ID
		return yield(r)
	}
	produced := 0
	var batch []Record
	for step := 0; produced < cfg.N; step++ {
		if step&255 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		batch = mk.next(batch[:0], cfg.N-produced)
		for _, r := range batch {
			produced++
			if len(window) < cap(window) {
				window = append(window, r)
				continue
			}
			j := shuf.IntN(len(window))
			out := window[j]
			window[j] = r
			if err := emit(out); err != nil {
				return err
			}
		}
	}
	shuf.Shuffle(len(window), func(i, j int) { window[i], window[j] = window[j], window[i] })
	for i, r := range window {
		if i&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

// entityMaker makes the records of one or more entities at a time (an entity
// and its household members), appending at most limit records to dst.
type entityMaker interface {
	next(dst []Record, limit int) []Record
}

// generator holds the state shared by the locale makers.
type generator struct {
	cfg      Config
	rng      *rand.Rand
	entities int
}

func (g *generator) newEntityID() string {
	g.entities++
	return formatID('E', g.entities, 7)
}

// clusterSize draws the number of records of a new entity.
func (g *generator) clusterSize() int {
	if g.rng.Float64() >= g.cfg.DupRate {
		return 1
	}
	n := 2
	for n < g.cfg.MaxClusterSize && g.rng.Float64() < 0.4 {
		n++
	}
	return n
}

// p reports true with probability rate.
func (g *generator) p(rate float64) bool { return g.rng.Float64() < rate }

// e reports true with probability rate scaled by cfg.Noise: an error.
func (g *generator) e(rate float64) bool { return g.rng.Float64() < rate*g.cfg.Noise }

func (g *generator) intn(n int) int { return g.rng.IntN(n) }

// pick chooses among choices with the given weights (need not sum to 1).
func (g *generator) pick(weights ...float64) int {
	t := 0.0
	for _, w := range weights {
		t += w
	}
	x := g.rng.Float64() * t
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func formatID(prefix byte, n, width int) string {
	var buf [24]byte
	b := append(buf[:0], prefix)
	s := strconv.AppendInt(buf[12:12], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return string(append(b, s...))
}
