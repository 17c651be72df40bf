package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
)

const day = 24 * time.Hour

// The 10 caps of the eligibility comparison.
var caps = []journey.Cap{
	{Name: "all per day", Max: 5, Window: day},
	{Name: "all per week", Max: 12, Window: 7 * day},
	{Name: "email per day", Channel: customer.ChannelEmail, Max: 2, Window: day},
	{Name: "email per week", Channel: customer.ChannelEmail, Max: 6, Window: 7 * day},
	{Name: "sms per week", Channel: customer.ChannelSMS, Max: 2, Window: 7 * day},
	{Name: "marketing per day", Purpose: customer.PurposeMarketing, Max: 3, Window: day},
	{Name: "marketing per 30 days", Purpose: customer.PurposeMarketing, Max: 30, Window: 30 * day},
	{Name: "promo per day", Tag: "promo", Max: 1, Window: day},
	{Name: "campaign per week", PerCampaign: true, Max: 3, Window: 7 * day},
	{Name: "line per day", Channel: customer.ChannelLINE, Max: 1, Window: day},
}

var (
	sendChannels = []customer.Channel{customer.ChannelEmail, customer.ChannelSMS, customer.ChannelLINE, customer.ChannelPush}
	reqChannels  = []customer.Channel{customer.ChannelEmail, customer.ChannelSMS, customer.ChannelLINE}
	purposes     = []customer.Purpose{customer.PurposeMarketing, customer.PurposeService}
)

type consentKey struct {
	id customer.ID
	ch customer.Channel
}

