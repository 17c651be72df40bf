package postgres

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/jackc/pgx/v5"
)

// known is what a transaction knows of one keyed value: its document (a
// copy, decoded afresh on every read so callers never share it), or that it
// is absent.
type known struct {
	doc []byte
	ok  bool
}

// engineTx is the transaction of one Update or View. Statements are queued
// in batch (the BEGIN first, then writes) and sent, pipelined, with the next
// read that needs the server, or with COMMIT. Everything the transaction
// wrote or read of links, profiles, merges, reviews, never-merge lists and
// metadata is remembered (state after its own writes), so reading it again
// costs no round trip.
type engineTx struct {
	ctx   context.Context
	s     *EngineStore
	conn  *pgx.Conn
	write bool
	batch *pgx.Batch

	sent      bool  // something reached the server
	committed bool  // COMMIT succeeded
	done      bool  // fn returned: the transaction may not be used
	err       error // a failed statement: the transaction is lost
	last      int64 // the largest cursor in the change log (Update only)

	links    map[customer.RecordKey]known
	never    map[customer.RecordKey][]customer.RecordKey
	profiles map[customer.ID]known
	merges   map[customer.ID]known
	reviews  map[string]known
	meta     map[string]known
	items    map[groupKey]*itemGroup
}

func newEngineTx(ctx context.Context, s *EngineStore, conn *pgx.Conn, write bool) *engineTx {
	return &engineTx{ctx: ctx, s: s, conn: conn, write: write, batch: &pgx.Batch{},
		links: map[customer.RecordKey]known{}, never: map[customer.RecordKey][]customer.RecordKey{},
		profiles: map[customer.ID]known{}, merges: map[customer.ID]known{},
		reviews: map[string]known{}, meta: map[string]known{}, items: map[groupKey]*itemGroup{}}
}

// end closes the transaction: when it did not commit and reached the
// server, it is rolled back (a connection that cannot roll back is dropped
// by the pool, which ends the transaction on the server too).
func (t *engineTx) end() {
	t.done = true
	if t.sent && !t.committed && t.conn.PgConn().TxStatus() != 'I' && !t.conn.IsClosed() {
		t.s.roundTrips.Add(1)
		t.conn.Exec(context.WithoutCancel(t.ctx), "ROLLBACK")
	}
}

// usable reports whether the transaction may run another statement.
func (t *engineTx) usable() error {
	if t.done {
		return errTxDone
	}
	if t.err != nil {
		return t.err
	}
	return t.ctx.Err()
}

func (t *engineTx) writable() error {
	if !t.write {
		return fmt.Errorf("postgres: engine store: write in a View")
	}
	return t.usable()
}

// send sends the queued statements in one round trip and runs their
// callbacks. A failure is kept: the transaction is lost.
func (t *engineTx) send() error {
	if len(t.batch.QueuedQueries) == 0 {
		return nil
	}
	b := t.batch
	t.batch = &pgx.Batch{}
	t.sent = true
	t.s.roundTrips.Add(1)
	err := t.conn.SendBatch(t.ctx, b).Close()
	if err != nil {
		if t.ctx.Err() != nil {
			err = t.ctx.Err()
		}
		t.err = fmt.Errorf("postgres: engine store: %w", err)
		return t.err
	}
	return nil
}

// read queues a query (after the queued writes) and sends everything.
func (t *engineTx) read(sql string, args []any, fn func(pgx.Rows) error) error {
	if err := t.usable(); err != nil {
		return err
	}
	t.batch.Queue(sql, args...).Query(fn)
	return t.send()
}

// keysOf pairs the arrays of a never-merge list (NULL when empty) into keys.
func keysOf(systems, ids []string) []customer.RecordKey {
	if len(systems) == 0 {
		return nil
	}
	out := make([]customer.RecordKey, len(systems))
	for i := range systems {
		out[i] = customer.RecordKey{System: systems[i], RecordID: ids[i]}
	}
	return out
}

