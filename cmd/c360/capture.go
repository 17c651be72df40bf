package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // calendars name IANA zones; do not depend on the host's zone files

	"github.com/c360/c360/capture"
	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/journey"
)

func init() {
	register(&command{
		name:    "capture",
		summary: "turn mailboxes and calendars into touchpoints on the right profiles",
		run:     runCapture,
	})
}

const captureUsage = `(--mbox FILE | --eml DIR | --maildir DIR | --ics FILE)... --profiles FILE.jsonl
       --internal-domain DOMAIN [--store FILE.csv | --output FILE.csv]
       [--suppressed FILE] [--create-leads --leads FILE.jsonl] [--offers FILE.csv]
       [--from TIME] [--to TIME] [--config capture.json] [--store-bodies] [--snippet N]

Reads e-mail (mbox, .eml files, Maildir) and calendars (iCalendar .ics) and
records each message and meeting with a customer as touchpoints on the
customer's profile and account, resolved by e-mail address against
--profiles. The company's own people (--internal-domain) are the actors;
mail with no customer is skipped as personal; suppressed addresses are never
captured. Bodies are not kept unless --store-bodies: a touchpoint holds the
subject and a snippet.

Touchpoints are written as CSV (event_id,customer_id,type,channel,time,source
and one column per attribute), the format "c360 segment --events" and
"c360 funnel" read: to --output (default standard output), or merged into
--store, a touchpoints CSV kept across runs (a touchpoint captured again
replaces its row, so a meeting keeps its latest state). The summary goes to
standard error when the touchpoints go to standard output, else to standard
output. A message or calendar entry that cannot be read is counted as failed
with its reason and the rest is still read; the exit code is then still 0.`

// captureColumns are the columns of the touchpoints CSV after the fixed ones.
var captureColumns = []string{
	capture.AttrThread, capture.AttrMessageID, capture.AttrSubject, capture.AttrSnippet, capture.AttrRole,
	capture.AttrContacts, capture.AttrActors, capture.AttrReply, capture.AttrUID, capture.AttrSequence,
	capture.AttrRecurrenceID, capture.AttrEnd, capture.AttrAllDay, capture.AttrStatus, capture.AttrPartStat,
	capture.AttrLocation, capture.AttrBody,
}

var captureFixed = []string{"event_id", "customer_id", "type", "channel", "time", "source"}

