package segment

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrSyntax is wrapped by every *ParseError.
var ErrSyntax = errors.New("segment: syntax error")

// ParseError reports where an expression stops making sense and what was
// expected there. Line and Column are 1-based; Column counts characters
// (runes), not bytes, so it is right for Japanese text too.
type ParseError struct {
	Line, Column int
	Msg          string
}

// Error formats the error with where it happened.
func (e *ParseError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Unwrap returns ErrSyntax.
func (e *ParseError) Unwrap() error { return ErrSyntax }

type tokenKind int

const (
	tEOF tokenKind = iota
	tIdent
	tQuotedIdent
	tNumber
	tString
	tDuration
	tOp     // = != < <= > >= + -
	tLParen // (
	tRParen // )
	tComma
	tDot
)

type token struct {
	kind      tokenKind
	text      string // identifier, operator or string value
	num       float64
	dur       time.Duration
	line, col int
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of input"
	case tString:
		return "string " + quote(t.text)
	case tQuotedIdent:
		return "name `" + t.text + "`"
	case tNumber, tDuration, tIdent:
		return fmt.Sprintf("%q", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

var keywords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "between": true,
	"contains": true, "exists": true, "now": true, "true": true, "false": true,
	"segment": true,
}

func isKeyword(s string) bool { return keywords[strings.ToLower(s)] }

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentRune(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func isIdent(s string) bool {
	for i, r := range s {
		if i == 0 && !isIdentStart(r) || !isIdentRune(r) {
			return false
		}
	}
	return s != ""
}

type lexer struct {
	src       string
	pos       int
	line, col int
}

func (lx *lexer) errorf(line, col int, format string, args ...any) error {
	return &ParseError{Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

func (lx *lexer) peekRune() (rune, int) {
	if lx.pos >= len(lx.src) {
		return -1, 0
	}
	return utf8.DecodeRuneInString(lx.src[lx.pos:])
}

func (lx *lexer) advance(size int, r rune) {
	lx.pos += size
	if r == '\n' {
		lx.line++
		lx.col = 1
	} else {
		lx.col++
	}
}

// next returns the next token.
func (lx *lexer) next() (token, error) {
	for {
		r, size := lx.peekRune()
		if r == -1 {
			return token{kind: tEOF, line: lx.line, col: lx.col}, nil
		}
		if r == utf8.RuneError && size == 1 {
			return token{}, lx.errorf(lx.line, lx.col, "invalid UTF-8")
		}
		if !unicode.IsSpace(r) {
			break
		}
		lx.advance(size, r)
	}
	line, col := lx.line, lx.col
	r, size := lx.peekRune()
	tok := token{line: line, col: col}
	switch {
	case r == '(' || r == ')' || r == ',' || r == '.' && !lx.digitFollows(size):
		lx.advance(size, r)
		tok.text = string(r)
		tok.kind = map[rune]tokenKind{'(': tLParen, ')': tRParen, ',': tComma, '.': tDot}[r]
		return tok, nil
	case r == '=' || r == '+' || r == '-':
		lx.advance(size, r)
		if r == '=' && strings.HasPrefix(lx.src[lx.pos:], "=") { // accept ==
			lx.advance(1, '=')
		}
		tok.kind, tok.text = tOp, string(r)
		return tok, nil
	case r == '<' || r == '>' || r == '!':
		lx.advance(size, r)
		op := string(r)
		if strings.HasPrefix(lx.src[lx.pos:], "=") {
			lx.advance(1, '=')
			op += "="
		} else if r == '<' && strings.HasPrefix(lx.src[lx.pos:], ">") {
			lx.advance(1, '>')
			op = "!="
		}
		if op == "!" {
			return tok, lx.errorf(line, col, "expected \"!=\", found \"!\"")
		}
		tok.kind, tok.text = tOp, op
		return tok, nil
	case r == '"' || r == '\'':
		return lx.lexString(r, tok)
	case r == '`':
		s, err := lx.lexQuoted(tok)
		if err != nil {
			return tok, err
		}
		tok.kind, tok.text = tQuotedIdent, s
		return tok, nil
	case r >= '0' && r <= '9' || r == '.':
		return lx.lexNumber(tok)
	case isIdentStart(r):
		start := lx.pos
		for {
			r, size := lx.peekRune()
			if r == -1 || !isIdentRune(r) {
				break
			}
			lx.advance(size, r)
		}
		tok.kind, tok.text = tIdent, lx.src[start:lx.pos]
		return tok, nil
	}
	return tok, lx.errorf(line, col, "unexpected character %q", r)
}

func (lx *lexer) digitFollows(size int) bool {
	return lx.pos+size < len(lx.src) && lx.src[lx.pos+size] >= '0' && lx.src[lx.pos+size] <= '9'
}

func (lx *lexer) lexString(q rune, tok token) (token, error) {
	lx.advance(1, q)
	var b strings.Builder
	for {
		r, size := lx.peekRune()
		switch {
		case r == -1:
			return tok, lx.errorf(tok.line, tok.col, "unterminated string")
		case r == utf8.RuneError && size == 1:
			return tok, lx.errorf(lx.line, lx.col, "invalid UTF-8")
		case r == q:
			lx.advance(size, r)
			tok.kind, tok.text = tString, b.String()
			return tok, nil
		case r == '\\':
			lx.advance(size, r)
			e, esize := lx.peekRune()
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case '\\', '"', '\'':
				b.WriteRune(e)
			default:
				return tok, lx.errorf(lx.line, lx.col, "unknown escape \\%c in string", e)
			}
			lx.advance(esize, e)
		default:
			b.WriteRune(r)
			lx.advance(size, r)
		}
	}
}

func (lx *lexer) lexQuoted(tok token) (string, error) {
	lx.advance(1, '`')
	var b strings.Builder
	for {
		r, size := lx.peekRune()
		switch {
		case r == -1:
			return "", lx.errorf(tok.line, tok.col, "unterminated `name`")
		case r == utf8.RuneError && size == 1:
			return "", lx.errorf(lx.line, lx.col, "invalid UTF-8")
		case r == '`':
			lx.advance(size, r)
			if nr, _ := lx.peekRune(); nr == '`' { // `` is a literal backquote
				lx.advance(1, nr)
				b.WriteByte('`')
				continue
			}
			if b.Len() == 0 {
				return "", lx.errorf(tok.line, tok.col, "empty `name`")
			}
			return b.String(), nil
		default:
			b.WriteRune(r)
			lx.advance(size, r)
		}
	}
}

func (lx *lexer) lexNumber(tok token) (token, error) {
	start := lx.pos
	seenDot, seenExp := false, false
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !seenDot && !seenExp:
			seenDot = true
		case (c == 'e' || c == 'E') && !seenExp && lx.pos+1 < len(lx.src) &&
			(lx.src[lx.pos+1] >= '0' && lx.src[lx.pos+1] <= '9' || lx.src[lx.pos+1] == '-' || lx.src[lx.pos+1] == '+'):
			seenExp = true
			lx.advance(1, rune(c))
		default:
			goto done
		}
		lx.advance(1, rune(c))
	}
done:
	text := lx.src[start:lx.pos]
	// A unit letter right after an integer makes a duration.
	if r, _ := lx.peekRune(); r != -1 && isIdentStart(r) {
		ustart := lx.pos
		for {
			r, size := lx.peekRune()
			if r == -1 || !isIdentRune(r) {
				break
			}
			lx.advance(size, r)
		}
		unit := lx.src[ustart:lx.pos]
		if seenDot || seenExp {
			return tok, lx.errorf(tok.line, tok.col, "a duration takes a whole number, found %q", text+unit)
		}
		for _, u := range durationUnits {
			if u.unit == unit {
				n, err := strconv.ParseInt(text, 10, 64)
				if err != nil || n > int64(math.MaxInt64/u.d) {
					return tok, lx.errorf(tok.line, tok.col, "duration %q is too long", text+unit)
				}
				tok.kind, tok.text, tok.dur = tDuration, text+unit, time.Duration(n)*u.d
				return tok, nil
			}
		}
		return tok, lx.errorf(tok.line, tok.col, "unknown duration unit %q in %q (expected one of s, m, h, d, w)", unit, text+unit)
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(n, 0) {
		return tok, lx.errorf(tok.line, tok.col, "malformed number %q", text)
	}
	tok.kind, tok.text, tok.num = tNumber, text, n
	return tok, nil
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 200

type parser struct {
	lx    lexer
	tok   token
	depth int
}

// Parse parses the text form of a segment expression. The grammar, loosest
// binding first:
//
//	expr     = and { "or" and }
//	and      = unary { "and" unary }
//	unary    = "not" unary | "(" expr ")" | "segment" "(" name ")" | "exists" "(" operand ")" | cond
//	cond     = operand [ cmp operand | "in" "(" list ")" | "not" "in" "(" list ")"
//	                   | "between" operand "and" operand | "contains" operand | "exists" ]
//	cmp      = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">="
//	operand  = number | string | duration | "true" | "false"
//	         | "now" [ ("+" | "-") duration ] | func "(" [ operand { "," operand } ] ")" | path
//	path     = name { "." name }      (a name with spaces or dots is written in `backquotes`)
//
// Keywords are case-insensitive. An error is a *ParseError with the line,
// column and what was expected.
func Parse(src string) (Expr, error) {
	p := &parser{lx: lexer{src: src, line: 1, col: 1}}
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, p.expected("an expression")
	}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.expected(`"and", "or" or end of input`)
	}
	return e, nil
}

func (p *parser) next() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) expected(what string) error {
	return &ParseError{Line: p.tok.line, Column: p.tok.col, Msg: "expected " + what + ", found " + p.tok.describe()}
}

// isWord reports whether the current token is the keyword w.
func (p *parser) isWord(w string) bool {
	return p.tok.kind == tIdent && strings.EqualFold(p.tok.text, w)
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return &ParseError{Line: p.tok.line, Column: p.tok.col, Msg: "expression nested too deeply"}
	}
	return nil
}

