package match

import (
	"fmt"
	"strconv"
	"strings"
)

// Method is how a Criterion compares a field.
type Method int

const (
	// Exact: the raw values, trimmed, are equal, byte for byte: e-mail
	// addresses differing in the case of the local part, or a phone number
	// in two notations, do not agree (use Normalized for that).
	Exact Method = iota
	// Normalized: the normalised keys are equal (so "ＡＢＣ㈱" and
	// "株式会社ABC" agree as companies).
	Normalized
	// Fuzzy: the Jaro–Winkler similarity of the normalised keys is at least
	// the criterion's threshold.
	Fuzzy
)

// String returns "exact", "normalized" or "fuzzy".
func (m Method) String() string {
	switch m {
	case Exact:
		return "exact"
	case Normalized:
		return "normalized"
	case Fuzzy:
		return "fuzzy"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// MarshalText encodes the method by name.
func (m Method) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText decodes "exact", "normalized" (or "normalised") and "fuzzy".
func (m *Method) UnmarshalText(b []byte) error {
	switch strings.ToLower(strings.TrimSpace(string(b))) {
	case "exact":
		*m = Exact
	case "normalized", "normalised":
		*m = Normalized
	case "fuzzy":
		*m = Fuzzy
	default:
		return configError(fmt.Sprintf("unknown method %q (exact, normalized, fuzzy)", b))
	}
	return nil
}

// Criterion is one condition of a deterministic Rule.
type Criterion struct {
	Field      string  `json:"field"`
	Method     Method  `json:"method"`
	Threshold  float64 `json:"threshold,omitempty"`   // Fuzzy only; 0 means 0.9
	MatchBlank bool    `json:"match_blank,omitempty"` // two blank values satisfy the criterion (one blank never does)
}

// Rule is a deterministic matching rule: a pair matches the rule when every
// criterion holds. Rules of Config.Rules are OR-ed, like the matching
// rules of a CRM's duplicate management.
type Rule struct {
	Name     string      `json:"name"`
	Criteria []Criterion `json:"criteria"`
}

type compiledRule struct {
	name string
	crit []compiledCrit
}

type compiledCrit struct {
	f     int
	m     Method
	t     float64
	blank bool
}

func (m *Matcher) compileRule(r Rule) (compiledRule, error) {
	cr := compiledRule{name: r.Name}
	if len(r.Criteria) == 0 {
		return cr, configError(fmt.Sprintf("rule %q has no criteria", r.Name))
	}
	for _, c := range r.Criteria {
		f := m.fieldIndex(c.Field)
		if f < 0 {
			return cr, &FieldError{Field: c.Field, Err: configError(fmt.Sprintf("rule %q names a field the matcher does not have", r.Name))}
		}
		if c.Method < Exact || c.Method > Fuzzy {
			return cr, &FieldError{Field: c.Field, Err: configError(fmt.Sprintf("rule %q: unknown method %d", r.Name, int(c.Method)))}
		}
		t := c.Threshold
		if t == 0 {
			t = 0.9
		}
		if t < 0 || t > 1 {
			return cr, &FieldError{Field: c.Field, Err: configError(fmt.Sprintf("rule %q: threshold %v not in [0, 1]", r.Name, t))}
		}
		cr.crit = append(cr.crit, compiledCrit{f: f, m: c.Method, t: t, blank: c.MatchBlank})
	}
	return cr, nil
}

// holds reports whether criterion c holds for the raw values ra, rb and
// prepared values a, b.
func (c compiledCrit) holds(ra, rb string, a, b *value) bool {
	ra, rb = strings.TrimSpace(ra), strings.TrimSpace(rb)
	if ra == "" || rb == "" {
		return ra == "" && rb == "" && c.blank
	}
	switch c.m {
	case Exact:
		return ra == rb
	case Normalized:
		return a.key != "" && a.key == b.key
	default:
		return a.key != "" && b.key != "" && jaroWinkler(a.key, b.key) >= c.t
	}
}

// ruleMatch returns the first rule that records i and j satisfy.
func (m *Matcher) ruleMatch(d *dataset, i, j int) (string, bool) {
	a, b := d.rec(i), d.rec(j)
	ra, rb := d.raw[i].Values, d.raw[j].Values
	for _, r := range m.rules {
		ok := true
		for _, c := range r.crit {
			if !c.holds(ra[c.f], rb[c.f], &a[c.f], &b[c.f]) {
				ok = false
				break
			}
		}
		if ok {
			return r.name, true
		}
	}
	return "", false
}

// blocking returns a blocking rule that pairs the records r may match: keyed
// on the normalised values of its exact and normalised criteria together,
// or, when it has only fuzzy ones, on the first two characters of each fuzzy
// field (pairs similar enough for Jaro–Winkler ≥ 0.9 nearly always share
// them).
func (r compiledRule) blocking() blockRule {
	var eq, fuzzy []int
	for _, c := range r.crit {
		if c.m == Fuzzy {
			fuzzy = append(fuzzy, c.f)
		} else {
			eq = append(eq, c.f)
		}
	}
	br := blockRule{name: "rule:" + r.name}
	if len(eq) > 0 {
		br.keys = func(v []value, add func(string)) {
			k := ""
			for _, f := range eq {
				if v[f].key == "" {
					return
				}
				k += v[f].key + "\x00"
			}
			add(k)
		}
		return br
	}
	br.keys = func(v []value, add func(string)) {
		for _, f := range fuzzy {
			if v[f].key != "" {
				add(strconv.Itoa(f) + "\x00" + firstRunes(v[f].key, 2))
			}
		}
	}
	return br
}

// eqFields returns the names of the fields r compares exactly or
// normalised without matching blanks: the fields a blocking rule may key
// on without losing pairs r accepts.
func (r compiledRule) eqFields(fields []Field) []string {
	var out []string
	for _, c := range r.crit {
		if c.m != Fuzzy && !c.blank {
			out = append(out, fields[c.f].Name)
		}
	}
	return out
}

// coveredBy reports whether one of the blocking rules keys only on fields r
// compares exactly or normalised, so that every pair r accepts is a
// candidate.
func (r compiledRule) coveredBy(blocking [][]string, index func(string) int) bool {
	eq := map[int]bool{}
	for _, c := range r.crit {
		if c.m != Fuzzy && !c.blank {
			eq[c.f] = true
		}
	}
	for _, b := range blocking {
		ok := len(b) > 0
		for _, name := range b {
			ok = ok && eq[index(name)]
		}
		if ok {
			return true
		}
	}
	return false
}
