package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/c360/c360"
)

// The items of StoreTokens in the engine's store.
const (
	tokenBucket = "server"
	tokenGroup  = "tokens" // key: the token's SHA-256 in hex; value: Token as JSON
)

// StoreTokens keeps tokens in the engine's own store (c360.Store's items),
// so that every server on one PostgreSQL database, or a restarted one on a
// bolt file, knows the same tokens, and a revoke takes effect everywhere at
// the next request. Like TokenSet it holds hashes only. Verify is one read
// of one item by the hash.
type StoreTokens struct {
	Store c360.Store
}

// Verify looks the secret's hash up in the store.
func (s StoreTokens) Verify(ctx context.Context, secret string) (Credential, error) {
	sum := sha256.Sum256([]byte(secret))
	var t Token
	err := s.Store.View(ctx, func(tx c360.ReadTx) error {
		b, err := tx.Get(tokenBucket, tokenGroup, hex.EncodeToString(sum[:]))
		if err != nil {
			return err
		}
		return json.Unmarshal(b, &t)
	})
	if errors.Is(err, c360.ErrNotFound) {
		return Credential{}, ErrUnknownCredential
	}
	if err != nil {
		return Credential{}, err
	}
	return t.credential(), nil
}

// Add stores a token (from NewToken); its ID must be new.
func (s StoreTokens) Add(ctx context.Context, t Token) error {
	if _, err := NewTokenSet(t); err != nil { // the checks of a token
		return err
	}
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx c360.Tx) error {
		for it, err := range tx.Scan(tokenBucket, tokenGroup) {
			if err != nil {
				return err
			}
			var o Token
			if json.Unmarshal(it.Value, &o) == nil && o.ID == t.ID {
				return fmt.Errorf("token id %s is taken", t.ID)
			}
		}
		return tx.Put(tokenBucket, tokenGroup, t.SHA256, b)
	})
}

// Revoke removes the token with the given ID; it reports whether there
// was one.
func (s StoreTokens) Revoke(ctx context.Context, id string) (bool, error) {
	found := false
	err := s.Store.Update(ctx, func(tx c360.Tx) error {
		var keys []string
		for it, err := range tx.Scan(tokenBucket, tokenGroup) {
			if err != nil {
				return err
			}
			var o Token
			if json.Unmarshal(it.Value, &o) == nil && o.ID == id {
				keys = append(keys, it.Key)
			}
		}
		for _, k := range keys {
			if err := tx.Delete(tokenBucket, tokenGroup, k); err != nil {
				return err
			}
		}
		found = len(keys) > 0
		return nil
	})
	return found, err
}

// Tokens lists the stored tokens by creation time.
func (s StoreTokens) Tokens(ctx context.Context) ([]Token, error) {
	var out []Token
	err := s.Store.View(ctx, func(tx c360.ReadTx) error {
		for it, err := range tx.Scan(tokenBucket, tokenGroup) {
			if err != nil {
				return err
			}
			var t Token
			if err := json.Unmarshal(it.Value, &t); err != nil {
				return fmt.Errorf("stored token %s: %w", it.Key, err)
			}
			out = append(out, t)
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b Token) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, err
}
