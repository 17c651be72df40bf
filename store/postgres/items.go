package postgres

import (
	"iter"
	"maps"
	"slices"
	"strconv"

	"github.com/c360/c360"
	"github.com/jackc/pgx/v5"
)

// Items (c360.ItemStore) are rows of engine_items (bucket, grp, key,
// value), all bytea, under the primary key (bucket, grp, key): Get is one
// index probe, Scan one range of it, and Groups a loose index scan — a
// recursive query that jumps from each group to the next with one probe,
// so listing groups never reads their items.
//
// They go through the transaction machinery of the other engine state:
// writes are queued and sent with the next read or with COMMIT, under the
// schema's advisory lock in an Update. What the transaction wrote or read
// is remembered — single items, and whole groups that a Scan read in one
// page (or that DeleteGroup emptied) — so reading them again costs no round
// trip: a Scan followed by Gets and Puts in the same group costs one.
// Prefetch announces reads, so that several go in one round trip.

// itemSQL are the item statements, with the schema filled in.
type itemSQL struct {
	get, getMany, scan, groups, put, del, delGroup string
}

func newItemSQL(d *DB) itemSQL {
	t := d.table("engine_items")
	return itemSQL{
		get:     "SELECT value FROM " + t + " WHERE bucket = $1::bytea AND grp = $2::bytea AND key = $3::bytea",
		getMany: "SELECT key, value FROM " + t + " WHERE bucket = $1::bytea AND grp = $2::bytea AND key = ANY($3::bytea[])",
		// keyset pagination: from $3 (inclusive), so the first page starts
		// at the empty key and the next at the smallest key after the last.
		scan: "SELECT key, value FROM " + t + " WHERE bucket = $1::bytea AND grp = $2::bytea AND key >= $3::bytea " +
			"ORDER BY key LIMIT $4::bigint",
		groups: "WITH RECURSIVE g (grp) AS ((SELECT grp FROM " + t + " WHERE bucket = $1::bytea AND grp > $2::bytea ORDER BY grp LIMIT 1) " +
			"UNION ALL SELECT (SELECT i.grp FROM " + t + " i WHERE i.bucket = $1::bytea AND i.grp > g.grp ORDER BY i.grp LIMIT 1) " +
			"FROM g WHERE g.grp IS NOT NULL) SELECT grp FROM g WHERE grp IS NOT NULL LIMIT $3::bigint",
		put: "INSERT INTO " + t + " (bucket, grp, key, value) VALUES ($1::bytea, $2::bytea, $3::bytea, $4::bytea) " +
			"ON CONFLICT (bucket, grp, key) DO UPDATE SET value = excluded.value",
		del:      "DELETE FROM " + t + " WHERE bucket = $1::bytea AND grp = $2::bytea AND key = $3::bytea",
		delGroup: "DELETE FROM " + t + " WHERE bucket = $1::bytea AND grp = $2::bytea",
	}
}

// groupKey names a group of a bucket.
type groupKey struct{ bucket, group string }

// itemGroup is what a transaction knows of a group's items: single items
// (present or absent), and, when all is set, that they are the whole group.
type itemGroup struct {
	all   bool
	items map[string]known
	// gen counts the transaction's writes to the group, so that a prefetch
	// answered after later writes were queued is not remembered.
	gen int
	// prefetched: a Prefetch of the group is queued, not yet answered.
	prefetched bool
}

// flushPrefetch sends the queued statements when a Prefetch of the group
// is among them, so that a read answers from it instead of asking again.
func (t *engineTx) flushPrefetch(g *itemGroup) error {
	if g == nil || !g.prefetched {
		return nil
	}
	return t.send()
}

// group returns what the transaction knows of a group, creating the entry.
func (t *engineTx) group(bucket, group string) *itemGroup {
	gk := groupKey{bucket, group}
	g := t.items[gk]
	if g == nil {
		g = &itemGroup{items: map[string]known{}}
		t.items[gk] = g
	}
	return g
}

