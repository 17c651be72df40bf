package quality

import (
	"fmt"
)

// Record is the small accessor the rule engine reads: one rule engine serves
// customer profiles (ProfileRecord), plain tables (Table) and a host's own
// types alike. Implementations must be safe for concurrent reads, as the
// Engine checks records on several goroutines.
type Record interface {
	// RecordID returns the record's identity, used in reports and samples.
	RecordID() string
	// Values returns the values of a field: none when the record has no
	// such field, several for a multi-valued field (the e-mail addresses of
	// a profile). The caller does not modify the slice.
	Values(field string) []string
}

// Table is a plain table as a source of Records: a header and rows of
// strings, with one column holding the record ID. It is read-only once
// built and safe for concurrent use.
type Table struct {
	header []string
	index  map[string]int
	idCol  int
	rows   []Row
}

// Row is one row of a Table; *Row implements Record.
type Row struct {
	t      *Table
	values []string
}

// NewTable returns a Table over rows (each of len(header) values, not
// copied) whose record IDs are in column idColumn. A row of the wrong width
// or an unknown idColumn is an error wrapping ErrRecord or ErrConfig.
func NewTable(header []string, rows [][]string, idColumn string) (*Table, error) {
	t := &Table{header: header, index: make(map[string]int, len(header)), idCol: -1}
	for i, h := range header {
		if _, dup := t.index[h]; dup {
			return nil, fmt.Errorf("%w: duplicate column %q", ErrConfig, h)
		}
		t.index[h] = i
		if h == idColumn {
			t.idCol = i
		}
	}
	if t.idCol < 0 {
		return nil, fmt.Errorf("%w: no ID column %q", ErrConfig, idColumn)
	}
	t.rows = make([]Row, len(rows))
	for i, r := range rows {
		if len(r) != len(header) {
			return nil, recordError(i, "", "", fmt.Errorf("%w: %d values for %d columns", ErrRecord, len(r), len(header)))
		}
		t.rows[i] = Row{t: t, values: r}
	}
	return t, nil
}

// Header returns the column names. The caller must not modify it.
func (t *Table) Header() []string { return t.header }

// Len returns the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// Records returns the rows as Records, in order.
func (t *Table) Records() []Record {
	out := make([]Record, len(t.rows))
	for i := range t.rows {
		out[i] = &t.rows[i]
	}
	return out
}

// RecordID returns the value of the ID column.
func (r *Row) RecordID() string { return r.values[r.t.idCol] }

// Values returns the row's value of field as a one-element slice, or nil
// when the table has no such column. It does not allocate.
func (r *Row) Values(field string) []string {
	i, ok := r.t.index[field]
	if !ok {
		return nil
	}
	return r.values[i : i+1 : i+1]
}

// MapRecord is a Record held in a map, handy in tests and for small inputs.
type MapRecord struct {
	ID     string
	Fields map[string][]string
}

// RecordID returns m.ID.
func (m *MapRecord) RecordID() string { return m.ID }

// Values returns m.Fields[field].
func (m *MapRecord) Values(field string) []string { return m.Fields[field] }
