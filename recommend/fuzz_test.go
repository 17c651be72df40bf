package recommend

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func FuzzReadModel(f *testing.F) {
	var buf bytes.Buffer
	m, err := Train(context.Background(), builder(f, DataConfig{}, tinyLog()), Config{Algorithm: CoOccurrence, HalfLife: -1, Shrinkage: -1, Blend: 0.1})
	if err != nil {
		f.Fatal(err)
	}
	m.WriteTo(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte(modelMagic + "\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadModel(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrBadModelFile) {
				t.Fatalf("error %v does not wrap ErrBadModelFile", err)
			}
			return
		}
		// A model that reads serves without panicking and writes back
		// the same bytes.
		for _, c := range []string{"", "c1", "x"} {
			if _, err := m.Recommend(context.Background(), Request{Customer: "c1", Items: []string{c}}); err != nil {
				t.Fatal(err)
			}
		}
		var out bytes.Buffer
		if _, err := m.WriteTo(&out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), b) {
			t.Fatal("write(read(b)) != b")
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add("Member_number,Date,itemDescription\n1808,21-07-2015,tropical fruit\n")
	f.Add("Member_number,Date,itemDescription\r\n1,2015-01-01,\"a\nb\"\r\n2,x,y\r\n")
	f.Add("\ufeffMember_number,Date,itemDescription,kind,qty\n1,1700000000,a,return,-2\n")
	cols := Columns{Customer: "Member_number", Item: "itemDescription", Time: "Date", Kind: "kind", Quantity: "qty"}
	f.Fuzz(func(t *testing.T, s string) {
		ins, err := ReadCSV(context.Background(), strings.NewReader(s), cols)
		if err != nil && len(ins) == 0 && err.Error() == "" {
			t.Fatal("empty error")
		}
		b := &Builder{}
		for _, in := range ins {
			if in.Customer == "" || in.Item == "" || in.Time.IsZero() {
				t.Fatalf("row without customer, item or time: %+v", in)
			}
			if err := b.Add(in); err != nil {
				t.Fatal(err)
			}
		}
		if len(ins) > 0 {
			if _, err := Train(context.Background(), b, Config{Algorithm: CoOccurrence, HalfLife: -1, Shrinkage: -1, Blend: -1}); err != nil && !errors.Is(err, ErrInvalidInput) {
				t.Fatal(err)
			}
		}
	})
}
