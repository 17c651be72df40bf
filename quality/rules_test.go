package quality_test

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/c360/c360/quality"
	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/quality/normalize"
)

var testNow = time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)

// rec builds a MapRecord from field/value pairs.
func rec(id string, kv ...string) *quality.MapRecord {
	m := &quality.MapRecord{ID: id, Fields: map[string][]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Fields[kv[i]] = append(m.Fields[kv[i]], kv[i+1])
	}
	return m
}

func verdictName(v quality.Verdict) string { return v.String() }

func TestMissing(t *testing.T) {
	m := quality.NewMissing(nil)
	missing := []string{"", " ", "\u3000", "\t\u3000 ", "不明", "なし", "-", "ー", "0000000", "test", "TEST", "ＴＥＳＴ", "Test", "ダミー", "〓", "N/A", "n/a", " null ", "ﾀﾞﾐｰ"}
	present := []string{"山田", "0", "1000001", "testing", "test@example.jp", "−1", "a", "なしもと", "不明瞭"}
	for _, v := range missing {
		if !m.Is(v) {
			t.Errorf("Missing.Is(%q) = false, want true", v)
		}
	}
	for _, v := range present {
		if m.Is(v) {
			t.Errorf("Missing.Is(%q) = true, want false", v)
		}
	}
	custom := quality.NewMissing([]string{"該当者なし"})
	if !custom.Is("該当者なし") || custom.Is("不明") || !custom.Is("\u3000") {
		t.Error("custom sentinels: want 該当者なし and blanks missing, 不明 present")
	}
	var zero *quality.Missing
	if !zero.Is("不明") {
		t.Error("nil Missing does not use the default sentinels")
	}
}

func TestValidators(t *testing.T) {
	env := &quality.Env{Now: testNow}
	tests := []struct {
		name string
		v    quality.Validator
		good []string
		bad  []string
	}{
		{"email", quality.ValidEmail(), []string{"taro@example.jp", "Ｔａｒｏ＠example.jp", " taro@example.jp "}, []string{"taro@", "taro example.jp", "taro@@example.jp", "taro@example"}},
		{"phone", quality.ValidPhone(), []string{"03-1234-5678", "090-1234-5678", "＋８１ ９０ １２３４ ５６７８"}, []string{"03-1234-567", "12345", "022-123-4567"}},
		{"mobile", quality.ValidPhone(normalize.PhoneMobile), []string{"090-1234-5678", "080 1234 5678"}, []string{"03-1234-5678", "050-1234-5678"}},
		{"postal format", quality.ValidPostalCode(false), []string{"100-0001", "〒1000001", "１００－０００１", "999-9999"}, []string{"100-001", "10000011", "abc-defg"}},
		{"postal exists", quality.ValidPostalCode(true), []string{"100-0001", "〒060-0001"}, []string{"999-9999", "000-0001"}},
		{"prefecture", quality.ValidPrefecture(), []string{"東京都", "東京", "北海道", "大阪府", "沖縄県", "沖縄"}, []string{"東京府", "Tokyo", "北海", "横浜市"}},
		{"katakana", quality.ValidKatakana(), []string{"ヤマダ", "ﾔﾏﾀﾞ", "ヤマダ タロウ", "ジョン・スミス", "ヴァイオリン"}, []string{"やまだ", "山田", "Yamada", "ヤマダ1"}},
		{"corporate number", quality.ValidCorporateNumber(), []string{"3020001077090", "８０１０４０１０９８７６５"}, []string{"3020001077091", "302000107709", "abc"}},
		{"date", quality.ValidDate(), []string{"2024-02-29", "令和元年5月1日"}, []string{"2023-02-29", "平成32年1月1日"}},
		{"birth date", quality.ValidBirthDate(0), []string{"1985-04-03", "昭和60年4月3日", "1905-04-01"}, []string{"2025-04-02", "1900-01-02", "2030-01-01", "昭和64年1月8日"}},
		{"time", quality.ValidTime(), []string{"2025-03-31T23:59:59Z", "2025-04-01"}, []string{"2025-04-01T00:00:01Z", "later"}},
		{"number", quality.ValidNumber(0, 150), []string{"0", "42", "１２０", "1,5"}, []string{"-1", "151", "forty", "1e400", "NaN", "Inf"}},
		{"pattern", quality.ValidPattern(regexp.MustCompile(`^M-\d{4}$`)), []string{"M-7000"}, []string{"M-700", "X-7000"}},
		{"enum", quality.ValidEnum("crm", "ec", "pos"), []string{"crm", "ＣＲＭ", "Pos"}, []string{"sales", ""}},
		{"address", quality.ValidAddress(), []string{"東京都千代田区丸の内1-1-1", "横浜市西区みなとみらい2-3-1"}, []string{"どこか", "123"}},
	}
	for _, tt := range tests {
		for _, g := range tt.good {
			if err := tt.v(env, g); err != nil {
				t.Errorf("%s: %q rejected: %v", tt.name, g, err)
			}
		}
		for _, b := range tt.bad {
			err := tt.v(env, b)
			if err == nil {
				t.Errorf("%s: %q accepted, want invalid", tt.name, b)
			} else if !errors.Is(err, quality.ErrInvalid) && !errors.Is(err, normalize.ErrInvalid) {
				t.Errorf("%s: %q: error %v wraps neither ErrInvalid", tt.name, b, err)
			}
		}
	}
}

