package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Address is one participant of a message or meeting: a display name and
// an e-mail address as written (not yet normalised).
type Address struct {
	Name  string
	Email string
}

// Message is an e-mail as capture reads it: the headers that say who wrote
// to whom, when and in which thread, and the decoded text of its body.
// ParseMessage returns it.
type Message struct {
	MessageID  string   // without angle brackets; "" when the message has none
	InReplyTo  []string // Message-IDs, without angle brackets
	References []string // Message-IDs, oldest (the thread's root) first
	From       []Address
	To, Cc     []Address
	Bcc        []Address // present in the sender's copy only
	Date       time.Time
	Subject    string
	// Text is the body as plain text: the first text/plain part, else the
	// first text/html part with its markup removed; at most maxText bytes.
	Text string
}

// IsReply reports whether m answers an earlier message.
func (m *Message) IsReply() bool { return len(m.InReplyTo) > 0 || len(m.References) > 0 }

// ParseError is a message that cannot be read, naming the header (Field)
// or part at fault. Line is the line of the message where the problem was
// found, counted from 1 at the message's first header line, or 0.
type ParseError struct {
	Field  string
	Line   int
	Reason string
	Err    error // the underlying error, such as ErrCharset, or nil
}

// Error returns "Field: reason" with the line when known.
func (e *ParseError) Error() string {
	msg := e.Reason
	if e.Err != nil {
		if msg != "" {
			msg += ": "
		}
		msg += e.Err.Error()
	}
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, msg)
	}
	return e.Field + ": " + msg
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// Limits that keep a hostile or broken message from costing unbounded work.
const (
	maxText      = 64 << 10 // bytes of body text kept
	maxPartDepth = 8        // nesting of multiparts
	maxParts     = 64       // parts looked at in one message
	maxHeaders   = 1000     // header fields in one header block
)

// header is a parsed header block: field names in canonical case, raw
// values (continuation lines joined).
type header struct {
	names  []string
	values [][]byte
	lines  []int
}

func (h *header) get(name string) ([]byte, int, bool) {
	for i, n := range h.names {
		if strings.EqualFold(n, name) {
			return h.values[i], h.lines[i], true
		}
	}
	return nil, 0, false
}

func (h *header) all(name string) (out [][]byte) {
	for i, n := range h.names {
		if strings.EqualFold(n, name) {
			out = append(out, h.values[i])
		}
	}
	return out
}

// readHeader splits a header block from data and returns the header and
// the body. Lines may end in CRLF or LF. A line that is neither a field nor
// a continuation is an error naming it, except for a leading mbox "From "
// line, which is skipped.
func readHeader(data []byte) (*header, []byte, error) {
	h := &header{}
	line := 0
	rest := data
	for len(rest) > 0 {
		var l []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		} else {
			l, rest = rest, nil
		}
		line++
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(l) == 0 {
			return h, rest, nil
		}
		if l[0] == ' ' || l[0] == '\t' {
			if len(h.values) == 0 {
				if line == 1 {
					continue
				}
				return nil, nil, &ParseError{Field: "header", Line: line, Reason: "continuation line before any field"}
			}
			v := h.values[len(h.values)-1]
			h.values[len(h.values)-1] = append(append(v, ' '), bytes.TrimLeft(l, " \t")...)
			continue
		}
		if line == 1 && bytes.HasPrefix(l, []byte("From ")) {
			continue
		}
		colon := bytes.IndexByte(l, ':')
		if colon <= 0 {
			return nil, nil, &ParseError{Field: "header", Line: line, Reason: fmt.Sprintf("malformed header line %q", clip(string(l), 60))}
		}
		name := string(bytes.TrimRight(l[:colon], " \t"))
		if strings.ContainsAny(name, " \t") {
			return nil, nil, &ParseError{Field: "header", Line: line, Reason: fmt.Sprintf("malformed header line %q", clip(string(l), 60))}
		}
		if len(h.names) >= maxHeaders {
			return nil, nil, &ParseError{Field: "header", Line: line, Reason: fmt.Sprintf("more than %d header fields", maxHeaders)}
		}
		h.names = append(h.names, name)
		h.values = append(h.values, append([]byte(nil), bytes.TrimSpace(l[colon+1:])...))
		h.lines = append(h.lines, line)
	}
	return h, nil, nil
}

