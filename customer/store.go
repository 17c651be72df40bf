package customer

import (
	"context"
	"iter"
)

// Store keeps profiles. It is the implementor surface: a host application
// implements it to keep profiles in its own database, and runs
// customertest.Run to check the implementation. SDK types such as Merger and
// Privacy call it; applications mostly use those types and Get/Lookup.
//
// A Store is storage only: it does not validate, merge or stamp times. Every
// implementation must honour these rules, which customertest.Run checks:
//
//   - Profiles are copied in and out: changing a profile after Put, or a
//     profile returned by Get or All, never changes what the Store holds.
//     Put does not modify its argument (not even its Version).
//   - Put is optimistic: p.Version must equal the stored version (0 to
//     create a profile that does not exist yet). On success the Store keeps
//     the profile with Version+1 and returns that version; otherwise it
//     returns an error wrapping ErrConflict and changes nothing.
//   - Get and Delete of an absent ID return an error wrapping ErrNotFound.
//   - A deleted ID may be created again (with Version 0), starting at
//     version 1.
//   - Lookup returns the IDs of the profiles whose Identifiers contain the
//     identifier, sorted, reflecting every completed Put and Delete.
//   - All streams every profile in ascending ID order. The sequence may be
//     used once; it yields an error at most once, as its last element; it
//     stops early when the caller breaks and releases what it holds.
//   - Every method returns ctx.Err() (possibly wrapped) once ctx is done,
//     and a cancelled Put or Delete changes nothing.
//   - An empty ID is rejected with an error wrapping ErrInvalid.
//
// Implementations document whether they are safe for concurrent use;
// MemoryStore is.
type Store interface {
	// Get returns a copy of the profile with the given ID.
	Get(ctx context.Context, id ID) (*Profile, error)
	// Put creates or replaces p if p.Version equals the stored version,
	// and returns the new version.
	Put(ctx context.Context, p *Profile) (Version, error)
	// Delete removes the profile with the given ID.
	Delete(ctx context.Context, id ID) error
	// Lookup returns the sorted IDs of the profiles holding identifier ident.
	Lookup(ctx context.Context, ident Identifier) ([]ID, error)
	// All streams copies of every profile in ascending ID order.
	All(ctx context.Context) iter.Seq2[*Profile, error]
}

// VersionedDeleter is implemented by stores that can delete a profile only
// while it is at a given version, in one atomic step: DeleteVersion removes
// the profile when its stored version is v, returns an error wrapping
// ErrConflict and changes nothing when it is another, and one wrapping
// ErrNotFound when the profile is absent. The other rules of Store apply
// (context, empty ID). customertest checks it when a store implements it.
//
// Merger uses it, when the Store has it, so that a change made to the
// absorbed profile while a merge is under way is never lost: the merge
// then fails with ErrConflict instead. MemoryStore and the durable stores
// implement it.
type VersionedDeleter interface {
	DeleteVersion(ctx context.Context, id ID, v Version) error
}
