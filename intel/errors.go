package intel

import (
	"errors"
	"fmt"

	"github.com/c360/c360/customer"
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
	// *customer.FieldError values combined with go-multierror.
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

// invalid is the problem of a *customer.FieldError made by this package: its
// text is the reason, and it wraps [ErrInvalid].
type invalid string

func (e invalid) Error() string { return string(e) }
func (e invalid) Unwrap() error { return ErrInvalid }

// fieldError returns the *customer.FieldError of a problem with one field of
// a record: what is "item", "decision", "action" or "subscription", id its
// ID ("" when it has none yet).
func fieldError(what, id, field, reason string) *customer.FieldError {
	rec := ""
	if id != "" {
		rec = what + " " + id
	}
	return &customer.FieldError{Record: rec, Field: field, Err: invalid(reason)}
}

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

// NotifyError is the error of a write (Collect, Update) whose item was
// stored and indexed, but whose subscriptions could not all be offered it
// because the [SubscriptionStore] failed: do not write the item again
// (that would be a conflict or a new version); the pairs not claimed are
// offered again at the item's next write. It unwraps to the store's error.
type NotifyError struct {
	Item ID
	Err  error
}

// Error names the item and the store's error.
func (e *NotifyError) Error() string {
	return fmt.Sprintf("intel: item %q stored, but not offered to every subscription: %v", e.Item, e.Err)
}

// Unwrap returns the store's error.
func (e *NotifyError) Unwrap() error { return e.Err }
