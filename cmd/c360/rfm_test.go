package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRFMCurrency checks that c360 rfm never adds amounts of different
// currencies: monetary sums the --currency amounts (JPY by default) and the
// others are reported on standard error.
func TestRFMCurrency(t *testing.T) {
	const events = "event_id,customer_id,type,channel,time,value,currency\n" +
		"1,a,purchase,web,2026-11-20T00:00:00Z,1000,JPY\n" +
		"2,a,purchase,web,2026-11-21T00:00:00Z,19.99,USD\n" +
		"3,b,purchase,web,2026-11-10T00:00:00Z,500,\n" + // no currency: JPY
		"4,b,purchase,web,2026-11-11T00:00:00Z,5.01,USD\n"
	const head = "customer_id,recency_days,frequency,monetary,r,f,m,cell\n"
	tests := []struct {
		name    string
		args    []string
		want    string
		code    int
		errHas  []string
		errLack []string
	}{
		{
			name: "yen by default; dollars left out and reported",
			// a: 1 day, 2 purchases, ¥1000; b: 11 days, 2, ¥500. F tied (k 0, t 2): 3;
			// a (R 4, FM 3.5) is loyal.
			want:   head + "a,1.00,2,1000,4,3,4,loyal\n" + "b,11.00,2,500,2,3,2,hibernating\n",
			errHas: []string{"2 purchase(s) of 2 customer(s) in other currencies than JPY", "--currency"},
		},
		{
			name:   "--currency usd sums the dollars",
			args:   []string{"--currency", "usd"},
			want:   head + "a,1.00,2,19.99,4,3,4,loyal\n" + "b,11.00,2,5.01,2,3,2,hibernating\n",
			errHas: []string{"2 purchase(s) of 2 customer(s) in other currencies than USD"},
		},
		{
			name: "--currency that is not a code", args: []string{"--currency", "yen!"}, code: 2,
			errHas: []string{"--currency", "ISO 4217"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"rfm", "--events", writeFile(t, "e.csv", events), "--now", "2026-11-22"}, tt.args...)
			code, stdout, stderr := runCLI(t, "", args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, w := range tt.errHas {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if diff := cmp.Diff(tt.want, stdout); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}
