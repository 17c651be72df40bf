package intel

import (
	"github.com/c360/c360/customer"

	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Query selects items. Free Text must match in full (every term; see the
// text analysis notes in text.go); each filter narrows further. Within one
// filter the values are alternatives (any of the kinds), except Tags, which
// must all be present. A zero Query matches every item.
//
// The same Query drives [Hub.Search] (ranked), [Hub.List] (unranked,
// streamed) and subscriptions, and all three agree on what matches.
type Query struct {
	Text        string
	Kinds       []Kind
	Categories  []Category
	Sources     []Source
	Tags        []string      // every tag must be present (compared by normalised key)
	Customers   []customer.ID // linked to any of these customers
	Accounts    []customer.ID // linked to any of these accounts
	Competitors []string      // linked to any of these competitors (normalised key)
	From, To    time.Time     // CapturedAt in [From, To); zero means unbounded
	// Limit is the number of results Search returns; 0 means 10. List
	// ignores it.
	Limit int
}

// ParseQuery parses the query language:
//
//	pricing 値上げ kind:market category:competitor_activity tag:"price war"
//	competitor:Acme customer:C-42 account:A-7 source:industry_report
//	from:2026-01-01 to:2026-02-01T00:00:00Z
//
// Bare words and "quoted text" form Query.Text; field:value pairs set
// filters (repeat a field for alternatives). Values may be quoted; inside
// quotes \" and \\ escape. Dates are YYYY-MM-DD (UTC midnight) or RFC 3339.
// Errors are *QueryError values wrapping [ErrQuery]. ParseQuery(q.String())
// gives back q (with times in UTC).
func ParseQuery(s string) (Query, error) {
	var q Query
	var text []string
	p := &qparser{src: s}
	for {
		p.skipSpace()
		if p.pos >= len(s) {
			break
		}
		start := p.pos
		if s[p.pos] == '"' {
			v, err := p.quoted()
			if err != nil {
				return Query{}, err
			}
			if strings.TrimSpace(v) != "" {
				text = append(text, v)
			}
			continue
		}
		word := p.bare()
		field, value, isField := strings.Cut(word, ":")
		if !isField {
			text = append(text, word)
			continue
		}
		if value == "" && p.pos < len(s) && s[p.pos] == '"' {
			v, err := p.quoted()
			if err != nil {
				return Query{}, err
			}
			value = v
		}
		if value == "" {
			return Query{}, p.errAt(start, "empty value for "+field)
		}
		switch strings.ToLower(field) {
		case "kind":
			q.Kinds = append(q.Kinds, Kind(value))
		case "category":
			q.Categories = append(q.Categories, Category(value))
		case "source":
			q.Sources = append(q.Sources, Source(value))
		case "tag":
			q.Tags = append(q.Tags, value)
		case "customer":
			q.Customers = append(q.Customers, customer.ID(value))
		case "account":
			q.Accounts = append(q.Accounts, customer.ID(value))
		case "competitor":
			q.Competitors = append(q.Competitors, value)
		case "from", "to":
			t, err := parseQueryTime(value)
			if err != nil {
				return Query{}, p.errAt(start, "bad date "+strconv.Quote(value)+" (want YYYY-MM-DD or RFC 3339)")
			}
			if strings.EqualFold(field, "from") {
				q.From = t
			} else {
				q.To = t
			}
		default:
			return Query{}, p.errAt(start, "unknown field "+strconv.Quote(field))
		}
	}
	q.Text = strings.Join(text, " ")
	return q, nil
}

func parseQueryTime(v string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

type qparser struct {
	src string
	pos int
}

func (p *qparser) errAt(pos int, reason string) error {
	return &QueryError{Query: p.src, Pos: pos, Reason: reason}
}

func (p *qparser) skipSpace() {
	for p.pos < len(p.src) {
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		if !unicode.IsSpace(r) {
			return
		}
		p.pos += n
	}
}

// bare reads up to the next space or quote.
func (p *qparser) bare() string {
	start := p.pos
	for p.pos < len(p.src) {
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		if unicode.IsSpace(r) || r == '"' {
			break
		}
		p.pos += n
	}
	return p.src[start:p.pos]
}

// quoted reads a "..." string at p.pos.
func (p *qparser) quoted() (string, error) {
	start := p.pos
	p.pos++ // opening quote
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '"':
			p.pos++
			return b.String(), nil
		case '\\':
			if p.pos+1 >= len(p.src) {
				return "", p.errAt(p.pos, "backslash at end of query")
			}
			n := p.src[p.pos+1]
			if n != '"' && n != '\\' {
				return "", p.errAt(p.pos, `only \" and \\ may be escaped`)
			}
			b.WriteByte(n)
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", p.errAt(start, "unterminated quote")
}

// String formats q in the query language; ParseQuery reads it back.
// Limit is not part of the language and is left out.
func (q Query) String() string {
	var parts []string
	if strings.TrimSpace(q.Text) != "" {
		parts = append(parts, quoteValue(q.Text, true))
	}
	add := func(field string, v string) { parts = append(parts, field+":"+quoteValue(v, false)) }
	for _, v := range q.Kinds {
		add("kind", string(v))
	}
	for _, v := range q.Categories {
		add("category", string(v))
	}
	for _, v := range q.Sources {
		add("source", string(v))
	}
	for _, v := range q.Tags {
		add("tag", v)
	}
	for _, v := range q.Customers {
		add("customer", string(v))
	}
	for _, v := range q.Accounts {
		add("account", string(v))
	}
	for _, v := range q.Competitors {
		add("competitor", v)
	}
	if !q.From.IsZero() {
		add("from", q.From.UTC().Format(time.RFC3339Nano))
	}
	if !q.To.IsZero() {
		add("to", q.To.UTC().Format(time.RFC3339Nano))
	}
	return strings.Join(parts, " ")
}

// quoteValue quotes v unless it can stand bare.
func quoteValue(v string, always bool) string {
	bare := !always && v != "" && !strings.ContainsFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || r == '"' || r == '\\' || r == utf8.RuneError
	})
	if bare {
		return v
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}

// compiled is a Query prepared for matching.
type compiled struct {
	q           Query
	terms       []string
	kinds       []Kind
	categories  []Category
	sources     []Source
	tags        []string // keys
	customers   []customer.ID
	accounts    []customer.ID
	competitors []string // keys
	from, to    int64    // unix nanoseconds
	hasFrom     bool
	hasTo       bool
}

func compile(q Query) *compiled {
	c := &compiled{q: q, kinds: q.Kinds, categories: q.Categories, sources: q.Sources,
		customers: q.Customers, accounts: q.Accounts}
	// Text made only of separators has no term and constrains nothing.
	c.terms = queryTerms(q.Text)
	for _, t := range q.Tags {
		if k := tagKey(t); !slices.Contains(c.tags, k) {
			c.tags = append(c.tags, k)
		}
	}
	for _, t := range q.Competitors {
		if k := competitorKey(t); !slices.Contains(c.competitors, k) {
			c.competitors = append(c.competitors, k)
		}
	}
	if !q.From.IsZero() {
		c.from, c.hasFrom = q.From.UnixNano(), true
	}
	if !q.To.IsZero() {
		c.to, c.hasTo = q.To.UnixNano(), true
	}
	return c
}

// matchMeta checks the filters that do not need text.
func (c *compiled) matchMeta(it *Item) bool {
	if len(c.kinds) > 0 && !slices.Contains(c.kinds, it.Kind) {
		return false
	}
	if len(c.categories) > 0 && !slices.Contains(c.categories, it.Category) {
		return false
	}
	if len(c.sources) > 0 && !slices.Contains(c.sources, it.Source) {
		return false
	}
	if !c.inRange(it.CapturedAt.UnixNano()) {
		return false
	}
	if len(c.tags) > 0 {
		have := make([]string, len(it.Tags))
		for i, t := range it.Tags {
			have[i] = tagKey(t)
		}
		for _, t := range c.tags {
			if !slices.Contains(have, t) {
				return false
			}
		}
	}
	if len(c.customers) > 0 && !slices.ContainsFunc(it.Links.Customers, func(id customer.ID) bool { return slices.Contains(c.customers, id) }) {
		return false
	}
	if len(c.accounts) > 0 && !slices.ContainsFunc(it.Links.Accounts, func(id customer.ID) bool { return slices.Contains(c.accounts, id) }) {
		return false
	}
	if len(c.competitors) > 0 && !slices.ContainsFunc(it.Links.Competitors, func(n string) bool { return slices.Contains(c.competitors, competitorKey(n)) }) {
		return false
	}
	return true
}

func (c *compiled) inRange(t int64) bool {
	if c.hasFrom && t < c.from {
		return false
	}
	if c.hasTo && t >= c.to {
		return false
	}
	return true
}

// match reports whether item it matches (ignoring access control).
func (c *compiled) match(it *Item) bool {
	if !c.matchMeta(it) {
		return false
	}
	if len(c.terms) == 0 {
		return true
	}
	need := make(map[string]bool, len(c.terms))
	var chars []string
	for _, t := range c.terms {
		need[t] = true
		if _, ok := singleCJK(t); ok {
			chars = append(chars, t)
		}
	}
	found := 0
	see := func(term string, _, _ int) {
		if need[term] {
			need[term] = false
			found++
		}
		for _, ch := range chars {
			if need[ch] && strings.Contains(term, ch) {
				need[ch] = false
				found++
			}
		}
	}
	title, body := itemText(it)
	analyze(title, see)
	analyze(body, see)
	return found == len(c.terms)
}

// matchTerms reports whether every query term is in the item's term set;
// a one-character CJK term also matches inside a bigram.
func (c *compiled) matchTerms(have map[string]bool) bool {
	for _, t := range c.terms {
		if have[t] {
			continue
		}
		if _, ok := singleCJK(t); !ok {
			return false
		}
		found := false
		for h := range have {
			if strings.Contains(h, t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// termSet returns the set of terms of an item's title and body.
func termSet(it *Item) map[string]bool {
	title, body := itemText(it)
	have := map[string]bool{}
	add := func(term string, _, _ int) { have[term] = true }
	analyze(title, add)
	analyze(body, add)
	return have
}
