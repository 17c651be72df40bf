// Command c360 runs the c360 SDK over CSV and JSON Lines exports.
//
// Usage:
//
//	c360 <command> [flags]
//
// Run "c360 help" for the list of commands and "c360 <command> -h" for the
// flags of one command. Each command reads files or standard input, writes
// its result to standard output or the files named by its flags, and reports
// problems on standard error. The exit code is 0 on success, 1 when the work
// failed (bad input, a failed line) and 2 for a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
)

// env is what a command may touch: its arguments and standard streams. Tests
// run commands through it without a subprocess.
type env struct {
	args   []string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand of c360.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env) error
}

// commands holds every subcommand; each command's file adds itself in an init
// function, so that commands can be written independently of each other.
var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("c360: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// errUsage marks an error caused by how the command was called; it exits 2.
var errUsage = errors.New("usage error")

// usageError wraps a message as a usage error.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// exitError carries an exit code without a further message; the command has
// already reported what went wrong.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printHelp(stderr)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		printHelp(stdout) // asked for: standard output, as GNU tools do
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "c360: unknown command %q\n", args[0])
		printHelp(stderr)
		return 2
	}
	err := c.run(ctx, &env{args: args[1:], stdin: stdin, stdout: stdout, stderr: stderr})
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "c360 %s: %v\n", c.name, err)
		return 2
	default:
		fmt.Fprintf(stderr, "c360 %s: %v\n", c.name, err)
		return 1
	}
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "usage: c360 <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}

// newFlagSet returns a flag set for a command that reports errors instead of
// exiting. It prints its usage on the command's standard error after a bad
// flag, and on standard output when the usage was asked for (-h, -help or
// --help).
func newFlagSet(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("c360 "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	if helpAsked(e.args) {
		fs.SetOutput(e.stdout)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: c360 %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// helpAsked reports whether args ask for the usage before any "--".
func helpAsked(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "-h=true", "--help=true", "-help=true":
			return true
		}
	}
	return false
}

// parseFlags parses args, turning a flag error (which the flag package has
// already printed with the usage) into exit status 2 and -h into
// flag.ErrHelp. Positional arguments are refused as a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitError{code: 2} // the flag package has printed the error and the usage
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// multiFlag is a repeatable string flag (--field a=b --field c=d).
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint(*m) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
