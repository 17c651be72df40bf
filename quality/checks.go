package quality

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/c360/c360/quality/normalize"
)

// ValidNumber accepts a decimal number (full-width digits and thousands
// separators allowed) in [min, max].
func ValidNumber(min, max float64) Validator {
	return func(_ *Env, v string) error {
		f, err := parseNumber(v)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return invalid(v, "not a number")
		}
		if f < min || f > max {
			return invalid(v, "outside [%g, %g]", min, max)
		}
		return nil
	}
}

func parseNumber(v string) (float64, error) {
	t := strings.ReplaceAll(normalize.Text(v), ",", "")
	return strconv.ParseFloat(t, 64)
}

// ValidPattern accepts values that re matches (anchor it for a whole-value
// match: ^…$).
func ValidPattern(re *regexp.Regexp) Validator {
	return func(_ *Env, v string) error {
		if !re.MatchString(v) {
			return invalid(v, "does not match %s", re)
		}
		return nil
	}
}

// ValidEnum accepts one of the given values, compared after normalize.Text
// and case folding.
func ValidEnum(values ...string) Validator {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[foldSentinel(v)] = true
	}
	return func(_ *Env, v string) error {
		if !set[foldSentinel(v)] {
			return invalid(v, "not one of the allowed values")
		}
		return nil
	}
}

// PostalPrefecture is the consistency rule
// "consistency:<postal>=<prefecture>": the prefecture must be one the postal
// code serves (jppostal). Records missing either, or with a code not in the
// table (Validate reports that), are skipped. The reason names prefecture.
func PostalPrefecture(postal, prefecture string) Rule {
	return NewRule("consistency:"+postal+"="+prefecture, Consistency, prefecture, func(env *Env, r Record) Outcome {
		pc, pv, ok := firstTwo(env, r, postal, prefecture)
		if !ok {
			return skip
		}
		places, _ := env.PostalPlaces(pc)
		if len(places) == 0 {
			return skip
		}
		p := Prefecture(pv)
		if p == "" {
			return skip
		}
		for _, pl := range places {
			if pl.Prefecture == p {
				return pass
			}
		}
		return fail(pc + " ≠ " + pv)
	})
}

// PostalAddress is the consistency rule "consistency:<postal>=<address>":
// the municipality of the address (normalize.ParseAddress), and its
// prefecture when written, must be ones the postal code serves. Records
// whose address has no recognisable municipality are skipped. The reason
// names address.
func PostalAddress(postal, address string) Rule {
	return NewRule("consistency:"+postal+"="+address, Consistency, address, func(env *Env, r Record) Outcome {
		pc, av, ok := firstTwo(env, r, postal, address)
		if !ok {
			return skip
		}
		places, _ := env.PostalPlaces(pc)
		if len(places) == 0 {
			return skip
		}
		a, err := env.Address(av)
		if err != nil || a.Municipality == "" {
			return skip
		}
		for _, pl := range places {
			if (a.Prefecture == "" || a.Prefecture == pl.Prefecture) && sameMunicipality(a.Municipality, pl.Municipality) {
				return pass
			}
		}
		return fail(pc + " ≠ " + av)
	})
}

// sameMunicipality compares municipality names, allowing a designated city
// without its ward on one side (横浜市 / 横浜市西区) and a 郡 left out.
func sameMunicipality(a, b string) bool {
	if a == b {
		return true
	}
	if strings.HasPrefix(a, b) || strings.HasPrefix(b, a) {
		return true
	}
	if _, s, ok := strings.Cut(a, "郡"); ok && s == b {
		return true
	}
	if _, s, ok := strings.Cut(b, "郡"); ok && s == a {
		return true
	}
	return false
}

func firstTwo(env *Env, r Record, a, b string) (string, string, bool) {
	av := env.present(r, a)
	bv := env.present(r, b)
	if len(av) == 0 || len(bv) == 0 {
		return "", "", false
	}
	return av[0], bv[0], true
}

