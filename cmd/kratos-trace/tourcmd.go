package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kratos-trace/kratos-trace/cmd/kratos-trace/internal/tour"
	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/headless"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tui"
)

// tourOptions are the flags of `kratos-trace tour`.
type tourOptions struct {
	headless bool
	lang     string
}

func newTourCommand(io streams) *cobra.Command {
	var opts tourOptions
	cmd := &cobra.Command{
		Use:   "tour",
		Short: "Walk through a Kratos boot and shutdown, with notes: no Go, no source, no debugger needed",
		Long: `Open the terminal UI on a recording of the demo service that is built into
kratos-trace, with the Notes pane on: at each phase it explains what the code
does and why, what to look at and where to read on in the Kratos source.

The recording is a real run of ./demo (kratos v2.9.2) under the debugger, so
the tour needs neither Go nor the demo's source nor ptrace, and runs on
Linux, macOS and Windows. n goes to the next phase, p back to the previous
one, t sends SIGTERM at app.running, N hides or shows the notes, ? lists
every key.

With --headless the whole tour is printed, each phase with its note.`,
		Example: `  kratos-trace tour
  kratos-trace tour --lang zh
  kratos-trace tour --headless | less`,
		Args: exactArgs(0, "", "", "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			lang, err := pickLang(opts.lang)
			if err != nil {
				return err
			}
			return runTour(cmd.Context(), io, lang, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.headless, "headless", false, "print the tour with its notes instead of opening the terminal UI")
	addLangFlag(cmd, &opts.lang)
	return cmd
}

// runTour plays the built-in recording in the TUI, or prints it.
func runTour(ctx context.Context, io streams, lang tracer.Lang, opts tourOptions) error {
	rec, err := tour.Recording()
	if err != nil {
		return err
	}
	if !opts.headless {
		if isTerminal(io) {
			return tourTUI(ctx, rec, lang)
		}
		fmt.Fprintln(io.err, "kratos-trace: not a terminal, printing the tour instead (use --headless to say so)")
	}
	res, err := headless.Run(ctx, replay.NewSource(rec, replay.Options{}), headless.Options{
		Out:   io.out,
		Log:   io.err,
		Lang:  lang,
		Notes: true,
	})
	if errors.Is(err, headless.ErrInterrupted) {
		return &exitError{code: exitInterrupted}
	}
	if err != nil {
		return err
	}
	return traceOutcome(io, res)
}

// tourTUI opens the terminal UI on the tour with the notes on; restart
// plays it again from the start. As in replayTUIOptions, the replay stays
// open after the exit, so that one can go back from the end.
func tourTUI(ctx context.Context, rec *replay.Recording, lang tracer.Lang) error {
	err := tui.Run(ctx, tui.Options{
		Target: rec.Header.Target + " (tour)",
		Start: func(context.Context) (tracer.Source, error) {
			return replay.NewSource(rec, replay.Options{StayOpen: true}), nil
		},
		Lang:  lang,
		Notes: true,
	})
	if err != nil && ctx.Err() != nil {
		return &exitError{code: exitInterrupted}
	}
	if err != nil {
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}
