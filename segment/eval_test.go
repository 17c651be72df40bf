package segment

import (
	"errors"
	"testing"
	"time"

	"github.com/c360/c360/customer"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func subject() *Subject {
	return &Subject{
		ID: "c1",
		Attrs: AttrMap{
			"stage":      customer.StringValue("engage"),
			"age":        customer.FloatValue(34),
			"points":     customer.StringValue("1200"), // numeric text, as from a CSV
			"prefecture": customer.StringValue("東京都"),
			"tags":       customer.ListValue("vip", "runner"),
			"empty":      customer.StringValue(""),
			"vip":        customer.BoolValue(true),
			"joined":     customer.TimeValue(now.Add(-days(400))),
		},
		Touchpoints: []Touchpoint{
			{Type: "web_visit", Channel: "web", Time: now.Add(-days(400))},
			{Type: "online_purchase", Channel: "web", Time: now.Add(-days(365)), Value: 30000, HasValue: true},
			{Type: "online_purchase", Channel: "web", Time: now.Add(-days(90)), Value: 12000, HasValue: true},
			{Type: "store_purchase", Channel: "store", Time: now.Add(-days(30)), Value: 8000, HasValue: true, Attrs: map[string]string{"store": "渋谷"}},
			{Type: "online_purchase", Channel: "app", Time: now.Add(-days(10)), Value: 5000, HasValue: true},
			{Type: "email_open", Channel: "email", Time: now.Add(-days(1))},
			{Type: "online_purchase", Channel: "web", Time: now.Add(days(1)), Value: 99999, HasValue: true}, // future: never counted
		},
	}
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		expr   string
		want   bool
		reason string
	}{
		{`stage = "engage"`, true, ""},
		{`stage != "engage"`, false, ""},
		{`age >= 34 and age < 35`, true, ""},
		{`count(online_purchase, 100d) >= 2 and sum(value, 365d) > 20000 and count(web_visit, 500d) = 1`, true, "a conjunction of numeric compares, each true"},
		{`count(online_purchase, 100d) >= 2 and sum(value, 365d) > 20000 and count(web_visit, 500d) = 2`, false, "the last numeric compare decides"},
		{`count(online_purchase, 100d) >= 3 and sum(value, 365d) > 20000`, false, "the first numeric compare decides"},
		{`points > 1000`, true, "numeric text compares as a number"},
		{`missing_attr = 1`, false, "a comparison with a missing value is false"},
		{`missing_attr != 1`, false, "even !=: use exists to test presence"},
		{`not missing_attr = 1`, true, "not of a false comparison"},
		{`exists(missing_attr)`, false, ""},
		{`exists(empty)`, false, "an empty string has no value"},
		{`exists(prefecture)`, true, ""},
		{`prefecture in ("大阪府", "東京都")`, true, ""},
		{`prefecture not in ("大阪府", "東京都")`, false, ""},
		{`age between 34 and 40`, true, "both ends included"},
		{`age between 20 and 33`, false, ""},
		{`tags contains "vip"`, true, ""},
		{`tags contains "vi"`, false, "list membership, not substring"},
		{`prefecture contains "東京"`, true, "substring of a string"},
		{`vip`, true, ""},
		{`vip and not exists(missing_attr)`, true, ""},
		{`joined < now - 365d`, true, ""},
		{`joined < now - 401d`, false, ""},
		// Windows hold touchpoints with now-window < time <= now.
		{`count(online_purchase, 90d) = 1`, true, "the purchase exactly 90 days ago is outside a 90d window"},
		{`count(online_purchase, 91d) = 2`, true, ""},
		{`count(online_purchase) = 3`, true, "the future purchase is not counted"},
		{`count() = 6`, true, ""},
		{`count(365d) = 4`, true, ""},
		{`sum(value, 365d) = 25000`, true, ""},
		{`sum(value, online_purchase, 366d) = 47000`, true, ""},
		{`sum(value, no_such_type) = 0`, true, "sum of nothing is 0"},
		{`min(value) = 5000 and max(value) = 30000`, true, ""},
		{`avg(value, online_purchase) > 15666 and avg(value, online_purchase) < 15667`, true, ""},
		{`exists(avg(value, no_such_type))`, false, "avg of nothing is missing"},
		{`distinct(channel) = 4`, true, ""},
		{`most_frequent(channel) = "web"`, true, ""},
		{`first(channel, online_purchase) = "web" and last(channel, online_purchase) = "app"`, true, ""},
		{`last(store, store_purchase) = "渋谷"`, true, "an attribute of the touchpoint"},
		{`last_time(online_purchase) > now - 11d`, true, ""},
		{`first_time() = now - 400d`, true, ""},
	}
	s := subject()
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			e, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Match(e, nil, s, now)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Match(%s) = %v, want %v %s", tt.expr, got, tt.want, tt.reason)
			}
		})
	}
}

