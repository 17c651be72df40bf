package capture

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file reads the subset of iCalendar (RFC 5545) that capture needs:
// content lines (unfolded), components, VEVENT and VTIMEZONE.

// Property is one content line of an iCalendar object.
type Property struct {
	Name   string              // upper case, such as "DTSTART"
	Params map[string][]string // parameter names in upper case
	Value  string              // the value as written (not unescaped)
	Line   int                 // the line of the file where it starts
}

// Param returns the first value of the named parameter, or "".
func (p *Property) Param(name string) string {
	if v := p.Params[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Component is one BEGIN … END block with its properties and children.
type Component struct {
	Name     string // upper case, such as "VEVENT"
	Props    []Property
	Children []*Component
	Line     int   // the line of its BEGIN
	Err      error // the first problem found inside it, if any
}

// Prop returns the first property of the given name, or nil.
func (c *Component) Prop(name string) *Property {
	for i := range c.Props {
		if c.Props[i].Name == name {
			return &c.Props[i]
		}
	}
	return nil
}

// CalendarError is a problem with one part of a calendar file: a line that
// cannot be read or an event that cannot be used. The rest of the file is
// still read.
type CalendarError struct {
	Name      string // the file
	Line      int    // the line where the problem is (or its component begins)
	Component string // "VEVENT", "VTIMEZONE", … or "" for the file
	UID       string // the event's UID when known
	Err       error
}

// Error returns "name: line N: VEVENT "uid": reason".
func (e *CalendarError) Error() string {
	var b strings.Builder
	if e.Name != "" {
		b.WriteString(e.Name + ": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Component != "" {
		b.WriteString(e.Component)
		if e.UID != "" {
			fmt.Fprintf(&b, " %q", e.UID)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *CalendarError) Unwrap() error { return e.Err }

// ErrNotCalendar is returned by ParseCalendar for input without a
// VCALENDAR.
var ErrNotCalendar = errors.New("capture: not an iCalendar file (no BEGIN:VCALENDAR)")

// maxLine bounds one unfolded content line; maxComponents the components of
// one file (both keep hostile input from costing unbounded memory).
const (
	maxLine       = 1 << 20
	maxComponents = 1 << 20
	maxDepth      = 16
)

// parseComponents reads the components of an iCalendar stream. Problems
// with a line are attached to the component that holds it (Err) and the
// reading goes on; a component left open at the end of the input gets an
// error too. It returns the top-level components.
func parseComponents(r io.Reader, name string) ([]*Component, []error, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		top      []*Component
		stack    []*Component
		loose    []error
		count    int
		logical  []byte
		startAt  int
		lineNo   int
		tooLong  bool
		finished bool
	)
	fail := func(line int, err error) {
		if len(stack) > 0 {
			c := stack[len(stack)-1]
			if c.Err == nil {
				c.Err = &CalendarError{Name: name, Line: line, Component: c.Name, Err: err}
			}
			return
		}
		loose = append(loose, &CalendarError{Name: name, Line: line, Err: err})
	}
	handle := func(raw []byte, line int, long bool) {
		s := strings.TrimRight(string(raw), "\r\n")
		if !utf8.ValidString(s) {
			// iCalendar is UTF-8; older Japanese exports wrote Shift_JIS.
			s = guessJapanese([]byte(s))
		}
		if strings.TrimSpace(s) == "" {
			return
		}
		if long {
			fail(line, fmt.Errorf("content line longer than %d bytes", maxLine))
			return
		}
		p, err := parseContentLine(s, line)
		if err != nil {
			fail(line, err)
			return
		}
		switch p.Name {
		case "BEGIN":
			v := strings.ToUpper(strings.TrimSpace(p.Value))
			if len(stack) >= maxDepth || count >= maxComponents {
				fail(line, errors.New("components nested too deep or too many"))
				return
			}
			count++
			c := &Component{Name: v, Line: line}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, c)
			} else {
				top = append(top, c)
			}
			stack = append(stack, c)
		case "END":
			v := strings.ToUpper(strings.TrimSpace(p.Value))
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].Name == v {
					for _, open := range stack[i+1:] {
						if open.Err == nil {
							open.Err = &CalendarError{Name: name, Line: open.Line, Component: open.Name, Err: fmt.Errorf("BEGIN:%s has no END (END:%s at line %d)", open.Name, v, line)}
						}
					}
					stack = stack[:i]
					return
				}
			}
			fail(line, fmt.Errorf("END:%s without BEGIN", v))
		default:
			if len(stack) == 0 {
				loose = append(loose, &CalendarError{Name: name, Line: line, Err: fmt.Errorf("property %s outside any component", p.Name)})
				return
			}
			c := stack[len(stack)-1]
			c.Props = append(c.Props, p)
		}
	}
	for !finished {
		line, err := br.ReadSlice('\n')
		long := false
		if errors.Is(err, bufio.ErrBufferFull) {
			// A physical line longer than the buffer: keep up to maxLine.
			buf := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				if len(buf) <= maxLine {
					buf = append(buf, line...)
				}
			}
			line = buf
			long = len(buf) > maxLine
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return top, loose, fmt.Errorf("%s: line %d: %w", name, lineNo+1, err)
		}
		finished = err != nil
		if len(line) == 0 {
			continue
		}
		lineNo++
		if line[0] == ' ' || line[0] == '\t' {
			// A continuation (folding): drop the CRLF and the one
			// white-space character.
			if logical != nil {
				if len(logical)+len(line) > maxLine {
					tooLong = true
				} else {
					logical = append(logical, strings.TrimRight(string(line[1:]), "\r\n")...)
				}
			}
			continue
		}
		if logical != nil {
			handle(logical, startAt, tooLong)
		}
		logical = append(logical[:0], strings.TrimRight(string(line), "\r\n")...)
		startAt, tooLong = lineNo, long
	}
	if logical != nil {
		handle(logical, startAt, tooLong)
	}
	for _, open := range stack {
		if open.Err == nil {
			open.Err = &CalendarError{Name: name, Line: open.Line, Component: open.Name, Err: fmt.Errorf("BEGIN:%s has no END", open.Name)}
		}
	}
	return top, loose, nil
}

