package segment

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// dump prints a tree as an S-expression, showing its structure unambiguously.
func dump(n any) string {
	switch n := n.(type) {
	case *Logical:
		parts := []string{n.Op.String()}
		for _, t := range n.Terms {
			parts = append(parts, dump(t))
		}
		return "(" + strings.Join(parts, " ") + ")"
	case *Not:
		return "(not " + dump(n.X) + ")"
	case *Compare:
		return fmt.Sprintf("(%s %s %s)", n.Op, dump(n.Left), dump(n.Right))
	case *In:
		parts := []string{"in", dump(n.X)}
		for _, o := range n.List {
			parts = append(parts, dump(o))
		}
		return "(" + strings.Join(parts, " ") + ")"
	case *Between:
		return fmt.Sprintf("(between %s %s %s)", dump(n.X), dump(n.Lo), dump(n.Hi))
	case *Contains:
		return fmt.Sprintf("(contains %s %s)", dump(n.X), dump(n.Sub))
	case *Exists:
		return "(exists " + dump(n.X) + ")"
	case *Truth:
		return "(truth " + dump(n.X) + ")"
	case *SegmentRef:
		return "(segment " + quote(n.Name) + ")"
	case *Number:
		return "num:" + n.String()
	case *String:
		return "str:" + n.String()
	case *Bool:
		return "bool:" + n.String()
	case *Duration:
		return "dur:" + n.String()
	case *Now:
		return "now:" + n.Offset.String()
	case *Path:
		return "path:" + strings.Join(n.Parts, "|")
	case *Call:
		parts := []string{"call", n.Func}
		for _, a := range n.Args {
			parts = append(parts, dump(a))
		}
		return "(" + strings.Join(parts, " ") + ")"
	}
	return fmt.Sprintf("?%T", n)
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

var parseInputs = []string{
	`stage = "engage"`,
	`last_purchase_at > now - 90d`,
	`count(online_purchase, 90d) >= 2`,
	`sum(value, 365d) > 50000`,
	`sum(value, online_purchase, 365d) > 50000 and consent.email.marketing = "opt_in"`,
	`a = 1 or b = 2 and c = 3`,
	`(a = 1 or b = 2) and c = 3`,
	`not (a = 1 or b = 2)`,
	`not a = 1 and b`,
	`prefecture in ("東京都", "神奈川県", '千葉県')`,
	`prefecture not in ("東京都")`,
	`age between 20 and 39 and exists(email)`,
	`tags contains "vip"`,
	`phone exists`,
	`segment("high value") or segment(vip)`,
	`attributes.会員ランク = "ゴールド"`,
	"`odd name`.x = -1.5e3",
	`AND_x = TRUE AND y <> false`,
	`last_time(store_purchase) < now + 1w`,
	`distinct(channel, 30d) >= 3 and most_frequent(channel) = "web"`,
	`count() > 0 and count(90d) > 0`,
	"a = 1\n  and b = 2",
}

func TestParseGolden(t *testing.T) {
	var b strings.Builder
	for _, in := range parseInputs {
		e, err := Parse(in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		fmt.Fprintf(&b, "%s\n  tree: %s\n  text: %s\n", in, dump(e), e.String())
	}
	golden(t, "parse.golden", b.String())
}

// TestParseFormatRoundTrip checks parse∘format∘parse = parse on every input.
func TestParseFormatRoundTrip(t *testing.T) {
	for _, in := range parseInputs {
		e1, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		e2, err := Parse(e1.String())
		if err != nil {
			t.Fatalf("Parse(%q) (formatted from %q): %v", e1.String(), in, err)
		}
		if diff := cmp.Diff(dump(e1), dump(e2)); diff != "" {
			t.Errorf("round trip of %q (-first +second):\n%s", in, diff)
		}
	}
}

var badInputs = []string{
	``,
	`   `,
	`a =`,
	`a = = 1`,
	`(a = 1`,
	`a = 1)`,
	`a = 1 b = 2`,
	`count(online_purchase, 90x) > 1`,
	`count(online_purchase, 1.5d) > 1`,
	`sum(90d) > 1`,
	`frobnicate(a) > 1`,
	`count(a, b, c) > 1`,
	`a in 1, 2`,
	`a in (1, 2`,
	`a between 1 or 2`,
	`a ! 1`,
	`"unterminated`,
	`a = "bad \q escape"`,
	"a = 1\nand b = ",
	"名前 = \"山田\" and と =",
	`segment() `,
	`now - 5 > a`,
	`a not b`,
	`exists a`,
	"a = \xff",
	`a.`,
	`a = 1 and`,
	"``.b = 1",
}

func TestParseErrorsGolden(t *testing.T) {
	var b strings.Builder
	for _, in := range badInputs {
		_, err := Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", in)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) error %v is not a *ParseError wrapping ErrSyntax", in, err)
		}
		fmt.Fprintf(&b, "%q\n  %v\n", in, err)
	}
	golden(t, "parse_errors.golden", b.String())
}

