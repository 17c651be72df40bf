package quality

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/c360/c360/customer"
)

// Sentinel errors. Errors returned by this package wrap one of them where
// one applies, so callers test with errors.Is.
var (
	// ErrConfig: an Engine, rule or enrichment configuration is unusable
	// (a rule without a field, duplicate rule names, an unknown kind, …).
	ErrConfig = errors.New("quality: invalid configuration")
	// ErrInvalid: a value is not what its field claims to be (see
	// ValueError); validators and ParseDate return errors wrapping it.
	ErrInvalid = errors.New("quality: invalid value")
	// ErrRecord: a record cannot be assessed (an empty or duplicate record
	// ID); the *customer.FieldError naming the record wraps it.
	ErrRecord = errors.New("quality: invalid record")
)

// ValueError says why one value is invalid. It wraps ErrInvalid.
type ValueError struct {
	Value  string // the value as given
	Reason string // what is wrong, in English
}

// Error returns `quality: "<value>": <reason>`.
func (e *ValueError) Error() string { return fmt.Sprintf("quality: %q: %s", e.Value, e.Reason) }

// Unwrap returns ErrInvalid.
func (e *ValueError) Unwrap() error { return ErrInvalid }

func invalid(v, format string, args ...any) error {
	return &ValueError{Value: v, Reason: fmt.Sprintf(format, args...)}
}

// recordError returns the *customer.FieldError of a problem with a record:
// named by its ID, or by its position in the input when it has none; field
// is "" when the problem is the record's as a whole.
func recordError(index int, id, field string, err error) *customer.FieldError {
	rec := fmt.Sprintf("record %d", index)
	if id != "" {
		rec = "record " + strconv.Quote(id)
	}
	return &customer.FieldError{Record: rec, Field: field, Err: err}
}

// Dimension is a data-quality dimension in the DAMA sense. Every rule
// belongs to one.
type Dimension int

// The dimensions, in report order. Accuracy is measured only through
// signals supplied from outside (bounced e-mail, disconnected phone,
// verified address): data alone cannot prove itself accurate.
const (
	Completeness Dimension = iota // "completeness": the value is there
	Validity                      // "validity": the value has the right form
	Uniqueness                    // "uniqueness": the record is not a duplicate
	Consistency                   // "consistency": fields and sources agree
	Timeliness                    // "timeliness": the data is recent enough
	Accuracy                      // "accuracy": outside signals confirm the value
	numDimensions
)

var dimensionNames = [...]string{"completeness", "validity", "uniqueness", "consistency", "timeliness", "accuracy"}

// reasonPrefix is the word a failed rule of a dimension gives in reasons.
var reasonPrefix = [...]string{"missing", "invalid", "duplicate", "inconsistent", "stale", "inaccurate"}

// Dimensions returns every dimension in report order.
func Dimensions() []Dimension {
	return []Dimension{Completeness, Validity, Uniqueness, Consistency, Timeliness, Accuracy}
}

// String returns the dimension's name ("completeness", …).
func (d Dimension) String() string {
	if d >= 0 && d < numDimensions {
		return dimensionNames[d]
	}
	return fmt.Sprintf("Dimension(%d)", int(d))
}

