package match

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of them, so that
// callers can test with errors.Is.
var (
	// ErrUnknownKind: a field kind name is not one of the kinds.
	ErrUnknownKind = errors.New("match: unknown kind")
)

// FieldError reports a problem with one field of one record.
type FieldError struct {
	Record string // record ID ("" when the problem is about the configuration)
	Field  string // field name
	Err    error
}

// Error formats the error with where it happened.
func (e *FieldError) Error() string {
	if e.Record == "" {
		return fmt.Sprintf("match: field %q: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("match: record %q, field %q: %v", e.Record, e.Field, e.Err)
}

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }

// More sentinel errors.
var (
	// ErrConfig: a Config is inconsistent or out of range.
	ErrConfig = errors.New("match: invalid configuration")
	// ErrInvalidRecord is wrapped by every RecordError.
	ErrInvalidRecord = errors.New("match: invalid record")
	// The problems an ErrInvalidRecord reports.
	errEmptyID     = fmt.Errorf("%w: empty ID", ErrInvalidRecord)
	errDuplicateID = fmt.Errorf("%w: duplicate ID", ErrInvalidRecord)
	errWidth       = fmt.Errorf("%w: wrong number of values", ErrInvalidRecord)
	// ErrNotFound: an Index has no record with the given ID.
	ErrNotFound = errors.New("match: record not found")
)

func configError(reason string) error { return fmt.Errorf("%w: %s", ErrConfig, reason) }

// RecordError reports a problem with one input record.
type RecordError struct {
	Index int    // position of the record in its input slice
	ID    string // record ID, if it has one
	Err   error
}

// Error formats the error with where it happened.
func (e *RecordError) Error() string {
	if e.ID == "" {
		return fmt.Sprintf("match: record %d: %v", e.Index, e.Err)
	}
	return fmt.Sprintf("match: record %d (ID %q): %v", e.Index, e.ID, e.Err)
}

// Unwrap returns the underlying error.
func (e *RecordError) Unwrap() error { return e.Err }
