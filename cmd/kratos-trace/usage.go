package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// usageError is a command line kratos-trace cannot honour: a missing or
// extra argument, an unknown flag or command, a flag value it cannot read,
// flags that do not go together. Every command returns one for every such
// mistake, before anything is built or read, and run prints it in one
// place: one sentence, a hint, exit status 2.
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string { return e.msg }

// usage is the usage error msg, with hint (none when it is empty).
func usage(msg, hint string) error { return &usageError{msg: msg, hint: hint} }

// usageOf turns the *tracer.UserError a check of tracer's returns for a flag
// value (a --watch, a --break, a --request) into a usage error; other
// errors pass as they are.
func usageOf(err error) error {
	var ue *tracer.UserError
	if errors.As(err, &ue) {
		return usage(ue.Msg, ue.Hint)
	}
	return err
}

// helpHint points at a command's help, for mistakes its help answers.
func helpHint(cmd *cobra.Command) string {
	return fmt.Sprintf("see '%s --help'", cmd.CommandPath())
}

// flagUsage is every command's FlagErrorFunc: a flag cobra cannot parse
// (unknown, or a value of the wrong kind) is a usage error.
func flagUsage(cmd *cobra.Command, err error) error {
	return usage(err.Error(), helpHint(cmd))
}

// exactArgs is an Args check: the command takes n arguments. need says
// what it requires and example shows it ("the recording to replay",
// "kratos-trace replay boot.jsonl"); count says how many it accepts ("one
// recording").
func exactArgs(n int, need, example, count string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < n:
			return usage(fmt.Sprintf("requires %s, e.g. %s", need, example), helpHint(cmd))
		case len(args) > n:
			return usage(fmt.Sprintf("accepts %s, got %d: %q", count, len(args), args), helpHint(cmd))
		}
		return nil
	}
}

// unknownCommand is the root's Args check: any argument the root is left
// with named no command.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := helpHint(cmd)
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		hint = fmt.Sprintf("did you mean %s? %s", strings.Join(s, " or "), hint)
	}
	return usage(fmt.Sprintf("unknown command %q", args[0]), hint)
}

// printUsageError shows a usage error: its sentence and its hint.
func printUsageError(w io.Writer, e *usageError) {
	fmt.Fprintf(w, "kratos-trace: %s\n", e.msg)
	if e.hint != "" {
		fmt.Fprintf(w, "hint: %s\n", e.hint)
	}
}
