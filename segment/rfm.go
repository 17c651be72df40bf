package segment

import (
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/c360/c360/journey"
	"github.com/c360/c360/segment/analysis"
)

// DefaultPurchaseTypes returns the touchpoint types RFMFromTouchpoints counts
// as purchases when none are given. Each call returns a new slice.
func DefaultPurchaseTypes() []string { return slices.Clone(defaultPurchaseTypes) }

var defaultPurchaseTypes = []string{"online_purchase", "store_purchase", "purchase"}

// RFMFromTouchpoints summarises each customer's purchases: touchpoints of the
// given types (DefaultPurchaseTypes when empty) within window before now
// (all history when window is 0). Touchpoints after now are ignored.
// Customers are returned in ID order, those without a purchase included
// (analysis.RFM reports them apart). Monetary is in yen (JPY): see RFMInputs.
func RFMFromTouchpoints(byCustomer map[string][]Touchpoint, types []string, now time.Time, window time.Duration) []analysis.RFMInput {
	return rfmInputs(bySortedID(byCustomer), types, now, window, journey.DefaultCurrency)
}

// RFMInputs is RFMFromTouchpoints over a stream of customers and their
// touchpoints, in the stream's order.
//
// Monetary never adds amounts of different currencies. It sums, in yen
// (JPY, the currency of the zero Set), the amount of each purchase that has
// one in JPY — Currency "JPY", or no Currency with HasValue (a touchpoint
// built by hand); a purchase whose amount is in another currency (its
// Currency, whether HasValue is set or not) still counts for recency and
// frequency but is left out of Monetary and counted in OtherCurrency.
// Touchpoints built by Set.FromEvent have their value converted into the
// set's currency already: summarise them with the set's RFMInputs.
func RFMInputs(customers iter.Seq2[string, []Touchpoint], types []string, now time.Time, window time.Duration) []analysis.RFMInput {
	return rfmInputs(customers, types, now, window, journey.DefaultCurrency)
}

// RFMFromTouchpoints is the package function RFMFromTouchpoints with
// Monetary in the set's currency (Set.Currency, JPY when empty).
func (s *Set) RFMFromTouchpoints(byCustomer map[string][]Touchpoint, types []string, now time.Time, window time.Duration) []analysis.RFMInput {
	return rfmInputs(bySortedID(byCustomer), types, now, window, s.currency())
}

// RFMInputs is the package function RFMInputs with Monetary in the set's
// currency (Set.Currency, JPY when empty): it sums the values in that
// currency or without one, and counts the others in OtherCurrency. It does
// not convert: Set.FromEvent does, as touchpoints are built, and names the
// currency an amount is left in.
func (s *Set) RFMInputs(customers iter.Seq2[string, []Touchpoint], types []string, now time.Time, window time.Duration) []analysis.RFMInput {
	return rfmInputs(customers, types, now, window, s.currency())
}

// currency is the set's currency; a nil or zero Set's is JPY.
func (s *Set) currency() string {
	if s == nil || s.Currency == "" {
		return journey.DefaultCurrency
	}
	return s.Currency
}

func bySortedID(byCustomer map[string][]Touchpoint) iter.Seq2[string, []Touchpoint] {
	return func(yield func(string, []Touchpoint) bool) {
		for _, id := range sortedKeys(byCustomer) {
			if !yield(id, byCustomer[id]) {
				return
			}
		}
	}
}

func rfmInputs(customers iter.Seq2[string, []Touchpoint], types []string, now time.Time, window time.Duration, currency string) []analysis.RFMInput {
	if len(types) == 0 {
		types = defaultPurchaseTypes
	}
	purchase := make([]string, len(types))
	for i, t := range types {
		purchase[i] = strings.TrimSpace(t)
	}
	isPurchase := func(t string) bool {
		for _, p := range purchase {
			if t == p {
				return true
			}
		}
		return false
	}
	start := now.Add(-window)
	var out []analysis.RFMInput
	for id, tps := range customers {
		in := analysis.RFMInput{CustomerID: id}
		for i := range tps {
			tp := &tps[i]
			if !isPurchase(tp.Type) || tp.Time.After(now) || window > 0 && !tp.Time.After(start) {
				continue
			}
			in.Frequency++
			// A touchpoint has an amount when HasValue or it names a
			// currency (Set.FromEvent keeps an unconverted amount with
			// its currency); without a currency it is the set's.
			if tp.HasValue || tp.Currency != "" {
				if tp.Currency == "" || tp.Currency == currency {
					in.Monetary += tp.Value
				} else {
					in.OtherCurrency++
				}
			}
			if tp.Time.After(in.Last) {
				in.Last = tp.Time
			}
		}
		out = append(out, in)
	}
	return out
}
