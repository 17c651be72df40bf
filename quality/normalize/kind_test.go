package normalize

import (
	"errors"
	"github.com/c360/c360/internal/cputime"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseKind(t *testing.T) {
	for _, k := range Kinds() {
		got, err := ParseKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v; want %v", k.String(), got, err, k)
		}
	}
	for in, want := range map[string]Kind{" Person-Name ": KindPersonName, "POSTAL_CODE": KindPostalCode, "ｋａｎａ": KindKana} {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseKind("zip"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseKind(zip) error = %v, want ErrInvalid", err)
	}
	if got := Kind(99).String(); got != "Kind(99)" {
		t.Errorf("Kind(99).String() = %q", got)
	}
}

func TestKindText(t *testing.T) {
	var k Kind
	if err := k.UnmarshalText([]byte("company")); err != nil || k != KindCompany {
		t.Fatalf("UnmarshalText(company) = %v, %v", k, err)
	}
	b, _ := k.MarshalText()
	if string(b) != "company" {
		t.Errorf("MarshalText = %q", b)
	}
	if err := k.UnmarshalText([]byte("nope")); err == nil {
		t.Error("UnmarshalText(nope): no error")
	}
}

func TestKey(t *testing.T) {
	tests := []struct {
		kind Kind
		in   string
		want string
	}{
		{KindText, "ＡＢＣ　商事", "abc商事"},
		{KindKana, "やまだ たろう", "ヤマダタロウ"},
		{KindPersonName, "髙橋　一郎", "高橋一郎"},
		{KindNameKana, "ﾀｶﾊｼ ｲﾁﾛｳ", "タカハシイチロウ"},
		{KindCompany, "ＡＢＣ㈱", "abc"},
		{KindPhone, "03-1234-5678", "+81312345678"},
		{KindEmail, "Taro@Example.JP", "taro@example.jp"},
		{KindPostalCode, "〒100-0005", "1000005"},
		{KindCorporateNumber, "7000012050002", "7000012050002"},
		{KindDate, "令和6年4月1日", "2024-04-01"},
	}
	for _, tt := range tests {
		got, err := Key(tt.kind, tt.in)
		if err != nil {
			t.Errorf("Key(%v, %q): %v", tt.kind, tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Key(%v, %q) (-want +got):\n%s", tt.kind, tt.in, diff)
		}
	}
}

func TestKeyAddress(t *testing.T) {
	a, err := ParseAddress("東京都千代田区丸の内1-2-3")
	if err != nil {
		t.Fatalf("ParseAddress: %v", err)
	}
	got, err := Key(KindAddress, "東京都千代田区丸の内１丁目２番３号")
	if err != nil || got != a.Key {
		t.Errorf("Key(address) = %q, %v; want %q", got, err, a.Key)
	}
}

func TestKeyErrors(t *testing.T) {
	tests := []struct {
		kind Kind
		in   string
	}{
		{KindKana, "山田"}, {KindPersonName, "123"}, {KindNameKana, "山田 太郎"}, {KindNameKana, "Taro Yamada"},
		{KindCompany, "株式会社"}, {KindPhone, "12"}, {KindEmail, "taro"}, {KindPostalCode, "12345"},
		{KindCorporateNumber, "1234567890123"}, {Kind(99), "x"},
	}
	for _, tt := range tests {
		_, err := Key(tt.kind, tt.in)
		var e *Error
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &e) || e.Kind != tt.kind {
			t.Errorf("Key(%v, %q) error = %v, want *Error of that kind", tt.kind, tt.in, err)
		}
	}
}

// FuzzKey checks, for the kinds whose normalisers live in this file's half
// of the package, that Key never panics and that the key of a key is itself.
// (ParsePhone and ParseAddress have fuzz tests of their own.)
func FuzzKey(f *testing.F) {
	for _, s := range []string{"山田 太郎", "ﾔﾏﾀﾞ", "ABC(株)", "a@b.jp", "〒100-0005", "7000012050002", "\xff"} {
		f.Add(uint8(0), s)
	}
	mine := []Kind{KindText, KindKana, KindPersonName, KindNameKana, KindCompany, KindEmail, KindPostalCode, KindCorporateNumber}
	f.Fuzz(func(t *testing.T, k uint8, s string) {
		kind := mine[int(k)%len(mine)]
		key, err := Key(kind, s)
		if err != nil {
			return
		}
		again, err := Key(kind, key)
		if err != nil || again != key {
			t.Fatalf("Key(%v, %q) = %q, %v; want %q (from %q)", kind, key, again, err, key, s)
		}
	})
}

// BenchmarkRecord normalises the seven fields of a typical Japanese customer
// record; the target is under 5 µs per record.
func BenchmarkRecord(b *testing.B) {
	loopCPU(b, func() {
		_, _ = ParsePersonName("髙橋　一郎")
		_, _ = ParseNameKana("ﾀｶﾊｼ ｲﾁﾛｳ")
		_, _ = ParseCompany("株式会社エービーシー商事")
		_, _ = ParsePhone("03-1234-5678")
		_, _ = ParseEmail("Ichiro.Takahashi@Example.co.jp")
		_, _ = ParsePostalCode("〒100-0005")
		_, _ = ParseAddress("東京都千代田区丸の内１丁目２番３号　丸の内ビル5F")
	})
}

func BenchmarkKey(b *testing.B) {
	for _, bc := range []struct {
		kind Kind
		in   string
	}{
		{KindText, "ＡＢＣ商事　東京支店"},
		{KindPersonName, "髙橋　一郎"},
		{KindCompany, "ＡＢＣ㈱"},
	} {
		b.Run(bc.kind.String(), func(b *testing.B) {
			loopCPU(b, func() { _, _ = Key(bc.kind, bc.in) })
		})
	}
}

// loopCPU runs fn in a b.Loop on one locked OS thread and reports, besides
// wall time and allocations, the thread's CPU time per operation as
// "cpu-ns/op" (Linux), which a busy shared machine disturbs far less.
func loopCPU(b *testing.B, fn func()) {
	b.Helper()
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start, okStart := cputime.Thread()
	n := 0
	for b.Loop() {
		fn()
		n++
	}
	if end, ok := cputime.Thread(); ok && okStart && end > start && n > 0 {
		b.ReportMetric(float64(end-start)/float64(n), "cpu-ns/op")
	}
}
