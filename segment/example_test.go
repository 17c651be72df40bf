package segment_test

import (
	"fmt"
	"time"

	"github.com/c360/c360/segment"
)

func ExampleParse() {
	e, err := segment.Parse(`count(online_purchase, 90d) >= 2 and prefecture in ("東京都", "大阪府")`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e)

	_, err = segment.Parse("stage = \"engage\"\n  and count(online_purchase, 90x) > 1")
	fmt.Println(err)
	// Output:
	// count(online_purchase, 90d) >= 2 and prefecture in ("東京都", "大阪府")
	// line 2, column 30: unknown duration unit "x" in "90x" (expected one of s, m, h, d, w)
}

func ExampleSet_Evaluate() {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	var set segment.Set
	set.DefineTrait("last_purchase_at", segment.Trait{Agg: segment.AggLastTime, Type: "online_purchase"})
	set.DefineText("recent", `last_purchase_at > now - 30d`)
	set.DefineText("valuable", `sum(value, 365d) >= 20000`)
	set.DefineText("vip", `segment(recent) and segment(valuable)`)

	hanako := &segment.Subject{ID: "hanako", Touchpoints: []segment.Touchpoint{
		{Type: "online_purchase", Time: now.AddDate(0, -3, 0), Value: 15000, HasValue: true},
		{Type: "online_purchase", Time: now.AddDate(0, 0, -5), Value: 9000, HasValue: true},
	}}
	in, err := set.Evaluate("vip", hanako, now)
	fmt.Println(in, err)
	// Output: true <nil>
}

func ExampleLive() {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	var set segment.Set
	set.DefineText("repeat_buyer", `count(online_purchase, 30d) >= 2`)
	live := segment.NewLive(&set, segment.LiveConfig{OnChange: func(c segment.Change) {
		fmt.Println(c.CustomerID, c.Segment, "entered:", c.Entered, c.At.Format("01-02"))
	}})
	buy := segment.Touchpoint{Type: "online_purchase"}
	buy.Time = now.AddDate(0, 0, -20)
	live.AddTouchpoint("taro", buy, now)
	buy.Time = now
	live.AddTouchpoint("taro", buy, now) // second purchase within 30 days: enters
	live.Tick(now.AddDate(0, 0, 15))     // the first purchase ages out: exits
	// Output:
	// taro repeat_buyer entered: true 11-22
	// taro repeat_buyer entered: false 12-07
}

func ExamplePareto() {
	sales := []segment.Item{{"a", 500}, {"b", 300}, {"c", 100}, {"d", 50}, {"e", 50}}
	r, _ := segment.Pareto(sales, 0.8, segment.ABCCuts{})
	fmt.Printf("%d of %d customers (%.0f%%) make 80%% of sales; Gini %.2f; ABC %+v\n",
		r.ItemsNeeded, r.Items, r.ShareOfItems*100, r.Gini, r.ABC)
	// Output: 2 of 5 customers (40%) make 80% of sales; Gini 0.46; ABC {A:2 B:2 C:1}
}

func ExamplePrioritize() {
	backlog, _ := segment.Prioritize([]segment.Scenario{
		{Name: "loyalty app", Value: 5, Difficulty: 5, KPIs: []string{"repeat rate"}, Contributes: []segment.Contribution{segment.ContributesRevenue}, CustomerValue: true},
		{Name: "cart reminder", Value: 4, Difficulty: 2, KPIs: []string{"recovered carts"}, Contributes: []segment.Contribution{segment.ContributesRevenue}, CustomerValue: true},
		{Name: "fax newsletter", Value: 1, Difficulty: 4},
	}, segment.PriorityConfig{})
	for _, p := range backlog {
		fmt.Println(p.Rank, p.Name, p.Quadrant, p.Concerns)
	}
	// Output:
	// 1 cart reminder quick_win []
	// 2 loyalty app major_project []
	// 3 fax newsletter thankless_task [no KPI contributes to none of revenue, churn prevention, cost reduction not valuable to the end customer]
}