// clip shortens s to at most n runes for an error message.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// headerText decodes a header value to UTF-8: raw ISO-2022-JP or 8-bit
// text (Shift_JIS, EUC-JP, mailers that ignore RFC 2047) in the message's
// charset or a guessed one, then the encoded words.
func headerText(raw []byte, charset string) (string, error) {
	s := string(raw)
	if !utf8.Valid(raw) || bytes.IndexByte(raw, 0x1b) >= 0 {
		var err error
		if s, err = decodeCharset(raw, charset); err != nil {
			s = guessJapanese(raw)
		}
	}
	return decodeWords(s)
}

// ParseMessage reads one e-mail (RFC 5322 with MIME). It decodes encoded
// words and the Japanese charsets (ISO-2022-JP, Shift_JIS/CP932, EUC-JP,
// also when sent raw in headers) and returns the first text part of the
// body as Text. A message that cannot be read — a malformed header block,
// a Date that cannot be parsed, a charset that is not known, no sender —
// gives a *ParseError naming the field.
func ParseMessage(data []byte) (*Message, error) {
	h, body, err := readHeader(data)
	if err != nil {
		return nil, err
	}
	m := &Message{}
	// The charset of the body is the best guess for raw 8-bit headers.
	charset := ""
	ctRaw, _, _ := h.get("Content-Type")
	if _, params, err := parseMediaType(string(ctRaw)); err == nil {
		charset = params["charset"]
	}
	text := func(field string) (string, error) {
		raw, line, ok := h.get(field)
		if !ok {
			return "", nil
		}
		s, err := headerText(raw, charset)
		if err != nil {
			return "", &ParseError{Field: field, Line: line, Err: err}
		}
		return s, nil
	}
	if m.Subject, err = text("Subject"); err != nil {
		return nil, err
	}
	m.Subject = strings.TrimSpace(m.Subject)
	addrs := func(field string) ([]Address, error) {
		var out []Address
		for i, n := range h.names {
			if !strings.EqualFold(n, field) {
				continue
			}
			list, err := parseAddressList(h.values[i], charset)
			if err != nil {
				return nil, &ParseError{Field: field, Line: h.lines[i], Err: err}
			}
			out = append(out, list...)
		}
		return out, nil
	}
	if m.From, err = addrs("From"); err != nil {
		return nil, err
	}
	if len(m.From) == 0 {
		if m.From, err = addrs("Sender"); err != nil {
			return nil, err
		}
	}
	if len(m.From) == 0 {
		if _, _, hasFrom := h.get("From"); hasFrom {
			raw, line, _ := h.get("From")
			return nil, &ParseError{Field: "From", Line: line, Reason: fmt.Sprintf("no address in %q", clip(string(raw), 60))}
		}
		return nil, &ParseError{Field: "From", Reason: "missing"}
	}
	if m.To, err = addrs("To"); err != nil {
		return nil, err
	}
	if m.Cc, err = addrs("Cc"); err != nil {
		return nil, err
	}
	if m.Bcc, err = addrs("Bcc"); err != nil {
		return nil, err
	}
	if raw, _, ok := h.get("Message-ID"); ok {
		if ids := msgIDs(raw); len(ids) > 0 {
			m.MessageID = ids[0]
		}
	}
	for _, v := range h.all("In-Reply-To") {
		m.InReplyTo = append(m.InReplyTo, msgIDs(v)...)
	}
	for _, v := range h.all("References") {
		m.References = append(m.References, msgIDs(v)...)
	}
	if raw, line, ok := h.get("Date"); ok {
		t, err := parseDate(string(raw))
		if err != nil {
			return nil, &ParseError{Field: "Date", Line: line, Reason: fmt.Sprintf("cannot read %q as a date", clip(string(raw), 60))}
		}
		m.Date = t
	} else {
		return nil, &ParseError{Field: "Date", Reason: "missing"}
	}
	cte, _, _ := h.get("Content-Transfer-Encoding")
	w := bodyWalker{}
	if err := w.walk(string(ctRaw), string(cte), body, 0); err != nil {
		return nil, err
	}
	m.Text = w.text()
	return m, nil
}

// msgIDs returns the Message-IDs of a Message-ID, In-Reply-To or
// References value: the text of each <…>, or the bare words when there are
// no brackets (some mailers omit them).
func msgIDs(v []byte) []string {
	s := string(v)
	var out []string
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(s[i+1 : i+j]); id != "" && !strings.ContainsAny(id, " \t") {
			out = append(out, strings.ToValidUTF8(id, "\uFFFD"))
		}
		s = s[i+j+1:]
	}
	if out == nil {
		for _, f := range strings.Fields(string(v)) {
			if strings.Contains(f, "@") {
				out = append(out, strings.ToValidUTF8(f, "\uFFFD"))
			}
		}
	}
	return out
}

