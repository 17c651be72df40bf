package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEval(t *testing.T) {
	clusters := writeMatchFile(t, "clusters.csv", "record_id,cluster_id\nrec-1-org,a\nrec-1-dup-0,a\nrec-2-org,b\nrec-2-dup-0,c\nrec-3-org,a\n")
	truth := writeMatchFile(t, "truth.csv", "record_id,entity_id\nrec-1-org,E1\nrec-1-dup-0,E1\nrec-2-org,E2\nrec-2-dup-0,E2\nrec-3-org,E3\n")
	// Predicted pairs: (1o,1d) (1o,3o) (1d,3o) = 3; true pairs: (1o,1d) (2o,2d) = 2; correct 1.
	want := "records\t5\ntrue_pairs\t2\npredicted_pairs\t3\ncorrect_pairs\t1\nprecision\t0.3333\nrecall\t0.5000\nf1\t0.4000\n"
	for _, args := range [][]string{
		{"eval", "--clusters", clusters, "--truth", truth},
		{"eval", "--clusters", clusters, "--id-pattern", `rec-(\d+)-`},
	} {
		code, stdout, stderr := runCLI(t, "", args...)
		if code != 0 || stdout != want {
			t.Errorf("%v: exit %d, stdout\n%s\nstderr %s\nwant\n%s", args, code, stdout, stderr, want)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	clusters := writeMatchFile(t, "clusters.csv", "record_id,cluster_id\nr1,a\nr2,a\n")
	truth := writeMatchFile(t, "truth.csv", "record_id,entity_id\nr1,E1\n")
	code, _, stderr := runCLI(t, "", "eval", "--clusters", clusters, "--truth", truth)
	if code != 1 || !strings.Contains(stderr, `line 3: record "r2" is not in`) {
		t.Errorf("exit %d, stderr %q; want 1 naming line 3", code, stderr)
	}
	code, _, _ = runCLI(t, "", "eval", "--clusters", clusters)
	if code != 2 {
		t.Errorf("no truth: exit %d, want 2", code)
	}
}

// The records of the link evaluations: entity E1 has one record on the left
// and two on the right, E2 one on each side, E3 only a left one and E4 only a
// right one. True (left, right) pairs: 2 of E1 and 1 of E2; one-to-one links
// can hold at most 2 of the 3.
const (
	evalLeftCSV  = "id,name\nE1-a,x\nE2-a,y\nE3-a,z\n"
	evalRightCSV = "id,name\nE1-b,x\nE1-c,x\nE2-b,y\nE4-b,z\n"
	evalTruthCSV = "record_id,entity_id\nE1-a,1\nE2-a,2\nE3-a,3\nE1-b,1\nE1-c,1\nE2-b,2\nE4-b,4\n"
)

func TestEvalLinks(t *testing.T) {
	left := writeMatchFile(t, "a.csv", evalLeftCSV)
	right := writeMatchFile(t, "b.csv", evalRightCSV)
	truth := writeMatchFile(t, "truth.csv", evalTruthCSV)
	tests := []struct {
		name   string
		links  string
		want   string
		reason string
	}{
		{
			name:   "one right, one wrong, one missed",
			links:  "left_id,right_id,probability\nE1-a,E1-b,0.99\nE2-a,E2-b,0.98\nE3-a,E4-b,0.80\n",
			want:   "left_records\t3\nright_records\t4\ntrue_pairs\t3\npredicted_pairs\t3\ncorrect_pairs\t2\nprecision\t0.6667\nrecall\t0.6667\nf1\t0.6667\nmax_recall_one_to_one\t0.6667\n",
			reason: "E1-a–E1-c is missed; E3-a–E4-b links two entities",
		},
		{
			name:   "every true pair, extra columns ignored",
			links:  "left_id,right_id,probability,name\nE1-a,E1-c,0.9,1.2\nE1-a,E1-b,0.9,1.2\nE2-a,E2-b,0.9,1.2\n",
			want:   "left_records\t3\nright_records\t4\ntrue_pairs\t3\npredicted_pairs\t3\ncorrect_pairs\t3\nprecision\t1.0000\nrecall\t1.0000\nf1\t1.0000\nmax_recall_one_to_one\t0.6667\n",
			reason: "a left record linked to two right records of its entity: both count",
		},
		{
			name:   "no links",
			links:  "left_id,right_id,probability\n",
			want:   "left_records\t3\nright_records\t4\ntrue_pairs\t3\npredicted_pairs\t0\ncorrect_pairs\t0\nprecision\t1.0000\nrecall\t0.0000\nf1\t0.0000\nmax_recall_one_to_one\t0.6667\n",
			reason: "precision is 1 without predictions, as for clusters",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			links := writeMatchFile(t, "links.csv", tt.links)
			for _, truthArgs := range [][]string{{"--truth", truth}, {"--id-pattern", `^(E\d+)-`}} {
				args := append([]string{"eval", "--links", links, "--left", left, "--right", right, "--id", "id"}, truthArgs...)
				code, stdout, stderr := runCLI(t, "", args...)
				if code != 0 {
					t.Fatalf("%v: exit %d, stderr %s", truthArgs, code, stderr)
				}
				if diff := cmp.Diff(tt.want, stdout); diff != "" {
					t.Errorf("%v (%s): output (-want +got):\n%s", truthArgs, tt.reason, diff)
				}
			}
		})
	}
}

func TestEvalLinksErrors(t *testing.T) {
	left := writeMatchFile(t, "a.csv", evalLeftCSV)
	right := writeMatchFile(t, "b.csv", evalRightCSV)
	truth := writeMatchFile(t, "truth.csv", evalTruthCSV)
	tests := []struct {
		name    string
		links   string
		truth   string // truth CSV content; "" uses evalTruthCSV
		wantErr string
	}{
		{"unknown left ID", "left_id,right_id\nE1-a,E1-b\nE9-a,E1-b\n", "", `links.csv: line 3: left_id "E9-a" is not in`},
		{"right ID from the left file", "left_id,right_id\nE1-a,E1-a\n", "", `links.csv: line 2: right_id "E1-a" is not in`},
		{"duplicate link", "left_id,right_id\nE1-a,E1-b\nE2-a,E2-b\nE1-a,E1-b\n", "", "line 4: duplicate link E1-a,E1-b (first on line 2)"},
		{"no right_id column", "left_id,right\nE1-a,E1-b\n", "", "right_id"},
		{"right record not in truth", "left_id,right_id\n", "record_id,entity_id\nE1-a,1\nE2-a,2\nE3-a,3\nE1-b,1\nE1-c,1\nE2-b,2\n", `b.csv: line 5: record "E4-b" is not in`},
		{"truth record in neither file", "left_id,right_id\n", evalTruthCSV + "E5-a,5\n", `truth.csv: line 9: record "E5-a" is not in`},
		{"empty entity", "left_id,right_id\n", "record_id,entity_id\nE1-a,1\nE2-a,\nE3-a,3\nE1-b,1\nE1-c,1\nE2-b,2\nE4-b,4\n", `a.csv: line 3: record "E2-a": empty entity`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			links := writeMatchFile(t, "links.csv", tt.links)
			tp := truth
			if tt.truth != "" {
				tp = writeMatchFile(t, "truth.csv", tt.truth)
			}
			code, stdout, stderr := runCLI(t, "", "eval", "--links", links, "--left", left, "--right", right, "--id", "id", "--truth", tp)
			if code != 1 || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want 1 naming %q", code, stderr, tt.wantErr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
}

func TestEvalUsage(t *testing.T) {
	f := writeMatchFile(t, "x.csv", "record_id,cluster_id\nr1,a\n")
	tests := []struct {
		name string
		args []string
	}{
		{"neither clusters nor links", []string{"--id-pattern", "(r)"}},
		{"clusters and links", []string{"--clusters", f, "--links", f, "--left", f, "--right", f, "--id", "record_id", "--id-pattern", "(r)"}},
		{"links without the sides", []string{"--links", f, "--id-pattern", "(r)"}},
		{"links without --id", []string{"--links", f, "--left", f, "--right", f, "--id-pattern", "(r)"}},
		{"sides with clusters", []string{"--clusters", f, "--left", f, "--id-pattern", "(r)"}},
		{"truth and pattern", []string{"--clusters", f, "--truth", f, "--id-pattern", "(r)"}},
		{"pattern without a group", []string{"--clusters", f, "--id-pattern", "r"}},
		{"bad pattern", []string{"--clusters", f, "--id-pattern", "(r"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", append([]string{"eval"}, tt.args...)...)
			if code != 2 || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and no output", code, stdout, stderr)
			}
		})
	}
}

func TestEvalClustersEmptyEntity(t *testing.T) {
	clusters := writeMatchFile(t, "clusters.csv", "record_id,cluster_id\nr1,a\nr2,a\n")
	truth := writeMatchFile(t, "truth.csv", "record_id,entity_id\nr1,E1\nr2,\n")
	code, _, stderr := runCLI(t, "", "eval", "--clusters", clusters, "--truth", truth)
	if code != 1 || !strings.Contains(stderr, `clusters.csv: line 3: record "r2": empty entity`) {
		t.Errorf("exit %d, stderr %q; want 1 naming line 3 and the empty entity", code, stderr)
	}
}
