package segment

import (
	"strings"
	"time"
)

// The functions below build expressions in Go; they give the same trees as
// Parse. For example
//
//	segment.AllOf(
//		segment.Cmp(segment.Attr("stage"), segment.Eq, segment.Str("engage")),
//		segment.Cmp(segment.Count("online_purchase", 90*24*time.Hour), segment.Ge, segment.Num(2)),
//	)
//
// is stage = "engage" and count(online_purchase, 90d) >= 2.

// AllOf is true when every expression is (and).
func AllOf(es ...Expr) Expr { return flatten(And, es) }

// AnyOf is true when one of the expressions is (or).
func AnyOf(es ...Expr) Expr { return flatten(Or, es) }

// Negate is not e.
func Negate(e Expr) Expr { return &Not{X: e} }

// Cmp compares two operands.
func Cmp(left Operand, op CompareOp, right Operand) Expr {
	return &Compare{Op: op, Left: left, Right: right}
}

// InSegment is true for members of the named segment.
func InSegment(name string) Expr { return &SegmentRef{Name: name} }

// Attr is the profile attribute or trait at a dotted path such as
// "consent.email.marketing".
func Attr(path string) Operand { return &Path{Parts: strings.Split(path, ".")} }

// Num is a number.
func Num(f float64) Operand { return &Number{V: f} }

// Str is a string.
func Str(s string) Operand { return &String{V: s} }

// Ago is now minus d.
func Ago(d time.Duration) Operand { return &Now{Offset: -d} }

// Count counts touchpoints of a type ("" for every type) within a window
// (0 for all history).
func Count(typ string, window time.Duration) Operand {
	return traitCall(Trait{Agg: AggCount, Type: typ, Window: window})
}

// Sum adds up a field (such as "value") of touchpoints of a type within a
// window.
func Sum(field, typ string, window time.Duration) Operand {
	return traitCall(Trait{Agg: AggSum, Field: field, Type: typ, Window: window})
}

// TraitOperand is the call that computes t.
func TraitOperand(t Trait) Operand { return traitCall(t) }

func traitCall(t Trait) *Call {
	var args []Operand
	if t.Agg.takesField() {
		args = append(args, &Path{Parts: strings.Split(t.Field, ".")})
	}
	if t.Type != "" {
		args = append(args, &Path{Parts: []string{t.Type}})
	}
	if t.Window > 0 {
		args = append(args, &Duration{D: t.Window})
	}
	return &Call{Func: t.Agg.String(), Args: args}
}
