package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/delve"
	"github.com/kratos-trace/kratos-trace/tracer/headless"
	"github.com/kratos-trace/kratos-trace/tracer/system"
	"github.com/kratos-trace/kratos-trace/tui"
)

// runOptions are the flags of `kratos-trace run`.
type runOptions struct {
	headless    bool
	json        bool
	hold        time.Duration
	stopTimeout time.Duration
	workingDir  string
	noCache     bool
	// outputLines bounds the TUI's Output pane (tui.Options.OutputLines).
	outputLines int
	// stall ends a trace that reaches no phase for this long (exit 3).
	stall time.Duration

	// Recording, replay and scripts (recording.go).
	record    string
	noRedact  bool
	script    string
	traceOut  string
	recording *recording

	// --baseline (baseline.go): the recording this boot is compared with
	// at its end.
	baselineFlags baselineFlags
	base          *baseline

	// langFlag is --lang as given; lang is what it resolves to (pickLang).
	langFlag string
	lang     tracer.Lang

	// remote is set by `connect` (connectcmd.go): the trace goes through a
	// Delve server instead of a program built here.
	remote *remoteTarget
	// attach is set by `attach` (attachcmd.go): the trace attaches to a
	// program that already runs.
	attach *attachedTarget

	// Requests sent to the running App (requestflags.go).
	req      requestFlags
	requests []tracer.RequestSpec
	// inspect are --watch and --break (inspectflags.go).
	inspect inspectOptions

	// sys are --system and --together; system is the system traced, nil
	// for a single service (systemcmd.go).
	sys    systemFlags
	system *system.File
}

