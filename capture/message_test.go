package capture

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"
)

func jis(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.ISO2022JP.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sjis(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func eucjp(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.EUCJP.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func join(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// TestParseMessageJapanese reads Japanese business mail in the encodings
// still in use.
func TestParseMessageJapanese(t *testing.T) {
	date := "Date: Mon, 2 Nov 2026 10:00:00 +0900\n"
	tests := []struct {
		name     string
		data     []byte
		from     Address
		subject  string
		text     string // a part the text must contain
		notInTxt string
	}{
		{
			name: "ISO-2022-JP, encoded words and 7bit body",
			data: join([]byte("From: =?ISO-2022-JP?B?GyRCRURDZhsoQiAbJEIwbE86GyhC?= <tanaka@example.co.jp>\nSubject: =?iso-2022-jp?B?GyRCJCo4K0BRJGokTjdvGyhC?=\n"+date+
				"Content-Type: text/plain; charset=\"ISO-2022-JP\"\n\n"), jis(t, "いつもお世話になっております。①の件です。\n")),
			from: Address{"田中 一郎", "tanaka@example.co.jp"}, subject: "お見積りの件", text: "いつもお世話になっております。①の件です。",
		},
		{
			name: "ISO-2022-JP sent raw in headers",
			data: join([]byte("From: "), jis(t, "山田 太郎"), []byte(" <yamada@example.jp>\nSubject: "), jis(t, "返品について"), []byte("\n"+date+"Content-Type: text/plain; charset=iso-2022-jp\n\n"), jis(t, "本文です。ﾊﾝｶｸ")),
			from: Address{"山田 太郎", "yamada@example.jp"}, subject: "返品について", text: "本文です。",
		},
		{
			name: "Shift_JIS (CP932) base64 in multipart, NEC special character",
			data: join([]byte("From: =?Shift_JIS?B?"), b64(sjis(t, "佐藤 花子")), []byte("?= <sato@abc.co.jp>\nSubject: =?SHIFT_JIS?B?"), b64(sjis(t, "Re: ㈱ABCの件")),
				[]byte("?=\n"+date+"MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"==b==\"\n\nThis is a multi-part message\n--==b==\nContent-Type: text/plain; charset=\"CP932\"\nContent-Transfer-Encoding: base64\n\n"),
				b64lines(sjis(t, "№1の資料、髙橋様へ。\n")), []byte("\n--==b==\nContent-Type: text/html\n\n<p>html</p>\n--==b==--\n")),
			from: Address{"佐藤 花子", "sato@abc.co.jp"}, subject: "Re: ㈱ABCの件", text: "№1の資料、髙橋様へ。", notInTxt: "html",
		},
		{
			name: "Shift_JIS raw 8-bit, quoted-printable body",
			data: join([]byte("From: "), sjis(t, "高橋"), []byte(" <takahashi@abc.co.jp>\nSubject: "), sjis(t, "発注書"), []byte("\n"+date+"Content-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: quoted-printable\n\n"), qp(sjis(t, "発注書を送付します。"))),
			from: Address{"高橋", "takahashi@abc.co.jp"}, subject: "発注書", text: "発注書を送付します。",
		},
		{
			name: "EUC-JP raw headers and body",
			data: join([]byte("From: "), eucjp(t, "鈴木 一"), []byte(" <suzuki@xyz.co.jp>\nSubject: "), eucjp(t, "打合せ日程"), []byte("\n"+date+"Content-Type: text/plain; charset=EUC-JP\n\n"), eucjp(t, "来週の火曜日はいかがでしょうか。")),
			from: Address{"鈴木 一", "suzuki@xyz.co.jp"}, subject: "打合せ日程", text: "来週の火曜日はいかがでしょうか。",
		},
		{
			name: "UTF-8 Q words, quoted name with comma, HTML only",
			data: []byte("From: \"Smith, John\" <john@globex.com>\nSubject: =?UTF-8?Q?Caf=C3=A9_meeting?=\n" + date + "Content-Type: text/html; charset=utf-8\n\n<html><head><style>p{}</style></head><body><p>Hello&nbsp;there</p><br>Bye</body></html>"),
			from: Address{"Smith, John", "john@globex.com"}, subject: "Café meeting", text: "Hello there\n\nBye", notInTxt: "p{}",
		},
		{
			name: "undeclared charset, raw Shift_JIS body guessed",
			data: join([]byte("From: a@b.jp\nSubject: x\n"+date+"\n"), sjis(t, "文字コードの宣言がないメールです。")),
			from: Address{"", "a@b.jp"}, subject: "x", text: "文字コードの宣言がないメールです。",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMessage(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]Address{tt.from}, m.From); diff != "" {
				t.Errorf("From (-want +got):\n%s", diff)
			}
			if m.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.subject)
			}
			if !strings.Contains(m.Text, tt.text) {
				t.Errorf("Text = %q, want it to contain %q", m.Text, tt.text)
			}
			if tt.notInTxt != "" && strings.Contains(m.Text, tt.notInTxt) {
				t.Errorf("Text = %q, must not contain %q", m.Text, tt.notInTxt)
			}
			if want := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC); !m.Date.Equal(want) {
				t.Errorf("Date = %v, want %v", m.Date, want)
			}
		})
	}
}

func b64(b []byte) []byte { return []byte(strings.TrimSpace(string(decodeBack(b)))) }

// decodeBack base64-encodes b (the test's own encoder, not the code under test).
func decodeBack(b []byte) []byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var out []byte
	for i := 0; i < len(b); i += 3 {
		var n uint32
		k := min(3, len(b)-i)
		for j := range 3 {
			n <<= 8
			if j < k {
				n |= uint32(b[i+j])
			}
		}
		for j := range 4 {
			if j <= k {
				out = append(out, alphabet[n>>(18-6*j)&63])
			} else {
				out = append(out, '=')
			}
		}
	}
	return out
}

func b64lines(b []byte) []byte {
	s := decodeBack(b)
	var out []byte
	for len(s) > 20 {
		out = append(out, s[:20]...)
		out = append(out, '\r', '\n')
		s = s[20:]
	}
	return append(out, s...)
}

func qp(b []byte) []byte {
	var out []byte
	const hexd = "0123456789ABCDEF"
	for i, c := range b {
		if i > 0 && i%20 == 0 {
			out = append(out, "=\n"...)
		}
		if c < 0x80 && c != '=' {
			out = append(out, c)
			continue
		}
		out = append(out, '=', hexd[c>>4], hexd[c&15])
	}
	return out
}

func TestDecodeWords(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello", "hello"},
		{"text around", "Re: =?UTF-8?B?5pel5pys?= desu", "Re: 日本 desu"},
		{"adjacent words joined, space dropped", "=?UTF-8?B?5pel?= =?UTF-8?B?5pys?=", "日本"},
		// A character split across two words: decoded separately it would
		// be two broken characters.
		{"character split across words", "=?UTF-8?B?5pc=?= =?UTF-8?B?peacrA==?=", "日本"},
		{"ISO-2022-JP split", "=?ISO-2022-JP?B?GyRCRnwbKEI=?= =?ISO-2022-JP?B?GyRCS1wbKEI=?=", "日本"},
		{"Q with underscore", "=?utf-8?q?a_b=3Dc?=", "a b=c"},
		{"malformed kept", "=?utf-8?x?abc?= =?broken", "=?utf-8?x?abc?= =?broken"},
		{"language tag", "=?UTF-8*ja?B?5pel?=", "日"},
	}
	for _, tt := range tests {
		got, err := decodeWords(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s: decodeWords(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
	if _, err := decodeWords("=?x-unknown-charset?B?YQ==?="); !errors.Is(err, ErrCharset) {
		t.Errorf("unknown charset: err = %v, want ErrCharset", err)
	}
}

func TestParseMessageErrors(t *testing.T) {
	tests := []struct {
		name, data, field string
		line              int
	}{
		{"no From", "To: a@b.jp\nDate: Mon, 2 Nov 2026 10:00:00 +0900\n\nx", "From", 0},
		{"From without address", "From: Tanaka\nDate: Mon, 2 Nov 2026 10:00:00 +0900\n\nx", "From", 1},
		{"no Date", "From: a@b.jp\n\nx", "Date", 0},
		{"bad Date", "From: a@b.jp\nDate: yesterday\n\nx", "Date", 2},
		{"bad header line", "From: a@b.jp\nnot a header\n\nx", "header", 2},
		{"unknown body charset", "From: a@b.jp\nDate: Mon, 2 Nov 2026 10:00:00 +0900\nContent-Type: text/plain; charset=x-martian\n\nx", "Content-Type", 0},
		{"bad address", "From: a@b.jp\nTo: <not an address>\nDate: Mon, 2 Nov 2026 10:00:00 +0900\n\nx", "To", 2},
	}
	for _, tt := range tests {
		_, err := ParseMessage([]byte(tt.data))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: err = %v, want a *ParseError", tt.name, err)
			continue
		}
		if pe.Field != tt.field || tt.line > 0 && pe.Line != tt.line {
			t.Errorf("%s: error %q names field %q line %d, want %q line %d", tt.name, err, pe.Field, pe.Line, tt.field, tt.line)
		}
	}
}

func TestParseMessageHeaders(t *testing.T) {
	m, err := ParseMessage([]byte("From: Tanaka <tanaka@example.co.jp>\r\nTo: undisclosed-recipients:;\r\nCc: team: a@x.jp, \"B, b\" <b@x.jp>;, c@x.jp (C san)\r\n" +
		"Date: Mon, 2 Nov 2026 10:00:00 +0900 (JST)\r\nMessage-ID: <id1@x.jp>\r\nIn-Reply-To: <id0@x.jp>\r\nReferences: <root@x.jp>\r\n <id0@x.jp>\r\nSubject: long\r\n subject\r\n\r\nbody"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Message{
		MessageID: "id1@x.jp", InReplyTo: []string{"id0@x.jp"}, References: []string{"root@x.jp", "id0@x.jp"},
		From: []Address{{"Tanaka", "tanaka@example.co.jp"}},
		Cc:   []Address{{"", "a@x.jp"}, {"B, b", "b@x.jp"}, {"C san", "c@x.jp"}},
		Date: time.Date(2026, 11, 2, 10, 0, 0, 0, time.FixedZone("", 9*3600)), Subject: "long subject", Text: "body",
	}
	if diff := cmp.Diff(want, m, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestReadMbox(t *testing.T) {
	data := "From a@b Mon Nov  2 10:00:00 2026\nFrom: a@b.jp\n\n>From here\n>>From there\n>not from\n\nFrom b@c Mon Nov  2 10:00:00 2026\r\nFrom: b@c.jp\r\n\r\nsecond\r\n\r\n"
	tests := []struct {
		format MboxFormat
		first  string
	}{
		{MboxRD, "From: a@b.jp\n\nFrom here\n>From there\n>not from\n"},
		{MboxO, "From: a@b.jp\n\nFrom here\n>>From there\n>not from\n"},
	}
	for _, tt := range tests {
		var got []string
		var sources []string
		for raw, err := range ReadMbox(t.Context(), strings.NewReader(data), "x.mbox", tt.format, 0) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, string(raw.Data))
			sources = append(sources, raw.Source)
		}
		want := []string{tt.first, "From: b@c.jp\r\n\r\nsecond\r\n"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("format %d (-want +got):\n%s", tt.format, diff)
		}
		if diff := cmp.Diff([]string{"x.mbox:1", "x.mbox:8"}, sources); diff != "" {
			t.Errorf("sources (-want +got):\n%s", diff)
		}
	}
	// A message longer than the limit is truncated and marked; the next is
	// read whole.
	big := "From x\nFrom: a@b.jp\n\n" + strings.Repeat("0123456789\n", 100) + "\nFrom y\nFrom: c@d.jp\n\nsmall\n"
	var trunc []bool
	var sizes []int
	for raw, err := range ReadMbox(t.Context(), strings.NewReader(big), "big", MboxRD, 200) {
		if err != nil {
			t.Fatal(err)
		}
		trunc = append(trunc, raw.Truncated)
		sizes = append(sizes, len(raw.Data))
	}
	if diff := cmp.Diff([]bool{true, false}, trunc); diff != "" || sizes[0] > 200 {
		t.Errorf("truncated %v sizes %v, want [true false] and the first at most 200 bytes", trunc, sizes)
	}
}

// errReader fails after its data.
type errReader struct{ r *strings.Reader }

var errDisk = errors.New("disk gone")

func (e errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil {
		return n, errDisk
	}
	return n, nil
}

func TestReadMboxReadError(t *testing.T) {
	var n int
	var last error
	for raw, err := range ReadMbox(context.Background(), errReader{strings.NewReader("From x\nFrom: a@b.jp\n\nbody\n")}, "x", MboxRD, 0) {
		if raw != nil {
			n++
		}
		last = err
	}
	if n != 1 || !errors.Is(last, errDisk) {
		t.Errorf("%d messages, last error %v; want the message, then the read error", n, last)
	}
}

func TestReadEMLAndMaildir(t *testing.T) {
	var got []string
	for raw, err := range ReadEML(t.Context(), os.DirFS("testdata/eml"), 0) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, raw.Source)
	}
	if diff := cmp.Diff([]string{"broken.EML", "yamada-return.eml"}, got); diff != "" {
		t.Errorf("eml files (-want +got):\n%s", diff)
	}
	got = nil
	for raw, err := range ReadMaildir(t.Context(), os.DirFS("testdata/suzuki"), 0) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, raw.Source)
	}
	want := []string{"cur/1762045200.M1P1.host!2,S", "cur/1762128900.M2P1.host!2,S", "new/1762664400.M6P1.host"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("maildir files (-want +got):\n%s", diff)
	}
}

