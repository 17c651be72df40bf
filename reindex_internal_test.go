package c360

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
	"github.com/google/go-cmp/cmp"
)

func reindexRecords() []customer.SourceRecord {
	rec := func(id, family, given string, cps ...customer.ContactPoint) customer.SourceRecord {
		r := customer.SourceRecord{System: "crm", RecordID: id, ObservedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
		r.Kind = customer.KindPerson
		r.Name = customer.PersonName{Family: family, Given: given}
		r.ContactPoints = cps
		return r
	}
	email := func(v string) customer.ContactPoint {
		return customer.ContactPoint{Type: customer.ContactEmail, Value: v}
	}
	phone := func(v string) customer.ContactPoint {
		return customer.ContactPoint{Type: customer.ContactPhone, Value: v}
	}
	return []customer.SourceRecord{
		rec("C-1", "山田", "太郎", email("taro@example.jp"), email("t.yamada@work.example.com"), phone("090-1234-5678")),
		rec("C-2", "山田", "太郎", email("taro@example.jp")),
		rec("C-3", "佐藤", "花子", phone("03-5555-0101")),
	}
}

// linkKeys reads the index keys and match values of each record's link.
func linkKeys(t *testing.T, s Store, recs []customer.SourceRecord) map[customer.RecordKey][]string {
	t.Helper()
	out := map[customer.RecordKey][]string{}
	err := s.View(context.Background(), func(tx ReadTx) error {
		for _, r := range recs {
			l, err := tx.Link(r.Key())
			if err != nil {
				return err
			}
			out[r.Key()] = append(append([]string(nil), l.Keys...), l.Values...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReindexBringsAStoreForward builds a store, makes it look indexed by
// an earlier version (no identity keys, another fingerprint) or under
// other blocking rules, and checks that Open refuses it, that Reindex
// rewrites every link's keys to those of a store built afresh under the
// new configuration, that Open then accepts it and Lookup finds a second
// e-mail, and that a second Reindex changes nothing.
func TestReindexBringsAStoreForward(t *testing.T) {
	ctx := context.Background()
	otherRules := match.Config{Rules: []match.Rule{{Name: "same e-mail", Criteria: []match.Criterion{{Field: "email", Method: match.Normalized}}}}}
	tests := []struct {
		name       string
		built, now match.Config
		age        func(t *testing.T, s Store) // makes the store look older
	}{
		{name: "earlier version without identity keys", age: func(t *testing.T, s Store) {
			err := s.Update(ctx, func(tx Tx) error {
				for _, r := range reindexRecords() {
					l, err := tx.Link(r.Key())
					if err != nil {
						return err
					}
					var ident, rest []string
					for _, k := range l.Keys {
						if strings.HasPrefix(k, identityKeyPrefix) {
							ident = append(ident, k)
						} else {
							rest = append(rest, k)
						}
					}
					if err := tx.RemoveKeys(r.Key(), ident); err != nil {
						return err
					}
					l.Keys = rest
					if err := tx.PutLink(l); err != nil {
						return err
					}
				}
				return tx.PutMeta(metaFingerprint, []byte("an earlier version"))
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{name: "other blocking rules", built: otherRules},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := reindexRecords()
			build := func(m match.Config) Store { // a store holding recs, indexed under m
				s := NewMemoryStore()
				e, err := Open(ctx, Config{Store: s, Match: m})
				if err != nil {
					t.Fatal(err)
				}
				defer e.Close()
				for _, r := range recs {
					if _, err := e.Upsert(ctx, r); err != nil {
						t.Fatal(err)
					}
				}
				return s
			}
			want := linkKeys(t, build(tt.now), recs)
			s := build(tt.built)
			if tt.age != nil {
				tt.age(t, s)
			}
			if _, err := Open(ctx, Config{Store: s, Match: tt.now}); !errors.Is(err, ErrInvalid) || !errors.Is(err, ErrIndexed) {
				t.Fatalf("Open of the old store = %v, want ErrInvalid and ErrIndexed", err)
			}
			got, err := Reindex(ctx, Config{Store: s, Match: tt.now})
			if err != nil {
				t.Fatal(err)
			}
			if got.Records != len(recs) || got.Changed == 0 {
				t.Errorf("Reindex = %+v, want %d records read and some changed", got, len(recs))
			}
			if diff := cmp.Diff(want, linkKeys(t, s, recs)); diff != "" {
				t.Errorf("index keys after Reindex (-fresh store +reindexed):\n%s", diff)
			}
			e, err := Open(ctx, Config{Store: s, Match: tt.now})
			if err != nil {
				t.Fatalf("Open after Reindex: %v", err)
			}
			ids, err := e.Lookup(ctx, customer.Identifier{Scheme: "email", Value: "T.Yamada@work.example.com"})
			if err != nil || len(ids) != 1 {
				t.Errorf("Lookup of the second e-mail after Reindex = %v, %v; want one profile", ids, err)
			}
			e.Close()
			again, err := Reindex(ctx, Config{Store: s, Match: tt.now})
			if err != nil {
				t.Fatal(err)
			}
			if again.Changed != 0 || again.Records != len(recs) {
				t.Errorf("second Reindex = %+v, want %d records read and none changed", again, len(recs))
			}
		})
	}
}

func TestReindexRefusesNoStore(t *testing.T) {
	if _, err := Reindex(context.Background(), Config{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Reindex without a store = %v, want ErrInvalid", err)
	}
}

func TestKeysDiff(t *testing.T) {
	tests := []struct {
		old, now, gone, added []string
	}{
		{nil, nil, nil, nil},
		{[]string{"a", "b"}, []string{"a", "b"}, nil, nil},
		{[]string{"a", "c"}, []string{"b", "c", "d"}, []string{"a"}, []string{"b", "d"}},
		{[]string{"c", "a"}, []string{"a"}, []string{"c"}, nil},
		{nil, []string{"x"}, nil, []string{"x"}},
		{[]string{"x"}, nil, []string{"x"}, nil},
	}
	for _, tt := range tests {
		gone, added := keysDiff(tt.old, tt.now)
		if diff := cmp.Diff([2][]string{tt.gone, tt.added}, [2][]string{gone, added}); diff != "" {
			t.Errorf("keysDiff(%q, %q) (-want +got):\n%s", tt.old, tt.now, diff)
		}
	}
}
