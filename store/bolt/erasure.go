package bolt

import (
	"fmt"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
)

// The writes only erasure uses (c360.Engine.Erase): they take a person's
// constraints and values out of state that is otherwise append-only.

// RemoveNeverMerge removes the constraint between a and b, both ways; an
// absent one is no error.
func (t *engineTx) RemoveNeverMerge(a, b customer.RecordKey) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	bk := t.bucket(beNever)
	if err := bk.Delete(append(recKey(a), recKey(b)...)); err != nil {
		return err
	}
	return bk.Delete(append(recKey(b), recKey(a)...))
}

// ReplaceChange replaces the change at c.Cursor, keeping its cursor.
func (t *engineTx) ReplaceChange(c *c360.Change) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	k := cursorKey(c.Cursor)
	if t.bucket(beChanges).Get(k) == nil {
		return fmt.Errorf("%w: change %d", c360.ErrNotFound, c.Cursor)
	}
	cc := *c
	return t.put(beChanges, k, &cc)
}

// DeleteChange removes the change at a cursor, leaving a gap.
func (t *engineTx) DeleteChange(cursor c360.Cursor) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	b := t.bucket(beChanges)
	k := cursorKey(cursor)
	if b.Get(k) == nil {
		return fmt.Errorf("%w: change %d", c360.ErrNotFound, cursor)
	}
	return b.Delete(k)
}
