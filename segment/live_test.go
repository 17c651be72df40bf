package segment

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/cputime"
	"github.com/google/go-cmp/cmp"
)

func liveSet(t testing.TB) *Set {
	t.Helper()
	var set Set
	if err := set.DefineTrait("last_purchase_at", Trait{Agg: AggLastTime, Type: "online_purchase"}); err != nil {
		t.Fatal(err)
	}
	defs := []struct{ name, src string }{
		{"tokyo", `prefecture = "東京都"`},
		{"recent_buyer", `last_purchase_at > now - 30d`},
		{"repeat", `count(online_purchase, 90d) >= 2`},
		{"big", `sum(value, 365d) > 20000`},
		{"tokyo_repeat", `segment(tokyo) and segment(repeat)`},
		{"lapsed", `exists(last_purchase_at) and not segment(recent_buyer)`},
		{"multichannel", `distinct(channel, 60d) >= 2 or vip`},
		{"steady", `count(online_purchase, 90d) >= 1 and sum(value, 365d) > 5000 and count(web_visit, 30d) < 3 and avg(value, 60d) <= 15000`},
		{"quiet", `count(web_visit, 30d) < 2`}, // true for a customer without touchpoints
	}
	for _, d := range defs {
		if _, err := set.DefineText(d.name, d.src); err != nil {
			t.Fatal(err)
		}
	}
	return &set
}

// TestLiveAgreesWithFullEvaluation drives Live with a random stream of
// profile changes, touchpoints (some out of order, a few at times Unix
// nanoseconds cannot hold) and clock ticks, and after every 50 steps checks
// its membership against evaluating every segment from scratch. With a
// retention, the reference drops the touchpoints Live is documented to drop.
func TestLiveAgreesWithFullEvaluation(t *testing.T) {
	for _, tc := range []struct {
		name      string
		retention time.Duration
	}{
		{"keep everything", 0},
		{"retention 50 days", 50 * 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) { testLiveAgrees(t, tc.retention) })
	}
}

func testLiveAgrees(t *testing.T, retention time.Duration) {
	set := liveSet(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var entered, exited int
	live := NewLive(set, LiveConfig{Retention: retention, OnChange: func(c Change) {
		if c.Entered {
			entered++
		} else {
			exited++
		}
	}})
	subjects := map[string]*Subject{}
	clock := now
	prefs := []string{"東京都", "大阪府", ""}
	types := []string{"online_purchase", "store_purchase", "web_visit"}
	channels := []string{"web", "store", "app", "email"}
	for step := 0; step < 3000; step++ {
		id := fmt.Sprintf("c%d", rng.IntN(40))
		subject := func() *Subject { // the customers Live knows
			s, ok := subjects[id]
			if !ok {
				s = &Subject{ID: id}
				subjects[id] = s
			}
			return s
		}
		var err error
		switch r := rng.IntN(10); {
		case r < 2:
			attrs := AttrMap{"prefecture": customer.StringValue(prefs[rng.IntN(len(prefs))]), "vip": customer.BoolValue(rng.IntN(5) == 0)}
			subject().Attrs = attrs
			_, err = live.UpsertProfile(id, attrs, clock)
		case r < 9:
			at := clock.Add(-time.Duration(rng.IntN(100*24)) * time.Hour)
			if rng.IntN(2) == 0 {
				at = clock.Add(-time.Duration(rng.IntN(3)) * time.Hour) // mostly in order
			}
			switch rng.IntN(200) {
			case 0:
				at = time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC) // before Unix nanoseconds
			case 1:
				at = clock.AddDate(400, 0, 0) // after them, and in the future
			}
			tp := Touchpoint{
				Type: types[rng.IntN(len(types))], Channel: channels[rng.IntN(len(channels))],
				Time: at, Value: float64(rng.IntN(20000)), HasValue: rng.IntN(8) != 0,
			}
			s := subject()
			i, _ := slices.BinarySearchFunc(s.Touchpoints, tp.Time, func(a Touchpoint, t time.Time) int {
				if a.Time.After(t) {
					return 1
				}
				return -1
			})
			s.Touchpoints = slices.Insert(s.Touchpoints, i, tp)
			if retention > 0 {
				s.Touchpoints = slices.DeleteFunc(s.Touchpoints, func(tp Touchpoint) bool { return tp.Time.Before(clock.Add(-retention)) })
			}
			_, err = live.AddTouchpoint(id, tp, clock)
		default:
			clock = clock.Add(time.Duration(rng.IntN(72)) * time.Hour)
			_, err = live.Tick(clock)
		}
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if step%50 == 0 || step == 2999 {
			for _, name := range set.Names() {
				var want []string
				for sid, subj := range subjects {
					// a customer Live has seen only through touchpoints has no attributes
					in, err := set.Evaluate(name, subj, clock)
					if err != nil {
						t.Fatal(err)
					}
					if in {
						want = append(want, sid)
					}
				}
				slices.Sort(want)
				if diff := cmp.Diff(want, live.Members(name)); diff != "" {
					t.Fatalf("step %d, segment %s: live membership differs from full evaluation (-full +live):\n%s", step, name, diff)
				}
				if live.Count(name) != len(want) {
					t.Fatalf("step %d, segment %s: Count = %d, want %d", step, name, live.Count(name), len(want))
				}
			}
		}
	}
	if entered == 0 || exited == 0 {
		t.Errorf("stream produced %d enters and %d exits; the test needs both", entered, exited)
	}
}

