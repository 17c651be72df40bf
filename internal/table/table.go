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
	ErrNUL        = errors.New("NUL byte")
	ErrUTF16      = errors.New("the file is UTF-16")
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

// UTF8Hint is what an error about bytes that are not UTF-8 adds: how to
// convert the usual culprits (Excel's Shift_JIS exports, UTF-16 files).
const UTF8Hint = "the file must be UTF-8; convert a Shift_JIS export with e.g. iconv -f CP932 -t UTF-8, a UTF-16 one with iconv -f UTF-16 -t UTF-8"

// errInvalidUTF8 is ErrInvalidUTF with the conversion hint.
var errInvalidUTF8 = fmt.Errorf("%w (%s)", ErrInvalidUTF, UTF8Hint)

// IsUTF16 reports whether the first bytes of a file are a UTF-16 byte order
// mark, or look like UTF-16 text without one (a NUL byte beside each ASCII
// character).
func IsUTF16(prefix []byte) bool {
	if len(prefix) >= 2 && (prefix[0] == 0xFF && prefix[1] == 0xFE || prefix[0] == 0xFE && prefix[1] == 0xFF) {
		return true
	}
	return len(prefix) >= 4 && (prefix[0] == 0 && prefix[1] != 0 && prefix[2] == 0 && prefix[3] != 0 ||
		prefix[0] != 0 && prefix[1] == 0 && prefix[2] != 0 && prefix[3] == 0)
}

// CheckText reports why text (a field, or a whole line of a line-oriented
// input) cannot be read: a NUL byte, with its 1-based byte column, or bytes
// that are not UTF-8 (with UTF8Hint). It returns nil for valid text.
func CheckText(s string) error {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return fmt.Errorf("%w at byte %d", ErrNUL, i+1)
	}
	if !utf8.ValidString(s) {
		return errInvalidUTF8
	}
	return nil
}

// NewReader reads the header line of r. Header names are trimmed of spaces and
// of a leading byte order mark; they must be unique and valid UTF-8. A UTF-16
// file is refused with ErrUTF16 and how to convert it; a NUL byte anywhere is
// refused with its line and column.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	if b, _ := br.Peek(4); IsUTF16(b) {
		return nil, &LineError{Line: 1, Err: fmt.Errorf("%w (%s)", ErrUTF16, UTF8Hint)}
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
		if err := CheckText(h); err != nil {
			return nil, &LineError{Line: 1, Err: fmt.Errorf("header field %d: %w", i+1, err)}
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
		if err := CheckText(v); err != nil {
			l, _ := t.cr.FieldPos(i)
			return nil, l, &LineError{Line: l, Column: t.header[i], Err: err}
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

// csvError names the line where the bad field starts: for a quoted field
// that is never closed, encoding/csv reports the end of the file, and the
// line where the quote was opened is the one to look at.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine > 0 && pe.StartLine < pe.Line {
			return &LineError{Line: pe.StartLine, Err: fmt.Errorf("%w: the quoted field of the record starting on this line is not closed (read to line %d)", pe.Err, pe.Line)}
		}
		return &LineError{Line: pe.Line, Err: pe.Err}
	}
	return err
}
