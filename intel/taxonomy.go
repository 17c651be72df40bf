package intel

import (
	"slices"
	"sync"
)

// Kind says whether an item is customer intelligence or market
// intelligence. Hosts may define further kinds with [Taxonomy.AddKind].
type Kind string

// The two kinds of intelligence in DOMAIN.md.
const (
	KindCustomer Kind = "customer" // about customers and prospects
	KindMarket   Kind = "market"   // about competitors, suppliers and the environment
)

// Category is what an item is about, within its [Kind]. Each category
// belongs to exactly one kind. The constants are the taxonomy of DOMAIN.md;
// hosts add their own with [Taxonomy.AddCategory].
type Category string

// Customer-intelligence categories.
const (
	CategoryAccountActivity Category = "account_activity" // profile and account activity: purchase history, retention
	CategoryServiceActivity Category = "service_activity" // customer-service activity
	CategorySocialMedia     Category = "social_media"     // customers' social-media activity
	CategorySatisfaction    Category = "satisfaction"     // satisfaction: NPS, CSAT, survey answers
	CategoryProspect        Category = "prospect"         // non-customer (prospect) profiles
)

// Market-intelligence categories.
const (
	CategoryCompetitorActivity Category = "competitor_activity" // competitor profiles and activity
	CategoryNewCompetitor      Category = "new_competitor"      // new competitor entry
	CategorySupplierBehaviour  Category = "supplier_behaviour"  // changes in supplier behaviour
	CategoryCustomerBehaviour  Category = "customer_behaviour"  // changes in customer behaviour
	CategoryPoliticalLegal     Category = "political_legal"     // political and legal environment
	CategoryEconomic           Category = "economic"            // environmental and economic conditions
	CategorySocialSentiment    Category = "social_sentiment"    // social sentiment and opinion
	CategoryTechnology         Category = "technology"          // technology advances
	CategorySubstitutes        Category = "substitutes"         // rising popularity of substitutes
)

// Source is where an item came from. Sources belong to one or more kinds.
// Hosts add their own with [Taxonomy.AddSource].
type Source string

// Customer-intelligence sources.
const (
	SourceSalesServiceLog Source = "sales_service_log" // sales and service activity logs
	SourceMarketingLog    Source = "marketing_log"     // marketing activity logs
	SourceSocialMedia     Source = "social_media"      // social-media engagement
	SourceSurvey          Source = "survey"            // customer surveys
	SourceFocusGroup      Source = "focus_group"       // focus groups
	SourceAdvisoryBoard   Source = "advisory_board"    // advisory boards and committees
	SourceCustomerWeb     Source = "customer_web"      // customers' web sites and press releases
)

// Market-intelligence sources.
const (
	SourceCompetitiveAnalysis Source = "competitive_analysis" // competitive analysis
	SourceIndustryReport      Source = "industry_report"      // industry reports
	SourceAnalystReport       Source = "analyst_report"       // analyst reports
	SourceCommittee           Source = "committee"            // committees
	SourcePartnerMeeting      Source = "partner_meeting"      // supplier and partner meetings
	SourceTechResearch        Source = "tech_research"        // technology research
	SourceAcademicResearch    Source = "academic_research"    // academic research
	SourceConference          Source = "conference"           // industry conferences
)

// Taxonomy is the set of kinds, categories and sources that items may use.
// [NewTaxonomy] returns the taxonomy of DOMAIN.md; hosts extend their own
// copy. The zero Taxonomy is empty (it accepts nothing) and usable.
//
// A Taxonomy is safe for concurrent use.
type Taxonomy struct {
	mu         sync.RWMutex
	kinds      map[Kind]string
	categories map[Category]categoryInfo
	sources    map[Source]sourceInfo
}

type categoryInfo struct {
	kind  Kind
	label string
}

type sourceInfo struct {
	kinds []Kind
	label string
}