func TestParseDeepNesting(t *testing.T) {
	in := strings.Repeat("(", 10000) + "a" + strings.Repeat(")", 10000)
	_, err := Parse(in)
	if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("Parse(deep) = %v, want a nesting error", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, in := range parseInputs {
		f.Add(in)
	}
	for _, in := range badInputs {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		e, err := Parse(in)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrSyntax", in, err)
			}
			return
		}
		text := e.String()
		e2, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its formatted form %q does not parse: %v", in, text, err)
		}
		if dump(e) != dump(e2) {
			t.Fatalf("parse∘format∘parse != parse for %q:\n%s\n%s", in, dump(e), dump(e2))
		}
	})
}

func TestJSONRoundTrip(t *testing.T) {
	for _, in := range parseInputs {
		e, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		data, err := MarshalExpr(e)
		if err != nil {
			t.Fatalf("MarshalExpr(%s): %v", in, err)
		}
		back, err := UnmarshalExpr(data)
		if err != nil {
			t.Fatalf("UnmarshalExpr(%s): %v", data, err)
		}
		if diff := cmp.Diff(dump(e), dump(back)); diff != "" {
			t.Errorf("JSON round trip of %q via %s (-want +got):\n%s", in, data, diff)
		}
	}
}

func TestUnmarshalExprErrors(t *testing.T) {
	tests := []struct{ in, wantPath string }{
		{`[]`, "$"},
		{`{"and":[{"exists":{"path":["a"]}}]}`, "$.and"},
		{`{"and":[{"exists":{"path":["a"]}},{"op":"~","left":{"number":1},"right":{"number":2}}]}`, "$.and[1].op"},
		{`{"op":"=","left":{"path":[]},"right":{"number":2}}`, "$.left.path"},
		{`{"op":"=","left":{"call":"count","args":[{"number":1},{"number":2},{"number":3}]},"right":{"number":2}}`, "$.left"},
		{`{"exists":{"duration":"9x"}}`, "$.exists.duration"},
		{`{"segment":"a","extra":1}`, "$"},
	}
	for _, tt := range tests {
		_, err := UnmarshalExpr([]byte(tt.in))
		if !errors.Is(err, ErrJSON) || !strings.Contains(err.Error(), "at "+tt.wantPath+":") {
			t.Errorf("UnmarshalExpr(%s) = %v, want ErrJSON at %s", tt.in, err, tt.wantPath)
		}
	}
}

func TestTouchpointTypes(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{`rank = "gold"`, nil},
		{`count(online_purchase, 90d) >= 2 and sum(value, store_purchase) > 100 or count(online_purchase) > 5`, []string{"online_purchase", "store_purchase"}},
		{`not (last_time(nosuch_type) > now - 7d)`, []string{"nosuch_type"}},
		{`count() > 0`, nil},
	}
	for _, tt := range tests {
		set := NewSet()
		seg, err := set.DefineText("s", tt.expr)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		if diff := cmp.Diff(tt.want, seg.TouchpointTypes()); diff != "" {
			t.Errorf("%s: TouchpointTypes (-want +got):\n%s", tt.expr, diff)
		}
	}
}
