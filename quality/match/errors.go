package match

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of them, so that
// callers can test with errors.Is.
var (
	// ErrUnknownKind: a field kind name is not one of the kinds.
	ErrUnknownKind = errors.New("match: unknown field kind")
)

// FieldError reports a problem with one field of one record.
type FieldError struct {
	Record string // record ID ("" when the problem is about the configuration)
	Field  string // field name
	Err    error
}

func (e *FieldError) Error() string {
	if e.Record == "" {
		return fmt.Sprintf("match: field %q: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("match: record %q, field %q: %v", e.Record, e.Field, e.Err)
}

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }
