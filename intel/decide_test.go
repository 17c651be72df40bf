package intel_test

import (
	"errors"
	"testing"
	"time"

	"github.com/c360/c360/intel"
	"github.com/google/go-cmp/cmp"
)

func TestTrackerReports(t *testing.T) {
	now := t0.AddDate(0, 0, 10)
	tr := &intel.Tracker{Now: func() time.Time { return now }}
	dec := func(id intel.DecisionID, day int) intel.Decision {
		return intel.Decision{ID: id, Question: "Match Acme's price cut?", Options: []string{"match", "hold"},
			Choice: "hold", Rationale: "loyal segment is price-insensitive", Evidence: []intel.ID{"ja-1"},
			Owner: "alice", Date: t0.AddDate(0, 0, day)}
	}
	for _, d := range []intel.Decision{dec("d1", 0), dec("d2", 1), dec("d3", 2), dec("d4", 3)} {
		if err := tr.PutDecision(t.Context(), d); err != nil {
			t.Fatal(err)
		}
	}
	act := func(id intel.ActionID, d intel.DecisionID, due int, st intel.ActionStatus) intel.Action {
		a := intel.Action{ID: id, Decision: d, Title: "do it", Owner: "bob", Due: t0.AddDate(0, 0, due), Status: st, KPI: "repeat-purchase rate"}
		if st == intel.ActionDone {
			a.CompletedAt, a.Outcome = a.Due, "done on time"
		}
		return a
	}
	for _, a := range []intel.Action{
		act("a1", "d1", 5, intel.ActionDone),
		act("a2", "d1", 8, intel.ActionInProgress), // overdue by 2 days
		act("a3", "d2", 3, intel.ActionOpen),       // overdue by 7 days
		act("a4", "d2", 12, intel.ActionOpen),      // not due yet
		act("a5", "d3", 1, intel.ActionCancelled),  // cancelled: d3 counts as without action
	} {
		if err := tr.PutAction(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
	var without []intel.DecisionID
	wa, err := tr.WithoutActions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range wa {
		without = append(without, d.ID)
	}
	if d := cmp.Diff([]intel.DecisionID{"d3", "d4"}, without); d != "" {
		t.Errorf("WithoutActions (-want +got):\n%s", d)
	}
	type o struct {
		ID   intel.ActionID
		Late time.Duration
	}
	var overdue []o
	od, err := tr.Overdue(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range od {
		overdue = append(overdue, o{x.Action.ID, x.Late})
	}
	if d := cmp.Diff([]o{{"a3", 7 * 24 * time.Hour}, {"a2", 2 * 24 * time.Hour}}, overdue); d != "" {
		t.Errorf("Overdue (-want +got):\n%s", d)
	}
	if err := tr.PutAction(t.Context(), act("a9", "nope", 1, intel.ActionOpen)); !errors.Is(err, intel.ErrInvalid) {
		t.Errorf("action of an unknown decision = %v, want ErrInvalid", err)
	}
	if _, err := tr.Decision(t.Context(), "nope"); !errors.Is(err, intel.ErrNotFound) {
		t.Errorf("Decision(nope) = %v, want ErrNotFound", err)
	}
	as, err := tr.Actions(t.Context(), "d2")
	if err != nil {
		t.Fatal(err)
	}
	var got []intel.ActionID
	for _, a := range as {
		got = append(got, a.ID)
	}
	if d := cmp.Diff([]intel.ActionID{"a3", "a4"}, got); d != "" {
		t.Errorf("Actions(d2), by due date (-want +got):\n%s", d)
	}
}

func TestDecisionActionValidation(t *testing.T) {
	err := (&intel.Decision{ID: "d", Options: []string{"a", "b"}, Choice: "c"}).Validate()
	wantFields(t, err, "Question", "Choice", "Owner", "Date")
	err = (&intel.Action{ID: "a", Status: intel.ActionDone}).Validate()
	wantFields(t, err, "Decision", "Title", "Owner", "Due", "KPI", "CompletedAt")
}
