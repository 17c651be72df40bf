package customer

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package and by a conforming
// Store wraps one of them where one applies, so callers test with errors.Is.
var (
	// ErrNotFound: no profile with the requested ID exists.
	ErrNotFound = errors.New("customer: profile not found")
	// ErrConflict: a write was based on a stale version of a profile (or
	// created a profile that already exists); nothing was written.
	ErrConflict = errors.New("customer: version conflict")
	// ErrInvalid: a profile, source record or value breaks a rule of the
	// data model; FieldError and ValueError wrap it.
	ErrInvalid = errors.New("customer: invalid data")
	// ErrRestricted: processing of the profile is restricted (see Restriction).
	ErrRestricted = errors.New("customer: processing restricted")
)

// ValueError reports a value that a field cannot hold: an unknown enum name,
// an impossible date, a value of the wrong type. Field is the JSON name of the
// field as it appears on its own (e.g. "validity"); DecodeProfile and Validate
// wrap it in a FieldError that gives the full path and the record.
type ValueError struct {
	Field  string // JSON field name, e.g. "status"
	Value  string // the offending input, as text
	Reason string // what is wrong, e.g. "unknown value"
}

// Error returns "customer: field <field>: <value>: <reason>".
func (e *ValueError) Error() string {
	return fmt.Sprintf("customer: field %s: %q: %s", e.Field, e.Value, e.Reason)
}

// Unwrap returns ErrInvalid.
func (e *ValueError) Unwrap() error { return ErrInvalid }

// FieldError reports a problem with one field of one record. It is the one
// field-error shape of the SDK: customer, journey, intel, quality and segment
// report validation problems as *FieldError values (several at once in a
// go-multierror), so a caller reads Record and Field the same way whatever
// package made it.
//
// Record names the record as "<what> <id>": a profile ("profile cust-1"), a
// source record ("source sales/S-001"), an event ("event e-1"), an item
// ("item it-1"); it is "" when the record has no usable identity yet. Field
// is the path of the field, in the names of the package that made the error
// (JSON names such as "contact_points[2].value" for customer, Go field names
// such as "Value.Currency" for journey and intel). Err is the problem; it
// wraps the making package's sentinel (journey.ErrInvalidEvent,
// intel.ErrInvalid, …) where it has one.
type FieldError struct {
	Record string
	Field  string
	Err    error
}

// Error returns "<record>: <field>: <problem>", or "<record>: <problem>"
// when Field is "" (a problem of the record as a whole).
func (e *FieldError) Error() string {
	rec := e.Record
	if rec == "" {
		rec = "record without ID"
	}
	if e.Field == "" {
		return fmt.Sprintf("%s: %v", rec, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", rec, e.Field, e.Err)
}

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalid: every FieldError is about invalid
// data, so errors.Is(err, customer.ErrInvalid) holds for any of them.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }
