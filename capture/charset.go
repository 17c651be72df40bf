package capture

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"mime/quotedprintable"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
)

// ErrCharset is wrapped by the error for text in a character set that is
// not known, or that cannot be decoded.
var ErrCharset = errors.New("capture: unknown or undecodable character set")

// lookupCharset returns the encoding named by a MIME charset parameter; nil
// means the text is UTF-8 (or its subset US-ASCII) already. The Japanese
// names in use in mail are all known, including the Microsoft ones (CP932,
// Windows-31J: the Shift_JIS of x/text is that superset, as WHATWG defines
// it) and the ISO-2022-JP variants (whose decoder reads the half-width kana
// and NEC/IBM extensions too); other names are looked up in the WHATWG
// index.
func lookupCharset(name string) (encoding.Encoding, error) {
	n := strings.ToLower(strings.Trim(strings.TrimSpace(name), `"'`))
	switch n {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "x-unknown", "unknown-8bit":
		return nil, nil
	case "shift_jis", "shift-jis", "sjis", "x-sjis", "cp932", "ms932", "windows-31j", "x-ms-cp932", "ms_kanji", "csshiftjis", "cswindows31j":
		return japanese.ShiftJIS, nil
	case "euc-jp", "eucjp", "x-euc-jp", "cseucpkdfmtjapanese", "ujis", "cp51932", "eucjp-ms", "eucjp-win":
		return japanese.EUCJP, nil
	}
	if strings.HasPrefix(n, "iso-2022-jp") || n == "csiso2022jp" || n == "cp50220" || n == "cp50221" || n == "cp50222" {
		return japanese.ISO2022JP, nil
	}
	e, err := htmlindex.Get(n)
	if err != nil || e == nil {
		return nil, fmt.Errorf("%w: %q", ErrCharset, name)
	}
	return e, nil
}

// decodeCharset converts b from charset to UTF-8. Text declared UTF-8 (or
// undeclared) that is not valid UTF-8 is decoded by guessing among the
// Japanese encodings, as legacy mailers send raw Shift_JIS or EUC-JP
// without saying so.
func decodeCharset(b []byte, charset string) (string, error) {
	enc, err := lookupCharset(charset)
	if err != nil {
		return "", err
	}
	if enc == nil {
		if utf8.Valid(b) && bytes.IndexByte(b, 0x1b) < 0 {
			return string(b), nil
		}
		return guessJapanese(b), nil
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrCharset, charset, err)
	}
	return string(out), nil
}

// guessJapanese decodes text of unknown encoding: ISO-2022-JP when it has
// escape sequences, else the one of Shift_JIS, EUC-JP and UTF-8 that leaves
// the fewest undecodable bytes (ties go to Shift_JIS, the most common).
func guessJapanese(b []byte) string {
	if bytes.IndexByte(b, 0x1b) >= 0 {
		if out, err := japanese.ISO2022JP.NewDecoder().Bytes(b); err == nil {
			return string(out)
		}
	}
	best, bestBad := strings.ToValidUTF8(string(b), "\uFFFD"), -1
	bestBad = strings.Count(best, "\uFFFD")
	for _, enc := range []encoding.Encoding{japanese.EUCJP, japanese.ShiftJIS} {
		out, err := enc.NewDecoder().Bytes(b)
		if err != nil {
			continue
		}
		s := string(out)
		if bad := strings.Count(s, "\uFFFD") + strings.Count(s, "\x00"); bad <= bestBad {
			best, bestBad = s, bad
		}
	}
	return best
}

// decodeTransfer undoes a Content-Transfer-Encoding. Damaged base64 or
// quoted-printable keeps what could be decoded before the damage; an
// unknown encoding leaves the bytes as they are.
func decodeTransfer(b []byte, cte string) []byte {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		clean := make([]byte, 0, len(b))
		for _, c := range b {
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_' {
				clean = append(clean, c)
			}
		}
		if i := bytes.IndexByte(clean, '='); i >= 0 {
			clean = clean[:i]
		}
		// URL-safe letters are sometimes sent; map them back.
		for i, c := range clean {
			switch c {
			case '-':
				clean[i] = '+'
			case '_':
				clean[i] = '/'
			}
		}
		clean = clean[:len(clean)/4*4+keepTail(len(clean)%4)]
		out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
		n, _ := base64.RawStdEncoding.Decode(out, clean)
		return out[:n]
	case "quoted-printable":
		var out bytes.Buffer
		r := quotedprintable.NewReader(bytes.NewReader(b))
		_, err := out.ReadFrom(r)
		if err != nil {
			// Keep the good prefix, then the rest undecoded: a stray "="
			// should not cost the whole body.
			return lenientQP(b)
		}
		return out.Bytes()
	}
	return b
}