func (p *parser) parseOr() (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	return p.parseChain(Or, p.parseAnd)
}

func (p *parser) parseAnd() (Expr, error) { return p.parseChain(And, p.parseUnary) }

// parseChain parses operand { op operand } for the keyword of op.
func (p *parser) parseChain(op LogicalOp, operand func() (Expr, error)) (Expr, error) {
	first, err := operand()
	if err != nil {
		return nil, err
	}
	terms := []Expr{first}
	for p.isWord(op.String()) {
		if err := p.next(); err != nil {
			return nil, err
		}
		t, err := operand()
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return flatten(op, terms), nil
}

// flatten builds a Logical, merging nested terms of the same operator so
// that a and (b and c) and (a and b) and c give the same tree.
func flatten(op LogicalOp, terms []Expr) Expr {
	if len(terms) == 1 {
		return terms[0]
	}
	out := make([]Expr, 0, len(terms))
	for _, t := range terms {
		if l, ok := t.(*Logical); ok && l.Op == op {
			out = append(out, l.Terms...)
		} else {
			out = append(out, t)
		}
	}
	return &Logical{Op: op, Terms: out}
}

func (p *parser) parseUnary() (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	switch {
	case p.isWord("not"):
		if err := p.next(); err != nil {
			return nil, err
		}
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	case p.tok.kind == tLParen:
		if err := p.next(); err != nil {
			return nil, err
		}
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen {
			return nil, p.expected(`")"`)
		}
		return e, p.next()
	case p.isWord("segment"):
		return p.parseSegmentRef()
	case p.isWord("exists"):
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.tok.kind != tLParen {
			return nil, p.expected(`"(" after exists`)
		}
		x, err := p.parseParenOperand()
		if err != nil {
			return nil, err
		}
		return &Exists{X: x}, nil
	}
	return p.parseCond()
}

func (p *parser) parseParenOperand() (Operand, error) {
	if err := p.next(); err != nil { // (
		return nil, err
	}
	x, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tRParen {
		return nil, p.expected(`")"`)
	}
	return x, p.next()
}

func (p *parser) parseSegmentRef() (Expr, error) {
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.tok.kind != tLParen {
		return nil, p.expected(`"(" after segment`)
	}
	if err := p.next(); err != nil {
		return nil, err
	}
	var name string
	switch p.tok.kind {
	case tString, tIdent, tQuotedIdent:
		name = p.tok.text
	default:
		return nil, p.expected("a segment name")
	}
	if name == "" {
		return nil, p.expected("a segment name")
	}
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.tok.kind != tRParen {
		return nil, p.expected(`")"`)
	}
	return &SegmentRef{Name: name}, p.next()
}

var compareOps = map[string]CompareOp{"=": Eq, "!=": Ne, "<": Lt, "<=": Le, ">": Gt, ">=": Ge}

func (p *parser) parseCond() (Expr, error) {
	x, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tOp {
		op, ok := compareOps[p.tok.text]
		if !ok {
			return nil, p.expected("a comparison operator")
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		y, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		return &Compare{Op: op, Left: x, Right: y}, nil
	}
	switch {
	case p.isWord("in"):
		list, err := p.parseList()
		if err != nil {
			return nil, err
		}
		return &In{X: x, List: list}, nil
	case p.isWord("not"):
		if err := p.next(); err != nil {
			return nil, err
		}
		if !p.isWord("in") {
			return nil, p.expected(`"in" after "not"`)
		}
		list, err := p.parseList()
		if err != nil {
			return nil, err
		}
		return &Not{X: &In{X: x, List: list}}, nil
	case p.isWord("between"):
		if err := p.next(); err != nil {
			return nil, err
		}
		lo, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		if !p.isWord("and") {
			return nil, p.expected(`"and" in between … and …`)
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		hi, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		return &Between{X: x, Lo: lo, Hi: hi}, nil
	case p.isWord("contains"):
		if err := p.next(); err != nil {
			return nil, err
		}
		sub, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		return &Contains{X: x, Sub: sub}, nil
	case p.isWord("exists"):
		return &Exists{X: x}, p.next()
	}
	return &Truth{X: x}, nil
}

func (p *parser) parseList() ([]Operand, error) {
	if err := p.next(); err != nil { // in
		return nil, err
	}
	if p.tok.kind != tLParen {
		return nil, p.expected(`"(" after in`)
	}
	if err := p.next(); err != nil {
		return nil, err
	}
	var list []Operand
	for {
		o, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		list = append(list, o)
		if p.tok.kind == tComma {
			if err := p.next(); err != nil {
				return nil, err
			}
			continue
		}
		if p.tok.kind != tRParen {
			return nil, p.expected(`"," or ")"`)
		}
		return list, p.next()
	}
}

func (p *parser) parseOperand() (Operand, error) {
	t := p.tok
	switch t.kind {
	case tNumber:
		return &Number{V: t.num}, p.next()
	case tString:
		return &String{V: t.text}, p.next()
	case tDuration:
		return &Duration{D: t.dur}, p.next()
	case tOp:
		if t.text == "-" { // negative number literal
			if err := p.next(); err != nil {
				return nil, err
			}
			if p.tok.kind != tNumber {
				return nil, p.expected("a number after \"-\"")
			}
			n := p.tok.num
			return &Number{V: -n}, p.next()
		}
	case tQuotedIdent:
		return p.parsePath()
	case tIdent:
		lower := strings.ToLower(t.text)
		switch lower {
		case "true", "false":
			return &Bool{V: lower == "true"}, p.next()
		case "now":
			return p.parseNow()
		}
		if isKeyword(lower) {
			return nil, p.expected("an operand")
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.tok.kind == tLParen {
			return p.parseCall(t)
		}
		return p.continuePath([]string{t.text})
	}
	return nil, p.expected("an operand")
}

func (p *parser) parseNow() (Operand, error) {
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.tok.kind != tOp || p.tok.text != "+" && p.tok.text != "-" {
		return &Now{}, nil
	}
	sign := p.tok.text
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.tok.kind != tDuration {
		return nil, p.expected("a duration such as 90d after now " + sign)
	}
	d := p.tok.dur
	if sign == "-" {
		d = -d
	}
	return &Now{Offset: d}, p.next()
}

func (p *parser) parsePath() (Operand, error) {
	first := p.tok.text
	if err := p.next(); err != nil {
		return nil, err
	}
	return p.continuePath([]string{first})
}

func (p *parser) continuePath(parts []string) (Operand, error) {
	for p.tok.kind == tDot {
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.tok.kind != tIdent && p.tok.kind != tQuotedIdent {
			return nil, p.expected("a name after \".\"")
		}
		parts = append(parts, p.tok.text)
		if err := p.next(); err != nil {
			return nil, err
		}
	}
	return &Path{Parts: parts}, nil
}

func (p *parser) parseCall(name token) (Operand, error) {
	fn := strings.ToLower(name.text)
	if _, ok := functions[fn]; !ok {
		return nil, &ParseError{Line: name.line, Column: name.col,
			Msg: fmt.Sprintf("unknown function %q (expected one of %s)", name.text, functionNames())}
	}
	if err := p.next(); err != nil { // (
		return nil, err
	}
	call := &Call{Func: fn}
	if p.tok.kind == tRParen {
		return call, p.validateCall(call, name)
	}
	for {
		if err := p.enter(); err != nil {
			return nil, err
		}
		a, err := p.parseOperand()
		p.depth--
		if err != nil {
			return nil, err
		}
		call.Args = append(call.Args, a)
		if p.tok.kind == tComma {
			if err := p.next(); err != nil {
				return nil, err
			}
			continue
		}
		if p.tok.kind != tRParen {
			return nil, p.expected(`"," or ")"`)
		}
		return call, p.validateCall(call, name)
	}
}

func (p *parser) validateCall(c *Call, name token) error {
	if _, err := resolveCall(c); err != nil {
		return &ParseError{Line: name.line, Column: name.col, Msg: err.Error()}
	}
	return p.next()
}
