package intel

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/c360/c360/customer"
	"github.com/hashicorp/go-multierror"
)

// ID identifies an intelligence item. The host chooses IDs (a UUID, a ULID,
// a source-system key); the SDK only compares them.
type ID string

// Item is one piece of customer or market intelligence.
//
// Kind, Category and Source come from a [Taxonomy]; Title is required;
// Sentiment runs from −1 (negative) to +1 (positive) and Confidence from 0
// to 1 (how sure the author is). Tags double as topics for sentiment trends.
// Survey holds a survey answer when the item is one (NPS or CSAT).
type Item struct {
	ID         ID
	Kind       Kind
	Category   Category
	Source     Source
	Title      string
	Body       string
	Tags       []string
	Links      Links
	Sentiment  float64
	Confidence float64
	Author     PrincipalID
	CapturedAt time.Time
	References []Reference
	Survey     *SurveyAnswer

	// Visibility is the base audience; zero is ScopePrivate.
	Visibility Visibility
	// Grants are extra readers.
	Grants []Grantee

	// Version is managed by the Repository: 0 for an item not stored yet;
	// each successful Put stores Version+1.
	Version int64
}

// Links ties an item to customers (persons), accounts (business customers)
// and competitors (free names, compared by their normalised key).
type Links struct {
	Customers   []customer.ID
	Accounts    []customer.ID
	Competitors []string
}

// Reference is a URL or a document an item cites; at least one of URL and
// Document is set.
type Reference struct {
	Title    string
	URL      string // absolute http or https URL
	Document string // a document name or ID in the host's document store
}

// Metric is a survey metric.
type Metric uint8

// Survey metrics.
const (
	MetricNone Metric = iota
	// MetricNPS: "how likely are you to recommend us", 0–10.
	MetricNPS
	// MetricCSAT: "how satisfied were you", 1–5; 4 and 5 count as satisfied.
	MetricCSAT
)

// String returns "none", "nps" or "csat".
func (m Metric) String() string {
	switch m {
	case MetricNone:
		return "none"
	case MetricNPS:
		return "nps"
	case MetricCSAT:
		return "csat"
	}
	return fmt.Sprintf("Metric(%d)", uint8(m))
}

// SurveyAnswer is one respondent's answer. Segment is the host's grouping
// (e.g. "gold", "online", "関東"); insight aggregates group by it.
type SurveyAnswer struct {
	Metric     Metric
	Score      int
	Segment    string
	Respondent customer.ID
}

// Clone returns a deep copy of it (nil for nil).
func (it *Item) Clone() *Item {
	if it == nil {
		return nil
	}
	c := *it
	c.Tags = slices.Clone(it.Tags)
	c.Links.Customers = slices.Clone(it.Links.Customers)
	c.Links.Accounts = slices.Clone(it.Links.Accounts)
	c.Links.Competitors = slices.Clone(it.Links.Competitors)
	c.References = slices.Clone(it.References)
	if it.Survey != nil {
		s := *it.Survey
		c.Survey = &s
	}
	c.Visibility.Teams = slices.Clone(it.Visibility.Teams)
	c.Visibility.People = slices.Clone(it.Visibility.People)
	c.Grants = slices.Clone(it.Grants)
	return &c
}

// Limits checked by Validate.
const (
	MaxIDBytes    = 256     // ID length in bytes
	MaxTitleRunes = 1000    // Title length in runes
	MaxBodyBytes  = 1 << 20 // Body length in bytes
	MaxTagRunes   = 100     // each tag, in runes
)