func notFound(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{c360.ErrNotFound}, args...)...)
}

// fetchLink reads a record's link and never-merge list into the
// transaction's knowledge.
func (t *engineTx) fetchLink(key customer.RecordKey) error {
	return t.read(t.s.sql.link, []any{key.System, key.RecordID}, func(rows pgx.Rows) error {
		for rows.Next() {
			var doc []byte
			var systems, ids []string
			if err := rows.Scan(&doc, &systems, &ids); err != nil {
				return err
			}
			if _, ok := t.links[key]; !ok {
				t.links[key] = known{doc: doc, ok: doc != nil}
			}
			t.never[key] = keysOf(systems, ids)
		}
		return nil
	})
}

// Link implements c360.ReadTx.
func (t *engineTx) Link(key customer.RecordKey) (*c360.Link, error) {
	if err := t.usable(); err != nil {
		return nil, err
	}
	k, ok := t.links[key]
	if !ok {
		if err := t.fetchLink(key); err != nil {
			return nil, err
		}
		k = t.links[key]
	}
	if !k.ok {
		return nil, notFound("record %s", key)
	}
	return decode[c360.Link]("link of "+key.String(), k.doc)
}

// Candidates implements c360.ReadTx. It also learns the candidates' links
// and never-merge lists, which the engine reads next.
func (t *engineTx) Candidates(indexKey string, limit int) ([]customer.RecordKey, error) {
	var lim any
	if limit > 0 {
		lim = int64(limit)
	}
	var out []customer.RecordKey
	err := t.read(t.s.sql.candidates, []any{indexKey, lim}, func(rows pgx.Rows) error {
		for rows.Next() {
			var k customer.RecordKey
			var doc []byte
			var systems, ids []string
			if err := rows.Scan(&k.System, &k.RecordID, &doc, &systems, &ids); err != nil {
				return err
			}
			out = append(out, k)
			if _, ok := t.links[k]; !ok {
				t.links[k] = known{doc: doc, ok: doc != nil}
			}
			if _, ok := t.never[k]; !ok {
				t.never[k] = keysOf(systems, ids)
			}
		}
		return nil
	})
	return out, err
}

// CandidatesOf implements c360.CandidatesReader: the candidate queries of
// all the keys go to the server in one batch, one round trip.
func (t *engineTx) CandidatesOf(indexKeys []string, limit int) ([][]customer.RecordKey, error) {
	if err := t.usable(); err != nil {
		return nil, err
	}
	var lim any
	if limit > 0 {
		lim = int64(limit)
	}
	out := make([][]customer.RecordKey, len(indexKeys))
	for i, key := range indexKeys {
		t.batch.Queue(t.s.sql.candidates, key, lim).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var k customer.RecordKey
				var doc []byte
				var systems, ids []string
				if err := rows.Scan(&k.System, &k.RecordID, &doc, &systems, &ids); err != nil {
					return err
				}
				out[i] = append(out[i], k)
				if _, ok := t.links[k]; !ok {
					t.links[k] = known{doc: doc, ok: doc != nil}
				}
				if _, ok := t.never[k]; !ok {
					t.never[k] = keysOf(systems, ids)
				}
			}
			return nil
		})
	}
	if err := t.send(); err != nil {
		return nil, err
	}
	return out, nil
}

// fetchProfile reads a profile and the merge of its ID.
func (t *engineTx) fetchProfile(id customer.ID) error {
	return t.read(t.s.sql.profile, []any{string(id)}, func(rows pgx.Rows) error {
		for rows.Next() {
			var p, m []byte
			if err := rows.Scan(&p, &m); err != nil {
				return err
			}
			if _, ok := t.profiles[id]; !ok {
				t.profiles[id] = known{doc: p, ok: p != nil}
			}
			if _, ok := t.merges[id]; !ok {
				t.merges[id] = known{doc: m, ok: m != nil}
			}
		}
		return nil
	})
}

