package capture

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Frequencies of a recurrence rule.
const (
	freqDaily   = "DAILY"
	freqWeekly  = "WEEKLY"
	freqMonthly = "MONTHLY"
	freqYearly  = "YEARLY"
)

// WeekdayNum is one BYDAY entry: a weekday, with an ordinal within the
// month or year (2TU: the second Tuesday; -1FR: the last Friday) or 0 for
// every such weekday.
type WeekdayNum struct {
	N   int
	Day time.Weekday
}

// RRule is a recurrence rule (RRULE) of RFC 5545: the subset in use in
// calendar exports — FREQ DAILY, WEEKLY, MONTHLY or YEARLY with INTERVAL,
// COUNT, UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS and WKST. A rule with
// other parts (BYHOUR, BYWEEKNO, FREQ=HOURLY, …) is refused with an error
// naming the part, so that no meeting is invented.
type RRule struct {
	Freq       string
	Interval   int       // at least 1
	Count      int       // 0: no count
	Until      time.Time // zero: no end; an instant (or a wall-clock date for an all-day series)
	ByDay      []WeekdayNum
	ByMonthDay []int
	ByMonth    []int
	BySetPos   []int
	WeekStart  time.Weekday

	until       time.Time // as written (wall clock)
	untilUTC    bool
	untilIsDate bool
	skipStart   bool // do not yield DTSTART unless the rule yields it
}

var weekdays = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday,
	"WE": time.Wednesday, "TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

// parseRRule reads the value of an RRULE.
func parseRRule(v string) (*RRule, error) {
	r := &RRule{Interval: 1, WeekStart: time.Monday}
	seen := map[string]bool{}
	for _, part := range strings.Split(strings.TrimSpace(v), ";") {
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not NAME=VALUE", clip(part, 40))
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		val = strings.ToUpper(strings.TrimSpace(val))
		if seen[k] {
			return nil, fmt.Errorf("%s given twice", k)
		}
		seen[k] = true
		var err error
		switch k {
		case "FREQ":
			switch val {
			case freqDaily, freqWeekly, freqMonthly, freqYearly:
				r.Freq = val
			default:
				return nil, fmt.Errorf("FREQ=%s is not supported (DAILY, WEEKLY, MONTHLY, YEARLY are)", clip(val, 20))
			}
		case "INTERVAL":
			if r.Interval, err = strconv.Atoi(val); err != nil || r.Interval < 1 || r.Interval > 10000 {
				return nil, fmt.Errorf("INTERVAL=%s is not a positive integer", clip(val, 20))
			}
		case "COUNT":
			if r.Count, err = strconv.Atoi(val); err != nil || r.Count < 1 {
				return nil, fmt.Errorf("COUNT=%s is not a positive integer", clip(val, 20))
			}
		case "UNTIL":
			if r.until, r.untilUTC, r.untilIsDate, err = parseCivil(val); err != nil {
				return nil, fmt.Errorf("UNTIL: %w", err)
			}
		case "BYDAY":
			for _, d := range strings.Split(val, ",") {
				d = strings.TrimSpace(d)
				if len(d) < 2 {
					return nil, fmt.Errorf("BYDAY %q is not a weekday", d)
				}
				wd, ok := weekdays[d[len(d)-2:]]
				if !ok {
					return nil, fmt.Errorf("BYDAY %q is not a weekday", clip(d, 10))
				}
				n := 0
				if num := d[:len(d)-2]; num != "" {
					if n, err = strconv.Atoi(num); err != nil || n == 0 || n < -53 || n > 53 {
						return nil, fmt.Errorf("BYDAY %q has a bad ordinal", clip(d, 10))
					}
				}
				r.ByDay = append(r.ByDay, WeekdayNum{N: n, Day: wd})
			}
		case "BYMONTHDAY":
			if r.ByMonthDay, err = intList(val, -31, 31); err != nil {
				return nil, fmt.Errorf("BYMONTHDAY: %w", err)
			}
		case "BYMONTH":
			if r.ByMonth, err = intList(val, 1, 12); err != nil {
				return nil, fmt.Errorf("BYMONTH: %w", err)
			}
		case "BYSETPOS":
			if r.BySetPos, err = intList(val, -366, 366); err != nil {
				return nil, fmt.Errorf("BYSETPOS: %w", err)
			}
		case "WKST":
			wd, ok := weekdays[val]
			if !ok {
				return nil, fmt.Errorf("WKST=%s is not a weekday", clip(val, 10))
			}
			r.WeekStart = wd
		default:
			return nil, fmt.Errorf("%s is not supported", clip(k, 20))
		}
	}
	if r.Freq == "" {
		return nil, errors.New("no FREQ")
	}
	if r.Count > 0 && !r.until.IsZero() {
		return nil, errors.New("both COUNT and UNTIL")
	}
	return r, nil
}