func TestSetReferencesAndTraits(t *testing.T) {
	var set Set
	if err := set.DefineTrait("last_purchase_at", Trait{Agg: AggLastTime, Type: "online_purchase"}); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{
		"recent":    `last_purchase_at > now - 30d`,
		"big":       `sum(value, 365d) > 20000`,
		"recentbig": `segment(recent) and segment("big")`,
	} {
		if _, err := set.DefineText(name, src); err != nil {
			t.Fatalf("define %s: %v", name, err)
		}
	}
	got, err := set.Evaluate("recentbig", subject(), now)
	if err != nil || !got {
		t.Errorf(`Evaluate(recentbig) = %v, %v; want true`, got, err)
	}
	// A reference to a segment that is not defined is an error at evaluation.
	if _, err := set.DefineText("dangling", `segment(nowhere) or age > 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := set.Evaluate("dangling", subject(), now); !errors.Is(err, ErrUnknownSegment) {
		t.Errorf("Evaluate(dangling) error = %v, want ErrUnknownSegment", err)
	}
	// Cycles are rejected when they would close.
	if _, err := set.DefineText("a", `segment(b)`); err != nil {
		t.Fatal(err)
	}
	if _, err := set.DefineText("b", `segment(a)`); !errors.Is(err, ErrCycle) {
		t.Errorf("defining b -> a -> b: error = %v, want ErrCycle", err)
	}
	if _, err := set.DefineText("self", `segment(self)`); !errors.Is(err, ErrCycle) {
		t.Errorf("defining self -> self: error = %v, want ErrCycle", err)
	}
	if _, err := set.DefineText("big", `age > 1`); !errors.Is(err, ErrDuplicate) {
		t.Errorf("redefining big: error = %v, want ErrDuplicate", err)
	}
}

func TestProfileAttrs(t *testing.T) {
	p := &customer.Profile{ID: "p1"}
	p.Kind = customer.KindPerson
	p.Name = customer.PersonName{Family: "山田", Given: "花子"}
	p.BirthDate = customer.Date{Year: 1990, Month: 12, Day: 1}
	p.ContactPoints = []customer.ContactPoint{
		{Type: customer.ContactEmail, Value: "a@example.jp"},
		{Type: customer.ContactEmail, Value: "b@example.jp", Primary: true},
	}
	p.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing,
		Status: customer.ConsentOptIn, CapturedAt: now.Add(-days(10))})
	p.Attributes = map[string]customer.Value{"rank": customer.StringValue("gold"), "points": customer.IntValue(1500)}
	subj := &Subject{ID: "p1", Attrs: ProfileAttrs{P: p, Stage: "engage", Now: now}}
	for _, tt := range []struct {
		expr string
		want bool
	}{
		{`age = 35`, true},
		{`email = "b@example.jp" and emails contains "a@example.jp"`, true},
		{`consent.email.marketing = "opt_in"`, true},
		{`consent.sms.marketing = "unknown"`, true},
		{`rank = "gold" and attributes.points >= 1500`, true},
		{`stage = "engage" and kind = "person" and name.family = "山田"`, true},
		{`exists(phone)`, false},
	} {
		e, err := Parse(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Match(e, nil, subj, now); err != nil || got != tt.want {
			t.Errorf("Match(%s) = %v, %v; want %v", tt.expr, got, err, tt.want)
		}
	}
}
