package quality

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/c360/c360/quality/normalize"
	"github.com/c360/c360/quality/normalize/jppostal"
)

// Verdict is the outcome of one rule on one record.
type Verdict uint8

// Verdicts. The zero value, Skip, means the rule does not apply to the
// record (a validity rule on a missing value, a consistency rule lacking
// one side): skipped rules neither pass nor fail and carry no weight.
const (
	Skip Verdict = iota
	Pass
	Fail
)

// String returns "skip", "pass" or "fail".
func (v Verdict) String() string {
	switch v {
	case Skip:
		return "skip"
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// Outcome is what a rule says about one record: its verdict and, on Fail,
// the offending value (for the report's samples).
type Outcome struct {
	Verdict Verdict
	Value   string
}

var (
	skip = Outcome{}
	pass = Outcome{Verdict: Pass}
)

func fail(v string) Outcome { return Outcome{Verdict: Fail, Value: v} }

// Env is what rules may read besides the record: the reference time, the
// missing-value policy and the time zone of zone-less time stamps. The
// Engine builds it from its Config.
type Env struct {
	Now      time.Time      // reference time for timeliness and plausibility; zero: such checks are skipped
	Missing  *Missing       // nil: the default sentinels
	Location *time.Location // nil: UTC

	// One-entry memos: rules of one record often parse the same value
	// (validity and consistency of an address). The Engine gives each
	// goroutine its own Env, so they need no lock.
	addrIn    string
	addr      normalize.Address
	addrErr   error
	addrOK    bool
	postalIn  string
	postal    []jppostal.Place
	postalErr error
	postalOK  bool
}

// Address returns normalize.ParseAddress(v), remembering the last result.
func (e *Env) Address(v string) (normalize.Address, error) {
	if !e.addrOK || e.addrIn != v {
		e.addr, e.addrErr = normalize.ParseAddress(v)
		e.addrIn, e.addrOK = v, true
	}
	return e.addr, e.addrErr
}

// PostalPlaces parses v as a postal code and returns the places it serves
// (jppostal.Lookup; empty for a code not in the table), remembering the
// last result. The caller must not modify the slice.
func (e *Env) PostalPlaces(v string) ([]jppostal.Place, error) {
	if !e.postalOK || e.postalIn != v {
		e.postal = nil
		pc, err := normalize.ParsePostalCode(v)
		if err == nil {
			e.postal = jppostal.Lookup(pc.Key)
		}
		e.postalIn, e.postalErr, e.postalOK = v, err, true
	}
	return e.postal, e.postalErr
}

// present returns the values of field that are not missing.
func (e *Env) present(r Record, field string) []string {
	vs := r.Values(field)
	for i, v := range vs {
		if e.Missing.Is(v) {
			// Rare: copy the rest without the missing ones.
			out := append([]string(nil), vs[:i]...)
			for _, w := range vs[i+1:] {
				if !e.Missing.Is(w) {
					out = append(out, w)
				}
			}
			return out
		}
	}
	return vs
}

// Rule is one data-quality rule. The Engine calls Check once per record,
// from several goroutines at once, so a Rule must be safe for concurrent
// use. The built-in rules are the exported structs of this file; a host
// writes its own by implementing Rule.
type Rule interface {
	// Name is unique within an Engine, e.g. "validity:postal_code".
	Name() string
	// Dimension is the dimension the rule measures.
	Dimension() Dimension
	// Field is the field the rule is about, for weights, per-field counts
	// and reasons ("missing:phone"); "" for a rule about the whole record.
	Field() string
	// Check judges one record.
	Check(env *Env, r Record) Outcome
}

// Keyed is a uniqueness rule: the Engine does not call its Check but groups
// records by Key, and every record whose normalised key was already seen
// earlier in the input fails (so the failures count the surplus copies:
// duplicate rate = failed ÷ applicable). Records without a key are skipped.
type Keyed interface {
	Rule
	// Key returns the record's exact key (trimmed as given) and its
	// normalised key; ok is false when the record has none.
	Key(env *Env, r Record) (exact, norm string, ok bool)
}

func ruleName(d Dimension, field, name string) string {
	if name != "" {
		return name
	}
	return d.String() + ":" + field
}

// NewRule returns a rule from a check function: the way to add a rule of
// one's own without a type. check must be safe for concurrent use.
func NewRule(name string, d Dimension, field string, check func(env *Env, r Record) Outcome) Rule {
	return funcRule{name, d, field, check}
}

type funcRule struct {
	name  string
	dim   Dimension
	field string
	check func(*Env, Record) Outcome
}

func (f funcRule) Name() string                     { return f.name }
func (f funcRule) Dimension() Dimension             { return f.dim }
func (f funcRule) Field() string                    { return f.field }
func (f funcRule) Check(env *Env, r Record) Outcome { return f.check(env, r) }

// Named returns r under another name (for two rules of one dimension on
// one field).
func Named(name string, r Rule) Rule {
	var n Rule = named{r, name}
	if k, ok := r.(Keyed); ok {
		n = namedKeyed{k, name}
	}
	if rs, ok := r.(Reasoner); ok {
		return WithReason(rs.Reason(), n)
	}
	return n
}

type named struct {
	Rule
	name string
}

func (n named) Name() string { return n.name }

type namedKeyed struct {
	Keyed
	name string
}

func (n namedKeyed) Name() string { return n.name }

// Required is the completeness rule "completeness:<field>": the record
// passes when some value of field is not missing (see Missing) and fails
// with reason "missing:<field>" otherwise.
func Required(field string) Rule {
	return NewRule(ruleName(Completeness, field, ""), Completeness, field, func(env *Env, r Record) Outcome {
		vs := r.Values(field)
		for _, v := range vs {
			if !env.Missing.Is(v) {
				return pass
			}
		}
		if len(vs) > 0 {
			return fail(vs[0])
		}
		return fail("")
	})
}

// Validator checks one present value; a non-nil error (wrapping ErrInvalid)
// makes it invalid. The built-in validators are the Valid… functions.
type Validator func(env *Env, v string) error

// Validate is the validity rule "validity:<field>": every present value of
// field must pass v; the record is skipped when all are missing (Required
// counts those). It fails with reason "invalid:<field>".
func Validate(field string, v Validator) Rule {
	return NewRule(ruleName(Validity, field, ""), Validity, field, func(env *Env, r Record) Outcome {
		vs := env.present(r, field)
		if len(vs) == 0 {
			return skip
		}
		for _, x := range vs {
			if err := v(env, x); err != nil {
				return fail(x)
			}
		}
		return pass
	})
}

// ValidEmail accepts an e-mail address normalize.ParseEmail accepts.
func ValidEmail() Validator {
	return func(_ *Env, v string) error { _, err := normalize.ParseEmail(v); return err }
}

// ValidPhone accepts a phone number normalize.ParsePhone accepts and, when
// types are given, of one of those types (e.g. normalize.PhoneMobile for an
// SMS field).
func ValidPhone(types ...normalize.PhoneType) Validator {
	return func(_ *Env, v string) error {
		p, err := normalize.ParsePhone(v)
		if err != nil {
			return err
		}
		if len(types) == 0 {
			return nil
		}
		for _, t := range types {
			if p.Type == t {
				return nil
			}
		}
		return invalid(v, "phone of type %s", p.Type)
	}
}

// ValidPostalCode accepts a Japanese postal code in any common notation
// and, with exists, only one in Japan Post's table (package jppostal).
func ValidPostalCode(exists bool) Validator {
	return func(env *Env, v string) error {
		if !exists {
			_, err := normalize.ParsePostalCode(v)
			return err
		}
		places, err := env.PostalPlaces(v)
		if err != nil {
			return err
		}
		if len(places) == 0 {
			return invalid(v, "no such postal code")
		}
		return nil
	}
}

// ValidPrefecture accepts one of the 47 prefectures, with or without its
// 都/道/府/県 (東京, 東京都), in any width.
func ValidPrefecture() Validator {
	return func(_ *Env, v string) error {
		if Prefecture(v) == "" {
			return invalid(v, "not a prefecture")
		}
		return nil
	}
}

// Prefecture returns the full name of the prefecture v names (東京 →
// 東京都, 大阪 → 大阪府, 北海道), or "" if v is not one.
func Prefecture(v string) string {
	if p, ok := prefectureNames[v]; ok {
		return p
	}
	return prefectureNames[strings.ReplaceAll(normalize.Text(v), " ", "")]
}

// prefectureNames maps each prefecture's full and short name to the full
// name. It is built once and never modified.
var prefectureNames = func() map[string]string {
	m := map[string]string{}
	for _, p := range normalize.Prefectures() {
		m[p] = p
		if p != "北海道" {
			m[p[:len(p)-len("県")]] = p
		}
	}
	return m
}()

// ValidKatakana accepts a reading written in katakana only (full- or
// half-width, with ー, ・ and spaces): hiragana, kanji or Latin letters in a
// フリガナ field are invalid.
func ValidKatakana() Validator {
	return func(_ *Env, v string) error {
		t := normalize.Text(v)
		for _, r := range t {
			if r == ' ' || r == 'ー' || r == '・' || unicode.In(r, unicode.Katakana) {
				continue
			}
			return invalid(v, "%q is not katakana", r)
		}
		return nil
	}
}

// ValidCorporateNumber accepts a 13-digit corporate number (法人番号) with
// a correct check digit.
func ValidCorporateNumber() Validator {
	return func(_ *Env, v string) error { _, err := normalize.CorporateNumber(v); return err }
}

// ValidDate accepts what ParseDate accepts, Japanese eras included.
func ValidDate() Validator {
	return func(_ *Env, v string) error { _, err := ParseDate(v); return err }
}

// ValidBirthDate accepts a date (ParseDate) that is plausible as a birth
// date: not after Env.Now and at most maxAge years before it (0 means 120).
// With a zero Env.Now only the date itself is checked.
func ValidBirthDate(maxAge int) Validator {
	if maxAge <= 0 {
		maxAge = 120
	}
	return func(env *Env, v string) error {
		d, err := ParseDate(v)
		if err != nil {
			return err
		}
		if env.Now.IsZero() {
			return nil
		}
		age := d.Age(env.Now)
		if age < 0 {
			return invalid(v, "birth date in the future")
		}
		if age > maxAge {
			return invalid(v, "age %d is above %d", age, maxAge)
		}
		return nil
	}
}

// ValidTime accepts a time stamp ParseTime accepts, not after Env.Now (when
// set).
func ValidTime() Validator {
	return func(env *Env, v string) error {
		t, err := ParseTime(v, env.Location)
		if err != nil {
			return err
		}
		if !env.Now.IsZero() && t.After(env.Now) {
			return invalid(v, "in the future")
		}
		return nil
	}
}

// ValidAddress accepts an address normalize.ParseAddress can place (a
// prefecture or municipality is found).
func ValidAddress() Validator {
	return func(env *Env, v string) error { _, err := env.Address(v); return err }
}

// ValidCompany accepts a company name normalize.ParseCompany accepts.
func ValidCompany() Validator {
	return func(_ *Env, v string) error { _, err := normalize.ParseCompany(v); return err }
}
