package main

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/spf13/cobra"

	"github.com/kratos-trace/kratos-trace/tracer"
	"github.com/kratos-trace/kratos-trace/tracer/diff"
	"github.com/kratos-trace/kratos-trace/tracer/headless"
	"github.com/kratos-trace/kratos-trace/tracer/replay"
	"github.com/kratos-trace/kratos-trace/tracer/script"
	"github.com/kratos-trace/kratos-trace/tui"
)

// replayOptions are the flags of `kratos-trace replay`.
type replayOptions struct {
	headless bool
	json     bool
	script   string
	lang     string
	// baselineFlags: --baseline (baseline.go).
	baselineFlags baselineFlags
}

func newReplayCommand(io streams) *cobra.Command {
	var opts replayOptions
	cmd := &cobra.Command{
		Use:   "replay [flags] FILE.jsonl",
		Short: "Play back a recorded trace: no program, no debugger, no build",
		Long: `Play back a trace recorded with kratos-trace run --record FILE.jsonl.

The recording holds every event of the run, with the Bootstrap, the servers,
the program's output and the source around each stop, so a replay needs
neither the program's source tree nor Delve nor ptrace. It opens the same
terminal UI as a live run; --headless and --json print it as a live run
prints.

A recording whose last line was cut short (the run was killed) replays up to
its last whole line and says so. A damaged line is reported as FILE:LINE.`,
		Example: `  kratos-trace run --record boot.jsonl ./demo
  kratos-trace replay boot.jsonl
  kratos-trace replay --headless boot.jsonl
  kratos-trace replay --script demo/lessons/01-boot.kts boot.jsonl`,
		Args: exactArgs(1, "the recording to replay", "kratos-trace replay boot.jsonl", "one recording"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.json {
				opts.headless = true
			}
			if opts.script != "" && opts.json {
				return usage("--script prints its own report and does not go with --json", "")
			}
			lang, err := pickLang(opts.lang)
			if err != nil {
				return err
			}
			return runReplay(cmd.Context(), io, args[0], lang, opts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.headless, "headless", false, "print the trace instead of opening the terminal UI")
	f.BoolVar(&opts.json, "json", false, "print one JSON object per line (implies --headless)")
	f.StringVar(&opts.script, "script", "", "drive the replay from the script `FILE`, as run --script does")
	addLangFlag(cmd, &opts.lang)
	addBaselineFlags(f, &opts.baselineFlags)
	return cmd
}

// runReplay reads the recording, then plays it in the TUI, the headless
// printer or a script.
func runReplay(ctx context.Context, io streams, path string, lang tracer.Lang, opts replayOptions) error {
	base, err := loadBaseline(io, opts.baselineFlags)
	if err != nil {
		return err
	}
	if opts.script != "" {
		// The script is checked before the recording is even read.
		s, err := loadScript(io, opts.script)
		if err != nil {
			return err
		}
		rec, err := readRecording(io, path)
		if err != nil {
			return err
		}
		start := func(context.Context) (tracer.Source, error) {
			return replay.NewSource(rec, replay.Options{}), nil
		}
		// The recording's events are masked already, as it says.
		view := lessonView{headless: opts.headless, target: rec.Header.Target + " (replay)", lang: lang, baseline: base.liveCompare(bootOf(rec), false, nil)}
		err = runLesson(ctx, io, s, view, start)
		return base.check(io, io.out, bootOf(rec), lang, err)
	}
	rec, err := readRecording(io, path)
	if err != nil {
		return err
	}
	if !opts.headless {
		if isTerminal(io) {
			return base.check(io, io.out, bootOf(rec), lang, replayTUI(ctx, rec, lang, base))
		}
		fmt.Fprintln(io.err, "kratos-trace: not a terminal, printing the replay instead (use --headless to say so)")
	}
	return base.check(io, diffOut(io, opts.json), bootOf(rec), lang, replayHeadless(ctx, io, rec, lang, opts))
}

// replayHeadless prints the replay as a live run prints.
func replayHeadless(ctx context.Context, io streams, rec *replay.Recording, lang tracer.Lang, opts replayOptions) error {
	res, err := headless.Run(ctx, replay.NewSource(rec, replay.Options{}), headless.Options{
		Out:  io.out,
		Log:  io.err,
		JSON: opts.json,
		Lang: lang,
	})
	if errors.Is(err, headless.ErrInterrupted) {
		return &exitError{code: exitInterrupted}
	}
	if err != nil {
		return err
	}
	if !rec.Complete() {
		// The warning said so when the recording was read; what there was
		// has been replayed.
		return nil
	}
	return traceOutcome(io, res)
}

// replayTUI opens the terminal UI on the recording.
func replayTUI(ctx context.Context, rec *replay.Recording, lang tracer.Lang, base *baseline) error {
	opts := replayTUIOptions(rec)
	opts.Lang = lang
	// The recording's events are masked already, as it says.
	opts.Baseline = base.liveCompare(bootOf(rec), false, nil)
	err := tui.Run(ctx, opts)
	if err != nil && ctx.Err() != nil {
		return &exitError{code: exitInterrupted}
	}
	if err != nil {
		return fmt.Errorf("terminal UI: %w", err)
	}
	return nil
}

// replayTUIOptions feeds the TUI from the recording; its restart key starts
// the replay over. The replay is a tracer.Rewinder, so the TUI offers going
// back; it stays open after the exit (replay.Options.StayOpen), so that one
// can still go back from the end. Quitting the TUI closes it.
func replayTUIOptions(rec *replay.Recording) tui.Options {
	return tui.Options{
		Target: rec.Header.Target + " (replay)",
		Start: func(context.Context) (tracer.Source, error) {
			return replay.NewSource(rec, replay.Options{StayOpen: true}), nil
		},
	}
}

// readRecording reads a recording, reports what it holds on stderr, and
// turns a bad file into one clear message and exit status 1.
func readRecording(io streams, path string) (*replay.Recording, error) {
	rec, err := replay.Read(path)
	if err != nil {
		fmt.Fprintf(io.err, "kratos-trace: %v\n", err)
		var le *replay.LineError
		if errors.As(err, &le) && le.Line > 1 {
			fmt.Fprintln(io.err, "hint: the lines before it are fine; a recording is JSON lines, one event a line, and must not be edited by hand")
		}
		return nil, &exitError{code: exitFailed}
	}
	h := rec.Header
	fmt.Fprintf(io.err, "kratos-trace: replaying %s: %s recorded %s by kratos-trace %s (kratos %s, %s, %s/%s)%s\n",
		path, h.Target, h.Started.Local().Format("2006-01-02 15:04:05"), h.KratosTrace, orUnknown(h.KratosVersion), orUnknown(h.GoVersion), h.OS, h.Arch, unredactedNote(h))
	if w := rec.Warning(); w != "" {
		fmt.Fprintf(io.err, "kratos-trace: %s\n", w)
	}
	return rec, nil
}

func unredactedNote(h replay.Header) string {
	if !h.Redacted {
		return "; recorded with --no-redact: secrets are not masked"
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// lessonView says where a script's lesson is shown.
type lessonView struct {
	headless bool
	target   string
	lang     tracer.Lang
	// outputLines and baseline are the TUI's (tui.Options.OutputLines,
	// tui.Options.Baseline): --output-lines and --baseline.
	outputLines int
	baseline    func([]tracer.Event) *diff.Result
}

// runLesson drives a trace from a script. In a terminal, unless --headless,
// it opens the TUI with the Notes pane: the script pauses where it says, its
// notes and checks appear in the pane, and the user goes on with "next"
// (see script.Lesson); the restart key starts the lesson over. Otherwise the
// script's report is printed. Either way a failed line makes the exit
// status 1.
func runLesson(ctx context.Context, io streams, s *script.Script, view lessonView, start func(context.Context) (tracer.Source, error)) error {
	if view.headless || !isTerminal(io) {
		if !view.headless {
			fmt.Fprintln(io.err, "kratos-trace: not a terminal, printing the lesson instead (use --headless to say so)")
		}
		src, err := start(ctx)
		if err != nil {
			return err
		}
		return runScript(ctx, io, src, s)
	}
	opts, lesson := lessonTUIOptions(s, view, start)
	err := tui.Run(ctx, opts)
	if err != nil && ctx.Err() != nil {
		return &exitError{code: exitInterrupted}
	}
	if err != nil {
		return fmt.Errorf("terminal UI: %w", err)
	}
	last := lesson()
	if last == nil {
		return nil
	}
	// tui.Run has closed the lesson: its result is final.
	return scriptOutcome(io, s, last.Result())
}

// lessonTUIOptions shows a script's lesson in the TUI, with the Notes pane
// open. lesson returns the newest lesson started (the restart key starts
// one anew), nil before the first.
func lessonTUIOptions(s *script.Script, view lessonView, start func(context.Context) (tracer.Source, error)) (opts tui.Options, lesson func() *script.Lesson) {
	var mu sync.Mutex
	var last *script.Lesson
	opts = tui.Options{
		Target:      view.target,
		Lang:        view.lang,
		Notes:       true,
		OutputLines: view.outputLines,
		Baseline:    view.baseline,
		Start: func(ctx context.Context) (tracer.Source, error) {
			src, err := start(ctx)
			if err != nil {
				return nil, err
			}
			l := script.NewLesson(src, s)
			mu.Lock()
			last = l
			mu.Unlock()
			return l, nil
		},
	}
	return opts, func() *script.Lesson {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
}
