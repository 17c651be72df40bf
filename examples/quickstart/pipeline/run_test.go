package pipeline

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
)

// The sections' tests all read the output of one run on the in-memory
// stores: the pipeline is deterministic, and running it once keeps the
// tests fast (the matching engine estimates its model in each run).
var (
	runOnce sync.Once
	runOut  []byte
	runErr  error
)

func run(ctx context.Context, w io.Writer) error {
	runOnce.Do(func() {
		var buf bytes.Buffer
		runErr = Run(context.WithoutCancel(ctx), &buf, Stores{})
		runOut = buf.Bytes()
	})
	w.Write(runOut)
	return runErr
}

// idPattern matches a profile ID of the engine.
var idPattern = regexp.MustCompile(`<id>`)

// gap is two spaces or more: the padding of an aligned column.
var gap = regexp.MustCompile(`  +`)

// contains reports whether got holds want, where each "<id>" in want
// stands for a profile ID (the engine derives IDs from the records, so the
// tests name customers by what the output says about them), and two spaces
// or more stand for the padding of a column, whatever its width.
func contains(got, want string) bool {
	parts := idPattern.Split(want, -1)
	for i, p := range parts {
		parts[i] = gap.ReplaceAllString(regexp.QuoteMeta(p), "  +")
	}
	return regexp.MustCompile(strings.Join(parts, `P[a-z2-7]{10}`)).MatchString(got)
}