func runCapture(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "capture", captureUsage)
	var mboxes, emls, maildirs, icss, domains multiFlag
	fs.Var(&mboxes, "mbox", "mbox file to read (mboxrd or mboxo), repeatable")
	fs.Var(&emls, "eml", "directory of .eml files to read (recursively), repeatable")
	fs.Var(&maildirs, "maildir", "Maildir to read (cur/ and new/, also Maildir++ folders), repeatable")
	fs.Var(&icss, "ics", "iCalendar file to read, repeatable; the files are merged, so an update in one replaces the event of another")
	fs.Var(&domains, "internal-domain", "the company's own e-mail domain (subdomains too); repeatable or comma-separated")
	profilesPath := fs.String("profiles", "", "profiles as JSON Lines, to resolve addresses against (required)")
	suppressedPath := fs.String("suppressed", "", "addresses never to capture, one a line: an address, or sha256:HEX of its key (NFKC-folded, lower-cased); # starts a comment")
	storePath := fs.String("store", "", "touchpoints CSV to merge into (created when absent)")
	output := fs.String("output", "", "touchpoints CSV to write when there is no --store (default: standard output)")
	offersPath := fs.String("offers", "", "CSV to write the signature values offered as enrichment (profile,field,value,source,message_id,date)")
	leadsPath := fs.String("leads", "", "JSON Lines file to write the lead profiles made by --create-leads")
	configPath := fs.String("config", "", "JSON configuration: the fields of capture.Config (flags given override it)")
	mboxFormat := fs.String("mbox-format", "rd", "rd (mboxrd) or o (mboxo): how body lines starting with From are escaped")
	createLeads := fs.Bool("create-leads", false, "create a lead profile for an external address no profile holds")
	storeBodies := fs.Bool("store-bodies", false, "keep the text of each message (privacy: off by default)")
	snippet := fs.Int("snippet", 0, "length of the snippet in characters (default 140; -1 for none)")
	fromFlag := fs.String("from", "", "capture meetings from this time (RFC 3339 or a date)")
	toFlag := fs.String("to", "", "capture meetings before this time (default: now; a meeting still to come is not held)")
	tz := fs.String("time-zone", "", "IANA zone of calendar times without one (default Asia/Tokyo)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if len(mboxes)+len(emls)+len(maildirs)+len(icss) == 0 {
		return usageError("give at least one of --mbox, --eml, --maildir and --ics")
	}
	if *profilesPath == "" {
		return usageError("--profiles is required")
	}
	if *storePath != "" && *output != "" {
		return usageError("give --store or --output, not both")
	}
	if *leadsPath != "" && !*createLeads {
		return usageError("--leads needs --create-leads")
	}
	format := capture.MboxRD
	switch *mboxFormat {
	case "rd", "mboxrd":
	case "o", "mboxo":
		format = capture.MboxO
	default:
		return usageError("--mbox-format must be rd or o, got %q", *mboxFormat)
	}
	inputs := map[string]string{"profiles": *profilesPath, "suppressed": *suppressedPath, "config": *configPath}
	for i, p := range mboxes {
		inputs[fmt.Sprintf("mbox %d", i+1)] = p
	}
	for i, p := range icss {
		inputs[fmt.Sprintf("ics %d", i+1)] = p
	}
	outputs := map[string]string{"output": *output, "offers": *offersPath, "leads": *leadsPath}
	if err := checkPaths(inputs, outputs); err != nil {
		return err
	}
	if *storePath != "" {
		// The store is read and written: it must be no other input or output.
		if err := checkPaths(inputs, map[string]string{"store": *storePath}); err != nil {
			return err
		}
		if err := checkPaths(nil, map[string]string{"store": *storePath, "offers": *offersPath, "leads": *leadsPath}); err != nil {
			return err
		}
	}

	var cfg capture.Config
	if *configPath != "" {
		b, err := os.ReadFile(*configPath)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cfg); err != nil {
			return fmt.Errorf("%s: %w", *configPath, err)
		}
	}
	for _, d := range domains {
		cfg.InternalDomains = append(cfg.InternalDomains, splitList(d)...)
	}
	if len(cfg.InternalDomains) == 0 {
		fmt.Fprintln(e.stderr, "c360 capture: warning: no --internal-domain: every participant is taken as external")
	}
	cfg.CreateLeads = cfg.CreateLeads || *createLeads
	cfg.StoreBodies = cfg.StoreBodies || *storeBodies
	if *snippet != 0 {
		cfg.SnippetRunes = *snippet
	}
	if *tz != "" {
		cfg.TimeZone = *tz
	}
	var err error
	if *fromFlag != "" {
		if cfg.From, err = parseNow(*fromFlag, time.Time{}); err != nil {
			return usageError("--from: expected an RFC 3339 time or a date, got %q", *fromFlag)
		}
	}
	if *toFlag != "" {
		if cfg.To, err = parseNow(*toFlag, time.Time{}); err != nil {
			return usageError("--to: expected an RFC 3339 time or a date, got %q", *toFlag)
		}
	}

	profiles, err := readProfilesFile(*profilesPath, e.stdin)
	if err != nil {
		return err
	}
	var suppressed []string
	if *suppressedPath != "" {
		if suppressed, err = readSuppressed(*suppressedPath); err != nil {
			return err
		}
	}
	dir, err := capture.NewProfileDirectory(slices.Values(profiles), suppressed)
	if err != nil {
		return err
	}
	c, err := capture.New(dir, cfg)
	if err != nil {
		return usageError("%v", err)
	}

	// Where the touchpoints go.
	sink, err := newTouchpointSink(*storePath, *output, e.stdout)
	if err != nil {
		return err
	}
	defer sink.abort()

	for _, p := range mboxes {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = sink.add(c.Mail(ctx, capture.ReadMbox(ctx, f, p, format, 0)))
		f.Close()
		if err != nil {
			return err
		}
	}
	for _, p := range emls {
		if err := isDir(p); err != nil {
			return err
		}
		if err := sink.add(c.Mail(ctx, capture.ReadEML(ctx, os.DirFS(p), 0))); err != nil {
			return err
		}
	}
	for _, p := range maildirs {
		if err := isDir(p); err != nil {
			return err
		}
		if err := sink.add(c.Mail(ctx, capture.ReadMaildir(ctx, os.DirFS(p), 0))); err != nil {
			return err
		}
	}
	if len(icss) > 0 {
		var cals []*capture.Calendar
		for _, p := range icss {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			cal, err := capture.ParseCalendar(bufio.NewReader(f), p, nil)
			f.Close()
			if errors.Is(err, capture.ErrNotCalendar) {
				return fmt.Errorf("%s: %w", p, err)
			}
			if err != nil {
				return err
			}
			cals = append(cals, cal)
		}
		if err := sink.add(c.Meetings(ctx, cals...)); err != nil {
			return err
		}
	}

	var extra []*atomicFile
	defer func() {
		for _, f := range extra {
			f.abort()
		}
	}()
	if *offersPath != "" {
		f, err := createAtomic(*offersPath)
		if err != nil {
			return err
		}
		extra = append(extra, f)
		f.csv.Write([]string{"profile", "field", "value", "source", "message_id", "date"})
		for _, o := range c.Offers() {
			f.csv.Write([]string{string(o.Profile), o.Field, o.Value, capture.SignatureSource, o.MessageID, o.Date.Format(time.RFC3339)})
		}
	}
	if *leadsPath != "" {
		f, err := createAtomic(*leadsPath)
		if err != nil {
			return err
		}
		extra = append(extra, f)
		for _, p := range dir.Leads() {
			b, err := json.Marshal(p)
			if err != nil {
				return err
			}
			f.w.Write(append(b, '\n'))
		}
	}
	if err := sink.commit(); err != nil {
		return err
	}
	for _, f := range extra {
		if err := f.commit(); err != nil {
			return err
		}
	}
	extra = nil
	summaryTo := e.stdout
	if sink.toStdout {
		summaryTo = e.stderr
	}
	printCaptureSummary(summaryTo, c.Summary())
	return nil
}

