package main

// The output layer: every file a command writes goes through createAtomic,
// after checkPaths has refused an output that is an input or another output.

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// atomicFile writes to a temporary file next to path and renames it into
// place on commit, so that a failed run leaves no partial output.
type atomicFile struct {
	path    string
	f       *os.File
	w       *bufio.Writer
	csv     *csv.Writer
	inPlace bool // not a regular file: written directly, nothing to rename
}

// outputMode is the permission of a new output file, as os.Create gives
// under the usual umask 022; a file that is replaced keeps its own.
const outputMode fs.FileMode = 0o644

// createAtomic starts writing path. An error names path (not the temporary
// file), e.g. when its directory does not exist. Only a new path or a regular
// file is replaced atomically; a path that is a symbolic link or not a regular
// file (/dev/stdout, a named pipe, a device) is opened and written in place,
// so that the link or device itself is never replaced.
func createAtomic(path string) (*atomicFile, error) {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		flags := os.O_WRONLY
		if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
			flags |= os.O_TRUNC
		}
		f, err := os.OpenFile(path, flags, 0)
		if err != nil {
			return nil, err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		return &atomicFile{path: path, f: f, w: w, csv: csv.NewWriter(w), inPlace: true}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &fs.PathError{Op: "create", Path: path, Err: err}
	}
	w := bufio.NewWriterSize(f, 1<<20)
	return &atomicFile{path: path, f: f, w: w, csv: csv.NewWriter(w)}, nil
}

func (a *atomicFile) commit() error {
	a.csv.Flush()
	err := a.csv.Error()
	if err == nil {
		err = a.w.Flush()
	}
	if a.inPlace {
		if cerr := a.f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	if err == nil {
		mode := outputMode
		if fi, serr := os.Stat(a.path); serr == nil && fi.Mode().IsRegular() {
			mode = fi.Mode().Perm()
		}
		// Best effort: some file systems (FAT, SMB shares) refuse chmod.
		a.f.Chmod(mode)
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.f.Name(), a.path)
	}
	if err != nil {
		os.Remove(a.f.Name())
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		err = &fs.PathError{Op: "write", Path: a.path, Err: err}
	}
	return err
}

// checkPaths refuses to run when an output file is also an input file or
// another output (the same name, or the same file under another name): the
// run would destroy its own input, or one output would silently replace the
// other. Flags that are not set (empty values) are skipped; so is "-"
// (standard output).
func checkPaths(inputs, outputs map[string]string) error {
	type named struct{ flag, path string }
	var outs []named
	for f, p := range outputs {
		if p != "" && p != "-" {
			outs = append(outs, named{f, p})
		}
	}
	slices.SortFunc(outs, func(a, b named) int { return strings.Compare(a.flag, b.flag) })
	var ins []named
	for f, p := range inputs {
		if p != "" && p != "-" {
			ins = append(ins, named{f, p})
		}
	}
	slices.SortFunc(ins, func(a, b named) int { return strings.Compare(a.flag, b.flag) })
	for i, o := range outs {
		for _, in := range ins {
			if samePath(o.path, in.path) {
				return usageError("--%s %s is also the input --%s; write the output to another file", o.flag, o.path, in.flag)
			}
		}
		for _, o2 := range outs[i+1:] {
			if samePath(o.path, o2.path) {
				return usageError("--%s and --%s name the same file %s", o.flag, o2.flag, o.path)
			}
		}
	}
	return nil
}

// samePath reports whether a and b name the same file: the same cleaned
// absolute path, or, when both exist, the same file (links, other spellings).
func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == bb {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

func (a *atomicFile) abort() {
	a.f.Close()
	if !a.inPlace {
		os.Remove(a.f.Name())
	}
}

// writeAtomic writes path through write: under a temporary name renamed into
// place when write succeeds, so a failed run leaves no partial file (see
// createAtomic). Errors name path.
func writeAtomic(path string, write func(io.Writer) error) error {
	a, err := createAtomic(path)
	if err != nil {
		return err
	}
	if err := write(a.w); err != nil {
		a.abort()
		return &fs.PathError{Op: "write", Path: path, Err: err}
	}
	return a.commit()
}