// Validate checks the item against taxonomy tax (nil means [NewTaxonomy])
// and returns every problem at once: a go-multierror of *customer.FieldError values
// (each naming the item ID and the field, each wrapping [ErrInvalid]), or
// nil.
func (it *Item) Validate(tax *Taxonomy) error {
	if tax == nil {
		tax = NewTaxonomy()
	}
	var errs *multierror.Error
	add := func(field, format string, args ...any) {
		errs = multierror.Append(errs, fieldError("item", string(it.ID), field, fmt.Sprintf(format, args...)))
	}
	checkID(string(it.ID), "ID", add)
	switch {
	case it.Kind == "":
		add("Kind", "missing")
	case !tax.HasKind(it.Kind):
		add("Kind", "unknown kind %q", it.Kind)
	}
	if it.Category == "" {
		add("Category", "missing")
	} else if k, ok := tax.CategoryKind(it.Category); !ok {
		add("Category", "unknown category %q", it.Category)
	} else if it.Kind != "" && k != it.Kind {
		add("Category", "category %q belongs to kind %q, not %q", it.Category, k, it.Kind)
	}
	if it.Source == "" {
		add("Source", "missing")
	} else if it.Kind != "" && tax.HasKind(it.Kind) && !tax.SourceAllowed(it.Source, it.Kind) {
		add("Source", "source %q is not registered for kind %q", it.Source, it.Kind)
	}
	checkText(it.Title, "Title", true, MaxTitleRunes, add)
	if len(it.Body) > MaxBodyBytes {
		add("Body", "longer than %d bytes", MaxBodyBytes)
	} else if !utf8.ValidString(it.Body) {
		add("Body", "invalid UTF-8")
	}
	seen := map[string]int{}
	for i, tag := range it.Tags {
		f := fmt.Sprintf("Tags[%d]", i)
		if checkText(tag, f, true, MaxTagRunes, add) {
			k := tagKey(tag)
			if j, dup := seen[k]; dup {
				add(f, "duplicate of Tags[%d]", j)
			}
			seen[k] = i
		}
	}
	checkIDs(it.Links.Customers, "Links.Customers", add)
	checkIDs(it.Links.Accounts, "Links.Accounts", add)
	clear(seen)
	for i, c := range it.Links.Competitors {
		f := fmt.Sprintf("Links.Competitors[%d]", i)
		if checkText(c, f, true, MaxTitleRunes, add) {
			k := competitorKey(c)
			if j, dup := seen[k]; dup {
				add(f, "duplicate of Links.Competitors[%d]", j)
			}
			seen[k] = i
		}
	}
	if math.IsNaN(it.Sentiment) || it.Sentiment < -1 || it.Sentiment > 1 {
		add("Sentiment", "%v is outside [-1, 1]", it.Sentiment)
	}
	if math.IsNaN(it.Confidence) || it.Confidence < 0 || it.Confidence > 1 {
		add("Confidence", "%v is outside [0, 1]", it.Confidence)
	}
	if it.Author == "" {
		add("Author", "missing")
	}
	if it.CapturedAt.IsZero() {
		add("CapturedAt", "missing")
	} else if y := it.CapturedAt.Year(); y < 1900 || y > 2200 {
		add("CapturedAt", "year %d is outside 1900–2200", y)
	}
	for i, r := range it.References {
		f := fmt.Sprintf("References[%d]", i)
		if r.URL == "" && r.Document == "" {
			add(f, "neither URL nor Document")
		}
		if r.URL != "" {
			u, err := url.Parse(r.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				add(f+".URL", "%q is not an absolute http(s) URL", r.URL)
			}
		}
	}
	if s := it.Survey; s != nil {
		switch s.Metric {
		case MetricNPS:
			if s.Score < 0 || s.Score > 10 {
				add("Survey.Score", "NPS score %d is outside 0–10", s.Score)
			}
		case MetricCSAT:
			if s.Score < 1 || s.Score > 5 {
				add("Survey.Score", "CSAT score %d is outside 1–5", s.Score)
			}
		default:
			add("Survey.Metric", "unknown metric %v", s.Metric)
		}
		if !utf8.ValidString(s.Segment) {
			add("Survey.Segment", "invalid UTF-8")
		}
	}
	switch it.Visibility.Scope {
	case ScopePrivate, ScopeOrg:
	case ScopeTeams:
		if len(it.Visibility.Teams) == 0 {
			add("Visibility.Teams", "scope teams names no team")
		}
	case ScopePeople:
		if len(it.Visibility.People) == 0 {
			add("Visibility.People", "scope people names no one")
		}
	default:
		add("Visibility.Scope", "unknown scope %v", it.Visibility.Scope)
	}
	for i, t := range it.Visibility.Teams {
		if t == "" {
			add(fmt.Sprintf("Visibility.Teams[%d]", i), "empty")
		}
	}
	for i, p := range it.Visibility.People {
		if p == "" {
			add(fmt.Sprintf("Visibility.People[%d]", i), "empty")
		}
	}
	for i, g := range it.Grants {
		f := fmt.Sprintf("Grants[%d]", i)
		if g.Kind > GrantRole {
			add(f+".Kind", "unknown grantee kind %v", g.Kind)
		}
		if g.ID == "" {
			add(f+".ID", "empty")
		}
	}
	return errs.ErrorOrNil()
}

func checkID(id, field string, add func(string, string, ...any)) {
	switch {
	case id == "":
		add(field, "missing")
	case len(id) > MaxIDBytes:
		add(field, "longer than %d bytes", MaxIDBytes)
	case !utf8.ValidString(id):
		add(field, "invalid UTF-8")
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		add(field, "contains a control character")
	}
}

func checkIDs(ids []customer.ID, field string, add func(string, string, ...any)) {
	seen := make(map[customer.ID]int, len(ids))
	for i, id := range ids {
		f := fmt.Sprintf("%s[%d]", field, i)
		checkID(string(id), f, add)
		if j, dup := seen[id]; dup && id != "" {
			add(f, "duplicate of %s[%d]", field, j)
		}
		seen[id] = i
	}
}

// checkText reports problems with a required or optional text field and
// says whether the text is usable.
func checkText(s, field string, required bool, maxRunes int, add func(string, string, ...any)) bool {
	switch {
	case !utf8.ValidString(s):
		add(field, "invalid UTF-8")
	case required && strings.TrimSpace(s) == "":
		add(field, "missing")
	case utf8.RuneCountInString(s) > maxRunes:
		add(field, "longer than %d characters", maxRunes)
	default:
		return true
	}
	return false
}