// ReadingPresent is the consistency rule "consistency:<name>⇒<reading>": a
// name written with kanji needs its reading (a kanji name cannot be read
// reliably without it). Records without the name, or whose name has no
// kanji, are skipped. The reason names reading.
func ReadingPresent(name, reading string) Rule {
	return NewRule("consistency:"+name+"⇒"+reading, Consistency, reading, func(env *Env, r Record) Outcome {
		nv := env.present(r, name)
		if len(nv) == 0 || !hasHan(nv[0]) {
			return skip
		}
		if len(env.present(r, reading)) == 0 {
			return fail(nv[0])
		}
		return pass
	})
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// DateOrder is the consistency rule "consistency:<earlier><<later>": the
// date or time in earlier (a birth date) must not be after the one in later
// (the record's creation). Records missing either or with an unreadable
// value (Validate reports those) are skipped. The reason names earlier.
func DateOrder(earlier, later string) Rule {
	return NewRule("consistency:"+earlier+"<"+later, Consistency, earlier, func(env *Env, r Record) Outcome {
		ev, lv, ok := firstTwo(env, r, earlier, later)
		if !ok {
			return skip
		}
		et, err1 := ParseTime(ev, env.Location)
		lt, err2 := ParseTime(lv, env.Location)
		if err1 != nil || err2 != nil {
			return skip
		}
		if et.After(lt) {
			return fail(ev + " > " + lv)
		}
		return pass
	})
}

// Fresh is the timeliness rule "timeliness:<field>": the time in timeField
// (when field was last updated or verified) must be at most maxAge before
// Env.Now. It fails with reason "stale:<field>". When field is present but
// timeField is missing, the record fails if requireTime is set (a contact
// point never verified is stale) and is skipped otherwise. field may equal
// timeField (an updated_at column judged by itself). With a zero Env.Now
// the rule skips every record.
func Fresh(field, timeField string, maxAge time.Duration, requireTime bool) Rule {
	return NewRule(ruleName(Timeliness, field, ""), Timeliness, field, func(env *Env, r Record) Outcome {
		if env.Now.IsZero() || len(env.present(r, field)) == 0 {
			return skip
		}
		tv := env.present(r, timeField)
		if len(tv) == 0 {
			if requireTime {
				return fail("")
			}
			return skip
		}
		newest := time.Time{}
		for _, v := range tv {
			t, err := ParseTime(v, env.Location)
			if err == nil && t.After(newest) {
				newest = t
			}
		}
		if newest.IsZero() {
			return skip
		}
		if env.Now.Sub(newest) > maxAge {
			return fail(tv[0])
		}
		return pass
	})
}

// KeyFunc returns the normalised comparison key of a value, or an error
// when it has none (the exact key is used then).
type KeyFunc func(v string) (string, error)

// NormalizeKey returns the KeyFunc of a normalize kind (e-mail, phone, …).
func NormalizeKey(k normalize.Kind) KeyFunc {
	return func(v string) (string, error) { return normalize.Key(k, v) }
}

// Unique is the uniqueness rule "uniqueness:<field>": two records with
// the same key in field are duplicates, and every record after the first of
// its key fails with reason "duplicate:<field>". The key is key(value)
// (normalised: Ｔａｒｏ@Example.jp and taro@example.jp agree), or the
// trimmed value when key is nil or fails; the report also counts
// duplicates by the exact trimmed value. Records missing the field are
// skipped.
func Unique(field string, key KeyFunc) Keyed {
	return uniqueRule{field: field, key: key}
}

type uniqueRule struct {
	field string
	key   KeyFunc
}

func (u uniqueRule) Name() string                 { return ruleName(Uniqueness, u.field, "") }
func (uniqueRule) Dimension() Dimension           { return Uniqueness }
func (u uniqueRule) Field() string                { return u.field }
func (uniqueRule) Check(_ *Env, _ Record) Outcome { return skip }

func (u uniqueRule) Key(env *Env, r Record) (exact, norm string, ok bool) {
	vs := env.present(r, u.field)
	if len(vs) == 0 {
		return "", "", false
	}
	exact = trimSpace(vs[0])
	norm = exact
	if u.key != nil {
		if k, err := u.key(exact); err == nil {
			norm = k
		}
	}
	return exact, norm, true
}

// Signal is what an outside source knows about a value's accuracy.
type Signal int

// Signals. The zero value, SignalNone, means nothing is known.
const (
	SignalNone      Signal = iota // no evidence either way
	SignalConfirmed               // verified: a delivered e-mail, an answered call, a verified address
	SignalRefuted                 // bounced e-mail, disconnected phone, returned mail
)

// String returns "none", "confirmed" or "refuted".
func (s Signal) String() string {
	switch s {
	case SignalNone:
		return "none"
	case SignalConfirmed:
		return "confirmed"
	case SignalRefuted:
		return "refuted"
	}
	return fmt.Sprintf("Signal(%d)", int(s))
}

// Signals supplies accuracy evidence from outside the data: bounce logs,
// dialler results, address verification. It must be safe for concurrent
// use.
type Signals interface {
	Signal(recordID, field, value string) Signal
}

// SignalMap is a Signals held in memory, keyed by field and value (the
// record ID is not used: a bounced address bounces for everyone). Build it
// before the Engine runs; it is then safe for concurrent reads.
type SignalMap map[string]map[string]Signal

// Set records a signal for value of field.
func (m SignalMap) Set(field, value string, s Signal) {
	if m[field] == nil {
		m[field] = map[string]Signal{}
	}
	m[field][trimSpace(value)] = s
}

// Signal implements Signals.
func (m SignalMap) Signal(_, field, value string) Signal { return m[field][trimSpace(value)] }

// Accurate is the accuracy rule "accuracy:<field>": a value refuted by the
// signals (bounced, disconnected) fails with reason "inaccurate:<field>";
// a record all of whose present values are confirmed passes; a record with
// no signal for any value is skipped.
func Accurate(field string, s Signals) Rule {
	return NewRule(ruleName(Accuracy, field, ""), Accuracy, field, func(env *Env, r Record) Outcome {
		vs := env.present(r, field)
		confirmed := 0
		for _, v := range vs {
			switch s.Signal(r.RecordID(), field, v) {
			case SignalRefuted:
				return fail(v)
			case SignalConfirmed:
				confirmed++
			}
		}
		if confirmed > 0 && confirmed == len(vs) {
			return pass
		}
		return skip
	})
}
