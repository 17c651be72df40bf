package capture

import (
	"context"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

// tp is the part of a touchpoint the tests compare.
type tp struct {
	Customer customer.ID
	Type     journey.Type
	Time     string
	Key      string // message_id, or uid with recurrence_id
	Thread   string
	Role     string
	Extra    string // partstat / status / contacts
}

func project(evs []journey.Event) []tp {
	out := make([]tp, len(evs))
	for i, e := range evs {
		a := e.Attributes
		key := a[AttrMessageID]
		if key == "" {
			key = a[AttrUID]
			if r := a[AttrRecurrenceID]; r != "" {
				key += "@" + r
			}
		}
		extra := strings.Trim(a[AttrPartStat]+" "+a[AttrStatus]+" "+a[AttrContacts], " ")
		out[i] = tp{e.CustomerID, e.Type, e.Time.UTC().Format(time.RFC3339), key, a[AttrThread], a[AttrRole], extra}
	}
	return out
}

var testWindow = Config{
	InternalDomains: []string{"example.co.jp"},
	From:            time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
	To:              time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC),
}

func collect(t *testing.T, seq func(func(journey.Event, error) bool)) []journey.Event {
	t.Helper()
	var out []journey.Event
	for ev, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

func openMbox(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readCalendars(t *testing.T, paths ...string) []*Calendar {
	t.Helper()
	var out []*Calendar
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		cal, err := ParseCalendar(f, p, nil)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cal)
	}
	return out
}

// TestMailThreadAcrossMailboxes reads the sales rep's mbox and a
// colleague's Maildir holding copies of two of its messages and a reply
// from a new contact of the same customer.
func TestMailThreadAcrossMailboxes(t *testing.T) {
	ctx := t.Context()
	c, err := New(testDirectory(t), testWindow)
	if err != nil {
		t.Fatal(err)
	}
	got := collect(t, c.Mail(ctx, ReadMbox(ctx, openMbox(t, "testdata/tanaka.mbox"), "tanaka.mbox", MboxRD, 0)))
	got = append(got, collect(t, c.Mail(ctx, ReadMaildir(ctx, os.DirFS("testdata/suzuki"), 0)))...)
	thread := hex16(hash64("m1@example.co.jp"))
	want := []tp{
		{"p-sato", TypeEmailSent, "2026-11-02T01:00:00Z", "m1@example.co.jp", thread, "to", ""},
		{"acct-abc", TypeEmailSent, "2026-11-02T01:00:00Z", "m1@example.co.jp", thread, "account", "p-sato"},
		{"p-sato", TypeEmailReplied, "2026-11-03T00:15:00Z", "m2@abc-shoji.co.jp", thread, "from", ""},
		{"acct-abc", TypeEmailReplied, "2026-11-03T00:15:00Z", "m2@abc-shoji.co.jp", thread, "account", "p-sato"},
		{"p-smith", TypeEmailSent, "2026-11-05T02:00:00Z", "m4@example.co.jp", hex16(hash64("m4@example.co.jp")), "to", ""},
		{"acct-globex", TypeEmailSent, "2026-11-05T02:00:00Z", "m4@example.co.jp", hex16(hash64("m4@example.co.jp")), "account", "p-smith"},
		// kimura@ (erased, on the hashed suppression list) is not captured.
		{"p-sato", TypeEmailSent, "2026-11-06T08:30:00Z", "m5@example.co.jp", hex16(hash64("m5@example.co.jp")), "to", ""},
		{"acct-abc", TypeEmailSent, "2026-11-06T08:30:00Z", "m5@example.co.jp", hex16(hash64("m5@example.co.jp")), "account", "p-sato"},
		// From Suzuki's Maildir: m1 and m2 again (no touchpoint), then a
		// reply in the same thread from a contact no profile holds, whose
		// domain is the account's.
		{"acct-abc", TypeEmailReplied, "2026-11-09T05:00:00Z", "m6@abc-shoji.co.jp", thread, "from", ""},
	}
	if diff := cmp.Diff(want, project(got)); diff != "" {
		t.Errorf("touchpoints (-want +got):\n%s", diff)
	}
	s := c.Summary()
	var reasons []string
	for _, f := range s.Failures {
		reasons = append(reasons, f.String())
	}
	s.Failures = nil
	wantSum := Summary{Messages: 11, Duplicates: 2, Touchpoints: 9, Personal: 1, Failed: 3, Resolved: 2, ViaDomain: 1,
		Unknown: 1, Suppressed: 1, Internal: 2, Offers: 4}
	if diff := cmp.Diff(wantSum, s); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	wantReasons := []string{
		`tanaka.mbox:65: line 3: header: malformed header line "This line is not a header"`,
		`tanaka.mbox:110: line 4: Date: cannot read "sometime next week" as a date`,
		`tanaka.mbox:129: line 3: Subject: capture: unknown or undecodable character set: "x-klingon"`,
	}
	if diff := cmp.Diff(wantReasons, reasons); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	// Every touchpoint is valid once capture's types are registered.
	var cat journey.Catalog
	if err := RegisterTypes(&cat); err != nil {
		t.Fatal(err)
	}
	for _, ev := range got {
		if err := cat.Validate(&ev); err != nil {
			t.Errorf("%s: %v", ev.ID, err)
		}
	}
}

