package c360test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	"github.com/google/go-cmp/cmp"
)

// EraseSeeds is how many random scenarios the erasure property runs on
// each store.
const EraseSeeds = 8

// eraseProperty is the erasure rule of every store: on random people
// (records that arrive in any order, merge, are reviewed and unmerged;
// events tracked by identifier, record and anonymous ID; sends), erasing one
// profile leaves nothing of it readable through any read method — profiles,
// links, index keys, never-merge lists, reviews, merges, the change feed,
// items of every bucket, and the engine's reads (Lookup, Timeline,
// SendHistory, Members) — while every fact that held nothing of it is
// byte-identical to before; and the person's original records and events are
// refused afterwards.
func eraseProperty(t *testing.T, newStore func(t *testing.T) c360.Store) {
	for seed := range uint64(EraseSeeds) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			s := newStore(t)
			defer s.Close()
			eraseScenario(t, s, seed)
		})
	}
}

// erasePerson is one generated person with the tokens that are theirs
// alone.
type erasePerson struct {
	recs   []customer.SourceRecord
	events []journey.Event
	email  string
	phone  string
}

var (
	familyNames = []string{"山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤", "吉田", "松本"}
	givenNames  = []string{"太郎", "花子", "一郎", "美咲", "健太", "陽菜", "翔", "結衣", "大輔", "さくら", "悠真", "葵"}
)

func erasePeople(seed uint64, rng *rand.Rand) []*erasePerson {
	n := 5 + rng.IntN(6)
	perm := rng.Perm(len(givenNames))
	var out []*erasePerson
	for i := range n {
		p := &erasePerson{
			email: fmt.Sprintf("p%02dq%dz@example.jp", i, seed),
			phone: fmt.Sprintf("090-%04d-%04d", 7000+int(seed), 1000+i*37),
		}
		family, given := familyNames[rng.IntN(len(familyNames))], givenNames[perm[i]]
		if i > 0 && rng.IntN(4) == 0 { // a namesake of the one before: reviews, and merges of two people when confirmed
			family, given = out[i-1].recs[0].Name.Family, out[i-1].recs[0].Name.Given
		}
		id := func(j int) string { return fmt.Sprintf("R%02dx%02dy%d", i, j, seed) }
		// Records: e-mail only, phone only, both (the bridge): in random
		// order they create, join, hold for review or merge.
		p.recs = append(p.recs, person("sales", id(0), family, given, p.email, ""))
		if rng.IntN(3) > 0 {
			p.recs = append(p.recs, person("service", id(1), family, given, "", p.phone))
		}
		if rng.IntN(3) > 0 {
			p.recs = append(p.recs, person("webshop", id(2), family, given, p.email, p.phone))
		}
		for k := range rng.IntN(5) {
			ev := journey.Event{ID: fmt.Sprintf("E%02dk%dz%d", i, k, seed), Type: journey.Type("web_visit"),
				Channel: customer.ChannelWeb, Time: at.Add(-time.Duration(1+rng.IntN(500)) * time.Minute)}
			if k%3 == 2 {
				ev.Type = journey.Type("online_purchase")
			}
			switch rng.IntN(3) {
			case 0:
				ev.Identifiers = []customer.Identifier{{Scheme: "email", Value: strings.ToUpper(p.email)}}
			case 1:
				ev.Identifiers = []customer.Identifier{{Scheme: customer.SourceScheme + "sales", Value: id(0)}}
			default:
				ev.AnonymousID = fmt.Sprintf("A%02dv%dz%d", i, k, seed)
				if rng.IntN(2) == 0 { // identified later by an event that carries the anonymous ID too
					ev.Identifiers = []customer.Identifier{{Scheme: "email", Value: p.email}}
				}
			}
			p.events = append(p.events, ev)
		}
		out = append(out, p)
	}
	return out
}

