package c360

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestItemBucketsListsEveryBucket: every bucket constant of the package
// (b… = "…") is in ItemBuckets, which Erase's conformance rule reads: a
// bucket added without it would escape the erasure property.
func TestItemBucketsListsEveryBucket(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, en := range entries {
		n := en.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if len(name.Name) < 2 || name.Name[0] != 'b' || name.Name[1] < 'A' || name.Name[1] > 'Z' || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						found = append(found, v)
					}
				}
			}
		}
	}
	slices.Sort(found)
	if diff := cmp.Diff(found, ItemBuckets()); diff != "" {
		t.Errorf("ItemBuckets differs from the bucket constants (-constants +ItemBuckets):\n%s", diff)
	}
}