func intList(v string, lo, hi int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n == 0 || n < lo || n > hi {
			return nil, fmt.Errorf("%q is not in %d…%d", clip(f, 10), lo, hi)
		}
		out = append(out, n)
	}
	return out, nil
}

// maxPeriods bounds the periods (days, weeks, months, years) one expansion
// walks, so that a rule that matches nothing cannot loop for long.
const maxPeriods = 200000

// expand yields the wall-clock times of the rule from start (itself the
// first, unless skipStart) in order, up to and including limit, and stops
// after Count times or when yield returns false. UNTIL is left to the
// caller, who knows the zone.
func (r *RRule) expand(start, limit time.Time, yield func(time.Time) bool) {
	r.expandFrom(start, time.Time{}, limit, yield)
}

// expandFrom is expand, skipping the periods that end before from (a
// wall-clock time) when the rule has no COUNT, so that a series begun
// centuries before the window costs no more than one begun yesterday. The
// times before from that are yielded all the same are the caller's to drop.
func (r *RRule) expandFrom(start, from, limit time.Time, yield func(time.Time) bool) {
	n := 0
	if !r.skipStart {
		if !yield(start) {
			return
		}
		n++
	}
	if r.Count > 0 && n >= r.Count {
		return
	}
	y, m, d := start.Date()
	h, mi, s := start.Clock()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	tod := time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(s)*time.Second
	var cands []time.Time
	k0 := 0
	if r.Count == 0 && from.After(start) {
		fy, fm, fd := from.Date()
		var periods int
		switch r.Freq {
		case freqDaily:
			periods = int((time.Date(fy, fm, fd, 0, 0, 0, 0, time.UTC).Unix() - day.Unix()) / 86400)
		case freqWeekly:
			periods = int((time.Date(fy, fm, fd, 0, 0, 0, 0, time.UTC).Unix()-day.Unix())/86400) / 7
		case freqMonthly:
			periods = (fy-y)*12 + int(fm) - int(m)
		case freqYearly:
			periods = fy - y
		}
		k0 = max(0, periods/r.Interval-1)
	}
	for k := k0; k < k0+maxPeriods; k++ {
		var first time.Time // start of the period
		cands = cands[:0]
		switch r.Freq {
		case freqDaily:
			first = day.AddDate(0, 0, k*r.Interval)
			if r.dayMatches(first) {
				cands = append(cands, first)
			}
		case freqWeekly:
			ws := day.AddDate(0, 0, -((int(day.Weekday()) - int(r.WeekStart) + 7) % 7))
			first = ws.AddDate(0, 0, 7*k*r.Interval)
			for i := range 7 {
				t := first.AddDate(0, 0, i)
				if r.inMonths(t.Month()) && (len(r.ByDay) == 0 && t.Weekday() == start.Weekday() || r.hasWeekday(t.Weekday())) {
					cands = append(cands, t)
				}
			}
		case freqMonthly:
			first = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).AddDate(0, k*r.Interval, 0)
			if r.inMonths(first.Month()) {
				cands = r.monthDays(cands, first, d)
			}
		case freqYearly:
			first = time.Date(y+k*r.Interval, 1, 1, 0, 0, 0, 0, time.UTC)
			months := r.ByMonth
			if len(months) == 0 {
				months = []int{int(m)}
			}
			if len(r.ByMonth) == 0 && len(r.ByMonthDay) == 0 && len(r.ByDay) > 0 {
				cands = r.yearWeekdays(cands, first.Year())
			} else {
				for _, mo := range months {
					cands = r.monthDays(cands, time.Date(first.Year(), time.Month(mo), 1, 0, 0, 0, 0, time.UTC), d)
				}
			}
		}
		if first.After(limit) {
			return
		}
		slices.SortFunc(cands, func(a, b time.Time) int { return a.Compare(b) })
		cands = slices.Compact(cands)
		if len(r.BySetPos) > 0 {
			cands = setPos(cands, r.BySetPos)
		}
		for _, c := range cands {
			t := c.Add(tod)
			if !t.After(start) {
				continue
			}
			if t.After(limit) {
				return
			}
			if !yield(t) {
				return
			}
			n++
			if r.Count > 0 && n >= r.Count {
				return
			}
		}
	}
}