// parseContentLine splits name *(";" param) ":" value. Parameter values
// may be quoted (and then hold ";", ":" and ","); lists are split at
// commas outside quotes.
func parseContentLine(s string, line int) (Property, error) {
	p := Property{Line: line}
	i := 0
	for i < len(s) && (isNameChar(s[i])) {
		i++
	}
	if i == 0 {
		return p, fmt.Errorf("content line %q has no property name", clip(s, 40))
	}
	p.Name = strings.ToUpper(s[:i])
	for i < len(s) && s[i] == ';' {
		i++
		j := i
		for j < len(s) && isNameChar(s[j]) {
			j++
		}
		if j == i || j >= len(s) || s[j] != '=' {
			return p, fmt.Errorf("%s: malformed parameter in %q", p.Name, clip(s, 60))
		}
		pname := strings.ToUpper(s[i:j])
		i = j + 1
		for {
			var v string
			if i < len(s) && s[i] == '"' {
				end := strings.IndexByte(s[i+1:], '"')
				if end < 0 {
					return p, fmt.Errorf("%s: unterminated quoted parameter %s", p.Name, pname)
				}
				v = s[i+1 : i+1+end]
				i += end + 2
			} else {
				j := i
				for j < len(s) && s[j] != ',' && s[j] != ';' && s[j] != ':' {
					j++
				}
				v = s[i:j]
				i = j
			}
			if p.Params == nil {
				p.Params = map[string][]string{}
			}
			p.Params[pname] = append(p.Params[pname], v)
			if i < len(s) && s[i] == ',' {
				i++
				continue
			}
			break
		}
	}
	if i >= len(s) || s[i] != ':' {
		return p, fmt.Errorf("%s: no ':' before the value", p.Name)
	}
	p.Value = s[i+1:]
	return p, nil
}

func isNameChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
}

// unescapeText undoes the TEXT escaping of RFC 5545 (\\, \;, \,, \n).
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Attendee is a participant of a meeting: the ORGANIZER or an ATTENDEE.
type Attendee struct {
	Email    string // from the mailto: URI
	Name     string // CN
	PartStat string // PARTSTAT in upper case: ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION, …; "" if not given
	Role     string // ROLE in upper case (REQ-PARTICIPANT, OPT-PARTICIPANT, CHAIR, …)
}

// Event is a VEVENT: one meeting, a recurring series (Rule, RDates), or an
// exception to a series (RecurrenceID).
type Event struct {
	UID          string
	Sequence     int
	Stamp        time.Time // DTSTAMP (else LAST-MODIFIED)
	RecurrenceID time.Time // the original start of the instance it replaces; zero for a series or a single event
	Start, End   time.Time
	AllDay       bool
	Summary      string
	Location     string
	Status       string // upper case: CONFIRMED, TENTATIVE, CANCELLED or ""
	Organizer    *Attendee
	Attendees    []Attendee
	Rule         *RRule
	RDates       []time.Time
	ExDates      []time.Time
	Line         int // of its BEGIN:VEVENT

	zone       zone      // the zone of DTSTART, to expand the rule in
	civilStart time.Time // DTSTART as wall-clock time (in UTC)
	untilDate  bool      // the rule's UNTIL is a date
}

