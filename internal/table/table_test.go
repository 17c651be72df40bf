package table

import (
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
