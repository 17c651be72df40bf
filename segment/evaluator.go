package segment

import (
	"fmt"
	"time"
)

// Evaluator evaluates a Set's segments for one subject after another,
// reusing its scratch between them: the memo of segments already evaluated
// for the subject (a segment that references another evaluates it once),
// the computed traits (a trait several segments read is computed once per
// subject) and the per-type series of windowed counts and sums. Set.Evaluate
// makes all of these anew for every call; a host that evaluates every live
// segment on every change of a profile makes one Evaluator and calls
// EvaluateAll. Its answers are Set.Evaluate's.
//
// An Evaluator is not safe for concurrent use: make one per goroutine (or
// keep them in a sync.Pool). The Set must not change while it is in use.
type Evaluator struct {
	set *Set
	ctx evalCtx
}

// NewEvaluator returns an Evaluator of the set's segments.
func (s *Set) NewEvaluator() *Evaluator {
	return &Evaluator{set: s, ctx: evalCtx{memo: make([]uint8, len(s.order)), cache: make([]traitValue, len(s.slots))}}
}

// begin readies the scratch for subj at now: nothing of an earlier
// subject is remembered.
func (ev *Evaluator) begin(subj *Subject, now time.Time) {
	ev.ctx.reset(ev.set, subj, now, nil)
}

// end drops the references to the subject, so that the Evaluator keeps no
// customer alive.
func (ev *Evaluator) end() { ev.ctx.s = nil }

// Evaluate reports whether subj is a member of the named segment at time
// now, as Set.Evaluate does.
func (ev *Evaluator) Evaluate(name string, subj *Subject, now time.Time) (bool, error) {
	seg, ok := ev.set.segments[name]
	if !ok {
		return false, fmt.Errorf("%w: %q", ErrUnknownSegment, name)
	}
	ev.begin(subj, now)
	defer ev.end()
	in := ev.ctx.eval(seg)
	return in, ev.ctx.err
}

// EvaluateAll evaluates the named segments (nil: every segment of the set,
// in definition order) for subj at time now and appends the names of those
// subj is a member of to dst, in the order of names. Segments referenced by
// several are evaluated once. The error names the segment that failed.
func (ev *Evaluator) EvaluateAll(dst []string, names []string, subj *Subject, now time.Time) ([]string, error) {
	if names == nil {
		names = ev.set.order
	}
	ev.begin(subj, now)
	defer ev.end()
	for _, name := range names {
		seg, ok := ev.set.segments[name]
		if !ok {
			return dst, fmt.Errorf("%w: %q", ErrUnknownSegment, name)
		}
		in := ev.ctx.eval(seg)
		if err := ev.ctx.err; err != nil {
			return dst, fmt.Errorf("segment %q: %w", name, err)
		}
		if in {
			dst = append(dst, name)
		}
	}
	return dst, nil
}