func TestLiveEnterExitEvents(t *testing.T) {
	var set Set
	if _, err := set.DefineText("repeat", `count(online_purchase, 30d) >= 2`); err != nil {
		t.Fatal(err)
	}
	live := NewLive(&set, LiveConfig{})
	buy := func(at time.Time) Touchpoint { return Touchpoint{Type: "online_purchase", Time: at} }
	if ch, _ := live.AddTouchpoint("c1", buy(now.Add(-days(5))), now); len(ch) != 0 {
		t.Errorf("one purchase: changes %v, want none", ch)
	}
	ch, _ := live.AddTouchpoint("c1", buy(now), now)
	want := []Change{{CustomerID: "c1", Segment: "repeat", Entered: true, At: now}}
	if diff := cmp.Diff(want, ch); diff != "" {
		t.Errorf("second purchase (-want +got):\n%s", diff)
	}
	// 25 days later the first purchase is 30 days old: outside the window.
	later := now.Add(days(25))
	ch, _ = live.Tick(later)
	want = []Change{{CustomerID: "c1", Segment: "repeat", Entered: false, At: later}}
	if diff := cmp.Diff(want, ch); diff != "" {
		t.Errorf("tick past the window (-want +got):\n%s", diff)
	}
	if got := live.Segments("c1"); len(got) != 0 {
		t.Errorf("Segments after exit = %v, want none", got)
	}
}

func BenchmarkLiveTouchpoint100Segments(b *testing.B) {
	var set Set
	for i := range 100 {
		src := fmt.Sprintf(`count(online_purchase, %dd) >= %d and sum(value, 365d) > %d`, 30+i, 1+i%3, 1000*i)
		if i%4 == 0 {
			src = fmt.Sprintf(`prefecture = "東京都" and age > %d`, 20+i%40)
		}
		if _, err := set.DefineText(fmt.Sprintf("s%d", i), src); err != nil {
			b.Fatal(err)
		}
	}
	// Each customer gets a purchase every 15 days and keeps 150 days of
	// history: about 10 touchpoints, as a steady state.
	live := NewLive(&set, LiveConfig{Retention: 150 * 24 * time.Hour})
	const customers = 10000
	ids := make([]string, customers)
	for i := range ids {
		ids[i] = fmt.Sprintf("c%d", i)
		if _, err := live.UpsertProfile(ids[i], AttrMap{"prefecture": customer.StringValue("東京都"), "age": customer.FloatValue(40)}, now); err != nil {
			b.Fatal(err)
		}
	}
	step := 15 * 24 * time.Hour / customers
	add := func(i int) {
		at := now.Add(time.Duration(i) * step)
		if _, err := live.AddTouchpoint(ids[i%customers], Touchpoint{Type: "online_purchase", Time: at, Value: 3000, HasValue: true}, at); err != nil {
			b.Fatal(err)
		}
	}
	for i := range customers * 12 { // warm up to the steady state
		add(i)
	}
	b.ReportAllocs()
	i := customers * 12
	cpu0, cpuOK := cputime.Process()
	for b.Loop() {
		add(i)
		i++
	}
	if cpu1, ok := cputime.Process(); ok && cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}