// TestSameMessageOneTouchpoint: whichever mailbox is read first, a message
// gives the same touchpoint IDs once.
func TestSameMessageOneTouchpoint(t *testing.T) {
	ctx := t.Context()
	ids := func(order []string) []string {
		c, err := New(testDirectory(t), testWindow)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, src := range order {
			var seq func(func(*RawMessage, error) bool)
			if src == "mbox" {
				seq = ReadMbox(ctx, openMbox(t, "testdata/tanaka.mbox"), "tanaka.mbox", MboxRD, 0)
			} else {
				seq = ReadMaildir(ctx, os.DirFS("testdata/suzuki"), 0)
			}
			for _, ev := range collect(t, c.Mail(ctx, seq)) {
				out = append(out, ev.ID)
			}
		}
		slices.Sort(out)
		return out
	}
	a, b := ids([]string{"mbox", "maildir"}), ids([]string{"maildir", "mbox"})
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("touchpoint IDs depend on the order of the mailboxes (-mbox first +maildir first):\n%s", diff)
	}
	if len(a) != len(slices.Compact(slices.Clone(a))) {
		t.Errorf("duplicate touchpoint IDs: %v", a)
	}
}

func TestMeetings(t *testing.T) {
	c, err := New(testDirectory(t), testWindow)
	if err != nil {
		t.Fatal(err)
	}
	cals := readCalendars(t, "testdata/outlook.ics", "testdata/google.ics", "testdata/cancel.ics")
	got := collect(t, c.Meetings(t.Context(), cals...))
	const weekly = "040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5"
	want := []tp{
		// Outlook: weekly on Mondays, COUNT=6 from 5 October (Tokyo), 12
		// October excluded (EXDATE), 19 October moved to the 20th (an
		// exception), 26 October cancelled by a later METHOD:CANCEL file.
		{"p-sato", TypeMeetingHeld, "2026-10-05T01:00:00Z", weekly + "@2026-10-05T10:00:00+09:00", "", "attendee", "ACCEPTED CONFIRMED"},
		{"acct-abc", TypeMeetingHeld, "2026-10-05T01:00:00Z", weekly + "@2026-10-05T10:00:00+09:00", "", "account", "CONFIRMED p-sato"},
		{"p-sato", TypeMeetingHeld, "2026-10-20T06:00:00Z", weekly + "@2026-10-19T10:00:00+09:00", "", "attendee", "ACCEPTED"},
		{"acct-abc", TypeMeetingHeld, "2026-10-20T06:00:00Z", weekly + "@2026-10-19T10:00:00+09:00", "", "account", "p-sato"},
		{"p-sato", TypeMeetingCancelled, "2026-10-26T01:00:00Z", weekly + "@2026-10-26T10:00:00+09:00", "", "attendee", "NEEDS-ACTION CANCELLED"},
		{"acct-abc", TypeMeetingCancelled, "2026-10-26T01:00:00Z", weekly + "@2026-10-26T10:00:00+09:00", "", "account", "CANCELLED p-sato"},
		{"p-sato", TypeMeetingHeld, "2026-11-02T01:00:00Z", weekly + "@2026-11-02T10:00:00+09:00", "", "attendee", "ACCEPTED CONFIRMED"},
		{"acct-abc", TypeMeetingHeld, "2026-11-02T01:00:00Z", weekly + "@2026-11-02T10:00:00+09:00", "", "account", "CONFIRMED p-sato"},
		{"p-sato", TypeMeetingHeld, "2026-11-09T01:00:00Z", weekly + "@2026-11-09T10:00:00+09:00", "", "attendee", "ACCEPTED CONFIRMED"},
		{"acct-abc", TypeMeetingHeld, "2026-11-09T01:00:00Z", weekly + "@2026-11-09T10:00:00+09:00", "", "account", "CONFIRMED p-sato"},
		// Outlook, Pacific Standard Time from the file's VTIMEZONE:
		// daylight time (UTC-7) on 5 October, standard (UTC-8) on 2
		// November, the day after the change.
		{"p-smith", TypeMeetingHeld, "2026-10-05T16:00:00Z", "040000008200E00074C5B7101A82E00800000000FFEEDD00", "", "attendee", "ACCEPTED"},
		{"acct-globex", TypeMeetingHeld, "2026-10-05T16:00:00Z", "040000008200E00074C5B7101A82E00800000000FFEEDD00", "", "account", "p-smith"},
		{"p-smith", TypeMeetingHeld, "2026-11-02T17:00:00Z", "040000008200E00074C5B7101A82E00800000000FFEEDDCC", "", "attendee", "ACCEPTED"},
		{"acct-globex", TypeMeetingHeld, "2026-11-02T17:00:00Z", "040000008200E00074C5B7101A82E00800000000FFEEDDCC", "", "account", "p-smith"},
		// Google: updated twice, one touchpoint in its latest state.
		{"p-smith", TypeMeetingHeld, "2026-11-12T06:00:00Z", "7kq2b1@google.com", "", "attendee", "ACCEPTED CONFIRMED"},
		{"acct-globex", TypeMeetingHeld, "2026-11-12T06:00:00Z", "7kq2b1@google.com", "", "account", "CONFIRMED p-smith"},
		{"p-sato", TypeMeetingCancelled, "2026-11-20T01:00:00Z", "cancelled-abc@google.com", "", "attendee", "DECLINED CANCELLED"},
		{"acct-abc", TypeMeetingCancelled, "2026-11-20T01:00:00Z", "cancelled-abc@google.com", "", "account", "CANCELLED p-sato"},
		// An all-day event, in Tokyo.
		{"p-sato", TypeMeetingHeld, "2026-11-14T15:00:00Z", "expo2026@google.com", "", "attendee", "ACCEPTED"},
		{"acct-abc", TypeMeetingHeld, "2026-11-14T15:00:00Z", "expo2026@google.com", "", "account", "p-sato"},
		// Monthly on the second Tuesday: two occurrences in the window.
		{"p-yamada", TypeMeetingHeld, "2026-10-13T10:00:00Z", "monthly-yamada@google.com@2026-10-13T19:00:00+09:00", "", "attendee", "ACCEPTED"},
		{"p-yamada", TypeMeetingHeld, "2026-11-10T10:00:00Z", "monthly-yamada@google.com@2026-11-10T19:00:00+09:00", "", "attendee", "ACCEPTED"},
	}
	if diff := cmp.Diff(want, project(got)); diff != "" {
		t.Errorf("touchpoints (-want +got):\n%s", diff)
	}
	s := c.Summary()
	if s.Failed != 1 || !strings.Contains(s.Failures[0].String(), `line 83: VEVENT "broken@google.com": DTSTART: "2026-11-20" is not a date-time`) {
		t.Errorf("failures = %d %v, want the broken DTSTART at line 83", s.Failed, s.Failures)
	}
	if s.Personal != 1 {
		t.Errorf("personal = %d, want 1 (the dentist)", s.Personal)
	}
	for _, ev := range got {
		if ev.Attributes[AttrAllDay] == "true" && ev.Attributes[AttrEnd] != "2026-11-17T00:00:00+09:00" {
			t.Errorf("all-day end = %s, want 2026-11-17T00:00:00+09:00", ev.Attributes[AttrEnd])
		}
	}
}

