package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/kratos-trace/kratos-trace/tracer"
)

// addStallFlag adds --stall, which run and connect share.
func addStallFlag(f *pflag.FlagSet, opts *runOptions) {
	f.DurationVar(&opts.stall, "stall", 0, "with --headless: when no phase is reached for this `DURATION` of the program's running time before app.running (or after SIGTERM), halt it, print where every goroutine waits, end the trace and exit with status 3")
}

// checkStall refuses a --stall the trace could not honour: a negative one,
// or one for the terminal UI, where the user halts the program themselves.
// Off a terminal the UI falls back to the headless printer, so there it
// is accepted.
func checkStall(io streams, opts runOptions) error {
	switch {
	case opts.stall < 0:
		return usage(fmt.Sprintf("--stall %s is negative", opts.stall), "give how long the boot may go without reaching a phase, e.g. --stall 30s")
	case opts.stall > 0 && opensTUI(io, opts):
		return usage("--stall is for a trace that runs by itself: add --headless (or --json)", "in the terminal UI, halt the program yourself to see where it waits")
	}
	return nil
}

// stallOutcome reports a stall on stderr and makes it the exit status 3,
// so that CI tells a boot that hangs from one that fails.
func stallOutcome(io streams, ev *tracer.Event) error {
	fmt.Fprintf(io.err, "kratos-trace: the trace stalled: %s\n", ev.Reason)
	fmt.Fprintln(io.err, "hint: the stall event lists every goroutine with its stack; see \"A service that hangs at start\" in docs/TROUBLESHOOTING.md")
	return &exitError{code: exitStalled}
}
