package normalize

import (
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePhone(t *testing.T) {
	tokyo := Phone{E164: "+81312345678", Country: "81", National: "0312345678", Type: PhoneFixed, AreaName: "東京", Key: "+81312345678"}
	mobile := Phone{E164: "+819012345678", Country: "81", National: "09012345678", Type: PhoneMobile, Key: "+819012345678"}
	withExt := func(p Phone, ext string) Phone { p.Extension = ext; return p }
	tests := []struct {
		name string
		in   string
		want Phone
	}{
		{"hyphens", "03-1234-5678", tokyo},
		{"digits only", "0312345678", tokyo},
		{"full-width digits and dashes", "０３－１２３４－５６７８", tokyo},
		{"brackets", "03(1234)5678", tokyo},
		{"full-width brackets", "（０３）１２３４－５６７８", tokyo},
		{"spaces", "03 1234 5678", tokyo},
		{"ideographic space and minus sign", "03\u30001234−5678", tokyo},
		{"long vowel mark as dash", "03ー1234ー5678", tokyo},
		{"dots", "03.1234.5678", tokyo},
		{"plus 81", "+81-3-1234-5678", tokyo},
		{"plus 81 bracketed trunk 0", "+81 (0)3-1234-5678", tokyo},
		{"plus 81 with trunk 0 by mistake", "+81 03 1234 5678", tokyo},
		{"full-width plus", "＋８１　３　１２３４　５６７８", tokyo},
		{"00 international prefix", "0081-3-1234-5678", tokyo},
		{"010 international prefix from Japan", "010-81-3-1234-5678", tokyo},
		{"label TEL", "TEL: 03-1234-5678", tokyo},
		{"label Tel lower case", "tel.03-1234-5678", tokyo},
		{"full-width label", "ＴＥＬ：03-1234-5678", tokyo},
		{"tel URI", "tel:+81-3-1234-5678", tokyo},
		{"label 電話", "電話：03-1234-5678", tokyo},
		{"label 代表 after", "03-1234-5678（代表）", tokyo},
		{"telephone sign", "℡03-1234-5678", tokyo},
		{"label 代 in brackets", "03-1234-5678(代)", tokyo},
		{"Tel/Fax label", "Tel/Fax 03-1234-5678", tokyo},
		{"extension 内線", "03-1234-5678 内線123", withExt(tokyo, "123")},
		{"extension in brackets", "03-1234-5678（内線：45）", withExt(tokyo, "45")},
		{"extension ext.", "+81 3 1234 5678 ext. 9", withExt(tokyo, "9")},
		{"extension x", "03-1234-5678 x 77", withExt(tokyo, "77")},
		{"extension #", "03-1234-5678#12", withExt(tokyo, "12")},
		{"mobile", "090-1234-5678", mobile},
		{"mobile full-width", "０９０ー１２３４ー５６７８", mobile},
		{"mobile international", "+81 90 1234 5678", mobile},
		{"mobile 070", "070-1234-5678", Phone{E164: "+817012345678", Country: "81", National: "07012345678", Type: PhoneMobile, Key: "+817012345678"}},
		{"mobile 080", "080 9876 5432", Phone{E164: "+818098765432", Country: "81", National: "08098765432", Type: PhoneMobile, Key: "+818098765432"}},
		{"IP 050", "050-1234-5678", Phone{E164: "+815012345678", Country: "81", National: "05012345678", Type: PhoneIP, Key: "+815012345678"}},
		{"toll-free 0120", "0120-123-456", Phone{E164: "+81120123456", Country: "81", National: "0120123456", Type: PhoneTollFree, Key: "+81120123456"}},
		{"toll-free 0800", "0800-123-4567", Phone{E164: "+818001234567", Country: "81", National: "08001234567", Type: PhoneTollFree, Key: "+818001234567"}},
		{"navi-dial", "0570-123-456", Phone{E164: "+81570123456", Country: "81", National: "0570123456", Type: PhoneNaviDial, Key: "+81570123456"}},
		{"premium", "0990-123-456", Phone{E164: "+81990123456", Country: "81", National: "0990123456", Type: PhonePremium, Key: "+81990123456"}},
		{"M2M 020", "020-1234-5678", Phone{E164: "+812012345678", Country: "81", National: "02012345678", Type: PhoneOther, Key: "+812012345678"}},
		{"Osaka", "06-6123-4567", Phone{E164: "+81661234567", Country: "81", National: "0661234567", Type: PhoneFixed, AreaName: "大阪", Key: "+81661234567"}},
		{"4-digit area code", "0123-45-6789", Phone{E164: "+81123456789", Country: "81", National: "0123456789", Type: PhoneFixed, AreaName: "千歳", Key: "+81123456789"}},
		{"longest prefix wins (0429 所沢 vs 04291 飯能)", "042-912-3456", Phone{E164: "+81429123456", Country: "81", National: "0429123456", Type: PhoneFixed, AreaName: "飯能", Key: "+81429123456"}},
		{"US", "+1 (212) 555-0100", Phone{E164: "+12125550100", Country: "1", National: "2125550100", Key: "+12125550100"}},
		{"UK", "+44 20 7946 0958", Phone{E164: "+442079460958", Country: "44", National: "2079460958", Key: "+442079460958"}},
		{"UK with (0)", "+44 (0)20 7946 0958", Phone{E164: "+442079460958", Country: "44", National: "2079460958", Key: "+442079460958"}},
		{"three-digit code", "+852 2123 4567", Phone{E164: "+85221234567", Country: "852", National: "21234567", Key: "+85221234567"}},
		{"Germany from Japan", "010-49-30-123456", Phone{E164: "+4930123456", Country: "49", National: "30123456", Key: "+4930123456"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePhone(tt.in)
			if err != nil {
				t.Fatalf("ParsePhone(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePhone(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParsePhoneRegion(t *testing.T) {
	tests := []struct {
		name, in, cc string
		want         Phone
	}{
		{"US domestic", "(212) 555-0100", "1", Phone{E164: "+12125550100", Country: "1", National: "2125550100", Key: "+12125550100"}},
		{"US domestic with trunk 1", "1-212-555-0100", "1", Phone{E164: "+12125550100", Country: "1", National: "2125550100", Key: "+12125550100"}},
		{"UK domestic trunk 0", "020 7946 0958", "44", Phone{E164: "+442079460958", Country: "44", National: "2079460958", Key: "+442079460958"}},
		{"Italy keeps its 0", "06 1234 5678", "39", Phone{E164: "+390612345678", Country: "39", National: "0612345678", Key: "+390612345678"}},
		{"international overrides region", "+81 3-1234-5678", "1", Phone{E164: "+81312345678", Country: "81", National: "0312345678", Type: PhoneFixed, AreaName: "東京", Key: "+81312345678"}},
		{"Japan explicit", "03-1234-5678", "81", Phone{E164: "+81312345678", Country: "81", National: "0312345678", Type: PhoneFixed, AreaName: "東京", Key: "+81312345678"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePhoneRegion(tt.in, tt.cc)
			if err != nil {
				t.Fatalf("ParsePhoneRegion(%q, %q) error: %v", tt.in, tt.cc, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePhoneRegion(%q, %q) mismatch (-want +got):\n%s", tt.in, tt.cc, diff)
			}
		})
	}
}

func TestParsePhoneErrors(t *testing.T) {
	tests := []struct {
		name, in, cc, reason string
	}{
		{"empty", "", "81", "no digits"},
		{"label only", "TEL:", "81", "no digits"},
		{"mobile too short", "090-1234-567", "81", "has 11 digits, got 10"},
		{"mobile too long", "090-1234-56789", "81", "has 11 digits, got 12"},
		{"landline too short", "03-1234-567", "81", "has 10 digits, got 9"},
		{"landline 11 digits", "03-1234-56789", "81", "has 10 digits, got 11"},
		{"toll-free 0120 too long", "0120-123-4567", "81", "has 10 digits, got 11"},
		{"IP too short", "050-123-4567", "81", "has 11 digits, got 10"},
		{"mobile 0900 not in use", "090-0123-4567", "81", "not in use"},
		{"no trunk 0", "312345678", "81", "starts with 0"},
		{"unallocated landline range", "022-123-4567", "81", "not an allocated landline range"},
		{"local exchange starting with 0", "03-0123-4567", "81", "cannot start with 0"},
		{"carrier prefix", "+81 0012 345 678", "81", "not a subscriber number"},
		{"emergency short code", "110", "81", "starts with 0"},
		{"letters", "03-1234-ABCD", "81", "unexpected character"},
		{"kanji", "東京03-1234-5678", "81", "unexpected character"},
		{"plus in the middle", "03+1234-5678", "81", "in the middle"},
		{"extension without number", "内線12", "81", "not after a number"},
		{"extension without digits", "03-1234-5678 内線", "81", "without digits"},
		{"two numbers", "03-1234-5678 / 090-1234-5678", "81", "has 10 digits"},
		{"invalid UTF-8", "03-1234-\xff5678", "81", "invalid UTF-8"},
		{"unassigned country code", "+999 1234 5678", "81", "calling code"},
		{"too long for E.164", "+44 1234 5678 9012 34", "81", "15 digits"},
		{"too short", "+44 123", "81", "too few"},
		{"US wrong length", "+1 212 555 010", "81", "10 digits after +1"},
		{"bad region", "03-1234-5678", "0", "calling code"},
		{"region not digits", "03-1234-5678", "JP", "calling code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePhoneRegion(tt.in, tt.cc)
			if err == nil {
				t.Fatalf("ParsePhoneRegion(%q, %q) = %+v, want error", tt.in, tt.cc, got)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindPhone || e.Input != tt.in {
				t.Fatalf("error %#v is not an *Error for KindPhone with the input", err)
			}
			if !strings.Contains(e.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", e.Reason, tt.reason)
			}
			if diff := cmp.Diff(Phone{}, got); diff != "" {
				t.Errorf("result not zero on error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPhoneFormat(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0312345678", "03-1234-5678"},
		{"+81 6 6123 4567", "06-6123-4567"},
		{"0123456789", "0123-45-6789"},
		{"0422223456", "0422-22-3456"},
		{"09012345678", "090-1234-5678"},
		{"05012345678", "050-1234-5678"},
		{"0120123456", "0120-123-456"},
		{"08001234567", "0800-123-4567"},
		{"0570123456", "0570-123-456"},
		{"0312345678 内線12", "03-1234-5678 内線 12"},
		{"+1 212 555 0100", "+12125550100"},
	}
	for _, tt := range tests {
		p, err := ParsePhone(tt.in)
		if err != nil {
			t.Fatalf("ParsePhone(%q): %v", tt.in, err)
		}
		if got := p.Format(); got != tt.want {
			t.Errorf("ParsePhone(%q).Format() = %q, want %q", tt.in, got, tt.want)
		}
		// The formatted form parses to the same number.
		q, err := ParsePhone(p.Format())
		if err != nil || q != p {
			t.Errorf("ParsePhone(%q) = %+v, %v; want %+v", p.Format(), q, err, p)
		}
	}
	if got := (Phone{}).Format(); got != "" {
		t.Errorf("zero Phone formats as %q, want empty", got)
	}
}

func TestPhoneFormatInternational(t *testing.T) {
	tests := []struct{ in, want string }{
		{"03-1234-5678", "+81 3-1234-5678"},
		{"090-1234-5678", "+81 90-1234-5678"},
		{"0120-123-456", "+81 120-123-456"},
		{"0123-45-6789 内線 7", "+81 123-45-6789 ext. 7"},
		{"+44 20 7946 0958 ext 12", "+442079460958 ext. 12"},
	}
	for _, tt := range tests {
		p, err := ParsePhone(tt.in)
		if err != nil {
			t.Fatalf("ParsePhone(%q): %v", tt.in, err)
		}
		got := p.FormatInternational()
		if got != tt.want {
			t.Errorf("ParsePhone(%q).FormatInternational() = %q, want %q", tt.in, got, tt.want)
		}
		if q, err := ParsePhone(got); err != nil || q != p {
			t.Errorf("ParsePhone(%q) = %+v, %v; want %+v", got, q, err, p)
		}
	}
	if got := (Phone{}).FormatInternational(); got != "" {
		t.Errorf("zero Phone formats as %q, want empty", got)
	}
}

func TestPhoneTypeString(t *testing.T) {
	want := []string{"unknown", "mobile", "fixed", "ip", "toll_free", "navi_dial", "premium", "other"}
	for i, w := range want {
		if got := PhoneType(i).String(); got != w {
			t.Errorf("PhoneType(%d).String() = %q, want %q", i, got, w)
		}
	}
	if got := PhoneType(42).String(); got != "PhoneType(42)" {
		t.Errorf("PhoneType(42).String() = %q", got)
	}
}

// TestPhoneNumberTypesCSV checks the classification against the examples of
// phone_number_types.csv when the reference data is present.
func TestPhoneNumberTypesCSV(t *testing.T) {
	f, err := os.Open(sharedDataPath(t, "jp-reference/phone_number_types.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]PhoneType{
		"mobile": PhoneMobile, "ip_phone": PhoneIP, "m2m_pager": PhoneOther, "toll_free": PhoneTollFree,
		"navi_dial": PhoneNaviDial, "premium_rate": PhonePremium, "fixed_line": PhoneFixed,
	}
	n := 0
	for _, r := range recs[1:] {
		want, ok := types[r[2]]
		if !ok {
			continue
		}
		for _, ex := range strings.Split(r[6], ", ") {
			p, err := ParsePhone(ex)
			if err != nil {
				t.Errorf("%s example %q: %v", r[2], ex, err)
				continue
			}
			n++
			if p.Type != want || len(p.National) != phoneAtoi(r[4], -1) {
				t.Errorf("%s example %q: type %v, %d digits; want %v, %s digits", r[2], ex, p.Type, len(p.National), want, r[4])
			}
			if p.Format() != ex {
				t.Errorf("%s example %q formats as %q", r[2], ex, p.Format())
			}
		}
	}
	if n < 12 {
		t.Errorf("only %d examples checked", n)
	}
}

// TestLandlineTableCSV checks every prefix of phone_landline_prefixes.csv:
// a number in it gets its area name and is formatted with its area code.
func TestLandlineTableCSV(t *testing.T) {
	f, err := os.Open(sharedDataPath(t, "jp-reference/phone_landline_prefixes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows := recs[1:]
	for _, r := range rows {
		num := r[0] + strings.Repeat("5", 10-len(r[0]))
		// The expected entry is the longest prefix of num in the file.
		var prefix, area, name string
		for _, q := range rows {
			if strings.HasPrefix(num, q[0]) && len(q[0]) > len(prefix) {
				prefix, area, name = q[0], q[1], q[2]
			}
		}
		p, err := ParsePhone(num)
		if err != nil {
			t.Errorf("%s: %v", num, err)
			continue
		}
		if p.AreaName != name || !strings.HasPrefix(p.Format(), area+"-") {
			t.Errorf("%s: area %q, formatted %q; want %q, area code %s", num, p.AreaName, p.Format(), name, area)
		}
	}
}

func phoneAtoi(s string, def int) int {
	n := 0
	if s == "" {
		return def
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return def
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func BenchmarkParsePhone(b *testing.B) {
	for _, in := range []string{"03-1234-5678", "+81 (0)90-1234-5678", "（０４２）９１２－３４５６ 内線１２"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParsePhone(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
