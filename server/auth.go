package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/c360/c360/intel"
)

// Scope is what a credential may do. A route needs one scope; ScopeAdmin
// holds every scope. Scopes do not imply each other otherwise: a client
// that reads and writes is given read and write.
type Scope string

// The scopes.
const (
	// ScopeTrack writes events: the tracking API (/v1/track, /v1/batch, …).
	// A credential with only this scope is a write key: it can be
	// embedded in a web page or an app, since it reads nothing back.
	ScopeTrack Scope = "track"
	// ScopeRead reads profiles, reviews and the change feed, and uses
	// the console to look.
	ScopeRead Scope = "read"
	// ScopeWrite upserts source records and decides reviews (confirm,
	// reject, unmerge).
	ScopeWrite Scope = "write"
	// ScopePrivacy runs privacy requests (erase, export, restrict).
	ScopePrivacy Scope = "privacy"
	// ScopeAdmin holds every scope and reads /metrics.
	ScopeAdmin Scope = "admin"
)

// Scopes lists every scope, in the order of the documentation.
var Scopes = []Scope{ScopeTrack, ScopeRead, ScopeWrite, ScopePrivacy, ScopeAdmin}

// ParseScopes reads a comma-separated list of scopes ("read,write"),
// refusing an unknown or empty one. The result is sorted and without
// repeats.
func ParseScopes(s string) ([]Scope, error) {
	var out []Scope
	var bad []string
	for part := range strings.SplitSeq(s, ",") {
		sc := Scope(strings.TrimSpace(part))
		if !slices.Contains(Scopes, sc) {
			bad = append(bad, fmt.Sprintf("%q", string(sc)))
			continue
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("unknown scope %s: the scopes are track, read, write, privacy and admin", strings.Join(bad, ", "))
	}
	slices.Sort(out)
	return out, nil
}

// Credential is who a request is: a token's ID (safe to log: it is not the
// secret), its name and its scopes, and who it reads intelligence as
// (Principal, Teams, Roles; see IntelPrincipal).
type Credential struct {
	ID     string  `json:"id"`
	Name   string  `json:"name,omitempty"`
	Scopes []Scope `json:"scopes"`
	// Principal is the person or service account the credential acts for
	// in intelligence (intel.Principal's ID): the author of the items it
	// collects and the reader its reads are filtered for. Empty means the
	// token itself, "token:" + ID.
	Principal intel.PrincipalID `json:"principal,omitempty"`
	// Teams are the teams the principal belongs to (items of scope teams,
	// and team grants). None: no team.
	Teams []intel.TeamID `json:"teams,omitempty"`
	// Roles are the roles the principal holds (role grants). None: no role.
	Roles []intel.Role `json:"roles,omitempty"`
}

// IntelPrincipal is the intel.Principal a credential reads and writes
// intelligence as: ID Principal (or "token:" + the token's ID when it has
// none), with its Teams and Roles. Scopes say which routes a credential
// may call; which items it sees is decided by intel.Item.VisibleTo for
// this principal alone: no scope, admin included, widens it.
func (c Credential) IntelPrincipal() intel.Principal {
	id := c.Principal
	if id == "" && c.ID != "" {
		id = intel.PrincipalID("token:" + c.ID)
	}
	return intel.Principal{ID: id, Teams: slices.Clone(c.Teams), Roles: slices.Clone(c.Roles)}
}

// Has reports whether c holds scope s (ScopeAdmin holds every scope).
func (c Credential) Has(s Scope) bool {
	return slices.Contains(c.Scopes, s) || slices.Contains(c.Scopes, ScopeAdmin)
}

// ErrUnknownCredential is returned by Credentials.Verify for a secret it
// does not know (or a revoked one).
var ErrUnknownCredential = errors.New("server: unknown credential")

// Credentials verifies the secret a request presents. TokenSet is the
// implementation of this package; a host may verify against its own
// directory.
type Credentials interface {
	// Verify returns the credential of secret, or ErrUnknownCredential.
	Verify(ctx context.Context, secret string) (Credential, error)
}

// TokenPrefix starts every token NewToken makes, so that a secret scanner
// (and a person) can recognise one.
const TokenPrefix = "c360_"

// Token is a stored token: its ID, name, scopes and the SHA-256 of its
// secret — never the secret itself.
//
// Why SHA-256 and not a slow password hash (bcrypt, scrypt, Argon2): the
// secret is 256 bits from crypto/rand, not a password a person chose. A
// slow hash exists to make guessing a low-entropy password from its hash
// costly; guessing among 2^256 secrets is out of reach at any speed, so
// the slowness would buy nothing and cost every request a few
// milliseconds of CPU. A fast hash also lets Verify look the token up by
// its hash in a map, in constant time whatever the number of tokens.
//
// Principal, Teams and Roles are optional (a token file written before
// they existed reads as before): see Credential.
type Token struct {
	ID        string            `json:"id"`
	Name      string            `json:"name,omitempty"`
	Scopes    []Scope           `json:"scopes"`
	SHA256    string            `json:"sha256"`
	CreatedAt time.Time         `json:"created_at"`
	Principal intel.PrincipalID `json:"principal,omitempty"`
	Teams     []intel.TeamID    `json:"teams,omitempty"`
	Roles     []intel.Role      `json:"roles,omitempty"`
}

// credential is the Credential a verified token gives.
func (t Token) credential() Credential {
	return Credential{ID: t.ID, Name: t.Name, Scopes: slices.Clone(t.Scopes),
		Principal: t.Principal, Teams: slices.Clone(t.Teams), Roles: slices.Clone(t.Roles)}
}

// NewToken makes a token with the given name and scopes: the secret to
// hand to the client once (TokenPrefix and 43 characters of base64url, 256
// random bits) and the Token to store. The ID is the first 12 hex digits
// of the hash: it names the token in logs, lists and rate limits.
func NewToken(name string, scopes []Scope, now time.Time) (secret string, t Token, err error) {
	if len(scopes) == 0 {
		return "", Token{}, errors.New("a token needs at least one scope")
	}
	for _, s := range scopes {
		if !slices.Contains(Scopes, s) {
			return "", Token{}, fmt.Errorf("unknown scope %q", s)
		}
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", Token{}, err
	}
	secret = TokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	sum := sha256.Sum256([]byte(secret))
	h := hex.EncodeToString(sum[:])
	sc := slices.Clone(scopes)
	slices.Sort(sc)
	sc = slices.Compact(sc)
	return secret, Token{ID: h[:12], Name: name, Scopes: sc, SHA256: h, CreatedAt: now.UTC()}, nil
}

// TokenSet is a set of stored tokens, safe for concurrent use, kept in a
// JSON file (ReadTokenFile, WriteFile) of the shape
//
//	{"tokens": [{"id": "…", "name": "…", "scopes": ["read"], "sha256": "…", "created_at": "…",
//	             "principal": "tanaka", "teams": ["sales"], "roles": ["analyst"]}]}
//
// (principal, teams and roles optional).
//
// The file holds hashes only: reading it does not give a working token.
type TokenSet struct {
	mu     sync.RWMutex
	tokens []Token
	byHash map[[32]byte]int
}

type tokenFile struct {
	Tokens []Token `json:"tokens"`
}

// NewTokenSet returns a set of the given tokens, checking each (a valid
// hash and known scopes, IDs and hashes unique).
func NewTokenSet(tokens ...Token) (*TokenSet, error) {
	s := &TokenSet{byHash: map[[32]byte]int{}}
	var errs []error
	for i, t := range tokens {
		if err := s.add(t); err != nil {
			errs = append(errs, fmt.Errorf("token %d (%s): %w", i+1, t.ID, err))
		}
	}
	return s, errors.Join(errs...)
}

func (s *TokenSet) add(t Token) error {
	sum, err := hex.DecodeString(t.SHA256)
	if err != nil || len(sum) != sha256.Size {
		return errors.New("sha256 must be 64 hex digits")
	}
	if t.ID == "" {
		return errors.New("id is empty")
	}
	if len(t.Scopes) == 0 {
		return errors.New("scopes is empty")
	}
	for _, sc := range t.Scopes {
		if !slices.Contains(Scopes, sc) {
			return fmt.Errorf("unknown scope %q", sc)
		}
	}
	if slices.Contains(t.Teams, "") {
		return errors.New("teams holds an empty team")
	}
	if slices.Contains(t.Roles, "") {
		return errors.New("roles holds an empty role")
	}
	for _, o := range s.tokens {
		if o.ID == t.ID {
			return fmt.Errorf("id %s is taken", t.ID)
		}
	}
	key := [32]byte(sum)
	if _, dup := s.byHash[key]; dup {
		return errors.New("the same secret is stored twice")
	}
	s.byHash[key] = len(s.tokens)
	s.tokens = append(s.tokens, t)
	return nil
}

// Add stores a token.
func (s *TokenSet) Add(t Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.add(t)
}

// Revoke removes the token with the given ID; it reports whether there
// was one.
func (s *TokenSet) Revoke(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.tokens, func(t Token) bool { return t.ID == id })
	if i < 0 {
		return false
	}
	s.tokens = slices.Delete(s.tokens, i, i+1)
	clear(s.byHash)
	for j, t := range s.tokens {
		sum, _ := hex.DecodeString(t.SHA256)
		s.byHash[[32]byte(sum)] = j
	}
	return true
}

