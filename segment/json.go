package segment

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrJSON is wrapped by errors of UnmarshalExpr.
var ErrJSON = errors.New("segment: bad JSON expression")

// MarshalExpr encodes an expression in the JSON form, for storage next to
// other JSON or for building expressions in other languages:
//
//	{"and": [E, …]}   {"or": [E, …]}   {"not": E}
//	{"op": ">=", "left": O, "right": O}      (op: = != < <= > >=)
//	{"in": O, "list": [O, …]}   {"between": O, "lo": O, "hi": O}
//	{"contains": O, "value": O}   {"exists": O}   {"truth": O}   {"segment": "name"}
//
// where an operand O is one of
//
//	{"number": 2}  {"string": "x"}  {"bool": true}  {"duration": "90d"}
//	{"now": "-90d"} ("" for now itself)  {"path": ["consent", "email", "marketing"]}
//	{"call": "count", "args": [O, …]}
func MarshalExpr(e Expr) ([]byte, error) {
	v, err := exprJSON(e)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

type obj = map[string]any

func exprJSON(e Expr) (any, error) {
	switch e := e.(type) {
	case *Logical:
		terms := make([]any, len(e.Terms))
		for i, t := range e.Terms {
			v, err := exprJSON(t)
			if err != nil {
				return nil, err
			}
			terms[i] = v
		}
		return obj{e.Op.String(): terms}, nil
	case *Not:
		x, err := exprJSON(e.X)
		return obj{"not": x}, err
	case *Compare:
		return obj{"op": e.Op.String(), "left": operandJSON(e.Left), "right": operandJSON(e.Right)}, nil
	case *In:
		list := make([]any, len(e.List))
		for i, o := range e.List {
			list[i] = operandJSON(o)
		}
		return obj{"in": operandJSON(e.X), "list": list}, nil
	case *Between:
		return obj{"between": operandJSON(e.X), "lo": operandJSON(e.Lo), "hi": operandJSON(e.Hi)}, nil
	case *Contains:
		return obj{"contains": operandJSON(e.X), "value": operandJSON(e.Sub)}, nil
	case *Exists:
		return obj{"exists": operandJSON(e.X)}, nil
	case *Truth:
		return obj{"truth": operandJSON(e.X)}, nil
	case *SegmentRef:
		return obj{"segment": e.Name}, nil
	}
	return nil, fmt.Errorf("segment: cannot encode expression node %T", e)
}

func operandJSON(o Operand) any {
	switch o := o.(type) {
	case *Number:
		return obj{"number": o.V}
	case *String:
		return obj{"string": o.V}
	case *Bool:
		return obj{"bool": o.V}
	case *Duration:
		return obj{"duration": formatDuration(o.D)}
	case *Now:
		s := ""
		if o.Offset < 0 {
			s = "-" + formatDuration(-o.Offset)
		} else if o.Offset > 0 {
			s = "+" + formatDuration(o.Offset)
		}
		return obj{"now": s}
	case *Path:
		return obj{"path": o.Parts}
	case *Call:
		args := make([]any, len(o.Args))
		for i, a := range o.Args {
			args[i] = operandJSON(a)
		}
		return obj{"call": o.Func, "args": args}
	}
	return nil
}

// UnmarshalExpr decodes the JSON form written by MarshalExpr. Errors wrap
// ErrJSON and name the JSON path of the bad node, such as $.and[1].left.
func UnmarshalExpr(data []byte) (Expr, error) {
	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrJSON, err)
	}
	return decodeExpr(raw, "$", 0)
}

func jsonErr(path, format string, args ...any) error {
	return fmt.Errorf("%w at %s: %s", ErrJSON, path, fmt.Sprintf(format, args...))
}

func onlyKeys(m map[string]any, path string, keys ...string) error {
	for k := range m {
		ok := false
		for _, want := range keys {
			ok = ok || k == want
		}
		if !ok {
			return jsonErr(path, "unexpected key %q (expected %s)", k, strings.Join(keys, ", "))
		}
	}
	for _, want := range keys {
		if _, ok := m[want]; !ok {
			return jsonErr(path, "missing key %q", want)
		}
	}
	return nil
}

