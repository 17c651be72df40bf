package capture

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"
)

func cal(lines ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCALENDAR\r\n"
}

func mustParse(t *testing.T, s string) *Calendar {
	t.Helper()
	c, err := ParseCalendar(strings.NewReader(s), "t.ics", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRRule expands the rules calendar exports use, within a window.
func TestRRule(t *testing.T) {
	tests := []struct {
		name, start, rule string
		extra             []string
		want              []string // starts in UTC
	}{
		{"daily count", "DTSTART:20261102T010000Z", "FREQ=DAILY;COUNT=3", nil,
			[]string{"2026-11-02T01:00:00Z", "2026-11-03T01:00:00Z", "2026-11-04T01:00:00Z"}},
		{"every other day until", "DTSTART;TZID=Asia/Tokyo:20261102T100000", "FREQ=DAILY;INTERVAL=2;UNTIL=20261106T010000Z", nil,
			[]string{"2026-11-02T01:00:00Z", "2026-11-04T01:00:00Z", "2026-11-06T01:00:00Z"}},
		{"weekly two days", "DTSTART;TZID=Asia/Tokyo:20261102T090000", "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=4", nil,
			[]string{"2026-11-02T00:00:00Z", "2026-11-05T00:00:00Z", "2026-11-09T00:00:00Z", "2026-11-12T00:00:00Z"}},
		{"biweekly", "DTSTART;TZID=Asia/Tokyo:20261103T090000", "FREQ=WEEKLY;INTERVAL=2;COUNT=3", nil,
			[]string{"2026-11-03T00:00:00Z", "2026-11-17T00:00:00Z", "2026-12-01T00:00:00Z"}},
		{"monthly last day", "DTSTART;TZID=Asia/Tokyo:20261031T170000", "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3", nil,
			[]string{"2026-10-31T08:00:00Z", "2026-11-30T08:00:00Z", "2026-12-31T08:00:00Z"}},
		{"monthly on the 31st skips short months", "DTSTART;TZID=Asia/Tokyo:20261031T170000", "FREQ=MONTHLY;COUNT=3", nil,
			[]string{"2026-10-31T08:00:00Z", "2026-12-31T08:00:00Z", "2027-01-31T08:00:00Z"}},
		{"Outlook last weekday of the month", "DTSTART;TZID=Tokyo Standard Time:20261030T150000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3", nil,
			[]string{"2026-10-30T06:00:00Z", "2026-11-30T06:00:00Z", "2026-12-31T06:00:00Z"}},
		{"third Wednesday", "DTSTART;TZID=Asia/Tokyo:20261021T100000", "FREQ=MONTHLY;BYDAY=3WE;COUNT=3", nil,
			[]string{"2026-10-21T01:00:00Z", "2026-11-18T01:00:00Z", "2026-12-16T01:00:00Z"}},
		{"yearly by month", "DTSTART;TZID=Asia/Tokyo:20260401T100000", "FREQ=YEARLY;BYMONTH=4,10;COUNT=3", nil,
			[]string{"2026-04-01T01:00:00Z", "2026-10-01T01:00:00Z", "2027-04-01T01:00:00Z"}},
		{"all-day weekly until a date", "DTSTART;VALUE=DATE:20261102", "FREQ=WEEKLY;UNTIL=20261116", nil,
			[]string{"2026-11-01T15:00:00Z", "2026-11-08T15:00:00Z", "2026-11-15T15:00:00Z"}},
		{"RDATE and EXDATE", "DTSTART:20261102T010000Z", "FREQ=DAILY;COUNT=3",
			[]string{"RDATE:20261110T010000Z,20261111T010000Z", "EXDATE:20261103T010000Z"},
			[]string{"2026-11-02T01:00:00Z", "2026-11-04T01:00:00Z", "2026-11-10T01:00:00Z", "2026-11-11T01:00:00Z"}},
		{"endless rule cut by the window", "DTSTART:20261201T010000Z", "FREQ=DAILY", nil,
			[]string{"2026-12-01T01:00:00Z", "2026-12-02T01:00:00Z"}},
		// Begun centuries ago: the window's occurrences still come.
		{"old daily series", "DTSTART:16010101T010000Z", "FREQ=DAILY;INTERVAL=3", nil,
			[]string{"2026-11-28T01:00:00Z", "2026-12-01T01:00:00Z", "2026-12-04T01:00:00Z"}},
		{"old weekly series", "DTSTART:19000101T010000Z", "FREQ=WEEKLY", nil,
			[]string{"2026-11-30T01:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := []string{"BEGIN:VEVENT", "UID:u", tt.start, "RRULE:" + tt.rule}
			lines = append(lines, tt.extra...)
			lines = append(lines, "END:VEVENT")
			c := mustParse(t, cal(lines...))
			if len(c.Errors) > 0 || len(c.Events) != 1 {
				t.Fatalf("errors %v, %d events", c.Errors, len(c.Events))
			}
			from, to := time.Time{}, time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
			switch tt.name {
			case "endless rule cut by the window":
				to = time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
			case "old daily series", "old weekly series":
				from, to = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
			}
			starts, trunc := c.Events[0].occurrences(to, 100, from)
			var got []string
			for _, s := range starts {
				got = append(got, s.UTC().Format(time.RFC3339))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || trunc {
				t.Errorf("occurrences (-want +got):\n%s (truncated %v)", diff, trunc)
			}
		})
	}
}

func TestRRuleRefused(t *testing.T) {
	for _, rule := range []string{"FREQ=HOURLY", "FREQ=DAILY;BYHOUR=9", "INTERVAL=2", "FREQ=DAILY;COUNT=0", "FREQ=DAILY;COUNT=2;UNTIL=20261201", "FREQ=WEEKLY;BYDAY=XX", "FREQ=MONTHLY;BYMONTHDAY=32", "FREQ=DAILY;FREQ=WEEKLY"} {
		c := mustParse(t, cal("BEGIN:VEVENT", "UID:u", "DTSTART:20261102T010000Z", "RRULE:"+rule, "END:VEVENT"))
		if len(c.Events) != 0 || len(c.Errors) != 1 || !strings.Contains(c.Errors[0].Error(), `line 6: VEVENT "u": RRULE: `) {
			t.Errorf("RRULE:%s gave events %d, errors %v; want one error naming line 6 and RRULE", rule, len(c.Events), c.Errors)
		}
	}
}

// TestVTimezone converts times with a VTIMEZONE that has daylight saving
// (the one Outlook writes for "Pacific Standard Time"), around both
// changes, and with fixed offsets.
func TestVTimezone(t *testing.T) {
	pacific := []string{"BEGIN:VTIMEZONE", "TZID:Pacific Standard Time",
		"BEGIN:STANDARD", "DTSTART:16010101T020000", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11", "TZOFFSETFROM:-0700", "TZOFFSETTO:-0800", "END:STANDARD",
		"BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3", "TZOFFSETFROM:-0800", "TZOFFSETTO:-0700", "END:DAYLIGHT",
		"END:VTIMEZONE",
		"BEGIN:VTIMEZONE", "TZID:Custom/Fixed", "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0530", "TZOFFSETTO:+0530", "END:STANDARD", "END:VTIMEZONE"}
	tests := []struct{ local, tzid, want string }{
		{"20260307T120000", "Pacific Standard Time", "2026-03-07T20:00:00Z"}, // before the change (8 March 2026)
		{"20260309T120000", "Pacific Standard Time", "2026-03-09T19:00:00Z"},
		{"20261031T120000", "Pacific Standard Time", "2026-10-31T19:00:00Z"}, // before 1 November
		{"20261102T120000", "Pacific Standard Time", "2026-11-02T20:00:00Z"},
		{"20300715T120000", "Pacific Standard Time", "2030-07-15T19:00:00Z"},
		{"20261102T120000", "Custom/Fixed", "2026-11-02T06:30:00Z"},
		{"20261102T120000", "Tokyo Standard Time", "2026-11-02T03:00:00Z"}, // no VTIMEZONE: the Windows name is known
	}
	for _, tt := range tests {
		lines := append(append([]string{}, pacific...), "BEGIN:VEVENT", "UID:u", "DTSTART;TZID=\""+tt.tzid+"\":"+tt.local, "END:VEVENT")
		c := mustParse(t, cal(lines...))
		if len(c.Events) != 1 {
			t.Fatalf("%s %s: errors %v", tt.local, tt.tzid, c.Errors)
		}
		if got := c.Events[0].Start.UTC().Format(time.RFC3339); got != tt.want {
			t.Errorf("%s in %s = %s, want %s", tt.local, tt.tzid, got, tt.want)
		}
	}
}

// TestCalendarErrors: each bad entry is reported with its line and the
// rest of the file is still read.
func TestCalendarErrors(t *testing.T) {
	good := []string{"BEGIN:VEVENT", "UID:good", "DTSTART:20261102T010000Z", "END:VEVENT"}
	tests := []struct {
		name  string
		lines []string
		want  string // part of the error
	}{
		{"no UID", []string{"BEGIN:VEVENT", "DTSTART:20261102T010000Z", "END:VEVENT"}, "line 3: VEVENT: no UID"},
		{"no DTSTART", []string{"BEGIN:VEVENT", "UID:x", "END:VEVENT"}, `line 3: VEVENT "x": no DTSTART`},
		{"bad content line", []string{"BEGIN:VEVENT", "UID:x", "DTSTART:20261102T010000Z", "no colon here", "END:VEVENT"}, `line 6: VEVENT "x": NO: no ':' before the value`},
		{"unknown TZID", []string{"BEGIN:VEVENT", "UID:x", "DTSTART;TZID=Nowhere Time:20261102T100000", "END:VEVENT"}, `line 5: VEVENT "x": DTSTART: unknown TZID "Nowhere Time"`},
		{"end before start", []string{"BEGIN:VEVENT", "UID:x", "DTSTART:20261102T010000Z", "DTEND:20261101T010000Z", "END:VEVENT"}, "is before DTSTART"},
		{"bad SEQUENCE", []string{"BEGIN:VEVENT", "UID:x", "DTSTART:20261102T010000Z", "SEQUENCE:-1", "END:VEVENT"}, `line 6: VEVENT "x": SEQUENCE`},
		{"unterminated quote", []string{"BEGIN:VEVENT", "UID:x", "DTSTART:20261102T010000Z", `ATTENDEE;CN="open:mailto:a@b.jp`, "END:VEVENT"}, "unterminated quoted parameter CN"},
		{"END without BEGIN", []string{"END:VTODO"}, "END:VTODO without BEGIN"},
		{"bad DURATION", []string{"BEGIN:VEVENT", "UID:x", "DTSTART:20261102T010000Z", "DURATION:PT1X", "END:VEVENT"}, "DURATION"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := append(append([]string{}, tt.lines...), good...)
			c := mustParse(t, cal(lines...))
			if len(c.Events) != 1 || c.Events[0].UID != "good" {
				t.Errorf("events %v, want the good one still read", c.Events)
			}
			if len(c.Errors) != 1 || !strings.Contains(c.Errors[0].Error(), tt.want) {
				t.Errorf("errors %v, want one containing %q", c.Errors, tt.want)
			}
			var ce *CalendarError
			if len(c.Errors) == 1 && !errors.As(c.Errors[0], &ce) {
				t.Errorf("error %T is not a *CalendarError", c.Errors[0])
			}
		})
	}
	// Unterminated VEVENT at the end of the file.
	c, err := ParseCalendar(strings.NewReader("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20261102T010000Z\n"), "t.ics", nil)
	if err != nil || len(c.Errors) != 2 || len(c.Events) != 0 {
		t.Errorf("unterminated: err %v, errors %v, events %d", err, c.Errors, len(c.Events))
	}
	if _, err := ParseCalendar(strings.NewReader("From: a@b.jp\n\nnot a calendar"), "x", nil); !errors.Is(err, ErrNotCalendar) {
		t.Errorf("not a calendar: err = %v, want ErrNotCalendar", err)
	}
}

func TestParseVEvent(t *testing.T) {
	c := mustParse(t, "BEGIN:VCALENDAR\nMETHOD:request\nBEGIN:VEVENT\nUID:u1\nDTSTART;TZID=Asia/Tokyo:20261102T100000\nDURATION:PT1H30M\n"+
		"SUMMARY:打合せ\\, 資料\\;確認\\n2行目\nATTENDEE;CN=\"Sato; Hanako\";PARTSTAT=accepted;ROLE=REQ-PARTICIPANT:MAILTO:hanako@abc.co.jp\n"+
		"ORGANIZER;CN=Tanaka:mailto:tanaka@example.co.jp\nDESCRIPTION:folded\n  text\nEND:VEVENT\nEND:VCALENDAR\n")
	if len(c.Events) != 1 {
		t.Fatalf("errors %v", c.Errors)
	}
	ev := c.Events[0]
	if c.Method != "REQUEST" {
		t.Errorf("Method = %q", c.Method)
	}
	if got := ev.End.Sub(ev.Start); got != 90*time.Minute {
		t.Errorf("duration %v, want 1h30m", got)
	}
	if ev.Summary != "打合せ, 資料;確認\n2行目" {
		t.Errorf("Summary = %q", ev.Summary)
	}
	want := []Attendee{{Email: "hanako@abc.co.jp", Name: "Sato; Hanako", PartStat: "ACCEPTED", Role: "REQ-PARTICIPANT"}}
	if diff := cmp.Diff(want, ev.Attendees); diff != "" {
		t.Errorf("attendees (-want +got):\n%s", diff)
	}
	if ev.Organizer == nil || ev.Organizer.Email != "tanaka@example.co.jp" {
		t.Errorf("organizer %+v", ev.Organizer)
	}
}

func TestCalendarShiftJIS(t *testing.T) {
	summary, err := japanese.ShiftJIS.NewEncoder().String("SUMMARY:打合せ（本社）")
	if err != nil {
		t.Fatal(err)
	}
	c := mustParse(t, cal("BEGIN:VEVENT", "UID:u", "DTSTART:20261102T010000Z", summary, "END:VEVENT"))
	if len(c.Events) != 1 || c.Events[0].Summary != "打合せ（本社）" {
		t.Errorf("events %+v errors %v, want the summary decoded", c.Events, c.Errors)
	}
}
