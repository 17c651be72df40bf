package main

import (
	"strings"
	"testing"
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
