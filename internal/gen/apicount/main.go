// Command apicount counts the exported identifiers of each package of the
// module, to measure the public surface before and after a change.
//
// Usage (from the module root):
//
//	go run ./internal/gen/apicount [dir]
//
// It counts, per non-main, non-internal package (test files excluded): exported
// top-level constants, variables, types and functions; exported methods; and
// exported fields of exported struct types and methods of exported interface
// types. It prints one line per package and the total, tab-separated.
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	counts, err := count(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "apicount:", err)
		os.Exit(1)
	}
	dirs := make([]string, 0, len(counts))
	for d := range counts {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	total := 0
	for _, d := range dirs {
		fmt.Printf("%s\t%d\n", d, counts[d])
		total += counts[d]
	}
	fmt.Printf("total\t%d\n", total)
}

// count walks root and returns the exported-identifier count per package
// directory. Nested modules (a go.mod below root), internal/, cmd/, examples/
// and testdata/ directories are skipped.
func count(root string) (map[string]int, error) {
	counts := map[string]int{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root {
			if name == "testdata" || name == "internal" || name == "cmd" || name == "examples" || strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
		}
		n, ok, err := countDir(path)
		if err != nil {
			return err
		}
		if ok {
			rel, _ := filepath.Rel(root, path)
			counts[filepath.ToSlash(rel)] = n
		}
		return nil
	})
	return counts, err
}

func countDir(dir string) (int, bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, false, err
	}
	fset := token.NewFileSet()
	n, found := 0, false
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return 0, false, err
		}
		if f.Name.Name == "main" {
			continue
		}
		found = true
		n += countFile(f)
	}
	return n, found, nil
}

func countFile(f *ast.File) int {
	n := 0
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv != nil && !exportedRecv(d.Recv) {
				continue
			}
			n++
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.ValueSpec:
					for _, id := range s.Names {
						if id.IsExported() {
							n++
						}
					}
				case *ast.TypeSpec:
					if !s.Name.IsExported() {
						continue
					}
					n++
					switch t := s.Type.(type) {
					case *ast.StructType:
						n += exportedFields(t.Fields)
					case *ast.InterfaceType:
						n += exportedFields(t.Methods)
					}
				}
			}
		}
	}
	return n
}

func exportedFields(fl *ast.FieldList) int {
	n := 0
	for _, f := range fl.List {
		for _, id := range f.Names {
			if id.IsExported() {
				n++
			}
		}
	}
	return n
}

func exportedRecv(fl *ast.FieldList) bool {
	t := fl.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.IsExported()
		default:
			return true
		}
	}
}
