package capture

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/normalize"
)

// Party is what the identity state knows about one e-mail address: the
// profile holding it and, for a person of a business customer, the
// accounts the person belongs to.
type Party struct {
	Profile  customer.ID
	Kind     customer.Kind // KindPerson, or KindAccount for an address of the company itself (info@…)
	Accounts []customer.ID // the accounts of a person (B2B); none for a consumer or an account
}

// Directory is the identity state capture resolves participants through:
// the implementor surface, small on purpose. Package c360's Engine is meant
// to implement it; ProfileDirectory implements it over a set of profiles
// (a customer.Store, a profiles file). A Capturer calls it once per
// distinct address and remembers the answer for the run.
//
// Keys are e-mail keys as normalize.ParseEmail gives them (Email.Key):
// NFKC-folded, so full-width ＠ and letters are folded, and lower-cased,
// so an address written in any case or width has one key.
type Directory interface {
	// LookupEmail returns the party holding the address key, and false
	// when no profile holds it.
	LookupEmail(ctx context.Context, key string) (Party, bool, error)
	// Suppressed reports whether the address must never be captured: its
	// person asked for erasure or restriction of processing, or it is on a
	// suppression list. It is asked before LookupEmail, also for
	// addresses no profile holds (an erased person's address).
	Suppressed(ctx context.Context, key string) (bool, error)
}

// LeadCreator is implemented by a Directory that can create a lead profile
// for an unknown external address. A Capturer calls it, when
// Config.CreateLeads is set, for an address LookupEmail did not find and
// that is neither internal nor suppressed; name is the display name the
// address was written with ("" if none).
type LeadCreator interface {
	CreateLead(ctx context.Context, key, name string) (Party, error)
}

// DomainDirectory is implemented by a Directory that knows the e-mail
// domains of accounts. A Capturer calls it for an address no profile
// holds, so that a thread with a new contact of a known company still
// reaches the company's timeline. LookupDomain returns the one account of
// the domain, and false when there is none or several.
type DomainDirectory interface {
	LookupDomain(ctx context.Context, domain string) (customer.ID, bool, error)
}

// ProfileDirectory is a Directory over a set of profiles held in memory:
// what capture resolves against until the Engine does it, and what tests
// and the c360 capture command use. Build it with NewProfileDirectory. It
// implements LeadCreator (the leads it made are in Leads) and
// DomainDirectory. It is safe for concurrent use.
type ProfileDirectory struct {
	mu         sync.Mutex
	byEmail    map[string]Party
	suppressed map[string]bool // e-mail keys, and "sha256:<hex of key>"
	domains    map[string][]customer.ID
	leads      []*customer.Profile
	// NewLeadID names the profile of a lead for an address key; nil means
	// "lead-" and the first 16 hexadecimal digits of the key's SHA-256.
	NewLeadID func(key string) customer.ID
	// LeadSystem is the source system of a lead's record; "" means
	// "capture".
	LeadSystem string
	// Now stamps leads; nil means time.Now.
	Now func() time.Time
}

// freeMail lists e-mail domains shared by many people: an address there
// never tells which company its owner works for.
var freeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "yahoo.co.jp": true, "yahoo.com": true, "ymail.ne.jp": true,
	"outlook.com": true, "outlook.jp": true, "hotmail.com": true, "hotmail.co.jp": true, "live.jp": true,
	"live.com": true, "msn.com": true, "icloud.com": true, "me.com": true, "mac.com": true, "aol.com": true,
	"docomo.ne.jp": true, "ezweb.ne.jp": true, "au.com": true, "softbank.ne.jp": true, "i.softbank.jp": true,
	"nifty.com": true, "biglobe.ne.jp": true, "so-net.ne.jp": true, "ocn.ne.jp": true, "excite.co.jp": true,
	"protonmail.com": true, "proton.me": true, "gmx.de": true, "gmx.net": true, "mail.ru": true, "qq.com": true,
	"163.com": true, "naver.com": true,
}

// NewProfileDirectory indexes profiles by e-mail key. An address held by
// several profiles resolves to a person before an account, then to the
// lowest ID; a person's accounts are the profiles its Links name. A
// profile whose processing is restricted (Profile.Restriction) is
// suppressed, and so is every address in suppressed: e-mail addresses, or
// "sha256:" and the hexadecimal SHA-256 of an address key, the form a host
// keeps for erased persons. The domains of an account's addresses and of
// its persons' addresses (free-mail domains left out) resolve to the
// account when only one account has them. Profiles are read, not kept.
func NewProfileDirectory(profiles iter.Seq[*customer.Profile], suppressed []string) (*ProfileDirectory, error) {
	d := &ProfileDirectory{byEmail: map[string]Party{}, suppressed: map[string]bool{}, domains: map[string][]customer.ID{}}
	for _, s := range suppressed {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if h, ok := strings.CutPrefix(strings.ToLower(s), "sha256:"); ok {
			if _, err := hex.DecodeString(h); err != nil || len(h) != 64 {
				return nil, fmt.Errorf("capture: suppressed entry %q: not sha256: and 64 hexadecimal digits", s)
			}
			d.suppressed["sha256:"+h] = true
			continue
		}
		e, err := normalize.ParseEmail(s)
		if err != nil {
			return nil, fmt.Errorf("capture: suppressed entry: %w", err)
		}
		d.suppressed[e.Key] = true
	}
	accountDomains := map[customer.ID]map[string]bool{}
	addDomain := func(id customer.ID, dom string) {
		if dom == "" || freeMail[dom] {
			return
		}
		if accountDomains[id] == nil {
			accountDomains[id] = map[string]bool{}
		}
		accountDomains[id][dom] = true
	}
	for p := range profiles {
		if p == nil || p.ID == "" {
			continue
		}
		var accounts []customer.ID
		if p.Kind != customer.KindAccount {
			for _, l := range p.Links {
				if l.Profile != "" && !slices.Contains(accounts, l.Profile) {
					accounts = append(accounts, l.Profile)
				}
			}
			slices.Sort(accounts)
		}
		for _, k := range profileKeys(p) {
			if p.Restriction != nil {
				d.suppressed[k] = true
			}
			dom := k[strings.LastIndexByte(k, '@')+1:]
			if p.Kind == customer.KindAccount {
				addDomain(p.ID, dom)
			} else {
				for _, a := range accounts {
					addDomain(a, dom)
				}
			}
			np := Party{Profile: p.ID, Kind: p.Kind, Accounts: accounts}
			if old, ok := d.byEmail[k]; ok && !better(np, old) {
				continue
			}
			d.byEmail[k] = np
		}
	}
	for id, doms := range accountDomains {
		for dom := range doms {
			if !slices.Contains(d.domains[dom], id) {
				d.domains[dom] = append(d.domains[dom], id)
			}
		}
	}
	return d, nil
}

