package capture

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// tokyo is Asia/Tokyo without depending on the system's zone database:
// Japan has kept UTC+9 without daylight saving since 1951.
var tokyo = time.FixedZone("JST", 9*60*60)

// zone turns a wall-clock time (held as a time.Time in UTC) into an instant.
type zone interface {
	instant(civil time.Time) time.Time
}

type locZone struct{ loc *time.Location }

func (z locZone) instant(c time.Time) time.Time {
	return time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), 0, z.loc)
}

// windowsZones maps the Windows zone names Outlook writes as TZIDs to IANA
// names, for files without a VTIMEZONE for them. Only the common ones.
var windowsZones = map[string]string{
	"Tokyo Standard Time":          "Asia/Tokyo",
	"Korea Standard Time":          "Asia/Seoul",
	"China Standard Time":          "Asia/Shanghai",
	"Taipei Standard Time":         "Asia/Taipei",
	"Singapore Standard Time":      "Asia/Singapore",
	"India Standard Time":          "Asia/Kolkata",
	"AUS Eastern Standard Time":    "Australia/Sydney",
	"GMT Standard Time":            "Europe/London",
	"W. Europe Standard Time":      "Europe/Berlin",
	"Romance Standard Time":        "Europe/Paris",
	"Eastern Standard Time":        "America/New_York",
	"Central Standard Time":        "America/Chicago",
	"Mountain Standard Time":       "America/Denver",
	"Pacific Standard Time":        "America/Los_Angeles",
	"UTC":                          "UTC",
	"Coordinated Universal Time":   "UTC",
	"Greenwich Standard Time":      "Atlantic/Reykjavik",
	"SE Asia Standard Time":        "Asia/Bangkok",
	"Hawaiian Standard Time":       "Pacific/Honolulu",
	"New Zealand Standard Time":    "Pacific/Auckland",
	"Central Europe Standard Time": "Europe/Budapest",
}

// zoneResolver finds the zone of a TZID: an IANA name the system knows,
// else the file's VTIMEZONE of that name, else a known Windows name.
type zoneResolver struct {
	defined  map[string]zone
	floating *time.Location
	cache    map[string]zone
}

func (r *zoneResolver) zone(tzid string) (zone, error) {
	tzid = strings.Trim(strings.TrimSpace(tzid), `"`)
	if z, ok := r.cache[tzid]; ok {
		return z, nil
	}
	var z zone
	switch {
	case tzid == "Asia/Tokyo" || windowsZones[tzid] == "Asia/Tokyo":
		z = locZone{tokyo}
	case tzid == "UTC" || tzid == "Etc/UTC" || tzid == "GMT" || tzid == "Z":
		z = locZone{time.UTC}
	default:
		if loc, err := loadLocation(tzid); err == nil {
			z = locZone{loc}
		} else if d, ok := r.defined[tzid]; ok {
			z = d
		} else if iana, ok := windowsZones[tzid]; ok {
			if loc, err := loadLocation(iana); err == nil {
				z = locZone{loc}
			}
		}
	}
	if z == nil {
		if d, ok := r.defined[tzid]; ok {
			z = d
		}
	}
	if z == nil {
		return nil, fmt.Errorf("unknown TZID %q (no VTIMEZONE for it)", clip(tzid, 60))
	}
	if r.cache == nil {
		r.cache = map[string]zone{}
	}
	r.cache[tzid] = z
	return z, nil
}

// loadLocation loads an IANA zone, refusing names that cannot be one
// (time.LoadLocation reads files; keep odd input away from it).
func loadLocation(name string) (*time.Location, error) {
	if name == "" || len(name) > 64 || strings.Contains(name, "..") || strings.HasPrefix(name, "/") || strings.ContainsAny(name, " \\") || name == "Local" {
		return nil, errors.New("not an IANA zone name")
	}
	return time.LoadLocation(name)
}

