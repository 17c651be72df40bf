package intel_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360/intel"
	"github.com/google/go-cmp/cmp"
)

func TestVisibleTo(t *testing.T) {
	bob := intel.Principal{ID: "bob", Teams: []intel.TeamID{"service"}, Roles: []intel.Role{"analyst"}}
	for _, tc := range []struct {
		name string
		vis  intel.Visibility
		g    []intel.Grantee
		p    intel.Principal
		want bool
	}{
		{"author sees private", intel.Visibility{}, nil, intel.Principal{ID: "alice"}, true},
		{"other does not see private", intel.Visibility{}, nil, bob, false},
		{"org", intel.Visibility{Scope: intel.ScopeOrg}, nil, bob, true},
		{"anonymous sees nothing, even org", intel.Visibility{Scope: intel.ScopeOrg}, nil, intel.Principal{}, false},
		{"team member", intel.Visibility{Scope: intel.ScopeTeams, Teams: []intel.TeamID{"service", "x"}}, nil, bob, true},
		{"not a team member", intel.Visibility{Scope: intel.ScopeTeams, Teams: []intel.TeamID{"sales"}}, nil, bob, false},
		{"named person", intel.Visibility{Scope: intel.ScopePeople, People: []intel.PrincipalID{"bob"}}, nil, bob, true},
		{"not named", intel.Visibility{Scope: intel.ScopePeople, People: []intel.PrincipalID{"carol"}}, nil, bob, false},
		{"teams listed but scope private", intel.Visibility{Teams: []intel.TeamID{"service"}}, nil, bob, false},
		{"person grant", intel.Visibility{}, []intel.Grantee{intel.Person("bob")}, bob, true},
		{"team grant", intel.Visibility{}, []intel.Grantee{intel.Team("service")}, bob, true},
		{"role grant", intel.Visibility{}, []intel.Grantee{intel.RoleGrant("analyst")}, bob, true},
		{"grant to someone else", intel.Visibility{}, []intel.Grantee{intel.Person("carol"), intel.RoleGrant("exec")}, bob, false},
		{"role name is not a team", intel.Visibility{}, []intel.Grantee{intel.Team("analyst")}, bob, false},
	} {
		it := item("x", "t", "")
		it.Visibility, it.Grants = tc.vis, tc.g
		if got := it.VisibleTo(tc.p); got != tc.want {
			t.Errorf("%s: VisibleTo = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestHubAccessErrors(t *testing.T) {
	secret := item("secret", "secret plan", "")
	secret.Visibility = intel.Visibility{}
	h := newHub(t, intel.Config{}, secret)
	bob := intel.Principal{ID: "bob"}
	ctx := t.Context()
	if _, err := h.Get(ctx, bob, "secret"); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("Get of an invisible item = %v, want ErrNotFound (existence must not leak)", err)
	}
	if _, err := h.Get(ctx, intel.Principal{}, "secret"); !errors.Is(err, intel.ErrNoPrincipal) {
		t.Errorf("anonymous Get = %v, want ErrNoPrincipal", err)
	}
	if err := h.Grant(ctx, bob, "secret", intel.Person("bob")); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("Grant by a stranger = %v, want ErrNotFound", err)
	}
	if err := h.Grant(ctx, alice, "secret", intel.Person("bob")); err != nil {
		t.Fatal(err)
	}
	it, err := h.Get(ctx, bob, "secret")
	if err != nil {
		t.Fatalf("Get after grant: %v", err)
	}
	it.Title = "hijacked"
	if err := h.Update(ctx, bob, it); !errors.Is(err, intel.ErrForbidden) {
		t.Errorf("Update by a grantee = %v, want ErrForbidden", err)
	}
	if err := h.Delete(ctx, bob, "secret"); !errors.Is(err, intel.ErrForbidden) {
		t.Errorf("Delete by a grantee = %v, want ErrForbidden", err)
	}
}

// oracle is the access rule written independently of the package, from
// its documentation.
func oracle(p intel.Principal, it *intel.Item) bool {
	if p.ID == "" {
		return false
	}
	if it.Author == p.ID {
		return true
	}
	for _, g := range it.Grants {
		switch g.Kind {
		case intel.GrantPerson:
			if g.ID == string(p.ID) {
				return true
			}
		case intel.GrantTeam:
			for _, tm := range p.Teams {
				if string(tm) == g.ID {
					return true
				}
			}
		case intel.GrantRole:
			for _, r := range p.Roles {
				if string(r) == g.ID {
					return true
				}
			}
		}
	}
	switch it.Visibility.Scope {
	case intel.ScopeOrg:
		return true
	case intel.ScopeTeams:
		for _, a := range it.Visibility.Teams {
			for _, b := range p.Teams {
				if a == b {
					return true
				}
			}
		}
	case intel.ScopePeople:
		for _, a := range it.Visibility.People {
			if a == p.ID {
				return true
			}
		}
	}
	return false
}

var (
	people = []intel.PrincipalID{"p0", "p1", "p2", "p3", "p4"}
	teams  = []intel.TeamID{"t0", "t1", "t2"}
	roles  = []intel.Role{"r0", "r1"}
)

func pick[T any](r *rand.Rand, from []T, max int) []T {
	var out []T
	for _, i := range r.Perm(len(from))[:r.IntN(max+1)] {
		out = append(out, from[i])
	}
	return out
}

func randomPrincipal(r *rand.Rand, id intel.PrincipalID) intel.Principal {
	return intel.Principal{ID: id, Teams: pick(r, teams, 2), Roles: pick(r, roles, 1)}
}

func randomItem(r *rand.Rand, n int) *intel.Item {
	words := []string{"shoe", "price", "競合", "価格", "満足"}
	it := item(intel.ID(fmt.Sprintf("i%03d", n)), words[r.IntN(len(words))], words[r.IntN(len(words))]+" "+words[r.IntN(len(words))])
	it.Author = people[r.IntN(len(people))]
	it.CapturedAt = t0.Add(time.Duration(r.IntN(10*24)) * time.Hour)
	it.Visibility = intel.Visibility{Scope: intel.Scope(r.IntN(4))}
	switch it.Visibility.Scope {
	case intel.ScopeTeams:
		it.Visibility.Teams = append(pick(r, teams, 1), teams[r.IntN(len(teams))])
		it.Visibility.Teams = slices.Compact(it.Visibility.Teams)
	case intel.ScopePeople:
		it.Visibility.People = []intel.PrincipalID{people[r.IntN(len(people))]}
	}
	if r.IntN(3) == 0 {
		it.Links.Competitors = []string{[]string{"Acme", "Beta"}[r.IntN(2)]}
	}
	if r.IntN(2) == 0 {
		it.Kind, it.Category, it.Source = intel.KindCustomer, intel.CategorySatisfaction, intel.SourceSurvey
		it.Survey = &intel.SurveyAnswer{Metric: intel.MetricNPS, Score: r.IntN(11), Segment: []string{"a", "b"}[r.IntN(2)]}
		it.Tags = []string{"nps"}
	}
	return it
}

// TestAccessControlProperty writes random items with random visibility and
// grants, then checks every read path for random principals against the
// oracle: Get, List, Search (with and without text and filters),
// subscription deliveries, Digest, Survey, SentimentTrend, Competitors,
// Alerts and Evidence show exactly what the principal may see — nothing
// more (no leak) and nothing less.
func TestAccessControlProperty(t *testing.T) {
	seeds := 25
	if testing.Short() {
		seeds = 5
	}
	for seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { accessProperty(t, uint64(seed)) })
	}
}

