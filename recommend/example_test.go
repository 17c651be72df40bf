package recommend_test

import (
	"context"
	"fmt"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/recommend"
)

// A small shop: tea drinkers buy cups, and rice sells best.
func shop() *recommend.Builder {
	b := &recommend.Builder{}
	day := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	add := func(c, item string) {
		b.Add(recommend.Interaction{Customer: customer.ID(c), Item: item, Time: day})
	}
	for _, c := range []string{"aoki", "baba", "chiba", "doi"} {
		add(c, "sencha")
		add(c, "yunomi cup")
	}
	add("endo", "sencha")
	add("endo", "rice cracker")
	for _, c := range []string{"fujii", "goto", "hara", "ito", "kato", "kudo"} {
		add(c, "rice")
	}
	return b
}

func ExampleRecommender() {
	ctx := context.Background()
	m, err := recommend.Train(ctx, shop(), recommend.Config{Algorithm: recommend.CoOccurrence,
		HalfLife: -1, Shrinkage: -1, Blend: 0.01})
	if err != nil {
		panic(err)
	}
	r := &recommend.Recommender{Model: m, Rules: recommend.Rules{Unavailable: []string{"rice cracker"}}}
	// A visitor with sencha in the basket.
	recs, _ := r.Recommend(ctx, recommend.Request{Items: []string{"sencha"}, N: 2})
	for _, rec := range recs {
		fmt.Printf("%s: %s\n", rec.Item, rec.Reasons[0].Text)
	}
	// A customer the model has never seen.
	recs, _ = r.Recommend(ctx, recommend.Request{Customer: "new", N: 1})
	fmt.Printf("%s: %s\n", recs[0].Item, recs[0].Reasons[0].Text)
	// Output:
	// yunomi cup: bought together with sencha by 4 customers
	// rice: popular with all customers (6 customers)
	// rice: popular with all customers (6 customers)
}

func ExampleNextBestOffer() {
	ctx := context.Background()
	m, _ := recommend.Train(ctx, shop(), recommend.Config{Algorithm: recommend.CoOccurrence,
		HalfLife: -1, Shrinkage: -1, Blend: 0.01})
	gate := &journey.Gate{AllowUnknownConsent: true}
	nbo := &recommend.NextBestOffer{
		Recommender: &recommend.Recommender{Model: m},
		Issues: recommend.IssuesFunc(func(_ context.Context, id customer.ID) (int, error) {
			if id == "baba" {
				return 1, nil // an open complaint
			}
			return 0, nil
		}),
		Gate:   gate,
		Config: recommend.OfferConfig{Items: 1},
	}
	for _, id := range []customer.ID{"endo", "baba"} {
		o, _ := nbo.Offer(ctx, recommend.OfferRequest{Customer: id})
		fmt.Printf("%s allowed=%v item=%s\n", id, o.Allowed, o.Items[0].Item)
		for _, r := range o.Reasons {
			fmt.Printf("  %s blocking=%v: %s\n", r.Kind, r.Blocking, r.Text)
		}
	}
	// Output:
	// endo allowed=true item=yunomi cup
	//   stage blocking=false: stage not consulted
	//   open_issues blocking=false: no open service issue
	//   gate blocking=false: email marketing allowed
	//   item blocking=false: yunomi cup: bought together with sencha by 4 customers
	// baba allowed=false item=rice cracker
	//   stage blocking=false: stage not consulted
	//   open_issues blocking=true: 1 open service issue(s): no upsell until resolved
	//   gate blocking=false: email marketing allowed
	//   item blocking=false: rice cracker: bought together with sencha by 1 customer
}

func ExampleEvaluate() {
	// Synthetic customers with planted tastes; each customer's latest 20%
	// of purchases is held out.
	seq, _ := recommend.Synthetic(recommend.SynthConfig{Customers: 600, Items: 120, Seed: 1})
	var ins []recommend.Interaction
	for in := range seq {
		ins = append(ins, in)
	}
	res, err := recommend.Evaluate(context.Background(), ins, recommend.EvalConfig{HoldoutLast: 0.2, Bootstrap: 200})
	if err != nil {
		panic(err)
	}
	for _, m := range res {
		fmt.Printf("%-12s beats popularity twice: %v\n", m.Model, m.Recall >= 2*res[0].Recall)
	}
	// Output:
	// popularity   beats popularity twice: false
	// cooccurrence beats popularity twice: true
	// ease         beats popularity twice: true
}
