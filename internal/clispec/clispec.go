// Package clispec parses the small notations the command-line tool shares
// between its commands, so that each is written once: durations with days
// and weeks (--window, --max-age; FormatDuration writes them back in days
// and hours) and --field COLUMN=KIND.
package clispec

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

var units = []struct {
	name string
	d    time.Duration
}{ // longest names first, so that "ms" is not read as "m"
	{"ns", time.Nanosecond}, {"us", time.Microsecond}, {"µs", time.Microsecond}, {"μs", time.Microsecond},
	{"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour},
	{"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour},
}

// ErrTooLong reports a duration longer than a time.Duration holds (about
// 292 years).
var ErrTooLong = errors.New("longer than a time.Duration holds (about 292 years)")

// Duration parses a length of time: a sequence of decimal numbers, each with
// a unit — ns, us (or µs), ms, s, m, h as in Go, plus d (24 hours) and w (7
// days) — such as "30d", "1d12h", "2w3d", "1.5d", "90m"; or "0". Spaces
// around it are ignored. A negative, empty or unit-less duration is an error,
// and so is one longer than a time.Duration holds.
func Duration(s string) (time.Duration, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, errors.New("empty duration (use e.g. 30d, 1d12h, 90m or 0)")
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		num := s[:i]
		if num == "" || num == "." || strings.Count(num, ".") > 1 {
			return 0, fmt.Errorf("bad duration %q (use e.g. 30d, 1d12h, 90m or 0)", orig)
		}
		s = s[i:]
		var unit time.Duration
		for _, u := range units {
			if strings.HasPrefix(s, u.name) {
				unit = u.d
				s = s[len(u.name):]
				break
			}
		}
		if unit == 0 {
			return 0, fmt.Errorf("bad duration %q: a number needs a unit (ns, us, ms, s, m, h, d, w)", orig)
		}
		whole, frac, _ := strings.Cut(num, ".")
		w := int64(0)
		if whole != "" {
			var err error
			if w, err = strconv.ParseInt(whole, 10, 64); err != nil {
				return 0, fmt.Errorf("bad duration %q: %w", orig, ErrTooLong)
			}
		}
		if w > (math.MaxInt64-int64(total))/int64(unit) {
			return 0, fmt.Errorf("bad duration %q: %w", orig, ErrTooLong)
		}
		total += time.Duration(w) * unit
		if frac != "" {
			f, err := strconv.ParseFloat("0."+frac, 64)
			if err != nil {
				return 0, fmt.Errorf("bad duration %q (use e.g. 30d, 1d12h, 90m or 0)", orig)
			}
			add := time.Duration(f * float64(unit))
			if add > math.MaxInt64-total {
				return 0, fmt.Errorf("bad duration %q: %w", orig, ErrTooLong)
			}
			total += add
		}
	}
	return total, nil
}

// Field splits a --field value COLUMN=KIND at its last "=", so that a column
// whose name holds "=" can be named ("a=b=phone" is column "a=b", kind
// "phone"). Both parts are trimmed of spaces; ok is false when there is no
// "=" or either part is empty.
func Field(spec string) (column, kind string, ok bool) {
	i := strings.LastIndexByte(spec, '=')
	if i < 0 {
		return "", "", false
	}
	column, kind = strings.TrimSpace(spec[:i]), strings.TrimSpace(spec[i+1:])
	return column, kind, column != "" && kind != ""
}

// FormatDuration writes d in days and hours, as people read lengths of
// time in a customer's history: "3d", "1d12h", "5h". A duration under an
// hour is written in minutes ("45m"), under a minute in seconds ("30s");
// longer ones are rounded to the nearest hour. Duration reads every form it
// writes. A negative duration is written with a leading "-".
func FormatDuration(d time.Duration) string {
	if d < 0 {
		if d == math.MinInt64 {
			d++ // -d would overflow; a nanosecond does not show
		}
		return "-" + FormatDuration(-d)
	}
	switch {
	case d < time.Minute:
		return strconv.FormatInt(int64(d.Round(time.Second)/time.Second), 10) + "s"
	case d < time.Hour:
		m := d.Round(time.Minute) / time.Minute
		if m == 60 {
			return "1h"
		}
		return strconv.FormatInt(int64(m), 10) + "m"
	}
	h := int64(d / time.Hour)
	if d%time.Hour >= time.Hour/2 {
		h++
	}
	days, hours := h/24, h%24
	switch {
	case days == 0:
		return strconv.FormatInt(hours, 10) + "h"
	case hours == 0:
		return strconv.FormatInt(days, 10) + "d"
	}
	return strconv.FormatInt(days, 10) + "d" + strconv.FormatInt(hours, 10) + "h"
}