// Profile implements c360.ReadTx.
func (t *engineTx) Profile(id customer.ID) (*customer.Profile, error) {
	if err := t.usable(); err != nil {
		return nil, err
	}
	k, ok := t.profiles[id]
	if !ok {
		if err := t.fetchProfile(id); err != nil {
			return nil, err
		}
		k = t.profiles[id]
	}
	if !k.ok {
		return nil, notFound("profile %s", id)
	}
	return decode[customer.Profile]("profile "+string(id), k.doc)
}

// Merge implements c360.ReadTx.
func (t *engineTx) Merge(absorbed customer.ID) (*c360.Merge, error) {
	if err := t.usable(); err != nil {
		return nil, err
	}
	k, ok := t.merges[absorbed]
	if !ok {
		if err := t.fetchProfile(absorbed); err != nil {
			return nil, err
		}
		k = t.merges[absorbed]
	}
	if !k.ok {
		return nil, notFound("merge of %s", absorbed)
	}
	return decode[c360.Merge]("merge of "+string(absorbed), k.doc)
}

// one reads the single document of a keyed query into m.
func one[K comparable](t *engineTx, m map[K]known, key K, sql string, arg any) (known, error) {
	if err := t.usable(); err != nil {
		return known{}, err
	}
	if k, ok := m[key]; ok {
		return k, nil
	}
	var k known
	err := t.read(sql, []any{arg}, func(rows pgx.Rows) error {
		for rows.Next() {
			if err := rows.Scan(&k.doc); err != nil {
				return err
			}
			k.ok = true
		}
		return nil
	})
	if err != nil {
		return known{}, err
	}
	m[key] = k
	return k, nil
}

// Review implements c360.ReadTx.
func (t *engineTx) Review(id string) (*c360.Review, error) {
	k, err := one(t, t.reviews, id, t.s.sql.review, id)
	if err != nil {
		return nil, err
	}
	if !k.ok {
		return nil, notFound("review %s", id)
	}
	return decode[c360.Review]("review "+id, k.doc)
}

// Meta implements c360.ReadTx.
func (t *engineTx) Meta(name string) ([]byte, error) {
	k, err := one(t, t.meta, name, t.s.sql.meta, name)
	if err != nil {
		return nil, err
	}
	if !k.ok {
		return nil, notFound("meta %q", name)
	}
	return slices.Clone(k.doc), nil
}

// NeverMerge implements c360.ReadTx.
func (t *engineTx) NeverMerge(key customer.RecordKey) ([]customer.RecordKey, error) {
	if err := t.usable(); err != nil {
		return nil, err
	}
	l, ok := t.never[key]
	if !ok {
		if err := t.fetchLink(key); err != nil {
			return nil, err
		}
		l = t.never[key]
	}
	return slices.Clone(l), nil
}

// Changes implements c360.ReadTx.
func (t *engineTx) Changes(after c360.Cursor, limit int) ([]c360.Change, error) {
	var lim any
	if limit > 0 {
		lim = int64(limit)
	}
	var out []c360.Change
	err := t.read(t.s.sql.changes, []any{int64(after), lim}, func(rows pgx.Rows) error {
		for rows.Next() {
			var cur int64
			var doc []byte
			if err := rows.Scan(&cur, &doc); err != nil {
				return err
			}
			c, err := decode[c360.Change](fmt.Sprint("change ", cur), doc)
			if err != nil {
				return err
			}
			c.Cursor = c360.Cursor(cur)
			out = append(out, *c)
		}
		return nil
	})
	return out, err
}

// pageSize is how many rows one read of a listing takes.
const pageSize = 500

