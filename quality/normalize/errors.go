package normalize

import (
	"errors"
	"strconv"
)

// ErrInvalid is the sentinel every parse error of this package wraps: the
// input cannot be what it claims to be (a postal code with six digits, an
// e-mail address without a domain, a corporate number with a wrong check
// digit, …). Test for it with errors.Is.
var ErrInvalid = errors.New("normalize: invalid input")

// Error describes why an input could not be normalised as a kind. It wraps
// ErrInvalid.
type Error struct {
	Kind   Kind   // what the input was parsed as
	Input  string // the input as given
	Reason string // what is wrong with it, in English
}

// Error returns a message of the form
// `normalize: invalid postal_code "123": want 7 digits, got 3`.
func (e *Error) Error() string {
	return "normalize: invalid " + e.Kind.String() + " " + strconv.Quote(e.Input) + ": " + e.Reason
}

// Unwrap returns ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// invalid returns an *Error for kind k.
func invalid(k Kind, input, reason string) error {
	return &Error{Kind: k, Input: input, Reason: reason}
}
