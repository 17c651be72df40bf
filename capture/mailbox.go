package capture

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"path"
	"strings"
)

// RawMessage is one message as a mailbox holds it, before parsing.
type RawMessage struct {
	// Source names where the message is: "inbox.mbox:1234" (the line of
	// its "From " separator) or a path inside a Maildir or directory.
	Source string
	// Data is the message (RFC 5322). Readers reuse its memory: it is
	// valid until the next iteration only.
	Data []byte
	// Truncated is set when the message was longer than the reader's
	// limit; Data then holds its beginning.
	Truncated bool
	// Err is a problem with this message alone (a file that cannot be
	// read); the reader goes on with the next.
	Err error
}

// MboxFormat is the way an mbox file escapes body lines that begin with
// "From ".
type MboxFormat int

// Mbox formats.
const (
	// MboxRD (the default): ">From ", ">>From ", … lose one ">".
	MboxRD MboxFormat = iota
	// MboxO: only ">From " loses its ">" (the escaping is not reversible).
	MboxO
)

// DefaultMaxMessageBytes is the size above which a message is truncated
// when no other limit is given.
const DefaultMaxMessageBytes = 32 << 20

// ReadMbox streams the messages of an mbox file (mboxrd or mboxo): a
// message starts at a line beginning with "From " at the start of the file
// or after an empty line. Memory stays bounded by the largest message (at
// most maxBytes, 0 meaning DefaultMaxMessageBytes; a longer message is
// truncated and marked so), whatever the size of the file. The sequence
// may be used once; it ends with ctx.Err() when ctx is cancelled and with
// the read error of r, if any, as its last item. name is used in Source.
func ReadMbox(ctx context.Context, r io.Reader, name string, format MboxFormat, maxBytes int) iter.Seq2[*RawMessage, error] {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxMessageBytes
	}
	return func(yield func(*RawMessage, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		var (
			buf       []byte
			msg       = &RawMessage{}
			lineNo    int
			startLine int
			prevBlank = true
			have      bool
			long      []byte
		)
		emit := func() bool {
			if !have {
				return true
			}
			data := buf
			// The empty line before the next separator belongs to the
			// separator.
			if bytes.HasSuffix(data, []byte("\r\n\r\n")) {
				data = data[:len(data)-2]
			} else if bytes.HasSuffix(data, []byte("\n\n")) {
				data = data[:len(data)-1]
			}
			msg.Source = fmt.Sprintf("%s:%d", name, startLine)
			msg.Data = data
			if !yield(msg, nil) {
				return false
			}
			msg = &RawMessage{}
			buf = buf[:0]
			have = false
			return true
		}
		for {
			if lineNo%1024 == 0 {
				if err := ctx.Err(); err != nil {
					yield(nil, err)
					return
				}
			}
			line, err := br.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				long = append(long[:0], line...)
				for errors.Is(err, bufio.ErrBufferFull) {
					line, err = br.ReadSlice('\n')
					if len(long) < maxBytes {
						long = append(long, line...)
					}
				}
				line = long
			}
			if len(line) > 0 {
				lineNo++
				if prevBlank && bytes.HasPrefix(line, []byte("From ")) {
					if !emit() {
						return
					}
					have, startLine = true, lineNo
				} else {
					if !have {
						if len(bytes.TrimSpace(line)) == 0 {
							prevBlank = true
							continue
						}
						// Content before the first separator: read it as
						// a message all the same.
						have, startLine = true, lineNo
					}
					body := unescapeFrom(line, format)
					if msg.Truncated || len(buf)+len(body) > maxBytes {
						msg.Truncated = true
					} else {
						buf = append(buf, body...)
					}
				}
				prevBlank = len(bytes.TrimRight(line, "\r\n")) == 0
			}
			if err != nil {
				if !emit() {
					return
				}
				if !errors.Is(err, io.EOF) {
					yield(nil, fmt.Errorf("%s: line %d: %w", name, lineNo, err))
				}
				return
			}
		}
	}
}

// unescapeFrom undoes the mbox escaping of a body line.
func unescapeFrom(line []byte, format MboxFormat) []byte {
	if len(line) < 6 || line[0] != '>' {
		return line
	}
	if format == MboxO {
		if bytes.HasPrefix(line, []byte(">From ")) {
			return line[1:]
		}
		return line
	}
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	if bytes.HasPrefix(line[i:], []byte("From ")) {
		return line[1:]
	}
	return line
}

// ReadMaildir streams the messages of a Maildir (and of its Maildir++
// folders, such as .Sent): every file under a "cur" or "new" directory, in
// lexical order of path; "tmp" is skipped. A file that cannot be read is
// yielded with Err set. maxBytes bounds the bytes read of one file as in
// ReadMbox.
func ReadMaildir(ctx context.Context, fsys fs.FS, maxBytes int) iter.Seq2[*RawMessage, error] {
	return readFiles(ctx, fsys, maxBytes, func(p string) bool {
		dir := path.Base(path.Dir(p))
		return (dir == "cur" || dir == "new") && !strings.HasPrefix(path.Base(p), ".")
	})
}

// ReadEML streams the .eml files of a directory tree (the extension in any
// case), in lexical order of path. A file that cannot be read is yielded
// with Err set. maxBytes bounds the bytes read of one file as in ReadMbox.
func ReadEML(ctx context.Context, fsys fs.FS, maxBytes int) iter.Seq2[*RawMessage, error] {
	return readFiles(ctx, fsys, maxBytes, func(p string) bool {
		return strings.EqualFold(path.Ext(p), ".eml")
	})
}

func readFiles(ctx context.Context, fsys fs.FS, maxBytes int, want func(string) bool) iter.Seq2[*RawMessage, error] {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxMessageBytes
	}
	return func(yield func(*RawMessage, error) bool) {
		var buf bytes.Buffer
		stop := errors.New("stop")
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			if err != nil {
				if p == "." {
					return err
				}
				if !yield(&RawMessage{Source: p, Err: err}, nil) {
					return stop
				}
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if d.Name() == "tmp" && p != "." {
					return fs.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || !want(p) {
				return nil
			}
			msg := &RawMessage{Source: p}
			buf.Reset()
			f, err := fsys.Open(p)
			if err == nil {
				_, err = buf.ReadFrom(io.LimitReader(f, int64(maxBytes)+1))
				f.Close()
			}
			switch {
			case err != nil:
				msg.Err = err
			case buf.Len() > maxBytes:
				msg.Data, msg.Truncated = buf.Bytes()[:maxBytes], true
			default:
				msg.Data = buf.Bytes()
			}
			if !yield(msg, nil) {
				return stop
			}
			return nil
		})
		if err != nil && !errors.Is(err, stop) {
			yield(nil, err)
		}
	}
}
