package intel

import (
	"cmp"
	"context"
	"errors"
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
// zero value is ready to use (with time.Now as its clock, over its own
// MemoryDecisions) and is safe for concurrent use; it copies in and out.
// Set Store to keep decisions and actions elsewhere (package c360's
// Engine.Tracker keeps them in the engine's store); every Tracker over one
// Store sees the same decisions and actions.
type Tracker struct {
	// Now is the clock for overdue reports. Nil means time.Now.
	Now func() time.Time
	// Store keeps the decisions and actions. Nil means a MemoryDecisions
	// of the Tracker's own, created on first use. Set it before the first
	// call.
	Store DecisionStore

	once sync.Once
	mem  *MemoryDecisions
}

func (t *Tracker) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// store returns the Tracker's DecisionStore.
func (t *Tracker) store() DecisionStore {
	if t.Store != nil {
		return t.Store
	}
	t.once.Do(func() { t.mem = new(MemoryDecisions) })
	return t.mem
}

// PutDecision validates and stores (or replaces) a decision. Errors:
// ErrInvalid (every problem); the store's.
func (t *Tracker) PutDecision(ctx context.Context, d Decision) error {
	if err := d.Validate(); err != nil {
		return err
	}
	return t.store().PutDecision(ctx, d)
}

// PutAction validates and stores (or replaces) an action. Its decision
// must exist (a *customer.FieldError on Decision wrapping ErrInvalid
// otherwise).
func (t *Tracker) PutAction(ctx context.Context, a Action) error {
	if err := a.Validate(); err != nil {
		return err
	}
	err := t.store().PutAction(ctx, a)
	if errors.Is(err, ErrNotFound) {
		return multierror.Append(nil, fieldError("action", string(a.ID), "Decision", fmt.Sprintf("no decision %q", a.Decision))).ErrorOrNil()
	}
	return err
}

// Decision returns a decision or an error wrapping ErrNotFound.
func (t *Tracker) Decision(ctx context.Context, id DecisionID) (Decision, error) {
	return t.store().Decision(ctx, id)
}

// Actions returns the actions of a decision sorted by due date, then ID.
func (t *Tracker) Actions(ctx context.Context, id DecisionID) ([]Action, error) {
	var out []Action
	for a, err := range t.store().Actions(ctx, id) {
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	sortActions(out)
	return out, nil
}

func sortActions(as []Action) {
	slices.SortFunc(as, func(a, b Action) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// all reads every decision with its actions.
func (t *Tracker) all(ctx context.Context) ([]Decision, [][]Action, error) {
	var ds []Decision
	for d, err := range t.store().Decisions(ctx) {
		if err != nil {
			return nil, nil, err
		}
		ds = append(ds, d)
	}
	as := make([][]Action, len(ds))
	for i, d := range ds {
		for a, err := range t.store().Actions(ctx, d.ID) {
			if err != nil {
				return nil, nil, err
			}
			as[i] = append(as[i], a)
		}
	}
	return ds, as, nil
}

// WithoutActions returns the decisions that have no action other than
// cancelled ones — decided but not executed — oldest first.
func (t *Tracker) WithoutActions(ctx context.Context) ([]Decision, error) {
	ds, as, err := t.all(ctx)
	if err != nil {
		return nil, err
	}
	var out []Decision
	for i, d := range ds {
		if !slices.ContainsFunc(as[i], func(a Action) bool { return a.Status != ActionCancelled }) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b Decision) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// OverdueAction is an action past its due date and not finished.
type OverdueAction struct {
	Action Action
	Late   time.Duration // now − Due
}

// Overdue returns the open or in-progress actions whose due date is before
// now (the Tracker's clock), most overdue first.
func (t *Tracker) Overdue(ctx context.Context) ([]OverdueAction, error) {
	now := t.now()
	_, all, err := t.all(ctx)
	if err != nil {
		return nil, err
	}
	var as []Action
	for _, list := range all {
		for _, a := range list {
			if (a.Status == ActionOpen || a.Status == ActionInProgress) && a.Due.Before(now) {
				as = append(as, a)
			}
		}
	}
	sortActions(as)
	out := make([]OverdueAction, len(as))
	for i, a := range as {
		out[i] = OverdueAction{Action: a, Late: now.Sub(a.Due)}
	}
	return out, nil
}
