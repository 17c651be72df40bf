package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/strictjson"
	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/segment"
	"github.com/hashicorp/go-multierror"
)

func init() {
	register(&command{
		name:    "segment",
		summary: "print the IDs of the profiles matching a segment expression",
		run:     runSegment,
	})
}

func runSegment(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "segment", "--profiles FILE.jsonl --expr 'EXPRESSION' [--events FILE.csv] [--now RFC3339] [--currency JPY]\n\n"+
		"Prints the IDs of the matching profiles, one per line, in the order of the file.\n"+
		"Expressions (package segment):\n"+
		"  stage = \"engage\" and consent.email.marketing = \"opt_in\"\n"+
		"  last_purchase_at > now - 90d\n"+
		"  count(online_purchase, 90d) >= 2 and sum(value, 365d) > 50000\n"+
		"With --events, stage is inferred from the events and last_purchase_at is the\n"+
		"latest online_purchase, store_purchase or purchase unless the profile has it.\n"+
		"A bad expression exits 1 with its line, column and what was expected.\n")
	profilesPath := fs.String("profiles", "", "profiles as JSON Lines, one customer profile per line; - for standard input (required)")
	expr := fs.String("expr", "", "the segment expression (required)")
	eventsPath := fs.String("events", "", "touchpoints CSV with header event_id,customer_id,type,channel,time[,value,currency,…] for behavioural conditions, stage and last_purchase_at; - for standard input")
	nowFlag := fs.String("now", "", "evaluation time, RFC 3339 or a date meaning its midnight UTC (default: the current time)")
	currency := fs.String("currency", "JPY", "ISO 4217 code of the values sum/avg/min/max(value) read; values in other currencies are left out (the currency column, JPY when absent)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *profilesPath == "" || *expr == "" {
		return usageError("--profiles and --expr are required")
	}
	cur, err := parseCurrency(*currency)
	if err != nil {
		return err
	}
	if *profilesPath == "-" && *eventsPath == "-" {
		return usageError("only one of --profiles and --events can be - (standard input)")
	}
	now, err := parseNow(*nowFlag, time.Now())
	if err != nil {
		return err
	}
	x, err := segment.Parse(*expr)
	if err != nil {
		return fmt.Errorf("bad expression: %w", err)
	}
	// Compile the expression once, not once per profile.
	set := segment.NewSet()
	seg, err := set.Define(cliSegment, x)
	if err != nil {
		return fmt.Errorf("bad expression: %w", err)
	}
	var events map[string][]csvEvent
	if *eventsPath != "" {
		if events, err = readEventsFile(*eventsPath, "", e.stdin); err != nil {
			return err
		}
	}
	if err := checkExprTypes(seg, events); err != nil {
		return err
	}
	profiles, err := readProfilesFile(*profilesPath, e.stdin)
	if err != nil {
		return err
	}
	// Inferring the lifecycle stage replays every event of the customer:
	// only do it when the expression may read it.
	needStage := strings.Contains(*expr, "stage")
	purchase := map[string]bool{}
	for _, t := range segment.DefaultPurchaseTypes() {
		purchase[t] = true
	}
	w := bufio.NewWriter(e.stdout)
	otherCurrency := 0
	for _, p := range profiles {
		if err := ctx.Err(); err != nil {
			return err
		}
		evs := events[string(p.ID)]
		tps, other := touchpoints(evs, cur)
		otherCurrency += other
		subj := &segment.Subject{ID: string(p.ID), Touchpoints: tps}
		attrs := eventAttrs{ProfileAttrs: segment.ProfileAttrs{P: p, Now: now}}
		if len(evs) > 0 && needStage {
			attrs.Stage = string(journey.Infer(nil, journeyEvents(evs)).Stage)
		}
		for i := range evs {
			if t := evs[i].ev.Time; purchase[string(evs[i].ev.Type)] && !t.After(now) && t.After(attrs.lastPurchase) {
				attrs.lastPurchase = t
			}
		}
		subj.Attrs = attrs
		in, err := set.Evaluate(cliSegment, subj, now)
		if err != nil {
			return fmt.Errorf("profile %q: %w", p.ID, err)
		}
		if in {
			fmt.Fprintln(w, p.ID)
		}
	}
	if otherCurrency > 0 {
		fmt.Fprintf(e.stderr, "c360 segment: warning: %d value(s) in other currencies than %s left out of value aggregates (choose the currency with --currency)\n", otherCurrency, cur)
	}
	return w.Flush()
}

// parseCurrency checks an ISO 4217 code given as a flag and returns it in
// upper case.
func parseCurrency(s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", usageError("--currency must be an ISO 4217 code such as JPY or USD, got %q", s)
	}
	return c, nil
}

// cliSegment names the expression of c360 segment in its set.
const cliSegment = "expr"

