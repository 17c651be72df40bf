package textwidth

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWidth(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"山田 太郎", 9},
		{"ヤマダ", 6},
		{"ﾔﾏﾀﾞ", 4}, // halfwidth katakana and a halfwidth voiced mark: 1 each
		{"ＡＢＣ商事", 10},
		{"か\u3099", 2}, // a combining dakuten adds nothing
		{"e\u0301", 1},
		{"a\u200bb", 2},
		{"①○", 2},
		{"\xff", 1},
	}
	for _, tt := range tests {
		if got := Width(tt.s); got != tt.want {
			t.Errorf("Width(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestPadAndTruncate(t *testing.T) {
	rows := []string{"山田 太郎", "Anna Smith", "髙橋"}
	var got []string
	for _, r := range rows {
		got = append(got, Pad(r, 12)+"|")
	}
	want := []string{"山田 太郎   |", "Anna Smith  |", "髙橋        |"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Pad (-want +got):\n%s", diff)
	}
	for _, g := range got {
		if w := Width(g); w != 13 {
			t.Errorf("%q is %d columns, want 13", g, w)
		}
	}
	if got := PadLeft("42", 5); got != "   42" {
		t.Errorf("PadLeft = %q", got)
	}
	if got := Pad("長い名前です", 4); got != "長い名前です" {
		t.Errorf("Pad of a wider string = %q, want it unchanged", got)
	}
	for _, tt := range []struct {
		s    string
		w    int
		want string
	}{{"山田太郎商店", 7, "山田太…"}, {"abcdef", 4, "abc…"}, {"abc", 3, "abc"}, {"山田", 1, "…"}, {"abc", 0, ""}} {
		if got := Truncate(tt.s, tt.w); got != tt.want || Width(got) > tt.w {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
		}
	}
}
