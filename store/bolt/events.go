package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/journey"
	bbolt "go.etcd.io/bbolt"
)

// EventStore is the journey.EventStore of a DB. It is safe for concurrent use.
type EventStore struct{ db *bbolt.DB }

var _ journey.EventStore = (*EventStore)(nil)

// Events returns the DB's touchpoint store.
func (d *DB) Events() *EventStore { return &EventStore{db: d.db} }

// subjectKey orders a subject's events by (time, event ID).
func subjectKey(subject string, t time.Time, id string) []byte {
	k := appendPart(nil, subject)
	k = appendTime(k, t)
	return appendPart(k, id)
}

func putEvent(tx *bbolt.Tx, e *journey.Event) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("%w: event %q: %v", journey.ErrInvalidEvent, e.ID, err)
	}
	if err := tx.Bucket(bEvents).Put([]byte(e.ID), data); err != nil {
		return err
	}
	if e.CustomerID != "" {
		return tx.Bucket(bByCustomer).Put(subjectKey(string(e.CustomerID), e.Time, e.ID), nil)
	}
	return tx.Bucket(bByAnonymous).Put(subjectKey(e.AnonymousID, e.Time, e.ID), nil)
}

func getEvent(tx *bbolt.Tx, id []byte) (journey.Event, bool, error) {
	data := tx.Bucket(bEvents).Get(id)
	if data == nil {
		return journey.Event{}, false, nil
	}
	var e journey.Event
	if err := json.Unmarshal(data, &e); err != nil {
		return e, false, fmt.Errorf("bolt: event %q: stored document does not decode: %w", id, err)
	}
	return e, true, nil
}

// Append implements journey.EventStore: all events in one transaction,
// skipping IDs already stored.
func (s *EventStore) Append(ctx context.Context, events ...journey.Event) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	added := 0
	err := s.db.Update(func(tx *bbolt.Tx) error {
		added = 0
		evs, links := tx.Bucket(bEvents), tx.Bucket(bLinks)
		for i := range events {
			e := events[i]
			if e.ID == "" {
				return fmt.Errorf("%w: event %d has an empty ID", journey.ErrInvalidEvent, i)
			}
			if evs.Get([]byte(e.ID)) != nil {
				continue
			}
			if e.CustomerID == "" && e.AnonymousID != "" {
				if id := links.Get([]byte(e.AnonymousID)); id != nil {
					e.CustomerID = customer.ID(id)
				}
			}
			if err := putEvent(tx, &e); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// Get implements journey.EventStore.
func (s *EventStore) Get(ctx context.Context, id string) (journey.Event, error) {
	if err := ctx.Err(); err != nil {
		return journey.Event{}, err
	}
	var e journey.Event
	var ok bool
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		e, ok, err = getEvent(tx, []byte(id))
		return err
	})
	if err != nil {
		return journey.Event{}, err
	}
	if !ok {
		return journey.Event{}, journey.ErrNotFound
	}
	return e, nil
}

// Link implements journey.EventStore: the link and the move of the
// anonymous events to the customer happen in one transaction.
func (s *EventStore) Link(ctx context.Context, anonymousID string, id customer.ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if anonymousID == "" || id == "" {
		return journey.ErrInvalidEvent
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		links := tx.Bucket(bLinks)
		if prev := links.Get([]byte(anonymousID)); prev != nil {
			if string(prev) != string(id) {
				return fmt.Errorf("%w: anonymous ID %q is linked to %s", journey.ErrConflict, anonymousID, prev)
			}
			return nil
		}
		if err := links.Put([]byte(anonymousID), []byte(id)); err != nil {
			return err
		}
		anon := tx.Bucket(bByAnonymous)
		prefix := appendPart(nil, anonymousID)
		var keys [][]byte
		c := anon.Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, append([]byte(nil), k...))
		}
		for _, k := range keys {
			evID, _, err := readPart(k[len(prefix)+12:])
			if err != nil {
				return err
			}
			e, ok, err := getEvent(tx, []byte(evID))
			if err != nil {
				return err
			}
			if err := anon.Delete(k); err != nil {
				return err
			}
			if !ok {
				continue
			}
			e.CustomerID = id
			if err := putEvent(tx, &e); err != nil {
				return err
			}
		}
		return nil
	})
}

