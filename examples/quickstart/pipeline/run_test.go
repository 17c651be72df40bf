package pipeline

import (
	"bytes"
	"context"
	"io"
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