// NewTaxonomy returns a fresh Taxonomy holding the kinds, categories and
// sources of DOMAIN.md. Each call returns a new value, so extending one
// never changes another.
func NewTaxonomy() *Taxonomy {
	t := &Taxonomy{}
	t.AddKind(KindCustomer, "Customer intelligence")
	t.AddKind(KindMarket, "Market intelligence")
	for _, c := range []struct {
		c     Category
		label string
	}{
		{CategoryAccountActivity, "Customer profile and account activity"},
		{CategoryServiceActivity, "Customer-service activity"},
		{CategorySocialMedia, "Customers' social-media activity"},
		{CategorySatisfaction, "Satisfaction (NPS, CSAT)"},
		{CategoryProspect, "Non-customer (prospect) profiles"},
	} {
		_ = t.AddCategory(c.c, KindCustomer, c.label)
	}
	for _, c := range []struct {
		c     Category
		label string
	}{
		{CategoryCompetitorActivity, "Competitor profiles and activity"},
		{CategoryNewCompetitor, "New competitor entry"},
		{CategorySupplierBehaviour, "Changes in supplier behaviour"},
		{CategoryCustomerBehaviour, "Changes in customer behaviour"},
		{CategoryPoliticalLegal, "Political and legal environment"},
		{CategoryEconomic, "Environmental and economic conditions"},
		{CategorySocialSentiment, "Social sentiment and opinion"},
		{CategoryTechnology, "Technology advances"},
		{CategorySubstitutes, "Rising popularity of substitutes"},
	} {
		_ = t.AddCategory(c.c, KindMarket, c.label)
	}
	for _, s := range []struct {
		s     Source
		label string
	}{
		{SourceSalesServiceLog, "Sales and service activity logs"},
		{SourceMarketingLog, "Marketing activity logs"},
		{SourceSocialMedia, "Social-media engagement"},
		{SourceSurvey, "Customer surveys"},
		{SourceFocusGroup, "Focus groups"},
		{SourceAdvisoryBoard, "Advisory boards and committees"},
		{SourceCustomerWeb, "Customers' web sites and press releases"},
	} {
		_ = t.AddSource(s.s, s.label, KindCustomer)
	}
	for _, s := range []struct {
		s     Source
		label string
	}{
		{SourceCompetitiveAnalysis, "Competitive analysis"},
		{SourceIndustryReport, "Industry reports"},
		{SourceAnalystReport, "Analyst reports"},
		{SourceCommittee, "Committees"},
		{SourcePartnerMeeting, "Supplier and partner meetings"},
		{SourceTechResearch, "Technology research"},
		{SourceAcademicResearch, "Academic research"},
		{SourceConference, "Industry conferences"},
	} {
		_ = t.AddSource(s.s, s.label, KindMarket)
	}
	return t
}

// AddKind registers a kind with a human-readable label; registering an
// existing kind replaces its label.
func (t *Taxonomy) AddKind(k Kind, label string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.kinds == nil {
		t.kinds = map[Kind]string{}
	}
	t.kinds[k] = label
}

// AddCategory registers category c under kind k. It returns an error
// wrapping [ErrTaxonomy] when k is not registered or c already belongs to a
// different kind (a category has exactly one kind).
func (t *Taxonomy) AddCategory(c Category, k Kind, label string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.kinds[k]; !ok {
		return &TaxonomyError{What: "kind", Value: string(k), Reason: "not registered"}
	}
	if c == "" {
		return &TaxonomyError{What: "category", Reason: "empty"}
	}
	if old, ok := t.categories[c]; ok && old.kind != k {
		return &TaxonomyError{What: "category", Value: string(c), Reason: "already belongs to kind " + string(old.kind)}
	}
	if t.categories == nil {
		t.categories = map[Category]categoryInfo{}
	}
	t.categories[c] = categoryInfo{kind: k, label: label}
	return nil
}

// AddSource registers source s as valid for the given kinds (adding to the
// kinds it already has). It returns an error wrapping [ErrTaxonomy] when a
// kind is not registered or no kind is given.
func (t *Taxonomy) AddSource(s Source, label string, kinds ...Kind) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s == "" {
		return &TaxonomyError{What: "source", Reason: "empty"}
	}
	if len(kinds) == 0 {
		return &TaxonomyError{What: "source", Value: string(s), Reason: "no kind given"}
	}
	for _, k := range kinds {
		if _, ok := t.kinds[k]; !ok {
			return &TaxonomyError{What: "kind", Value: string(k), Reason: "not registered"}
		}
	}
	if t.sources == nil {
		t.sources = map[Source]sourceInfo{}
	}
	info := t.sources[s]
	info.label = label
	for _, k := range kinds {
		if !slices.Contains(info.kinds, k) {
			info.kinds = append(info.kinds, k)
		}
	}
	t.sources[s] = info
	return nil
}

// HasKind reports whether k is registered.
func (t *Taxonomy) HasKind(k Kind) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	_, ok := t.kinds[k]
	return ok
}

// CategoryKind returns the kind category c belongs to, and whether c is
// registered.
func (t *Taxonomy) CategoryKind(c Category) (Kind, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	info, ok := t.categories[c]
	return info.kind, ok
}

// SourceAllowed reports whether source s is registered for kind k.
func (t *Taxonomy) SourceAllowed(s Source, k Kind) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	info, ok := t.sources[s]
	return ok && slices.Contains(info.kinds, k)
}

// Label returns the human-readable label of a kind, category or source
// value ("" if unknown). Categories are looked up first, then sources, then
// kinds, because a category and a source may share a name (social_media).
func (t *Taxonomy) Label(v string) string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if c, ok := t.categories[Category(v)]; ok {
		return c.label
	}
	if s, ok := t.sources[Source(v)]; ok {
		return s.label
	}
	return t.kinds[Kind(v)]
}

// Categories returns the categories of kind k in sorted order, or all
// categories when k is "".
func (t *Taxonomy) Categories(k Kind) []Category {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []Category
	for c, info := range t.categories {
		if k == "" || info.kind == k {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// Sources returns the sources valid for kind k in sorted order, or all
// sources when k is "".
func (t *Taxonomy) Sources(k Kind) []Source {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []Source
	for s, info := range t.sources {
		if k == "" || slices.Contains(info.kinds, k) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}