// TestDamagedMIME: damage in the body costs what it damages, not the
// message.
func TestDamagedMIME(t *testing.T) {
	head := "From: a@b.jp\nDate: Mon, 2 Nov 2026 10:00:00 +0900\n"
	tests := []struct{ name, data, text string }{
		{"multipart without its closing boundary", head + "Content-Type: multipart/alternative; boundary=zz\n\n--zz\nContent-Type: text/plain\n\nkept text\n", "kept text"},
		{"multipart without a boundary parameter", head + "Content-Type: multipart/mixed\n\n--zz\n\nx\n", ""},
		{"base64 with garbage", head + "Content-Transfer-Encoding: base64\n\n5pel5pys!!!\n%%%\n", "日本"},
		{"quoted-printable with a stray =", head + "Content-Transfer-Encoding: quoted-printable\n\nprice =3D 5 = ok=\n end\n", "price = 5 = ok end"},
		{"broken Content-Type parameters", head + "Content-Type: text/plain; charset=utf-8; charset=utf-8; format\n\nplain\n", "plain"},
		{"a nested part", head + "Content-Type: multipart/mixed; boundary=a\n\n--a\n" + "Content-Type: text/plain\n\ndeep\n--a--\n", "deep"},
	}
	for _, tt := range tests {
		m, err := ParseMessage([]byte(tt.data))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if strings.TrimSpace(m.Text) != tt.text {
			t.Errorf("%s: Text = %q, want %q", tt.name, m.Text, tt.text)
		}
	}
}
