package quality_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality"
	"github.com/c360/c360/quality/normalize"
	"github.com/google/go-cmp/cmp"
)

func date(y int, m time.Month, d int) customer.Date { return customer.Date{Year: y, Month: m, Day: d} }

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want customer.Date
	}{
		{"2024-04-01", date(2024, 4, 1)},
		{"2024/4/1", date(2024, 4, 1)},
		{"2024.04.01", date(2024, 4, 1)},
		{"20240401", date(2024, 4, 1)},
		{"2024年4月1日", date(2024, 4, 1)},
		{"２０２４年４月１日", date(2024, 4, 1)},
		{" 1985-04-03 ", date(1985, 4, 3)},
		{"昭和60年4月3日", date(1985, 4, 3)},
		{"昭和 60 年 4 月 3 日", date(1985, 4, 3)},
		{"S60.4.3", date(1985, 4, 3)},
		{"s60/4/3", date(1985, 4, 3)},
		{"平成元年1月8日", date(1989, 1, 8)},
		{"平成1年1月8日", date(1989, 1, 8)},
		{"H31.4.30", date(2019, 4, 30)},
		{"令和元年5月1日", date(2019, 5, 1)},
		{"令和6年12月31日", date(2024, 12, 31)},
		{"R6-2-29", date(2024, 2, 29)},
		{"㋿6年2月29日", date(2024, 2, 29)},
		{"㍻10年10月10日", date(1998, 10, 10)},
		{"平成十年十月十日", date(1998, 10, 10)},
		{"昭和64年1月7日", date(1989, 1, 7)},
		{"大正15年12月25日", date(1926, 12, 25)},
		{"昭和元年12月25日", date(1926, 12, 25)},
		{"明治45年7月30日", date(1912, 7, 30)},
		{"大正元年7月30日", date(1912, 7, 30)},
		{"明治元年1月25日", date(1868, 1, 25)},
		{"令和６年４月１日", date(2024, 4, 1)},
		{"平成３年２月２８日", date(1991, 2, 28)},
		{"令和六年三月五日", date(2024, 3, 5)},
		{"令和元年五月一日", date(2019, 5, 1)},
		{"令和六年十二月三十一日", date(2024, 12, 31)},
		// Gregorian years in kanji numerals, digit by digit or counted.
		{"二〇二四年三月五日", date(2024, 3, 5)},
		{"二○二四年三月五日", date(2024, 3, 5)},
		{"二零二四年三月五日", date(2024, 3, 5)},
		{"二千二十四年3月5日", date(2024, 3, 5)},
		{"二千二十四年三月五日", date(2024, 3, 5)},
		{"二〇二四年３月５日", date(2024, 3, 5)},
		{"２〇２４年３月５日", date(2024, 3, 5)},
		{"2〇24年3月5日", date(2024, 3, 5)},
		{"二〇二四 年 三 月 五 日", date(2024, 3, 5)},
		{"二〇二四年十二月三十一日", date(2024, 12, 31)},
		{"二〇二四年二月二十九日", date(2024, 2, 29)},
		{"二〇二四年一二月〇一日", date(2024, 12, 1)},
		{"一九八五年四月三日", date(1985, 4, 3)},
		{"千九百八十五年四月三日", date(1985, 4, 3)},
		{"二〇〇〇年一月一日", date(2000, 1, 1)},
		{"二千年一月一日", date(2000, 1, 1)},
		{"弐千弐拾四年参月五日", date(2024, 3, 5)},
		{"二〇二四/三/五", date(2024, 3, 5)},
	}
	for _, tt := range tests {
		got, err := quality.ParseDate(tt.in)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseDateInvalid(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"", "empty"},
		{"2023-02-29", "not a leap year"},
		{"2024-13-01", "no month 13"},
		{"2024-04-31", "April has 30 days"},
		{"平成32年1月1日", "平成 ended in its 31st year"},
		{"平成31年5月1日", "令和 began on 2019-05-01"},
		{"昭和64年1月8日", "平成 began on 1989-01-08"},
		{"令和元年4月30日", "before 令和"},
		{"明治元年1月1日", "before the start of 明治 as counted"},
		{"大正15年12月26日", "昭和 by then"},
		{"元年5月1日", "元年 without an era"},
		{"2024-4/1", "mixed separators"},
		{"2024年4月", "no day"},
		{"24-04-01", "two-digit Gregorian year"},
		{"2024-04-01-05", "too many numbers"},
		{"令和0年5月1日", "no year 0"},
		{"令和元元年5月1日", "元 twice"},
		{"abc", "not a date"},
		{"2024/04/01 extra", "trailing text"},
		{"二十四年三月五日", "a counted Gregorian year below 1000"},
		{"二〇二年三月五日", "three kanji digits"},
		{"〇二〇二年三月五日", "year 202 written with a leading 〇"},
		{"二〇二四五年一月一日", "five kanji digits"},
		{"〇〇〇〇年一月一日", "year 0"},
		{"一万年一月一日", "万 is not a year's unit"},
		{"二千二四年1月1日", "two digits in a row in a counted numeral"},
		{"二千〇二十四年1月1日", "〇 in a counted numeral"},
		{"2千24年1月1日", "digits mixed with kanji units"},
		{"二〇二三年二月二十九日", "not a leap year"},
		{"二〇二四年十三月一日", "no month 13"},
		{"二〇二四年一二三月一日", "a month of three digits"},
		{"二〇二四年三月", "no day"},
		{"二〇二四年三月五日五", "trailing number"},
	}
	for _, tt := range tests {
		got, err := quality.ParseDate(tt.in)
		if err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error (%s)", tt.in, got, tt.reason)
			continue
		}
		if !errors.Is(err, quality.ErrInvalid) {
			t.Errorf("ParseDate(%q) error %v does not wrap ErrInvalid", tt.in, err)
		}
		var ve *quality.ValueError
		if !errors.As(err, &ve) || ve.Value != tt.in {
			t.Errorf("ParseDate(%q) error %v is not a *ValueError naming the input", tt.in, err)
		}
	}
}

