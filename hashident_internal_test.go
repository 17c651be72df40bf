package c360

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// hashIdentHMAC is hashIdent as crypto/hmac computes it: the reference
// the stack-buffer version must match byte for byte, since stored
// suppression entries are keyed by these hashes.
func hashIdentHMAC(salt []byte, kind, value string) string {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil)[:20])
}

func TestHashIdentMatchesHMAC(t *testing.T) {
	salt32 := []byte("0123456789abcdef0123456789abcdef")
	tests := []struct {
		name        string
		salt        []byte
		kind, value string
	}{
		{name: "email", salt: salt32, kind: "email", value: "taro.yamada@example.jp"},
		{name: "phone", salt: salt32, kind: "phone", value: "+81312345678"},
		{name: "record key", salt: salt32, kind: "record", value: "crm\x00C-000123"},
		{name: "empty value", salt: salt32, kind: "profile", value: ""},
		{name: "empty kind and value", salt: salt32},
		{name: "no salt", kind: "email", value: "a@b.c"},
		{name: "salt of one block", salt: []byte(strings.Repeat("k", sha256.BlockSize)), kind: "email", value: "a@b.c"},
		{name: "salt longer than a block is hashed first", salt: []byte(strings.Repeat("long salt ", 20)), kind: "email", value: "a@b.c"},
		{name: "message fills the stack buffer", salt: salt32, kind: "id:x", value: strings.Repeat("v", 128-5)},
		{name: "message past the stack buffer", salt: salt32, kind: "id:member", value: strings.Repeat("長い値", 100)},
		{name: "provision", salt: []byte("provision"), kind: "id", value: "2026-01-01\x00partner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := hashIdentHMAC(tt.salt, tt.kind, tt.value)
			if got := hashIdent(tt.salt, tt.kind, tt.value); got != want {
				t.Errorf("hashIdent(%q, %q, %q) = %s, want %s (crypto/hmac)", tt.salt, tt.kind, tt.value, got, want)
			}
		})
	}
}

func FuzzHashIdent(f *testing.F) {
	f.Add([]byte("salt"), "email", "a@b.c")
	f.Add([]byte(strings.Repeat("s", 70)), "phone", "+81312345678")
	f.Fuzz(func(t *testing.T, salt []byte, kind, value string) {
		if got, want := hashIdent(salt, kind, value), hashIdentHMAC(salt, kind, value); got != want {
			t.Errorf("hashIdent(%q, %q, %q) = %s, want %s (crypto/hmac)", salt, kind, value, got, want)
		}
	})
}

func BenchmarkHashIdent(b *testing.B) {
	salt := []byte("0123456789abcdef0123456789abcdef")
	b.ReportAllocs()
	for b.Loop() {
		hashIdent(salt, "email", "taro.yamada@example.jp")
	}
}