// better reports whether party a should hold an address rather than b: a
// person before an account, then the lower ID.
func better(a, b Party) bool {
	ap, bp := a.Kind != customer.KindAccount, b.Kind != customer.KindAccount
	if ap != bp {
		return ap
	}
	return a.Profile < b.Profile
}

// profileKeys returns the e-mail keys of a profile: its e-mail contact
// points and its identifiers of scheme "email".
func profileKeys(p *customer.Profile) []string {
	var out []string
	add := func(v string) {
		if e, err := normalize.ParseEmail(v); err == nil && !slices.Contains(out, e.Key) {
			out = append(out, e.Key)
		}
	}
	for _, c := range p.Emails() {
		add(c.Value)
	}
	for _, id := range p.Identifiers {
		if strings.EqualFold(id.Scheme, "email") {
			add(id.Value)
		}
	}
	return out
}

// LookupEmail implements Directory.
func (d *ProfileDirectory) LookupEmail(_ context.Context, key string) (Party, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p, ok := d.byEmail[key]
	p.Accounts = slices.Clone(p.Accounts)
	return p, ok, nil
}

// Suppressed implements Directory.
func (d *ProfileDirectory) Suppressed(_ context.Context, key string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.suppressed[key] {
		return true, nil
	}
	if len(d.suppressed) == 0 {
		return false, nil
	}
	sum := sha256.Sum256([]byte(key))
	return d.suppressed["sha256:"+hex.EncodeToString(sum[:])], nil
}

// LookupDomain implements DomainDirectory.
func (d *ProfileDirectory) LookupDomain(_ context.Context, domain string) (customer.ID, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if ids := d.domains[domain]; len(ids) == 1 {
		return ids[0], true, nil
	}
	return "", false, nil
}

// CreateLead implements LeadCreator: a person profile holding the address
// (as a contact point and an "email" identifier) and, when it reads as a
// person's name, the display name. Asked again for the same key it returns
// the same lead. A lead at a domain of one known account is linked to it.
func (d *ProfileDirectory) CreateLead(_ context.Context, key, name string) (Party, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if p, ok := d.byEmail[key]; ok {
		return p, nil
	}
	id := customer.ID("")
	if d.NewLeadID != nil {
		id = d.NewLeadID(key)
	} else {
		sum := sha256.Sum256([]byte(key))
		id = customer.ID("lead-" + hex.EncodeToString(sum[:8]))
	}
	if id == "" {
		return Party{}, fmt.Errorf("capture: NewLeadID gave an empty ID for a lead")
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	at := now().UTC()
	system := d.LeadSystem
	if system == "" {
		system = "capture"
	}
	facts := customer.Facts{
		Kind:          customer.KindPerson,
		ContactPoints: []customer.ContactPoint{{Type: customer.ContactEmail, Value: key}},
		Identifiers:   []customer.Identifier{{Scheme: "email", Value: key}},
	}
	if n, err := normalize.ParsePersonName(name); err == nil && name != "" && !strings.Contains(name, "@") {
		if n.Latin {
			facts.Name.Latin = strings.TrimSpace(name)
		} else {
			facts.Name.Family, facts.Name.Given = n.Family, n.Given
			facts.Name.FamilyKana, facts.Name.GivenKana = n.FamilyKana, n.GivenKana
		}
	}
	party := Party{Profile: id, Kind: customer.KindPerson}
	if ids := d.domains[key[strings.LastIndexByte(key, '@')+1:]]; len(ids) == 1 {
		facts.Links = []customer.Link{{Profile: ids[0], Role: customer.RoleContact}}
		party.Accounts = []customer.ID{ids[0]}
	}
	p := &customer.Profile{ID: id, Facts: facts, CreatedAt: at, UpdatedAt: at,
		Sources: []customer.SourceRecord{{System: system, RecordID: key, ObservedAt: at, Facts: facts}}}
	d.leads = append(d.leads, p)
	d.byEmail[key] = party
	return party, nil
}

// Leads returns copies of the lead profiles CreateLead made, in the order
// made.
func (d *ProfileDirectory) Leads() []*customer.Profile {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]*customer.Profile, len(d.leads))
	for i, p := range d.leads {
		out[i] = p.Clone()
	}
	return out
}

var (
	_ Directory       = (*ProfileDirectory)(nil)
	_ LeadCreator     = (*ProfileDirectory)(nil)
	_ DomainDirectory = (*ProfileDirectory)(nil)
)