// eligibility compares Gate.Decide with the same check as one indexed
// SQLite query per decision: consent, suppression and 10 cap counts.
func eligibility(ctx context.Context, decisions, runs int) error {
	const customers, sendsPer = 100_000, 20
	now := time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(7, 11))
	ids := make([]customer.ID, customers)
	for i := range ids {
		ids[i] = customer.ID(fmt.Sprintf("c%06d", i))
	}
	consent := map[consentKey]customer.ConsentStatus{}
	supp := &journey.SuppressionList{Name: "bounces"}
	g := &journey.Gate{
		Consent: journey.ConsentFunc(func(_ context.Context, id customer.ID, ch customer.Channel, p customer.Purpose, _ time.Time) (customer.ConsentStatus, error) {
			return consent[consentKey{id, ch}], nil
		}),
		Caps:         caps,
		Suppressions: []*journey.SuppressionList{supp},
		Now:          func() time.Time { return now },
	}
	db, err := sql.Open("sqlite", "file::memory:?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		"CREATE TABLE sends (cid TEXT, channel TEXT, purpose TEXT, campaign TEXT, tag TEXT, ts INTEGER)",
		"CREATE TABLE consent (cid TEXT, channel TEXT, status INTEGER, PRIMARY KEY (cid, channel))",
		"CREATE TABLE supp (cid TEXT, channel TEXT, PRIMARY KEY (cid, channel))",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	insSend, _ := tx.PrepareContext(ctx, "INSERT INTO sends VALUES (?, ?, ?, ?, ?, ?)")
	insConsent, _ := tx.PrepareContext(ctx, "INSERT INTO consent VALUES (?, ?, ?)")
	insSupp, _ := tx.PrepareContext(ctx, "INSERT INTO supp VALUES (?, ?)")
	for _, id := range ids {
		for _, ch := range reqChannels {
			st := customer.ConsentOptIn
			switch r := rng.IntN(100); {
			case r < 5:
				st = customer.ConsentOptOut
			case r < 10:
				st = customer.ConsentUnknown
			}
			consent[consentKey{id, ch}] = st
			if _, err := insConsent.ExecContext(ctx, string(id), string(ch), int(st)); err != nil {
				return err
			}
		}
		if rng.IntN(100) == 0 {
			supp.Add(id, customer.ChannelEmail, "hard bounce")
			if _, err := insSupp.ExecContext(ctx, string(id), string(customer.ChannelEmail)); err != nil {
				return err
			}
		}
		for range sendsPer {
			s := journey.Send{Customer: id, Channel: sendChannels[rng.IntN(len(sendChannels))],
				Purpose: purposes[rng.IntN(len(purposes))], Campaign: fmt.Sprint("camp", rng.IntN(3)),
				Time: now.Add(-time.Duration(rng.Int64N(30*24*3600)) * time.Second)}
			tag := ""
			if rng.IntN(2) == 0 {
				tag = "promo"
				s.Tags = []string{tag}
			}
			if err := g.Record(s); err != nil {
				return err
			}
			if _, err := insSend.ExecContext(ctx, string(id), string(s.Channel), string(s.Purpose), s.Campaign, tag, s.Time.Unix()); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, "CREATE INDEX sends_cid_ts ON sends (cid, ts); ANALYZE"); err != nil {
		return err
	}

	reqs := make([]journey.Request, decisions)
	for i := range reqs {
		reqs[i] = journey.Request{Customer: ids[rng.IntN(customers)], Channel: reqChannels[rng.IntN(len(reqChannels))],
			Purpose: customer.PurposeMarketing, Campaign: fmt.Sprint("camp", rng.IntN(3))}
		if rng.IntN(2) == 0 {
			reqs[i].Tags = []string{"promo"}
		}
	}

	oursAllowed := make([]bool, decisions)
	o, _, err := best(runs, func() ([]int, error) {
		for i, r := range reqs {
			d, err := g.Decide(ctx, r)
			if err != nil {
				return nil, err
			}
			oursAllowed[i] = d.Allowed
		}
		return nil, nil
	})
	if err != nil {
		return err
	}
	oCPU := lastCPU

	// One prepared statement per (channel, tagged) shape of request.
	stmts := map[string]*sql.Stmt{}
	sqlAllowed := make([]bool, decisions)
	sq, _, err := best(runs, func() ([]int, error) {
		for i, r := range reqs {
			tagged := len(r.Tags) > 0
			key := fmt.Sprint(r.Channel, tagged)
			st := stmts[key]
			applying := applicable(r)
			if st == nil {
				st, err = db.PrepareContext(ctx, eligibilitySQL(applying, now))
				if err != nil {
					return nil, err
				}
				stmts[key] = st
			}
			vals := make([]int64, 2+len(applying))
			ptrs := make([]any, len(vals))
			for j := range vals {
				ptrs[j] = &vals[j]
			}
			if err := st.QueryRowContext(ctx, string(r.Customer), string(r.Channel), r.Campaign).Scan(ptrs...); err != nil {
				return nil, err
			}
			ok := customer.ConsentStatus(vals[0]) == customer.ConsentOptIn && vals[1] == 0
			for j, c := range applying {
				if vals[2+j] >= int64(c.Max) {
					ok = false
				}
			}
			sqlAllowed[i] = ok
		}
		return nil, nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	allowed := 0
	for i := range reqs {
		if oursAllowed[i] != sqlAllowed[i] {
			return fmt.Errorf("eligibility: decision %d (%+v) differs: ours %v, sqlite %v", i, reqs[i], oursAllowed[i], sqlAllowed[i])
		}
		if oursAllowed[i] {
			allowed++
		}
	}
	fmt.Fprintf(os.Stderr, "# eligibility: %d decisions, %d allowed (all agree); ours %.2f µs/decision, sqlite %.2f µs/decision\n",
		decisions, allowed, float64(o)/1e3/float64(decisions), float64(sq)/1e3/float64(decisions))
	name := fmt.Sprintf("eligibility_10caps_%dk", decisions/1000)
	line(name, o, 0, sq)
	cpuLine(name, oCPU, 0, lastCPU)
	return nil
}

// applicable returns the caps that apply to r (as Gate does: by channel,
// purpose and tag).
func applicable(r journey.Request) []journey.Cap {
	var out []journey.Cap
	for _, c := range caps {
		if (c.Channel == "" || c.Channel == r.Channel) && (c.Purpose == "" || c.Purpose == r.Purpose) &&
			(c.Tag == "" || (len(r.Tags) > 0 && r.Tags[0] == c.Tag)) {
			out = append(out, c)
		}
	}
	return out
}

// eligibilitySQL counts, in one indexed query, consent, suppression and the
// sends each applicable cap counts. Parameters: customer, channel, campaign.
func eligibilitySQL(applying []journey.Cap, now time.Time) string {
	n := now.Unix()
	var longest time.Duration
	for _, c := range applying {
		longest = max(longest, c.Window)
	}
	var b strings.Builder
	b.WriteString("SELECT COALESCE((SELECT status FROM consent WHERE cid = ?1 AND channel = ?2), 0),\n")
	b.WriteString("  (SELECT COUNT(*) FROM supp WHERE cid = ?1 AND (channel = ?2 OR channel = ''))")
	for _, c := range applying {
		cond := []string{fmt.Sprintf("ts > %d", n-int64(c.Window/time.Second))}
		if c.Channel != "" {
			cond = append(cond, fmt.Sprintf("channel = '%s'", c.Channel))
		}
		if c.Purpose != "" {
			cond = append(cond, fmt.Sprintf("purpose = '%s'", c.Purpose))
		}
		if c.Tag != "" {
			cond = append(cond, fmt.Sprintf("tag = '%s'", c.Tag))
		}
		if c.PerCampaign {
			cond = append(cond, "campaign = ?3")
		}
		fmt.Fprintf(&b, ",\n  COALESCE(SUM(CASE WHEN %s THEN 1 ELSE 0 END), 0)", strings.Join(cond, " AND "))
	}
	fmt.Fprintf(&b, "\nFROM sends WHERE cid = ?1 AND ts > %d AND ts <= %d", n-int64(longest/time.Second), n)
	return b.String()
}