// list streams id-ordered documents page by page (keyset pagination, so
// the connection is free while the caller's loop body runs).
func list[T any](t *engineTx, sql, what, after string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for {
			type row struct {
				id  string
				doc []byte
			}
			var page []row
			err := t.read(sql, []any{after, int64(pageSize)}, func(rows pgx.Rows) error {
				for rows.Next() {
					var r row
					if err := rows.Scan(&r.id, &r.doc); err != nil {
						return err
					}
					page = append(page, r)
				}
				return nil
			})
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range page {
				if err := t.usable(); err != nil {
					yield(nil, err)
					return
				}
				v, err := decode[T](what+" "+r.id, r.doc)
				if !yield(v, err) || err != nil {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = page[len(page)-1].id
		}
	}
}

// Profiles implements c360.ReadTx.
func (t *engineTx) Profiles(after customer.ID) iter.Seq2[*customer.Profile, error] {
	return list[customer.Profile](t, t.s.sql.profiles, "profile", string(after))
}

// Reviews implements c360.ReadTx.
func (t *engineTx) Reviews() iter.Seq2[*c360.Review, error] {
	return list[c360.Review](t, t.s.sql.reviews, "review", "")
}

// queue queues a write; it reaches the server with the next read or COMMIT.
func (t *engineTx) queue(sql string, args ...any) {
	t.batch.Queue(sql, args...)
}

// PutLink implements c360.Tx.
func (t *engineTx) PutLink(l *c360.Link) error {
	if err := t.writable(); err != nil {
		return err
	}
	doc, err := encode("link of "+l.Record.String(), l)
	if err != nil {
		return err
	}
	t.queue(t.s.sql.putLink, l.Record.System, l.Record.RecordID, string(l.Profile), doc)
	t.links[l.Record] = known{doc: doc, ok: true}
	return nil
}

// exists reports whether a keyed value is present, reading it if the
// transaction does not know.
func (t *engineTx) exists(k known, ok bool, fetch func() error, again func() known) (bool, error) {
	if !ok {
		if err := fetch(); err != nil {
			return false, err
		}
		k = again()
	}
	return k.ok, nil
}

// DeleteLink implements c360.Tx.
func (t *engineTx) DeleteLink(key customer.RecordKey) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, ok := t.links[key]
	present, err := t.exists(k, ok, func() error { return t.fetchLink(key) }, func() known { return t.links[key] })
	if err != nil {
		return err
	}
	if !present {
		return notFound("record %s", key)
	}
	t.queue(t.s.sql.deleteLink, key.System, key.RecordID)
	t.links[key] = known{}
	return nil
}

// AddKeys implements c360.Tx.
func (t *engineTx) AddKeys(rec customer.RecordKey, keys []string) error {
	if err := t.writable(); err != nil {
		return err
	}
	if len(keys) > 0 {
		t.queue(t.s.sql.addKeys, slices.Clone(keys), rec.System, rec.RecordID)
	}
	return nil
}

// RemoveKeys implements c360.Tx.
func (t *engineTx) RemoveKeys(rec customer.RecordKey, keys []string) error {
	if err := t.writable(); err != nil {
		return err
	}
	if len(keys) > 0 {
		t.queue(t.s.sql.removeKeys, slices.Clone(keys), rec.System, rec.RecordID)
	}
	return nil
}

// PutProfile implements c360.Tx.
func (t *engineTx) PutProfile(p *customer.Profile) error {
	if err := t.writable(); err != nil {
		return err
	}
	doc, err := encode("profile "+string(p.ID), p)
	if err != nil {
		return err
	}
	t.queue(t.s.sql.putProfile, string(p.ID), doc)
	t.profiles[p.ID] = known{doc: doc, ok: true}
	return nil
}

// DeleteProfile implements c360.Tx.
func (t *engineTx) DeleteProfile(id customer.ID) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, ok := t.profiles[id]
	present, err := t.exists(k, ok, func() error { return t.fetchProfile(id) }, func() known { return t.profiles[id] })
	if err != nil {
		return err
	}
	if !present {
		return notFound("profile %s", id)
	}
	t.queue(t.s.sql.deleteProfile, string(id))
	t.profiles[id] = known{}
	return nil
}

