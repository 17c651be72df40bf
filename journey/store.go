package journey

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/c360/c360/customer"
)

// Errors returned by EventStore implementations.
var (
	// ErrNotFound: no event with that ID, or an anonymous ID not linked.
	ErrNotFound = errors.New("journey: not found")
	// ErrConflict: an anonymous ID is linked to another customer already.
	ErrConflict = errors.New("journey: anonymous ID linked to another customer")
)

// EventStore keeps touchpoint events. It is the implementor surface: a host
// that keeps events in its own database implements it and checks the
// implementation with journeytest.Run; MemoryEventStore is the embedded
// default. The SDK's timelines, stage engine and analytics call it.
//
// Times are compared as instants; a range [from, to) with a zero from or to
// is open on that side. Streams stop early when the caller breaks, and yield
// an error at most once, as their last item.
type EventStore interface {
	// Append stores events. It is idempotent on Event.ID: an event whose ID
	// is stored already is skipped, so a source may deliver it twice.
	// It returns how many events were new. An event whose anonymous ID is
	// linked is stored with the linked customer's ID.
	Append(ctx context.Context, events ...Event) (added int, err error)

	// Get returns the event with the given ID, or ErrNotFound.
	Get(ctx context.Context, id string) (Event, error)

	// Link joins an anonymous ID to a customer: the anonymous events stored
	// so far and appended later belong to the customer from then on, with
	// CustomerID set. Linking again to the same customer does nothing;
	// linking to another customer returns ErrConflict.
	Link(ctx context.Context, anonymousID string, id customer.ID) error

	// Resolve returns the customer an anonymous ID is linked to, or
	// ErrNotFound.
	Resolve(ctx context.Context, anonymousID string) (customer.ID, error)

	// Events streams one customer's events with from <= Time < to, including
	// those of linked anonymous IDs, in time order (ties by event ID).
	Events(ctx context.Context, id customer.ID, from, to time.Time) iter.Seq2[Event, error]

	// AnonymousEvents streams the events of an anonymous ID that is not
	// linked, in time order (ties by event ID); nothing once it is linked.
	AnonymousEvents(ctx context.Context, anonymousID string, from, to time.Time) iter.Seq2[Event, error]

	// Customers streams the IDs of every customer that has events, in
	// ascending order.
	Customers(ctx context.Context) iter.Seq2[customer.ID, error]
}
