package c360

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
	"github.com/c360/c360/quality/normalize"
)

// Eraser is implemented by a holder of personal data outside the engine's
// store — an intelligence repository of the host's own that links items to
// profiles, a host's search index or cache — so that Engine.Erase reaches
// it too. (The engine's own intelligence, Engine.Intel, needs none: Erase
// always reaches it.) Set
// the erasers in PrivacyConfig.Erasers; Erase calls each, in name order,
// before it erases the engine's own state, and counts what each removed in
// the audit entry ("elsewhere:<name>"). Erase must be idempotent: when it or
// the engine's erasure fails, the caller calls Engine.Erase again.
type Eraser interface {
	Erase(ctx context.Context, p ErasedPerson) (removed int, err error)
}

// ErasedPerson is what an Eraser is told about the person being erased:
// the profile IDs (the profile and the IDs merged into it), the source
// records, and the texts that identify them (full names as written, e-mail
// addresses, phone numbers as given and in E.164, identifier values), to
// take out of copied text. It lives in memory for the call only.
type ErasedPerson struct {
	IDs     []customer.ID
	Records []customer.RecordKey
	Texts   []string
}

// IntelEraser erases a person from intelligence items: the item stays, its
// links to the person (Links.Customers, Links.Accounts, a survey answer's
// Respondent) go, and the person's identifying texts (see ErasedPerson) in
// its title and body are replaced by "(erased)". Hub, if set, is the Hub
// over Repo: its search index is rebuilt afterwards, so that no search
// finds the removed text.
type IntelEraser struct {
	Repo intel.Repository
	Hub  *intel.Hub
}

// Erase implements Eraser; it returns how many items it changed.
func (x IntelEraser) Erase(ctx context.Context, p ErasedPerson) (int, error) {
	if x.Repo == nil {
		return 0, fmt.Errorf("%w: IntelEraser without a Repo", ErrInvalid)
	}
	var changed []*intel.Item
	for it, err := range x.Repo.All(ctx) {
		if err != nil {
			return 0, err
		}
		if scrubItem(it, p) {
			changed = append(changed, it)
		}
	}
	n := 0
	for _, it := range changed {
		for try := 0; ; try++ {
			_, err := x.Repo.Put(ctx, it)
			if err == nil {
				n++
				break
			}
			if !errors.Is(err, intel.ErrConflict) || try == 3 {
				return n, fmt.Errorf("intel item %s: %w", it.ID, err)
			}
			fresh, err := x.Repo.Get(ctx, it.ID)
			if err != nil {
				return n, fmt.Errorf("intel item %s: %w", it.ID, err)
			}
			if !scrubItem(fresh, p) {
				break
			}
			it = fresh
		}
	}
	if x.Hub != nil && len(changed) > 0 {
		if err := x.Hub.Load(ctx, nil); err != nil {
			return n, err
		}
	}
	return n, nil
}

// scrubItem takes the person out of an item and reports whether it
// changed.
func scrubItem(it *intel.Item, p ErasedPerson) bool {
	hit := false
	drop := func(ids []customer.ID) []customer.ID {
		n := len(ids)
		ids = slices.DeleteFunc(ids, func(id customer.ID) bool { return slices.Contains(p.IDs, id) })
		hit = hit || len(ids) != n
		return ids
	}
	it.Links.Customers = drop(it.Links.Customers)
	it.Links.Accounts = drop(it.Links.Accounts)
	if it.Survey != nil && slices.Contains(p.IDs, it.Survey.Respondent) {
		it.Survey.Respondent = ""
		hit = true
	}
	for _, t := range p.Texts {
		for _, f := range []*string{&it.Title, &it.Body} {
			if strings.Contains(*f, t) {
				*f = strings.ReplaceAll(*f, t, redacted)
				hit = true
			}
		}
	}
	return hit
}

// erasedPerson gathers what the Erasers are told about a profile.
func erasedPerson(p *customer.Profile, ids []customer.ID) ErasedPerson {
	out := ErasedPerson{IDs: slices.Clone(ids)}
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.TrimSpace(s)
		// Short strings (a given name alone, two digits) would take out
		// other people's text too.
		if len([]rune(s)) < 4 || seen[s] {
			return
		}
		seen[s] = true
		out.Texts = append(out.Texts, s)
	}
	facts := []*customer.Facts{&p.Facts}
	for i := range p.Sources {
		out.Records = append(out.Records, p.Sources[i].Key())
		facts = append(facts, &p.Sources[i].Facts)
	}
	for _, f := range facts {
		n := f.Name
		if n.Family != "" && n.Given != "" {
			add(n.Family + " " + n.Given)
			add(n.Family + n.Given)
			add(n.Family + "　" + n.Given)
		}
		if n.FamilyKana != "" && n.GivenKana != "" {
			add(n.FamilyKana + " " + n.GivenKana)
			add(n.FamilyKana + n.GivenKana)
		}
		add(n.Latin)
		for _, c := range f.ContactPoints {
			add(c.Value)
			switch c.Type {
			case customer.ContactEmail:
				if e, err := normalize.ParseEmail(c.Value); err == nil {
					add(e.Address)
					add(e.Key)
				}
			case customer.ContactPhone:
				if ph, err := normalize.ParsePhone(c.Value); err == nil {
					add(ph.E164)
				}
			}
		}
		for _, id := range f.Identifiers {
			if !strings.HasPrefix(id.Scheme, customer.SourceScheme) {
				add(id.Value)
			}
		}
	}
	// Longest first, so that a longer text is replaced before a part of it.
	slices.SortStableFunc(out.Texts, func(a, b string) int { return len(b) - len(a) })
	return out
}

// eraseElsewhere takes a profile about to be erased out of the engine's
// intelligence (Engine.Intel) and calls the configured Erasers, and returns
// what each removed.
func (e *Engine) eraseElsewhere(ctx context.Context, id customer.ID) (map[string]int, error) {
	var who ErasedPerson
	err := e.store.View(ctx, func(tx ReadTx) error {
		p, err := profileToAct(tx, id)
		if err != nil {
			return err
		}
		changes, err := allChanges(tx)
		if err != nil {
			return err
		}
		ids, err := mergedInto(tx, p.ID, changes)
		if err != nil {
			return err
		}
		who = erasedPerson(p, ids)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	items, subs, err := e.eraseIntel(ctx, who)
	if err != nil {
		return nil, fmt.Errorf("c360: erasing %s in the engine's intelligence (call Erase again to finish): %w", id, err)
	}
	out["intel_items"], out["intel_subscriptions"] = items, subs
	names := make([]string, 0, len(e.privacy.Erasers))
	for n := range e.privacy.Erasers {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		k, err := e.privacy.Erasers[n].Erase(ctx, who)
		if err != nil {
			return nil, fmt.Errorf("c360: erasing %s in %s (call Erase again to finish): %w", id, n, err)
		}
		out["elsewhere:"+n] = k
	}
	return out, nil
}
