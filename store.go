package c360

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
)

// Errors of the engine and of Store implementations. Every method documents
// which it returns; test for them with errors.Is.
var (
	// ErrNotFound: no profile, record, review or merge with that ID or key.
	ErrNotFound = errors.New("c360: not found")
	// ErrClosed: the Engine or Store was closed.
	ErrClosed = errors.New("c360: closed")
	// ErrInvalid: a record, argument or configuration is not valid; the
	// error names the record and field.
	ErrInvalid = errors.New("c360: invalid")
	// ErrConflict: a constraint refuses the operation (a merge across a
	// never-merge constraint or a chaining guard, a review already decided).
	ErrConflict = errors.New("c360: conflict")
	// ErrIndexed: Open found the store indexed under another matcher
	// configuration or by an earlier version of c360's index keys. It
	// comes wrapped with ErrInvalid; Reindex brings the store forward.
	ErrIndexed = errors.New("c360: the store's identity index was made otherwise")
)

// Store keeps the engine's state: source-record links, index keys, profiles,
// redirects of absorbed IDs with the merges behind them, review items,
// never-merge constraints, the change log, small metadata (the matching
// model) and, as items in named buckets (ItemStore), the live state:
// events, anonymous IDs, stages, send history, memberships. It is the
// implementor surface, storage only, in the way database/sql/driver is under
// database/sql: a host implements it over its own database and runs
// c360test.Run on the implementation; the Engine is its only caller. NewMemoryStore is the in-memory default; store/bolt and
// store/postgres (nested modules) are durable.
//
// Every implementation must honour these rules, which c360test.Run checks:
//
//   - Update runs fn in a read-write transaction. When fn returns nil every
//     write it made becomes visible at once (atomically, to every reader and
//     every process sharing the store); when fn returns an error, or ctx is
//     done, or the commit fails, none does. Updates are serialised: no two
//     run fn at the same time on one store, across processes too (this is
//     what lets replicas share a store without creating two profiles for
//     one person).
//   - View runs fn on a consistent snapshot that sees every committed
//     Update and none in progress.
//   - A Tx and a ReadTx are valid only inside fn, and reads inside Update
//     see the transaction's own earlier writes.
//   - Values are copied in and out: changing a value after a Put, or a value
//     a read returned, never changes what the store holds.
//   - Reads of an absent key return an error wrapping ErrNotFound.
//   - The change log's cursors grow strictly in commit order, with no gaps
//     visible to a reader: a reader that has read up to cursor c and reads
//     again after c sees every change committed since, exactly once.
type Store interface {
	// Update runs fn in a serialised read-write transaction.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(ReadTx) error) error
	// Close releases the store's resources. Calls after Close return an
	// error wrapping ErrClosed.
	Close() error
}

// ReadTx reads the engine's state inside View or Update.
type ReadTx interface {
	// Link returns the link of a source record to its profile.
	Link(key customer.RecordKey) (*Link, error)
	// Candidates returns up to limit records indexed under an index key,
	// most recently added last (the newest limit when there are more).
	Candidates(indexKey string, limit int) ([]customer.RecordKey, error)
	// Profile returns a stored profile.
	Profile(id customer.ID) (*customer.Profile, error)
	// Profiles streams the stored profiles whose ID sorts after after
	// ("" for all), in ascending ID order.
	Profiles(after customer.ID) iter.Seq2[*customer.Profile, error]
	// Merge returns the merge that absorbed id (the redirect of id).
	Merge(absorbed customer.ID) (*Merge, error)
	// Review returns an open review item.
	Review(id string) (*Review, error)
	// Reviews streams the open review items in ascending ID order.
	Reviews() iter.Seq2[*Review, error]
	// NeverMerge returns the records that key must never share a profile
	// with, sorted.
	NeverMerge(key customer.RecordKey) ([]customer.RecordKey, error)
	// Changes returns up to limit changes with a cursor above after, in
	// cursor order.
	Changes(after Cursor, limit int) ([]Change, error)
	// Meta returns a named metadata value.
	Meta(name string) ([]byte, error)
	// The items of the engine's live state.
	ItemStore
}

// CandidatesReader is an optional extension of ReadTx: the candidates of
// several index keys in one call, as Candidates gives them one key at a
// time (for a database, one round trip instead of one per key). The engine
// uses it when the store's transactions have it; c360test checks that it
// agrees with Candidates.
type CandidatesReader interface {
	CandidatesOf(indexKeys []string, limit int) ([][]customer.RecordKey, error)
}

// candidatesOf reads the candidates of several keys, in one call when tx
// can, else key by key.
func candidatesOf(tx ReadTx, keys []string, limit int) ([][]customer.RecordKey, error) {
	if cr, ok := tx.(CandidatesReader); ok {
		return cr.CandidatesOf(keys, limit)
	}
	out := make([][]customer.RecordKey, len(keys))
	for i, k := range keys {
		cs, err := tx.Candidates(k, limit)
		if err != nil {
			return nil, err
		}
		out[i] = cs
	}
	return out, nil
}

