package clispec

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDuration(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"30d", 30 * day}, {"2w", 14 * day}, {"1.5d", 36 * time.Hour}, {"12h", 12 * time.Hour}, {"90m", 90 * time.Minute},
		{"0", 0}, {" 730d ", 730 * day}, {"1d12h", 36 * time.Hour}, {"2w3d", 17 * day}, {"1h30m", 90 * time.Minute},
		{"36h0m0s", 36 * time.Hour}, {"1.5h", 90 * time.Minute}, {"250ms", 250 * time.Millisecond}, {"3µs", 3 * time.Microsecond},
		{"15000w", 15000 * 7 * day}, {"0d", 0}, {".5d", 12 * time.Hour},
	}
	for _, tt := range tests {
		got, err := Duration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Duration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "d", "x3d", "-1h", "1y", "17000w", "106752d", "1d-2h", "12", "1..5d", ".d", "1e3d", "NaNd", "1d 2h"} {
		if d, err := Duration(bad); err == nil {
			t.Errorf("Duration(%q) = %v, want an error", bad, d)
		}
	}
	if _, err := Duration("106752d"); !errors.Is(err, ErrTooLong) {
		t.Errorf("Duration(106752d) error %v, want ErrTooLong", err)
	}
}

// FuzzDuration: Duration never panics, never returns a negative duration,
// and reads back what time.Duration prints.
func FuzzDuration(f *testing.F) {
	for _, s := range []string{"30d", "2w", "1.5d", "1d12h", "90m", "0", "-1d", "1e9d", "NaNd", "9223372036854775807ns", "106751d23h47m16.854775807s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Duration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("Duration(%q) = %v, negative", s, d)
		}
		if d > 0 {
			back, err := Duration(d.String())
			if err != nil || back != d {
				t.Fatalf("Duration(%q) = %v; Duration(%q) = %v, %v", s, d, d.String(), back, err)
			}
		}
	})
}

func TestField(t *testing.T) {
	type split struct {
		Column, Kind string
		OK           bool
	}
	tests := []struct {
		in   string
		want split
	}{
		{"phone=phone", split{"phone", "phone", true}},
		{" 電話番号 = phone ", split{"電話番号", "phone", true}},
		{"a=b=phone", split{"a=b", "phone", true}},
		{"phone", split{}},
		{"=phone", split{"", "phone", false}},
		{"phone=", split{"phone", "", false}},
	}
	for _, tt := range tests {
		var got split
		got.Column, got.Kind, got.OK = Field(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Field(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"}, {29 * time.Second, "29s"}, {59*time.Second + 600*time.Millisecond, "60s"}, {45 * time.Minute, "45m"},
		{59*time.Minute + 40*time.Second, "1h"}, {5 * time.Hour, "5h"}, {36 * time.Hour, "1d12h"}, {30 * day, "30d"},
		{30*day + 29*time.Minute, "30d"}, {30*day + 31*time.Minute, "30d1h"}, {23*time.Hour + 45*time.Minute, "1d"},
		{-36 * time.Hour, "-1d12h"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// FuzzFormatDuration: what FormatDuration writes, Duration reads back to
// within the rounding (half an hour for an hour or more).
func FuzzFormatDuration(f *testing.F) {
	for _, d := range []int64{0, 1, int64(time.Hour), int64(36 * time.Hour), 1<<63 - 1} {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		d := time.Duration(n)
		if d < 0 {
			d = -d
		}
		if d < 0 || d > 106750*24*time.Hour {
			return
		}
		s := FormatDuration(d)
		back, err := Duration(s)
		if err != nil {
			t.Fatalf("Duration(FormatDuration(%v) = %q): %v", d, s, err)
		}
		if diff := (back - d).Abs(); diff > time.Hour/2 {
			t.Fatalf("FormatDuration(%v) = %q reads back as %v", d, s, back)
		}
	})
}
