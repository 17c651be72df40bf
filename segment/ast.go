package segment

import (
	"strconv"
	"strings"
	"time"
)

// Expr is a boolean node of a segment expression: the whole expression, a
// logical combination, or one condition. Every Expr prints back to the text
// form with String, and Parse(e.String()) gives an equal tree.
type Expr interface {
	String() string
	exprNode()
}

// Operand is a value-producing node: a literal, a profile attribute or trait
// (a Path), a point in time relative to now, or a function over touchpoints.
type Operand interface {
	String() string
	operandNode()
}

// LogicalOp is And or Or.
type LogicalOp int

// Logical operators.
const (
	And LogicalOp = iota + 1
	Or
)

// String prints the node in the text form of the language.
func (op LogicalOp) String() string {
	if op == Or {
		return "or"
	}
	return "and"
}

// Logical combines two or more expressions with and/or.
type Logical struct {
	Op    LogicalOp
	Terms []Expr
}

// Not negates an expression.
type Not struct{ X Expr }

// CompareOp is a comparison operator.
type CompareOp int

// Comparison operators.
const (
	Eq CompareOp = iota + 1 // =
	Ne                      // !=
	Lt                      // <
	Le                      // <=
	Gt                      // >
	Ge                      // >=
)

var compareOpText = [...]string{Eq: "=", Ne: "!=", Lt: "<", Le: "<=", Gt: ">", Ge: ">="}

// String prints the node in the text form of the language.
func (op CompareOp) String() string {
	if op >= Eq && op <= Ge {
		return compareOpText[op]
	}
	return "?"
}

// Compare compares two operands.
type Compare struct {
	Op          CompareOp
	Left, Right Operand
}

// In tests whether X equals one of List.
type In struct {
	X    Operand
	List []Operand
}

// Between tests Lo <= X <= Hi (both ends included).
type Between struct{ X, Lo, Hi Operand }

// Contains tests whether the string X contains the string Sub, or whether
// the list X has the element Sub.
type Contains struct{ X, Sub Operand }

// Exists tests whether X has a value (a missing attribute, an empty string
// and an empty list have none).
type Exists struct{ X Operand }

// Truth tests a boolean operand, such as a boolean attribute.
type Truth struct{ X Operand }

// SegmentRef is true for members of another named segment.
type SegmentRef struct{ Name string }

func (*Logical) exprNode()    {}
func (*Not) exprNode()        {}
func (*Compare) exprNode()    {}
func (*In) exprNode()         {}
func (*Between) exprNode()    {}
func (*Contains) exprNode()   {}
func (*Exists) exprNode()     {}
func (*Truth) exprNode()      {}
func (*SegmentRef) exprNode() {}

// Number is a numeric literal.
type Number struct{ V float64 }

// String is a string literal.
type String struct{ V string }

// Bool is true or false.
type Bool struct{ V bool }

// Duration is a length of time written with a unit: 30s, 15m, 12h, 90d, 2w.
type Duration struct{ D time.Duration }

// Now is the evaluation time, optionally shifted: now, now - 90d, now + 1d.
type Now struct{ Offset time.Duration }

// Path names a profile field, a custom attribute or a computed trait:
// stage, consent.email.marketing, attributes.tier, last_purchase_at.
type Path struct{ Parts []string }

// Call is an aggregate over the customer's touchpoints, such as
// count(online_purchase, 90d) or sum(value, 365d). See Functions.
type Call struct {
	Func string
	Args []Operand
}

func (*Number) operandNode()   {}
func (*String) operandNode()   {}
func (*Bool) operandNode()     {}
func (*Duration) operandNode() {}
func (*Now) operandNode()      {}
func (*Path) operandNode()     {}
func (*Call) operandNode()     {}

// String prints the node in the text form of the language.
func (e *Logical) String() string {
	var b strings.Builder
	for i, t := range e.Terms {
		if i > 0 {
			b.WriteString(" " + e.Op.String() + " ")
		}
		writeTerm(&b, t, e.Op)
	}
	return b.String()
}

// writeTerm parenthesises a term that binds more loosely than its parent.
func writeTerm(b *strings.Builder, t Expr, parent LogicalOp) {
	if l, ok := t.(*Logical); ok && (parent == And || l.Op != parent) {
		b.WriteString("(" + l.String() + ")")
		return
	}
	b.WriteString(t.String())
}

// String prints the node in the text form of the language.
func (e *Not) String() string {
	if l, ok := e.X.(*Logical); ok {
		return "not (" + l.String() + ")"
	}
	return "not " + e.X.String()
}

// String prints the node in the text form of the language.
func (e *Compare) String() string {
	return e.Left.String() + " " + e.Op.String() + " " + e.Right.String()
}

// String prints the node in the text form of the language.
func (e *In) String() string {
	return e.X.String() + " in (" + joinOperands(e.List) + ")"
}

// String prints the node in the text form of the language.
func (e *Between) String() string {
	return e.X.String() + " between " + e.Lo.String() + " and " + e.Hi.String()
}

// String prints the node in the text form of the language.
func (e *Contains) String() string { return e.X.String() + " contains " + e.Sub.String() }

// String prints the node in the text form of the language.
func (e *Exists) String() string { return "exists(" + e.X.String() + ")" }

// String prints the node in the text form of the language.
func (e *Truth) String() string { return e.X.String() }

// String prints the node in the text form of the language.
func (e *SegmentRef) String() string { return "segment(" + quote(e.Name) + ")" }

// String prints the node in the text form of the language.
func (o *Number) String() string { return strconv.FormatFloat(o.V, 'g', -1, 64) }

// String prints the node in the text form of the language.
func (o *String) String() string { return quote(o.V) }

// String prints the node in the text form of the language.
func (o *Bool) String() string { return strconv.FormatBool(o.V) }

// String prints the node in the text form of the language.
func (o *Duration) String() string { return formatDuration(o.D) }

// String prints the node in the text form of the language.
func (o *Now) String() string {
	switch {
	case o.Offset < 0:
		return "now - " + formatDuration(-o.Offset)
	case o.Offset > 0:
		return "now + " + formatDuration(o.Offset)
	}
	return "now"
}

// String prints the node in the text form of the language.
func (o *Path) String() string {
	parts := make([]string, len(o.Parts))
	for i, p := range o.Parts {
		if isIdent(p) && !isKeyword(p) {
			parts[i] = p
		} else {
			parts[i] = "`" + strings.ReplaceAll(p, "`", "``") + "`"
		}
	}
	return strings.Join(parts, ".")
}

// Name returns the path's parts joined with dots.
func (o *Path) Name() string { return strings.Join(o.Parts, ".") }

// String prints the node in the text form of the language.
func (o *Call) String() string { return o.Func + "(" + joinOperands(o.Args) + ")" }

func joinOperands(ops []Operand) string {
	s := make([]string, len(ops))
	for i, o := range ops {
		s[i] = o.String()
	}
	return strings.Join(s, ", ")
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Duration units of the language. A day is 24 hours; a week is 7 days.
var durationUnits = []struct {
	unit string
	d    time.Duration
}{
	{"w", 7 * 24 * time.Hour},
	{"d", 24 * time.Hour},
	{"h", time.Hour},
	{"m", time.Minute},
	{"s", time.Second},
}

// formatDuration writes d in the largest unit that divides it.
func formatDuration(d time.Duration) string {
	for _, u := range durationUnits {
		if d%u.d == 0 && d != 0 {
			return strconv.FormatInt(int64(d/u.d), 10) + u.unit
		}
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + "s"
}
