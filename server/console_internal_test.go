package server

import (
	"regexp"
	"testing"

	"github.com/c360/c360/journey"
)

func TestFormatMoney(t *testing.T) {
	for _, tc := range []struct {
		m    journey.Money
		want string
	}{
		{journey.Money{}, ""},
		{journey.Money{Amount: 12800, Currency: "JPY"}, "12,800 JPY"},
		{journey.Money{Amount: 1234567, Currency: "JPY"}, "1,234,567 JPY"},
		{journey.Money{Amount: -1250, Currency: "USD"}, "-12.50 USD"},
		{journey.Money{Amount: 5, Currency: "USD"}, "0.05 USD"},
		{journey.Money{Amount: 100, Currency: "JPY"}, "100 JPY"},
		{journey.Money{Amount: 1234, Currency: "KWD"}, "1.234 KWD"},
	} {
		if got := formatMoney(tc.m); got != tc.want {
			t.Errorf("formatMoney(%+v) = %q, want %q", tc.m, got, tc.want)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{
		"":                        "ja",
		"en-US,en;q=0.9":          "en",
		"ja,en-US;q=0.8":          "ja",
		"fr-FR,en;q=0.5,ja;q=0.7": "ja",
		"de":                      "ja",
		"en;q=0, ja;q=0":          "ja",
		"EN-gb;q=0.8, zh;q=0.9":   "en",
	} {
		if got := acceptLanguage(h); got != want {
			t.Errorf("acceptLanguage(%q) = %q, want %q", h, got, want)
		}
	}
}

// TestConsoleTemplateKeys: every message the template names (.T.key,
// $T.key, index .T "key") is in both languages, and so are the keys it
// builds (kind_*, consent_*, by_*).
func TestConsoleTemplateKeys(t *testing.T) {
	b, err := consoleFS.ReadFile("console.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?:\.T|\$T)\.([a-z_]+)|index (?:\.T|\$T) "([a-z_]+)"`).FindAllStringSubmatch(string(b), -1) {
		keys[m[1]+m[2]] = true
	}
	for _, k := range []string{"kind_person", "kind_account", "consent_opt_in", "consent_opt_out", "consent_unknown",
		"by_name", "by_email", "by_phone", "by_corporate_number"} {
		keys[k] = true
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys in the template: the pattern is wrong", len(keys))
	}
	for k := range keys {
		for _, lang := range []string{"ja", "en"} {
			if _, ok := messages[lang][k]; !ok {
				t.Errorf("the template uses %q, which %s lacks", k, lang)
			}
		}
	}
}