// Resolve implements journey.EventStore.
func (s *EventStore) Resolve(ctx context.Context, anonymousID string) (customer.ID, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var id customer.ID
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bLinks).Get([]byte(anonymousID))
		if v == nil {
			return journey.ErrNotFound
		}
		id = customer.ID(v)
		return nil
	})
	return id, err
}

// Events implements journey.EventStore.
func (s *EventStore) Events(ctx context.Context, id customer.ID, from, to time.Time) iter.Seq2[journey.Event, error] {
	return s.scan(ctx, bByCustomer, string(id), from, to)
}

// AnonymousEvents implements journey.EventStore.
func (s *EventStore) AnonymousEvents(ctx context.Context, anonymousID string, from, to time.Time) iter.Seq2[journey.Event, error] {
	return s.scan(ctx, bByAnonymous, anonymousID, from, to)
}

// scan streams a subject's events with from <= time < to, in batches.
func (s *EventStore) scan(ctx context.Context, bucket []byte, subject string, from, to time.Time) iter.Seq2[journey.Event, error] {
	return func(yield func(journey.Event, error) bool) {
		prefix := appendPart(nil, subject)
		start := prefix
		if !from.IsZero() {
			start = appendTime(append([]byte(nil), prefix...), from)
		}
		var end []byte
		if !to.IsZero() {
			end = appendTime(append([]byte(nil), prefix...), to)
		}
		var after []byte
		for {
			if err := ctx.Err(); err != nil {
				yield(journey.Event{}, err)
				return
			}
			var batch []journey.Event
			done := false
			err := s.db.View(func(tx *bbolt.Tx) error {
				c := tx.Bucket(bucket).Cursor()
				var k []byte
				if after == nil {
					k, _ = c.Seek(start)
				} else {
					k, _ = c.Seek(after)
					if k != nil && string(k) == string(after) {
						k, _ = c.Next()
					}
				}
				for ; ; k, _ = c.Next() {
					if k == nil || !hasPrefix(k, prefix) || end != nil && string(k) >= string(end) {
						done = true
						return nil
					}
					if len(batch) == batchSize {
						return nil
					}
					evID, _, err := readPart(k[len(prefix)+12:])
					if err != nil {
						return err
					}
					e, ok, err := getEvent(tx, []byte(evID))
					if err != nil {
						return err
					}
					if ok {
						batch = append(batch, e)
					}
					after = append(after[:0], k...)
				}
			})
			if err != nil {
				yield(journey.Event{}, err)
				return
			}
			for _, e := range batch {
				if err := ctx.Err(); err != nil { // also within the last batch
					yield(journey.Event{}, err)
					return
				}
				if !yield(e, nil) {
					return
				}
			}
			if done {
				return
			}
		}
	}
}

// Customers implements journey.EventStore: one key per customer is visited,
// skipping the rest of each customer's events with a seek.
func (s *EventStore) Customers(ctx context.Context) iter.Seq2[customer.ID, error] {
	return func(yield func(customer.ID, error) bool) {
		var next []byte // seek position: just past the last customer's keys
		for {
			if err := ctx.Err(); err != nil {
				yield("", err)
				return
			}
			var batch []customer.ID
			done := false
			err := s.db.View(func(tx *bbolt.Tx) error {
				c := tx.Bucket(bByCustomer).Cursor()
				var k []byte
				if next == nil {
					k, _ = c.First()
				} else {
					k, _ = c.Seek(next)
				}
				for ; len(batch) < batchSize; k, _ = c.Seek(next) {
					if k == nil {
						done = true
						return nil
					}
					id, _, err := readPart(k)
					if err != nil {
						return err
					}
					batch = append(batch, customer.ID(id))
					// The customer's part ends with 0x00 0x01; the smallest key
					// after all of its keys ends the part with 0x00 0x02.
					p := appendPart(nil, id)
					p[len(p)-1] = 2
					next = p
				}
				return nil
			})
			if err != nil {
				yield("", err)
				return
			}
			for _, id := range batch {
				if err := ctx.Err(); err != nil {
					yield("", err)
					return
				}
				if !yield(id, nil) {
					return
				}
			}
			if done {
				return
			}
		}
	}
}