// eventAttrs presents a profile to the expression, adding what the events
// file tells about it: last_purchase_at, the time of the latest touchpoint
// of a purchase type (segment.DefaultPurchaseTypes) at or before now, when
// the profile has no attribute of that name.
type eventAttrs struct {
	segment.ProfileAttrs
	lastPurchase time.Time
}

// Attr implements segment.Attributes.
func (a eventAttrs) Attr(path string) customer.Value {
	v := a.ProfileAttrs.Attr(path)
	if v.IsZero() && path == "last_purchase_at" && !a.lastPurchase.IsZero() {
		return customer.TimeValue(a.lastPurchase)
	}
	return v
}

// parseNow reads --now: an RFC 3339 time, or a date (2026-11-22) meaning
// its midnight UTC, as c360 quality reads it. "" gives def.
func parseNow(s string, def time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return def, nil
	}
	t, err := parseRFC3339(s)
	if err != nil {
		if d, derr := time.Parse(time.DateOnly, s); derr == nil {
			return d, nil
		}
		return time.Time{}, usageError("--now: expected an RFC 3339 time such as 2026-11-22T09:00:00+09:00 or a date, got %q", s)
	}
	return t, nil
}

// readProfilesFile reads JSON Lines of customer profiles from a file, or
// from stdin when path is "-"; blank lines are skipped, and an error names
// the line.
func readProfilesFile(path string, stdin io.Reader) ([]*customer.Profile, error) {
	if path == "-" {
		return readProfiles(stdin, "standard input")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readProfiles(f, path)
}

// profileType and profileOpaque describe the JSON of a profile to
// strictjson: a Value object has the keys type and value.
var (
	profileType   = reflect.TypeFor[customer.Profile]()
	profileOpaque = strictjson.Opaque{reflect.TypeFor[customer.Value](): {"type", "value"}}
)

// readProfiles reads JSON Lines of profiles as strictly as a CSV file: bytes
// that are not UTF-8, a NUL byte, a UTF-16 file, a key that is no field of a
// profile and a key given twice are errors naming the line.
func readProfiles(r io.Reader, name string) ([]*customer.Profile, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if b, _ := br.Peek(4); table.IsUTF16(b) {
		return nil, fmt.Errorf("%s: line 1: %w (%s)", name, table.ErrUTF16, table.UTF8Hint)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 1<<16), 64<<20)
	var out []*customer.Profile
	seen := map[customer.ID]int{}
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		if len(b) == 0 {
			continue
		}
		if err := table.CheckText(string(b)); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", name, line, err)
		}
		if err := strictjson.Check(b, profileType, profileOpaque); err != nil {
			var se *json.SyntaxError
			if !errors.As(err, &se) { // a syntax error is DecodeProfile's to report
				return nil, fmt.Errorf("%s: line %d: %w", name, line, err)
			}
		}
		p, err := customer.DecodeProfile(b)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", name, line, oneLine{err})
		}
		if prev, dup := seen[p.ID]; dup {
			return nil, fmt.Errorf("%s: line %d: duplicate profile ID %q (first on line %d)", name, line, p.ID, prev)
		}
		seen[p.ID] = line
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// csvEvent is one row of a touchpoints file: the event and its value as
// written (a decimal number, in the file's own unit).
type csvEvent struct {
	ev       journey.Event
	value    float64
	hasValue bool
}

// oneLine prints a list of errors (go-multierror) on one line, "; "
// between them, so that a message naming a line of input stays one line.
type oneLine struct{ err error }