// TestMeetingIDStableAcrossStates: the touchpoint of an occurrence keeps
// its ID when the meeting is moved or cancelled, so a store replaces it.
func TestMeetingIDStableAcrossStates(t *testing.T) {
	run := func(paths ...string) map[string]journey.Event {
		c, err := New(testDirectory(t), testWindow)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]journey.Event{}
		for _, ev := range collect(t, c.Meetings(t.Context(), readCalendars(t, paths...)...)) {
			out[ev.ID] = ev
		}
		return out
	}
	before := run("testdata/outlook.ics")
	after := run("testdata/outlook.ics", "testdata/cancel.ics")
	if len(before) != len(after) {
		t.Fatalf("%d touchpoints before the cancellation, %d after", len(before), len(after))
	}
	changed := 0
	for id, b := range before {
		a, ok := after[id]
		if !ok {
			t.Errorf("touchpoint %s lost after the cancellation", id)
			continue
		}
		if a.Type != b.Type {
			changed++
			if a.Type != TypeMeetingCancelled || !Supersedes(a, b) || Supersedes(b, a) {
				t.Errorf("%s: %s → %s; Supersedes(new, old) = %v, (old, new) = %v", id, b.Type, a.Type, Supersedes(a, b), Supersedes(b, a))
			}
		}
	}
	if changed != 2 {
		t.Errorf("%d touchpoints changed type, want 2 (the person's and the account's of 26 October)", changed)
	}
}

