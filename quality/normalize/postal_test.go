package normalize

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePostalCode(t *testing.T) {
	want := PostalCode{Code: "100-0005", Key: "1000005"}
	for _, in := range []string{
		"100-0005", "1000005", "〒100-0005", "〒 100-0005", "１００－０００５", "100ー0005",
		"100‐0005", "100 0005", "100--0005", "郵便番号:100-0005", " 〒１０００００５ ", "〶100-0005",
	} {
		got, err := ParsePostalCode(in)
		if err != nil {
			t.Errorf("ParsePostalCode(%q): %v", in, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParsePostalCode(%q) (-want +got):\n%s", in, diff)
		}
	}
}

func TestParsePostalCodeInvalid(t *testing.T) {
	for _, in := range []string{"", "100-000", "100-00050", "10-00005", "abc-defg", "〒", "1000-005"} {
		_, err := ParsePostalCode(in)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("ParsePostalCode(%q) error = %v, want ErrInvalid", in, err)
		}
	}
}

func FuzzParsePostalCode(f *testing.F) {
	f.Add("〒100-0005")
	f.Add("１００－０００５")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePostalCode(s)
		if err != nil {
			return
		}
		for _, again := range []string{p.Key, p.Code} {
			q, err := ParsePostalCode(again)
			if err != nil || q != p {
				t.Fatalf("ParsePostalCode(%q) = %+v, %v; want %+v", again, q, err, p)
			}
		}
	})
}

func BenchmarkParsePostalCode(b *testing.B) {
	loopCPU(b, func() { _, _ = ParsePostalCode("〒１００－０００５") })
}
