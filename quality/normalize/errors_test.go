package normalize

import (
	"errors"
	"testing"
)

func TestError(t *testing.T) {
	err := error(&Error{Kind: KindPostalCode, Input: "123", Reason: "want 7 digits, got 3"})
	if got, want := err.Error(), `normalize: invalid postal_code "123": want 7 digits, got 3`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Error("errors.Is(err, ErrInvalid) = false")
	}
	_, err = ParsePostalCode("123")
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindPostalCode || e.Input != "123" || e.Reason == "" {
		t.Errorf("ParsePostalCode(123) error = %#v, want *Error naming kind, input and reason", err)
	}
}
