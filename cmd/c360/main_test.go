package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCLI runs one command line in-process and returns its exit code and output.
func runCLI(t testing.TB, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUnknownCommand(t *testing.T) {
	code, _, stderr := runCLI(t, "", "no-such-command")
	if code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
	if !strings.Contains(stderr, `unknown command "no-such-command"`) {
		t.Errorf("stderr does not name the unknown command:\n%s", stderr)
	}
}

// TestHelpGoesToStandardOutput: usage asked for (help, -h, --help) is
// printed on standard output with exit 0; a usage error prints it on
// standard error with exit 2.
func TestHelpGoesToStandardOutput(t *testing.T) {
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string // a line each must contain; "" means empty
	}{
		{[]string{"help"}, 0, "usage: c360 <command>", ""},
		{[]string{"--help"}, 0, "usage: c360 <command>", ""},
		{[]string{"dedupe", "-h"}, 0, "usage: c360 dedupe", ""},
		{[]string{"link", "--help"}, 0, "usage: c360 link", ""},
		{[]string{"rfm", "-help"}, 0, "usage: c360 rfm", ""},
		{[]string{"dedupe", "--no-such-flag"}, 2, "", "usage: c360 dedupe"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			for _, c := range []struct{ name, got, want string }{{"stdout", stdout, tt.stdout}, {"stderr", stderr, tt.stderr}} {
				if (c.want == "") != (c.got == "") || !strings.Contains(c.got, c.want) {
					t.Errorf("%s = %q, want it to contain %q", c.name, c.got, c.want)
				}
			}
		})
	}
}

func TestNoArgsPrintsHelp(t *testing.T) {
	code, _, stderr := runCLI(t, "")
	if code != 2 || !strings.Contains(stderr, "usage: c360") {
		t.Errorf("got code %d, stderr %q; want 2 and the usage", code, stderr)
	}
}
