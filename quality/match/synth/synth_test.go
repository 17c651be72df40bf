package synth

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// render generates cfg and returns the records as CSV-like text.
func render(t testing.TB, cfg Config) string {
	t.Helper()
	var b bytes.Buffer
	err := Generate(context.Background(), cfg, func(r Record) error {
		b.WriteString(strings.Join(r.Values, ","))
		b.WriteByte(';')
		b.WriteString(r.EntityID)
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestDeterminism(t *testing.T) {
	for _, loc := range []Locale{Japanese, English} {
		t.Run(string(loc), func(t *testing.T) {
			a := render(t, Config{N: 2000, Seed: 42, Locale: loc})
			b := render(t, Config{N: 2000, Seed: 42, Locale: loc})
			if a != b {
				t.Fatal("same seed gave different output")
			}
			c := render(t, Config{N: 2000, Seed: 43, Locale: loc})
			if a == c {
				t.Fatal("different seeds gave the same output")
			}
		})
	}
}

func TestTruthConsistency(t *testing.T) {
	for _, loc := range []Locale{Japanese, English} {
		t.Run(string(loc), func(t *testing.T) {
			const n = 5000
			ids := map[string]bool{}
			entities := map[string]int{}
			err := Generate(context.Background(), Config{N: n, Seed: 7, Locale: loc}, func(r Record) error {
				if ids[r.ID] {
					t.Errorf("record %s yielded twice", r.ID)
				}
				ids[r.ID] = true
				if r.Values[0] != r.ID {
					t.Errorf("record %s: Values[0] = %q", r.ID, r.Values[0])
				}
				if got, want := len(r.Values), len(Header(loc)); got != want {
					t.Errorf("record %s: %d values, want %d", r.ID, got, want)
				}
				if !strings.HasPrefix(r.EntityID, "E") {
					t.Errorf("record %s: entity %q", r.ID, r.EntityID)
				}
				entities[r.EntityID]++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) != n {
				t.Fatalf("%d records, want %d", len(ids), n)
			}
			dup := 0
			for _, c := range entities {
				if c > DefaultMaxClusterSize {
					t.Errorf("cluster of %d records, above the maximum %d", c, DefaultMaxClusterSize)
				}
				if c > 1 {
					dup++
				}
			}
			// Household members and twins add singletons, so the share of
			// duplicated entities is a little below DupRate.
			if share := float64(dup) / float64(len(entities)); share < 0.40 || share > 0.55 {
				t.Errorf("share of duplicated entities = %.3f, want about %.2f", share, DefaultDupRate)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		fields []string
	}{
		{"negative N", Config{N: -1}, []string{"N"}},
		{"unknown locale", Config{Locale: "fr"}, []string{"Locale"}},
		{"rate above 1", Config{DupRate: 1.5, HouseholdRate: 2}, []string{"DupRate", "HouseholdRate"}},
		{"bad cluster size", Config{MaxClusterSize: -3}, []string{"MaxClusterSize"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			err := Generate(context.Background(), tt.cfg, func(Record) error { called = true; return nil })
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
			if called {
				t.Error("a record was yielded for an invalid config")
			}
			var got []string
			for _, f := range tt.fields {
				if strings.Contains(err.Error(), f+":") {
					got = append(got, f)
				}
			}
			if diff := cmp.Diff(tt.fields, got); diff != "" {
				t.Errorf("fields named in %q (-want +got):\n%s", err, diff)
			}
		})
	}
}

func TestYieldErrorAndCancel(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := Generate(context.Background(), Config{N: 100}, func(Record) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Errorf("err = %v after %d records, want stop after 10", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = Generate(ctx, Config{N: 100000}, func(Record) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	// Cancelled while running: it stops within a few thousand records.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	n = 0
	err = Generate(ctx, Config{N: 200000}, func(Record) error {
		n++
		if n == 1000 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n > 1000+shuffleWindow {
		t.Errorf("err = %v after %d records, want context.Canceled soon after 1000", err, n)
	}
}

func TestZeroConfig(t *testing.T) {
	var n int
	var first Record
	err := Generate(context.Background(), Config{}, func(r Record) error {
		if n == 0 {
			first = r
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != DefaultN {
		t.Errorf("zero Config gave %d records, want %d", n, DefaultN)
	}
	if got, want := len(first.Values), len(Header(Japanese)); got != want {
		t.Errorf("zero Config gave records of %d columns, want the Japanese %d", got, want)
	}
}

func TestConcurrentGenerate(t *testing.T) {
	want := render(t, Config{N: 500, Seed: 5})
	done := make(chan string)
	for range 4 {
		go func() {
			var b bytes.Buffer
			_ = Generate(context.Background(), Config{N: 500, Seed: 5}, func(r Record) error {
				b.WriteString(strings.Join(r.Values, ","))
				b.WriteByte(';')
				b.WriteString(r.EntityID)
				b.WriteByte('\n')
				return nil
			})
			done <- b.String()
		}()
	}
	for range 4 {
		if got := <-done; got != want {
			t.Error("a concurrent run gave different records")
		}
	}
}

func TestOptionsChangeOutput(t *testing.T) {
	count := func(cfg Config) (entities int, noisy int) {
		seen := map[string]bool{}
		_ = Generate(context.Background(), cfg, func(r Record) error {
			seen[r.EntityID] = true
			if r.Noise&(NoiseMissingEmail|NoiseMissingPhone|NoiseKanaTypo|NoiseMoved) != 0 {
				noisy++
			}
			return nil
		})
		return len(seen), noisy
	}
	e, _ := count(Config{N: 1000, DupRate: -1})
	if e != 1000 {
		t.Errorf("DupRate < 0: %d entities for 1000 records, want 1000", e)
	}
	e, _ = count(Config{N: 1000, DupRate: 1, HouseholdRate: -1, TwinRate: -1, MaxClusterSize: 2})
	if e != 500 {
		t.Errorf("DupRate 1, MaxClusterSize 2: %d entities for 1000 records, want 500", e)
	}
	placeholders := func(rate float64) (n int) {
		_ = Generate(context.Background(), Config{N: 1000, PlaceholderRate: rate}, func(r Record) error {
			if r.Noise.Has(NoiseSentinel) {
				n++
			}
			return nil
		})
		return n
	}
	if n := placeholders(0); n != 0 {
		t.Errorf("PlaceholderRate 0: %d records with placeholders, want none (the default)", n)
	}
	if n := placeholders(SuggestedPlaceholderRate); n == 0 {
		t.Errorf("PlaceholderRate %g: no record with placeholders", SuggestedPlaceholderRate)
	}
	if _, noisy := count(Config{N: 1000, Noise: -1}); noisy != 0 {
		t.Errorf("Noise < 0: %d records with errors or missing values", noisy)
	}
	_, base := count(Config{N: 2000})
	_, more := count(Config{N: 2000, Noise: 2})
	if more <= base {
		t.Errorf("Noise 2 gave %d noisy records, Noise 1 %d", more, base)
	}
}