// keepTail returns how many of the last n%4 base64 letters can be decoded
// (a single letter cannot).
func keepTail(r int) int {
	if r == 1 {
		return 0
	}
	return r
}

// lenientQP decodes quoted-printable, leaving malformed escapes as written.
func lenientQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		switch {
		case i+1 < len(b) && b[i+1] == '\n':
			i++
		case i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n':
			i += 2
		case i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// decodeWords decodes the RFC 2047 encoded words of a header value (already
// turned into UTF-8 if it was raw 8-bit). Adjacent encoded words in the
// same charset and encoding are joined before decoding, because mailers
// split a multi-byte character, or an ISO-2022-JP escape sequence, across
// two words; white space between encoded words is dropped, as the RFC
// says. Words that are malformed are left as written; a charset that is not
// known is an error wrapping ErrCharset.
func decodeWords(s string) (string, error) {
	if !strings.Contains(s, "=?") {
		return s, nil
	}
	var out strings.Builder
	var pend []byte
	var pendCharset, pendEnc string
	flush := func() error {
		if pend == nil {
			return nil
		}
		txt, err := decodeCharset(pend, pendCharset)
		if err != nil {
			return err
		}
		out.WriteString(txt)
		pend, pendCharset, pendEnc = nil, "", ""
		return nil
	}
	rest := s
	for {
		i := strings.Index(rest, "=?")
		if i < 0 {
			break
		}
		charset, enc, text, n, ok := encodedWord(rest[i:])
		if !ok {
			if err := flush(); err != nil {
				return "", err
			}
			out.WriteString(rest[:i+2])
			rest = rest[i+2:]
			continue
		}
		between := rest[:i]
		blank := strings.TrimSpace(between) == ""
		if pend == nil || !blank || !strings.EqualFold(charset, pendCharset) || !strings.EqualFold(enc, pendEnc) {
			afterWord := pend != nil
			if err := flush(); err != nil {
				return "", err
			}
			if !afterWord || !blank {
				out.WriteString(between)
			}
		}
		var raw []byte
		if strings.EqualFold(enc, "B") {
			raw = decodeTransfer([]byte(text), "base64")
		} else {
			raw = decodeQWord(text)
		}
		if pend == nil {
			pendCharset, pendEnc = charset, enc
			pend = []byte{}
		}
		pend = append(pend, raw...)
		rest = rest[i+n:]
	}
	if err := flush(); err != nil {
		return "", err
	}
	out.WriteString(rest)
	return out.String(), nil
}

// encodedWord reads "=?charset?enc?text?=" at the start of s and returns
// its parts and length. A language tag (charset*lang, RFC 2231) is dropped.
func encodedWord(s string) (charset, enc, text string, n int, ok bool) {
	if !strings.HasPrefix(s, "=?") {
		return
	}
	body := s[2:]
	q1 := strings.IndexByte(body, '?')
	if q1 <= 0 || q1+2 >= len(body) || body[q1+2] != '?' {
		return
	}
	charset, enc = body[:q1], body[q1+1:q1+2]
	if !strings.EqualFold(enc, "B") && !strings.EqualFold(enc, "Q") {
		return
	}
	end := strings.Index(body[q1+3:], "?=")
	if end < 0 {
		return
	}
	text = body[q1+3 : q1+3+end]
	if strings.ContainsAny(text, " \t\r\n") {
		return
	}
	if j := strings.IndexByte(charset, '*'); j >= 0 {
		charset = charset[:j]
	}
	return charset, enc, text, 2 + q1 + 3 + end + 2, true
}

// decodeQWord decodes the "Q" encoding of RFC 2047: "_" is a space.
func decodeQWord(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}
