package segment

import (
	"errors"
	"strconv"
	"testing"

	"github.com/c360/c360/customer"
	"github.com/google/go-cmp/cmp"
)

// evaluatorSet defines segments of every kind: attribute conditions,
// windowed counts and sums (the traits the Evaluator caches and reads from
// series), other aggregates, named traits and references.
func evaluatorSet(t testing.TB) *Set {
	t.Helper()
	set := NewSet()
	if err := set.DefineTrait("last_purchase_at", Trait{Agg: AggLastTime, Type: "online_purchase"}); err != nil {
		t.Fatal(err)
	}
	for i, src := range []string{
		`stage = "engage"`,
		`age >= 34 and age < 35`,
		`points > 1000`,
		`missing_attr != 1`,
		`not missing_attr = 1`,
		`exists(prefecture) and prefecture in ("大阪府", "東京都")`,
		`tags contains "vip"`,
		`joined < now - 365d`,
		`count(online_purchase, 100d) >= 2 and sum(value, 365d) > 20000 and count(web_visit, 500d) = 1`,
		`count(online_purchase, 90d) = 1`,
		`count(online_purchase, 91d) = 2`,
		`count(online_purchase) >= 3`,
		`count() = 6`,
		`count(365d) >= 4`,
		`sum(value, 365d) = 25000`,
		`sum(value, online_purchase, 366d) = 47000`,
		`sum(value, no_such_type) = 0`,
		`min(value) = 5000 and max(value) = 30000`,
		`avg(value, online_purchase) > 15666 and avg(value, online_purchase) < 15667`,
		`exists(avg(value, no_such_type))`,
		`distinct(channel) = 4`,
		`most_frequent(channel) = "web"`,
		`last(store, store_purchase) = "渋谷"`,
		`last_time(online_purchase) > now - 11d`,
		`last_purchase_at > now - 30d`,
		`count(online_purchase, 30d) >= 1`,
		`count(online_purchase, 365d) >= 1 and count(online_purchase, 90d) = 0`,
	} {
		if _, err := set.DefineText("s"+strconv.Itoa(i), src); err != nil {
			t.Fatalf("s%d (%s): %v", i, src, err)
		}
	}
	for name, src := range map[string]string{
		"r1": `segment(s8) and segment(s25)`,
		"r2": `segment(r1) or segment(s2)`,
		"r3": `not segment(r2) and count() > 0`,
	} {
		if _, err := set.DefineText(name, src); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return set
}

// evaluatorSubjects are subjects that differ in attributes and history,
// evaluated one after the other: what one leaves in the scratch must not
// change the next one's answers.
func evaluatorSubjects() []*Subject {
	full := subject()
	fewer := subject()
	fewer.ID = "c2"
	fewer.Touchpoints = fewer.Touchpoints[2:5]
	fewer.Attrs = AttrMap{"stage": customer.StringValue("buy"), "age": customer.IntValue(34)}
	noEvents := &Subject{ID: "c3", Attrs: AttrMap{"points": customer.StringValue("5")}}
	onlyOld := subject()
	onlyOld.ID = "c4"
	onlyOld.Touchpoints = onlyOld.Touchpoints[:2]
	return []*Subject{full, fewer, noEvents, full, onlyOld, {ID: "empty"}, fewer}
}

func TestEvaluatorEqualsEvaluate(t *testing.T) {
	set := evaluatorSet(t)
	ev := set.NewEvaluator()
	for _, at := range []struct {
		name string
		days int
	}{{"now", 0}, {"a year on", 365}, {"before every touchpoint", -500}} {
		when := now.Add(days(at.days))
		for i, subj := range evaluatorSubjects() {
			var want []string
			for _, name := range set.Names() {
				in, err := set.Evaluate(name, subj, when)
				if err != nil {
					t.Fatalf("Evaluate(%s, %s): %v", name, subj.ID, err)
				}
				if in {
					want = append(want, name)
				}
				one, err := ev.Evaluate(name, subj, when)
				if err != nil || one != in {
					t.Errorf("%s: subject %d (%s): Evaluator.Evaluate(%s) = %v, %v; Set.Evaluate says %v", at.name, i, subj.ID, name, one, err, in)
				}
			}
			got, err := ev.EvaluateAll(nil, nil, subj, when)
			if err != nil {
				t.Fatalf("EvaluateAll(%s): %v", subj.ID, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: subject %d (%s): EvaluateAll differs from Set.Evaluate (-want +got):\n%s", at.name, i, subj.ID, diff)
			}
		}
	}
}

func TestEvaluatorSubsetAndAppend(t *testing.T) {
	set := evaluatorSet(t)
	ev := set.NewEvaluator()
	got, err := ev.EvaluateAll([]string{"kept"}, []string{"r1", "s0", "s3"}, subject(), now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"kept", "r1", "s0"}, got); diff != "" {
		t.Errorf("EvaluateAll(r1, s0, s3) (-want +got):\n%s", diff)
	}
}

func TestEvaluatorErrors(t *testing.T) {
	set := evaluatorSet(t)
	if _, err := set.DefineText("dangling", `segment(nowhere) or age > 1`); err != nil {
		t.Fatal(err)
	}
	ev := set.NewEvaluator()
	if _, err := ev.EvaluateAll(nil, []string{"s0", "nosuch"}, subject(), now); !errors.Is(err, ErrUnknownSegment) {
		t.Errorf("EvaluateAll(nosuch) error = %v, want ErrUnknownSegment", err)
	}
	if _, err := ev.EvaluateAll(nil, nil, subject(), now); !errors.Is(err, ErrUnknownSegment) {
		t.Errorf("EvaluateAll with dangling error = %v, want ErrUnknownSegment", err)
	}
	if _, err := ev.Evaluate("nosuch", subject(), now); !errors.Is(err, ErrUnknownSegment) {
		t.Errorf("Evaluate(nosuch) error = %v, want ErrUnknownSegment", err)
	}
	// After an error the next subject is evaluated afresh.
	in, err := ev.Evaluate("s0", subject(), now)
	if err != nil || !in {
		t.Errorf("Evaluate(s0) after errors = %v, %v; want true, nil", in, err)
	}
}

func BenchmarkEvaluateAll(b *testing.B) {
	set := evaluatorSet(b)
	subj := subject()
	b.Run("Set.Evaluate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, name := range set.Names() {
				if _, err := set.Evaluate(name, subj, now); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("Evaluator.EvaluateAll", func(b *testing.B) {
		ev := set.NewEvaluator()
		var dst []string
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if dst, err = ev.EvaluateAll(dst[:0], nil, subj, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}