func (o oneLine) Error() string {
	var m *multierror.Error
	if !errors.As(o.err, &m) || len(m.Errors) == 0 {
		return o.err.Error()
	}
	msgs := make([]string, len(m.Errors))
	for i, e := range m.Errors {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

func (o oneLine) Unwrap() error { return o.err }

// readEventsFile reads a touchpoints CSV (event_id, customer_id, type,
// channel, time in RFC 3339, optional value and currency columns, other
// columns as attributes) into events per customer, in time order; path "-"
// reads stdin. valueCol names the value column; "" means value, or amount
// when there is no value column.
func readEventsFile(path, valueCol string, stdin io.Reader) (map[string][]csvEvent, error) {
	var r io.Reader = stdin
	if path == "-" {
		path = "standard input"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	evs, err := readEvents(r, valueCol)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return evs, nil
}

// readEvents reads touchpoints; see readEventsFile. A row repeating an
// earlier event_id is skipped (ingestion is idempotent on the event ID, as
// in c360 funnel); distinct IDs are distinct touchpoints, even at the same
// instant. The first bad row stops the reading with an error naming its line.
func readEvents(r io.Reader, valueName string) (map[string][]csvEvent, error) {
	rd, err := table.NewReader(r)
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for _, name := range []string{"event_id", "customer_id", "type", "channel", "time"} {
		i, err := rd.Column(name)
		if err != nil {
			return nil, err
		}
		col[name] = i
	}
	valueCol, currencyCol := -1, -1
	switch {
	case valueName != "":
		if valueCol, err = rd.Column(valueName); err != nil {
			return nil, fmt.Errorf("--value: %w", err)
		}
	default:
		if i, err := rd.Column("value"); err == nil {
			valueCol = i
		} else if i, err := rd.Column("amount"); err == nil {
			valueCol = i
		}
	}
	if i, err := rd.Column("currency"); err == nil {
		currencyCol = i
	}
	header := rd.Header()
	out := map[string][]csvEvent{}
	seen := map[string]struct{}{}
	for {
		row, line, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		bad := func(c int, format string, args ...any) error {
			return &table.LineError{Line: line, Column: header[c], Err: fmt.Errorf(format, args...)}
		}
		ce := csvEvent{ev: journey.Event{ID: row[col["event_id"]], CustomerID: customer.ID(row[col["customer_id"]]),
			Type: journey.Type(row[col["type"]]), Channel: customer.Channel(row[col["channel"]])}}
		ev := &ce.ev
		if ev.ID == "" {
			return nil, bad(col["event_id"], "empty event ID")
		}
		if ev.CustomerID == "" {
			return nil, bad(col["customer_id"], "empty customer ID")
		}
		if ev.Type == "" {
			return nil, bad(col["type"], "empty type")
		}
		if ev.Time, err = parseRFC3339(row[col["time"]]); err != nil {
			return nil, bad(col["time"], "expected an RFC 3339 time such as 2026-11-22T09:00:00+09:00, got %q", row[col["time"]])
		}
		if valueCol >= 0 && row[valueCol] != "" {
			v, ok := parseDecimal(row[valueCol])
			if !ok {
				return nil, bad(valueCol, "expected a number such as 1200 or -35.50, got %q", row[valueCol])
			}
			ce.value, ce.hasValue = v, true
			// journey.Event keeps whole amounts; it is used here only to
			// infer the lifecycle stage.
			ev.Value.Amount = int64(math.Round(math.Max(math.Min(v, math.MaxInt64/2), math.MinInt64/2)))
			ev.Value.Currency = "JPY"
			if currencyCol >= 0 && row[currencyCol] != "" {
				ev.Value.Currency = strings.ToUpper(row[currencyCol])
			}
		}
		if _, dup := seen[ev.ID]; dup {
			continue
		}
		seen[ev.ID] = struct{}{}
		for i, h := range header {
			if i == valueCol {
				continue
			}
			switch h {
			case "event_id", "customer_id", "type", "channel", "time", "value", "currency":
			default:
				if row[i] != "" {
					if ev.Attributes == nil {
						ev.Attributes = map[string]string{}
					}
					ev.Attributes[h] = row[i]
				}
			}
		}
		out[string(ev.CustomerID)] = append(out[string(ev.CustomerID)], ce)
	}
	for _, evs := range out {
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].ev.Time.Before(evs[j].ev.Time) })
	}
	return out, nil
}

// parseDecimal parses a plain decimal number (digits, an optional sign,
// point and exponent). It refuses what strconv.ParseFloat also reads but a
// spreadsheet would not write: hexadecimal, underscores, Inf and NaN.
func parseDecimal(s string) (float64, bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == '+', c == '-', c == 'e', c == 'E':
		default:
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// touchpoints converts events (in time order) for segment traits whose
// money is in currency: a value in another currency keeps its amount and
// currency but is left out of value aggregates (HasValue false), as
// segment.Set.FromEvent does; other counts those values.
func touchpoints(evs []csvEvent, currency string) (tps []segment.Touchpoint, other int) {
	tps = make([]segment.Touchpoint, len(evs))
	for i := range evs {
		tps[i] = segment.FromEvent(&evs[i].ev)
		tps[i].Value, tps[i].HasValue = evs[i].value, evs[i].hasValue // decimals, as written
		if tps[i].HasValue && tps[i].Currency != currency {
			tps[i].HasValue = false
			other++
		}
	}
	return tps, other
}

// journeyEvents returns the journey events of evs.
func journeyEvents(evs []csvEvent) []journey.Event {
	out := make([]journey.Event, len(evs))
	for i := range evs {
		out[i] = evs[i].ev
	}
	return out
}

// splitList splits a comma-separated flag value.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// checkExprTypes refuses an expression that names a touchpoint type that is
// neither a standard type nor in the events file: it would match nobody.
func checkExprTypes(seg *segment.Segment, events map[string][]csvEvent) error {
	known := map[journey.Type]bool{}
	for _, t := range (*journey.Catalog)(nil).Types() {
		known[t] = true
	}
	for _, evs := range events {
		for i := range evs {
			known[evs[i].ev.Type] = true
		}
	}
	for _, t := range seg.TouchpointTypes() {
		if !known[journey.Type(t)] {
			return fmt.Errorf("bad expression: unknown touchpoint type %q: neither a standard type nor a type in the events file", t)
		}
	}
	return nil
}
