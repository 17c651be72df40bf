package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/segment"
)

func init() {
	register(&command{
		name:    "segment",
		summary: "print the IDs of the profiles matching a segment expression",
		run:     runSegment,
	})
}

func runSegment(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "segment", "--profiles FILE.jsonl --expr 'EXPRESSION' [--events FILE.csv] [--now RFC3339]")
	profilesPath := fs.String("profiles", "", "profiles as JSON Lines, one customer profile per line (required)")
	expr := fs.String("expr", "", "the segment expression (required)")
	eventsPath := fs.String("events", "", "touchpoints CSV with header event_id,customer_id,type,channel,time[,value,…] for behavioural conditions and stage")
	nowFlag := fs.String("now", "", "evaluation time, RFC 3339 (default: the current time)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *profilesPath == "" || *expr == "" {
		return usageError("--profiles and --expr are required")
	}
	now, err := parseNow(*nowFlag, time.Now())
	if err != nil {
		return err
	}
	x, err := segment.Parse(*expr)
	if err != nil {
		return fmt.Errorf("bad expression: %w", err)
	}
	var events map[string][]journey.Event
	if *eventsPath != "" {
		if events, err = readEventsFile(*eventsPath); err != nil {
			return err
		}
	}
	profiles, err := readProfilesFile(*profilesPath)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.stdout)
	for _, p := range profiles {
		if err := ctx.Err(); err != nil {
			return err
		}
		evs := events[string(p.ID)]
		subj := &segment.Subject{ID: string(p.ID), Touchpoints: touchpoints(evs)}
		attrs := segment.ProfileAttrs{P: p, Now: now}
		if len(evs) > 0 {
			attrs.Stage = string(journey.Infer(nil, evs).Stage)
		}
		subj.Attrs = attrs
		in, err := segment.Match(x, nil, subj, now)
		if err != nil {
			return fmt.Errorf("profile %q: %w", p.ID, err)
		}
		if in {
			fmt.Fprintln(w, p.ID)
		}
	}
	return w.Flush()
}

func parseNow(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usageError("--now: expected an RFC 3339 time such as 2026-11-22T09:00:00+09:00, got %q", s)
	}
	return t, nil
}

// readProfilesFile reads JSON Lines of customer profiles; blank lines are
// skipped, and an error names the line.
func readProfilesFile(path string) ([]*customer.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readProfiles(f, path)
}

func readProfiles(r io.Reader, name string) ([]*customer.Profile, error) {
	sc := bufio.NewScanner(r)
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
		p, err := customer.DecodeProfile(b)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", name, line, err)
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

// readEventsFile reads a touchpoints CSV (event_id, customer_id, type,
// channel, time in RFC 3339, and optional value and currency columns) into
// events per customer, in time order.
func readEventsFile(path string) (map[string][]journey.Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	evs, err := readEvents(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return evs, nil
}

func readEvents(r io.Reader) (map[string][]journey.Event, error) {
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
	if i, err := rd.Column("value"); err == nil {
		valueCol = i
	}
	if i, err := rd.Column("currency"); err == nil {
		currencyCol = i
	}
	header := rd.Header()
	out := map[string][]journey.Event{}
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
		ev := journey.Event{ID: row[col["event_id"]], CustomerID: customer.ID(row[col["customer_id"]]),
			Type: journey.Type(row[col["type"]]), Channel: journey.Channel(row[col["channel"]])}
		if ev.ID == "" {
			return nil, bad(col["event_id"], "empty event ID")
		}
		if ev.CustomerID == "" {
			return nil, bad(col["customer_id"], "empty customer ID")
		}
		if ev.Type == "" {
			return nil, bad(col["type"], "empty type")
		}
		if ev.Time, err = time.Parse(time.RFC3339, row[col["time"]]); err != nil {
			return nil, bad(col["time"], "expected an RFC 3339 time such as 2026-11-22T09:00:00+09:00, got %q", row[col["time"]])
		}
		if valueCol >= 0 && row[valueCol] != "" {
			n, err := strconv.ParseInt(row[valueCol], 10, 64)
			if err != nil {
				return nil, bad(valueCol, "expected a whole amount in the currency's smallest unit (yen for JPY), got %q", row[valueCol])
			}
			ev.Value.Amount = n
			ev.Value.Currency = "JPY"
			if currencyCol >= 0 && row[currencyCol] != "" {
				ev.Value.Currency = row[currencyCol]
			}
		}
		for i, h := range header {
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
		out[string(ev.CustomerID)] = append(out[string(ev.CustomerID)], ev)
	}
	for id, evs := range out {
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time.Before(evs[j].Time) })
		out[id] = journey.Dedup(evs)
	}
	return out, nil
}

// touchpoints converts journey events (in time order) for segment traits.
func touchpoints(evs []journey.Event) []segment.Touchpoint {
	out := make([]segment.Touchpoint, len(evs))
	for i := range evs {
		out[i] = segment.FromEvent(&evs[i])
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
