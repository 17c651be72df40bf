package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c360/c360/customer"
)

const capData = "../../capture/testdata/"

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCaptureCommand(t *testing.T) {
	dir := t.TempDir()
	offers := filepath.Join(dir, "offers.csv")
	code, stdout, stderr := runCLI(t, "", "capture", "--mbox", capData+"tanaka.mbox", "--maildir", capData+"suzuki", "--eml", capData+"eml",
		"--ics", capData+"outlook.ics", "--ics", capData+"google.ics", "--ics", capData+"cancel.ics",
		"--profiles", capData+"profiles.jsonl", "--suppressed", capData+"suppressed.txt", "--internal-domain", "example.co.jp",
		"--from", "2026-10-01", "--to", "2026-11-24", "--offers", offers)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	rows := readCSV(t, stdout)
	wantHeader := []string{"event_id", "customer_id", "type", "channel", "time", "source", "thread_id", "message_id", "subject", "snippet",
		"role", "contacts", "actors", "reply", "uid", "sequence", "recurrence_id", "end", "all_day", "status", "partstat", "location", "body"}
	if diff := cmp.Diff(wantHeader, rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	// 9 from the mbox and Maildir, 1 from the .eml files, 22 from the calendars.
	if len(rows) != 1+32 {
		t.Errorf("%d touchpoints, want 32", len(rows)-1)
	}
	for _, want := range []string{
		"messages read          13\n", "  duplicates           2 ", "meetings read          13 ", "touchpoints created    32\n",
		"participants resolved  3\n", "  via account domain   1\n", "  unknown              1\n", "  suppressed           1 ",
		"skipped as personal    2\n", "signature offers       4\n", "failed                 5\n",
		`  tanaka.mbox:110: line 4: Date: cannot read "sometime next week" as a date`,
		`  google.ics: line 83: VEVENT "broken@google.com": DTSTART:`,
	} {
		if !strings.Contains(stderr, strings.ReplaceAll(want, "tanaka.mbox", capData+"tanaka.mbox")) && !strings.Contains(stderr, strings.ReplaceAll(want, "google.ics", capData+"google.ics")) {
			t.Errorf("summary lacks %q:\n%s", want, stderr)
		}
	}
	// The touchpoints read back as c360 segment and c360 funnel read them.
	evs, err := readEvents(strings.NewReader(stdout), "")
	if err != nil {
		t.Fatalf("touchpoints CSV unreadable by readEvents: %v", err)
	}
	if n := len(evs["p-sato"]); n != 10 { // 3 e-mails, 5 weekly meetings, the exhibition, the cancelled meeting
		t.Errorf("p-sato has %d touchpoints, want 10", n)
	}
	b, err := os.ReadFile(offers)
	if err != nil {
		t.Fatal(err)
	}
	wantOffers := [][]string{{"profile", "field", "value", "source", "message_id", "date"},
		{"p-sato", "company", "ABC商事株式会社", "email_signature", "m2@abc-shoji.co.jp", "2026-11-03T09:15:00+09:00"},
		{"p-sato", "mobile", "+819012345678", "email_signature", "m2@abc-shoji.co.jp", "2026-11-03T09:15:00+09:00"},
		{"p-sato", "phone", "+81333334444", "email_signature", "m2@abc-shoji.co.jp", "2026-11-03T09:15:00+09:00"},
		{"p-sato", "title", "購買部 部長", "email_signature", "m2@abc-shoji.co.jp", "2026-11-03T09:15:00+09:00"}}
	if diff := cmp.Diff(wantOffers, readCSV(t, string(b))); diff != "" {
		t.Errorf("offers (-want +got):\n%s", diff)
	}
}

// TestCaptureStore: touchpoints merge into a store file; a later
// cancellation replaces its meeting's rows; running again changes nothing.
func TestCaptureStore(t *testing.T) {
	store := filepath.Join(t.TempDir(), "touchpoints.csv")
	args := func(ics ...string) []string {
		a := []string{"capture", "--profiles", capData + "profiles.jsonl", "--internal-domain", "example.co.jp", "--store", store, "--from", "2026-10-01", "--to", "2026-11-24"}
		for _, f := range ics {
			a = append(a, "--ics", capData+f)
		}
		return a
	}
	typeOf := func() map[string]string {
		b, err := os.ReadFile(store)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, r := range readCSV(t, string(b))[1:] {
			out[r[0]] = r[2]
		}
		return out
	}
	code, stdout, stderr := runCLI(t, "", args("outlook.ics")...)
	if code != 0 || !strings.Contains(stdout, "touchpoints created    14\n") {
		t.Fatalf("exit %d, stdout %q (the summary goes to standard output with --store), stderr %q", code, stdout, stderr)
	}
	before := typeOf()
	if code, _, stderr := runCLI(t, "", args("cancel.ics")...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	after := typeOf()
	if len(after) != len(before) || len(after) != 14 {
		t.Fatalf("%d rows before, %d after; want 14 and 14", len(before), len(after))
	}
	changed := 0
	for id, typ := range after {
		if typ != before[id] {
			changed++
			if typ != "meeting_cancelled" {
				t.Errorf("%s became %s", id, typ)
			}
		}
	}
	if changed != 2 {
		t.Errorf("%d rows changed, want 2", changed)
	}
	// The older export read again does not undo the cancellation.
	b1, _ := os.ReadFile(store)
	if code, _, stderr := runCLI(t, "", args("outlook.ics")...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b2, _ := os.ReadFile(store)
	if !bytes.Equal(b1, b2) {
		t.Error("reading the older export again changed the store")
	}
}

func TestCaptureLeads(t *testing.T) {
	dir := t.TempDir()
	leads := filepath.Join(dir, "leads.jsonl")
	code, _, stderr := runCLI(t, "", "capture", "--maildir", capData+"suzuki", "--profiles", capData+"profiles.jsonl",
		"--internal-domain", "example.co.jp", "--create-leads", "--leads", leads, "--output", filepath.Join(dir, "tp.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(leads)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d leads, want 1 (takahashi@abc-shoji.co.jp):\n%s", len(lines), b)
	}
	p, err := customer.DecodeProfile([]byte(lines[0]))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name.Family != "高橋" || len(p.Links) != 1 || p.Links[0].Profile != "acct-abc" {
		t.Errorf("lead %+v links %+v, want 高橋 linked to acct-abc", p.Name, p.Links)
	}
}

func TestCaptureUsageErrors(t *testing.T) {
	dir := t.TempDir()
	prof := capData + "profiles.jsonl"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no source", []string{"--profiles", prof}, "give at least one of --mbox"},
		{"no profiles", []string{"--mbox", capData + "tanaka.mbox"}, "--profiles is required"},
		{"store and output", []string{"--mbox", capData + "tanaka.mbox", "--profiles", prof, "--store", filepath.Join(dir, "a"), "--output", filepath.Join(dir, "b")}, "not both"},
		{"leads without create", []string{"--mbox", capData + "tanaka.mbox", "--profiles", prof, "--leads", filepath.Join(dir, "l")}, "--leads needs --create-leads"},
		{"mbox format", []string{"--mbox", capData + "tanaka.mbox", "--profiles", prof, "--mbox-format", "x"}, "--mbox-format must be rd or o"},
		{"output is input", []string{"--mbox", capData + "tanaka.mbox", "--profiles", prof, "--output", capData + "tanaka.mbox"}, "is also the input"},
		{"bad domain", []string{"--mbox", capData + "tanaka.mbox", "--profiles", prof, "--internal-domain", "not a domain"}, "is not a domain"},
		{"eml not a directory", []string{"--eml", capData + "tanaka.mbox", "--profiles", prof}, "is not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", append([]string{"capture"}, tt.args...)...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
	// Not a calendar: exit 1 naming the file.
	code, _, stderr := runCLI(t, "", "capture", "--ics", capData+"tanaka.mbox", "--profiles", prof, "--output", filepath.Join(dir, "x.csv"))
	if code != 1 || !strings.Contains(stderr, "tanaka.mbox: capture: not an iCalendar file") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.csv")); err == nil {
		t.Error("a failed run left its output")
	}
}
