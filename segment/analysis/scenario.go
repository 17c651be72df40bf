package analysis

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Contribution is what a scenario contributes to the business.
type Contribution string

// Contributions that justify a scenario.
const (
	ContributesRevenue         Contribution = "revenue"
	ContributesChurnPrevention Contribution = "churn_prevention"
	ContributesCostReduction   Contribution = "cost_reduction"
)

// Scenario is a concrete tactic under a strategy ("send a restock coupon to
// lapsed runners"), scored for business value and implementation difficulty
// on the same scale (for example 1–5).
type Scenario struct {
	Name          string
	Value         float64 // business value
	Difficulty    float64 // implementation difficulty
	KPIs          []string
	Contributes   []Contribution
	CustomerValue bool // valuable to the end customer, not only to the company
}

// Quadrant places a scenario on the value × difficulty grid.
type Quadrant int

// The four quadrants, in the order they are worth doing.
const (
	QuickWin      Quadrant = iota + 1 // high value, low difficulty: do first
	MajorProject                      // high value, high difficulty: plan
	FillIn                            // low value, low difficulty: when there is slack
	ThanklessTask                     // low value, high difficulty: avoid
)

// String returns the name of the value.
func (q Quadrant) String() string {
	switch q {
	case QuickWin:
		return "quick_win"
	case MajorProject:
		return "major_project"
	case FillIn:
		return "fill_in"
	case ThanklessTask:
		return "thankless_task"
	}
	return fmt.Sprintf("Quadrant(%d)", int(q))
}

// PriorityConfig sets the cuts of the grid. The zero value cuts both axes at
// 3, the middle of a 1–5 scale.
type PriorityConfig struct {
	ValueCut      float64 `json:"value_cut,omitempty"`      // value above this is high; 0 means 3
	DifficultyCut float64 `json:"difficulty_cut,omitempty"` // difficulty above this is high; 0 means 3
}

// Prioritized is a scenario with its quadrant, rank and review findings.
type Prioritized struct {
	Scenario
	Quadrant Quadrant
	Rank     int      // 1-based position in the backlog
	Concerns []string // review questions the scenario does not answer
}

// Prioritize places each scenario in its quadrant and returns the backlog:
// quick wins first, then major projects, fill-ins and thankless tasks; within
// a quadrant by value per unit of difficulty, then value, then name. A
// scenario is high value when Value > ValueCut and hard when Difficulty >
// DifficultyCut. Concerns list the review questions a scenario fails: it
// names no KPI, contributes to none of revenue, churn prevention or cost
// reduction, or is of no value to the end customer.
func Prioritize(scenarios []Scenario, cfg PriorityConfig) ([]Prioritized, error) {
	if cfg.ValueCut == 0 {
		cfg.ValueCut = 3
	}
	if cfg.DifficultyCut == 0 {
		cfg.DifficultyCut = 3
	}
	out := make([]Prioritized, len(scenarios))
	seen := map[string]bool{}
	for i, s := range scenarios {
		if strings.TrimSpace(s.Name) == "" {
			return nil, fmt.Errorf("analysis: scenario %d has no name", i+1)
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("analysis: scenario %q listed twice", s.Name)
		}
		seen[s.Name] = true
		if s.Value < 0 || s.Difficulty <= 0 {
			return nil, fmt.Errorf("analysis: scenario %q: value must be >= 0 and difficulty > 0", s.Name)
		}
		high, hard := s.Value > cfg.ValueCut, s.Difficulty > cfg.DifficultyCut
		q := ThanklessTask
		switch {
		case high && !hard:
			q = QuickWin
		case high && hard:
			q = MajorProject
		case !high && !hard:
			q = FillIn
		}
		p := Prioritized{Scenario: s, Quadrant: q}
		if len(s.KPIs) == 0 {
			p.Concerns = append(p.Concerns, "no KPI")
		}
		if len(s.Contributes) == 0 {
			p.Concerns = append(p.Concerns, "contributes to none of revenue, churn prevention, cost reduction")
		}
		if !s.CustomerValue {
			p.Concerns = append(p.Concerns, "not valuable to the end customer")
		}
		out[i] = p
	}
	slices.SortFunc(out, func(a, b Prioritized) int {
		if c := cmp.Compare(a.Quadrant, b.Quadrant); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Value/b.Difficulty, a.Value/a.Difficulty); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Value, a.Value); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out, nil
}

// ScenarioPareto ranks scenarios by value: which few scenarios carry most of
// the value ("think big, start small, scale fast").
func ScenarioPareto(scenarios []Scenario, share float64) (*ParetoResult, error) {
	items := make([]Item, len(scenarios))
	for i, s := range scenarios {
		items[i] = Item{ID: s.Name, Value: s.Value}
	}
	return Pareto(items, share, ABCCuts{})
}
