package quality

import (
	"errors"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/normalize"
)

// Era is a Japanese era (元号) as used in dates: 令和3年4月1日.
type Era struct {
	Name   string        // 令和
	Letter byte          // R: the Latin initial used in R3.4.1
	Start  customer.Date // first day
	End    customer.Date // last day; the zero Date for the current era
}

// Eras returns the modern eras that ParseDate understands, newest first:
// normalize.Eras with their first and last days as customer dates.
func Eras() []Era {
	var out []Era
	for _, e := range normalize.Eras() {
		out = append(out, Era{Name: e.Name, Letter: e.Letter, Start: toDate(e.Start), End: toDate(e.End)})
	}
	return out
}

func toDate(d [3]int) customer.Date {
	return customer.Date{Year: d[0], Month: time.Month(d[1]), Day: d[2]}
}

// ParseDate parses a calendar date as normalize.ParseDate does with
// normalize.YearFirst (Gregorian dates year first, Japanese era dates, kanji
// numerals, full-width forms), and returns an error wrapping ErrInvalid (a
// *ValueError saying why) for anything else.
func ParseDate(s string) (customer.Date, error) {
	y, m, d, err := normalize.ParseDate(s, normalize.YearFirst)
	if err != nil {
		var ne *normalize.Error
		if errors.As(err, &ne) {
			return customer.Date{}, invalid(s, "%s", ne.Reason)
		}
		return customer.Date{}, invalid(s, "%v", err)
	}
	return customer.Date{Year: y, Month: time.Month(m), Day: d}, nil
}

// ParseTime parses a time stamp: RFC 3339 (2024-04-01T09:00:00+09:00),
// "2024-04-01 09:00:00" or "2024-04-01T09:00:00" (in loc), or any date
// ParseDate accepts (midnight in loc). A nil loc means UTC.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = trimSpace(s)
	if len(s) >= 19 && s[4] == '-' {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, nil
		}
		for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00"} {
			if t, err := time.ParseInLocation(layout, s, loc); err == nil {
				return t, nil
			}
		}
	}
	d, err := ParseDate(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc), nil
}
