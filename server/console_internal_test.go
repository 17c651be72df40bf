package server

import (
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