func decodeExpr(raw any, path string, depth int) (Expr, error) {
	if depth > maxDepth {
		return nil, jsonErr(path, "nested too deeply")
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, jsonErr(path, "expected an object")
	}
	switch {
	case m["and"] != nil || m["or"] != nil:
		op, key := And, "and"
		if m["or"] != nil {
			op, key = Or, "or"
		}
		if err := onlyKeys(m, path, key); err != nil {
			return nil, err
		}
		list, ok := m[key].([]any)
		if !ok || len(list) < 2 {
			return nil, jsonErr(path+"."+key, "expected a list of two or more expressions")
		}
		terms := make([]Expr, len(list))
		for i, t := range list {
			e, err := decodeExpr(t, fmt.Sprintf("%s.%s[%d]", path, key, i), depth+1)
			if err != nil {
				return nil, err
			}
			terms[i] = e
		}
		return &Logical{Op: op, Terms: terms}, nil
	case m["not"] != nil:
		if err := onlyKeys(m, path, "not"); err != nil {
			return nil, err
		}
		x, err := decodeExpr(m["not"], path+".not", depth+1)
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	case m["op"] != nil:
		if err := onlyKeys(m, path, "op", "left", "right"); err != nil {
			return nil, err
		}
		s, _ := m["op"].(string)
		op, ok := compareOps[s]
		if !ok {
			return nil, jsonErr(path+".op", "unknown comparison %q", s)
		}
		l, err := decodeOperand(m["left"], path+".left", depth+1)
		if err != nil {
			return nil, err
		}
		r, err := decodeOperand(m["right"], path+".right", depth+1)
		if err != nil {
			return nil, err
		}
		return &Compare{Op: op, Left: l, Right: r}, nil
	case m["in"] != nil:
		if err := onlyKeys(m, path, "in", "list"); err != nil {
			return nil, err
		}
		x, err := decodeOperand(m["in"], path+".in", depth+1)
		if err != nil {
			return nil, err
		}
		raw, ok := m["list"].([]any)
		if !ok || len(raw) == 0 {
			return nil, jsonErr(path+".list", "expected a non-empty list")
		}
		list := make([]Operand, len(raw))
		for i, r := range raw {
			if list[i], err = decodeOperand(r, fmt.Sprintf("%s.list[%d]", path, i), depth+1); err != nil {
				return nil, err
			}
		}
		return &In{X: x, List: list}, nil
	case m["between"] != nil:
		if err := onlyKeys(m, path, "between", "lo", "hi"); err != nil {
			return nil, err
		}
		var ops [3]Operand
		for i, k := range []string{"between", "lo", "hi"} {
			o, err := decodeOperand(m[k], path+"."+k, depth+1)
			if err != nil {
				return nil, err
			}
			ops[i] = o
		}
		return &Between{X: ops[0], Lo: ops[1], Hi: ops[2]}, nil
	case m["contains"] != nil:
		if err := onlyKeys(m, path, "contains", "value"); err != nil {
			return nil, err
		}
		x, err := decodeOperand(m["contains"], path+".contains", depth+1)
		if err != nil {
			return nil, err
		}
		v, err := decodeOperand(m["value"], path+".value", depth+1)
		if err != nil {
			return nil, err
		}
		return &Contains{X: x, Sub: v}, nil
	case m["exists"] != nil || m["truth"] != nil:
		key := "exists"
		if m["truth"] != nil {
			key = "truth"
		}
		if err := onlyKeys(m, path, key); err != nil {
			return nil, err
		}
		x, err := decodeOperand(m[key], path+"."+key, depth+1)
		if err != nil {
			return nil, err
		}
		if key == "truth" {
			return &Truth{X: x}, nil
		}
		return &Exists{X: x}, nil
	case m["segment"] != nil:
		if err := onlyKeys(m, path, "segment"); err != nil {
			return nil, err
		}
		name, ok := m["segment"].(string)
		if !ok || name == "" {
			return nil, jsonErr(path+".segment", "expected a segment name")
		}
		return &SegmentRef{Name: name}, nil
	}
	return nil, jsonErr(path, "expected one of and, or, not, op, in, between, contains, exists, truth, segment")
}