func newRunCommand(io streams) *cobra.Command {
	var opts runOptions
	cmd := &cobra.Command{
		Use:   "run [flags] PACKAGE... [-- PROGRAM ARGS...]",
		Short: "Build a Kratos service and trace its boot and shutdown",
		Long: `Build PACKAGE (a directory holding a main package, or one main package below
it such as cmd/server) with -gcflags=all=-N -l, run it under Delve and stop
at each lifecycle phase.

Without --headless a terminal UI opens. With --headless each phase is printed
as a block of text (or, with --json, as one JSON object per line); at
app.running the trace sends the --request requests, lets the program serve
for --hold, sends SIGTERM and traces the shutdown.

The program runs in its package directory unless --wd says otherwise, so a
kratos-layout project finds its default -conf ../../configs. Arguments after
-- go to the program.

Several PACKAGEs are traced together as a system, each started once the one
named before it is at app.running (the arguments after -- go to each); with
--system the services, their order and the processes they need (etcd) are
read from a system file. See docs/SYSTEMS.md.`,
		Example: `  kratos-trace run ./demo
  kratos-trace run --headless ./demo
  kratos-trace run --headless --json --hold 2s ./demo
  kratos-trace run --headless --break main.newApp --watch main.flagconf ./demo
  kratos-trace run --headless --request 'GET /helloworld/kratos' ./demo
  kratos-trace run --headless --stall 10s --baseline boot.jsonl ./cmd/server
  kratos-trace run ./cmd/server -- -conf ./configs
  kratos-trace run --headless ./cmd/server ./gateway/cmd/server
  kratos-trace run --headless --system demo/kratos-trace.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.sys.file == "" && (cmd.ArgsLenAtDash() == 0 || len(args) == 0) {
				return usage("requires the PACKAGE to trace, e.g. kratos-trace run ./demo", helpHint(cmd))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.inspect.check(); err != nil {
				return err
			}
			sys, err := systemOf(io, cmd, opts.sys, args, cmd.ArgsLenAtDash())
			if err != nil {
				return err
			}
			opts.system = sys
			target, programArgs := "", []string(nil)
			if sys == nil {
				target, programArgs = args[0], args[1:]
			} else {
				target = systemTarget(sys)
			}
			cfg := delve.Config{Target: target, Args: programArgs, WorkingDir: opts.workingDir, NoCache: opts.noCache,
				Watches: opts.inspect.watches, Breaks: opts.inspect.breaks, Stall: opts.stall}
			layers, err := opts.req.layerDirs()
			if err != nil {
				return err
			}
			cfg.Layers = layers
			cfg.KeepTimeouts = opts.req.keepTimeouts
			if opts.json {
				opts.headless = true
			}
			return runTrace(cmd, io, cfg, opts)
		},
	}
	f := cmd.Flags()
	addOutputFlags(f, &opts)
	addInspectFlags(f, &opts.inspect)
	f.DurationVar(&opts.hold, "hold", 0, "with --headless: how long the program runs and serves at app.running (try it meanwhile) before it gets SIGTERM")
	f.DurationVar(&opts.stopTimeout, "stop-timeout", 10*time.Second, "with --headless: how long the program may take to exit after SIGTERM before it is killed")
	f.StringVar(&opts.workingDir, "wd", "", "working directory of the program (default: the main package's directory)")
	f.BoolVar(&opts.noCache, "no-cache", false, "build the program afresh instead of reusing an unchanged debug build from the cache")
	addStallFlag(f, &opts)
	addLayerFlag(f, &opts.req)
	addSystemFlags(f, &opts.sys)
	return cmd
}

// addOutputFlags adds the flags that say where a trace goes, which run and
// connect share: the UI or headless text or JSON, a recording, a script, a
// trace file.
func addOutputFlags(f *pflag.FlagSet, opts *runOptions) {
	f.BoolVar(&opts.headless, "headless", false, "print the trace instead of opening the terminal UI")
	f.BoolVar(&opts.json, "json", false, "with --headless: print one JSON object per line (implies --headless)")
	f.StringVar(&opts.record, "record", "", "write every event to `FILE.jsonl` as it happens, secrets masked, for kratos-trace replay")
	f.BoolVar(&opts.noRedact, "no-redact", false, "with --record or --trace-out: write values that look secret (DSN passwords, token fields) as they are")
	f.StringVar(&opts.script, "script", "", "drive the trace from the script `FILE` (break, continue, print, expect, note...; see docs/SCRIPTS.md): in the TUI its notes show in the Notes pane, with --headless its report is printed")
	f.StringVar(&opts.traceOut, "trace-out", "", "at the end, write the trace to `FILE.json` in Chrome Trace Event Format, for Perfetto UI or chrome://tracing")
	f.StringVar(&opts.langFlag, "lang", "", langUsage)
	f.IntVar(&opts.outputLines, "output-lines", 0, fmt.Sprintf("in the terminal UI: how many lines of the program's output the Output pane keeps, saying how many scrolled out (default %d; --record keeps them all)", tui.DefaultOutputLines))
	addRequestFlags(f, &opts.req)
	addBaselineFlags(f, &opts.baselineFlags)
}

// runTrace starts the trace and hands it to the headless printer or the TUI.
func runTrace(cmd *cobra.Command, io streams, cfg delve.Config, opts runOptions) error {
	ctx := cmd.Context()
	if opts.script != "" && opts.json {
		return usage("--script prints its own report and does not go with --json", "")
	}
	if opts.outputLines < 0 {
		return usage(fmt.Sprintf("--output-lines %d is negative", opts.outputLines), fmt.Sprintf("give a number of lines, or 0 for the default of %d", tui.DefaultOutputLines))
	}
	lang, err := pickLang(opts.langFlag)
	if err != nil {
		return err
	}
	if opts.requests, err = opts.req.specs(); err != nil {
		return err
	}
	switch {
	case len(opts.requests) > 0 && opts.script != "":
		return usage("--request does not go with --script: the script sends its own requests", "write `request METHOD PATH` in the script where the request is to be sent")
	case len(opts.requests) > 0 && !opts.headless:
		return usage("--request goes with --headless", "in the terminal UI press R at app.running to pick a route and send it; in a script write `request METHOD PATH`")
	}
	if err := checkRequestServices(opts); err != nil {
		return err
	}
	opts.lang = lang
	if err := checkIgnoredFlags(io, opts, cmd.Flags().Changed("stop-timeout")); err != nil {
		return err
	}
	if opts.base, err = loadBaseline(io, opts.baselineFlags); err != nil {
		return err
	}
	rec, err := startRecording(io, cfg.Target, opts)
	if err != nil {
		return err
	}
	opts.recording = rec
	switch {
	case opts.script != "":
		err = runScriptedTrace(ctx, io, cfg, opts)
	case !opts.headless:
		err = runTUI(ctx, io, cfg, opts)
	default:
		err = runHeadless(ctx, io, cfg, opts)
	}
	err = rec.finish(io, err)
	return opts.base.check(io, diffOut(io, opts.json), rec.boot(), opts.lang, err)
}

// checkIgnoredFlags refuses, before anything is built, a flag that the
// trace as asked would ignore. stopTimeoutGiven says whether --stop-timeout
// was, since its default is not zero.
func checkIgnoredFlags(io streams, opts runOptions, stopTimeoutGiven bool) error {
	// --hold and --stop-timeout are for the headless printer alone: a
	// script and the terminal UI say themselves when the program gets
	// SIGTERM.
	for _, f := range []struct {
		given                 bool
		name, script, tuiHint string
	}{
		{opts.hold > 0, "--hold", "the script's sleep says how long the program serves", "in the terminal UI the program serves at app.running for as long as you stay there"},
		{stopTimeoutGiven, "--stop-timeout", "after its sigterm a script waits for the program, as long as --stall lets it", "in the terminal UI, q kills a program that does not exit"},
	} {
		switch {
		case f.given && opts.script != "":
			return usage(f.name+" does not go with --script: "+f.script, "")
		case f.given && opensTUI(io, opts):
			return usage(f.name+" is for a trace that runs by itself: add --headless (or --json)", f.tuiHint)
		}
	}
	switch {
	case opts.outputLines > 0 && opts.headless:
		return usage("--output-lines is for the terminal UI: --headless prints every line of the program's output", "")
	case opts.noRedact && opts.record == "" && opts.traceOut == "" && opts.baselineFlags.path == "":
		return usage("--no-redact goes with --record or --trace-out: it writes the values that look secret into their files as they are", "")
	}
	return checkStall(io, opts)
}

// diffOut is where the diff against --baseline is printed: after the
// trace, unless stdout is JSON lines of events.
func diffOut(io streams, json bool) io.Writer {
	if json {
		return io.err
	}
	return io.out
}

// runHeadless prints the trace of a live run.
func runHeadless(ctx context.Context, io streams, cfg delve.Config, opts runOptions) error {
	src, err := opts.startSource(ctx, cfg)
	if err != nil {
		if opts.json {
			// A failure before the trace began (go list could not read
			// the package) is an error event like every other one.
			writeJSONEvent(io.out, delve.ErrorEvent(err))
		}
		return err
	}
	stopTimeout := opts.stopTimeout
	if opts.system != nil && stopTimeout > 0 {
		// Each service gets the time in turn (tracer/system), and the
		// processes stop after them.
		stopTimeout *= time.Duration(len(opts.system.Services) + 1)
	}
	res, err := headless.Run(ctx, src, headless.Options{
		Out:         io.out,
		Log:         io.err,
		JSON:        opts.json,
		Lang:        opts.lang,
		Hold:        opts.hold,
		StopTimeout: stopTimeout,
		// A remote program is left serving, never signalled; an attached
		// one is detached from unless --sigterm asks for its shutdown.
		LeaveRunning: opts.remote != nil || opts.attach != nil && !opts.attach.sigterm,
		Requests:     opts.requests,
	})
	if errors.Is(err, headless.ErrInterrupted) {
		if opts.remote != nil || opts.attach != nil {
			fmt.Fprintln(io.err, "kratos-trace: interrupted")
		} else {
			fmt.Fprintln(io.err, "kratos-trace: interrupted; the program was stopped")
		}
		return &exitError{code: exitInterrupted}
	}
	if err != nil {
		return err
	}
	return traceOutcome(io, res)
}

// traceOutcome turns how the trace ended into the exit code.
func traceOutcome(io streams, res *headless.Result) error {
	if len(res.Services) > 0 {
		return systemOutcome(io, res)
	}
	switch {
	case res.Stalled != nil:
		return stallOutcome(io, res.Stalled)
	case res.Err != nil:
		lines := strings.Split(res.Err.Error, "\n")
		fmt.Fprintf(io.err, "kratos-trace: %s\n", lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(io.err, "  %s\n", l)
		}
		switch {
		case res.Err.Reason == "":
		case res.Err.File != "":
			// A failure inside the program: Reason is what it printed.
			fmt.Fprintf(io.err, "  %s\n", res.Err.Reason)
		default:
			fmt.Fprintf(io.err, "hint: %s\n", res.Err.Reason)
		}
		return &exitError{code: exitFailed}
	case res.Killed:
		return &exitError{code: exitFailed}
	case res.Signal != "":
		fmt.Fprintf(io.err, "kratos-trace: the program was killed by %s (exit status %d)\n", res.Signal, res.ExitCode)
		return &exitError{code: exitFailed}
	case res.ExitCode > 0:
		fmt.Fprintf(io.err, "kratos-trace: the program exited with status %d\n", res.ExitCode)
		return &exitError{code: exitFailed}
	case res.LeftRunning:
		return nil
	case !reached(res, tracer.PhaseExit):
		return &exitError{code: exitFailed}
	}
	return nil
}

func reached(res *headless.Result, id tracer.PhaseID) bool {
	for _, ev := range res.Phases {
		if ev.Phase == id {
			return true
		}
	}
	return false
}

// writeJSONEvent writes ev as one line of --json output.
func writeJSONEvent(w io.Writer, ev tracer.Event) {
	if b, err := json.Marshal(ev); err == nil {
		fmt.Fprintf(w, "%s\n", b)
	}
}