// dateTime reads a DATE or DATE-TIME property: its instant, its wall-clock
// time (in UTC), its zone and whether it is a date.
func (r *zoneResolver) dateTime(p *Property) (inst, civil time.Time, z zone, date bool, err error) {
	v := strings.TrimSpace(p.Value)
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	if i := strings.IndexByte(v, '/'); i >= 0 {
		v = v[:i]
	}
	return r.value(v, p.Param("TZID"), strings.EqualFold(p.Param("VALUE"), "DATE"))
}

// dateTimes reads the list of an RDATE or EXDATE (periods give their
// start).
func (r *zoneResolver) dateTimes(p *Property) ([]time.Time, error) {
	var out []time.Time
	for _, v := range strings.Split(p.Value, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if i := strings.IndexByte(v, '/'); i >= 0 {
			v = v[:i]
		}
		t, _, _, _, err := r.value(v, p.Param("TZID"), strings.EqualFold(p.Param("VALUE"), "DATE"))
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func (r *zoneResolver) value(v, tzid string, isDate bool) (inst, civil time.Time, z zone, date bool, err error) {
	c, utc, date, err := parseCivil(v)
	if err != nil {
		return
	}
	switch {
	case utc:
		z = locZone{time.UTC}
	case date || tzid == "":
		z = locZone{r.floating}
	default:
		if z, err = r.zone(tzid); err != nil {
			return
		}
	}
	return z.instant(c), c, z, date || isDate && date, nil
}

// parseCivil reads YYYYMMDD or YYYYMMDDTHHMMSS[Z] as a wall-clock time.
func parseCivil(v string) (t time.Time, utc, date bool, err error) {
	switch {
	case len(v) == 8:
		t, err = time.Parse("20060102", v)
		if err != nil {
			err = fmt.Errorf("%q is not a date (YYYYMMDD)", clip(v, 40))
		}
		return t, false, true, err
	case len(v) == 16 && (v[15] == 'Z' || v[15] == 'z'):
		t, err = time.Parse("20060102T150405", v[:15])
		utc = true
	case len(v) == 15:
		t, err = time.Parse("20060102T150405", v)
	default:
		err = errors.New("bad length")
	}
	if err != nil {
		return time.Time{}, false, false, fmt.Errorf("%q is not a date-time (YYYYMMDDTHHMMSS[Z])", clip(v, 40))
	}
	return t, utc, false, nil
}

// vtimezone is a VTIMEZONE: its observances (STANDARD and DAYLIGHT).
type vtimezone struct {
	obs []observance
}

type observance struct {
	start      time.Time // wall-clock onset
	offsetFrom int       // seconds east of UTC before the onset
	offsetTo   int       // after it
	rule       *RRule
	rdates     []time.Time
}

func parseVTimezone(c *Component) (string, zone, error) {
	id := ""
	if p := c.Prop("TZID"); p != nil {
		id = strings.TrimSpace(p.Value)
	}
	if c.Err != nil {
		return id, nil, c.Err
	}
	if id == "" {
		return id, nil, errors.New("no TZID")
	}
	z := &vtimezone{}
	for _, o := range c.Children {
		if o.Name != "STANDARD" && o.Name != "DAYLIGHT" {
			continue
		}
		if o.Err != nil {
			return id, nil, o.Err
		}
		var ob observance
		ds := o.Prop("DTSTART")
		if ds == nil {
			return id, nil, fmt.Errorf("line %d: %s without DTSTART", o.Line, o.Name)
		}
		var err error
		if ob.start, _, _, err = parseCivil(strings.TrimSpace(ds.Value)); err != nil {
			return id, nil, fmt.Errorf("line %d: DTSTART: %w", ds.Line, err)
		}
		for _, f := range []struct {
			name string
			dst  *int
		}{{"TZOFFSETFROM", &ob.offsetFrom}, {"TZOFFSETTO", &ob.offsetTo}} {
			p := o.Prop(f.name)
			if p == nil {
				return id, nil, fmt.Errorf("line %d: %s without %s", o.Line, o.Name, f.name)
			}
			if *f.dst, err = parseOffset(p.Value); err != nil {
				return id, nil, fmt.Errorf("line %d: %s: %w", p.Line, f.name, err)
			}
		}
		if p := o.Prop("RRULE"); p != nil {
			if ob.rule, err = parseRRule(p.Value); err != nil {
				return id, nil, fmt.Errorf("line %d: RRULE: %w", p.Line, err)
			}
			if ob.rule.Freq != freqYearly {
				// Zone rules change once a year; anything else is not a
				// zone (and would cost a walk from 1601 per time).
				return id, nil, fmt.Errorf("line %d: RRULE: a time-zone rule must be FREQ=YEARLY", p.Line)
			}
			// UNTIL of an observance is in UTC; compare it as wall time
			// after the old offset, close enough for choosing an onset.
			if !ob.rule.until.IsZero() {
				ob.rule.Until = ob.rule.until
				if ob.rule.untilUTC {
					ob.rule.Until = ob.rule.until.Add(time.Duration(ob.offsetFrom) * time.Second)
				}
			}
		}
		for i := range o.Props {
			if o.Props[i].Name != "RDATE" {
				continue
			}
			for _, v := range strings.Split(o.Props[i].Value, ",") {
				t, _, _, err := parseCivil(strings.TrimSpace(v))
				if err != nil {
					return id, nil, fmt.Errorf("line %d: RDATE: %w", o.Props[i].Line, err)
				}
				ob.rdates = append(ob.rdates, t)
			}
		}
		z.obs = append(z.obs, ob)
	}
	if len(z.obs) == 0 {
		return id, nil, errors.New("no STANDARD or DAYLIGHT")
	}
	return id, z, nil
}

// parseOffset reads a UTC offset: +HHMM or +HHMMSS.
func parseOffset(v string) (int, error) {
	v = strings.TrimSpace(v)
	if len(v) != 5 && len(v) != 7 || v[0] != '+' && v[0] != '-' {
		return 0, fmt.Errorf("%q is not a UTC offset (+HHMM)", clip(v, 20))
	}
	n, err := strconv.Atoi(v[1:])
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a UTC offset (+HHMM)", clip(v, 20))
	}
	var secs int
	if len(v) == 5 {
		secs = n/100*3600 + n%100*60
	} else {
		secs = n/10000*3600 + n/100%100*60 + n%100
	}
	if secs > 24*3600 {
		return 0, fmt.Errorf("%q is not a UTC offset (+HHMM)", v)
	}
	if v[0] == '-' {
		secs = -secs
	}
	return secs, nil
}

// instant applies the observance in force at wall-clock time c: the one
// with the latest onset at or before c (onsets compared as wall time).
func (z *vtimezone) instant(c time.Time) time.Time {
	var best time.Time
	off, found := z.obs[0].offsetFrom, false
	for i := range z.obs {
		o := &z.obs[i]
		if t, ok := o.latestOnset(c); ok && (!found || t.After(best)) {
			best, off, found = t, o.offsetTo, true
		}
	}
	return c.Add(-time.Duration(off) * time.Second).In(time.FixedZone("", off))
}

// latestOnset returns the latest onset of o at or before c.
func (o *observance) latestOnset(c time.Time) (time.Time, bool) {
	var best time.Time
	found := false
	consider := func(t time.Time) {
		if !t.After(c) && (!found || t.After(best)) {
			best, found = t, true
		}
	}
	consider(o.start)
	for _, t := range o.rdates {
		consider(t)
	}
	if o.rule == nil || o.start.After(c) {
		return best, found
	}
	start := o.start
	r := *o.rule
	// A yearly rule without COUNT repeats each year: start near c
	// instead of in 1601, as Outlook writes.
	if r.Freq == freqYearly && r.Count == 0 && r.Interval <= 1 && c.Year()-1 > start.Year() {
		start = time.Date(c.Year()-1, start.Month(), start.Day(), start.Hour(), start.Minute(), start.Second(), 0, time.UTC)
		r.skipStart = true
	}
	r.expand(start, c, func(t time.Time) bool {
		if !r.Until.IsZero() && t.After(r.Until) {
			return false
		}
		consider(t)
		return true
	})
	return best, found
}
