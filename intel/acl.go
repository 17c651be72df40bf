package intel

import (
	"fmt"
	"slices"
)

// PrincipalID identifies a person (an employee or a service account).
type PrincipalID string

// TeamID identifies a team (sales, service, marketing, finance, …).
type TeamID string

// Role is an organisational role such as "executive" or "analyst". Roles
// give access only through [Grantee] values of kind [GrantRole].
type Role string

// Principal is who is reading: a person, with the teams they belong to and
// the roles they hold. The host authenticates and builds it; the SDK only
// evaluates it. A principal with an empty ID is anonymous and is refused by
// every [Hub] method with [ErrNoPrincipal].
type Principal struct {
	ID    PrincipalID
	Teams []TeamID
	Roles []Role
}

// Scope is the base audience of an item.
type Scope uint8

// Scopes. The zero value is ScopePrivate, so an item whose visibility was
// never set is shown to no one but its author and grantees.
const (
	ScopePrivate Scope = iota // author (and grantees) only
	ScopeOrg                  // everyone in the organisation
	ScopeTeams                // members of Visibility.Teams
	ScopePeople               // the people in Visibility.People
)

var scopeNames = [...]string{"private", "org", "teams", "people"}

// String returns "private", "org", "teams" or "people".
func (s Scope) String() string {
	if int(s) < len(scopeNames) {
		return scopeNames[s]
	}
	return fmt.Sprintf("Scope(%d)", uint8(s))
}

// MarshalText encodes the scope by name.
func (s Scope) MarshalText() ([]byte, error) {
	if int(s) >= len(scopeNames) {
		return nil, fmt.Errorf("%w: scope %d", ErrInvalid, uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a scope name.
func (s *Scope) UnmarshalText(b []byte) error {
	i := slices.Index(scopeNames[:], string(b))
	if i < 0 {
		return fmt.Errorf("%w: unknown scope %q", ErrInvalid, b)
	}
	*s = Scope(i)
	return nil
}

// Visibility is the base audience of an item. Teams is used with
// ScopeTeams and People with ScopePeople; the author always sees the item.
type Visibility struct {
	Scope  Scope
	Teams  []TeamID
	People []PrincipalID
}

// GranteeKind says what a [Grantee] ID names.
type GranteeKind uint8

// Grantee kinds.
const (
	GrantPerson GranteeKind = iota // a PrincipalID
	GrantTeam                      // a TeamID
	GrantRole                      // a Role
)

// String returns "person", "team" or "role".
func (k GranteeKind) String() string {
	switch k {
	case GrantPerson:
		return "person"
	case GrantTeam:
		return "team"
	case GrantRole:
		return "role"
	}
	return fmt.Sprintf("GranteeKind(%d)", uint8(k))
}

// Grantee is an extra reader of one item, beyond its [Visibility]: a
// person, every member of a team, or every holder of a role.
type Grantee struct {
	Kind GranteeKind
	ID   string
}

// Person returns a grantee for one person.
func Person(id PrincipalID) Grantee { return Grantee{Kind: GrantPerson, ID: string(id)} }

// Team returns a grantee for every member of team id.
func Team(id TeamID) Grantee { return Grantee{Kind: GrantTeam, ID: string(id)} }

// RoleGrant returns a grantee for every holder of role r.
func RoleGrant(r Role) Grantee { return Grantee{Kind: GrantRole, ID: string(r)} }

// VisibleTo reports whether principal p may read the item. It is the one
// access rule of the package; every read path of [Hub] applies it (the
// search index evaluates the same function on a copy of the item's access
// fields):
//
//   - the author always sees the item;
//   - a grantee (person, a team p belongs to, a role p holds) sees it;
//   - otherwise ScopeOrg: everyone; ScopeTeams: members of a listed team;
//     ScopePeople: the listed people; ScopePrivate: no one else.
//
// A principal with neither an ID nor teams sees nothing. Empty IDs never
// match anything.
func (it *Item) VisibleTo(p Principal) bool {
	return visible(p, it.Author, &it.Visibility, it.Grants)
}

func visible(p Principal, author PrincipalID, v *Visibility, grants []Grantee) bool {
	if p.ID == "" && len(p.Teams) == 0 {
		return false
	}
	if p.ID != "" && p.ID == author {
		return true
	}
	for _, g := range grants {
		if g.ID == "" {
			continue
		}
		switch g.Kind {
		case GrantPerson:
			if p.ID != "" && string(p.ID) == g.ID {
				return true
			}
		case GrantTeam:
			if slices.Contains(p.Teams, TeamID(g.ID)) {
				return true
			}
		case GrantRole:
			if slices.Contains(p.Roles, Role(g.ID)) {
				return true
			}
		}
	}
	switch v.Scope {
	case ScopeOrg:
		return true
	case ScopeTeams:
		for _, t := range v.Teams {
			if t != "" && slices.Contains(p.Teams, t) {
				return true
			}
		}
	case ScopePeople:
		return p.ID != "" && slices.Contains(v.People, p.ID)
	}
	return false
}