func TestPrivacy(t *testing.T) {
	ctx := t.Context()
	n := 0
	msg := func(from, to, body string) *Message {
		n++
		m, err := ParseMessage([]byte("From: " + from + "\nTo: " + to + "\nSubject: 件名\nDate: Mon, 2 Nov 2026 10:00:00 +0900\nMessage-ID: <" + strconv.Itoa(n) + "@test>\n\n" + body))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	long := strings.Repeat("あ", 200)
	tests := []struct {
		name      string
		cfg       Config
		m         *Message
		customers []customer.ID
		body      bool
		snippet   int // runes, 0 for none
	}{
		{"restricted profile not captured", Config{}, msg("tanaka@example.co.jp", "ito@xyz.co.jp", "x"), nil, false, 0},
		{"restricted with another customer", Config{}, msg("tanaka@example.co.jp", "ito@xyz.co.jp, John.Smith@GLOBEX.com", "x"), []customer.ID{"p-smith", "acct-globex"}, false, 1},
		{"internal only is personal", Config{}, msg("tanaka@example.co.jp", "suzuki@example.co.jp", "x"), nil, false, 0},
		{"unknown external is personal", Config{}, msg("tanaka@example.co.jp", "someone@elsewhere.jp", "x"), nil, false, 0},
		{"no body by default, snippet cut", Config{}, msg("tanaka@example.co.jp", "yamada.taro@gmail.com", long), []customer.ID{"p-yamada"}, false, 141},
		{"body when configured", Config{StoreBodies: true}, msg("tanaka@example.co.jp", "yamada.taro@gmail.com", long), []customer.ID{"p-yamada"}, true, 141},
		{"no snippet", Config{SnippetRunes: -1}, msg("tanaka@example.co.jp", "yamada.taro@gmail.com", long), []customer.ID{"p-yamada"}, false, 0},
		{"full-width address", Config{}, msg("ｙａｍａｄａ．ｔａｒｏ＠ｇｍａｉｌ．ｃｏｍ", "tanaka@example.co.jp", "x"), []customer.ID{"p-yamada"}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.InternalDomains = []string{"example.co.jp"}
			c, err := New(testDirectory(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			evs, err := c.Message(ctx, tt.m)
			if err != nil {
				t.Fatal(err)
			}
			var ids []customer.ID
			for _, ev := range evs {
				ids = append(ids, ev.CustomerID)
				if _, ok := ev.Attributes[AttrBody]; ok != tt.body {
					t.Errorf("body stored = %v, want %v", ok, tt.body)
				}
				if n := len([]rune(ev.Attributes[AttrSnippet])); n != tt.snippet {
					t.Errorf("snippet of %d characters, want %d", n, tt.snippet)
				}
				for k, v := range ev.Attributes {
					if strings.Contains(v, "ito@") {
						t.Errorf("attribute %s holds the restricted address: %q", k, v)
					}
				}
			}
			if diff := cmp.Diff(tt.customers, ids); diff != "" {
				t.Errorf("customers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCreateLeads(t *testing.T) {
	d := testDirectory(t)
	c, err := New(d, Config{InternalDomains: []string{"example.co.jp"}, CreateLeads: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMessage([]byte("From: =?UTF-8?B?5bCP5p6XIOiqoA==?= <kobayashi@abc-shoji.co.jp>\nTo: tanaka@example.co.jp\nCc: newbie@startup.example\nDate: Mon, 2 Nov 2026 10:00:00 +0900\n\nhello"))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := c.Message(t.Context(), m)
	if err != nil {
		t.Fatal(err)
	}
	leads := d.Leads()
	if len(leads) != 2 {
		t.Fatalf("%d leads, want 2", len(leads))
	}
	kob := leads[0]
	if kob.Name.Family != "小林" || kob.Name.Given != "誠" || len(kob.Links) != 1 || kob.Links[0].Profile != "acct-abc" {
		t.Errorf("lead = %+v %+v, want 小林 誠 linked to acct-abc", kob.Name, kob.Links)
	}
	if err := customer.Validate(kob); err != nil {
		t.Errorf("lead profile invalid: %v", err)
	}
	var got []customer.ID
	for _, ev := range evs {
		got = append(got, ev.CustomerID)
	}
	want := []customer.ID{kob.ID, leads[1].ID, "acct-abc"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("customers (-want +got):\n%s", diff)
	}
	if s := c.Summary(); s.Leads != 2 || s.Unknown != 0 {
		t.Errorf("leads %d unknown %d, want 2 and 0", s.Leads, s.Unknown)
	}
}

// failingDirectory fails every lookup.
type failingDirectory struct{}

var errDirectory = errors.New("directory down")

func (failingDirectory) LookupEmail(context.Context, string) (Party, bool, error) {
	return Party{}, false, errDirectory
}
func (failingDirectory) Suppressed(context.Context, string) (bool, error) { return false, nil }

func TestDirectoryErrorEndsStream(t *testing.T) {
	ctx := t.Context()
	c, err := New(failingDirectory{}, Config{InternalDomains: []string{"example.co.jp"}})
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for _, err := range c.Mail(ctx, ReadMbox(ctx, openMbox(t, "testdata/tanaka.mbox"), "tanaka.mbox", MboxRD, 0)) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], errDirectory) {
		t.Errorf("stream gave %v, want one error wrapping the directory's", errs)
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	c, err := New(testDirectory(t), testWindow)
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for _, err := range c.Mail(ctx, ReadMbox(ctx, openMbox(t, "testdata/tanaka.mbox"), "tanaka.mbox", MboxRD, 0)) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("stream gave %v, want context.Canceled once", errs)
	}
}

func TestNewConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"bad domain", Config{InternalDomains: []string{"not a domain"}}},
		{"bad zone", Config{TimeZone: "Mars/Olympus"}},
		{"empty window", Config{From: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
	}
	for _, tt := range tests {
		if _, err := New(testDirectory(t), tt.cfg); err == nil {
			t.Errorf("%s: New accepted %+v", tt.name, tt.cfg)
		}
	}
	if _, err := New(nil, Config{}); err == nil {
		t.Error("New accepted a nil Directory")
	}
}
