package table

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadAll(t *testing.T) {
	in := "\ufeff id , name ,city\r\n1, 山田 太郎 ,東京\r\n2,\"Smith,\nJohn\",London\r\n"
	got, err := ReadAll(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &Table{
		Header: []string{"id", "name", "city"},
		Rows:   [][]string{{"1", "山田 太郎", "東京"}, {"2", "Smith,\nJohn", "London"}},
		Lines:  []int{2, 3},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(Table{}), cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".index" }, cmp.Ignore())); diff != "" {
		t.Errorf("ReadAll (-want +got):\n%s", diff)
	}
	if c, err := got.Column("city"); err != nil || c != 2 {
		t.Errorf("Column(city) = %d, %v; want 2, nil", c, err)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantErr  error
		wantLine int
	}{
		{"empty", "", ErrNoHeader, 1},
		{"ragged", "a,b\n1,2\n3\n", ErrRagged, 3},
		{"bad utf8", "a,b\n1,2\n3,\xff\n", ErrInvalidUTF, 3},
		{"duplicate header", "a,a\n", ErrDupHeader, 1},
		{"unbalanced quote: the line where the field starts", "a,b\n1,2\n3,\"x\n4,5\n6,7\n", csv.ErrQuote, 3},
		{"bare quote", "a,b\n1,x\"y\n", csv.ErrBareQuote, 2},
		{"NUL in a field", "a,b\n1,2\n3,x\x00\n", ErrNUL, 3},
		{"NUL in the header", "a,b\x00\n1,2\n", ErrNUL, 1},
		{"UTF-16 little-endian with a BOM", "\xff\xfea\x00,\x00b\x00\n\x00", ErrUTF16, 1},
		{"UTF-16 big-endian with a BOM", "\xfe\xff\x00a\x00,\x00b\x00\n", ErrUTF16, 1},
		{"UTF-16 without a BOM", "a\x00,\x00b\x00\n\x00", ErrUTF16, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadAll(strings.NewReader(tt.in))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			var le *LineError
			if !errors.As(err, &le) || le.Line != tt.wantLine {
				t.Errorf("err = %v, want a LineError on line %d", err, tt.wantLine)
			}
		})
	}
}

func TestUniqueColumn(t *testing.T) {
	tab, err := ReadAll(strings.NewReader("id,x\n1,a\n2,b\n1,c\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tab.UniqueColumn("id")
	var le *LineError
	if !errors.As(err, &le) || le.Line != 4 || !strings.Contains(err.Error(), "first on line 2") {
		t.Errorf("UniqueColumn err = %v, want duplicate on line 4 naming line 2", err)
	}
	if _, err := tab.Column("nope"); !errors.Is(err, ErrNoColumn) || !strings.Contains(err.Error(), "id, x") {
		t.Errorf("Column(nope) err = %v, want ErrNoColumn listing the header", err)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(good, []byte("id\n1\n"), 0o644)
	os.WriteFile(bad, []byte("id,x\n1\n"), 0o644)
	if tab, err := ReadFile(good); err != nil || len(tab.Rows) != 1 {
		t.Errorf("ReadFile(good) = %v, %v; want one row", tab, err)
	}
	_, err := ReadFile(bad)
	if !errors.Is(err, ErrRagged) || !strings.HasPrefix(err.Error(), bad+": line 2") {
		t.Errorf("ReadFile(bad) error = %v, want ErrRagged prefixed with the path and line", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile(missing) error = %v, want os.ErrNotExist", err)
	}
}

// TestErrorHints: errors about encodings say how to convert the file, and a
// NUL byte says where it is in the field.
func TestErrorHints(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a,b\n1,\x8eR\x93c\n", `line 2, column "b": invalid UTF-8 (the file must be UTF-8; convert a Shift_JIS export with e.g. iconv -f CP932 -t UTF-8, a UTF-16 one with iconv -f UTF-16 -t UTF-8)`},
		{"\xff\xfea\x00\n\x00", "line 1: the file is UTF-16 (the file must be UTF-8; convert a Shift_JIS export with e.g. iconv -f CP932 -t UTF-8, a UTF-16 one with iconv -f UTF-16 -t UTF-8)"},
		{"a,b\n1,xy\x00z\n", `line 2, column "b": NUL byte at byte 3`},
		{"a,b\n1,2\n3,\"x\n4,5\n", "line 3: extraneous or missing \" in quoted-field: the quoted field of the record starting on this line is not closed (read to line 4)"},
	}
	for _, tt := range tests {
		_, err := ReadAll(strings.NewReader(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("ReadAll(%q) error\n got %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

// FuzzReadAll: reading any bytes never panics; an error is a *LineError
// naming a line that exists, and every row read has the header's width,
// valid UTF-8 and no NUL byte.
func FuzzReadAll(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a,b\n1,\"x\n2,3\n", "\xff\xfea\x00", "a\n\x00\n", "\ufeff a , b \r\n1,2\r\n", "a,b\n1,\x8eR\n", "\"a\nb\",c\n1,2\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tab, err := ReadAll(strings.NewReader(s))
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				return // a reader error other than a line's (none for a strings.Reader)
			}
			if lines := strings.Count(s, "\n") + 1; le.Line < 1 || le.Line > lines {
				t.Fatalf("error on line %d of a %d-line input: %v", le.Line, lines, err)
			}
			return
		}
		for i, row := range tab.Rows {
			if len(row) != len(tab.Header) {
				t.Fatalf("row %d has %d fields, header %d", i, len(row), len(tab.Header))
			}
			for _, v := range row {
				if CheckText(v) != nil {
					t.Fatalf("row %d holds %q", i, v)
				}
			}
		}
	})
}