// PutMerge implements c360.Tx.
func (t *engineTx) PutMerge(m *c360.Merge) error {
	if err := t.writable(); err != nil {
		return err
	}
	doc, err := encode("merge of "+string(m.Absorbed), m)
	if err != nil {
		return err
	}
	t.queue(t.s.sql.putMerge, string(m.Absorbed), string(m.Survivor), doc)
	t.merges[m.Absorbed] = known{doc: doc, ok: true}
	return nil
}

// DeleteMerge implements c360.Tx.
func (t *engineTx) DeleteMerge(absorbed customer.ID) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, ok := t.merges[absorbed]
	present, err := t.exists(k, ok, func() error { return t.fetchProfile(absorbed) }, func() known { return t.merges[absorbed] })
	if err != nil {
		return err
	}
	if !present {
		return notFound("merge of %s", absorbed)
	}
	t.queue(t.s.sql.deleteMerge, string(absorbed))
	t.merges[absorbed] = known{}
	return nil
}

// PutReview implements c360.Tx.
func (t *engineTx) PutReview(r *c360.Review) error {
	if err := t.writable(); err != nil {
		return err
	}
	doc, err := encode("review "+r.ID, r)
	if err != nil {
		return err
	}
	t.queue(t.s.sql.putReview, r.ID, doc)
	t.reviews[r.ID] = known{doc: doc, ok: true}
	return nil
}

// DeleteReview implements c360.Tx.
func (t *engineTx) DeleteReview(id string) error {
	if err := t.writable(); err != nil {
		return err
	}
	k, err := one(t, t.reviews, id, t.s.sql.review, id)
	if err != nil {
		return err
	}
	if !k.ok {
		return notFound("review %s", id)
	}
	t.queue(t.s.sql.deleteReview, id)
	t.reviews[id] = known{}
	return nil
}

// AddNeverMerge implements c360.Tx.
func (t *engineTx) AddNeverMerge(a, b customer.RecordKey) error {
	if err := t.writable(); err != nil {
		return err
	}
	t.queue(t.s.sql.addNever, a.System, a.RecordID, b.System, b.RecordID)
	add := func(x, y customer.RecordKey) {
		l, ok := t.never[x]
		if !ok {
			return // not known: read from the server when asked
		}
		i, found := slices.BinarySearchFunc(l, y, compareKeys)
		if !found {
			t.never[x] = slices.Insert(slices.Clone(l), i, y)
		}
	}
	add(a, b)
	add(b, a)
	return nil
}

func compareKeys(a, b customer.RecordKey) int {
	switch {
	case a.System != b.System:
		if a.System < b.System {
			return -1
		}
		return 1
	case a.RecordID < b.RecordID:
		return -1
	case a.RecordID > b.RecordID:
		return 1
	}
	return 0
}

// AppendChange implements c360.Tx: the cursor is the largest so far plus
// one, which the Update read after taking the lock.
func (t *engineTx) AppendChange(c *c360.Change) (c360.Cursor, error) {
	if err := t.writable(); err != nil {
		return 0, err
	}
	if !t.sent {
		// The largest cursor is read after BEGIN and the lock: send them.
		if err := t.send(); err != nil {
			return 0, err
		}
	}
	cc := *c
	cc.Cursor = c360.Cursor(t.last + 1)
	doc, err := encode(fmt.Sprint("change ", cc.Cursor), &cc)
	if err != nil {
		return 0, err
	}
	t.queue(t.s.sql.putChange, int64(cc.Cursor), doc)
	t.last++
	return cc.Cursor, nil
}

// PutMeta implements c360.Tx.
func (t *engineTx) PutMeta(name string, value []byte) error {
	if err := t.writable(); err != nil {
		return err
	}
	v := slices.Clone(value)
	if v == nil {
		v = []byte{}
	}
	t.queue(t.s.sql.putMeta, name, v)
	t.meta[name] = known{doc: slices.Clone(v), ok: true}
	return nil
}

var _ c360.CandidatesReader = (*engineTx)(nil)
