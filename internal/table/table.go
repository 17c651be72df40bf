// Package table reads CSV exports as users' files have them: a UTF-8 byte
// order mark, spaces around header names and values, CRLF line ends, and
// quoted fields spanning lines. Every problem is reported with the line it is
// on, so that a data engineer can find it in a file of millions of rows.
//
// Rows are checked for the same number of fields as the header and for valid
// UTF-8. The command-line tool uses this package for every CSV it reads.
package table

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// LineError reports a problem on one line of the input. Column is empty when
// the problem is not about one column.
type LineError struct {
	Line   int    // 1-based line number in the input
	Column string // header name of the field, if any
	Err    error
}

// Error formats the error with where it happened.
func (e *LineError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("line %d, column %q: %v", e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

// Sentinel errors wrapped by LineError.
var (
	ErrRagged     = errors.New("wrong number of fields")
	ErrInvalidUTF = errors.New("invalid UTF-8")
	ErrNoHeader   = errors.New("no header line")
	ErrDupHeader  = errors.New("duplicate header name")
	ErrNoColumn   = errors.New("no such column")
)

// Reader streams the rows of a CSV file with a header line. It is not safe
// for concurrent use.
type Reader struct {
	cr     *csv.Reader
	header []string
	index  map[string]int
}

// NewReader reads the header line of r. Header names are trimmed of spaces and
// of a leading byte order mark; they must be unique and valid UTF-8.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, &LineError{Line: 1, Err: ErrNoHeader}
	}
	if err != nil {
		return nil, csvError(err)
	}
	t := &Reader{cr: cr, header: make([]string, len(rec)), index: make(map[string]int, len(rec))}
	for i, h := range rec {
		if !utf8.ValidString(h) {
			return nil, &LineError{Line: 1, Err: fmt.Errorf("header field %d: %w", i+1, ErrInvalidUTF)}
		}
		h = strings.TrimSpace(h)
		if _, dup := t.index[h]; dup {
			return nil, &LineError{Line: 1, Column: h, Err: ErrDupHeader}
		}
		t.header[i] = h
		t.index[h] = i
	}
	return t, nil
}

// Header returns the trimmed header names. The caller must not modify it.
func (t *Reader) Header() []string { return t.header }

// Column returns the index of the named column, or an error that lists the
// columns there are.
func (t *Reader) Column(name string) (int, error) {
	return column(t.header, t.index, name)
}

func column(header []string, index map[string]int, name string) (int, error) {
	if i, ok := index[strings.TrimSpace(name)]; ok {
		return i, nil
	}
	return -1, fmt.Errorf("%w %q (the header has: %s)", ErrNoColumn, name, strings.Join(header, ", "))
}

// Read returns the next row and the line it starts on. Values are trimmed of
// surrounding white space. At the end of the input it returns io.EOF.
func (t *Reader) Read() (row []string, line int, err error) {
	rec, err := t.cr.Read()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	if err != nil {
		return nil, 0, csvError(err)
	}
	line, _ = t.cr.FieldPos(0)
	if len(rec) != len(t.header) {
		return nil, line, &LineError{Line: line, Err: fmt.Errorf("%w: %d, the header has %d", ErrRagged, len(rec), len(t.header))}
	}
	for i, v := range rec {
		if !utf8.ValidString(v) {
			l, _ := t.cr.FieldPos(i)
			return nil, l, &LineError{Line: l, Column: t.header[i], Err: ErrInvalidUTF}
		}
		rec[i] = strings.TrimSpace(v)
	}
	return rec, line, nil
}

// Table is a whole CSV file in memory.
type Table struct {
	Header []string
	Rows   [][]string
	Lines  []int // Lines[i] is the 1-based line on which Rows[i] starts
	index  map[string]int
}

// ReadAll reads a whole CSV file. It stops at the first malformed line.
func ReadAll(r io.Reader) (*Table, error) {
	rd, err := NewReader(r)
	if err != nil {
		return nil, err
	}
	t := &Table{Header: rd.header, index: rd.index}
	for {
		row, line, err := rd.Read()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		t.Rows = append(t.Rows, row)
		t.Lines = append(t.Lines, line)
	}
}

// ReadFile reads a whole CSV file by path; errors are prefixed with the path.
func ReadFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Column returns the index of the named column, or an error that lists the
// columns there are.
func (t *Table) Column(name string) (int, error) {
	if t.index == nil {
		t.index = make(map[string]int, len(t.Header))
		for i, h := range t.Header {
			t.index[h] = i
		}
	}
	return column(t.Header, t.index, name)
}

// UniqueColumn checks that the named column holds a non-empty, distinct value
// in every row, and returns its index. The error names the offending line.
func (t *Table) UniqueColumn(name string) (int, error) {
	c, err := t.Column(name)
	if err != nil {
		return -1, err
	}
	seen := make(map[string]int, len(t.Rows))
	for i, row := range t.Rows {
		v := row[c]
		if v == "" {
			return -1, &LineError{Line: t.Lines[i], Column: name, Err: errors.New("empty ID")}
		}
		if prev, dup := seen[v]; dup {
			return -1, &LineError{Line: t.Lines[i], Column: name, Err: fmt.Errorf("duplicate ID %q (first on line %d)", v, prev)}
		}
		seen[v] = t.Lines[i]
	}
	return c, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{Line: pe.Line, Err: pe.Err}
	}
	return err
}