func isDir(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return usageError("%s is not a directory", p)
	}
	return nil
}

// readSuppressed reads a suppression list: one entry a line, blank lines
// and # comments skipped.
func readSuppressed(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if i := strings.IndexByte(l, '#'); i >= 0 {
			l = l[:i]
		}
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// touchpointSink writes touchpoints as CSV: straight to the output, or into
// a store file merged with what it holds.
type touchpointSink struct {
	toStdout bool
	out      *atomicFile // --output FILE
	bw       *bufio.Writer
	w        *csv.Writer // the writer of the streaming output
	store    string
	header   []string
	rows     map[string][]string // the store's rows by event ID
	order    []string
}

func newTouchpointSink(store, output string, stdout io.Writer) (*touchpointSink, error) {
	s := &touchpointSink{header: append(slices.Clone(captureFixed), captureColumns...)}
	switch {
	case store != "":
		s.store = store
		s.rows = map[string][]string{}
		if err := s.load(); err != nil {
			return nil, err
		}
		return s, nil
	case output == "" || output == "-":
		s.toStdout = true
		s.bw = bufio.NewWriterSize(stdout, 1<<16)
		s.w = csv.NewWriter(s.bw)
	default:
		f, err := createAtomic(output)
		if err != nil {
			return nil, err
		}
		s.out, s.w = f, f.csv
	}
	return s, s.w.Write(s.header)
}

// load reads the store file, if it exists. Its columns are kept; columns
// capture writes are added.
func (s *touchpointSink) load() error {
	f, err := os.Open(s.store)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	rd, err := table.NewReader(f)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return fmt.Errorf("%s: %w", s.store, err)
	}
	header := rd.Header()
	if _, err := rd.Column("event_id"); err != nil {
		return fmt.Errorf("%s: %w", s.store, err)
	}
	idCol, _ := rd.Column("event_id")
	merged := slices.Clone(header)
	for _, h := range s.header {
		if !slices.Contains(merged, h) {
			merged = append(merged, h)
		}
	}
	s.header = merged
	for {
		row, line, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s.store, err)
		}
		id := row[idCol]
		if id == "" {
			return fmt.Errorf("%s: %w", s.store, &table.LineError{Line: line, Column: "event_id", Err: errors.New("empty event ID")})
		}
		full := make([]string, len(s.header))
		copy(full, row)
		if _, dup := s.rows[id]; !dup {
			s.order = append(s.order, id)
		}
		s.rows[id] = full
	}
}