// Calendar is a parsed iCalendar file.
type Calendar struct {
	Name   string
	Method string  // METHOD in upper case: PUBLISH, REQUEST, CANCEL, … or ""
	Events []Event // the VEVENTs that could be read, in file order
	// Errors lists what could not be read, each a *CalendarError naming
	// the line (and the event's UID when known).
	Errors []error
}

// ParseCalendar reads an iCalendar file (RFC 5545; several VCALENDARs may
// follow each other). Lines are unfolded; VTIMEZONE definitions give the
// meaning of TZIDs that are not IANA names (Outlook writes Windows names
// such as "Tokyo Standard Time"); times without a zone ("floating") and
// all-day dates are read in floating (nil: Asia/Tokyo). An event that
// cannot be used is left out and listed in Calendar.Errors, and the rest of
// the file is still read. The error is ErrNotCalendar for input without a
// VCALENDAR, or the read error of r.
func ParseCalendar(r io.Reader, name string, floating *time.Location) (*Calendar, error) {
	if floating == nil {
		floating = tokyo
	}
	top, loose, err := parseComponents(r, name)
	if err != nil {
		return nil, err
	}
	cal := &Calendar{Name: name, Errors: loose}
	found := false
	for _, vc := range top {
		if vc.Name != "VCALENDAR" {
			cal.Errors = append(cal.Errors, &CalendarError{Name: name, Line: vc.Line, Component: vc.Name, Err: errors.New("component outside VCALENDAR")})
			continue
		}
		found = true
		if vc.Err != nil {
			cal.Errors = append(cal.Errors, vc.Err)
		}
		if m := vc.Prop("METHOD"); m != nil && cal.Method == "" {
			cal.Method = strings.ToUpper(strings.TrimSpace(m.Value))
		}
		zones := map[string]zone{}
		for _, c := range vc.Children {
			if c.Name != "VTIMEZONE" {
				continue
			}
			id, z, err := parseVTimezone(c)
			if err != nil {
				cal.Errors = append(cal.Errors, &CalendarError{Name: name, Line: c.Line, Component: "VTIMEZONE", UID: id, Err: err})
				continue
			}
			zones[id] = z
		}
		res := &zoneResolver{defined: zones, floating: floating}
		for _, c := range vc.Children {
			if c.Name != "VEVENT" {
				continue
			}
			ev, err := parseVEvent(c, res)
			if err != nil {
				var ce *CalendarError
				var le *lineError
				switch {
				case errors.As(err, &ce):
					ce.Name, ce.UID = name, ev.UID
				case errors.As(err, &le):
					err = &CalendarError{Name: name, Line: le.line, Component: "VEVENT", UID: ev.UID, Err: le.err}
				default:
					err = &CalendarError{Name: name, Line: c.Line, Component: "VEVENT", UID: ev.UID, Err: err}
				}
				cal.Errors = append(cal.Errors, err)
				continue
			}
			cal.Events = append(cal.Events, ev)
		}
	}
	if !found {
		return cal, ErrNotCalendar
	}
	return cal, nil
}

