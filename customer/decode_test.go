package customer

import (
	"errors"
	"testing"
)

// TestDecodeRecordNamesEmbeddedFieldsByTheirJSONPath: a wrong-typed value
// of a field of the embedded Facts is named as the document names it.
func TestDecodeRecordNamesEmbeddedFieldsByTheirJSONPath(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"kind", `{"system":"s","record_id":"1","kind":7}`, "kind"},
		{"name part", `{"system":"s","record_id":"1","kind":"person","name":{"family":7}}`, "name.family"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeRecord([]byte(tt.doc))
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("DecodeRecord(%s) = %v, want a *FieldError", tt.doc, err)
			}
			if fe.Field != tt.want {
				t.Errorf("field = %q, want %q (%v)", fe.Field, tt.want, err)
			}
		})
	}
}