// Tokens returns the stored tokens in the order they were added.
func (s *TokenSet) Tokens() []Token {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.tokens)
}

// Verify hashes secret and looks the hash up.
func (s *TokenSet) Verify(_ context.Context, secret string) (Credential, error) {
	sum := sha256.Sum256([]byte(secret))
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.byHash[sum]
	if !ok {
		return Credential{}, ErrUnknownCredential
	}
	return s.tokens[i].credential(), nil
}

// ReadTokenFile reads a token file; a file that does not exist is an
// empty set (so that the first `c360 token create` makes it).
func ReadTokenFile(path string) (*TokenSet, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return NewTokenSet()
	}
	if err != nil {
		return nil, err
	}
	var f tokenFile
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("token file %s: %w", path, err)
	}
	s, err := NewTokenSet(f.Tokens...)
	if err != nil {
		return nil, fmt.Errorf("token file %s: %w", path, err)
	}
	return s, nil
}

// WriteFile writes the set to path atomically (a temporary file in the
// same directory, renamed over it), readable by its owner only.
func (s *TokenSet) WriteFile(path string) error {
	b, err := json.MarshalIndent(tokenFile{Tokens: s.Tokens()}, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tokens-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// secretOf returns the secret a request presents: a Bearer token, or the
// user name of Basic authentication (the Segment write-key convention: the
// key is the user name and the password is empty). It reports whether the
// request presented an Authorization header at all.
func secretOf(r *http.Request) (secret string, presented bool) {
	a := r.Header.Get("Authorization")
	if a == "" {
		return "", false
	}
	scheme, rest, _ := strings.Cut(a, " ")
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return strings.TrimSpace(rest), true
	case strings.EqualFold(scheme, "Basic"):
		user, _, ok := r.BasicAuth()
		if ok {
			return user, true
		}
	}
	return "", true
}

type credentialKey struct{}

// CredentialOf returns the credential a request was authenticated with,
// for a host that wraps the handler.
func CredentialOf(ctx context.Context) (Credential, bool) {
	c, ok := ctx.Value(credentialKey{}).(Credential)
	return c, ok
}

// authenticate checks the request's credential against the route's scope.
// It answers 401 (no or unknown credential), 403 (a known credential
// without the scope) or 429 (over the rate limit) itself and returns
// false; on true the request's context carries the credential.
//
// The API takes the Authorization header only, never the console's
// session cookie: a cookie would make the API open to cross-site requests.
func (h *handler) authenticate(w http.ResponseWriter, r *http.Request, need Scope) (*http.Request, bool) {
	secret, presented := secretOf(r)
	return h.authorize(w, r, need, secret, presented)
}

// authorize checks a presented secret against the route's scope, as
// authenticate says.
func (h *handler) authorize(w http.ResponseWriter, r *http.Request, need Scope, secret string, presented bool) (*http.Request, bool) {
	challenge := func() {
		w.Header().Set("WWW-Authenticate", `Bearer realm="c360", Basic realm="c360"`)
	}
	if !presented {
		challenge()
		writeProblem(w, Problem{Status: http.StatusUnauthorized, Detail: "this route needs a credential: Authorization: Bearer <token> (or, for the tracking API, Basic authentication with the write key as the user name)"})
		return r, false
	}
	if h.creds == nil {
		challenge()
		writeProblem(w, Problem{Status: http.StatusUnauthorized, Detail: "the server has no credentials configured; every route but /healthz and /readyz is refused"})
		return r, false
	}
	cred, err := h.creds.Verify(r.Context(), secret)
	if errors.Is(err, ErrUnknownCredential) || (err == nil && secret == "") {
		challenge()
		writeProblem(w, Problem{Status: http.StatusUnauthorized, Detail: "the credential is not known (mistyped or revoked)"})
		return r, false
	}
	if err != nil {
		h.fail(w, r, err)
		return r, false
	}
	r = r.WithContext(context.WithValue(r.Context(), credentialKey{}, cred))
	if rec, ok := w.(*recorder); ok {
		rec.credential = cred.ID
	}
	if need != "" && !cred.Has(need) {
		writeProblem(w, Problem{Status: http.StatusForbidden, Detail: fmt.Sprintf("the credential %s lacks the %q scope this route needs (it has %s)", cred.ID, need, scopeList(cred.Scopes))})
		return r, false
	}
	if wait, ok := h.limits.take(limitKey(cred, r), time.Now()); !ok {
		secs := int(wait/time.Second) + 1
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		writeProblem(w, Problem{Status: http.StatusTooManyRequests, Detail: fmt.Sprintf("the credential %s is over its rate limit; retry after %d s", cred.ID, secs)})
		return r, false
	}
	return r, true
}

// limitKey is the rate-limit bucket of a request: its credential's, or
// for a write key — shared by every browser of a site — the credential's
// per client address.
func limitKey(cred Credential, r *http.Request) string {
	if len(cred.Scopes) == 1 && cred.Scopes[0] == ScopeTrack {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		return cred.ID + " " + host
	}
	return cred.ID
}

func scopeList(sc []Scope) string {
	s := make([]string, len(sc))
	for i, v := range sc {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// TokenFile is the Credentials of a token file that it reads again when
// the file changes (its modification time or size, looked at most once a
// second), so that `c360 token create` and `c360 token revoke` take effect
// on a running server within a second. A file that cannot be read or
// parsed keeps the tokens read before; Err reports the last such error.
type TokenFile struct {
	path string

	mu      sync.Mutex
	set     *TokenSet
	mod     time.Time
	size    int64
	checked time.Time
	err     error
}

// OpenTokenFile reads path (which must exist and parse) and returns its
// TokenFile.
func OpenTokenFile(path string) (*TokenFile, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	set, err := ReadTokenFile(path)
	if err != nil {
		return nil, err
	}
	return &TokenFile{path: path, set: set, mod: st.ModTime(), size: st.Size(), checked: time.Now()}, nil
}

// Verify checks secret against the file's tokens as they are now.
func (f *TokenFile) Verify(ctx context.Context, secret string) (Credential, error) {
	return f.current().Verify(ctx, secret)
}

// Err is the error of the last reload that failed, nil when the last one
// worked.
func (f *TokenFile) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

func (f *TokenFile) current() *TokenSet {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	if now.Sub(f.checked) < time.Second {
		return f.set
	}
	f.checked = now
	st, err := os.Stat(f.path)
	if err != nil {
		f.err = err
		return f.set
	}
	if st.ModTime().Equal(f.mod) && st.Size() == f.size {
		return f.set
	}
	set, err := ReadTokenFile(f.path)
	if err != nil {
		f.err = err
		return f.set
	}
	f.set, f.mod, f.size, f.err = set, st.ModTime(), st.Size(), nil
	return f.set
}
