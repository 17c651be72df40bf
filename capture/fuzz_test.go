package capture

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func addFiles(f *testing.F, pattern string) {
	paths, _ := filepath.Glob(pattern)
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// FuzzParseMessage: any input gives a message or a *ParseError, never a
// panic; what is returned is valid UTF-8.
func FuzzParseMessage(f *testing.F) {
	addFiles(f, "testdata/eml/*")
	addFiles(f, "testdata/suzuki/*/*")
	f.Add([]byte("From: =?UTF-8?B?5pel?= <a@b.jp>\nDate: Mon, 2 Nov 2026 10:00:00 +0900\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain; charset=iso-2022-jp\n\n\x1b$B$3\n--x--"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMessage(data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *ParseError", err, err)
			}
			return
		}
		if len(m.From) == 0 || m.Date.IsZero() {
			t.Fatalf("message without sender or date: %+v", m)
		}
		for _, s := range append([]string{m.Subject, m.Text}, names(m)...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
	})
}

func names(m *Message) []string {
	var out []string
	for _, l := range [][]Address{m.From, m.To, m.Cc, m.Bcc} {
		for _, a := range l {
			out = append(out, a.Name)
		}
	}
	return out
}

// FuzzReadMbox: the reader never panics and every line of the input is in
// at most one message (messages never overlap or repeat).
func FuzzReadMbox(f *testing.F) {
	addFiles(f, "testdata/*.mbox")
	f.Add([]byte("From x\n\nFrom y\r\n>From z\n\n\nFrom "))
	f.Fuzz(func(t *testing.T, data []byte) {
		total := 0
		for raw, err := range ReadMbox(t.Context(), bytes.NewReader(data), "f", MboxRD, 64) {
			if err != nil {
				t.Fatal(err)
			}
			total += len(raw.Data)
			if len(raw.Data) > 64 {
				t.Fatalf("message of %d bytes over the limit of 64", len(raw.Data))
			}
			if _, err := ParseMessage(raw.Data); err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("error %T %v is not a *ParseError", err, err)
				}
			}
		}
		if total > len(data) {
			t.Fatalf("messages hold %d bytes, the input %d", total, len(data))
		}
	})
}

// FuzzParseCalendar: any input gives a calendar (or ErrNotCalendar),
// never a panic; events end at or after their start; capturing their
// meetings terminates with a bounded number of occurrences.
func FuzzParseCalendar(f *testing.F) {
	addFiles(f, "testdata/*.ics")
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART;TZID=X:20260101T000000\nRRULE:FREQ=MONTHLY;BYDAY=-1FR;BYSETPOS=1\nATTENDEE:mailto:a@b.jp\nEND:VEVENT\nBEGIN:VTIMEZONE\nTZID:X\nBEGIN:DAYLIGHT\nDTSTART:16010101T000000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nEND:DAYLIGHT\nEND:VTIMEZONE\nEND:VCALENDAR"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cal, err := ParseCalendar(bytes.NewReader(data), "f.ics", nil)
		if err != nil {
			if !errors.Is(err, ErrNotCalendar) {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, ev := range cal.Events {
			if ev.End.Before(ev.Start) {
				t.Fatalf("event %q ends before it starts", ev.UID)
			}
		}
		c, err := New(&ProfileDirectory{byEmail: map[string]Party{"a@b.jp": {Profile: "p"}}}, Config{
			From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), MaxInstances: 50})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, err := range c.Meetings(t.Context(), cal) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n > 50*2*max(1, len(cal.Events)) {
			t.Fatalf("%d touchpoints from %d events", n, len(cal.Events))
		}
		for _, e := range cal.Errors {
			if !strings.Contains(e.Error(), "f.ics") {
				t.Fatalf("error %q does not name the file", e)
			}
		}
	})
}

// FuzzDecodeWords: decoding never panics and keeps valid UTF-8 valid.
func FuzzDecodeWords(f *testing.F) {
	for _, s := range []string{"=?UTF-8?B?5pel?= =?UTF-8?B?5pys?=", "=?iso-2022-jp?q?=1B$B?=", "a =?x?Q?b?= c", "=?utf-8?b?????="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := decodeWords(s)
		if err != nil {
			if !errors.Is(err, ErrCharset) {
				t.Fatalf("error %v does not wrap ErrCharset", err)
			}
			return
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("decodeWords(%q) = %q: invalid UTF-8", s, out)
		}
	})
}
