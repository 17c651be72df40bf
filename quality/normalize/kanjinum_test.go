package normalize

import (
	"errors"
	"testing"
)

func TestKanjiNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"〇", 0},
		{"一", 1},
		{"九", 9},
		{"十", 10},
		{"十一", 11},
		{"二十", 20},
		{"二十三", 23},
		{"九十九", 99},
		{"百", 100},
		{"百五", 105},
		{"三百二十一", 321},
		{"千", 1000},
		{"一千", 1000},
		{"千二百", 1200},
		{"二千二十六", 2026},
		{"一万", 10000},
		{"一万二千", 12000},
		{"十二万三千四百五十六", 123456},
		{"一億二千万", 120000000},
		{"二〇二", 202},
		{"一〇", 10},
		{"二〇二六", 2026},
		{"壱", 1},
		{"弐拾参", 23},
		{"○一", 1},
	}
	for _, tt := range tests {
		got, err := KanjiNumber(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("KanjiNumber(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestKanjiNumberErrors(t *testing.T) {
	for _, in := range []string{
		"", "十十", "百千", "千千", "二三十", "十〇", "〇十", "百〇五", "万", "万一万",
		"一万一億", "十a", "3", "１", "二十三番", "\xff", "一一一一一一一一一一一一一",
		"九千九百九十九億九千九百九十九万九千九百九十九十",
	} {
		got, err := KanjiNumber(in)
		if err == nil {
			t.Errorf("KanjiNumber(%q) = %d, want error", in, got)
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("KanjiNumber(%q) error %v does not wrap ErrInvalid", in, err)
		}
	}
}
