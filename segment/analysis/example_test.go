package analysis_test

import (
	"fmt"

	"github.com/c360/c360/segment/analysis"
)

func ExamplePareto() {
	sales := []analysis.Item{{"a", 500}, {"b", 300}, {"c", 100}, {"d", 50}, {"e", 50}}
	r, _ := analysis.Pareto(sales, 0.8, analysis.ABCCuts{})
	fmt.Printf("%d of %d customers (%.0f%%) make 80%% of sales; Gini %.2f; ABC %+v\n",
		r.ItemsNeeded, r.Items, r.ShareOfItems*100, r.Gini, r.ABC)
	// Output: 2 of 5 customers (40%) make 80% of sales; Gini 0.46; ABC {A:2 B:2 C:1}
}

func ExamplePrioritize() {
	backlog, _ := analysis.Prioritize([]analysis.Scenario{
		{Name: "loyalty app", Value: 5, Difficulty: 5, KPIs: []string{"repeat rate"}, Contributes: []analysis.Contribution{analysis.ContributesRevenue}, CustomerValue: true},
		{Name: "cart reminder", Value: 4, Difficulty: 2, KPIs: []string{"recovered carts"}, Contributes: []analysis.Contribution{analysis.ContributesRevenue}, CustomerValue: true},
		{Name: "fax newsletter", Value: 1, Difficulty: 4},
	}, analysis.PriorityConfig{})
	for _, p := range backlog {
		fmt.Println(p.Rank, p.Name, p.Quadrant, p.Concerns)
	}
	// Output:
	// 1 cart reminder quick_win []
	// 2 loyalty app major_project []
	// 3 fax newsletter thankless_task [no KPI contributes to none of revenue, churn prevention, cost reduction not valuable to the end customer]
}
