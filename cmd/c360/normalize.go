package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/quality/normalize"
)

func init() {
	register(&command{
		name:    "normalize",
		summary: "print the normalised key (or all parts) of each input line",
		run:     runNormalize,
	})
}

const normalizeUsage = `--kind KIND [--json] < lines.txt

Reads lines from standard input and writes, for each line, its normalised
comparison key on one line of standard output, in the same order. KIND is one
of: text, kana, person_name, name_kana, company, phone, email, postal_code,
address, corporate_number. For phone the key is the E.164 number; for
postal_code it is the canonical NNN-NNNN. Lines may end in LF or CRLF; a
byte order mark at the start is skipped.

A line that cannot be normalised as KIND (for every kind but text, an empty
line too; and any line that is not valid UTF-8) gives an empty output line
and a message naming its line number on standard error; the exit code is then
1 once every line has been written.

--json writes one JSON object per line instead:
  {"line":N,"input":"…","kind":"KIND","key":"…","parts":{…}}
where parts holds every part of the parsed value (for text: Text and Key;
for kana: Katakana and Key; otherwise the fields of normalize.PersonName,
Company, Phone, Email, PostalCode or Address). A failed line gives
{"line":N,"input":"…","kind":"KIND","error":"…"}.`

func runNormalize(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "normalize", normalizeUsage)
	var kindName string
	var asJSON bool
	fs.StringVar(&kindName, "kind", "", "what each line is: text, kana, person_name, name_kana, company, phone, email, postal_code, address, corporate_number (required)")
	fs.BoolVar(&asJSON, "json", false, "write one JSON object with all parts per line instead of the key")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if kindName == "" {
		return usageError("--kind is required")
	}
	kind, err := normalize.ParseKind(kindName)
	if err != nil {
		return usageError("unknown --kind %q (want one of text, kana, person_name, name_kana, company, phone, email, postal_code, address, corporate_number)", kindName)
	}

	in := bufio.NewReaderSize(e.stdin, 64<<10)
	if b, _ := in.Peek(4); table.IsUTF16(b) {
		return fmt.Errorf("standard input: line 1: %w (%s)", table.ErrUTF16, table.UTF8Hint)
	}
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	lines, failed := 0, 0
	for {
		if lines%1024 == 0 {
			if err := ctx.Err(); err != nil {
				out.Flush()
				return err
			}
		}
		line, readErr := in.ReadString('\n')
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			out.Flush()
			return fmt.Errorf("reading standard input: %w", readErr)
		}
		if line == "" && readErr != nil {
			break
		}
		lines++
		line = strings.TrimSuffix(line, "\n")
		line = strings.TrimSuffix(line, "\r")
		if lines == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		if err := table.CheckText(line); err != nil {
			// Not UTF-8 (often a Shift_JIS export), or a NUL byte: reported,
			// never guessed.
			failed++
			fmt.Fprintf(e.stderr, "c360 normalize: line %d: %v\n", lines, err)
			if asJSON {
				if err := enc.Encode(normalizeJSON{Line: lines, Input: line, Kind: kind, Error: err.Error()}); err != nil {
					return err
				}
			} else {
				out.WriteByte('\n')
			}
		} else if asJSON {
			rec := normalizeRecord(kind, line)
			rec.Line = lines
			if rec.Error != "" {
				failed++
				fmt.Fprintf(e.stderr, "c360 normalize: line %d: %s\n", lines, rec.Error)
			}
			if err := enc.Encode(rec); err != nil {
				return err
			}
		} else {
			key, err := cliKey(kind, line)
			if err != nil {
				failed++
				key = ""
				fmt.Fprintf(e.stderr, "c360 normalize: line %d: %v\n", lines, err)
			}
			out.WriteString(key)
			out.WriteByte('\n')
		}
		if readErr != nil {
			break
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "c360 normalize: %d of %d lines could not be normalised as %s\n", failed, lines, kind)
		return exitError{code: 1}
	}
	return nil
}

// normalizeJSON is one line of --json output.
type normalizeJSON struct {
	Line  int            `json:"line"`
	Input string         `json:"input"`
	Kind  normalize.Kind `json:"kind"`
	Key   *string        `json:"key,omitempty"` // set (even to "") unless Error is
	Parts any            `json:"parts,omitempty"`
	Error string         `json:"error,omitempty"`
}

// normalizeRecord parses s as kind k and returns the JSON record with all
// parts.
func normalizeRecord(k normalize.Kind, s string) normalizeJSON {
	rec := normalizeJSON{Input: s, Kind: k}
	var parts any
	var err error
	switch k {
	case normalize.KindText:
		parts = struct{ Text, Key string }{normalize.Text(s), normalize.TextKey(s)}
	case normalize.KindKana:
		var key string
		key, err = normalize.KanaKey(s, 0)
		parts = struct{ Katakana, Key string }{normalize.Katakana(s), key}
	case normalize.KindPersonName:
		parts, err = normalize.ParsePersonName(s)
	case normalize.KindNameKana:
		parts, err = normalize.ParseNameKana(s)
	case normalize.KindCompany:
		parts, err = normalize.ParseCompany(s)
	case normalize.KindPhone:
		parts, err = normalize.ParsePhone(s)
	case normalize.KindEmail:
		parts, err = normalize.ParseEmail(s)
	case normalize.KindPostalCode:
		parts, err = normalize.ParsePostalCode(s)
	case normalize.KindAddress:
		parts, err = normalize.ParseAddress(s)
	case normalize.KindCorporateNumber:
		var n string
		n, err = normalize.CorporateNumber(s)
		parts = struct{ Number string }{n}
	}
	if err != nil {
		rec.Error = err.Error()
		return rec
	}
	rec.Parts = parts
	key, _ := cliKey(k, s)
	rec.Key = &key
	return rec
}

// cliKey is the key the command prints: normalize.Key, except that a postal
// code is printed in its canonical notation NNN-NNNN (the form issue 3
// names), where normalize.Key gives the seven digits alone.
func cliKey(k normalize.Kind, s string) (string, error) {
	if k == normalize.KindPostalCode {
		p, err := normalize.ParsePostalCode(s)
		return p.Code, err
	}
	return normalize.Key(k, s)
}