// dateLayouts are the Date forms seen beside RFC 5322's, in order.
var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	"2006-01-02 15:04:05 -0700",
	time.RFC3339,
}

// parseDate reads a Date header: RFC 5322 (net/mail), then the forms
// broken mailers write. A time without a zone is taken as UTC.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := mail.ParseDate(s); err == nil {
		return t, nil
	}
	// Drop a trailing comment such as "(JST)" and collapse spaces.
	if i := strings.IndexByte(s, '('); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	s = strings.Join(strings.Fields(s), " ")
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("unknown date format")
}

// parseMediaType reads a Content-Type value; a value mime cannot parse
// (duplicate or broken parameters) is read leniently: the type before the
// first ";" and the charset and boundary parameters found by name.
func parseMediaType(v string) (string, map[string]string, error) {
	if strings.TrimSpace(v) == "" {
		return "text/plain", map[string]string{}, nil
	}
	mt, params, err := mime.ParseMediaType(v)
	if err == nil {
		return mt, params, nil
	}
	mt, rest, _ := strings.Cut(v, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	params = map[string]string{}
	for _, p := range strings.Split(rest, ";") {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, dup := params[k]; !dup {
			params[k] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	if !strings.Contains(mt, "/") {
		return "", nil, err
	}
	return mt, params, nil
}

// bodyWalker looks for the text of a message through its MIME parts.
type bodyWalker struct {
	plain, html string
	parts       int
}

func (w *bodyWalker) text() string {
	if w.plain != "" {
		return w.plain
	}
	if w.html != "" {
		return htmlText(w.html)
	}
	return ""
}

func (w *bodyWalker) walk(ct, cte string, body []byte, depth int) error {
	w.parts++
	if w.parts > maxParts || depth > maxPartDepth {
		return nil
	}
	mt, params, err := parseMediaType(ct)
	if err != nil {
		mt, params = "text/plain", map[string]string{}
	}
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		boundary := params["boundary"]
		if boundary == "" {
			return nil
		}
		mr := multipart.NewReader(bytes.NewReader(body), boundary)
		for {
			if w.plain != "" {
				return nil
			}
			p, err := mr.NextRawPart()
			if err != nil {
				// io.EOF, or a damaged multipart: keep what was read.
				return nil
			}
			b, err := io.ReadAll(io.LimitReader(p, 4*maxText+1<<20))
			if err != nil && len(b) == 0 {
				return nil
			}
			if disp := p.Header.Get("Content-Disposition"); strings.HasPrefix(strings.ToLower(strings.TrimSpace(disp)), "attachment") {
				continue
			}
			if err := w.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), b, depth+1); err != nil {
				return err
			}
		}
	case mt == "text/plain" && w.plain == "":
		s, err := decodeCharset(decodeTransfer(body, cte), params["charset"])
		if err != nil {
			return &ParseError{Field: "Content-Type", Reason: "text/plain part", Err: err}
		}
		w.plain = truncateUTF8(s, maxText)
		if w.plain == "" {
			w.plain = " " // an empty text part is still the text
		}
	case mt == "text/html" && w.html == "":
		s, err := decodeCharset(decodeTransfer(body, cte), params["charset"])
		if err != nil {
			return &ParseError{Field: "Content-Type", Reason: "text/html part", Err: err}
		}
		w.html = truncateUTF8(s, 4*maxText)
	}
	return nil
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// htmlText removes the markup of an HTML body: tags, comments, style and
// script elements; <br>, <p> and <div> become line breaks, and the common
// entities are decoded.
func htmlText(s string) string {
	var b strings.Builder
	low := strings.ToLower(s)
	for i := 0; i < len(s); {
		c := s[i]
		if c != '<' {
			if c == '&' {
				if j := strings.IndexByte(s[i:min(len(s), i+10)], ';'); j > 0 {
					if r, ok := htmlEntities[low[i+1:i+j]]; ok {
						b.WriteString(r)
						i += j + 1
						continue
					}
				}
			}
			b.WriteByte(c)
			i++
			continue
		}
		switch {
		case strings.HasPrefix(low[i:], "<!--"):
			j := strings.Index(s[i:], "-->")
			if j < 0 {
				return b.String()
			}
			i += j + 3
			continue
		case strings.HasPrefix(low[i:], "<style"), strings.HasPrefix(low[i:], "<script"), strings.HasPrefix(low[i:], "<head"):
			name := "</style"
			if strings.HasPrefix(low[i:], "<script") {
				name = "</script"
			} else if strings.HasPrefix(low[i:], "<head") {
				name = "</head"
			}
			j := strings.Index(low[i:], name)
			if j < 0 {
				return b.String()
			}
			i += j + len(name)
			continue
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		tag := low[i+1 : i+j]
		tag = strings.TrimPrefix(tag, "/")
		for _, t := range []string{"br", "p", "div", "tr", "li", "h1", "h2", "h3"} {
			if tag == t || strings.HasPrefix(tag, t+" ") || strings.HasPrefix(tag, t+"/") {
				b.WriteByte('\n')
				break
			}
		}
		i += j + 1
	}
	return b.String()
}

var htmlEntities = map[string]string{
	"amp": "&", "lt": "<", "gt": ">", "quot": `"`, "apos": "'", "nbsp": " ", "#39": "'", "copy": "©",
}

// parseAddressList reads an address-list header leniently: what RFC 5322
// allows (display names, quoted strings, comments, groups) and what real
// mailers write beside it (unquoted dots and commas in encoded names, raw
// 8-bit names, bare addresses). Items without an address (an empty group
// such as "undisclosed-recipients:;") are dropped; an item that is not an
// address at all is an error.
func parseAddressList(raw []byte, charset string) ([]Address, error) {
	s := string(raw)
	if !utf8.Valid(raw) || bytes.IndexByte(raw, 0x1b) >= 0 {
		var err error
		if s, err = decodeCharset(raw, charset); err != nil {
			s = guessJapanese(raw)
		}
	}
	var out []Address
	for _, item := range splitAddresses(s) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		a, ok, err := parseAddress(item)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// splitAddresses splits an address list at the commas (and group ends)
// outside quotes, angle brackets and comments, dropping group names.
func splitAddresses(s string) []string {
	var out []string
	start, depth, inQuote, inAngle := 0, 0, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && (inQuote || depth > 0):
			i++
		case c == '"' && depth == 0:
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth > 0:
		case c == '<':
			inAngle = true
		case c == '>':
			inAngle = false
		case inAngle:
		case c == ',' || c == ';':
			out = append(out, s[start:i])
			start = i + 1
		case c == ':':
			// A group: "name: a, b;". The name is dropped, unless the
			// colon belongs to an encoded word or an address.
			if !strings.Contains(s[start:i], "=?") && !strings.Contains(s[start:i], "@") {
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// parseAddress reads one item of an address list.
func parseAddress(item string) (Address, bool, error) {
	var name, addr string
	if lt := strings.LastIndexByte(item, '<'); lt >= 0 {
		gt := strings.IndexByte(item[lt:], '>')
		if gt < 0 {
			addr = strings.TrimSpace(item[lt+1:])
		} else {
			addr = strings.TrimSpace(item[lt+1 : lt+gt])
		}
		name = strings.TrimSpace(item[:lt])
	} else {
		addr = stripComments(item)
		if c := strings.IndexByte(item, '('); c >= 0 {
			if e := strings.LastIndexByte(item, ')'); e > c {
				name = strings.TrimSpace(item[c+1 : e])
			}
		}
		addr = strings.TrimSpace(addr)
	}
	if addr == "" {
		return Address{}, false, nil
	}
	if !strings.ContainsAny(addr, "@＠") || strings.ContainsAny(addr, " \t") {
		if name == "" && !strings.ContainsAny(item, "@＠") && !strings.Contains(item, "<") {
			// A bare word ("undisclosed recipients") is not an address.
			return Address{}, false, nil
		}
		return Address{}, false, fmt.Errorf("%q is not an e-mail address", clip(addr, 60))
	}
	addr = strings.TrimPrefix(addr, "mailto:")
	name = unquote(name)
	if dec, err := decodeWords(name); err == nil {
		name = dec
	} else {
		return Address{}, false, err
	}
	return Address{Name: strings.TrimSpace(name), Email: addr}, true, nil
}

func stripComments(s string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
		s = strings.ReplaceAll(s, `\"`, `"`)
		s = strings.ReplaceAll(s, `\\`, `\`)
	}
	return s
}
