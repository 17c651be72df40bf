package customer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// DecodeProfile decodes one profile from JSON and validates it. Every error
// names the record and field: a value that a field cannot hold (an unknown
// enum name, an impossible date, a value of the wrong type) is a *FieldError
// with the field's full path wrapping a *ValueError or *json.UnmarshalTypeError;
// a profile that decodes but breaks a rule gets every problem at once, as
// Validate reports them. Unknown JSON fields are ignored. It never panics.
func DecodeProfile(data []byte) (*Profile, error) {
	var p Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, locate(data, err)
	}
	if err := Validate(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

// DecodeRecord decodes one source record from JSON and validates it, with
// errors as DecodeProfile gives them; the record is named "source
// system/record_id".
func DecodeRecord(data []byte) (*SourceRecord, error) {
	var r SourceRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, locate(data, err)
	}
	if err := ValidateRecord(&r); err != nil {
		return nil, err
	}
	return &r, nil
}

// locate turns a json decoding error into a *FieldError with a path.
func locate(data []byte, err error) error {
	var tree any
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	record := ""
	if d.Decode(&tree) == nil {
		if m, ok := tree.(map[string]any); ok {
			if id, ok := m["id"].(string); ok && id != "" {
				record = "profile " + quoteID(id)
			}
			sys, _ := m["system"].(string)
			rid, _ := m["record_id"].(string)
			if sys != "" || rid != "" {
				record = "source " + quoteID(sys+"/"+rid)
			}
		}
	}
	var ve *ValueError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &ve):
		field := ve.Field
		if path, ok := find(tree, "", func(key string, v any) bool {
			return key == ve.Field && matches(v, ve.Value)
		}); ok {
			field = path
		} else if path, ok := find(tree, "", func(_ string, v any) bool { return matches(v, ve.Value) }); ok {
			field = path
		}
		return &FieldError{Record: record, Field: field, Err: ve}
	case errors.As(err, &te):
		field := jsonPath(te.Field)
		if field == "" {
			field = "(document)"
		}
		return &FieldError{Record: record, Field: field, Err: fmt.Errorf("%w: %v", ErrInvalid, te)}
	}
	return &FieldError{Record: record, Field: "(document)", Err: fmt.Errorf("%w: not a JSON profile: %v", ErrInvalid, err)}
}

// jsonPath turns the path encoding/json reports into the document's own:
// the embedded Facts struct is named in it ("Facts.kind") although its
// fields sit at the top of the JSON object ("kind").
func jsonPath(p string) string {
	parts := strings.Split(p, ".")
	parts = slices.DeleteFunc(parts, func(s string) bool { return s == "Facts" })
	return strings.Join(parts, ".")
}

// matches reports whether the JSON node v is the offending value text,
// given either as the decoded string or as raw JSON.
func matches(v any, text string) bool {
	if s, ok := v.(string); ok && s == text {
		return true
	}
	b, err := json.Marshal(v)
	return err == nil && string(b) == text
}

// find walks a generic JSON tree depth-first in key order and returns the
// path of the first node for which match holds.
func find(n any, path string, match func(key string, v any) bool) (string, bool) {
	switch n := n.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(n)) {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if match(k, n[k]) {
				return p, true
			}
			if r, ok := find(n[k], p, match); ok {
				return r, true
			}
		}
	case []any:
		for i, e := range n {
			if r, ok := find(e, path+"["+strconv.Itoa(i)+"]", match); ok {
				return r, true
			}
		}
	}
	return "", false
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