// Tx reads and writes the engine's state inside Update.
type Tx interface {
	ReadTx
	// PutLink creates or replaces the link of l.Record.
	PutLink(l *Link) error
	// DeleteLink removes a link; absent is ErrNotFound.
	DeleteLink(key customer.RecordKey) error
	// AddKeys indexes rec under each key (a key already held is kept in
	// place).
	AddKeys(rec customer.RecordKey, keys []string) error
	// RemoveKeys removes rec from each key's list.
	RemoveKeys(rec customer.RecordKey, keys []string) error
	// PutProfile creates or replaces a profile.
	PutProfile(p *customer.Profile) error
	// DeleteProfile removes a profile; absent is ErrNotFound.
	DeleteProfile(id customer.ID) error
	// PutMerge records a merge (and so the redirect of m.Absorbed).
	PutMerge(m *Merge) error
	// DeleteMerge removes the merge of absorbed; absent is ErrNotFound.
	DeleteMerge(absorbed customer.ID) error
	// PutReview creates or replaces a review item.
	PutReview(r *Review) error
	// DeleteReview removes a review item; absent is ErrNotFound.
	DeleteReview(id string) error
	// AddNeverMerge records that a and b must never share a profile (in
	// both directions).
	AddNeverMerge(a, b customer.RecordKey) error
	// RemoveNeverMerge removes the constraint between a and b (in both
	// directions); an absent one is no error. Erase uses it.
	RemoveNeverMerge(a, b customer.RecordKey) error
	// AppendChange appends c to the change log, assigning and returning
	// its cursor (c.Cursor is ignored).
	AppendChange(c *Change) (Cursor, error)
	// PutMeta sets a named metadata value.
	PutMeta(name string, value []byte) error
	// ReplaceChange replaces the change at c.Cursor by c (cursor and order
	// kept); DeleteChange removes the change at a cursor, leaving a gap in
	// the cursors (readers skip it). An absent cursor is ErrNotFound. They
	// exist for erasure only: the change log is otherwise append-only, and
	// Erase uses them to take an erased person's values out of it. Erase
	// never deletes the last change of the log (it appends its notice
	// first), so a store that numbers a change from the last one never
	// reuses a cursor.
	ReplaceChange(c *Change) error
	DeleteChange(cursor Cursor) error
	// Writes of the items of the engine's live state.
	ItemWriter
}

// Link says which profile a source record belongs to and why.
type Link struct {
	Record  customer.RecordKey `json:"record"`
	Profile customer.ID        `json:"profile"`
	// Reason is how the record came to be in the profile: "new" (it
	// founded the profile), "match" (it matched a record of it), "load"
	// (clustered by Load), "confirmed" (a person confirmed a review),
	// "unmerge" (moved back by Unmerge).
	Reason string `json:"reason"`
	// Match is the best match that holds the record in its profile (a
	// deterministic rule's certain match is kept with the weight
	// math.MaxFloat64, since JSON has no infinity): the
	// explanation of its strongest edge to another record of the profile
	// (nil when it is alone).
	Match *match.Explanation `json:"match,omitempty"`
	At    time.Time          `json:"at"`
	// Edges are the record's matches: the other records it scored at or
	// above the match threshold with (whether or not a guard kept them
	// apart), and the pairs a person confirmed. Profiles are the clusters
	// these edges make, resolved in one canonical order (see Upsert).
	Edges []Edge `json:"edges,omitempty"`
	// Keys are the record's index keys; Values its matching values (so that
	// candidates are scored without loading their profiles).
	Keys   []string `json:"keys,omitempty"`
	Values []string `json:"values,omitempty"`
	// Fingerprint is the digest of the record's content the link was made
	// from: the same record again changes nothing.
	Fingerprint string `json:"fingerprint"`
	// Restricted is true while the record's profile is restricted
	// (Engine.Restrict): the record is no candidate for matching.
	Restricted bool `json:"restricted,omitempty"`
}

// Edge is a match between two records, kept on both records' links.
type Edge struct {
	Record customer.RecordKey `json:"record"` // the other record
	Weight float64            `json:"weight"` // match weight in bits
	// Confirmed is true for a pair a person confirmed (Engine.Confirm):
	// it holds the records together whatever the chaining guards say.
	Confirmed bool `json:"confirmed,omitempty"`
}

