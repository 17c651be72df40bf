package intel

import (
	"errors"
	"fmt"
)

// Sentinel errors. Each method documents which of them it returns; test
// them with errors.Is.
var (
	// ErrNotFound: no item (decision, action, subscription) with that ID, or
	// one the principal may not see — the two are indistinguishable on
	// purpose, so that reads never reveal that an invisible item exists.
	ErrNotFound = errors.New("intel: not found")
	// ErrConflict: optimistic concurrency failed (the stored version is not
	// the version the caller read), or an item with that ID already exists.
	ErrConflict = errors.New("intel: version conflict")
	// ErrInvalid: validation failed; the error lists every problem as
	// *FieldError values combined with go-multierror.
	ErrInvalid = errors.New("intel: invalid")
	// ErrForbidden: the principal may see the item but not change it.
	ErrForbidden = errors.New("intel: forbidden")
	// ErrNoPrincipal: a call was made without a principal (empty ID).
	ErrNoPrincipal = errors.New("intel: no principal")
	// ErrQuery: a query string could not be parsed; the error is a *QueryError.
	ErrQuery = errors.New("intel: bad query")
	// ErrTaxonomy: a taxonomy registration was rejected; see *TaxonomyError.
	ErrTaxonomy = errors.New("intel: taxonomy")
)

// FieldError names the record and the field a validation problem is in.
// It unwraps to [ErrInvalid].
type FieldError struct {
	ID     string // the item, decision or action ID ("" if it has none yet)
	Field  string // e.g. "Title", "Links.Customers[2]", "Survey.Score"
	Reason string
}

// Error returns "intel: <id>: <field>: <reason>".
func (e *FieldError) Error() string {
	id := e.ID
	if id == "" {
		id = "(no id)"
	}
	return fmt.Sprintf("intel: %s: %s: %s", id, e.Field, e.Reason)
}

// Unwrap returns [ErrInvalid].
func (e *FieldError) Unwrap() error { return ErrInvalid }

// QueryError reports where a query string is malformed. It unwraps to
// [ErrQuery].
type QueryError struct {
	Query  string
	Pos    int // byte offset of the problem
	Reason string
}

// Error says where the query is malformed and why.
func (e *QueryError) Error() string {
	return fmt.Sprintf("intel: query %q at %d: %s", e.Query, e.Pos, e.Reason)
}

// Unwrap returns [ErrQuery].
func (e *QueryError) Unwrap() error { return ErrQuery }

// TaxonomyError says which registration was rejected. It unwraps to
// [ErrTaxonomy].
type TaxonomyError struct {
	What   string // "kind", "category" or "source"
	Value  string
	Reason string
}

// Error names the rejected value and the reason.
func (e *TaxonomyError) Error() string {
	return fmt.Sprintf("intel: taxonomy: %s %q: %s", e.What, e.Value, e.Reason)
}

// Unwrap returns [ErrTaxonomy].
func (e *TaxonomyError) Unwrap() error { return ErrTaxonomy }
