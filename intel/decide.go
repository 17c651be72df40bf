package intel

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-multierror"
)

// DecisionID identifies a decision; the host chooses it.
type DecisionID string

// Decision records what was decided, from which options, why, and on what
// evidence (intelligence item IDs; read them with [Hub.Evidence], which
// applies access control).
type Decision struct {
	ID        DecisionID
	Question  string
	Options   []string
	Choice    string // one of Options (when Options is not empty)
	Rationale string
	Evidence  []ID
	Owner     PrincipalID
	Date      time.Time
}

// Validate returns every problem at once (*customer.FieldError values in a
// go-multierror), or nil.
func (d *Decision) Validate() error {
	var errs *multierror.Error
	add := func(field, format string, args ...any) {
		errs = multierror.Append(errs, fieldError("decision", string(d.ID), field, fmt.Sprintf(format, args...)))
	}
	checkID(string(d.ID), "ID", add)
	checkText(d.Question, "Question", true, MaxTitleRunes, add)
	if strings.TrimSpace(d.Choice) == "" {
		add("Choice", "missing")
	} else if len(d.Options) > 0 && !slices.Contains(d.Options, d.Choice) {
		add("Choice", "%q is not one of Options", d.Choice)
	}
	for i, o := range d.Options {
		checkText(o, fmt.Sprintf("Options[%d]", i), true, MaxTitleRunes, add)
	}
	for i, e := range d.Evidence {
		checkID(string(e), fmt.Sprintf("Evidence[%d]", i), add)
	}
	if d.Owner == "" {
		add("Owner", "missing")
	}
	if d.Date.IsZero() {
		add("Date", "missing")
	}
	return errs.ErrorOrNil()
}

// ActionID identifies an action; the host chooses it.
type ActionID string

// ActionStatus is where an action stands.
type ActionStatus uint8

// Action statuses. The zero value is ActionOpen.
const (
	ActionOpen ActionStatus = iota
	ActionInProgress
	ActionDone
	ActionCancelled
)

// String returns "open", "in_progress", "done" or "cancelled".
func (s ActionStatus) String() string {
	switch s {
	case ActionOpen:
		return "open"
	case ActionInProgress:
		return "in_progress"
	case ActionDone:
		return "done"
	case ActionCancelled:
		return "cancelled"
	}
	return fmt.Sprintf("ActionStatus(%d)", uint8(s))
}

// Action is work that executes a decision, owned by one person, due by a
// date, serving a KPI; Outcome says what came of it.
type Action struct {
	ID          ActionID
	Decision    DecisionID
	Title       string
	Owner       PrincipalID
	Due         time.Time
	Status      ActionStatus
	Outcome     string
	KPI         string    // the KPI the action serves, e.g. "repeat-purchase rate"
	CompletedAt time.Time // set when Status is ActionDone
}

// Validate returns every problem at once (*customer.FieldError values in a
// go-multierror), or nil.
func (a *Action) Validate() error {
	var errs *multierror.Error
	add := func(field, format string, args ...any) {
		errs = multierror.Append(errs, fieldError("action", string(a.ID), field, fmt.Sprintf(format, args...)))
	}
	checkID(string(a.ID), "ID", add)
	checkID(string(a.Decision), "Decision", add)
	checkText(a.Title, "Title", true, MaxTitleRunes, add)
	if a.Owner == "" {
		add("Owner", "missing")
	}
	if a.Due.IsZero() {
		add("Due", "missing")
	}
	if a.Status > ActionCancelled {
		add("Status", "unknown status %v", a.Status)
	}
	if strings.TrimSpace(a.KPI) == "" {
		add("KPI", "missing")
	}
	if a.Status == ActionDone && a.CompletedAt.IsZero() {
		add("CompletedAt", "missing for a done action")
	}
	return errs.ErrorOrNil()
}

// Tracker keeps decisions and actions and reports on their execution. The
// zero value is ready to use (with time.Now as its clock) and is safe for
// concurrent use; it copies in and out.
type Tracker struct {
	// Now is the clock for overdue reports. Nil means time.Now.
	Now func() time.Time

	mu        sync.RWMutex
	decisions map[DecisionID]Decision
	actions   map[ActionID]Action
}

func (t *Tracker) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// PutDecision validates and stores (or replaces) a decision.
func (t *Tracker) PutDecision(d Decision) error {
	if err := d.Validate(); err != nil {
		return err
	}
	d.Options = slices.Clone(d.Options)
	d.Evidence = slices.Clone(d.Evidence)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.decisions == nil {
		t.decisions = map[DecisionID]Decision{}
	}
	t.decisions[d.ID] = d
	return nil
}

// PutAction validates and stores (or replaces) an action. Its decision
// must exist (a *customer.FieldError on Decision wrapping ErrInvalid otherwise).
func (t *Tracker) PutAction(a Action) error {
	if err := a.Validate(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.decisions[a.Decision]; !ok {
		return multierror.Append(nil, fieldError("action", string(a.ID), "Decision", fmt.Sprintf("no decision %q", a.Decision))).ErrorOrNil()
	}
	if t.actions == nil {
		t.actions = map[ActionID]Action{}
	}
	t.actions[a.ID] = a
	return nil
}

// Decision returns a decision or an error wrapping ErrNotFound.
func (t *Tracker) Decision(id DecisionID) (Decision, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	d, ok := t.decisions[id]
	if !ok {
		return Decision{}, fmt.Errorf("%w: decision %q", ErrNotFound, id)
	}
	d.Options = slices.Clone(d.Options)
	d.Evidence = slices.Clone(d.Evidence)
	return d, nil
}

// Actions returns the actions of a decision sorted by due date, then ID.
func (t *Tracker) Actions(id DecisionID) []Action {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []Action
	for _, a := range t.actions {
		if a.Decision == id {
			out = append(out, a)
		}
	}
	sortActions(out)
	return out
}

func sortActions(as []Action) {
	slices.SortFunc(as, func(a, b Action) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// WithoutActions returns the decisions that have no action other than
// cancelled ones — decided but not executed — oldest first.
func (t *Tracker) WithoutActions() []Decision {
	t.mu.RLock()
	defer t.mu.RUnlock()
	has := map[DecisionID]bool{}
	for _, a := range t.actions {
		if a.Status != ActionCancelled {
			has[a.Decision] = true
		}
	}
	var out []Decision
	for id, d := range t.decisions {
		if !has[id] {
			d.Options = slices.Clone(d.Options)
			d.Evidence = slices.Clone(d.Evidence)
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b Decision) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// OverdueAction is an action past its due date and not finished.
type OverdueAction struct {
	Action Action
	Late   time.Duration // now − Due
}

// Overdue returns the open or in-progress actions whose due date is before
// now (the Tracker's clock), most overdue first.
func (t *Tracker) Overdue() []OverdueAction {
	now := t.now()
	t.mu.RLock()
	var as []Action
	for _, a := range t.actions {
		if (a.Status == ActionOpen || a.Status == ActionInProgress) && a.Due.Before(now) {
			as = append(as, a)
		}
	}
	t.mu.RUnlock()
	sortActions(as)
	out := make([]OverdueAction, len(as))
	for i, a := range as {
		out[i] = OverdueAction{Action: a, Late: now.Sub(a.Due)}
	}
	return out
}
