package segment_test

import (
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/segment"
)

// BenchmarkEvaluateAttributes evaluates a segment of attribute conditions
// (strings, numbers, a bool, a time, a list) over one subject whose
// attributes come from a host's Attributes (an AttrMap) and from a profile
// (ProfileAttrs): the cost of reading attribute values into the language.
func BenchmarkEvaluateAttributes(b *testing.B) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	set := segment.NewSet()
	if _, err := set.DefineText("s", `prefecture in ("東京都", "神奈川県") and age between 20 and 39 and vip and joined < now - 30d and tags contains "runner" and points > 1000`); err != nil {
		b.Fatal(err)
	}
	if _, err := set.DefineText("p", `name.family = "山田" and exists(email) and attributes.points > 1000 and consent.email.marketing = "opt_in"`); err != nil {
		b.Fatal(err)
	}
	attrs := segment.AttrMap{
		"prefecture": customer.StringValue("東京都"), "age": customer.IntValue(34), "vip": customer.BoolValue(true),
		"joined": customer.TimeValue(now.Add(-400 * 24 * time.Hour)), "tags": customer.ListValue("vip", "runner"),
		"points": customer.StringValue("1200"),
	}
	p := &customer.Profile{ID: "c1"}
	p.Name.Family = "山田"
	p.ContactPoints = []customer.ContactPoint{{Type: customer.ContactEmail, Value: "taro@example.jp", Primary: true}}
	p.Attributes = map[string]customer.Value{"points": customer.IntValue(1200)}
	p.Consent.Add(customer.ConsentEntry{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: now.Add(-time.Hour)})
	b.Run("AttrMap", func(b *testing.B) {
		subj := &segment.Subject{ID: "c1", Attrs: attrs}
		b.ReportAllocs()
		for b.Loop() {
			if in, err := set.Evaluate("s", subj, now); err != nil || !in {
				b.Fatal(in, err)
			}
		}
	})
	b.Run("ProfileAttrs", func(b *testing.B) {
		subj := &segment.Subject{ID: "c1", Attrs: segment.ProfileAttrs{P: p, Now: now}}
		b.ReportAllocs()
		for b.Loop() {
			if in, err := set.Evaluate("p", subj, now); err != nil || !in {
				b.Fatal(in, err)
			}
		}
	})
}