// Merge records that one profile absorbed another: the absorbed ID
// redirects to the survivor, and Unmerge can move the absorbed records
// back.
type Merge struct {
	Survivor customer.ID `json:"survivor"`
	Absorbed customer.ID `json:"absorbed"`
	// Records are the absorbed profile's records at the time of the merge.
	Records []customer.RecordKey `json:"records"`
	// Cause is the record that bridged the two profiles (zero when a person
	// confirmed a review or the merge was asked for).
	Cause customer.RecordKey `json:"cause,omitzero"`
	// CreatedAt is the absorbed profile's creation time, restored by Unmerge.
	CreatedAt time.Time `json:"created_at,omitzero"`
	At        time.Time `json:"at"`
}

// Review is an open review item: a record whose best match fell in the
// review band, with the explanation, waiting for a person to confirm or
// reject it.
type Review struct {
	ID string `json:"id"`
	// Record is the record that was matched; Candidate the record of the
	// other profile it resembles.
	Record    customer.RecordKey `json:"record"`
	Candidate customer.RecordKey `json:"candidate"`
	Match     match.Explanation  `json:"match"`
	CreatedAt time.Time          `json:"created_at"`
}

// Cursor is a position in the change feed: the zero Cursor is before the
// first change.
type Cursor uint64

// ChangeKind says what happened to a profile.
type ChangeKind string

// The kinds of change.
const (
	ChangeCreated  ChangeKind = "created"
	ChangeUpdated  ChangeKind = "updated"
	ChangeMerged   ChangeKind = "merged"
	ChangeUnmerged ChangeKind = "unmerged"
	ChangeDeleted  ChangeKind = "deleted"
	// ChangeStage: the profile's lifecycle stage changed (Fields: "stage").
	ChangeStage ChangeKind = "stage"
	// ChangeEntered and ChangeLeft: the profile entered or left the live
	// segment named in Segment.
	ChangeEntered ChangeKind = "entered"
	ChangeLeft    ChangeKind = "left"
)

// Change is one entry of the change feed.
type Change struct {
	Cursor  Cursor      `json:"cursor"`
	Kind    ChangeKind  `json:"kind"`
	Profile customer.ID `json:"profile"`
	// Absorbed lists the IDs a merge absorbed into Profile, or the ID an
	// unmerge restored.
	Absorbed []customer.ID `json:"absorbed,omitempty"`
	// Fields lists the profile fields that changed, old → new.
	Fields []FieldChange `json:"fields,omitempty"`
	// Segment is the live segment entered or left.
	Segment string `json:"segment,omitempty"`
	// Record is the source record whose arrival caused the change, if any.
	Record customer.RecordKey `json:"record,omitzero"`
	At     time.Time          `json:"at"`
}

// FieldChange is one profile field's change: Old is "" for a new value and
// New is "" for a removed one.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old,omitempty"`
	New   string `json:"new,omitempty"`
}

// Item is one entry of the engine's keyed state: a key and its value (see
// ReadTx.Get).
type Item struct {
	Key   string
	Value []byte
}

// ItemStore is the keyed part of a Store's transactions: named buckets of
// groups of items, in which the engine keeps the live state it encodes
// itself — events, anonymous IDs, lifecycle stages, send history, segment
// memberships. The store keeps bytes; it never interprets them.
//
// Bucket, group and key are arbitrary byte strings (they may hold any byte,
// NUL included) and are ordered byte-wise. A group is the unit of range
// reads: Scan reads one group whole, in key order, and Groups lists a
// bucket's groups. A group exists while it holds an item. Every rule of
// Store (atomic Updates, snapshots, reads of own writes, copied values,
// ErrNotFound) holds for items too; c360test.Run checks them.
type ItemStore interface {
	// Get returns the value of key in group of bucket.
	Get(bucket, group, key string) ([]byte, error)
	// Scan streams the items of one group in ascending key order.
	Scan(bucket, group string) iter.Seq2[Item, error]
	// Groups streams the groups of a bucket that sort after after, in
	// ascending order: after "" lists every group but the empty-named one
	// (read it with Scan).
	Groups(bucket, after string) iter.Seq2[string, error]
}

// ItemPrefetcher is an optional extension of ReadTx for stores on a server:
// the engine announces the items it will read next — with keys, those items
// of the group; without, the whole group — so that the store fetches them
// together with its next read, in one round trip. It changes no answer; an
// error surfaces at the next read. store/postgres implements it.
type ItemPrefetcher interface {
	Prefetch(bucket, group string, keys ...string)
}

// prefetch announces reads to a store that can batch them.
func prefetch(tx ReadTx, bucket, group string, keys ...string) {
	if p, ok := tx.(ItemPrefetcher); ok {
		p.Prefetch(bucket, group, keys...)
	}
}

// ItemWriter writes items inside Update.
type ItemWriter interface {
	// Put creates or replaces the value of key in group of bucket.
	Put(bucket, group, key string, value []byte) error
	// Delete removes an item; an absent item is no error.
	Delete(bucket, group, key string) error
	// DeleteGroup removes every item of a group; an absent group is no
	// error.
	DeleteGroup(bucket, group string) error
}