func (r *RRule) inMonths(m time.Month) bool {
	return len(r.ByMonth) == 0 || slices.Contains(r.ByMonth, int(m))
}

func (r *RRule) hasWeekday(wd time.Weekday) bool {
	for _, b := range r.ByDay {
		if b.Day == wd {
			return true
		}
	}
	return false
}

// dayMatches filters a DAILY candidate by BYMONTH, BYMONTHDAY and BYDAY.
func (r *RRule) dayMatches(t time.Time) bool {
	if !r.inMonths(t.Month()) {
		return false
	}
	if len(r.ByMonthDay) > 0 && !monthDayMatches(r.ByMonthDay, t) {
		return false
	}
	return len(r.ByDay) == 0 || r.hasWeekday(t.Weekday())
}

func daysIn(t time.Time) int {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func monthDayMatches(list []int, t time.Time) bool {
	last := daysIn(t)
	for _, md := range list {
		if md > 0 && t.Day() == md || md < 0 && t.Day() == last+md+1 {
			return true
		}
	}
	return false
}

// monthDays appends the days of the month starting at first that the rule
// selects: BYMONTHDAY and BYDAY (ordinals within the month), or the day
// of DTSTART (skipped in months without it).
func (r *RRule) monthDays(out []time.Time, first time.Time, startDay int) []time.Time {
	last := daysIn(first)
	switch {
	case len(r.ByDay) == 0 && len(r.ByMonthDay) == 0:
		if startDay <= last {
			out = append(out, first.AddDate(0, 0, startDay-1))
		}
	case len(r.ByDay) == 0:
		for _, md := range r.ByMonthDay {
			if md < 0 {
				md = last + md + 1
			}
			if md >= 1 && md <= last {
				out = append(out, first.AddDate(0, 0, md-1))
			}
		}
	default:
		for day := 1; day <= last; day++ {
			t := first.AddDate(0, 0, day-1)
			if len(r.ByMonthDay) > 0 && !monthDayMatches(r.ByMonthDay, t) {
				continue
			}
			for _, b := range r.ByDay {
				if b.Day != t.Weekday() {
					continue
				}
				nth := (day-1)/7 + 1
				fromEnd := -((last-day)/7 + 1)
				if b.N == 0 || b.N == nth || b.N == fromEnd {
					out = append(out, t)
					break
				}
			}
		}
	}
	return out
}

// yearWeekdays appends the days of year y that BYDAY selects with
// ordinals within the year (FREQ=YEARLY;BYDAY=20MO).
func (r *RRule) yearWeekdays(out []time.Time, y int) []time.Time {
	first := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	n := time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC).Sub(first).Hours() / 24
	days := int(n)
	for i := range days {
		t := first.AddDate(0, 0, i)
		for _, b := range r.ByDay {
			if b.Day != t.Weekday() {
				continue
			}
			nth, fromEnd := i/7+1, -((days-1-i)/7 + 1)
			if b.N == 0 || b.N == nth || b.N == fromEnd {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// setPos keeps the positions of BYSETPOS (1-based; negative from the end).
func setPos(c []time.Time, pos []int) []time.Time {
	var out []time.Time
	for _, p := range pos {
		i := p - 1
		if p < 0 {
			i = len(c) + p
		}
		if i >= 0 && i < len(c) {
			out = append(out, c[i])
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.Compact(out)
}
