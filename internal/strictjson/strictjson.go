// Package strictjson checks a JSON document more strictly than
// encoding/json decodes it: every object key must be a field of the Go type
// it decodes into, and no object may repeat a key. encoding/json ignores
// unknown keys and keeps the last of repeated ones, which lets a misspelt or
// doubled field of a user's file pass silently; the command-line tool reads
// JSON Lines inputs as strictly as CSV by checking each line here first.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// Opaque lists types whose JSON objects are checked only for repeated keys,
// with the keys they accept: types with their own UnmarshalJSON and no
// exported fields. The caller supplies it (the package knows no SDK type).
type Opaque map[reflect.Type][]string

// Check reports the first unknown or repeated key of the JSON document b,
// decoded into a value of type t, with its path ("consent.entries[0].chanel").
// It does not check values: the decoder does that.
func Check(b []byte, t reflect.Type, opaque Opaque) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	c := checker{d: d, opaque: opaque}
	if err := c.value(t, ""); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

type checker struct {
	d      *json.Decoder
	opaque Opaque
}

var (
	unmarshaler     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()
)

// value walks one JSON value that decodes into t (nil: anything).
func (c *checker) value(t reflect.Type, path string) error {
	tok, err := c.d.Token()
	if err != nil {
		return err
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch delim {
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; c.d.More(); i++ {
			if err := c.value(elem, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		_, err := c.d.Token()
		return err
	case '{':
		return c.object(t, path)
	}
	return fmt.Errorf("unexpected %v", delim)
}

func (c *checker) object(t reflect.Type, path string) error {
	var fields map[string]reflect.Type // nil: any key
	var elem reflect.Type
	if t != nil {
		if keys, ok := c.opaque[t]; ok {
			fields = map[string]reflect.Type{}
			for _, k := range keys {
				fields[k] = nil
			}
		} else if t.Kind() == reflect.Struct && !reflect.PointerTo(t).Implements(textUnmarshaler) {
			fields = structFields(t)
			if len(fields) == 0 && reflect.PointerTo(t).Implements(unmarshaler) {
				fields = nil // its own decoder, of a shape we do not know
			}
		} else if t.Kind() == reflect.Map {
			elem = t.Elem()
		}
	}
	seen := map[string]bool{}
	for c.d.More() {
		tok, err := c.d.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		p := key
		if path != "" {
			p = path + "." + key
		}
		if seen[key] {
			return fmt.Errorf("%s: key repeated", p)
		}
		seen[key] = true
		ft := elem
		if fields != nil {
			var ok bool
			if ft, ok = lookup(fields, key); !ok {
				return fmt.Errorf("%s: unknown field", p)
			}
		}
		if err := c.value(ft, p); err != nil {
			return err
		}
	}
	_, err := c.d.Token()
	return err
}

// lookup finds key among the fields as encoding/json does: exactly, or else
// case-insensitively.
func lookup(fields map[string]reflect.Type, key string) (reflect.Type, bool) {
	if t, ok := fields[key]; ok {
		return t, true
	}
	for k, t := range fields {
		if strings.EqualFold(k, key) {
			return t, true
		}
	}
	return nil, false
}

// structFields returns the JSON names of t's fields, with embedded structs'
// fields promoted, as encoding/json names them.
func structFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range structFields(ft) {
					if _, ok := out[k]; !ok {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = ft
	}
	return out
}