func accessProperty(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 99))
	ctx := t.Context()
	principals := make([]intel.Principal, len(people))
	for i, id := range people {
		principals[i] = randomPrincipal(r, id)
	}
	rec := &recorder{}
	h := intel.New(new(intel.MemoryRepository), intel.Config{Deliver: rec.deliver, MinGroupSize: 1})
	for _, p := range principals {
		if err := h.Subscribe(ctx, p, intel.Subscription{ID: intel.SubscriptionID(p.ID), Query: intel.Query{}}); err != nil {
			t.Fatal(err)
		}
		if err := h.Subscribe(ctx, p, intel.Subscription{ID: intel.SubscriptionID(p.ID + "-price"), Query: intel.Query{Text: "価格"}}); err != nil {
			t.Fatal(err)
		}
	}
	var items []*intel.Item
	for n := range 40 {
		it := randomItem(r, n)
		if err := h.Collect(ctx, intel.Principal{ID: it.Author}, it); err != nil {
			t.Fatal(err)
		}
		// Random grants, made by the author.
		if r.IntN(3) == 0 {
			var g intel.Grantee
			switch r.IntN(3) {
			case 0:
				g = intel.Person(people[r.IntN(len(people))])
			case 1:
				g = intel.Team(teams[r.IntN(len(teams))])
			default:
				g = intel.RoleGrant(roles[r.IntN(len(roles))])
			}
			if err := h.Grant(ctx, intel.Principal{ID: it.Author}, it.ID, g); err != nil {
				t.Fatal(err)
			}
			it.Grants = append(it.Grants, g)
		}
		items = append(items, it)
	}
	// Principals as seen by readers may differ from when they subscribed
	// only if the test changed them; it does not.
	deliveries := rec.pairs()
	week := intel.WeekStart(t0)
	for _, p := range principals {
		var want, wantPrice []intel.ID
		for _, it := range items {
			if oracle(p, it) {
				want = append(want, it.ID)
				if slices.ContainsFunc([]string{it.Title, it.Body}, func(s string) bool { return strings.Contains(s, "価格") }) {
					wantPrice = append(wantPrice, it.ID)
				}
			}
		}
		// Get
		var got []intel.ID
		for _, it := range items {
			g, err := h.Get(ctx, p, it.ID)
			switch {
			case err == nil:
				got = append(got, g.ID)
			case !errors.Is(err, intel.ErrNotFound):
				t.Fatal(err)
			}
		}
		check(t, p, "Get", want, got)
		// List
		got = nil
		for it, err := range h.List(ctx, p, intel.Query{}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, it.ID)
		}
		check(t, p, "List", want, got)
		// Search without and with text
		for _, q := range []intel.Query{{Limit: 1000}, {Text: "価格", Limit: 1000}} {
			res, err := h.Search(ctx, p, q)
			if err != nil {
				t.Fatal(err)
			}
			w := want
			if q.Text != "" {
				w = wantPrice
			}
			check(t, p, "Search "+q.Text, w, sorted(hitIDs(res)))
			if res.Total != len(w) {
				t.Errorf("%s: Search %q Total = %d, want %d (counts must not leak)", p.ID, q.Text, res.Total, len(w))
			}
		}
		// Subscriptions
		var gotSub, gotPrice []intel.ID
		for _, d := range deliveries {
			sub, id, _ := strings.Cut(d, "/")
			switch sub {
			case string(p.ID):
				gotSub = append(gotSub, intel.ID(id))
			case string(p.ID) + "-price":
				gotPrice = append(gotPrice, intel.ID(id))
			}
		}
		check(t, p, "subscription", want, gotSub)
		check(t, p, "subscription 価格", wantPrice, gotPrice)
		// Digest per team: visible to p and to the team.
		for _, team := range teams {
			tp := intel.Principal{ID: "\x00team", Teams: []intel.TeamID{team}}
			var wantD []intel.ID
			for _, it := range items {
				teamSees := oracle(tp, it)
				if oracle(p, it) && teamSees && !it.CapturedAt.Before(week) && it.CapturedAt.Before(week.AddDate(0, 0, 7)) {
					wantD = append(wantD, it.ID)
				}
			}
			d, err := h.Digest(ctx, p, team, week)
			if err != nil {
				t.Fatal(err)
			}
			var gotD []intel.ID
			for _, s := range d.Sections {
				gotD = append(gotD, ids(s.Items)...)
			}
			check(t, p, "Digest "+string(team), wantD, sorted(gotD))
			if d.Total != len(wantD) {
				t.Errorf("%s: Digest Total = %d, want %d", p.ID, d.Total, len(wantD))
			}
		}
		// Insight aggregates count only visible items.
		wantSurvey, wantComp := 0, map[string]int{}
		for _, it := range items {
			if !oracle(p, it) {
				continue
			}
			if it.Survey != nil {
				wantSurvey++
			}
			for _, c := range it.Links.Competitors {
				wantComp[c]++
			}
		}
		groups, err := h.Survey(ctx, p, intel.SurveyQuery{Metric: intel.MetricNPS, BySegment: true})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, g := range groups {
			n += g.N
		}
		if n != wantSurvey {
			t.Errorf("%s: Survey counts %d answers, want %d", p.ID, n, wantSurvey)
		}
		trend, err := h.SentimentTrend(ctx, p, intel.Query{}, intel.PeriodAll)
		if err != nil {
			t.Fatal(err)
		}
		n = 0
		for _, tt := range trend {
			for _, pt := range tt.Points {
				n += pt.N
			}
		}
		if n != wantSurvey { // only survey items carry a tag
			t.Errorf("%s: SentimentTrend counts %d items, want %d", p.ID, n, wantSurvey)
		}
		comps, err := h.Competitors(ctx, p, t0.AddDate(0, 0, -1), t0.AddDate(0, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		gotComp := map[string]int{}
		for _, c := range comps {
			gotComp[c.Name] = c.Items
		}
		if d := cmp.Diff(wantComp, gotComp); d != "" {
			t.Errorf("%s: Competitors leak or lose items (-want +got):\n%s", p.ID, d)
		}
		alerts, err := h.Alerts(ctx, p, t0.AddDate(0, 0, -1), t0.AddDate(0, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range alerts {
			for _, id := range a.Items {
				if !slices.Contains(want, id) {
					t.Errorf("%s: alert %v leaks item %s", p.ID, a.Kind, id)
				}
			}
		}
		dec := &intel.Decision{Evidence: ids(items)}
		ev, err := h.Evidence(ctx, p, dec)
		if err != nil {
			t.Fatal(err)
		}
		check(t, p, "Evidence", want, ids(ev))
	}
}

func check(t *testing.T, p intel.Principal, path string, want, got []intel.ID) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("principal %+v, path %s: (-want +got):\n%s", p, path, d)
	}
}
