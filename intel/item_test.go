package intel_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
	"github.com/c360/c360/intel/inteltest"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-multierror"
)

// wantFields checks that err is a go-multierror of *FieldError values
// naming exactly the given fields, each wrapping ErrInvalid.
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	if !errors.Is(err, intel.ErrInvalid) {
		t.Fatalf("error %v does not wrap ErrInvalid", err)
	}
	var me *multierror.Error
	if !errors.As(err, &me) {
		t.Fatalf("error %T is not a *multierror.Error", err)
	}
	var got []string
	for _, e := range me.Errors {
		var fe *customer.FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("%v is not a *FieldError", e)
		}
		got = append(got, fe.Field)
	}
	slices.Sort(got)
	want := slices.Clone(fields)
	slices.Sort(want)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("fields (-want +got):\n%s\nerror: %v", d, err)
	}
}

func TestValidateValid(t *testing.T) {
	if err := inteltest.Item("x", 1).Validate(nil); err != nil {
		t.Errorf("fixture item: %v", err)
	}
}

func TestValidateReportsEverything(t *testing.T) {
	it := &intel.Item{
		ID:         "bad-1",
		Kind:       intel.KindCustomer,
		Category:   intel.CategoryNewCompetitor, // a market category
		Source:     intel.SourceConference,      // a market source
		Title:      "  ",
		Body:       "ok",
		Tags:       []string{"Price", "ｐｒｉｃｅ", ""},
		Links:      intel.Links{Customers: []customer.ID{"C-1", "C-1"}, Competitors: []string{"Acme", "ACME"}},
		Sentiment:  2,
		Confidence: math.NaN(),
		References: []intel.Reference{{Title: "nothing"}, {URL: "ftp://x"}},
		Survey:     &intel.SurveyAnswer{Metric: intel.MetricNPS, Score: 11},
		Visibility: intel.Visibility{Scope: intel.ScopeTeams},
		Grants:     []intel.Grantee{{Kind: intel.GrantRole}},
	}
	err := it.Validate(nil)
	wantFields(t, err, "Category", "Source", "Title", "Tags[1]", "Tags[2]", "Links.Customers[1]",
		"Links.Competitors[1]", "Sentiment", "Confidence", "Author", "CapturedAt", "References[0]",
		"References[1].URL", "Survey.Score", "Visibility.Teams", "Grants[0].ID")
	if !strings.Contains(err.Error(), "bad-1") {
		t.Errorf("error does not name the item: %v", err)
	}
	var fe *customer.FieldError
	if errors.As(err, &fe) && fe.Record != "item bad-1" {
		t.Errorf("FieldError.Record = %q", fe.Record)
	}
	wantFields(t, (&intel.Item{}).Validate(nil), "ID", "Kind", "Category", "Source", "Title", "Author", "CapturedAt")
	bad := inteltest.Item("x\n", 1)
	bad.Body = "\xff"
	wantFields(t, bad.Validate(nil), "ID", "Body")
}

func TestTaxonomy(t *testing.T) {
	tax := intel.NewTaxonomy()
	customerCats := []intel.Category{intel.CategoryAccountActivity, intel.CategoryProspect, intel.CategorySatisfaction,
		intel.CategoryServiceActivity, intel.CategorySocialMedia}
	if d := cmp.Diff(customerCats, tax.Categories(intel.KindCustomer)); d != "" {
		t.Errorf("customer categories (-want +got):\n%s", d)
	}
	if n := len(tax.Categories(intel.KindMarket)); n != 9 {
		t.Errorf("market categories = %d, want the 9 of DOMAIN.md", n)
	}
	if n, m := len(tax.Sources(intel.KindCustomer)), len(tax.Sources(intel.KindMarket)); n != 7 || m != 8 {
		t.Errorf("sources = %d customer, %d market; want 7 and 8", n, m)
	}
	if k, ok := tax.CategoryKind(intel.CategorySubstitutes); !ok || k != intel.KindMarket {
		t.Errorf("substitutes → %q %v", k, ok)
	}
	if tax.Label("social_media") != "Customers' social-media activity" {
		t.Errorf("Label(social_media) = %q: the category label comes first", tax.Label("social_media"))
	}
	// Extending one taxonomy leaves a fresh one untouched.
	tax.AddKind("partner", "Partner intelligence")
	if err := tax.AddCategory("channel_conflict", "partner", "Channel conflict"); err != nil {
		t.Fatal(err)
	}
	if err := tax.AddSource(intel.SourceCommittee, "Committees", "partner"); err != nil {
		t.Fatal(err)
	}
	it := inteltest.Item("p", 1)
	it.Kind, it.Category, it.Source = "partner", "channel_conflict", intel.SourceCommittee
	if err := it.Validate(tax); err != nil {
		t.Errorf("extended taxonomy: %v", err)
	}
	if err := it.Validate(nil); err == nil {
		t.Error("the default taxonomy must not know the host's extension")
	}
	if !tax.SourceAllowed(intel.SourceCommittee, intel.KindMarket) {
		t.Error("AddSource must add kinds, not replace them")
	}
	for _, err := range []error{
		tax.AddCategory("x", "nokind", ""),
		tax.AddCategory(intel.CategoryProspect, intel.KindMarket, ""),
		tax.AddSource("y", ""),
		tax.AddSource("", "", intel.KindMarket),
	} {
		var te *intel.TaxonomyError
		if !errors.Is(err, intel.ErrTaxonomy) || !errors.As(err, &te) {
			t.Errorf("got %v, want a *TaxonomyError wrapping ErrTaxonomy", err)
		}
	}
	var zero intel.Taxonomy
	if zero.HasKind(intel.KindMarket) || len(zero.Categories("")) != 0 {
		t.Error("the zero Taxonomy is empty")
	}
}