func eraseScenario(t *testing.T, s c360.Store, seed uint64) {
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	cfg := liveConfig(s)
	// The web shop is a third party here: its records are logged as
	// received, and the log must forget the person too.
	cfg.Privacy.Providers = map[string]c360.Provider{"webshop": {Party: c360.Party{Name: "Partner KK"}, Obtained: "its own sign-up form", Basis: "consent"}}
	e, err := c360.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	people := erasePeople(seed, rng)

	// Records in a random order across people.
	var all []customer.SourceRecord
	for _, p := range people {
		all = append(all, p.recs...)
	}
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	for _, r := range all {
		if _, err := e.Upsert(ctx, r); err != nil {
			t.Fatalf("Upsert %s: %v", r.Key(), err)
		}
	}
	// A person confirms some review items: some join a person's own
	// records, some merge two namesakes.
	items, err := e.Reviews(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if rng.IntN(2) == 0 {
			if _, err := e.Confirm(ctx, it.ID); err != nil && !errors.Is(err, c360.ErrNotFound) {
				t.Fatalf("Confirm %s: %v", it.ID, err)
			}
		}
	}
	// Events, some before their anonymous ID is identified.
	var evs []journey.Event
	for _, p := range people {
		evs = append(evs, p.events...)
	}
	rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
	for _, ev := range evs {
		if _, err := e.Track(ctx, ev); err != nil {
			t.Fatalf("Track %s: %v", ev.ID, err)
		}
	}
	// Sends, and unmerges of some merges.
	for p, err := range e.Profiles(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if rng.IntN(2) == 0 {
			if err := e.Sent(ctx, journey.Send{Customer: p.ID, Channel: customer.ChannelEmail, Campaign: "spring"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for c, err := range e.Changes(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if c.Kind == c360.ChangeMerged && rng.IntN(2) == 0 {
			for _, a := range c.Absorbed {
				if _, err := e.Unmerge(ctx, a); err != nil && !errors.Is(err, c360.ErrNotFound) && !errors.Is(err, c360.ErrConflict) {
					t.Fatalf("Unmerge %s: %v", a, err)
				}
			}
		}
	}

	// The profile to erase, and what is its alone; one profile (the one to
	// erase, half of the time) is restricted.
	var ids []customer.ID
	for p, err := range e.Profiles(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	target := ids[rng.IntN(len(ids))]
	restricted := ids[rng.IntN(len(ids))]
	if rng.IntN(2) == 0 {
		restricted = target
	}
	if _, err := e.Restrict(ctx, restricted, customer.Decision{Actor: "dpo"}); err != nil {
		t.Fatalf("Restrict %s: %v", restricted, err)
	}
	victim, _, err := e.Profile(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	timeline, err := e.Timeline(ctx, target, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	needles := eraseNeedles(t, e, ids, victim, timeline)
	absorbed := absorbedInto(t, e, target)
	keys := allRecordKeys(people)
	before := dump(t, e, s, keys, ids, nil)

	x, err := e.Erase(ctx, target, customer.Decision{Actor: "dpo", Reason: "erasure request #1"})
	if err != nil {
		t.Fatalf("Erase %s: %v", target, err)
	}
	if x.Profile != target || x.Actor != "dpo" || x.Suppressed == 0 || x.Removed["records"] != len(victim.Sources) {
		t.Errorf("Erasure = %+v, want profile %s, actor dpo, %d records, some suppressed identifiers", x, target, len(victim.Sources))
	}
	t.Logf("erased %s: %v; needles %d; facts %d", target, x.Removed, len(needles), len(before.facts))
	after := dump(t, e, s, keys, ids, needles)

	// Nothing of the person remains, anywhere.
	for _, f := range after.facts {
		for _, n := range needles {
			if strings.Contains(f, n) {
				t.Errorf("after Erase, %q of the erased person is still readable: %s", n, clip(f))
			}
		}
		for _, id := range append([]customer.ID{target}, absorbed...) {
			if strings.Contains(f, string(id)) && !strings.HasPrefix(f, "item audit/") && !strings.HasPrefix(f, "change ") {
				t.Errorf("after Erase, the erased ID %s is still held outside the audit and the erasure notice: %s", id, clip(f))
			}
			if strings.HasPrefix(f, "change ") && strings.Contains(f, string(id)) && !strings.Contains(f, `"kind":"erased"`) {
				t.Errorf("after Erase, a change other than the erasure notice names %s: %s", id, clip(f))
			}
		}
	}
	// Everyone else's data is byte-identical.
	held := func(f string) bool {
		for _, n := range needles {
			if strings.Contains(f, n) {
				return true
			}
		}
		for _, id := range append([]customer.ID{target}, absorbed...) {
			if strings.Contains(f, string(id)) {
				return true
			}
		}
		return false
	}
	afterSet := map[string]bool{}
	for _, f := range after.facts {
		afterSet[f] = true
	}
	touched := 0
	for _, f := range before.facts {
		if held(f) {
			touched++
			continue
		}
		if !afterSet[f] {
			t.Errorf("after Erase, data of someone else changed or went: %s", clip(f))
		}
	}
	beforeSet := map[string]bool{}
	for _, f := range before.facts {
		beforeSet[f] = true
	}
	added := 0
	for _, f := range after.facts {
		if beforeSet[f] || strings.HasPrefix(f, "item audit/") || strings.HasPrefix(f, "item erased/") || strings.HasPrefix(f, "item erasedby/") ||
			(strings.HasPrefix(f, "change ") && strings.Contains(f, `"kind":"erased"`)) {
			continue
		}
		added++
	}
	if added > touched {
		t.Errorf("after Erase, %d new facts outside the audit and suppression, but only %d facts held the person", added, touched)
	}

	// The person is refused afterwards: their records and events.
	refused := 0
	for _, p := range people {
		for _, r := range p.recs {
			if !slices.ContainsFunc(victim.Sources, func(v customer.SourceRecord) bool { return v.Key() == r.Key() }) {
				continue
			}
			_, err := e.Upsert(ctx, r)
			var se *c360.SuppressedError
			if !errors.Is(err, c360.ErrSuppressed) || !errors.As(err, &se) || se.Erasure != x.ID {
				t.Errorf("Upsert of erased record %s = %v, want a *SuppressedError of erasure %s", r.Key(), err, x.ID)
			}
			refused++
		}
	}
	for _, ev := range timeline { // by the erased profile ID, by the anonymous ID
		ev.ID += "-again"
		ev.CustomerID = target
		if _, err := e.Track(ctx, ev); !errors.Is(err, c360.ErrSuppressed) {
			t.Errorf("Track of an event for the erased profile %s = %v, want ErrSuppressed", target, err)
		}
		if ev.AnonymousID != "" {
			ev.CustomerID = ""
			if _, err := e.Track(ctx, ev); !errors.Is(err, c360.ErrSuppressed) {
				t.Errorf("Track of an event by the erased anonymous ID %s = %v, want ErrSuppressed", ev.AnonymousID, err)
			}
		}
	}
	if refused > 0 {
		again := dump(t, e, s, keys, ids, needles)
		if d := diffFacts(after.facts, again.facts); d != "" {
			t.Errorf("refused records changed the store:\n%s", d)
		}
	}
	// Erasing again: the ID is unknown now.
	if _, err := e.Erase(ctx, target, customer.Decision{Actor: "dpo"}); !errors.Is(err, c360.ErrNotFound) {
		t.Errorf("Erase of an erased ID = %v, want ErrNotFound", err)
	}
}

// eraseNeedles returns the strings of the victim that no other profile
// holds: record IDs, e-mail and phone (as given and in E.164) when no other
// profile has them, event IDs and anonymous IDs of its timeline.
func eraseNeedles(t *testing.T, e *c360.Engine, ids []customer.ID, victim *customer.Profile, timeline []journey.Event) []string {
	others := map[string]bool{}
	for _, id := range ids {
		if id == victim.ID {
			continue
		}
		p, _, err := e.Profile(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Sources {
			for _, c := range s.ContactPoints {
				others[c.Value] = true
			}
		}
	}
	var out []string
	for _, s := range victim.Sources {
		out = append(out, s.RecordID)
		for _, c := range s.ContactPoints {
			if others[c.Value] {
				continue
			}
			out = append(out, c.Value)
			if c.Type == customer.ContactPhone {
				out = append(out, "+81"+strings.ReplaceAll(c.Value, "-", "")[1:])
			}
		}
	}
	for _, ev := range timeline {
		out = append(out, ev.ID)
		if ev.AnonymousID != "" {
			out = append(out, ev.AnonymousID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// absorbedInto lists the IDs whose merges redirect to id, from the change
// feed.
func absorbedInto(t *testing.T, e *c360.Engine, id customer.ID) []customer.ID {
	var out []customer.ID
	for c, err := range e.Changes(t.Context(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range c.Absorbed {
			if c.Kind != c360.ChangeMerged {
				continue
			}
			if p, redirected, err := e.Profile(t.Context(), a); err == nil && redirected && p.ID == id {
				out = append(out, a)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func allRecordKeys(people []*erasePerson) []customer.RecordKey {
	var out []customer.RecordKey
	for _, p := range people {
		for _, r := range p.recs {
			out = append(out, r.Key())
		}
	}
	return out
}

// facts is everything readable from a store and an engine, one string per
// fact.
type facts struct{ facts []string }

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("!%v", err)
	}
	return string(b)
}

// dump reads everything through every read method: the store's (links,
// index keys, never-merge lists, merges, profiles, reviews, changes, items
// of every bucket) and the engine's (profiles, changes, lookups of the
// needles, timelines, stages, segments and send histories, members).
func dump(t *testing.T, e *c360.Engine, s c360.Store, keys []customer.RecordKey, ids []customer.ID, needles []string) facts {
	t.Helper()
	ctx := t.Context()
	var out []string
	add := func(f string) { out = append(out, f) }
	err := s.View(ctx, func(tx c360.ReadTx) error {
		indexKeys := map[string]bool{}
		var merged []customer.ID
		for _, k := range keys {
			l, err := tx.Link(k)
			if err == nil {
				add("link " + jsonOf(l))
				for _, ik := range l.Keys {
					indexKeys[ik] = true
				}
			} else if !errors.Is(err, c360.ErrNotFound) {
				return err
			}
			nm, err := tx.NeverMerge(k)
			if err != nil {
				return err
			}
			if len(nm) > 0 {
				add("never " + k.String() + " " + jsonOf(nm))
			}
		}
		for _, ik := range sortedSet(indexKeys) {
			cs, err := tx.Candidates(ik, 0)
			if err != nil {
				return err
			}
			for _, c := range cs {
				add("candidate " + ik + " " + c.String())
			}
		}
		for p, err := range tx.Profiles("") {
			if err != nil {
				return err
			}
			add("profile " + jsonOf(p))
		}
		for r, err := range tx.Reviews() {
			if err != nil {
				return err
			}
			add("review " + jsonOf(r))
		}
		cs, err := tx.Changes(0, 0)
		if err != nil {
			return err
		}
		for _, c := range cs {
			add("change " + jsonOf(c))
			if c.Kind == c360.ChangeMerged {
				merged = append(merged, c.Absorbed...)
			}
		}
		for _, id := range append(merged, ids...) {
			m, err := tx.Merge(id)
			if err == nil {
				add("merge " + jsonOf(m))
			} else if !errors.Is(err, c360.ErrNotFound) {
				return err
			}
		}
		for _, b := range c360.ItemBuckets() {
			groups := []string{""} // Groups lists the groups after "", not "" itself
			for g, err := range tx.Groups(b, "") {
				if err != nil {
					return err
				}
				groups = append(groups, g)
			}
			for _, g := range groups {
				for it, err := range tx.Scan(b, g) {
					if err != nil {
						return err
					}
					add(fmt.Sprintf("item %s/%q/%q=%q", b, g, it.Key, it.Value))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, err := range e.Profiles(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		add("engine profile " + jsonOf(p))
		tl, err := e.Timeline(ctx, p.ID, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		add("timeline " + string(p.ID) + " " + jsonOf(tl))
		st, err := e.Stage(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		add("stage " + string(p.ID) + " " + jsonOf(st))
		sh, err := e.SendHistory(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		add("sends " + string(p.ID) + " " + jsonOf(sh))
	}
	for c, err := range e.Changes(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		add("change " + jsonOf(c))
	}
	for _, seg := range []string{"buyers", "visitors"} {
		ms, err := e.Members(ctx, seg)
		if err != nil {
			t.Fatal(err)
		}
		add("members " + seg + " " + jsonOf(ms))
	}
	for _, n := range needles {
		for _, scheme := range []string{"email", "phone"} {
			got, err := e.Lookup(ctx, customer.Identifier{Scheme: scheme, Value: n})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) > 0 {
				add(fmt.Sprintf("lookup %s:%s → %v", scheme, n, got))
			}
		}
	}
	sort.Strings(out)
	return facts{out}
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func clip(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

func diffFacts(a, b []string) string {
	as, bs := map[string]bool{}, map[string]bool{}
	for _, f := range a {
		as[f] = true
	}
	for _, f := range b {
		bs[f] = true
	}
	var out []string
	for _, f := range a {
		if !bs[f] {
			out = append(out, "- "+clip(f))
		}
	}
	for _, f := range b {
		if !as[f] {
			out = append(out, "+ "+clip(f))
		}
	}
	return strings.Join(out, "\n")
}

// erasureWrites checks the writes only Erase makes: RemoveNeverMerge (both
// directions), ReplaceChange and DeleteChange (cursors kept, gaps skipped,
// later cursors above every earlier one, reads of own writes, ErrNotFound
// for an absent cursor, nothing kept when the Update fails).
func erasureWrites(t *testing.T, s c360.Store) {
	var cs []c360.Cursor
	update(t, s, func(tx c360.Tx) error {
		for _, k := range []customer.RecordKey{keyB, keyC} {
			if err := tx.AddNeverMerge(keyA, k); err != nil {
				return err
			}
		}
		for i := range 4 {
			c, err := tx.AppendChange(&c360.Change{Kind: c360.ChangeUpdated, Profile: customer.ID(fmt.Sprint("P", i)), At: at,
				Fields: []c360.FieldChange{{Field: "name", Old: "山田 太郎", New: "山田 花子"}}})
			if err != nil {
				return err
			}
			cs = append(cs, c)
		}
		return nil
	})
	// A failed Update keeps none of its erasure writes.
	boom := errors.New("boom")
	err := s.Update(t.Context(), func(tx c360.Tx) error {
		if err := tx.DeleteChange(cs[0]); err != nil {
			return err
		}
		if err := tx.RemoveNeverMerge(keyA, keyB); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	update(t, s, func(tx c360.Tx) error {
		if err := tx.RemoveNeverMerge(keyB, keyA); err != nil { // named the other way round
			return err
		}
		if err := tx.RemoveNeverMerge(keyB, keyC); err != nil { // absent: no error
			return err
		}
		red := c360.Change{Cursor: cs[1], Kind: c360.ChangeUpdated, Profile: "P1", At: at,
			Fields: []c360.FieldChange{{Field: "name", Old: "(erased)", New: "山田 花子"}}}
		if err := tx.ReplaceChange(&red); err != nil {
			return err
		}
		if err := tx.DeleteChange(cs[2]); err != nil {
			return err
		}
		if err := tx.DeleteChange(cs[2]); !errors.Is(err, c360.ErrNotFound) {
			t.Errorf("DeleteChange of a deleted cursor = %v, want ErrNotFound", err)
		}
		if err := tx.ReplaceChange(&c360.Change{Cursor: cs[3] + 100, Kind: c360.ChangeCreated}); !errors.Is(err, c360.ErrNotFound) {
			t.Errorf("ReplaceChange of an absent cursor = %v, want ErrNotFound", err)
		}
		all, err := tx.Changes(0, 0)
		if err != nil {
			return err
		}
		if len(all) != 3 || all[1].Fields[0].Old != "(erased)" {
			t.Errorf("inside the Update, Changes = %+v, want the replaced change and no deleted one", all)
		}
		return nil
	})
	view(t, s, func(tx c360.ReadTx) error {
		a, _ := tx.NeverMerge(keyA)
		if diff := cmp.Diff([]customer.RecordKey{keyC}, a); diff != "" {
			t.Errorf("NeverMerge(a) after RemoveNeverMerge (-want +got):\n%s", diff)
		}
		if b, _ := tx.NeverMerge(keyB); len(b) != 0 {
			t.Errorf("RemoveNeverMerge must remove both ways: NeverMerge(b) = %v", b)
		}
		all, err := tx.Changes(0, 0)
		if err != nil {
			return err
		}
		var got []c360.Cursor
		for _, c := range all {
			got = append(got, c.Cursor)
		}
		if diff := cmp.Diff([]c360.Cursor{cs[0], cs[1], cs[3]}, got); diff != "" {
			t.Errorf("cursors after DeleteChange (-want +got):\n%s", diff)
		}
		if all[1].Fields[0].Old != "(erased)" || all[1].Fields[0].New != "山田 花子" {
			t.Errorf("replaced change = %+v", all[1])
		}
		page, err := tx.Changes(cs[1], 1)
		if err != nil || len(page) != 1 || page[0].Cursor != cs[3] {
			t.Errorf("Changes(after %d, 1) = %+v, %v; want the change after the gap", cs[1], page, err)
		}
		return nil
	})
	var next c360.Cursor
	update(t, s, func(tx c360.Tx) (err error) {
		next, err = tx.AppendChange(&c360.Change{Kind: c360.ChangeCreated, Profile: "P9", At: at})
		return err
	})
	if next <= cs[3] {
		t.Errorf("a change appended after deletions got cursor %d, not above %d", next, cs[3])
	}
}