// row lays an event out under the sink's header.
func (s *touchpointSink) row(ev journey.Event) []string {
	out := make([]string, len(s.header))
	for i, h := range s.header {
		switch h {
		case "event_id":
			out[i] = ev.ID
		case "customer_id":
			out[i] = string(ev.CustomerID)
		case "type":
			out[i] = string(ev.Type)
		case "channel":
			out[i] = string(ev.Channel)
		case "time":
			out[i] = ev.Time.Format(time.RFC3339)
		case "source":
			out[i] = ev.Source
		default:
			out[i] = ev.Attributes[h]
		}
	}
	return out
}

// add writes or merges the touchpoints of one stream.
func (s *touchpointSink) add(evs iter.Seq2[journey.Event, error]) error {
	for ev, err := range evs {
		if err != nil {
			return err
		}
		if s.rows == nil {
			if err := s.w.Write(s.row(ev)); err != nil {
				return err
			}
			continue
		}
		if old, ok := s.rows[ev.ID]; ok {
			if !capture.Supersedes(ev, s.event(old)) {
				continue
			}
		} else {
			s.order = append(s.order, ev.ID)
		}
		s.rows[ev.ID] = s.row(ev)
	}
	return nil
}

// event reads back the ID and sequence of a stored row.
func (s *touchpointSink) event(row []string) journey.Event {
	ev := journey.Event{Attributes: map[string]string{}}
	for i, h := range s.header {
		switch h {
		case "event_id":
			ev.ID = row[i]
		case capture.AttrSequence:
			if row[i] != "" {
				ev.Attributes[h] = row[i]
			}
		}
	}
	return ev
}

func (s *touchpointSink) commit() error {
	if s.rows != nil {
		f, err := createAtomic(s.store)
		if err != nil {
			return err
		}
		s.out = f
		f.csv.Write(s.header)
		for _, id := range s.order {
			f.csv.Write(s.rows[id])
		}
		s.rows = nil
	}
	if s.out != nil {
		err := s.out.commit()
		s.out = nil
		return err
	}
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return err
	}
	return s.bw.Flush()
}

func (s *touchpointSink) abort() {
	if s.out != nil {
		s.out.abort()
		s.out = nil
	}
}

func printCaptureSummary(w io.Writer, s capture.Summary) {
	fmt.Fprintf(w, "messages read          %d\n", s.Messages)
	fmt.Fprintf(w, "  duplicates           %d (same message in another mailbox)\n", s.Duplicates)
	fmt.Fprintf(w, "meetings read          %d (occurrences in the window)\n", s.Meetings)
	fmt.Fprintf(w, "touchpoints created    %d\n", s.Touchpoints)
	fmt.Fprintf(w, "participants resolved  %d\n", s.Resolved)
	fmt.Fprintf(w, "  via account domain   %d\n", s.ViaDomain)
	fmt.Fprintf(w, "  leads created        %d\n", s.Leads)
	fmt.Fprintf(w, "  unknown              %d\n", s.Unknown)
	fmt.Fprintf(w, "  suppressed           %d (never captured)\n", s.Suppressed)
	fmt.Fprintf(w, "  internal             %d\n", s.Internal)
	if s.Invalid > 0 {
		fmt.Fprintf(w, "  invalid addresses    %d\n", s.Invalid)
	}
	fmt.Fprintf(w, "skipped as personal    %d\n", s.Personal)
	fmt.Fprintf(w, "signature offers       %d\n", s.Offers)
	fmt.Fprintf(w, "failed                 %d\n", s.Failed)
	for _, f := range s.Failures {
		fmt.Fprintf(w, "  %s\n", strings.ReplaceAll(f.String(), "\n", " "))
	}
	if s.Failed > len(s.Failures) {
		fmt.Fprintf(w, "  … and %d more\n", s.Failed-len(s.Failures))
	}
}