// MarshalText encodes d as its name.
func (d Dimension) MarshalText() ([]byte, error) {
	if d < 0 || d >= numDimensions {
		return nil, fmt.Errorf("%w: unknown dimension %d", ErrConfig, int(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes a dimension name.
func (d *Dimension) UnmarshalText(b []byte) error {
	for i, n := range dimensionNames {
		if n == string(b) {
			*d = Dimension(i)
			return nil
		}
	}
	return fmt.Errorf("%w: unknown dimension %q", ErrConfig, b)
}

// Status is the verdict of a rule or dimension over a dataset.
type Status int

// Statuses. Pass, warn and fail run from best to worst; StatusNoData
// stands apart: the rule checked no record (there were none, or it did not
// apply to any), so it has nothing to pass — as Soda leaves a check
// without a value "not evaluated" rather than passing it. The zero value is
// StatusPass.
const (
	StatusPass   Status = iota // "pass"
	StatusWarn                 // "warn"
	StatusFail                 // "fail"
	StatusNoData               // "no_data": nothing was checked
)

var statusNames = [...]string{"pass", "warn", "fail", "no_data"}

// String returns "pass", "warn", "fail" or "no_data".
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// MarshalText encodes s as its name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a status name.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("%w: unknown status %q", ErrConfig, b)
}

// Fraction is an exact ratio Num/Den, used for thresholds so that a status
// never depends on rounding: "passed/total ≥ Num/Den" is decided as
// passed×Den ≥ Num×total in integers. The zero Fraction is 0.
type Fraction struct {
	Num, Den int64
}

// Percent returns the fraction p/100.
func Percent(p int64) Fraction { return Fraction{p, 100} }

// ParseFraction parses "95%", "99.5%", "0.95" or "19/20" exactly.
func ParseFraction(s string) (Fraction, error) {
	s = strings.TrimSpace(s)
	scale := int64(1)
	if t, ok := strings.CutSuffix(s, "%"); ok {
		s, scale = strings.TrimSpace(t), 100
	}
	if n, d, ok := strings.Cut(s, "/"); ok && scale == 1 {
		var f Fraction
		if _, err := fmt.Sscan(n, &f.Num); err != nil {
			return Fraction{}, fmt.Errorf("%w: fraction %q", ErrConfig, s)
		}
		if _, err := fmt.Sscan(d, &f.Den); err != nil || f.Den <= 0 || f.Num < 0 || f.Num > f.Den {
			return Fraction{}, fmt.Errorf("%w: fraction %q", ErrConfig, s)
		}
		return f, nil
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() < 0 || len(s) > 18 {
		return Fraction{}, fmt.Errorf("%w: fraction %q", ErrConfig, s)
	}
	r.Quo(r, big.NewRat(scale, 1))
	if r.Cmp(big.NewRat(1, 1)) > 0 || !r.Num().IsInt64() || !r.Denom().IsInt64() {
		return Fraction{}, fmt.Errorf("%w: fraction %q is above 1", ErrConfig, s)
	}
	return Fraction{r.Num().Int64(), r.Denom().Int64()}, nil
}

// String formats f as "Num/Den".
func (f Fraction) String() string { return fmt.Sprintf("%d/%d", f.Num, f.Den) }

// atLeast reports whether part/whole ≥ f, exactly. A zero whole is treated
// as ratio 1 (nothing to fail).
func (f Fraction) atLeast(part, whole int64) bool {
	if whole == 0 || f.Den == 0 {
		return true
	}
	a := new(big.Int).Mul(big.NewInt(part), big.NewInt(f.Den))
	b := new(big.Int).Mul(big.NewInt(f.Num), big.NewInt(whole))
	return a.Cmp(b) >= 0
}

// Threshold decides the status of a rule from its pass ratio: pass when
// passed/applicable ≥ Pass, warn when ≥ Warn, else fail. The comparison is
// exact (see Fraction). The zero Threshold is DefaultThreshold.
type Threshold struct {
	Pass Fraction
	Warn Fraction
}

// DefaultThreshold returns the threshold of the zero Threshold: pass at
// 95%, warn at 80%.
func DefaultThreshold() Threshold { return Threshold{Pass: Percent(95), Warn: Percent(80)} }

// Validate reports a threshold whose Pass is below its Warn: no ratio could
// warn, and the caller has most likely swapped the two.
func (t Threshold) Validate() error {
	if t == (Threshold{}) {
		return nil
	}
	if t.Pass.Den > 0 && t.Warn.Den > 0 && !t.Warn.atLeast(t.Pass.Num, t.Pass.Den) {
		return fmt.Errorf("quality: threshold pass %v is below warn %v", t.Pass, t.Warn)
	}
	return nil
}

// Status returns the status of passed out of applicable: StatusNoData when
// applicable is 0 (nothing to pass), else pass, warn or fail.
func (t Threshold) Status(passed, applicable int64) Status {
	if t == (Threshold{}) {
		t = DefaultThreshold()
	}
	switch {
	case applicable <= 0:
		return StatusNoData
	case t.Pass.atLeast(passed, applicable):
		return StatusPass
	case t.Warn.atLeast(passed, applicable):
		return StatusWarn
	}
	return StatusFail
}
