package c360

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// LoadConfig reads a Config from JSON (the c360.json of `c360 serve
// --config`), strictly: unknown keys, values of the wrong type and data
// after the object are errors, and syntax and type errors name their line
// and column. Fields tagged json:"-" (the store, the clock, the catalogue)
// are set in Go. The settings themselves are checked by Open.
func LoadConfig(r io.Reader) (Config, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Config{}, err
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return Config{}, fmt.Errorf("%w: %s: %w", ErrInvalid, lineCol(b, se.Offset-1), err)
		case errors.As(err, &te):
			return Config{}, fmt.Errorf("%w: %s: %w", ErrInvalid, lineCol(b, te.Offset), err)
		}
		return Config{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if dec.More() {
		return Config{}, fmt.Errorf("%w: %s: unexpected data after the JSON object", ErrInvalid, lineCol(b, dec.InputOffset()))
	}
	return c, nil
}

// lineCol names the place of byte offset off in b.
func lineCol(b []byte, off int64) string {
	off = max(0, min(off, int64(len(b))))
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(b[:off], '\n'))
	return fmt.Sprintf("line %d, column %d", line, col)
}
