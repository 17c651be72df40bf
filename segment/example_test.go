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

func ExampleEvaluator() {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	var set segment.Set
	set.DefineText("buyer", `count(online_purchase, 30d) >= 1`)
	set.DefineText("valuable", `sum(value, 365d) >= 20000`)
	set.DefineText("vip", `segment(buyer) and segment(valuable)`)

	// One Evaluator for many subjects: its scratch is reused, and "vip"
	// reads the memberships computed for "buyer" and "valuable".
	ev := set.NewEvaluator()
	people := []*segment.Subject{
		{ID: "hanako", Touchpoints: []segment.Touchpoint{
			{Type: "online_purchase", Time: now.AddDate(0, -3, 0), Value: 15000, HasValue: true},
			{Type: "online_purchase", Time: now.AddDate(0, 0, -5), Value: 9000, HasValue: true},
		}},
		{ID: "taro", Touchpoints: []segment.Touchpoint{
			{Type: "online_purchase", Time: now.AddDate(0, 0, -2), Value: 3000, HasValue: true},
		}},
		{ID: "jiro"},
	}
	var in []string
	for _, p := range people {
		var err error
		in, err = ev.EvaluateAll(in[:0], nil, p, now)
		fmt.Println(p.ID, in, err)
	}
	// Output:
	// hanako [buyer valuable vip] <nil>
	// taro [buyer] <nil>
	// jiro [] <nil>
}