// TestParseDateReason pins the reasons given for Gregorian years in kanji.
func TestParseDateReason(t *testing.T) {
	tests := []struct{ in, want string }{
		{"二十四年三月五日", "Gregorian year 24 in kanji: want four digits (1000–9999)"},
		{"〇二〇二年三月五日", "Gregorian year 202 in kanji: want four digits (1000–9999)"},
		{"二〇二四五年一月一日", `year "二〇二四五": too many digits`},
		{"二千二四年1月1日", `year "二千二四": not a number`},
		{"2千24年1月1日", `year "2千24": digits mixed with kanji units`},
		{"〇〇〇〇年一月一日", "Gregorian year 0 in kanji: want four digits (1000–9999)"},
		{"二〇二四年一二三月一日", `month "一二三" is not a number`},
		{"元年5月1日", "元年 without an era"},
		{"24-04-01", "a Gregorian year has four digits"},
	}
	for _, tt := range tests {
		_, err := quality.ParseDate(tt.in)
		var ve *quality.ValueError
		if !errors.As(err, &ve) {
			t.Errorf("ParseDate(%q) error = %v, want a *ValueError", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, ve.Reason); diff != "" {
			t.Errorf("ParseDate(%q) reason (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseTime(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-04-01T09:00:00+09:00", time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)},
		{"2024-04-01 09:00:00", time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)},
		{"2024-04-01T09:00:00", time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)},
		{"令和6年4月1日", time.Date(2024, 3, 31, 15, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := quality.ParseTime(tt.in, jst)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := quality.ParseTime("yesterday", nil); !errors.Is(err, quality.ErrInvalid) {
		t.Errorf("ParseTime(yesterday) error = %v, want ErrInvalid", err)
	}
}

func TestEras(t *testing.T) {
	eras := quality.Eras()
	// Each era starts the day after the previous one ends, or on the same
	// day for the boundaries shared by two eras.
	for i := 1; i < len(eras); i++ {
		newer, older := eras[i-1], eras[i]
		end := time.Date(older.End.Year, older.End.Month, older.End.Day, 0, 0, 0, 0, time.UTC)
		start := time.Date(newer.Start.Year, newer.Start.Month, newer.Start.Day, 0, 0, 0, 0, time.UTC)
		if gap := start.Sub(end); gap != 0 && gap != 24*time.Hour {
			t.Errorf("%s ends %v but %s starts %v", older.Name, older.End, newer.Name, newer.Start)
		}
	}
}

// FuzzParseDate checks that ParseDate never panics, that what it accepts is
// a real date, that the date's ISO form parses back to itself, that an era
// date lies within the era, and that numbers written digit by digit in kanji
// read as the same digits in ASCII (二〇二四年三月五日 ≡ 2024年3月5日).
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-04-01", "令和元年5月1日", "H31.4.30", "昭和64年1月7日", "平成十年十月十日", "２０２４年４月１日", "20240229", "㋿6年2月29日", "元年", "R", "年月日",
		"二〇二四年三月五日", "二千二十四年3月5日", "２〇２４年３月５日", "〇〇〇〇年一月一日", "弐千弐拾四年参月五日"} {
		f.Add(s)
	}
	eras := quality.Eras()
	digits := strings.NewReplacer("〇", "0", "○", "0", "零", "0", "一", "1", "壱", "1", "二", "2", "弐", "2",
		"三", "3", "参", "3", "四", "4", "五", "5", "六", "6", "七", "7", "八", "8", "九", "9")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := quality.ParseDate(s)
		if err != nil {
			if !errors.Is(err, quality.ErrInvalid) {
				t.Fatalf("ParseDate(%q) error %v does not wrap ErrInvalid", s, err)
			}
			return
		}
		if !d.Valid() {
			t.Fatalf("ParseDate(%q) = %v, not a valid date", s, d)
		}
		back, err := quality.ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %v, but ParseDate(%q) = %v, %v", s, d, d.String(), back, err)
		}
		for _, e := range eras {
			if len(s) >= len(e.Name) && s[:len(e.Name)] == e.Name {
				before := d.Year < e.Start.Year || d.Year == e.Start.Year && (d.Month < e.Start.Month || d.Month == e.Start.Month && d.Day < e.Start.Day)
				if before {
					t.Fatalf("ParseDate(%q) = %v, before %s started", s, d, e.Name)
				}
			}
		}
		if n := normalize.Text(s); !strings.ContainsAny(n, "十百千拾") {
			if a := digits.Replace(n); a != n {
				if got, err := quality.ParseDate(a); err != nil || got != d {
					t.Fatalf("ParseDate(%q) = %v, but with ASCII digits ParseDate(%q) = %v, %v", s, d, a, got, err)
				}
			}
		}
	})
}

func BenchmarkParseDate(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"iso", "1985-04-03"},
		{"era", "令和6年4月1日"},
		{"kanji-digits", "二〇二四年三月五日"},
		{"kanji-counted", "二千二十四年十二月三十一日"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = quality.ParseDate(bc.in)
			}
		})
	}
}