func itemNotFound(bucket, group, key string) error {
	return notFound("item %s/%s/%s", strconv.Quote(bucket), strconv.Quote(group), strconv.Quote(key))
}

// cloneValue copies a value (never nil: an empty value is a value).
func cloneValue(v []byte) []byte {
	out := make([]byte, len(v))
	copy(out, v)
	return out
}

// Get implements c360.ItemStore.
func (t *engineTx) Get(bucket, group, key string) ([]byte, error) {
	if err := t.usable(); err != nil {
		return nil, err
	}
	g := t.items[groupKey{bucket, group}]
	if err := t.flushPrefetch(g); err != nil {
		return nil, err
	}
	if g != nil {
		if k, ok := g.items[key]; ok {
			if !k.ok {
				return nil, itemNotFound(bucket, group, key)
			}
			return cloneValue(k.doc), nil
		}
		if g.all {
			return nil, itemNotFound(bucket, group, key)
		}
	}
	var k known
	err := t.read(t.s.sql.items.get, []any{[]byte(bucket), []byte(group), []byte(key)}, func(rows pgx.Rows) error {
		for rows.Next() {
			if err := rows.Scan(&k.doc); err != nil {
				return err
			}
			k.ok = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.group(bucket, group).items[key] = k
	if !k.ok {
		return nil, itemNotFound(bucket, group, key)
	}
	return cloneValue(k.doc), nil
}

// Scan implements c360.ItemStore. It reads the group pageSize items at a
// time, each page after the writes queued before it; a group that fits in
// one page is remembered whole. The loop body may write to the store: a
// page already read does not change under it.
func (t *engineTx) Scan(bucket, group string) iter.Seq2[c360.Item, error] {
	return func(yield func(c360.Item, error) bool) {
		if err := t.usable(); err != nil {
			yield(c360.Item{}, err)
			return
		}
		g := t.items[groupKey{bucket, group}]
		if err := t.flushPrefetch(g); err != nil {
			yield(c360.Item{}, err)
			return
		}
		if g != nil && g.all {
			// Known whole: no round trip. Copy first, so writes in the
			// loop body do not change what this Scan yields.
			var page []c360.Item
			for _, k := range slices.Sorted(maps.Keys(g.items)) {
				if v := g.items[k]; v.ok {
					page = append(page, c360.Item{Key: k, Value: v.doc})
				}
			}
			for _, it := range page {
				if !yield(c360.Item{Key: it.Key, Value: cloneValue(it.Value)}, nil) {
					return
				}
			}
			return
		}
		from := []byte{}
		for first := true; ; first = false {
			var page []c360.Item
			err := t.read(t.s.sql.items.scan, []any{[]byte(bucket), []byte(group), from, int64(pageSize)}, func(rows pgx.Rows) error {
				for rows.Next() {
					var key, value []byte
					if err := rows.Scan(&key, &value); err != nil {
						return err
					}
					page = append(page, c360.Item{Key: string(key), Value: value})
				}
				return nil
			})
			if err != nil {
				yield(c360.Item{}, err)
				return
			}
			if first && len(page) < pageSize {
				// The whole group, as the transaction sees it.
				g := t.group(bucket, group)
				g.all = true
				clear(g.items)
				for _, it := range page {
					g.items[it.Key] = known{doc: it.Value, ok: true}
				}
			}
			for _, it := range page {
				if err := t.usable(); err != nil {
					yield(c360.Item{}, err)
					return
				}
				if !yield(c360.Item{Key: it.Key, Value: cloneValue(it.Value)}, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			from = append([]byte(page[len(page)-1].Key), 0) // the smallest key after the last
		}
	}
}

// Groups implements c360.ItemStore: pageSize groups per round trip, each
// found by one index probe.
func (t *engineTx) Groups(bucket, after string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for {
			var page []string
			err := t.read(t.s.sql.items.groups, []any{[]byte(bucket), []byte(after), int64(pageSize)}, func(rows pgx.Rows) error {
				for rows.Next() {
					var g []byte
					if err := rows.Scan(&g); err != nil {
						return err
					}
					page = append(page, string(g))
				}
				return nil
			})
			if err != nil {
				yield("", err)
				return
			}
			for _, g := range page {
				if err := t.usable(); err != nil {
					yield("", err)
					return
				}
				if !yield(g, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = page[len(page)-1]
		}
	}
}

// Put implements c360.ItemWriter.
func (t *engineTx) Put(bucket, group, key string, value []byte) error {
	if err := t.writable(); err != nil {
		return err
	}
	v := cloneValue(value)
	t.queue(t.s.sql.items.put, []byte(bucket), []byte(group), []byte(key), v)
	g := t.group(bucket, group)
	g.items[key] = known{doc: v, ok: true}
	g.gen++
	return nil
}

// Delete implements c360.ItemWriter.
func (t *engineTx) Delete(bucket, group, key string) error {
	if err := t.writable(); err != nil {
		return err
	}
	t.queue(t.s.sql.items.del, []byte(bucket), []byte(group), []byte(key))
	g := t.group(bucket, group)
	g.items[key] = known{}
	g.gen++
	return nil
}

// DeleteGroup implements c360.ItemWriter.
func (t *engineTx) DeleteGroup(bucket, group string) error {
	if err := t.writable(); err != nil {
		return err
	}
	t.queue(t.s.sql.items.delGroup, []byte(bucket), []byte(group))
	g := t.group(bucket, group)
	g.all = true
	clear(g.items)
	g.gen++
	return nil
}

// Prefetch says that the caller will read these items next: with keys,
// those items of the group; without, the whole group (its first page). The
// reads are queued, not sent: they go to the server with the next read (or
// COMMIT), in the same round trip, and what they return is remembered, so
// that Get and Scan answer from it. Several Prefetch calls before one read
// make one round trip in all. It changes no answer (a group written after
// the Prefetch was queued is not remembered from it); an error surfaces at
// the next read. It is the proposed optional extension of c360.ReadTx for
// batched item reads.
func (t *engineTx) Prefetch(bucket, group string, keys ...string) {
	if t.usable() != nil {
		return
	}
	g := t.group(bucket, group)
	if g.all {
		return // known whole
	}
	gen := g.gen
	remember := func(page []c360.Item, whole bool) {
		if g.gen != gen {
			return // written since: the page may be stale
		}
		if whole {
			g.all = true
			clear(g.items)
		}
		for _, it := range page {
			g.items[it.Key] = known{doc: it.Value, ok: true}
		}
	}
	scan := func(rows pgx.Rows) ([]c360.Item, error) {
		var page []c360.Item
		for rows.Next() {
			var key, value []byte
			if err := rows.Scan(&key, &value); err != nil {
				return nil, err
			}
			page = append(page, c360.Item{Key: string(key), Value: value})
		}
		return page, nil
	}
	if len(keys) == 0 {
		g.prefetched = true
		t.batch.Queue(t.s.sql.items.scan, []byte(bucket), []byte(group), []byte{}, int64(pageSize)).Query(func(rows pgx.Rows) error {
			g.prefetched = false
			page, err := scan(rows)
			if err == nil {
				remember(page, len(page) < pageSize)
			}
			return err
		})
		return
	}
	var want [][]byte
	for _, k := range keys {
		if _, ok := g.items[k]; !ok {
			want = append(want, []byte(k))
		}
	}
	if len(want) == 0 {
		return
	}
	g.prefetched = true
	t.batch.Queue(t.s.sql.items.getMany, []byte(bucket), []byte(group), want).Query(func(rows pgx.Rows) error {
		g.prefetched = false
		page, err := scan(rows)
		if err != nil || g.gen != gen {
			return err
		}
		for _, k := range want {
			if _, ok := g.items[string(k)]; !ok {
				g.items[string(k)] = known{} // absent unless the page has it
			}
		}
		remember(page, false)
		return nil
	})
}