// parseVEvent reads one VEVENT.
func parseVEvent(c *Component, res *zoneResolver) (Event, error) {
	ev := Event{Line: c.Line}
	if p := c.Prop("UID"); p != nil {
		ev.UID = strings.TrimSpace(p.Value)
	}
	if c.Err != nil {
		return ev, c.Err
	}
	if ev.UID == "" {
		return ev, errors.New("no UID")
	}
	ds := c.Prop("DTSTART")
	if ds == nil {
		return ev, errors.New("no DTSTART")
	}
	var err error
	ev.Start, ev.civilStart, ev.zone, ev.AllDay, err = res.dateTime(ds)
	if err != nil {
		return ev, lineErrorf(ds.Line, "DTSTART: %w", err)
	}
	switch {
	case c.Prop("DTEND") != nil:
		de := c.Prop("DTEND")
		if ev.End, _, _, _, err = res.dateTime(de); err != nil {
			return ev, lineErrorf(de.Line, "DTEND: %w", err)
		}
	case c.Prop("DURATION") != nil:
		du := c.Prop("DURATION")
		d, err := parseDuration(du.Value)
		if err != nil {
			return ev, lineErrorf(du.Line, "DURATION: %w", err)
		}
		ev.End = ev.Start.Add(d)
	case ev.AllDay:
		ev.End = ev.civilStart.AddDate(0, 0, 1)
		ev.End = ev.zone.instant(ev.End)
	default:
		ev.End = ev.Start
	}
	if ev.End.Before(ev.Start) {
		return ev, fmt.Errorf("DTEND %s is before DTSTART %s", ev.End.Format(time.RFC3339), ev.Start.Format(time.RFC3339))
	}
	if p := c.Prop("SEQUENCE"); p != nil {
		n, err := strconv.Atoi(strings.TrimSpace(p.Value))
		if err != nil || n < 0 {
			return ev, lineErrorf(p.Line, "SEQUENCE: %q is not a non-negative integer", p.Value)
		}
		ev.Sequence = n
	}
	for _, name := range []string{"DTSTAMP", "LAST-MODIFIED"} {
		if p := c.Prop(name); p != nil && ev.Stamp.IsZero() {
			if t, _, _, _, err := res.dateTime(p); err == nil {
				ev.Stamp = t
			}
		}
	}
	if p := c.Prop("RECURRENCE-ID"); p != nil {
		if ev.RecurrenceID, _, _, _, err = res.dateTime(p); err != nil {
			return ev, lineErrorf(p.Line, "RECURRENCE-ID: %w", err)
		}
	}
	if p := c.Prop("SUMMARY"); p != nil {
		ev.Summary = unescapeText(p.Value)
	}
	if p := c.Prop("LOCATION"); p != nil {
		ev.Location = unescapeText(p.Value)
	}
	if p := c.Prop("STATUS"); p != nil {
		ev.Status = strings.ToUpper(strings.TrimSpace(p.Value))
	}
	for i := range c.Props {
		p := &c.Props[i]
		switch p.Name {
		case "ORGANIZER":
			a := attendee(p)
			ev.Organizer = &a
		case "ATTENDEE":
			ev.Attendees = append(ev.Attendees, attendee(p))
		case "RRULE":
			if ev.Rule != nil {
				continue // a second RRULE is deprecated; the first rules
			}
			rule, err := parseRRule(p.Value)
			if err != nil {
				return ev, lineErrorf(p.Line, "RRULE: %w", err)
			}
			if !rule.until.IsZero() {
				if rule.untilIsDate {
					ev.untilDate = true
					rule.Until = rule.until // a civil date: compared as such
				} else if rule.untilUTC {
					rule.Until = rule.until
				} else {
					rule.Until = ev.zone.instant(rule.until)
				}
			}
			ev.Rule = rule
		case "RDATE", "EXDATE":
			ts, err := res.dateTimes(p)
			if err != nil {
				return ev, lineErrorf(p.Line, "%s: %w", p.Name, err)
			}
			if p.Name == "RDATE" {
				ev.RDates = append(ev.RDates, ts...)
			} else {
				ev.ExDates = append(ev.ExDates, ts...)
			}
		}
	}
	return ev, nil
}

// attendee reads an ORGANIZER or ATTENDEE property.
func attendee(p *Property) Attendee {
	v := strings.TrimSpace(p.Value)
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	if v == "" || !strings.Contains(v, "@") {
		v = p.Param("EMAIL")
	}
	return Attendee{
		Email:    v,
		Name:     p.Param("CN"),
		PartStat: strings.ToUpper(p.Param("PARTSTAT")),
		Role:     strings.ToUpper(p.Param("ROLE")),
	}
}

// parseDuration reads an RFC 5545 duration: [+-]P[nW][nD][T[nH][nM][nS]].
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, fmt.Errorf("%q is not a duration", s)
	}
	var d time.Duration
	inTime := false
	num := -1
	for _, c := range s[1:] {
		switch {
		case c == 'T':
			inTime = true
		case c >= '0' && c <= '9':
			if num < 0 {
				num = 0
			}
			num = num*10 + int(c-'0')
			if num > 1e7 {
				return 0, fmt.Errorf("%q is too long a duration", s)
			}
		default:
			if num < 0 {
				return 0, fmt.Errorf("%q is not a duration", s)
			}
			n := time.Duration(num)
			switch {
			case c == 'W' && !inTime:
				d += n * 7 * 24 * time.Hour
			case c == 'D' && !inTime:
				d += n * 24 * time.Hour
			case c == 'H' && inTime:
				d += n * time.Hour
			case c == 'M' && inTime:
				d += n * time.Minute
			case c == 'S' && inTime:
				d += n * time.Second
			default:
				return 0, fmt.Errorf("%q is not a duration", s)
			}
			num = -1
		}
	}
	if num >= 0 {
		return 0, fmt.Errorf("%q is not a duration", s)
	}
	if neg {
		return -d, nil
	}
	return d, nil
}

// lineError is a problem at one line of a component.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *lineError) Unwrap() error { return e.err }

func lineErrorf(line int, format string, args ...any) error {
	return &lineError{line: line, err: fmt.Errorf(format, args...)}
}
