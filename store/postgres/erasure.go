package postgres

import (
	"fmt"
	"slices"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/jackc/pgx/v5"
)

// The writes only erasure uses (c360.Engine.Erase): they take a person's
// constraints and values out of state that is otherwise append-only.

// RemoveNeverMerge implements c360.Tx: the constraint goes both ways; an
// absent one is no error.
func (t *engineTx) RemoveNeverMerge(a, b customer.RecordKey) error {
	if err := t.writable(); err != nil {
		return err
	}
	t.queue(t.s.sql.removeNever, a.System, a.RecordID, b.System, b.RecordID)
	drop := func(x, y customer.RecordKey) {
		l, ok := t.never[x]
		if !ok {
			return // not known: read from the server when asked
		}
		if i, found := slices.BinarySearchFunc(l, y, compareKeys); found {
			t.never[x] = slices.Delete(slices.Clone(l), i, i+1)
		}
	}
	drop(a, b)
	drop(b, a)
	return nil
}

// ReplaceChange implements c360.Tx: the change at c.Cursor is replaced,
// its cursor kept; an absent cursor is ErrNotFound.
func (t *engineTx) ReplaceChange(c *c360.Change) error {
	if err := t.writable(); err != nil {
		return err
	}
	cc := *c
	doc, err := encode(fmt.Sprint("change ", cc.Cursor), &cc)
	if err != nil {
		return err
	}
	return t.changeWrite(t.s.sql.replaceChange, cc.Cursor, int64(cc.Cursor), doc)
}

// DeleteChange implements c360.Tx: the change at a cursor is removed,
// leaving a gap readers skip; an absent cursor is ErrNotFound.
func (t *engineTx) DeleteChange(cursor c360.Cursor) error {
	if err := t.writable(); err != nil {
		return err
	}
	return t.changeWrite(t.s.sql.deleteChange, cursor, int64(cursor))
}

// changeWrite runs a write of one change that returns its cursor, and says
// ErrNotFound when no row had it.
func (t *engineTx) changeWrite(sql string, cursor c360.Cursor, args ...any) error {
	found := false
	err := t.read(sql, args, func(rows pgx.Rows) error {
		for rows.Next() {
			found = true
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	if !found {
		return notFound("change %d", cursor)
	}
	return nil
}