func TestPrefecture(t *testing.T) {
	for in, want := range map[string]string{"東京": "東京都", "東京都": "東京都", "大阪": "大阪府", "京都": "京都府", "北海道": "北海道", "神奈川": "神奈川県", " 沖縄県 ": "沖縄県", "東京府": "", "": ""} {
		if got := quality.Prefecture(in); got != want {
			t.Errorf("Prefecture(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRules pins the verdict of each record-level rule on small records.
func TestRules(t *testing.T) {
	signals := quality.SignalMap{}
	signals.Set("email", "bounce@example.jp", quality.SignalRefuted)
	signals.Set("email", "ok@example.jp", quality.SignalConfirmed)
	year := 365 * 24 * time.Hour
	tests := []struct {
		name string
		rule quality.Rule
		rec  *quality.MapRecord
		want quality.Verdict
	}{
		{"required present", quality.Required("phone"), rec("1", "phone", "03-1234-5678"), quality.Pass},
		{"required empty", quality.Required("phone"), rec("1", "phone", ""), quality.Fail},
		{"required U+3000", quality.Required("phone"), rec("1", "phone", "\u3000"), quality.Fail},
		{"required sentinel", quality.Required("phone"), rec("1", "phone", "不明"), quality.Fail},
		{"required absent field", quality.Required("phone"), rec("1"), quality.Fail},
		{"required one of several", quality.Required("email"), rec("1", "email", "", "email", "a@b.jp"), quality.Pass},
		{"validate good", quality.Validate("postal_code", quality.ValidPostalCode(false)), rec("1", "postal_code", "100-0001"), quality.Pass},
		{"validate bad", quality.Validate("postal_code", quality.ValidPostalCode(false)), rec("1", "postal_code", "100-01"), quality.Fail},
		{"validate skips missing", quality.Validate("postal_code", quality.ValidPostalCode(false)), rec("1", "postal_code", "-"), quality.Skip},
		{"validate one bad of two", quality.Validate("email", quality.ValidEmail()), rec("1", "email", "a@b.jp", "email", "bad"), quality.Fail},
		{"postal=prefecture agree", quality.PostalPrefecture("pc", "pref"), rec("1", "pc", "100-0001", "pref", "東京"), quality.Pass},
		{"postal=prefecture disagree", quality.PostalPrefecture("pc", "pref"), rec("1", "pc", "100-0001", "pref", "大阪府"), quality.Fail},
		{"postal=prefecture unknown code", quality.PostalPrefecture("pc", "pref"), rec("1", "pc", "999-9999", "pref", "大阪府"), quality.Skip},
		{"postal=prefecture no prefecture", quality.PostalPrefecture("pc", "pref"), rec("1", "pc", "100-0001"), quality.Skip},
		{"postal=address agree", quality.PostalAddress("pc", "addr"), rec("1", "pc", "100-0005", "addr", "東京都千代田区丸の内1-1-1"), quality.Pass},
		{"postal=address ward left out", quality.PostalAddress("pc", "addr"), rec("1", "pc", "220-0012", "addr", "横浜市みなとみらい2-3-1"), quality.Pass},
		{"postal=address disagree", quality.PostalAddress("pc", "addr"), rec("1", "pc", "100-0005", "addr", "大阪府大阪市北区梅田1-1-1"), quality.Fail},
		{"reading present", quality.ReadingPresent("name", "kana"), rec("1", "name", "山田", "kana", "ヤマダ"), quality.Pass},
		{"reading missing", quality.ReadingPresent("name", "kana"), rec("1", "name", "山田", "kana", " "), quality.Fail},
		{"reading of a kana name not needed", quality.ReadingPresent("name", "kana"), rec("1", "name", "さくら"), quality.Skip},
		{"reading of a Latin name not needed", quality.ReadingPresent("name", "kana"), rec("1", "name", "Smith"), quality.Skip},
		{"date order", quality.DateOrder("birth", "created"), rec("1", "birth", "1985-04-03", "created", "2024-01-01T00:00:00Z"), quality.Pass},
		{"date order broken", quality.DateOrder("birth", "created"), rec("1", "birth", "令和7年1月1日", "created", "2024-01-01T00:00:00Z"), quality.Fail},
		{"date order unreadable", quality.DateOrder("birth", "created"), rec("1", "birth", "soon", "created", "2024-01-01"), quality.Skip},
		{"fresh", quality.Fresh("email", "verified", year, true), rec("1", "email", "a@b.jp", "verified", "2024-06-01"), quality.Pass},
		{"stale", quality.Fresh("email", "verified", year, true), rec("1", "email", "a@b.jp", "verified", "2024-03-31"), quality.Fail},
		{"exactly max age is fresh", quality.Fresh("email", "verified", year, true), rec("1", "email", "a@b.jp", "verified", "2024-04-01"), quality.Pass},
		{"never verified, required", quality.Fresh("email", "verified", year, true), rec("1", "email", "a@b.jp"), quality.Fail},
		{"never verified, not required", quality.Fresh("email", "verified", year, false), rec("1", "email", "a@b.jp"), quality.Skip},
		{"fresh: newest of several", quality.Fresh("email", "verified", year, true), rec("1", "email", "a@b.jp", "verified", "2020-01-01", "verified", "2025-01-01"), quality.Pass},
		{"fresh: no value, no rule", quality.Fresh("email", "verified", year, true), rec("1", "verified", "2020-01-01"), quality.Skip},
		{"accurate refuted", quality.Accurate("email", signals), rec("1", "email", "bounce@example.jp"), quality.Fail},
		{"accurate confirmed", quality.Accurate("email", signals), rec("1", "email", "ok@example.jp"), quality.Pass},
		{"accurate unknown", quality.Accurate("email", signals), rec("1", "email", "new@example.jp"), quality.Skip},
		{"accurate partly confirmed", quality.Accurate("email", signals), rec("1", "email", "ok@example.jp", "email", "new@example.jp"), quality.Skip},
	}
	env := &quality.Env{Now: testNow}
	for _, tt := range tests {
		got := tt.rule.Check(env, tt.rec)
		if got.Verdict != tt.want {
			t.Errorf("%s: %s on %v = %s, want %s", tt.name, tt.rule.Name(), tt.rec.Fields, verdictName(got.Verdict), verdictName(tt.want))
		}
	}
}

func TestEnumStrings(t *testing.T) {
	got := []string{quality.Skip.String(), quality.Pass.String(), quality.Fail.String(), quality.Verdict(9).String(),
		quality.SignalNone.String(), quality.SignalConfirmed.String(), quality.SignalRefuted.String(),
		quality.Accuracy.String(), quality.StatusWarn.String(), match.KindBirthDate.String()}
	want := []string{"skip", "pass", "fail", "Verdict(9)", "none", "confirmed", "refuted", "accuracy", "warn", "birth_date"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("String() = %q, want %q", got[i], want[i])
		}
	}
}

func TestFreshWithoutNowSkips(t *testing.T) {
	r := quality.Fresh("email", "verified", time.Hour, true)
	if got := r.Check(&quality.Env{}, rec("1", "email", "a@b.jp", "verified", "2000-01-01")); got.Verdict != quality.Skip {
		t.Errorf("Fresh with a zero Now = %s, want skip", verdictName(got.Verdict))
	}
}

func TestRuleNamesAndReasons(t *testing.T) {
	tests := []struct {
		rule        quality.Rule
		name, field string
		dim         quality.Dimension
	}{
		{quality.Required("phone"), "completeness:phone", "phone", quality.Completeness},
		{quality.Validate("postal_code", quality.ValidPostalCode(true)), "validity:postal_code", "postal_code", quality.Validity},
		{quality.Unique("email", nil), "uniqueness:email", "email", quality.Uniqueness},
		{quality.PostalPrefecture("pc", "pref"), "consistency:pc=pref", "pref", quality.Consistency},
		{quality.Fresh("email", "v", time.Hour, false), "timeliness:email", "email", quality.Timeliness},
		{quality.Accurate("email", quality.SignalMap{}), "accuracy:email", "email", quality.Accuracy},
		{quality.Named("completeness:phone2", quality.Required("phone")), "completeness:phone2", "phone", quality.Completeness},
	}
	for _, tt := range tests {
		if tt.rule.Name() != tt.name || tt.rule.Field() != tt.field || tt.rule.Dimension() != tt.dim {
			t.Errorf("rule = (%q, %q, %v), want (%q, %q, %v)", tt.rule.Name(), tt.rule.Field(), tt.rule.Dimension(), tt.name, tt.field, tt.dim)
		}
	}
}

func TestWrappersKeepReasonsAndKeys(t *testing.T) {
	base := quality.WithReason("no_consent:email", quality.Required("email"))
	for _, r := range []quality.Rule{quality.Named("x", base), quality.When(func(quality.Record) bool { return true }, base)} {
		rs, ok := r.(quality.Reasoner)
		if !ok || rs.Reason() != "no_consent:email" {
			t.Errorf("%s lost its reason", r.Name())
		}
	}
	if _, ok := quality.Named("u", quality.Unique("email", nil)).(quality.Keyed); !ok {
		t.Error("Named lost Keyed")
	}
}
