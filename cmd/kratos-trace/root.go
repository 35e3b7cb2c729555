package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// Exit codes of kratos-trace.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitStalled     = 3 // --stall: no phase was reached in time
	exitInterrupted = 130
)

// exitError carries an exit code chosen by a command, with the message
// already shown to the user.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// streams are the process's standard files, passed down so tests can
// capture them.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// run executes the command line args and returns the process exit code.
func run(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	io := streams{in: in, out: out, err: errOut}
	root := newRootCommand(io)
	root.SetArgs(args)
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var usageErr *usageError
	if errors.As(err, &usageErr) {
		printUsageError(errOut, usageErr)
		return exitUsage
	}
	var ue *tracer.UserError
	if errors.As(err, &ue) {
		printUserError(errOut, ue)
		return exitFailed
	}
	if ctx.Err() != nil {
		fmt.Fprintln(errOut, "kratos-trace: interrupted")
		return exitInterrupted
	}
	fmt.Fprintf(errOut, "kratos-trace: %v\n", err)
	return exitFailed
}

// printUserError shows a UserError as one sentence, its detail and a hint.
func printUserError(w io.Writer, ue *tracer.UserError) {
	fmt.Fprintf(w, "kratos-trace: %s", userErrorText(ue))
}

// userErrorText is a UserError's sentence, its detail lines indented, and
// its hint, each line ending in a newline.
func userErrorText(ue *tracer.UserError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", ue.Msg)
	if ue.Detail != "" {
		for _, line := range strings.Split(ue.Detail, "\n") {
			fmt.Fprintf(&b, "  %s\n", line)
		}
	}
	if ue.Hint != "" {
		fmt.Fprintf(&b, "hint: %s\n", ue.Hint)
	}
	return b.String()
}

func newRootCommand(io streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "kratos-trace",
		Short: "Watch a Kratos service boot and shut down, phase by phase, under a debugger",
		Long: `kratos-trace builds a Kratos service without optimisations, runs it under an
embedded Delve debugger and stops at every phase of its life: flag.Parse,
config.Load and Scan into Bootstrap, wireApp and each provider (or kratos.New),
then App.Run (buildInstance, hooks, each server's Start, registration, the
running state) and the shutdown after SIGTERM (App.Stop, BeforeStop hooks,
deregistration, each server's Stop, AfterStop).

It shows the real values of the running program: the decoded Bootstrap with
where each value came from (file:line, env, placeholder), the App's servers,
the registered instance, each provider's results, and the arguments and
locals at every stop. Ask your own questions with --watch, --break, Go
expressions in the terminal UI and scripts; follow a request through
transport, middleware, service, biz and data with --request; compare two
boots with diff and --baseline.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// Every command inherits it: a flag cobra cannot parse is a usage
	// error.
	root.SetFlagErrorFunc(flagUsage)
	// With Args and RunE of its own, a first word that names no command is
	// the root's usage error, rather than cobra's own error text.
	root.Args = unknownCommand
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	root.DisableFlagsInUseLine = true
	root.SuggestionsMinimumDistance = 2
	root.AddCommand(newRunCommand(io))
	root.AddCommand(newPhasesCommand(io))
	root.AddCommand(newConnectCommand(io))
	root.AddCommand(newAttachCommand(io))
	root.AddCommand(newReplayCommand(io))
	root.AddCommand(newExportCommand(io))
	root.AddCommand(newDiffCommand(io))
	root.AddCommand(newTourCommand(io))
	return root
}