func decodeOperand(raw any, path string, depth int) (Operand, error) {
	if depth > maxDepth {
		return nil, jsonErr(path, "nested too deeply")
	}
	m, ok := raw.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, jsonErr(path, "expected an operand object")
	}
	one := func(key string) error { return onlyKeys(m, path, key) }
	switch {
	case m["number"] != nil:
		f, ok := m["number"].(float64)
		if !ok {
			return nil, jsonErr(path+".number", "expected a number")
		}
		return &Number{V: f}, one("number")
	case m["string"] != nil:
		s, ok := m["string"].(string)
		if !ok {
			return nil, jsonErr(path+".string", "expected a string")
		}
		return &String{V: s}, one("string")
	case m["bool"] != nil:
		b, ok := m["bool"].(bool)
		if !ok {
			return nil, jsonErr(path+".bool", "expected true or false")
		}
		return &Bool{V: b}, one("bool")
	case m["duration"] != nil:
		s, _ := m["duration"].(string)
		d, err := parseDurationText(s)
		if err != nil || d <= 0 {
			return nil, jsonErr(path+".duration", "expected a duration such as \"90d\", got %q", s)
		}
		return &Duration{D: d}, one("duration")
	case m["now"] != nil:
		s, ok := m["now"].(string)
		if !ok {
			return nil, jsonErr(path+".now", "expected \"\", \"-90d\" or \"+1d\"")
		}
		var off time.Duration
		if s != "" {
			sign := 1
			switch s[0] {
			case '-':
				sign = -1
			case '+':
			default:
				return nil, jsonErr(path+".now", "expected \"\", \"-90d\" or \"+1d\", got %q", s)
			}
			d, err := parseDurationText(s[1:])
			if err != nil {
				return nil, jsonErr(path+".now", "%v", err)
			}
			off = time.Duration(sign) * d
		}
		return &Now{Offset: off}, one("now")
	case m["path"] != nil:
		list, ok := m["path"].([]any)
		if !ok || len(list) == 0 {
			return nil, jsonErr(path+".path", "expected a non-empty list of names")
		}
		parts := make([]string, len(list))
		for i, p := range list {
			s, ok := p.(string)
			if !ok || s == "" {
				return nil, jsonErr(fmt.Sprintf("%s.path[%d]", path, i), "expected a non-empty name")
			}
			parts[i] = s
		}
		return &Path{Parts: parts}, one("path")
	case m["call"] != nil:
		if err := onlyKeys(m, path, "call", "args"); err != nil {
			return nil, err
		}
		fn, _ := m["call"].(string)
		raw, ok := m["args"].([]any)
		if !ok {
			return nil, jsonErr(path+".args", "expected a list")
		}
		c := &Call{Func: strings.ToLower(fn)}
		for i, a := range raw {
			o, err := decodeOperand(a, fmt.Sprintf("%s.args[%d]", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			c.Args = append(c.Args, o)
		}
		if _, err := resolveCall(c); err != nil {
			return nil, jsonErr(path, "%v", err)
		}
		return c, nil
	}
	return nil, jsonErr(path, "expected one of number, string, bool, duration, now, path, call")
}

// parseDurationText parses "90d" and the like through the language's lexer.
func parseDurationText(s string) (time.Duration, error) {
	lx := lexer{src: s, line: 1, col: 1}
	t, err := lx.next()
	if err != nil {
		return 0, err
	}
	if t.kind != tDuration {
		return 0, fmt.Errorf("expected a duration such as 90d, got %q", s)
	}
	if end, _ := lx.next(); end.kind != tEOF {
		return 0, fmt.Errorf("expected a duration such as 90d, got %q", s)
	}
	return t.dur, nil
}
