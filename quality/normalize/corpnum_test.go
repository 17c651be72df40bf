package normalize

import (
	"errors"
	"testing"
)

func TestCorporateNumber(t *testing.T) {
	// 7000012050002 is the corporate number of the National Tax Agency.
	for _, in := range []string{"7000012050002", "７０００ ０１２０ ５０００２", "7-0000-1205-0002", "T7000012050002"} {
		got, err := CorporateNumber(in)
		if err != nil || got != "7000012050002" {
			t.Errorf("CorporateNumber(%q) = %q, %v; want 7000012050002", in, got, err)
		}
	}
}

func TestCorporateNumberInvalid(t *testing.T) {
	tests := []struct{ name, in string }{
		{"wrong check digit", "8000012050002"},
		{"12 digits", "700001205000"},
		{"14 digits", "70000120500020"},
		{"letter", "700001205000A"},
		{"empty", ""},
	}
	for _, tt := range tests {
		_, err := CorporateNumber(tt.in)
		var e *Error
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &e) || e.Kind != KindCorporateNumber {
			t.Errorf("%s: CorporateNumber(%q) error = %v, want *Error of kind corporate_number", tt.name, tt.in, err)
		}
	}
}

// TestCorporateCheckDigitEveryBase checks, for a spread of base numbers, that
// exactly one check digit is accepted.
func TestCorporateCheckDigitEveryBase(t *testing.T) {
	for _, base := range []string{"000012050002", "123456789012", "999999999999", "000000000000"} {
		ok := 0
		for c := '0'; c <= '9'; c++ {
			if _, err := CorporateNumber(string(c) + base); err == nil {
				ok++
			}
		}
		if ok != 1 {
			t.Errorf("base %s: %d check digits accepted, want 1", base, ok)
		}
	}
}

func FuzzCorporateNumber(f *testing.F) {
	f.Add("7000012050002")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := CorporateNumber(s)
		if err != nil {
			return
		}
		if n2, err := CorporateNumber(n); err != nil || n2 != n {
			t.Fatalf("CorporateNumber(%q) = %q, %v; want %q", n, n2, err, n)
		}
	})
}

func BenchmarkCorporateNumber(b *testing.B) {
	loopCPU(b, func() { _, _ = CorporateNumber("7000012050002") })
}
