package main

import (
	"strings"
	"testing"
)

// TestParetoPrintsRatiosAsUsersCompute checks the exact text of c360
// pareto's ratios: gini, share_of_items and share_of_value as a user's own
// calculation gives them (12 significant digits), not 0.40000000000000013.
func TestParetoPrintsRatiosAsUsersCompute(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		args []string
		want string
	}{
		{
			name: "the audit's five items: gini 0.4",
			csv:  "item,sales\nA,50\nB,20\nC,15\nD,10\nE,5\n",
			want: `{"items":5,"total":100,"share_of_value":0.8,"items_needed":3,"share_of_items":0.6,"gini":0.4,"abc":{"A":3,"B":1,"C":1}}`,
		},
		{
			name: "a share as a percentage and decimals that sum inexactly",
			csv:  "item,sales\nA,0.1\nB,0.1\nC,0.1\nD,0.1\nE,0.1\nF,0.1\nG,0.1\nH,0.1\nI,0.1\nJ,0.1\n",
			args: []string{"--share", "70%"},
			want: `{"items":10,"total":1,"share_of_value":0.7,"items_needed":7,"share_of_items":0.7,"gini":0,"abc":{"A":8,"B":2,"C":0}}`,
		},
		{
			name: "thirds: 12 significant digits",
			csv:  "item,sales\nA,98\nB,1\nC,1\n",
			args: []string{"--share", "0.9"},
			want: `{"items":3,"total":100,"share_of_value":0.9,"items_needed":1,"share_of_items":0.333333333333,"gini":0.646666666667,"abc":{"A":1,"B":0,"C":2}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"pareto", "--input", "-", "--id", "item", "--value", "sales"}, tt.args...)
			code, stdout, stderr := runCLI(t, tt.csv, args...)
			if code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr)
			}
			if got := strings.TrimSpace(stdout); got != tt.want {
				t.Errorf("output\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}
