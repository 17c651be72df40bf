package synth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzGenerate checks, for any config: Generate either rejects it with
// ErrInvalidConfig before yielding anything, or yields exactly N records
// with unique IDs, the locale's number of valid UTF-8 values and no value
// containing a line break; and a second run yields the same records.
func FuzzGenerate(f *testing.F) {
	f.Add(uint64(0), 10, false, 0.0, 0, 0.0, 0.0, 0.0)
	f.Add(uint64(7), 50, true, 1.0, 2, 5.0, 1.0, 1.0)
	f.Add(uint64(9), 30, false, -1.0, 1, -1.0, -1.0, 0.5)
	f.Fuzz(func(t *testing.T, seed uint64, n int, en bool, dup float64, maxSize int, noise, household, twin float64) {
		if n > 300 || n < -1 {
			n %= 300
		}
		cfg := Config{N: n, Seed: seed, DupRate: dup, MaxClusterSize: maxSize % 8, Noise: noise, HouseholdRate: household, TwinRate: twin}
		if en {
			cfg.Locale = English
		}
		run := func() ([]Record, error) {
			var out []Record
			err := Generate(context.Background(), cfg, func(r Record) error { out = append(out, r); return nil })
			return out, err
		}
		a, err := run()
		if err != nil {
			if !errors.Is(err, ErrInvalidConfig) || len(a) > 0 {
				t.Fatalf("err %v after %d records", err, len(a))
			}
			return
		}
		want := cfg.N
		if want == 0 {
			want = DefaultN
		}
		if len(a) != want {
			t.Fatalf("%d records, want %d", len(a), want)
		}
		cols := len(Header(cfg.Locale))
		ids := map[string]bool{}
		for _, r := range a {
			if ids[r.ID] {
				t.Fatalf("duplicate ID %s", r.ID)
			}
			ids[r.ID] = true
			if len(r.Values) != cols {
				t.Fatalf("record %s: %d values, want %d", r.ID, len(r.Values), cols)
			}
			for _, v := range r.Values {
				if !utf8.ValidString(v) || strings.ContainsAny(v, "\r\n") {
					t.Fatalf("record %s: bad value %q", r.ID, v)
				}
			}
		}
		b, _ := run()
		for i := range a {
			if strings.Join(a[i].Values, ",") != strings.Join(b[i].Values, ",") || a[i].EntityID != b[i].EntityID {
				t.Fatalf("record %d differs between runs", i)
			}
		}
	})
}
