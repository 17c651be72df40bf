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

func TestNoArgsPrintsHelp(t *testing.T) {
	code, _, stderr := runCLI(t, "")
	if code != 2 || !strings.Contains(stderr, "usage: c360") {
		t.Errorf("got code %d, stderr %q; want 2 and the usage", code, stderr)
	}
}
