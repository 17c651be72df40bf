package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/c360/c360/server"
)

// serveHostName is the server over the durable stores, built from the
// nested module server/host (its drivers may not enter this module).
const serveHostName = "c360-serve"

// serveDurable runs `c360 serve --store bolt:PATH|postgres:URL` by handing
// over to c360-serve with the same flags: the c360-serve on PATH, or else
// one built from the source tree the command runs in (server/host, found
// from the working directory upwards; the build is cached by the go
// command). Without --tokens it makes the one-off admin token as the
// in-memory server does, in a file that lives as long as the run, and
// prints it on the second line. SIGINT and SIGTERM are passed on; the exit
// status is c360-serve's.
func serveDurable(ctx context.Context, e *env, args []string, tokensGiven bool) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	bin, err := findServeHost(ctx, e)
	if err != nil {
		return err
	}
	oneOff := ""
	if !tokensGiven {
		dir, err := os.MkdirTemp("", "c360-serve-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		secret, tok, err := server.NewToken("one-off admin token of c360 serve", []server.Scope{server.ScopeAdmin}, time.Now())
		if err != nil {
			return err
		}
		set, err := server.NewTokenSet(tok)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, "tokens.json")
		if err := set.WriteFile(path); err != nil {
			return err
		}
		args = append(args, "--tokens", path)
		oneOff = secret
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute // c360-serve's own --shutdown-timeout governs; this is the backstop
	cmd.Stdin, cmd.Stderr = e.stdin, e.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", bin, err)
	}
	// The first line is the address it listens on; the token goes second,
	// as the in-memory server prints them.
	r := bufio.NewReader(out)
	if line, err := r.ReadString('\n'); line != "" {
		fmt.Fprint(e.stdout, line)
		if oneOff != "" && err == nil {
			fmt.Fprintf(e.stdout, "c360 serve: admin token for this run (no --tokens): %s\n", oneOff)
		}
	}
	io.Copy(e.stdout, r)
	err = cmd.Wait()
	var xe *exec.ExitError
	switch {
	case errors.As(err, &xe) && xe.ExitCode() > 0:
		return exitError{code: xe.ExitCode()} // c360-serve said why on standard error
	case ctx.Err() != nil:
		return nil // stopped by the signal passed on (Wait reports the context)
	}
	return err
}

// findServeHost returns the path of a c360-serve to run: on PATH, or built
// from the source tree (into the user's cache directory).
func findServeHost(ctx context.Context, e *env) (string, error) {
	if p, err := exec.LookPath(serveHostName); err == nil {
		return p, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root := sourceRoot(wd)
	if root == "" {
		return "", fmt.Errorf("--store: this c360 binary links no durable store (their drivers live in the nested module server/host); install %s (go install ./cmd/c360-serve in server/host) or run c360 inside its source tree", serveHostName)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	bin := filepath.Join(cache, "c360", serveHostName)
	fmt.Fprintf(e.stderr, "c360 serve: the durable stores are served by %s (server/host); building it from %s\n", serveHostName, root)
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/c360-serve")
	build.Dir = filepath.Join(root, "server", "host")
	build.Stdout, build.Stderr = e.stderr, e.stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("building %s in %s: %w", serveHostName, build.Dir, err)
	}
	return bin, nil
}

// sourceRoot returns the root of c360's source tree that holds dir (the
// directory whose go.mod declares module github.com/c360/c360 and which has
// server/host), or "".
func sourceRoot(dir string) string {
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(b, []byte("module github.com/c360/c360\n")) {
			if _, err := os.Stat(filepath.Join(dir, "server", "host", "go.mod")); err == nil {
				return dir
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
