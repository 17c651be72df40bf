package c360

import (
	"fmt"
	"iter"
	"slices"

	"github.com/c360/c360/customer"
)

// changeTombstone marks, in the MemoryStore's change log, a change removed
// by DeleteChange: the entry keeps its cursor, so later cursors still grow
// from the highest ever assigned, and Changes skips it.
const changeTombstone ChangeKind = "\x00deleted"

func (t *memTx) RemoveNeverMerge(a, b customer.RecordKey) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	drop := func(x, y customer.RecordKey) {
		l := t.neverList(x)
		if i, found := slices.BinarySearchFunc(l, y, compareKeys); found {
			setIn(&t.w.never, x, slices.Delete(slices.Clone(l), i, i+1))
		}
	}
	drop(a, b)
	drop(b, a)
	return nil
}

// changeAt finds the change at cursor c as the transaction sees it: in the
// transaction's own appended changes (pending true), or committed.
func (t *memTx) changeAt(c Cursor) (i int, pending bool, ok bool) {
	t.noteAll() // an edit of the log: no write set names what it read
	if i, found := slices.BinarySearchFunc(t.w.changes, c, func(x Change, c Cursor) int { return cmpCursor(x.Cursor, c) }); found {
		return i, true, true
	}
	if e, edited := t.w.edits[c]; edited && e == nil {
		return 0, false, false
	}
	i, found := slices.BinarySearchFunc(t.s.changes, c, func(x memChange, c Cursor) int { return cmpCursor(x.cursor, c) })
	if !found || t.s.changes[i].kind == changeTombstone {
		return 0, false, false
	}
	return i, false, true
}

func cmpCursor(a, b Cursor) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (t *memTx) ReplaceChange(c *Change) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	i, pending, ok := t.changeAt(c.Cursor)
	if !ok {
		return fmt.Errorf("%w: change %d", ErrNotFound, c.Cursor)
	}
	cc := cloneChange(*c)
	if pending {
		t.w.changes[i] = cc
		return nil
	}
	if t.w.edits == nil {
		t.w.edits = map[Cursor]*Change{}
	}
	t.w.edits[c.Cursor] = &cc
	return nil
}

func (t *memTx) DeleteChange(cursor Cursor) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	i, pending, ok := t.changeAt(cursor)
	if !ok {
		return fmt.Errorf("%w: change %d", ErrNotFound, cursor)
	}
	if pending {
		t.w.changes[i] = Change{Cursor: cursor, Kind: changeTombstone}
		return nil
	}
	if t.w.edits == nil {
		t.w.edits = map[Cursor]*Change{}
	}
	t.w.edits[cursor] = nil
	return nil
}

// applyEdits applies an Update's replaced and deleted changes at commit.
func (s *MemoryStore) applyEdits(edits map[Cursor]*Change) {
	for c, e := range edits {
		i, found := slices.BinarySearchFunc(s.changes, c, func(x memChange, c Cursor) int { return cmpCursor(x.cursor, c) })
		if !found {
			continue // changeAt found it when the edit was made; nothing removes a change
		}
		if e == nil {
			s.changes[i] = memChange{cursor: c, kind: changeTombstone}
		} else {
			s.changes[i] = packChange(e)
		}
	}
}

// peekProfiles streams every profile in ID order without copying them (the
// caller must not change them): Erase's scan for references.
func (t *memTx) peekProfiles() iter.Seq2[*customer.Profile, error] {
	return func(yield func(*customer.Profile, error) bool) {
		for _, id := range t.profileIDs() {
			p, err := t.peekProfile(id)
			if err != nil {
				if t.ctx.Err() != nil {
					yield(nil, err)
					return
				}
				continue // deleted in this transaction
			}
			if !yield(p, nil) {
				return
			}
		}
	}
}
